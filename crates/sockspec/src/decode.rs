//! What generated decoders return: the typed value, or every error of DESIGN §4 with its
//! JSON Pointer and code; the `Request` trait that ties a request to its reply, and the
//! `Answers` trait that reads a frame as the answer to one.

use std::fmt;

/// The most errors one frame reports, as the dynamic validator: beyond these, errors are
/// only counted ([`DecodeError::omitted`]), so memory stays bounded by the input.
pub const MAX_ERRORS: usize = 100;

/// The fixed set of error codes of DESIGN §4, with their wire spellings. The code and path
/// are the contract between implementations; messages may differ. The dynamic validator
/// uses this same type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidJson,
    UnknownTag,
    MissingField,
    WrongType,
    OutOfRange,
    UnknownValue,
    BadLength,
    PatternMismatch,
    UnknownField,
    BadFormat,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::InvalidJson,
        ErrorCode::UnknownTag,
        ErrorCode::MissingField,
        ErrorCode::WrongType,
        ErrorCode::OutOfRange,
        ErrorCode::UnknownValue,
        ErrorCode::BadLength,
        ErrorCode::PatternMismatch,
        ErrorCode::UnknownField,
        ErrorCode::BadFormat,
    ];

    /// The code with this wire spelling.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The wire spelling: `missing_field`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnknownTag => "unknown_tag",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::BadLength => "bad_length",
            ErrorCode::PatternMismatch => "pattern_mismatch",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::BadFormat => "bad_format",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in a frame: where (a JSON Pointer, `""` for the whole frame), what kind, and
/// a sentence for a person. The path and code are the contract between implementations.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationError {
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(frame)" } else { &self.path };
        write!(f, "{path}: {}: {}", self.code, self.message)
    }
}

/// Why a frame is not a valid message: every error found (at most [`MAX_ERRORS`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub errors: Vec<ValidationError>,
    /// How many more errors were found beyond those in `errors`.
    pub omitted: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        if self.omitted > 0 {
            write!(f, "; and {} more", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A request message and the type of what answers it, so a client can offer a typed
/// `call(request) -> Reply`.
pub trait Request {
    /// What answers the request: its reply message (or an enum of them), or its result.
    type Reply;
    /// The typed result its answers carry: the JSON-RPC result type, or the result type of
    /// a typed reply (`-> Success<StatusResult>`: `StatusResult`); an enum of them where
    /// typed replies carry different types; [`std::convert::Infallible`] where no answer
    /// carries one. What [`Answer::result`] holds.
    type Result;
}

/// A frame read as the answer to a request `R` it was sent for: the side's frames
/// (`ServerMessage` for a client's request) implement `Answers<R>` for every request of the
/// other side. The frame is read as the side's `decode` reads it (its errors are the
/// answer's), then checked as an answer, as the dynamic validator's `validate_answer`
/// checks it: a result frame's `result`, and a typed reply's content, against the
/// request's result type (errors under `/result`); a message that is no reply, stream or
/// end message of the request, a result frame for a request that declares no result type,
/// and a kept unknown frame are one `unknown_tag` error at `""`; an error frame answers
/// any request.
pub trait Answers<R: Request>: Sized {
    /// Reads and checks a frame's text as the answer to `R`.
    fn decode_answer(text: &str) -> Result<Answer<Self, R::Result>, DecodeError>;

    /// [`Answers::decode_answer`] for a frame's bytes (text that is not UTF-8 is not JSON).
    fn decode_answer_bytes(bytes: &[u8]) -> Result<Answer<Self, R::Result>, DecodeError> {
        Self::decode_answer(crate::__private::text(bytes)?)
    }
}

/// A frame that answers a request: the frame as the side's `decode` returns it, and the
/// typed result it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<M, T> {
    /// The frame's value, exactly as `decode` reads it (`ServerMessage::RpcResult(..)`,
    /// `ServerMessage::Success(..)`).
    pub message: M,
    /// The result, a value of the request's result type: a result frame's `result`, or a
    /// typed reply's content; `None` for an error frame and a reply that carries no typed
    /// result (or leaves its optional content out).
    pub result: Option<T>,
}

/// A frame that is no message of the schema but valid: a kept frame of an open tag set, or
/// a JSON-RPC result or error frame. Kept as JSON, so it can be passed on unchanged.
#[derive(Clone, Debug, PartialEq)]
pub struct RawFrame(pub serde_json::Value);

/// An integer exactly as the wire wrote it, of any size: what an open `enum X: int` keeps
/// of a value it does not know, so a value beyond `i128` still round-trips. Values that fit
/// in an `i128` are kept in their shortest spelling (`-0` is `0`), so two equal integers
/// are equal here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntLiteral(String);

impl IntLiteral {
    /// The integer of a JSON integer literal (`-?(0|[1-9][0-9]*)`); `None` for other text.
    pub fn parse(text: &str) -> Option<IntLiteral> {
        if !crate::format::is_decimal_integer(text) {
            return None;
        }
        Some(match text.parse::<i128>() {
            Ok(n) => IntLiteral::from(n),
            Err(_) => IntLiteral(text.to_string()),
        })
    }

    /// The decimal text, as written on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, when it fits in an `i128`.
    pub fn to_i128(&self) -> Option<i128> {
        self.0.parse().ok()
    }

    /// The value, or `i128::MIN` / `i128::MAX` beyond them.
    pub fn saturating_i128(&self) -> i128 {
        self.to_i128().unwrap_or(if self.0.starts_with('-') { i128::MIN } else { i128::MAX })
    }
}

impl From<i128> for IntLiteral {
    fn from(n: i128) -> IntLiteral {
        IntLiteral(n.to_string())
    }
}

impl fmt::Display for IntLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::IntLiteral;

    #[test]
    fn integer_literals_keep_their_value_at_any_size() {
        let big = "1234567890123456789012345678901234567890123";
        assert_eq!(IntLiteral::parse(big).map(|n| n.as_str().to_string()), Some(big.to_string()));
        assert_eq!(IntLiteral::parse(big).map(|n| n.saturating_i128()), Some(i128::MAX));
        assert_eq!(IntLiteral::parse(&format!("-{big}")).map(|n| n.saturating_i128()), Some(i128::MIN));
        assert_eq!(IntLiteral::parse("-0"), Some(IntLiteral::from(0)));
        assert_eq!(IntLiteral::parse("42").and_then(|n| n.to_i128()), Some(42));
        for text in ["01", "1.0", "1e2", "", "-", "+1"] {
            assert_eq!(IntLiteral::parse(text), None, "{text}");
        }
    }
}
