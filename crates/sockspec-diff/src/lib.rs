//! Breaking-change detection: two versions of a protocol's resolved model in, every change
//! out, each classified (wire, source, compatible), told for each deployment order, and
//! pointed at in the new file. Reads only the model (docs/diff.md).

mod compare;
mod finding;
pub mod frames;
mod render;

pub use compare::diff;
pub use finding::{Breaks, Category, Finding, RULES, Report, Rule};
pub use render::{Format, render};
