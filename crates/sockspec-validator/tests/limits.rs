//! The validator's limits on hostile frames: errors per frame are capped and counted, error
//! messages quote only a prefix of a huge value, and dispatch finds the right message among
//! very many.

use sockspec_model::Schema;
use sockspec_validator::{Direction, ErrorCode, MAX_ERRORS, MAX_QUOTED_CHARS, Validator};

fn schema(src: &str) -> Schema {
    let (schema, diagnostics) = sockspec_model::check(src);
    schema.unwrap_or_else(|| panic!("{diagnostics:#?}"))
}

/// A strict client message `wide` with a list of structs of `fields` required members.
fn wide(fields: usize) -> Schema {
    let members: Vec<String> = (0..fields).map(|i| format!("f{i}: u8")).collect();
    schema(&format!(
        "protocol p {{}}\nstruct Row {{ {} }}\nenum Mode {{ a, b }}\n@strict client message Wide {{ rows: [Row], mode?: Mode, n?: u8 }}",
        members.join(", ")
    ))
}

#[test]
fn errors_per_frame_are_capped_and_counted() {
    let schema = wide(50);
    let validator = Validator::new(&schema);
    let frame = format!(r#"{{"type": "wide", "rows": [{}]}}"#, vec!["{}"; 1000].join(","));
    let (outcome, omitted) = validator.validate_capped(Direction::Client, &frame);
    let errors = outcome.expect_err("every row misses every member");
    assert_eq!(errors.len(), MAX_ERRORS);
    assert_eq!(omitted, 1000 * 50 - MAX_ERRORS);
    // The first ones, in the order found.
    assert_eq!((errors[0].path.as_str(), errors[0].code), ("/rows/0/f0", ErrorCode::MissingField));
    assert_eq!(errors[MAX_ERRORS - 1].path, "/rows/1/f49");
    // `validate` returns the same errors.
    assert_eq!(validator.validate(Direction::Client, &frame), Err(errors));
}

#[test]
fn a_frame_under_the_cap_omits_nothing() {
    let schema = wide(50);
    let validator = Validator::new(&schema);
    let (outcome, omitted) = validator.validate_capped(Direction::Client, r#"{"type": "wide", "rows": [{}]}"#);
    assert_eq!(outcome.expect_err("invalid").len(), 50);
    assert_eq!(omitted, 0);
}

#[test]
fn messages_quote_a_prefix_of_huge_values() {
    let schema = wide(1);
    let validator = Validator::new(&schema);
    let huge = "x".repeat(1_000_000);
    let digits = "9".repeat(1_000_000);
    for (frame, code) in [
        (format!(r#"{{"type": "wide", "rows": [], "mode": "{huge}"}}"#), ErrorCode::UnknownValue),
        (format!(r#"{{"type": "wide", "rows": [], "n": {digits}}}"#), ErrorCode::OutOfRange),
        (format!(r#"{{"type": "{huge}"}}"#), ErrorCode::UnknownTag),
        (format!(r#"{{"type": "wide", "rows": [], "{huge}": 1}}"#), ErrorCode::UnknownField),
    ] {
        let errors = validator.validate(Direction::Client, &frame).expect_err("invalid");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, code);
        assert!(errors[0].message.len() < MAX_QUOTED_CHARS + 100, "{code}: {} bytes", errors[0].message.len());
        assert!(errors[0].message.contains("(1000000 characters)"), "{}", errors[0].message);
    }
}

#[test]
fn dispatch_finds_any_of_many_messages() {
    let n = 20_000;
    let messages: Vec<String> = (0..n).map(|i| format!("client message M{i} {{ n: u8 }}")).collect();
    let ints: Vec<String> = (0..n).map(|i| format!("@tag({i}) server message S{i} {{}}")).collect();
    let schema = schema(&format!("protocol p {{ tag = \"op\" }}\n{}\n{}", messages.join("\n"), ints.join("\n")));
    let validator = Validator::new(&schema);
    for i in [0, 1, n / 2, n - 1] {
        let kind = validator.validate(Direction::Client, &format!(r#"{{"op": "m{i}", "n": 1}}"#)).expect("valid");
        assert_eq!(validator.frame_name(kind), format!("M{i}"));
        let kind = validator.validate(Direction::Server, &format!(r#"{{"op": {i}}}"#)).expect("valid");
        assert_eq!(validator.frame_name(kind), format!("S{i}"));
    }
    let errors = validator.validate(Direction::Client, r#"{"op": "nope"}"#).expect_err("unknown");
    assert_eq!((errors[0].path.as_str(), errors[0].code), ("/op", ErrorCode::UnknownTag));
    let errors = validator.validate(Direction::Server, r#"{"op": "1"}"#).expect_err("a string tag");
    assert_eq!((errors[0].path.as_str(), errors[0].code), ("/op", ErrorCode::WrongType));
    let errors = validator.validate(Direction::Server, &format!(r#"{{"op": {}}}"#, u64::MAX)).expect_err("too big");
    assert_eq!(errors[0].code, ErrorCode::UnknownTag);
}

#[test]
fn structural_dispatch_finds_any_of_many_untagged_messages() {
    let n = 10_000;
    let messages: Vec<String> =
        (0..n).map(|i| format!("@tag(none) client message U{i} {{ k{i}: u8, o?: u8 }}")).collect();
    let schema = schema(&format!("protocol p {{}}\n{}", messages.join("\n")));
    let validator = Validator::new(&schema);
    for i in [0, n / 2, n - 1] {
        let kind = validator.validate(Direction::Client, &format!(r#"{{"k{i}": 1, "o": 2}}"#)).expect("valid");
        assert_eq!(validator.frame_name(kind), format!("U{i}"));
    }
    for frame in [r#"{"o": 1}"#, r#"{"k1": 1, "k2": 2}"#, "{}"] {
        let errors = validator.validate(Direction::Client, frame).expect_err("no signature");
        assert_eq!((errors[0].path.as_str(), errors[0].code), ("", ErrorCode::UnknownTag), "{frame}");
    }
}
