//! Attribute arguments and the metadata attributes every item takes.

use sockspec_syntax::{Diagnostic, ast, suggest};

use super::Lower;
use crate::model::*;

/// Every attribute of the language, for telling a misplaced one from an unknown one.
const KNOWN_ATTRS: &[&str] = &[
    "range",
    "len",
    "pattern",
    "as",
    "deprecated",
    "since",
    "example",
    "tag",
    "content",
    "no_envelope",
    "strict",
    "lenient",
    "error",
    "stream",
    "end",
    "correlate",
    "subscription",
    "absent",
    "open",
    "flags",
    "untagged",
    "tag_field",
    "renamed_from",
    "breaking",
    "ident",
];

/// Metadata attributes every type, message, field and variant takes ([`Lower::meta_attr`]).
pub(crate) const META_ATTRS: &[&str] = &["deprecated", "since", "example", "renamed_from", "breaking", "ident"];

/// Attributes that constrain or encode a type: they stand after the type, on its line.
pub(crate) const TYPE_ATTRS: &[&str] = &["range", "len", "pattern", "as"];

impl<'a> Lower<'a> {
    pub(crate) fn unknown_attr(&mut self, attr: &ast::Attribute, allowed: &[&str], on: &str) {
        let name = attr.name.text.as_str();
        if TYPE_ATTRS.contains(&name) {
            self.error(
                Diagnostic::error(
                    "S0301",
                    format!("`@{name}` belongs after the type"),
                    attr.span,
                    "a type attribute written before the field",
                )
                .with_help(format!("write it after the type, on the same line: `field: T @{name}(...)`")),
            );
            return;
        }
        let mut diag = if KNOWN_ATTRS.contains(&name) {
            Diagnostic::error("S0301", format!("`@{name}` does not apply to {on}"), attr.span, "not allowed here")
        } else {
            Diagnostic::error("S0301", format!("unknown attribute `@{name}`"), attr.span, "no such attribute")
        };
        if let Some(s) = suggest(name, allowed.iter().copied()) {
            diag = diag.with_help(format!("did you mean `@{s}`?"));
        } else if !allowed.is_empty() {
            diag = diag.with_note(format!(
                "{on} takes: {}",
                allowed.iter().map(|a| format!("@{a}")).collect::<Vec<_>>().join(", ")
            ));
        }
        self.error(diag);
    }

    pub(crate) fn bad_args(&mut self, attr: &ast::Attribute, expected: &str) {
        self.error(Diagnostic::error(
            "S0302",
            format!("invalid arguments to `@{}`", attr.name.text),
            attr.span,
            format!("expected {expected}"),
        ));
    }

    /// The single argument of `@name(arg)`.
    pub(crate) fn one_arg<'e>(&mut self, attr: &'e ast::Attribute, expected: &str) -> Option<&'e ast::Expr> {
        match attr.args.as_deref() {
            Some([arg]) => Some(arg),
            _ => {
                self.bad_args(attr, expected);
                None
            }
        }
    }

    /// A string argument: `@since("1.1.0")`.
    pub(crate) fn string_arg(&mut self, attr: &ast::Attribute, expected: &str) -> Option<String> {
        let arg = self.one_arg(attr, expected)?;
        match &arg.kind {
            ast::ExprKind::Str(s) => Some(s.clone()),
            _ => {
                self.bad_args(attr, expected);
                None
            }
        }
    }

    pub(crate) fn no_args(&mut self, attr: &ast::Attribute) -> bool {
        if attr.args.as_ref().is_some_and(|a| !a.is_empty()) {
            self.bad_args(attr, "no arguments");
            return false;
        }
        true
    }

    /// Applies `@deprecated`, `@since` or `@example`; returns false for other attributes.
    pub(crate) fn meta_attr(&mut self, meta: &mut Meta, attr: &ast::Attribute) -> bool {
        match attr.name.text.as_str() {
            "deprecated" => {
                meta.deprecated = match attr.args.as_deref() {
                    None | Some([]) => Some(String::new()),
                    Some(_) => Some(self.string_arg(attr, "a reason, `@deprecated(\"use X\")`").unwrap_or_default()),
                };
                true
            }
            "since" => {
                meta.since = self.string_arg(attr, "a version, `@since(\"1.1.0\")`");
                true
            }
            "example" => {
                if let Some(arg) = self.one_arg(attr, "one JSON value") {
                    match super::types::expr_to_json(arg) {
                        Ok(v) => meta.examples.push(v),
                        Err((span, msg)) => {
                            self.error(Diagnostic::error("S0302", "invalid `@example` value", span, msg));
                        }
                    }
                }
                true
            }
            "renamed_from" => {
                if let Some(old) = self.string_arg(attr, "the old name, `@renamed_from(\"old_name\")`") {
                    meta.renamed_from.push(old);
                }
                true
            }
            "breaking" => {
                meta.breaking = self.string_arg(attr, "the reason the break is intended, `@breaking(\"why\")`");
                true
            }
            "ident" => {
                let expected = "a name for generated code, `@ident(\"user_id_2\")`";
                if let Some(name) = self.string_arg(attr, expected) {
                    // An identifier of the schema language, so every target can spell it.
                    let mut chars = name.chars();
                    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if ident {
                        meta.ident_name = Some(name);
                    } else {
                        self.bad_args(attr, "an identifier: letters, digits and `_`, not starting with a digit");
                    }
                }
                true
            }
            _ => false,
        }
    }

    /// Meta for a member (field, variant) from its docs and prefix attributes; other
    /// attributes are returned for the caller to handle.
    pub(crate) fn member_meta<'e>(
        &mut self,
        docs: &[sockspec_syntax::Spanned<String>],
        attrs: &'e [ast::Attribute],
        span: sockspec_syntax::Span,
    ) -> (Meta, Vec<&'e ast::Attribute>) {
        let mut meta = Meta { docs: docs.iter().map(|d| d.value.clone()).collect(), span, ..Meta::default() };
        let mut rest = Vec::new();
        for attr in attrs {
            if !self.meta_attr(&mut meta, attr) {
                rest.push(attr);
            }
        }
        (meta, rest)
    }
}

/// Attributes that may be given more than once on one thing.
const REPEATABLE_ATTRS: &[&str] = &["example"];

/// Pairs of attributes that say opposite things.
const CONTRADICTING_ATTRS: &[(&str, &str)] = &[("strict", "lenient")];

impl<'a> Lower<'a> {
    /// Reports every attribute given twice on one item, field, variant or type (S0314), and
    /// every contradicting pair (S0315). Lowering reads each attribute on its own, so
    /// without this the last of two `@pattern`s would silently win and a frame the schema
    /// rejects would pass. Constraints of an alias and of its use site are on different
    /// types, so they still combine.
    pub(crate) fn check_repeated_attrs(&mut self) {
        let file = self.file;
        for item in &file.items {
            self.repeated_in(&item.attrs);
            match &item.kind {
                ast::ItemKind::Envelope { fields, .. } | ast::ItemKind::Struct { fields, .. } => {
                    fields.iter().for_each(|f| self.repeated_in_field(f));
                }
                ast::ItemKind::Enum { repr, variants, .. } => {
                    repr.iter().for_each(|t| self.repeated_in_type(t));
                    variants.iter().for_each(|v| self.repeated_in(&v.attrs));
                }
                ast::ItemKind::Union { variants, .. } => variants.iter().for_each(|t| self.repeated_in_type(t)),
                ast::ItemKind::Alias { ty, .. } => self.repeated_in_type(ty),
                ast::ItemKind::Message { body, replies, .. } => {
                    match body {
                        ast::MessageBody::Fields { fields, .. } => {
                            fields.iter().for_each(|f| self.repeated_in_field(f))
                        }
                        ast::MessageBody::Type(ty) => self.repeated_in_type(ty),
                    }
                    replies.iter().for_each(|t| self.repeated_in_type(t));
                }
                ast::ItemKind::Protocol { .. } | ast::ItemKind::Connection { .. } | ast::ItemKind::Error => {}
            }
        }
    }

    fn repeated_in_field(&mut self, field: &ast::Field) {
        self.repeated_in(&field.attrs);
        self.repeated_in_type(&field.ty);
    }

    /// The tree's depth is bounded by the parser (`MAX_NESTING`), so recursion is safe.
    fn repeated_in_type(&mut self, ty: &ast::TypeExpr) {
        self.repeated_in(&ty.attrs);
        match &ty.kind {
            ast::TypeExprKind::Named { args, .. } => args.iter().for_each(|t| self.repeated_in_type(t)),
            ast::TypeExprKind::List(item) => self.repeated_in_type(item),
            ast::TypeExprKind::Union(members) | ast::TypeExprKind::Tuple(members) => {
                members.iter().for_each(|t| self.repeated_in_type(t))
            }
            ast::TypeExprKind::Null | ast::TypeExprKind::Error => {}
        }
    }

    fn repeated_in(&mut self, attrs: &[ast::Attribute]) {
        if attrs.len() < 2 {
            return;
        }
        // The first of each name, so a long list costs linear time.
        let mut seen: std::collections::HashMap<&str, &ast::Attribute> = std::collections::HashMap::new();
        for attr in attrs {
            let name = attr.name.text.as_str();
            let first = seen.get(name).copied();
            seen.entry(name).or_insert(attr);
            let earlier = |n: &str| seen.get(n).copied();
            if !REPEATABLE_ATTRS.contains(&name)
                && let Some(first) = first
            {
                self.error(
                    Diagnostic::error("S0314", format!("`@{name}` given twice"), attr.span, "given again here")
                        .with_secondary(first.span, "first given here")
                        .with_help(format!(
                            "one `@{name}` says it all: merge them into one, or keep the one you mean \
                             (to combine constraints, put one on a `type` alias and one where it is used)"
                        )),
                );
                continue;
            }
            let opposite = CONTRADICTING_ATTRS.iter().find_map(|&(a, b)| match name {
                n if n == a => Some(b),
                n if n == b => Some(a),
                _ => None,
            });
            if let Some(other) = opposite.and_then(earlier) {
                self.error(
                    Diagnostic::error(
                        "S0315",
                        format!("`@{name}` contradicts `@{}`", other.name.text),
                        attr.span,
                        "contradicts the other",
                    )
                    .with_secondary(other.span, "given here")
                    .with_help("keep one of them"),
                );
            }
        }
    }
}
