//! The canonical layout (`sockspec fmt`). Placeholder until the formatter lands.

use crate::ast::File;

/// Prints a syntax tree in the canonical layout.
pub fn format(_file: &File) -> String {
    String::new()
}
