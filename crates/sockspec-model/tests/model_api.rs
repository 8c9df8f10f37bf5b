//! The model's helpers for its readers.

use sockspec_model::{Absent, Field, Payload, Schema, TypeKind, check};

fn fields(schema: &Schema) -> &[Field] {
    let Payload::Fields(fields) = &schema.messages[0].payload else { panic!("fields") };
    fields
}

#[test]
fn accepts_null_follows_aliases() {
    let (schema, diagnostics) = check(
        "protocol p {}\ntype MaybeName = string | null\ntype Name = string\ntype Any = json\n\
         type Far = Near\ntype Near = MaybeName\n\
         client message M { a: MaybeName, b: Name, c: Any, d: null, e: string | null, f: [u8 | null], g: Far }",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let schema = schema.expect("clean");
    let verdicts: Vec<bool> = fields(&schema).iter().map(|f| schema.accepts_null(&f.ty)).collect();
    assert_eq!(verdicts, [true, false, true, true, true, false, true]);
    // One representation: a field's `nullable` is the helper's answer for its type, and
    // `T | null` on the field is in the type itself.
    for f in fields(&schema) {
        assert_eq!(f.nullable, schema.accepts_null(&f.ty), "{}", f.name);
    }
    assert!(matches!(fields(&schema)[4].ty.kind, TypeKind::Nullable(_)), "string | null on the field");
    // `resolve` follows the chain Far -> Near -> MaybeName to the type it ends in.
    let end = schema.resolve(&fields(&schema)[6].ty).expect("no cycle");
    assert!(matches!(&end.kind, TypeKind::Nullable(inner) if inner.kind == TypeKind::String), "{end:?}");
}

/// `x?: MaybeT` with `type MaybeT = T | null` may be null, so the writer's `absent = null`
/// policy applies to it as to `x?: T | null` (it used to read only the field's own `| null`).
#[test]
fn absent_null_reaches_nullable_aliases() {
    let (schema, diagnostics) = check(
        "protocol p { absent = null }\ntype MaybeT = u32 | null\n\
         client message M { x?: MaybeT, y?: u32 | null, z?: u32, w: MaybeT, @absent(omit) v?: MaybeT }",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let schema = schema.expect("clean");
    let absent: Vec<(&str, bool, Absent)> =
        fields(&schema).iter().map(|f| (f.name.as_str(), f.nullable, f.absent)).collect();
    assert_eq!(
        absent,
        [
            ("x", true, Absent::Null),
            ("y", true, Absent::Null),
            ("z", false, Absent::Omit),
            ("w", true, Absent::Null),
            ("v", true, Absent::Omit),
        ]
    );
    // And `@absent(null)` on such a field is not S0313 any more.
    let (schema, diagnostics) =
        check("protocol p {}\ntype MaybeT = u32 | null\nclient message M { @absent(null) x?: MaybeT }");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(fields(&schema.expect("clean"))[0].absent, Absent::Null);
}

/// The final bounds of a use site are in its type: the alias chain's constraints and the
/// use site's own, intersected.
#[test]
fn constraints_are_flattened_through_alias_chains() {
    let (schema, diagnostics) = check(
        "protocol p {}\ntype Port = u16 @range(1024..)\ntype Listen = Port @range(..=49151)\n\
         type Short = string @len(..=8) @pattern(\"^[a-z]\")\ntype Shorter = Short @len(2..=5)\n\
         type MaybeShort = Shorter | null\n\
         client message M { p: Listen @range(2000..3000), s: MaybeShort @pattern(\"z$\"), f: f64 @range(0.5..) }",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let schema = schema.expect("clean");
    let c = &fields(&schema)[0].ty.constraints;
    let range = c.range.expect("a range");
    assert_eq!(
        format!("{:?} {:?}", range.min, range.max),
        "Some(Limit { value: Int(2000), exclusive: false }) Some(Limit { value: Int(3000), exclusive: true })"
    );
    let c = &fields(&schema)[1].ty.constraints;
    let len = c.len.expect("a length");
    assert_eq!((len.min, len.max), (Some(2), Some(5)));
    assert_eq!(c.patterns, ["z$", "^[a-z]"]);
}

/// What the model promises its readers, on every example and fixture: each untagged union
/// states its variants' kinds, each field's `nullable` is the helper's answer (and only a
/// nullable field is written as `null`), and each use of an alias carries the alias's
/// bounds.
#[test]
fn the_model_states_its_decisions_everywhere() {
    use sockspec_model::{Type, TypeDefKind, Union};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = [root.join("../../examples"), root.join("tests/data/ok")]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("folder").map(|e| e.expect("entry").path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    paths.sort();
    assert!(paths.len() > 5);
    fn each_type<'t>(ty: &'t Type, out: &mut Vec<&'t Type>) {
        out.push(ty);
        match &ty.kind {
            TypeKind::List(t) | TypeKind::Map(t) | TypeKind::Nullable(t) => each_type(t, out),
            TypeKind::Tuple(ts) => ts.iter().for_each(|t| each_type(t, out)),
            TypeKind::OneOf(u) => u.variants.iter().for_each(|t| each_type(t, out)),
            _ => {}
        }
    }
    for path in paths {
        let (schema, diagnostics) = check(&std::fs::read_to_string(&path).expect("readable"));
        let schema = schema.unwrap_or_else(|| panic!("{}: {diagnostics:?}", path.display()));
        let mut fields: Vec<&Field> = schema.protocol.envelope.iter().collect();
        let mut types: Vec<&Type> = Vec::new();
        for def in &schema.types {
            match &def.kind {
                TypeDefKind::Struct(s) => fields.extend(&s.fields),
                TypeDefKind::Alias(t) => each_type(t, &mut types),
                TypeDefKind::Union(Union::Untagged(u)) => {
                    assert_eq!(u.kinds.len(), u.variants.len(), "{}: {}", path.display(), def.name);
                    kinds_apart(&u.kinds, &path);
                    u.variants.iter().for_each(|t| each_type(t, &mut types));
                }
                _ => {}
            }
        }
        for m in &schema.messages {
            match &m.payload {
                Payload::Fields(fs) => fields.extend(fs),
                Payload::Value { ty, nullable } => {
                    assert_eq!(*nullable, schema.accepts_null(ty), "{}: {}", path.display(), m.name);
                    each_type(ty, &mut types);
                }
            }
        }
        each_type(&schema.protocol.id.ty, &mut types);
        for f in &fields {
            assert_eq!(f.nullable, schema.accepts_null(&f.ty), "{}: {}", path.display(), f.name);
            assert!(f.absent == Absent::Omit || f.nullable, "{}: {}", path.display(), f.name);
            each_type(&f.ty, &mut types);
        }
        for ty in types {
            match &ty.kind {
                TypeKind::OneOf(u) => {
                    assert_eq!(u.kinds.len(), u.variants.len(), "{}", path.display());
                    assert!(u.kinds.iter().all(|k| !k.is_empty()), "{}", path.display());
                    kinds_apart(&u.kinds, &path);
                }
                TypeKind::Named(id) => {
                    if let TypeDefKind::Alias(target) = &schema.ty(*id).kind {
                        // The use site's bounds are at least the alias's: adding them changes nothing.
                        assert_eq!(ty.constraints.intersect(&target.constraints), ty.constraints, "{}", path.display());
                    }
                }
                _ => {}
            }
        }
    }
}

/// The model's kinds agree with the compiler's proof: no two variants share a JSON kind
/// other than objects (told apart by their members).
fn kinds_apart(kinds: &[sockspec_model::JsonKinds], path: &std::path::Path) {
    use sockspec_model::JsonKinds;
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            let shared = JsonKinds(a.0 & b.0 & !JsonKinds::OBJECT.0);
            assert!(shared.is_empty(), "{}: variants share {:?}", path.display(), shared.names().collect::<Vec<_>>());
        }
    }
}

#[test]
fn json_kinds_read_back_as_written() {
    use sockspec_model::JsonKinds;
    for bits in 0..=0x7f {
        let kinds = JsonKinds(bits);
        let text = serde_json::to_string(&kinds).expect("serializes");
        assert_eq!(serde_json::from_str::<JsonKinds>(&text).expect("reads back"), kinds, "{text}");
    }
    assert_eq!(serde_json::to_string(&JsonKinds::NUMBER).expect("serializes"), r#"["integer","fraction"]"#);
    assert!(serde_json::from_str::<JsonKinds>(r#"["number"]"#).is_err());
}

#[test]
fn close_codes_may_be_an_int_enum() {
    let (schema, diagnostics) = check(
        "protocol p {}\nenum Close: int { unauthorized = 4401 }\nconnection { close_codes = Close }\nmessage M {}",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(schema.expect("clean").protocol.connection.close_codes.is_some());
}

/// `@correlate` by an envelope member the request carries (docs/language.md 10.3): the
/// member's place in the frames is recorded; a request that does not carry it is S0412.
#[test]
fn a_request_correlates_by_an_envelope_member() {
    let (schema, diagnostics) = check(
        "protocol p { content = \"params\" }\nenvelope { req_id?: u64 }\n\
         @correlate(req_id)\nclient request Ping {} -> Pong\nserver message Pong {}\n",
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let schema = schema.expect("clean");
    let request = schema.messages[0].request.as_ref().expect("a request");
    assert!(
        matches!(&request.correlation, sockspec_model::Correlation::Field { name, pointer: Some(p) } if name == "req_id" && p == "/req_id"),
        "{:?}",
        request.correlation
    );
    let (_, diagnostics) = check(
        "protocol p { content = \"params\" }\nenvelope { req_id?: u64 }\n\
         @correlate(req_id)\n@no_envelope\nclient request Ping {} -> Pong\nserver message Pong {}\n",
    );
    assert!(diagnostics.iter().any(|d| d.code == "S0412"), "{diagnostics:?}");
}
