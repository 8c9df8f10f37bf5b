//! The Rust target's judge: the generated module of each schema and a small `main` speaking
//! the judge protocol, as one Cargo package in a cache folder
//! (`target/sockspec-test/rust/<first schema's stem>-<hash of the schema texts>/`), built
//! once with the cargo on `PATH` into one target folder shared by every package, and reused
//! while the generated modules (and this sockspec) do not change. Every valid frame is also
//! encoded and decoded again; a different value is answered as `round_trip`. Several schemas judged in one run
//! (`sockspec test a.sockspec b.sockspec`) share one package and one build: each schema is a
//! module, and the program's argument picks which one judges.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sockspec_model::Schema;
use sockspec_validator::vectors::{Actual, Vector};

use super::{Judge, Judged, cache_root, external, external_writing};

/// The program's `main`, after the `mod protocol_N` lines, each schema's `judge_N` and the
/// `DECODE` table: its argument is the index of the schema that judges; one JSON line in
/// (`{"from", "frame"}`, and `"answers"` for a frame read as the answer to a request), one
/// verdict out (with `round_trip` where the value, encoded and decoded again, differs).
const MAIN: &str = r#"
use std::io::{BufRead, Write};

use sockspec::__private::serde_json::{self, json};

fn main() {
    let which: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).expect("the schema's index");
    let decode = DECODE[which];
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("standard input reads");
        let request: serde_json::Value = serde_json::from_str(&line).expect("a judge request is JSON");
        let frame = request["frame"].as_str().expect("a judge request has a frame");
        let answers = request.get("answers").map(|a| a.as_str().expect("\"answers\" names a request"));
        let write = request.get("write") == Some(&json!(true));
        let answer = match decode(request["from"].as_str() == Some("client"), answers, frame) {
            Ok((name, problem, wrote)) => {
                let mut answer = json!({ "ok": name });
                if let Some(problem) = problem {
                    answer["round_trip"] = json!(problem);
                }
                if write {
                    answer["wrote"] = json!(wrote);
                }
                answer
            }
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

/// A valid frame's value, encoded and decoded again, is the same value; else what was
/// written and read. And the text written.
fn round_trip<M: PartialEq + std::fmt::Debug>(
    message: &M,
    text: String,
    decode: fn(&str) -> Result<M, sockspec::DecodeError>,
) -> (Option<String>, String) {
    let problem = match decode(&text) {
        Ok(again) if again == *message => None,
        Ok(again) => Some(format!("wrote {text}\nread {again:?}\nwant {message:?}")),
        Err(e) => Some(format!("wrote {text}\nread {:?}", e.errors)),
    };
    (problem, text)
}

/// A valid frame's verdict: its message's name, what its round trip found wrong, and the
/// text written.
fn verdict(name: &'static str, (problem, wrote): (Option<String>, String)) -> Verdict {
    (name, problem, wrote)
}

/// A frame read as the answer to a request: the verdict on its message (unused where no
/// schema of the run declares a request).
#[allow(dead_code)]
fn answered<M, T>(
    answer: Result<sockspec::Answer<M, T>, sockspec::DecodeError>,
    verdict: impl Fn(&M) -> Verdict,
) -> Result<Verdict, sockspec::DecodeError> {
    answer.map(|a| verdict(&a.message))
}

/// The answer to a name that is no request of the other side: no frame answers it.
fn no_request(name: &str) -> Result<Verdict, sockspec::DecodeError> {
    Err(sockspec::DecodeError {
        errors: vec![sockspec::ValidationError {
            path: String::new(),
            code: sockspec::ErrorCode::UnknownTag,
            message: format!("{name:?} is no request the other side sends"),
        }],
        omitted: 0,
    })
}
"#;

pub(crate) struct Rust {
    binary: PathBuf,
    /// Which of the program's schemas judges.
    index: usize,
}

impl Judge for Rust {
    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        external(Command::new(&self.binary).arg(self.index.to_string()), vectors)
    }

    fn judge_writing(&mut self, vectors: &[Vector]) -> anyhow::Result<Judged> {
        external_writing(Command::new(&self.binary).arg(self.index.to_string()), vectors, true)
    }
}

/// Generates and builds one judge program for all the schemas, or finds the one built
/// before; one judge per schema, in order.
pub(crate) fn judges(schemas: &[(&Schema, &Path)]) -> anyhow::Result<Vec<Rust>> {
    let Some((_, first)) = schemas.first() else { return Ok(Vec::new()) };
    // The build is keyed by what it compiles: the generated modules and the program's main.
    let mut modules = Vec::with_capacity(schemas.len());
    let mut key = env!("CARGO_PKG_VERSION").as_bytes().to_vec();
    key.extend_from_slice(MAIN.as_bytes());
    for (schema, path) in schemas {
        let source = path.file_name().map_or_else(|| "schema".into(), |n| n.to_string_lossy().into_owned());
        let generated = sockspec_codegen::rust::generate(schema, &source);
        let module = generated.into_iter().next().context("the Rust target writes one file")?;
        key.extend_from_slice(&(module.contents.len() as u64).to_le_bytes());
        key.extend_from_slice(module.contents.as_bytes());
        modules.push(module);
    }
    let hash = fnv1a(&key);
    let stem: String = first
        .file_stem()
        .map_or_else(|| "schema".into(), |s| s.to_string_lossy().into_owned())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let root = cache_root().join("rust");
    let package = format!("judge_{stem}_{hash:016x}");
    let dir = root.join(format!("{stem}-{hash:016x}"));
    let target_dir = root.join("target");
    let binary = target_dir.join("debug").join(format!("{package}{}", std::env::consts::EXE_SUFFIX));
    let judges = || (0..schemas.len()).map(|index| Rust { binary: binary.clone(), index }).collect();
    if binary.is_file() {
        return Ok(judges());
    }
    std::fs::create_dir_all(dir.join("src")).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut main = String::from("#![allow(deprecated)]\n\n");
    let mut table = String::new();
    let mut judges_text = String::new();
    for (i, (module, (schema, _))) in modules.iter().zip(schemas).enumerate() {
        std::fs::write(dir.join(format!("src/protocol_{i}.rs")), &module.contents)?;
        main.push_str(&format!(
            "#[allow(dead_code, clippy::all)]\nmod protocol_{i} {{\n    include!(\"protocol_{i}.rs\");\n}}\n"
        ));
        judges_text.push_str(&judge_fn(i, schema));
        table.push_str(&format!("    judge_{i},\n"));
    }
    main.push_str(&format!(
        "\ntype Verdict = (&'static str, Option<String>, String);\n\
         type Decode = fn(bool, Option<&str>, &str) -> Result<Verdict, sockspec::DecodeError>;\n\n\
         {judges_text}\n/// Each schema's judge, by index.\nconst DECODE: &[Decode] = &[\n{table}];\n{MAIN}"
    ));
    std::fs::write(dir.join("src/main.rs"), main)?;
    std::fs::write(dir.join("Cargo.toml"), manifest(&package))?;
    let what = if schemas.len() == 1 { first.display().to_string() } else { format!("{} schemas", schemas.len()) };
    eprintln!("building the Rust judge for {what} in {} (once; later runs reuse it)", dir.display());
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
    Ok(judges())
}

/// Schema `i`'s judge: a frame decoded by the side's decoder, or read as the answer to a
/// request of the other side by the typed answer reader (`sockspec::Answers`).
fn judge_fn(i: usize, schema: &Schema) -> String {
    let mut arms = String::new();
    for (client, side) in [(true, "ClientMessage"), (false, "ServerMessage")] {
        let verdict = format!(
            "|m: &protocol_{i}::{side}| verdict(m.name(), round_trip(m, m.encode(), protocol_{i}::{side}::decode))"
        );
        arms.push_str(&format!(
            "        ({client}, None) => protocol_{i}::{side}::decode(frame).map(|m| verdict(m.name(), round_trip(&m, m.encode(), protocol_{i}::{side}::decode))),\n"
        ));
        let dir = if client { sockspec_model::Direction::Client } else { sockspec_model::Direction::Server };
        for m in &schema.messages {
            if m.request.is_none() || !m.sender.includes(dir.other()) {
                continue;
            }
            let ident = m.meta.ident.as_ref().map_or(m.name.as_str(), |i| i.rust.as_str());
            arms.push_str(&format!(
                "        ({client}, Some({:?})) => answered(protocol_{i}::{side}::decode_answer::<protocol_{i}::{ident}>(frame), {verdict}),\n",
                m.name
            ));
        }
    }
    format!(
        "fn judge_{i}(client: bool, answers: Option<&str>, frame: &str) -> Result<Verdict, sockspec::DecodeError> {{\n    \
         match (client, answers) {{\n{arms}        (_, Some(name)) => no_request(name),\n    }}\n}}\n\n"
    )
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
