//! The string formats of DESIGN §4: uuid, RFC 3339 and local date-times, dates, base64 and
//! decimal integer strings, each checked exactly as every generated validator must.
//!
//! Generated Rust decoders check values with these. They are the same rules as
//! `sockspec_model::format`, which the dynamic validator uses: the model may not depend on
//! the runtime (ARCHITECTURE.md), so the few lines live in both, and the vectors run through
//! both implementations keep them equal.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The hyphenated 8-4-4-4-12 form, hexadecimal digits of either case. No braces, no `urn:`
/// prefix, no version check (every version, nil and max are values of the type).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)`, with `t` and `z` accepted
/// as the RFC allows. The date must exist (month lengths, leap years); hours 00-23,
/// minutes and seconds 00-59. A leap second (`:60`) is rejected: most languages' date
/// types cannot hold one, and accepting it in one language but not another would break
/// the one-behaviour rule. Offsets: hours 00-23, minutes 00-59.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(rest) = date_time(b) else { return false };
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            number(&[*h1, *h2]).is_some_and(|h| h <= 23) && number(&[*m1, *m2]).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

/// A local ISO 8601 date-time with no offset: `YYYY-MM-DDTHH:MM:SS[.frac]` (the same
/// grammar and ranges as [`is_rfc3339`] without the offset). A text with an offset is not a
/// local date-time.
pub fn is_local_datetime(s: &str) -> bool {
    date_time(s.as_bytes()).is_some_and(<[u8]>::is_empty)
}

/// `YYYY-MM-DD`, a date that exists in the proleptic Gregorian calendar.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && date(b)
}

/// Decodes base64 strictly (no whitespace, canonical padding, no stray bits): RFC 4648 §4
/// with padding, or (`url`) §5's alphabet without padding.
pub fn base64_decode(s: &str, url: bool) -> Option<Vec<u8>> {
    let engine = if url { &URL_SAFE_NO_PAD } else { &STANDARD };
    engine.decode(s).ok()
}

/// Encodes bytes as [`base64_decode`] reads them.
pub fn base64_encode(bytes: &[u8], url: bool) -> String {
    let engine = if url { &URL_SAFE_NO_PAD } else { &STANDARD };
    engine.encode(bytes)
}

/// Whether `s` is a decimal integer as `@as(string)` integers are written:
/// `-?(0|[1-9][0-9]*)`. No `+`, no leading zeros, no spaces.
pub fn is_decimal_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s).as_bytes();
    match digits {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// Checks `YYYY-MM-DD(T|t)HH:MM:SS[.d+]` at the start of `b`; returns what follows.
/// Checks `YYYY-MM-DD(T|t)HH:MM:SS[.d+]` at the start of `b`; returns what follows.
fn date_time(b: &[u8]) -> Option<&[u8]> {
    if b.len() < 19 || !date(&b[..10]) || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let t = &b[11..19];
    if t[2] != b':' || t[5] != b':' {
        return None;
    }
    let (h, m, sec) = (number(&t[0..2])?, number(&t[3..5])?, number(&t[6..8])?);
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let mut rest = &b[19..];
    if let [b'.', frac @ ..] = rest {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    Some(rest)
}

/// `YYYY-MM-DD` exactly (10 bytes).
fn date(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (number(&b[0..4]), number(&b[5..7]), number(&b[8..10])) else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The value of a run of ASCII digits (`None` if any byte is not a digit).
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}
