//! The conformance suite (`conformance/`): every schema checks clean, every vector gives its
//! expected outcome in the dynamic validator (also through `sockspec test`) and, with the
//! examples and the validator cases, in every generated target (`--target all`); the suite's
//! README says truthfully which files cover each capability of docs/language.md §17 and
//! each error code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sockspec_validator::{ErrorCode, Validator, vectors};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn suite() -> PathBuf {
    root().join("conformance")
}

/// The schemas of the suite by name (`unions` for `conformance/unions.sockspec`), sorted.
fn schemas() -> BTreeMap<String, PathBuf> {
    std::fs::read_dir(suite())
        .expect("conformance folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
        .map(|p| (p.file_stem().expect("a file name").to_string_lossy().into_owned(), p))
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every vector of every schema, loaded.
fn all_vectors() -> BTreeMap<String, Vec<vectors::Vector>> {
    schemas()
        .into_iter()
        .map(|(name, path)| {
            let text = read(&path.with_extension("vectors.jsonl"));
            let cases = vectors::load(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, cases)
        })
        .collect()
}

/// Warnings a schema of the suite is known to have, listed in conformance/KNOWN.md with
/// what they mean for its vectors.
const KNOWN_WARNINGS: &[(&str, &str)] = &[("unions", "S0316")];

#[test]
fn every_schema_checks_clean_and_passes_its_vectors() {
    let mut total = 0;
    let all = all_vectors();
    for (name, path) in schemas() {
        let text = read(&path);
        let (schema, diagnostics) = sockspec_validator::check(&text);
        let file = sockspec_syntax::SourceFile::new(path.display().to_string(), text);
        let unexpected: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.is_error() || !KNOWN_WARNINGS.contains(&(name.as_str(), d.code)))
            .cloned()
            .collect();
        assert!(unexpected.is_empty(), "{}", sockspec_syntax::render_human(&file, &unexpected, false));
        let schema = schema.expect("a clean schema");

        let cases = &all[&name];
        let valid = cases.iter().filter(|c| matches!(c.expect, vectors::Expect::Ok { .. })).count();
        assert!(valid > 0 && valid < cases.len(), "{name}: needs valid and invalid cases ({valid} of {})", cases.len());
        let report = vectors::run(&Validator::new(&schema), cases);
        assert!(report.passed(), "{name}:\n{report}");
        total += cases.len();
    }
    assert!(total >= 500, "the suite has {total} vectors, fewer than 500");
}

#[test]
fn at_least_ten_schemas_each_with_vectors_beside_it() {
    let schemas = schemas();
    assert!(schemas.len() >= 10, "{} schemas: {:?}", schemas.len(), schemas.keys());
    for path in schemas.values() {
        assert!(path.with_extension("vectors.jsonl").exists(), "{} has no vectors beside it", path.display());
    }
    for entry in std::fs::read_dir(suite()).expect("conformance folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".vectors.jsonl") {
            assert!(schemas.contains_key(stem), "{name} has no schema beside it");
        }
    }
}

/// The README's table of schemas names each schema of the folder once.
#[test]
fn readme_lists_every_schema() {
    let readme = read(&suite().join("README.md"));
    let listed: Vec<String> = table(&readme, "## What is here").iter().flat_map(|row| code_spans(&row[0])).collect();
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "a schema listed twice: {listed:?}");
    let on_disk: BTreeSet<String> = schemas().into_keys().collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        on_disk,
        "conformance/README.md's table of schemas"
    );
}

/// The command a user runs, `sockspec test SCHEMA`, passes on every file of the suite.
#[test]
fn sockspec_test_passes_every_schema() {
    for (name, path) in schemas() {
        let output =
            Command::new(env!("CARGO_BIN_EXE_sockspec")).arg("test").arg(&path).output().expect("run sockspec");
        assert!(
            output.status.success(),
            "sockspec test {name}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// What CI runs to prove every side agrees: `sockspec test` over every schema of the suite,
/// of the examples and of the validator's cases at once, through every target that gives
/// paths and codes (`--target all`: the dynamic validator and the generated Rust, Python
/// and TypeScript). Needs a Python with pydantic and the TypeScript compiler, which
/// `cargo xtask test` installs and names in `SOCKSPEC_PYTHON` and `SOCKSPEC_TSC`; without
/// them it runs the dynamic and Rust targets, and under CI it fails instead.
#[test]
fn every_target_agrees_on_the_suite_the_examples_and_the_cases() {
    let tools = std::env::var_os("SOCKSPEC_PYTHON").is_some() && std::env::var_os("SOCKSPEC_TSC").is_some();
    assert!(tools || std::env::var_os("CI").is_none(), "CI must run every target: SOCKSPEC_PYTHON and SOCKSPEC_TSC");
    let targets = if tools { "all" } else { "dynamic,rust" };
    if !tools {
        let _ = writeln!(
            std::io::stderr(),
            "\nevery_target_agrees_on_the_suite_the_examples_and_the_cases: only dynamic and rust, \
             SOCKSPEC_PYTHON or SOCKSPEC_TSC is not set (`cargo xtask test` sets both)\n"
        );
    }
    let mut inputs: Vec<PathBuf> = schemas().into_values().collect();
    for dir in ["examples", "crates/sockspec-validator/tests/cases"] {
        let mut here: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("the folder reads")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
            .filter(|p| p.with_extension("vectors.jsonl").exists())
            .collect();
        here.sort();
        inputs.extend(here);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_sockspec"))
        .arg("test")
        .args(&inputs)
        .args(["--target", targets, "--strict-writers"])
        .current_dir(root())
        .output()
        .expect("run sockspec");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The writers' comparison (docs/vectors.md, "The writers agree"): the frames that differ
    // are exactly the ones conformance/KNOWN.md lists as open, so one fixed or one new
    // fails this test until KNOWN.md says so.
    let listed = open_writer_disagreements();
    let found = writer_disagreements(&stdout);
    let new: Vec<_> = found.difference(&listed).collect();
    let fixed: Vec<_> = listed.difference(&found).collect();
    if tools {
        assert!(
            new.is_empty() && fixed.is_empty(),
            "the writers' disagreements are not the ones conformance/KNOWN.md lists\n\
             new (fix the writer, or list them): {new:#?}\nno longer found (take them off the list): {fixed:#?}\n{stdout}"
        );
    }
    let clean = found.is_empty();
    assert!(output.status.success() == clean, "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    if tools {
        let summary = stdout
            .lines()
            .find_map(|l| l.strip_prefix("writers (rust, python, typescript): "))
            .unwrap_or_else(|| panic!("no summary of the writers' comparison:\n{stdout}"));
        let counts: Vec<usize> = summary.split(' ').filter_map(|w| w.parse().ok()).collect();
        // Every valid frame is compared; the S0316 unions of `unions` differ, known by their warning.
        assert!(counts.len() == 3 && counts[0] > 800 && counts[1] >= 2 && counts[2] == found.len(), "{summary}");
    }
    let expected: &[&str] = if tools { &["dynamic", "rust", "python", "typescript"] } else { &["dynamic", "rust"] };
    for target in expected {
        let total = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{target}: ")).filter(|rest| !rest.contains(".sockspec")))
            .unwrap_or_else(|| panic!("no total for {target}:\n{stdout}"));
        let passed: usize = total.split(' ').next().and_then(|n| n.parse().ok()).expect("a count");
        assert!(total.ends_with(" 0 failed") && passed > 2000, "{target}: {total}");
    }
}

/// A writers' disagreement: the vector file (from the checkout's root), the vector's name
/// and the two targets.
type Disagreement = (String, String, String);

/// The disagreements of the writers that `sockspec test` reports (`FAIL writers: FILE:
/// "name" (line N, from SIDE): A and B write different frames ...`).
fn writer_disagreements(stdout: &str) -> BTreeSet<Disagreement> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAIL writers: "))
        .map(|rest| {
            let (file, rest) = rest.split_once(": \"").unwrap_or_else(|| panic!("a file: {rest}"));
            let (name, rest) = rest.split_once("\" (line ").unwrap_or_else(|| panic!("a name: {rest}"));
            let (_, rest) = rest.split_once("): ").unwrap_or_else(|| panic!("a side: {rest}"));
            let (pair, _) = rest.split_once(" write different frames").unwrap_or_else(|| panic!("targets: {rest}"));
            let (a, b) = pair.split_once(" and ").unwrap_or_else(|| panic!("two targets: {pair}"));
            // The test names the files by their full path; KNOWN.md from the checkout's root.
            let root = format!("{}/", root().display());
            let file = file.strip_prefix(&root).unwrap_or(file);
            (file.to_string(), name.replace("\\\"", "\""), format!("{a}, {b}"))
        })
        .collect()
}

/// The open disagreements conformance/KNOWN.md lists, from its table under "Writers that
/// disagree": file, vector, writers.
fn open_writer_disagreements() -> BTreeSet<Disagreement> {
    let known = read(&suite().join("KNOWN.md"));
    let rows = table(&known, "## Writers that disagree");
    rows.into_iter()
        .filter(|row| row[0] != "file")
        .map(|row| {
            let cell = |i: usize| code_spans(&row[i]).pop().unwrap_or_else(|| panic!("KNOWN.md row {row:?}"));
            (cell(0), cell(1), cell(2))
        })
        .collect()
}

/// The cells of every table row between `heading` and the next heading of `text`, header
/// and separator rows left out. `\|` inside a cell is a `|`.
fn table(text: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text.find(heading).unwrap_or_else(|| panic!("no heading {heading:?}"));
    let body = &text[start + heading.len()..];
    let end = body.find("\n#").unwrap_or(body.len());
    let mut rows = Vec::new();
    for line in body[..end].lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> =
            line.replace("\\|", "\u{0}").trim_matches('|').split('|').map(|c| c.trim().replace('\u{0}', "|")).collect();
        let header = ["capability", "code", "schema"].contains(&cells[0].as_str());
        if !header && !cells[0].starts_with("---") {
            rows.push(cells);
        }
    }
    rows
}

/// The text of every `code span` in a cell, in order.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every row of language.md §17 is in the README's capability table, and each row is true
/// of the files it names: each file holds one of the row's constructs, and each construct
/// is in one of its files.
#[test]
fn readme_covers_every_capability_of_section_17() {
    let language = read(&root().join("docs/language.md"));
    let section = &language[language.find("\n## 17.").expect("language.md has section 17")..];
    let capabilities: Vec<String> = {
        let mut rows = Vec::new();
        for heading in ["### Discriminators and envelopes", "### Correlation", "### Fields", "### Connection"] {
            rows.extend(table(section, heading).into_iter().map(|cells| cells[0].clone()));
        }
        rows
    };
    assert!(capabilities.len() > 50, "section 17 parsed into only {} rows", capabilities.len());

    let readme = read(&suite().join("README.md"));
    let rows = table(&readme, "## Coverage: capabilities");
    let listed: Vec<&String> = rows.iter().map(|r| &r[0]).collect();
    let missing: Vec<&String> = capabilities.iter().filter(|c| !listed.contains(c)).collect();
    assert!(missing.is_empty(), "capabilities of language.md §17 not in conformance/README.md: {missing:#?}");
    let extra: Vec<&&String> = listed.iter().filter(|c| !capabilities.contains(c)).collect();
    assert!(extra.is_empty(), "rows of conformance/README.md that are no capability of §17: {extra:#?}");

    let schemas = schemas();
    for row in &rows {
        assert_eq!(row.len(), 3, "{row:?}");
        let constructs = code_spans(&row[1]);
        let files = code_spans(&row[2]);
        assert!(!constructs.is_empty() && !files.is_empty(), "{:?} names no construct or no file", row[0]);
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let path = schemas.get(f).unwrap_or_else(|| panic!("{:?} names {f:?}, no schema of the suite", row[0]));
                (f.clone(), squeeze(&read(path)))
            })
            .collect();
        for (file, text) in &texts {
            assert!(
                constructs.iter().any(|c| text.contains(&squeeze(c))),
                "{:?}: {file}.sockspec holds none of {constructs:?}",
                row[0]
            );
        }
        for construct in &constructs {
            assert!(
                texts.iter().any(|(_, text)| text.contains(&squeeze(construct))),
                "{:?}: none of {files:?} holds {construct:?}",
                row[0]
            );
        }
    }
}

/// Every error code is expected by some vector, and the README's table names exactly the
/// files whose vectors expect each code.
#[test]
fn readme_names_the_files_of_every_error_code() {
    let mut actual: BTreeMap<&'static str, BTreeSet<String>> =
        ErrorCode::ALL.iter().map(|c| (c.as_str(), BTreeSet::new())).collect();
    for (name, cases) in all_vectors() {
        for case in cases {
            if let vectors::Expect::Errors(errors) = case.expect {
                for error in errors {
                    actual.get_mut(error.code.as_str()).expect("a known code").insert(name.clone());
                }
            }
        }
    }
    let uncovered: Vec<&&str> = actual.iter().filter(|(_, files)| files.is_empty()).map(|(code, _)| code).collect();
    assert!(uncovered.is_empty(), "error codes no vector expects: {uncovered:?}");

    let readme = read(&suite().join("README.md"));
    let rows = table(&readme, "## Coverage: error codes");
    let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let code = code_spans(&row[0]).pop().unwrap_or_else(|| panic!("{row:?} names no code"));
        documented.insert(code, code_spans(&row[1]).into_iter().collect());
    }
    let actual: BTreeMap<String, BTreeSet<String>> = actual.into_iter().map(|(c, f)| (c.to_string(), f)).collect();
    assert_eq!(documented, actual, "conformance/README.md's error-code table does not match the vector files");
}
