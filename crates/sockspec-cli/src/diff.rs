//! `sockspec diff OLD NEW`: every change between two versions of a protocol, classified and
//! told per deployment order (docs/diff.md). OLD and NEW are files or `git:REV:PATH`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use clap::ValueEnum;
use sockspec_model::{Schema, SourceFile};
use sockspec_syntax::render_human;

use crate::{Verdict, out, read_bytes, shown};

/// `--format` of `sockspec diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// For people, to stdout.
    Human,
    /// One JSON object, for tools.
    Json,
    /// GitHub Actions workflow commands: an annotation per finding on the new file.
    Github,
    /// A Markdown summary for a pull-request comment.
    Markdown,
}

/// `--fail-on`: the categories that fail the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Wire-breaking changes.
    Wire,
    /// Source-breaking changes (generated code stops compiling or changes meaning).
    Source,
}

/// The prefix of a schema read from git: `git:REV:PATH`.
const GIT_PREFIX: &str = "git:";

/// Reads a schema version: a file, `-`, or `git:REV:PATH` through the user's `git show`.
fn read(spec: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let text = spec.to_string_lossy();
    let Some(rest) = text.strip_prefix(GIT_PREFIX) else {
        let name = if spec.as_os_str() == "-" { "<stdin>".to_string() } else { spec.display().to_string() };
        return Ok((name, read_bytes(spec)?));
    };
    let Some((rev, path)) = rest.split_once(':') else {
        bail!("{} is not of the form git:REV:PATH (for example git:main:protocol.sockspec)", shown(spec));
    };
    if rev.is_empty() || path.is_empty() {
        bail!("{} is not of the form git:REV:PATH (for example git:main:protocol.sockspec)", shown(spec));
    }
    let output = std::process::Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .context("cannot run git: is it installed and on PATH?")?;
    if !output.status.success() {
        bail!(
            "git show {rev}:{path} failed: {}",
            sockspec_syntax::escape(String::from_utf8_lossy(&output.stderr).trim())
        );
    }
    Ok((format!("{rev}:{path}"), output.stdout))
}

/// Reads and checks one version with the whole check; a schema with errors cannot be
/// compared, which is a failure of the comparison (exit 2), not a finding. An old version
/// may also be a serialized model (`.json`, as `Schema::to_json` writes it, for example
/// kept from a release), read in this sockspec's format version only.
fn load(spec: &Path, model_allowed: bool) -> anyhow::Result<(SourceFile, Schema)> {
    let (name, bytes) = read(spec)?;
    if name.ends_with(".json") {
        if !model_allowed {
            bail!("{} is a model: the new version must be a schema, so findings can point into it", shown(spec));
        }
        let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", shown(spec)))?;
        let schema = Schema::from_json(&text).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", shown(spec)))?;
        if let Err(breaches) = schema.check_invariants() {
            bail!("{} is not a consistent model: {}", shown(spec), breaches.join("; "));
        }
        return Ok((SourceFile::new(name, String::new()), schema));
    }
    let (file, schema, diagnostics) = sockspec_validator::check_file(name, &bytes);
    match schema {
        Some(schema) => Ok((file, schema)),
        None => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", render_human(&file, &diagnostics, color));
            bail!("{} has errors, so it cannot be compared", sockspec_syntax::escape(&file.name))
        }
    }
}

pub(crate) fn run(old: &Path, new: &Path, format: DiffFormat, fail_on: &[FailOn]) -> anyhow::Result<Verdict> {
    let (_, old_schema) = load(old, true)?;
    let (new_file, new_schema) = load(new, false)?;
    let report = sockspec_diff::diff(&old_schema, &new_schema);
    let wire = fail_on.contains(&FailOn::Wire);
    let source = fail_on.contains(&FailOn::Source);
    let format = match format {
        DiffFormat::Human => sockspec_diff::Format::Human,
        DiffFormat::Json => sockspec_diff::Format::Json,
        DiffFormat::Github => sockspec_diff::Format::Github,
        DiffFormat::Markdown => sockspec_diff::Format::Markdown,
    };
    let text = sockspec_diff::render(&report, format, &new_file, wire, source);
    // Names and messages quote the schema: escape what a terminal would act on.
    // Line by line, so the line breaks of the report stay.
    let text = if format == sockspec_diff::Format::Json {
        text
    } else {
        text.split_inclusive('\n').map(|l| format!("{}\n", sockspec_syntax::escape(l.trim_end_matches('\n')))).collect()
    };
    out(&text)?;
    Ok(if report.fails(wire, source) { Verdict::Bad } else { Verdict::Clean })
}
