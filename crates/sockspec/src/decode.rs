//! What generated decoders return: the typed value, or every error of DESIGN §4 with its
//! JSON Pointer and code; and the `Request` trait that ties a request to its reply.

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
}

/// A frame that is no message of the schema but valid: a kept frame of an open tag set, or
/// a JSON-RPC result or error frame. Kept as JSON, so it can be passed on unchanged.
#[derive(Clone, Debug, PartialEq)]
pub struct RawFrame(pub serde_json::Value);
