//! `sockspec test --target jsonschema`: the vectors through the exported JSON Schema of
//! each side, with a real validator (the `jsonschema` crate), in process.
//!
//! A JSON Schema says valid or invalid; it gives neither DESIGN §4's paths nor its codes.
//! So for this target a vector agrees when the verdict agrees: a valid frame the schema
//! accepts, an invalid one it rejects, whatever the errors. The run says so.

use sockspec_model::{Direction, Schema};
use sockspec_validator::vectors::{Actual, Expect, Vector};
use sockspec_validator::{ErrorCode, ValidationError};

use super::Judge;

pub(crate) struct JsonSchema {
    client: ::jsonschema::Validator,
    server: ::jsonschema::Validator,
}

impl JsonSchema {
    pub(crate) fn new(schema: &Schema, source: &str) -> anyhow::Result<Self> {
        let build = |dir| {
            let doc = sockspec_codegen::jsonschema::document(schema, dir, source);
            ::jsonschema::options()
                .with_draft(::jsonschema::Draft::Draft202012)
                // `format` is an annotation in 2020-12; the documents spell every format
                // they check as a `pattern`.
                .should_validate_formats(false)
                .build(&doc)
                .map_err(|e| anyhow::anyhow!("the exported JSON Schema of the {} does not compile: {e}", dir.as_str()))
        };
        Ok(JsonSchema { client: build(Direction::Client)?, server: build(Direction::Server)? })
    }
}

impl Judge for JsonSchema {
    fn note(&self) -> Option<&'static str> {
        Some(
            "jsonschema: agreement on validity only (a JSON Schema gives no paths or codes); \
             see docs/jsonschema.md for what JSON Schema cannot express",
        )
    }

    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        Ok(vectors
            .iter()
            .map(|v| {
                let validator = match v.from {
                    Direction::Client => &self.client,
                    Direction::Server => &self.server,
                };
                // A frame serde_json cannot read (broken JSON, numbers it cannot hold) is
                // rejected before the schema sees it, as any JSON Schema user's would be.
                let valid = serde_json::from_str::<serde_json::Value>(&v.frame).is_ok_and(|x| validator.is_valid(&x));
                match (&v.expect, valid) {
                    // Agreement on the verdict stands for agreement: the expected outcome.
                    (Expect::Ok { is }, true) => Actual::Ok { is: is.clone().unwrap_or_default() },
                    (Expect::Errors(errors), false) => Actual::Errors(
                        errors
                            .iter()
                            .map(|e| ValidationError { path: e.path.clone(), code: e.code, message: String::new() })
                            .collect(),
                    ),
                    (_, true) => Actual::Ok { is: "(accepted by the JSON Schema)".into() },
                    (_, false) => Actual::Errors(vec![ValidationError {
                        path: String::new(),
                        code: ErrorCode::WrongType,
                        message: "rejected by the JSON Schema (which gives no path or code)".into(),
                    }]),
                }
            })
            .collect())
    }
}
