//! `sockspec fmt`: the canonical layout, in place or checked.

use std::path::PathBuf;

use anyhow::Context;
use sockspec_syntax::render_human;

use crate::{Verdict, out, read_schema};

pub(crate) fn run(files: &[PathBuf], check: bool) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::Clean;
    for path in files {
        let (source, not_utf8) = read_schema(path)?;
        let (file, mut diagnostics) = sockspec_syntax::parse(&source.text);
        diagnostics.extend(not_utf8);
        if diagnostics.iter().any(|d| d.is_error()) {
            // A file that does not parse is left alone: formatting it could lose text.
            eprint!("{}", render_human(&source, &diagnostics, false));
            eprintln!("{}: not formatted, it has errors", source.name);
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
                eprintln!("{}: not formatted", source.name);
                verdict = Verdict::Bad;
            }
        } else if stdin {
            out(&formatted)?;
        } else if formatted != source.text {
            std::fs::write(path, formatted).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("formatted {}", path.display());
        }
    }
    Ok(verdict)
}
