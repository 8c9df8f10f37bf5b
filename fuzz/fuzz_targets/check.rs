//! Any bytes through the compiler: no panic, spans inside the text on char boundaries, and
//! for schemas that check clean, the model keeps its invariants, and `fmt` is idempotent
//! and keeps the schema valid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sockspec_syntax::{SourceFile, format, parse, render_human};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let (schema, diagnostics) = sockspec_validator::check(src);
    for d in &diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(start <= end && end <= src.len(), "{}: span {start}..{end} outside 0..{}", d.code, src.len());
            assert!(src.is_char_boundary(start) && src.is_char_boundary(end), "{}: span splits a char", d.code);
        }
    }
    render_human(&SourceFile::new("fuzz.sockspec", src), &diagnostics, false);
    let Some(schema) = schema else { return };
    if let Err(breaches) = schema.check_invariants() {
        panic!("the model breaks its invariants: {breaches:#?}\n{src}");
    }
    let once = format(&parse(src).0);
    let (again, diagnostics) = parse(&once);
    assert!(diagnostics.is_empty(), "the formatted schema does not parse:\n{once}");
    let twice = format(&again);
    assert_eq!(once, twice, "fmt is not idempotent");
    let (formatted_schema, diagnostics) = sockspec_validator::check(&once);
    assert!(formatted_schema.is_some(), "the formatted schema does not check: {diagnostics:#?}\n{once}");
});
