//! The writers' comparison of `sockspec test` with several targets that write (docs/vectors.md,
//! "The writers agree"): every target that writes is asked for the frame it writes back
//! for each valid frame, and those frames must be the same JSON value, member order and
//! the spelling of integers and fractions included. Where they differ at a value of a type
//! whose variants the schema's S0316 warning says the Python or TypeScript writer cannot
//! tell apart, the difference is known, and reported as such.

use std::borrow::Cow;

use sockspec_model::{MessageId, Schema, TypeId};
use sockspec_syntax::Diagnostic;
use sockspec_validator::json::{self, Value};
use sockspec_validator::vectors::Vector;
use sockspec_validator::{FrameKind, Validator};

/// Where two frames first differ, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Difference {
    /// The JSON Pointer of the first value that differs (`""`: the frames as a whole).
    pub path: String,
    pub what: String,
}

/// Compares two written frames as JSON values (read with the strict reader of json.md):
/// the same JSON types, objects with the same members in the same order, the same strings,
/// and numbers of the same exact decimal value written the same way, as an integer (no
/// fraction or exponent) or as a number with a fraction or exponent. So `1e21` and
/// `1e+21` agree, and `5` and `5.0` do not: sockspec's readers tell them apart (an integer
/// field refuses `5.0`, an untagged `u8 | f64` reads them as different variants). A zero's
/// sign counts (`-0.0` reads as another `f64` than `0.0`). `None`: they agree.
pub(crate) fn differ(a: &str, b: &str) -> Option<Difference> {
    match (json::parse(a), json::parse(b)) {
        (Ok(x), Ok(y)) => {
            let mut path = String::new();
            value(&x, &y, &mut path).map(|what| Difference { path, what })
        }
        (x, y) => (x.is_err() || y.is_err()).then(|| Difference {
            path: String::new(),
            what: format!(
                "{} not JSON",
                match (x.is_err(), y.is_err()) {
                    (true, true) => "neither is",
                    (true, false) => "the first is",
                    _ => "the second is",
                }
            ),
        }),
    }
}

fn value(a: &Value, b: &Value, path: &mut String) -> Option<String> {
    match (a, b) {
        (Value::Null, Value::Null) => None,
        (Value::Bool(x), Value::Bool(y)) if x == y => None,
        (Value::String(x), Value::String(y)) if x == y => None,
        (Value::Number(x), Value::Number(y)) => (x.is_integer() != y.is_integer()
            || decimal(x.raw()) != decimal(y.raw()))
        .then(|| format!("{} against {}", x.raw(), y.raw())),
        (Value::Array(x), Value::Array(y)) => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                if let Some(what) = value(p, q, path) {
                    return Some(what);
                }
                path.truncate(len);
            }
            (x.len() != y.len()).then(|| format!("{} items against {}", x.len(), y.len()))
        }
        (Value::Object(x), Value::Object(y)) => {
            for (i, ((k, p), (l, q))) in x.iter().zip(y).enumerate() {
                if k != l {
                    return Some(format!("member {} is {k:?} against {l:?}", i + 1));
                }
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                if let Some(what) = value(p, q, path) {
                    return Some(what);
                }
                path.truncate(len);
            }
            (x.len() != y.len()).then(|| {
                let names =
                    |m: &[(Cow<str>, Value)]| m.iter().map(|(k, _)| format!("{k:?}")).collect::<Vec<_>>().join(", ");
                format!("members {} against {}", names(x), names(y))
            })
        }
        _ => Some(format!("{} against {}", shown(a), shown(b))),
    }
}

fn shown(v: &Value) -> String {
    let text = match v {
        Value::Number(n) => n.raw().to_string(),
        _ => v.to_serde().to_string(),
    };
    if text.chars().count() > 60 { format!("{}...", text.chars().take(60).collect::<String>()) } else { text }
}

/// A JSON number's exact decimal value: its sign, its significant digits (no leading or
/// trailing zeros; empty for zero) and the power of ten of the last one. A number whose
/// exponent does not fit is kept as its text.
fn decimal(raw: &str) -> Result<(bool, String, i64), &str> {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].trim_start_matches('+').parse::<i64>().map_err(|_| raw)?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    let shift = i64::try_from(digits.len() - significant.len()).map_err(|_| raw)?;
    let places = i64::try_from(fraction.len()).map_err(|_| raw)?;
    let power = exponent.checked_sub(places).and_then(|p| p.checked_add(shift)).ok_or(raw)?;
    Ok(if significant.is_empty() { (negative, String::new(), 0) } else { (negative, significant.to_string(), power) })
}

/// The declarations of a schema that hold a variant its S0316 warnings name: the types
/// (a union, an alias of one, a struct with an inline union) and the messages (an inline
/// union in a message's own fields).
pub(crate) struct Confused {
    types: Vec<TypeId>,
    messages: Vec<MessageId>,
}

impl Confused {
    /// From the schema's text (`source`) and its diagnostics: the declarations whose text
    /// holds an S0316 warning's variant.
    pub(crate) fn new(schema: &Schema, source: &str, diagnostics: &[Diagnostic]) -> Confused {
        let spans: Vec<_> = diagnostics.iter().filter(|d| d.code == "S0316").map(|d| d.primary.span).collect();
        let mut confused = Confused { types: Vec::new(), messages: Vec::new() };
        if spans.is_empty() {
            return confused;
        }
        let (file, _) = sockspec_syntax::parse(source);
        for item in &file.items {
            let Some(name) = item.name() else { continue };
            if !spans.iter().any(|s| item.span.start <= s.start && s.end <= item.span.end) {
                continue;
            }
            // The model's declarations point at their names.
            confused.types.extend(
                (0..schema.types.len()).filter(|&i| schema.types[i].meta.span == name.span).map(|i| TypeId(i as u32)),
            );
            confused.messages.extend(
                (0..schema.messages.len())
                    .filter(|&i| schema.messages[i].meta.span == name.span)
                    .map(|i| MessageId(i as u32)),
            );
        }
        confused
    }

    /// Whether the schema warns S0316 at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.types.is_empty() && self.messages.is_empty()
    }

    /// The S0316-warned declaration that explains a difference at `path` between two
    /// frames written for `vector`'s value: one that both frames, read by the dynamic
    /// validator, hold a value of at `path` or above it (or the message of both, where
    /// the warning is in a message's own fields). `None`: the difference is not known.
    pub(crate) fn explains(
        &self,
        validator: &Validator<'_>,
        vector: &Vector,
        path: &str,
        frames: [&str; 2],
    ) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let schema = validator.schema();
        let answers = vector.answers.as_deref().and_then(|name| schema.message_named(name));
        let mut common: Option<Vec<String>> = None;
        for frame in frames {
            let mut here = Vec::new();
            if let Ok(FrameKind::Message(id)) = validator.validate(vector.from, frame)
                && self.messages.contains(&id)
            {
                here.push(format!("message {}", schema.messages[id.0 as usize].name));
            }
            for (at, id) in validator.read_types(vector.from, frame, answers).unwrap_or_default() {
                let above = path == at || path.strip_prefix(at.as_str()).is_some_and(|rest| rest.starts_with('/'));
                if above && self.types.contains(&id) {
                    here.push(format!("`{}`", schema.types[id.0 as usize].name));
                }
            }
            common = Some(match common {
                None => here,
                Some(before) => before.into_iter().filter(|c| here.contains(c)).collect(),
            });
        }
        common.and_then(|c| c.into_iter().next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_agree_as_values_with_members_in_order_and_numbers_spelled_alike() {
        assert_eq!(differ(r#"{"a":1,"b":[1e21,"x"]}"#, r#"{ "a": 1, "b": [1E+21, "\u0078"] }"#), None);
        assert_eq!(differ("[0.5, 10, 1.50, -0.0, 100e-2]", "[5e-1, 10, 1.5, -0e0, 1.0]"), None);
        let at = |a: &str, b: &str| differ(a, b).map(|d| (d.path, d.what));
        assert_eq!(at(r#"{"w":[1,"7"]}"#, r#"{"w":[1,7]}"#), Some(("/w/1".into(), r#""7" against 7"#.into())));
        assert_eq!(at(r#"{"x":5}"#, r#"{"x":5.0}"#), Some(("/x".into(), "5 against 5.0".into())));
        assert_eq!(at("[0.0]", "[-0.0]"), Some(("/0".into(), "0.0 against -0.0".into())));
        assert_eq!(at("[1.5]", "[1.25]"), Some(("/0".into(), "1.5 against 1.25".into())));
        assert_eq!(
            at(r#"{"a":1,"b":2}"#, r#"{"b":2,"a":1}"#),
            Some(("".into(), r#"member 1 is "a" against "b""#.into()))
        );
        assert_eq!(at(r#"{"a/b":{"c":1}}"#, r#"{"a/b":{}}"#), Some(("/a~1b".into(), r#"members "c" against "#.into())));
        assert_eq!(at("[1,2]", "[1]"), Some(("".into(), "2 items against 1".into())));
        assert_eq!(at("[1]", "[1"), Some(("".into(), "the second is not JSON".into())));
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal("1.2300e2"), Ok((false, "123".into(), 0)));
        assert_eq!(decimal("-0.00"), Ok((true, String::new(), 0)));
        assert_eq!(decimal("120"), Ok((false, "12".into(), 1)));
        assert_ne!(decimal("0.1"), decimal("0.10000000000000001"));
        assert_eq!(decimal("1e99999999999999999999"), Err("1e99999999999999999999"));
    }

    /// A difference is known where both frames hold a value of a type that S0316 warns
    /// about, at the difference or above it, and nowhere else.
    #[test]
    fn only_a_difference_inside_a_warned_type_is_known() {
        let src = "protocol p {}\n@untagged(ordered)\nunion Width = u8 | (u32 @as(string))\n\
                   client message M { w: [Width], n?: u32 | string }";
        let (schema, diagnostics) = sockspec_validator::check(src);
        let schema = schema.expect("a schema");
        assert!(diagnostics.iter().any(|d| d.code == "S0316"), "{diagnostics:?}");
        let confused = Confused::new(&schema, src, &diagnostics);
        let validator = Validator::new(&schema);
        let vector =
            sockspec_validator::vectors::load(r#"{"name": "a", "from": "client", "raw": "{}", "expect": "ok"}"#)
                .expect("a vector")
                .remove(0);
        let a = r#"{"type":"m","w":[1,"7"],"n":5}"#;
        let b = r#"{"type":"m","w":[1,7],"n":"5"}"#;
        assert_eq!(confused.explains(&validator, &vector, "/w/1", [a, b]), Some("`Width`".into()));
        assert_eq!(confused.explains(&validator, &vector, "/n", [a, b]), None);
        // An invalid frame holds no value of any type.
        assert_eq!(confused.explains(&validator, &vector, "/w/1", [a, r#"{"type":"m","w":[1,true]}"#]), None);
    }
}
