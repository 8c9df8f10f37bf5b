//! `sockspec gen`: the files of one target, generated from a schema that checks cleanly;
//! and `sockspec docs`, the HTML reference page written beside the schema.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use sockspec_codegen::GeneratedFile;
use sockspec_model::Schema;

use crate::{Verdict, shown};

/// What `sockspec gen --target` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenTarget {
    /// One Rust module per protocol (docs/rust.md); depends on the `sockspec` crate only.
    Rust,
    /// A Python module with pydantic v2 models, parsers and serialisers (docs/python.md).
    Python,
    /// A TypeScript module: types, validating parsers and serialisers, no dependencies
    /// (docs/typescript.md).
    Typescript,
    /// JSON Schema 2020-12: `<protocol>.client.schema.json` and `<protocol>.server.schema.json`.
    Jsonschema,
    /// AsyncAPI 3.0: `<protocol>.asyncapi.json`.
    Asyncapi,
    /// The HTML reference page: `<protocol>.html`, self-contained.
    Docs,
}

fn generate(target: GenTarget, schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    match target {
        GenTarget::Rust => sockspec_codegen::rust::generate(schema, source),
        GenTarget::Python => sockspec_codegen::python::generate(schema, source),
        GenTarget::Typescript => sockspec_codegen::typescript::generate(schema, source),
        GenTarget::Jsonschema => sockspec_codegen::jsonschema::generate(schema, source),
        GenTarget::Asyncapi => sockspec_codegen::asyncapi::generate(schema, source),
        GenTarget::Docs => sockspec_codegen::docs::generate(schema, source),
    }
}

/// The schema, checked with the whole check; `None` (diagnostics printed) when it has errors.
fn load(schema_path: &Path) -> anyhow::Result<Option<(Schema, String)>> {
    let checked = crate::check::load(schema_path)?;
    crate::check::report(&checked);
    Ok(checked.schema.map(|s| (s, source_name(schema_path))))
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", shown(parent)))?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", shown(path)))?;
    eprintln!("wrote {}", shown(path));
    Ok(())
}

pub(crate) fn run(schema_path: &Path, target: GenTarget, out: &Path) -> anyhow::Result<Verdict> {
    let Some((schema, source)) = load(schema_path)? else { return Ok(Verdict::Bad) };
    for file in generate(target, &schema, &source) {
        write(&out.join(&file.path), &file.contents)?;
    }
    Ok(Verdict::Clean)
}

/// `sockspec docs`: `<schema name>.html` beside the schema, optionally opened in a browser.
pub(crate) fn docs(schema_path: &Path, open: bool) -> anyhow::Result<Verdict> {
    let Some((schema, source)) = load(schema_path)? else { return Ok(Verdict::Bad) };
    let page = sockspec_codegen::docs::page(&schema, &source);
    let path: PathBuf = schema_path.with_extension("html");
    write(&path, &page)?;
    if open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        match std::process::Command::new(opener).arg(&path).status() {
            Ok(status) if status.success() => {}
            _ => eprintln!("warning: could not open {} with `{opener}`; open it in a browser", shown(&path)),
        }
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
