//! `check` and `validate` judge alias chains alike, at any length: a chain the compiler
//! accepts validates frames on their merits (the validator once gave up after 64 links and
//! rejected every frame as "refers to itself without nesting").

use std::fmt::Write as _;

use sockspec_model::Direction;
use sockspec_validator::{ErrorCode, Validator};

/// A schema whose message uses the ends of alias chains `n` links long: of a constrained
/// string, of a nullable integer, and inside an untagged union.
fn schema(n: usize) -> String {
    let mut src = String::from("protocol p {}\n");
    for (prefix, end) in [("S", "string @len(..=5)"), ("N", "u8 | null"), ("L", "[u8] @len(1..)")] {
        for i in 0..n - 1 {
            let _ = writeln!(src, "type {prefix}{i} = {prefix}{}", i + 1);
        }
        let _ = writeln!(src, "type {prefix}{} = {end}", n - 1);
    }
    src += "@untagged union U = S0 | bool\n";
    src += "client message M {\n    s?: S0 @len(2..)\n    n?: N0\n    l?: L0\n    u?: U\n}\n";
    src
}

fn verdicts(n: usize) -> Vec<Vec<(String, ErrorCode)>> {
    let (schema, diagnostics) = sockspec_model::check(&schema(n));
    assert!(diagnostics.is_empty(), "{n} links: {diagnostics:?}");
    let schema = schema.expect("clean");
    let validator = Validator::new(&schema);
    let frames = [
        r#"{"type": "m", "s": "abc", "n": 7, "l": [1], "u": "x"}"#,
        r#"{"type": "m", "n": null, "u": true}"#,
        r#"{"type": "m", "s": "a"}"#,
        r#"{"type": "m", "s": "abcdef"}"#,
        r#"{"type": "m", "n": 256, "l": []}"#,
        r#"{"type": "m", "u": 3}"#,
    ];
    frames
        .iter()
        .map(|frame| match validator.validate(Direction::Client, frame) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.path, e.code)).collect(),
        })
        .collect()
}

fn expected() -> Vec<Vec<(String, ErrorCode)>> {
    let at = |path: &str, code| (path.to_string(), code);
    vec![
        vec![],
        vec![],
        vec![at("/s", ErrorCode::BadLength)],
        vec![at("/s", ErrorCode::BadLength)],
        vec![at("/n", ErrorCode::OutOfRange), at("/l", ErrorCode::BadLength)],
        vec![at("/u", ErrorCode::WrongType)],
    ]
}

#[test]
fn a_65_alias_chain_validates_frames_on_their_merits() {
    assert_eq!(verdicts(65), expected());
}

#[test]
fn chains_of_every_length_agree() {
    for n in [1, 2, 16, 17, 32, 33, 64, 66, 130] {
        assert_eq!(verdicts(n), expected(), "{n} links");
    }
}

#[test]
fn a_long_alias_chain_validates() {
    assert_eq!(verdicts(5_000), expected());
}
