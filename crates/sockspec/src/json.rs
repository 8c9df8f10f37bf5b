//! The strict JSON reader of the wire core: RFC 8259 text to values that keep what
//! validation needs: raw number text, member order, and the certainty that no object
//! repeats a member name. Its rules, written for every language, are in `docs/json.md`.
//!
//! Why not `serde_json::Value`: DESIGN §4 makes a duplicate member name `invalid_json`, and
//! `serde_json` silently keeps the last one; it also turns integers beyond 2^64 into
//! floats, so `18446744073709551616` could no longer be told from `1.8446744073709552e19`
//! (an integer field must answer `out_of_range` for the first and `wrong_type` for the
//! second). `serde_json`'s `arbitrary_precision` feature would keep the text, but Cargo
//! unifies features, so it would change every `serde_json::Number` in the workspace
//! (and in users' builds of the runtime). A small hand-written reader is cheaper than that.
//!
//! What it rejects, besides malformed text: a byte order mark, anything after the value but
//! whitespace, unescaped control characters in strings, lone UTF-16 surrogates in `\u`
//! escapes, `NaN`/`Infinity`, leading zeros, and nesting deeper than [`MAX_DEPTH`].
//! Strings without escapes are borrowed from the input; others are built once.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// The deepest nesting of arrays and objects accepted, the outermost one counting as level 1
/// (`[[1]]` is 2 levels): text nested deeper is an error, never a stack overflow (the reader
/// recurses once per level). 127 is exactly what `serde_json` accepts by default (it
/// rejects the 128th level), so a Rust decoder that hands an accepted frame on to
/// `serde_json` never meets a text this reader let through and `serde_json` refuses.
pub const MAX_DEPTH: usize = 127;

/// Objects with more members than this check duplicates with a hash set rather than by
/// scanning the members already read.
const LINEAR_DUPLICATE_SCAN: usize = 16;

/// A JSON value borrowing from the text it was parsed from.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in the order they appear; names are unique (the parser guarantees it).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The member named `name`, when this is an object that has one.
    #[inline]
    pub fn get(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => member(members, name),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (numbers become `u64`/`i64` when they are
    /// integers that fit, otherwise `f64`; non-finite floats become `null`).
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => n.to_serde(),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Value::to_serde).collect()),
            Value::Object(members) => {
                serde_json::Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.to_serde())).collect())
            }
        }
    }
}

/// The member named `name` among an object's members.
// Inline across crates: callers look members up on every field of every frame.
#[inline]
pub fn member<'v, 'a>(members: &'v [(Cow<'a, str>, Value<'a>)], name: &str) -> Option<&'v Value<'a>> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A JSON number as written (always valid JSON number syntax).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number<'a>(&'a str);

impl<'a> Number<'a> {
    /// The text exactly as in the input.
    #[inline]
    pub fn raw(self) -> &'a str {
        self.0
    }

    /// Whether it is written without fraction or exponent (`1`, `-0`; not `1.0`, `1e2`).
    #[inline]
    pub fn is_integer(self) -> bool {
        !self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The exact value of an integer literal, or `None` when it has a fraction or exponent
    /// or does not fit in an `i128` (about 1.7e38).
    #[inline]
    pub fn to_i128(self) -> Option<i128> {
        if self.is_integer() { self.0.parse().ok() } else { None }
    }

    /// The nearest `f64` (correctly rounded); infinite when the magnitude is too large.
    #[inline]
    pub fn to_f64(self) -> f64 {
        // JSON number syntax is a subset of what Rust's float parser accepts.
        self.0.parse().unwrap_or(f64::NAN)
    }

    fn to_serde(self) -> serde_json::Value {
        if self.is_integer() {
            if let Ok(u) = self.0.parse::<u64>() {
                return serde_json::Value::from(u);
            }
            // `-0` is a float in `serde_json`, as it is `-0.0` in IEEE 754.
            if let Ok(i) = self.0.parse::<i64>()
                && !(i == 0 && self.0.starts_with('-'))
            {
                return serde_json::Value::from(i);
            }
        }
        serde_json::Number::from_f64(self.to_f64()).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Why a text is not one JSON value, and where (a byte offset into the text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    Unexpected(char),
    /// Something other than whitespace follows the value.
    TrailingCharacters,
    /// A byte order mark at the start (RFC 8259 §8.1: senders must not add one).
    ByteOrderMark,
    /// A number that breaks JSON's grammar (leading zero, missing digits).
    BadNumber,
    /// A control character (U+0000 to U+001F) not escaped inside a string.
    ControlCharacter,
    /// A backslash followed by something that is not a JSON escape.
    BadEscape,
    /// A `\u` escape of a UTF-16 surrogate without its partner.
    LoneSurrogate,
    /// An object names the same member twice.
    DuplicateMember(String),
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            Reason::UnexpectedEnd => write!(f, "the text ends inside a JSON value")?,
            Reason::Unexpected(c) => write!(f, "unexpected character {c:?}")?,
            Reason::TrailingCharacters => write!(f, "characters follow the JSON value")?,
            Reason::ByteOrderMark => write!(f, "the text starts with a byte order mark")?,
            Reason::BadNumber => write!(f, "malformed number")?,
            Reason::ControlCharacter => write!(f, "unescaped control character in a string")?,
            Reason::BadEscape => write!(f, "invalid escape in a string")?,
            Reason::LoneSurrogate => write!(f, "\\u escape of a lone UTF-16 surrogate")?,
            Reason::DuplicateMember(name) => write!(f, "duplicate member name {name:?}")?,
            Reason::TooDeep => write!(f, "arrays and objects nested deeper than {MAX_DEPTH} levels")?,
        }
        write!(f, " at byte {}", self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Parses a text that must be exactly one JSON value, with optional whitespace around it.
pub fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
    if text.starts_with('\u{feff}') {
        return Err(parser.error(Reason::ByteOrderMark));
    }
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error(Reason::TrailingCharacters));
    }
    Ok(value)
}

/// Reads one value that starts at byte `pos` of `text`, inside `depth` open arrays and
/// objects (so the limit of [`MAX_DEPTH`] counts them): the value and the offset after it.
/// For the fast path of generated decoders, which skips values through this reader.
pub(crate) fn parse_at(text: &str, pos: usize, depth: usize) -> Result<(Value<'_>, usize), JsonError> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos };
    let value = parser.value(depth)?;
    Ok((value, parser.pos))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, reason: Reason) -> JsonError {
        JsonError { offset: self.pos, reason }
    }

    /// An error for the character at the cursor (or the end of the text).
    fn unexpected(&self) -> JsonError {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            Some(c) => self.error(Reason::Unexpected(c)),
            None => self.error(Reason::UnexpectedEnd),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            // Point at the first byte that differs.
            let same = self.bytes[self.pos..].iter().zip(word.as_bytes()).take_while(|(a, b)| a == b).count();
            self.pos += same;
            Err(self.unexpected())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        match self.peek() {
            None => Err(self.error(Reason::UnexpectedEnd)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => Ok(Value::Number(self.number()?)),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(_) => Err(self.unexpected()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number<'a>, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(Reason::BadNumber));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error(Reason::BadNumber)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(Reason::BadNumber));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(Reason::BadNumber));
            }
        }
        Ok(Number(&self.text[start..self.pos]))
    }

    /// A string starting at the opening quote. Borrowed when it has no escape.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: scan to the closing quote; most strings have no escape.
        loop {
            match self.peek() {
                None => return Err(self.error(Reason::UnexpectedEnd)),
                Some(b'"') => {
                    let s = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(0x00..=0x1f) => return Err(self.error(Reason::ControlCharacter)),
                Some(_) => self.pos += 1,
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            // Copy the run of plain characters up to the next quote, backslash or control.
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.peek() {
                None => return Err(self.error(Reason::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error(Reason::ControlCharacter)),
            }
        }
    }

    /// One escape sequence starting at the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let at = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            None => return Err(self.error(Reason::UnexpectedEnd)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                let c = match unit {
                    0xD800..=0xDBFF => {
                        if !self.bytes[self.pos..].starts_with(b"\\u") {
                            return Err(JsonError { offset: at, reason: Reason::LoneSurrogate });
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(JsonError { offset: at, reason: Reason::LoneSurrogate });
                        }
                        let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                        char::from_u32(code).expect("a surrogate pair encodes a scalar value")
                    }
                    0xDC00..=0xDFFF => return Err(JsonError { offset: at, reason: Reason::LoneSurrogate }),
                    _ => char::from_u32(u32::from(unit)).expect("a non-surrogate BMP unit is a scalar value"),
                };
                out.push(c);
                return Ok(());
            }
            Some(_) => return Err(self.error(Reason::BadEscape)),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, JsonError> {
        let mut unit = 0u16;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.error(Reason::UnexpectedEnd)),
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                Some(_) => return Err(self.error(Reason::BadEscape)),
            };
            unit = unit << 4 | u16::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(Reason::TooDeep));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(Reason::TooDeep));
        }
        self.pos += 1;
        let mut members: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
        // Names seen, once the object is too large for a linear scan.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected());
            }
            let name_at = self.pos;
            let name = self.string()?;
            let duplicate = match &mut seen {
                Some(seen) => !seen.insert(name.to_string()),
                None => members.iter().any(|(k, _)| *k == name),
            };
            if duplicate {
                return Err(JsonError { offset: name_at, reason: Reason::DuplicateMember(name.into_owned()) });
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected());
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((name, value));
            if seen.is_none() && members.len() >= LINEAR_DUPLICATE_SCAN {
                seen = Some(members.iter().map(|(k, _)| k.to_string()).collect());
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(text: &str) -> Reason {
        match parse(text) {
            Ok(v) => panic!("{text:?} parsed as {v:?}"),
            Err(e) => e.reason,
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(parse("null"), Ok(Value::Null));
        assert_eq!(parse(" true "), Ok(Value::Bool(true)));
        assert_eq!(parse("\tfalse\r\n"), Ok(Value::Bool(false)));
        assert_eq!(parse("\"a\""), Ok(Value::String(Cow::Borrowed("a"))));
        assert_eq!(parse("-0"), Ok(Value::Number(Number("-0"))));
    }

    #[test]
    fn numbers_keep_their_text() {
        for text in ["0", "-0", "1", "1.0", "1e2", "1E+2", "1e-2", "-12.5e10", "18446744073709551616"] {
            match parse(text) {
                Ok(Value::Number(n)) => assert_eq!(n.raw(), text),
                other => panic!("{text}: {other:?}"),
            }
        }
        let big = Number("340282366920938463463374607431768211456"); // 2^128
        assert!(big.is_integer());
        assert_eq!(big.to_i128(), None);
        assert_eq!(Number("18446744073709551616").to_i128(), Some(1 << 64));
        assert_eq!(Number("-170141183460469231731687303715884105728").to_i128(), Some(i128::MIN));
        assert!(!Number("1.0").is_integer());
        assert!(!Number("1e2").is_integer());
        assert_eq!(Number("1e2").to_i128(), None);
        assert_eq!(Number("1e400").to_f64(), f64::INFINITY);
        assert_eq!(Number("-0.5").to_f64(), -0.5);
        for text in ["-0", "0", "-1", "18446744073709551615", "-9223372036854775808", "1e5", "-0.0"] {
            let theirs: serde_json::Value = serde_json::from_str(text).expect("valid");
            assert_eq!(Number(text).to_serde(), theirs, "{text}");
        }
    }

    #[test]
    fn malformed_numbers() {
        for text in ["01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1.e3", "--1", "-a"] {
            assert!(parse(text).is_err(), "{text} should be rejected");
        }
        for text in ["NaN", "Infinity", "-Infinity", "nan"] {
            assert!(parse(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(parse(r#""a\"b\\c\/d\b\f\n\r\t""#), Ok(Value::String("a\"b\\c/d\u{8}\u{c}\n\r\t".into())));
        assert_eq!(parse(r#""\u00e9\u20AC""#), Ok(Value::String("é€".into())));
        assert_eq!(parse(r#""\ud83d\ude00""#), Ok(Value::String("😀".into())));
        assert_eq!(parse("\"héllo 😀\""), Ok(Value::String("héllo 😀".into())));
        assert_eq!(parse(r#""\u0000""#), Ok(Value::String("\0".into())));
        // Borrowed when there is no escape.
        assert!(matches!(parse("\"plain\""), Ok(Value::String(Cow::Borrowed("plain")))));
    }

    #[test]
    fn bad_strings() {
        assert_eq!(reason(r#""\ud83d""#), Reason::LoneSurrogate);
        assert_eq!(reason(r#""\ud83dx""#), Reason::LoneSurrogate);
        assert_eq!(reason(r#""\ude00""#), Reason::LoneSurrogate);
        assert_eq!(reason(r#""\ud83d\u0041""#), Reason::LoneSurrogate);
        assert_eq!(reason(r#""\x""#), Reason::BadEscape);
        assert_eq!(reason(r#""\u12G4""#), Reason::BadEscape);
        assert_eq!(reason("\"a\nb\""), Reason::ControlCharacter);
        assert_eq!(reason("\"a\\n\tb\""), Reason::ControlCharacter);
        assert_eq!(reason("\"abc"), Reason::UnexpectedEnd);
        assert_eq!(reason("\"abc\\"), Reason::UnexpectedEnd);
        assert_eq!(reason("\"\\u12"), Reason::UnexpectedEnd);
        assert_eq!(reason("'a'"), Reason::Unexpected('\''));
    }

    #[test]
    fn structure() {
        let v = parse(r#" { "b" : [1, {"c": null}], "a": {} } "#).expect("valid");
        let Value::Object(members) = &v else { panic!("{v:?}") };
        assert_eq!(members.iter().map(|(k, _)| k.as_ref()).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(v.get("a"), Some(&Value::Object(vec![])));
        assert_eq!(parse("[]"), Ok(Value::Array(vec![])));
        assert_eq!(parse("[ ]"), Ok(Value::Array(vec![])));
        for text in ["[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{a:1}", "[1 2]", "{\"a\":1", "[", "{", "]", ""]
        {
            assert!(parse(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn trailing_and_bom() {
        assert_eq!(reason("{} {}"), Reason::TrailingCharacters);
        assert_eq!(reason("1 x"), Reason::TrailingCharacters);
        assert_eq!(reason("\u{feff}{}"), Reason::ByteOrderMark);
        assert_eq!(reason("{}\u{0}"), Reason::TrailingCharacters);
        // Only the four JSON whitespace characters count as whitespace.
        assert!(parse("\u{a0}1").is_err());
        assert!(parse("\u{b}1").is_err());
    }

    #[test]
    fn duplicates_anywhere() {
        assert_eq!(reason(r#"{"a":1,"a":2}"#), Reason::DuplicateMember("a".into()));
        assert_eq!(reason(r#"[{"x":{"a":1,"b":2,"a":3}}]"#), Reason::DuplicateMember("a".into()));
        // Escapes are decoded before comparing.
        assert_eq!(reason(r#"{"a":1,"\u0061":2}"#), Reason::DuplicateMember("a".into()));
        // Large objects use the hash set.
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k3\":0}");
        assert_eq!(reason(&text), Reason::DuplicateMember("k3".into()));
        assert!(parse(&text.replace("\"k3\":0", "\"k40\":0")).is_ok());
        assert!(parse(r#"{"a":{"a":{"a":1}},"b":{"a":2}}"#).is_ok());
    }

    #[test]
    fn depth_limit_is_serde_json_s() {
        for levels in [1, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2] {
            for text in [
                "[".repeat(levels) + &"]".repeat(levels),
                "{\"a\":".repeat(levels) + "1" + &"}".repeat(levels),
                "[".repeat(levels) + "0" + &"]".repeat(levels),
            ] {
                let ours = parse(&text).is_ok();
                let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                assert_eq!(ours, theirs, "{levels} levels: we say {ours}, serde_json {theirs}");
                assert_eq!(ours, levels <= MAX_DEPTH, "{levels} levels");
            }
        }
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(reason(&deep), Reason::TooDeep);
        let objects = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
        assert_eq!(reason(&objects), Reason::TooDeep);
        // Far deeper than any stack could recurse: still an error, not a crash.
        assert_eq!(reason(&"[".repeat(1_000_000)), Reason::TooDeep);
    }

    #[test]
    fn error_messages_name_the_offset() {
        let e = parse(r#"{"a": tru}"#).expect_err("invalid");
        assert_eq!(e.offset, 9);
        assert_eq!(e.to_string(), "unexpected character '}' at byte 9");
        let e = parse(r#"{"a":1,"a":2}"#).expect_err("invalid");
        assert_eq!(e.to_string(), "duplicate member name \"a\" at byte 7");
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn parses_what_serde_json_writes(value in arb_json()) {
            let compact = serde_json::to_string(&value).expect("serializable");
            prop_assert_eq!(parse(&compact).map(|v| v.to_serde()), Ok(value.clone()));
            let pretty = serde_json::to_string_pretty(&value).expect("serializable");
            prop_assert_eq!(parse(&pretty).map(|v| v.to_serde()), Ok(value));
        }

        /// On JSON-like soup, accepts exactly what `serde_json` accepts, except duplicate
        /// member names (which `serde_json` lets through and this parser rejects).
        #[test]
        fn accepts_what_serde_json_accepts(text in r#"[\[\]{}":, 0-9eE.+\-tfnrulsa\\]{0,24}"#) {
            let ours = parse(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (&ours, &theirs) {
                (Ok(v), Ok(t)) => prop_assert_eq!(&v.to_serde(), t),
                (Err(e), Ok(_)) => prop_assert!(matches!(e.reason, Reason::DuplicateMember(_)), "{text:?}: {e}"),
                (Ok(v), Err(e)) => prop_assert!(false, "{text:?}: we accept {v:?}, serde_json says {e}"),
                (Err(_), Err(_)) => {}
            }
        }

        #[test]
        fn never_panics(text in ".{0,64}") {
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_on_jsonish_text(text in r#"[\[\]{}":,0-9eE.+\-a-z\\ ]{0,48}"#) {
            if let Err(e) = parse(&text) {
                prop_assert!(e.offset <= text.len());
            }
        }
    }
}
