//! The program reads the recorded session with the module generated from the example's
//! schema and writes it back frame by frame; every frame it writes is a valid frame of the
//! same message, by the dynamic validator's verdict too.

use std::path::Path;
use std::process::Command;

use sockspec_validator::{Direction, Validator};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."))
}

#[test]
fn reads_and_writes_the_recorded_session() {
    let session = root().join("examples/dictation.session.jsonl");
    let out_dir = root().join("target/sockspec-test/dictation-rust");
    std::fs::create_dir_all(&out_dir).expect("the target folder is writable");
    let written = out_dir.join("written.jsonl");
    let output = Command::new(env!("CARGO_BIN_EXE_dictation-session"))
        .arg(&session)
        .arg(&written)
        .output()
        .expect("the program runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("server final \"send the report on Friday\""), "{stdout}");
    assert!(stdout.contains("client start (push_to_talk, language en)"), "{stdout}");

    let schema_text = std::fs::read_to_string(root().join("examples/dictation.sockspec")).expect("the schema reads");
    let (schema, diagnostics) = sockspec_validator::check(&schema_text);
    let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let validator = Validator::new(&schema);
    let kind = |frame: &str| {
        Direction::BOTH
            .into_iter()
            .find_map(|side| validator.validate(side, frame).ok())
            .map(|k| validator.frame_name(k).to_string())
    };
    let read = std::fs::read_to_string(&session).expect("the session reads");
    let wrote = std::fs::read_to_string(&written).expect("the program wrote its output");
    let frames: Vec<&str> = read.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(wrote.lines().count(), frames.len());
    for (original, again) in frames.iter().zip(wrote.lines()) {
        assert!(kind(again).is_some(), "{again} is not a valid frame");
        assert_eq!(kind(original), kind(again), "{original} was written as {again}");
    }
}

#[test]
fn an_invalid_frame_prints_its_errors_and_exits_1() {
    let dir = root().join("target/sockspec-test/dictation-rust");
    std::fs::create_dir_all(&dir).expect("the target folder is writable");
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"type\": \"start_session\", \"session_id\": 1.0, \"timestamp\": \"2025-01-14T09:30:00\"}\n",
    )
    .expect("writable");
    let output = Command::new(env!("CARGO_BIN_EXE_dictation-session")).arg(&bad).output().expect("the program runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 1: /session_id: wrong_type"), "{stderr}");
    assert!(stderr.contains("line 1: /timestamp: bad_format"), "{stderr}");
}

#[test]
fn a_missing_file_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_dictation-session"))
        .arg(root().join("examples/no-such-session.jsonl"))
        .output()
        .expect("the program runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
}
