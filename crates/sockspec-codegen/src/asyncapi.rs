//! AsyncAPI 3.0.
use crate::GeneratedFile;
pub fn generate(_schema: &sockspec_model::Schema, _source: &str) -> Vec<GeneratedFile> {
    Vec::new()
}
