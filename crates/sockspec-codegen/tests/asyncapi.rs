//! The AsyncAPI target: a snapshot of every example's document, determinism, and the
//! official parser (npm `@asyncapi/parser`) accepting every document with no error.

use std::path::{Path, PathBuf};
use std::process::Command;

use sockspec_codegen::asyncapi;
use sockspec_model::Schema;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    files.sort();
    files
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
    for path in examples() {
        let schema = load(&path);
        let first = asyncapi::generate(&schema, &source(&path));
        assert_eq!(first, asyncapi::generate(&schema, &source(&path)), "{}: two runs differ", path.display());
        let [file] = first.as_slice() else { panic!("one file per schema") };
        assert_eq!(file.path, PathBuf::from(format!("{}.asyncapi.json", schema.protocol.name)));
        insta::assert_snapshot!(schema.protocol.name.clone(), file.contents);
    }
}

#[test]
fn every_request_has_a_reply_and_every_message_an_operation() {
    for path in examples() {
        let schema = load(&path);
        let doc = asyncapi::document(&schema, "x.sockspec");
        let ops = doc["operations"].as_object().expect("operations");
        for m in &schema.messages {
            let op = ops
                .iter()
                .find(|(_, op)| {
                    op["messages"][0]["$ref"].as_str().is_some_and(|r| {
                        let key = r.rsplit('/').next().unwrap_or_default();
                        key == m.name || key.strip_suffix(".client").or(key.strip_suffix(".server")) == Some(&m.name)
                    })
                })
                .unwrap_or_else(|| panic!("{}: no operation for {}", path.display(), m.name));
            if m.request.is_some() {
                assert!(
                    op.1["reply"]["messages"].as_array().is_some_and(|r| !r.is_empty()),
                    "{}: {}",
                    path.display(),
                    m.name
                );
            }
        }
    }
}

/// The folder of the npm packages: `SOCKSPEC_NODE_MODULES` (set by `cargo xtask test`, which
/// then requires the parser), else the checkout's `node_modules/` when it is installed.
fn parser() -> Option<PathBuf> {
    let required = std::env::var_os("SOCKSPEC_NODE_MODULES").map(PathBuf::from);
    let modules = required.clone().unwrap_or_else(|| root().join("node_modules"));
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let installed = modules.join("@asyncapi/parser/package.json").is_file();
    match (node && installed, required) {
        (true, _) => Some(modules),
        (false, Some(m)) => panic!(
            "SOCKSPEC_NODE_MODULES={} but {} (run `npm ci`)",
            m.display(),
            if node { "@asyncapi/parser is not installed there" } else { "node was not found" }
        ),
        (false, None) => {
            eprintln!("skipped: node or node_modules/@asyncapi/parser is missing (`cargo xtask test` installs it)");
            None
        }
    }
}

#[test]
fn the_official_parser_accepts_every_document() {
    let Some(modules) = parser() else { return };
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("asyncapi");
    std::fs::create_dir_all(&out).expect("a temporary folder");
    let mut files = Vec::new();
    for path in examples() {
        let schema = load(&path);
        for file in asyncapi::generate(&schema, &source(&path)) {
            let written = out.join(&file.path);
            std::fs::write(&written, file.contents).expect("written");
            files.push(written);
        }
    }
    let script = root().join("crates/sockspec-codegen/tests/asyncapi/parse.cjs");
    // The check can fail: a document with a dangling reference is refused.
    let broken = out.join("broken.json");
    std::fs::write(&broken, r##"{"asyncapi":"3.0.0","info":{"title":"t","version":"1"},"channels":{"c":{"messages":{"m":{"$ref":"#/components/messages/none"}}}}}"##)
        .expect("written");
    let refused =
        Command::new("node").arg(&script).arg(&broken).env("NODE_PATH", &modules).output().expect("node runs");
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stdout));
    let output = Command::new("node").arg(&script).args(&files).env("NODE_PATH", &modules).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let _ = std::fs::remove_dir_all(&out);
    assert!(output.status.success(), "the parser found errors:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON line per file")).collect();
    assert_eq!(lines.len(), files.len(), "one verdict per document");
    for line in &lines {
        assert_eq!(line["errors"], serde_json::json!([]), "{line}");
        assert_eq!(line["warnings"], serde_json::json!([]), "{line}");
    }
}
