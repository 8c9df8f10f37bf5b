//! `sockspec fmt`: the canonical layout, in place or checked.

use std::path::PathBuf;

use anyhow::Context;
use sockspec_syntax::{escape, render_human};

use crate::{Verdict, out, read_schema, shown};

pub(crate) fn run(files: &[PathBuf], check: bool) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::Clean;
    let mut unreadable = 0;
    for path in files {
        // A file that cannot be read is reported, and the others are still formatted.
        let (source, not_utf8) = match read_schema(path) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("error: {}", sockspec_syntax::escape(&format!("{e:#}")));
                unreadable += 1;
                continue;
            }
        };
        let (file, mut diagnostics) = sockspec_syntax::parse(&source.text);
        diagnostics.extend(not_utf8);
        if diagnostics.iter().any(|d| d.is_error()) {
            // A file that does not parse is left alone: formatting it could lose text.
            eprint!("{}", render_human(&source, &diagnostics, false));
            eprintln!("{}: not formatted, it has errors", escape(&source.name));
            verdict = Verdict::Bad;
            continue;
        }
        let mut formatted = sockspec_syntax::format(&file);
        // Keep Windows line endings where the file has them.
        if source.text.contains("\r\n") {
            formatted = formatted.replace('\n', "\r\n");
        }
        let stdin = path.as_os_str() == "-";
        if check {
            if formatted != source.text {
                eprintln!("{}: not formatted", escape(&source.name));
                verdict = Verdict::Bad;
            }
        } else if stdin {
            out(&formatted)?;
        } else if formatted != source.text {
            std::fs::write(path, formatted).with_context(|| format!("cannot write {}", shown(path)))?;
            eprintln!("formatted {}", shown(path));
        }
    }
    if unreadable > 0 {
        anyhow::bail!("{unreadable} of {} file(s) could not be read", files.len());
    }
    Ok(verdict)
}
