//! The `sockspec` command: check, format, generate code from and validate against `.sockspec`
//! schemas.

mod check;
mod diff;
mod fmt;
mod r#gen;
mod judge;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Schema-first WebSocket protocols: one `.sockspec` file describes every message exactly
/// as it is on the wire.
#[derive(Debug, Parser)]
#[command(name = "sockspec", version, about, long_about = None)]
#[command(after_help = "Exit status: 0 clean, 1 the schema or a message is bad, 2 the tool itself failed.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check schemas and report every problem, rustc-style.
    Check {
        /// Schema files to check; `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format: `human` (rendered, to stderr) or `json` (one array, to stdout).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Rewrite schemas in the one canonical layout, keeping comments.
    Fmt {
        /// Schema files to format in place; `-` reads standard input and writes standard output.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Change nothing; exit 1 if any file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Validate JSON Lines messages (one frame per line) against a schema.
    Validate {
        /// The schema.
        schema: PathBuf,
        /// Messages to read: a JSON Lines file, or `-` (the default) for standard input. Each
        /// line is answered as it arrives; lines of only spaces and tabs are skipped.
        #[arg(default_value = "-", value_name = "FILE")]
        input: PathBuf,
        /// Which side sent the messages; without it a line is valid if either side may send it.
        #[arg(long, value_enum)]
        from: Option<Side>,
        /// Output format: `human` or `json` (one JSON object per input line).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The longest frame (line) read, in bytes; a longer line is one `bad_length` error,
        /// skipped without being held in memory. Default: the schema's connection
        /// `max_frame_bytes`, else 16 MiB.
        #[arg(long, value_name = "BYTES")]
        max_frame_bytes: Option<u64>,
    },
    /// Generate code (Rust, Python, TypeScript) or documents (JSON Schema, AsyncAPI, an HTML page)
    /// from a schema into a folder.
    Gen {
        /// The schema; it must check without errors.
        schema: PathBuf,
        /// What to generate.
        #[arg(long, value_enum)]
        target: r#gen::GenTarget,
        /// The folder to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Run test-vector files (JSON Lines of cases with expected errors) against a schema,
    /// or against several: `sockspec test a.sockspec b.sockspec b-more.vectors.jsonl`.
    Test {
        /// A schema, then its vector files (default: `NAME.vectors.jsonl` beside it); each
        /// further `.sockspec` file starts another schema with its own vector files.
        #[arg(value_name = "SCHEMA [VECTORS]...", required = true)]
        inputs: Vec<PathBuf>,
        /// The implementations that judge the vectors, comma-separated: each must give
        /// every vector its expected outcome.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "dynamic")]
        target: Vec<judge::Target>,
        /// With two or more targets that write (`--target all`): exit 1 when their writers
        /// write different frames for one value. Without it such a difference is reported
        /// as a warning: the open ones are sockspec's own (conformance/KNOWN.md), not the
        /// schema's.
        #[arg(long)]
        strict_writers: bool,
    },
    /// Write the protocol's HTML reference page beside the schema (`NAME.html`).
    Docs {
        /// The schema; it must check without errors.
        schema: PathBuf,
        /// Open the page in the default browser once written.
        #[arg(long)]
        open: bool,
    },
    /// Compare two versions of a protocol: every change, classified (wire-breaking,
    /// source-breaking, compatible) and told per deployment order. Exit 1 when a change
    /// in a failing category is not approved with `@breaking("why")`.
    Diff {
        /// The old version: a schema file, a model file (`.json`, as a release kept it), or
        /// `git:REV:PATH` read with `git show REV:PATH`.
        old: PathBuf,
        /// The new version: a file, or `git:REV:PATH`; findings point into it.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// The categories that fail the run, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "wire,source")]
        fail_on: Vec<diff::FailOn>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Side {
    Client,
    Server,
}

/// What a command found: clean, or a bad schema or message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Clean,
    Bad,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { files, format } => check::run(&files, format),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Validate { schema, input, from, format, max_frame_bytes } => {
            validate::run(&schema, &input, from, format, max_frame_bytes)
        }
        Command::Gen { schema, target, out } => r#gen::run(&schema, target, &out),
        Command::Test { inputs, target, strict_writers } => validate::run_vectors(&inputs, &target, strict_writers),
        Command::Docs { schema, open } => r#gen::docs(&schema, open),
        Command::Diff { old, new, format, fail_on } => diff::run(&old, &new, format, &fail_on),
    };
    match result {
        Ok(Verdict::Clean) => ExitCode::SUCCESS,
        Ok(Verdict::Bad) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {}", sockspec_syntax::escape_multiline(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

/// The largest schema or vector file read: a bigger one is refused before it is read
/// whole, so `check /dev/zero` stops instead of growing until the machine runs out.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// A path as shown in messages, with control and invisible characters escaped.
fn shown(path: &std::path::Path) -> String {
    sockspec_syntax::escape(&path.display().to_string()).into_owned()
}

/// Reads a file's bytes, or standard input for `-`; at most [`MAX_FILE_BYTES`].
fn read_bytes(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use std::io::Read;
    let (name, source): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("standard input".to_string(), Box::new(std::io::stdin()))
    } else {
        if path.is_dir() {
            let p = shown(path);
            anyhow::bail!("{p} is a folder; pass the files (for example `{p}/*.sockspec`)");
        }
        let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", shown(path)))?;
        (shown(path), Box::new(file))
    };
    let mut bytes = Vec::new();
    source.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        anyhow::bail!("{name} is larger than {} MiB, the most sockspec reads from one file", MAX_FILE_BYTES >> 20);
    }
    Ok(bytes)
}

/// A schema file: its text (a byte order mark dropped) and an S0104 diagnostic when it is
/// not UTF-8.
fn read_schema(
    path: &std::path::Path,
) -> anyhow::Result<(sockspec_syntax::SourceFile, Option<sockspec_syntax::Diagnostic>)> {
    let name = if path.as_os_str() == "-" { "<stdin>".to_string() } else { path.display().to_string() };
    // The renderer escapes the name where it shows it; messages use `shown`.
    Ok(sockspec_syntax::SourceFile::from_bytes(name, &read_bytes(path)?))
}

/// Writes to standard output. A reader that went away (`| head`) is not an error: the
/// command goes on to its verdict. Any other failure (a full disk) is.
fn out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write the output"))
        }
        _ => Ok(()),
    }
}
