//! Robustness properties of the compiler and the validator on input nobody wrote on
//! purpose: random bytes, token soup, mutated example schemas and mutated frames. Nothing
//! panics, every diagnostic span and every error path is well formed, `fmt` keeps a valid
//! schema valid (and its model unchanged), and the model is deterministic.
//!
//! Case counts are modest so the file runs in seconds in CI; the `fuzz/` targets check the
//! same properties for as long as one cares to run them.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::Value;
use sockspec_model::{Direction, Schema};
use sockspec_syntax::{Diagnostic, SourceFile, TokenKind, lex, render_human, render_json};
use sockspec_validator::{ErrorCode, Validator};

// ---- the examples, loaded once ----

/// One example schema with the frames of its vectors file.
struct Example {
    name: String,
    text: String,
    schema: Schema,
    /// Each vector's frame as text: `message` serialized, or `raw` as written.
    frames: Vec<String>,
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

static EXAMPLES: LazyLock<Vec<Example>> = LazyLock::new(|| {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("the examples folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples in {}", examples_dir().display());
    paths
        .iter()
        .map(|path| {
            let name = path.file_stem().expect("file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(path).expect("example readable");
            let (schema, diagnostics) = sockspec_validator::check(&text);
            let file = SourceFile::new(format!("{name}.sockspec"), text.clone());
            let schema = schema
                .unwrap_or_else(|| panic!("{name} does not check:\n{}", render_human(&file, &diagnostics, false)));
            Example { frames: vector_frames(&path.with_extension("vectors.jsonl")), name, text, schema }
        })
        .collect()
});

/// The frames of a vectors file (none when the example has no vectors file).
fn vector_frames(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let vector: Value = serde_json::from_str(line).expect("each vector line is JSON");
            match (vector.get("message"), vector.get("raw")) {
                (Some(message), _) => message.to_string(),
                (None, Some(Value::String(raw))) => raw.clone(),
                _ => panic!("{}: a vector without `message` or `raw`: {line}", path.display()),
            }
        })
        .collect()
}

/// One validator per example, built once (building compiles the schema's patterns).
static VALIDATORS: LazyLock<Vec<Validator<'static>>> =
    LazyLock::new(|| EXAMPLES.iter().map(|e| Validator::new(&e.schema)).collect());

/// Every object key and string value in the examples' frames: random frames made of these
/// reach past dispatch far more often than random text does.
static FRAME_WORDS: LazyLock<(Vec<String>, Vec<String>)> = LazyLock::new(|| {
    fn walk(value: &Value, keys: &mut Vec<String>, strings: &mut Vec<String>) {
        match value {
            Value::String(s) => strings.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| walk(v, keys, strings)),
            Value::Object(members) => {
                for (k, v) in members {
                    keys.push(k.clone());
                    walk(v, keys, strings);
                }
            }
            _ => {}
        }
    }
    let (mut keys, mut strings) = (Vec::new(), Vec::new());
    for frame in EXAMPLES.iter().flat_map(|e| &e.frames) {
        if let Ok(value) = serde_json::from_str::<Value>(frame) {
            walk(&value, &mut keys, &mut strings);
        }
    }
    // Keys that need escaping in a JSON Pointer, and the empty key.
    keys.extend(["a/b", "~", "~1", "", "é"].map(String::from));
    for list in [&mut keys, &mut strings] {
        list.sort();
        list.dedup();
    }
    (keys, strings)
});

// ---- the properties every compiler run must have ----

/// Checks `src` and asserts what holds for any input: no panic, spans inside the text on
/// char boundaries, both renderers work. Returns the check's result.
fn check_robustly(src: &str) -> (Option<Schema>, Vec<Diagnostic>) {
    let (schema, diagnostics) = sockspec_validator::check(src);
    if let Some(schema) = &schema {
        assert_eq!(schema.check_invariants(), Ok(()), "a checked schema breaks the model's invariants:\n{src}");
    }
    for d in &diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(start <= end && end <= src.len(), "{}: span {start}..{end} outside 0..{}", d.code, src.len());
            assert!(
                src.is_char_boundary(start) && src.is_char_boundary(end),
                "{}: span {start}..{end} splits a character",
                d.code
            );
        }
    }
    assert_eq!(schema.is_some(), !diagnostics.iter().any(Diagnostic::is_error), "a schema exactly when no error");
    let file = SourceFile::new("input.sockspec", src);
    let rendered = render_human(&file, &diagnostics, false);
    assert!(diagnostics.is_empty() || !rendered.is_empty());
    assert_eq!(render_json(&file, &diagnostics).len(), diagnostics.len());
    (schema, diagnostics)
}

/// A schema that checked clean still checks clean once formatted, to the same model.
fn assert_fmt_keeps_meaning(src: &str, schema: &Schema) -> Result<(), TestCaseError> {
    let formatted = sockspec_syntax::format(&sockspec_syntax::parse(src).0);
    let (again, diagnostics) = check_robustly(&formatted);
    let file = SourceFile::new("formatted.sockspec", formatted.clone());
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    prop_assert!(
        errors.is_empty(),
        "the formatted schema has errors:\n{}\n--- input ---\n{src}\n--- formatted ---\n{formatted}",
        render_human(&file, &errors, false)
    );
    // Model equality leaves spans out: formatting moves every item but changes none.
    prop_assert!(
        *schema == again.expect("no errors"),
        "fmt changed the model\n--- input ---\n{src}\n--- formatted ---\n{formatted}"
    );
    Ok(())
}

// ---- random text ----

/// Tokens of the language (and a few near misses), for token soup that gets past the lexer.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "protocol", "envelope", "connection", "struct", "enum", "union", "type", "client", "server", "message", "request",
    "x", "Name", "Other", "T", "id", "tag", "style", "jsonrpc", "content", "none", "null", "true", "string", "u8",
    "u64", "i64", "f32", "bytes", "datetime", "date", "uuid", "json", "map", "bool", "@open", "@flags", "@untagged",
    "@tag", "@tag_field", "@error", "@strict", "@content", "@stream", "@end", "@correlate", "@subscription",
    "@no_envelope", "@range", "@len", "@pattern", "@as", "@absent", "@example", "@deprecated", "{", "}", "(", ")", "[",
    "]", "<", ">", ",", ";", ":", "=", "?", "|", "@", "->", "..", "..=", "-", "\n", "\"s\"", "\"[\"", "\"\\u00e9\"",
    "\"unterminated", "0", "-3", "0x1F", "1_000", "1e3", "0.5", "30s", "500ms", "18446744073709551616", "1e400", "// c",
    "/// d", "é", "\u{0}", "\t",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(WORDS), prop::sample::select(&[" ", "", "\n"][..])), 0..80)
        .prop_map(|parts| parts.into_iter().flat_map(|(w, sep)| [w, sep]).collect())
}

// ---- mutations of the examples ----

/// Text inserted by mutations: punctuation, keywords, attributes and odd literals.
#[rustfmt::skip]
const SNIPPETS: &[&str] = &[
    "{", "}", "(", ")", "[", "]", "<", ">", ",", ";", ":", "=", "?", "|", "@", "->", "..", "..=", "-", "\"", "//",
    "///", "\n", "protocol p {}", "struct", "enum", "union", "type", "message", "request", "client", "server",
    "envelope {}", "connection {}", "@open", "@flags", "@untagged", "@tag(none)", "@tag(3)", "@tag(0, \"X\")",
    "@tag(\"dup\")", "@tag_field(\"kind\")", "@error", "@strict", "@lenient", "@content(none)", "@content(\"d\")",
    "@no_envelope", "@stream(A)", "@end(B)", "@correlate(id)", "@range(1..0)", "@range(0..=1)", "@len(5..=2)",
    "@len(1..)", "@pattern(\"[\")", "@as(string)", "@as(unix_ms)", "@absent(null)", "| null", "= null", "= 0", "?:",
    "json", "map<", "map<string>", "[u8]", "u64", "i8", "string", "bytes", "datetime", "A | B", "0x", "1e400",
    "99999999999999999999999", "-0", "\"é\"", "é", "😀", "x: u8", "a?: string | null = null",
    "[string, u64]", "[u8,]", ", u32 @range(1..)", "@base(B)", "@as(unix_ms_float)", ": int",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Delete `len` tokens from token `at`.
    Delete { at: Index, len: usize },
    /// Repeat `len` tokens from token `at` right after themselves.
    Duplicate { at: Index, len: usize },
    /// Exchange two token ranges of `len` tokens (nothing when they overlap).
    Swap { a: Index, b: Index, len: usize },
    /// Insert a snippet before token `at`.
    Insert { at: Index, snippet: &'static str },
    /// Cut the text at a byte offset (floored to a char boundary).
    Truncate { at: Index },
    /// Delete a whole line: often a field or variant, so the schema may stay valid.
    DeleteLine { at: Index },
    /// Insert comments, line breaks or separators before token `at`: trivia a valid schema
    /// usually survives, so `fmt` gets to see valid schemas laid out in odd ways.
    InsertTrivia { at: Index, trivia: &'static str },
}

const TRIVIA: &[&str] = &["\n", "\n\n", "// c\n", "/// d\n", ";", ",", " // c\n", "\t", "\r\n"];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<Index>(), 1..8usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (any::<Index>(), 1..12usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        2 => (any::<Index>(), any::<Index>(), 1..6usize).prop_map(|(a, b, len)| Mutation::Swap { a, b, len }),
        3 => (any::<Index>(), prop::sample::select(SNIPPETS)).prop_map(|(at, snippet)| Mutation::Insert { at, snippet }),
        1 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        3 => any::<Index>().prop_map(|at| Mutation::DeleteLine { at }),
        3 => (any::<Index>(), prop::sample::select(TRIVIA)).prop_map(|(at, trivia)| Mutation::InsertTrivia { at, trivia }),
    ]
}

/// The byte range of tokens `at..at + len` (clamped), or `None` when there are no tokens.
fn token_range(src: &str, at: Index, len: usize) -> Option<std::ops::Range<usize>> {
    let tokens: Vec<_> = lex(src).into_iter().filter(|t| t.kind != TokenKind::Eof).collect();
    if tokens.is_empty() {
        return None;
    }
    let first = at.index(tokens.len());
    let last = (first + len).min(tokens.len()) - 1;
    Some(tokens[first].span.start as usize..tokens[last].span.end as usize)
}

fn apply(src: &str, mutation: &Mutation) -> String {
    let mut out = src.to_string();
    match *mutation {
        Mutation::Delete { at, len } => {
            if let Some(r) = token_range(src, at, len) {
                out.replace_range(r, "");
            }
        }
        Mutation::Duplicate { at, len } => {
            if let Some(r) = token_range(src, at, len) {
                out.insert_str(r.end, &src[r.clone()]);
            }
        }
        Mutation::Swap { a, b, len } => {
            if let (Some(a), Some(b)) = (token_range(src, a, len), token_range(src, b, len)) {
                let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
                if first.end <= second.start {
                    out = format!(
                        "{}{}{}{}{}",
                        &src[..first.start],
                        &src[second.clone()],
                        &src[first.end..second.start],
                        &src[first],
                        &src[second.end..]
                    );
                }
            }
        }
        Mutation::Insert { at, snippet } => {
            let offset = token_range(src, at, 1).map_or(0, |r| r.start);
            out.insert_str(offset, &format!("{snippet} "));
        }
        Mutation::Truncate { at } => out.truncate(floor_boundary(src, at.index(src.len() + 1))),
        Mutation::DeleteLine { at } => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(src.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < src.len())
                .collect();
            if !starts.is_empty() {
                let start = starts[at.index(starts.len())];
                let end = src[start..].find('\n').map_or(src.len(), |i| start + i + 1);
                out.replace_range(start..end, "");
            }
        }
        Mutation::InsertTrivia { at, trivia } => {
            let offset = token_range(src, at, 1).map_or(0, |r| r.start);
            out.insert_str(offset, trivia);
        }
    }
    out
}

// ---- random frames ----

/// JSON numbers at the edges of what the schema's number types take.
#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "0", "-0", "1", "-1", "1.0", "1e2", "0.5", "-0.0", "1e400", "-1e400", "1e-400", "255", "256", "-129", "65535",
    "65536", "4294967295", "4294967296", "9007199254740993", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616", "340282366920938463463374607431768211456",
    "3.4028236e38", "1732046789", "1732046789000", "4401",
];

/// JSON strings that trip format checks: dates, uuids, base64, escapes, lone surrogates.
#[rustfmt::skip]
const STRINGS: &[&str] = &[
    r#""""#, r#""\u0000""#, r#""\ud800""#, r#""\udc00\ud800""#, r#""\u00e9""#, r#""é😀""#, r#""\"\\\/\b\f\n\r\t""#,
    r#""2025-01-14T09:30:00.125Z""#, r#""2025-01-14T09:30:60Z""#, r#""2025-02-30""#, r#""2023-11-14T09:30:00""#,
    r#""0f8fad5b-d9cb-469f-a165-70867728950e""#, r#""0f8fad5bd9cb469fa16570867728950e""#, r#""aGk=""#, r#""aGk""#,
    r#""-_-_""#, r#""18446744073709551616""#, r#""-0""#, r#""01""#, r#""2.0""#,
];

/// A JSON text built from the examples' words: objects with known keys, edge numbers,
/// tricky strings; arrays and objects nest a few levels.
fn json_text() -> impl Strategy<Value = String> {
    let (keys, strings) = &*FRAME_WORDS;
    let quoted: Vec<String> = strings.iter().map(|s| Value::String(s.clone()).to_string()).collect();
    let keys: Vec<String> = keys.iter().map(|k| Value::String(k.clone()).to_string()).collect();
    let leaf = prop_oneof![
        1 => prop::sample::select(&["null", "true", "false"][..]).prop_map(String::from),
        1 => prop::sample::select(NUMBERS).prop_map(String::from),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| f.to_string()),
        1 => prop::sample::select(STRINGS).prop_map(String::from),
        3 => prop::sample::select(quoted),
        1 => "[ -~]{0,10}".prop_map(|s| Value::String(s).to_string()),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            3 => prop::collection::vec((prop::sample::select(keys.clone()), inner), 0..7).prop_map(|members| {
                let members: Vec<String> = members.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// A JSON value for structural mutations (serde_json's numbers only; edge numbers come
/// from the text mutations).
fn json_value() -> impl Strategy<Value = Value> {
    json_text().prop_filter_map("parses as serde_json", |text| serde_json::from_str(&text).ok())
}

#[derive(Clone, Debug)]
enum FrameMutation {
    /// An edit at one location of the parsed frame (frames serde_json cannot read are kept).
    Structural { at: Index, edit: Edit },
    /// Insert text at a byte offset (floored to a char boundary).
    InsertText { at: Index, text: &'static str },
    /// Delete a few bytes (the range widened to char boundaries).
    DeleteText { at: Index, len: usize },
}

#[derive(Clone, Debug)]
enum Edit {
    /// Replace the value.
    Replace(Value),
    /// Remove the member or item.
    Remove,
    /// Add a member to the object (or an item to the array).
    Add { key: Index, value: Value },
}

#[rustfmt::skip]
const FRAME_SNIPPETS: &[&str] = &[
    "{", "}", "[", "]", ",", ":", "\"", "\\", "0", "-", "e400", ".5", "9999999999999999999999", "null", " ", "\u{0}",
    "é", "\"type\":\"x\",", "\"id\":1,", "\"a\":{},",
];

fn frame_mutation() -> impl Strategy<Value = FrameMutation> {
    let edit = prop_oneof![
        3 => json_value().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        2 => (any::<Index>(), json_value()).prop_map(|(key, value)| Edit::Add { key, value }),
    ];
    prop_oneof![
        7 => (any::<Index>(), edit).prop_map(|(at, edit)| FrameMutation::Structural { at, edit }),
        1 => (any::<Index>(), prop::sample::select(FRAME_SNIPPETS))
            .prop_map(|(at, text)| FrameMutation::InsertText { at, text }),
        1 => (any::<Index>(), 1..6usize).prop_map(|(at, len)| FrameMutation::DeleteText { at, len }),
    ]
}

/// Every JSON Pointer inside `value`, the root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out));
        }
        Value::Object(members) => members.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", escape(k)), out)),
        _ => {}
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate_frame(frame: &str, mutation: &FrameMutation) -> String {
    let mut out = frame.to_string();
    match mutation {
        FrameMutation::Structural { at, edit } => {
            let Ok(mut root) = serde_json::from_str::<Value>(frame) else { return out };
            let mut all = Vec::new();
            pointers(&root, String::new(), &mut all);
            let target = &all[at.index(all.len())];
            match edit {
                Edit::Replace(value) => {
                    if let Some(slot) = root.pointer_mut(target) {
                        *slot = value.clone();
                    }
                }
                Edit::Remove => {
                    let Some((parent, last)) = target.rsplit_once('/') else { return out };
                    let last = last.replace("~1", "/").replace("~0", "~");
                    match root.pointer_mut(parent) {
                        Some(Value::Object(members)) => {
                            members.remove(&last);
                        }
                        Some(Value::Array(items)) => {
                            items.remove(last.parse::<usize>().expect("an index"));
                        }
                        _ => {}
                    }
                }
                Edit::Add { key, value } => {
                    let keys = &FRAME_WORDS.0;
                    match root.pointer_mut(target) {
                        Some(Value::Object(members)) => {
                            members.insert(keys[key.index(keys.len())].clone(), value.clone());
                        }
                        Some(Value::Array(items)) => items.push(value.clone()),
                        _ => {}
                    }
                }
            }
            out = root.to_string();
        }
        FrameMutation::InsertText { at, text } => {
            out.insert_str(floor_boundary(frame, at.index(frame.len() + 1)), text);
        }
        FrameMutation::DeleteText { at, len } => {
            let start = floor_boundary(frame, at.index(frame.len() + 1));
            let mut end = (start + len).min(frame.len());
            while !frame.is_char_boundary(end) {
                end += 1;
            }
            out.replace_range(start..end, "");
        }
    }
    out
}

/// RFC 6901 syntax: empty, or `/`-separated tokens where `~` is only `~0` or `~1`.
fn is_json_pointer(path: &str) -> bool {
    let bytes = path.as_bytes();
    (path.is_empty() || path.starts_with('/'))
        && bytes.iter().enumerate().all(|(i, &b)| b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

/// Validates `frame` from both sides with example `example`'s validator; no panic, and
/// every error names a well-formed path whose parent is in the frame (the path itself may
/// name a missing member).
fn validate_robustly(example: usize, frame: &str) -> Result<(), TestCaseError> {
    let validator = &VALIDATORS[example];
    let parsed: Option<Value> = serde_json::from_str(frame).ok();
    for direction in Direction::BOTH {
        let Err(errors) = validator.validate(direction, frame) else { continue };
        prop_assert!(!errors.is_empty(), "{}: Err with no errors for {frame}", EXAMPLES[example].name);
        for e in &errors {
            prop_assert!(
                is_json_pointer(&e.path),
                "{} ({}): path {:?} is not a JSON Pointer; frame {frame}",
                EXAMPLES[example].name,
                direction.as_str(),
                e.path
            );
            // serde_json keeps the last of duplicate members, so with duplicates the
            // value it holds may not be the one the validator looked at.
            if let Some(value) = parsed.as_ref().filter(|_| e.code != ErrorCode::InvalidJson) {
                let parent = e.path.rsplit_once('/').map_or("", |(parent, _)| parent);
                prop_assert!(
                    value.pointer(parent).is_some(),
                    "{} ({}): {} at {:?}: the parent {parent:?} is not in the frame {frame}",
                    EXAMPLES[example].name,
                    direction.as_str(),
                    e.code,
                    e.path
                );
            }
        }
    }
    Ok(())
}

/// `cases` cases, or `PROPTEST_CASES` when set (for a longer hunt than CI's).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    // No regression files: a failure prints its minimal input, which belongs in a test.
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(768))]

    #[test]
    fn random_bytes_check_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_robustly(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn printable_text_checks_without_panic(src in "[ -~\t\n\u{e9}\u{1F600}]{0,400}") {
        check_robustly(&src);
    }

    #[test]
    fn token_soup_checks_without_panic(src in token_soup()) {
        if let (Some(schema), _) = check_robustly(&src) {
            assert_fmt_keeps_meaning(&src, &schema)?;
        }
    }

    #[test]
    fn mutated_examples_check_without_panic(
        example in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let original = &EXAMPLES[example.index(EXAMPLES.len())].text;
        let src = mutations.iter().fold(original.clone(), |src, m| apply(&src, m));
        if let (Some(schema), _) = check_robustly(&src) {
            assert_fmt_keeps_meaning(&src, &schema)?;
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn validator_survives_random_frames(example in any::<Index>(), frame in json_text()) {
        validate_robustly(example.index(EXAMPLES.len()), &frame)?;
    }

    #[test]
    fn validator_survives_random_text(example in any::<Index>(), frame in "[ -~\u{e9}]{0,60}") {
        validate_robustly(example.index(EXAMPLES.len()), &frame)?;
    }

    #[test]
    fn validator_survives_mutated_vectors(
        example in any::<Index>(),
        vector in any::<Index>(),
        mutations in prop::collection::vec(frame_mutation(), 1..4),
    ) {
        let example = example.index(EXAMPLES.len());
        let frames = &EXAMPLES[example].frames;
        prop_assume!(!frames.is_empty());
        let frame = mutations.iter().fold(frames[vector.index(frames.len())].clone(), |f, m| mutate_frame(&f, m));
        validate_robustly(example, &frame)?;
    }
}

#[test]
fn vector_frames_validate_robustly() {
    for (i, example) in EXAMPLES.iter().enumerate() {
        assert!(!example.frames.is_empty(), "{} has no vectors", example.name);
        for frame in &example.frames {
            validate_robustly(i, frame).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn examples_format_to_the_same_model() {
    for example in EXAMPLES.iter() {
        assert_fmt_keeps_meaning(&example.text, &example.schema).unwrap_or_else(|e| panic!("{}: {e}", example.name));
    }
}

#[test]
fn the_model_is_deterministic() {
    for example in EXAMPLES.iter() {
        let first = serde_json::to_string(&example.schema).expect("model serializes");
        for _ in 0..3 {
            let (schema, _) = sockspec_validator::check(&example.text);
            let again = serde_json::to_string(&schema.expect("checked clean once")).expect("model serializes");
            assert!(first == again, "{}: two checks gave different models", example.name);
        }
    }
}
