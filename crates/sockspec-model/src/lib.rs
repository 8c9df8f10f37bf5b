//! The resolved model of a sockspec schema, and the checks that build it.
//!
//! [`check`] parses and lowers a schema; the [`Schema`] it returns (when there are no
//! errors) is the one intermediate form every backend, the validator and the runtime read.
//! Whether the schema's own values (defaults, `@example`s) are valid is the validator's to
//! judge: tools call the whole check, `sockspec_validator::check`, which builds on
//! [`lower_source`].

mod display;
pub mod format;
mod invariants;
mod lower;
mod model;
pub mod names;
pub mod pattern;
mod recursion;
mod serial;
pub mod value;

pub use lower::{DefaultSite, Lowered, check, lower, lower_source};
pub use model::*;
pub use serial::{FORMAT_VERSION, ReadError};
/// Diagnostics and spans are plain data of the front end; readers of the model (the
/// validator's whole check) produce them without reading the syntax tree.
pub use sockspec_syntax::{Diagnostic, Severity, SourceFile, Span};
