//! `sockspec gen`, `sockspec docs` and `sockspec test --target jsonschema` as a user runs
//! them: the files written, exit codes, and what the output says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sockspec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gen-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn library_schema(path: &str) -> sockspec_model::Schema {
    let text = std::fs::read_to_string(root().join(path)).expect("readable");
    sockspec_validator::check(&text).0.expect("a clean schema")
}

#[test]
fn gen_writes_what_the_library_generates_for_every_target() {
    let schema = library_schema("examples/dictation.sockspec");
    let expected = [
        ("jsonschema", sockspec_codegen::jsonschema::generate(&schema, "dictation.sockspec")),
        ("asyncapi", sockspec_codegen::asyncapi::generate(&schema, "dictation.sockspec")),
        ("docs", sockspec_codegen::docs::generate(&schema, "dictation.sockspec")),
    ];
    for (target, files) in expected {
        let out = temp_dir(target);
        let nested = out.join("a/b");
        let run =
            sockspec(&["gen", "examples/dictation.sockspec", "--target", target, "--out", &nested.to_string_lossy()]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        for file in files {
            let written = std::fs::read_to_string(nested.join(&file.path)).expect("the file was written");
            assert_eq!(written, file.contents, "{target}: {}", file.path.display());
            assert!(text(&run.stderr).contains(&format!("wrote {}", nested.join(&file.path).display())));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn gen_refuses_a_schema_with_errors() {
    let out = temp_dir("bad");
    let run = sockspec(&[
        "gen",
        "crates/sockspec-model/tests/data/err/S0202_unknown_type.sockspec",
        "--target",
        "jsonschema",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("error[S0202]"), "{}", text(&run.stderr));
    assert_eq!(std::fs::read_dir(&out).expect("exists").count(), 0, "nothing written");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn docs_writes_the_page_beside_the_schema() {
    let dir = temp_dir("docs");
    let schema = dir.join("chat.sockspec");
    std::fs::copy(root().join("examples/chat.sockspec"), &schema).expect("copied");
    let run = sockspec(&["docs", &schema.to_string_lossy()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let page = std::fs::read_to_string(dir.join("chat.html")).expect("the page is beside the schema");
    assert_eq!(page, sockspec_codegen::docs::page(&library_schema("examples/chat.sockspec"), "chat.sockspec"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_target_jsonschema_agrees_on_validity_and_says_so() {
    let run = sockspec(&["test", "crates/sockspec-validator/tests/cases/keyed.sockspec", "--target", "jsonschema"]);
    let out = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{out}{}", text(&run.stderr));
    assert!(out.contains("agreement on validity only"), "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn test_target_jsonschema_shows_what_json_schema_cannot_express() {
    // chat's vectors include a duplicate member name and an integer-as-string beyond its
    // width: JSON Schema accepts both, and the run fails on them, visibly.
    let run = sockspec(&["test", "examples/chat.sockspec", "--target", "dynamic,jsonschema"]);
    let out = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(out.contains("dynamic: 78 passed, 0 failed"), "{out}");
    assert!(
        out.contains("jsonschema: examples/chat.vectors.jsonl: FAIL \"duplicate member inside a nested object\""),
        "{out}"
    );
    assert!(out.contains("accepted by the JSON Schema"), "{out}");
    assert!(out.contains("jsonschema: 75 passed, 3 failed"), "{out}");
}
