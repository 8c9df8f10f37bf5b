//! The string formats of DESIGN §4: uuid, RFC 3339 and local date-times, dates, base64 and
//! decimal integer strings, each checked exactly as every generated validator must.
//!
//! They are part of the language's definition, so they live beside the model: the validator
//! checks frames with them (and, in the whole check, the schema's defaults and examples),
//! and generators will spell the same rules in each language.

use crate::model::BytesEncoding;
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

/// Decodes base64 strictly (no whitespace, canonical padding, no stray bits) and returns
/// the number of decoded bytes. [`BytesEncoding::Base64`] is RFC 4648 §4 with padding;
/// [`BytesEncoding::Base64Url`] is §5's alphabet without padding.
pub fn base64_len(s: &str, encoding: BytesEncoding) -> Option<usize> {
    let engine = match encoding {
        BytesEncoding::Base64 => &STANDARD,
        BytesEncoding::Base64Url => &URL_SAFE_NO_PAD,
    };
    engine.decode(s).ok().map(|bytes| bytes.len())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
        assert!(is_uuid("00000000-0000-0000-0000-000000000000"));
        assert!(is_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        for bad in [
            "",
            "123e4567e89b12d3a456426614174000",
            "{123e4567-e89b-12d3-a456-426614174000}",
            "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
            "123e4567-e89b-12d3-a456-42661417400",
            "123e4567-e89b-12d3-a456-4266141740000",
            "123e4567-e89b-12d3-a456_426614174000",
            "123e4567-e89b-12d3-a4564-26614174000",
            "g23e4567-e89b-12d3-a456-426614174000",
            " 123e4567-e89b-12d3-a456-42661417400",
            "123e4567-e89b-12d3-a456-42661417400é",
        ] {
            assert!(!is_uuid(bad), "{bad:?}");
        }
    }

    #[test]
    fn rfc3339() {
        for good in [
            "2024-05-01T12:00:00Z",
            "2024-05-01t12:00:00z",
            "2024-05-01T12:00:00.5Z",
            "2024-05-01T12:00:00.123456789012+02:00",
            "2024-05-01T23:59:59-23:59",
            "2024-02-29T00:00:00+00:00",
            "2000-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2024-05-01T12:00:00-00:00",
        ] {
            assert!(is_rfc3339(good), "{good:?}");
        }
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-05-01 12:00:00Z",
            "2024-05-01T12:00Z",
            "2024-05-01T12:00:60Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:60:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00,5Z",
            "2024-05-01T12:00:00+2:00",
            "2024-05-01T12:00:00+0200",
            "2024-05-01T12:00:00+24:00",
            "2024-05-01T12:00:00+02:60",
            "2024-05-01T12:00:00+02",
            "2024-05-01T12:00:00ZZ",
            "2024-05-01T12:00:00Z ",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "24-05-01T12:00:00Z",
            "+2024-05-01T12:00:00Z",
            "2024-5-01T12:00:00Z",
            "2024-05-01T1:00:00Z",
            "２０２４-05-01T12:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad:?}");
        }
    }

    #[test]
    fn local_datetime() {
        assert!(is_local_datetime("2024-05-01T12:00:00"));
        assert!(is_local_datetime("2024-05-01t12:00:00.123"));
        assert!(is_local_datetime("2024-02-29T23:59:59"));
        for bad in [
            "2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00+02:00",
            "2024-05-01T12:00:00.",
            "2024-05-01T12:00",
            "2024-05-01 12:00:00",
            "2023-02-29T12:00:00",
            "2024-05-01T12:00:60",
            "2024-05-01",
        ] {
            assert!(!is_local_datetime(bad), "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(is_date("2023-12-31"));
        assert!(is_date("0001-01-01"));
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2024-06-31",
            "2024-1-01",
            "2024-01-01T00:00:00Z",
            "20240101",
            "2024/01/01",
            "",
        ] {
            assert!(!is_date(bad), "{bad:?}");
        }
    }

    #[test]
    fn base64_standard() {
        let b64 = BytesEncoding::Base64;
        assert_eq!(base64_len("", b64), Some(0));
        assert_eq!(base64_len("aGk=", b64), Some(2));
        assert_eq!(base64_len("aGVsbG8=", b64), Some(5));
        assert_eq!(base64_len("+/+/", b64), Some(3));
        assert_eq!(base64_len("aGk", b64), None, "padding is required");
        assert_eq!(base64_len("aGk==", b64), None);
        assert_eq!(base64_len("aGl=", b64), None, "non-zero trailing bits");
        assert_eq!(base64_len("aG k=", b64), None);
        assert_eq!(base64_len("aGk=\n", b64), None);
        assert_eq!(base64_len("-_-_", b64), None, "URL-safe alphabet");
        assert_eq!(base64_len("a", b64), None);
    }

    #[test]
    fn base64_url() {
        let url = BytesEncoding::Base64Url;
        assert_eq!(base64_len("", url), Some(0));
        assert_eq!(base64_len("aGk", url), Some(2));
        assert_eq!(base64_len("-_-_", url), Some(3));
        assert_eq!(base64_len("aGk=", url), None, "no padding");
        assert_eq!(base64_len("+/+/", url), None, "standard alphabet");
        assert_eq!(base64_len("aGl", url), None, "non-zero trailing bits");
    }

    #[test]
    fn decimal_integers() {
        for good in ["0", "-0", "7", "-7", "18446744073709551615", "123456789012345678901234567890"] {
            assert!(is_decimal_integer(good), "{good:?}");
        }
        for bad in ["", "-", "+1", "01", "-01", "1.0", "1e3", " 1", "1 ", "0x1", "١"] {
            assert!(!is_decimal_integer(bad), "{bad:?}");
        }
    }
}
