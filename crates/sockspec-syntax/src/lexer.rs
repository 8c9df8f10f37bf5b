//! Turns source text into tokens; never fails, bad characters become `Error` tokens.

use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    /// A string literal, quotes included in the span.
    Str,
    Int,
    Float,
    /// An integer with a time unit: `30s`, `500ms`, `5m`, `1h`.
    Duration,
    /// `// ...` (but not `///`).
    Comment,
    /// `/// ...`
    DocComment,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Lt,
    Gt,
    Comma,
    Colon,
    Semi,
    Eq,
    Question,
    Pipe,
    At,
    Arrow,
    DotDot,
    DotDotEq,
    Minus,
    /// A character the language does not use, or an unterminated string.
    Error,
    Eof,
}

impl TokenKind {
    /// How the token is named in "expected ..." messages.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Ident => "a name",
            TokenKind::Str => "a string",
            TokenKind::Int => "an integer",
            TokenKind::Float => "a number",
            TokenKind::Duration => "a duration",
            TokenKind::Comment | TokenKind::DocComment => "a comment",
            TokenKind::LBrace => "`{`",
            TokenKind::RBrace => "`}`",
            TokenKind::LParen => "`(`",
            TokenKind::RParen => "`)`",
            TokenKind::LBracket => "`[`",
            TokenKind::RBracket => "`]`",
            TokenKind::Lt => "`<`",
            TokenKind::Gt => "`>`",
            TokenKind::Comma => "`,`",
            TokenKind::Colon => "`:`",
            TokenKind::Semi => "`;`",
            TokenKind::Eq => "`=`",
            TokenKind::Question => "`?`",
            TokenKind::Pipe => "`|`",
            TokenKind::At => "`@`",
            TokenKind::Arrow => "`->`",
            TokenKind::DotDot => "`..`",
            TokenKind::DotDotEq => "`..=`",
            TokenKind::Minus => "`-`",
            TokenKind::Error => "an unexpected character",
            TokenKind::Eof => "the end of the file",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// A line break stands between this token and the one before it.
    pub newline_before: bool,
    /// At least one empty line stands between this token and the one before it.
    pub blank_line_before: bool,
}

/// Splits `src` into tokens, comments included, ending with one `Eof`.
pub fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    // A UTF-8 byte order mark is not part of the text.
    let mut i = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut newlines = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        // A line ends at LF, CRLF or a lone CR (old Mac line endings).
        if c == b'\n' || (c == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            newlines += 1;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                if doc { TokenKind::DocComment } else { TokenKind::Comment }
            }
            b'"' => {
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                if closed { TokenKind::Str } else { TokenKind::Error }
            }
            b'0'..=b'9' => lex_number(bytes, &mut i),
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                TokenKind::Arrow
            }
            b'-' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                lex_number(bytes, &mut i)
            }
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                if bytes.get(i + 2) == Some(&b'=') {
                    i += 3;
                    TokenKind::DotDotEq
                } else {
                    i += 2;
                    TokenKind::DotDot
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || starts_unicode_word(src, i) => {
                // Letters beyond ASCII are lexed into the name so that `Café` is one name
                // (which the parser reports once) rather than `Caf` and a stray character.
                loop {
                    match bytes.get(i) {
                        Some(b) if b.is_ascii_alphanumeric() || *b == b'_' => i += 1,
                        Some(b) if !b.is_ascii() && starts_unicode_word(src, i) => {
                            i += src[i..].chars().next().map_or(1, char::len_utf8);
                        }
                        _ => break,
                    }
                }
                TokenKind::Ident
            }
            _ => {
                i += 1;
                match c {
                    b'{' => TokenKind::LBrace,
                    b'}' => TokenKind::RBrace,
                    b'(' => TokenKind::LParen,
                    b')' => TokenKind::RParen,
                    b'[' => TokenKind::LBracket,
                    b']' => TokenKind::RBracket,
                    b'<' => TokenKind::Lt,
                    b'>' => TokenKind::Gt,
                    b',' => TokenKind::Comma,
                    b':' => TokenKind::Colon,
                    b';' => TokenKind::Semi,
                    b'=' => TokenKind::Eq,
                    b'?' => TokenKind::Question,
                    b'|' => TokenKind::Pipe,
                    b'@' => TokenKind::At,
                    b'-' => TokenKind::Minus,
                    _ => {
                        // Consume the whole UTF-8 character so spans stay on char boundaries.
                        while i < bytes.len() && !src.is_char_boundary(i) {
                            i += 1;
                        }
                        TokenKind::Error
                    }
                }
            }
        };
        // The first token of the file counts as starting a line.
        let newline_before = newlines > 0 || tokens.is_empty();
        let blank_line_before = newlines > 1 && !tokens.is_empty();
        tokens.push(Token { kind, span: Span::new(start, i), newline_before, blank_line_before });
        newlines = 0;
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(src.len(), src.len()),
        newline_before: true,
        blank_line_before: newlines > 1,
    });
    tokens
}

/// Whether a non-ASCII letter or digit starts at byte `i`.
fn starts_unicode_word(src: &str, i: usize) -> bool {
    src.is_char_boundary(i) && src[i..].chars().next().is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
}

/// Lexes an integer, float, hex integer or duration starting at a digit.
fn lex_number(bytes: &[u8], i: &mut usize) -> TokenKind {
    if bytes[*i] == b'0' && matches!(bytes.get(*i + 1), Some(b'x' | b'X')) {
        *i += 2;
        while *i < bytes.len() && (bytes[*i].is_ascii_hexdigit() || bytes[*i] == b'_') {
            *i += 1;
        }
        return TokenKind::Int;
    }
    let digits = |i: &mut usize| {
        while *i < bytes.len() && (bytes[*i].is_ascii_digit() || bytes[*i] == b'_') {
            *i += 1;
        }
    };
    digits(i);
    let mut kind = TokenKind::Int;
    // `1..2` is a range, not a float: a fraction needs a digit after the dot.
    if bytes.get(*i) == Some(&b'.') && bytes.get(*i + 1).is_some_and(u8::is_ascii_digit) {
        *i += 1;
        digits(i);
        kind = TokenKind::Float;
    }
    if matches!(bytes.get(*i), Some(b'e' | b'E')) {
        let mut j = *i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            *i = j;
            digits(i);
            return TokenKind::Float;
        }
    }
    if kind == TokenKind::Int {
        for unit in [&b"ms"[..], b"s", b"m", b"h"] {
            let end = *i + unit.len();
            if bytes.get(*i..end) == Some(unit)
                && !bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                *i = end;
                return TokenKind::Duration;
            }
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn ranges_are_not_floats() {
        use TokenKind::*;
        assert_eq!(kinds("0..=1"), [Int, DotDotEq, Int, Eof]);
        assert_eq!(kinds("0.5..1.5"), [Float, DotDot, Float, Eof]);
        assert_eq!(kinds("-3..-1"), [Int, DotDot, Int, Eof]);
        assert_eq!(kinds("1e9 30s 250ms 0x1F"), [Float, Duration, Duration, Int, Eof]);
    }

    #[test]
    fn comments_and_docs() {
        use TokenKind::*;
        assert_eq!(kinds("/// doc\n// note\n//// rule\nx"), [DocComment, Comment, Comment, Ident, Eof]);
    }

    #[test]
    fn unterminated_string_is_an_error_token() {
        assert_eq!(kinds("\"abc\nx"), [TokenKind::Error, TokenKind::Ident, TokenKind::Eof]);
    }

    #[test]
    fn non_ascii_symbols_are_one_error_token() {
        let toks = lex("€");
        assert_eq!(toks[0].kind, TokenKind::Error);
        assert_eq!(toks[0].span, Span::new(0, 3));
    }

    #[test]
    fn non_ascii_letters_stay_in_the_name() {
        let toks = lex("Café é1");
        assert_eq!((toks[0].kind, toks[0].span), (TokenKind::Ident, Span::new(0, 5)));
        assert_eq!((toks[1].kind, toks[1].span), (TokenKind::Ident, Span::new(6, 9)));
    }

    #[test]
    fn a_comment_ends_at_cr_and_cr_ends_a_line() {
        use TokenKind::*;
        let toks = lex("// one\rstruct\r\nA");
        assert_eq!(toks.iter().map(|t| t.kind).collect::<Vec<_>>(), [Comment, Ident, Ident, Eof]);
        assert_eq!(toks[0].span, Span::new(0, 6));
        assert!(toks[1].newline_before && toks[2].newline_before);
    }
}
