//! Every example protocol checks clean, and its vectors (valid and invalid messages) give
//! exactly the expected outcomes.

use std::path::{Path, PathBuf};

use sockspec_validator::{Validator, vectors};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    files.sort();
    files
}

#[test]
fn at_least_five_examples_each_with_vectors() {
    let files = examples();
    assert!(files.len() >= 5, "{files:?}");
    for schema in files {
        let vectors = schema.with_extension("vectors.jsonl");
        assert!(vectors.exists(), "{} has no {}", schema.display(), vectors.display());
    }
}

#[test]
fn every_example_checks_clean_and_passes_its_vectors() {
    for path in examples() {
        let text = std::fs::read_to_string(&path).expect("example readable");
        let (schema, diagnostics) = sockspec_validator::check(&text);
        let file = sockspec_syntax::SourceFile::new(path.display().to_string(), text);
        assert!(diagnostics.is_empty(), "{}", sockspec_syntax::render_human(&file, &diagnostics, false));
        let schema = schema.expect("a clean schema");

        let vector_text = std::fs::read_to_string(path.with_extension("vectors.jsonl")).expect("vectors readable");
        let cases = vectors::load(&vector_text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let valid = cases.iter().filter(|c| matches!(c.expect, vectors::Expect::Ok { .. })).count();
        let invalid = cases.len() - valid;
        assert!(valid >= 12 && invalid >= 12, "{}: {valid} valid and {invalid} invalid cases", path.display());

        let report = vectors::run(&Validator::new(&schema), &cases);
        assert!(report.passed(), "{}:\n{report}", path.display());
    }
}
