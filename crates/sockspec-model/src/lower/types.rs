//! Types: struct, enum, union and alias declarations, type expressions, constraints,
//! defaults, and the proof that untagged variants can be told apart.

use std::collections::HashSet;

use heck::ToSnakeCase;
use sockspec_syntax::{Diagnostic, Span, ast, suggest};

use super::{BUILTIN_TYPES, Decl, Lower};
use crate::model::*;

/// A check that needs every type lowered first.
#[derive(Clone, Debug)]
pub(crate) enum Deferred {
    /// The constraints of a type at a point of use apply to its resolved kind.
    Constraints { ty: Type, span: Span },
    /// A default value, handed on for the validator to judge (`Lowered::defaults`).
    Default { ty: Type, nullable: bool, value: serde_json::Value, span: Span },
    /// `@absent(null)` on a field: it must be optional and its type must take `null`.
    AbsentNull { ty: Type, required: bool, name: String, span: Span },
}

fn plain(kind: TypeKind) -> Type {
    Type { kind, constraints: Constraints::default() }
}

fn int(signed: bool, bits: u8) -> TypeKind {
    TypeKind::Int(IntType { signed, bits, encoding: IntEncoding::Number })
}

fn builtin(name: &str) -> Option<TypeKind> {
    Some(match name {
        "bool" => TypeKind::Bool,
        "i8" => int(true, 8),
        "i16" => int(true, 16),
        "i32" => int(true, 32),
        "i64" => int(true, 64),
        "u8" => int(false, 8),
        "u16" => int(false, 16),
        "u32" => int(false, 32),
        "u64" => int(false, 64),
        "f32" => TypeKind::Float(FloatType::F32),
        "f64" => TypeKind::Float(FloatType::F64),
        "string" => TypeKind::String,
        "bytes" => TypeKind::Bytes(BytesEncoding::Base64),
        "uuid" => TypeKind::Uuid,
        "datetime" => TypeKind::DateTime(TimeEncoding::Rfc3339),
        "date" => TypeKind::Date,
        "json" => TypeKind::Json,
        _ => return None,
    })
}

/// Parses an integer literal as written in a schema (`-3`, `0x1F`, `1_000`).
pub(crate) fn parse_int(text: &str) -> Option<i128> {
    let clean = text.replace('_', "");
    let (neg, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.as_str()),
    };
    let value = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if neg { -value } else { value })
}

fn parse_float(text: &str) -> Option<f64> {
    text.replace('_', "").parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A literal expression as JSON, with no type to guide it (examples, untyped defaults).
pub(crate) fn expr_to_json(expr: &ast::Expr) -> Result<serde_json::Value, (Span, String)> {
    use serde_json::Value;
    Ok(match &expr.kind {
        ast::ExprKind::Str(s) => Value::String(s.clone()),
        ast::ExprKind::Int(t) => {
            let i = parse_int(t).ok_or((expr.span, "not a valid integer".to_string()))?;
            if let Ok(i) = i64::try_from(i) {
                Value::from(i)
            } else if let Ok(u) = u64::try_from(i) {
                Value::from(u)
            } else {
                return Err((expr.span, "integer too large for JSON numbers kept exact".into()));
            }
        }
        ast::ExprKind::Float(t) => parse_float(t)
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or((expr.span, "not a finite number".to_string()))?,
        ast::ExprKind::Ident(w) if w == "true" => Value::Bool(true),
        ast::ExprKind::Ident(w) if w == "false" => Value::Bool(false),
        ast::ExprKind::Ident(w) if w == "null" => Value::Null,
        ast::ExprKind::List(items) => Value::Array(items.iter().map(expr_to_json).collect::<Result<_, _>>()?),
        ast::ExprKind::Object(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                if map.insert(k.text.clone(), expr_to_json(v)?).is_some() {
                    return Err((k.span, format!("the member `{}` is written twice", k.text)));
                }
            }
            Value::Object(map)
        }
        _ => {
            return Err((expr.span, "expected a JSON value: string, number, true, false, null, list or object".into()));
        }
    })
}

/// JSON kinds, as a bit set, for telling untagged variants apart.
mod kind {
    pub const NULL: u8 = 1;
    pub const BOOL: u8 = 2;
    pub const INT: u8 = 4;
    /// Numbers written with a fraction or exponent.
    pub const FRACTION: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;
    pub const ANY: u8 = 127;

    pub fn describe(k: u8) -> &'static str {
        match k {
            NULL => "null",
            BOOL => "a boolean",
            INT => "an integer",
            FRACTION => "a number with a fraction",
            STRING => "a string",
            ARRAY => "an array",
            _ => "an object",
        }
    }
}

/// An object's member names: (required, optional).
type MemberNames = (Vec<String>, Vec<String>);

/// What JSON a type accepts, coarsely: its kinds and, for plain structs, the keys.
#[derive(Clone, Debug, Default)]
struct Shape {
    kinds: u8,
    /// Required and optional member names, when the object kind comes from one struct.
    object: Option<MemberNames>,
}

impl<'a> Lower<'a> {
    // ---- declarations ----

    pub(crate) fn lower_type_def(&mut self, item: &'a ast::Item, id: TypeId) -> Option<TypeDef> {
        let name = item.name()?.clone();
        let meta = self.meta(item, name.span);
        let kind = match &item.kind {
            ast::ItemKind::Struct { fields, .. } => {
                let mut unknown = self.settings.unknown_fields;
                let mut tag = TagValue::Str(name.text.to_snake_case());
                for attr in &item.attrs {
                    match attr.name.text.as_str() {
                        "strict" if self.no_args(attr) => unknown = PerDirection::both(UnknownFields::Reject),
                        "lenient" if self.no_args(attr) => unknown = PerDirection::both(UnknownFields::Ignore),
                        "tag" => {
                            if let Some(t) = self.tag_arg(attr) {
                                tag = t;
                            }
                        }
                        "error" if self.settings.jsonrpc => {
                            if let Some(first) = self.error_struct {
                                let first_span = self.type_items[first.0 as usize].name().map_or(item.span, |n| n.span);
                                self.error(
                                    Diagnostic::error(
                                        "S0409",
                                        "more than one `@error` struct",
                                        name.span,
                                        "second error struct",
                                    )
                                    .with_secondary(first_span, "first one"),
                                );
                            } else {
                                self.error_struct = Some(id);
                            }
                        }
                        "deprecated" | "since" | "example" | "renamed_from" | "breaking" | "ident" | "strict"
                        | "lenient" => {}
                        _ => self.unknown_attr(
                            attr,
                            &[
                                "strict",
                                "lenient",
                                "tag",
                                "error",
                                "deprecated",
                                "since",
                                "example",
                                "renamed_from",
                                "breaking",
                                "ident",
                            ],
                            "a struct",
                        ),
                    }
                }
                let fields = self.lower_fields(fields);
                TypeDefKind::Struct(Struct { fields, unknown_fields: unknown, tag })
            }
            ast::ItemKind::Enum { repr, variants, .. } => {
                TypeDefKind::Enum(self.lower_enum(item, repr.as_ref(), variants))
            }
            ast::ItemKind::Union { variants, .. } => TypeDefKind::Union(self.lower_union(item, &name, variants)?),
            ast::ItemKind::Alias { ty, .. } => {
                for attr in &item.attrs {
                    if !super::attrs::META_ATTRS.contains(&attr.name.text.as_str()) {
                        self.unknown_attr(attr, super::attrs::META_ATTRS, "a type alias");
                    }
                }
                let (ty, nullable) = self.lower_type_expr(ty);
                TypeDefKind::Alias(if nullable { plain(TypeKind::Nullable(Box::new(ty))) } else { ty })
            }
            _ => return None,
        };
        Some(TypeDef { name: name.text, meta, kind })
    }

    /// `@tag("x")`, `@tag(3)`, `@tag(true)` or `@tag(null)`: a struct's tag in a tagged
    /// union is any JSON scalar, as a message's is (`"success": true` picks one variant).
    fn tag_arg(&mut self, attr: &ast::Attribute) -> Option<TagValue> {
        let arg = self.one_arg(attr, "one tag value, `@tag(\"name\")` or `@tag(3)`")?;
        self.message_tag_value(arg)
    }

    pub(crate) fn tag_value(&mut self, arg: &ast::Expr) -> Option<TagValue> {
        match &arg.kind {
            ast::ExprKind::Str(s) => Some(TagValue::Str(s.clone())),
            ast::ExprKind::Int(t) => match parse_int(t).and_then(|i| i64::try_from(i).ok()) {
                Some(i) => Some(TagValue::Int(i)),
                None => {
                    self.error(Diagnostic::error("S0410", "tag value out of range", arg.span, "must fit in an i64"));
                    None
                }
            },
            _ => {
                self.error(Diagnostic::error(
                    "S0410",
                    "a tag value is a string or an integer",
                    arg.span,
                    "expected \"name\" or an integer",
                ));
                None
            }
        }
    }

    fn lower_enum(&mut self, item: &ast::Item, repr: Option<&ast::TypeExpr>, variants: &[ast::Variant]) -> Enum {
        let mut open = false;
        let mut flags = false;
        for attr in &item.attrs {
            match attr.name.text.as_str() {
                "open" if self.no_args(attr) => open = true,
                "flags" if self.no_args(attr) => flags = true,
                "deprecated" | "since" | "example" | "renamed_from" | "breaking" | "ident" | "open" | "flags" => {}
                _ => self.unknown_attr(
                    attr,
                    &["open", "flags", "deprecated", "since", "example", "renamed_from", "breaking", "ident"],
                    "an enum",
                ),
            }
        }
        let repr = match repr {
            None => EnumRepr::String,
            Some(te) => match &te.kind {
                ast::TypeExprKind::Named { name, args } if args.is_empty() && te.attrs.is_empty() => {
                    match builtin(&name.text) {
                        Some(TypeKind::Int(i)) => EnumRepr::Int(i),
                        None if name.text == "int" => EnumRepr::Integer,
                        _ => {
                            self.error(
                                Diagnostic::error(
                                    "S0310",
                                    "an enum's representation is an integer type",
                                    te.span,
                                    "not an integer type",
                                )
                                .with_help(
                                    "write `enum Name: u8 { ... }` (or `: int` for any integer), or leave it out for string values",
                                ),
                            );
                            EnumRepr::String
                        }
                    }
                }
                _ => {
                    self.error(Diagnostic::error(
                        "S0310",
                        "an enum's representation is an integer type",
                        te.span,
                        "not an integer type",
                    ));
                    EnumRepr::String
                }
            },
        };
        if flags && !matches!(repr, EnumRepr::Int(_) | EnumRepr::Integer) {
            let span = item.attrs.iter().find(|a| a.name.text == "flags").map_or(item.span, |a| a.span);
            self.error(
                Diagnostic::error(
                    "S0310",
                    "a `@flags` enum needs an integer representation",
                    span,
                    "flags are bits of an integer",
                )
                .with_help("write `@flags enum Name: u32 { a = 1, b = 2 }`"),
            );
        }
        let mut out: Vec<EnumVariant> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        // The width variant values must fit: `int` enums keep theirs in an i64 like all tags.
        let it = match &repr {
            EnumRepr::Int(it) => *it,
            _ => IntType { signed: true, bits: 64, encoding: IntEncoding::Number },
        };
        // Each name's and value's index, so an enum of 100,000 variants is checked in
        // linear time.
        let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut values: std::collections::HashMap<TagValue, usize> = std::collections::HashMap::new();
        for v in variants {
            let (meta, rest) = self.member_meta(&v.docs, &v.attrs, v.name.span);
            for attr in rest {
                self.unknown_attr(attr, super::attrs::META_ATTRS, "an enum variant");
            }
            let value = match (&repr, &v.value) {
                (EnumRepr::String, None) => TagValue::Str(v.name.text.clone()),
                (EnumRepr::String, Some(e)) => match &e.kind {
                    ast::ExprKind::Str(s) => TagValue::Str(s.clone()),
                    _ => {
                        self.error(
                            Diagnostic::error(
                                "S0310",
                                "a string enum's values are strings",
                                e.span,
                                "expected a string",
                            )
                            .with_help("give the enum an integer representation (`enum Name: u16`) for integer values"),
                        );
                        continue;
                    }
                },
                (EnumRepr::Int(_) | EnumRepr::Integer, Some(e)) => match &e.kind {
                    ast::ExprKind::Int(t) => match parse_int(t) {
                        Some(i) if i >= it.min() && i <= it.max() && i64::try_from(i).is_ok() => {
                            TagValue::Int(i as i64)
                        }
                        Some(i) if i >= it.min() && i <= it.max() => {
                            self.error(
                                Diagnostic::error(
                                    "S0310",
                                    "enum values above 2^63 - 1 are not supported",
                                    e.span,
                                    "too large",
                                )
                                .with_note("generated code keeps enum values in a signed 64-bit integer"),
                            );
                            continue;
                        }
                        _ => {
                            self.error(Diagnostic::error(
                                "S0310",
                                format!("value does not fit the enum's type `{}`", it.name()),
                                e.span,
                                format!("outside {}..={}", it.min(), it.max()),
                            ));
                            continue;
                        }
                    },
                    _ => {
                        self.error(Diagnostic::error(
                            "S0310",
                            "an integer enum's values are integers",
                            e.span,
                            "expected an integer",
                        ));
                        continue;
                    }
                },
                (EnumRepr::Int(_) | EnumRepr::Integer, None) => {
                    self.error(
                        Diagnostic::error("S0310", "an integer enum's variants need values", v.name.span, "no value")
                            .with_help(format!("write `{} = 1`", v.name.text)),
                    );
                    continue;
                }
            };
            if let Some(&i) = names.get(&v.name.text) {
                self.error(
                    Diagnostic::error(
                        "S0205",
                        format!("variant `{}` is declared twice", v.name.text),
                        v.name.span,
                        "declared again",
                    )
                    .with_secondary(spans[i], "first declared here"),
                );
                continue;
            }
            if let Some(&i) = values.get(&value) {
                self.error(
                    Diagnostic::error("S0205", format!("two variants have the value {value}"), v.span, "same value")
                        .with_secondary(spans[i], format!("`{}` has it already", out[i].name)),
                );
                continue;
            }
            names.insert(v.name.text.clone(), out.len());
            values.insert(value.clone(), out.len());
            spans.push(v.span);
            out.push(EnumVariant { name: v.name.text.clone(), meta, value });
        }
        // Every variant was rejected above: keep the enum open so it is not also reported
        // as having no value (the schema is not produced anyway).
        let open = open || (out.is_empty() && !variants.is_empty());
        Enum { repr, open, flags, variants: out }
    }

    fn lower_union(&mut self, item: &ast::Item, name: &ast::Name, variants: &[ast::TypeExpr]) -> Option<Union> {
        let mut untagged = false;
        let mut ordered = false;
        let mut open = false;
        let mut field = "type".to_string();
        let mut base_attr = None;
        for attr in &item.attrs {
            match attr.name.text.as_str() {
                "untagged" => match attr.args.as_deref() {
                    None | Some([]) => untagged = true,
                    Some([a]) if matches!(&a.kind, ast::ExprKind::Ident(w) if w == "ordered") => {
                        untagged = true;
                        ordered = true;
                    }
                    _ => self.bad_args(attr, "nothing, or `ordered`: `@untagged(ordered)`"),
                },
                "open" if self.no_args(attr) => open = true,
                "base" => {
                    if let Some(arg) = self.one_arg(attr, "a struct name, `@base(EventBase)`") {
                        base_attr = Some((attr, arg));
                    }
                }
                "tag_field" => {
                    if let Some(f) = self.string_arg(attr, "a member name, `@tag_field(\"kind\")`") {
                        field = f;
                    }
                }
                "deprecated" | "since" | "example" | "renamed_from" | "breaking" | "ident" | "open" => {}
                _ => self.unknown_attr(
                    attr,
                    &[
                        "untagged",
                        "open",
                        "tag_field",
                        "base",
                        "deprecated",
                        "since",
                        "example",
                        "renamed_from",
                        "breaking",
                        "ident",
                    ],
                    "a union",
                ),
            }
        }
        if untagged {
            if open {
                self.error(Diagnostic::error(
                    "S0403",
                    "an untagged union cannot be `@open`",
                    name.span,
                    "no tag to keep",
                ));
            }
            if let Some(attr) = item.attrs.iter().find(|a| a.name.text == "tag_field") {
                self.error(Diagnostic::error(
                    "S0403",
                    "an untagged union has no tag member",
                    attr.span,
                    "contradicts `@untagged`",
                ));
            }
            if let Some((attr, _)) = base_attr {
                self.error(
                    Diagnostic::error("S0320", "an untagged union has no base", attr.span, "contradicts `@untagged`")
                        .with_note("`@base` names the members every variant of a tagged union has"),
                );
            }
            let lowered: Vec<(Type, Span)> = variants
                .iter()
                .map(|v| {
                    let (ty, nullable) = self.lower_type_expr(v);
                    (if nullable { plain(TypeKind::Nullable(Box::new(ty))) } else { ty }, v.span)
                })
                .collect();
            if ordered {
                // First match in declared order: nothing to prove, but the writers must
                // still tell the variants apart.
                self.untagged_writers.push(super::writers::Pending {
                    owner: quote_owner(&name.text),
                    variants: lowered.clone(),
                    ordered: true,
                });
                let variants = lowered.into_iter().map(|(t, _)| t).collect();
                return Some(Union::Untagged(Untagged {
                    variants,
                    kinds: Vec::new(),
                    signatures: Vec::new(),
                    keys: Vec::new(),
                    name: None,
                    ordered: true,
                }));
            }
            let u = self.untagged(&name.text, &lowered);
            return Some(Union::Untagged(u));
        }
        let base = base_attr.and_then(|(attr, arg)| self.union_base(attr, arg, &field));
        let mut ids = Vec::new();
        // The first variant with each tag, so a union of 100,000 variants is checked in
        // linear time.
        let mut tags: std::collections::HashMap<TagValue, Span> = std::collections::HashMap::new();
        for v in variants {
            let ast::TypeExprKind::Named { name: vname, args } = &v.kind else {
                self.not_struct_variant(v.span, name);
                continue;
            };
            let decl = self.names.get(vname.text.as_str()).copied();
            let Some(Decl::Type(id, vitem)) = decl else {
                let (_, _) = self.lower_type_expr(v); // reports unknown names
                if decl.is_some() || builtin(&vname.text).is_some() {
                    self.not_struct_variant(v.span, name);
                }
                continue;
            };
            let ast::ItemKind::Struct { fields, .. } = &vitem.kind else {
                self.not_struct_variant(v.span, name);
                continue;
            };
            if !args.is_empty() || !v.attrs.is_empty() {
                self.not_struct_variant(v.span, name);
                continue;
            }
            let tag = vitem
                .attrs
                .iter()
                .find(|a| a.name.text == "tag")
                .and_then(|a| match a.args.as_deref() {
                    Some([e]) => match &e.kind {
                        ast::ExprKind::Str(s) => Some(TagValue::Str(s.clone())),
                        ast::ExprKind::Int(t) => parse_int(t).and_then(|i| i64::try_from(i).ok()).map(TagValue::Int),
                        ast::ExprKind::Ident(w) if w == "true" => Some(TagValue::Bool(true)),
                        ast::ExprKind::Ident(w) if w == "false" => Some(TagValue::Bool(false)),
                        ast::ExprKind::Ident(w) if w == "null" => Some(TagValue::Null),
                        _ => None,
                    },
                    _ => None,
                })
                .unwrap_or_else(|| TagValue::Str(vname.text.to_snake_case()));
            if let Some(first) = tags.get(&tag) {
                self.error(
                    Diagnostic::error(
                        "S0311",
                        format!("two variants of `{}` have the tag {tag}", name.text),
                        v.span,
                        "same tag",
                    )
                    .with_secondary(*first, "first variant with it")
                    .with_help("give one of the structs another `@tag(\"...\")`"),
                );
            }
            if let Some(f) = fields.iter().find(|f| f.name.text == field) {
                self.error(
                    Diagnostic::error(
                        "S0311",
                        format!("`{}` has a field `{field}`, the tag member of union `{}`", vname.text, name.text),
                        f.name.span,
                        "collides with the tag member",
                    )
                    .with_secondary(v.span, "used as a variant here")
                    .with_help("rename the field, or set another tag member with `@tag_field(\"kind\")`"),
                );
            }
            if let Some((_, base_fields)) = &base {
                for f in fields {
                    if let Some(b) = base_fields.iter().find(|b| b.name.text == f.name.text) {
                        self.error(
                            Diagnostic::error(
                                "S0321",
                                format!("`{}` declares `{}`, a member of the union's base", vname.text, f.name.text),
                                f.name.span,
                                "declared again in a variant",
                            )
                            .with_secondary(b.name.span, "declared in the base")
                            .with_help("declare a member every variant has once, in the base struct"),
                        );
                    }
                }
            }
            tags.entry(tag).or_insert(v.span);
            ids.push(id);
        }
        Some(Union::Tagged { field, variants: ids, open, base: base.map(|(id, _)| id) })
    }

    /// The struct named by a tagged union's `@base(Name)`, with its fields as written.
    fn union_base(
        &mut self,
        attr: &ast::Attribute,
        arg: &ast::Expr,
        tag_field: &str,
    ) -> Option<(TypeId, &'a [ast::Field])> {
        let named = match &arg.kind {
            ast::ExprKind::Ident(n) => Some(n.as_str()),
            _ => None,
        };
        let Some(name) = named else {
            self.bad_args(attr, "a struct name, `@base(EventBase)`");
            return None;
        };
        match self.names.get(name).copied() {
            Some(Decl::Type(id, item)) => match &item.kind {
                ast::ItemKind::Struct { fields, .. } => {
                    if let Some(f) = fields.iter().find(|f| f.name.text == tag_field) {
                        self.error(
                            Diagnostic::error(
                                "S0321",
                                format!("the base `{name}` has a field `{tag_field}`, the union's tag member"),
                                f.name.span,
                                "collides with the tag member",
                            )
                            .with_secondary(arg.span, "the base of the union")
                            .with_help("the tag member is the union's own; leave it out of the base"),
                        );
                    }
                    Some((id, fields.as_slice()))
                }
                _ => {
                    self.error(
                        Diagnostic::error(
                            "S0320",
                            format!("the base `{name}` is not a struct"),
                            arg.span,
                            "not a struct",
                        )
                        .with_note("`@base` names a struct whose members every variant has"),
                    );
                    None
                }
            },
            _ => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, d)| matches!(d, Decl::Type(_, i) if matches!(i.kind, ast::ItemKind::Struct { .. })))
                    .map(|(n, _)| *n)
                    .collect();
                let mut diag = Diagnostic::error(
                    "S0320",
                    format!("unknown base struct `{name}`"),
                    arg.span,
                    "no struct has this name",
                );
                if let Some(s) = suggest(name, candidates) {
                    diag = diag.with_help(format!("did you mean `{s}`?"));
                }
                self.error(diag);
                None
            }
        }
    }

    fn not_struct_variant(&mut self, span: Span, union: &ast::Name) {
        self.error(
            Diagnostic::error(
                "S0311",
                format!("a variant of tagged union `{}` must be a struct", union.text),
                span,
                "not a struct",
            )
            .with_help("mark the union `@untagged` to mix other types"),
        );
    }

    // ---- fields ----

    pub(crate) fn lower_fields(&mut self, fields: &[ast::Field]) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        // Each wire name's index, so a struct of 100,000 fields is checked in linear time.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for f in fields {
            let Some(field) = self.lower_field(f) else { continue };
            if let Some(&i) = seen.get(&field.name) {
                self.error(
                    Diagnostic::error(
                        "S0204",
                        format!("field `{}` is declared twice", field.name),
                        f.name.span,
                        "declared again",
                    )
                    .with_secondary(spans[i], "first declared here"),
                );
                continue;
            }
            seen.insert(field.name.clone(), out.len());
            spans.push(f.name.span);
            out.push(field);
        }
        // A `Field` is large and most structs are small: no spare capacity in the model.
        out.shrink_to_fit();
        out
    }

    fn lower_field(&mut self, f: &ast::Field) -> Option<Field> {
        let (meta, rest) = self.member_meta(&f.docs, &f.attrs, f.name.span);
        let mut absent = self.settings.absent;
        let mut absent_attr = None;
        for attr in rest {
            match attr.name.text.as_str() {
                "absent" => match self.one_arg(attr, "`omit` or `null`").and_then(super::settings::word) {
                    Some("omit") => absent = Absent::Omit,
                    Some("null") => {
                        absent = Absent::Null;
                        absent_attr = Some(attr.span);
                    }
                    _ => self.bad_args(attr, "`@absent(omit)` or `@absent(null)`"),
                },
                _ => self.unknown_attr(
                    attr,
                    &["absent", "deprecated", "since", "example", "renamed_from", "breaking", "ident"],
                    "a field",
                ),
            }
        }
        let (ty, nullable) = self.lower_type_expr(&f.ty);
        let default = match &f.default {
            // The parser already reported what made the value unreadable.
            Some(expr) if expr.kind == ast::ExprKind::Error => None,
            Some(expr) => match self.default_json(expr, &ty) {
                Ok(v) => {
                    self.deferred.push(Deferred::Default {
                        ty: ty.clone(),
                        nullable,
                        value: v.clone(),
                        span: expr.span,
                    });
                    Some(v)
                }
                Err((span, msg)) => {
                    self.error(Diagnostic::error("S0306", "invalid default value", span, msg));
                    None
                }
            },
            None => None,
        };
        // Writing `null` for a missing value is only readable where the member may be
        // absent and may be null. Whether it may be null is known once every type is (an
        // alias of `T | null` makes it so), so the check waits.
        let required = f.optional.is_none() && f.default.is_none();
        if let Some(span) = absent_attr {
            self.deferred.push(Deferred::AbsentNull {
                ty: if nullable { plain(TypeKind::Nullable(Box::new(ty.clone()))) } else { ty.clone() },
                required,
                name: f.name.text.clone(),
                span,
            });
        }
        // `T | null` is one representation wherever it is written: the field's type. Whether
        // the field may be null (and the writer's policy that follows) is decided from it
        // once every type is lowered (`finish.rs`).
        let ty = if nullable { plain(TypeKind::Nullable(Box::new(ty))) } else { ty };
        Some(Field {
            name: f.name.text.clone(),
            meta,
            ty,
            required: f.optional.is_none() && default.is_none(),
            nullable,
            default,
            absent,
            default_value: None,
            indirect: false,
        })
    }

    /// A default as the JSON it stands for: enum variants by name become their wire value.
    fn default_json(&mut self, expr: &ast::Expr, ty: &Type) -> Result<serde_json::Value, (Span, String)> {
        if let ast::ExprKind::Ident(w) = &expr.kind
            && !matches!(w.as_str(), "true" | "false" | "null")
        {
            if let Some(variants) = self.enum_variants_of(ty) {
                return match variants.iter().find(|(n, _)| n == w) {
                    Some((_, v)) => Ok(v.clone()),
                    None => {
                        let names: Vec<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
                        let hint = suggest(w, names.iter().copied()).map_or_else(
                            || format!("variants: {}", names.join(", ")),
                            |s| format!("did you mean `{s}`?"),
                        );
                        Err((expr.span, format!("no variant `{w}`; {hint}")))
                    }
                };
            }
            return Err((expr.span, format!("`{w}` is not a value of this field's type")));
        }
        expr_to_json(expr)
    }

    /// The (name, wire value) pairs of an enum type, following aliases (a chain of any
    /// length, in a loop), from the syntax so it works before the enum is lowered.
    fn enum_variants_of(&self, ty: &Type) -> Option<Vec<(String, serde_json::Value)>> {
        let TypeKind::Named(id) = &ty.kind else { return None };
        let mut at = *id;
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(at) {
                return None;
            }
            match &self.type_items[at.0 as usize].kind {
                ast::ItemKind::Enum { repr, variants, .. } => {
                    return Some(
                        variants
                            .iter()
                            .filter_map(|v| {
                                let value = match (&v.value, repr) {
                                    (None, None) => serde_json::Value::String(v.name.text.clone()),
                                    (Some(e), _) => expr_to_json(e).ok()?,
                                    (None, Some(_)) => return None,
                                };
                                Some((v.name.text.clone(), value))
                            })
                            .collect(),
                    );
                }
                ast::ItemKind::Alias { ty: te, .. } => {
                    let ast::TypeExprKind::Named { name, .. } = &te.kind else { return None };
                    match self.names.get(name.text.as_str()) {
                        Some(Decl::Type(target, _)) => at = *target,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    // ---- type expressions ----

    /// Lowers a type as written; returns it with whether `null` was one of its members.
    /// Errors are reported and stand-in `json` types returned, so lowering goes on.
    pub(crate) fn lower_type_expr(&mut self, te: &ast::TypeExpr) -> (Type, bool) {
        let (mut ty, nullable) = match &te.kind {
            ast::TypeExprKind::Union(members) => {
                let nullable = members.iter().any(|m| matches!(m.kind, ast::TypeExprKind::Null));
                let rest: Vec<&ast::TypeExpr> =
                    members.iter().filter(|m| !matches!(m.kind, ast::TypeExprKind::Null)).collect();
                match rest.as_slice() {
                    [] => (plain(TypeKind::Null), false),
                    [one] => {
                        let (t, n) = self.lower_type_expr(one);
                        (t, nullable || n)
                    }
                    many => {
                        let lowered: Vec<(Type, Span)> = many
                            .iter()
                            .map(|m| {
                                let (t, n) = self.lower_type_expr(m);
                                (if n { plain(TypeKind::Nullable(Box::new(t))) } else { t }, m.span)
                            })
                            .collect();
                        let u = self.untagged("this union", &lowered);
                        (plain(TypeKind::OneOf(Box::new(u))), nullable)
                    }
                }
            }
            ast::TypeExprKind::Null => (plain(TypeKind::Null), false),
            ast::TypeExprKind::List(inner) => {
                let (t, n) = self.lower_type_expr(inner);
                let item = if n { plain(TypeKind::Nullable(Box::new(t))) } else { t };
                (plain(TypeKind::List(Box::new(item))), false)
            }
            ast::TypeExprKind::Tuple(elements) => {
                let elements = elements
                    .iter()
                    .map(|e| {
                        let (t, n) = self.lower_type_expr(e);
                        if n { plain(TypeKind::Nullable(Box::new(t))) } else { t }
                    })
                    .collect();
                (plain(TypeKind::Tuple(elements)), false)
            }
            ast::TypeExprKind::Named { name, args } => (self.lower_named(name, args, te.span), false),
            ast::TypeExprKind::Error => (plain(TypeKind::Json), false),
        };
        if !te.attrs.is_empty() {
            self.apply_type_attrs(&mut ty, te);
        }
        (ty, nullable)
    }

    fn lower_named(&mut self, name: &ast::Name, args: &[ast::TypeExpr], span: Span) -> Type {
        if name.text == "map" {
            if let [arg] = args {
                let (t, n) = self.lower_type_expr(arg);
                let value = if n { plain(TypeKind::Nullable(Box::new(t))) } else { t };
                return plain(TypeKind::Map(Box::new(value)));
            }
            self.error(
                Diagnostic::error("S0312", "`map` takes one type argument", span, "expected `map<T>`")
                    .with_note("map keys are always strings; `T` is the type of the values"),
            );
            return plain(TypeKind::Json);
        }
        if !args.is_empty() {
            self.error(Diagnostic::error(
                "S0312",
                format!("`{}` takes no type arguments", name.text),
                span,
                "unexpected `<...>`",
            ));
        }
        if let Some(kind) = builtin(&name.text) {
            return plain(kind);
        }
        match self.names.get(name.text.as_str()) {
            Some(Decl::Type(id, _)) => plain(TypeKind::Named(*id)),
            Some(Decl::Message(..)) => {
                self.error(
                    Diagnostic::error(
                        "S0202",
                        format!("`{}` is a message, not a type", name.text),
                        name.span,
                        "a message",
                    )
                    .with_help("declare the shared members in a `struct` and use it in both places"),
                );
                plain(TypeKind::Json)
            }
            None => {
                let mut candidates: Vec<&str> = BUILTIN_TYPES.to_vec();
                if self.may_suggest(self.names.len()) {
                    candidates.extend(self.names.iter().filter(|(_, d)| matches!(d, Decl::Type(..))).map(|(n, _)| *n));
                }
                let mut diag =
                    Diagnostic::error("S0202", format!("unknown type `{}`", name.text), name.span, "not declared");
                if let Some(s) = suggest(&name.text, candidates) {
                    diag = diag.with_help(format!("did you mean `{s}`?"));
                } else if let Some(hint) = foreign_type_hint(&name.text) {
                    diag = diag.with_help(hint);
                }
                self.error(diag);
                plain(TypeKind::Json)
            }
        }
    }

    fn apply_type_attrs(&mut self, ty: &mut Type, te: &ast::TypeExpr) {
        for attr in &te.attrs {
            match attr.name.text.as_str() {
                "range" => {
                    if let Some(arg) = self.one_arg(attr, "a range, `@range(0..=100)`")
                        && let Some(r) = self.num_range(attr, arg)
                    {
                        ty.constraints.range = Some(r);
                    }
                }
                "len" => {
                    if let Some(arg) = self.one_arg(attr, "a range, `@len(1..=64)`")
                        && let Some(r) = self.len_range(attr, arg)
                    {
                        ty.constraints.len = Some(r);
                    }
                }
                "pattern" => {
                    if let Some(p) = self.string_arg(attr, "a regular expression, `@pattern(\"^[a-z]+$\")`") {
                        let literal = attr.args.as_deref().and_then(|a| a.first()).map_or(attr.span, |a| a.span);
                        if self.check_pattern(&p, literal) {
                            ty.constraints.patterns.push(p);
                        }
                    }
                }
                "as" => self.encoding(ty, attr),
                "deprecated" | "since" | "example" | "renamed_from" | "breaking" | "ident" | "absent" | "tag"
                | "error" | "strict" | "lenient" => {
                    self.error(
                        Diagnostic::error(
                            "S0301",
                            format!("`@{}` belongs before the field or item", attr.name.text),
                            attr.span,
                            "written after a type",
                        )
                        .with_help("attributes after a type constrain the type: @range, @len, @pattern, @as"),
                    );
                }
                _ => self.unknown_attr(attr, super::attrs::TYPE_ATTRS, "a type"),
            }
        }
        if matches!(ty.kind, TypeKind::OneOf(_)) && !ty.constraints.is_empty() {
            self.error(
                Diagnostic::error("S0303", "constraints cannot apply to a union of types", te.span, "which member?")
                    .with_help("name the constrained member with an alias: `type Short = string @len(..=8)`"),
            );
        }
        if !ty.constraints.is_empty() && !matches!(ty.kind, TypeKind::OneOf(_)) {
            self.deferred.push(Deferred::Constraints { ty: ty.clone(), span: te.span });
        }
    }

    fn encoding(&mut self, ty: &mut Type, attr: &ast::Attribute) {
        let Some(w) = self.one_arg(attr, "an encoding, `@as(unix_ms)`").and_then(super::settings::word) else {
            return;
        };
        if let Some(kind) = with_encoding(&ty.kind, w) {
            ty.kind = kind;
            return;
        }
        match &ty.kind {
            TypeKind::DateTime(_) => {
                self.error(
                    Diagnostic::error(
                        "S0309",
                        format!("unknown encoding `{w}` for `datetime`"),
                        attr.span,
                        "unknown encoding",
                    )
                    .with_note(
                        "datetime encodings: rfc3339, local, unix_s, unix_ms, unix_us, unix_s_float, unix_ms_float",
                    ),
                );
            }
            TypeKind::Int(_) => self.bad_encoding(attr, w, "integers take `@as(string)` or `@as(number)`"),
            TypeKind::Bytes(_) => self.bad_encoding(attr, w, "bytes take `@as(base64)` or `@as(base64url)`"),
            _ => self.bad_encoding(
                attr,
                w,
                "`@as` applies to built-in integers, `bytes` and `datetime`, written directly (not through an alias)",
            ),
        }
    }

    fn bad_encoding(&mut self, attr: &ast::Attribute, w: &str, note: &str) {
        self.error(
            Diagnostic::error("S0309", format!("`@as({w})` does not apply here"), attr.span, "unsupported encoding")
                .with_note(note),
        );
    }

    fn bound(&mut self, e: &ast::Expr) -> Option<Number> {
        match &e.kind {
            ast::ExprKind::Int(t) => parse_int(t).map(Number::Int),
            ast::ExprKind::Float(t) => parse_float(t).map(Number::Float),
            _ => None,
        }
        .or_else(|| {
            // A number that does not fit says so; "expected a number" would be wrong.
            let (message, label) = match &e.kind {
                ast::ExprKind::Float(_) => ("a range bound is too large", "not a finite 64-bit float"),
                ast::ExprKind::Int(_) => ("a range bound is too large", "beyond 128-bit integers"),
                _ => ("a range bound is a number", "expected a number"),
            };
            self.error(Diagnostic::error("S0302", message, e.span, label));
            None
        })
    }

    fn num_range(&mut self, attr: &ast::Attribute, arg: &ast::Expr) -> Option<NumRange> {
        let ast::ExprKind::Range { start, end, inclusive } = &arg.kind else {
            self.bad_args(attr, "a range such as `0..=100`, `1..` or `..10`");
            return None;
        };
        let min = match start {
            Some(s) => Some(Limit { value: self.bound(s)?, exclusive: false }),
            None => None,
        };
        let max = match end {
            Some(e) => Some(Limit { value: self.bound(e)?, exclusive: !inclusive }),
            None => None,
        };
        if let (Some(lo), Some(hi)) = (min, max) {
            let empty = match (lo.value, hi.value) {
                (Number::Int(a), Number::Int(b)) => a > b || (a == b && hi.exclusive),
                (a, b) => a.as_f64() > b.as_f64() || (a.as_f64() == b.as_f64() && hi.exclusive),
            };
            if empty {
                self.error(
                    Diagnostic::error("S0304", "this range contains no value", arg.span, "empty range")
                        .with_help("the start must be below the end: `@range(1..=5)`"),
                );
                return None;
            }
        }
        Some(NumRange { min, max })
    }

    fn len_range(&mut self, attr: &ast::Attribute, arg: &ast::Expr) -> Option<LenRange> {
        let ast::ExprKind::Range { start, end, inclusive } = &arg.kind else {
            self.bad_args(attr, "a range such as `1..`, `..=64` or `2..=8`");
            return None;
        };
        let bound = |cx: &mut Self, e: &ast::Expr| -> Option<u64> {
            match &e.kind {
                ast::ExprKind::Int(t) => parse_int(t).and_then(|i| u64::try_from(i).ok()).or_else(|| {
                    cx.error(Diagnostic::error(
                        "S0302",
                        "a length is a whole number of at least 0",
                        e.span,
                        "not a length",
                    ));
                    None
                }),
                _ => {
                    cx.error(Diagnostic::error("S0302", "a length is a whole number", e.span, "not a length"));
                    None
                }
            }
        };
        let min = match start {
            Some(s) => Some(bound(self, s)?),
            None => None,
        };
        let max = match end {
            Some(e) => {
                let b = bound(self, e)?;
                if *inclusive {
                    Some(b)
                } else if b == 0 {
                    self.error(Diagnostic::error(
                        "S0304",
                        "this length range contains no value",
                        arg.span,
                        "`..0` is empty",
                    ));
                    return None;
                } else {
                    Some(b - 1)
                }
            }
            None => None,
        };
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            self.error(
                Diagnostic::error("S0304", "this length range contains no value", arg.span, "empty range")
                    .with_help("the start must be below the end: `@len(1..=8)`"),
            );
            return None;
        }
        Some(LenRange { min: if min == Some(0) { None } else { min }, max })
    }

    // ---- untagged unions ----

    /// Proves the variants can be told apart by JSON kind (and objects by key presence),
    /// reporting the first pair that cannot; returns the union with object signatures.
    pub(crate) fn untagged(&mut self, owner: &str, variants: &[(Type, Span)]) -> Untagged {
        // A variant that leads back to the union itself adds nothing: that cycle is S0307's.
        let owner_id = match self.names.get(owner) {
            Some(Decl::Type(id, _)) => Some(*id),
            _ => None,
        };
        let shapes: Vec<Shape> =
            variants.iter().map(|(t, _)| self.shape(t, &mut owner_id.into_iter().collect())).collect();
        let mut ok = true;
        // The first clashing pair (i, then j) is found without comparing every pair: for
        // each `i`, the first later variant that clashes is the nearest later one sharing
        // one of its JSON kinds (objects: any later object if `i`'s is not one struct's,
        // else the nearest later object that is not).
        let next = next_clashing(&shapes);
        'pairs: for i in 0..shapes.len() {
            if let Some(j) = next(i) {
                let common = shapes[i].kinds & shapes[j].kinds & !kind::OBJECT;
                let both_objects = shapes[i].kinds & shapes[j].kinds & kind::OBJECT != 0;
                let clash = if common != 0 {
                    Some(kind::describe(1 << common.trailing_zeros()))
                } else if both_objects && (shapes[i].object.is_none() || shapes[j].object.is_none()) {
                    Some("an object (only structs can be told apart, by their required members)")
                } else {
                    None
                };
                if let Some(what) = clash {
                    self.error(
                        Diagnostic::error(
                            "S0308",
                            format!("the variants of {} cannot be told apart", quote_owner(owner)),
                            variants[j].1,
                            format!("accepts {what}"),
                        )
                        .with_secondary(variants[i].1, format!("also accepts {what}"))
                        .with_note(
                            "without a tag, a value is matched by its JSON kind, and an object by which members it has",
                        )
                        .with_help("use a tagged union, or variants of different JSON kinds"),
                    );
                    ok = false;
                    break 'pairs;
                }
            }
        }
        let objects: Vec<(usize, &MemberNames)> =
            shapes.iter().enumerate().filter_map(|(i, s)| s.object.as_ref().map(|o| (i, o))).collect();
        // Signatures only matter when several variants take objects.
        let (signatures, keys) = if ok && objects.len() > 1 {
            let named: Vec<(usize, Vec<String>, Vec<String>, Span)> =
                objects.iter().map(|(i, (req, opt))| (*i, req.clone(), opt.clone(), variants[*i].1)).collect();
            let title = format!("the variants of {} cannot be told apart", quote_owner(owner));
            self.signatures(&named, &title, "S0308").unwrap_or_default()
        } else {
            (Vec::new(), Vec::new())
        };
        if ok {
            self.untagged_writers.push(super::writers::Pending {
                owner: quote_owner(owner),
                variants: variants.to_vec(),
                ordered: false,
            });
        }
        // The kinds are stated once every type is lowered (`finish.rs`).
        Untagged {
            variants: variants.iter().map(|(t, _)| t.clone()).collect(),
            kinds: Vec::new(),
            signatures,
            keys,
            name: None,
            ordered: false,
        }
    }

    /// Structural signatures: each candidate's required keys. Proves they are distinct and
    /// that no optional member of one is a signature key of another.
    #[allow(clippy::type_complexity)]
    pub(crate) fn signatures(
        &mut self,
        candidates: &[(usize, Vec<String>, Vec<String>, Span)],
        title: &str,
        code: &'static str,
    ) -> Option<(Vec<(usize, Vec<String>)>, Vec<String>)> {
        let mut keys: Vec<String> = candidates.iter().flat_map(|(_, req, _, _)| req.iter().cloned()).collect();
        keys.sort();
        keys.dedup();
        // Hash maps, not pairwise comparison: 20,000 untagged messages took 11 s.
        let mut requiring: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for (_, req, _, span) in candidates {
            for key in req {
                requiring.entry(key.as_str()).or_insert(*span);
            }
        }
        let signatures: Vec<Vec<String>> = candidates.iter().map(|c| sorted(&c.1)).collect();
        let mut same: std::collections::HashMap<&[String], Vec<usize>> = std::collections::HashMap::new();
        for (b, sig) in signatures.iter().enumerate() {
            same.entry(sig.as_slice()).or_default().push(b);
        }
        let mut ok = true;
        for (a, ca) in candidates.iter().enumerate() {
            // Each later candidate with the same signature is reported once, against the
            // first (pairwise, n of them gave n² / 2 errors).
            let group = same.get(signatures[a].as_slice()).map_or(&[][..], |v| v.as_slice());
            if group.first() == Some(&a) {
                for &b in &group[1..] {
                    let cb = &candidates[b];
                    let sig = if ca.1.is_empty() {
                        "no required members".to_string()
                    } else {
                        format!("exactly {}", list(&signatures[a]))
                    };
                    self.error(
                        Diagnostic::error(code, title.to_string(), cb.3, format!("requires {sig}"))
                            .with_secondary(ca.3, format!("also requires {sig}"))
                            .with_note("without a tag, an object is matched by which of the members that some variant requires it has"),
                    );
                    ok = false;
                }
            }
            for key in &ca.2 {
                if let Some(&other) = requiring.get(key.as_str()) {
                    self.error(
                        Diagnostic::error(code, title.to_string(), ca.3, format!("has an optional member `{key}`"))
                            .with_secondary(other, format!("requires `{key}`, so `{key}` selects this variant"))
                            .with_help(format!("make `{key}` required in both, or rename it")),
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| (candidates.iter().zip(signatures).map(|((i, _, _, _), sig)| (*i, sig)).collect(), keys))
    }

    /// The JSON kinds a type accepts, from the syntax (types may not be lowered yet).
    /// `path` holds the named types being looked through: one met again is a cycle
    /// (reported as S0307) and adds no kind.
    fn shape(&self, ty: &Type, path: &mut HashSet<TypeId>) -> Shape {
        let kinds = |k| Shape { kinds: k, object: None };
        match &ty.kind {
            TypeKind::Bool => kinds(kind::BOOL),
            TypeKind::Int(i) if i.encoding == IntEncoding::String => kinds(kind::STRING),
            TypeKind::Int(_) => kinds(kind::INT),
            TypeKind::Float(_) => kinds(kind::INT | kind::FRACTION),
            TypeKind::String | TypeKind::Bytes(_) | TypeKind::Uuid | TypeKind::Date => kinds(kind::STRING),
            TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local) => kinds(kind::STRING),
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                kinds(kind::INT | kind::FRACTION)
            }
            TypeKind::DateTime(_) => kinds(kind::INT),
            TypeKind::Json => kinds(kind::ANY),
            TypeKind::Null => kinds(kind::NULL),
            TypeKind::List(_) | TypeKind::Tuple(_) => kinds(kind::ARRAY),
            TypeKind::Map(_) => kinds(kind::OBJECT),
            TypeKind::Nullable(inner) => {
                let mut s = self.shape(inner, path);
                s.kinds |= kind::NULL;
                s
            }
            TypeKind::OneOf(u) => kinds(u.variants.iter().fold(0, |acc, v| acc | self.shape(v, path).kinds)),
            TypeKind::Named(id) => match &self.type_items[id.0 as usize].kind {
                ast::ItemKind::Struct { fields, .. } => {
                    let (req, opt): (Vec<&ast::Field>, Vec<&ast::Field>) =
                        fields.iter().partition(|f| f.optional.is_none() && f.default.is_none());
                    Shape {
                        kinds: kind::OBJECT,
                        object: Some((
                            req.iter().map(|f| f.name.text.clone()).collect(),
                            opt.iter().map(|f| f.name.text.clone()).collect(),
                        )),
                    }
                }
                ast::ItemKind::Enum { repr: None, .. } => kinds(kind::STRING),
                ast::ItemKind::Enum { .. } => kinds(kind::INT),
                ast::ItemKind::Union { variants, .. } => {
                    let item = self.type_items[id.0 as usize];
                    if item.attrs.iter().any(|a| a.name.text == "untagged") {
                        if !path.insert(*id) {
                            return kinds(0);
                        }
                        let k = variants.iter().fold(0, |acc, v| acc | self.shape_of_expr(v, path).kinds);
                        path.remove(id);
                        kinds(k)
                    } else {
                        kinds(kind::OBJECT)
                    }
                }
                ast::ItemKind::Alias { .. } => self.shape_of_expr_named(*id, path),
                _ => kinds(kind::ANY),
            },
        }
    }

    /// The shape of a named type that may be an alias, following a chain of aliases in a
    /// loop (a chain of any length, no recursion per link).
    fn shape_of_expr_named(&self, id: TypeId, path: &mut HashSet<TypeId>) -> Shape {
        let mut entered = Vec::new();
        let mut at = id;
        let shape = loop {
            let item = self.type_items[at.0 as usize];
            let ast::ItemKind::Alias { ty: te, .. } = &item.kind else {
                break self.shape(&plain(TypeKind::Named(at)), path);
            };
            if !path.insert(at) {
                break Shape { kinds: 0, object: None };
            }
            entered.push(at);
            // An alias of an alias: the next link, without recursing.
            if let ast::TypeExprKind::Named { name, args } = &te.kind
                && args.is_empty()
                && builtin(&name.text).is_none()
                && let Some(Decl::Type(next, _)) = self.names.get(name.text.as_str())
            {
                at = *next;
                continue;
            }
            break self.shape_of_expr(te, path);
        };
        for id in entered {
            path.remove(&id);
        }
        shape
    }

    /// The shape of a type expression without lowering it (no diagnostics).
    fn shape_of_expr(&self, te: &ast::TypeExpr, path: &mut HashSet<TypeId>) -> Shape {
        let kinds = |k| Shape { kinds: k, object: None };
        match &te.kind {
            ast::TypeExprKind::Null => kinds(kind::NULL),
            ast::TypeExprKind::List(_) | ast::TypeExprKind::Tuple(_) => kinds(kind::ARRAY),
            ast::TypeExprKind::Union(members) => {
                let shapes: Vec<Shape> = members.iter().map(|m| self.shape_of_expr(m, path)).collect();
                if shapes.len() == 1 {
                    return shapes.into_iter().next().unwrap_or_default();
                }
                kinds(shapes.iter().fold(0, |acc, s| acc | s.kinds))
            }
            ast::TypeExprKind::Named { name, .. } => {
                if name.text == "map" {
                    return kinds(kind::OBJECT);
                }
                if let Some(mut k) = builtin(&name.text) {
                    for a in te.attrs.iter().filter(|a| a.name.text == "as") {
                        if let Some([arg]) = a.args.as_deref()
                            && let Some(w) = super::settings::word(arg)
                            && let Some(encoded) = with_encoding(&k, w)
                        {
                            k = encoded;
                        }
                    }
                    return self.shape(&plain(k), path);
                }
                match self.names.get(name.text.as_str()) {
                    Some(Decl::Type(id, _)) => self.shape_of_expr_named(*id, path),
                    _ => kinds(kind::ANY),
                }
            }
            ast::TypeExprKind::Error => kinds(kind::ANY),
        }
    }
}

/// What to write instead of a type name from another language.
fn foreign_type_hint(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "int" | "integer" | "long" | "short" | "usize" | "isize" | "number" => {
            "integers are sized: `i8` ... `i64`, `u8` ... `u64`; `f64` for any number"
        }
        "float" | "double" | "decimal" => "floating-point numbers are `f32` or `f64`",
        "str" | "text" | "char" => "write `string`",
        "boolean" => "write `bool`",
        "any" | "object" | "value" | "unknown" | "dict" => "write `json` for any value, or `map<T>` for an object",
        "array" | "list" | "vec" | "sequence" => "write a list as `[T]`",
        "timestamp" | "time" | "instant" => "write `datetime` (RFC 3339), or `datetime @as(unix_ms)` and friends",
        "binary" | "blob" | "buffer" => "write `bytes` (base64 in JSON)",
        _ => return None,
    })
}

/// A built-in type with the wire encoding `@as(word)`, when it takes that encoding.
fn with_encoding(kind: &TypeKind, word: &str) -> Option<TypeKind> {
    Some(match (kind, word) {
        (TypeKind::Int(i), "string") => TypeKind::Int(IntType { encoding: IntEncoding::String, ..*i }),
        (TypeKind::Int(i), "number") => TypeKind::Int(IntType { encoding: IntEncoding::Number, ..*i }),
        (TypeKind::Bytes(_), "base64") => TypeKind::Bytes(BytesEncoding::Base64),
        (TypeKind::Bytes(_), "base64url") => TypeKind::Bytes(BytesEncoding::Base64Url),
        (TypeKind::DateTime(_), w) => TypeKind::DateTime(match w {
            "rfc3339" => TimeEncoding::Rfc3339,
            "local" => TimeEncoding::Local,
            "unix_s" => TimeEncoding::UnixS,
            "unix_ms" => TimeEncoding::UnixMs,
            "unix_us" => TimeEncoding::UnixUs,
            "unix_s_float" => TimeEncoding::UnixSFloat,
            "unix_ms_float" => TimeEncoding::UnixMsFloat,
            _ => return None,
        }),
        _ => return None,
    })
}

fn sorted(keys: &[String]) -> Vec<String> {
    let mut k = keys.to_vec();
    k.sort();
    k
}

fn list(keys: &[String]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

fn quote_owner(owner: &str) -> String {
    if owner.contains(' ') { owner.to_string() } else { format!("`{owner}`") }
}

/// For an untagged union's shapes: a function giving, for variant `i`, the first later
/// variant that clashes with it (see `Lower::untagged`), in constant time after a linear
/// pass.
fn next_clashing(shapes: &[Shape]) -> impl Fn(usize) -> Option<usize> + '_ {
    const NONE: usize = usize::MAX;
    let n = shapes.len();
    // `after[b][i]`: the first index >= i whose kinds have bit b (bit 7: an object that is
    // not one struct's).
    let mut after = vec![[NONE; 8]; n + 1];
    for i in (0..n).rev() {
        after[i] = after[i + 1];
        for (b, slot) in after[i].iter_mut().enumerate().take(7) {
            if shapes[i].kinds & (1 << b) != 0 {
                *slot = i;
            }
        }
        if shapes[i].kinds & kind::OBJECT != 0 && shapes[i].object.is_none() {
            after[i][7] = i;
        }
    }
    move |i| {
        let s = &shapes[i];
        let later = &after[i + 1];
        let mut first = NONE;
        for (b, next) in later.iter().enumerate().take(6) {
            if s.kinds & (1 << b) != 0 {
                first = first.min(*next);
            }
        }
        if s.kinds & kind::OBJECT != 0 {
            let object = kind::OBJECT.trailing_zeros() as usize;
            first = first.min(if s.object.is_none() { later[object] } else { later[7] });
        }
        (first != NONE).then_some(first)
    }
}
