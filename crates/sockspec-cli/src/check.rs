//! `sockspec check`: every problem in every file, rendered for people or as JSON.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use sockspec_model::Schema;
use sockspec_syntax::{Diagnostic, SourceFile, render_human, render_json};

use crate::{Format, Verdict, out, read_bytes};

/// A checked schema file: its text and diagnostics, and the model when it has no error.
pub(crate) struct Checked {
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    pub schema: Option<Schema>,
}

/// Reads and checks a schema file with the library's one entry point
/// (`sockspec_validator::check_file`), so the CLI reports exactly what a build helper or
/// any other tool would.
pub(crate) fn load(path: &Path) -> anyhow::Result<Checked> {
    let name = if path.as_os_str() == "-" { "<stdin>".to_string() } else { path.display().to_string() };
    let (file, schema, diagnostics) = sockspec_validator::check_file(name, &read_bytes(path)?);
    Ok(Checked { file, diagnostics, schema })
}

/// Prints a file's diagnostics to stderr, in colour when stderr is a terminal.
pub(crate) fn report(checked: &Checked) {
    if !checked.diagnostics.is_empty() {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        eprint!("{}", render_human(&checked.file, &checked.diagnostics, color));
    }
}

pub(crate) fn run(files: &[PathBuf], format: Format) -> anyhow::Result<Verdict> {
    let mut json = Vec::new();
    let mut errors = 0;
    let mut warnings = 0;
    let mut unreadable = None;
    for path in files {
        // A file that cannot be read is reported, and the others are still checked.
        let checked = match load(path) {
            Ok(checked) => checked,
            Err(e) => {
                eprintln!("error: {e:#}");
                unreadable = Some(e);
                continue;
            }
        };
        errors += checked.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += checked.diagnostics.iter().filter(|d| !d.is_error()).count();
        match format {
            Format::Human => report(&checked),
            Format::Json => json.extend(render_json(&checked.file, &checked.diagnostics)),
        }
    }
    match format {
        Format::Human => {
            let files = match files.len() {
                1 => "1 file".to_string(),
                n => format!("{n} files"),
            };
            if errors == 0 && warnings == 0 {
                eprintln!("checked {files}: no problems");
            } else {
                eprintln!("checked {files}: {errors} error(s), {warnings} warning(s)");
            }
        }
        Format::Json => out(&format!("{}\n", serde_json::to_string_pretty(&json)?))?,
    }
    if let Some(e) = unreadable {
        return Err(e.context("some files could not be read"));
    }
    Ok(if errors == 0 { Verdict::Clean } else { Verdict::Bad })
}
