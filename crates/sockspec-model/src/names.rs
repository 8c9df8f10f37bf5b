//! Identifiers for every target, decided once: case conversion and keyword escaping per
//! target language, the collisions they cause, each item's wire identity, and the names of
//! types the schema writes without one. docs/names.md states these rules for users.

use std::collections::{HashMap, HashSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use serde::{Deserialize, Serialize};
use sockspec_syntax::{Diagnostic, Span};

use crate::model::*;

/// One item's identifier in each target language, ready to print: escaped, never a keyword
/// or a name the generated code relies on. Wire names are kept apart, in the model's
/// `name` members.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Idents {
    pub rust: String,
    pub python: String,
    pub typescript: String,
}

/// What an item is on the wire, independent of where it is declared: how `diff` pairs an
/// item of one version of a schema with the same item of another. Identities are unique
/// among siblings (types among types, a struct's fields, an enum's variants).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Identity {
    /// A struct, enum, union or alias: its name (types have no wire name of their own).
    Type { name: String },
    /// A message: who sends it and its tag values, or, for a message with no tag, the keys
    /// that tell it apart.
    Message {
        sender: Sender,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<TagValue>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        keys: Vec<String>,
    },
    /// A member of an object: its wire name.
    Field { name: String },
    /// An enum variant: its wire value.
    Variant { value: TagValue },
}

/// A type the schema writes without a name, and the name every output gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnonymousType {
    /// PascalCase, unique among declared and anonymous names in every target.
    pub name: String,
    pub ident: Idents,
    pub site: AnonymousSite,
}

/// Where an anonymous type stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum AnonymousSite {
    /// An inline union (`a: string | i64`) anywhere a type is written; the union carries
    /// this name in [`Untagged::name`].
    Union,
    /// The one value of a message's payload (`message Heartbeat = u64 | null`).
    Payload(MessageId),
    /// The result type of a JSON-RPC style request (`-> InitializeResult | null`).
    Result(MessageId),
    /// The protocol's id type, when some message carries the id.
    IdType,
}

impl Schema {
    fn anonymous_at(&self, site: &AnonymousSite) -> Option<&AnonymousType> {
        self.anonymous.iter().find(|a| a.site == *site)
    }

    /// The name of a single-value payload's type (`HeartbeatPayload`); `None` when the
    /// payload is a declared type (or a declared type `| null`), which is its name.
    pub fn payload_name(&self, id: MessageId) -> Option<&AnonymousType> {
        self.anonymous_at(&AnonymousSite::Payload(id))
    }

    /// The name of a JSON-RPC request's result type (`HoverResult`); `None` when the
    /// result is a declared type (or a declared type `| null`).
    pub fn result_name(&self, id: MessageId) -> Option<&AnonymousType> {
        self.anonymous_at(&AnonymousSite::Result(id))
    }

    /// The name of the id type (`RequestId`), when some message carries the id and the id
    /// type is not a declared type.
    pub fn id_type_name(&self) -> Option<&AnonymousType> {
        self.anonymous_at(&AnonymousSite::IdType)
    }
}

// ---------------------------------------------------------------------------------------
// The rules per target

/// Rust keywords of every edition (strict, reserved and the weak `union`).
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not valid Rust).
const RUST_NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names of Rust's prelude and of what generated Rust code names unqualified: a type
/// declared with one of these names would shadow it.
#[rustfmt::skip]
const RUST_PRELUDE: &[&str] = &[
    "Self", "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "ToString", "ToOwned", "Clone",
    "Copy", "Send", "Sync", "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "Default", "Eq", "PartialEq", "Ord",
    "PartialOrd", "Iterator", "IntoIterator", "Extend", "From", "Into", "AsRef", "AsMut", "TryFrom", "TryInto",
    "FromIterator", "Serialize", "Deserialize", "Serializer", "Deserializer",
    // The generated module's own enums of each side's frames.
    "ClientMessage", "ServerMessage",
    // The variant generated Rust adds to an open union and to the frames of an open side
    // for what the schema does not know: a struct or message of that name would be one of
    // their variants too.
    "Unknown",
];

/// Variants generated Rust adds to the frames of a side in the JSON-RPC style, for result
/// and error frames: a message of that name would be one of their variants too.
const RUST_RPC_FRAMES: &[&str] = &["RpcResult", "RpcError"];

/// Python keywords. The soft keywords (`type`, `match`, `case`, `_`) are valid names, and
/// `type: str` is how hand-written pydantic models spell a tag field, so they stay.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names a generated Python module uses unqualified (typing, pydantic, enum, builtins, and
/// the module's own API: its error types, the union of each side's frames, the frames that
/// are no message, the answer to a request, the class of datetimes finer than a
/// microsecond): a class with one of these names would shadow it.
#[rustfmt::skip]
const PYTHON_MODULE_NAMES: &[&str] = &[
    "Annotated", "Answer", "Any", "AssertionError", "BaseModel", "ClientMessage", "ConfigDict", "Enum", "ErrorFrame",
    "Exception", "Field", "FrameError", "IntEnum", "IntFlag", "InvalidFrame", "List", "Literal", "Optional",
    "OverflowError", "PreciseDateTime", "RecursionError", "ResultFrame", "RootModel", "ServerMessage", "StrEnum",
    "TypeAdapter", "TypeError", "UnicodeEncodeError", "UnicodeError", "UnknownFrame", "Union", "ValueError",
];

/// Field names a pydantic model cannot use as they are: builtins that annotations in the
/// class body name (a field `str` would shadow `str` for the fields after it) and the
/// attributes of `BaseModel` (its `model_*` namespace is handled apart).
#[rustfmt::skip]
const PYTHON_FIELD_RESERVED: &[&str] = &[
    "bool", "bytes", "construct", "copy", "dict", "float", "from_orm", "int", "json", "list", "object",
    "parse_file", "parse_obj", "parse_raw", "schema", "schema_json", "set", "str", "tuple", "update_forward_refs",
    "validate",
];

/// TypeScript reserved words, strict-mode reserved words and type keywords.
#[rustfmt::skip]
const TS_RESERVED: &[&str] = &[
    "any", "bigint", "boolean", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "implements",
    "import", "in", "instanceof", "interface", "let", "never", "new", "null", "number", "object", "package",
    "private", "protected", "public", "return", "static", "string", "super", "switch", "symbol", "this", "throw",
    "true", "try", "typeof", "undefined", "unknown", "var", "void", "while", "with", "yield",
];

/// Global names generated TypeScript uses in types and validators, and the generated
/// module's own types of each side's frames: a type with one of these names would shadow
/// it. (`Error` is not here: generated code writes `globalThis.Error`, since `Error` is a
/// common message name.)
#[rustfmt::skip]
const TS_GLOBALS: &[&str] = &[
    "Array", "BigInt", "Boolean", "Date", "Extract", "Infinity", "Int16Array", "JSON", "Map", "Math", "NaN", "Number", "Object",
    "Partial", "Promise", "RangeError", "Readonly", "ReadonlyMap", "Record", "RegExp", "Set", "String", "Symbol",
    "TextDecoder", "TextEncoder", "TypeError", "Uint8Array", "ClientMessage", "ServerMessage",
    // The generated module's types of each side's answers to the other side's requests.
    "ClientAnswers", "ServerAnswers", "ClientRequestResults", "ServerRequestResults",
    // The runtime's own exported types.
    "SockspecAnswer", "SockspecError", "SockspecErrorCode", "SockspecIssue", "SockspecJson", "SockspecResult",
];

/// What an identifier names: the case and the escaping rules follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentKind {
    /// Types and messages (module-level declarations).
    Type,
    /// Members of structs, messages and the envelope.
    Field,
    /// Enum variants.
    Variant,
}

/// The identifiers of one item in every target, from its name in the schema (for a field,
/// its wire name, which may be any string).
pub fn idents(kind: IdentKind, name: &str) -> Idents {
    match kind {
        IdentKind::Type => {
            let base = pascal(name, "T");
            Idents {
                rust: escape_with_underscore(&base, |n| RUST_KEYWORDS.contains(&n) || RUST_PRELUDE.contains(&n)),
                python: escape_with_underscore(&base, |n| {
                    PYTHON_KEYWORDS.contains(&n) || PYTHON_MODULE_NAMES.contains(&n)
                }),
                typescript: escape_with_underscore(&base, |n| TS_RESERVED.contains(&n) || TS_GLOBALS.contains(&n)),
            }
        }
        IdentKind::Variant => {
            let base = pascal(name, "V");
            let shouty = match name.to_shouty_snake_case() {
                s if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) => format!("V_{s}"),
                s => s,
            };
            Idents {
                rust: escape_with_underscore(&base, |n| RUST_KEYWORDS.contains(&n)),
                python: shouty,
                typescript: escape_with_underscore(&base, |n| TS_RESERVED.contains(&n)),
            }
        }
        IdentKind::Field => {
            let snake = match name.to_snake_case() {
                s if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) => format!("field_{s}"),
                s => s,
            };
            let rust = if RUST_NOT_RAW.contains(&snake.as_str()) {
                format!("{snake}_")
            } else if RUST_KEYWORDS.contains(&snake.as_str()) {
                format!("r#{snake}")
            } else {
                snake.clone()
            };
            let python = if snake.starts_with("model_") {
                // pydantic reserves the `model_` namespace for its own methods.
                format!("field_{snake}")
            } else {
                escape_with_underscore(&snake, |n| PYTHON_KEYWORDS.contains(&n) || PYTHON_FIELD_RESERVED.contains(&n))
            };
            Idents { rust, python, typescript: ts_property(name) }
        }
    }
}

/// PascalCase, never empty and never starting with a digit.
fn pascal(name: &str, prefix: &str) -> String {
    let p = name.to_upper_camel_case();
    if p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()) { format!("{prefix}{p}") } else { p }
}

/// `name_` while `name` is reserved (so `type_` stays distinct from a reserved `type`).
fn escape_with_underscore(name: &str, reserved: impl Fn(&str) -> bool) -> String {
    let mut out = name.to_string();
    while reserved(&out) {
        out.push('_');
    }
    out
}

/// A TypeScript property key for a wire name: as it is when it is an identifier name, else
/// a JSON string literal; `__proto__` as the computed key `["__proto__"]`, since a literal
/// one would set the object's prototype.
fn ts_property(wire: &str) -> String {
    let quoted = serde_json::to_string(wire).expect("a string serializes");
    if wire == "__proto__" {
        return format!("[{quoted}]");
    }
    let mut chars = wire.chars();
    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident { wire.to_string() } else { quoted }
}

// ---------------------------------------------------------------------------------------
// The pass

/// Gives every type, message, field and variant its identifiers and identity, reports two
/// names that become one identifier, and names the anonymous types.
pub(crate) fn assign(schema: &mut Schema, diagnostics: &mut Vec<Diagnostic>) {
    let mut top: Vec<(String, Idents, Span)> = Vec::new();
    for def in &mut schema.types {
        let ident = idents(IdentKind::Type, def.meta.ident_name.as_deref().unwrap_or(&def.name));
        def.meta.identity = Some(Identity::Type { name: def.name.clone() });
        def.meta.ident = Some(ident.clone());
        top.push((def.name.clone(), ident, def.meta.span));
        match &mut def.kind {
            TypeDefKind::Struct(s) => member_idents(&mut s.fields, &format!("struct `{}`", def.name), diagnostics),
            TypeDefKind::Enum(e) => {
                let mut seen = Vec::new();
                // An open enum's Rust type keeps unknown values in a variant `Unknown(..)`.
                let open = e.open && !e.flags;
                for v in &mut e.variants {
                    let mut ident = idents(IdentKind::Variant, v.meta.ident_name.as_deref().unwrap_or(&v.name));
                    if open && ident.rust == "Unknown" {
                        ident.rust.push('_');
                    }
                    v.meta.identity = Some(Identity::Variant { value: v.value.clone() });
                    v.meta.ident = Some(ident.clone());
                    seen.push((v.name.clone(), ident, v.meta.span));
                }
                collisions(&seen, "S0210", &format!("enum `{}`", def.name), "variants", diagnostics);
                let variants: Vec<(&str, &Meta)> = e.variants.iter().map(|v| (v.name.as_str(), &v.meta)).collect();
                stale_renames(&variants, diagnostics);
            }
            TypeDefKind::Union(_) | TypeDefKind::Alias(_) => {}
        }
    }
    let rpc = matches!(schema.protocol.style, Style::JsonRpc { .. });
    for m in &mut schema.messages {
        let mut ident = idents(IdentKind::Type, m.meta.ident_name.as_deref().unwrap_or(&m.name));
        if rpc && RUST_RPC_FRAMES.contains(&ident.rust.as_str()) {
            ident.rust.push('_');
        }
        let (tags, keys) = match &m.discriminator {
            // In JSON-RPC a request and a notification may share a method: the id member,
            // which tells them apart on the wire, is part of a request's identity.
            Discriminator::Tag(values) if rpc && m.id == IdPresence::Required => {
                (values.clone(), vec![schema.protocol.id.field.clone()])
            }
            Discriminator::Tag(values) => (values.clone(), Vec::new()),
            Discriminator::Structural(keys) => (Vec::new(), keys.clone()),
            Discriminator::Key(key) => (Vec::new(), vec![key.clone()]),
            // One fallback per side: the sender alone names it.
            Discriminator::Fallback => (Vec::new(), Vec::new()),
        };
        m.meta.identity = Some(Identity::Message { sender: m.sender, tags, keys });
        m.meta.ident = Some(ident.clone());
        top.push((m.name.clone(), ident, m.meta.span));
        if let Payload::Fields(fields) = &mut m.payload {
            member_idents(fields, &format!("message `{}`", m.name), diagnostics);
        }
    }
    member_idents(&mut schema.protocol.envelope, "the envelope", diagnostics);
    collisions(&top, "S0211", "the schema", "declarations", diagnostics);
    let declared: Vec<(&str, &Meta)> = schema
        .types
        .iter()
        .map(|d| (d.name.as_str(), &d.meta))
        .chain(schema.messages.iter().map(|m| (m.name.as_str(), &m.meta)))
        .collect();
    stale_renames(&declared, diagnostics);
    anonymous(schema, top.into_iter().map(|(_, i, _)| i).collect());
}

fn member_idents(fields: &mut [Field], owner: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = Vec::new();
    for f in fields.iter_mut() {
        let ident = idents(IdentKind::Field, f.meta.ident_name.as_deref().unwrap_or(&f.name));
        f.meta.identity = Some(Identity::Field { name: f.name.clone() });
        f.meta.ident = Some(ident.clone());
        seen.push((f.name.clone(), ident, f.meta.span));
    }
    collisions(&seen, "S0210", owner, "fields", diagnostics);
    let named: Vec<(&str, &Meta)> = fields.iter().map(|f| (f.name.as_str(), &f.meta)).collect();
    stale_renames(&named, diagnostics);
}

/// `@renamed_from("x")` where `x` still names a sibling: no reader could tell which of
/// the two the old `x` became.
fn stale_renames(siblings: &[(&str, &Meta)], out: &mut Vec<Diagnostic>) {
    for (name, meta) in siblings {
        for old in &meta.renamed_from {
            let still = siblings.iter().find(|(other, _)| *other == old.as_str());
            let Some((_, other)) = still else { continue };
            let why = if old == name { "it is this item's own name" } else { "that name is still declared" };
            let mut diag = Diagnostic::error(
                "S0212",
                if old == name {
                    format!("`{name}` is renamed from its own name")
                } else {
                    format!("`{name}` is renamed from `{old}`, but `{old}` is still here")
                },
                meta.span,
                format!("`@renamed_from(\"{old}\")`: {why}"),
            )
            .with_note(
                "`@renamed_from` names what this item was called in an earlier version, so `diff` pairs the two",
            );
            if old != name {
                diag = diag.with_secondary(other.span, format!("`{old}` declared here"));
            }
            out.push(diag);
        }
    }
}

/// Reports each pair of names whose identifiers coincide in some target.
fn collisions(
    names: &[(String, Idents, Span)],
    code: &'static str,
    owner: &str,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    type Pick = fn(&Idents) -> &String;
    let targets: [(&str, Pick); 3] =
        [("Rust", |i| &i.rust), ("Python", |i| &i.python), ("TypeScript", |i| &i.typescript)];
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    for (target, pick) in targets {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (j, (_, ident, _)) in names.iter().enumerate() {
            let Some(&i) = first.get(pick(ident).as_str()) else {
                first.insert(pick(ident), j);
                continue;
            };
            // The same name twice is a duplicate declaration, reported as one already.
            if names[i].0 == names[j].0 || !reported.insert((i, j)) {
                continue;
            }
            // Group the targets where the two meet by the identifier they share there.
            let mut shared: Vec<(&str, Vec<&str>)> = Vec::new();
            for (t, p) in &targets {
                if p(&names[i].1) != p(&names[j].1) {
                    continue;
                }
                match shared.iter_mut().find(|(id, _)| *id == p(&names[i].1).as_str()) {
                    Some((_, ts)) => ts.push(t),
                    None => shared.push((p(&names[i].1).as_str(), vec![t])),
                }
            }
            let shared: Vec<String> = shared.iter().map(|(id, ts)| format!("`{id}` in {}", english_list(ts))).collect();
            out.push(
                Diagnostic::error(
                    code,
                    format!(
                        "the {what} `{}` and `{}` of {owner} become one identifier: {}",
                        names[i].0,
                        names[j].0,
                        shared.join(", ")
                    ),
                    names[j].2,
                    format!("also `{}` in {target}", pick(ident)),
                )
                .with_secondary(names[i].2, format!("`{}` in {target}", pick(&names[i].1)))
                .with_note("generated code names every item by converting its name to each language's case")
                .with_help(format!("give one of them another identifier: `@ident(\"{}_2\")`; its wire name stays", {
                    names[j].0.to_snake_case()
                })),
            );
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn english_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Names inline unions, single-value payloads, results and the id type: `{Owner}{Field}`
/// for a union in a field (`Item` per list level, `Value` per map level), `{Message}Payload`,
/// `{Request}Result`, `RequestId`; a number is appended while the name is taken.
fn anonymous(schema: &mut Schema, declared: Vec<Idents>) {
    let mut namer = Namer { taken: HashSet::new(), out: Vec::new() };
    for ident in declared {
        namer.take(&ident);
    }
    // The names of generated code's own types are taken too: `struct Client { message:
    // A | B }` names its union `ClientMessage2`, since inline unions keep their name as is.
    for generated in ["ClientMessage", "ServerMessage"] {
        namer.take(&Idents { rust: generated.into(), python: generated.into(), typescript: generated.into() });
    }
    let mut types = std::mem::take(&mut schema.types);
    for def in &mut types {
        match &mut def.kind {
            TypeDefKind::Struct(s) => fields_unions(&mut namer, &def.name, &mut s.fields),
            TypeDefKind::Alias(ty) => match &mut ty.kind {
                // The alias names its own union.
                TypeKind::OneOf(u) => {
                    u.name = Some(def.name.clone());
                    for v in &mut u.variants {
                        namer.unions(v, &def.name);
                    }
                }
                _ => namer.unions(ty, &def.name),
            },
            TypeDefKind::Union(Union::Untagged(u)) => {
                for v in &mut u.variants {
                    namer.unions(v, &def.name);
                }
            }
            TypeDefKind::Union(Union::Tagged { .. }) | TypeDefKind::Enum(_) => {}
        }
    }
    schema.types = types;
    fields_unions(&mut namer, "Envelope", &mut schema.protocol.envelope);
    let mut carries_id = false;
    for (i, m) in schema.messages.iter_mut().enumerate() {
        let id = MessageId(i as u32);
        carries_id |= m.id != IdPresence::None;
        match &mut m.payload {
            Payload::Fields(fields) => fields_unions(&mut namer, &m.name, fields),
            Payload::Value { ty, .. } => namer.root(ty, &format!("{}Payload", m.name), AnonymousSite::Payload(id)),
        }
        if let Some(req) = &mut m.request {
            for r in &mut req.replies {
                if let Reply::Result(ty) | Reply::Typed { result: ty, .. } = r {
                    namer.root(ty, &format!("{}Result", m.name), AnonymousSite::Result(id));
                }
            }
        }
    }
    if carries_id {
        namer.root(&mut schema.protocol.id.ty, "RequestId", AnonymousSite::IdType);
    }
    schema.anonymous = namer.out;
}

fn fields_unions(namer: &mut Namer, owner: &str, fields: &mut [Field]) {
    for f in fields {
        let base = format!("{}{}", owner.to_upper_camel_case(), pascal(&f.name, "Field"));
        namer.unions(&mut f.ty, &base);
    }
}

struct Namer {
    /// Every identifier in use, tagged with its target (0 Rust, 1 Python, 2 TypeScript).
    taken: HashSet<(u8, String)>,
    out: Vec<AnonymousType>,
}

impl Namer {
    fn take(&mut self, i: &Idents) {
        self.taken.insert((0, i.rust.clone()));
        self.taken.insert((1, i.python.clone()));
        self.taken.insert((2, i.typescript.clone()));
    }

    fn is_free(&self, i: &Idents) -> bool {
        ![(0, &i.rust), (1, &i.python), (2, &i.typescript)]
            .into_iter()
            .any(|(t, id)| self.taken.contains(&(t, id.clone())))
    }

    /// A free name from `base`: `base`, then `base2`, `base3`...
    fn claim(&mut self, base: &str, site: AnonymousSite) -> String {
        let mut n = 1;
        loop {
            let name = if n == 1 { base.to_string() } else { format!("{base}{n}") };
            let ident = idents(IdentKind::Type, &name);
            if self.is_free(&ident) {
                self.take(&ident);
                self.out.push(AnonymousType { name: name.clone(), ident, site });
                return name;
            }
            n += 1;
        }
    }

    /// Names the type at a root site, and the unions inside it. A declared type (or one
    /// or `null`) needs no other name: readers use the declared one.
    fn root(&mut self, ty: &mut Type, base: &str, site: AnonymousSite) {
        let inner = strip_nullable(ty);
        if matches!(inner.kind, TypeKind::Named(_)) {
            return;
        }
        let name = self.claim(base, site);
        if let TypeKind::OneOf(u) = &mut inner.kind {
            u.name = Some(name.clone());
            for v in &mut u.variants {
                self.unions(v, &name);
            }
        } else {
            self.unions(inner, &name);
        }
    }

    /// Names every inline union in a type.
    fn unions(&mut self, ty: &mut Type, base: &str) {
        match &mut ty.kind {
            TypeKind::OneOf(u) => {
                let name = self.claim(base, AnonymousSite::Union);
                u.name = Some(name.clone());
                for v in &mut u.variants {
                    self.unions(v, &name);
                }
            }
            TypeKind::Nullable(inner) => self.unions(inner, base),
            TypeKind::List(inner) => self.unions(inner, &format!("{base}Item")),
            TypeKind::Map(inner) => self.unions(inner, &format!("{base}Value")),
            _ => {}
        }
    }
}

fn strip_nullable(ty: &mut Type) -> &mut Type {
    match ty.kind {
        TypeKind::Nullable(ref mut inner) => strip_nullable(inner),
        _ => ty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(kind: IdentKind, name: &str) -> (String, String, String) {
        let i = idents(kind, name);
        (i.rust, i.python, i.typescript)
    }

    fn s(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn fields_follow_each_targets_case_and_escape_keywords() {
        assert_eq!(all(IdentKind::Field, "userId"), s("user_id", "user_id", "userId"));
        assert_eq!(all(IdentKind::Field, "type"), s("r#type", "type", "type"));
        assert_eq!(all(IdentKind::Field, "from"), s("from", "from_", "from"));
        assert_eq!(all(IdentKind::Field, "class"), s("class", "class_", "class"));
        assert_eq!(all(IdentKind::Field, "self"), s("self_", "self", "self"));
        assert_eq!(all(IdentKind::Field, "None"), s("none", "none", "None"));
        assert_eq!(all(IdentKind::Field, "str"), s("str", "str_", "str"));
        assert_eq!(all(IdentKind::Field, "json"), s("json", "json_", "json"));
        assert_eq!(all(IdentKind::Field, "model_config"), s("model_config", "field_model_config", "model_config"));
        assert_eq!(all(IdentKind::Field, "_id"), s("id", "id", "_id"));
        assert_eq!(all(IdentKind::Field, "content-type"), s("content_type", "content_type", "\"content-type\""));
        assert_eq!(all(IdentKind::Field, "$ref"), s("r#ref", "ref", "$ref"));
        assert_eq!(all(IdentKind::Field, "2fa"), s("field_2fa", "field_2fa", "\"2fa\""));
        assert_eq!(all(IdentKind::Field, ""), s("field_", "field_", "\"\""));
        assert_eq!(all(IdentKind::Field, "__proto__"), s("proto", "proto", "[\"__proto__\"]"));
    }

    #[test]
    fn types_avoid_keywords_and_prelude_names() {
        assert_eq!(all(IdentKind::Type, "user_profile"), s("UserProfile", "UserProfile", "UserProfile"));
        assert_eq!(all(IdentKind::Type, "String"), s("String_", "String", "String_"));
        assert_eq!(all(IdentKind::Type, "Self"), s("Self_", "Self", "Self"));
        assert_eq!(all(IdentKind::Type, "None"), s("None_", "None_", "None"));
        assert_eq!(all(IdentKind::Type, "Field"), s("Field", "Field_", "Field"));
        // The generated Python module's own API.
        assert_eq!(all(IdentKind::Type, "InvalidFrame"), s("InvalidFrame", "InvalidFrame_", "InvalidFrame"));
        assert_eq!(all(IdentKind::Type, "Answer"), s("Answer", "Answer_", "Answer"));
        assert_eq!(
            all(IdentKind::Type, "PreciseDateTime"),
            s("PreciseDateTime", "PreciseDateTime_", "PreciseDateTime")
        );
        assert_eq!(all(IdentKind::Type, "OverflowError"), s("OverflowError", "OverflowError_", "OverflowError"));
        assert_eq!(all(IdentKind::Type, "ClientMessage"), s("ClientMessage_", "ClientMessage_", "ClientMessage_"));
        assert_eq!(all(IdentKind::Type, "server_message"), s("ServerMessage_", "ServerMessage_", "ServerMessage_"));
        assert_eq!(all(IdentKind::Type, "Record"), s("Record", "Record", "Record_"));
        assert_eq!(all(IdentKind::Type, "Extract"), s("Extract", "Extract", "Extract_"));
        // The generated TypeScript module's answer types.
        assert_eq!(all(IdentKind::Type, "ServerAnswers"), s("ServerAnswers", "ServerAnswers", "ServerAnswers_"));
        assert_eq!(all(IdentKind::Type, "SockspecAnswer"), s("SockspecAnswer", "SockspecAnswer", "SockspecAnswer_"));
        assert_eq!(all(IdentKind::Type, "Error"), s("Error", "Error", "Error"));
        // The variant generated Rust adds to open unions and open message sets.
        assert_eq!(all(IdentKind::Type, "Unknown"), s("Unknown_", "Unknown", "Unknown"));
    }

    #[test]
    fn variants_are_pascal_in_rust_and_typescript_and_shouty_in_python() {
        assert_eq!(all(IdentKind::Variant, "push_to_talk"), s("PushToTalk", "PUSH_TO_TALK", "PushToTalk"));
        assert_eq!(all(IdentKind::Variant, "self"), s("Self_", "SELF", "Self"));
        assert_eq!(all(IdentKind::Variant, "_"), s("V", "V_", "V"));
    }

    fn assigned(text: &str) -> Schema {
        let (schema, diagnostics) = crate::lower::check(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        schema.expect("a schema")
    }

    #[test]
    fn names_of_the_variants_generated_rust_adds_are_escaped_where_they_are_added() {
        let schema = assigned(
            "protocol p { style = jsonrpc }\n@open enum Open { unknown, low }\nenum Closed { unknown }\n\
             @tag(\"a\") client message RpcError {}\n@tag(\"b\") server message RpcResult {}",
        );
        let variant = |ty: &str| {
            let def = schema.types.iter().find(|d| d.name == ty).expect("the enum");
            let TypeDefKind::Enum(e) = &def.kind else { panic!("an enum") };
            e.variants[0].meta.ident.clone().expect("assigned").rust
        };
        assert_eq!(variant("Open"), "Unknown_");
        assert_eq!(variant("Closed"), "Unknown");
        let message = |name: &str| {
            let m = schema.messages.iter().find(|m| m.name == name).expect("the message");
            m.meta.ident.clone().expect("assigned")
        };
        assert_eq!(message("RpcError").rust, "RpcError_");
        assert_eq!(message("RpcResult").rust, "RpcResult_");
        assert_eq!(message("RpcResult").python, "RpcResult");
        // Outside JSON-RPC no frame enum has those variants.
        let tagged = assigned("protocol p {}\nserver message RpcError {}");
        assert_eq!(tagged.messages[0].meta.ident.clone().expect("assigned").rust, "RpcError");
    }

    #[test]
    fn escapes_and_case_conversion_can_meet_and_are_then_reported() {
        // `from` escapes to `from_` in Python, and case conversion drops a trailing `_`, so
        // wire names `from` and `from_` share identifiers: the schema check reports it
        // (S0210) rather than merging the two fields.
        assert_eq!(idents(IdentKind::Field, "from").python, idents(IdentKind::Field, "from_").python);
        assert_eq!(idents(IdentKind::Field, "type").rust, idents(IdentKind::Field, "type_").rust);
        assert_ne!(idents(IdentKind::Field, "type").typescript, idents(IdentKind::Field, "type_").typescript);
    }
}
