//! The canonical layout (`sockspec fmt`): prints a syntax tree one way, keeping every comment.
//!
//! The layout, rule by rule:
//!
//! - Four spaces per indent level, `\n` line ends, no trailing spaces, and the output ends
//!   with exactly one newline (an empty file prints as the empty string).
//! - Top-level items are separated by exactly one blank line; comments after the last item
//!   follow one blank line after it. Inside blocks, an empty line (or several) before a
//!   member is kept as one, except before the first member: authors group fields.
//! - Each node prints its leading `//` comments on their own lines (an empty line the
//!   author left after a comment, as after a section heading, is kept as one), then its `///` docs
//!   (`/// text`, or `///` for an empty line), then the node. A same-line trailing comment
//!   stays at the end of the node's last line. Comments before a block's `}` stay there.
//!   Comment text is kept as written except for trailing whitespace.
//! - An item's prefix attributes stand one per line above it (`@error` then
//!   `server message Error {`); a field's or variant's prefix attributes stand on its line,
//!   before its name (`@deprecated("x") old: u32`). Postfix attributes follow their type on
//!   its line, as the parser requires.
//! - Blocks print one member per line with no separators (`key = value`, `name?: T = d`,
//!   `name = value`); a block with neither members nor comments prints as `{}`.
//! - `union Name = A | B`, request replies `} -> A | B`, and the types of fields, aliases
//!   and value payloads stay on one line while the line, up to the union's end (its own
//!   attributes included, a default or comment after it not), is at most 100 wide; a longer
//!   union keeps its first member on the line and puts each further one on a line of its
//!   own, one indent deeper, as `| Member` (the union's own attributes follow the last).
//!   Unions nested in a list, map or parentheses are never wrapped; nothing else is.
//! - Member names (fields, settings) are quoted only when they are not identifiers; object
//!   keys are always quoted, as in JSON. Strings are printed with JSON escapes; numbers and
//!   durations exactly as written.
//! - A union member that carries postfix attributes or is itself a union is parenthesised
//!   (`(string @len(1..)) | null`), since without the parentheses it reads differently.
//! - Parts the parser could not read (`Error` nodes) print as `<error>`, so formatting a
//!   file with syntax errors never yields a file that silently means something else; the
//!   CLI should not format such files at all.

use crate::Spanned;
use crate::ast::{
    Attribute, Comment, Direction, Expr, ExprKind, Field, File, Item, ItemKind, MessageBody, MessageKeyword, Name,
    Setting, Trivia, TypeExpr, TypeExprKind, Variant,
};

/// One level of indentation.
const INDENT: &str = "    ";

/// What `Error` nodes print as.
const ERROR: &str = "<error>";

/// The widest line a union is kept on; a longer one puts each further member on a line of
/// its own.
const MAX_WIDTH: usize = 100;

/// Prints a syntax tree in the canonical layout.
pub fn format(file: &File) -> String {
    let mut printer = Printer::default();
    printer.file(file);
    printer.out.finish()
}

/// An indent-aware text writer: it indents each line when the line's first text arrives, so
/// empty lines carry no spaces.
#[derive(Debug, Default)]
struct Writer {
    out: String,
    depth: usize,
    /// Text has been written on the current line.
    line_open: bool,
}

impl Writer {
    /// Writes text on the current line (which must not contain a line break).
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.line_open {
            for _ in 0..self.depth {
                self.out.push_str(INDENT);
            }
            self.line_open = true;
        }
        self.out.push_str(text);
    }

    /// How many characters the current line holds (its indentation included).
    fn column(&self) -> usize {
        if !self.line_open {
            return self.depth * INDENT.len();
        }
        let start = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out[start..].chars().count()
    }

    /// Ends the current line.
    fn end_line(&mut self) {
        self.out.push('\n');
        self.line_open = false;
    }

    /// Ends the current line if it has text, then leaves one empty line (not at the start).
    fn blank_line(&mut self) {
        if self.line_open {
            self.end_line();
        }
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn indent(&mut self) {
        self.depth += 1;
    }

    fn dedent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The text, ending with exactly one newline unless it is empty.
    fn finish(mut self) -> String {
        if self.line_open {
            self.end_line();
        }
        let kept = self.out.trim_end_matches('\n').len();
        self.out.truncate(kept);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

/// Walks the syntax tree and writes each node's canonical text.
#[derive(Debug, Default)]
struct Printer {
    out: Writer,
}

impl Printer {
    fn file(&mut self, file: &File) {
        for item in &file.items {
            self.out.blank_line();
            self.item(item);
        }
        if !file.dangling.is_empty() {
            self.out.blank_line();
            self.comment_lines(&file.dangling);
        }
    }

    // ---- comments and docs ----

    /// Whole-line comments, one per line, with the empty lines the author left between them.
    fn comment_lines(&mut self, comments: &[Comment]) {
        for (i, comment) in comments.iter().enumerate() {
            if i > 0 && comments[i - 1].blank_after {
                self.out.blank_line();
            }
            self.out.text(&format!("//{}", comment.text.trim_end()));
            self.out.end_line();
        }
    }

    /// The comments before a node; an empty line after the last (a section heading) stays.
    fn leading_comments(&mut self, comments: &[Comment]) {
        self.comment_lines(comments);
        if comments.last().is_some_and(|c| c.blank_after) {
            self.out.blank_line();
        }
    }

    /// A same-line comment after the text of the current line, then the line's end.
    fn end_line_with(&mut self, trailing: Option<&Comment>) {
        if let Some(comment) = trailing {
            self.out.text(&format!(" //{}", comment.text.trim_end()));
        }
        self.out.end_line();
    }

    fn docs(&mut self, docs: &[Spanned<String>]) {
        for doc in docs {
            let text = doc.value.trim_end();
            if text.is_empty() {
                self.out.text("///");
            } else {
                self.out.text(&format!("/// {text}"));
            }
            self.out.end_line();
        }
    }

    // ---- items ----

    fn item(&mut self, item: &Item) {
        self.leading_comments(&item.trivia.leading);
        self.docs(&item.docs);
        for attr in &item.attrs {
            self.attribute(attr);
            self.out.end_line();
        }
        match &item.kind {
            ItemKind::Protocol { name, settings, close } => {
                self.out.text("protocol ");
                self.out.text(&name.text);
                self.out.text(" ");
                self.block(settings, close, Self::setting);
            }
            ItemKind::Envelope { fields, close, .. } => {
                self.out.text("envelope ");
                self.block(fields, close, Self::field);
            }
            ItemKind::Connection { settings, close, .. } => {
                self.out.text("connection ");
                self.block(settings, close, Self::setting);
            }
            ItemKind::Struct { name, fields, close } => {
                self.out.text("struct ");
                self.out.text(&name.text);
                self.out.text(" ");
                self.block(fields, close, Self::field);
            }
            ItemKind::Enum { name, repr, variants, close } => {
                self.out.text("enum ");
                self.out.text(&name.text);
                if let Some(repr) = repr {
                    // The parser reads the representation as one plain type, so anything
                    // more (attributes, a union) needs its parentheses back.
                    self.out.text(": ");
                    self.union_member(repr);
                }
                self.out.text(" ");
                self.block(variants, close, Self::variant);
            }
            ItemKind::Union { name, variants } => {
                self.out.text("union ");
                self.out.text(&name.text);
                self.out.text(" = ");
                self.alternatives(variants);
            }
            ItemKind::Alias { name, ty } => {
                self.out.text("type ");
                self.out.text(&name.text);
                self.out.text(" = ");
                self.top_ty(ty);
            }
            ItemKind::Message { direction, keyword, name, body, replies } => {
                match direction.as_ref().map(|d| d.value) {
                    Some(Direction::Client) => self.out.text("client "),
                    Some(Direction::Server) => self.out.text("server "),
                    None => {}
                }
                self.out.text(match keyword.value {
                    MessageKeyword::Message => "message ",
                    MessageKeyword::Request => "request ",
                });
                self.out.text(&name.text);
                match body {
                    MessageBody::Fields { fields, close } => {
                        self.out.text(" ");
                        self.block(fields, close, Self::field);
                    }
                    MessageBody::Type(ty) => {
                        self.out.text(" = ");
                        self.top_ty(ty);
                    }
                }
                if !replies.is_empty() {
                    self.out.text(" -> ");
                    self.alternatives(replies);
                }
            }
            ItemKind::Error => self.out.text(ERROR),
        }
        self.end_line_with(item.trivia.trailing.as_ref());
    }

    /// `{`, one member per line, the comments before `}`, and `}` (left open for what follows
    /// it on its line); `{}` when there is nothing inside.
    fn block<T: HasTrivia>(&mut self, members: &[T], close: &Trivia, mut member: impl FnMut(&mut Self, &T)) {
        if members.is_empty() && close.leading.is_empty() && close.trailing.is_none() {
            self.out.text("{}");
            return;
        }
        self.out.text("{");
        self.out.end_line();
        self.out.indent();
        for (i, m) in members.iter().enumerate() {
            if i > 0 && m.trivia().blank_before {
                self.out.blank_line();
            }
            member(self, m);
        }
        self.comment_lines(&close.leading);
        // The parser never fills this; should a tree carry one, it is kept as a line of
        // its own, since a comment after `}` would merge with the item's trailing one.
        self.comment_lines(close.trailing.as_slice());
        self.out.dedent();
        self.out.text("}");
    }

    // ---- block members ----

    fn setting(&mut self, setting: &Setting) {
        self.leading_comments(&setting.trivia.leading);
        self.docs(&setting.docs);
        self.member_name(&setting.key);
        self.out.text(" = ");
        self.expr(&setting.value);
        self.end_line_with(setting.trivia.trailing.as_ref());
    }

    fn field(&mut self, field: &Field) {
        self.leading_comments(&field.trivia.leading);
        self.docs(&field.docs);
        self.prefix_attributes(&field.attrs);
        self.member_name(&field.name);
        if field.optional.is_some() {
            self.out.text("?");
        }
        self.out.text(": ");
        self.top_ty(&field.ty);
        if let Some(default) = &field.default {
            self.out.text(" = ");
            self.expr(default);
        }
        self.end_line_with(field.trivia.trailing.as_ref());
    }

    fn variant(&mut self, variant: &Variant) {
        self.leading_comments(&variant.trivia.leading);
        self.docs(&variant.docs);
        self.prefix_attributes(&variant.attrs);
        self.member_name(&variant.name);
        if let Some(value) = &variant.value {
            self.out.text(" = ");
            self.expr(value);
        }
        self.end_line_with(variant.trivia.trailing.as_ref());
    }

    /// A member's prefix attributes, on its line, each followed by a space.
    fn prefix_attributes(&mut self, attrs: &[Attribute]) {
        for attr in attrs {
            self.attribute(attr);
            self.out.text(" ");
        }
    }

    /// A field, setting or variant name: bare when it is an identifier, else quoted.
    fn member_name(&mut self, name: &Name) {
        if is_identifier(&name.text) {
            self.out.text(&name.text);
        } else {
            self.out.text(&json_string(&name.text));
        }
    }

    fn attribute(&mut self, attr: &Attribute) {
        self.out.text("@");
        self.out.text(&attr.name.text);
        if let Some(args) = &attr.args {
            self.out.text("(");
            self.comma_list(args);
            self.out.text(")");
        }
    }

    // ---- types ----

    /// A type where what follows cannot continue it: a field's or alias's type, a list's
    /// element, a type argument.
    fn ty(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeExprKind::Named { name, args } => {
                self.out.text(&name.text);
                if !args.is_empty() {
                    self.out.text("<");
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            self.out.text(", ");
                        }
                        self.ty(arg);
                    }
                    self.out.text(">");
                }
            }
            TypeExprKind::List(inner) => {
                self.out.text("[");
                self.ty(inner);
                self.out.text("]");
            }
            TypeExprKind::Tuple(elements) => {
                self.out.text("[");
                for (i, element) in elements.iter().enumerate() {
                    if i > 0 {
                        self.out.text(", ");
                    }
                    self.ty(element);
                }
                // A lone element needs its comma, or it would read as a list.
                if elements.len() == 1 {
                    self.out.text(",");
                }
                self.out.text("]");
            }
            TypeExprKind::Null => self.out.text("null"),
            TypeExprKind::Union(members) => self.union_members(members),
            TypeExprKind::Error => self.out.text(ERROR),
        }
        for attr in &ty.attrs {
            self.out.text(" ");
            self.attribute(attr);
        }
    }

    /// A union's variants or a request's replies: a lone one as a whole type (its postfix
    /// attributes then belong to it), several joined by ` | ` (wrapped when too long).
    fn alternatives(&mut self, types: &[TypeExpr]) {
        match types {
            [one] => self.ty(one),
            many => self.wrapped_members(many, &[]),
        }
    }

    /// A type that ends its line's content (a field's, an alias's, a value payload's): a
    /// union too long for one line is wrapped.
    fn top_ty(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeExprKind::Union(members) => self.wrapped_members(members, &ty.attrs),
            _ => self.ty(ty),
        }
    }

    /// `A | B | C` then the union's own attributes, on one line when it fits in
    /// [`MAX_WIDTH`]; otherwise the first member stays on the line and every other one
    /// follows on a line of its own, one indent deeper, as `| B`.
    fn wrapped_members(&mut self, members: &[TypeExpr], attrs: &[Attribute]) {
        let mut flat = Printer::default();
        flat.union_members(members);
        for attr in attrs {
            flat.out.text(" ");
            flat.attribute(attr);
        }
        let one_line = flat.out.finish();
        if self.out.column() + one_line.trim_end().chars().count() <= MAX_WIDTH || members.len() < 2 {
            self.union_members(members);
        } else {
            self.union_member(&members[0]);
            self.out.indent();
            for member in &members[1..] {
                self.out.end_line();
                self.out.text("| ");
                self.union_member(member);
            }
            self.out.dedent();
        }
        for attr in attrs {
            self.out.text(" ");
            self.attribute(attr);
        }
    }

    fn union_members(&mut self, members: &[TypeExpr]) {
        for (i, member) in members.iter().enumerate() {
            if i > 0 {
                self.out.text(" | ");
            }
            self.union_member(member);
        }
    }

    /// One member of `A | B`: parenthesised when it has postfix attributes (which would
    /// otherwise end the union) or is a union itself (which would otherwise be flattened).
    fn union_member(&mut self, ty: &TypeExpr) {
        if ty.attrs.is_empty() && !matches!(ty.kind, TypeExprKind::Union(_)) {
            self.ty(ty);
        } else {
            self.out.text("(");
            self.ty(ty);
            self.out.text(")");
        }
    }

    // ---- expressions ----

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Str(s) => self.out.text(&json_string(s)),
            ExprKind::Int(text) | ExprKind::Float(text) | ExprKind::Duration(text) | ExprKind::Ident(text) => {
                self.out.text(text)
            }
            ExprKind::List(items) => {
                self.out.text("[");
                self.comma_list(items);
                self.out.text("]");
            }
            ExprKind::Object(entries) if entries.is_empty() => self.out.text("{}"),
            ExprKind::Object(entries) => {
                self.out.text("{ ");
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.text(", ");
                    }
                    self.out.text(&json_string(&key.text));
                    self.out.text(": ");
                    self.expr(value);
                }
                self.out.text(" }");
            }
            ExprKind::Call { name, args } => {
                self.out.text(&name.text);
                self.out.text("(");
                self.comma_list(args);
                self.out.text(")");
            }
            ExprKind::Named { name, value } => {
                self.out.text(&name.text);
                self.out.text(" = ");
                self.expr(value);
            }
            ExprKind::Range { start, end, inclusive } => {
                if let Some(start) = start {
                    self.expr(start);
                }
                self.out.text(if *inclusive { "..=" } else { ".." });
                if let Some(end) = end {
                    self.expr(end);
                }
            }
            ExprKind::Alt(alts) => {
                for (i, alt) in alts.iter().enumerate() {
                    if i > 0 {
                        self.out.text(" | ");
                    }
                    self.expr(alt);
                }
            }
            ExprKind::Arrow(from, to) => {
                self.expr(from);
                self.out.text(" -> ");
                self.expr(to);
            }
            ExprKind::Error => self.out.text(ERROR),
        }
    }

    fn comma_list(&mut self, exprs: &[Expr]) {
        for (i, expr) in exprs.iter().enumerate() {
            if i > 0 {
                self.out.text(", ");
            }
            self.expr(expr);
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the lexer's identifiers.
/// Block members, for the blank lines the author left between them.
trait HasTrivia {
    fn trivia(&self) -> &Trivia;
}

impl HasTrivia for Setting {
    fn trivia(&self) -> &Trivia {
        &self.trivia
    }
}

impl HasTrivia for Field {
    fn trivia(&self) -> &Trivia {
        &self.trivia
    }
}

impl HasTrivia for Variant {
    fn trivia(&self) -> &Trivia {
        &self.trivia
    }
}

fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A string literal with JSON's escapes, which are also the language's.
fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("type"));
        assert!(is_identifier("_x9"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("9x"));
        assert!(!is_identifier("content-type"));
        assert!(!is_identifier("é"));
    }

    #[test]
    fn strings_use_json_escapes() {
        assert_eq!(json_string("a\"b\\c\n\u{1}é/"), r#""a\"b\\c\n\u0001é/""#);
    }

    #[test]
    fn empty_file_is_empty() {
        assert_eq!(format(&File { items: Vec::new(), dangling: Vec::new() }), "");
    }
}
