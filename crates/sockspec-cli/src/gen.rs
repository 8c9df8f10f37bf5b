//! `sockspec gen`: code generated from a schema, written under an output folder.

use std::path::Path;

use anyhow::Context;
use clap::ValueEnum;

use crate::{Verdict, shown};

/// What `sockspec gen` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenTarget {
    /// A Python module with pydantic v2 models, parsers and serialisers (docs/python.md).
    Python,
}

pub(crate) fn run(schema_path: &Path, target: GenTarget, out_dir: &Path) -> anyhow::Result<Verdict> {
    let checked = crate::check::load(schema_path)?;
    crate::check::report(&checked);
    let Some(schema) = &checked.schema else { return Ok(Verdict::Bad) };
    let source = source_name(schema_path);
    let files = match target {
        GenTarget::Python => sockspec_codegen::python::generate(schema, &source),
    };
    for file in files {
        let path = out_dir.join(&file.path);
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
