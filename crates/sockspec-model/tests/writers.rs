//! S0316: untagged variants that the generated Python or TypeScript writer takes one for
//! the other. Each warning case below was checked against the generated code (a frame read
//! as the later variant and written back came out in the earlier one's form); each silent
//! case round-trips in both targets.

use sockspec_model::{Diagnostic, check};

/// The S0316 warnings of a schema with `decls` and a client message whose field `n` has
/// type `ty` (an inline union, or a named one).
fn warnings(decls: &str, ty: &str) -> Vec<Diagnostic> {
    let src = format!("protocol p {{}}\n{decls}\nclient message M {{ n: {ty} }}\n");
    let (schema, diagnostics) = check(&src);
    assert!(schema.is_some(), "a warning never fails the check: {diagnostics:#?}");
    diagnostics.into_iter().filter(|d| d.code == "S0316").collect()
}

fn ordered(decls: &str, variants: &str) -> Vec<Diagnostic> {
    warnings(&format!("{decls}\n@untagged(ordered)\nunion U = {variants}"), "U")
}

/// Which writers the single warning names: "python", "typescript" or "both".
fn writers(found: &[Diagnostic]) -> &'static str {
    assert_eq!(found.len(), 1, "{found:#?}");
    let m = &found[0].message;
    match (m.contains("Python"), m.contains("TypeScript")) {
        (true, true) => "both",
        (true, false) => "python",
        (false, true) => "typescript",
        _ => panic!("no writer named: {m}"),
    }
}

#[test]
fn an_integer_and_the_same_integer_as_a_string() {
    assert_eq!(writers(&warnings("", "u64 | (u64 @as(string))")), "both");
    assert_eq!(writers(&warnings("", "(u64 @as(string)) | u64")), "both");
    assert_eq!(writers(&warnings("", "u32 | (u32 @as(string))")), "both");
    assert_eq!(writers(&warnings("", "i64 | (u64 @as(string))")), "both");
    // TypeScript holds a `u32` as a `number` and a `u64` as a `bigint`.
    assert_eq!(writers(&warnings("", "u32 | (u64 @as(string))")), "python");
    assert_eq!(writers(&warnings("", "u8 | (u64 @as(string))")), "python");
}

#[test]
fn the_warning_says_what_happens_and_how_to_fix_it() {
    let found = warnings("", "u64 | (u64 @as(string))");
    let d = &found[0];
    assert!(!d.is_error());
    assert_eq!(
        d.message,
        "the Python and TypeScript writers cannot tell the variants `u64` and `(u64 @as(string))` of this union apart"
    );
    assert_eq!(
        d.primary.message,
        "a value read as this variant is written as `u64` by the Python and TypeScript writers"
    );
    assert_eq!(d.secondary[0].message, "the writer picks this variant first");
    assert!(d.notes[0].starts_with("in Python both variants hold an `int`, in TypeScript a `bigint`"), "{:?}", d.notes);
    assert!(d.help.as_deref().is_some_and(|h| h.contains("tagged union")));
}

#[test]
fn through_aliases_nullables_and_nested_unions() {
    let decls = "type Snowflake = u64 @as(string)\ntype N = u64";
    assert_eq!(writers(&warnings(decls, "N | Snowflake")), "both");
    assert_eq!(writers(&warnings("", "u64 | null | (u64 @as(string))")), "both");
    assert_eq!(writers(&warnings("type V = bool | u32", "V | (u32 @as(string))")), "both");
    // In a list, a map, a struct's field, a named union.
    assert_eq!(writers(&warnings("", "[u64 | (u64 @as(string))]")), "both");
    assert_eq!(writers(&warnings("", "map<u64 | (u64 @as(string))>")), "both");
    let found = warnings("struct S { x: u64 | (u64 @as(string)) }", "S");
    assert_eq!(writers(&found), "both");
    assert_eq!(writers(&warnings("@untagged\nunion W = u64 | Snow\ntype Snow = u64 @as(string)", "W")), "both");
    assert!(found[0].message.ends_with("of this union apart"), "an inline union: {}", found[0].message);
    assert!(
        warnings("@untagged\nunion W = u64 | Snow\ntype Snow = u64 @as(string)", "W")[0].message.contains("of `W`")
    );
}

#[test]
fn floats_and_integers_as_strings() {
    // Python's float variant takes an `int`; TypeScript's `number` is both.
    assert_eq!(writers(&warnings("", "f64 | (u64 @as(string))")), "python");
    assert_eq!(writers(&warnings("", "f64 | (u32 @as(string))")), "both");
    // TypeScript's integer test takes a float read as a whole number.
    assert_eq!(writers(&warnings("", "(u32 @as(string)) | f64")), "typescript");
    assert_eq!(writers(&warnings("", "(datetime @as(unix_s_float)) | (u32 @as(string))")), "typescript");
}

#[test]
fn date_times_in_two_encodings() {
    assert_eq!(writers(&warnings("", "datetime | (datetime @as(unix_s))")), "python");
    assert_eq!(writers(&warnings("", "(datetime @as(unix_ms)) | datetime")), "python");
    // A naive (local) date-time before an aware one is not: the writer checks the text.
    assert_eq!(writers(&warnings("", "(datetime @as(unix_s)) | (datetime @as(local))")), "python");
    assert_eq!(writers(&ordered("", "(datetime @as(unix_s) @range(..10)) | (datetime @as(unix_s_float))")), "python");
}

#[test]
fn bytes_in_two_alphabets() {
    assert_eq!(writers(&ordered("", "bytes | (bytes @as(base64url))")), "both");
    assert_eq!(writers(&ordered("", "(bytes @as(base64url)) | bytes")), "both");
}

#[test]
fn integer_enums() {
    let e = "enum E: u8 { a = 1, b = 2 }";
    // Python's `IntEnum` is an `int`; a closed enum takes no plain `int`.
    assert_eq!(writers(&warnings(e, "(u64 @as(string)) | E")), "python");
    assert_eq!(writers(&warnings(e, "(u8 @as(string)) | E")), "both");
    assert_eq!(writers(&warnings(e, "E | (u8 @as(string))")), "typescript");
    assert_eq!(writers(&warnings(&format!("@open {e}"), "E | (u8 @as(string))")), "both");
}

#[test]
fn ordered_unions_of_containers_and_structs() {
    assert_eq!(writers(&ordered("", "u8 | (u64 @as(string))")), "python");
    assert_eq!(writers(&ordered("", "[u64] | [u64 @as(string)]")), "both");
    assert_eq!(writers(&ordered("", "[u64, u64] | [u64 @as(string), u64]")), "both");
    // TypeScript's deep test takes a struct by its members; Python by its class.
    let structs = "struct A { x: u64 }\nstruct B { x: u64 @as(string) }";
    assert_eq!(writers(&ordered(structs, "A | B")), "typescript");
    let a = "struct A { x: u64 @as(string) }";
    assert_eq!(writers(&ordered(a, "map<u64> | A")), "typescript");
    assert_eq!(writers(&ordered(a, "A | map<u64>")), "typescript");
    // Python holds a tagged union's value as its variant's class: the bare struct gains a tag.
    let tagged = "struct A { x: u64 }\nstruct C { y: u64 }\nunion T = A | C";
    assert_eq!(writers(&ordered(tagged, "T | A")), "python");
}

#[test]
fn json_after_a_variant_that_rewrites_json_values() {
    assert_eq!(writers(&ordered("", "(u32 @as(string)) | json")), "both");
    // TypeScript reads an integer past 2^53 as a `bigint`, which a `u64` takes.
    assert_eq!(writers(&ordered("", "(u64 @as(string)) | json")), "both");
    assert_eq!(writers(&ordered("", "[u64 @as(string)] | json")), "both");
}

#[test]
fn near_misses_do_not_warn() {
    for ty in [
        "u32 | string",
        "u8 | (u64 @as(string) @range(1000..))",
        "u64 | bool",
        "(u64 @as(string)) | f64",
        "(datetime @as(unix_s)) | string",
        "(datetime @as(local)) | (datetime @as(unix_s))",
    ] {
        assert!(warnings("", ty).is_empty(), "{ty}: {:#?}", warnings("", ty));
    }
    let plain_structs = "struct A { x: u64 }\nstruct B { y: u64 @as(string) }";
    assert!(warnings(plain_structs, "A | B").is_empty());
    for variants in [
        "u32 | u64",
        "u8 | u64",
        "string | (u64 @as(string))",
        "(u64 @as(string)) | string",
        "u32 | f64",
        "uuid | string",
        "datetime | (datetime @as(local))",
        // A local date-time takes only a naive `datetime`; every other encoding reads an
        // aware one, which the writer (it checks date-times written as text) refuses as local.
        "(datetime @as(local)) | (datetime @as(unix_s))",
        "(datetime @as(local)) | datetime",
        // Every integer is a valid `unix_s`: nothing is read as `unix_ms`.
        "(datetime @as(unix_s)) | (datetime @as(unix_ms))",
        "u8 | (datetime @as(unix_s))",
        "json | (u64 @as(string))",
        "string | json",
        "(datetime @as(unix_s) @range(..10)) | json",
    ] {
        assert!(ordered("", variants).is_empty(), "{variants}: {:#?}", ordered("", variants));
    }
    assert!(ordered("enum E { a, b }", "E | string").is_empty());
    let same_wire = "struct A { x: u64 @range(..5) }\nstruct B { x: u64 }";
    assert!(ordered(same_wire, "A | B").is_empty());
    let tagged = "struct A { x: u64 }\nstruct C { y: u64 }\nunion T = A | C";
    // A tagged frame is a valid `A` (its tag an unknown member): nothing is read as `T`.
    assert!(ordered(tagged, "A | T").is_empty());
}

#[test]
fn one_warning_per_variant_and_large_unions_stay_fast() {
    // Every later string-encoded variant clashes with the first: one warning each.
    let found = ordered("", "u8 | (u16 @as(string)) | (u32 @as(string))");
    assert_eq!(found.len(), 2, "{found:#?}");
    // 20,000 variants of one kind: grouped, not compared pairwise without end.
    let structs: String = (0..20_000).map(|i| format!("struct S{i} {{ f{i}: u64 }}\n")).collect();
    let variants: Vec<String> = (0..20_000).map(|i| format!("S{i}")).collect();
    let src = format!(
        "protocol p {{}}\n{structs}@untagged(ordered)\nunion U = {}\nclient message M {{ n: U }}\n",
        variants.join(" | ")
    );
    let (schema, diagnostics) = check(&src);
    assert!(schema.is_some());
    assert!(diagnostics.iter().all(|d| d.code != "S0316"));
}
