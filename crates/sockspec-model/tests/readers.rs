//! What the model decides for the readers that come after it (generators, JSON Schema,
//! AsyncAPI, the HTML page, the runtime, `diff`), checked item by item on
//! `tests/data/ok/readers.sockspec`; its whole model is snapshotted beside the others.

use sockspec_model::*;

fn readers() -> Schema {
    let text = include_str!("data/ok/readers.sockspec");
    let (schema, diagnostics) = check(text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    schema.expect("clean")
}

fn fields(schema: &Schema, ty: &str) -> Vec<Field> {
    match &schema.ty(schema.type_named(ty).expect("declared")).kind {
        TypeDefKind::Struct(s) => s.fields.clone(),
        _ => panic!("{ty} is a struct"),
    }
}

fn message_fields(schema: &Schema, name: &str) -> Vec<Field> {
    match &schema.message(schema.message_named(name).expect("declared")).payload {
        Payload::Fields(f) => f.clone(),
        Payload::Value { .. } => panic!("{name} has fields"),
    }
}

fn field<'f>(fields: &'f [Field], name: &str) -> &'f Field {
    fields.iter().find(|f| f.name == name).expect("field exists")
}

fn ident(meta: &Meta) -> (&str, &str, &str) {
    let i = meta.ident.as_ref().expect("identifiers assigned");
    (&i.rust, &i.python, &i.typescript)
}

#[test]
fn wire_names_stay_and_identifiers_are_escaped_per_target() {
    let schema = readers();
    let awkward = fields(&schema, "Awkward");
    let cases = [
        ("type", ("r#type", "type", "type")),
        ("class", ("class", "class_", "class")),
        ("self", ("self_", "self", "self")),
        ("model_config", ("model_config", "field_model_config", "model_config")),
        ("content-type", ("content_type", "content_type", "\"content-type\"")),
        ("_id", ("id", "id", "_id")),
        ("2fa", ("field_2fa", "field_2fa", "\"2fa\"")),
        ("__proto__", ("proto", "proto", "[\"__proto__\"]")),
    ];
    for (wire, expected) in cases {
        let f = field(&awkward, wire);
        assert_eq!(f.name, wire, "the wire name is kept exactly");
        assert_eq!(ident(&f.meta), expected, "{wire}");
    }
    let level = schema.type_named("Level").expect("declared");
    let TypeDefKind::Enum(e) = &schema.ty(level).kind else { panic!("enum") };
    assert_eq!(ident(&e.variants[0].meta), ("High", "HIGH", "High"));
}

#[test]
fn anonymous_types_are_named_once_and_avoid_declared_names() {
    let schema = readers();
    let names: Vec<(&str, &AnonymousSite)> = schema.anonymous.iter().map(|a| (a.name.as_str(), &a.site)).collect();
    let nudge = schema.message_named("Nudge").expect("declared");
    assert_eq!(
        names,
        vec![
            // `EventValue` is a declared struct, so the union of `Event.value` takes the next name.
            ("EventValue2", &AnonymousSite::Union),
            ("EventHistoryItem", &AnonymousSite::Union),
            ("EventScoresValue", &AnonymousSite::Union),
            ("SetupEither", &AnonymousSite::Union),
            ("NudgePayload", &AnonymousSite::Payload(nudge)),
        ]
    );
    // The union carries its name where it stands.
    let event = fields(&schema, "Event");
    let TypeKind::OneOf(u) = &field(&event, "value").ty.kind else { panic!("inline union") };
    assert_eq!(u.name.as_deref(), Some("EventValue2"));
    let TypeKind::List(item) = &field(&event, "history").ty.kind else { panic!("list") };
    let TypeKind::OneOf(u) = &item.kind else { panic!("inline union") };
    assert_eq!(u.name.as_deref(), Some("EventHistoryItem"));
    assert_eq!(schema.payload_name(nudge).map(|a| a.name.as_str()), Some("NudgePayload"));
    // A payload that is a declared type has that type's name, no other.
    assert!(schema.payload_name(schema.message_named("Stop").expect("declared")).is_none());
    // No message here carries the id, so the id type needs no name.
    assert!(schema.id_type_name().is_none());
}

#[test]
fn recursion_is_recorded_for_definition_order_and_indirection() {
    let schema = readers();
    let id = |n: &str| schema.type_named(n).expect("declared");
    let group_of = |t: TypeId| schema.type_order.iter().position(|g| g.types.contains(&t)).expect("in a group");
    // Every type is in exactly one group.
    let mut all: Vec<TypeId> = schema.type_order.iter().flat_map(|g| g.types.clone()).collect();
    all.sort();
    assert_eq!(all, (0..schema.types.len() as u32).map(TypeId).collect::<Vec<_>>());
    // `Ping` and `Pong` form one recursive group; `Tree` refers to itself; `Awkward` does not.
    let ping = &schema.type_order[group_of(id("Ping"))];
    assert_eq!(ping.types, vec![id("Ping"), id("Pong")]);
    assert!(ping.recursive);
    assert!(schema.type_order[group_of(id("Tree"))].recursive);
    assert!(!schema.type_order[group_of(id("Awkward"))].recursive);
    // A group comes after every group it refers to.
    for (g, group) in schema.type_order.iter().enumerate() {
        for t in &group.types {
            if let TypeDefKind::Struct(s) = &schema.ty(*t).kind {
                for f in &s.fields {
                    if let TypeKind::Named(r) = f.ty.kind {
                        assert!(group_of(r) <= g, "{} refers to a later group", schema.ty(*t).name);
                    }
                }
            }
        }
    }
    let tree = fields(&schema, "Tree");
    assert!(field(&tree, "left").indirect, "held inline");
    assert!(field(&tree, "right").indirect, "held inline, nullable");
    assert!(!field(&tree, "children").indirect, "a list is an indirection already");
    assert!(field(&fields(&schema, "Ping"), "pong").indirect);
    assert!(!field(&fields(&schema, "Event"), "value").indirect);
}

#[test]
fn defaults_are_typed_and_keep_their_json() {
    let schema = readers();
    let setup = message_fields(&schema, "Setup");
    let level = schema.type_named("Level").expect("declared");
    let verbosity = field(&setup, "verbosity");
    assert_eq!(verbosity.default_value, Some(Value::Variant { ty: level, index: 0, name: "high".into() }));
    assert_eq!(verbosity.default, Some(serde_json::json!("high")), "the JSON view stays");
    // `= 1` on an `f32` is a float, not an integer.
    assert_eq!(field(&setup, "ratio").default_value, Some(Value::Float(1.0)));
    let channels = schema.type_named("Channels").expect("declared");
    assert_eq!(field(&setup, "channels").default_value, Some(Value::Flags { ty: channels, indices: vec![0, 1] }));
    let tree = schema.type_named("Tree").expect("declared");
    assert_eq!(
        field(&setup, "tree").default_value,
        Some(Value::Struct { ty: tree, fields: vec![("children".into(), Value::List(vec![]))] })
    );
    assert_eq!(
        field(&setup, "either").default_value,
        Some(Value::OneOf { index: 1, value: Box::new(Value::Int(7)) }),
        "the variant the validator would pick: an integer"
    );
}

#[test]
fn every_item_has_an_identity_from_the_wire_and_renames_are_kept() {
    let schema = readers();
    let setup = schema.message(schema.message_named("Setup").expect("declared"));
    assert_eq!(
        setup.meta.identity,
        Some(Identity::Message { sender: Sender::Client, tags: vec![TagValue::Str("setup".into())], keys: vec![] })
    );
    assert_eq!(setup.meta.renamed_from, vec!["Configure".to_string()]);
    let verbosity = field(&message_fields(&schema, "Setup"), "verbosity").clone();
    assert_eq!(verbosity.meta.identity, Some(Identity::Field { name: "verbosity".into() }));
    assert_eq!(verbosity.meta.renamed_from, vec!["level".to_string()]);
    let level = schema.ty(schema.type_named("Level").expect("declared"));
    assert_eq!(level.meta.identity, Some(Identity::Type { name: "Level".into() }));
    assert_eq!(level.meta.renamed_from, vec!["Verbosity".to_string()]);
    let TypeDefKind::Enum(e) = &level.kind else { panic!("enum") };
    assert_eq!(e.variants[0].meta.identity, Some(Identity::Variant { value: TagValue::Str("high".into()) }));
    assert_eq!(e.variants[0].meta.renamed_from, vec!["loud".to_string()]);
}

#[test]
fn identities_do_not_depend_on_declaration_order() {
    let a = "protocol p {}\nstruct A { x: u8, y: u8 }\nenum E { a, b }\nclient message M { a: A }\nserver message N {}";
    let b = "protocol p {}\nserver message N {}\nenum E { b, a }\nclient message M { a: A }\nstruct A { y: u8, x: u8 }";
    let identities = |src: &str| {
        let schema = check(src).0.expect("clean");
        let mut out: Vec<String> = Vec::new();
        for t in &schema.types {
            out.push(format!("{:?}", t.meta.identity));
            if let TypeDefKind::Struct(s) = &t.kind {
                out.extend(s.fields.iter().map(|f| format!("{:?} in {}", f.meta.identity, t.name)));
            }
            if let TypeDefKind::Enum(e) = &t.kind {
                out.extend(e.variants.iter().map(|v| format!("{:?} in {}", v.meta.identity, t.name)));
            }
        }
        out.extend(schema.messages.iter().map(|m| format!("{:?}", m.meta.identity)));
        out.sort();
        out
    };
    assert_eq!(identities(a), identities(b));
}

#[test]
fn docs_of_settings_and_blocks_reach_the_model() {
    let schema = readers();
    let p = &schema.protocol;
    assert_eq!(p.setting_docs.get("content"), Some(&vec!["Payloads sit under `data`.".to_string()]));
    assert!(!p.setting_docs.contains_key("version"), "undocumented settings have no entry");
    assert_eq!(p.envelope_docs, vec!["Every message carries the time it was sent.".to_string()]);
    assert_eq!(p.envelope[0].meta.docs, vec!["Unix milliseconds.".to_string()]);
    assert_eq!(p.connection.docs, vec!["One endpoint.".to_string()]);
    assert_eq!(p.connection.setting_docs.get("path"), Some(&vec!["Where browsers connect.".to_string()]));
}

#[test]
fn rename_and_ident_attributes_are_checked() {
    let codes = |src: &str| -> Vec<&'static str> { check(src).1.iter().map(|d| d.code).collect() };
    assert_eq!(codes("@renamed_from(\"q\")\nprotocol p {}"), vec!["S0301"], "not on the protocol");
    assert_eq!(codes("protocol p {}\n@renamed_from(3) struct A {}"), vec!["S0302"]);
    assert_eq!(codes("protocol p {}\nstruct A { @ident() a: u8 }"), vec!["S0302"]);
    assert_eq!(codes("protocol p {}\nstruct A { @ident(\"user id\") a: u8 }"), vec!["S0302"], "not an identifier");
    assert_eq!(codes("protocol p {}\nstruct A { @ident(\"2a\") a: u8 }"), vec!["S0302"], "starts with a digit");
    assert_eq!(codes("protocol p {}\nstruct A { x: u8 @renamed_from(\"y\") }"), vec!["S0301"], "a prefix attribute");
    // `@ident` parts two names; the wire names stay.
    let (schema, d) = check("protocol p {}\nstruct A { userId: u8, @ident(\"user_id_2\") user_id: u8 }");
    assert!(d.is_empty(), "{d:?}");
    let fields = fields(&schema.expect("clean"), "A");
    assert_eq!(fields[1].name, "user_id");
    assert_eq!(fields[1].meta.ident.as_ref().map(|i| i.rust.as_str()), Some("user_id_2"));
}

/// Every fixture, example and validator case: identities are unique among siblings, every
/// item has identifiers, every default has a typed value (JSON only for `json`), and the
/// type order holds every type once.
#[test]
fn every_model_gives_its_readers_what_they_need() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/data/ok", "../../examples", "../sockspec-validator/tests/cases"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("folder exists") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "sockspec") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 20);
    for path in files {
        let what = path.display().to_string();
        let schema = check(&std::fs::read_to_string(&path).expect("readable")).0.expect("clean");
        let unique = |metas: Vec<&Meta>, scope: &str| {
            let ids: Vec<String> =
                metas.iter().map(|m| format!("{:?}", m.identity.as_ref().expect("identity"))).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), ids.len(), "{what}: identities repeat in {scope}: {ids:?}");
            assert!(metas.iter().all(|m| m.ident.is_some()), "{what}: an item of {scope} has no identifiers");
        };
        let check_fields = |fields: &[Field], scope: &str| {
            unique(fields.iter().map(|f| &f.meta).collect(), scope);
            for f in fields {
                match (&f.default, &f.default_value) {
                    (None, None) => {}
                    (Some(_), Some(Value::Json(_))) => assert!(
                        matches!(f.ty.kind, TypeKind::Json),
                        "{what}: the default of {scope}.{} is not typed",
                        f.name
                    ),
                    (Some(_), Some(_)) => {}
                    _ => panic!("{what}: {scope}.{} has a default in only one form", f.name),
                }
            }
        };
        let mut top: Vec<&Meta> = schema.types.iter().map(|t| &t.meta).collect();
        unique(top.clone(), "types");
        top.extend(schema.messages.iter().map(|m| &m.meta));
        assert!(top.iter().all(|m| m.ident.is_some()));
        unique(schema.messages.iter().map(|m| &m.meta).collect(), "messages");
        for t in &schema.types {
            match &t.kind {
                TypeDefKind::Struct(s) => check_fields(&s.fields, &t.name),
                TypeDefKind::Enum(e) => unique(e.variants.iter().map(|v| &v.meta).collect(), &t.name),
                _ => {}
            }
        }
        for m in &schema.messages {
            if let Payload::Fields(fields) = &m.payload {
                check_fields(fields, &m.name);
            }
        }
        check_fields(&schema.protocol.envelope, "the envelope");
        let mut order: Vec<TypeId> = schema.type_order.iter().flat_map(|g| g.types.clone()).collect();
        order.sort();
        assert_eq!(order, (0..schema.types.len() as u32).map(TypeId).collect::<Vec<_>>(), "{what}");
        let mut anonymous: Vec<&str> = schema.anonymous.iter().map(|a| a.name.as_str()).collect();
        anonymous.extend(schema.types.iter().map(|t| t.name.as_str()));
        anonymous.extend(schema.messages.iter().map(|m| m.name.as_str()));
        let n = anonymous.len();
        anonymous.sort();
        anonymous.dedup();
        assert_eq!(anonymous.len(), n, "{what}: an anonymous name repeats a declared one");
    }
}

/// An inline union named like a type of the generated TypeScript module's answers
/// (`ServerAnswers`) keeps its name, with a TypeScript identifier escaped like a declared
/// type's, so the two never meet.
#[test]
fn anonymous_types_avoid_the_names_of_generated_answer_types() {
    let src = "protocol p {}\nstruct Server { answers: string | i64 }\nclient message M { s: Server }";
    let (schema, diagnostics) = sockspec_model::check(src);
    let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let names: Vec<(&str, &str)> =
        schema.anonymous.iter().map(|a| (a.name.as_str(), a.ident.typescript.as_str())).collect();
    assert_eq!(names, [("ServerAnswers", "ServerAnswers_")]);
}
