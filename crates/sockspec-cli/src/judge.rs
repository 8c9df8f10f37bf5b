//! `sockspec test --target`: test vectors judged by each implementation of DESIGN §4 (the
//! dynamic validator, and the code generated for each language), so a user proves in CI
//! that every side of their protocol gives the same verdict on every frame.
//!
//! An implementation other than the dynamic validator is a program that speaks the judge
//! protocol (docs/vectors.md, "Judging vectors with generated code"): it reads frames as
//! JSON Lines on standard input and answers each with one JSON line on standard output.
//! [`external`] runs such a program; each target builds its program (generates the code
//! for the schema, compiles it where the language needs that, in a cache folder) and hands
//! the command to it.

mod python;
mod typescript;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use clap::ValueEnum;
use sockspec_model::{Direction, Schema};
use sockspec_validator::vectors::{Actual, Vector};
use sockspec_validator::{ErrorCode, ValidationError, Validator};

mod jsonschema;
mod rust;
pub(crate) mod writers;

/// An implementation that `sockspec test` can run vectors through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Target {
    /// The dynamic validator (`sockspec validate`).
    Dynamic,
    /// The generated Python module (pydantic v2), run by a Python that has pydantic.
    Python,
    /// The Rust code `sockspec gen --target rust` writes, built with cargo (docs/rust.md).
    Rust,
    /// The TypeScript module of `sockspec gen --target typescript`, run with Node.
    Typescript,
    /// The exported JSON Schema (`sockspec gen --target jsonschema`), judged by a real JSON
    /// Schema validator: agreement on validity only, as JSON Schema gives no paths or codes.
    Jsonschema,
    /// Every target above that gives paths and codes (all but `jsonschema`).
    All,
}

impl Target {
    /// What `all` stands for: every target that can judge vectors.
    /// `jsonschema` is left out: it judges validity only, and JSON Schema cannot say some
    /// rules (docs/jsonschema.md), so it is run when named.
    const EVERY: &'static [Target] = &[Target::Dynamic, Target::Rust, Target::Python, Target::Typescript];

    /// The targets `--target` names, `all` spelled out, each once, in the order given.
    pub(crate) fn expand(targets: &[Target]) -> Vec<Target> {
        let mut out: Vec<Target> = Vec::new();
        for t in targets.iter().flat_map(|t| if *t == Target::All { Self::EVERY } else { std::slice::from_ref(t) }) {
            if !out.contains(t) {
                out.push(*t);
            }
        }
        out
    }

    /// Whether the target has a writer whose frames `sockspec test` compares (the
    /// generated code of each language).
    pub(crate) fn writes(self) -> bool {
        matches!(self, Target::Rust | Target::Python | Target::Typescript)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Target::Dynamic => "dynamic",
            Target::Python => "python",
            Target::Typescript => "typescript",
            Target::Jsonschema => "jsonschema",
            Target::Rust => "rust",
            Target::All => "all",
        }
    }
}

/// Judges a batch of vectors: one [`Actual`] per vector, in order.
pub(crate) trait Judge {
    /// A line said once before the target's results: how to read them.
    fn note(&self) -> Option<&'static str> {
        None
    }

    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>>;

    /// Judges a batch as [`Judge::judge`], and gives for each valid frame the frame the
    /// target's writer writes for its value (`None` for the others, and for every frame of
    /// a target that does not write, [`Target::writes`]).
    fn judge_writing(&mut self, vectors: &[Vector]) -> anyhow::Result<Judged> {
        Ok(Judged { actuals: self.judge(vectors)?, wrote: vec![None; vectors.len()] })
    }
}

/// A batch's verdicts, one per vector, and the frame written back for each valid one.
#[derive(Debug)]
pub(crate) struct Judged {
    pub actuals: Vec<Actual>,
    pub wrote: Vec<Option<String>>,
}

/// Builds the judges of one target for several schemas, one per schema in order. The Rust
/// target builds one program for all of them (one cargo build however many schemas); the
/// others build one judge per schema.
pub(crate) fn judges_for<'s>(
    target: Target,
    schemas: &[(&'s Schema, &std::path::Path)],
) -> anyhow::Result<Vec<Box<dyn Judge + 's>>> {
    if target == Target::Rust {
        return Ok(rust::judges(schemas)?.into_iter().map(|j| Box::new(j) as Box<dyn Judge + 's>).collect());
    }
    schemas.iter().map(|(schema, path)| judge_for(target, schema, path)).collect()
}

/// `target/sockspec-test/`, where every target keeps its judges: `SOCKSPEC_CACHE_DIR` when
/// set, else `sockspec-test` in `CARGO_TARGET_DIR` when set, else in the `target/` folder of
/// the nearest folder at or above the working directory that has a `target/`, `Cargo.lock`
/// or `.git`, else `./target/sockspec-test`.
pub(crate) fn cache_root() -> std::path::PathBuf {
    use std::path::PathBuf;
    if let Some(dir) = std::env::var_os("SOCKSPEC_CACHE_DIR") {
        return absolute(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return absolute(PathBuf::from(dir)).join("sockspec-test");
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = here
        .ancestors()
        .find(|d| d.join("target").is_dir() || d.join("Cargo.lock").exists() || d.join(".git").exists())
        .unwrap_or(&here);
    root.join("target").join("sockspec-test")
}

fn absolute(path: std::path::PathBuf) -> std::path::PathBuf {
    if path.is_relative() { std::env::current_dir().unwrap_or_default().join(path) } else { path }
}

/// Builds the judge of one target for a schema. `schema_path` names the schema file (for
/// the generated code's header and the cache folder).
fn judge_for<'s>(
    target: Target,
    schema: &'s Schema,
    schema_path: &std::path::Path,
) -> anyhow::Result<Box<dyn Judge + 's>> {
    let source = schema_path.file_name().map_or_else(|| "<stdin>".to_string(), |n| n.to_string_lossy().into_owned());
    match target {
        Target::Dynamic => Ok(Box::new(Dynamic(Validator::new(schema)))),
        Target::Python => Ok(Box::new(python::judge(schema, schema_path)?)),
        Target::Typescript => Ok(Box::new(typescript::TypeScript::new(schema, schema_path)?)),
        Target::Jsonschema => Ok(Box::new(self::jsonschema::JsonSchema::new(schema, &source)?)),
        Target::Rust => Ok(Box::new(rust::judges(&[(schema, schema_path)])?.remove(0))),
        Target::All => bail!("`all` names several targets; expand it first"),
    }
}

struct Dynamic<'s>(Validator<'s>);

impl Judge for Dynamic<'_> {
    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        Ok(vectors.iter().map(|v| sockspec_validator::vectors::judge(&self.0, v)).collect())
    }
}

/// One line the judge protocol sends: the side that sent the frame, its exact text, and
/// the request it answers (by its schema name) for a vector with `answers`.
#[derive(serde::Serialize)]
struct Request<'a> {
    from: &'static str,
    frame: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<&'a str>,
    /// Asks a judge that writes to answer a valid frame with what it wrote (`"wrote"`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    write: bool,
}

/// One line a judge answers: `{"ok": "MessageName"}` (or `"@result"`, `"@error"`,
/// `"@unknown"`), or `{"errors": [{"path", "code", "message"}]}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    ok: Option<String>,
    errors: Option<Vec<AnswerError>>,
    /// Beside `ok`: the frame, written back by the target's writer, does not read as the
    /// same value (what it wrote, and what it read).
    round_trip: Option<String>,
    /// Beside `ok`, when the request asked (`"write": true`): the frame the target's writer
    /// writes for the value read.
    wrote: Option<String>,
}

#[derive(serde::Deserialize)]
struct AnswerError {
    path: String,
    code: String,
    #[serde(default)]
    message: String,
}

/// Runs a program that speaks the judge protocol over every vector at once: all frames are
/// written to its standard input (from a thread, so a program that answers as it reads
/// cannot deadlock on a full pipe), and its answers read back in order.
pub(crate) fn external(command: &mut Command, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
    Ok(external_writing(command, vectors, false)?.actuals)
}

/// [`external`], and with `write` each request asks for the frame written (`"write":
/// true`): a valid frame answered without it, and without a `round_trip` problem that says
/// why (its writer failed), makes the run fail, so a judge that ignores the request cannot
/// pass the writers' comparison by saying nothing.
pub(crate) fn external_writing(command: &mut Command, vectors: &[Vector], write: bool) -> anyhow::Result<Judged> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start the judge {shown}"))?;
    let mut input = String::new();
    for v in vectors {
        let from = match v.from {
            Direction::Client => "client",
            Direction::Server => "server",
        };
        input.push_str(&serde_json::to_string(&Request {
            from,
            frame: &v.frame,
            answers: v.answers.as_deref(),
            write,
        })?);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().context("the judge's standard input")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().context("the judge's standard output")?;
    let mut actuals = Vec::with_capacity(vectors.len());
    let mut written = Vec::with_capacity(vectors.len());
    for line in BufReader::new(stdout).lines() {
        let line = line.with_context(|| format!("reading the answers of {shown}"))?;
        let answer: Answer = serde_json::from_str(&line)
            .with_context(|| format!("the judge {shown} answered a line that is not a verdict: {line}"))?;
        if answer.wrote.is_some() && (!write || answer.ok.is_none()) {
            bail!("the judge {shown} answered `wrote` where it was not asked for, or beside errors: {line}");
        }
        if write && answer.ok.is_some() && answer.wrote.is_none() && answer.round_trip.is_none() {
            bail!("the judge {shown} was asked what it wrote, and answered a valid frame without `wrote`: {line}");
        }
        written.push(answer.wrote);
        actuals.push(match (answer.ok, answer.errors) {
            (Some(is), None) => match answer.round_trip {
                None => Actual::Ok { is },
                Some(problem) => Actual::RoundTrip { is, problem },
            },
            (None, Some(errors)) => Actual::Errors(
                errors
                    .into_iter()
                    .map(|e| {
                        let code = ErrorCode::from_name(&e.code)
                            .with_context(|| format!("the judge {shown} gave an unknown code {:?}", e.code))?;
                        Ok(ValidationError { path: e.path, code, message: e.message })
                    })
                    .collect::<anyhow::Result<_>>()?,
            ),
            _ => bail!("the judge {shown} answered a line with neither or both of `ok` and `errors`: {line}"),
        });
    }
    let wrote = writer.join().map_err(|_| anyhow::anyhow!("the writer to {shown} panicked"))?;
    let status = child.wait()?;
    if !status.success() {
        bail!("the judge {shown} failed ({status})");
    }
    wrote.with_context(|| format!("writing frames to {shown}"))?;
    if actuals.len() != vectors.len() {
        bail!("the judge {shown} answered {} of {} frames", actuals.len(), vectors.len());
    }
    Ok(Judged { actuals, wrote: written })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sockspec_validator::vectors::{load, run_with};

    /// A judge that answers `round_trip` beside `ok` fails that vector, with what it wrote,
    /// and the other vectors are still judged.
    #[test]
    fn a_round_trip_problem_fails_its_vector_and_the_run_goes_on() {
        let vectors = load(concat!(
            r#"{"name": "a", "from": "client", "raw": "{}", "expect": "ok"}"#,
            "\n",
            r#"{"name": "b", "from": "server", "raw": "{}", "expect": "ok"}"#,
        ))
        .expect("vectors");
        let mut judge = Command::new("sh");
        judge.args(["-c", r#"cat > /dev/null; echo '{"ok": "A", "round_trip": "wrote {}"}'; echo '{"ok": "B"}'"#]);
        let actual = external(&mut judge, &vectors).expect("the judge answers");
        assert_eq!(actual[0], Actual::RoundTrip { is: "A".into(), problem: "wrote {}".into() });
        assert_eq!(actual[1], Actual::Ok { is: "B".into() });
        let mut answers = actual.into_iter();
        let report = run_with(&vectors, |_| answers.next().expect("an answer"));
        assert_eq!((report.total, report.failures.len()), (2, 1));
        let shown = report.to_string();
        assert!(shown.contains("written back it is not the same value") && shown.contains("wrote {}"), "{shown}");
    }

    /// Asked what it wrote (`"write": true` on every request), a judge answers `wrote` for
    /// each valid frame; one that leaves it out without a `round_trip` reason, or answers
    /// it unasked, makes the run fail rather than pass the writers' comparison silently.
    #[test]
    fn a_judge_asked_what_it_wrote_must_say() {
        let vectors = load(concat!(
            r#"{"name": "a", "from": "client", "raw": "{}", "expect": "ok"}"#,
            "\n",
            r#"{"name": "b", "from": "client", "raw": "[]", "expect": [{"path": "", "code": "wrong_type"}]}"#,
        ))
        .expect("vectors");
        let judge = |script: &str| {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            command
        };
        // Every request asks (or this judge fails).
        let asked = r#"[ "$(grep -c '"write":true')" = 2 ] || exit 9; echo '{"ok": "A", "wrote": "{\"t\":1}"}'; echo '{"errors": []}'"#;
        let judged = external_writing(&mut judge(asked), &vectors, true).expect("the judge answers");
        assert_eq!(judged.wrote, [Some(r#"{"t":1}"#.to_string()), None]);
        let unasked = r#"cat > /dev/null; echo '{"ok": "A", "wrote": "{}"}'; echo '{"errors": []}'"#;
        let err = external(&mut judge(unasked), &vectors).expect_err("`wrote` unasked");
        assert!(format!("{err:#}").contains("not asked for"), "{err:#}");
        let silent = r#"cat > /dev/null; echo '{"ok": "A"}'; echo '{"errors": []}'"#;
        let err = external_writing(&mut judge(silent), &vectors, true).expect_err("no `wrote`");
        assert!(format!("{err:#}").contains("without `wrote`"), "{err:#}");
    }
}
