#![doc = include_str!("../README.md")]

use std::fmt;
use std::path::{Path, PathBuf};

/// Why generation failed: a schema with errors (rendered like rustc's diagnostics), or a
/// file that could not be read or written.
#[derive(Debug)]
pub struct Error {
    message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Generates the Rust module of each schema into `OUT_DIR` (see [`Builder`] for another
/// folder), and tells Cargo to rerun the build script when one of them changes.
pub fn compile(schemas: &[impl AsRef<Path>]) -> Result<(), Error> {
    Builder::new().compile(schemas)
}

/// Settings for [`compile`].
#[derive(Clone, Debug, Default)]
pub struct Builder {
    out_dir: Option<PathBuf>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Writes the generated files here rather than in `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates every schema; reports the problems of all of them before failing.
    pub fn compile(&self, schemas: &[impl AsRef<Path>]) -> Result<(), Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| Error {
                message: "OUT_DIR is not set: call sockspec_build from a build script, or set Builder::out_dir".into(),
            })?,
        };
        let mut problems = String::new();
        for schema in schemas {
            let path = schema.as_ref();
            println!("cargo:rerun-if-changed={}", path.display());
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    problems.push_str(&format!("error: cannot read {}: {e}\n", path.display()));
                    continue;
                }
            };
            let (file, model, diagnostics) = sockspec_validator::check_file(path.display().to_string(), &bytes);
            let Some(model) = model else {
                problems.push_str(&sockspec_syntax::render_human(&file, &diagnostics, false));
                continue;
            };
            for line in cargo_warnings(&file, &diagnostics) {
                println!("{line}");
            }
            let source =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            for generated in sockspec_codegen::rust::generate(&model, &source) {
                let target = out_dir.join(&generated.path);
                // Rewriting an unchanged file would make Cargo rebuild the crate for nothing.
                if std::fs::read_to_string(&target).is_ok_and(|old| old == generated.contents) {
                    continue;
                }
                if let Err(e) = std::fs::write(&target, &generated.contents) {
                    problems.push_str(&format!("error: cannot write {}: {e}\n", target.display()));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error { message: problems }) }
    }
}

/// The warnings of a schema that checked cleanly (S0316: variants Python and TypeScript
/// write alike), as `cargo:warning=` lines, one per line of each rendered warning, so that
/// `cargo build` shows them; a warning does not stop generation.
fn cargo_warnings(file: &sockspec_syntax::SourceFile, diagnostics: &[sockspec_syntax::Diagnostic]) -> Vec<String> {
    let warnings: Vec<_> = diagnostics.iter().filter(|d| !d.is_error()).cloned().collect();
    if warnings.is_empty() {
        return Vec::new();
    }
    sockspec_syntax::render_human(file, &warnings, false)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| format!("cargo:warning={line}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_that_checks_with_warnings_tells_cargo_and_still_generates() {
        let text = "protocol w {}\nclient message M { n: u64 | (u64 @as(string)) }\n";
        let (file, model, diagnostics) = sockspec_validator::check_file("w.sockspec".to_string(), text.as_bytes());
        assert!(model.is_some(), "warnings only");
        let lines = cargo_warnings(&file, &diagnostics);
        assert!(lines.iter().all(|l| l.starts_with("cargo:warning=")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("warning[S0316]")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("w.sockspec:2")), "{lines:?}");

        let (file, _, diagnostics) = sockspec_validator::check_file("ok.sockspec".to_string(), b"protocol ok {}\n");
        assert!(cargo_warnings(&file, &diagnostics).is_empty());
    }
}
