//! What generated code uses, and nothing a user calls: the decoding context (path and
//! errors), the scalar checks of DESIGN §4 that every type shares, and the JSON writer.
//! Constraints themselves are spelled out in the generated code, with their bounds as
//! constants; these helpers only do the part every use shares.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;

pub use regex;
pub use serde_json;

pub use crate::decode::{DecodeError, ErrorCode, MAX_ERRORS, RawFrame, ValidationError};
pub use crate::fast;
pub use crate::format;
pub use crate::json::{self, Value, member};

/// An object's members, as the strict reader keeps them.
pub type Members<'a> = [(Cow<'a, str>, Value<'a>)];

/// One decoding: which side sent the frame, the JSON Pointer of the value being read, and
/// the errors found so far.
#[derive(Debug)]
pub struct Cx {
    /// The frame comes from the client (policies may differ by sending side).
    pub client: bool,
    path: String,
    errors: Vec<ValidationError>,
    omitted: usize,
}

impl Cx {
    pub fn new(client: bool) -> Cx {
        Cx { client, path: String::new(), errors: Vec::new(), omitted: 0 }
    }

    /// Appends a member name to the path (escaped as RFC 6901 says); returns the length to
    /// restore with [`Cx::leave`].
    #[inline]
    pub fn enter(&mut self, name: &str) -> usize {
        let len = self.path.len();
        self.path.push('/');
        if name.contains(['~', '/']) {
            for c in name.chars() {
                match c {
                    '~' => self.path.push_str("~0"),
                    '/' => self.path.push_str("~1"),
                    c => self.path.push(c),
                }
            }
        } else {
            self.path.push_str(name);
        }
        len
    }

    #[inline]
    pub fn enter_index(&mut self, index: usize) -> usize {
        let len = self.path.len();
        let _ = write!(self.path, "/{index}");
        len
    }

    #[inline]
    pub fn leave(&mut self, len: usize) {
        self.path.truncate(len);
    }

    #[cold]
    pub fn error(&mut self, code: ErrorCode, message: String) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        self.errors.push(ValidationError { path: self.path.clone(), code, message });
    }

    #[cold]
    pub fn error_at(&mut self, name: &str, code: ErrorCode, message: String) {
        let len = self.enter(name);
        self.error(code, message);
        self.leave(len);
    }

    #[cold]
    pub fn wrong_type(&mut self, expected: &str, v: &Value) {
        self.error(ErrorCode::WrongType, format!("expected {expected}, found {}", described(v)));
    }

    /// How many errors so far (for `@untagged(ordered)`, which tries variants in turn).
    pub fn mark(&self) -> usize {
        self.errors.len()
    }

    /// The errors found since `mark`, removed.
    pub fn take_since(&mut self, mark: usize) -> Vec<ValidationError> {
        self.errors.split_off(mark)
    }

    pub fn restore(&mut self, errors: Vec<ValidationError>) {
        self.errors.extend(errors);
    }

    /// The decoded value, or every error found. A decoder returns `None` only after
    /// reporting an error, so `None` with no error is a bug of the generator, reported as one.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, DecodeError> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => {
                let mut errors = self.errors;
                if errors.is_empty() {
                    errors.push(ValidationError {
                        path: String::new(),
                        code: ErrorCode::WrongType,
                        message: "the generated decoder rejected the frame without saying why".into(),
                    });
                }
                Err(DecodeError { errors, omitted: self.omitted })
            }
        }
    }
}

/// Reads a frame's text with the strict reader: `invalid_json` when it is not one JSON text.
pub fn parse(text: &str) -> Result<Value<'_>, DecodeError> {
    json::parse(text).map_err(|e| DecodeError {
        errors: vec![ValidationError {
            path: String::new(),
            code: ErrorCode::InvalidJson,
            message: format!("the frame is not one JSON text: {e}"),
        }],
        omitted: 0,
    })
}

/// A frame's bytes: text that is not UTF-8 is not JSON.
pub fn text(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError {
        errors: vec![ValidationError {
            path: String::new(),
            code: ErrorCode::InvalidJson,
            message: format!("the frame is not UTF-8: {e}"),
        }],
        omitted: 0,
    })
}

/// The typed result of an answer (`sockspec::Answers`): the member `key` of the frame
/// `text` (`result`, a typed reply's content member), read again with the strict reader
/// and decoded by `decode`, its errors under `/key`; `None` when the frame has no such
/// member (an optional content left out). The frame was decoded before, so it is one
/// JSON object here.
pub fn answer_result<T>(
    text: &str,
    client: bool,
    key: &str,
    decode: impl FnOnce(&Value<'_>, &mut Cx) -> Option<T>,
) -> Result<Option<T>, DecodeError> {
    let frame = parse(text)?;
    let Value::Object(members) = &frame else { return Ok(None) };
    let Some(v) = member(members, key) else { return Ok(None) };
    let mut cx = Cx::new(client);
    let at = cx.enter(key);
    let r = decode(v, &mut cx);
    cx.leave(at);
    cx.finish(r).map(Some)
}

/// A valid frame that answers no request of this kind: one `unknown_tag` at `""`, as the
/// dynamic validator says it. `what` is the frame's name (`Pong`, `@result`, `@unknown`).
#[cold]
pub fn not_an_answer(what: &str, request: &str) -> DecodeError {
    DecodeError {
        errors: vec![ValidationError {
            path: String::new(),
            code: ErrorCode::UnknownTag,
            message: format!("{what} is no answer to {request}"),
        }],
        omitted: 0,
    }
}

/// The JSON kind of a value, for messages.
pub fn described(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_integer() => "an integer",
        Value::Number(_) => "a number with a fraction or exponent",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---- scalars ----

/// An integer of a width and wire encoding (a number, or with `as_string` a string of
/// decimal digits); `None` once an error is reported.
#[inline]
pub fn int(cx: &mut Cx, v: &Value, signed: bool, bits: u8, as_string: bool) -> Option<i128> {
    let n = match (as_string, v) {
        (false, Value::Number(n)) => {
            if !n.is_integer() {
                cx.wrong_type("an integer written without fraction or exponent", v);
                return None;
            }
            n.to_i128()
        }
        (false, _) => {
            cx.wrong_type("an integer", v);
            return None;
        }
        (true, Value::String(s)) => {
            if !format::is_decimal_integer(s) {
                cx.error(ErrorCode::BadFormat, format!("{s:?} is not a decimal integer"));
                return None;
            }
            s.parse::<i128>().ok()
        }
        (true, _) => {
            cx.wrong_type("a string of decimal digits", v);
            return None;
        }
    };
    let (min, max) = bounds(signed, bits);
    match n {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            cx.error(ErrorCode::OutOfRange, format!("does not fit in {}{bits}", if signed { 'i' } else { 'u' }));
            None
        }
    }
}

/// [`int`] without reporting: the value when it is a valid integer of that width.
#[inline]
pub fn int_quiet(v: &Value, signed: bool, bits: u8, as_string: bool) -> Option<i128> {
    let n = match (as_string, v) {
        (false, Value::Number(n)) => n.to_i128()?,
        (true, Value::String(s)) if format::is_decimal_integer(s) => s.parse::<i128>().ok()?,
        _ => return None,
    };
    let (min, max) = bounds(signed, bits);
    (min..=max).contains(&n).then_some(n)
}

fn bounds(signed: bool, bits: u8) -> (i128, i128) {
    let bits = if (1..=127).contains(&bits) { bits } else { 64 };
    if signed { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) } else { (0, (1i128 << bits) - 1) }
}

/// A number as a float (`f32` with `single`); `None` once an error is reported.
#[inline]
pub fn float(cx: &mut Cx, v: &Value, single: bool) -> Option<f64> {
    let Value::Number(n) = v else {
        cx.wrong_type("a number", v);
        return None;
    };
    let x = n.to_f64();
    let too_large = if single { x.is_nan() || (x as f32).is_infinite() } else { !x.is_finite() };
    if too_large {
        cx.error(ErrorCode::OutOfRange, format!("{} is too large for {}", n.raw(), if single { "f32" } else { "f64" }));
        return None;
    }
    Some(x)
}

/// A limit of a declared range, as the schema wrote it.
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    Int(i128),
    Float(f64),
}

/// Whether an integer is within a declared range (`(limit, exclusive)` at each end);
/// reports `out_of_range` when not.
#[inline]
pub fn range_int(cx: &mut Cx, n: i128, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    let ok = within_int(n, min, max);
    if !ok {
        cx.error(ErrorCode::OutOfRange, format!("{n} is out of the declared range"));
    }
    ok
}

/// Whether a float is within a declared range; reports `out_of_range` when not.
#[inline]
pub fn range_float(cx: &mut Cx, x: f64, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    let ok = within_float(x, min, max);
    if !ok {
        cx.error(ErrorCode::OutOfRange, format!("{x} is out of the declared range"));
    }
    ok
}

/// Whether an integer is within a declared range (no report).
#[inline]
pub(crate) fn within_int(n: i128, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    within(
        |l: Limit| match l {
            Limit::Int(l) => n.cmp(&l),
            Limit::Float(f) => cmp_f64_i128(f, n).reverse(),
        },
        min,
        max,
    )
}

/// Whether a float is within a declared range (no report).
#[inline]
pub(crate) fn within_float(x: f64, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    within(
        |l: Limit| match l {
            Limit::Int(l) => cmp_f64_i128(x, l),
            Limit::Float(f) => x.partial_cmp(&f).unwrap_or(Ordering::Equal),
        },
        min,
        max,
    )
}

#[inline]
fn within(cmp: impl Fn(Limit) -> Ordering, min: Option<(Limit, bool)>, max: Option<(Limit, bool)>) -> bool {
    let min_ok = min.is_none_or(|(l, exclusive)| match cmp(l) {
        Ordering::Greater => true,
        Ordering::Equal => !exclusive,
        Ordering::Less => false,
    });
    let max_ok = max.is_none_or(|(l, exclusive)| match cmp(l) {
        Ordering::Less => true,
        Ordering::Equal => !exclusive,
        Ordering::Greater => false,
    });
    min_ok && max_ok
}

/// A float against an integer, exactly.
fn cmp_f64_i128(f: f64, i: i128) -> Ordering {
    const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= TWO_127 {
        return Ordering::Greater;
    }
    if f < -TWO_127 {
        return Ordering::Less;
    }
    let whole = f.trunc();
    match (whole as i128).cmp(&i) {
        Ordering::Equal => f.partial_cmp(&whole).unwrap_or(Ordering::Equal),
        other => other,
    }
}

/// Whether a length (items, entries, bytes, code points) is within declared bounds;
/// reports `bad_length` when not.
#[inline]
pub fn len(cx: &mut Cx, n: usize, min: Option<u64>, max: Option<u64>) -> bool {
    let m = n as u64;
    let ok = min.is_none_or(|min| m >= min) && max.is_none_or(|max| m <= max);
    if !ok {
        cx.error(ErrorCode::BadLength, format!("length {n} is outside the declared bounds"));
    }
    ok
}

/// `@len` of a string, in Unicode code points.
#[inline]
pub fn str_len(cx: &mut Cx, s: &str, min: Option<u64>, max: Option<u64>) -> bool {
    len(cx, s.chars().count(), min, max)
}

/// `@pattern`s, in order: the first that does not match is the one error.
#[inline]
pub fn patterns(cx: &mut Cx, s: &str, patterns: &[&regex::Regex]) -> bool {
    for re in patterns {
        if !re.is_match(s) {
            cx.error(ErrorCode::PatternMismatch, format!("{s:?} does not match the pattern {:?}", re.as_str()));
            return false;
        }
    }
    true
}

/// A string in a format: the string, and whether it is valid (a `bad_format` is reported
/// when not); `None` when the value is no string.
#[inline]
pub fn formatted<'v>(cx: &mut Cx, v: &'v Value, valid: fn(&str) -> bool, what: &str) -> Option<(&'v str, bool)> {
    let Value::String(s) = v else {
        cx.wrong_type(&format!("a string ({what})"), v);
        return None;
    };
    let ok = valid(s);
    if !ok {
        cx.error(ErrorCode::BadFormat, format!("{s:?} is not {what}"));
    }
    Some((s, ok))
}

/// Bytes in base64 (`url`: the URL-safe alphabet without padding).
#[inline]
pub fn bytes(cx: &mut Cx, v: &Value, url: bool) -> Option<Vec<u8>> {
    let Value::String(s) = v else {
        cx.wrong_type("a base64 string", v);
        return None;
    };
    let decoded = format::base64_decode(s, url);
    if decoded.is_none() {
        cx.error(ErrorCode::BadFormat, "not valid base64".into());
    }
    decoded
}

// ---- objects and dispatch ----

/// Reports every member whose name is not `known`, as `unknown_field`.
#[inline]
pub fn unknown_members(cx: &mut Cx, members: &Members, known: &[&str]) {
    for (name, _) in members {
        if !known.contains(&name.as_ref()) {
            cx.error_at(name, ErrorCode::UnknownField, format!("unknown member {name:?}"));
        }
    }
}

/// Structural dispatch: the index of the signature that equals the set of present keys
/// among `keys`.
#[inline]
pub fn structural(members: &Members, keys: &[&str], signatures: &[&[&str]]) -> Option<usize> {
    let present = keys.iter().filter(|k| member(members, k).is_some()).count();
    signatures.iter().position(|sig| sig.len() == present && sig.iter().all(|k| member(members, k).is_some()))
}

/// A tag value as an `i64`, when it is an integer literal that fits (others name nothing).
#[inline]
pub fn tag_int(n: &json::Number) -> Option<i64> {
    n.to_i128().and_then(|n| i64::try_from(n).ok())
}

// ---- writing ----

/// Bytes a JSON string writes escaped: `"`, `\\` and the control characters; the same bytes
/// end a plain run when a string is read (`fast`).
pub(crate) static ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Writes a JSON string: runs with nothing to escape are copied whole.
#[inline]
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPE[usize::from(b)] {
            continue;
        }
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Writes a member name and the colon, with a comma before every member but the first.
#[inline]
pub fn write_key(out: &mut String, first: &mut bool, key: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    write_str(out, key);
    out.push(':');
}

/// [`write_key`] with the name already written as JSON, colon included (`"\"id\":"`): what
/// generated code passes for the schema's member names.
#[inline]
pub fn write_raw_key(out: &mut String, first: &mut bool, key: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    out.push_str(key);
}

/// An integer, in decimal.
#[inline]
pub fn write_int<I: itoa::Integer>(out: &mut String, n: I) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// An integer written as a string of decimal digits (`@as(string)`).
#[inline]
pub fn write_int_str<I: itoa::Integer>(out: &mut String, n: I) {
    out.push('"');
    out.push_str(itoa::Buffer::new().format(n));
    out.push('"');
}

/// A float in its shortest form that reads back the same (what `serde_json` writes, through
/// the same crate); a non-finite one (which no decoded value holds) is written `null`.
#[inline]
pub fn write_f64(out: &mut String, x: f64) {
    if x.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(x));
    } else {
        out.push_str("null");
    }
}

#[inline]
pub fn write_f32(out: &mut String, x: f32) {
    if x.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(x));
    } else {
        out.push_str("null");
    }
}

#[inline]
pub fn write_json(out: &mut String, v: &serde_json::Value) {
    let _ = write!(out, "{v}");
}

pub fn write_bytes(out: &mut String, bytes: &[u8], url: bool) {
    write_str(out, &format::base64_encode(bytes, url));
}
