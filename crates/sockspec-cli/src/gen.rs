//! `sockspec gen`: the code and documents generated from a schema, written under a folder.

use std::path::Path;

use anyhow::Context;
use clap::ValueEnum;
use sockspec_codegen::GeneratedFile;

use crate::{Verdict, shown};

/// What `sockspec gen` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenTarget {
    /// A Python module with pydantic v2 models, parsers and serialisers (docs/python.md).
    Python,
    /// A TypeScript module: types, validating parsers and serialisers, no dependencies.
    Typescript,
}

/// The files a target generates for a checked schema; `source` names the schema file.
pub(crate) fn files(target: GenTarget, schema: &sockspec_model::Schema, source: &str) -> Vec<GeneratedFile> {
    match target {
        GenTarget::Python => sockspec_codegen::python::generate(schema, source),
        GenTarget::Typescript => sockspec_codegen::typescript::generate(schema, source),
    }
}

pub(crate) fn run(schema_path: &Path, target: GenTarget, out: &Path) -> anyhow::Result<Verdict> {
    let checked = crate::check::load(schema_path)?;
    crate::check::report(&checked);
    let Some(schema) = checked.schema else {
        eprintln!("{} has errors: nothing generated", shown(schema_path));
        return Ok(Verdict::Bad);
    };
    let source = source_name(schema_path);
    for file in files(target, &schema, &source) {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", shown(parent)))?;
        }
        std::fs::write(&path, &file.contents).with_context(|| format!("cannot write {}", shown(&path)))?;
        eprintln!("wrote {}", shown(&path));
    }
    Ok(Verdict::Clean)
}

/// The schema's file name as generated headers show it (never a machine's folders).
pub(crate) fn source_name(schema_path: &Path) -> String {
    if schema_path.as_os_str() == "-" {
        return "<stdin>".into();
    }
    schema_path.file_name().map_or_else(|| schema_path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
