//! JSON Schema 2020-12: one document per side, `<protocol>.client.schema.json` and
//! `<protocol>.server.schema.json`, each accepting the frames that side sends, as close to
//! the dynamic validator as the format allows (docs/jsonschema.md lists every gap).
//!
//! The documents are built as serde values, never as text. [`Builder`] is shared with the
//! AsyncAPI target, whose payload schemas are the same schemas in the draft-07 dialect
//! AsyncAPI's schema format is built on ([`Dialect`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use sockspec_model::{
    BytesEncoding, Direction, Discriminator, Dispatch, EnumRepr, Field, IdPresence, IntEncoding, IntType, JsonKinds,
    Limit, Message, MessageId, Meta, Number, Payload, ResultShape, Schema, SecondTag, Style, TagNode, TagTarget,
    TagValue, TimeEncoding, Type, TypeDefKind, TypeId, TypeKind, Union, UnknownFields, Untagged,
};

use crate::{GeneratedFile, header};

/// The JSON-RPC members every frame of that style may carry.
const METHOD: &str = "method";
const JSONRPC: &str = "jsonrpc";
const RESULT: &str = "result";
const ERROR: &str = "error";

/// The hyphenated 8-4-4-4-12 form (`sockspec_model::format::is_uuid`).
pub const UUID_PATTERN: &str = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";
/// `YYYY-MM-DD` with months 01-12 and days 01-31 (whether the day exists in that month is
/// a gap: docs/jsonschema.md).
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
const TIME: &str = "[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?";
/// Decimal integers as `@as(string)` writes them (`format::is_decimal_integer`).
pub const DECIMAL_PATTERN: &str = "^-?(0|[1-9][0-9]*)$";
/// Canonical padded base64 (RFC 4648 §4, no stray bits).
pub const BASE64_PATTERN: &str = "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$";
/// Canonical unpadded base64url (RFC 4648 §5).
pub const BASE64URL_PATTERN: &str = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$";

/// An RFC 3339 date-time with a mandatory offset.
pub fn rfc3339_pattern() -> String {
    format!("{}{TIME}([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$", &DATE_PATTERN[..DATE_PATTERN.len() - 1])
}

/// A local ISO 8601 date-time with no offset.
pub fn local_pattern() -> String {
    format!("{}{TIME}$", &DATE_PATTERN[..DATE_PATTERN.len() - 1])
}

/// Writes both documents.
pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    Direction::BOTH
        .iter()
        .map(|&dir| GeneratedFile {
            path: file_name(schema, dir).into(),
            contents: to_text(&document(schema, dir, source)),
        })
        .collect()
}

/// `<protocol>.<side>.schema.json`.
pub fn file_name(schema: &Schema, dir: Direction) -> String {
    format!("{}.{}.schema.json", schema.protocol.name, dir.as_str())
}

/// Pretty JSON with a final newline.
pub(crate) fn to_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The JSON Schema 2020-12 document of the frames one side sends.
pub fn document(schema: &Schema, dir: Direction, source: &str) -> Value {
    let mut b = Builder::new(schema, dir, Dialect::Draft2020);
    let root = b.frames();
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    doc.insert("$comment".into(), json!(header(source)));
    doc.insert("title".into(), json!(format!("{}: frames the {} sends", schema.protocol.name, dir.as_str())));
    if let Some(d) = description(&schema.protocol.meta.docs) {
        doc.insert("description".into(), d);
    }
    doc.extend(root);
    doc.insert("$defs".into(), Value::Object(b.take_defs().into_iter().collect()));
    Value::Object(doc)
}

/// Which JSON Schema dialect the schemas are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// JSON Schema 2020-12: `$defs`, `prefixItems`, keywords beside `$ref`.
    Draft2020,
    /// AsyncAPI's schema format (a superset of draft-07): references into
    /// `#/components/schemas/`, tuples as `items` arrays, `$ref` alone in its object.
    AsyncApi,
}

/// Builds the schemas of one side's frames, collecting named definitions as it goes.
pub(crate) struct Builder<'s> {
    schema: &'s Schema,
    dir: Direction,
    dialect: Dialect,
    defs: BTreeMap<String, Value>,
}

impl<'s> Builder<'s> {
    pub(crate) fn new(schema: &'s Schema, dir: Direction, dialect: Dialect) -> Self {
        let mut b = Builder { schema, dir, dialect, defs: BTreeMap::new() };
        for (i, def) in schema.types.iter().enumerate() {
            let value = b.type_def(TypeId(i as u32));
            let mut value = annotate(value, &def.meta, None);
            value.insert("title".into(), json!(def.name));
            b.defs.insert(def.name.clone(), Value::Object(value));
        }
        b
    }

    /// Every definition made so far, by name.
    pub(crate) fn take_defs(&mut self) -> BTreeMap<String, Value> {
        std::mem::take(&mut self.defs)
    }

    /// A reference to a definition.
    pub(crate) fn reference(&self, name: &str) -> Map<String, Value> {
        let escaped = name.replace('~', "~0").replace('/', "~1");
        let prefix = match self.dialect {
            Dialect::Draft2020 => "#/$defs/",
            Dialect::AsyncApi => "#/components/schemas/",
        };
        object([("$ref", json!(format!("{prefix}{escaped}")))])
    }

    /// A reference with more keywords beside it: in one object where the dialect allows
    /// it, else under `allOf` (draft-07 ignores what stands beside `$ref`).
    fn with_ref(&self, name: &str, extra: Map<String, Value>) -> Map<String, Value> {
        let mut r = self.reference(name);
        if extra.is_empty() {
            return r;
        }
        match self.dialect {
            Dialect::Draft2020 => {
                r.extend(extra);
                r
            }
            Dialect::AsyncApi => object([("allOf", json!([Value::Object(r), Value::Object(extra)]))]),
        }
    }

    // ---- frames ----

    /// The schema of every frame this side sends: an object, dispatched as the validator
    /// dispatches it.
    pub(crate) fn frames(&mut self) -> Map<String, Value> {
        let mut root = object([("type", json!("object"))]);
        let dispatch = self.schema.dispatch.get(self.dir);
        let body = match &self.schema.protocol.style {
            Style::Tagged => self.tagged_dispatch(dispatch),
            Style::JsonRpc { .. } => self.rpc_dispatch(dispatch),
        };
        merge(&mut root, body);
        root
    }

    fn tagged_dispatch(&mut self, dispatch: &'s Dispatch) -> Value {
        let untagged = !dispatch.structural.is_empty() || !dispatch.keyed.is_empty() || dispatch.fallback.is_some();
        match (&dispatch.tags, dispatch.tag_fields.first()) {
            (Some(node), _) => {
                let then = self.follow(node, dispatch);
                let otherwise = self.untagged_frame(dispatch);
                if_then_else(required([&node.field]), then, otherwise)
            }
            // No tagged message from this side: a frame with the tag member is none.
            (None, Some(field)) => {
                let otherwise = if untagged { self.untagged_frame(dispatch) } else { Value::Bool(false) };
                if_then_else(required([field]), Value::Bool(false), otherwise)
            }
            (None, None) if untagged => self.untagged_frame(dispatch),
            (None, None) => Value::Bool(false),
        }
    }

    /// Frames without the (first) tag member: key rules in order, then signatures, then
    /// the fallback message.
    fn untagged_frame(&mut self, dispatch: &'s Dispatch) -> Value {
        let mut tail = match dispatch.fallback {
            Some(id) => self.message_ref(id),
            None => Value::Bool(false),
        };
        for (sig, id) in dispatch.structural.iter().rev() {
            let then = self.message_ref(*id);
            tail = if_then_else(signature(sig, &dispatch.keys), then, tail);
        }
        for (key, id) in dispatch.keyed.iter().rev() {
            let then = self.message_ref(*id);
            tail = if_then_else(required([key]), then, tail);
        }
        tail
    }

    /// A tag level: one `if`/`then` per tag value, then the open set's unknown frames or
    /// nothing.
    fn follow(&mut self, node: &'s TagNode, dispatch: &'s Dispatch) -> Value {
        let mut tail = if node.open {
            // An unknown tag of a tag's JSON type is kept; the envelope is still checked.
            let kinds = node.entries.iter().map(|(v, _)| v);
            let mut open = self.fields_object(&dispatch.envelope);
            properties(&mut open).insert(node.field.clone(), tag_type(kinds));
            Value::Object(open)
        } else {
            Value::Bool(false)
        };
        for (value, target) in node.entries.iter().rev() {
            let then = match target {
                TagTarget::Message(id) => self.message_ref(*id),
                TagTarget::Next(next) => {
                    let mut inner = required([&next.field]);
                    merge(&mut inner, self.follow(next, dispatch));
                    Value::Object(inner)
                }
            };
            let cond = object([("properties", json!({ node.field.clone(): { "const": tag_json(value) } }))]);
            tail = if_then_else(cond, then, tail);
        }
        tail
    }

    fn rpc_dispatch(&mut self, dispatch: &'s Dispatch) -> Value {
        let Style::JsonRpc { version_member, error, result, error_id, reply_unknown_fields } =
            &self.schema.protocol.style
        else {
            return Value::Bool(false);
        };
        let id = self.schema.protocol.id.field.clone();
        let rpc = dispatch.rpc.as_ref();
        let by_kind = |b: &mut Self, node: Option<&'s TagNode>| match node {
            Some(node) => {
                let mut v = Map::new();
                merge(&mut v, b.follow(node, dispatch));
                if *version_member && node.open {
                    // An unknown method's frame still carries the version member.
                    merge(&mut v, Value::Object(version_schema()));
                }
                Value::Object(v)
            }
            None => Value::Bool(false),
        };
        let requests = by_kind(self, rpc.and_then(|r| r.requests.as_ref()));
        let notifications = by_kind(self, rpc.and_then(|r| r.notifications.as_ref()));
        let methods = if_then_else(required([&id]), requests, notifications);
        let replies = if rpc.is_some_and(|r| r.replies) {
            let policy = *reply_unknown_fields.get(self.dir);
            let frame = |b: &mut Self, member: &str| {
                let mut f = if *version_member { version_schema() } else { Map::new() };
                merge(&mut f, Value::Object(b.fields_object(&dispatch.envelope)));
                let is_error = member == ERROR;
                let id_ty = b.ty(&b.schema.protocol.id.ty);
                let id_schema = if is_error { nullable(id_ty) } else { Value::Object(id_ty) };
                properties(&mut f).insert(id.clone(), id_schema);
                if !(is_error && *error_id == IdPresence::Optional) {
                    push_required(&mut f, &id);
                }
                let payload = match (is_error, error, result) {
                    (true, Some(e), _) => Value::Object(b.reference(&b.schema.ty(*e).name)),
                    (false, _, ResultShape::Object) => json!({ "type": "object" }),
                    _ => json!({}),
                };
                properties(&mut f).insert(member.to_string(), payload);
                push_required(&mut f, member);
                if policy == UnknownFields::Reject {
                    f.insert("additionalProperties".into(), Value::Bool(false));
                }
                Value::Object(f)
            };
            let result_frame = frame(self, RESULT);
            let error_frame = frame(self, ERROR);
            let only = |member: &str, other: &str| {
                let mut cond = required([member]);
                cond.insert("not".into(), Value::Object(required([other])));
                cond
            };
            if_then_else(
                only(RESULT, ERROR),
                result_frame,
                if_then_else(only(ERROR, RESULT), error_frame, false.into()),
            )
        } else {
            Value::Bool(false)
        };
        Value::Object(object([("if", Value::Object(required([METHOD]))), ("then", methods), ("else", replies)]))
    }

    /// The definition name of a message's frame: the message's name.
    pub(crate) fn message_ref(&mut self, id: MessageId) -> Value {
        let m = self.schema.message(id);
        if !self.defs.contains_key(&m.name) {
            // Reserve the name first: a frame cannot refer to itself, but stay safe.
            self.defs.insert(m.name.clone(), Value::Bool(true));
            let frame = self.message(id);
            self.defs.insert(m.name.clone(), Value::Object(frame));
        }
        Value::Object(self.reference(&m.name))
    }

    /// One message's frame, as this side sends it.
    pub(crate) fn message(&mut self, id: MessageId) -> Map<String, Value> {
        let schema = self.schema;
        let m: &'s Message = schema.message(id);
        let rpc_version = match &schema.protocol.style {
            Style::JsonRpc { version_member, .. } => Some(*version_member),
            Style::Tagged => None,
        };
        let dispatch = schema.dispatch.get(self.dir);
        let mut frame = object([("type", json!("object"))]);
        properties(&mut frame);
        // Every tag field of this side is a known member.
        for field in &dispatch.tag_fields {
            properties(&mut frame).insert(field.clone(), json!({}));
        }
        if let Discriminator::Tag(values) = &m.discriminator {
            for (field, value) in dispatch.tag_fields.iter().zip(values) {
                properties(&mut frame).insert(field.clone(), json!({ "const": tag_json(value) }));
                push_required(&mut frame, field);
            }
            if schema.protocol.second_tag == SecondTag::NullOrAbsent
                && values.len() == 1
                && let Some(second) = dispatch.tag_fields.get(1)
            {
                properties(&mut frame).insert(second.clone(), json!({ "type": "null" }));
            }
        }
        if let Some(true) = rpc_version {
            merge(&mut frame, Value::Object(version_schema()));
        }
        if rpc_version.is_some() {
            properties(&mut frame).entry(METHOD).or_insert_with(|| json!({}));
        }
        let flat: &'s [Field] = match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => fields,
            _ => &[],
        };
        let envelope = m.envelope_fields.get(self.dir).as_slice();
        let id_field = schema.protocol.id.field.clone();
        let declared = flat.iter().chain(envelope).any(|f| f.name == id_field);
        let rule = match (rpc_version, m.id) {
            _ if declared => None,
            (Some(_), _) if m.request.is_some() => Some(IdPresence::Required),
            (Some(_), IdPresence::None) | (_, IdPresence::Forbidden) => Some(IdPresence::Forbidden),
            (_, IdPresence::None) => None,
            (_, p) => Some(p),
        };
        match rule {
            None => {}
            Some(IdPresence::Forbidden) => {
                properties(&mut frame).insert(id_field.clone(), Value::Bool(false));
            }
            Some(IdPresence::Optional) => {
                let ty = self.id_type();
                properties(&mut frame).insert(id_field.clone(), nullable(ty));
            }
            Some(_) => {
                let ty = self.id_type();
                properties(&mut frame).insert(id_field.clone(), Value::Object(ty));
                push_required(&mut frame, &id_field);
            }
        }
        merge(&mut frame, Value::Object(self.fields_object(envelope)));
        merge(&mut frame, Value::Object(self.fields_object(flat)));
        if let Some(key) = &m.content {
            let payload = match &m.payload {
                Payload::Fields(fields) => {
                    let mut p = object([("type", json!("object"))]);
                    merge(&mut p, Value::Object(self.fields_object(fields)));
                    if *m.unknown_fields.get(self.dir) == UnknownFields::Reject {
                        p.insert("additionalProperties".into(), Value::Bool(false));
                    }
                    p
                }
                Payload::Value { ty, .. } => self.named_anonymous(schema.payload_name(id).map(|a| a.name.as_str()), ty),
            };
            properties(&mut frame).insert(key.clone(), Value::Object(payload));
            if !m.content_optional {
                push_required(&mut frame, key);
            }
        }
        if *m.frame_unknown_fields.get(self.dir) == UnknownFields::Reject {
            frame.insert("additionalProperties".into(), Value::Bool(false));
        }
        let mut frame = annotate(frame, &m.meta, None);
        frame.insert("title".into(), json!(m.name));
        frame
    }

    fn id_type(&mut self) -> Map<String, Value> {
        let schema = self.schema;
        self.named_anonymous(schema.id_type_name().map(|a| a.name.as_str()), &schema.protocol.id.ty)
    }

    /// A type the schema writes without a name, defined under its anonymous name (an
    /// inline union already is, under the same name).
    fn named_anonymous(&mut self, name: Option<&str>, ty: &'s Type) -> Map<String, Value> {
        let value = self.ty(ty);
        let Some(name) = name else { return value };
        let reference = self.reference(name);
        if value == reference {
            return reference;
        }
        if self.defs.contains_key(name) {
            // The name went to a part of it (`string | i64` of `string | i64 | null`).
            return value;
        }
        self.defs.insert(name.to_string(), Value::Object(value));
        reference
    }

    /// `properties` and `required` of a list of members.
    fn fields_object(&mut self, fields: &'s [Field]) -> Map<String, Value> {
        let mut out = Map::new();
        properties(&mut out);
        for f in fields {
            let ty = self.ty(&f.ty);
            let value = annotate(ty, &f.meta, f.default.as_ref());
            properties(&mut out).insert(f.name.clone(), Value::Object(value));
            if f.required {
                push_required(&mut out, &f.name);
            }
        }
        out
    }

    // ---- types ----

    fn type_def(&mut self, id: TypeId) -> Map<String, Value> {
        let schema = self.schema;
        let def = schema.ty(id);
        match &def.kind {
            // `type Channel = A | B`: the inline union takes the alias's name; the
            // definition is the union itself, not a reference to itself.
            TypeDefKind::Alias(Type { kind: TypeKind::OneOf(u), .. }) if u.name.as_deref() == Some(&def.name) => {
                self.untagged(u)
            }
            TypeDefKind::Alias(target) => self.ty(target),
            TypeDefKind::Struct(s) => {
                let mut out = object([("type", json!("object"))]);
                merge(&mut out, Value::Object(self.fields_object(&s.fields)));
                if *s.unknown_fields.get(self.dir) == UnknownFields::Reject {
                    out.insert("additionalProperties".into(), Value::Bool(false));
                }
                out
            }
            TypeDefKind::Enum(e) => {
                let values: Vec<Value> = e.variants.iter().map(|v| tag_json(&v.value)).collect();
                let mut out = match e.repr {
                    EnumRepr::String => object([("type", json!("string"))]),
                    EnumRepr::Int(it) => int_bounds(it),
                    EnumRepr::Integer => object([("type", json!("integer"))]),
                };
                if !e.open && !e.flags {
                    out.insert("enum".into(), Value::Array(values));
                } else if e.flags {
                    let all = e
                        .variants
                        .iter()
                        .filter_map(|v| if let TagValue::Int(i) = v.value { Some(i) } else { None })
                        .fold(0i64, |a, b| a | b);
                    if !e.open && all >= 0 {
                        // The largest set of every flag; which bits are flags is a gap.
                        out.insert("minimum".into(), json!(0));
                        out.insert("maximum".into(), json!(all));
                    }
                }
                let documented: Vec<String> = e
                    .variants
                    .iter()
                    .filter(|v| !v.meta.docs.is_empty())
                    .map(|v| format!("{}: {}", tag_json(&v.value), v.meta.docs.join(" ")))
                    .collect();
                if !documented.is_empty() {
                    out.insert("$comment".into(), json!(documented.join("\n")));
                }
                out
            }
            TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
                let base_fields: &'s [Field] = match base.map(|b| &schema.ty(b).kind) {
                    Some(TypeDefKind::Struct(b)) => &b.fields,
                    _ => &[],
                };
                let mut tail = if *open {
                    let mut o = self.fields_object(base_fields);
                    let tags = variants.iter().filter_map(|v| match &schema.ty(*v).kind {
                        TypeDefKind::Struct(s) => Some(&s.tag),
                        _ => None,
                    });
                    properties(&mut o).insert(field.clone(), tag_type(tags));
                    Value::Object(o)
                } else {
                    Value::Bool(false)
                };
                for v in variants.iter().rev() {
                    let TypeDefKind::Struct(s) = &schema.ty(*v).kind else { continue };
                    let mut variant = Map::new();
                    properties(&mut variant).insert(field.clone(), json!({ "const": tag_json(&s.tag) }));
                    merge(&mut variant, Value::Object(self.fields_object(base_fields)));
                    merge(&mut variant, Value::Object(self.fields_object(&s.fields)));
                    if *s.unknown_fields.get(self.dir) == UnknownFields::Reject {
                        variant.insert("additionalProperties".into(), Value::Bool(false));
                    }
                    let mut variant = annotate(variant, &schema.ty(*v).meta, None);
                    variant.insert("title".into(), json!(schema.ty(*v).name));
                    let cond = object([("properties", json!({ field.clone(): { "const": tag_json(&s.tag) } }))]);
                    tail = if_then_else(cond, Value::Object(variant), tail);
                }
                let mut out = object([("type", json!("object"))]);
                push_required(&mut out, field);
                merge(&mut out, tail);
                out
            }
            TypeDefKind::Union(Union::Untagged(u)) => self.untagged(u),
        }
    }

    /// An untagged union: each JSON kind goes to the variant the validator picks for it.
    fn untagged(&mut self, u: &'s Untagged) -> Map<String, Value> {
        let variants: Vec<Value> = u.variants.iter().map(|v| Value::Object(self.ty(v))).collect();
        if u.ordered {
            // The first valid variant: for validity, any valid variant.
            return object([("anyOf", Value::Array(variants))]);
        }
        let kinds = |i: usize| u.kinds.get(i).copied().unwrap_or(JsonKinds::ANY);
        let specific = |i: usize, k: JsonKinds| kinds(i) != JsonKinds::ANY && kinds(i).intersects(k);
        let any = (0..variants.len()).find(|&i| kinds(i) == JsonKinds::ANY);
        let mut arms: Vec<(Map<String, Value>, Value)> = Vec::new();
        for (bit, name) in JsonKinds::NAMES.iter().enumerate() {
            let k = JsonKinds(1 << bit);
            let count = variants.len();
            let chosen: Value = if k == JsonKinds::OBJECT {
                let objects: Vec<usize> = (0..count).filter(|&i| specific(i, k)).collect();
                match objects.as_slice() {
                    [only] => variants[*only].clone(),
                    [] => any.map_or(Value::Bool(false), |i| variants[i].clone()),
                    _ => {
                        let mut tail = any.map_or(Value::Bool(false), |i| variants[i].clone());
                        for (i, sig) in u.signatures.iter().rev() {
                            if let Some(v) = variants.get(*i) {
                                tail = if_then_else(signature(sig, &u.keys), v.clone(), tail);
                            }
                        }
                        tail
                    }
                }
            } else {
                let found = if k == JsonKinds::INTEGER {
                    (0..count)
                        .find(|&i| specific(i, k) && !kinds(i).contains(JsonKinds::NUMBER))
                        .or_else(|| (0..count).find(|&i| specific(i, k)))
                } else {
                    (0..count).find(|&i| specific(i, k))
                };
                found.or(any).map_or(Value::Bool(false), |i| variants[i].clone())
            };
            if chosen != Value::Bool(false) {
                arms.push((kind_condition(name), chosen));
            }
        }
        let mut tail = Value::Bool(false);
        for (cond, then) in arms.into_iter().rev() {
            tail = if_then_else(cond, then, tail);
        }
        match tail {
            Value::Object(o) => o,
            _ => object([("not", json!({}))]),
        }
    }

    /// The schema of a type at a use site, with its constraints.
    pub(crate) fn ty(&mut self, t: &'s Type) -> Map<String, Value> {
        let c = &t.constraints;
        match &t.kind {
            TypeKind::Bool => object([("type", json!("boolean"))]),
            TypeKind::Int(it) => match it.encoding {
                IntEncoding::Number => {
                    let mut out = int_bounds(*it);
                    range(&mut out, c, Some(*it));
                    out
                }
                IntEncoding::String => {
                    let mut out = object([("type", json!("string")), ("pattern", json!(DECIMAL_PATTERN))]);
                    out.insert("$comment".into(), json!(format!("{} written as a decimal string", it.name())));
                    out
                }
            },
            TypeKind::Float(_) => {
                let mut out = object([("type", json!("number"))]);
                range(&mut out, c, None);
                out
            }
            TypeKind::String => {
                let mut out = object([("type", json!("string"))]);
                string_constraints(&mut out, c);
                out
            }
            TypeKind::Bytes(encoding) => {
                let (pattern, name) = match encoding {
                    BytesEncoding::Base64 => (BASE64_PATTERN, "base64"),
                    BytesEncoding::Base64Url => (BASE64URL_PATTERN, "base64url"),
                };
                let mut out =
                    object([("type", json!("string")), ("contentEncoding", json!(name)), ("pattern", json!(pattern))]);
                if let Some(len) = &c.len {
                    // Bounds on the text that every value in the byte bounds meets.
                    let chars = |n: u64| match encoding {
                        BytesEncoding::Base64 => n.div_ceil(3) * 4,
                        BytesEncoding::Base64Url => (n * 4).div_ceil(3),
                    };
                    if let Some(min) = len.min {
                        out.insert("minLength".into(), json!(chars(min)));
                    }
                    if let Some(max) = len.max {
                        out.insert("maxLength".into(), json!(chars(max)));
                    }
                }
                out
            }
            TypeKind::Uuid => self.formatted("uuid", UUID_PATTERN.into(), c),
            TypeKind::Date => self.formatted("date", DATE_PATTERN.into(), c),
            TypeKind::DateTime(encoding) => match encoding {
                TimeEncoding::Rfc3339 => self.formatted("date-time", rfc3339_pattern(), c),
                TimeEncoding::Local => {
                    let mut out = self.formatted("", local_pattern(), c);
                    out.insert("$comment".into(), json!("a local date-time, with no offset"));
                    out
                }
                TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => {
                    let it = IntType { signed: true, bits: 64, encoding: IntEncoding::Number };
                    let mut out = int_bounds(it);
                    range(&mut out, c, Some(it));
                    out.insert("$comment".into(), json!(time_comment(*encoding)));
                    out
                }
                TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => {
                    let mut out = object([("type", json!("number"))]);
                    range(&mut out, c, None);
                    out.insert("$comment".into(), json!(time_comment(*encoding)));
                    out
                }
            },
            TypeKind::Json => Map::new(),
            TypeKind::Null => object([("type", json!("null"))]),
            TypeKind::List(item) => {
                let mut out = object([("type", json!("array")), ("items", Value::Object(self.ty(item)))]);
                lengths(&mut out, c, "Items");
                out
            }
            TypeKind::Tuple(elements) => {
                let items: Vec<Value> = elements.iter().map(|e| Value::Object(self.ty(e))).collect();
                let n = items.len();
                let mut out = object([("type", json!("array"))]);
                match self.dialect {
                    Dialect::Draft2020 => {
                        out.insert("prefixItems".into(), Value::Array(items));
                        out.insert("items".into(), Value::Bool(false));
                    }
                    Dialect::AsyncApi => {
                        out.insert("items".into(), Value::Array(items));
                        out.insert("additionalItems".into(), Value::Bool(false));
                    }
                }
                out.insert("minItems".into(), json!(n));
                out.insert("maxItems".into(), json!(n));
                out
            }
            TypeKind::Map(value) => {
                let mut out =
                    object([("type", json!("object")), ("additionalProperties", Value::Object(self.ty(value)))]);
                lengths(&mut out, c, "Properties");
                out
            }
            TypeKind::Named(id) => {
                let mut extra = Map::new();
                if !c.is_empty() {
                    self.named_constraints(&mut extra, t);
                }
                self.with_ref(&self.schema.ty(*id).name, extra)
            }
            TypeKind::OneOf(u) => match &u.name {
                Some(name) => {
                    if !self.defs.contains_key(name) {
                        self.defs.insert(name.clone(), Value::Bool(true));
                        let value = self.untagged(u);
                        self.defs.insert(name.clone(), Value::Object(value));
                    }
                    self.reference(name)
                }
                None => self.untagged(u),
            },
            TypeKind::Nullable(inner) => match nullable(self.ty(inner)) {
                Value::Object(o) => o,
                _ => Map::new(),
            },
        }
    }

    /// The use site's constraints on a named type, as keywords of the JSON kind the name
    /// stands for.
    fn named_constraints(&self, out: &mut Map<String, Value>, t: &Type) {
        let c = &t.constraints;
        let end = self.schema.resolve(t).map(|e| &e.kind);
        let kind = match end {
            Some(TypeKind::Named(id)) => match &self.schema.ty(*id).kind {
                TypeDefKind::Enum(e) => match e.repr {
                    EnumRepr::String => "string",
                    EnumRepr::Int(_) | EnumRepr::Integer => "number",
                },
                _ => "",
            },
            Some(TypeKind::String | TypeKind::Uuid | TypeKind::Date) => "string",
            Some(TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local)) => "string",
            Some(TypeKind::Int(IntType { encoding: IntEncoding::Number, .. }) | TypeKind::Float(_)) => "number",
            Some(TypeKind::DateTime(_)) => "number",
            Some(TypeKind::List(_)) => "array",
            Some(TypeKind::Map(_)) => "object",
            _ => "",
        };
        match kind {
            "string" => string_constraints(out, c),
            "number" => range(out, c, None),
            "array" => lengths(out, c, "Items"),
            "object" => lengths(out, c, "Properties"),
            _ => {}
        }
    }

    fn formatted(&self, format: &str, pattern: String, c: &sockspec_model::Constraints) -> Map<String, Value> {
        let mut out = object([("type", json!("string"))]);
        if !format.is_empty() {
            out.insert("format".into(), json!(format));
        }
        let mut more = c.clone();
        more.patterns.clear();
        string_constraints(&mut out, &more);
        let mut patterns = vec![pattern];
        patterns.extend(c.patterns.iter().map(|p| ecma(p)));
        put_patterns(&mut out, patterns);
        out
    }
}

fn time_comment(encoding: TimeEncoding) -> &'static str {
    match encoding {
        TimeEncoding::UnixS => "seconds since the Unix epoch",
        TimeEncoding::UnixMs => "milliseconds since the Unix epoch",
        TimeEncoding::UnixUs => "microseconds since the Unix epoch",
        TimeEncoding::UnixSFloat => "seconds since the Unix epoch, fractions allowed",
        TimeEncoding::UnixMsFloat => "milliseconds since the Unix epoch, fractions allowed",
        TimeEncoding::Rfc3339 | TimeEncoding::Local => "",
    }
}

// ---- small pieces ----

pub(crate) fn object<const N: usize>(entries: [(&str, Value); N]) -> Map<String, Value> {
    entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn properties(out: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let entry = out.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    match entry {
        Value::Object(o) => o,
        _ => unreachable!("`properties` is always an object here"),
    }
}

fn push_required(out: &mut Map<String, Value>, name: &str) {
    let entry = out.entry("required").or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = entry
        && !list.iter().any(|v| v == name)
    {
        list.push(json!(name));
    }
}

/// Adds the keywords of `value` to `out`: `properties` and `required` are joined; a
/// conditional meeting another one goes under `allOf`, so both hold.
fn merge(out: &mut Map<String, Value>, value: Value) {
    let map = match value {
        Value::Object(map) => map,
        Value::Bool(false) => {
            out.insert("not".into(), json!({}));
            return;
        }
        _ => return,
    };
    if map.contains_key("if") && out.contains_key("if") {
        let all = out.entry("allOf").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = all {
            list.push(Value::Object(map));
        }
        return;
    }
    for (k, v) in map {
        match (k.as_str(), v) {
            ("properties", Value::Object(props)) => properties(out).extend(props),
            ("required", Value::Array(names)) => {
                for n in names {
                    if let Value::String(n) = n {
                        push_required(out, &n);
                    }
                }
            }
            (_, v) => {
                out.insert(k, v);
            }
        }
    }
    if out.get("properties").is_some_and(|p| p.as_object().is_some_and(Map::is_empty)) {
        out.remove("properties");
    }
}

fn required<const N: usize, S: AsRef<str>>(names: [S; N]) -> Map<String, Value> {
    object([("required", Value::Array(names.iter().map(|n| json!(n.as_ref())).collect()))])
}

/// An object whose present members among `keys` are exactly `sig`.
fn signature(sig: &[String], keys: &[String]) -> Map<String, Value> {
    let mut out = object([("required", json!(sig))]);
    let others: Vec<Value> = keys.iter().filter(|k| !sig.contains(k)).map(|k| json!({ "required": [k] })).collect();
    if !others.is_empty() {
        out.insert("not".into(), json!({ "anyOf": others }));
    }
    out
}

fn if_then_else(cond: Map<String, Value>, then: Value, otherwise: Value) -> Value {
    let mut out = object([("if", Value::Object(cond)), ("then", then)]);
    if otherwise != Value::Bool(true) {
        out.insert("else".into(), otherwise);
    }
    Value::Object(out)
}

fn kind_condition(name: &str) -> Map<String, Value> {
    match name {
        "fraction" => object([("type", json!("number")), ("not", json!({ "type": "integer" }))]),
        other => object([("type", json!(other))]),
    }
}

/// `T | null`.
fn nullable(inner: Map<String, Value>) -> Value {
    json!({ "anyOf": [{ "type": "null" }, Value::Object(inner)] })
}

/// The JSON-RPC version member, required.
fn version_schema() -> Map<String, Value> {
    let mut out = object([("properties", json!({ JSONRPC: { "const": "2.0" } }))]);
    push_required(&mut out, JSONRPC);
    out
}

pub(crate) fn tag_json(value: &TagValue) -> Value {
    match value {
        TagValue::Str(s) => json!(s),
        TagValue::Int(i) => json!(i),
        TagValue::Bool(b) => json!(b),
        TagValue::Null => Value::Null,
    }
}

/// The JSON types of a set of tag values (strings when there are none).
fn tag_type<'a>(values: impl Iterator<Item = &'a TagValue>) -> Value {
    let mut names: Vec<&str> = values
        .map(|v| match v {
            TagValue::Str(_) => "string",
            TagValue::Int(_) => "integer",
            TagValue::Bool(_) => "boolean",
            TagValue::Null => "null",
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => json!({ "type": "string" }),
        [one] => json!({ "type": one }),
        _ => json!({ "type": names }),
    }
}

/// Docs, default, examples and deprecation on a schema.
pub(crate) fn annotate(mut schema: Map<String, Value>, meta: &Meta, default: Option<&Value>) -> Map<String, Value> {
    if schema.contains_key("$ref") && schema.len() == 1 {
        // Keep the reference alone in its object for draft-07 readers.
        schema = object([("allOf", json!([Value::Object(schema)]))]);
    }
    if let Some(d) = description(&meta.docs) {
        schema.insert("description".into(), d);
    }
    if let Some(d) = default {
        schema.insert("default".into(), d.clone());
    }
    if !meta.examples.is_empty() {
        schema.insert("examples".into(), Value::Array(meta.examples.clone()));
    }
    if let Some(why) = &meta.deprecated {
        schema.insert("deprecated".into(), Value::Bool(true));
        if !why.is_empty() {
            let text = match schema.get("description") {
                Some(Value::String(d)) => format!("{d}\n\nDeprecated: {why}"),
                _ => format!("Deprecated: {why}"),
            };
            schema.insert("description".into(), json!(text));
        }
    }
    schema
}

/// Doc lines as one description, paragraphs kept.
pub(crate) fn description(docs: &[String]) -> Option<Value> {
    if docs.is_empty() {
        return None;
    }
    let lines: Vec<&str> = docs.iter().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    Some(json!(lines.join("\n").trim().to_string()))
}

fn int_bounds(it: IntType) -> Map<String, Value> {
    object([
        ("type", json!("integer")),
        ("minimum", number(Number::Int(it.min()))),
        ("maximum", number(Number::Int(it.max()))),
    ])
}

/// A number as JSON: exact for integers that fit 64 bits.
fn number(n: Number) -> Value {
    match n {
        Number::Int(i) => {
            if let Ok(v) = i64::try_from(i) {
                json!(v)
            } else if let Ok(v) = u64::try_from(i) {
                json!(v)
            } else {
                json!(i as f64)
            }
        }
        Number::Float(f) => json!(f),
    }
}

/// `@range`, within an integer's width where there is one.
fn range(out: &mut Map<String, Value>, c: &sockspec_model::Constraints, width: Option<IntType>) {
    let Some(r) = &c.range else { return };
    let limit =
        |out: &mut Map<String, Value>, l: &Limit, inclusive: &str, exclusive: &str, tighter: std::cmp::Ordering| {
            if let Some(it) = width {
                let bound = if inclusive == "minimum" { it.min() } else { it.max() };
                if l.value.cmp_exact(Number::Int(bound)) != tighter {
                    return;
                }
            }
            out.remove(inclusive);
            out.remove(exclusive);
            out.insert(if l.exclusive { exclusive } else { inclusive }.into(), number(l.value));
        };
    if let Some(min) = &r.min {
        limit(out, min, "minimum", "exclusiveMinimum", std::cmp::Ordering::Greater);
    }
    if let Some(max) = &r.max {
        limit(out, max, "maximum", "exclusiveMaximum", std::cmp::Ordering::Less);
    }
}

/// `@len` on lists (`Items`) and maps (`Properties`).
fn lengths(out: &mut Map<String, Value>, c: &sockspec_model::Constraints, what: &str) {
    if let Some(len) = &c.len {
        if let Some(min) = len.min {
            out.insert(format!("min{what}"), json!(min));
        }
        if let Some(max) = len.max {
            out.insert(format!("max{what}"), json!(max));
        }
    }
}

/// `@len` (in code points, as JSON Schema counts) and `@pattern` on strings.
fn string_constraints(out: &mut Map<String, Value>, c: &sockspec_model::Constraints) {
    lengths(out, c, "Length");
    put_patterns(out, c.patterns.iter().map(|p| ecma(p)).collect());
}

fn put_patterns(out: &mut Map<String, Value>, patterns: Vec<String>) {
    let mut patterns = patterns.into_iter();
    if let Some(first) = patterns.next() {
        out.insert("pattern".into(), json!(first));
    }
    let rest: Vec<Value> = patterns.map(|p| json!({ "pattern": p })).collect();
    if !rest.is_empty() {
        out.insert("allOf".into(), Value::Array(rest));
    }
}

/// The ECMA-262 spelling of a portable pattern (the model checked it translates).
fn ecma(pattern: &str) -> String {
    sockspec_model::pattern::translate(pattern).map(|t| t.ecma).unwrap_or_else(|_| pattern.to_string())
}
