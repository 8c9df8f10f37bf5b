//! The Rust target's judge: the schema's generated module and a small `main` speaking the
//! judge protocol, as a Cargo package in a cache folder
//! (`target/sockspec-test/rust/<schema stem>-<hash of the schema text>/`), built once with
//! the cargo on `PATH` into one target folder shared by every schema, and reused while the
//! schema (and this sockspec) do not change.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sockspec_model::Schema;
use sockspec_validator::vectors::{Actual, Vector};

use super::{Judge, external};

/// The program's `main`: one JSON line in (`{"from", "frame"}`), one verdict out.
const MAIN: &str = r#"#[allow(dead_code)]
mod protocol {
    include!("protocol.rs");
}

use std::io::{BufRead, Write};

use sockspec::__private::serde_json::{self, json};

fn main() {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("standard input reads");
        let request: serde_json::Value = serde_json::from_str(&line).expect("a judge request is JSON");
        let frame = request["frame"].as_str().expect("a judge request has a frame");
        let decoded = match request["from"].as_str() {
            Some("client") => protocol::ClientMessage::decode(frame).map(|m| m.name()),
            _ => protocol::ServerMessage::decode(frame).map(|m| m.name()),
        };
        let answer = match decoded {
            Ok(name) => json!({ "ok": name }),
            Err(e) => {
                let errors: Vec<serde_json::Value> = e
                    .errors
                    .iter()
                    .map(|e| json!({ "path": e.path, "code": e.code.as_str(), "message": e.message }))
                    .collect();
                json!({ "errors": errors })
            }
        };
        writeln!(out, "{answer}").expect("standard output writes");
    }
}
"#;

pub(crate) struct Rust {
    binary: PathBuf,
}

impl Judge for Rust {
    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        external(&mut Command::new(&self.binary), vectors)
    }
}

/// Generates and builds the judge for a schema, or finds the one built before.
pub(crate) fn judge(schema: &Schema, schema_path: &Path) -> anyhow::Result<Rust> {
    let text = std::fs::read(schema_path).with_context(|| format!("cannot read {}", schema_path.display()))?;
    let stem: String = schema_path
        .file_stem()
        .map_or_else(|| "schema".into(), |s| s.to_string_lossy().into_owned())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let hash = fnv1a(&[env!("CARGO_PKG_VERSION").as_bytes(), &text].concat());
    let root = cache_root().join("rust");
    let package = format!("judge_{stem}_{hash:016x}");
    let dir = root.join(format!("{stem}-{hash:016x}"));
    let target_dir = root.join("target");
    let binary = target_dir.join("debug").join(format!("{package}{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        return Ok(Rust { binary });
    }
    std::fs::create_dir_all(dir.join("src")).with_context(|| format!("cannot create {}", dir.display()))?;
    let source = schema_path.file_name().map_or_else(|| "schema".into(), |n| n.to_string_lossy().into_owned());
    let generated = sockspec_codegen::rust::generate(schema, &source);
    let module = generated.first().context("the Rust target writes one file")?;
    std::fs::write(dir.join("src/protocol.rs"), &module.contents)?;
    std::fs::write(dir.join("src/main.rs"), MAIN)?;
    std::fs::write(dir.join("Cargo.toml"), manifest(&package))?;
    eprintln!("building the Rust judge for {} in {} (once; later runs reuse it)", schema_path.display(), dir.display());
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .status();
    match status {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("the rust target needs cargo, which is not on PATH (install Rust from https://rustup.rs)")
        }
        Err(e) => return Err(anyhow::Error::new(e).context("cannot run cargo")),
        Ok(s) if !s.success() => bail!("cargo could not build the generated judge in {} ({s})", dir.display()),
        Ok(_) => {}
    }
    if !binary.is_file() {
        bail!("cargo built the judge, but {} is not there", binary.display());
    }
    Ok(Rust { binary })
}

/// The cache: `SOCKSPEC_CACHE_DIR`, else `sockspec-test` in Cargo's target folder
/// (`CARGO_TARGET_DIR`, else `target` here).
fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOCKSPEC_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let target = if target.is_relative() { std::env::current_dir().unwrap_or_default().join(target) } else { target };
    target.join("sockspec-test")
}

/// The judge's manifest: the runtime crate of this checkout when there is one (a build
/// from source), else the published one of this version.
fn manifest(package: &str) -> String {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sockspec");
    let dependency = match local.canonicalize() {
        Ok(path) if path.join("Cargo.toml").is_file() => {
            format!("sockspec = {{ path = {:?} }}", path.display().to_string())
        }
        _ => format!("sockspec = \"={}\"", env!("CARGO_PKG_VERSION")),
    };
    format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n\n[workspace]\n"
    )
}

/// FNV-1a, 64 bits: a cache key that stays the same across Rust versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
