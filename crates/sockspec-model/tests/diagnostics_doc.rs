//! Keeps docs/diagnostics.md true: every code the front end can emit has a section there
//! and an error fixture, and the doc names no code the compiler does not have.

use std::collections::BTreeSet;
use std::path::Path;

fn codes_in(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut out = BTreeSet::new();
    for i in 0..bytes.len().saturating_sub(6) {
        if bytes[i] == b'"'
            && bytes[i + 1] == b'S'
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
            && bytes[i + 6] == b'"'
        {
            out.insert(text[i + 1..i + 6].to_string());
        }
    }
    out
}

fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("source readable"));
        }
    }
}

#[test]
fn diagnostics_are_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut src = String::new();
    sources(&root.join("crates/sockspec-syntax/src"), &mut src);
    sources(&root.join("crates/sockspec-model/src"), &mut src);
    // The whole check judges defaults and examples with the validator.
    sources(&root.join("crates/sockspec-validator/src"), &mut src);
    sources(&root.join("crates/sockspec-cli/src"), &mut src);
    let emitted = codes_in(&src);
    assert!(emitted.len() > 30, "found only {emitted:?}");

    let doc = std::fs::read_to_string(root.join("docs/diagnostics.md")).expect("docs/diagnostics.md");
    let documented: BTreeSet<String> =
        doc.lines().filter_map(|l| l.strip_prefix("## ")).map(|c| c.trim().to_string()).collect();

    let fixtures: BTreeSet<String> = ["crates/sockspec-model/tests/data/err", "crates/sockspec-cli/tests/data"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("fixture folder"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().chars().take(5).collect())
        .collect();

    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    assert!(undocumented.is_empty(), "codes without a section in docs/diagnostics.md: {undocumented:?}");
    let stale: Vec<_> = documented.difference(&emitted).collect();
    assert!(stale.is_empty(), "docs/diagnostics.md documents codes the compiler never emits: {stale:?}");
    // Codes no fixture file can trigger, each with the test that does.
    const WITHOUT_FIXTURE: &[(&str, &str)] =
        &[("S0107", "a schema over 4 GiB; sockspec-syntax's parser test `texts_over_4_gib_are_refused`")];
    let exempt: BTreeSet<String> = WITHOUT_FIXTURE.iter().map(|(code, _)| code.to_string()).collect();
    let untested: Vec<_> = emitted.difference(&fixtures).filter(|c| !exempt.contains(*c)).collect();
    assert!(untested.is_empty(), "codes without an error fixture: {untested:?}");

    // Each fixture is shown in the doc exactly as it is.
    for dir in ["crates/sockspec-model/tests/data/err", "crates/sockspec-cli/tests/data"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            // A fixture for a file that is not UTF-8 cannot be shown as it is.
            let Ok(text) = String::from_utf8(std::fs::read(&path).expect("fixture readable")) else { continue };
            assert!(
                doc.contains(&format!("```\n{}\n```", text.trim_end())),
                "docs/diagnostics.md does not show {} as it is",
                path.display()
            );
        }
    }
}
