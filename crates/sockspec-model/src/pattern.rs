//! Portable patterns: the subset of regular expressions on which Rust's `regex`, Python's
//! `re` and ECMA-262 (with the `u` flag) give the same verdict, and its translation to each.
//!
//! A `@pattern` is written in this subset (docs/language.md, "Portable patterns") and means
//! the same everywhere: the compiler rejects what lies outside it, the validator runs the
//! Rust translation, and the Python and TypeScript generators emit theirs. Where the three
//! engines disagree on a construct the subset either leaves it out (lookaround,
//! backreferences, `\b`, inline flags, Unicode classes) or fixes its meaning and spells it
//! out in every translation: `.` is any character but a line feed, `\d` `\w` `\s` are
//! ASCII, `$` is the end of the text (Python's `$` also matches before a final newline, so
//! Python gets `\Z`).

use std::fmt::Write as _;

/// The largest count a `{n}`, `{n,}` or `{n,m}` quantifier may give.
pub const MAX_REPEAT: u32 = 1000;

/// A pattern translated for each engine; every translation has the subset's meaning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translations {
    /// For Rust's `regex` crate (default flags).
    pub rust: String,
    /// For Python's `re` (default flags, a `str` pattern).
    pub python: String,
    /// For ECMA-262 `RegExp` with the `u` flag (and no other).
    pub ecma: String,
}

/// Why a pattern is not in the portable subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// Byte offsets into the pattern of the offending part.
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// True when the pattern is not a regular expression in any of the engines (an
    /// unclosed group, nothing to repeat); false when some engine accepts it but the
    /// engines would not agree or not all accept it.
    pub malformed: bool,
}

/// Checks that a pattern is in the portable subset and translates it.
pub fn translate(pattern: &str) -> Result<Translations, PatternError> {
    let mut p =
        Parser { chars: pattern.char_indices().collect(), len: pattern.len(), pos: 0, out: Translations::default() };
    p.alternation(0)?;
    if let Some(&(at, c)) = p.chars.get(p.pos) {
        // Only an unmatched `)` stops the top-level alternation early.
        return Err(p.malformed_at(at, at + c.len_utf8(), "unmatched `)`"));
    }
    Ok(p.out)
}

/// Builds the validator's regex for a portable pattern.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    let t = translate(pattern).map_err(|e| e.message)?;
    regex::Regex::new(&t.rust).map_err(|e| e.to_string().lines().last().unwrap_or("too large").trim().to_string())
}

/// Nesting of groups beyond this is refused (the parser recurses once per group).
const MAX_GROUP_DEPTH: usize = 64;

struct Parser {
    chars: Vec<(usize, char)>,
    len: usize,
    pos: usize,
    out: Translations,
}

/// What an atom was, for the quantifier that may follow it.
#[derive(PartialEq, Eq)]
enum Atom {
    Quantifiable,
    Anchor,
}

/// One character class member set: what each engine writes inside `[...]`.
struct ClassPart {
    rust: String,
    python: String,
    ecma: String,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|&(_, c)| c)
    }

    /// Byte offset of the character at `index` (or the end).
    fn offset(&self, index: usize) -> usize {
        self.chars.get(index).map_or(self.len, |&(o, _)| o)
    }

    fn span_error(&self, from: usize, to: usize, message: impl Into<String>, malformed: bool) -> PatternError {
        PatternError { start: self.offset(from), end: self.offset(to), message: message.into(), malformed }
    }

    fn malformed_at(&self, start: usize, end: usize, message: &str) -> PatternError {
        PatternError { start, end, message: message.into(), malformed: true }
    }

    fn emit(&mut self, rust: &str, python: &str, ecma: &str) {
        self.out.rust.push_str(rust);
        self.out.python.push_str(python);
        self.out.ecma.push_str(ecma);
    }

    fn emit_all(&mut self, text: &str) {
        self.emit(text, text, text);
    }

    fn alternation(&mut self, depth: usize) -> Result<(), PatternError> {
        loop {
            self.sequence(depth)?;
            match self.peek() {
                Some('|') => {
                    self.pos += 1;
                    self.emit_all("|");
                }
                _ => return Ok(()),
            }
        }
    }

    fn sequence(&mut self, depth: usize) -> Result<(), PatternError> {
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                return Ok(());
            }
            let start = self.pos;
            let atom = self.atom(depth)?;
            self.quantifier(start, atom)?;
        }
        Ok(())
    }

    fn atom(&mut self, depth: usize) -> Result<Atom, PatternError> {
        let start = self.pos;
        let c = self.peek().expect("called with a character ahead");
        match c {
            '*' | '+' | '?' => Err(self.span_error(start, start + 1, format!("`{c}` has nothing to repeat"), true)),
            '{' => Err(self.span_error(
                start,
                start + 1,
                "`{` starts a repetition here and has nothing to repeat; write `\\{` for the character",
                false,
            )),
            '}' | ']' => Err(self.span_error(
                start,
                start + 1,
                format!("a lone `{c}` is an error in ECMA-262 (`u` flag); write `\\{c}`"),
                false,
            )),
            '^' => {
                self.pos += 1;
                self.emit_all("^");
                Ok(Atom::Anchor)
            }
            '$' => {
                self.pos += 1;
                // Python's `$` also matches before a newline at the end; `\Z` does not.
                self.emit("$", "\\Z", "$");
                Ok(Atom::Anchor)
            }
            '.' => {
                self.pos += 1;
                self.emit_all("[^\\n]");
                Ok(Atom::Quantifiable)
            }
            '(' => self.group(depth),
            '[' => self.class(),
            '\\' => self.escape_atom(),
            c => {
                self.pos += 1;
                self.literal(c);
                Ok(Atom::Quantifiable)
            }
        }
    }

    fn literal(&mut self, c: char) {
        let rust = regex::escape(c.encode_utf8(&mut [0; 4]));
        let python = python_escape(c);
        let ecma = ecma_escape(c);
        self.emit(&rust, &python, &ecma);
    }

    fn group(&mut self, depth: usize) -> Result<Atom, PatternError> {
        let start = self.pos;
        if depth >= MAX_GROUP_DEPTH {
            return Err(self.span_error(
                start,
                start + 1,
                format!("groups nested deeper than {MAX_GROUP_DEPTH}"),
                false,
            ));
        }
        self.pos += 1;
        if self.peek() == Some('?') {
            if self.peek_at(1) == Some(':') {
                self.pos += 2;
                self.emit_all("(?:");
            } else {
                let why = match (self.peek_at(1), self.peek_at(2)) {
                    (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => {
                        "lookaround is not portable: Rust's regex has none"
                    }
                    (Some('<' | 'P'), _) => {
                        "a named group is not portable: Python and ECMA-262 spell it differently; write `(...)`"
                    }
                    _ => {
                        "inline flags are not portable: the engines' flags differ; only `(...)` and `(?:...)` are groups"
                    }
                };
                return Err(self.span_error(start, (start + 3).min(self.chars.len()), why, false));
            }
        } else {
            self.emit_all("(");
        }
        self.alternation(depth + 1)?;
        if self.peek() != Some(')') {
            return Err(self.span_error(start, start + 1, "unclosed group `(`", true));
        }
        self.pos += 1;
        self.emit_all(")");
        Ok(Atom::Quantifiable)
    }

    fn quantifier(&mut self, atom_start: usize, atom: Atom) -> Result<(), PatternError> {
        let start = self.pos;
        let Some(c) = self.peek() else { return Ok(()) };
        let text = match c {
            '*' | '+' | '?' => {
                self.pos += 1;
                c.to_string()
            }
            '{' => self.counted(start)?,
            _ => return Ok(()),
        };
        if atom == Atom::Anchor {
            return Err(self.span_error(atom_start, self.pos, "an anchor (`^`, `$`) cannot be repeated", true));
        }
        self.emit_all(&text);
        match self.peek() {
            // A lazy quantifier matches the same strings; only where differs.
            Some('?') => {
                self.pos += 1;
                self.emit_all("?");
            }
            Some('+') => {
                return Err(self.span_error(
                    self.pos,
                    self.pos + 1,
                    "a possessive quantifier is not portable (Rust's regex and ECMA-262 have none)",
                    false,
                ));
            }
            _ => {}
        }
        if let Some(next @ ('*' | '+' | '?' | '{')) = self.peek() {
            return Err(self.span_error(self.pos, self.pos + 1, format!("`{next}` repeats a repetition"), true));
        }
        Ok(())
    }

    /// `{n}`, `{n,}`, `{n,m}` with decimal counts and nothing else inside.
    fn counted(&mut self, start: usize) -> Result<String, PatternError> {
        let mut end = start + 1;
        while self.chars.get(end).is_some_and(|&(_, c)| c != '}') {
            end += 1;
        }
        if end >= self.chars.len() {
            return Err(self.span_error(
                start,
                start + 1,
                "unclosed repetition `{`; write `\\{` for the character",
                false,
            ));
        }
        let inner: String = self.chars[start + 1..end].iter().map(|&(_, c)| c).collect();
        let bad = |p: &Self, why: &str| p.span_error(start, end + 1, why.to_string(), false);
        let (lo, hi) = match inner.split_once(',') {
            None => (inner.as_str(), Some(inner.as_str())),
            Some((lo, hi)) => (lo, if hi.is_empty() { None } else { Some(hi) }),
        };
        let count = |s: &str| -> Option<u32> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) { None } else { s.parse().ok() }
        };
        let Some(min) = count(lo) else {
            return Err(bad(self, "a repetition is `{n}`, `{n,}` or `{n,m}` with decimal counts and no spaces"));
        };
        let max = match hi {
            None => None,
            Some(h) => match count(h) {
                Some(m) => Some(m),
                None => {
                    return Err(bad(
                        self,
                        "a repetition is `{n}`, `{n,}` or `{n,m}` with decimal counts and no spaces",
                    ));
                }
            },
        };
        if min.max(max.unwrap_or(0)) > MAX_REPEAT {
            return Err(bad(self, &format!("a repetition count above {MAX_REPEAT}")));
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.span_error(start, end + 1, "the repetition's counts are out of order", true));
        }
        self.pos = end + 1;
        Ok(format!("{{{inner}}}"))
    }

    /// `\...` outside a class.
    fn escape_atom(&mut self) -> Result<Atom, PatternError> {
        let start = self.pos;
        let Some(c) = self.peek_at(1) else {
            return Err(self.span_error(start, start + 1, "the pattern ends with a lone `\\`", true));
        };
        let class = |chars: &str, negated: bool| -> (String, String, String) {
            let open = if negated { "[^" } else { "[" };
            (format!("{open}{chars}]"), format!("{open}{chars}]"), format!("{open}{chars}]"))
        };
        let shorthand = match c {
            'd' => Some(class("0-9", false)),
            'D' => Some(class("0-9", true)),
            'w' => Some(class("0-9A-Za-z_", false)),
            'W' => Some(class("0-9A-Za-z_", true)),
            's' => Some(class("\\t\\n\\x0B\\x0C\\r ", false)),
            'S' => Some(class("\\t\\n\\x0B\\x0C\\r ", true)),
            _ => None,
        };
        if let Some((rust, python, ecma)) = shorthand {
            self.pos += 2;
            self.emit(&rust, &python, &ecma);
            return Ok(Atom::Quantifiable);
        }
        let ch = self.escaped_char(start, false)?;
        self.literal(ch);
        Ok(Atom::Quantifiable)
    }

    /// An escape that stands for one character, at `start` (the backslash); moves past it.
    fn escaped_char(&mut self, start: usize, in_class: bool) -> Result<char, PatternError> {
        let c = self.peek_at(1).expect("the caller saw a character after the backslash");
        let simple = match c {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            '.' | '^' | '$' | '|' | '?' | '*' | '+' | '(' | ')' | '[' | ']' | '{' | '}' | '\\' | '/' => Some(c),
            '-' if in_class => Some('-'),
            _ => None,
        };
        if let Some(ch) = simple {
            self.pos += 2;
            return Ok(ch);
        }
        match c {
            'x' => self.hex_escape(start, 2),
            'u' if self.peek_at(2) == Some('{') => Err(self.span_error(
                start,
                start + 3,
                "`\\u{...}` is not portable (Python has no such escape); write the character itself",
                false,
            )),
            'u' => self.hex_escape(start, 4),
            'b' | 'B' => Err(self.span_error(
                start,
                start + 2,
                format!("`\\{c}` is not portable: word boundaries are Unicode in Rust and Python, ASCII in ECMA-262 (and in a class `\\b` is a backspace)"),
                false,
            )),
            'p' | 'P' => Err(self.span_error(
                start,
                start + 2,
                "Unicode property classes (`\\p{...}`) are not portable: Python's `re` has none",
                false,
            )),
            '1'..='9' => Err(self.span_error(
                start,
                start + 2,
                "backreferences are not portable: Rust's regex has none",
                false,
            )),
            '0' => Err(self.span_error(
                start,
                start + 2,
                "`\\0` is not portable (an octal escape in Python, NUL in ECMA-262, an error in Rust); write `\\x00`",
                false,
            )),
            'A' | 'z' | 'Z' | 'G' | 'K' | 'Q' | 'E' | 'c' | 'k' | 'h' | 'H' | 'R' | 'N' | 'a' | 'e' | 'U' | 'X' => {
                Err(self.span_error(start, start + 2, format!("`\\{c}` is not portable; use `^`, `$` or the character itself"), false))
            }
            '-' => Err(self.span_error(
                start,
                start + 2,
                "`\\-` is allowed only inside a class (ECMA-262 with `u` rejects it elsewhere); write `-`",
                false,
            )),
            c if c.is_ascii_alphanumeric() => {
                Err(self.span_error(start, start + 2, format!("`\\{c}` is not an escape of the portable subset"), false))
            }
            c => Err(self.span_error(
                start,
                start + 2,
                format!("`\\{c}` is not portable (ECMA-262 with `u` allows escaping only syntax characters); write `{c}`"),
                false,
            )),
        }
    }

    /// `\xHH` or `\uHHHH` at `start`; a surrogate is refused.
    fn hex_escape(&mut self, start: usize, digits: usize) -> Result<char, PatternError> {
        let hex: String = (0..digits).filter_map(|i| self.peek_at(2 + i)).collect();
        let valid = hex.len() == digits && hex.chars().all(|c| c.is_ascii_hexdigit());
        let end = (start + 2 + digits).min(self.chars.len());
        let form = if digits == 2 {
            "`\\x` takes exactly two hexadecimal digits"
        } else {
            "`\\u` takes exactly four hexadecimal digits"
        };
        if !valid {
            return Err(self.span_error(start, end, form, false));
        }
        let code = u32::from_str_radix(&hex, 16).expect("checked hexadecimal");
        let Some(ch) = char::from_u32(code) else {
            return Err(self.span_error(
                start,
                end,
                "a surrogate is not a character; write the character itself",
                false,
            ));
        };
        self.pos = start + 2 + digits;
        Ok(ch)
    }

    /// `[...]` or `[^...]`.
    fn class(&mut self) -> Result<Atom, PatternError> {
        let start = self.pos;
        self.pos += 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut parts: Vec<ClassPart> = Vec::new();
        let first = self.pos;
        loop {
            let at = self.pos;
            let Some(c) = self.peek() else {
                return Err(self.span_error(start, start + 1, "unclosed character class `[`", true));
            };
            match c {
                ']' if at == first => {
                    return Err(self.span_error(
                        start,
                        at + 1,
                        "an empty class is not portable (`[]` and `[^]` mean different things in each engine); write `\\]` for the character",
                        false,
                    ));
                }
                ']' => {
                    self.pos += 1;
                    break;
                }
                '[' => {
                    return Err(self.span_error(
                        at,
                        at + 1,
                        "`[` inside a class is not portable (Rust nests classes); write `\\[`",
                        false,
                    ));
                }
                '&' | '~' | '-' if self.peek_at(1) == Some(c) && !(c == '-' && at == first) => {
                    return Err(self.span_error(
                        at,
                        at + 2,
                        format!("`{c}{c}` in a class is not portable (a set operation in Rust, a warning in Python)"),
                        false,
                    ));
                }
                '\\' if matches!(self.peek_at(1), Some('d' | 'w' | 's')) => {
                    let chars = match self.peek_at(1) {
                        Some('d') => "0-9",
                        Some('w') => "0-9A-Za-z_",
                        _ => "\\t\\n\\x0B\\x0C\\r ",
                    };
                    self.pos += 2;
                    if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                        return Err(self.span_error(at, self.pos + 1, "a class shorthand cannot start a range", true));
                    }
                    parts.push(ClassPart { rust: chars.into(), python: chars.into(), ecma: chars.into() });
                }
                '\\' if matches!(self.peek_at(1), Some('D' | 'W' | 'S')) => {
                    return Err(self.span_error(
                        at,
                        at + 2,
                        "a negated shorthand inside a class is not portable; write the class out (`[^0-9]`)",
                        false,
                    ));
                }
                _ => {
                    let lo = self.class_char()?;
                    // `-` between two characters makes a range; first or last it is itself.
                    if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                        self.pos += 1;
                        if self.peek() == Some('\\')
                            && matches!(self.peek_at(1), Some('d' | 'w' | 's' | 'D' | 'W' | 'S'))
                        {
                            return Err(self.span_error(
                                at,
                                self.pos + 2,
                                "a class shorthand cannot end a range",
                                true,
                            ));
                        }
                        let hi = self.class_char()?;
                        if hi < lo {
                            return Err(self.span_error(at, self.pos, "the range's ends are out of order", true));
                        }
                        if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                            return Err(self.span_error(
                                self.pos,
                                self.pos + 1,
                                "a `-` right after a range is not portable; write `\\-`",
                                false,
                            ));
                        }
                        parts.push(ClassPart {
                            rust: format!("{}-{}", class_escape_rust(lo), class_escape_rust(hi)),
                            python: format!("{}-{}", class_escape_python(lo), class_escape_python(hi)),
                            ecma: format!("{}-{}", class_escape_ecma(lo), class_escape_ecma(hi)),
                        });
                    } else {
                        parts.push(ClassPart {
                            rust: class_escape_rust(lo),
                            python: class_escape_python(lo),
                            ecma: class_escape_ecma(lo),
                        });
                    }
                }
            }
        }
        let open = if negated { "[^" } else { "[" };
        let mut rust = String::from(open);
        let mut python = String::from(open);
        let mut ecma = String::from(open);
        for part in &parts {
            let _ = write!(rust, "{}", part.rust);
            let _ = write!(python, "{}", part.python);
            let _ = write!(ecma, "{}", part.ecma);
        }
        rust.push(']');
        python.push(']');
        ecma.push(']');
        self.emit(&rust, &python, &ecma);
        Ok(Atom::Quantifiable)
    }

    /// One character inside a class: itself or an escape.
    fn class_char(&mut self) -> Result<char, PatternError> {
        let at = self.pos;
        match self.peek() {
            Some('\\') => {
                if self.peek_at(1).is_none() {
                    return Err(self.span_error(at, at + 1, "the pattern ends with a lone `\\`", true));
                }
                self.escaped_char(at, true)
            }
            Some(c) => {
                self.pos += 1;
                Ok(c)
            }
            None => Err(self.span_error(at, at, "unclosed character class `[`", true)),
        }
    }
}

/// A character for Python's `re`: ASCII punctuation escaped, everything else as itself.
fn python_escape(c: char) -> String {
    if c.is_ascii_punctuation() { format!("\\{c}") } else { control_escape(c).unwrap_or_else(|| c.to_string()) }
}

/// A character for ECMA-262 with `u`: only syntax characters may (and must) be escaped.
fn ecma_escape(c: char) -> String {
    if "^$\\.*+?()[]{}|/".contains(c) { format!("\\{c}") } else { control_escape(c).unwrap_or_else(|| c.to_string()) }
}

/// Line breaks and other controls written as escapes, so translations stay on one line.
fn control_escape(c: char) -> Option<String> {
    (c.is_control() && (c as u32) < 0x80).then(|| format!("\\x{:02X}", c as u32))
}

fn class_escape_rust(c: char) -> String {
    regex::escape(c.encode_utf8(&mut [0; 4]))
}

fn class_escape_python(c: char) -> String {
    python_escape(c)
}

fn class_escape_ecma(c: char) -> String {
    if "\\]^-[".contains(c) { format!("\\{c}") } else { control_escape(c).unwrap_or_else(|| c.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust(p: &str) -> String {
        translate(p).unwrap_or_else(|e| panic!("{p:?}: {e:?}")).rust
    }

    fn error(p: &str) -> PatternError {
        translate(p).expect_err(p)
    }

    #[test]
    fn translations_spell_out_the_meaning() {
        let t = translate(r"^\d+\.\w*\s$").expect("portable");
        assert_eq!(t.rust, r"^[0-9]+\.[0-9A-Za-z_]*[\t\n\x0B\x0C\r ]$");
        assert_eq!(t.python, r"^[0-9]+\.[0-9A-Za-z_]*[\t\n\x0B\x0C\r ]\Z");
        assert_eq!(t.ecma, r"^[0-9]+\.[0-9A-Za-z_]*[\t\n\x0B\x0C\r ]$");
        assert_eq!(rust("a.b"), r"a[^\n]b");
        assert_eq!(rust(r"[\d_-]"), r"[0-9_\-]");
        assert_eq!(rust("[a&b~c]"), r"[a\&b\~c]");
        assert_eq!(rust(r"(?:ab|c){2,3}?x{4,}"), r"(?:ab|c){2,3}?x{4,}");
        assert_eq!(rust(r"\x41\u00e9é😀"), "Aéé😀");
        assert_eq!(rust(""), "");
        assert_eq!(translate("a/b#c").expect("portable").ecma, r"a\/b#c");
    }

    #[test]
    fn what_is_outside_the_subset() {
        for (p, at) in [
            (r"(?=a)", 0),
            (r"x(?<n>a)", 1),
            (r"(?i)a", 0),
            (r"\bword", 0),
            (r"\p{L}", 0),
            (r"(a)\1", 3),
            (r"a*+", 2),
            (r"[[a]]", 1),
            (r"[a&&b]", 2),
            (r"a]", 1),
            (r"a}", 1),
            (r"a{1, 2}", 1),
            (r"a{,3}", 1),
            (r"\#", 0),
            (r"\-", 0),
            (r"\u{1F600}", 0),
            (r"\ud83d", 0),
            (r"[]", 0),
            (r"[\D]", 1),
            (r"[a-c-e]", 4),
            (r"\z", 0),
            (r"a{1001}", 1),
        ] {
            let e = error(p);
            assert!(!e.malformed, "{p:?} is a regex somewhere: {e:?}");
            assert_eq!(e.start, at, "{p:?}: {e:?}");
        }
    }

    #[test]
    fn malformed_patterns() {
        for (p, at) in [
            ("(a", 0),
            ("a)", 1),
            ("*a", 0),
            ("a**", 2),
            ("^*", 0),
            ("[a-", 0),
            ("[z-a]", 1),
            ("a{3,2}", 1),
            ("\\", 0),
            ("[\\d-z]", 1),
        ] {
            let e = error(p);
            assert!(e.malformed, "{p:?}: {e:?}");
            assert_eq!(e.start, at, "{p:?}: {e:?}");
        }
    }

    #[test]
    fn every_translation_compiles_in_rust() {
        for p in [r"^[a-z]+/[A-Za-z0-9.+-]+$", r"^\S+$", r"^[0-9a-f]{64}$", r"[\]\[\\^-]", r"a|", r"()", r"\t\n\r\f\v"]
        {
            let t = translate(p).unwrap_or_else(|e| panic!("{p:?}: {e:?}"));
            regex::Regex::new(&t.rust).unwrap_or_else(|e| panic!("{p:?} -> {:?}: {e}", t.rust));
        }
    }
}
