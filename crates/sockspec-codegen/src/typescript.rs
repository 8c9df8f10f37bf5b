//! The TypeScript target: one module per schema with the protocol's types (discriminated
//! unions that narrow in a `switch`), validating parsers with the error contract of
//! DESIGN §4, and serialisers. The module depends on nothing: its runtime (a strict JSON
//! reader, the scalar and format checks) is `typescript/runtime.ts`, copied in verbatim.
//! docs/typescript.md maps every construct.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use sockspec_model::{
    Absent, Constraints, Direction, Discriminator, Dispatch, EnumRepr, Field, FloatType, IdPresence, IntEncoding,
    IntType, Limit, Message, MessageId, Number, Payload, Reply, ResultShape, Schema, SecondTag, Style, TagNode,
    TagTarget, TagValue, TimeEncoding, Type, TypeDefKind, TypeId, TypeKind, Union, UnknownFields, Untagged, Value,
};

use crate::{GeneratedFile, header};

mod fast;

/// The runtime every generated module starts with.
const RUNTIME: &str = include_str!("typescript/runtime.ts");

/// The TypeScript module for a schema: `NAME.ts`, where `NAME` is the protocol's name.
pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    let mut g = Gen {
        schema,
        out: Writer::default(),
        cons: BTreeMap::new(),
        unions: Vec::new(),
        unions_written: 0,
        write_unions: Vec::new(),
        fit_types: Vec::new(),
        seen: HashSet::new(),
    };
    let body = g.module();
    let mut text = format!("// {}\n", header(source));
    text.push_str("/* eslint-disable */\n");
    text.push_str(&body);
    vec![GeneratedFile { path: PathBuf::from(format!("{}.ts", schema.protocol.name)), contents: text }]
}

/// An indent-aware code writer: every line is written at the current depth.
#[derive(Default)]
struct Writer {
    text: String,
    depth: usize,
}

impl Writer {
    fn line(&mut self, line: &str) {
        if line.is_empty() {
            self.text.push('\n');
            return;
        }
        for _ in 0..self.depth {
            self.text.push_str("  ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn open(&mut self, line: &str) {
        self.line(line);
        self.depth += 1;
    }

    fn close(&mut self, line: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    fn blank(&mut self) {
        if !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }

    /// A JSDoc block from the schema's `///` lines (and a deprecation), if there are any.
    fn doc(&mut self, docs: &[String], deprecated: Option<&str>) {
        if docs.is_empty() && deprecated.is_none() {
            return;
        }
        self.line("/**");
        for d in docs {
            let d = d.replace("*/", "*\\/");
            let d = d.trim_end();
            if d.is_empty() { self.line(" *") } else { self.line(&format!(" * {}", d.trim_start_matches(' '))) }
        }
        if let Some(why) = deprecated {
            self.line(&format!(" * @deprecated {}", why.replace("*/", "*\\/")));
        }
        self.line(" */");
    }
}

struct Gen<'s> {
    schema: &'s Schema,
    out: Writer,
    /// Constraint objects by their text, each emitted once as a constant.
    cons: BTreeMap<String, String>,
    /// Inline unions met while writing decoders, written as functions afterwards, with
    /// their decoders' names.
    unions: Vec<(String, &'s Untagged)>,
    /// How many of `unions` have their decoder written.
    unions_written: usize,
    /// Inline unions met while writing writers, likewise, with their writers' names.
    write_unions: Vec<(String, &'s Untagged)>,
    /// Named types whose `$is_N` test `fits` used, written last.
    fit_types: Vec<TypeId>,
    seen: HashSet<String>,
}

/// A JSON string literal.
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// A member access on `obj` for a TypeScript property key from the model.
fn access(obj: &str, key: &str) -> String {
    if key.starts_with('"') {
        format!("{obj}[{key}]")
    } else if key.starts_with('[') {
        format!("{obj}{key}")
    } else {
        format!("{obj}.{key}")
    }
}

/// A property key for a wire name (what the model's `ident.typescript` of a field is).
fn prop(f: &Field) -> String {
    // The frame's own member name: the module's types are the frames as on the wire, which
    // the decoder builds with the wire names, so `@ident` does not rename a member here.
    prop_name(&f.name)
}

/// A property key for a wire name that has no field (tag members, the id, the content).
fn prop_name(name: &str) -> String {
    let mut chars = name.chars();
    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if name == "__proto__" {
        format!("[{}]", q(name))
    } else if ident {
        name.to_string()
    } else {
        q(name)
    }
}

/// A JSON Pointer segment for a member name, as a string literal's contents.
fn seg(name: &str) -> String {
    q(&format!("/{}", name.replace('~', "~0").replace('/', "~1")))
}

fn tag_key(v: &TagValue) -> String {
    match v {
        TagValue::Str(s) => format!("s:{s}"),
        TagValue::Int(i) => format!("i:{i}"),
        TagValue::Bool(b) => format!("b:{b}"),
        TagValue::Null => "n:".to_string(),
    }
}

fn tag_kinds<'a>(values: impl Iterator<Item = &'a TagValue>) -> u8 {
    values.fold(0, |acc, v| {
        acc | match v {
            TagValue::Str(_) => 16,
            TagValue::Int(_) => 4,
            TagValue::Bool(_) => 2,
            TagValue::Null => 1,
        }
    })
}

/// The members every plain JavaScript object inherits from `Object.prototype`.
const OBJECT_PROTOTYPE_NAMES: &[&str] = &[
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
];

/// A tag value as a TypeScript literal type (and value).
fn tag_literal(v: &TagValue) -> String {
    match v {
        TagValue::Str(s) => q(s),
        TagValue::Int(i) if i.unsigned_abs() < (1 << 53) => i.to_string(),
        TagValue::Int(i) => format!("{i}n"),
        TagValue::Bool(b) => b.to_string(),
        TagValue::Null => "null".to_string(),
    }
}

fn float_literal(f: f64) -> String {
    if f.is_finite() {
        format!("{f:?}")
    } else if f > 0.0 {
        "Infinity".into()
    } else {
        "-Infinity".into()
    }
}

/// A test that a typed value `x` is an object of members (a struct, a map, a tagged
/// union's value): not `null`, a list or bytes.
fn is_plain_object(x: &str) -> String {
    format!("(typeof {x} === \"object\" && {x} !== null && !Array.isArray({x}) && !({x} instanceof Uint8Array))")
}

fn is_big_int(it: IntType) -> bool {
    it.bits > 32
}

impl<'s> Gen<'s> {
    fn type_ident(&self, id: TypeId) -> String {
        let def = self.schema.ty(id);
        def.meta.ident.as_ref().map(|i| i.typescript.clone()).unwrap_or_else(|| def.name.clone())
    }

    fn message_ident(&self, id: MessageId) -> String {
        let m = self.schema.message(id);
        m.meta.ident.as_ref().map(|i| i.typescript.clone()).unwrap_or_else(|| m.name.clone())
    }

    fn anonymous_ident(&self, name: &str) -> String {
        self.schema
            .anonymous
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.ident.typescript.clone())
            .unwrap_or_else(|| name.to_string())
    }

    /// Whether a type's values are `bigint` in TypeScript: integers wider than 32 bits.
    fn is_big(&self, ty: &Type) -> bool {
        match &self.schema.resolve(ty).map(|t| &t.kind) {
            Some(TypeKind::Int(it)) => is_big_int(*it),
            Some(TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs)) => true,
            Some(TypeKind::Nullable(inner)) => self.is_big(inner),
            Some(TypeKind::Named(id)) => match &self.schema.ty(*id).kind {
                TypeDefKind::Enum(e) => match e.repr {
                    EnumRepr::Int(it) => is_big_int(it),
                    EnumRepr::Integer => true,
                    EnumRepr::String => false,
                },
                _ => false,
            },
            _ => false,
        }
    }

    // ---- types ----

    fn ts_type(&self, ty: &Type) -> String {
        match &ty.kind {
            TypeKind::Bool => "boolean".into(),
            TypeKind::Int(it) => if is_big_int(*it) { "bigint" } else { "number" }.into(),
            TypeKind::Float(_) => "number".into(),
            TypeKind::String | TypeKind::Uuid | TypeKind::Date => "string".into(),
            TypeKind::DateTime(e) => match e {
                TimeEncoding::Rfc3339 | TimeEncoding::Local => "string",
                TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => "bigint",
                TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => "number",
            }
            .into(),
            TypeKind::Bytes(_) => "Uint8Array".into(),
            TypeKind::Json => "SockspecJson".into(),
            TypeKind::Null => "null".into(),
            TypeKind::List(item) => format!("Array<{}>", self.ts_type(item)),
            TypeKind::Tuple(items) => {
                format!("[{}]", items.iter().map(|t| self.ts_type(t)).collect::<Vec<_>>().join(", "))
            }
            TypeKind::Map(item) => format!("{{ [key: string]: {} }}", self.ts_type(item)),
            TypeKind::Named(id) => self.type_ident(*id),
            TypeKind::OneOf(u) => match &u.name {
                Some(name) => self.anonymous_ident(name),
                None => self.untagged_type(u),
            },
            TypeKind::Nullable(inner) => format!("{} | null", self.ts_type(inner)),
        }
    }

    fn untagged_type(&self, u: &Untagged) -> String {
        u.variants.iter().map(|t| self.ts_type(t)).collect::<Vec<_>>().join(" | ")
    }

    fn field_lines(&mut self, fields: &[Field]) {
        for f in fields {
            self.out.doc(&f.meta.docs, f.meta.deprecated.as_deref());
            let optional = !f.required && f.default.is_none();
            let opt = if optional { "?" } else { "" };
            let line = format!("{}{opt}: {};", prop(f), self.ts_type(&f.ty));
            self.out.line(&line);
        }
    }

    fn inline_object(&self, fields: &[Field]) -> String {
        let parts: Vec<String> = fields
            .iter()
            .map(|f| {
                let opt = if !f.required && f.default.is_none() { "?" } else { "" };
                format!("{}{opt}: {}", prop(f), self.ts_type(&f.ty))
            })
            .collect();
        format!("{{ {} }}", parts.join("; "))
    }

    fn types(&mut self) {
        let schema = self.schema;
        let order: Vec<TypeId> = if schema.type_order.is_empty() {
            (0..schema.types.len()).map(|i| TypeId(i as u32)).collect()
        } else {
            schema.type_order.iter().flat_map(|g| g.types.iter().copied()).collect()
        };
        for id in order {
            let def = schema.ty(id);
            let name = self.type_ident(id);
            self.out.blank();
            self.out.doc(&def.meta.docs, def.meta.deprecated.as_deref());
            match &def.kind {
                TypeDefKind::Struct(s) => {
                    self.out.open(&format!("export interface {name} {{"));
                    self.field_lines(&s.fields);
                    self.out.close("}");
                }
                TypeDefKind::Enum(e) => {
                    let (values, open): (Vec<String>, &str) = match e.repr {
                        EnumRepr::String => (
                            e.variants
                                .iter()
                                .map(|v| match &v.value {
                                    TagValue::Str(s) => q(s),
                                    other => tag_literal(other),
                                })
                                .collect(),
                            "(string & {})",
                        ),
                        _ => {
                            let big = matches!(e.repr, EnumRepr::Integer)
                                || matches!(e.repr, EnumRepr::Int(it) if is_big_int(it));
                            let vals = e
                                .variants
                                .iter()
                                .map(|v| match &v.value {
                                    TagValue::Int(i) if big => format!("{i}n"),
                                    other => tag_literal(other),
                                })
                                .collect();
                            (vals, if big { "(bigint & {})" } else { "(number & {})" })
                        }
                    };
                    let base = if e.flags {
                        if open.starts_with("(bigint") { "bigint".to_string() } else { "number".to_string() }
                    } else {
                        let mut all = values.clone();
                        if e.open {
                            all.push(open.to_string());
                        }
                        if all.is_empty() { "never".to_string() } else { all.join(" | ") }
                    };
                    self.out.line(&format!("export type {name} = {base};"));
                    if !e.variants.is_empty() {
                        self.out.doc(&[format!("The values of {}, by name.", def.name)], None);
                        self.out.open(&format!("export const {name} = {{"));
                        for (v, value) in e.variants.iter().zip(&values) {
                            self.out.doc(&v.meta.docs, v.meta.deprecated.as_deref());
                            let key = v.meta.ident.as_ref().map(|i| i.typescript.clone()).unwrap_or(v.name.clone());
                            self.out.line(&format!("{key}: {value},"));
                        }
                        self.out.close("} as const;");
                    }
                }
                TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
                    let base_ident = base.map(|b| format!(" & {}", self.type_ident(b))).unwrap_or_default();
                    let mut parts: Vec<String> = variants
                        .iter()
                        .map(|v| {
                            let tag = match &schema.ty(*v).kind {
                                TypeDefKind::Struct(s) => tag_literal(&s.tag),
                                _ => "never".to_string(),
                            };
                            format!("({{ {}: {tag} }}{base_ident} & {})", prop_name(field), self.type_ident(*v))
                        })
                        .collect();
                    if *open {
                        parts.push("{ [key: string]: SockspecJson }".to_string());
                    }
                    let body = if parts.is_empty() { "never".to_string() } else { parts.join("\n  | ") };
                    self.out.line(&format!("export type {name} =\n  | {body};"));
                }
                TypeDefKind::Union(Union::Untagged(u)) => {
                    let t = self.untagged_type(u);
                    self.out.line(&format!("export type {name} = {t};"));
                }
                TypeDefKind::Alias(t) => {
                    // `type Channel = A | B`: the inline union takes the alias's name and is
                    // written with the inline unions below.
                    let t = self.ts_type(t);
                    if t != *name {
                        self.out.line(&format!("export type {name} = {t};"));
                    }
                }
            }
        }
        // Inline unions and anonymous payloads, results and the id type, by their names.
        let mut anonymous = Vec::new();
        collect_inline_unions(schema, &mut anonymous);
        for u in anonymous {
            let Some(name) = &u.name else { continue };
            if !self.seen.insert(format!("type {name}")) {
                continue;
            }
            let ident = self.anonymous_ident(name);
            let t = self.untagged_type(u);
            self.out.blank();
            // `type Channel = A | B`: the union the alias names has the alias's doc comment.
            if let Some(def) = schema.types.iter().find(|d| d.name == *name && matches!(d.kind, TypeDefKind::Alias(_)))
            {
                self.out.doc(&def.meta.docs, None);
            }
            self.out.line(&format!("export type {ident} = {t};"));
        }
        for (i, m) in schema.messages.iter().enumerate() {
            if let (Some(a), Payload::Value { ty, .. }) = (schema.payload_name(MessageId(i as u32)), &m.payload) {
                let t = self.ts_type(ty);
                self.out.blank();
                self.out.doc(&[format!("The payload of {}.", m.name)], None);
                self.out.line(&format!("export type {} = {t};", a.ident.typescript));
            }
        }
        // The results the model named (`ConfigurationResult`), unless an inline union that
        // is written above already has the name.
        for (i, m) in schema.messages.iter().enumerate() {
            for (ty, a) in self.result_names(MessageId(i as u32)) {
                let mut unions = Vec::new();
                walk_unions(ty, &mut unions);
                if unions.iter().any(|u| u.name.as_deref() == Some(a.name.as_str()))
                    || !self.seen.insert(format!("type {}", a.name))
                {
                    continue;
                }
                let t = self.ts_type(ty);
                self.out.blank();
                self.out.doc(&[format!("The result of {}.", m.name)], None);
                self.out.line(&format!("export type {} = {t};", a.ident.typescript));
            }
        }
        if let Some(a) = schema.id_type_name()
            && self.seen.insert(format!("type {}", a.name))
        {
            let t = self.ts_type(&schema.protocol.id.ty);
            self.out.blank();
            self.out.doc(&["The id that correlates a request with its replies.".to_string()], None);
            self.out.line(&format!("export type {} = {t};", a.ident.typescript));
        }
    }

    fn id_type(&self) -> String {
        match self.schema.id_type_name() {
            Some(a) => a.ident.typescript.clone(),
            None => self.ts_type(&self.schema.protocol.id.ty),
        }
    }

    fn payload_type(&self, id: MessageId, m: &Message) -> String {
        match &m.payload {
            Payload::Fields(fields) => self.inline_object(fields),
            Payload::Value { ty, .. } => match self.schema.payload_name(id) {
                Some(a) => a.ident.typescript.clone(),
                None => self.ts_type(ty),
            },
        }
    }

    /// The side whose framing a message's type shows: the first side that sends it.
    fn side_of(m: &Message) -> Direction {
        if m.sender.includes(Direction::Client) { Direction::Client } else { Direction::Server }
    }

    fn messages(&mut self) {
        let schema = self.schema;
        let rpc = matches!(schema.protocol.style, Style::JsonRpc { .. });
        for (i, m) in schema.messages.iter().enumerate() {
            let id = MessageId(i as u32);
            let side = Self::side_of(m);
            let name = self.message_ident(id);
            self.out.blank();
            let mut docs = m.meta.docs.clone();
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(format!(
                "Sent by {}.",
                match m.sender {
                    sockspec_model::Sender::Client => "the client",
                    sockspec_model::Sender::Server => "the server",
                    sockspec_model::Sender::Both => "either side",
                }
            ));
            self.out.doc(&docs, m.meta.deprecated.as_deref());
            self.out.open(&format!("export interface {name} {{"));
            if let Style::JsonRpc { version_member: true, .. } = schema.protocol.style {
                self.out.line("jsonrpc: \"2.0\";");
            }
            if let Discriminator::Tag(values) = &m.discriminator {
                let fields = self.tag_fields(side);
                for (field, value) in fields.iter().zip(values) {
                    self.out.line(&format!("{}: {};", prop_name(field), tag_literal(value)));
                }
            }
            let id_field = &schema.protocol.id.field;
            let flat: &[Field] = match (&m.content, &m.payload) {
                (None, Payload::Fields(f)) => f,
                _ => &[],
            };
            let declared = flat.iter().chain(m.envelope_fields.get(side)).any(|f| &f.name == id_field);
            if !declared {
                let id_ty = self.id_type();
                match (rpc, m.id) {
                    (true, _) if m.request.is_some() => self.out.line(&format!("{}: {id_ty};", prop_name(id_field))),
                    (_, IdPresence::Required) => self.out.line(&format!("{}: {id_ty};", prop_name(id_field))),
                    (_, IdPresence::Optional) => {
                        self.out.line(&format!("{}?: {id_ty} | null;", prop_name(id_field)));
                    }
                    _ => {}
                }
            }
            let envelope = m.envelope_fields.get(side).clone();
            self.field_lines(&envelope);
            match &m.content {
                None => self.field_lines(flat),
                Some(key) => {
                    let t = self.payload_type(id, m);
                    let opt = if m.content_optional { "?" } else { "" };
                    self.out.line(&format!("{}{opt}: {t};", prop_name(key)));
                }
            }
            self.out.close("}");
        }
        for dir in Direction::BOTH {
            let union = union_name(dir);
            self.out.blank();
            self.out.doc(
                &[
                    format!("Every frame the {} sends, by the name of its message.", dir.as_str()),
                    "`name` narrows `frame` in a `switch`.".to_string(),
                ],
                None,
            );
            let mut parts: Vec<String> = schema
                .messages_from(dir)
                .map(|(id, m)| format!("{{ name: {}; frame: {} }}", q(&m.name), self.message_ident(id)))
                .collect();
            for extra in self.extra_kinds(dir) {
                parts.push(format!("{{ name: {}; frame: {{ [key: string]: SockspecJson }} }}", q(extra)));
            }
            let body = if parts.is_empty() { "never".to_string() } else { parts.join("\n  | ") };
            self.out.line(&format!("export type {union} =\n  | {body};"));
        }
        self.answer_types();
    }

    /// The frames of a side that are no message of the schema.
    fn extra_kinds(&self, dir: Direction) -> Vec<&'static str> {
        let d = self.schema.dispatch.get(dir);
        let mut out = Vec::new();
        let open = d.tags.as_ref().is_some_and(node_open)
            || d.rpc.as_ref().is_some_and(|r| r.requests.as_ref().is_some_and(node_open))
            || d.rpc.as_ref().is_some_and(|r| r.notifications.as_ref().is_some_and(node_open));
        if open {
            out.push("@unknown");
        }
        if d.rpc.as_ref().is_some_and(|r| r.replies) {
            out.push("@result");
            out.push("@error");
        }
        out
    }

    fn tag_fields(&self, side: Direction) -> Vec<String> {
        let d = self.schema.dispatch.get(side);
        if matches!(self.schema.protocol.style, Style::JsonRpc { .. }) {
            return vec!["method".to_string()];
        }
        d.tag_fields.clone()
    }

    // ---- answers ----

    /// The request's result types the model named (`{Request}Result`), with their names:
    /// the model names each result type that is no declared type (or one `| null`), in the
    /// order of the replies.
    fn result_names(&self, id: MessageId) -> Vec<(&'s Type, &'s sockspec_model::AnonymousType)> {
        let schema = self.schema;
        let Some(req) = &schema.message(id).request else { return Vec::new() };
        let mut names = schema.anonymous.iter().filter(|a| a.site == sockspec_model::AnonymousSite::Result(id));
        req.replies
            .iter()
            .filter_map(|r| match r {
                Reply::Result(ty) | Reply::Typed { result: ty, .. } => Some(ty),
                Reply::Message(_) => None,
            })
            .filter(|ty| !matches!(strip_nullable(ty).kind, TypeKind::Named(_)))
            .filter_map(|ty| names.next().map(|a| (ty, a)))
            .collect()
    }

    /// The TypeScript type of one of a request's result types: its name where the model
    /// named it, else the type written out.
    fn result_type(&self, id: MessageId, ty: &'s Type) -> String {
        match self.result_names(id).into_iter().find(|(t, _)| std::ptr::eq(*t, ty)) {
            Some((_, a)) if !matches!(strip_nullable(ty).kind, TypeKind::OneOf(_)) => a.ident.typescript.clone(),
            _ => self.ts_type(ty),
        }
    }

    /// The frames `dir` sends that answer request `id` (sent by the other side), as
    /// `Validator::validate_answer` takes them: its reply messages, then its `@stream` and
    /// `@end` messages, each once; a result frame where it declares a result type; an
    /// error frame always (the `@error` message is among the replies already).
    fn answers_of(&self, dir: Direction, id: MessageId) -> Vec<AnswerFrame<'s>> {
        let schema = self.schema;
        let Some(req) = &schema.message(id).request else { return Vec::new() };
        let mut out: Vec<AnswerFrame<'s>> = Vec::new();
        let extra = self.extra_kinds(dir);
        for r in &req.replies {
            if let Reply::Result(ty) = r
                && extra.contains(&"@result")
                && !out.iter().any(|a| a.name == "@result")
            {
                out.push(AnswerFrame { name: "@result".into(), typed: Some(("result", ty, false)) });
            }
        }
        let messages = req.replies.iter().filter_map(Reply::message).chain(req.stream.iter().copied());
        for m in messages.chain(req.end.iter().copied()) {
            let msg = schema.message(m);
            if out.iter().any(|a| a.name == msg.name) || !msg.sender.includes(dir) {
                continue;
            }
            let typed = req.replies.iter().find_map(|r| match r {
                Reply::Typed { message, result } if *message == m => Some(result),
                _ => None,
            });
            let typed = match (typed, &msg.content) {
                (Some(ty), Some(key)) => Some((key.as_str(), ty, msg.content_optional)),
                _ => None,
            };
            out.push(AnswerFrame { name: msg.name.clone(), typed });
        }
        if extra.contains(&"@error") {
            out.push(AnswerFrame { name: "@error".into(), typed: None });
        }
        out
    }

    /// The requests the other side sends, which frames from `dir` answer.
    fn requests_answered_by(&self, dir: Direction) -> Vec<MessageId> {
        self.schema.messages_from(dir.other()).filter(|(_, m)| m.request.is_some()).map(|(id, _)| id).collect()
    }

    /// The types of answers: per side, the result type of each of the other side's
    /// requests, and what answers each.
    fn answer_types(&mut self) {
        let schema = self.schema;
        // The client's requests first, answered by the server.
        for dir in Direction::BOTH.map(Direction::other) {
            let union = union_name(dir);
            let requester = title(dir.other());
            let requests = self.requests_answered_by(dir);
            self.out.blank();
            self.out.doc(
                &[
                    format!(
                        "The typed result of each request the {} sends, by its schema name: the type",
                        dir.other().as_str()
                    ),
                    "of a result frame's `result` or of a typed reply's content (`never`: it has none).".to_string(),
                ],
                None,
            );
            let results = format!("{requester}RequestResults");
            if requests.is_empty() {
                self.out.line(&format!("export interface {results} {{}}"));
            } else {
                self.out.open(&format!("export interface {results} {{"));
                for id in &requests {
                    let mut types: Vec<String> = Vec::new();
                    for a in self.answers_of(dir, *id) {
                        if let Some((_, ty, _)) = a.typed {
                            let t = self.result_type(*id, ty);
                            if !types.contains(&t) {
                                types.push(t);
                            }
                        }
                    }
                    let t = if types.is_empty() { "never".to_string() } else { types.join(" | ") };
                    self.out.line(&format!("{}: {t};", prop_name(&schema.message(*id).name)));
                }
                self.out.close("}");
            }
            self.out.blank();
            let side = title(dir);
            self.out.doc(
                &[
                    format!(
                        "What the {} may answer each request of the {} with, by the request's schema",
                        dir.as_str(),
                        dir.other().as_str()
                    ),
                    format!(
                        "name: the value of `parse{side}Answer`. `name` narrows `message` and `result` in a `switch`."
                    ),
                ],
                None,
            );
            let answers = format!("{side}Answers");
            if requests.is_empty() {
                self.out.line(&format!("export interface {answers} {{}}"));
                continue;
            }
            self.out.open(&format!("export interface {answers} {{"));
            for id in &requests {
                let parts: Vec<String> = self
                    .answers_of(dir, *id)
                    .into_iter()
                    .map(|a| {
                        let t = match a.typed {
                            Some((_, ty, optional)) => {
                                let t = self.result_type(*id, ty);
                                if optional { format!("{t} | undefined") } else { t }
                            }
                            None => "undefined".to_string(),
                        };
                        format!("SockspecAnswer<Extract<{union}, {{ name: {} }}>, {t}>", q(&a.name))
                    })
                    .collect();
                let body = if parts.is_empty() { "never".to_string() } else { parts.join("\n    | ") };
                self.out.line(&format!("{}:\n    | {body};", prop_name(&schema.message(*id).name)));
            }
            self.out.close("}");
        }
    }

    /// The table `$answer` reads for the frames from `dir`: for each request of the other
    /// side, the frames that answer it, with the decoder of the typed result they carry.
    fn answer_table(&mut self, dir: Direction) -> String {
        let schema = self.schema;
        let mut rows = Vec::new();
        for id in self.requests_answered_by(dir) {
            let mut entries = Vec::new();
            for a in self.answers_of(dir, id) {
                let typed = match a.typed {
                    None => "null".to_string(),
                    Some((key, ty, _)) => {
                        let check = self.check(ty, "v", "p", None, 1);
                        let (v, p, c) = (param("v", &check), param("p", &check), param("c", &check));
                        format!("[{}, {}, ({v}: $J, {p}: string, {c}: $Ctx) => {check}]", q(key), seg(key))
                    }
                };
                entries.push(format!("[{}, {typed}]", q(&a.name)));
            }
            rows.push(format!(
                "  [{}, new Map<string, $Typed | null>([{}])],\n",
                q(&schema.message(id).name),
                entries.join(", ")
            ));
        }
        if rows.is_empty() {
            return "new Map<string, $Answers>()".to_string();
        }
        format!("new Map<string, $Answers>([\n{}])", rows.concat())
    }

    // ---- decoders ----

    /// The constant holding a set of constraints.
    fn cons(&mut self, c: &Constraints) -> String {
        if c.is_empty() {
            return "$NONE".to_string();
        }
        let mut parts = Vec::new();
        let lim = |l: &Limit| {
            let v = match l.value {
                // Exact as a double below 2^53, so compared without BigInt.
                Number::Int(i) if i.unsigned_abs() < 1 << 53 => i.to_string(),
                Number::Int(i) => format!("{i}n"),
                Number::Float(f) => float_literal(f),
            };
            format!("[{v}, {}]", l.exclusive)
        };
        let mut text = Vec::new();
        if let Some(r) = &c.range {
            let show = |n: Number| match n {
                Number::Int(i) => i.to_string(),
                Number::Float(f) => f.to_string(),
            };
            if let Some(l) = &r.min {
                parts.push(format!("min: {}", lim(l)));
                text.push(format!("{} {}", if l.exclusive { "greater than" } else { "at least" }, show(l.value)));
            }
            if let Some(l) = &r.max {
                parts.push(format!("max: {}", lim(l)));
                text.push(format!("{} {}", if l.exclusive { "less than" } else { "at most" }, show(l.value)));
            }
            parts.push(format!("text: {}", q(&text.join(" and "))));
        }
        if let Some(l) = &c.len {
            if let Some(min) = l.min {
                parts.push(format!("lmin: {min}"));
            }
            if let Some(max) = l.max {
                parts.push(format!("lmax: {max}"));
            }
        }
        if !c.patterns.is_empty() {
            let res: Vec<String> = c
                .patterns
                .iter()
                .map(|p| match sockspec_model::pattern::translate(p) {
                    Ok(t) => format!("new RegExp({}, \"u\")", q(&t.ecma)),
                    // The compiler checks every pattern; a model from elsewhere fails loudly.
                    Err(_) => "/(?!)/u".to_string(),
                })
                .collect();
            parts.push(format!("pat: [{}]", res.join(", ")));
        }
        let body = format!("{{ {} }}", parts.join(", "));
        let next = self.cons.len();
        self.cons.entry(body).or_insert_with(|| format!("$K{next}")).clone()
    }

    /// An expression that checks the value `v` (a `J`) at path `p` against `ty` and
    /// evaluates to its decoded value; `carried` is the constraints expression of the use
    /// site it was reached from (aliases, `| null`), else the type's own apply.
    fn check(&mut self, ty: &'s Type, v: &str, p: &str, carried: Option<&str>, depth: usize) -> String {
        let k = match carried {
            Some(k) => k.to_string(),
            None => self.cons(&ty.constraints),
        };
        let x = format!("x{depth}");
        let qv = format!("q{depth}");
        match &ty.kind {
            TypeKind::Bool => format!("$bool({v}, {p}, c)"),
            TypeKind::Int(it) => self.int_call(*it, v, p, &k),
            TypeKind::Float(ft) => format!("$float({v}, {p}, c, {}, {k})", *ft == FloatType::F32),
            TypeKind::String => format!("$str({v}, {p}, c, {k})"),
            TypeKind::Bytes(e) => {
                format!("$bytes({v}, {p}, c, {}, {k})", *e == sockspec_model::BytesEncoding::Base64Url)
            }
            TypeKind::Uuid => format!("$fmt({v}, {p}, c, $isUuid, \"a uuid (8-4-4-4-12 hexadecimal digits)\", {k})"),
            TypeKind::Date => format!("$fmt({v}, {p}, c, $isDate, \"a date (YYYY-MM-DD)\", {k})"),
            TypeKind::DateTime(e) => match e {
                TimeEncoding::Rfc3339 => {
                    format!("$fmt({v}, {p}, c, $isRfc3339, \"an RFC 3339 date-time with an offset\", {k})")
                }
                TimeEncoding::Local => {
                    format!("$fmt({v}, {p}, c, $isLocal, \"a local date-time with no offset\", {k})")
                }
                TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => {
                    self.int_call(IntType { signed: true, bits: 64, encoding: IntEncoding::Number }, v, p, &k)
                }
                TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => format!("$float({v}, {p}, c, false, {k})"),
            },
            TypeKind::Json => format!("$json({v})"),
            TypeKind::Null => format!("$null({v}, {p}, c)"),
            TypeKind::List(item) => {
                let inner = self.check(item, &x, &qv, None, depth + 1);
                let (x, qv) = (param(&x, &inner), param(&qv, &inner));
                format!("$list({v}, {p}, c, {k}, ({x}: $J, {qv}: string) => {inner})")
            }
            TypeKind::Map(item) => {
                let inner = self.check(item, &x, &qv, None, depth + 1);
                let (x, qv) = (param(&x, &inner), param(&qv, &inner));
                format!("$map({v}, {p}, c, {k}, ({x}: $J, {qv}: string) => {inner})")
            }
            TypeKind::Tuple(items) => {
                let fns: Vec<String> = items
                    .iter()
                    .map(|t| {
                        let inner = self.check(t, &x, &qv, None, depth + 1);
                        format!("({}: $J, {}: string) => {inner}", param(&x, &inner), param(&qv, &inner))
                    })
                    .collect();
                format!("$tuple({v}, {p}, c, [{}])", fns.join(", "))
            }
            TypeKind::Named(id) => match &self.schema.ty(*id).kind {
                TypeDefKind::Alias(_) | TypeDefKind::Enum(_) => format!("$d_{}({v}, {p}, c, {k})", id.0),
                _ => format!("$d_{}({v}, {p}, c)", id.0),
            },
            TypeKind::OneOf(u) => {
                let f = self.inline_union(u);
                format!("{f}({v}, {p}, c)")
            }
            TypeKind::Nullable(inner) => {
                let inner = self.check(inner, v, p, carried, depth);
                format!("({v} === null ? null : {inner})")
            }
        }
    }

    fn int_call(&self, it: IntType, v: &str, p: &str, k: &str) -> String {
        format!(
            "$int({v}, {p}, c, {}, {}n, {}n, {}, {}, {k})",
            q(&it.name()),
            it.min(),
            it.max(),
            it.encoding == IntEncoding::String,
            is_big_int(it)
        )
    }

    /// The function that decodes an inline union, written once per union.
    fn inline_union(&mut self, u: &'s Untagged) -> String {
        // A union with no name (a tuple's item) gets a decoder of its own, numbered.
        let name = u.name.clone().unwrap_or_else(|| format!("${}", self.unions.len()));
        let f = format!("$u_{}", name);
        if self.seen.insert(f.clone()) {
            self.unions.push((name, u));
        }
        f
    }

    fn untagged_body(&mut self, u: &'s Untagged) {
        let kinds: Vec<String> = u.kinds.iter().map(|k| k.0.to_string()).collect();
        let kinds = format!("[{}]", kinds.join(", "));
        if u.ordered {
            let fns: Vec<String> = u.variants.iter().map(|t| self.variant_checker(t)).collect();
            self.out.line(&format!("return $ordered(v, p, c, {kinds}, [{}]);", fns.join(", ")));
            return;
        }
        let sigs: Vec<String> = u
            .signatures
            .iter()
            .map(|(i, sig)| format!("[{i}, [{}]]", sig.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")))
            .collect();
        let sigs = format!("[{}]", sigs.join(", "));
        let keys = format!("[{}]", u.keys.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "));
        self.out.open(&format!("switch ($select(v, {kinds}, {sigs}, {keys})) {{"));
        for (i, t) in u.variants.iter().enumerate() {
            let inner = self.check(t, "v", "p", None, 1);
            self.out.line(&format!("case {i}: return {inner};"));
        }
        self.out.line(&format!("default: return $noVariant(v, p, c, {kinds}, {sigs});"));
        self.out.close("}");
    }

    /// Code that checks `fields` among the members of `o` (a `JObj`) at path `p` and sets
    /// each decoded member on `r`.
    fn fields_code(&mut self, fields: &'s [Field], o: &str, p: &str) {
        for f in fields {
            let name = q(&f.name);
            let path = format!("{p} + {}", seg(&f.name));
            self.out.open("{");
            self.out.line(&format!("const x = {o}.get({name});"));
            let set = |value: &str| -> String {
                if f.name == "__proto__" {
                    format!(
                        "Object.defineProperty(r, \"__proto__\", {{ value: {value}, enumerable: true, writable: true, configurable: true }});"
                    )
                } else {
                    format!("r[{name}] = {value};")
                }
            };
            if f.required {
                self.out.line(&format!("if (x === undefined) $missing(c, {p}, {name});"));
            } else if let Some(d) = self.default_expr(f) {
                self.out.line(&format!("if (x === undefined) {}", set(&d)));
            } else {
                self.out.line("if (x === undefined) {}");
            }
            if f.nullable {
                self.out.line(&format!("else if (x === null) {}", set("null")));
            }
            let check = self.check(&f.ty, "x", &path, None, 1);
            self.out.line(&format!("else {}", set(&check)));
            self.out.close("}");
        }
    }

    /// A field's default as the value its decoder gives.
    fn default_expr(&mut self, f: &'s Field) -> Option<String> {
        let json = f.default.as_ref()?;
        let scalar = match &f.default_value {
            Some(Value::Null) => Some("null".to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(Value::Int(i)) => Some(if self.is_big(&f.ty) { format!("{i}n") } else { i.to_string() }),
            Some(Value::Float(x)) => Some(float_literal(*x)),
            Some(Value::String(s)) => Some(q(s)),
            _ => None,
        };
        if let Some(s) = scalar {
            return Some(s);
        }
        // Anything else is decoded from its JSON, so it is exactly what a frame holding it
        // gives (and a fresh value each time).
        let check = self.check(&f.ty, "x", "\"\"", None, 1);
        Some(format!("((x: $J) => {check})($readJson({}) as $J)", q(&json.to_string())))
    }

    fn decoders(&mut self) {
        let schema = self.schema;
        for (i, def) in schema.types.iter().enumerate() {
            let id = TypeId(i as u32);
            let ident = self.type_ident(id);
            self.out.blank();
            match &def.kind {
                TypeDefKind::Alias(target) => {
                    // The chain is followed here, once; `k` are the use site's constraints.
                    let mut ty = target;
                    let mut carried: Option<&Constraints> = None;
                    let mut nulls = false;
                    loop {
                        match &ty.kind {
                            TypeKind::Named(t) => match &schema.ty(*t).kind {
                                TypeDefKind::Alias(next) => {
                                    carried = Some(carried.unwrap_or(&ty.constraints));
                                    ty = next;
                                }
                                _ => break,
                            },
                            TypeKind::Nullable(inner) => {
                                nulls = true;
                                ty = inner;
                            }
                            _ => break,
                        }
                    }
                    let own = self.cons(carried.unwrap_or(&ty.constraints));
                    self.out.open(&format!(
                        "function $d_{}(v: $J, p: string, c: $Ctx, k?: $Cons): {ident} | undefined {{",
                        i
                    ));
                    if nulls {
                        self.out.line(&format!("if (v === null) return null as unknown as {ident};"));
                    }
                    let check = self.check(ty, "v", "p", Some(&format!("(k ?? {own})")), 1);
                    self.out.line(&format!("return {check} as unknown as {ident} | undefined;"));
                    self.out.close("}");
                }
                TypeDefKind::Struct(s) => {
                    self.out.open(&format!("function $d_{i}(v: $J, p: string, c: $Ctx): {ident} | undefined {{"));
                    self.out.line(&format!(
                        "if (!(v instanceof $JObj)) return $wrong(c, p, {}, v);",
                        q(&format!("an object ({})", def.name))
                    ));
                    self.out.line("const r: Record<string, unknown> = {};");
                    self.fields_code(&s.fields, "v", "p");
                    let names: Vec<String> = s.fields.iter().map(|f| f.name.clone()).collect();
                    self.unknown_members_code(&s.unknown_fields, &names, "v", "p");
                    self.out.line(&format!("return r as unknown as {ident};"));
                    self.out.close("}");
                }
                TypeDefKind::Enum(e) => {
                    self.out.open(&format!(
                        "function $d_{i}(v: $J, p: string, c: $Ctx, k?: $Cons): {ident} | undefined {{"
                    ));
                    match e.repr {
                        EnumRepr::String => {
                            self.out.line(&format!(
                                "if (typeof v !== \"string\") return $wrong(c, p, {}, v);",
                                q(&format!("a string ({})", def.name))
                            ));
                            if !e.open {
                                let values: Vec<String> = e
                                    .variants
                                    .iter()
                                    .filter_map(|x| match &x.value {
                                        TagValue::Str(s) => Some(q(s)),
                                        _ => None,
                                    })
                                    .collect();
                                self.out.open("switch (v) {");
                                for val in &values {
                                    self.out.line(&format!("case {val}:"));
                                }
                                if !values.is_empty() {
                                    self.out.line("  break;");
                                }
                                self.out.line(&format!(
                                    "default: $err(c, p, \"unknown_value\", `${{$quote(v)}} is not a value of {}`);",
                                    def.name.replace('`', "")
                                ));
                                self.out.close("}");
                            }
                            self.out.line("if (k !== undefined) $strCons(c, p, k, v);");
                            self.out.line(&format!("return v as {ident};"));
                        }
                        EnumRepr::Int(it) => {
                            let call = self.int_call(it, "v", "p", "(k ?? $NONE)");
                            self.out.line(&format!("const n = {call};"));
                            self.out.line("if (n === undefined) return undefined;");
                            self.enum_values_check(e, "BigInt(n)", &def.name);
                            self.out.line(&format!("return n as unknown as {ident};"));
                        }
                        EnumRepr::Integer => {
                            self.out.line(&format!(
                                "if (!(v instanceof $JNum) || !v.int) return $wrong(c, p, {}, v);",
                                q(&format!("an integer ({})", def.name))
                            ));
                            self.out.line("const n = BigInt(v.raw);");
                            self.enum_values_check(e, "n", &def.name);
                            self.out.line(&format!("return n as unknown as {ident};"));
                        }
                    }
                    self.out.close("}");
                }
                TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
                    self.tagged_union(i, &ident, &def.name, field, variants, *open, *base);
                }
                TypeDefKind::Union(Union::Untagged(u)) => {
                    self.out.open(&format!("function $d_{i}(v: $J, p: string, c: $Ctx): unknown {{"));
                    self.untagged_body(u);
                    self.out.close("}");
                }
            }
        }
    }

    /// Inline unions, including those met while writing the ones before.
    fn inline_unions(&mut self) {
        while self.unions_written < self.unions.len() {
            let (name, u) = self.unions[self.unions_written].clone();
            self.unions_written += 1;
            let t = match &u.name {
                Some(n) => self.anonymous_ident(n),
                None => "unknown".to_string(),
            };
            self.out.blank();
            self.out.doc(&[format!("Decodes a value of {t}.")], None);
            self.out.open(&format!("function $u_{name}(v: $J, p: string, c: $Ctx): unknown {{"));
            self.untagged_body(u);
            self.out.close("}");
        }
    }

    fn enum_values_check(&mut self, e: &sockspec_model::Enum, n: &str, name: &str) {
        if e.open {
            return;
        }
        let values: Vec<i64> = e
            .variants
            .iter()
            .filter_map(|x| match x.value {
                TagValue::Int(i) => Some(i),
                _ => None,
            })
            .collect();
        if e.flags {
            let all = values.iter().fold(0i128, |acc, x| acc | i128::from(*x));
            self.out.line(&format!(
                "if (({n} & ~{all}n) !== 0n) $err(c, p, \"unknown_value\", `${{{n}}} sets bits that are no flag of {name} (all flags: {all})`);"
            ));
        } else {
            let list = values.iter().map(|x| format!("{x}n")).collect::<Vec<_>>().join(", ");
            self.out.line(&format!(
                "if (![{list}].includes({n})) $err(c, p, \"unknown_value\", `${{{n}}} is not a value of {name}`);"
            ));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tagged_union(
        &mut self,
        i: usize,
        ident: &str,
        name: &str,
        field: &str,
        variants: &[TypeId],
        open: bool,
        base: Option<TypeId>,
    ) {
        let schema = self.schema;
        self.out.open(&format!("function $d_{i}(v: $J, p: string, c: $Ctx): {ident} | undefined {{"));
        self.out.line(&format!(
            "if (!(v instanceof $JObj)) return $wrong(c, p, {}, v);",
            q(&format!("an object ({name})"))
        ));
        self.out.line(&format!("const t = v.get({});", q(field)));
        self.out.line(&format!(
            "if (t === undefined) return $err(c, p + {}, \"missing_field\", {});",
            seg(field),
            q(&format!("missing the tag member {field:?} of {name}"))
        ));
        let base_fields: &'s [Field] = match base.map(|b| &schema.ty(b).kind) {
            Some(TypeDefKind::Struct(b)) => &b.fields,
            _ => &[],
        };
        let structs: Vec<(TypeId, &'s sockspec_model::Struct)> = variants
            .iter()
            .filter_map(|id| match &schema.ty(*id).kind {
                TypeDefKind::Struct(s) => Some((*id, s)),
                _ => None,
            })
            .collect();
        let kinds = tag_kinds(structs.iter().map(|(_, s)| &s.tag));
        self.out.line(&format!("const key = $tagKey(t, {kinds});"));
        self.out.line(&format!(
            "if (key === null) return $err(c, p + {}, \"wrong_type\", $tagTypeMessage(t, {kinds}));",
            seg(field)
        ));
        self.out.line("const r: Record<string, unknown> = {};");
        self.out.line(&format!("r[{}] = $json(t);", q(field)));
        self.out.open("switch (key) {");
        let mut seen = HashSet::new();
        for (_, s) in &structs {
            let key = tag_key(&s.tag);
            if !seen.insert(key.clone()) {
                continue;
            }
            self.out.open(&format!("case {}: {{", q(&key)));
            self.fields_code(base_fields, "v", "p");
            self.fields_code(&s.fields, "v", "p");
            let mut names = vec![field.to_string()];
            names.extend(s.fields.iter().chain(base_fields).map(|f| f.name.clone()));
            self.unknown_members_code(&s.unknown_fields, &names, "v", "p");
            self.out.line("break;");
            self.out.close("}");
        }
        self.out.open("default:");
        if open {
            self.fields_code(base_fields, "v", "p");
            self.out.line("return $json(v) as unknown as undefined;");
        } else {
            self.out.line(&format!(
                "return $err(c, p + {}, \"unknown_tag\", `${{$tagText(t)}} names no variant of {name}`);",
                seg(field)
            ));
        }
        self.out.depth -= 1;
        self.out.close("}");
        self.out.line(&format!("return r as unknown as {ident};"));
        self.out.close("}");
    }

    /// Unknown members of `o`, per the sending side's policy.
    fn unknown_members_code(
        &mut self,
        policy: &sockspec_model::PerDirection<UnknownFields>,
        names: &[String],
        o: &str,
        p: &str,
    ) {
        let known = known_fn(names);
        match (policy.client, policy.server) {
            (UnknownFields::Ignore, UnknownFields::Ignore) => {}
            (UnknownFields::Reject, UnknownFields::Reject) => {
                self.out.line(&format!("$unknownMembers(c, {p}, {o}, {known});"));
            }
            (UnknownFields::Reject, _) => {
                self.out.line(&format!("if (c.from === \"client\") $unknownMembers(c, {p}, {o}, {known});"));
            }
            (_, UnknownFields::Reject) => {
                self.out.line(&format!("if (c.from === \"server\") $unknownMembers(c, {p}, {o}, {known});"));
            }
        }
    }

    // ---- frames ----

    /// The function that checks a frame from `dir` as message `id` and builds it.
    fn message_checker(&mut self, dir: Direction, id: MessageId) {
        let schema = self.schema;
        let m = schema.message(id);
        let protocol = &schema.protocol;
        let rpc = match protocol.style {
            Style::JsonRpc { version_member, .. } => Some(version_member),
            Style::Tagged => None,
        };
        let policy = *m.unknown_fields.get(dir);
        let frame_policy = *m.frame_unknown_fields.get(dir);
        let tag_fields = &schema.dispatch.get(dir).tag_fields;
        let flat: &'s [Field] = match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => fields,
            _ => &[],
        };
        let envelope: &'s [Field] = m.envelope_fields.get(dir);
        let id_field = protocol.id.field.as_str();
        let id_declared = flat.iter().chain(envelope).any(|f| f.name == id_field);
        #[derive(PartialEq)]
        enum IdRule {
            Absent,
            Required,
            Optional,
            Forbidden,
        }
        let id_rule = match (rpc, m.id) {
            _ if id_declared => IdRule::Absent,
            (Some(_), _) if m.request.is_some() => IdRule::Required,
            (Some(_), IdPresence::None) | (_, IdPresence::Forbidden) => IdRule::Forbidden,
            (_, IdPresence::None) => IdRule::Absent,
            (_, IdPresence::Required) => IdRule::Required,
            (_, IdPresence::Optional) => IdRule::Optional,
        };
        let ident = self.message_ident(id);
        self.out.blank();
        self.out.open(&format!("function $m_{}_{}(o: $JObj, c: $Ctx): {ident} {{", dir.as_str(), id.0));
        self.out.line("const r: Record<string, unknown> = {};");
        if rpc == Some(true) {
            self.out.line("r[\"jsonrpc\"] = \"2.0\";");
        }
        // The frame keeps the tag members that name its message, as the type says.
        let shown_tags: Vec<String> = match (&m.discriminator, rpc) {
            (_, Some(_)) => vec!["method".to_string()],
            (Discriminator::Tag(values), None) => tag_fields.iter().take(values.len()).cloned().collect(),
            _ => Vec::new(),
        };
        for t in &shown_tags {
            self.out.line(&format!("{{ const t = o.get({}); if (t !== undefined) r[{}] = $json(t); }}", q(t), q(t)));
        }
        // The id member.
        let idq = q(id_field);
        let idp = seg(id_field);
        match id_rule {
            IdRule::Absent => {}
            IdRule::Required | IdRule::Optional | IdRule::Forbidden => {
                self.out.open("{");
                self.out.line(&format!("const x = o.get({idq});"));
                match id_rule {
                    IdRule::Required => {
                        let what = if m.request.is_some() { "a request" } else { "a reply" };
                        self.out.line(&format!(
                            "if (x === undefined) $err(c, {idp}, \"missing_field\", {});",
                            q(&format!("{what} must carry the id member {id_field:?}"))
                        ));
                        let check = self.check(&protocol.id.ty, "x", &idp, None, 1);
                        self.out.line(&format!("else r[{idq}] = {check};"));
                    }
                    IdRule::Optional => {
                        self.out.line("if (x === undefined) {}");
                        self.out.line(&format!("else if (x === null) r[{idq}] = null;"));
                        let check = self.check(&protocol.id.ty, "x", &idp, None, 1);
                        self.out.line(&format!("else r[{idq}] = {check};"));
                    }
                    _ => {
                        self.out.line(&format!(
                            "if (x !== undefined) $err(c, {idp}, \"unknown_field\", {});",
                            q(&format!("a notification carries no {id_field:?}; only requests do"))
                        ));
                    }
                }
                self.out.close("}");
            }
        }
        // The second tag member of a message named by its first tag value alone.
        if protocol.second_tag == SecondTag::NullOrAbsent
            && matches!(&m.discriminator, Discriminator::Tag(v) if v.len() == 1)
            && let Some(field) = tag_fields.get(1)
        {
            self.out.line(&format!(
                "{{ const x = o.get({}); if (x !== undefined && x !== null) $wrong(c, {}, {}, x); }}",
                q(field),
                seg(field),
                q(&format!("null or no {field:?}: {} has one tag value", m.name))
            ));
        }
        self.fields_code(envelope, "o", "\"\"");
        self.fields_code(flat, "o", "\"\"");
        if let Some(key) = &m.content {
            let kq = q(key);
            let kp = seg(key);
            self.out.open("{");
            self.out.line(&format!("const pl = o.get({kq});"));
            if m.content_optional {
                self.out.line("if (pl === undefined) {}");
            } else {
                self.out.line(&format!(
                    "if (pl === undefined) $err(c, {kp}, \"missing_field\", {});",
                    q(&format!("missing the payload member {key:?}"))
                ));
            }
            match &m.payload {
                Payload::Fields(fields) => {
                    self.out.open(&format!(
                        "else if (!(pl instanceof $JObj)) $wrong(c, {kp}, {}, pl);",
                        q(&format!("an object (the payload of {})", m.name))
                    ));
                    self.out.depth -= 1;
                    self.out.open("else {");
                    self.out.line("const outer = r;");
                    self.out.open("{");
                    self.out.line("const r: Record<string, unknown> = {};");
                    self.fields_code(fields, "pl", &kp);
                    if policy == UnknownFields::Reject {
                        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                        self.out.line(&format!("$unknownMembers(c, {kp}, pl, {});", known_fn(&names)));
                    }
                    self.out.line(&format!("outer[{kq}] = r;"));
                    self.out.close("}");
                    self.out.close("}");
                }
                Payload::Value { ty, .. } => {
                    let check = self.check(ty, "pl", &kp, None, 1);
                    self.out.line(&format!("else r[{kq}] = {check};"));
                }
            }
            self.out.close("}");
        }
        if frame_policy == UnknownFields::Reject {
            let mut names: Vec<String> = tag_fields.clone();
            if id_rule != IdRule::Absent {
                names.push(id_field.to_string());
            }
            names.extend(envelope.iter().chain(flat).map(|f| f.name.clone()));
            names.extend(m.content.clone());
            if let Some(version) = rpc {
                names.push("method".to_string());
                if version {
                    names.push("jsonrpc".to_string());
                }
            }
            self.out.line(&format!("$unknownMembers(c, \"\", o, {});", known_fn(&names)));
        }
        self.out.line(&format!("return r as unknown as {ident};"));
        self.out.close("}");
    }

    /// A dispatch table node as a TypeScript literal; messages by index into `ids`.
    fn node(&self, node: &TagNode, ids: &[MessageId]) -> String {
        let kinds = tag_kinds(node.entries.iter().map(|(v, _)| v));
        let mut seen = HashSet::new();
        let entries: Vec<String> = node
            .entries
            .iter()
            .filter(|(v, _)| seen.insert(tag_key(v)))
            .map(|(v, t)| {
                let target = match t {
                    TagTarget::Message(id) => ids.iter().position(|x| x == id).map_or(-1, |i| i as i64).to_string(),
                    TagTarget::Next(next) => self.node(next, ids),
                };
                format!("[{}, {target}]", q(&tag_key(v)))
            })
            .collect();
        format!(
            "{{ f: {}, kinds: {kinds}, open: {}, e: new Map<string, number | $TagNode>([{}]) }}",
            q(&node.field),
            node.open,
            entries.join(", ")
        )
    }

    fn dispatch_table(&self, dir: Direction, d: &Dispatch, ids: &[MessageId]) -> String {
        let index = |id: &MessageId| ids.iter().position(|x| x == id).map_or(-1, |i| i as i64);
        let tags = d.tags.as_ref().map_or("null".to_string(), |n| self.node(n, ids));
        let fields = d.tag_fields.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
        let keyed = d.keyed.iter().map(|(k, id)| format!("[{}, {}]", q(k), index(id))).collect::<Vec<_>>().join(", ");
        let structural = d
            .structural
            .iter()
            .map(|(sig, id)| format!("[[{}], {}]", sig.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "), index(id)))
            .collect::<Vec<_>>()
            .join(", ");
        let keys = d.keys.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
        let fallback = d.fallback.as_ref().map_or(-1, index);
        let rpc = d.rpc.as_ref().map_or("null".to_string(), |r| {
            format!(
                "{{ requests: {}, notifications: {}, replies: {} }}",
                r.requests.as_ref().map_or("null".to_string(), |n| self.node(n, ids)),
                r.notifications.as_ref().map_or("null".to_string(), |n| self.node(n, ids)),
                r.replies
            )
        });
        format!(
            "{{\n  side: {},\n  tags: {tags},\n  tagFields: [{fields}],\n  keyed: [{keyed}],\n  structural: [{structural}],\n  keys: [{keys}],\n  fallback: {fallback},\n  rpc: {rpc},\n}}",
            q(dir.as_str())
        )
    }

    fn parsers(&mut self, fast: &mut fast::Fast<'s>) {
        let schema = self.schema;
        for dir in Direction::BOTH {
            let ids: Vec<MessageId> = schema.messages_from(dir).map(|(id, _)| id).collect();
            for id in &ids {
                self.message_checker(dir, *id);
            }
            let d = schema.dispatch.get(dir);
            let side = dir.as_str();
            let union = union_name(dir);
            let table = self.dispatch_table(dir, d, &ids);
            self.out.blank();
            self.out.line(&format!("const $DISPATCH_{side}: $Dispatch = {table};"));
            // The message checkers of this side, by index into the table.
            self.out.blank();
            let names: Vec<String> = ids.iter().map(|id| q(&schema.message(*id).name)).collect();
            self.out.line(&format!("const $NAMES_{side}: readonly string[] = [{}];", names.join(", ")));
            let checkers: Vec<String> = ids.iter().map(|id| format!("$m_{side}_{}", id.0)).collect();
            self.out.line(&format!(
                "const $CHECKS_{side}: readonly ((o: $JObj, c: $Ctx) => unknown)[] = [{}];",
                checkers.join(", ")
            ));
            // The envelope of kept unknown frames and of JSON-RPC replies.
            let envelope: &'s [Field] = &d.envelope;
            self.out.blank();
            self.out
                .open(&format!("function $envelope_{side}(o: $JObj, c: $Ctx): {{ [key: string]: SockspecJson }} {{"));
            self.out.line("const r: Record<string, unknown> = {};");
            self.fields_code(envelope, "o", "\"\"");
            self.out.line("return $json(o) as { [key: string]: SockspecJson };");
            self.out.close("}");

            let body = match &schema.protocol.style {
                Style::Tagged => None,
                Style::JsonRpc { version_member, error, result, error_id, reply_unknown_fields } => {
                    Some((*version_member, *error, *result, *error_id, *reply_unknown_fields.get(dir)))
                }
            };
            let fast_fn = self.fast_side(fast, dir);
            self.out.blank();
            self.out.doc(
                &[
                    format!("Reads and checks one frame the {side} sent (text or UTF-8 bytes): the typed message,"),
                    "or every error (DESIGN §4: a JSON Pointer, a code and a sentence each).".to_string(),
                ],
                None,
            );
            self.out.open(&format!(
                "export function parse{}(text: string | Uint8Array): SockspecResult<{union}> {{",
                union
            ));
            if fast_fn.is_some() {
                self.out.line(&format!("const fast = $parse{union}Fast(text);"));
                self.out.line("if (fast !== undefined) return { ok: true, value: fast };");
            }
            self.out.line(&format!("return $parse{union}Full(text);"));
            self.out.close("}");
            self.out.blank();
            self.out.doc(
                &[
                    "The fast path alone: the message, or `undefined` where it gives up (any invalid".to_string(),
                    format!("frame among them). For tests; `parse{union}` is the entry point."),
                    "@internal".to_string(),
                ],
                None,
            );
            self.out
                .open(&format!("export function $parse{union}Fast(text: string | Uint8Array): {union} | undefined {{"));
            match &fast_fn {
                Some(f) => self.out.line(&format!("return $fast(text, $FAST_CTX_{side}, {f});")),
                None => self.out.line("return undefined;"),
            }
            self.out.close("}");
            if fast_fn.is_some() {
                self.out.line(&format!("const $FAST_CTX_{side} = new $Ctx({});", q(side)));
            }
            self.out.blank();
            self.out.doc(&["The full path alone: the strict reader, then every check. @internal".to_string()], None);
            self.out.open(&format!(
                "export function $parse{union}Full(text: string | Uint8Array): SockspecResult<{union}> {{"
            ));
            self.out.line("const o = $frame(text);");
            self.out.line("if (!(o instanceof $JObj)) return { ok: false, errors: [o] };");
            self.out.line(&format!("return $read{union}(o);"));
            self.out.close("}");
            self.out.blank();
            self.out.doc(
                &[format!("Checks a frame the {side} sent, read as an object: the full path after the reader.")],
                None,
            );
            self.out.open(&format!("function $read{union}(o: $JObj): SockspecResult<{union}> {{"));
            self.out.line(&format!("const c = new $Ctx({});", q(side)));
            self.out.line("let out: unknown;");
            match body {
                None => {
                    self.out.line(&format!("const found = $dispatch($DISPATCH_{side}, o);"));
                    self.out.line("if (typeof found !== \"number\") return { ok: false, errors: [found] };");
                    self.out.open("if (found === $UNKNOWN) {");
                    self.out.line(&format!("out = {{ name: \"@unknown\", frame: $envelope_{side}(o, c) }};"));
                    self.out.close("} else {");
                    self.out.depth += 1;
                    self.out.line(&format!(
                        "out = {{ name: $NAMES_{side}[found], frame: ($CHECKS_{side}[found] as (o: $JObj, c: $Ctx) => unknown)(o, c) }};"
                    ));
                    self.out.close("}");
                }
                Some((version, error, result, error_id, reply_policy)) => {
                    self.rpc_parse(dir, version, error, result, error_id, reply_policy, envelope);
                }
            }
            self.out.line("if (c.errors.length > 0) return { ok: false, errors: c.errors };");
            self.out.line(&format!("return {{ ok: true, value: out as {union} }};"));
            self.out.close("}");
            self.out.blank();
            self.out.doc(
                &[format!("Like `parse{}`, but returns the message or throws one {{@link SockspecError}}.", union)],
                None,
            );
            self.out.open(&format!("export function decode{}(text: string | Uint8Array): {union} {{", union));
            self.out.line(&format!("const r = parse{}(text);", union));
            self.out.line("if (!r.ok) throw new SockspecError(r.errors);");
            self.out.line("return r.value;");
            self.out.close("}");
            self.answer_parsers(dir);
        }
    }

    /// `parse{Side}Answer` and `decode{Side}Answer` for the frames `dir` sends, and their table.
    fn answer_parsers(&mut self, dir: Direction) {
        let side = dir.as_str();
        let union = union_name(dir);
        let title = title(dir);
        let answers = format!("{title}Answers");
        let table = self.answer_table(dir);
        self.out.blank();
        self.out.line(&format!("const $ANSWERS_{side}: ReadonlyMap<string, $Answers> = {table};"));
        self.out.blank();
        self.out.doc(
            &[
                format!("Reads and checks one frame the {side} sent as the answer to `request`, a request of the"),
                format!(
                    "{} (by its schema name): the frame's errors as `parse{union}` finds them; then",
                    dir.other().as_str()
                ),
                "`unknown_tag` at \"\" for a frame that does not answer it; then the typed result it carries"
                    .to_string(),
                "(a result frame's `result`, a typed reply's content) checked against the request's".to_string(),
                "result type, its errors under that member (`/result/...`).".to_string(),
            ],
            None,
        );
        self.out.open(&format!(
            "export function parse{title}Answer<R extends keyof {answers}>(request: R, text: string | Uint8Array): SockspecResult<{answers}[R]> {{"
        ));
        self.out.line("const o = $frame(text);");
        self.out.line("if (!(o instanceof $JObj)) return { ok: false, errors: [o] };");
        self.out.line(&format!("const r = $read{union}(o);"));
        self.out.line("if (!r.ok) return r;");
        self.out.line(&format!(
            "return $answer(o, r.value, {}, request, $ANSWERS_{side}.get(request)) as unknown as SockspecResult<{answers}[R]>;",
            q(side)
        ));
        self.out.close("}");
        self.out.blank();
        self.out.doc(
            &[format!("Like `parse{title}Answer`, but returns the answer or throws one {{@link SockspecError}}.")],
            None,
        );
        self.out.open(&format!(
            "export function decode{title}Answer<R extends keyof {answers}>(request: R, text: string | Uint8Array): {answers}[R] {{"
        ));
        self.out.line(&format!("const r = parse{title}Answer(request, text);"));
        self.out.line("if (!r.ok) throw new SockspecError(r.errors);");
        self.out.line("return r.value;");
        self.out.close("}");
    }

    #[allow(clippy::too_many_arguments)]
    fn rpc_parse(
        &mut self,
        dir: Direction,
        version: bool,
        error: Option<TypeId>,
        result: ResultShape,
        error_id: IdPresence,
        reply_policy: UnknownFields,
        envelope: &'s [Field],
    ) {
        let schema = self.schema;
        let side = dir.as_str();
        let id_field = schema.protocol.id.field.as_str();
        let idq = q(id_field);
        let idp = seg(id_field);
        self.out.line("const method = o.get(\"method\");");
        self.out.open("if (method !== undefined) {");
        self.out.line(&format!("const isRequest = o.has({idq});"));
        self.out.line(&format!("const rpc = $DISPATCH_{side}.rpc;"));
        self.out.line("const node = rpc === null ? null : isRequest ? rpc.requests : rpc.notifications;");
        self.out.line("let found: $Found;");
        self.out.line(&format!("if (node !== null) found = $follow(node, method, o, {});", q(side)));
        self.out.line("else if (typeof method !== \"string\") found = $issue(\"/method\", \"wrong_type\", $tagTypeMessage(method, 0));");
        self.out.line(&format!(
            "else found = $issue(\"/method\", \"unknown_tag\", isRequest ? {} : {});",
            q(&format!("the {side} sends no requests (the frame has an id)")),
            q(&format!("the {side} sends no notifications (the frame has no id)"))
        ));
        self.out.line("if (typeof found !== \"number\") return { ok: false, errors: [found] };");
        if version {
            self.out.line("$rpcVersion(c, o);");
        }
        self.out.open("if (found === $UNKNOWN) {");
        self.out.line(&format!("out = {{ name: \"@unknown\", frame: $envelope_{side}(o, c) }};"));
        self.out.close("} else {");
        self.out.depth += 1;
        self.out.line(&format!(
            "out = {{ name: $NAMES_{side}[found], frame: ($CHECKS_{side}[found] as (o: $JObj, c: $Ctx) => unknown)(o, c) }};"
        ));
        self.out.close("}");
        self.out.depth -= 1;
        self.out.open("} else {");
        let replies = schema.dispatch.get(dir).rpc.as_ref().is_some_and(|r| r.replies);
        if !replies {
            let message = format!(
                "missing \"method\": the {side} sends no result or error frames, as the {} declares no requests",
                dir.other().as_str()
            );
            self.out.line(&format!(
                "return {{ ok: false, errors: [$issue(\"/method\", \"missing_field\", {})] }};",
                q(&message)
            ));
        } else {
            self.out.line("const hasResult = o.has(\"result\");");
            self.out.line("const hasError = o.has(\"error\");");
            self.out.line("if (hasResult === hasError) return { ok: false, errors: [$issue(\"\", \"unknown_tag\", hasResult ? 'the frame has both \"result\" and \"error\"' : 'the frame has neither \"method\", \"result\" nor \"error\"')] };");
            if version {
                self.out.line("$rpcVersion(c, o);");
            }
            self.out.open("{");
            self.out.line(&format!("const x = o.get({idq});"));
            let optional =
                if error_id == IdPresence::Optional { "if (x === undefined && hasError) {}\nelse " } else { "" };
            let optional = optional.replace('\n', " ");
            self.out.line(&format!(
                "{optional}if (x === undefined) $err(c, {idp}, \"missing_field\", {});",
                q(&format!("a reply must carry the id member {id_field:?}"))
            ));
            self.out.line("else if (x === null && hasError) {}");
            let check = self.check(&schema.protocol.id.ty, "x", &idp, None, 1);
            self.out.line(&format!("else {check};"));
            self.out.close("}");
            if result == ResultShape::Object {
                self.out.line("{ const x = o.get(\"result\"); if (hasResult && x !== undefined && !(x instanceof $JObj)) $wrong(c, \"/result\", \"an object (every result of this protocol is one)\", x); }");
            }
            if let Some(e) = error {
                let call = format!("$d_{}(x, \"/error\", c)", e.0);
                self.out.line(&format!("{{ const x = o.get(\"error\"); if (hasError && x !== undefined) {call}; }}"));
            }
            self.out.line(&format!("$envelope_{side}(o, c);"));
            if reply_policy == UnknownFields::Reject {
                let mut names = vec![id_field.to_string()];
                if version {
                    names.push("jsonrpc".to_string());
                }
                names.extend(envelope.iter().map(|f| f.name.clone()));
                let known = known_fn(&names);
                self.out.line(&format!(
                    "$unknownMembers(c, \"\", o, (n: string) => n === (hasResult ? \"result\" : \"error\") || ({known})(n));"
                ));
            }
            self.out.line("out = { name: hasResult ? \"@result\" : \"@error\", frame: $json(o) };");
        }
        self.out.close("}");
    }

    // ---- writers ----

    /// An expression that writes `x` (a value of `ty`) as JSON text.
    fn write(&mut self, ty: &'s Type, x: &str, depth: usize) -> String {
        let y = format!("y{depth}");
        match &ty.kind {
            TypeKind::Bool => format!("({x} ? \"true\" : \"false\")"),
            TypeKind::Int(it) if it.encoding == IntEncoding::String => format!("$ws(String({x}))"),
            TypeKind::Int(_)
            | TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                format!("$wn({x})")
            }
            TypeKind::Float(_) | TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                format!("$wf({x})")
            }
            TypeKind::String | TypeKind::Uuid | TypeKind::Date | TypeKind::DateTime(_) => format!("$ws({x})"),
            TypeKind::Bytes(e) => format!("$ws($b64encode({x}, {}))", *e == sockspec_model::BytesEncoding::Base64Url),
            TypeKind::Json => format!("$wj({x})"),
            TypeKind::Null => "\"null\"".to_string(),
            TypeKind::List(item) => {
                let t = self.ts_type(item);
                let inner = self.write(item, &y, depth + 1);
                format!("$wl({x}, ({}: {t}) => {inner})", param(&y, &inner))
            }
            TypeKind::Map(item) => {
                let t = self.ts_type(item);
                let inner = self.write(item, &y, depth + 1);
                format!("$wm({x}, ({}: {t}) => {inner})", param(&y, &inner))
            }
            TypeKind::Tuple(items) => {
                let parts: Vec<String> =
                    items.iter().enumerate().map(|(i, t)| self.write(t, &format!("{x}[{i}]"), depth + 1)).collect();
                format!("`[${{{}}}]`", parts.join("},${"))
            }
            TypeKind::Named(id) => format!("$w_{}({x})", id.0),
            TypeKind::OneOf(u) => {
                // A union with no name (a tuple's item) gets a writer of its own, numbered.
                let name = u.name.clone().unwrap_or_else(|| format!("${}", self.write_unions.len()));
                if self.seen.insert(format!("$wu_{name}")) {
                    self.write_unions.push((name.clone(), u));
                }
                format!("$wu_{name}({x})")
            }
            TypeKind::Nullable(inner) => {
                let inner = self.write(inner, x, depth);
                format!("({x} === null ? \"null\" : {inner})")
            }
        }
    }

    /// Members of an object, as `$wo` takes them, for the fields read from `obj`.
    fn write_fields(&mut self, fields: &'s [Field], obj: &str) -> Vec<String> {
        fields
            .iter()
            .map(|f| {
                let value = access(obj, &prop(f));
                let key = q(&q(&f.name));
                let w = self.write(&f.ty, &value, 1);
                let absent = match f.absent {
                    Absent::Null if f.nullable => format!("{key} + \":null\""),
                    _ => "undefined".to_string(),
                };
                // A member named like one of `Object.prototype`'s reads the prototype's when the
                // object lacks it (`obj["__proto__"]` is `{}`): only an own member is present.
                let missing = if OBJECT_PROTOTYPE_NAMES.contains(&f.name.as_str()) {
                    format!("(!Object.prototype.hasOwnProperty.call({obj}, {}) || {value} === undefined)", q(&f.name))
                } else {
                    format!("{value} === undefined")
                };
                // A member that may be absent or null (`name?: T | null`, no default) has no
                // value when it is either, as the Rust and Python writers hold it (one
                // `None`): `null` is written as the field's `absent` says, like `undefined`.
                let null_is_absent = !f.required
                    && f.default.is_none()
                    && matches!(self.schema.resolve(&f.ty).map(|t| &t.kind), Some(TypeKind::Nullable(_)));
                let missing = if null_is_absent { format!("({missing} || {value} === null)") } else { missing };
                format!("{missing} ? {absent} : {key} + \":\" + {w}")
            })
            .collect()
    }

    /// A test of a TypeScript value against a type, for telling untagged variants apart
    /// when writing: by the value's JavaScript type, as the decoder built it.
    fn is_value_of(&self, ty: &Type, x: &str) -> String {
        self.is_value_within(ty, x, 0)
    }

    /// [`Self::is_value_of`], `depth` unions deep: a nested untagged union tests its
    /// variants (so `(bool | u32) | bytes` hands a `Uint8Array` to the bytes writer), and
    /// unions nested past any real schema's depth take any value.
    fn is_value_within(&self, ty: &Type, x: &str, depth: usize) -> String {
        let any_variant = |u: &Untagged| {
            if depth > 16 {
                return "true".to_string();
            }
            let tests: Vec<String> = u.variants.iter().map(|v| self.is_value_within(v, x, depth + 1)).collect();
            format!("({})", tests.join(" || "))
        };
        let object = is_plain_object(x);
        match &ty.kind {
            TypeKind::Bool => format!("typeof {x} === \"boolean\""),
            TypeKind::Int(it) if is_big_int(*it) => format!("typeof {x} === \"bigint\""),
            TypeKind::Int(_) => format!("(typeof {x} === \"number\" && Number.isInteger({x}))"),
            TypeKind::Float(_) => format!("typeof {x} === \"number\""),
            TypeKind::String | TypeKind::Uuid | TypeKind::Date => format!("typeof {x} === \"string\""),
            TypeKind::DateTime(e) => match e {
                TimeEncoding::Rfc3339 | TimeEncoding::Local => format!("typeof {x} === \"string\""),
                TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => {
                    format!("typeof {x} === \"bigint\"")
                }
                TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => format!("typeof {x} === \"number\""),
            },
            TypeKind::Bytes(_) => format!("{x} instanceof Uint8Array"),
            TypeKind::Json => "true".to_string(),
            TypeKind::OneOf(u) => any_variant(u),
            TypeKind::Null => format!("{x} === null"),
            TypeKind::List(_) | TypeKind::Tuple(_) => format!("Array.isArray({x})"),
            TypeKind::Map(_) => object,
            TypeKind::Nullable(inner) => format!("({x} === null || {})", self.is_value_within(inner, x, depth)),
            TypeKind::Named(id) => match &self.schema.ty(*id).kind {
                TypeDefKind::Alias(t) => self.is_value_within(t, x, depth),
                TypeDefKind::Enum(e) => match e.repr {
                    EnumRepr::String => format!("typeof {x} === \"string\""),
                    EnumRepr::Int(it) if !is_big_int(it) => format!("typeof {x} === \"number\""),
                    _ => format!("typeof {x} === \"bigint\""),
                },
                TypeDefKind::Struct(_) | TypeDefKind::Union(Union::Tagged { .. }) => object,
                TypeDefKind::Union(Union::Untagged(u)) => any_variant(u),
            },
        }
    }

    /// A deep test of a typed value `x` (an `unknown` expression) against a type, for
    /// choosing the variant of an ordered union when writing: the value's JavaScript type
    /// as the decoder builds it, integers within their width, enum values, struct members
    /// (the required ones present, each of its type, no other member), tuple lengths and
    /// every item, map value and union variant; a tagged union by its tag. Constraints
    /// (`@range`, `@len`, `@pattern`) are not checked. Named types get a function each
    /// (`$is_N`, written afterwards), so recursive types end.
    fn fits(&mut self, ty: &'s Type, x: &str, depth: usize) -> String {
        let y = format!("y{depth}");
        let object = is_plain_object(x);
        let int = |it: IntType| {
            if is_big_int(it) {
                format!("(typeof {x} === \"bigint\" && {x} >= {}n && {x} <= {}n)", it.min(), it.max())
            } else {
                format!(
                    "(typeof {x} === \"number\" && Number.isInteger({x}) && {x} >= {} && {x} <= {})",
                    it.min(),
                    it.max()
                )
            }
        };
        match &ty.kind {
            TypeKind::Int(it) => int(*it),
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                int(IntType { signed: true, bits: 64, encoding: IntEncoding::Number })
            }
            TypeKind::List(item) => {
                let inner = self.fits(item, &y, depth + 1);
                if inner == "true" {
                    format!("Array.isArray({x})")
                } else {
                    format!("(Array.isArray({x}) && ({x} as unknown[]).every(({y}: unknown) => {inner}))")
                }
            }
            TypeKind::Tuple(items) => {
                let mut parts =
                    vec![format!("Array.isArray({x})"), format!("({x} as unknown[]).length === {}", items.len())];
                for (i, t) in items.iter().enumerate() {
                    let inner = self.fits(t, &format!("({x} as unknown[])[{i}]"), depth + 1);
                    if inner != "true" {
                        parts.push(inner);
                    }
                }
                format!("({})", parts.join(" && "))
            }
            TypeKind::Map(item) => {
                let inner = self.fits(item, &y, depth + 1);
                if inner == "true" {
                    object
                } else {
                    format!(
                        "({object} && Object.values({x} as {{ [key: string]: unknown }}).every(({y}: unknown) => {inner}))"
                    )
                }
            }
            TypeKind::Nullable(inner) => format!("({x} === null || {})", self.fits(inner, x, depth)),
            TypeKind::OneOf(u) => {
                let parts: Vec<String> = u.variants.iter().map(|t| self.fits(t, x, depth)).collect();
                if parts.iter().any(|p| p == "true") { "true".to_string() } else { format!("({})", parts.join(" || ")) }
            }
            TypeKind::Named(id) => {
                if self.seen.insert(format!("$is_{}", id.0)) {
                    self.fit_types.push(*id);
                }
                format!("$is_{}({x})", id.0)
            }
            _ => self.is_value_of(ty, x),
        }
    }

    /// The `$is_N` functions of the named types `fits` met (and those they meet).
    fn write_fit_functions(&mut self) {
        let schema = self.schema;
        let mut done = 0;
        while done < self.fit_types.len() {
            let id = self.fit_types[done];
            done += 1;
            self.out.blank();
            self.out.open(&format!("function $is_{}(x: unknown): boolean {{", id.0));
            match &schema.ty(id).kind {
                TypeDefKind::Alias(t) => {
                    let test = self.fits(t, "x", 1);
                    self.out.line(&format!("return {test};"));
                }
                TypeDefKind::Struct(s) => {
                    self.out.line("if (typeof x !== \"object\" || x === null || Array.isArray(x) || x instanceof Uint8Array) return false;");
                    self.out.line("const o = x as { [key: string]: unknown };");
                    for f in &s.fields {
                        let value = if OBJECT_PROTOTYPE_NAMES.contains(&f.name.as_str()) {
                            format!("(Object.prototype.hasOwnProperty.call(o, {0}) ? o[{0}] : undefined)", q(&f.name))
                        } else {
                            format!("o[{}]", q(&f.name))
                        };
                        let test = self.fits(&f.ty, "v", 1);
                        let absent = if f.required && f.default.is_none() { "false" } else { "true" };
                        let null = if f.nullable { " || v === null" } else { "" };
                        self.out.line(&format!(
                            "{{ const v = {value}; if (v === undefined ? !{absent} : !(({test}){null})) return false; }}"
                        ));
                    }
                    let names: Vec<String> = s.fields.iter().map(|f| f.name.clone()).collect();
                    let known = known_fn(&names);
                    self.out.line(&format!(
                        "return Object.keys(o).every((n: string) => o[n] === undefined || ({known})(n));"
                    ));
                }
                TypeDefKind::Enum(e) => {
                    let kind = match e.repr {
                        EnumRepr::String => "string",
                        EnumRepr::Int(it) if !is_big_int(it) => "number",
                        _ => "bigint",
                    };
                    let values: Vec<String> = e
                        .variants
                        .iter()
                        .map(|v| match &v.value {
                            TagValue::Int(i) if kind == "bigint" => format!("{i}n"),
                            other => tag_literal(other),
                        })
                        .collect();
                    if e.open || e.flags {
                        self.out.line(&format!("return typeof x === {};", q(kind)));
                    } else {
                        self.out.line(&format!(
                            "return typeof x === {} && ([{}] as unknown[]).includes(x);",
                            q(kind),
                            values.join(", ")
                        ));
                    }
                }
                TypeDefKind::Union(Union::Tagged { field, variants, open, .. }) => {
                    self.out.line("if (typeof x !== \"object\" || x === null || Array.isArray(x) || x instanceof Uint8Array) return false;");
                    if *open {
                        self.out.line("return true;");
                    } else {
                        let tags: Vec<String> = variants
                            .iter()
                            .filter_map(|v| match &schema.ty(*v).kind {
                                TypeDefKind::Struct(s) => Some(tag_literal(&s.tag)),
                                _ => None,
                            })
                            .collect();
                        self.out.line(&format!(
                            "return ([{}] as unknown[]).includes((x as {{ [key: string]: unknown }})[{}]);",
                            tags.join(", "),
                            q(field)
                        ));
                    }
                }
                TypeDefKind::Union(Union::Untagged(u)) => {
                    let parts: Vec<String> = u.variants.iter().map(|t| self.fits(t, "x", 1)).collect();
                    let test = if parts.iter().any(|p| p == "true") { "true".to_string() } else { parts.join(" || ") };
                    self.out.line(&format!("return {test};"));
                }
            }
            self.out.close("}");
        }
    }

    /// The body of a writer of an untagged value `x`: the first variant whose JavaScript
    /// type the value has (objects of several variants told apart by their signatures);
    /// for an ordered union, the first variant the value fits (`fits`), as the reader
    /// chose it. Where a variant has checks the value's type does not settle
    /// (`unsettled`), the text written as a variant is read again by the reader's own
    /// decoder (the variant's in an ordered union, the union's otherwise), and the first
    /// one it accepts is written; none: `$refused` (another variant the ordered reader
    /// takes the text as, or a throw). `decoder` is the union's own, by type (None for an
    /// inline union); `what` names it in that throw.
    fn untagged_writer_body(&mut self, u: &'s Untagged, decoder: Option<TypeId>, what: &str) {
        self.out.line("const y = x as unknown;");
        let checked = u.variants.iter().any(|t| self.unsettled(t, &mut HashSet::new()));
        let union = if !checked {
            String::new()
        } else {
            self.out.line("const t = new $Tries();");
            self.out.line("let w: string | undefined;");
            match decoder {
                Some(id) => format!("$d_{}", id.0),
                None => self.inline_union(u),
            }
        };
        for (i, t) in u.variants.iter().enumerate() {
            let mut test = if u.ordered { self.fits(t, "y", 1) } else { self.is_value_of(t, "y") };
            if let Some((_, sig)) = u.signatures.iter().find(|(j, _)| *j == i) {
                let keys = u.keys.iter().map(|k| q(k)).collect::<Vec<_>>().join(", ");
                let sig = sig.iter().map(|k| q(k)).collect::<Vec<_>>().join(", ");
                test = format!("{test} && $signature(y, [{sig}], [{keys}])");
            }
            let ty = self.ts_type(t);
            let w = self.write(t, &format!("(y as {ty})"), 1);
            if !checked {
                self.out.line(&format!("if ({test}) return {w};"));
                continue;
            }
            let check = if u.ordered { self.variant_checker(t) } else { union.clone() };
            self.out.line(&format!("if ({test} && (w = $variant(t, () => {w}, {check})) !== undefined) return w;"));
        }
        if !checked {
            self.out.line("return $wj(y as SockspecJson);");
            return;
        }
        let again = if u.ordered { union } else { "undefined".to_string() };
        self.out.line(&format!("return $refused(t, {again}, () => $wj(y as SockspecJson), {});", q(what)));
    }

    /// A decoder of one variant of an ordered union, as a closure (`$ordered` takes these).
    fn variant_checker(&mut self, t: &'s Type) -> String {
        let inner = self.check(t, "x", "q", None, 1);
        format!("({}: $J, {}: string, {}: $Ctx) => {inner}", param("x", &inner), param("q", &inner), param("c", &inner))
    }

    /// Whether a value of this type may break a check its TypeScript type does not settle,
    /// anywhere inside: a constraint, the range of an `f32`, a string format (uuid, date,
    /// date-time), a closed set of flags. Untagged unions with none of them are written by
    /// the value's type alone, with no check.
    fn unsettled(&self, ty: &Type, seen: &mut HashSet<TypeId>) -> bool {
        if !ty.constraints.is_empty() {
            return true;
        }
        match &ty.kind {
            TypeKind::Float(f) => *f == FloatType::F32,
            TypeKind::Uuid | TypeKind::Date | TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local) => true,
            TypeKind::List(t) | TypeKind::Map(t) | TypeKind::Nullable(t) => self.unsettled(t, seen),
            TypeKind::Tuple(ts) => ts.iter().any(|t| self.unsettled(t, seen)),
            TypeKind::OneOf(u) => u.variants.iter().any(|t| self.unsettled(t, seen)),
            TypeKind::Named(id) => {
                if !seen.insert(*id) {
                    return false;
                }
                match &self.schema.ty(*id).kind {
                    TypeDefKind::Alias(t) => self.unsettled(t, seen),
                    TypeDefKind::Struct(s) => s.fields.iter().any(|f| self.unsettled(&f.ty, seen)),
                    TypeDefKind::Enum(e) => e.flags && !e.open,
                    TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().any(|t| self.unsettled(t, seen)),
                    TypeDefKind::Union(Union::Tagged { variants, base, .. }) => {
                        variants.iter().chain(base.iter()).any(|v| {
                            self.unsettled(
                                &Type { kind: TypeKind::Named(*v), constraints: Constraints::default() },
                                seen,
                            )
                        })
                    }
                }
            }
            _ => false,
        }
    }

    /// Writers of the inline unions met while writing the others.
    fn write_inline_unions(&mut self) {
        let mut done = 0;
        while done < self.write_unions.len() {
            let (name, u) = self.write_unions[done].clone();
            done += 1;
            let t = match &u.name {
                Some(n) => self.anonymous_ident(n),
                None => self.untagged_type(u),
            };
            self.out.blank();
            self.out.open(&format!("function $wu_{name}(x: {t}): string {{"));
            let what = if u.name.is_some() { t.clone() } else { "an inline union".to_string() };
            self.untagged_writer_body(u, None, &what);
            self.out.close("}");
        }
    }

    fn writers(&mut self) {
        let schema = self.schema;
        for (i, def) in schema.types.iter().enumerate() {
            let ident = self.type_ident(TypeId(i as u32));
            self.out.blank();
            self.out.open(&format!("function $w_{i}(x: {ident}): string {{"));
            match &def.kind {
                TypeDefKind::Alias(t) => {
                    let w = self.write(t, "x", 1);
                    self.out.line(&format!("return {w};"));
                }
                TypeDefKind::Struct(s) => {
                    let parts = self.write_fields(&s.fields, "x");
                    self.out.line(&format!("return $wo([{}]);", parts.join(", ")));
                }
                TypeDefKind::Enum(e) => match e.repr {
                    EnumRepr::String => self.out.line("return $ws(x);"),
                    EnumRepr::Int(it) if it.encoding == IntEncoding::String => self.out.line("return $ws(String(x));"),
                    _ => self.out.line("return $wn(x);"),
                },
                TypeDefKind::Union(Union::Tagged { field, variants, base, .. }) => {
                    self.out.line(&format!("const t = (x as unknown as {{ [key: string]: unknown }})[{}];", q(field)));
                    let base_fields: &'s [Field] = match base.map(|b| &schema.ty(b).kind) {
                        Some(TypeDefKind::Struct(b)) => &b.fields,
                        _ => &[],
                    };
                    for v in variants {
                        if let TypeDefKind::Struct(s) = &schema.ty(*v).kind {
                            let vi = self.type_ident(*v);
                            let lit = tag_literal(&s.tag);
                            self.out.open(&format!("if (t === {lit}) {{"));
                            if !s.fields.is_empty() {
                                self.out.line(&format!("const y = x as unknown as {vi};"));
                            }
                            let mut parts = vec![format!("{} + \":\" + $ws(String(t))", q(&q(field)))];
                            if !matches!(s.tag, TagValue::Str(_)) {
                                // The tag's JSON text: an integer without the `n` of a bigint literal.
                                let text = match &s.tag {
                                    TagValue::Int(i) => i.to_string(),
                                    other => tag_literal(other),
                                };
                                parts[0] = format!("{} + \":\" + {}", q(&q(field)), q(&text));
                            }
                            if base.is_some() && !base_fields.is_empty() {
                                let bi = self.type_ident(base.expect("checked"));
                                self.out.line(&format!("const b = x as unknown as {bi};"));
                                parts.extend(self.write_fields(base_fields, "b"));
                            }
                            parts.extend(self.write_fields(&s.fields, "y"));
                            self.out.line(&format!("return $wo([{}]);", parts.join(", ")));
                            self.out.close("}");
                        }
                    }
                    self.out.line("return $wj(x as unknown as SockspecJson);");
                }
                TypeDefKind::Union(Union::Untagged(u)) => {
                    let what = def.name.clone();
                    self.untagged_writer_body(u, Some(TypeId(i as u32)), &what)
                }
            }
            self.out.close("}");
        }
        for dir in Direction::BOTH {
            let union = union_name(dir);
            self.out.blank();
            self.out.doc(
                &[
                    format!("Writes a frame the {} sends as JSON text: absent members left out or", dir.as_str()),
                    "written `null` as the schema says, 64-bit integers exact, bytes as base64.".to_string(),
                ],
                None,
            );
            self.out.open(&format!("export function serialize{}(m: {union}): string {{", union));
            if schema.messages_from(dir).next().is_none() && self.extra_kinds(dir).is_empty() {
                self.out.line(&format!("return $bad(`the {} sends no message: ${{String(m)}}`);", dir.as_str()));
                self.out.close("}");
                continue;
            }
            self.out.open("switch (m.name) {");
            for (_, msg) in schema.messages_from(dir) {
                let side = Self::side_of(msg);
                self.out.open(&format!("case {}: {{", q(&msg.name)));
                let mut parts: Vec<String> = Vec::new();
                if let Style::JsonRpc { version_member: true, .. } = schema.protocol.style {
                    parts.push("'\"jsonrpc\":\"2.0\"'".to_string());
                }
                if let Discriminator::Tag(values) = &msg.discriminator {
                    let fields = self.tag_fields(side);
                    for (field, value) in fields.iter().zip(values) {
                        let json = match value {
                            TagValue::Str(s) => q(s),
                            TagValue::Int(i) => i.to_string(),
                            TagValue::Bool(b) => b.to_string(),
                            TagValue::Null => "null".to_string(),
                        };
                        parts.push(q(&format!("{}:{json}", q(field))));
                    }
                }
                let id_field = &schema.protocol.id.field;
                let flat: &'s [Field] = match (&msg.content, &msg.payload) {
                    (None, Payload::Fields(f)) => f,
                    _ => &[],
                };
                let envelope: &'s [Field] = msg.envelope_fields.get(side);
                let declared = flat.iter().chain(envelope).any(|f| &f.name == id_field);
                let rpc = matches!(schema.protocol.style, Style::JsonRpc { .. });
                if !declared
                    && (matches!(msg.id, IdPresence::Required | IdPresence::Optional) || (rpc && msg.request.is_some()))
                {
                    let value = access("f", &prop_name(id_field));
                    let w = self.write(&schema.protocol.id.ty, &value, 1);
                    if msg.id == IdPresence::Optional && !(rpc && msg.request.is_some()) {
                        // An id that may be absent or null has no value when it is either, as
                        // the Rust and Python writers hold it (one `None`): it is left out.
                        parts.push(format!(
                            "({value} === undefined || {value} === null) ? undefined : {} + \":\" + {w}",
                            q(&q(id_field))
                        ));
                    } else {
                        parts.push(format!(
                            "{value} === undefined ? undefined : {} + \":\" + ({value} === null ? \"null\" : {w})",
                            q(&q(id_field))
                        ));
                    }
                }
                parts.extend(self.write_fields(envelope, "f"));
                match &msg.content {
                    None => parts.extend(self.write_fields(flat, "f")),
                    Some(key) => {
                        let value = access("f", &prop_name(key));
                        let inner = match &msg.payload {
                            Payload::Fields(fields) => {
                                let t = self.inline_object(fields);
                                let members = self.write_fields(fields, "p").join(", ");
                                format!("((({}: {t}) => $wo([{members}]))({value}))", param("p", &members))
                            }
                            Payload::Value { ty, .. } => self.write(ty, &value, 1),
                        };
                        parts.push(format!("{value} === undefined ? undefined : {} + \":\" + {inner}", q(&q(key))));
                    }
                }
                let parts = parts.join(", ");
                if uses(&parts, "f") {
                    self.out.line("const f = m.frame;");
                }
                self.out.line(&format!("return $wo([{parts}]);"));
                self.out.close("}");
            }
            for extra in self.extra_kinds(dir) {
                self.out.line(&format!("case {}: return $wj(m.frame);", q(extra)));
            }
            self.out.close("}");
            self.out.close("}");
        }
    }

    fn module(&mut self) -> String {
        let schema = self.schema;
        let mut docs = schema.protocol.meta.docs.clone();
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(format!(
            "The `{}` protocol{}: its types, validating parsers and serialisers.",
            schema.protocol.name,
            schema.protocol.version.as_ref().map(|v| format!(" {v}")).unwrap_or_default()
        ));
        docs.push("@module".to_string());
        self.out.doc(&docs, None);
        self.out.blank();
        self.out.text.push_str(RUNTIME);
        self.out.blank();
        self.out.line("// ---------------------------------------------------------------------------------------");
        self.out.line("// The protocol's types");
        self.types();
        self.messages();
        self.out.blank();
        self.out.line("// ---------------------------------------------------------------------------------------");
        self.out.line("// Parsers");
        // Decoders are written to a writer of their own, so the constraint constants they
        // use can go before them.
        let before = std::mem::take(&mut self.out);
        self.decoders();
        let mut fast = fast::Fast::default();
        self.parsers(&mut fast);
        self.fast_pending(&mut fast);
        self.inline_unions();
        let decoders = std::mem::take(&mut self.out);
        // Writers before the constants too: a writer that reads back what it wrote (an
        // untagged union with constraints) uses decoders, and may meet new ones.
        self.out.blank();
        self.out.line("// ---------------------------------------------------------------------------------------");
        self.out.line("// Serialisers");
        self.writers();
        self.write_inline_unions();
        self.write_fit_functions();
        self.inline_unions();
        let writers = std::mem::replace(&mut self.out, before);
        self.out.blank();
        let cons: Vec<(String, String)> = self.cons.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        let mut cons = cons;
        cons.sort_by_key(|(name, _)| name[2..].parse::<usize>().unwrap_or(0));
        for (name, body) in cons {
            self.out.line(&format!("const {name}: $Cons = {body};"));
        }
        self.out.text.push_str(&decoders.text);
        self.out.text.push_str(&writers.text);
        leave_nothing_unused(&std::mem::take(&mut self.out.text))
    }
}

fn node_open(n: &TagNode) -> bool {
    n.open
        || n.entries.iter().any(|(_, t)| match t {
            TagTarget::Next(next) => node_open(next),
            TagTarget::Message(_) => false,
        })
}

/// A frame that answers a request: its name in the direction union, and the typed result
/// it carries (the member that holds it, its type, and whether the member may be absent).
struct AnswerFrame<'s> {
    name: String,
    typed: Option<(&'s str, &'s Type, bool)>,
}

/// `Client` or `Server`.
fn title(dir: Direction) -> &'static str {
    match dir {
        Direction::Client => "Client",
        Direction::Server => "Server",
    }
}

fn strip_nullable(ty: &Type) -> &Type {
    match &ty.kind {
        TypeKind::Nullable(inner) => strip_nullable(inner),
        _ => ty,
    }
}

fn union_name(dir: Direction) -> String {
    match dir {
        Direction::Client => "ClientMessage".to_string(),
        Direction::Server => "ServerMessage".to_string(),
    }
}

/// A predicate over member names, as TypeScript.
fn known_fn(names: &[String]) -> String {
    if names.is_empty() {
        return "(_n: string) => false".to_string();
    }
    let cases: Vec<String> = names.iter().map(|n| format!("n === {}", q(n))).collect();
    format!("(n: string) => {}", cases.join(" || "))
}

/// Every inline union of the schema, in order of appearance.
fn collect_inline_unions<'s>(schema: &'s Schema, out: &mut Vec<&'s Untagged>) {
    let walk = walk_unions;
    let fields = |fs: &'s [Field], out: &mut Vec<&'s Untagged>| fs.iter().for_each(|f| walk(&f.ty, out));
    walk(&schema.protocol.id.ty, out);
    fields(&schema.protocol.envelope, out);
    for def in &schema.types {
        match &def.kind {
            TypeDefKind::Struct(s) => fields(&s.fields, out),
            TypeDefKind::Alias(t) => walk(t, out),
            TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(|t| walk(t, out)),
            _ => {}
        }
    }
    for m in &schema.messages {
        match &m.payload {
            Payload::Fields(fs) => fields(fs, out),
            Payload::Value { ty, .. } => walk(ty, out),
        }
        for d in Direction::BOTH {
            fields(m.envelope_fields.get(d), out);
        }
        for r in m.request.iter().flat_map(|r| &r.replies) {
            if let Reply::Result(ty) | Reply::Typed { result: ty, .. } = r {
                walk(ty, out);
            }
        }
    }
}

/// Every inline union in a type, in order of appearance.
fn walk_unions<'s>(ty: &'s Type, out: &mut Vec<&'s Untagged>) {
    match &ty.kind {
        TypeKind::List(t) | TypeKind::Map(t) | TypeKind::Nullable(t) => walk_unions(t, out),
        TypeKind::Tuple(ts) => ts.iter().for_each(|t| walk_unions(t, out)),
        TypeKind::OneOf(u) => {
            out.push(u);
            u.variants.iter().for_each(|t| walk_unions(t, out));
        }
        _ => {}
    }
}

/// Whether `name` occurs in `text` as an identifier (not inside a longer one).
fn uses(text: &str, name: &str) -> bool {
    count_uses(text, name) > 0
}

/// How often `name` occurs in `text` as a whole identifier, outside string literals: a
/// member name in a literal (`o["c"] = v2;`) is no use of a parameter `c`.
fn count_uses(text: &str, name: &str) -> usize {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let text = &blank_strings(text);
    text.match_indices(name)
        .filter(|(i, _)| {
            !text[..*i].chars().next_back().is_some_and(ident)
                && !text[i + name.len()..].chars().next().is_some_and(ident)
        })
        .count()
}

/// `text` with the contents of its double-quoted string literals replaced by spaces (so
/// byte offsets stay), line by line; a quote with no closing quote on its line starts no
/// literal. Generated code writes every literal as JSON, so `\\` and `\"` are its only
/// escapes of a quote or a backslash.
fn blank_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut rest = line;
        while let Some(open) = rest.find('"') {
            let body = &rest[open + 1..];
            let mut escaped = false;
            let close = body.char_indices().find(|&(_, c)| {
                let end = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                end
            });
            let Some((close, _)) = close else { break };
            out.push_str(&rest[..=open]);
            out.extend(std::iter::repeat_n(' ', body[..close].len()));
            out.push('"');
            rest = &body[close + 1..];
        }
        out.push_str(rest);
    }
    out
}

/// A closure's parameter: `_`-prefixed where `body` does not use it (`noUnusedParameters`).
fn param(name: &str, body: &str) -> String {
    if uses(body, name) { name.to_string() } else { format!("_{name}") }
}

/// The parameter names of a function header line (`function f(a: T, b?: U): R {`).
fn header_params(line: &str) -> Vec<String> {
    let Some(start) = line.find('(') else { return Vec::new() };
    let mut depth = 0i32;
    let mut names = Vec::new();
    let mut current = String::new();
    for c in line[start + 1..].chars() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' if depth == 0 => break,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                names.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    names.push(current);
    names
        .iter()
        .filter_map(|p| {
            let n: String =
                p.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$').collect();
            (!n.is_empty()).then_some(n)
        })
        .collect()
}

/// Makes the module pass `tsc --noUnusedLocals --noUnusedParameters`: in each generated
/// top-level function, a parameter its body does not use gets a `_` prefix and a local
/// that nothing reads is left out; then one statement at the end references every
/// top-level declaration of the runtime and the module that nothing else does (the
/// runtime's text stays the same in every module).
fn leave_nothing_unused(text: &str) -> String {
    let runtime_end = text.find(RUNTIME).map_or(0, |i| i + RUNTIME.len());
    let mut out = String::with_capacity(text.len() + 1024);
    out.push_str(&text[..runtime_end]);
    let lines: Vec<&str> = text[runtime_end..].split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let header =
            (line.starts_with("function ") || line.starts_with("export function ")) && line.trim_end().ends_with('{');
        if !header {
            out.push_str(line);
            i += 1;
            continue;
        }
        let end = (i + 1..lines.len()).find(|j| lines[*j].trim_end() == "}").unwrap_or(lines.len() - 1);
        let mut body: Vec<&str> = lines[i + 1..=end].to_vec();
        // Locals nothing reads: `const NAME` / `let NAME` lines whose name occurs once.
        loop {
            let joined: String = body.concat();
            let unused = body.iter().position(|l| {
                let t = l.trim_start();
                let rest = t.strip_prefix("const ").or_else(|| t.strip_prefix("let "));
                rest.is_some_and(|r| {
                    let n: String = r.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    !n.is_empty() && count_uses(&joined, &n) == 1 && !l.contains('(')
                })
            });
            match unused {
                Some(k) => {
                    body.remove(k);
                }
                None => break,
            }
        }
        let joined: String = body.concat();
        let mut head = line.to_string();
        for name in header_params(line) {
            if !uses(&joined, &name) {
                let open = head.find('(').unwrap_or(0);
                for sep in [":", "?:"] {
                    let from = format!("{name}{sep}");
                    if let Some(at) = head[open..].find(&from).map(|a| a + open)
                        && !head[..at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        head.replace_range(at..at, "_");
                        break;
                    }
                }
            }
        }
        out.push_str(&head);
        out.push_str(&joined);
        i = end + 1;
    }
    // Top-level declarations that nothing references.
    let code: String = out
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with('*') || t.starts_with("/*"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut unused = Vec::new();
    let code_lines: Vec<&str> = code.lines().collect();
    for (i, l) in code_lines.iter().enumerate() {
        let Some(rest) =
            l.strip_prefix("function ").or_else(|| l.strip_prefix("const ")).or_else(|| l.strip_prefix("class "))
        else {
            continue;
        };
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$').collect();
        // A function that calls itself is not used by that: its own lines do not count.
        let end = if l.trim_end().ends_with('{') && !l.starts_with("const ") {
            (i + 1..code_lines.len()).find(|j| code_lines[*j] == "}").unwrap_or(i)
        } else {
            i
        };
        let own = code_lines[i..=end].iter().map(|l| count_uses(l, &name)).sum::<usize>();
        if !name.is_empty() && count_uses(&code, &name) == own && !unused.contains(&name) {
            unused.push(name);
        }
    }
    if !unused.is_empty() {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str("// What this protocol does not use of the runtime and the module's own decoders and\n");
        out.push_str("// writers, referenced once so that `tsc --noUnusedLocals` passes.\n");
        out.push_str(&format!("void [{}];\n", unused.join(", ")));
    }
    out
}
