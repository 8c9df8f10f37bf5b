//! `sockspec validate` (JSON Lines frames) and `sockspec test` (vector files).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;
use sockspec_model::{Direction, Schema};
use sockspec_validator::{FrameKind, ValidationError, Validator};

use crate::check::{load, report};
use crate::{Format, Side, Verdict, read_input};

/// Loads a schema, printing its diagnostics; `None` when it has errors.
fn schema(path: &Path) -> anyhow::Result<Option<Schema>> {
    let checked = load(path)?;
    report(&checked);
    if checked.schema.is_none() {
        eprintln!("{}: the schema has errors; fix them first (`sockspec check`)", path.display());
    }
    Ok(checked.schema)
}

#[derive(Serialize)]
struct LineReport<'a> {
    line: usize,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<DirectedError<'a>>,
}

#[derive(Serialize)]
struct DirectedError<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'static str>,
    #[serde(flatten)]
    error: &'a ValidationError,
}

pub(crate) fn run(schema_path: &Path, input: &Path, from: Option<Side>, format: Format) -> anyhow::Result<Verdict> {
    let Some(schema) = schema(schema_path)? else { return Ok(Verdict::Bad) };
    let text = read_input(input)?;
    let validator = Validator::new(&schema);
    let sides: Vec<Direction> = match from {
        Some(Side::Client) => vec![Direction::Client],
        Some(Side::Server) => vec![Direction::Server],
        None => Direction::BOTH.to_vec(),
    };
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let outcomes: Vec<(Direction, Result<FrameKind, Vec<ValidationError>>)> =
            sides.iter().map(|d| (*d, validator.validate(*d, line))).collect();
        let accepted = outcomes.iter().find_map(|(d, o)| o.as_ref().ok().map(|k| (*d, *k)));
        let report = match accepted {
            Some((dir, kind)) => {
                valid += 1;
                LineReport {
                    line: index + 1,
                    valid: true,
                    from: Some(dir.as_str()),
                    message: Some(validator.frame_name(kind)),
                    errors: Vec::new(),
                }
            }
            None => {
                invalid += 1;
                let labelled = sides.len() > 1;
                let errors = outcomes
                    .iter()
                    .filter_map(|(d, o)| o.as_ref().err().map(|errs| (*d, errs)))
                    .flat_map(|(d, errs)| {
                        errs.iter().map(move |e| DirectedError { from: labelled.then_some(d.as_str()), error: e })
                    })
                    .collect();
                LineReport {
                    line: index + 1,
                    valid: false,
                    from: (!labelled).then(|| sides[0].as_str()),
                    message: None,
                    errors,
                }
            }
        };
        write_report(&mut out, &report, format)?;
    }
    drop(out);
    if format == Format::Human {
        eprintln!("{} line(s): {valid} valid, {invalid} invalid", valid + invalid);
    }
    Ok(if invalid == 0 { Verdict::Clean } else { Verdict::Bad })
}

fn write_report(out: &mut impl std::io::Write, r: &LineReport<'_>, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(r)?)?,
        Format::Human if r.valid => {
            writeln!(out, "line {}: ok, {} from the {}", r.line, r.message.unwrap_or("?"), r.from.unwrap_or("?"))?;
        }
        Format::Human => {
            match r.from {
                Some(side) => writeln!(out, "line {}: invalid from the {side}", r.line)?,
                None => writeln!(out, "line {}: invalid from either side", r.line)?,
            }
            for e in &r.errors {
                let path = if e.error.path.is_empty() { "\"\"" } else { e.error.path.as_str() };
                match e.from {
                    Some(side) => writeln!(out, "  {side}: {path}  {}  {}", e.error.code, e.error.message)?,
                    None => writeln!(out, "  {path}  {}  {}", e.error.code, e.error.message)?,
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn run_vectors(schema_path: &Path, vectors: &[PathBuf]) -> anyhow::Result<Verdict> {
    let Some(schema) = schema(schema_path)? else { return Ok(Verdict::Bad) };
    let files: Vec<PathBuf> = if vectors.is_empty() {
        let stem = schema_path.file_stem().context("the schema path has no file name")?;
        let beside = schema_path.with_file_name(format!("{}.vectors.jsonl", stem.to_string_lossy()));
        if !beside.exists() {
            bail!("no vector files given, and {} does not exist", beside.display());
        }
        vec![beside]
    } else {
        vectors.to_vec()
    };
    let validator = Validator::new(&schema);
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        let text = read_input(file)?;
        let cases = sockspec_validator::vectors::load(&text).with_context(|| format!("in {}", file.display()))?;
        let report = sockspec_validator::vectors::run(&validator, &cases);
        passed += report.total - report.failures.len();
        failed += report.failures.len();
        for failure in &report.failures {
            println!("{}: {failure}", file.display());
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { Verdict::Clean } else { Verdict::Bad })
}
