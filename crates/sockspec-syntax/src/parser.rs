//! Recursive-descent parser with recovery: it always returns a `File`, plus every syntax
//! error found, so one run reports them all.

use crate::ast::*;
use crate::lexer::{Token, TokenKind, lex};
use crate::{Diagnostic, Span, Spanned};

/// How deeply types and values may nest in a schema (`[[[u8]]]`, `map<...>`, `(...)`,
/// `[{...}]` in a default, example or setting), the same limit as for frames. Deeper
/// nesting is reported (S0105) and skipped without recursion, so no schema can overflow the
/// stack of the parser or of anything that reads the tree.
pub const MAX_NESTING: usize = 128;

/// The largest text [`parse`] reads: spans are 32-bit byte offsets.
pub const MAX_SOURCE_BYTES: usize = u32::MAX as usize;

/// Parses a whole schema file. Never fails: unparseable parts become `Error` nodes and
/// diagnostics. A text longer than [`MAX_SOURCE_BYTES`] is refused (S0107) unread.
pub fn parse(src: &str) -> (File, Vec<Diagnostic>) {
    if let Some(diag) = too_large(src.len()) {
        return (File { items: Vec::new(), dangling: Vec::new() }, vec![diag]);
    }
    let mut parser = Parser::new(src);
    let file = parser.file();
    (file, parser.diagnostics)
}

/// S0107 for a text whose byte offsets do not fit a span.
fn too_large(len: usize) -> Option<Diagnostic> {
    (len > MAX_SOURCE_BYTES).then(|| {
        Diagnostic::error(
            "S0107",
            format!("the schema is {len} bytes, more than the {MAX_SOURCE_BYTES} a schema may have"),
            Span::default(),
            "the file starts here",
        )
        .with_help("split the protocol, or generate a smaller schema")
    })
}

const ITEM_KEYWORDS: &[&str] = &[
    "protocol",
    "envelope",
    "connection",
    "struct",
    "enum",
    "union",
    "type",
    "client",
    "server",
    "message",
    "request",
];

struct Parser<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    /// Plain comments standing before each significant token, with whether each is on the
    /// same line as the token before it (a trailing comment).
    comments: Vec<Vec<(Comment, bool)>>,
    /// Whether an empty line stands before each significant token, or before the first
    /// whole-line comment in front of it.
    blank_before: Vec<bool>,
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    /// How many type expressions or values are open around the cursor.
    depth: usize,
    /// S0105 was reported inside the innermost part at the limit: its other members are
    /// skipped without another report.
    too_deep: bool,
    /// For each open `(` (true) or `{` (false) around the cursor: whether it holds call
    /// arguments, where `name = value` is a named argument.
    brackets: Vec<bool>,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Self {
        let mut tokens = Vec::new();
        let mut comments = vec![Vec::new()];
        let mut blank_before = Vec::new();
        let mut pending_blank = None;
        for tok in lex(src) {
            // An empty line after a whole-line comment is kept with the comment.
            if tok.blank_line_before
                && let Some((comment, false)) =
                    comments.last_mut().and_then(|slot: &mut Vec<(Comment, bool)>| slot.last_mut())
            {
                comment.blank_after = true;
            }
            if tok.kind == TokenKind::Comment {
                // Strip exactly one `//`: `////` rules and `/////x` must print back as written.
                let raw = &src[tok.span.range()];
                let text = raw.strip_prefix("//").unwrap_or(raw).to_string();
                let trailing = !tok.newline_before && !tokens.is_empty();
                if !trailing && pending_blank.is_none() {
                    pending_blank = Some(tok.blank_line_before);
                }
                comments
                    .last_mut()
                    .expect("one slot per token")
                    .push((Comment { text, span: tok.span, blank_after: false }, trailing));
            } else {
                blank_before.push(pending_blank.take().unwrap_or(tok.blank_line_before));
                tokens.push(tok);
                comments.push(Vec::new());
            }
        }
        // Names are ASCII (they become identifiers in every generated language); a name
        // with other letters is one error, and is otherwise read as written, so it does not
        // cascade into "unknown type" errors.
        let diagnostics = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Ident && !src[t.span.range()].is_ascii())
            .map(|t| {
                let name = &src[t.span.range()];
                Diagnostic::error(
                    "S0106",
                    format!("`{name}` is not an ASCII name"),
                    t.span,
                    "names are ASCII letters, digits and `_`",
                )
                .with_help(format!(
                    "rename it; a field whose wire name is not ASCII is written as a string: `\"{name}\": T`"
                ))
            })
            .collect();
        Parser {
            src,
            tokens,
            comments,
            blank_before,
            pos: 0,
            diagnostics,
            depth: 0,
            too_deep: false,
            brackets: Vec::new(),
        }
    }

    // ---- nesting ----

    /// Enters one level of nesting; `false` (after reporting S0105 and skipping the
    /// nested part) when that would pass [`MAX_NESTING`].
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_NESTING {
            // The label stays on the first token: the skipped part may be huge.
            let start = self.peek().span;
            self.skip_nested();
            if std::mem::replace(&mut self.too_deep, true) {
                return false;
            }
            self.diagnostics.push(
                Diagnostic::error(
                    "S0105",
                    format!("nesting deeper than {MAX_NESTING} levels"),
                    start,
                    format!("level {} starts here", MAX_NESTING + 1),
                )
                .with_help("name the inner part with `type Name = ...` or `struct`, or flatten it"),
            );
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
        if self.depth < MAX_NESTING {
            self.too_deep = false;
        }
    }

    /// Skips, without recursion, one nested part: a bracketed group with everything in it,
    /// or a name and the bracketed groups right after it (`map<...>`, `f(...)`).
    fn skip_nested(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => return,
                TokenKind::LBracket | TokenKind::LParen | TokenKind::LBrace | TokenKind::Lt => depth += 1,
                TokenKind::RBracket | TokenKind::RParen | TokenKind::RBrace | TokenKind::Gt => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        // `f(...)` and `map<...>` end here; `[...] @len(..)` goes on in the caller.
                        return;
                    }
                }
                _ if depth == 0 && self.pos > start => return,
                _ => {}
            }
            self.bump();
        }
    }

    // ---- cursor ----

    fn peek(&self) -> Token {
        self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> Token {
        self.tokens[(self.pos + n).min(self.tokens.len() - 1)]
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek().kind == kind
    }

    fn text(&self, tok: Token) -> &'s str {
        &self.src[tok.span.range()]
    }

    fn at_ident(&self, word: &str) -> bool {
        self.at(TokenKind::Ident) && self.text(self.peek()) == word
    }

    fn bump(&mut self) -> Token {
        let tok = self.peek();
        if tok.kind != TokenKind::Eof {
            self.pos += 1;
        }
        tok
    }

    fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) { Some(self.bump()) } else { None }
    }

    fn prev_span(&self) -> Span {
        if self.pos == 0 { Span::default() } else { self.tokens[self.pos - 1].span }
    }

    fn expect(&mut self, kind: TokenKind, what: &str) -> Option<Token> {
        if let Some(tok) = self.eat(kind) {
            return Some(tok);
        }
        self.error_here(what);
        None
    }

    /// Reports "expected X, found Y" at the current token (once per position).
    fn error_here(&mut self, expected: &str) {
        let tok = self.peek();
        if self.diagnostics.last().is_some_and(|d| d.primary.span == tok.span) {
            return;
        }
        let found = match tok.kind {
            TokenKind::Ident => format!("`{}`", self.text(tok)),
            TokenKind::Error if self.text(tok).starts_with('"') => {
                self.diagnostics.push(
                    Diagnostic::error("S0102", "unterminated string", tok.span, "this string has no closing quote")
                        .with_help("strings end on the line they start on; close it with `\"`"),
                );
                return;
            }
            TokenKind::Error => {
                let c = self.text(tok);
                let shown = match c.chars().next() {
                    Some(ch) if crate::is_hidden(ch) || ch.is_whitespace() => format!("U+{:04X}", ch as u32),
                    _ => format!("`{c}`"),
                };
                self.diagnostics.push(Diagnostic::error(
                    "S0102",
                    format!("unexpected character {shown}"),
                    tok.span,
                    "not part of the sockspec language",
                ));
                return;
            }
            kind => kind.describe().to_string(),
        };
        let label =
            if tok.kind == TokenKind::Eof { "the file ends here".to_string() } else { format!("expected {expected}") };
        let mut diag = Diagnostic::error("S0101", format!("expected {expected}, found {found}"), tok.span, label);
        if tok.kind == TokenKind::Eof {
            diag = diag.with_help("a block may be missing its closing `}`");
        }
        self.diagnostics.push(diag);
    }

    // ---- trivia ----

    fn take_leading(&mut self) -> Vec<Comment> {
        let slot = &mut self.comments[self.pos.min(self.tokens.len() - 1)];
        std::mem::take(slot).into_iter().map(|(c, _)| c).collect()
    }

    /// Finishes a node that started at token `start`: its trailing comment is a same-line
    /// comment after its last token; comments that stood inside it move before it.
    fn finish_trivia(&mut self, start: usize, mut leading: Vec<Comment>) -> Trivia {
        for i in start + 1..self.pos.min(self.comments.len()) {
            leading.extend(std::mem::take(&mut self.comments[i]).into_iter().map(|(c, _)| c));
        }
        let mut trailing = None;
        if let Some(slot) = self.comments.get_mut(self.pos)
            && slot.first().is_some_and(|(_, same_line)| *same_line)
        {
            trailing = Some(slot.remove(0).0);
        }
        let blank_before = self.blank_before.get(start).copied().unwrap_or(false);
        Trivia { leading, trailing, blank_before }
    }

    fn docs(&mut self) -> Vec<Spanned<String>> {
        let mut docs = Vec::new();
        while self.at(TokenKind::DocComment) {
            let tok = self.bump();
            let text = self.text(tok).trim_start_matches("///");
            let text = text.strip_prefix(' ').unwrap_or(text).trim_end();
            docs.push(Spanned::new(text.to_string(), tok.span));
        }
        docs
    }

    // ---- recovery ----

    /// Skips to the next token that can start an item, at brace depth zero.
    fn recover_to_item(&mut self) {
        let mut depth = 0usize;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => return,
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    if depth <= 1 {
                        self.bump();
                        if depth == 1 {
                            return;
                        }
                        continue;
                    }
                    depth -= 1;
                }
                _ if depth == 0 && tok.newline_before && self.starts_item() => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips to the start of the next member of a block (a new line) or its closing `}`.
    fn recover_in_block(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => return,
                TokenKind::RBrace if depth == 0 => return,
                TokenKind::LBrace | TokenKind::LParen | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => depth = depth.saturating_sub(1),
                _ if depth == 0 && tok.newline_before && self.pos > start => return,
                _ => {}
            }
            self.bump();
        }
    }

    fn starts_item(&self) -> bool {
        match self.peek().kind {
            TokenKind::DocComment | TokenKind::At => true,
            TokenKind::Ident => ITEM_KEYWORDS.contains(&self.text(self.peek())),
            _ => false,
        }
    }

    // ---- items ----

    fn file(&mut self) -> File {
        let mut items = Vec::new();
        while !self.at(TokenKind::Eof) {
            let before = self.pos;
            items.push(self.item());
            if self.pos == before {
                self.bump();
            }
        }
        let dangling = self.take_leading();
        File { items, dangling }
    }

    fn item(&mut self) -> Item {
        let start = self.pos;
        let leading = self.take_leading();
        let docs = self.docs();
        let attrs = self.attributes(false);
        let first = self.peek();
        let kind = self.item_kind();
        if kind == ItemKind::Error {
            self.recover_to_item();
        }
        let span = first.span.to(self.prev_span());
        let span = docs.first().map_or(span, |d| d.span.to(span));
        let trivia = self.finish_trivia(start, leading);
        Item { docs, attrs, kind, span, trivia }
    }

    fn item_kind(&mut self) -> ItemKind {
        let tok = self.peek();
        if tok.kind != TokenKind::Ident {
            self.error_here("an item (`protocol`, `struct`, `enum`, `union`, `type`, `message`, ...)");
            return ItemKind::Error;
        }
        match self.text(tok) {
            "protocol" => {
                self.bump();
                let Some(name) = self.name("a protocol name") else { return ItemKind::Error };
                let Some((settings, close)) = self.block(Self::setting) else { return ItemKind::Error };
                ItemKind::Protocol { name, settings, close }
            }
            "envelope" => {
                let keyword = self.bump().span;
                let Some((fields, close)) = self.block(Self::field) else { return ItemKind::Error };
                ItemKind::Envelope { keyword, fields, close }
            }
            "connection" => {
                let keyword = self.bump().span;
                let Some((settings, close)) = self.block(Self::setting) else { return ItemKind::Error };
                ItemKind::Connection { keyword, settings, close }
            }
            "struct" => {
                self.bump();
                let Some(name) = self.name("a struct name") else { return ItemKind::Error };
                let Some((fields, close)) = self.block(Self::field) else { return ItemKind::Error };
                ItemKind::Struct { name, fields, close }
            }
            "enum" => {
                self.bump();
                let Some(name) = self.name("an enum name") else { return ItemKind::Error };
                let repr = if self.eat(TokenKind::Colon).is_some() { Some(self.type_primary()) } else { None };
                let Some((variants, close)) = self.block(Self::variant) else { return ItemKind::Error };
                ItemKind::Enum { name, repr, variants, close }
            }
            "union" => {
                self.bump();
                let Some(name) = self.name("a union name") else { return ItemKind::Error };
                if self.expect(TokenKind::Eq, "`=` and the union's variants").is_none() {
                    return ItemKind::Error;
                }
                let ty = self.type_expr();
                let variants = match ty.kind {
                    TypeExprKind::Union(members) if ty.attrs.is_empty() => members,
                    _ => vec![ty],
                };
                ItemKind::Union { name, variants }
            }
            "type" => {
                self.bump();
                let Some(name) = self.name("a type name") else { return ItemKind::Error };
                if self.expect(TokenKind::Eq, "`=` and a type").is_none() {
                    return ItemKind::Error;
                }
                let ty = self.type_expr();
                ItemKind::Alias { name, ty }
            }
            "client" | "server" | "message" | "request" => self.message(),
            word => {
                let span = tok.span;
                let mut diag = Diagnostic::error(
                    "S0101",
                    format!("expected an item, found `{word}`"),
                    span,
                    "not an item keyword",
                );
                if let Some(s) = crate::suggest(word, ITEM_KEYWORDS.iter().copied()) {
                    diag = diag.with_help(format!("did you mean `{s}`?"));
                }
                self.diagnostics.push(diag);
                ItemKind::Error
            }
        }
    }

    fn message(&mut self) -> ItemKind {
        let direction = if self.at_ident("client") || self.at_ident("server") {
            let tok = self.bump();
            let dir = if self.text(tok) == "client" { Direction::Client } else { Direction::Server };
            Some(Spanned::new(dir, tok.span))
        } else {
            None
        };
        let keyword = if self.at_ident("message") {
            Spanned::new(MessageKeyword::Message, self.bump().span)
        } else if self.at_ident("request") {
            Spanned::new(MessageKeyword::Request, self.bump().span)
        } else {
            self.error_here("`message` or `request`");
            let word = self.text(self.peek());
            if let Some(s) = crate::suggest(word, ["message", "request"])
                && let Some(last) = self.diagnostics.last_mut()
            {
                last.help = Some(format!("did you mean `{s}`?"));
            }
            return ItemKind::Error;
        };
        let Some(name) = self.name("a message name") else { return ItemKind::Error };
        let body = if self.eat(TokenKind::Eq).is_some() {
            MessageBody::Type(self.type_expr())
        } else {
            let Some((fields, close)) = self.block(Self::field) else { return ItemKind::Error };
            MessageBody::Fields { fields, close }
        };
        let mut replies = Vec::new();
        if self.eat(TokenKind::Arrow).is_some() {
            let ty = self.type_expr();
            replies = match ty.kind {
                TypeExprKind::Union(members) if ty.attrs.is_empty() => members,
                _ => vec![ty],
            };
        }
        ItemKind::Message { direction, keyword, name, body, replies }
    }

    /// `{ member* }` where members are separated by line breaks, `,` or `;`.
    fn block<T>(&mut self, member: impl FnMut(&mut Self) -> Option<T>) -> Option<(Vec<T>, Trivia)> {
        self.expect(TokenKind::LBrace, "`{`")?;
        self.brackets.push(false);
        let block = self.block_members(member);
        self.brackets.pop();
        Some(block)
    }

    fn block_members<T>(&mut self, mut member: impl FnMut(&mut Self) -> Option<T>) -> (Vec<T>, Trivia) {
        let mut members = Vec::new();
        loop {
            if self.at(TokenKind::RBrace) {
                let leading = self.take_leading();
                self.bump();
                // Members are large and most blocks small: spare capacity would be most of
                // the tree's memory in a schema of many one-field structs.
                members.shrink_to_fit();
                return (members, Trivia { leading, trailing: None, blank_before: false });
            }
            if self.at(TokenKind::Eof) {
                self.error_here("`}`");
                return (members, Trivia::default());
            }
            let before = self.pos;
            match member(self) {
                Some(m) => members.push(m),
                None => {
                    self.recover_in_block();
                    if self.pos == before {
                        self.bump();
                    }
                    continue;
                }
            }
            while self.eat(TokenKind::Comma).is_some() || self.eat(TokenKind::Semi).is_some() {}
        }
    }

    fn name(&mut self, what: &str) -> Option<Name> {
        match self.peek().kind {
            TokenKind::Ident => {
                let tok = self.bump();
                Some(Name { text: self.text(tok).to_string(), span: tok.span, quoted: false })
            }
            _ => {
                self.error_here(what);
                None
            }
        }
    }

    /// A member name: an identifier, or a string for wire names that are not identifiers.
    fn member_name(&mut self, what: &str) -> Option<Name> {
        if self.at(TokenKind::Str) {
            let tok = self.bump();
            let text = self.string_value(tok);
            return Some(Name { text, span: tok.span, quoted: true });
        }
        self.name(what)
    }

    fn setting(&mut self) -> Option<Setting> {
        let start = self.pos;
        let leading = self.take_leading();
        let docs = self.docs();
        let key = self.member_name("a setting name (`key = value`)")?;
        if self.at(TokenKind::Colon) {
            self.error_here("`=`");
            if let Some(last) = self.diagnostics.last_mut() {
                last.help = Some(format!("settings are written `{} = value`; `:` declares fields", key.text));
            }
            return None;
        }
        self.expect(TokenKind::Eq, "`=`")?;
        let value = self.expr();
        if self.at(TokenKind::At) && !self.peek().newline_before {
            // `id_type = string @len(1..)`: a setting value is no type use site, so it takes
            // no constraints; an alias carries them.
            let at = self.peek().span;
            let attrs = self.attributes(true);
            let span = attrs.iter().fold(at, |s, a| s.to(a.span));
            let written = self.src.get(value.span.start as usize..span.end as usize).unwrap_or("T @...");
            self.diagnostics.push(
                Diagnostic::error("S0101", "a setting value takes no attributes", span, "not allowed here").with_help(
                    format!(
                        "declare a type alias, `type {alias} = {written}`, and write `{} = {alias}`",
                        key.text,
                        alias = if key.text == "id_type" { "RequestId" } else { "Name" },
                    ),
                ),
            );
        }
        let span = key.span.to(self.prev_span());
        let trivia = self.finish_trivia(start, leading);
        Some(Setting { docs, key, value, span, trivia })
    }

    fn field(&mut self) -> Option<Field> {
        let start = self.pos;
        let leading = self.take_leading();
        let docs = self.docs();
        let attrs = self.attributes(false);
        let name = self.member_name("a field name")?;
        let optional = self.eat(TokenKind::Question).map(|t| t.span);
        self.expect(TokenKind::Colon, "`:` and the field's type")?;
        let ty = self.type_expr();
        let default = if self.eat(TokenKind::Eq).is_some() { Some(self.expr()) } else { None };
        let span = name.span.to(self.prev_span());
        let trivia = self.finish_trivia(start, leading);
        Some(Field { docs, attrs, name, optional, ty, default, span, trivia })
    }

    fn variant(&mut self) -> Option<Variant> {
        let start = self.pos;
        let leading = self.take_leading();
        let docs = self.docs();
        let attrs = self.attributes(false);
        let name = self.name("a variant name")?;
        let value = if self.eat(TokenKind::Eq).is_some() { Some(self.expr()) } else { None };
        let span = name.span.to(self.prev_span());
        let trivia = self.finish_trivia(start, leading);
        Some(Variant { docs, attrs, name, value, span, trivia })
    }

    /// Attributes. Postfix ones (after a type) must stand on the type's line, so an
    /// attribute on the next line belongs to the next field.
    fn attributes(&mut self, postfix: bool) -> Vec<Attribute> {
        let mut attrs = Vec::new();
        while self.at(TokenKind::At) && !(postfix && self.peek().newline_before) {
            let at = self.bump();
            let Some(name) = self.name("an attribute name after `@`") else { break };
            let args = if self.at(TokenKind::LParen) && !self.peek().newline_before {
                self.bump();
                let args = self.expr_list(TokenKind::RParen);
                Some(args)
            } else {
                None
            };
            attrs.push(Attribute { name, args, span: at.span.to(self.prev_span()) });
        }
        attrs
    }

    // ---- types ----

    fn type_expr(&mut self) -> TypeExpr {
        let span = self.peek().span;
        if !self.enter() {
            return TypeExpr { kind: TypeExprKind::Error, attrs: Vec::new(), span: span.to(self.prev_span()) };
        }
        let ty = self.type_union();
        self.leave();
        ty
    }

    fn type_union(&mut self) -> TypeExpr {
        let mut first = self.type_primary();
        let attrs = self.attributes(true);
        attach(&mut first, attrs);
        if !self.at(TokenKind::Pipe) {
            return first;
        }
        // In a union, attributes after a member (`string @len(2..=8) | null`) constrain that
        // member; attributes after the last member constrain the whole union.
        let mut members = vec![first];
        let mut trailing = Vec::new();
        while self.eat(TokenKind::Pipe).is_some() {
            let mut member = self.type_primary();
            let attrs = self.attributes(true);
            if self.at(TokenKind::Pipe) {
                attach(&mut member, attrs);
            } else {
                trailing = attrs;
            }
            members.push(member);
        }
        let span = members[0].span.to(members[members.len() - 1].span);
        let mut ty = TypeExpr { kind: TypeExprKind::Union(members), attrs: Vec::new(), span };
        attach(&mut ty, trailing);
        ty
    }

    fn type_primary(&mut self) -> TypeExpr {
        let tok = self.peek();
        match tok.kind {
            TokenKind::LBracket => {
                self.bump();
                let inner = self.type_expr();
                // `[T]` is a list; `[A, B]` (or `[A,]`) a tuple, one type per position.
                let kind = if self.at(TokenKind::Comma) {
                    let mut elements = vec![inner];
                    while self.eat(TokenKind::Comma).is_some() && !self.at(TokenKind::RBracket) {
                        elements.push(self.type_expr());
                    }
                    TypeExprKind::Tuple(elements)
                } else {
                    TypeExprKind::List(Box::new(inner))
                };
                self.expect(TokenKind::RBracket, "`]`");
                TypeExpr { kind, attrs: Vec::new(), span: tok.span.to(self.prev_span()) }
            }
            TokenKind::LParen => {
                self.bump();
                let mut inner = self.type_expr();
                self.expect(TokenKind::RParen, "`)`");
                inner.span = tok.span.to(self.prev_span());
                inner
            }
            TokenKind::Ident if self.text(tok) == "null" => {
                self.bump();
                TypeExpr { kind: TypeExprKind::Null, attrs: Vec::new(), span: tok.span }
            }
            TokenKind::Ident => {
                self.bump();
                let name = Name { text: self.text(tok).to_string(), span: tok.span, quoted: false };
                let mut args = Vec::new();
                if self.eat(TokenKind::Lt).is_some() {
                    loop {
                        args.push(self.type_expr());
                        if self.eat(TokenKind::Comma).is_none() {
                            break;
                        }
                    }
                    self.expect(TokenKind::Gt, "`>`");
                }
                TypeExpr {
                    kind: TypeExprKind::Named { name, args },
                    attrs: Vec::new(),
                    span: tok.span.to(self.prev_span()),
                }
            }
            _ => {
                self.error_here("a type");
                TypeExpr { kind: TypeExprKind::Error, attrs: Vec::new(), span: tok.span }
            }
        }
    }

    // ---- expressions ----

    fn expr_list(&mut self, close: TokenKind) -> Vec<Expr> {
        if close == TokenKind::RParen {
            self.brackets.push(true);
        }
        let items = self.expr_items(close);
        if close == TokenKind::RParen {
            self.brackets.pop();
        }
        items
    }

    fn expr_items(&mut self, close: TokenKind) -> Vec<Expr> {
        let mut items = Vec::new();
        loop {
            if self.eat(close).is_some() {
                return items;
            }
            if self.at(TokenKind::Eof) {
                self.error_here(close.describe());
                return items;
            }
            let before = self.pos;
            items.push(self.expr());
            if self.eat(TokenKind::Comma).is_none() && !self.at(close) {
                self.error_here(&format!("`,` or {}", close.describe()));
                // Skip to the closing token so one typo is one error.
                while !self.at(close) && !self.at(TokenKind::Eof) && !self.at(TokenKind::RBrace) {
                    self.bump();
                }
                self.eat(close);
                return items;
            }
            if self.pos == before {
                self.bump();
            }
        }
    }

    fn expr(&mut self) -> Expr {
        let span = self.peek().span;
        if !self.enter() {
            return Expr { kind: ExprKind::Error, span: span.to(self.prev_span()) };
        }
        let expr = self.expr_arrow();
        self.leave();
        expr
    }

    fn expr_arrow(&mut self) -> Expr {
        let first = self.expr_range();
        let mut expr = if self.at(TokenKind::Pipe) {
            let mut alts = vec![first];
            while self.eat(TokenKind::Pipe).is_some() {
                alts.push(self.expr_range());
            }
            let span = alts[0].span.to(alts[alts.len() - 1].span);
            Expr { kind: ExprKind::Alt(alts), span }
        } else {
            first
        };
        if self.eat(TokenKind::Arrow).is_some() {
            let rhs = self.expr();
            let span = expr.span.to(rhs.span);
            expr = Expr { kind: ExprKind::Arrow(Box::new(expr), Box::new(rhs)), span };
        }
        expr
    }

    fn expr_range(&mut self) -> Expr {
        let start_tok = self.peek();
        let start = if matches!(start_tok.kind, TokenKind::DotDot | TokenKind::DotDotEq) {
            None
        } else {
            Some(self.expr_atom())
        };
        if self.at(TokenKind::DotDot) || self.at(TokenKind::DotDotEq) {
            let op = self.bump();
            let inclusive = op.kind == TokenKind::DotDotEq;
            // A range's end stands on the `..`'s line: a line break ends the member, so
            // `min = 1..` followed by `max = 9` on the next line is two settings.
            let end =
                if self.starts_atom() && !self.peek().newline_before { Some(Box::new(self.expr_atom())) } else { None };
            let span = start_tok.span.to(self.prev_span());
            if inclusive && end.is_none() {
                self.diagnostics.push(
                    Diagnostic::error("S0101", "an inclusive range `..=` needs an end", span, "no end after `..=`")
                        .with_help("write `a..` for a range with no end"),
                );
            }
            return Expr { kind: ExprKind::Range { start: start.map(Box::new), end, inclusive }, span };
        }
        start.unwrap_or_else(|| {
            self.error_here("a value");
            Expr { kind: ExprKind::Error, span: start_tok.span }
        })
    }

    fn starts_atom(&self) -> bool {
        matches!(
            self.peek().kind,
            TokenKind::Str
                | TokenKind::Int
                | TokenKind::Float
                | TokenKind::Duration
                | TokenKind::Ident
                | TokenKind::LBracket
                | TokenKind::LBrace
        )
    }

    fn expr_atom(&mut self) -> Expr {
        let tok = self.peek();
        let kind = match tok.kind {
            TokenKind::Str => {
                self.bump();
                ExprKind::Str(self.string_value(tok))
            }
            TokenKind::Int => {
                self.bump();
                ExprKind::Int(self.text(tok).to_string())
            }
            TokenKind::Float => {
                self.bump();
                ExprKind::Float(self.text(tok).to_string())
            }
            TokenKind::Duration => {
                self.bump();
                ExprKind::Duration(self.text(tok).to_string())
            }
            TokenKind::Ident => {
                self.bump();
                let text = self.text(tok).to_string();
                if self.at(TokenKind::LParen) && !self.peek().newline_before {
                    self.bump();
                    let args = self.expr_list(TokenKind::RParen);
                    let name = Name { text, span: tok.span, quoted: false };
                    ExprKind::Call { name, args }
                } else if self.at(TokenKind::Eq) && self.peek_at(1).kind != TokenKind::Eq && self.in_call_args() {
                    self.bump();
                    let value = self.expr();
                    let name = Name { text, span: tok.span, quoted: false };
                    ExprKind::Named { name, value: Box::new(value) }
                } else {
                    ExprKind::Ident(text)
                }
            }
            TokenKind::LBracket => {
                self.bump();
                ExprKind::List(self.expr_list(TokenKind::RBracket))
            }
            TokenKind::LBrace => {
                self.bump();
                self.brackets.push(false);
                let entries = self.object_entries();
                self.brackets.pop();
                ExprKind::Object(entries)
            }
            _ => {
                self.error_here("a value");
                return Expr { kind: ExprKind::Error, span: tok.span };
            }
        };
        Expr { kind, span: tok.span.to(self.prev_span()) }
    }

    /// The entries of an object literal, after its `{`.
    fn object_entries(&mut self) -> Vec<(Name, Expr)> {
        let mut entries = Vec::new();
        loop {
            if self.eat(TokenKind::RBrace).is_some() {
                break;
            }
            let Some(key) = self.member_name("an object key") else {
                self.recover_in_block();
                self.eat(TokenKind::RBrace);
                break;
            };
            if self.expect(TokenKind::Colon, "`:`").is_none() {
                self.recover_in_block();
                self.eat(TokenKind::RBrace);
                break;
            }
            entries.push((key, self.expr()));
            if self.eat(TokenKind::Comma).is_none() && !self.at(TokenKind::RBrace) {
                self.error_here("`,` or `}`");
                self.recover_in_block();
                self.eat(TokenKind::RBrace);
                break;
            }
        }
        entries
    }

    /// Whether the cursor is inside the parentheses of a call or attribute, where
    /// `name = value` is a named argument rather than the next setting.
    fn in_call_args(&self) -> bool {
        // The innermost open bracket decides: `(` of a call or attribute, or `{` of a block
        // or object. Kept as a stack while parsing, so this is constant time.
        self.brackets.last() == Some(&true)
    }

    /// Decodes a string literal's escapes (JSON's), reporting bad ones.
    fn string_value(&mut self, tok: Token) -> String {
        let raw = self.text(tok);
        let inner = &raw[1..raw.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let decoded = match chars.next() {
                Some((_, '"')) => Some('"'),
                Some((_, '\\')) => Some('\\'),
                Some((_, '/')) => Some('/'),
                Some((_, 'b')) => Some('\u{8}'),
                Some((_, 'f')) => Some('\u{c}'),
                Some((_, 'n')) => Some('\n'),
                Some((_, 'r')) => Some('\r'),
                Some((_, 't')) => Some('\t'),
                Some((_, 'u')) => {
                    let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4).and_then(char::from_u32)
                }
                _ => None,
            };
            match decoded {
                Some(c) => out.push(c),
                None => {
                    let at = tok.span.start as usize + 1 + i;
                    self.diagnostics.push(
                        Diagnostic::error(
                            "S0103",
                            "invalid escape in string",
                            Span::new(at, (at + 2).min(tok.span.end as usize)),
                            "not a valid escape",
                        )
                        .with_help("strings take JSON's escapes: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"),
                    );
                }
            }
        }
        out
    }
}

/// Adds postfix attributes to a type, widening its span over them.
fn attach(ty: &mut TypeExpr, attrs: Vec<Attribute>) {
    if let Some(last) = attrs.last() {
        ty.span = ty.span.to(last.span);
        ty.attrs.extend(attrs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        parse(src).1.into_iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
    }

    #[test]
    fn named_arguments_after_an_object_literal() {
        assert_eq!(errors("connection { heartbeat = message(Ping, x = {}, every = 30s) }"), Vec::<String>::new());
        assert_eq!(errors("protocol p {}\n@example({\"a\": 1})\nstruct A { a: u8 }"), Vec::<String>::new());
    }

    #[test]
    fn a_setting_after_a_call_is_not_a_named_argument() {
        let (file, diags) = parse("connection {\n auth = header(\"A\")\n path = \"/ws\"\n}");
        assert!(diags.is_empty(), "{diags:?}");
        let ItemKind::Connection { settings, .. } = &file.items[0].kind else { panic!("a connection block") };
        assert_eq!(settings.len(), 2);
    }

    #[test]
    fn recovers_and_reports_every_broken_field() {
        let errs = errors("protocol p {}\nstruct A {\n a u8\n b: u8\n c u8\n}\nstruct B { x: }\n");
        assert_eq!(errs.len(), 3, "{errs:?}");
    }

    #[test]
    fn attributes_bind_to_union_members_or_the_union() {
        let (file, diags) =
            parse("protocol p {}\nstruct A {\n a: string @len(2..=8) | null\n b: string | null @len(2..=8)\n}");
        assert!(diags.is_empty(), "{diags:?}");
        let ItemKind::Struct { fields, .. } = &file.items[1].kind else { panic!("a struct") };
        let TypeExprKind::Union(members) = &fields[0].ty.kind else { panic!("a union") };
        assert_eq!(members[0].attrs.len(), 1);
        assert!(fields[0].ty.attrs.is_empty());
        let TypeExprKind::Union(members) = &fields[1].ty.kind else { panic!("a union") };
        assert!(members.iter().all(|m| m.attrs.is_empty()));
        assert_eq!(fields[1].ty.attrs.len(), 1);
    }

    /// Every way a schema nests, `n` levels deep, as a whole file.
    fn nested(n: usize) -> Vec<(&'static str, String)> {
        let wrap = |open: &str, inner: &str, close: &str| format!("{}{inner}{}", open.repeat(n), close.repeat(n));
        vec![
            ("list type", format!("protocol p {{}}\ntype T = {}", wrap("[", "u8", "]"))),
            ("parenthesised type", format!("protocol p {{}}\ntype T = {}", wrap("(", "u8", ")"))),
            ("map type", format!("protocol p {{}}\ntype T = {}", wrap("map<", "u8", ">"))),
            ("list default", format!("protocol p {{}}\nstruct A {{ a: json = {} }}", wrap("[", "1", "]"))),
            ("object default", format!("protocol p {{}}\nstruct A {{ a: json = {} }}", wrap("{\"k\": ", "1", "}"))),
            ("example", format!("protocol p {{}}\n@example({})\nstruct A {{}}", wrap("[", "", "]"))),
            ("setting", format!("protocol p {{ version = {} }}", wrap("[", "", "]"))),
            ("call", format!("protocol p {{ version = {} }}", wrap("f(", "", ")"))),
            ("arrows", format!("protocol p {{ version = {}1 }}", "a -> ".repeat(n))),
        ]
    }

    #[test]
    fn nesting_is_limited_at_any_depth() {
        for (what, src) in nested(100_000) {
            let (file, diags) = parse(&src);
            let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
            assert!(codes.contains(&"S0105"), "{what}: {codes:?}");
            assert!(diags.len() <= 3, "{what}: {} diagnostics", diags.len());
            // The tree is bounded too, so printing and dropping it are safe.
            let _ = crate::format(&file);
        }
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        for (what, src) in nested(MAX_NESTING - 2) {
            let (_, diags) = parse(&src);
            assert!(diags.is_empty(), "{what}: {diags:?}");
        }
    }

    #[test]
    fn texts_over_4_gib_are_refused() {
        assert!(too_large(MAX_SOURCE_BYTES).is_none());
        let diag = too_large(MAX_SOURCE_BYTES + 1).expect("refused");
        assert_eq!((diag.code, diag.primary.span), ("S0107", Span::default()));
    }

    #[test]
    fn many_named_arguments_parse() {
        // Used to walk back over every token for each `name =`: quadratic.
        let args: Vec<String> = (0..20_000).map(|i| format!("a{i} = {i}")).collect();
        let src = format!("connection {{ heartbeat = message(Ping, {}) }}", args.join(", "));
        let (file, diags) = parse(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let ItemKind::Connection { settings, .. } = &file.items[0].kind else { panic!("a connection") };
        let ExprKind::Call { args, .. } = &settings[0].value.kind else { panic!("a call") };
        assert_eq!(args.iter().filter(|a| matches!(a.kind, ExprKind::Named { .. })).count(), 20_000);
    }

    #[test]
    fn non_ascii_names_are_one_error_each() {
        let errs = errors("protocol p {}\nstruct Café { a: u8 }\nstruct B { c: Café }");
        assert_eq!(errs, ["S0106: `Café` is not an ASCII name", "S0106: `Café` is not an ASCII name"]);
    }

    #[test]
    fn control_characters_are_named_by_code_point() {
        assert_eq!(errors("protocol p {}\n\u{1b}"), ["S0102: unexpected character U+001B"]);
    }

    #[test]
    fn postfix_attributes_stay_on_their_line() {
        let (file, diags) = parse("protocol p {}\nstruct A {\n a: string @len(1..)\n @deprecated(\"x\") b: u8\n}");
        assert!(diags.is_empty(), "{diags:?}");
        let ItemKind::Struct { fields, .. } = &file.items[1].kind else { panic!("a struct") };
        assert_eq!(fields[0].ty.attrs.len(), 1);
        assert_eq!(fields[1].attrs[0].name.text, "deprecated");
    }
}
