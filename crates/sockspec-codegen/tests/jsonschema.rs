//! The JSON Schema target: snapshots of both documents of every example, determinism, the
//! 2020-12 metaschema, and agreement with the dynamic validator on every vector of the
//! examples and the validator's cases, except the gaps listed (with why) in
//! `tests/data/jsonschema_gaps.jsonl`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sockspec_codegen::jsonschema;
use sockspec_model::{Direction, Schema};
use sockspec_validator::Validator;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every schema with vectors: `(shown path, schema)`, examples first.
fn schemas() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in ["examples", "crates/sockspec-validator/tests/cases"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("the folder exists")
            .map(|e| e.expect("a readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().expect("a file name").to_string_lossy().into_owned();
            out.push((format!("{dir}/{name}"), f));
        }
    }
    out
}

fn load(path: &Path) -> Schema {
    let text = std::fs::read_to_string(path).expect("a readable schema");
    let (schema, diagnostics) = sockspec_validator::check(&text);
    schema.unwrap_or_else(|| panic!("{} has errors: {diagnostics:?}", path.display()))
}

fn source(path: &Path) -> String {
    path.file_name().expect("a file name").to_string_lossy().into_owned()
}

#[test]
fn every_example_is_snapshotted_and_deterministic() {
    for (shown, path) in schemas().into_iter().filter(|(s, _)| s.starts_with("examples/")) {
        let schema = load(&path);
        let first = jsonschema::generate(&schema, &source(&path));
        let second = jsonschema::generate(&schema, &source(&path));
        assert_eq!(first, second, "{shown}: two runs differ");
        assert_eq!(first.len(), 2);
        for file in first {
            let name = file.path.to_string_lossy().replace(".schema.json", "");
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

#[test]
fn every_document_is_valid_against_the_2020_12_metaschema() {
    for (shown, path) in schemas() {
        let schema = load(&path);
        for dir in Direction::BOTH {
            let doc = jsonschema::document(&schema, dir, &source(&path));
            if let Err(e) = ::jsonschema::draft202012::meta::validate(&doc) {
                panic!("{shown} ({}): not a valid 2020-12 schema: {e}", dir.as_str());
            }
            ::jsonschema::options()
                .with_draft(::jsonschema::Draft::Draft202012)
                .build(&doc)
                .unwrap_or_else(|e| panic!("{shown} ({}): the document does not compile: {e}", dir.as_str()));
        }
    }
}

/// One vector JSON Schema cannot judge as the validator does, and why.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Gap {
    file: String,
    vector: String,
    why: String,
}

#[test]
fn exported_schemas_agree_with_the_dynamic_validator_except_the_listed_gaps() {
    let listed = std::fs::read_to_string(root().join("crates/sockspec-codegen/tests/data/jsonschema_gaps.jsonl"))
        .expect("the gap list");
    let mut gaps: BTreeMap<(String, String), String> = BTreeMap::new();
    for (i, line) in listed.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let gap: Gap = serde_json::from_str(line).unwrap_or_else(|e| panic!("gap list line {}: {e}", i + 1));
        assert!(!gap.why.trim().is_empty(), "gap list line {}: say why", i + 1);
        assert!(gaps.insert((gap.file, gap.vector), gap.why).is_none(), "gap list line {}: listed twice", i + 1);
    }
    let mut found: Vec<(String, String, String)> = Vec::new();
    let mut total = 0;
    for (shown, path) in schemas() {
        let schema = load(&path);
        let vectors_path = path.with_extension("vectors.jsonl");
        let Ok(text) = std::fs::read_to_string(&vectors_path) else { continue };
        let vectors = sockspec_validator::vectors::load(&text).expect("a valid vector file");
        let file = shown.replace(".sockspec", ".vectors.jsonl");
        let validator = Validator::new(&schema);
        let judges: Vec<::jsonschema::Validator> = Direction::BOTH
            .iter()
            .map(|&dir| {
                let doc = jsonschema::document(&schema, dir, "test");
                ::jsonschema::options().should_validate_formats(false).build(&doc).expect("compiles")
            })
            .collect();
        for v in &vectors {
            total += 1;
            let dynamic = validator.validate(v.from, &v.frame).is_ok();
            let judge = &judges[if v.from == Direction::Client { 0 } else { 1 }];
            let exported =
                serde_json::from_str::<serde_json::Value>(&v.frame).is_ok_and(|value| judge.is_valid(&value));
            if dynamic != exported {
                let said = if dynamic { "valid" } else { "invalid" };
                found.push((file.clone(), v.name.clone(), format!("validator: {said}; frame {}", v.frame)));
            }
        }
    }
    let mut problems = Vec::new();
    for (file, vector, what) in &found {
        if !gaps.contains_key(&(file.clone(), vector.clone())) {
            problems.push(format!("unlisted disagreement: {file}: {vector:?} ({what})"));
        }
    }
    for (file, vector) in gaps.keys() {
        if !found.iter().any(|(f, v, _)| f == file && v == vector) {
            problems.push(format!("listed but agrees now (remove it): {file}: {vector:?}"));
        }
    }
    assert!(problems.is_empty(), "{} vectors, {} disagreements:\n{}", total, found.len(), problems.join("\n"));
    assert!(total > 500, "only {total} vectors were run");
}
