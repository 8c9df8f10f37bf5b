//! `sockspec fmt`: the canonical layout, in place or checked.

use std::path::PathBuf;

use anyhow::Context;
use sockspec_syntax::{SourceFile, render_human};

use crate::{Verdict, read_input};

pub(crate) fn run(files: &[PathBuf], check: bool) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::Clean;
    for path in files {
        let text = read_input(path)?;
        let (file, diagnostics) = sockspec_syntax::parse(&text);
        if diagnostics.iter().any(|d| d.is_error()) {
            // A file that does not parse is left alone: formatting it could lose text.
            let source = SourceFile::new(path.display().to_string(), text);
            eprint!("{}", render_human(&source, &diagnostics, false));
            eprintln!("{}: not formatted, it has syntax errors", path.display());
            verdict = Verdict::Bad;
            continue;
        }
        let formatted = sockspec_syntax::format(&file);
        if path.as_os_str() == "-" {
            print!("{formatted}");
            continue;
        }
        if formatted == text {
            continue;
        }
        if check {
            eprintln!("{}: not formatted", path.display());
            verdict = Verdict::Bad;
        } else {
            std::fs::write(path, formatted).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("formatted {}", path.display());
        }
    }
    Ok(verdict)
}
