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
    "ident",
];

/// Metadata attributes every type, message, field and variant takes ([`Lower::meta_attr`]).
pub(crate) const META_ATTRS: &[&str] = &["deprecated", "since", "example", "renamed_from", "ident"];

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
