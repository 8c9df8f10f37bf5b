#![doc = include_str!("../README.md")]

mod decode;
#[doc(hidden)]
pub mod fast;
pub mod format;
pub mod json;

#[doc(hidden)]
pub mod __private;

pub use decode::{Answer, Answers, DecodeError, ErrorCode, IntLiteral, MAX_ERRORS, RawFrame, Request, ValidationError};

/// Includes the Rust module `sockspec-build` generated for a protocol into `OUT_DIR`:
/// `sockspec::include_protocol!("dictation");` where the schema is `dictation.sockspec`.
#[macro_export]
macro_rules! include_protocol {
    ($name:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
    };
}
