//! The Python target's judge: the generated pydantic module and its judge script, in a
//! cache folder, run by a Python that has pydantic v2.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sockspec_model::Schema;
use sockspec_validator::vectors::{Actual, Vector};

use super::{Judge, Judged, cache_root, external, external_writing};

pub(crate) struct Python {
    python: PathBuf,
    folder: PathBuf,
}

impl Python {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.python);
        command.arg("-E").arg("-s").arg("-X").arg("utf8").arg(self.folder.join("judge.py")).current_dir(&self.folder);
        command
    }
}

impl Judge for Python {
    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        external(&mut self.command(), vectors)
    }

    fn judge_writing(&mut self, vectors: &[Vector]) -> anyhow::Result<Judged> {
        external_writing(&mut self.command(), vectors, true)
    }
}

/// Generates the module and the judge into `target/sockspec-test/python/<stem>-<hash>/`
/// (reused when it is there), and finds the interpreter.
pub(crate) fn judge(schema: &Schema, schema_path: &Path) -> anyhow::Result<Python> {
    let python = interpreter()?;
    let source = crate::r#gen::source_name(schema_path);
    let files = sockspec_codegen::python::generate(schema, &source);
    let script = sockspec_codegen::python::judge_script(schema, &source);
    let mut hasher = std::hash::DefaultHasher::new();
    for f in &files {
        f.contents.hash(&mut hasher);
    }
    script.hash(&mut hasher);
    let stem = schema_path.file_stem().map_or_else(|| "schema".into(), |s| s.to_string_lossy().into_owned());
    let folder = cache_root().join("python").join(format!("{stem}-{:016x}", hasher.finish()));
    if !folder.join("judge.py").exists() {
        std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        // In a package of its own, so a protocol named like a standard module
        // (`collections`, `time`) shadows nothing the judge imports.
        let package = folder.join("generated");
        std::fs::create_dir_all(&package).with_context(|| format!("cannot create {}", package.display()))?;
        std::fs::write(package.join("__init__.py"), "").context("cannot write the package")?;
        for f in &files {
            std::fs::write(package.join(&f.path), &f.contents)
                .with_context(|| format!("cannot write {}", package.join(&f.path).display()))?;
        }
        // Written last: its presence says the folder is complete.
        std::fs::write(folder.join("judge.py"), script).context("cannot write the judge script")?;
    }
    Ok(Python { python, folder })
}

/// The Python that runs generated code: `SOCKSPEC_PYTHON`, else a `.venv` in the current
/// folder or above, else `python3` on the path; it must import pydantic 2.
fn interpreter() -> anyhow::Result<PathBuf> {
    let candidate = match std::env::var_os("SOCKSPEC_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            here.ancestors()
                .map(|d| d.join(".venv").join("bin").join("python"))
                .find(|p| p.exists())
                .unwrap_or_else(|| PathBuf::from("python3"))
        }
    };
    let probe = Command::new(&candidate)
        .args(["-c", "import sys, pydantic; sys.exit(0 if pydantic.VERSION.startswith('2.') else 3)"])
        .output();
    match probe {
        Err(e) => bail!(
            "the python target needs a Python 3 interpreter with pydantic 2, and {} cannot be started ({e}); \
             set SOCKSPEC_PYTHON to one, or create a .venv with `python3 -m venv .venv && .venv/bin/pip install \
             pydantic`",
            candidate.display()
        ),
        Ok(o) if o.status.code() == Some(3) => {
            bail!("the python target needs pydantic 2, and {} has another version", candidate.display())
        }
        Ok(o) if !o.status.success() => bail!(
            "the python target needs pydantic 2, and {} cannot import it: install it (`pip install pydantic`) \
             or set SOCKSPEC_PYTHON to a Python that has it",
            candidate.display()
        ),
        Ok(_) => Ok(candidate),
    }
}
