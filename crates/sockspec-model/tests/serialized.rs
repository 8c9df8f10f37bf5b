//! The model's serialized form: every fixture and example reads back as the model it was
//! written from, and spans are not part of equality.

use std::path::{Path, PathBuf};

use sockspec_model::{FORMAT_VERSION, Schema, check};

fn schemas() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("tests/data/ok"), root.join("../../examples"), root.join("../sockspec-validator/tests/cases")]
    {
        for entry in std::fs::read_dir(&dir).expect("folder exists") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "sockspec") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "found only {files:?}");
    files
}

#[test]
fn every_model_survives_a_round_trip() {
    for path in schemas() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (schema, diagnostics) = check(&text);
        let schema = schema.unwrap_or_else(|| panic!("{}: {diagnostics:?}", path.display()));
        assert_eq!(schema.format_version, FORMAT_VERSION);
        let json = schema.to_json();
        let back = Schema::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(back, schema, "{}", path.display());
        // Spans are kept by the serialized form, though equality ignores them.
        assert_eq!(back.to_json(), json, "{}", path.display());
    }
}

#[test]
fn spans_are_not_part_of_equality() {
    let (a, _) = check("protocol p {}\nclient message Ping { n: u64 }");
    let (b, _) = check("protocol p {}\n\n\n   client message   Ping {\n n: u64\n}");
    let (a, b) = (a.expect("clean"), b.expect("clean"));
    assert_ne!(a.messages[0].meta.span, b.messages[0].meta.span);
    assert_eq!(a, b);
    let (c, _) = check("protocol p {}\nclient message Ping { n: u32 }");
    assert_ne!(a, c.expect("clean"), "a real change is still a change");
}

#[test]
fn members_a_reader_does_not_know_are_ignored_and_versions_are_checked_first() {
    let (schema, _) = check("protocol p {}\nclient message Ping { n: u64 }");
    let schema = schema.expect("clean");
    let mut json: serde_json::Value = serde_json::from_str(&schema.to_json()).expect("JSON");
    json["added_by_a_later_version"] = serde_json::json!({"x": 1});
    let back = Schema::from_json(&json.to_string()).expect("unknown members are ignored");
    assert_eq!(back, schema);
    json["format_version"] = serde_json::json!(FORMAT_VERSION + 1);
    json["types"] = serde_json::json!("not even the right shape");
    let err = Schema::from_json(&json.to_string()).expect_err("another version");
    assert!(err.to_string().contains(&format!("format version {}", FORMAT_VERSION + 1)), "{err}");
}
