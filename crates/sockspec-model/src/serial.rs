//! The model's serialized form: its format version, and reading a model written by a tool.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Number, Schema};

/// The version of the model's JSON form. It changes whenever a reader of the old form could
/// misread the new one (a member renamed, removed, or given another meaning); members that
/// old readers may ignore are added without a change. [`Schema::from_json`] reads only this
/// version.
pub const FORMAT_VERSION: u32 = 1;

/// Why a serialized model could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The text is not JSON, or not a model of this format version's shape.
    Invalid(serde_json::Error),
    /// The model has no `format_version` member: it is not a serialized sockspec model.
    NoVersion,
    /// The model was written in another format version; regenerate it with this version
    /// of sockspec, or read it with the version that wrote it.
    Version { found: u64, supported: u32 },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Invalid(e) => write!(f, "not a sockspec model: {e}"),
            ReadError::NoVersion => write!(f, "not a sockspec model: it has no `format_version` member"),
            ReadError::Version { found, supported } => write!(
                f,
                "the model is in format version {found}, but this sockspec reads only version {supported}; \
                 write it again with this version of sockspec"
            ),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl Schema {
    /// The model as pretty JSON, with its `format_version`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the model holds only JSON-representable data")
    }

    /// Reads a model written by [`Schema::to_json`], refusing other format versions with
    /// [`ReadError::Version`] before looking at anything else.
    pub fn from_json(text: &str) -> Result<Schema, ReadError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(ReadError::Invalid)?;
        let found = match value.get("format_version") {
            Some(v) => v.as_u64().ok_or(ReadError::NoVersion)?,
            None => return Err(ReadError::NoVersion),
        };
        if found != u64::from(FORMAT_VERSION) {
            return Err(ReadError::Version { found, supported: FORMAT_VERSION });
        }
        serde_json::from_value(value).map_err(ReadError::Invalid)
    }
}

/// A member that is present is `Some`, even when it is `null` (`Option`'s own reading
/// makes a `null` default `None`).
pub(crate) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// Spans as `"start..end"` (byte offsets), one short line in the JSON form.
pub(crate) mod span {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use sockspec_syntax::Span;

    pub fn serialize<S: Serializer>(span: &Span, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}..{}", span.start, span.end))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        let text = String::deserialize(d)?;
        let parsed =
            text.split_once("..").and_then(|(a, b)| Some(Span { start: a.parse().ok()?, end: b.parse().ok()? }));
        parsed.ok_or_else(|| D::Error::custom(format!("expected a span \"start..end\", found {text:?}")))
    }
}

/// Integers that JSON readers hold exactly (within `i64`/`u64`) are numbers; wider ones
/// (an `i128` range bound) are decimal strings, since JSON readers would round them.
impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Number::Int(i) => {
                if let Ok(v) = i64::try_from(i) {
                    s.serialize_i64(v)
                } else if let Ok(v) = u64::try_from(i) {
                    s.serialize_u64(v)
                } else {
                    s.collect_str(&i)
                }
            }
            Number::Float(f) => s.serialize_f64(f),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, or an integer as a decimal string")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Int(i128::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number::Int(i128::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Number, E> {
                v.parse::<i128>().map(Number::Int).map_err(|_| E::custom(format!("not an integer: {v:?}")))
            }
        }
        d.deserialize_any(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_integers_survive_a_round_trip() {
        for n in [Number::Int(-3), Number::Int(u64::MAX.into()), Number::Int(1 << 100), Number::Float(0.5)] {
            let text = serde_json::to_string(&n).expect("serializes");
            let back: Number = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back, n, "{text}");
        }
        assert_eq!(serde_json::to_string(&Number::Int(1 << 100)).expect("ok"), "\"1267650600228229401496703205376\"");
    }

    #[test]
    fn another_format_version_is_refused_clearly() {
        let err = Schema::from_json(r#"{"format_version": 999, "protocol": {}}"#).expect_err("refused");
        assert!(matches!(err, ReadError::Version { found: 999, supported: FORMAT_VERSION }), "{err:?}");
        assert!(err.to_string().contains("format version 999"), "{err}");
        let err = Schema::from_json(r#"{"protocol": {}}"#).expect_err("refused");
        assert!(matches!(err, ReadError::NoVersion), "{err:?}");
        let err = Schema::from_json("[1,").expect_err("refused");
        assert!(matches!(err, ReadError::Invalid(_)), "{err:?}");
    }
}
