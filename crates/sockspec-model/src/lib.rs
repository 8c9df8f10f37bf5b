//! The resolved model of a sockspec schema, and the checks that build it.
//!
//! [`check`] parses and lowers a schema; the [`Schema`] it returns (when there are no
//! errors) is the one intermediate form every backend, the validator and the runtime read.

pub mod format;
mod lower;
mod model;
pub mod names;
mod recursion;
mod serial;
pub mod value;

pub use lower::{check, lower};
pub use model::*;
pub use serial::{FORMAT_VERSION, ReadError};
