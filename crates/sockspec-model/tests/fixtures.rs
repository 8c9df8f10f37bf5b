//! Data-driven checks of the compiler: every `tests/data/ok/*.sockspec` checks clean, its
//! model keeps the model's invariants and is snapshotted twice (the compact outline to
//! review, the JSON form to be complete), every `tests/data/err/*.sockspec` reports the
//! diagnostics in its snapshot, rendered as a user sees them. The check is the whole one,
//! `sockspec_validator::check`, as every tool runs it.

use std::path::{Path, PathBuf};

use sockspec_syntax::{SourceFile, render_human};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixture folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", root.display());
    files
}

fn name_of(path: &Path) -> String {
    path.file_stem().expect("file name").to_string_lossy().into_owned()
}

#[test]
fn ok_fixtures_check_clean() {
    for path in fixtures("ok") {
        let text = std::fs::read_to_string(&path).expect("fixture readable");
        let (schema, diagnostics) = sockspec_validator::check(&text);
        let file = SourceFile::new(format!("{}.sockspec", name_of(&path)), text.clone());
        assert!(diagnostics.is_empty(), "{}:\n{}", path.display(), render_human(&file, &diagnostics, false));
        let schema = schema.expect("no errors means a schema");
        assert_eq!(schema.check_invariants(), Ok(()), "{}", path.display());
        insta::assert_snapshot!(format!("ok__{}__outline", name_of(&path)), schema.to_string());
        let json = serde_json::to_string_pretty(&schema).expect("model serializes");
        insta::assert_snapshot!(format!("ok__{}", name_of(&path)), json);
    }
}

/// The examples' models are snapshotted too: they are the richest schemas we have, so a
/// change in what lowering decides shows up in review.
#[test]
fn example_models_are_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("example readable");
        let (schema, diagnostics) = sockspec_validator::check(&text);
        assert!(diagnostics.is_empty(), "{}: {diagnostics:?}", path.display());
        let schema = schema.expect("clean");
        assert_eq!(schema.check_invariants(), Ok(()), "{}", path.display());
        insta::assert_snapshot!(format!("example__{}__outline", name_of(&path)), schema.to_string());
        let json = serde_json::to_string_pretty(&schema).expect("model serializes");
        insta::assert_snapshot!(format!("example__{}", name_of(&path)), json);
    }
}

/// The codes that are warnings: their fixtures check with a schema.
const WARNINGS: &[&str] = &["S0316"];

#[test]
fn err_fixtures_report_their_diagnostics() {
    for path in fixtures("err") {
        let text = std::fs::read_to_string(&path).expect("fixture readable");
        let (schema, diagnostics) = sockspec_validator::check(&text);
        let code: String = name_of(&path).chars().take(5).collect();
        if WARNINGS.contains(&code.as_str()) {
            // A warning's fixture: the warning, and no error (generation still works).
            assert!(schema.is_some(), "{}: a warning must not fail the check", path.display());
            assert!(
                diagnostics.iter().any(|d| d.code == code && !d.is_error()),
                "{} reported no {code}",
                path.display()
            );
        } else {
            assert!(schema.is_none(), "{} should not check clean", path.display());
            assert!(diagnostics.iter().any(|d| d.is_error()), "{} reported no error", path.display());
        }
        let file = SourceFile::new(format!("{}.sockspec", name_of(&path)), text);
        insta::assert_snapshot!(format!("err__{}", name_of(&path)), render_human(&file, &diagnostics, false));
    }
}
