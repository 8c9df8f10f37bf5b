//! `sockspec validate` (JSON Lines frames) and `sockspec test` (vector files).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;
use sockspec_model::{Direction, Schema};
use std::io::{BufRead, IsTerminal, Read, Write};

use sockspec_validator::{ErrorCode, Outcome, ValidationError, Validator};

use crate::check::{load, report};
use crate::{Format, Side, Verdict, out, read_bytes};

/// Loads a schema, printing its diagnostics (also as JSON on stdout with `--format
/// json`, so a tool sees why nothing was validated); `None` when it has errors.
fn schema(path: &Path, format: Format) -> anyhow::Result<Option<Schema>> {
    let checked = load(path)?;
    report(&checked);
    if checked.schema.is_none() {
        if format == Format::Json {
            let diagnostics = sockspec_syntax::render_json(&checked.file, &checked.diagnostics);
            out(&format!("{}\n", serde_json::json!({ "schema_errors": diagnostics })))?;
        }
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
    let Some(schema) = schema(schema_path, format)? else { return Ok(Verdict::Bad) };
    if input.as_os_str() == "-" && std::io::stdin().is_terminal() {
        eprintln!("reading JSON Lines from standard input; end with Ctrl-D");
    }
    let validator = Validator::new(&schema);
    let sides: Vec<Direction> = match from {
        Some(Side::Client) => vec![Direction::Client],
        Some(Side::Server) => vec![Direction::Server],
        None => Direction::BOTH.to_vec(),
    };
    // Lines are read and answered one at a time, so a live stream (`device | sockspec
    // validate schema -`) gets each verdict as its line arrives.
    let source: Box<dyn Read> = if input.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(input).with_context(|| format!("cannot read {}", input.display()))?)
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, source);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        // Flush what is written before the next read may wait for input.
        if !reader.buffer().contains(&b'\n') {
            flush(&mut out)?;
        }
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf).with_context(|| format!("cannot read {}", input.display()))?;
        if read == 0 {
            break;
        }
        number += 1;
        let line = match std::str::from_utf8(&buf) {
            Ok(text) => Ok(text.trim_end_matches(['\n', '\r'])),
            Err(_) => Err(ValidationError {
                path: String::new(),
                code: ErrorCode::InvalidJson,
                message: "the line is not UTF-8 text, so it is not JSON".to_string(),
            }),
        };
        if line.as_ref().is_ok_and(|l| l.trim().is_empty()) {
            continue;
        }
        let outcomes: Vec<(Direction, Outcome)> = match &line {
            Ok(text) => sides.iter().map(|d| (*d, validator.validate(*d, text))).collect(),
            Err(e) => sides.iter().take(1).map(|d| (*d, Err(vec![e.clone()]))).collect(),
        };
        let report = line_report(&validator, number, &sides, &outcomes);
        if report.valid {
            valid += 1
        } else {
            invalid += 1
        }
        if !write_report(&mut out, &report, format)? {
            // The reader of our output went away (`| head`): stop quietly.
            return Ok(if invalid == 0 { Verdict::Clean } else { Verdict::Bad });
        }
    }
    flush(&mut out)?;
    drop(out);
    if format == Format::Human {
        eprintln!("{} line(s): {valid} valid, {invalid} invalid", valid + invalid);
    }
    Ok(if invalid == 0 { Verdict::Clean } else { Verdict::Bad })
}

fn line_report<'a>(
    validator: &'a Validator<'a>,
    line: usize,
    sides: &[Direction],
    outcomes: &'a [(Direction, Outcome)],
) -> LineReport<'a> {
    if let Some((dir, kind)) = outcomes.iter().find_map(|(d, o)| o.as_ref().ok().map(|k| (*d, *k))) {
        let both = outcomes.len() > 1 && outcomes.iter().all(|(_, o)| o.as_ref().ok() == Some(&kind));
        return LineReport {
            line,
            valid: true,
            from: Some(if both { "both" } else { dir.as_str() }),
            message: Some(validator.frame_name(kind)),
            errors: Vec::new(),
        };
    }
    // Errors that do not depend on the side (a frame that is not JSON) are listed once.
    let same = outcomes.windows(2).all(|w| w[0].1 == w[1].1);
    let outcomes = if same { &outcomes[..1] } else { outcomes };
    let labelled = outcomes.len() > 1;
    let errors = outcomes
        .iter()
        .filter_map(|(d, o)| o.as_ref().err().map(|errs| (*d, errs)))
        .flat_map(|(d, errs)| {
            errs.iter().map(move |e| DirectedError { from: labelled.then_some(d.as_str()), error: e })
        })
        .collect();
    let from = match (labelled, sides.len()) {
        (false, 1) => Some(sides[0].as_str()),
        _ => None,
    };
    LineReport { line, valid: false, from, message: None, errors }
}

fn flush(out: &mut impl Write) -> anyhow::Result<()> {
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Writes one line's verdict; `false` when the output is closed.
fn write_report(out: &mut impl Write, r: &LineReport<'_>, format: Format) -> anyhow::Result<bool> {
    match write_verdict(out, r, format) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn write_verdict(out: &mut impl Write, r: &LineReport<'_>, format: Format) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, r)?;
            writeln!(out)?;
        }
        Format::Human if r.valid => match r.from {
            Some("both") => {
                writeln!(out, "line {}: ok, {} (either side may send it)", r.line, r.message.unwrap_or("?"))?
            }
            from => {
                writeln!(out, "line {}: ok, {} from the {}", r.line, r.message.unwrap_or("?"), from.unwrap_or("?"))?
            }
        },
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
    let Some(schema) = schema(schema_path, Format::Human)? else { return Ok(Verdict::Bad) };
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
        let text = String::from_utf8(read_bytes(file)?).with_context(|| format!("{} is not UTF-8", file.display()))?;
        let cases = sockspec_validator::vectors::load(&text).with_context(|| format!("in {}", file.display()))?;
        if cases.is_empty() {
            bail!("{} holds no vectors", file.display());
        }
        // A vector that names a message the schema does not have is a mistake in the file,
        // not a failing case.
        for case in &cases {
            if let sockspec_validator::vectors::Expect::Ok { is: Some(is) } = &case.expect
                && !is.starts_with('@')
                && schema.message_named(is).is_none()
            {
                bail!("in {}: line {}: \"is\": {is:?} names no message of the schema", file.display(), case.line);
            }
        }
        let report = sockspec_validator::vectors::run(&validator, &cases);
        passed += report.total - report.failures.len();
        failed += report.failures.len();
        for failure in &report.failures {
            out(&format!("{}: {failure}\n", file.display()))?;
        }
    }
    out(&format!("{passed} passed, {failed} failed\n"))?;
    Ok(if failed == 0 { Verdict::Clean } else { Verdict::Bad })
}
