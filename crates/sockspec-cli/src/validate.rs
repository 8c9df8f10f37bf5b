//! `sockspec validate` (JSON Lines frames) and `sockspec test` (vector files).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;
use sockspec_model::{Direction, Schema};
use std::io::{BufRead, IsTerminal, Read, Write};

use sockspec_validator::{ErrorCode, Outcome, ValidationError, Validator};

use crate::check::{load, report};
use crate::judge::{self, Target};
use crate::{Format, Side, Verdict, out, read_bytes, shown};
use sockspec_syntax::{escape, escape_multiline};

/// Loads a schema, printing its diagnostics (also as JSON on stdout with `--format
/// json`, so a tool sees why nothing was validated); `None` when it has errors.
fn schema(path: &Path, format: Format) -> anyhow::Result<Option<Schema>> {
    Ok(checked_schema(path, format)?.schema)
}

/// [`schema`], with the schema's diagnostics (its warnings, when it has a schema).
fn checked_schema(path: &Path, format: Format) -> anyhow::Result<crate::check::Checked> {
    let checked = load(path)?;
    report(&checked);
    if checked.schema.is_none() {
        if format == Format::Json {
            let diagnostics = sockspec_syntax::render_json(&checked.file, &checked.diagnostics);
            out(&format!("{}\n", serde_json::json!({ "schema_errors": diagnostics })))?;
        }
        eprintln!("{}: the schema has errors; fix them first (`sockspec check`)", shown(path));
    }
    Ok(checked)
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
    /// Errors found beyond the first `MAX_ERRORS` of a frame (of each side), not listed.
    #[serde(skip_serializing_if = "is_zero")]
    more_errors: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The longest frame read when neither `--max-frame-bytes` nor the schema says.
const DEFAULT_MAX_FRAME_BYTES: u64 = 16 << 20;

#[derive(Serialize)]
struct DirectedError<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'static str>,
    #[serde(flatten)]
    error: &'a ValidationError,
}

pub(crate) fn run(
    schema_path: &Path,
    input: &Path,
    from: Option<Side>,
    format: Format,
    max_frame_bytes: Option<u64>,
) -> anyhow::Result<Verdict> {
    let Some(schema) = schema(schema_path, format)? else { return Ok(Verdict::Bad) };
    let max_frame = max_frame_bytes.or(schema.protocol.connection.max_frame_bytes).unwrap_or(DEFAULT_MAX_FRAME_BYTES);
    let max_frame = usize::try_from(max_frame).unwrap_or(usize::MAX);
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
        Box::new(std::fs::File::open(input).with_context(|| format!("cannot read {}", shown(input)))?)
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
        let Some(length) =
            read_frame(&mut reader, &mut buf, max_frame).with_context(|| format!("cannot read {}", shown(input)))?
        else {
            break;
        };
        number += 1;
        let line = match length {
            FrameLength::Over(bytes) => Err(ValidationError {
                path: String::new(),
                code: ErrorCode::BadLength,
                message: format!(
                    "the frame is {bytes} bytes, more than the {max_frame} this reads (`--max-frame-bytes`, or the schema's `max_frame_bytes`)"
                ),
            }),
            FrameLength::Within => match std::str::from_utf8(&buf) {
                Ok(text) => Ok(text),
                Err(_) => Err(ValidationError {
                    path: String::new(),
                    code: ErrorCode::InvalidJson,
                    message: "the line is not UTF-8 text, so it is not JSON".to_string(),
                }),
            },
        };
        // Only JSON's whitespace makes a line blank: a line of form feeds or no-break
        // spaces is a frame, and not JSON.
        if line.as_ref().is_ok_and(|l| l.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))) {
            continue;
        }
        let (outcomes, omitted): (Vec<(Direction, Outcome)>, Vec<usize>) = match &line {
            Ok(text) => sides
                .iter()
                .map(|d| {
                    let (outcome, omitted) = validator.validate_capped(*d, text);
                    ((*d, outcome), omitted)
                })
                .unzip(),
            Err(e) => sides.iter().take(1).map(|d| ((*d, Err(vec![e.clone()])), 0)).unzip(),
        };
        let report = line_report(&validator, number, &sides, &outcomes, &omitted);
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

/// How long the frame just read is.
enum FrameLength {
    Within,
    /// Longer than the limit: its length in bytes; none of it was kept.
    Over(u64),
}

/// Reads one line into `buf` (its line ending removed), keeping at most `max` bytes: a
/// longer line is read to its end and dropped, so memory stays bounded whatever comes in.
/// `None` at the end of the input.
fn read_frame(reader: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Option<FrameLength>> {
    buf.clear();
    // The line's length in bytes, without its LF (a CR before it is removed at the end).
    let mut length = 0u64;
    let mut over = false;
    let mut read_any = false;
    let mut ends_with_cr = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        read_any = true;
        // memchr: a byte-at-a-time search for the line end cost more than validating the line.
        let (chunk, ends) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..at], true),
            None => (available, false),
        };
        length += chunk.len() as u64;
        if let Some(last) = chunk.last() {
            ends_with_cr = *last == b'\r';
        }
        // One byte over the limit may be the CR of a CRLF ending.
        if !over && buf.len() + chunk.len() <= max.saturating_add(1) {
            buf.extend_from_slice(chunk);
        } else if !over {
            over = true;
            buf.clear();
            buf.shrink_to(1 << 16);
        }
        let used = chunk.len() + usize::from(ends);
        reader.consume(used);
        if ends {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if ends_with_cr {
        length -= 1;
        if !over {
            buf.pop();
        }
    }
    Ok(Some(if over || buf.len() > max { FrameLength::Over(length) } else { FrameLength::Within }))
}

fn line_report<'a>(
    validator: &'a Validator<'a>,
    line: usize,
    sides: &[Direction],
    outcomes: &'a [(Direction, Outcome)],
    omitted: &[usize],
) -> LineReport<'a> {
    if let Some((dir, kind)) = outcomes.iter().find_map(|(d, o)| o.as_ref().ok().map(|k| (*d, *k))) {
        let both = outcomes.len() > 1 && outcomes.iter().all(|(_, o)| o.as_ref().ok() == Some(&kind));
        return LineReport {
            line,
            valid: true,
            from: Some(if both { "both" } else { dir.as_str() }),
            message: Some(validator.frame_name(kind)),
            errors: Vec::new(),
            more_errors: 0,
        };
    }
    // Errors that do not depend on the side (a frame that is not JSON) are listed once.
    let same = outcomes.windows(2).all(|w| w[0].1 == w[1].1);
    let outcomes = if same { &outcomes[..1] } else { outcomes };
    let more_errors = omitted.iter().take(outcomes.len()).sum();
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
    LineReport { line, valid: false, from, message: None, errors, more_errors }
}

fn flush(out: &mut impl Write) -> anyhow::Result<()> {
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write the output"))
        }
        _ => Ok(()),
    }
}

/// Writes one line's verdict; `false` when the output is closed.
fn write_report(out: &mut impl Write, r: &LineReport<'_>, format: Format) -> anyhow::Result<bool> {
    match write_verdict(out, r, format) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write the output")),
    }
}

/// The most characters of a path or message printed for a person.
const MAX_SHOWN_CHARS: usize = 300;

fn shorten(text: &str) -> String {
    match sockspec_syntax::prefix(text, MAX_SHOWN_CHARS) {
        (all, false) => all.to_string(),
        (cut, true) => format!("{cut}… ({} characters)", text.chars().count()),
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
            // Paths hold the frame's member names and messages quote its values: nothing
            // of them reaches the terminal raw (an ESC or a newline in a key could clear
            // the screen or forge a verdict).
            // A path under a huge member name is shortened here (JSON output keeps it whole).
            for e in &r.errors {
                let path = if e.error.path.is_empty() { "\"\"".into() } else { shorten(&escape(&e.error.path)) };
                let message = shorten(&escape(&e.error.message));
                match e.from {
                    Some(side) => writeln!(out, "  {side}: {path}  {}  {message}", e.error.code)?,
                    None => writeln!(out, "  {path}  {}  {message}", e.error.code)?,
                }
            }
            if r.more_errors > 0 {
                writeln!(
                    out,
                    "  ... and {} more error(s); a frame lists at most {}",
                    r.more_errors,
                    sockspec_validator::MAX_ERRORS
                )?;
            }
        }
    }
    Ok(())
}

/// The vector files of one schema, loaded and checked against it.
fn load_vectors(
    schema: &Schema,
    schema_path: &Path,
    vectors: &[PathBuf],
) -> anyhow::Result<Vec<(PathBuf, Vec<sockspec_validator::vectors::Vector>)>> {
    let files: Vec<PathBuf> = if vectors.is_empty() {
        let stem = schema_path.file_stem().context("the schema path has no file name")?;
        let beside = schema_path.with_file_name(format!("{}.vectors.jsonl", stem.to_string_lossy()));
        if !beside.exists() {
            bail!("no vector files given, and {} does not exist", shown(&beside));
        }
        vec![beside]
    } else {
        vectors.to_vec()
    };
    let mut loaded = Vec::new();
    for file in &files {
        let text = String::from_utf8(read_bytes(file)?).with_context(|| format!("{} is not UTF-8", shown(file)))?;
        let cases = sockspec_validator::vectors::load(&text).with_context(|| format!("in {}", shown(file)))?;
        if cases.is_empty() {
            bail!("{} holds no vectors", shown(file));
        }
        // A vector that names a message the schema does not have is a mistake in the file,
        // not a failing case.
        for case in &cases {
            // `@result` and `@error` name JSON-RPC result and error frames, `@unknown` a frame
            // kept by an open tag set; any other `@`
            // name is a mistake too.
            if let sockspec_validator::vectors::Expect::Ok { is: Some(is) } = &case.expect
                && !matches!(is.as_str(), "@result" | "@error" | "@unknown")
                && schema.message_named(is).is_none()
            {
                bail!("in {}: line {}: \"is\": {is:?} names no message of the schema", shown(file), case.line);
            }
            // `answers` names a request the other side sends.
            if let Some(request) = &case.answers {
                let (asker, answerer) = match case.from {
                    sockspec_model::Direction::Client => (sockspec_model::Direction::Server, "client"),
                    sockspec_model::Direction::Server => (sockspec_model::Direction::Client, "server"),
                };
                let problem = match schema.message_named(request).map(|id| &schema.messages[id.0 as usize]) {
                    None => Some("names no message of the schema".to_string()),
                    Some(m) if m.request.is_none() => Some("is no request (it declares no reply)".to_string()),
                    Some(m) if !m.sender.includes(asker) => {
                        Some(format!("is no request the {answerer} is sent, so the {answerer} cannot answer it"))
                    }
                    Some(_) => None,
                };
                if let Some(problem) = problem {
                    bail!("in {}: line {}: \"answers\": {request:?} {problem}", shown(file), case.line);
                }
            }
        }
        loaded.push((file.clone(), cases));
    }
    Ok(loaded)
}

/// `sockspec test`: `inputs` is a schema and its vector files, then any further schemas,
/// each a `.sockspec` file followed by its own.
pub(crate) fn run_vectors(inputs: &[PathBuf], targets: &[Target], strict_writers: bool) -> anyhow::Result<Verdict> {
    let mut groups: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for input in inputs {
        match groups.last_mut() {
            Some((_, vectors)) if input.extension().is_none_or(|e| e != "sockspec") => vectors.push(input.clone()),
            _ => groups.push((input.clone(), Vec::new())),
        }
    }
    let mut schemas = Vec::new();
    let mut warnings = Vec::new();
    let mut broken = false;
    for (path, _) in &groups {
        let checked = checked_schema(path, Format::Human)?;
        match checked.schema {
            Some(schema) => {
                schemas.push(schema);
                warnings.push((checked.file.text, checked.diagnostics));
            }
            None => broken = true,
        }
    }
    if broken {
        return Ok(Verdict::Bad);
    }
    let mut loaded = Vec::new();
    for ((path, vectors), schema) in groups.iter().zip(&schemas) {
        loaded.push(load_vectors(schema, path, vectors)?);
    }
    let several_schemas = groups.len() > 1;
    let targets = Target::expand(targets);
    let several = targets.len() > 1;
    // With two targets or more that write, each says what it writes for every valid frame,
    // and the frames are compared once every target has run.
    let compare = targets.iter().filter(|t| t.writes()).count() > 1;
    let mut written: Vec<(Target, Written)> = Vec::new();
    let mut disagreed = false;
    let pairs: Vec<(&Schema, &Path)> = schemas.iter().zip(&groups).map(|(s, (p, _))| (s, p.as_path())).collect();
    for target in targets {
        let judges =
            judge::judges_for(target, &pairs).with_context(|| format!("the {} target cannot run", target.name()))?;
        if let Some(note) = judges.first().and_then(|j| j.note()) {
            out(&format!("{note}\n"))?;
        }
        let prefix = if several { format!("{}: ", target.name()) } else { String::new() };
        let (mut passed, mut failed) = (0usize, 0usize);
        let mut wrote_here = Vec::new();
        for ((mut judge, files), (schema_path, _)) in judges.into_iter().zip(&loaded).zip(&groups) {
            let (mut here_passed, mut here_failed) = (0usize, 0usize);
            let mut wrote_schema = Vec::new();
            for (file, cases) in files {
                let actuals = if compare && target.writes() {
                    let judged = judge.judge_writing(cases)?;
                    wrote_schema.push(judged.wrote);
                    judged.actuals
                } else {
                    judge.judge(cases)?
                };
                let mut actuals = actuals.into_iter();
                let report = sockspec_validator::vectors::run_with(cases, |_| {
                    actuals.next().expect("a judge answers every vector (checked when it answers)")
                });
                here_passed += report.total - report.failures.len();
                here_failed += report.failures.len();
                for failure in &report.failures {
                    out(&format!("{prefix}{}: {}\n", shown(file), escape_multiline(&failure.to_string())))?;
                }
            }
            if several_schemas {
                out(&format!("{prefix}{}: {here_passed} passed, {here_failed} failed\n", shown(schema_path)))?;
            }
            passed += here_passed;
            failed += here_failed;
            wrote_here.push(wrote_schema);
        }
        disagreed |= failed > 0;
        out(&format!("{prefix}{passed} passed, {failed} failed\n"))?;
        if compare && target.writes() {
            written.push((target, wrote_here));
        }
    }
    if compare {
        disagreed |= compare_writers(&schemas, &warnings, &loaded, &written, strict_writers)?;
    }
    Ok(if disagreed { Verdict::Bad } else { Verdict::Clean })
}

/// What one target wrote back for each vector, by schema and vector file (`None`: no frame,
/// for an invalid one).
type Written = Vec<Vec<Vec<Option<String>>>>;

/// The writers' comparison (docs/vectors.md, "The writers agree"): for every valid frame,
/// the frame each target that writes wrote back, compared with the first target's. A
/// difference at a value of a type the schema's S0316 warns about is known and reported
/// as such; any other is a warning (`WARN writers:`), or with `strict` fails the run
/// (`FAIL writers:`, `true`).
fn compare_writers(
    schemas: &[Schema],
    warnings: &[(String, Vec<sockspec_syntax::Diagnostic>)],
    loaded: &[Vec<(PathBuf, Vec<sockspec_validator::vectors::Vector>)>],
    written: &[(Target, Written)],
    strict: bool,
) -> anyhow::Result<bool> {
    let (mut alike, mut known, mut differ) = (0usize, 0usize, 0usize);
    for (s, (schema, files)) in schemas.iter().zip(loaded).enumerate() {
        let validator = Validator::new(schema);
        let confused = judge::writers::Confused::new(schema, &warnings[s].0, &warnings[s].1);
        for (f, (file, cases)) in files.iter().enumerate() {
            for (v, vector) in cases.iter().enumerate() {
                let frames: Vec<(Target, &str)> =
                    written.iter().filter_map(|(t, w)| Some((*t, w[s][f][v].as_deref()?))).collect();
                let Some(((first, reference), others)) = frames.split_first() else { continue };
                let mut found = false;
                for (other, frame) in others {
                    let Some(d) = judge::writers::differ(reference, frame) else { continue };
                    found = true;
                    let at = if d.path.is_empty() { "the whole frame".to_string() } else { d.path.clone() };
                    let head = format!(
                        "writers: {}: {:?} (line {}, from {}): {} and {} write different frames at {at}: {}",
                        shown(file),
                        vector.name,
                        vector.line,
                        vector.from.as_str(),
                        first.name(),
                        other.name(),
                        d.what
                    );
                    match confused.explains(&validator, vector, &d.path, [reference, frame]) {
                        Some(why) => {
                            known += 1;
                            out(&format!(
                                "{}\n",
                                escape_multiline(&format!(
                                    "{head}; known: a value of {why}, whose variants S0316 warns the writers \
                                     cannot tell apart"
                                ))
                            ))?;
                        }
                        None => {
                            differ += 1;
                            out(&format!(
                                "{}\n",
                                escape_multiline(&format!(
                                    "{} {head}\n  {}: {reference}\n  {}: {frame}",
                                    if strict { "FAIL" } else { "WARN" },
                                    first.name(),
                                    other.name()
                                ))
                            ))?;
                        }
                    }
                }
                if !found && !others.is_empty() {
                    alike += 1;
                }
            }
        }
    }
    let names: Vec<&str> = written.iter().map(|(t, _)| t.name()).collect();
    out(&format!(
        "writers ({}): {alike} frames written alike, {known} known to differ (S0316), {differ} differ\n",
        names.join(", ")
    ))?;
    Ok(strict && differ > 0)
}
