//! `protocol { ... }` and `connection { ... }` settings.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use sockspec_syntax::{Diagnostic, Span, ast, suggest};

use super::{Decl, Lower};
use crate::model::*;

const PROTOCOL_KEYS: &[&str] = &[
    "version",
    "style",
    "tag",
    "tag_case",
    "content",
    "id",
    "id_type",
    "id_order",
    "unknown_fields",
    "client_unknown_fields",
    "server_unknown_fields",
    "absent",
    "jsonrpc",
    "error",
    "second_tag",
    "unknown_tags",
    "client_unknown_tags",
    "server_unknown_tags",
    "result",
    "error_id",
    "frame_unknown_fields",
    "client_tag",
    "server_tag",
    "client_content",
    "server_content",
];

const CONNECTION_KEYS: &[&str] = &[
    "path",
    "subprotocols",
    "auth",
    "auth_required",
    "before_auth",
    "first",
    "heartbeat",
    "close_codes",
    "resume",
    "max_frame_bytes",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum TagCase {
    #[default]
    Snake,
    Camel,
    Pascal,
    ScreamingSnake,
    Kebab,
}

impl TagCase {
    pub fn apply(self, name: &str) -> String {
        match self {
            TagCase::Snake => name.to_snake_case(),
            TagCase::Camel => name.to_lower_camel_case(),
            TagCase::Pascal => name.to_upper_camel_case(),
            TagCase::ScreamingSnake => name.to_shouty_snake_case(),
            TagCase::Kebab => name.to_kebab_case(),
        }
    }
}

/// The protocol's settings with every default filled in.
#[derive(Clone, Debug)]
pub(crate) struct ProtocolSettings {
    pub name: String,
    pub version: Option<String>,
    pub jsonrpc: bool,
    pub jsonrpc_member: bool,
    pub error_name: Option<(String, Span)>,
    pub tag_fields: Vec<String>,
    pub tag_case: TagCase,
    pub content: Option<String>,
    pub id_field: String,
    pub id_type: Type,
    pub id_increasing: bool,
    pub unknown_fields: PerDirection<UnknownFields>,
    pub absent: Absent,
    pub second_tag: SecondTag,
    /// `unknown_tags`: which tag values of each side are an open set.
    pub unknown_tags: PerDirection<OpenTags>,
    pub result_object: bool,
    pub error_id_optional: bool,
    /// `frame_unknown_fields`: the JSON-RPC frame's own top-level policy.
    pub frame_unknown_fields: Option<UnknownFields>,
    /// `client_tag` / `server_tag`: a side's own tag fields, instead of `tag_fields`.
    pub side_tag_fields: PerDirection<Option<Vec<String>>>,
    /// `client_content` / `server_content`: a side's own content member.
    pub side_content: PerDirection<Option<Option<String>>>,
}

impl ProtocolSettings {
    /// The tag fields of what one side sends.
    pub fn tag_fields_of(&self, dir: Direction) -> &[String] {
        self.side_tag_fields.get(dir).as_deref().unwrap_or(&self.tag_fields)
    }

    /// The default content member of what one side sends.
    pub fn content_of(&self, dir: Direction) -> Option<&String> {
        match self.side_content.get(dir) {
            Some(c) => c.as_ref(),
            None => self.content.as_ref(),
        }
    }

    /// Whether the two sides frame their messages differently.
    pub fn framing_differs(&self) -> bool {
        self.tag_fields_of(Direction::Client) != self.tag_fields_of(Direction::Server)
            || self.content_of(Direction::Client) != self.content_of(Direction::Server)
    }

    /// Every tag field of either side.
    pub fn all_tag_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = self.tag_fields_of(Direction::Client).to_vec();
        for f in self.tag_fields_of(Direction::Server) {
            if !out.contains(f) {
                out.push(f.clone());
            }
        }
        out
    }
}

/// `unknown_tags = reject | keep | keep(0, 5)` for one side.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum OpenTags {
    #[default]
    Closed,
    /// Every level of the side's tags is open.
    All,
    /// Only the second level under these first values (families).
    Families(Vec<(TagValue, Span)>),
}

impl Default for ProtocolSettings {
    fn default() -> Self {
        ProtocolSettings {
            name: String::new(),
            version: None,
            jsonrpc: false,
            jsonrpc_member: true,
            error_name: None,
            tag_fields: vec!["type".into()],
            tag_case: TagCase::Snake,
            content: None,
            id_field: "id".into(),
            id_type: Type { kind: TypeKind::Int(u64_type()), constraints: Constraints::default() },
            id_increasing: false,
            unknown_fields: PerDirection::both(UnknownFields::Ignore),
            absent: Absent::Omit,
            second_tag: SecondTag::Ignored,
            unknown_tags: PerDirection::default(),
            result_object: false,
            error_id_optional: false,
            frame_unknown_fields: None,
            side_tag_fields: PerDirection::default(),
            side_content: PerDirection::default(),
        }
    }
}

pub(crate) fn u64_type() -> IntType {
    IntType { signed: false, bits: 64, encoding: IntEncoding::Number }
}

/// A string, or an identifier, as a plain word (`"snake_case"` or `snake_case`).
pub(crate) fn word(expr: &ast::Expr) -> Option<&str> {
    match &expr.kind {
        ast::ExprKind::Str(s) | ast::ExprKind::Ident(s) => Some(s),
        _ => None,
    }
}

impl<'a> Lower<'a> {
    fn bad_value(&mut self, key: &ast::Name, value: &ast::Expr, expected: &str) {
        // The parser already reported what made the value unreadable.
        if value.kind == ast::ExprKind::Error {
            return;
        }
        self.error(Diagnostic::error(
            "S0402",
            format!("invalid value for `{}`", key.text),
            value.span,
            format!("expected {expected}"),
        ));
    }

    fn unknown_setting(&mut self, key: &ast::Name, known: &[&str], block: &str) {
        let mut diag = Diagnostic::error(
            "S0401",
            format!("unknown setting `{}` in `{block}`", key.text),
            key.span,
            "unknown setting",
        );
        if let Some(s) = suggest(&key.text, known.iter().copied()) {
            diag = diag.with_help(format!("did you mean `{s}`?"));
        } else {
            diag = diag.with_note(format!("`{block}` takes: {}", known.join(", ")));
        }
        self.error(diag);
    }

    /// Reports a second `key = ...` in one block; returns whether it is a duplicate.
    fn duplicate_setting(&mut self, seen: &mut Vec<(String, Span)>, key: &ast::Name) -> bool {
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key.text) {
            let first = *first;
            self.error(
                Diagnostic::error("S0411", format!("`{}` is set twice", key.text), key.span, "set again here")
                    .with_secondary(first, "first set here"),
            );
            return true;
        }
        seen.push((key.text.clone(), key.span));
        false
    }

    pub(crate) fn protocol_settings(&mut self, item: &'a ast::Item) -> ProtocolSettings {
        let ast::ItemKind::Protocol { name, settings, .. } = &item.kind else {
            return ProtocolSettings::default();
        };
        let mut out = ProtocolSettings { name: name.text.clone(), ..ProtocolSettings::default() };
        for attr in &item.attrs {
            match attr.name.text.as_str() {
                "strict" => out.unknown_fields = PerDirection::both(UnknownFields::Reject),
                "deprecated" | "since" | "example" | "breaking" => {}
                _ => self.unknown_attr(attr, &["strict", "deprecated", "since", "example", "breaking"], "a protocol"),
            }
        }
        let mut seen = Vec::new();
        let mut explicit_tag = None;
        let mut explicit_content = None;
        let mut explicit_jsonrpc = None;
        let mut explicit_id_type = false;
        let mut client_unknown = None;
        let mut server_unknown = None;
        let mut client_tags = None;
        let mut server_tags = None;
        let mut rpc_only: Vec<(&str, Span)> = Vec::new();
        let mut rpc_forbidden: Vec<(String, Span)> = Vec::new();
        let mut second_tag_span = None;
        for s in settings {
            if self.duplicate_setting(&mut seen, &s.key) {
                continue;
            }
            let key = &s.key;
            let v = &s.value;
            match key.text.as_str() {
                "version" => match &v.kind {
                    ast::ExprKind::Str(text) => out.version = Some(text.clone()),
                    _ => self.bad_value(key, v, "a string such as \"1.0.0\""),
                },
                "style" => match word(v) {
                    Some("tagged") => out.jsonrpc = false,
                    Some("jsonrpc") => out.jsonrpc = true,
                    _ => self.bad_value(key, v, "`tagged` or `jsonrpc`"),
                },
                "tag" => {
                    explicit_tag = Some(s.span);
                    if let Some(fields) = self.tag_setting(key, v) {
                        out.tag_fields = fields;
                    }
                }
                "client_tag" | "server_tag" => {
                    rpc_forbidden.push((key.text.clone(), s.span));
                    if let Some(fields) = self.tag_setting(key, v) {
                        let dir = if key.text == "client_tag" { Direction::Client } else { Direction::Server };
                        *out.side_tag_fields.get_mut(dir) = Some(fields);
                    }
                }
                "client_content" | "server_content" => {
                    rpc_forbidden.push((key.text.clone(), s.span));
                    let dir = if key.text == "client_content" { Direction::Client } else { Direction::Server };
                    match &v.kind {
                        ast::ExprKind::Str(f) => *out.side_content.get_mut(dir) = Some(Some(f.clone())),
                        ast::ExprKind::Ident(w) if w == "none" => *out.side_content.get_mut(dir) = Some(None),
                        _ => self.bad_value(key, v, "a member name such as \"data\", or `none`"),
                    }
                }
                "tag_case" => {
                    out.tag_case = match word(v) {
                        Some("snake_case") => TagCase::Snake,
                        Some("camelCase") => TagCase::Camel,
                        Some("PascalCase") => TagCase::Pascal,
                        Some("SCREAMING_SNAKE_CASE") => TagCase::ScreamingSnake,
                        Some("kebab-case") => TagCase::Kebab,
                        _ => {
                            self.bad_value(
                                key,
                                v,
                                "one of snake_case, camelCase, PascalCase, SCREAMING_SNAKE_CASE, \"kebab-case\"",
                            );
                            continue;
                        }
                    }
                }
                "content" => {
                    explicit_content = Some(s.span);
                    match &v.kind {
                        ast::ExprKind::Str(f) => out.content = Some(f.clone()),
                        ast::ExprKind::Ident(w) if w == "none" => out.content = None,
                        _ => self.bad_value(key, v, "a member name such as \"data\", or `none`"),
                    }
                }
                "id" => match &v.kind {
                    ast::ExprKind::Str(f) => out.id_field = f.clone(),
                    _ => self.bad_value(key, v, "a member name such as \"id\""),
                },
                "id_type" => {
                    explicit_id_type = true;
                    if let Some(ty) = self.type_from_expr(v) {
                        out.id_type = ty;
                    }
                }
                "id_order" => match word(v) {
                    Some("any") => out.id_increasing = false,
                    Some("increasing") => out.id_increasing = true,
                    _ => self.bad_value(key, v, "`any` or `increasing`"),
                },
                "unknown_fields" | "client_unknown_fields" | "server_unknown_fields" => {
                    let policy = match word(v) {
                        Some("ignore") => UnknownFields::Ignore,
                        Some("reject") => UnknownFields::Reject,
                        _ => {
                            self.bad_value(key, v, "`ignore` or `reject`");
                            continue;
                        }
                    };
                    match key.text.as_str() {
                        "client_unknown_fields" => client_unknown = Some(policy),
                        "server_unknown_fields" => server_unknown = Some(policy),
                        _ => out.unknown_fields = PerDirection::both(policy),
                    }
                }
                "absent" => match word(v) {
                    Some("omit") => out.absent = Absent::Omit,
                    Some("null") => out.absent = Absent::Null,
                    _ => self.bad_value(key, v, "`omit` or `null`"),
                },
                "jsonrpc" => match word(v) {
                    Some("true") => explicit_jsonrpc = Some((true, s.span)),
                    Some("false") => explicit_jsonrpc = Some((false, s.span)),
                    _ => self.bad_value(key, v, "`true` or `false`"),
                },
                "error" => match &v.kind {
                    ast::ExprKind::Ident(n) => out.error_name = Some((n.clone(), v.span)),
                    _ => self.bad_value(key, v, "the name of the error struct"),
                },
                "second_tag" => {
                    second_tag_span = Some(s.span);
                    match word(v) {
                        Some("any") => out.second_tag = SecondTag::Ignored,
                        Some("null") => out.second_tag = SecondTag::NullOrAbsent,
                        _ => self.bad_value(key, v, "`any` or `null`"),
                    }
                }
                "unknown_tags" | "client_unknown_tags" | "server_unknown_tags" => {
                    let Some(open) = self.open_tags(key, v) else { continue };
                    match key.text.as_str() {
                        "client_unknown_tags" => client_tags = Some(open),
                        "server_unknown_tags" => server_tags = Some(open),
                        _ => out.unknown_tags = PerDirection::both(open),
                    }
                }
                "result" => {
                    rpc_only.push(("result", s.span));
                    match word(v) {
                        Some("any") => out.result_object = false,
                        Some("object") => out.result_object = true,
                        _ => self.bad_value(key, v, "`any` or `object`"),
                    }
                }
                "error_id" => {
                    rpc_only.push(("error_id", s.span));
                    match word(v) {
                        Some("required") => out.error_id_optional = false,
                        Some("optional") => out.error_id_optional = true,
                        _ => self.bad_value(key, v, "`required` or `optional`"),
                    }
                }
                "frame_unknown_fields" => {
                    rpc_only.push(("frame_unknown_fields", s.span));
                    match word(v) {
                        Some("ignore") => out.frame_unknown_fields = Some(UnknownFields::Ignore),
                        Some("reject") => out.frame_unknown_fields = Some(UnknownFields::Reject),
                        _ => self.bad_value(key, v, "`ignore` or `reject`"),
                    }
                }
                _ => self.unknown_setting(key, PROTOCOL_KEYS, "protocol"),
            }
        }
        if let Some(p) = client_unknown {
            out.unknown_fields.client = p;
        }
        if let Some(p) = server_unknown {
            out.unknown_fields.server = p;
        }
        if let Some(p) = client_tags {
            out.unknown_tags.client = p;
        }
        if let Some(p) = server_tags {
            out.unknown_tags.server = p;
        }
        if !out.jsonrpc {
            for (what, span) in &rpc_only {
                self.error(
                    Diagnostic::error(
                        "S0403",
                        format!("`{what}` is a setting of `style = jsonrpc`"),
                        *span,
                        "only for JSON-RPC",
                    )
                    .with_help("add `style = jsonrpc`, or remove this setting"),
                );
            }
        }
        if let Some(span) = second_tag_span
            && Direction::BOTH.iter().all(|d| out.tag_fields_of(*d).len() != 2)
            && !out.jsonrpc
        {
            self.error(Diagnostic::error(
                "S0403",
                "`second_tag` needs two tag fields",
                span,
                "the protocol has no second tag member",
            ));
        }
        if out.jsonrpc {
            for (what, span) in &rpc_forbidden {
                self.error(
                    Diagnostic::error(
                        "S0403",
                        format!("`{what}` cannot be set with `style = jsonrpc`"),
                        *span,
                        "contradicts the JSON-RPC framing",
                    )
                    .with_help("describe per-direction framing in the tagged style"),
                );
            }
            out.side_tag_fields = PerDirection::default();
            out.side_content = PerDirection::default();
            for (what, span) in [("tag", explicit_tag), ("content", explicit_content)] {
                if let Some(span) = span {
                    self.error(
                        Diagnostic::error(
                            "S0403",
                            format!("`{what}` cannot be set with `style = jsonrpc`"),
                            span,
                            "contradicts the JSON-RPC framing",
                        )
                        .with_note("JSON-RPC frames are told apart by `method`, with the payload under `params`"),
                    );
                }
            }
            out.tag_fields = vec!["method".into()];
            out.content = Some("params".into());
            if !explicit_id_type {
                out.id_type = Type {
                    kind: TypeKind::OneOf(Box::new(Untagged {
                        variants: vec![
                            Type { kind: TypeKind::String, constraints: Constraints::default() },
                            Type {
                                kind: TypeKind::Int(IntType { signed: true, bits: 64, encoding: IntEncoding::Number }),
                                constraints: Constraints::default(),
                            },
                        ],
                        kinds: Vec::new(),
                        signatures: Vec::new(),
                        keys: Vec::new(),
                        name: None,
                        ordered: false,
                    })),
                    constraints: Constraints::default(),
                };
            }
            if let Some((member, _)) = explicit_jsonrpc {
                out.jsonrpc_member = member;
            }
        } else {
            if let Some((_, span)) = explicit_jsonrpc {
                self.error(
                    Diagnostic::error(
                        "S0403",
                        "`jsonrpc` is a setting of `style = jsonrpc`",
                        span,
                        "only for JSON-RPC",
                    )
                    .with_help("add `style = jsonrpc`, or remove this setting"),
                );
            }
            if let Some((_, span)) = &out.error_name {
                self.error(
                    Diagnostic::error("S0403", "`error` is a setting of `style = jsonrpc`", *span, "only for JSON-RPC")
                        .with_help("mark the error message with `@error` instead"),
                );
            }
        }
        // Members of the frame's top level that must not coincide, on each side.
        let mut reported = Vec::new();
        for dir in Direction::BOTH {
            let mut top: Vec<(&str, String)> =
                out.tag_fields_of(dir).iter().map(|t| ("tag field", t.clone())).collect();
            top.push(("id", out.id_field.clone()));
            if let Some(c) = out.content_of(dir) {
                top.push(("content", c.clone()));
            }
            for i in 0..top.len() {
                for j in i + 1..top.len() {
                    if top[i].1 == top[j].1 && !reported.contains(&top[i].1) {
                        reported.push(top[i].1.clone());
                        let span = explicit_tag.or(explicit_content).unwrap_or(name.span);
                        self.error(Diagnostic::error(
                            "S0403",
                            format!("the {} and the {} are both `{}`", top[i].0, top[j].0, top[i].1),
                            span,
                            "settings contradict each other",
                        ));
                    }
                }
            }
        }
        out
    }

    /// `"type"`, `["op", "t"]` or `none`: the value of `tag`, `client_tag`, `server_tag`.
    fn tag_setting(&mut self, key: &ast::Name, v: &ast::Expr) -> Option<Vec<String>> {
        match &v.kind {
            ast::ExprKind::Str(f) => Some(vec![f.clone()]),
            ast::ExprKind::Ident(w) if w == "none" => Some(Vec::new()),
            ast::ExprKind::List(items)
                if (1..=2).contains(&items.len()) && items.iter().all(|i| matches!(i.kind, ast::ExprKind::Str(_))) =>
            {
                let fields: Vec<String> = items.iter().filter_map(|i| word(i).map(str::to_string)).collect();
                if fields.len() == 2 && fields[0] == fields[1] {
                    self.error(Diagnostic::error(
                        "S0403",
                        "the two tag fields must differ",
                        v.span,
                        "same field twice",
                    ));
                }
                Some(fields)
            }
            _ => {
                self.bad_value(key, v, "a field name (\"type\"), two ([\"op\", \"t\"]), or `none`");
                None
            }
        }
    }

    /// `reject`, `keep`, or `keep(0, 5)` (open only under these first tag values).
    fn open_tags(&mut self, key: &ast::Name, v: &ast::Expr) -> Option<OpenTags> {
        let expected = "`reject`, `keep`, or `keep(0)` (the families whose second tag is open)";
        match &v.kind {
            ast::ExprKind::Ident(w) if w == "reject" => Some(OpenTags::Closed),
            ast::ExprKind::Ident(w) if w == "keep" => Some(OpenTags::All),
            ast::ExprKind::Call { name, args } if name.text == "keep" && !args.is_empty() => {
                let mut families = Vec::new();
                for a in args {
                    match self.message_tag_value(a) {
                        Some(t) => families.push((t, a.span)),
                        None => return None,
                    }
                }
                Some(OpenTags::Families(families))
            }
            _ => {
                self.bad_value(key, v, expected);
                None
            }
        }
    }

    /// A type written as a setting value: `u64`, `string | i64`, `string | i64 | null`.
    fn type_from_expr(&mut self, expr: &ast::Expr) -> Option<Type> {
        fn to_type_expr(expr: &ast::Expr) -> Option<ast::TypeExpr> {
            let kind = match &expr.kind {
                ast::ExprKind::Ident(n) if n == "null" => ast::TypeExprKind::Null,
                ast::ExprKind::Ident(n) => ast::TypeExprKind::Named {
                    name: ast::Name { text: n.clone(), span: expr.span, quoted: false },
                    args: Vec::new(),
                },
                ast::ExprKind::Alt(alts) => {
                    ast::TypeExprKind::Union(alts.iter().map(to_type_expr).collect::<Option<Vec<_>>>()?)
                }
                _ => return None,
            };
            Some(ast::TypeExpr { kind, attrs: Vec::new(), span: expr.span })
        }
        let Some(te) = to_type_expr(expr) else {
            self.error(Diagnostic::error(
                "S0402",
                "invalid value for `id_type`",
                expr.span,
                "expected a type such as `u64` or `string | i64`",
            ));
            return None;
        };
        let (ty, nullable) = self.lower_type_expr(&te);
        Some(if nullable {
            Type { kind: TypeKind::Nullable(Box::new(ty)), constraints: Constraints::default() }
        } else {
            ty
        })
    }

    pub(crate) fn style(&mut self, types: &[TypeDef], messages: &[Message]) -> Style {
        if !self.settings.jsonrpc {
            return Style::Tagged;
        }
        let error = match self.settings.error_name.clone() {
            Some((name, span)) => match self.names.get(name.as_str()) {
                Some(Decl::Type(id, _)) if matches!(types[id.0 as usize].kind, TypeDefKind::Struct(_)) => Some(*id),
                _ => {
                    self.error(Diagnostic::error(
                        "S0402",
                        format!("`{name}` is not a struct"),
                        span,
                        "expected the error struct",
                    ));
                    None
                }
            },
            None => self.error_struct,
        };
        // Result and error frames are no message: unless the protocol sets their policy,
        // they reject unknown members only where every message of that side does.
        let mut reply_unknown_fields = PerDirection::both(UnknownFields::Ignore);
        for dir in Direction::BOTH {
            let mut senders = messages.iter().filter(|m| m.sender.includes(dir)).peekable();
            let all_reject =
                senders.peek().is_some() && senders.all(|m| *m.frame_unknown_fields.get(dir) == UnknownFields::Reject);
            *reply_unknown_fields.get_mut(dir) = match self.settings.frame_unknown_fields {
                Some(policy) => policy,
                None if all_reject => UnknownFields::Reject,
                None => UnknownFields::Ignore,
            };
        }
        Style::JsonRpc {
            version_member: self.settings.jsonrpc_member,
            error,
            result: if self.settings.result_object { ResultShape::Object } else { ResultShape::Any },
            error_id: if self.settings.error_id_optional { IdPresence::Optional } else { IdPresence::Required },
            reply_unknown_fields,
        }
    }

    pub(crate) fn connection(&mut self, messages: &[Message], types: &[TypeDef]) -> Connection {
        let mut out = Connection::default();
        let file = self.file;
        let Some(item) = file.items.iter().find(|i| matches!(i.kind, ast::ItemKind::Connection { .. })) else {
            return out;
        };
        let ast::ItemKind::Connection { settings, .. } = &item.kind else { return out };
        let mut seen = Vec::new();
        for s in settings {
            if self.duplicate_setting(&mut seen, &s.key) {
                continue;
            }
            let (key, v) = (&s.key, &s.value);
            match key.text.as_str() {
                "path" => match &v.kind {
                    ast::ExprKind::Str(p) if p.starts_with('/') => match path_params(p) {
                        Some(params) => {
                            out.path = Some(p.clone());
                            out.path_params = params;
                        }
                        None => self.bad_value(
                            key,
                            v,
                            "a path whose `{name}` parameters are closed, named and distinct (\"/ws/{client_id}\")",
                        ),
                    },
                    _ => self.bad_value(key, v, "a path such as \"/ws\" or \"/ws/{client_id}\""),
                },
                "auth_required" => match word(v) {
                    Some("true") => out.auth_required = true,
                    Some("false") => out.auth_required = false,
                    _ => self.bad_value(key, v, "`true` or `false`"),
                },
                "subprotocols" => match &v.kind {
                    ast::ExprKind::List(items) if items.iter().all(|i| matches!(i.kind, ast::ExprKind::Str(_))) => {
                        out.subprotocols = items.iter().filter_map(|i| word(i).map(str::to_string)).collect();
                    }
                    _ => self.bad_value(key, v, "a list of strings such as [\"chat.v2\", \"chat.v1\"]"),
                },
                "auth" => {
                    let items: Vec<&ast::Expr> = match &v.kind {
                        ast::ExprKind::List(items) => items.iter().collect(),
                        _ => vec![v],
                    };
                    for e in items {
                        if let Some(a) = self.auth(e, messages) {
                            out.auth.push(a);
                        }
                    }
                }
                "before_auth" => match &v.kind {
                    ast::ExprKind::List(items) => {
                        for e in items {
                            if let ast::ExprKind::Ident(n) = &e.kind {
                                if let Some(id) = self.message_ref(n, e.span) {
                                    out.before_auth.push(id);
                                }
                            } else {
                                self.bad_value(key, e, "a message name");
                            }
                        }
                    }
                    _ => self.bad_value(key, v, "a list of message names"),
                },
                "first" => match word(v) {
                    Some("client") => out.first = Some(Direction::Client),
                    Some("server") => out.first = Some(Direction::Server),
                    _ => self.bad_value(key, v, "`client` or `server`"),
                },
                "heartbeat" => out.heartbeat = self.heartbeat(v, messages),
                "close_codes" => match &v.kind {
                    ast::ExprKind::Ident(n) => match self.names.get(n.as_str()) {
                        Some(Decl::Type(id, _)) if matches!(&types[id.0 as usize].kind, TypeDefKind::Enum(e) if matches!(e.repr, EnumRepr::Int(_) | EnumRepr::Integer)) =>
                        {
                            out.close_codes = Some(*id);
                        }
                        _ => self.bad_value(
                            key,
                            v,
                            "an integer enum such as `enum CloseCode: u16 { unauthorized = 4401 }`",
                        ),
                    },
                    _ => self.bad_value(key, v, "the name of an integer enum"),
                },
                "resume" => match &v.kind {
                    ast::ExprKind::Call { name, args } if name.text == "message" => {
                        let mut message = None;
                        let mut sequence = None;
                        for a in args {
                            match &a.kind {
                                ast::ExprKind::Ident(n) => message = self.message_ref(n, a.span),
                                ast::ExprKind::Named { name, value } if name.text == "sequence" => {
                                    sequence = word(value).map(str::to_string);
                                }
                                _ => self.bad_value(key, a, "`message(Resume, sequence = s)`"),
                            }
                        }
                        match (message, sequence) {
                            (Some(message), Some(sequence)) if self.envelope_names.contains(&sequence) => {
                                let pointer = member_pointer(None, &sequence);
                                out.resume = Some(Resume { sequence, pointer, message });
                            }
                            (Some(_), Some(sequence)) => {
                                self.error(
                                    Diagnostic::error(
                                        "S0402",
                                        format!("`{sequence}` is not an envelope member"),
                                        v.span,
                                        "the sequence number must be in the envelope",
                                    )
                                    .with_help(format!("declare it: `envelope {{ {sequence}?: u64 | null }}`")),
                                );
                            }
                            _ => self.bad_value(key, v, "`message(Resume, sequence = s)`"),
                        }
                    }
                    _ => self.bad_value(key, v, "`message(Resume, sequence = s)`"),
                },
                "max_frame_bytes" => match &v.kind {
                    ast::ExprKind::Int(text) => match super::types::parse_int(text).and_then(|i| u64::try_from(i).ok())
                    {
                        Some(n) if n > 0 => out.max_frame_bytes = Some(n),
                        _ => self.bad_value(key, v, "a positive number of bytes"),
                    },
                    _ => self.bad_value(key, v, "a number of bytes"),
                },
                _ => self.unknown_setting(key, CONNECTION_KEYS, "connection"),
            }
        }
        if !out.auth_required
            && out.auth.is_empty()
            && let Some(s) = settings.iter().find(|s| s.key.text == "auth_required")
        {
            self.error(
                Diagnostic::error(
                    "S0402",
                    "`auth_required = false` without `auth`",
                    s.span,
                    "no way to authenticate is declared",
                )
                .with_help("name the mechanisms a client may use: `auth = query(\"token\")`"),
            );
        }
        out
    }

    fn auth(&mut self, e: &ast::Expr, messages: &[Message]) -> Option<Auth> {
        let expected = "header(\"Authorization\"), query(\"token\"), subprotocol, or message(Hello -> Welcome)";
        let fail = |cx: &mut Self| {
            cx.error(Diagnostic::error("S0402", "invalid value for `auth`", e.span, format!("expected {expected}")));
            None
        };
        match &e.kind {
            ast::ExprKind::Ident(w) if w == "subprotocol" => Some(Auth::Subprotocol),
            ast::ExprKind::Call { name, args } if args.len() == 1 => match (name.text.as_str(), &args[0].kind) {
                ("header", ast::ExprKind::Str(h)) => Some(Auth::Header { name: h.clone() }),
                ("query", ast::ExprKind::Str(q)) => Some(Auth::Query { name: q.clone() }),
                ("message", _) => match self.exchange(&args[0], messages) {
                    Exchange::Messages(message, reply) => Some(Auth::Message { message, reply }),
                    Exchange::Reported => None,
                    Exchange::Malformed => fail(self),
                },
                _ => fail(self),
            },
            _ => fail(self),
        }
    }

    fn heartbeat(&mut self, v: &ast::Expr, messages: &[Message]) -> Option<Heartbeat> {
        let invalid = |cx: &mut Self| {
            let expected = "ping(every = 30s, timeout = 10s) or message(Ping -> Pong, every = 30s)";
            cx.error(Diagnostic::error(
                "S0402",
                "invalid value for `heartbeat`",
                v.span,
                format!("expected {expected}"),
            ));
            None
        };
        // `heartbeat = ping`: WebSocket ping/pong with the runtime's own interval.
        if matches!(&v.kind, ast::ExprKind::Ident(w) if w == "ping") {
            return Some(Heartbeat::Ping { by: Sender::Server, interval_ms: None, timeout_ms: None });
        }
        let ast::ExprKind::Call { name, args } = &v.kind else { return invalid(self) };
        let mut interval = None;
        let mut timeout = None;
        let mut interval_from = None;
        let mut by = Sender::Server;
        let mut positional = Vec::new();
        let mut given: std::collections::HashMap<&str, &ast::Name> = std::collections::HashMap::new();
        for a in args {
            let ast::ExprKind::Named { name: n, value } = &a.kind else {
                positional.push(a);
                continue;
            };
            // `ping(every = 30s, every = 1h)`: neither could be the one meant.
            if let Some(first) = given.get(n.text.as_str()) {
                self.error(
                    Diagnostic::error("S0402", format!("`{}` given twice", n.text), n.span, "given again here")
                        .with_secondary(first.span, "first given here"),
                );
                continue;
            }
            given.insert(&n.text, n);
            match (n.text.as_str(), &value.kind) {
                ("every" | "timeout", ast::ExprKind::Duration(d)) if duration_ms(d) == Some(0) => {
                    self.error(
                        Diagnostic::error("S0402", format!("`{}` of zero", n.text), value.span, "zero time")
                            .with_help("a heartbeat needs a time above zero; leave `heartbeat` out for none"),
                    );
                }
                ("every" | "timeout", ast::ExprKind::Duration(d)) => match duration_ms(d) {
                    Some(ms) if n.text == "every" => interval = Some(ms),
                    Some(ms) => timeout = Some(ms),
                    None => self.error(Diagnostic::error(
                        "S0402",
                        "duration too long",
                        value.span,
                        "does not fit in milliseconds",
                    )),
                },
                // `every = from(Hello, heartbeat_interval)`: the peer dictates the interval,
                // in milliseconds, in an integer member of one of its messages.
                ("every", ast::ExprKind::Call { name: f, args: fa }) if f.text == "from" => {
                    interval_from = self.interval_from(value, fa, messages);
                }
                ("by", _) if name.text == "ping" => match word(value) {
                    Some("client") => by = Sender::Client,
                    Some("server") => by = Sender::Server,
                    Some("both") => by = Sender::Both,
                    _ => self.bad_value(n, value, "`client`, `server` or `both`"),
                },
                _ => self.error(Diagnostic::error(
                    "S0402",
                    format!("invalid heartbeat argument `{}`", n.text),
                    a.span,
                    "expected `every = 30s`, `every = from(Hello, interval_ms)` or `timeout = 10s`",
                )),
            }
        }
        match name.text.as_str() {
            "ping" if positional.is_empty() => Some(Heartbeat::Ping { by, interval_ms: interval, timeout_ms: timeout }),
            "message" if positional.len() == 1 => match self.exchange(positional[0], messages) {
                Exchange::Messages(message, ack) => Some(Heartbeat::Message {
                    message,
                    ack,
                    by: messages[message.0 as usize].sender,
                    interval_ms: interval,
                    timeout_ms: timeout,
                    interval_from,
                }),
                Exchange::Reported => None,
                Exchange::Malformed => invalid(self),
            },
            _ => invalid(self),
        }
    }
}

/// `A` or `A -> B` in a connection setting, resolved to messages.
enum Exchange {
    Messages(MessageId, Option<MessageId>),
    /// A name was unknown; its diagnostic is reported.
    Reported,
    /// Not of that form.
    Malformed,
}

impl Lower<'_> {
    /// `Hello` or `Hello -> Welcome`: a message, and the one that answers it.
    fn exchange(&mut self, e: &ast::Expr, messages: &[Message]) -> Exchange {
        let (first, answer) = match &e.kind {
            ast::ExprKind::Arrow(a, b) => (a.as_ref(), Some(b.as_ref())),
            _ => (e, None),
        };
        let ast::ExprKind::Ident(m) = &first.kind else { return Exchange::Malformed };
        let answer = match answer.map(|a| (&a.kind, a.span)) {
            Some((ast::ExprKind::Ident(n), span)) => Some((n, span)),
            Some(_) => return Exchange::Malformed,
            None => None,
        };
        let Some(message) = self.message_ref(m, first.span) else { return Exchange::Reported };
        match answer {
            Some((n, span)) => match self.message_ref(n, span) {
                Some(id) => {
                    // An answer travels back: the two messages come from opposite sides.
                    let (a, b) = (messages[message.0 as usize].sender, messages[id.0 as usize].sender);
                    if a == b && a != Sender::Both {
                        self.error(Diagnostic::error(
                            "S0402",
                            format!("`{m}` and `{n}` are sent by the same side"),
                            e.span,
                            "an answer comes from the other side",
                        ));
                        return Exchange::Reported;
                    }
                    Exchange::Messages(message, Some(id))
                }
                None => Exchange::Reported,
            },
            None => Exchange::Messages(message, None),
        }
    }

    /// `from(Hello, heartbeat_interval)`: a message and one of its integer members.
    fn interval_from(&mut self, call: &ast::Expr, args: &[ast::Expr], messages: &[Message]) -> Option<IntervalFrom> {
        let [message, field] = args else {
            self.error(Diagnostic::error(
                "S0402",
                "`from` takes a message and one of its members",
                call.span,
                "expected `from(Hello, heartbeat_interval)`",
            ));
            return None;
        };
        let ast::ExprKind::Ident(m) = &message.kind else {
            self.error(Diagnostic::error("S0402", "expected a message name", message.span, "not a name"));
            return None;
        };
        let Some(field_name) = word(field) else {
            self.error(Diagnostic::error("S0402", "expected a member name", field.span, "not a name"));
            return None;
        };
        let id = self.message_ref(m, message.span)?;
        let member = match &messages[id.0 as usize].payload {
            Payload::Fields(fs) => fs.iter().find(|f| f.name == field_name),
            Payload::Value { .. } => None,
        };
        match member {
            Some(f) if matches!(f.ty.kind, TypeKind::Int(_)) && f.required && !f.nullable => {
                let m = &messages[id.0 as usize];
                let pointer = member_pointer(m.content.as_deref(), field_name);
                Some(IntervalFrom { message: id, member: field_name.to_string(), pointer })
            }
            Some(_) => {
                self.error(Diagnostic::error(
                    "S0402",
                    format!("`{m}.{field_name}` must be a required integer (milliseconds)"),
                    field.span,
                    "not a required integer member",
                ));
                None
            }
            None => {
                self.error(Diagnostic::error(
                    "S0402",
                    format!("message `{m}` has no field `{field_name}`"),
                    field.span,
                    "no such field",
                ));
                None
            }
        }
    }
}

/// A JSON Pointer to a member of a frame: at the top level, or under the content member.
pub(crate) fn member_pointer(content: Option<&str>, member: &str) -> String {
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    match content {
        Some(c) => format!("/{}/{}", escape(c), escape(member)),
        None => format!("/{}", escape(member)),
    }
}

/// The parameters of a path template (`/ws/{client_id}` -> `["client_id"]`); `None` when a
/// brace is unbalanced, a parameter is empty or not an identifier, or one is repeated.
pub(crate) fn path_params(path: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return None;
        }
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        let ident = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident || out.iter().any(|n| n == name) {
            return None;
        }
        out.push(name.to_string());
        rest = &after[close + 1..];
    }
    Some(out)
}

/// `30s` -> 30000.
pub(crate) fn duration_ms(text: &str) -> Option<u64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.replace('_', "").parse().ok()?;
    let scale = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(scale)
}
