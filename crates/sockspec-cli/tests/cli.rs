//! The `sockspec` binary as a user runs it: exit codes, what it prints, files it writes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sockspec(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    // A command that fails before reading its input (a bad schema) may have exited
    // already: a closed pipe is then no failure of the test.
    match pipe.write_all(stdin.unwrap_or("").as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("stdin accepts input"),
    }
    drop(pipe);
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file written");
    path
}

#[test]
fn check_clean_schema_exits_zero() {
    let out = sockspec(&["check", "examples/dictation.sockspec", "examples/chat.sockspec"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("checked 2 files: no problems"));
}

#[test]
fn check_reports_every_error_rustc_style_and_exits_one() {
    let out = sockspec(&["check", "crates/sockspec-model/tests/data/err/S0202_unknown_type.sockspec"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[S0202]: unknown type `SesionId`"), "{err}");
    assert!(err.contains("S0202_unknown_type.sockspec:6:14"), "{err}");
    assert!(err.contains("help: did you mean `SessionId`?"), "{err}");
    assert!(err.contains("unknown type `datetme`"), "all errors in one run: {err}");
    assert!(err.contains("4 error(s)"), "{err}");
}

#[test]
fn check_json_format_is_machine_readable() {
    let out = sockspec(
        &["check", "--format", "json", "crates/sockspec-model/tests/data/err/S0204_duplicate_field.sockspec"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &diags[0];
    assert_eq!(first["code"], "S0204");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["primary"]["start"]["line"], 6);
    assert_eq!(first["primary"]["start"]["column"], 5);
    assert_eq!(first["secondary"][0]["message"], "first declared here");
}

#[test]
fn a_warning_is_reported_but_check_and_gen_succeed() {
    let fixture = "crates/sockspec-model/tests/data/err/S0316_untagged_writers.sockspec";
    let out = sockspec(&["check", fixture], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("warning[S0316]: the Python and TypeScript writers cannot tell the variants"), "{err}");
    assert!(err.ends_with("checked 1 file: 0 error(s), 1 warning(s)\n"), "{err}");

    let out = sockspec(&["check", "--format", "json", fixture], None);
    assert_eq!(out.status.code(), Some(0));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(diags[0]["code"], "S0316");
    assert_eq!(diags[0]["severity"], "warning");

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-warning-gen");
    let _ = std::fs::remove_dir_all(&dir);
    let out = sockspec(&["gen", "--target", "python", "--out", &dir.display().to_string(), fixture], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read_dir(&dir).expect("output folder").next().is_some(), "gen wrote nothing");
}

#[test]
fn missing_file_is_a_tool_failure() {
    let out = sockspec(&["check", "no/such/file.sockspec"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read no/such/file.sockspec"));
}

#[test]
fn fmt_rewrites_checks_and_reads_stdin() {
    let messy = "protocol p{version=\"1.0.0\"}\nstruct   A {x:u8,   // the x\ny?:string|null}\n";
    let path = temp_file("messy.sockspec", messy);
    let p = path.to_str().expect("utf-8 temp path");

    let out = sockspec(&["fmt", "--check", p], None);
    assert_eq!(out.status.code(), Some(1), "unformatted file fails --check");
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), messy, "--check writes nothing");

    let out = sockspec(&["fmt", p], None);
    assert_eq!(out.status.code(), Some(0));
    let formatted = std::fs::read_to_string(&path).expect("readable");
    assert!(formatted.contains("// the x"), "comments kept: {formatted}");
    assert!(formatted.contains("    y?: string | null\n"), "{formatted}");

    let out = sockspec(&["fmt", "--check", p], None);
    assert_eq!(out.status.code(), Some(0), "formatted file passes --check");

    let out = sockspec(&["fmt", "-"], Some(messy));
    assert_eq!(text(&out.stdout), formatted, "stdin to stdout gives the same layout");
}

#[test]
fn fmt_leaves_files_with_syntax_errors_alone() {
    let broken = "protocol p {}\nstruct A { x u8 }\n";
    let path = temp_file("broken.sockspec", broken);
    let out = sockspec(&["fmt", path.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), broken);
    assert!(text(&out.stderr).contains("not formatted, it has errors"));
}

#[test]
fn examples_are_formatted() {
    let mut args = vec!["fmt", "--check"];
    let files: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sockspec"))
        .map(|p| format!("examples/{}", p.file_name().expect("name").to_string_lossy()))
        .collect();
    args.extend(files.iter().map(String::as_str));
    let out = sockspec(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn validate_reads_json_lines_and_lists_every_error() {
    let lines = concat!(
        r#"{"type": "start_session", "session_id": "6f1c1a4e-2b7e-4f57-9d0c-0a1b2c3d4e5f", "timestamp": "2025-01-01T12:00:00Z"}"#,
        "\n\n",
        r#"{"type": "start_session", "timestamp": "yesterday", "mode": "loud"}"#,
        "\n",
        "{not json\n"
    );
    let out = sockspec(&["validate", "examples/dictation.sockspec", "--from", "client"], Some(lines));
    assert_eq!(out.status.code(), Some(1), "an invalid line makes exit 1");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("line 1: ok, StartSession from the client"), "{stdout}");
    assert!(stdout.contains("line 3: invalid from the client"), "{stdout}");
    assert!(stdout.contains("/session_id  missing_field"), "{stdout}");
    assert!(stdout.contains("/timestamp  bad_format"), "{stdout}");
    assert!(stdout.contains("/mode  unknown_value"), "{stdout}");
    assert!(stdout.contains("line 4: invalid from the client"), "{stdout}");
    assert!(stdout.contains("invalid_json"), "{stdout}");
    assert!(text(&out.stderr).contains("3 line(s): 1 valid, 2 invalid"));
}

#[test]
fn validate_json_output_and_either_side() {
    let line = r#"{"type": "session_ended", "session_id": "6f1c1a4e-2b7e-4f57-9d0c-0a1b2c3d4e5f"}"#;
    let out = sockspec(&["validate", "examples/dictation.sockspec", "-", "--format", "json"], Some(line));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object per line");
    assert_eq!(report["line"], 1);
    if out.status.code() == Some(0) {
        assert_eq!(report["from"], "server");
        assert_eq!(report["message"], "SessionEnded");
    } else {
        // Without --from, each side's errors are labelled.
        assert!(report["errors"].as_array().is_some_and(|e| e.iter().all(|x| x["from"].is_string())));
    }
}

#[test]
fn validate_with_a_bad_schema_exits_one() {
    let out =
        sockspec(&["validate", "crates/sockspec-model/tests/data/err/S0204_duplicate_field.sockspec"], Some("{}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the schema has errors"));
}

#[test]
fn test_passes_on_every_example_through_the_binary() {
    // The library test runs the same vectors; this one also covers the command's own
    // checks of the vector files (`is` names, such as `@unknown` for a kept frame).
    for entry in std::fs::read_dir(root().join("examples")).expect("examples folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "sockspec") {
            let out = sockspec(&["test", path.to_str().expect("utf-8"), "--target", "all"], None);
            // Every target passes every vector. Where the writers disagree (each one an
            // open disagreement that the conformance test holds to conformance/KNOWN.md's
            // list), the run warns and still passes; with --strict-writers it fails.
            let stdout = text(&out.stdout);
            assert!(
                out.status.success() && !stdout.lines().any(|l| l.starts_with("FAIL")),
                "{}: {stdout}{}",
                path.display(),
                text(&out.stderr)
            );
            let warned = stdout.lines().any(|l| l.starts_with("WARN writers: "));
            assert_eq!(warned, !stdout.contains(" 0 differ"), "{}: {stdout}", path.display());
            if warned {
                let strict =
                    sockspec(&["test", path.to_str().expect("utf-8"), "--target", "all", "--strict-writers"], None);
                let stdout = text(&strict.stdout);
                assert_eq!(strict.status.code(), Some(1), "{}: {stdout}", path.display());
                assert!(
                    stdout.lines().filter(|l| l.starts_with("FAIL")).all(|l| l.starts_with("FAIL writers: ")),
                    "{}: {stdout}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn test_target_all_reports_per_target_and_a_broken_vector_fails() {
    // (An example whose writers all agree: the run's status is the targets' and the writers'.)
    let out = sockspec(&["test", "examples/webdriver_bidi.sockspec", "--target", "dynamic,all"], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    for target in ["dynamic: ", "rust: ", "python: ", "typescript: ", "writers (rust, python, typescript): "] {
        assert!(text(&out.stdout).lines().any(|l| l.starts_with(target)), "{target}: {}", text(&out.stdout));
    }
    let vectors = temp_file(
        "claims.vectors.jsonl",
        "{\"name\": \"claims ok\", \"from\": \"client\", \"message\": {\"type\": \"nope\"}, \"expect\": \"ok\"}\n",
    );
    let out = sockspec(&["test", "examples/chat.sockspec", vectors.to_str().expect("utf-8"), "--target", "all"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 passed, 1 failed"), "{}", text(&out.stdout));
}

#[test]
fn test_runs_the_vectors_beside_the_schema() {
    let out = sockspec(&["test", "examples/chat.sockspec"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.trim_end().ends_with(", 0 failed"), "{stdout}");

    let vectors = temp_file(
        "wrong.vectors.jsonl",
        "{\"name\": \"claims ok\", \"from\": \"client\", \"message\": {\"type\": \"nope\"}, \"expect\": \"ok\"}\n",
    );
    let out = sockspec(&["test", "examples/chat.sockspec", vectors.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("0 passed, 1 failed"));
}

#[test]
fn test_takes_several_schemas_each_with_its_own_vectors() {
    let wrong = temp_file(
        "wrong-dictation.vectors.jsonl",
        "{\"name\": \"claims ok\", \"from\": \"client\", \"message\": {\"type\": \"nope\"}, \"expect\": \"ok\"}\n",
    );
    // chat with the vectors beside it; dictation with the file given after it.
    let out = sockspec(
        &["test", "examples/chat.sockspec", "examples/dictation.sockspec", wrong.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let chat = lines.iter().find(|l| l.starts_with("examples/chat.sockspec: ")).expect("a line for chat");
    assert!(chat.ends_with(" passed, 0 failed") && !chat.starts_with("examples/chat.sockspec: 0 "), "{stdout}");
    assert!(lines.contains(&"examples/dictation.sockspec: 0 passed, 1 failed"), "{stdout}");
    let total = lines.last().expect("a total");
    assert!(total.ends_with(" passed, 1 failed") && !total.contains(".sockspec"), "{stdout}");

    // A schema with errors among several: nothing runs, exit 1.
    let broken = temp_file("broken.sockspec", "protocol p {\n");
    let out = sockspec(&["test", "examples/chat.sockspec", broken.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("the schema has errors"), "{}", text(&out.stderr));
}

#[test]
fn help_names_every_command() {
    let out = sockspec(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for cmd in ["check", "fmt", "validate", "test"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn check_validates_message_examples() {
    let out = sockspec(&["check", "crates/sockspec-model/tests/data/err/S0413_invalid_example.sockspec"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error[S0413]: example 2 of `Start` is not a valid `Start` frame"), "{err}");
    assert!(err.contains("/mode: unknown_value"), "{err}");
    assert!(!err.contains("example 1 of"), "the first example is valid: {err}");
}

#[test]
fn validate_answers_each_line_as_it_arrives() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(["validate", "examples/dictation.sockspec", "--from", "client"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok);
        let _ = tx.send(first);
    });
    stdin.write_all(b"{\"type\": \"stop_session\"}\n").expect("write one line");
    stdin.flush().expect("flush");
    // The verdict must come while stdin is still open. The deadline only guards against
    // a hang; it measures nothing.
    let first = rx.recv_timeout(std::time::Duration::from_secs(60));
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    let first = first.expect("a verdict before the input ended").expect("a line");
    assert_eq!(first, "line 1: invalid from the client");
}

#[test]
fn validate_reports_a_non_utf8_line_and_goes_on() {
    let mut input = b"{\"type\": \"stop_session\", \"session_id\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"timestamp\": \"2025-01-14T09:30:00Z\"}\r\n".to_vec();
    input.extend_from_slice(b"{\"type\": \"\xff\"}\n");
    let path = temp_file("latin1.jsonl", "");
    std::fs::write(&path, &input).expect("write bytes");
    let out = sockspec(
        &[
            "validate",
            "examples/dictation.sockspec",
            path.to_str().expect("utf-8"),
            "--from",
            "client",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON per line")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["valid"], true, "CRLF line endings are accepted");
    assert_eq!(lines[1]["errors"][0]["code"], "invalid_json");
}

#[test]
fn fmt_check_on_stdin_prints_nothing() {
    let out = sockspec(&["fmt", "--check", "-"], Some("protocol p{version=\"1\"}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "--check writes nothing: {}", text(&out.stdout));
    assert!(text(&out.stderr).contains("<stdin>: not formatted"));
    let out = sockspec(&["fmt", "--check", "-"], Some("protocol p {\n    version = \"1\"\n}\n"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fmt_keeps_windows_line_endings() {
    let path =
        temp_file("crlf.sockspec", "protocol p {\r\n    version = \"1\"\r\n}\r\n\r\nstruct A {\r\n    a: u8\r\n}\r\n");
    let out = sockspec(&["fmt", "--check", path.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn check_goes_on_past_an_unreadable_file() {
    let out = sockspec(
        &["check", "no/such.sockspec", "crates/sockspec-model/tests/data/err/S0204_duplicate_field.sockspec"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "a file could not be read");
    let err = text(&out.stderr);
    assert!(err.contains("cannot read no/such.sockspec"), "{err}");
    assert!(err.contains("error[S0204]"), "the readable file is still checked: {err}");
}

#[test]
fn schema_encoding_problems_are_diagnostics() {
    let bom = temp_file("bom.sockspec", "\u{feff}protocol p {}\n");
    let out = sockspec(&["check", bom.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(0), "a byte order mark is fine: {}", text(&out.stderr));

    let latin1 = temp_file("latin1.sockspec", "");
    std::fs::write(&latin1, b"protocol p {}\n/// caf\xe9\nstruct A { a: u8 }\n").expect("write bytes");
    let out = sockspec(&["check", latin1.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1), "not UTF-8 is a bad schema, not a tool failure");
    assert!(text(&out.stderr).contains("error[S0104]: the file is not UTF-8 text"), "{}", text(&out.stderr));
}

#[test]
fn vector_files_with_mistakes_are_tool_failures() {
    let unknown = temp_file(
        "unknown-is.vectors.jsonl",
        "{\"name\": \"x\", \"from\": \"client\", \"message\": {\"type\": \"typing\"}, \"expect\": \"ok\", \"is\": \"NoSuch\"}\n",
    );
    let out = sockspec(&["test", "examples/chat.sockspec", unknown.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("names no message of the schema"), "{}", text(&out.stderr));

    let empty = temp_file("empty.vectors.jsonl", "\n");
    let out = sockspec(&["test", "examples/chat.sockspec", empty.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("holds no vectors"));
}

/// A vector with `answers` is checked as the answer to that request: its result against the
/// request's result type. The same frame without `answers` is valid, so the verdicts differ.
#[test]
fn test_checks_an_answer_against_its_request() {
    let frame = r#""message": {"jsonrpc": "2.0", "id": 1, "result": {}}"#;
    let vectors = temp_file(
        "answers.vectors.jsonl",
        &format!(
            "{}\n{}\n",
            format_args!(r#"{{"name": "a frame", "from": "server", {frame}, "expect": "ok", "is": "@result"}}"#),
            format_args!(
                r#"{{"name": "an answer", "from": "server", "answers": "Initialize", {frame}, "expect": [{{"path": "/result/capabilities", "code": "missing_field"}}]}}"#
            ),
        ),
    );
    let out = sockspec(&["test", "conformance/jsonrpc.sockspec", vectors.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains("2 passed, 0 failed"), "{}", text(&out.stdout));

    // Expecting the answer to pass makes the vector fail, with the error it has.
    let wrong = temp_file(
        "answers-wrong.vectors.jsonl",
        &format!(r#"{{"name": "an answer", "from": "server", "answers": "Initialize", {frame}, "expect": "ok"}}"#),
    );
    let out = sockspec(&["test", "conformance/jsonrpc.sockspec", wrong.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("/result/capabilities"), "{}", text(&out.stdout));
}

/// `answers` must name a request that the other side sends: anything else is a mistake in
/// the file (exit 2), not a failing case.
#[test]
fn an_answer_to_no_request_of_the_other_side_is_a_tool_failure() {
    for (answers, from, says) in [
        ("NoSuch", "server", "names no message of the schema"),
        ("Initialized", "server", "is no request"),
        ("Initialize", "client", "is no request the client is sent"),
    ] {
        let vectors = temp_file(
            &format!("answers-{answers}-{from}.vectors.jsonl"),
            &format!(
                r#"{{"name": "x", "from": "{from}", "answers": "{answers}", "message": {{"jsonrpc": "2.0", "id": 1, "result": null}}, "expect": "ok"}}"#
            ),
        );
        let out = sockspec(&["test", "conformance/jsonrpc.sockspec", vectors.to_str().expect("utf-8")], None);
        assert_eq!(out.status.code(), Some(2), "{answers} from {from}: {}", text(&out.stdout));
        assert!(text(&out.stderr).contains(says), "{answers} from {from}: {}", text(&out.stderr));
    }
}

#[test]
fn validate_json_output_explains_a_bad_schema() {
    let out = sockspec(
        &["validate", "crates/sockspec-model/tests/data/err/S0204_duplicate_field.sockspec", "--format", "json"],
        Some("{}"),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["schema_errors"][0]["code"], "S0204");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_tool_failure_not_a_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full exists on Linux");
    let out = Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(["test", "examples/chat.sockspec"])
        .current_dir(root())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot write the output"));
}
