//! `@pattern` against the portable subset (`crate::pattern`), with diagnostics that point
//! at the offending part inside the string literal.

use sockspec_syntax::{Diagnostic, Span};

use super::Lower;

impl Lower<'_> {
    /// Reports a pattern outside the portable subset (S0340) or not a regular expression
    /// at all (S0305); true when it is fine. `literal` is the string literal's span.
    pub(crate) fn check_pattern(&mut self, pattern: &str, literal: Span) -> bool {
        match crate::pattern::translate(pattern) {
            Ok(t) => match regex::Regex::new(&t.rust) {
                Ok(_) => true,
                Err(e) => {
                    // Only size limits get here: the translation is always valid syntax.
                    let why = e.to_string().lines().last().unwrap_or("too large").trim().to_string();
                    self.error(Diagnostic::error("S0305", "invalid regular expression", literal, why));
                    false
                }
            },
            Err(e) => {
                let span = self.inside_literal(literal, pattern, e.start, e.end);
                let diag = if e.malformed {
                    Diagnostic::error("S0305", "invalid regular expression", span, e.message)
                } else {
                    Diagnostic::error("S0340", "the pattern is outside the portable subset", span, e.message).with_note(
                        "a pattern must mean the same in Rust, Python and TypeScript; the portable subset is in \
                             docs/language.md, \"Portable patterns\"",
                    )
                };
                self.error(diag);
                false
            }
        }
    }

    /// The span in the source of bytes `start..end` of a string literal's decoded value, by
    /// walking the literal's escapes as the parser decoded them; the whole literal when the
    /// source is not known.
    fn inside_literal(&self, literal: Span, value: &str, start: usize, end: usize) -> Span {
        let Some(raw) = self.source.and_then(|s| s.get(literal.start as usize..literal.end as usize)) else {
            return literal;
        };
        let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else { return literal };
        // offsets[i] = where in `raw` the decoded byte i starts; one more entry for the end.
        let mut offsets = Vec::with_capacity(value.len() + 1);
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let width = if c == '\\' {
                match chars.next() {
                    Some((_, 'u')) => {
                        for _ in 0..4 {
                            chars.next();
                        }
                        let hex = inner.get(i + 2..i + 6).unwrap_or("");
                        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map_or(1, char::len_utf8)
                    }
                    Some(_) => 1,
                    None => 0,
                }
            } else {
                c.len_utf8()
            };
            offsets.extend(std::iter::repeat_n(i + 1, width));
        }
        if offsets.len() != value.len() {
            return literal;
        }
        offsets.push(raw.len() - 1);
        let at = |k: usize| literal.start + offsets[k.min(value.len())] as u32;
        let (from, to) = (at(start), at(end).max(at(start)));
        // An empty culprit (the end of the pattern) is shown as the closing quote.
        if from == to {
            Span::new(from as usize, (from + 1).min(literal.end) as usize)
        } else {
            Span::new(from as usize, to as usize)
        }
    }
}
