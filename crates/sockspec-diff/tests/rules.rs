//! One fixture pair per rule (`tests/rules/RULE.old.sockspec`, `RULE.new.sockspec`): the
//! report is snapshotted as a reviewer reads it, must contain a finding of that rule, and
//! docs/diff.md shows the same pair under the rule's heading.

use std::path::{Path, PathBuf};

use sockspec_diff::{Format, RULES, Report, diff, render};
use sockspec_model::{Schema, SourceFile};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn load(text: &str, name: &str) -> Schema {
    let (schema, diags) = sockspec_validator::check(text);
    schema.unwrap_or_else(|| panic!("{name} has errors: {diags:#?}"))
}

/// The fixture pair of a rule: its two texts, the report and the report as text.
fn run(rule: &str) -> (String, String, Report, String) {
    let dir = root().join("tests/rules");
    let (old_name, new_name) = (format!("{rule}.old.sockspec"), format!("{rule}.new.sockspec"));
    let (old, new) = (read(&dir.join(&old_name)), read(&dir.join(&new_name)));
    let report = diff(&load(&old, &old_name), &load(&new, &new_name));
    let text = render(&report, Format::Human, &SourceFile::new(new_name, new.clone()), true, true);
    (old, new, report, text)
}

#[test]
fn every_rule_has_a_fixture_pair_that_triggers_it() {
    let mut missed = Vec::new();
    for rule in RULES {
        let (_, _, report, text) = run(rule.id);
        if !report.findings.iter().any(|f| f.rule == rule.id) {
            missed.push(format!("{}:\n{text}", rule.id));
        }
        insta::assert_snapshot!(rule.id, text);
    }
    assert!(missed.is_empty(), "fixtures that do not trigger their rule:\n{}", missed.join("\n"));
}

#[test]
fn no_fixture_is_left_without_a_rule() {
    for entry in std::fs::read_dir(root().join("tests/rules")).expect("the fixtures folder") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let rule = name.trim_end_matches(".sockspec").trim_end_matches(".old").trim_end_matches(".new");
        assert!(RULES.iter().any(|r| r.id == rule), "{name} names no rule");
    }
}

/// The code blocks of docs/diff.md under each rule's heading, in order.
fn doc_sections() -> Vec<(String, Vec<String>)> {
    let doc = read(&root().join("../../docs/diff.md"));
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut block: Option<String> = None;
    for line in doc.lines() {
        if let Some(text) = block.as_mut() {
            if line == "```" {
                let text = block.take().expect("in a block");
                if let Some(last) = sections.last_mut() {
                    last.1.push(text);
                }
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if let Some(id) = line.strip_prefix("### `").and_then(|l| l.strip_suffix('`')) {
            sections.push((id.to_string(), Vec::new()));
        } else if line.starts_with("## ") {
            // Sections after the catalogue are not rules.
            sections.push((String::new(), Vec::new()));
        } else if line == "```sockspec" {
            block = Some(String::new());
        }
    }
    sections.retain(|(id, _)| !id.is_empty());
    sections
}

#[test]
fn the_doc_shows_every_rule_with_its_fixtures() {
    let sections = doc_sections();
    let ids: Vec<&str> = sections.iter().map(|(id, _)| id.as_str()).collect();
    let rules: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, rules, "docs/diff.md lists the rules of RULES, in order");
    for (id, blocks) in &sections {
        let (old, new, _, _) = run(id);
        assert_eq!(blocks.len(), 2, "{id}: a before and an after block");
        assert_eq!(blocks[0], old, "{id}: the doc's before block is tests/rules/{id}.old.sockspec");
        assert_eq!(blocks[1], new, "{id}: the doc's after block is tests/rules/{id}.new.sockspec");
    }
}
