//! `sockspec gen`: the code (or documents) of one target for a schema, written under a
//! folder. The schema is checked whole first; one with errors generates nothing.

use std::path::Path;

use anyhow::Context;
use clap::ValueEnum;

use crate::{Verdict, shown};

/// What `sockspec gen --target` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenTarget {
    /// One Rust module per protocol (docs/rust.md); depends on the `sockspec` crate only.
    Rust,
}

pub(crate) fn run(schema_path: &Path, target: GenTarget, out_dir: &Path) -> anyhow::Result<Verdict> {
    let checked = crate::check::load(schema_path)?;
    crate::check::report(&checked);
    let Some(schema) = checked.schema else { return Ok(Verdict::Bad) };
    let source = schema_path.file_name().map_or_else(|| "<stdin>".to_string(), |n| n.to_string_lossy().into_owned());
    let files = match target {
        GenTarget::Rust => sockspec_codegen::rust::generate(&schema, &source),
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
