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

/// A file that could not be read, in `--format json`: an object of the diagnostics' shape
/// with `code` `"unreadable"` and no labels, so a tool never mistakes it for a clean file.
fn unreadable_json(path: &Path, message: &str) -> serde_json::Value {
    serde_json::json!({
        "file": path.display().to_string(),
        "code": "unreadable",
        "severity": "error",
        "message": message,
        "primary": null,
        "secondary": [],
        "help": null,
        "notes": [],
    })
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
    let mut unreadable = 0;
    for path in files {
        // A file that cannot be read is reported, and the others are still checked.
        let checked = match load(path) {
            Ok(checked) => checked,
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!("error: {}", sockspec_syntax::escape(&message));
                unreadable += 1;
                if format == Format::Json {
                    json.push(unreadable_json(path, &message));
                }
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
            let read = files.len() - unreadable;
            let problems = if errors == 0 && warnings == 0 {
                "no problems".to_string()
            } else {
                format!("{errors} error(s), {warnings} warning(s)")
            };
            // A file that could not be read is never part of "no problems".
            match (read, unreadable) {
                (1, 0) => eprintln!("checked 1 file: {problems}"),
                (n, 0) => eprintln!("checked {n} files: {problems}"),
                (0, n) => eprintln!("checked no file: {n} could not be read"),
                (r, n) => eprintln!("checked {r} of {} files: {problems}; {n} could not be read", files.len()),
            }
        }
        Format::Json => out(&format!("{}\n", serde_json::to_string_pretty(&json)?))?,
    }
    if unreadable > 0 {
        anyhow::bail!("{unreadable} of {} file(s) could not be read", files.len());
    }
    Ok(if errors == 0 { Verdict::Clean } else { Verdict::Bad })
}
