//! The dynamic validator of sockspec frames: DESIGN §4 applied to a frame over the resolved
//! model, for `sockspec validate`, `mock` and `connect`; and the whole check of a schema
//! ([`check`], [`check_file`]), which judges the schema's own defaults and examples with
//! this same validator, for the CLI, the build helper and every tool.
//!
//! It is a separate implementation from the generated validators, and the reference they
//! are tested against: [`vectors`] holds frames with their expected outcome, and
//! [`vectors::run_with`] runs them through any implementation.
//!
//! ```no_run
//! # let schema: sockspec_model::Schema = todo!();
//! use sockspec_validator::{Direction, Validator};
//! let validator = Validator::new(&schema);
//! match validator.validate(Direction::Client, r#"{"type": "ping"}"#) {
//!     Ok(kind) => println!("a {}", validator.frame_name(kind)),
//!     Err(errors) => errors.iter().for_each(|e| println!("{e}")),
//! }
//! ```

mod check;
mod validate;
pub mod vectors;

pub use check::{check, check_file};
/// The strict JSON reader of the runtime's wire core, which every frame goes through.
pub use sockspec::json;
pub use sockspec_model::{Direction, format};
pub use validate::{
    ErrorCode, FrameKind, InvalidExample, MAX_ERRORS, MAX_QUOTED_CHARS, Outcome, ValidationError, Validator, validate,
};
