//! The fast path of generated decoders: a cursor over a frame's text that generated code
//! reads straight into the typed value, in one pass, with no `Value` tree in between.
//!
//! It applies the strict reader's rules (docs/json.md) to everything it accepts: the
//! whitespace set, literals, number spelling, string escapes and surrogates, control
//! characters, nesting depth, trailing bytes. Duplicate member names are the caller's part
//! (generated code tracks the members it knows in a bit set, [`Unknown`] the others);
//! values it skips go through the strict reader itself. Every reader returns `None` on
//! anything it does not accept, valid or not ("bail"): the generated `decode` then runs the
//! full decoder, which reports every error with its path. So this path only has to be right
//! on what it accepts, and it never reports anything.

use std::borrow::Cow;

use crate::__private::Limit;
use crate::json::{self, MAX_DEPTH};

/// A position in a frame's text, and how many arrays and objects are open there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pos: usize,
    depth: usize,
}

/// The cursor: the text, the position, the open arrays and objects, and the side that sent
/// the frame (unknown-member policies may differ by side).
#[derive(Debug)]
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
    /// The frame comes from the client.
    pub client: bool,
}

/// Bytes that end a plain run in a string: `"`, `\` and the control characters.
use crate::__private::ESCAPE as STOP;

impl<'a> Cursor<'a> {
    /// A cursor at the first value of `text` (leading whitespace skipped; a byte order mark
    /// is no whitespace, so it makes the first reader bail).
    #[inline]
    pub fn new(text: &'a str, client: bool) -> Self {
        let mut c = Cursor { text, pos: 0, depth: 0, client };
        c.ws();
        c
    }

    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline]
    fn eat(&mut self, b: u8) -> Option<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Where the cursor is, to come back with [`Cursor::reset`].
    #[inline]
    pub fn mark(&self) -> Mark {
        Mark { pos: self.pos, depth: self.depth }
    }

    #[inline]
    pub fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.depth = mark.depth;
    }

    /// The end of the frame: nothing but whitespace after its value.
    #[inline]
    pub fn finish(&mut self) -> Option<()> {
        self.ws();
        (self.pos == self.text.len() && self.depth == 0).then_some(())
    }

    // ---- objects and arrays ----

    #[inline]
    fn open(&mut self, b: u8) -> Option<()> {
        self.eat(b)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        Some(())
    }

    /// At a value: opens an object. Whether a member follows (`false` for `{}`).
    #[inline]
    pub fn object(&mut self) -> Option<bool> {
        self.open(b'{')?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Some(false);
        }
        Some(true)
    }

    /// A member's name and the colon; the cursor is then at its value.
    #[inline]
    pub fn key(&mut self) -> Option<Cow<'a, str>> {
        let name = self.string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(name)
    }

    /// After a member's value: whether another member follows (`,`) or the object ends.
    #[inline]
    pub fn next_member(&mut self) -> Option<bool> {
        self.next(b'}')
    }

    /// At a value: opens an array. Whether an item follows (`false` for `[]`); the cursor is
    /// then at the item.
    #[inline]
    pub fn array(&mut self) -> Option<bool> {
        self.open(b'[')?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Some(false);
        }
        Some(true)
    }

    /// After an item: whether another item follows (`,`) or the array ends.
    #[inline]
    pub fn next_item(&mut self) -> Option<bool> {
        self.next(b']')
    }

    /// After a member or an item: `,` (another follows) or `close` (the container ends).
    #[inline]
    fn next(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.pos += 1;
                self.ws();
                Some(true)
            }
            c if c == close => {
                self.pos += 1;
                self.depth -= 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Just after an object's `{` (`more` says whether a member follows): the string value of
    /// its member `field`, and whether that member came first. When it did, the cursor is
    /// after it and `more` says whether another member follows; otherwise the object is
    /// scanned for it and the cursor put back where it was. `None` when there is no such
    /// member or it is no string.
    ///
    /// The scan skips values without checking them: the caller reads the whole object
    /// strictly afterwards, and on valid text the scan finds exactly the member there is.
    pub fn tag(&mut self, more: &mut bool, field: &str) -> Option<(Tag<'a>, bool)> {
        if !*more {
            return None;
        }
        let start = self.mark();
        if self.key()? == field {
            let value = self.tag_value()?;
            *more = self.next_member()?;
            return Some((value, true));
        }
        self.reset(start);
        let value = self.scan_for(field);
        self.reset(start);
        Some((value?, false))
    }

    /// Just after an object's `{`: the value of its member `field` when it has one
    /// (`Some(None)` when not), found by a scan as in [`Cursor::tag`]; the cursor is put
    /// back where it was.
    pub fn find_tag(&mut self, more: bool, field: &str) -> Option<Option<Tag<'a>>> {
        if !more {
            return Some(None);
        }
        let start = self.mark();
        let found = self.scan_for_optional(field);
        self.reset(start);
        found
    }

    /// A tag's value: a string, an integer literal, a boolean or `null`.
    #[inline]
    pub fn tag_value(&mut self) -> Option<Tag<'a>> {
        Some(match self.peek()? {
            b'"' => Tag::Str(self.string()?),
            b't' | b'f' => Tag::Bool(self.bool()?),
            b'n' => {
                self.null()?;
                Tag::Null
            }
            _ => Tag::Int(self.int()?),
        })
    }

    #[cold]
    fn scan_for(&mut self, field: &str) -> Option<Tag<'a>> {
        self.scan_for_optional(field)?
    }

    fn scan_for_optional(&mut self, field: &str) -> Option<Option<Tag<'a>>> {
        loop {
            if self.key()? == field {
                return self.tag_value().map(Some);
            }
            self.skip_loosely()?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.ws();
                }
                b'}' => return Some(None),
                _ => return None,
            }
        }
    }

    /// Skips one value by its brackets and strings, without checking it.
    fn skip_loosely(&mut self) -> Option<()> {
        let b = self.bytes();
        let mut open = 0usize;
        loop {
            match *b.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    loop {
                        match *b.get(self.pos)? {
                            b'"' => break,
                            b'\\' => self.pos += 2,
                            _ => self.pos += 1,
                        }
                    }
                    self.pos += 1;
                }
                b'[' | b'{' => {
                    open += 1;
                    self.pos += 1;
                }
                b']' | b'}' => {
                    if open == 0 {
                        return Some(());
                    }
                    open -= 1;
                    self.pos += 1;
                }
                b',' if open == 0 => return Some(()),
                _ => self.pos += 1,
            }
            if open == 0 && matches!(b.get(self.pos), Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                return Some(());
            }
        }
    }

    /// Skips one value, checked by the strict reader (an unknown member that is ignored).
    #[cold]
    pub fn skip(&mut self) -> Option<()> {
        let (_, end) = json::parse_at(self.text, self.pos, self.depth).ok()?;
        self.pos = end;
        Some(())
    }

    /// A `json` value, read by the strict reader.
    pub fn json(&mut self) -> Option<serde_json::Value> {
        let (v, end) = json::parse_at(self.text, self.pos, self.depth).ok()?;
        self.pos = end;
        Some(v.to_serde())
    }

    // ---- scalars ----

    /// Whether the value at the cursor starts like `null`.
    #[inline]
    pub fn at_null(&self) -> bool {
        self.peek() == Some(b'n')
    }

    /// A member of type `null` that reads as absent: always the full decoder's.
    #[inline]
    pub fn no_null(&mut self) -> Option<()> {
        None
    }

    #[inline]
    fn word(&mut self, word: &[u8]) -> Option<()> {
        if self.bytes()[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    #[inline]
    pub fn null(&mut self) -> Option<()> {
        self.word(b"null")
    }

    #[inline]
    pub fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.word(b"true").map(|_| true),
            b'f' => self.word(b"false").map(|_| false),
            _ => None,
        }
    }

    /// The JSON kind of the value at the cursor, as the bits of an untagged union's kinds
    /// (null 1, boolean 2, integer literal 4, other number 8, string 16, array 32, object 64);
    /// `None` at anything else.
    pub fn kind(&self) -> Option<u8> {
        Some(match self.peek()? {
            b'n' => 1,
            b't' | b'f' => 2,
            b'"' => 16,
            b'[' => 32,
            b'{' => 64,
            b'-' | b'0'..=b'9' => {
                let rest = &self.bytes()[self.pos + 1..];
                let end = rest.iter().position(|b| !matches!(b, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'));
                let number = &rest[..end.unwrap_or(rest.len())];
                if number.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) { 8 } else { 4 }
            }
            _ => return None,
        })
    }

    /// An integer literal (no fraction, no exponent, no leading zero) that fits in an
    /// `i128`.
    #[inline]
    pub fn int(&mut self) -> Option<i128> {
        let b = self.bytes();
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let first = *b.get(self.pos)?;
        let mut n: u64 = match first {
            b'0' => 0,
            b'1'..=b'9' => u64::from(first - b'0'),
            _ => return None,
        };
        self.pos += 1;
        let mut digits = 1;
        let mut wide: Option<i128> = None;
        while let Some(&d @ b'0'..=b'9') = b.get(self.pos) {
            if first == b'0' {
                return None;
            }
            let d = d - b'0';
            if digits < 19 {
                n = n * 10 + u64::from(d);
            } else {
                let w = wide.unwrap_or(i128::from(n));
                wide = Some(w.checked_mul(10)?.checked_add(i128::from(d))?);
            }
            digits += 1;
            self.pos += 1;
        }
        if let Some(b'.' | b'e' | b'E') = b.get(self.pos) {
            return None;
        }
        let n = wide.unwrap_or(i128::from(n));
        Some(if negative { -n } else { n })
    }

    /// A number of any spelling JSON allows, as written.
    #[inline]
    pub fn number(&mut self) -> Option<&'a str> {
        let b = self.bytes();
        let start = self.pos;
        let digits = |pos: &mut usize| {
            let from = *pos;
            while let Some(b'0'..=b'9') = b.get(*pos) {
                *pos += 1;
            }
            *pos - from
        };
        let mut pos = self.pos;
        if b.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match b.get(pos)? {
            b'0' => {
                pos += 1;
                if let Some(b'0'..=b'9') = b.get(pos) {
                    return None;
                }
            }
            b'1'..=b'9' => {
                digits(&mut pos);
            }
            _ => return None,
        }
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            if digits(&mut pos) == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(pos) {
            pos += 1;
            if let Some(b'+' | b'-') = b.get(pos) {
                pos += 1;
            }
            if digits(&mut pos) == 0 {
                return None;
            }
        }
        self.pos = pos;
        Some(&self.text[start..pos])
    }

    /// A number as a float (`f32` with `single`), finite in that width.
    #[inline]
    pub fn float(&mut self, single: bool) -> Option<f64> {
        let x: f64 = self.number()?.parse().ok()?;
        let too_large = if single { x.is_nan() || (x as f32).is_infinite() } else { !x.is_finite() };
        (!too_large).then_some(x)
    }

    /// A number as an `f32`, finite in that width.
    #[inline]
    pub fn float32(&mut self) -> Option<f32> {
        self.float(true).map(|x| x as f32)
    }

    /// A string, borrowed from the text when it has no escape.
    #[inline]
    pub fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let b = self.bytes();
        let start = self.pos;
        let mut pos = plain_run(b, start);
        while let Some(&c) = b.get(pos) {
            if STOP[usize::from(c)] {
                if c == b'"' {
                    self.pos = pos + 1;
                    return Some(Cow::Borrowed(&self.text[start..pos]));
                }
                if c == b'\\' {
                    self.pos = pos;
                    return self.escaped(start).map(Cow::Owned);
                }
                return None;
            }
            pos += 1;
        }
        None
    }

    #[cold]
    fn escaped(&mut self, start: usize) -> Option<String> {
        let b = self.bytes();
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            let run = self.pos;
            while let Some(&c) = b.get(self.pos) {
                if STOP[usize::from(c)] {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match *b.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let c = match *b.get(self.pos)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.pos += 1;
                            let unit = self.hex4()?;
                            let c = match unit {
                                0xD800..=0xDBFF => {
                                    self.eat(b'\\')?;
                                    self.eat(b'u')?;
                                    let low = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&low) {
                                        return None;
                                    }
                                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?
                                }
                                0xDC00..=0xDFFF => return None,
                                _ => char::from_u32(unit)?,
                            };
                            out.push(c);
                            continue;
                        }
                        _ => return None,
                    };
                    self.pos += 1;
                    out.push(c);
                }
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut unit = 0u32;
        for _ in 0..4 {
            let digit = match *self.bytes().get(self.pos)? {
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'f' => b - b'a' + 10,
                b @ b'A'..=b'F' => b - b'A' + 10,
                _ => return None,
            };
            unit = unit << 4 | u32::from(digit);
            self.pos += 1;
        }
        Some(unit)
    }
}

/// A tag member's value, as a tag match reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tag<'a> {
    Str(Cow<'a, str>),
    /// An integer literal (a number with a fraction or exponent is no tag).
    Int(i128),
    Bool(bool),
    Null,
}

/// The end of the run of eight-byte words from `pos` that hold no `"`, `\` or control
/// character (a word with one is left to the byte loop that follows).
#[inline]
fn plain_run(b: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = b.get(pos..pos + 8) {
        let Ok(word) = <[u8; 8]>::try_from(word) else { break };
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // A byte is zero (or below 0x20) where the high bit survives: exact for "any".
        let stop = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x);
        if stop & HIGH != 0 {
            break;
        }
        pos += 8;
    }
    pos
}

/// The names of the members an object reader does not know, to find a repeated one (rare:
/// only where unknown members are ignored).
#[derive(Debug, Default)]
pub struct Unknown<'a>(Vec<Cow<'a, str>>);

impl<'a> Unknown<'a> {
    /// Skips the value of the unknown member `name` (checked strictly); `None` when the
    /// name came before in this object.
    #[cold]
    pub fn skip(&mut self, c: &mut Cursor<'a>, name: Cow<'a, str>) -> Option<()> {
        if self.0.contains(&name) {
            return None;
        }
        self.0.push(name);
        c.skip()
    }
}

/// The value of an integer written as a string of decimal digits (`@as(string)`: an
/// optional `-`, no leading zero), when it fits in an `i128`.
#[inline]
pub fn decimal(s: &str) -> Option<i128> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.as_bytes()),
        None => (false, s.as_bytes()),
    };
    match digits {
        [b'0'] => return Some(0),
        [b'1'..=b'9', ..] => {}
        _ => return None,
    }
    let n: i128 = if digits.len() <= 19 {
        let mut n = 0u64;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u64::from(d - b'0');
        }
        i128::from(n)
    } else {
        let mut n = 0i128;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            n = n.checked_mul(10)?.checked_add(i128::from(d - b'0'))?;
        }
        n
    };
    Some(if negative { -n } else { n })
}

/// Whether a count is within `@len` bounds.
#[inline]
pub fn len(n: usize, min: Option<u64>, max: Option<u64>) -> bool {
    let m = n as u64;
    min.is_none_or(|min| m >= min) && max.is_none_or(|max| m <= max)
}

/// Whether a string's length in code points is within `@len` bounds.
#[inline]
pub fn str_len(s: &str, min: Option<u64>, max: Option<u64>) -> bool {
    // Code points never outnumber bytes, and an ASCII string has one per byte.
    if s.is_ascii() { len(s.len(), min, max) } else { len(s.chars().count(), min, max) }
}

/// Whether an integer is within a declared range.
#[inline]
pub fn range_int(n: i128, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    crate::__private::within_int(n, min, max)
}

/// Whether a float is within a declared range.
#[inline]
pub fn range_float(x: f64, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    crate::__private::within_float(x, min, max)
}

/// A read the fast path does not do: always bails.
#[inline]
pub fn bail<T>() -> Option<T> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> Option<i128> {
        let mut c = Cursor::new(text, true);
        let n = c.int()?;
        c.finish()?;
        Some(n)
    }

    #[test]
    fn integers_by_their_spelling() {
        assert_eq!(int("0"), Some(0));
        assert_eq!(int("-0"), Some(0));
        assert_eq!(int("42"), Some(42));
        assert_eq!(int("-9223372036854775808"), Some(i128::from(i64::MIN)));
        assert_eq!(int("18446744073709551615"), Some(i128::from(u64::MAX)));
        assert_eq!(int("18446744073709551616"), Some(1 << 64));
        assert_eq!(int("170141183460469231731687303715884105727"), Some(i128::MAX));
        for text in ["01", "-01", "1.0", "1e2", "1E2", "-", "+1", "1x", "", "170141183460469231731687303715884105728"] {
            assert_eq!(int(text), None, "{text}");
        }
    }

    #[test]
    fn decimal_strings_as_the_format_says() {
        for text in [
            "0",
            "-0",
            "7",
            "-12",
            "18446744073709551615",
            "170141183460469231731687303715884105727",
            "1x",
            "01",
            "-",
            "",
            "+1",
            " 1",
            "1.0",
            "-01",
            "170141183460469231731687303715884105728",
        ] {
            let expected = if crate::format::is_decimal_integer(text) { text.parse::<i128>().ok() } else { None };
            assert_eq!(decimal(text), expected, "{text}");
        }
    }

    #[test]
    fn long_strings_stop_at_quotes_escapes_and_controls() {
        for (text, read) in [
            ("\"abcdefghijklmnopqrstuvwxyz\"", Some("abcdefghijklmnopqrstuvwxyz")),
            ("\"abcdefgh\\nijklmnop\"", Some("abcdefgh\nijklmnop")),
            ("\"abcdefgh\tijklmnop\"", None),
            ("\"abcdefghijklmnop\u{7f}\u{1}\"", None),
            ("\"éééééééé😀😀😀 ok\"", Some("éééééééé😀😀😀 ok")),
            ("\"abcdefghijklmnop", None),
        ] {
            assert_eq!(string(text).as_deref(), read, "{text:?}");
        }
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for (text, ok) in [("1.5", true), ("-0.0e+1", true), ("1.", false), (".5", false), ("1e", false), ("00", false)]
        {
            let mut c = Cursor::new(text, true);
            let read = c.number().is_some() && c.finish().is_some();
            assert_eq!(read, ok, "{text}");
        }
        assert_eq!(Cursor::new("1e400", true).float(false), None);
        assert_eq!(Cursor::new("1e300", true).float(true), None);
        assert_eq!(Cursor::new("1e300", true).float(false), Some(1e300));
    }

    fn string(text: &str) -> Option<String> {
        let mut c = Cursor::new(text, true);
        let s = c.string()?.into_owned();
        c.finish()?;
        Some(s)
    }

    #[test]
    fn strings_as_the_strict_reader() {
        assert_eq!(string(r#""plain""#).as_deref(), Some("plain"));
        assert_eq!(string(r#""a\"b\\c\/d\b\f\n\r\t""#).as_deref(), Some("a\"b\\c/d\u{8}\u{c}\n\r\t"));
        assert_eq!(string(r#""\ud83d\ude00 \u00e9""#).as_deref(), Some("😀 é"));
        for text in [r#""\ud83d""#, r#""\ude00""#, r#""\ud83d\u0041""#, r#""\x""#, "\"a\tb\"", "\"abc", r#""\u12""#] {
            assert_eq!(string(text), None, "{text}");
        }
        let mut c = Cursor::new("\"a\"", true);
        assert!(matches!(c.string(), Some(Cow::Borrowed("a"))));
    }

    #[test]
    fn depth_and_trailing_bytes() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        let mut c = Cursor::new(&deep, true);
        for _ in 0..MAX_DEPTH {
            assert_eq!(c.array(), Some(true));
        }
        assert_eq!(c.array(), None);
        let mut c = Cursor::new("{} x", true);
        assert_eq!(c.object(), Some(false));
        assert_eq!(c.finish(), None);
        assert_eq!(Cursor::new("\u{feff}{}", true).object(), None);
    }

    #[test]
    fn the_tag_first_or_found() {
        let text = r#"{"a":[1,{"type":"no"},"}"],"type":"yes","b":2}"#;
        let mut c = Cursor::new(text, true);
        let mut more = c.object().expect("an object");
        let start = c.mark();
        assert_eq!(c.tag(&mut more, "type"), Some((Tag::Str(Cow::Borrowed("yes")), false)));
        assert_eq!(c.mark(), start);
        let mut c = Cursor::new(r#"{"type":"x","b":2}"#, true);
        let mut more = c.object().expect("an object");
        assert_eq!(c.tag(&mut more, "type"), Some((Tag::Str(Cow::Borrowed("x")), true)));
        assert!(more);
        assert_eq!(c.key().as_deref(), Some("b"));
        let mut c = Cursor::new(r#"{"b":2}"#, true);
        let mut more = c.object().expect("an object");
        assert_eq!(c.tag(&mut more, "type"), None);
        assert_eq!(c.find_tag(more, "type"), Some(None));
        let mut c = Cursor::new(r#"{"b":2,"op":-3,"t":null,"u":true}"#, true);
        let more = c.object().expect("an object");
        assert_eq!(c.find_tag(more, "op"), Some(Some(Tag::Int(-3))));
        assert_eq!(c.find_tag(more, "t"), Some(Some(Tag::Null)));
        assert_eq!(c.find_tag(more, "u"), Some(Some(Tag::Bool(true))));
        assert_eq!(c.key().as_deref(), Some("b"));
    }

    #[test]
    fn skipped_values_are_checked_strictly() {
        let mut c = Cursor::new(r#"{"a":{"x":1,"x":2}}"#, true);
        assert_eq!(c.object(), Some(true));
        let name = c.key().expect("a name");
        assert_eq!(Unknown::default().skip(&mut c, name), None);
        let mut c = Cursor::new(r#"{"a":1,"a":2}"#, true);
        let mut unknown = Unknown::default();
        assert_eq!(c.object(), Some(true));
        let name = c.key().expect("a name");
        assert_eq!(unknown.skip(&mut c, name), Some(()));
        assert_eq!(c.next_member(), Some(true));
        let name = c.key().expect("a name");
        assert_eq!(unknown.skip(&mut c, name), None);
    }
}
