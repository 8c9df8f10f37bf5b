//! Runs every `tests/cases/NAME.sockspec` against its `NAME.vectors.jsonl`: the schema must
//! check cleanly, and every vector must give its expected outcome.

use std::fmt::Write as _;
use std::path::Path;

use sockspec_validator::{Validator, vectors};

#[test]
fn cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut schemas: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    schemas.sort();
    assert!(!schemas.is_empty(), "no cases in {}", dir.display());

    let mut failures = String::new();
    let mut total = 0;
    for schema_path in &schemas {
        let name = schema_path.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file name");
        let src = std::fs::read_to_string(schema_path).expect("readable schema");
        let vectors_path = schema_path.with_file_name(format!("{name}.vectors.jsonl"));
        let text = std::fs::read_to_string(&vectors_path).unwrap_or_else(|e| panic!("{}: {e}", vectors_path.display()));
        let vectors = vectors::load(&text).unwrap_or_else(|e| panic!("{}: {e}", vectors_path.display()));

        let (schema, diagnostics) = sockspec_validator::check(&src);
        let file = sockspec_syntax::SourceFile::new(format!("{name}.sockspec"), src.clone());
        let Some(schema) = schema.filter(|_| diagnostics.is_empty()) else {
            let rendered = sockspec_syntax::render_human(&file, &diagnostics, false);
            let _ = writeln!(failures, "== {name}.sockspec does not check cleanly:\n{rendered}");
            continue;
        };
        if let Err(breaches) = schema.check_invariants() {
            let _ = writeln!(failures, "== {name}.sockspec breaks the model's invariants: {breaches:?}");
        }
        let report = vectors::run(&Validator::new(&schema), &vectors);
        total += report.total;
        if !report.passed() {
            let _ = writeln!(failures, "== {name}.vectors.jsonl\n{report}\n");
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
    println!("{total} vectors in {} cases passed", schemas.len());
}
