//! `sockspec check` reports exactly what the library's one entry point
//! (`sockspec_validator::check_file`) reports, on every schema file the project has: the
//! model's ok and err fixtures, the CLI's, the validator's cases, the formatter's fixtures,
//! the examples and the conformance suite. A build helper or any other tool calling the
//! library therefore accepts and rejects exactly what the CLI does.

use std::path::{Path, PathBuf};
use std::process::Command;

const FOLDERS: &[&str] = &[
    "crates/sockspec-model/tests/data/ok",
    "crates/sockspec-model/tests/data/err",
    "crates/sockspec-cli/tests/data",
    "crates/sockspec-validator/tests/cases",
    "crates/sockspec-syntax/tests/fmt",
    "examples",
    "conformance",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every schema file, as a path relative to the workspace root (as the CLI is given it).
fn schema_files() -> Vec<String> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        let mut here: Vec<String> = std::fs::read_dir(root().join(folder))
            .unwrap_or_else(|e| panic!("{folder}: {e}"))
            .map(|e| e.expect("readable entry").file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sockspec"))
            .map(|name| format!("{folder}/{name}"))
            .collect();
        assert!(!here.is_empty(), "no schema in {folder}");
        here.sort();
        files.extend(here);
    }
    files
}

#[test]
fn the_cli_reports_what_the_library_reports() {
    let files = schema_files();
    assert!(files.len() > 60, "only {} schema files found", files.len());
    let out = Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(["check", "--format", "json"])
        .args(&files)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let cli: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("`sockspec check --format json` printed no JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout))
    });

    let mut library = Vec::new();
    let mut errors = 0;
    for name in &files {
        let bytes = std::fs::read(root().join(name)).expect("schema readable");
        let (file, schema, diagnostics) = sockspec_validator::check_file(name.clone(), &bytes);
        let has_error = diagnostics.iter().any(|d| d.is_error());
        assert_eq!(schema.is_none(), has_error, "{name}: a model exactly when there is no error");
        errors += usize::from(has_error);
        library.extend(sockspec_syntax::render_json(&file, &diagnostics));
    }
    assert!(errors > 40, "only {errors} files with errors: the comparison would prove little");
    assert_eq!(cli.len(), library.len(), "the CLI and the library report different numbers of diagnostics");
    for (c, l) in cli.iter().zip(&library) {
        assert_eq!(c, l, "the CLI and the library disagree");
    }
    assert_eq!(out.status.code(), Some(1), "some files have errors, so `check` exits 1");
}
