//! `sockspec diff` as a user runs it: exit codes per `--fail-on`, every format, and old
//! versions read from git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sockspec(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh folder of this test process for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const OLD: &str = "protocol p {}\n\nstruct Point { x: f64 }\n\nclient message Join { room: string }\n";
/// A wire break (required member) and a source break (type renamed, wire unchanged).
const NEW: &str = "protocol p {}\n\n@renamed_from(\"Point\")\nstruct Position { x: f64 }\n\nclient message Join {\n    room: string\n    nick: string\n}\n";
/// Only a compatible change.
const COMPATIBLE: &str =
    "protocol p {}\n\nstruct Point { x: f64 }\n\nclient message Join {\n    room: string\n    nick?: string\n}\n";
/// Only a source break.
const SOURCE_ONLY: &str =
    "protocol p {}\n\n@renamed_from(\"Point\")\nstruct Position { x: f64 }\n\nclient message Join { room: string }\n";

fn files(name: &str, new: &str) -> PathBuf {
    let dir = folder(name);
    std::fs::write(dir.join("old.sockspec"), OLD).expect("written");
    std::fs::write(dir.join("new.sockspec"), new).expect("written");
    dir
}

#[test]
fn breaking_changes_exit_one_and_point_into_the_new_file() {
    let dir = files("breaking", NEW);
    let out = sockspec(&["diff", "old.sockspec", "new.sockspec"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("new.sockspec:8:5"), "{report}");
    assert!(report.contains("field-added-required") && report.contains("breaks a new server with old clients"));
    assert!(report.contains("type-renamed"), "{report}");
}

#[test]
fn compatible_changes_exit_zero() {
    let dir = files("compatible", COMPATIBLE);
    let out = sockspec(&["diff", "old.sockspec", "new.sockspec"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("field-added-optional"));
}

#[test]
fn fail_on_picks_the_categories() {
    let dir = files("fail-on", SOURCE_ONLY);
    let code =
        |fail_on: &str| sockspec(&["diff", "old.sockspec", "new.sockspec", "--fail-on", fail_on], &dir).status.code();
    assert_eq!(code("wire"), Some(0));
    assert_eq!(code("source"), Some(1));
    assert_eq!(code("wire,source"), Some(1));
}

#[test]
fn every_format_is_written_to_stdout() {
    let dir = files("formats", NEW);
    let json = sockspec(&["diff", "old.sockspec", "new.sockspec", "--format", "json"], &dir);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert_eq!(value["summary"]["fails"], true);
    let github = text(&sockspec(&["diff", "old.sockspec", "new.sockspec", "--format", "github"], &dir).stdout);
    assert!(github.starts_with("::error file=new.sockspec,line="), "{github}");
    let markdown = text(&sockspec(&["diff", "old.sockspec", "new.sockspec", "--format", "markdown"], &dir).stdout);
    assert!(markdown.starts_with("## sockspec diff") && markdown.contains("| ❌ |"), "{markdown}");
}

#[test]
fn tool_failures_exit_two() {
    let dir = files("failures", NEW);
    std::fs::write(dir.join("bad.sockspec"), "protocol p {}\nclient message A { x: nope }\n").expect("written");
    for args in [
        &["diff", "missing.sockspec", "new.sockspec"][..],
        &["diff", "old.sockspec", "bad.sockspec"],
        &["diff", "git:HEAD", "new.sockspec"],
    ] {
        let out = sockspec(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("error"), "{args:?}");
    }
    // A schema with errors shows its diagnostics.
    assert!(text(&sockspec(&["diff", "old.sockspec", "bad.sockspec"], &dir).stderr).contains("nope"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_old_version_is_read_from_git() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = folder("git");
    git(&dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("api")).expect("folder");
    std::fs::write(dir.join("api/chat.sockspec"), OLD).expect("written");
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    std::fs::write(dir.join("api/chat.sockspec"), NEW).expect("written");
    let out = sockspec(&["diff", "git:HEAD:api/chat.sockspec", "api/chat.sockspec"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("field-added-required"));
    // Unchanged against itself.
    let same = sockspec(&["diff", "git:HEAD:api/chat.sockspec", "git:HEAD:api/chat.sockspec"], &dir);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("no changes"));
    // A revision that does not exist is git's error, passed on.
    let missing = sockspec(&["diff", "git:nope:api/chat.sockspec", "api/chat.sockspec"], &dir);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("git show nope:api/chat.sockspec failed"), "{}", text(&missing.stderr));
}

#[test]
fn help_names_the_command() {
    let out = sockspec(&["--help"], Path::new("."));
    assert!(text(&out.stdout).contains("diff"));
    let out = sockspec(&["diff", "--help"], Path::new("."));
    let help = text(&out.stdout);
    for word in ["git:REV:PATH", "--format", "--fail-on", "markdown", "github"] {
        assert!(help.contains(word), "{word}: {help}");
    }
}

#[test]
fn the_old_version_may_be_a_serialized_model() {
    let dir = files("model", NEW);
    let (schema, _) = sockspec_validator::check(OLD);
    std::fs::write(dir.join("old.json"), schema.expect("clean").to_json()).expect("written");
    let from_model = sockspec(&["diff", "old.json", "new.sockspec", "--format", "json"], &dir);
    let from_schema = sockspec(&["diff", "old.sockspec", "new.sockspec", "--format", "json"], &dir);
    assert_eq!(from_model.status.code(), Some(1), "{}", text(&from_model.stderr));
    assert_eq!(text(&from_model.stdout), text(&from_schema.stdout));
    // Another format version is refused plainly; so is a model as the new version.
    let model = std::fs::read_to_string(dir.join("old.json")).expect("readable");
    let model = model.replacen("\"format_version\": 1", "\"format_version\": 99", 1);
    std::fs::write(dir.join("future.json"), model).expect("written");
    let future = sockspec(&["diff", "future.json", "new.sockspec"], &dir);
    assert_eq!(future.status.code(), Some(2));
    assert!(text(&future.stderr).contains("format version"), "{}", text(&future.stderr));
    assert_eq!(sockspec(&["diff", "old.sockspec", "old.json"], &dir).status.code(), Some(2));
}
