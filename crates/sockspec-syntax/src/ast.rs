//! The syntax tree: what the file says, with spans and comments, before any name is resolved.

use crate::{Span, Spanned};

/// A name as written: an identifier, or a quoted string for wire names that are not
/// identifiers (`"content-type": string`).
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
    pub quoted: bool,
}

/// A `//` comment kept for the formatter; `text` excludes the slashes.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// An empty line follows the comment (a section heading stands apart from what
    /// follows it); the formatter keeps one.
    pub blank_after: bool,
}

/// Comments around a node: whole lines before it, and one at the end of its last line;
/// and whether an empty line stood before it (the formatter keeps one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trivia {
    pub leading: Vec<Comment>,
    pub trailing: Option<Comment>,
    pub blank_before: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Comments after the last item.
    pub dangling: Vec<Comment>,
}

/// `@name` or `@name(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: Name,
    pub args: Option<Vec<Expr>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `///` lines, without the slashes and one leading space.
    pub docs: Vec<Spanned<String>>,
    pub attrs: Vec<Attribute>,
    pub kind: ItemKind,
    pub span: Span,
    pub trivia: Trivia,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Client,
    Server,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKeyword {
    Message,
    Request,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    /// `protocol name { settings }`
    Protocol { name: Name, settings: Vec<Setting>, close: Trivia },
    /// `envelope { fields }`
    Envelope { keyword: Span, fields: Vec<Field>, close: Trivia },
    /// `connection { settings }`
    Connection { keyword: Span, settings: Vec<Setting>, close: Trivia },
    /// `struct Name { fields }`
    Struct { name: Name, fields: Vec<Field>, close: Trivia },
    /// `enum Name[: repr] { variants }`
    Enum { name: Name, repr: Option<TypeExpr>, variants: Vec<Variant>, close: Trivia },
    /// `union Name = A | B`
    Union { name: Name, variants: Vec<TypeExpr> },
    /// `type Name = T`
    Alias { name: Name, ty: TypeExpr },
    /// `[client|server] message|request Name body [-> replies]`
    Message {
        direction: Option<Spanned<Direction>>,
        keyword: Spanned<MessageKeyword>,
        name: Name,
        body: MessageBody,
        replies: Vec<TypeExpr>,
    },
    /// Something that could not be parsed as an item; its diagnostic was reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MessageBody {
    /// `{ fields }`
    Fields { fields: Vec<Field>, close: Trivia },
    /// `= Type`: the payload is one value, not an object of fields.
    Type(TypeExpr),
}

/// `key = value` in `protocol` and `connection` blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub docs: Vec<Spanned<String>>,
    pub key: Name,
    pub value: Expr,
    pub span: Span,
    pub trivia: Trivia,
}

/// `[attrs] name[?]: Type [= default]`
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub docs: Vec<Spanned<String>>,
    pub attrs: Vec<Attribute>,
    pub name: Name,
    pub optional: Option<Span>,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
    pub trivia: Trivia,
}

/// `[attrs] name [= value]` in an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub docs: Vec<Spanned<String>>,
    pub attrs: Vec<Attribute>,
    pub name: Name,
    pub value: Option<Expr>,
    pub span: Span,
    pub trivia: Trivia,
}

/// A type as written, with the constraint attributes that follow it on its line.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// `string`, `Word`, `map<T>`
    Named { name: Name, args: Vec<TypeExpr> },
    /// `[T]`
    List(Box<TypeExpr>),
    /// `[A, B]`: a fixed positional array, one type per position (`[A,]` for one).
    Tuple(Vec<TypeExpr>),
    /// `null`
    Null,
    /// `A | B | null`
    Union(Vec<TypeExpr>),
    /// Could not be parsed; reported.
    Error,
}

/// Literal values, names, ranges and calls: setting values, attribute arguments, defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// The decoded string.
    Str(String),
    /// The literal as written (`-3`, `0x1F`, `1_000`).
    Int(String),
    Float(String),
    /// As written, `30s`.
    Duration(String),
    /// `true`, `false`, `null`, `none`, enum variant and type names are all identifiers here;
    /// the model decides what they mean where they stand.
    Ident(String),
    List(Vec<Expr>),
    Object(Vec<(Name, Expr)>),
    /// `name(args)`
    Call {
        name: Name,
        args: Vec<Expr>,
    },
    /// `name = value` inside call arguments.
    Named {
        name: Name,
        value: Box<Expr>,
    },
    /// `a..b`, `a..=b`, `a..`, `..=b`
    Range {
        start: Option<Box<Expr>>,
        end: Option<Box<Expr>>,
        inclusive: bool,
    },
    /// `a | b`: alternatives, as in `id_type = string | i64`.
    Alt(Vec<Expr>),
    /// `a -> b`, as in `auth = message(Hello -> Welcome)`.
    Arrow(Box<Expr>, Box<Expr>),
    Error,
}

impl Item {
    /// The declared name, where the item has one.
    pub fn name(&self) -> Option<&Name> {
        match &self.kind {
            ItemKind::Protocol { name, .. }
            | ItemKind::Struct { name, .. }
            | ItemKind::Enum { name, .. }
            | ItemKind::Union { name, .. }
            | ItemKind::Alias { name, .. }
            | ItemKind::Message { name, .. } => Some(name),
            ItemKind::Envelope { .. } | ItemKind::Connection { .. } | ItemKind::Error => None,
        }
    }
}
