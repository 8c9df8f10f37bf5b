//! The sockspec schema language's front end: lexer, parser, syntax tree, formatter, and
//! diagnostics as data (with a rustc-style renderer and a JSON form for tools).
//!
//! Parsing never fails: [`parse`] returns a [`File`](ast::File) and every problem found.

pub mod ast;
mod diagnostic;
mod escape;
mod lexer;
mod parser;
mod printer;
mod render;
mod span;

pub use diagnostic::{Diagnostic, Label, Severity, suggest};
pub use escape::{escape, escape_multiline, is_hidden, mask, prefix};
pub use lexer::{Token, TokenKind, lex};
pub use parser::{MAX_NESTING, MAX_SOURCE_BYTES, parse};
pub use printer::format;
pub use render::{SourceFile, render_human, render_json};
pub use span::{Span, Spanned};
