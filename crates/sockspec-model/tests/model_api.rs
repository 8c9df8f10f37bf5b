//! The model's helpers for its readers.

use sockspec_model::{Payload, check};

#[test]
fn accepts_null_follows_aliases() {
    let (schema, diagnostics) = check(
        "protocol p {}\ntype MaybeName = string | null\ntype Name = string\ntype Any = json\n\
         client message M { a: MaybeName, b: Name, c: Any, d: null, e: string | null, f: [u8 | null] }",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let schema = schema.expect("clean");
    let Payload::Fields(fields) = &schema.messages[0].payload else { panic!("fields") };
    let verdicts: Vec<(bool, bool)> = fields.iter().map(|f| (f.nullable, schema.accepts_null(&f.ty))).collect();
    // (declared `| null` on the field, the type itself takes null)
    assert_eq!(verdicts[0], (false, true), "alias of string | null");
    assert_eq!(verdicts[1], (false, false), "alias of string");
    assert_eq!(verdicts[2], (false, true), "alias of json");
    assert_eq!(verdicts[3], (false, true), "null");
    assert_eq!(verdicts[4], (true, false), "string | null on the field");
    assert_eq!(verdicts[5], (false, false), "a list is not null");
}
