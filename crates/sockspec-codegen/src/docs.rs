//! The HTML reference page.
use crate::GeneratedFile;
pub fn generate(_schema: &sockspec_model::Schema, _source: &str) -> Vec<GeneratedFile> {
    Vec::new()
}
pub fn page(_schema: &sockspec_model::Schema, _source: &str) -> String {
    String::new()
}
