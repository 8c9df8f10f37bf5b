//! `@breaking("why")` approvals, `--fail-on` policies and the report formats.

use sockspec_diff::{Category, Format, Report, diff, render};
use sockspec_model::{Schema, SourceFile};

fn load(text: &str) -> Schema {
    let (schema, diags) = sockspec_validator::check(text);
    schema.unwrap_or_else(|| panic!("errors: {diags:#?}"))
}

fn compare(old: &str, new: &str) -> Report {
    diff(&load(old), &load(new))
}

const OLD: &str = "protocol p {}\n\nclient message Join { room: string }\n\nclient message Hello {}\n";

#[test]
fn an_approved_break_is_shown_and_does_not_fail() {
    let new = "protocol p {}\n\nclient message Join {\n    room: string\n    @breaking(\"nick is mandatory from 2.0\")\n    nick: string\n}\n\nclient message Hello {}\n";
    let report = compare(OLD, new);
    let f = report.findings.iter().find(|f| f.rule == "field-added-required").expect("the finding");
    assert_eq!(f.approved.as_deref(), Some("nick is mandatory from 2.0"));
    assert_eq!(f.category(), Category::WireBreaking);
    assert!(!report.fails(true, true));
    let text = render(&report, Format::Human, &SourceFile::new("new.sockspec", new), true, true);
    insta::assert_snapshot!(text);
}

#[test]
fn an_approval_covers_what_the_item_contains() {
    let new = "protocol p {}\n\n@breaking(\"Join v2\")\nclient message Join {\n    room: u64\n    nick: string\n}\n\nclient message Hello {}\n";
    let report = compare(OLD, new);
    assert!(report.findings.len() >= 2);
    assert!(report.findings.iter().all(|f| f.approved.as_deref() == Some("Join v2")), "{report:#?}");
    assert!(!report.fails(true, true));
}

#[test]
fn a_removed_item_is_approved_by_the_protocol() {
    let new = "@breaking(\"Hello is gone in 2.0\")\nprotocol p {}\n\nclient message Join { room: string }\n";
    let report = compare(OLD, new);
    let f = report.findings.iter().find(|f| f.rule == "message-removed").expect("the finding");
    assert_eq!(f.approved.as_deref(), Some("Hello is gone in 2.0"));
    assert!(!report.fails(true, true));
}

#[test]
fn an_approval_carried_over_from_the_old_version_approves_nothing() {
    let old = "protocol p {}\n\n@breaking(\"Join v2\")\nclient message Join { room: string }\n";
    let new = "protocol p {}\n\n@breaking(\"Join v2\")\nclient message Join {\n    room: string\n    nick: string\n}\n";
    let report = compare(old, new);
    assert!(report.findings.iter().all(|f| f.approved.is_none()), "{report:#?}");
    assert!(report.fails(true, true));
    // A new reason is a new approval.
    let renewed = new.replace("Join v2", "Join v3");
    assert!(!compare(old, &renewed).fails(true, true));
}

#[test]
fn an_approval_elsewhere_does_not_apply() {
    let new = "protocol p {}\n\nclient message Join {\n    room: string\n    nick: string\n}\n\n@breaking(\"unrelated\")\nclient message Hello {}\n";
    let report = compare(OLD, new);
    assert!(report.fails(true, true));
}

#[test]
fn fail_on_picks_the_categories() {
    // A type renamed with its wire unchanged: source-breaking only.
    let old = "protocol p {}\n\nstruct Point { x: f64 }\n\nclient message Move { to: Point }\n";
    let new = "protocol p {}\n\n@renamed_from(\"Point\")\nstruct Position { x: f64 }\n\nclient message Move { to: Position }\n";
    let report = compare(old, new);
    assert!(report.findings.iter().all(|f| f.category() == Category::SourceBreaking), "{report:#?}");
    assert!(report.fails(false, true));
    assert!(!report.fails(true, false));
}

#[test]
fn identical_schemas_have_no_findings() {
    for path in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples")).expect("examples") {
        let path = path.expect("entry").path();
        if path.extension().is_some_and(|e| e == "sockspec") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let report = compare(&text, &text);
            assert!(report.findings.is_empty(), "{}: {report:#?}", path.display());
        }
    }
}

#[test]
fn reordering_declarations_is_no_change() {
    let old = "protocol p {}\n\nstruct A { a: u8 }\n\nstruct B { b: A }\n\nclient message X { b: B }\n\nserver message Y { a: A }\n";
    let new = "protocol p {}\n\nserver message Y { a: A }\n\nstruct B { b: A }\n\nclient message X { b: B }\n\nstruct A { a: u8 }\n";
    assert!(compare(old, new).findings.is_empty());
}

#[test]
fn every_format_renders_the_same_findings() {
    let new = "protocol p {}\n\nclient message Join {\n    room: string\n    nick: string\n}\n\n@breaking(\"old | unused\")\nclient message Hello { a?: u8 }\n";
    let report = compare(OLD, new);
    let file = SourceFile::new("api/new.sockspec", new);
    for (name, format) in [("json", Format::Json), ("github", Format::Github), ("markdown", Format::Markdown)] {
        let text = render(&report, format, &file, true, true);
        insta::assert_snapshot!(name, text);
        // Rendering twice gives the same bytes.
        assert_eq!(text, render(&report, format, &file, true, true));
    }
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Json, &file, true, true)).expect("valid JSON");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(report.findings.len()));
    assert_eq!(json["summary"]["fails"], true);
}

#[test]
fn github_annotations_escape_what_would_end_them() {
    let new = "protocol p {}\n\nclient message Join {\n    room: string\n    @breaking(\"a, b: 100%\")\n    nick: string\n}\n\nclient message Hello {}\n";
    let text = render(&compare(OLD, new), Format::Github, &SourceFile::new("a:b,c.sockspec", new), true, true);
    assert!(text.contains("file=a%3Ab%2Cc.sockspec"), "{text}");
    assert!(text.contains("100%25"), "{text}");
}

#[test]
fn locations_agree_with_the_source_file() {
    let new = "protocol p {}\n\n/// é ü\nclient message Join {\n    room: string\n    // ü\n    nick: string\n}\n\nclient message Hello {}\n";
    let report = compare(OLD, new);
    let file = SourceFile::new("n.sockspec", new);
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Json, &file, true, true)).expect("valid JSON");
    for (f, j) in report.findings.iter().zip(json["findings"].as_array().expect("findings")) {
        let (line, col) = file.line_col(f.span.start);
        assert_eq!((j["line"].as_u64(), j["column"].as_u64()), (Some(line as u64), Some(col as u64)));
    }
}

#[test]
fn envelope_presence_is_compared_per_message() {
    // `@only(Ready)` moved to `Hello`: `s` becomes required there, null or absent on Ready.
    let old = "protocol p {}\n\nenvelope {\n    @only(Ready)\n    s?: u64 | null\n}\n\nserver message Ready {}\n\nserver message Hello {}\n";
    let new = old.replace("@only(Ready)", "@only(Hello)");
    let report = compare(old, &new);
    let at: Vec<(&str, &str)> = report.findings.iter().map(|f| (f.rule, f.at.as_str())).collect();
    assert!(
        at.contains(&("field-made-required", "server message Hello, envelope from the server, field \"s\"")),
        "{report:#?}"
    );
    assert!(report.findings.iter().any(|f| f.at.starts_with("server message Ready") && f.breaks.any()), "{report:#?}");
    // A change to the declaration itself is reported once, on the envelope.
    let retyped = old.replace("s?: u64 | null", "s?: u32 | null");
    let report = compare(old, &retyped);
    let narrowed: Vec<&str> =
        report.findings.iter().filter(|f| f.rule == "integer-narrowed").map(|f| f.at.as_str()).collect();
    assert_eq!(narrowed, ["envelope, field \"s\""], "{report:#?}");
}

#[test]
fn an_identifier_change_alone_is_source_breaking() {
    let old = "protocol p {}\n\nstruct Point { x: f64 }\n\nclient message Move { to: Point }\n";
    let new = "protocol p {}\n\n@ident(\"Position\")\nstruct Point { x: f64 }\n\nclient message Move { to: Point }\n";
    let report = compare(old, new);
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let f = &report.findings[0];
    assert_eq!((f.rule, f.category()), ("type-renamed", Category::SourceBreaking));
    assert!(f.message.contains("Position (Rust)"), "{}", f.message);
}

/// A message added where old readers keep unknown tags breaks nothing on the wire; the
/// lookup is followed level by level, so `keep(0)` (only the second level under op 0 is
/// open) keeps an added `@tag(0, "NEW")` and still rejects an added `@tag(7)`.
#[test]
fn an_added_message_under_an_open_second_level_is_kept_by_old_readers() {
    let old = "protocol g {\n    tag = [\"op\", \"t\"]\n    server_unknown_tags = keep(0)\n}\n\n\
               @tag(0, \"READY\")\nserver message Ready {}\n\n@tag(1)\nserver message Hello {}\n";
    let under_open = format!("{old}\n@tag(0, \"RESUMED\")\nserver message Resumed {{}}\n");
    let report = compare(old, &under_open);
    let f = report.findings.iter().find(|f| f.rule == "message-added").expect("the finding");
    assert!(!f.breaks.any(), "{f:#?}");
    assert!(f.message.contains("keep it as an unknown message"), "{}", f.message);

    let at_closed_top = format!("{old}\n@tag(7)\nserver message Other {{}}\n");
    let report = compare(old, &at_closed_top);
    let f = report.findings.iter().find(|f| f.rule == "message-added").expect("the finding");
    assert!(f.breaks.new_server_old_clients, "{f:#?}");

    // Removed from under the open level: new readers keep its frames.
    let report = compare(&under_open, old);
    let f = report.findings.iter().find(|f| f.rule == "message-removed").expect("the finding");
    assert!(!f.breaks.any(), "{f:#?}");
}

/// JSON-RPC: an added notification of a side whose notifications are open is kept.
#[test]
fn an_added_notification_of_an_open_jsonrpc_side_is_kept_by_old_readers() {
    let old =
        "protocol r {\n    style = jsonrpc\n    server_unknown_tags = keep\n}\n\nserver message Log { text: string }\n";
    let new = format!("{old}\nserver message Progress {{ done: u32 }}\n");
    let report = compare(old, &new);
    let f = report.findings.iter().find(|f| f.rule == "message-added").expect("the finding");
    assert!(!f.breaks.any(), "{f:#?}");
}

/// An open level keeps unknown values of its tags' JSON type only: a string tag added to an
/// integer-tagged open level is `wrong_type` for old readers, a break.
#[test]
fn a_tag_of_another_json_type_under_an_open_level_is_a_break() {
    let old = "protocol g {\n    tag = \"op\"\n    client_unknown_tags = keep\n}\n\n@tag(1)\nclient message One {}\n";
    let new = format!("{old}\n@tag(\"two\")\nclient message Two {{}}\n");
    let report = compare(old, &new);
    let f = report.findings.iter().find(|f| f.rule == "message-added").expect("the finding");
    assert!(f.breaks.new_clients_old_server, "{f:#?}");
    let same_type = format!("{old}\n@tag(2)\nclient message Two {{}}\n");
    let report = compare(old, &same_type);
    let f = report.findings.iter().find(|f| f.rule == "message-added").expect("the finding");
    assert!(!f.breaks.any(), "{f:#?}");
}

/// A string that becomes an integer written as a string stays a string on the wire: only
/// the values narrow (a server's `code`: new clients refuse an old server's non-digits),
/// unless the old string had constraints of its own, which may refuse some new values.
#[test]
fn a_string_that_becomes_an_integer_as_a_string_only_narrows() {
    let free = "protocol d {}\nserver message Error { code: string }\n";
    let digits = "protocol d {}\nserver message Error { code: string @pattern(\"^[0-9]+$\") }\n";
    let int = "protocol d {}\nserver message Error { code: u32 @as(string) }\n";
    let breaks = |old: &str, new: &str| {
        let report = compare(old, new);
        let f = report.findings.iter().find(|f| f.rule == "type-changed").expect("the finding");
        assert!(f.message.contains("as a string"), "{}", f.message);
        (f.breaks.new_server_old_clients, f.breaks.new_clients_old_server)
    };
    // The server sends it: new clients reading an old server's strings are what narrows.
    assert_eq!(breaks(free, int), (false, true));
    assert_eq!(breaks(int, free), (true, false));
    // With a pattern of its own, the old string's readers may refuse some integers.
    assert_eq!(breaks(digits, int), (true, true));
}
