//! Python (pydantic v2): one module per protocol with a model per struct and message, an
//! enum per enum, a union per direction, and `parse_*_message` / `serialize_*_message`
//! that enforce DESIGN §4 exactly (docs/python.md).
//!
//! The module has three parts. The runtime (`python/runtime.py`, the same text in every
//! module) is the strict JSON reader of docs/json.md and the checks of DESIGN §4, a Python
//! port of the dynamic validator that reads the module's tables; the declarations are the
//! pydantic classes a user imports; the tables are the resolved model (wire names, types,
//! dispatch) as JSON data, with each `@pattern` in its Python spelling. Parsing tries the
//! fast path first: a strict pydantic-core schema the runtime builds from the tables at
//! import, whose accepted set is inside DESIGN §4's, after cheap scans for what
//! pydantic-core's reader does not check. A frame it leaves takes the full check: read,
//! check (every error, with paths and codes), then build the typed value with
//! `model_construct` (pydantic's own validation, which differs from DESIGN §4, never runs
//! on a frame).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value as Json;
use sockspec_model::names::{IdentKind, idents};
use sockspec_model::value::Value;
use sockspec_model::{
    Direction, Discriminator, EnumRepr, Field, IdPresence, Message, Payload, Schema, Style, Type, TypeDefKind, TypeId,
    TypeKind, Union, Untagged,
};

use crate::{GeneratedFile, header};

/// The runtime every generated module starts with.
pub const RUNTIME: &str = include_str!("python/runtime.py");

/// Generates the module for one schema: `<protocol>.py`.
pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    let module = module_name(schema);
    let mut w = Writer::default();
    Module { schema, w: &mut w }.write(source);
    vec![GeneratedFile { path: format!("{module}.py").into(), contents: w.out }]
}

/// The module's name: the protocol's name in snake case.
pub fn module_name(schema: &Schema) -> String {
    idents(IdentKind::Field, &schema.protocol.name).python
}

/// A small indent-aware writer: every line goes through [`Writer::line`].
#[derive(Default)]
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn line(&mut self, text: &str) {
        if text.is_empty() {
            self.out.push('\n');
            return;
        }
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    fn indent(&mut self) {
        self.depth += 1;
    }

    fn dedent(&mut self) {
        self.depth -= 1;
    }

    /// A docstring of one or more lines at the current indentation.
    fn docstring(&mut self, docs: &[String]) {
        let text: Vec<String> = docs.iter().map(|l| escape_docstring(l)).collect();
        match text.as_slice() {
            [] => {}
            [one] => self.line(&format!("\"\"\"{}\"\"\"", quote_before_close(one.trim_end()))),
            [first, rest @ ..] => {
                self.line(&format!("\"\"\"{}", first.trim_end()));
                for l in rest {
                    self.line(l.trim_end());
                }
                self.line("\"\"\"");
            }
        }
    }
}

fn escape_docstring(line: &str) -> String {
    line.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"")
}

/// An escaped docstring line that the closing `"""` follows on its line: a last quote
/// that is not escaped already (`Always "object"`) is escaped, or it would end the literal
/// and leave a stray quote.
fn quote_before_close(escaped: &str) -> String {
    match escaped.strip_suffix('"') {
        Some(head) if (head.len() - head.trim_end_matches('\\').len()) % 2 == 0 => format!("{head}\\\""),
        _ => escaped.to_string(),
    }
}

/// A Python string literal (double quotes, ASCII only).
fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A Python literal for a JSON tag value or enum value.
fn py_json(v: &Json) -> String {
    match v {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => py_str(s),
        Json::Array(items) => format!("[{}]", items.iter().map(py_json).collect::<Vec<_>>().join(", ")),
        Json::Object(members) => format!(
            "{{{}}}",
            members.iter().map(|(k, v)| format!("{}: {}", py_str(k), py_json(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

struct Module<'a> {
    schema: &'a Schema,
    w: &'a mut Writer,
}

impl Module<'_> {
    fn write(&mut self, source: &str) {
        let schema = self.schema;
        self.w.line(&format!("# {}", header(source)));
        let mut docs = schema.protocol.meta.docs.clone();
        if docs.is_empty() {
            docs.push(format!("The {} protocol.", schema.protocol.name));
        }
        docs.push(String::new());
        docs.push(
            "Read a frame with `parse_client_message` / `parse_server_message`; write one with \
             `serialize_client_message` / `serialize_server_message`."
                .into(),
        );
        self.w.docstring(&docs);
        self.w.blank();
        // The runtime: everything after its own docstring.
        let (_, runtime) = RUNTIME.split_once("\"\"\"\n\n").expect("the runtime starts with its docstring");
        self.w.out.push_str(runtime.trim_end());
        self.w.out.push_str("\n\n\n");
        self.w.line("import pydantic as _p");
        self.w.line("import typing_extensions as _te");
        self.w.blank();
        self.w.blank();
        self.w.line("class _Model(_p.BaseModel):");
        self.w.indent();
        self.w.line("model_config = _p.ConfigDict(populate_by_name=True, use_attribute_docstrings=True)");
        self.w.dedent();
        for group in &schema.type_order {
            for id in &group.types {
                self.type_def(*id);
            }
        }
        self.anonymous_unions();
        self.messages();
        self.rebuilds();
        self.tables();
        self.functions();
    }

    // ---- names and types ----

    fn type_name(&self, id: TypeId) -> String {
        let def = self.schema.ty(id);
        def.meta.ident.as_ref().map_or_else(|| def.name.clone(), |i| i.python.clone())
    }

    fn message_name(&self, index: usize) -> String {
        let m = &self.schema.messages[index];
        m.meta.ident.as_ref().map_or_else(|| m.name.clone(), |i| i.python.clone())
    }

    fn field_name(f: &Field) -> String {
        f.meta.ident.as_ref().map_or_else(|| idents(IdentKind::Field, &f.name).python, |i| i.python.clone())
    }

    /// An envelope member's attribute: `envelope_NAME` where the payload is under a content
    /// member and one of its members (or the one value, `value`) has the same attribute,
    /// as the Rust target names it; else the member's own.
    fn envelope_field_name(m: &Message, f: &Field) -> String {
        let ident = Self::field_name(f);
        let clash = m.content.is_some()
            && match &m.payload {
                Payload::Fields(fields) => fields.iter().any(|g| Self::field_name(g) == ident),
                Payload::Value { .. } => ident == "value",
            };
        if clash { format!("envelope_{ident}") } else { ident }
    }

    /// The id member's attribute in a message's class: `envelope_ID` when a payload member
    /// under the content member has its name, as for envelope members (the Rust target's
    /// rule too).
    fn id_attribute(schema: &Schema, m: &Message) -> String {
        let ident = idents(IdentKind::Field, &schema.protocol.id.field).python;
        let clash = m.content.is_some()
            && match &m.payload {
                Payload::Fields(fields) => fields.iter().any(|g| Self::field_name(g) == ident),
                Payload::Value { .. } => ident == "value",
            };
        if clash { format!("envelope_{ident}") } else { ident }
    }

    fn untagged_name(&self, u: &Untagged) -> Option<String> {
        let name = u.name.as_ref()?;
        Some(
            self.schema
                .anonymous
                .iter()
                .find(|a| &a.name == name)
                .map_or_else(|| name.clone(), |a| a.ident.python.clone()),
        )
    }

    /// The annotation of a value of `ty`, with the constraints pydantic states exactly.
    fn annotation(&self, ty: &Type) -> String {
        let base = self.bare_annotation(ty);
        match pydantic_constraints(ty) {
            Some(args) => format!("_t.Annotated[{base}, _p.Field({args})]"),
            None => base,
        }
    }

    fn bare_annotation(&self, ty: &Type) -> String {
        match &ty.kind {
            TypeKind::Bool => "bool".into(),
            TypeKind::Int(_) => "int".into(),
            TypeKind::Float(_) => "float".into(),
            TypeKind::String => "str".into(),
            TypeKind::Bytes(_) => "bytes".into(),
            TypeKind::Uuid => "_uuid.UUID".into(),
            TypeKind::DateTime(_) => "_dt.datetime".into(),
            TypeKind::Date => "_dt.date".into(),
            TypeKind::Json => "_p.JsonValue".into(),
            TypeKind::Null => "None".into(),
            TypeKind::List(item) => format!("_t.List[{}]", self.annotation(item)),
            TypeKind::Tuple(elements) if elements.is_empty() => "_t.Tuple[()]".into(),
            TypeKind::Tuple(elements) => {
                format!("_t.Tuple[{}]", elements.iter().map(|e| self.annotation(e)).collect::<Vec<_>>().join(", "))
            }
            TypeKind::Map(item) => format!("_t.Dict[str, {}]", self.annotation(item)),
            TypeKind::Named(id) => self.named_annotation(*id),
            TypeKind::OneOf(u) => self.untagged_name(u).unwrap_or_else(|| self.union_annotation(u)),
            TypeKind::Nullable(inner) => format!("_t.Optional[{}]", self.annotation(inner)),
        }
    }

    fn named_annotation(&self, id: TypeId) -> String {
        let name = self.type_name(id);
        match &self.schema.ty(id).kind {
            TypeDefKind::Enum(e) if e.open => match e.repr {
                EnumRepr::String => format!("_t.Union[{name}, str]"),
                _ => format!("_t.Union[{name}, int]"),
            },
            _ => name,
        }
    }

    fn union_annotation(&self, u: &Untagged) -> String {
        let mut parts: Vec<String> = Vec::new();
        for v in &u.variants {
            let a = self.annotation(v);
            if !parts.contains(&a) {
                parts.push(a);
            }
        }
        match parts.as_slice() {
            [one] => one.clone(),
            _ => format!("_t.Union[{}]", parts.join(", ")),
        }
    }

    /// The Python default for a field, from its typed default value.
    fn default_literal(&self, ty: &Type, value: &Value) -> String {
        let resolved = self.schema.resolve(ty).unwrap_or(ty);
        match value {
            Value::Null => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => match &resolved.kind {
                TypeKind::DateTime(_) => format!("_from_epoch({}, {i})", py_str(&time_encoding(resolved))),
                _ => i.to_string(),
            },
            Value::Float(f) => match &resolved.kind {
                TypeKind::DateTime(_) => format!("_from_epoch({}, {f:?})", py_str(&time_encoding(resolved))),
                _ => format!("{f:?}"),
            },
            Value::String(s) => match &resolved.kind {
                TypeKind::Uuid => format!("_uuid.UUID({})", py_str(s)),
                TypeKind::Date => format!("_dt.date.fromisoformat({})", py_str(s)),
                TypeKind::DateTime(_) => format!("parse_datetime({})", py_str(s)),
                _ => py_str(s),
            },
            Value::Bytes(b) => {
                let mut out = String::from("b\"");
                for byte in b {
                    let _ = write!(out, "\\x{byte:02x}");
                }
                out.push('"');
                out
            }
            Value::Variant { ty, index, .. } => match &self.schema.ty(*ty).kind {
                TypeDefKind::Enum(e) => format!(
                    "{}.{}",
                    self.type_name(*ty),
                    e.variants[*index]
                        .meta
                        .ident
                        .as_ref()
                        .map_or_else(|| e.variants[*index].name.clone(), |i| i.python.clone())
                ),
                _ => "None".into(),
            },
            Value::Flags { ty, indices } => {
                let name = self.type_name(*ty);
                match &self.schema.ty(*ty).kind {
                    TypeDefKind::Enum(e) if !indices.is_empty() => indices
                        .iter()
                        .map(|i| {
                            format!(
                                "{name}.{}",
                                e.variants[*i].meta.ident.as_ref().map_or(e.variants[*i].name.as_str(), |x| &x.python)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" | "),
                    _ => format!("{name}(0)"),
                }
            }
            Value::Unknown { value, .. } => py_json(&serde_json::to_value(value).unwrap_or(Json::Null)),
            Value::List(items) => {
                let item = match &resolved.kind {
                    TypeKind::List(item) => Some(item.as_ref()),
                    _ => None,
                };
                match (&resolved.kind, item) {
                    (TypeKind::Tuple(elements), _) => format!(
                        "({}{})",
                        elements
                            .iter()
                            .zip(items)
                            .map(|(t, v)| self.default_literal(t, v))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if items.len() == 1 { "," } else { "" }
                    ),
                    (_, Some(item)) => format!(
                        "[{}]",
                        items.iter().map(|v| self.default_literal(item, v)).collect::<Vec<_>>().join(", ")
                    ),
                    _ => "[]".into(),
                }
            }
            Value::Map(entries) => match &resolved.kind {
                TypeKind::Map(item) => format!(
                    "{{{}}}",
                    entries
                        .iter()
                        .map(|(k, v)| format!("{}: {}", py_str(k), self.default_literal(item, v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "{}".into(),
            },
            Value::Struct { ty, fields } => {
                let TypeDefKind::Struct(s) = &self.schema.ty(*ty).kind else { return "None".into() };
                let args: Vec<String> = fields
                    .iter()
                    .filter_map(|(name, v)| {
                        let f = s.fields.iter().find(|f| &f.name == name)?;
                        Some(format!("{}={}", Self::field_name(f), self.default_literal(&f.ty, v)))
                    })
                    .collect();
                format!("{}.model_construct({})", self.type_name(*ty), args.join(", "))
            }
            Value::Union { ty, index, value } => match &self.schema.ty(*ty).kind {
                TypeDefKind::Union(Union::Tagged { variants, .. }) => match variants.get(*index) {
                    Some(v) => self
                        .default_literal(&Type { kind: TypeKind::Named(*v), constraints: Default::default() }, value),
                    None => "None".into(),
                },
                TypeDefKind::Union(Union::Untagged(u)) => match u.variants.get(*index) {
                    Some(t) => self.default_literal(t, value),
                    None => "None".into(),
                },
                _ => "None".into(),
            },
            Value::OneOf { index, value } => {
                let variant = match &resolved.kind {
                    TypeKind::OneOf(u) => u.variants.get(*index),
                    TypeKind::Nullable(inner) => match &inner.kind {
                        TypeKind::OneOf(u) => u.variants.get(*index),
                        _ => None,
                    },
                    _ => None,
                };
                match variant {
                    Some(t) => self.default_literal(t, value),
                    None => "None".into(),
                }
            }
            Value::Json(json) => py_json(json),
        }
    }

    // ---- declarations ----

    fn type_def(&mut self, id: TypeId) {
        let schema = self.schema;
        let def = schema.ty(id);
        let name = self.type_name(id);
        self.w.blank();
        self.w.blank();
        match &def.kind {
            TypeDefKind::Struct(s) => {
                self.w.line(&format!("class {name}(_Model):"));
                self.w.indent();
                self.docs(&def.meta.docs, def.meta.deprecated.as_deref());
                self.w.line(&format!("_sockspec_type: _t.ClassVar[int] = {}", id.0));
                // A variant of a tagged union with a base has the base's members too.
                let mut fields: Vec<&Field> = Vec::new();
                for base in self.bases_of(id) {
                    if let TypeDefKind::Struct(b) = &schema.ty(base).kind {
                        fields.extend(b.fields.iter().filter(|f| !s.fields.iter().any(|g| g.name == f.name)));
                    }
                }
                fields.extend(&s.fields);
                for f in fields {
                    self.field(f);
                }
                self.w.dedent();
            }
            TypeDefKind::Enum(e) => {
                let base = match (&e.repr, e.flags) {
                    (EnumRepr::String, _) => "str, _enum.Enum",
                    (_, true) => "_enum.IntFlag",
                    _ => "_enum.IntEnum",
                };
                self.w.line(&format!("class {name}({base}):"));
                self.w.indent();
                self.docs(&def.meta.docs, def.meta.deprecated.as_deref());
                for v in &e.variants {
                    let ident = v.meta.ident.as_ref().map_or_else(|| v.name.clone(), |i| i.python.clone());
                    let value = py_json(&serde_json::to_value(&v.value).unwrap_or(Json::Null));
                    self.w.line(&format!("{ident} = {value}"));
                    self.w.docstring(&v.meta.docs);
                }
                if e.variants.is_empty() {
                    self.w.line("pass");
                }
                self.w.dedent();
            }
            TypeDefKind::Union(Union::Tagged { variants, open, .. }) => {
                let mut parts: Vec<String> = variants.iter().map(|v| self.type_name(*v)).collect();
                if *open {
                    parts.push("_t.Dict[str, _p.JsonValue]".into());
                }
                self.alias(&name, &parts, &def.meta.docs);
            }
            TypeDefKind::Union(Union::Untagged(u)) => {
                let parts = self.variant_annotations(u);
                self.alias(&name, &parts, &def.meta.docs);
            }
            TypeDefKind::Alias(ty) => {
                let a = self.annotation(ty);
                // `type Channel = A | B`: the inline union takes the alias's name and is
                // defined with the inline unions; no alias of it to itself.
                if a != name {
                    self.alias(&name, &[a], &def.meta.docs);
                }
            }
        }
    }

    fn variant_annotations(&self, u: &Untagged) -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for v in &u.variants {
            let a = self.annotation(v);
            if !parts.contains(&a) {
                parts.push(a);
            }
        }
        parts
    }

    /// A module-level type alias. Recursive ones name themselves in quotes.
    fn alias(&mut self, name: &str, parts: &[String], docs: &[String]) {
        let value = match parts {
            [one] => one.clone(),
            _ => format!("_t.Union[{}]", parts.join(", ")),
        };
        let forward = self.forward_names();
        if forward.iter().any(|f| f == name) {
            // A recursive alias: mypy follows a plain alias that names itself in quotes,
            // pydantic only a named alias type (PEP 695's, which Python 3.11 lacks).
            let value = quote_forward(&value, &forward);
            self.w.line("if _t.TYPE_CHECKING:");
            self.w.indent();
            self.w.line(&format!("{name}: _t.TypeAlias = {value}"));
            self.w.dedent();
            self.w.line("else:");
            self.w.indent();
            self.w.line(&format!("{name} = _te.TypeAliasType({}, {value})", py_str(name)));
            self.w.dedent();
        } else {
            self.w.line(&format!("{name}: _t.TypeAlias = {}", quote_forward(&value, &forward)));
        }
        self.w.docstring(docs);
    }

    /// Names whose definitions come later than, or are part of, a recursive group: a
    /// module-level alias names them in quotes.
    fn forward_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for group in &self.schema.type_order {
            if group.recursive {
                names.extend(group.types.iter().map(|id| self.type_name(*id)));
            }
        }
        names
    }

    fn bases_of(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        for def in &self.schema.types {
            if let TypeDefKind::Union(Union::Tagged { variants, base: Some(base), .. }) = &def.kind
                && variants.contains(&id)
                && !out.contains(base)
            {
                out.push(*base);
            }
        }
        out
    }

    fn docs(&mut self, docs: &[String], deprecated: Option<&str>) {
        let mut all = docs.to_vec();
        if let Some(why) = deprecated {
            if !all.is_empty() {
                all.push(String::new());
            }
            all.push(format!("Deprecated: {why}"));
        }
        self.w.docstring(&all);
    }

    fn field(&mut self, f: &Field) {
        self.field_named(f, &Self::field_name(f), true);
    }

    /// A field under the attribute `ident`, with `Field(alias=wire name)` where they
    /// differ and `alias` allows it.
    fn field_named(&mut self, f: &Field, ident: &str, alias: bool) {
        let mut ty = self.annotation(&f.ty);
        let optional = !f.required && f.default_value.is_none();
        if optional && !matches!(f.ty.kind, TypeKind::Nullable(_)) && !self.schema.accepts_null(&f.ty) {
            ty = format!("_t.Optional[{ty}]");
        }
        let mut args: Vec<String> = Vec::new();
        if let Some(v) = &f.default_value {
            args.push(format!("default={}", self.default_literal(&f.ty, v)));
        } else if optional {
            args.push("default=None".into());
        }
        if alias && ident != f.name {
            args.push(format!("alias={}", py_str(&f.name)));
        }
        if f.meta.deprecated.is_some() {
            args.push("deprecated=True".into());
        }
        let line = match args.as_slice() {
            [] => format!("{ident}: {ty}"),
            [only] if only.starts_with("default=") => format!("{ident}: {ty} = {}", &only["default=".len()..]),
            _ => format!("{ident}: {ty} = _p.Field({})", args.join(", ")),
        };
        self.w.line(&line);
        self.w.docstring(&f.meta.docs);
    }

    fn anonymous_unions(&mut self) {
        /// `type Channel = A | B`: the union the alias names has the alias's doc comment.
        fn alias_docs<'a>(schema: &'a Schema, name: &str) -> &'a [String] {
            schema
                .types
                .iter()
                .find(|d| d.name == name && matches!(d.kind, TypeDefKind::Alias(_)))
                .map_or(&[], |d| d.meta.docs.as_slice())
        }
        // Inline unions and single-value payloads named by the model, in a stable order.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let visit = |ty: &Type, this: &Self, seen: &mut BTreeMap<String, String>| {
            walk(ty, &mut |t| {
                if let TypeKind::OneOf(u) = &t.kind
                    && let Some(name) = this.untagged_name(u)
                {
                    seen.entry(name).or_insert_with(|| this.union_annotation(u));
                }
            });
        };
        let schema = self.schema;
        visit(&schema.protocol.id.ty, self, &mut seen);
        for f in &schema.protocol.envelope {
            visit(&f.ty, self, &mut seen);
        }
        for def in &schema.types {
            match &def.kind {
                TypeDefKind::Struct(s) => s.fields.iter().for_each(|f| visit(&f.ty, self, &mut seen)),
                TypeDefKind::Alias(ty) => visit(ty, self, &mut seen),
                TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(|t| visit(t, self, &mut seen)),
                _ => {}
            }
        }
        for m in &schema.messages {
            match &m.payload {
                Payload::Fields(fields) => fields.iter().for_each(|f| visit(&f.ty, self, &mut seen)),
                Payload::Value { ty, .. } => visit(ty, self, &mut seen),
            }
            for side in Direction::BOTH {
                m.envelope_fields.get(side).iter().for_each(|f| visit(&f.ty, self, &mut seen));
            }
        }
        // Nested inline unions name each other: define the inner ones first.
        let names: Vec<String> = seen.keys().cloned().collect();
        let mut done: Vec<String> = Vec::new();
        while done.len() < names.len() {
            let before = done.len();
            for name in &names {
                if done.contains(name) {
                    continue;
                }
                let value = &seen[name];
                if names.iter().any(|n| n != name && !done.contains(n) && mentions(value, n)) {
                    continue;
                }
                self.w.blank();
                self.w.blank();
                self.w.line(&format!("{name}: _t.TypeAlias = {}", quote_forward(value, &self.forward_names())));
                let docs = alias_docs(schema, name);
                self.w.docstring(docs);
                done.push(name.clone());
            }
            if done.len() == before {
                for name in &names {
                    if !done.contains(name) {
                        self.w.blank();
                        self.w.blank();
                        let value = quote_forward(&seen[name], &names);
                        self.w.line(&format!("{name}: _t.TypeAlias = {value}"));
                        self.w.docstring(alias_docs(schema, name));
                        done.push(name.clone());
                    }
                }
            }
        }
    }

    fn messages(&mut self) {
        let schema = self.schema;
        let id_field = &schema.protocol.id.field;
        let id_ty = self.annotation(&schema.protocol.id.ty);
        let rpc = matches!(schema.protocol.style, Style::JsonRpc { .. });
        for (index, m) in schema.messages.iter().enumerate() {
            let id_ident = Self::id_attribute(schema, m);
            // The wire name as an alias, unless the attribute is renamed for a payload member
            // of that name (which has the alias then; the tables keep the id's wire name).
            let id_alias = id_ident == idents(IdentKind::Field, id_field).python && &id_ident != id_field;
            let name = self.message_name(index);
            if let (Payload::Value { ty, .. }, Some(anon)) =
                (&m.payload, schema.payload_name(sockspec_model::MessageId(index as u32)))
            {
                let value = quote_forward(&self.annotation(ty), &self.forward_names());
                self.w.blank();
                self.w.blank();
                self.w.line(&format!("{}: _t.TypeAlias = {value}", anon.ident.python));
                self.w.docstring(&[format!("The payload of {name}.")]);
            }
            self.w.blank();
            self.w.blank();
            self.w.line(&format!("class {name}(_Model):"));
            self.w.indent();
            let mut docs = m.meta.docs.clone();
            let sender = match m.sender {
                sockspec_model::Sender::Client => "the client",
                sockspec_model::Sender::Server => "the server",
                sockspec_model::Sender::Both => "either side",
            };
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(format!("Sent by {sender}; {}.", describe_discriminator(&m.discriminator)));
            self.docs(&docs, m.meta.deprecated.as_deref());
            self.w.line(&format!("_sockspec_message: _t.ClassVar[int] = {index}"));
            // The id member, where the message carries it and does not declare it.
            let mut declared: Vec<&Field> = Vec::new();
            for side in Direction::BOTH {
                if m.sender.includes(side) {
                    for f in m.envelope_fields.get(side) {
                        if !declared.iter().any(|g| g.name == f.name) {
                            declared.push(f);
                        }
                    }
                }
            }
            let flat: Vec<&Field> = match (&m.content, &m.payload) {
                (_, Payload::Fields(fields)) => fields.iter().collect(),
                _ => Vec::new(),
            };
            let id_declared = declared.iter().any(|f| &f.name == id_field)
                || (m.content.is_none() && flat.iter().any(|f| &f.name == id_field));
            let id_member = if id_declared {
                None
            } else if rpc && m.request.is_some() {
                Some(true)
            } else {
                match m.id {
                    IdPresence::Required => Some(true),
                    IdPresence::Optional => Some(false),
                    IdPresence::None | IdPresence::Forbidden => None,
                }
            };
            match id_member {
                Some(true) if id_alias => {
                    self.w.line(&format!("{id_ident}: {id_ty} = _p.Field(alias={})", py_str(id_field)))
                }
                Some(true) => self.w.line(&format!("{id_ident}: {id_ty}")),
                Some(false) if id_alias => self.w.line(&format!(
                    "{id_ident}: _t.Optional[{id_ty}] = _p.Field(default=None, alias={})",
                    py_str(id_field)
                )),
                Some(false) => self.w.line(&format!("{id_ident}: _t.Optional[{id_ty}] = None")),
                None => {}
            }
            for f in &declared {
                // A member some side does not carry may be absent.
                let everywhere = Direction::BOTH
                    .iter()
                    .filter(|s| m.sender.includes(**s))
                    .all(|s| m.envelope_fields.get(*s).iter().any(|g| g.name == f.name && g.required));
                // A renamed member has no alias: its wire name is a payload member's
                // attribute, which pydantic would then fill from either.
                let ident = Self::envelope_field_name(m, f);
                let alias = ident == Self::field_name(f);
                if everywhere || !f.required {
                    self.field_named(f, &ident, alias);
                } else {
                    let mut loose = (*f).clone();
                    loose.required = false;
                    self.field_named(&loose, &ident, alias);
                }
            }
            match &m.payload {
                Payload::Fields(fields) => {
                    for f in fields {
                        if m.content.is_some() || !declared.iter().any(|g| g.name == f.name) {
                            self.field(f);
                        }
                    }
                }
                Payload::Value { ty, nullable } => {
                    let mut a = self.annotation(ty);
                    if let Some(anon) = schema.payload_name(sockspec_model::MessageId(index as u32)) {
                        a = anon.ident.python.clone();
                    }
                    if (*nullable || m.content_optional)
                        && !matches!(ty.kind, TypeKind::Nullable(_))
                        && !schema.accepts_null(ty)
                    {
                        a = format!("_t.Optional[{a}]");
                    }
                    if m.content_optional || *nullable {
                        self.w.line(&format!("value: {a} = None"));
                    } else {
                        self.w.line(&format!("value: {a}"));
                    }
                    self.w.docstring(&["The payload's one value.".to_string()]);
                }
            }
            self.w.dedent();
        }
        let open = |side: Direction| {
            let d = schema.dispatch.get(side);
            let tags_open = |node: &Option<sockspec_model::TagNode>| node.as_ref().is_some_and(node_open);
            tags_open(&d.tags) || d.rpc.as_ref().is_some_and(|r| tags_open(&r.requests) || tags_open(&r.notifications))
        };
        let any_open = open(Direction::Client) || open(Direction::Server);
        if any_open {
            self.w.blank();
            self.w.blank();
            self.w.line("class UnknownFrame(_Model):");
            self.w.indent();
            self.w.docstring(&[
                "A frame whose tag names no message of an open set (`unknown_tags = keep`): kept as".into(),
                "its JSON object, written back as it was.".into(),
            ]);
            self.w.line("frame: _t.Dict[str, _p.JsonValue]");
            self.w.dedent();
        }
        let replies = |side: Direction| schema.dispatch.get(side).rpc.as_ref().is_some_and(|r| r.replies);
        if let Style::JsonRpc { error, .. } = &schema.protocol.style
            && (replies(Direction::Client) || replies(Direction::Server))
        {
            self.w.blank();
            self.w.blank();
            self.w.line("class ResultFrame(_Model):");
            self.w.indent();
            self.w.docstring(&[
                "A JSON-RPC result frame: its type depends on the request it answers, which the".into(),
                "caller knows by `id`.".into(),
            ]);
            self.w.line(&format!("id: _t.Optional[{id_ty}] = None"));
            self.w.line("result: _p.JsonValue = None");
            self.w.dedent();
            self.w.blank();
            self.w.blank();
            self.w.line("class ErrorFrame(_Model):");
            self.w.indent();
            self.w.docstring(&["A JSON-RPC error frame.".into()]);
            self.w.line(&format!("id: _t.Optional[{id_ty}] = None"));
            let error_ty = error.map_or_else(|| "_p.JsonValue".to_string(), |e| self.type_name(e));
            self.w.line(&format!("error: {error_ty}"));
            self.w.dedent();
        }
        for side in Direction::BOTH {
            let mut parts: Vec<String> =
                schema.messages_from(side).map(|(id, _)| self.message_name(id.0 as usize)).collect();
            if open(side) {
                parts.push("UnknownFrame".into());
            }
            if replies(side) {
                parts.push("ResultFrame".into());
                parts.push("ErrorFrame".into());
            }
            let name = side_union(side);
            self.w.blank();
            self.w.blank();
            let value = match parts.as_slice() {
                [] => "_t.NoReturn".to_string(),
                [one] => one.clone(),
                _ => format!("_t.Union[{}]", parts.join(", ")),
            };
            self.w.line(&format!("{name}: _t.TypeAlias = {value}"));
            self.w.docstring(&[format!("Every frame the {} sends.", side.as_str())]);
        }
    }

    fn rebuilds(&mut self) {
        let schema = self.schema;
        let mut classes: Vec<String> = Vec::new();
        for group in &schema.type_order {
            if group.recursive {
                for id in &group.types {
                    if matches!(schema.ty(*id).kind, TypeDefKind::Struct(_)) {
                        classes.push(self.type_name(*id));
                    }
                }
            }
        }
        if classes.is_empty() {
            return;
        }
        self.w.blank();
        self.w.line("# Recursive types name each other before they are all defined.");
        for c in classes {
            self.w.line(&format!("{c}.model_rebuild()"));
        }
    }

    fn tables(&mut self) {
        let schema = self.schema;
        let mut model = serde_json::to_value(schema).expect("the model is JSON");
        strip(&mut model);
        // Envelope members by their attributes in the message's class, and the id member's.
        for (index, m) in schema.messages.iter().enumerate() {
            if let Some(message) = model.pointer_mut(&format!("/messages/{index}")).and_then(Json::as_object_mut) {
                message.insert("id_py".into(), Json::String(Self::id_attribute(schema, m)));
            }
            for side in Direction::BOTH {
                for (j, f) in m.envelope_fields.get(side).iter().enumerate() {
                    let at = format!("/messages/{index}/envelope_fields/{}/{j}", side.as_str());
                    if let Some(field) = model.pointer_mut(&at).and_then(Json::as_object_mut) {
                        field.insert("py".into(), Json::String(Self::envelope_field_name(m, f)));
                    }
                }
            }
        }
        if let Some(id) = model.pointer_mut("/protocol/id").and_then(Json::as_object_mut) {
            id.insert("py".into(), Json::String(idents(IdentKind::Field, &schema.protocol.id.field).python));
        }
        let text = model.to_string();
        self.w.blank();
        self.w.blank();
        self.w.line("# The resolved model: wire names, types, dispatch (what the checks read).");
        self.w.line("_MODEL: _t.Dict[str, _t.Any] = json.loads(");
        self.w.indent();
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(96) {
            let piece: String = chunk.iter().collect();
            self.w.line(&py_str(&piece));
        }
        self.w.dedent();
        self.w.line(")");
        // Patterns, in their Python spelling (sockspec_model::pattern) for the full path,
        // and in Rust's for the fast path's pydantic-core schema.
        let mut patterns: Vec<(String, String, String)> = Vec::new();
        let mut add = |ty: &Type| {
            walk(ty, &mut |t| {
                for p in &t.constraints.patterns {
                    if !patterns.iter().any(|(q, _, _)| q == p) {
                        let (python, rust) = sockspec_model::pattern::translate(p)
                            .map(|t| (t.python, t.rust))
                            .unwrap_or_else(|_| (p.clone(), p.clone()));
                        patterns.push((p.clone(), python, rust));
                    }
                }
            })
        };
        add(&schema.protocol.id.ty);
        schema.protocol.envelope.iter().for_each(|f| add(&f.ty));
        for def in &schema.types {
            match &def.kind {
                TypeDefKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
                TypeDefKind::Alias(ty) => add(ty),
                TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(&mut add),
                _ => {}
            }
        }
        for m in &schema.messages {
            match &m.payload {
                Payload::Fields(fields) => fields.iter().for_each(|f| add(&f.ty)),
                Payload::Value { ty, .. } => add(ty),
            }
            for side in Direction::BOTH {
                m.envelope_fields.get(side).iter().for_each(|f| add(&f.ty));
            }
        }
        self.w.blank();
        if patterns.is_empty() {
            self.w.line("_PATTERNS: _t.Dict[str, re.Pattern[str]] = {}");
            self.w.line("_FAST_PATTERNS: _t.Dict[str, str] = {}");
        } else {
            self.w.line("_PATTERNS: _t.Dict[str, re.Pattern[str]] = {");
            self.w.indent();
            for (portable, python, _) in &patterns {
                self.w.line(&format!("{}: re.compile({}),", py_str(portable), py_str(python)));
            }
            self.w.dedent();
            self.w.line("}");
            self.w.line("_FAST_PATTERNS: _t.Dict[str, str] = {");
            self.w.indent();
            for (portable, _, rust) in &patterns {
                self.w.line(&format!("{}: {},", py_str(portable), py_str(rust)));
            }
            self.w.dedent();
            self.w.line("}");
        }
        self.w.blank();
        self.w.line("_CHECKER = _Checker(_MODEL, _PATTERNS)");
        let types: Vec<String> = schema
            .types
            .iter()
            .enumerate()
            .filter(|(_, d)| matches!(d.kind, TypeDefKind::Struct(_) | TypeDefKind::Enum(_)))
            .map(|(i, _)| format!("{i}: {}", self.type_name(TypeId(i as u32))))
            .collect();
        let messages: Vec<String> =
            (0..schema.messages.len()).map(|i| format!("{i}: {}", self.message_name(i))).collect();
        let mut extra: Vec<String> = Vec::new();
        if self.w.out.contains("\nclass UnknownFrame(") {
            extra.push("\"unknown\": UnknownFrame".into());
        }
        if self.w.out.contains("\nclass ResultFrame(") {
            extra.push("\"result\": ResultFrame".into());
            extra.push("\"error\": ErrorFrame".into());
        }
        self.w.line("_CODEC = _Codec(");
        self.w.indent();
        self.w.line("_CHECKER,");
        self.w.line(&format!("{{{}}},", types.join(", ")));
        self.w.line(&format!("{{{}}},", messages.join(", ")));
        self.w.line(&format!("{{{}}},", extra.join(", ")));
        self.w.dedent();
        self.w.line(")");
        self.w.line("_FAST = _Fast(_CHECKER, _CODEC, _FAST_PATTERNS)");
    }

    fn functions(&mut self) {
        for side in Direction::BOTH {
            let name = side.as_str();
            let union = side_union(side);
            let fast = self.schema.messages_from(side).next().is_some() || self.side_has_frames(side);
            self.w.blank();
            self.w.blank();
            let upper = name.to_uppercase();
            if fast {
                // The fast path's pieces (runtime `_Fast`), bound once: module globals are
                // the cheapest names a function reads after its locals.
                self.w.line(&format!(
                    "_{upper}_CHECK: _t.Callable[[_t.Union[str, bytes]], {union}] = _FAST.checks[{}]",
                    py_str(name)
                ));
                self.w.line(&format!("_{upper}_BASE = _FAST.hot[{}].get", py_str(name)));
                self.w.line(&format!("_{upper}_FINISH = _FAST.finish[{}]", py_str(name)));
                self.w.blank();
                self.w.blank();
            }
            self.w.line(&format!("def parse_{name}_message(frame: _t.Union[str, bytes]) -> {union}:"));
            self.w.indent();
            self.w.docstring(&[
                format!("Reads one frame the {name} sent (a text frame's `str`, or its UTF-8 `bytes`)."),
                String::new(),
                "Raises `InvalidFrame` carrying every error of DESIGN section 4 (`path`, `code`,".into(),
                "`message`) when the frame is not a valid message.".into(),
            ]);
            if !fast {
                self.w.line(&format!("_CODEC.parse({}, frame)", py_str(name)));
                self.w.line(&format!("raise AssertionError(\"the {name} sends no message\")"));
                self.w.dedent();
                continue;
            }
            let full = format!("return _t.cast({union}, _CODEC.parse({}, frame))", py_str(name));
            self.w.line("try:");
            self.w.indent();
            self.w.line(&format!("value = _{upper}_CHECK(frame)"));
            self.w.dedent();
            self.w.line("except ValueError:");
            self.w.indent();
            self.w.line(&full);
            self.w.dedent();
            // The fast path's common case, inlined (runtime `_Fast.hot`, the same test as
            // `_fast_parser`'s); anything else is for `_fast_finish`, then the full check.
            self.w.line(&format!("base = _{upper}_BASE(type(value))"));
            self.w.line("if (base is not None and type(frame) is str");
            self.w.line("        and frame.count(\":\") == base + len(value.__pydantic_fields_set__) and \"\\\\\" not in frame):");
            self.w.indent();
            self.w.line("return value");
            self.w.dedent();
            self.w.line(&format!("if _{upper}_FINISH(frame, value):"));
            self.w.indent();
            self.w.line("return value");
            self.w.dedent();
            self.w.line(&full);
            self.w.dedent();
            self.w.blank();
            self.w.blank();
            self.w.line(&format!("def serialize_{name}_message(message: {union}) -> str:"));
            self.w.indent();
            self.w.docstring(&[
                format!("The frame's text for a message the {name} sends: tags, id and envelope as the"),
                "protocol frames them; absent members omitted or written `null` as each field's".into(),
                "policy says; times, bytes and string-encoded integers in their wire encodings.".into(),
            ]);
            self.w.line(&format!("return _CODEC.write({}, message)", py_str(name)));
            self.w.dedent();
        }
        self.w.blank();
        self.w.blank();
        self.w.line("def _parse_fast(side: str, frame: _t.Union[str, bytes]) -> _t.Any:");
        self.w.indent();
        self.w.docstring(&[
            "The fast path alone (docs/python.md): the typed value of a frame from `side`, or None".into(),
            "where the full check must decide (for tests: it never accepts what the full check refuses).".into(),
        ]);
        self.w.line("return _FAST.parsers[side](frame)");
        self.w.dedent();
        self.w.blank();
        self.w.blank();
        self.w.line("def check_frame(side: str, frame: _t.Union[str, bytes]) -> str:");
        self.w.indent();
        self.w.docstring(&[
            "What a valid frame from `side` (\"client\" or \"server\") is: the message's schema name,".into(),
            "or `@result`, `@error`, `@unknown`. Raises `InvalidFrame` otherwise.".into(),
        ]);
        self.w.line("kind = _CHECKER.check(side, read_json(frame))");
        self.w.line("if kind[0] == \"message\":");
        self.w.indent();
        self.w.line("return str(_CHECKER.messages[kind[1]][\"name\"])");
        self.w.dedent();
        self.w.line("return \"@\" + str(kind[0])");
        self.w.dedent();
        self.answers();
    }

    /// `Answer` and, per side that answers requests, `parse_<side>_answer(request, frame)`:
    /// the frame read as the answer to a request the other side sent, with the result it
    /// carries typed as that request's result (an overload per request, for mypy).
    fn answers(&mut self) {
        let schema = self.schema;
        let requests = |side: Direction| -> Vec<usize> {
            schema
                .messages_from(side.other())
                .filter(|(_, m)| m.request.is_some())
                .map(|(id, _)| id.0 as usize)
                .collect()
        };
        let sides: Vec<Direction> = Direction::BOTH.into_iter().filter(|s| !requests(*s).is_empty()).collect();
        if sides.is_empty() {
            return;
        }
        let message = match sides.as_slice() {
            [one] => side_union(*one).to_string(),
            _ => format!("_t.Union[{}]", sides.iter().map(|s| side_union(*s)).collect::<Vec<_>>().join(", ")),
        };
        self.w.blank();
        self.w.blank();
        self.w.line("_AnswerResult = _t.TypeVar(\"_AnswerResult\")");
        self.w.blank();
        self.w.blank();
        self.w.line("@dataclass(frozen=True)");
        self.w.line("class Answer(_t.Generic[_AnswerResult]):");
        self.w.indent();
        self.w.docstring(&[
            "A frame read as the answer to a request (`parse_server_answer(Request, frame)`).".into(),
            String::new(),
            "`message` is the frame's value as `parse_*_message` reads it; `result` the typed result".into(),
            "it carries for that request: a result frame's `result`, or a typed reply's content".into(),
            "(`-> Success<StatusResult>`). None for a reply that carries none (a plain reply, a".into(),
            "stream or end message, an error), or a result that is null.".into(),
        ]);
        self.w.line(&format!("message: {message}"));
        self.w.line("result: _t.Optional[_AnswerResult] = None");
        self.w.dedent();
        for side in sides {
            let name = side.as_str();
            let requests = requests(side);
            let doc = [
                format!("Reads one frame the {name} sent as the answer to a request of the {}:", side.other().as_str()),
                "`request` is the request's class. The frame must be one of the request's replies,".into(),
                "stream or end messages, or an error; the result it carries is checked against the".into(),
                "request's result type and returned typed, beside the frame's value.".into(),
                String::new(),
                "Raises `InvalidFrame` with the frame's errors, or with the answer's (`unknown_tag` at".into(),
                "\"\" for a frame that answers no such request, the result's errors under its member).".into(),
            ];
            let signature = |request: &str, result: &str| {
                format!(
                    "def parse_{name}_answer(request: _t.Type[{request}], frame: _t.Union[str, bytes]) -> \
                     Answer[{result}]:"
                )
            };
            let body = format!("message, result = _CODEC.answer({}, request, frame)", py_str(name));
            if let [only] = requests.as_slice() {
                self.w.blank();
                self.w.blank();
                self.w.line(&signature(&self.message_name(*only), &self.result_annotation(*only)));
                self.w.indent();
                self.w.docstring(&doc);
                self.w.line(&body);
                self.w.line("return Answer(message, result)");
                self.w.dedent();
                continue;
            }
            for index in &requests {
                self.w.blank();
                self.w.blank();
                self.w.line("@_t.overload");
                let line = signature(&self.message_name(*index), &self.result_annotation(*index));
                self.w.line(&format!("{line} ..."));
            }
            self.w.blank();
            self.w.blank();
            self.w.line(&signature("_Model", "_t.Any"));
            self.w.indent();
            self.w.docstring(&doc);
            self.w.line(&body);
            self.w.line("return Answer(message, result)");
            self.w.dedent();
        }
    }

    /// The Python type of a request's typed result: its result type (JSON-RPC), the result
    /// types of its typed replies, or `None` where it has none.
    fn result_annotation(&self, index: usize) -> String {
        let Some(request) = &self.schema.messages[index].request else { return "None".into() };
        let mut parts: Vec<String> = Vec::new();
        for reply in &request.replies {
            let ty = match reply {
                sockspec_model::Reply::Result(ty) | sockspec_model::Reply::Typed { result: ty, .. } => ty,
                sockspec_model::Reply::Message(_) => continue,
            };
            let a = self.annotation(ty);
            if !parts.contains(&a) {
                parts.push(a);
            }
        }
        match parts.as_slice() {
            [] => "None".into(),
            [one] => one.clone(),
            _ => format!("_t.Union[{}]", parts.join(", ")),
        }
    }
}

impl Module<'_> {
    /// Whether a side sends frames that are no message (kept unknown ones, JSON-RPC
    /// results and errors).
    fn side_has_frames(&self, side: Direction) -> bool {
        let d = self.schema.dispatch.get(side);
        let open = |node: &Option<sockspec_model::TagNode>| node.as_ref().is_some_and(node_open);
        open(&d.tags) || d.rpc.as_ref().is_some_and(|r| r.replies || open(&r.requests) || open(&r.notifications))
    }
}

/// The `Field(...)` arguments for the constraints of a use site that pydantic checks with
/// exactly DESIGN §4's meaning: integer widths and ranges (Python integers are exact),
/// float ranges, and lengths of strings (code points, as Python's `len`), bytes, lists and
/// maps. Patterns are not among them (pydantic's default regex engine is not Python's
/// `re`), nor are formats: the module's own checks hold those. `None` when there are none.
fn pydantic_constraints(ty: &Type) -> Option<String> {
    let mut args: Vec<String> = Vec::new();
    let cons = &ty.constraints;
    let limit = |l: &sockspec_model::Limit| match l.value {
        sockspec_model::Number::Int(i) => i.to_string(),
        sockspec_model::Number::Float(f) => format!("{f:?}"),
    };
    match &ty.kind {
        TypeKind::Int(it) if it.encoding == sockspec_model::IntEncoding::Number => {
            // The width, unless the declared range is inside it.
            let (lo, hi) = (it.min(), it.max());
            match cons.range.and_then(|r| r.min) {
                Some(l) if l.value.cmp_exact(sockspec_model::Number::Int(lo)).is_ge() => {
                    args.push(format!("{}={}", if l.exclusive { "gt" } else { "ge" }, limit(&l)))
                }
                _ => args.push(format!("ge={lo}")),
            }
            match cons.range.and_then(|r| r.max) {
                Some(l) if l.value.cmp_exact(sockspec_model::Number::Int(hi)).is_le() => {
                    args.push(format!("{}={}", if l.exclusive { "lt" } else { "le" }, limit(&l)))
                }
                _ => args.push(format!("le={hi}")),
            }
        }
        TypeKind::Float(_) => {
            if let Some(range) = cons.range {
                if let Some(l) = range.min {
                    args.push(format!("{}={}", if l.exclusive { "gt" } else { "ge" }, limit(&l)));
                }
                if let Some(l) = range.max {
                    args.push(format!("{}={}", if l.exclusive { "lt" } else { "le" }, limit(&l)));
                }
            }
        }
        TypeKind::String | TypeKind::Bytes(_) | TypeKind::List(_) | TypeKind::Map(_) => {
            if let Some(len) = cons.len {
                if let Some(min) = len.min.filter(|m| *m > 0) {
                    args.push(format!("min_length={min}"));
                }
                if let Some(max) = len.max {
                    args.push(format!("max_length={max}"));
                }
            }
        }
        _ => {}
    }
    if args.is_empty() { None } else { Some(args.join(", ")) }
}

fn side_union(side: Direction) -> &'static str {
    match side {
        Direction::Client => "ClientMessage",
        Direction::Server => "ServerMessage",
    }
}

fn node_open(node: &sockspec_model::TagNode) -> bool {
    node.open
        || node.entries.iter().any(|(_, t)| match t {
            sockspec_model::TagTarget::Next(next) => node_open(next),
            sockspec_model::TagTarget::Message(_) => false,
        })
}

fn describe_discriminator(d: &Discriminator) -> String {
    match d {
        Discriminator::Tag(values) => {
            let shown: Vec<String> =
                values.iter().map(|v| serde_json::to_string(v).unwrap_or_else(|_| "?".into())).collect();
            format!("tagged {}", shown.join(", then "))
        }
        Discriminator::Structural(keys) => format!("known by its members {}", keys.join(", ")),
        Discriminator::Key(key) => format!("known by its member {key}"),
        Discriminator::Fallback => "any frame without a tag".into(),
    }
}

fn time_encoding(ty: &Type) -> String {
    match &ty.kind {
        TypeKind::DateTime(e) => serde_json::to_value(e).ok().and_then(|v| v.as_str().map(str::to_string)),
        _ => None,
    }
    .unwrap_or_default()
}

/// Calls `f` on a type and every type inside it.
fn walk(ty: &Type, f: &mut impl FnMut(&Type)) {
    f(ty);
    match &ty.kind {
        TypeKind::List(item) | TypeKind::Map(item) | TypeKind::Nullable(item) => walk(item, f),
        TypeKind::Tuple(elements) => elements.iter().for_each(|e| walk(e, f)),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// Whether an annotation names `name` (as a whole identifier).
fn mentions(annotation: &str, name: &str) -> bool {
    annotation.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).any(|part| part == name)
}

/// An alias's value with the names of `forward` (defined later, or recursive) in quotes.
fn quote_forward(value: &str, forward: &[String]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if forward.contains(word) {
            let _ = write!(out, "\"{word}\"");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The model as the runtime reads it: each item's `meta` becomes its Python identifier
/// (`py`), and what the checks never read (docs, spans, connection, defaults) is left out.
fn strip(v: &mut Json) {
    match v {
        Json::Object(members) => {
            if let Some(meta) = members.remove("meta") {
                match meta.pointer("/ident/python") {
                    Some(py) => {
                        members.insert("py".into(), py.clone());
                    }
                    // A field copied without identifiers (an envelope member): named as
                    // `Module::field_name` names it.
                    None => {
                        if let (Some(Json::String(name)), true) =
                            (members.get("name"), members.contains_key("required"))
                        {
                            let py = idents(IdentKind::Field, name).python;
                            members.insert("py".into(), Json::String(py));
                        }
                    }
                }
            }
            // A field's default is left out, but not that it has one: its value (`null`
            // included) is then always written, as the Rust and TypeScript writers write it.
            if members.contains_key("default") && members.contains_key("required") {
                members.insert("has_default".into(), Json::Bool(true));
            }
            for key in
                ["connection", "setting_docs", "envelope_docs", "type_order", "anonymous", "default", "default_value"]
            {
                members.remove(key);
            }
            // A `Type` or `TypeDef` holds its internally tagged kind as a member `kind`: one
            // level, `{"kind": "list", "of": ..., "constraints": ...}`, for the runtime.
            if let Some(Json::Object(inner)) = members.get("kind")
                && inner.contains_key("kind")
                && inner.keys().all(|k| k == "kind" || !members.contains_key(k))
                && let Some(Json::Object(inner)) = members.remove("kind")
            {
                members.extend(inner);
            }
            members.values_mut().for_each(strip);
        }
        Json::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// A program speaking the judge protocol (docs/vectors.md) over a generated module: one
/// frame per input line, one verdict per output line; every valid frame is also written
/// back by the serialiser and read again, and a different value is answered as `round_trip`;
/// a request with `"write": true` is also answered with the frame written (`"wrote"`).
pub fn judge_script(schema: &Schema, source: &str) -> String {
    let module = module_name(schema);
    let mut w = Writer::default();
    w.line(&format!("# {}", header(source)));
    w.docstring(&[
        "Judges frames with the generated module (docs/vectors.md, \"the judge protocol\"): reads".into(),
        "`{\"from\", \"frame\"}` lines (and `\"answers\"`: a request's name) on standard input, answers".into(),
        "`{\"ok\": NAME}` or `{\"errors\": [...]}`; with `\"write\": true`, a valid frame's answer also".into(),
        "has `\"wrote\"`, the frame the serialiser writes for its value.".into(),
    ]);
    w.blank();
    w.line("import json");
    w.line("import sys");
    w.blank();
    w.line(&format!("from generated import {module} as generated"));
    w.blank();
    w.blank();
    w.line("def verdict(side: str, frame: str, answers: object, write: bool) -> object:");
    w.indent();
    w.line("parse = generated.parse_client_message if side == \"client\" else generated.parse_server_message");
    w.line("try:");
    w.indent();
    w.line("if answers is None:");
    w.indent();
    w.line("message = parse(frame)");
    w.dedent();
    w.line("else:");
    w.indent();
    w.line("# The request's class, by its schema name; its answer read by the answer reader.");
    w.line("index = next(i for i, m in enumerate(generated._CHECKER.messages) if m[\"name\"] == answers)");
    w.line("request = generated._CODEC.message_classes[index]");
    w.line("answer = getattr(generated, f\"parse_{side}_answer\")(request, frame)");
    w.line("message = answer.message");
    w.dedent();
    w.dedent();
    w.line("except generated.InvalidFrame as e:");
    w.indent();
    w.line("return {\"errors\": [error.to_json() for error in e.errors]}");
    w.dedent();
    w.line("problem, text = round_trip(side, message)");
    w.line("index = getattr(type(message), \"_sockspec_message\", None)");
    w.line("if index is not None:");
    w.indent();
    w.line("name = generated._CHECKER.messages[index][\"name\"]");
    w.dedent();
    w.line("else:");
    w.indent();
    w.line("name = {\"UnknownFrame\": \"@unknown\", \"ResultFrame\": \"@result\", \"ErrorFrame\": \"@error\"}[type(message).__name__]");
    w.dedent();
    w.line("answer: dict[str, object] = {\"ok\": name}");
    w.line("if problem is not None:");
    w.indent();
    w.line("answer[\"round_trip\"] = problem");
    w.dedent();
    w.line("if write and text is not None:");
    w.indent();
    w.line("answer[\"wrote\"] = text");
    w.dedent();
    w.line("return answer");
    w.dedent();
    w.blank();
    w.blank();
    w.line("def round_trip(side: str, message: object) -> tuple[object, object]:");
    w.indent();
    w.docstring(&[
        "A valid frame written back by the serialiser reads as the same value; else what it wrote and read.".into(),
        "And the text written (None when writing raised).".into(),
    ]);
    w.line("try:");
    w.indent();
    w.line("if side == \"client\":");
    w.indent();
    w.line("text = generated.serialize_client_message(message)  # type: ignore[arg-type]");
    w.dedent();
    w.line("else:");
    w.indent();
    w.line("text = generated.serialize_server_message(message)  # type: ignore[arg-type]");
    w.dedent();
    w.dedent();
    w.line("except Exception as e:");
    w.indent();
    w.line("return f\"writing it raised {e!r}\", None");
    w.dedent();
    w.line("parse = generated.parse_client_message if side == \"client\" else generated.parse_server_message");
    w.line("try:");
    w.indent();
    w.line("again: object = parse(text)");
    w.dedent();
    w.line("except generated.InvalidFrame as e:");
    w.indent();
    w.line("again = [error.to_json() for error in e.errors]");
    w.dedent();
    w.line("if again != message:");
    w.indent();
    w.line("return f\"wrote {text}\\nread {again!r}\\nwant {message!r}\", text");
    w.dedent();
    w.line("return None, text");
    w.dedent();
    w.blank();
    w.blank();
    w.line("def main() -> None:");
    w.indent();
    w.line("for line in sys.stdin:");
    w.indent();
    w.line("request = json.loads(line)");
    w.line(
        "sys.stdout.write(json.dumps(verdict(request[\"from\"], request[\"frame\"], request.get(\"answers\"), request.get(\"write\") is True)) + \"\\n\")",
    );
    w.dedent();
    w.line("sys.stdout.flush()");
    w.dedent();
    w.blank();
    w.blank();
    w.line("if __name__ == \"__main__\":");
    w.indent();
    w.line("main()");
    w.dedent();
    w.out
}
