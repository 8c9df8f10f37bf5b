//! Any bytes as a frame of the chat example, from both sides: no panic, and every error's
//! path is a JSON Pointer (RFC 6901).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sockspec_model::{Direction, Schema};
use sockspec_validator::Validator;

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let (schema, diagnostics) = sockspec_validator::check(include_str!("../../examples/chat.sockspec"));
    let schema = schema.unwrap_or_else(|| panic!("the chat example does not check: {diagnostics:#?}"));
    assert_eq!(schema.check_invariants(), Ok(()), "the chat example's model breaks its invariants");
    schema
});

static VALIDATOR: LazyLock<Validator<'static>> = LazyLock::new(|| Validator::new(&SCHEMA));

/// RFC 6901 syntax: empty, or `/`-separated tokens where `~` is only `~0` or `~1`.
fn is_json_pointer(path: &str) -> bool {
    let bytes = path.as_bytes();
    (path.is_empty() || path.starts_with('/'))
        && bytes.iter().enumerate().all(|(i, &b)| b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

fuzz_target!(|data: &[u8]| {
    // A WebSocket text frame is UTF-8; binary frames never reach the validator.
    let Ok(frame) = std::str::from_utf8(data) else { return };
    for direction in Direction::BOTH {
        if let Err(errors) = VALIDATOR.validate(direction, frame) {
            assert!(!errors.is_empty(), "Err without errors");
            for e in &errors {
                assert!(is_json_pointer(&e.path), "{:?} is not a JSON Pointer", e.path);
            }
        }
    }
});
