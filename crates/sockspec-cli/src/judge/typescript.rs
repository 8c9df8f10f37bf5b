//! The `typescript` judge: the module `sockspec gen --target typescript` writes, compiled
//! to JavaScript with the TypeScript compiler and run with Node behind a small judge script.
//! Every valid frame is also written back with the module's serialiser and read again: a
//! value that does not come back the same fails the run; asked (`"write": true`), the judge
//! also answers the frame it wrote. A vector with `answers` is read
//! by the module's answer reader (`parseServerAnswer`), whose message must be the ordinary
//! reader's value, and whose result must come back the same from the written frame too.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sockspec_model::Schema;
use sockspec_validator::vectors::{Actual, Vector};

use super::{Judge, Judged, cache_root, external, external_writing};

/// The judge script: reads the judge protocol's lines, answers each with the verdict of the
/// generated parsers, and checks the round trip of every valid frame.
const SCRIPT: &str = r#"import * as m from "./MODULE.js";
import { createInterface } from "node:readline";

function canon(v) {
  if (typeof v === "bigint") return `${v}n`;
  // JSON.stringify writes -0 as 0 and an infinite number as null: tell them apart.
  if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return Object.is(v, -0) ? "-0" : String(v);
  if (v instanceof Uint8Array) return `bytes(${Array.from(v).join(",")})`;
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v !== null && typeof v === "object") {
    // A member written `null` for an absent value (the schema's policy) reads back as null.
    const keys = Object.keys(v).filter((k) => v[k] !== null && v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
for await (const line of rl) {
  if (line.trim() === "") continue;
  const req = JSON.parse(line);
  const client = req.from === "client";
  // A frame that answers a request (`answers`) is read by the answer reader, whose value
  // is the message as the ordinary reader gives it and the typed result it carries.
  const read = (text) =>
    req.answers === undefined
      ? client ? m.parseClientMessage(text) : m.parseServerMessage(text)
      : client ? m.parseClientAnswer(req.answers, text) : m.parseServerAnswer(req.answers, text);
  const r = read(req.frame);
  if (r.ok) {
    const message = req.answers === undefined ? r.value : r.value.message;
    let problem;
    let wrote;
    if (req.answers !== undefined) {
      const plain = client ? m.parseClientMessage(req.frame) : m.parseServerMessage(req.frame);
      if (!plain.ok || canon(plain.value) !== canon(message) || r.value.name !== message.name) {
        problem = `the answer's message ${canon(message)} (${r.value.name}) is not the frame's ${plain.ok ? canon(plain.value) : JSON.stringify(plain.errors)}`;
      }
    }
    // Every valid frame is written back and read again (as the same answer, its result
    // too): a different value is reported.
    try {
      const text = client ? m.serializeClientMessage(message) : m.serializeServerMessage(message);
      wrote = text;
      const again = read(text);
      if (problem === undefined && (!again.ok || canon(again.value) !== canon(r.value))) {
        problem = `wrote ${text}\nread ${again.ok ? canon(again.value) : JSON.stringify(again.errors)}\nwant ${canon(r.value)}`;
      }
    } catch (e) {
      problem = `writing it threw ${e}`;
    }
    const answer = { ok: message.name };
    if (problem !== undefined) answer.round_trip = problem;
    // Asked (`"write": true`): the frame the serialiser wrote, to compare with the other targets'.
    if (req.write === true && wrote !== undefined) answer.wrote = wrote;
    out.push(JSON.stringify(answer));
  } else {
    out.push(JSON.stringify({ errors: r.errors }));
  }
}
process.stdout.write(out.map((l) => l + "\n").join(""));
"#;

pub(crate) struct TypeScript {
    node: PathBuf,
    script: PathBuf,
}

impl TypeScript {
    pub(crate) fn new(schema: &Schema, schema_path: &Path) -> anyhow::Result<TypeScript> {
        let node = find_program("node").context(
            "the typescript target needs Node.js (`node`, 20 or newer) on the PATH to run the generated parsers; \
             install it and run again",
        )?;
        let source = schema_path.file_name().map_or_else(|| "schema".into(), |n| n.to_string_lossy().into_owned());
        let files = sockspec_codegen::typescript::generate(schema, &source);
        let module = files.first().context("the TypeScript target wrote no module")?;
        let stem = module.path.file_stem().map_or_else(|| "module".into(), |s| s.to_string_lossy().into_owned());
        let script_text = SCRIPT.replace("MODULE", &stem);
        let mut hash = Fnv::default();
        hash.write(env!("CARGO_PKG_VERSION").as_bytes());
        hash.write(module.contents.as_bytes());
        hash.write(script_text.as_bytes());
        let schema_stem = schema_path.file_stem().map_or_else(|| "schema".into(), |s| s.to_string_lossy().into_owned());
        let dir = cache_root().join("typescript").join(format!("{schema_stem}-{:016x}", hash.0));
        let script = dir.join("judge.mjs");
        if !script.exists() {
            build(&dir, module, &stem, &script_text)?;
        }
        Ok(TypeScript { node, script })
    }
}

impl Judge for TypeScript {
    fn judge(&mut self, vectors: &[Vector]) -> anyhow::Result<Vec<Actual>> {
        external(Command::new(&self.node).arg(&self.script), vectors)
    }

    fn judge_writing(&mut self, vectors: &[Vector]) -> anyhow::Result<Judged> {
        external_writing(Command::new(&self.node).arg(&self.script), vectors, true)
    }
}

/// Compiles the module in a fresh folder beside `dir`, then moves it into place, so two
/// runs at once never see a half-built judge.
fn build(dir: &Path, module: &sockspec_codegen::GeneratedFile, stem: &str, script: &str) -> anyhow::Result<()> {
    let tsc = find_tsc().context(
        "the typescript target needs the TypeScript compiler: `npm install --save-dev typescript` in the project \
         (node_modules/.bin/tsc), or `tsc` on the PATH, or SOCKSPEC_TSC naming it",
    )?;
    let parent = dir.parent().context("the cache folder has a parent")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = parent.join(format!(
        ".build-{}-{}",
        std::process::id(),
        dir.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let ts = tmp.join(&module.path);
    std::fs::write(&ts, &module.contents)?;
    std::fs::write(tmp.join("package.json"), "{ \"type\": \"module\", \"private\": true }\n")?;
    std::fs::write(tmp.join("judge.mjs"), script)?;
    let output = Command::new(&tsc)
        .arg(&ts)
        .args(["--ignoreConfig", "--noCheck", "--target", "es2020", "--module", "es2020", "--lib", "es2020,dom"])
        .arg("--outDir")
        .arg(&tmp)
        .output()
        .with_context(|| format!("cannot run the TypeScript compiler {}", tsc.display()))?;
    if !output.status.success() || !tmp.join(format!("{stem}.js")).exists() {
        bail!(
            "the TypeScript compiler failed on the generated module:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    if std::fs::rename(&tmp, dir).is_err() {
        // Another run built it first: use that one.
        let _ = std::fs::remove_dir_all(&tmp);
        if !dir.join("judge.mjs").exists() {
            bail!("cannot move the built judge into {}", dir.display());
        }
    }
    Ok(())
}

/// The TypeScript compiler: `SOCKSPEC_TSC`, `node_modules/.bin/tsc` in the working
/// directory or a folder above it, or `tsc` on the PATH.
fn find_tsc() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SOCKSPEC_TSC") {
        return Some(PathBuf::from(p));
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join("node_modules").join(".bin").join("tsc"))
        .find(|p| p.exists())
        .or_else(|| find_program("tsc"))
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// FNV-1a, 64 bits: a hash that is the same in every build, for cache folder names.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
