//! Every `sockspec` code block in docs/language.md checks clean, so the reference never
//! shows a schema the compiler rejects. Fragments without a `protocol` get one.

use std::path::Path;

fn blocks(doc: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start() != "```sockspec" {
            continue;
        }
        let mut block = String::new();
        for (_, body) in lines.by_ref() {
            if body.trim_start() == "```" {
                break;
            }
            block.push_str(body.get(indent..).unwrap_or(body.trim_start()));
            block.push('\n');
        }
        out.push((number + 1, block));
    }
    out
}

#[test]
fn language_reference_examples_check_clean() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md");
    let doc = std::fs::read_to_string(&path).expect("docs/language.md");
    let blocks = blocks(&doc);
    assert!(blocks.len() > 20, "found only {} blocks", blocks.len());
    for (line, block) in blocks {
        let has_protocol = block.lines().any(|l| l.trim_start().starts_with("protocol "));
        let text = if has_protocol { block.clone() } else { format!("protocol doc_example {{}}\n{block}") };
        let (_, diagnostics) = sockspec_validator::check(&text);
        let file = sockspec_syntax::SourceFile::new(format!("docs/language.md:{line}"), text);
        assert!(
            diagnostics.is_empty(),
            "the block at docs/language.md line {line} does not check clean:\n{}",
            sockspec_syntax::render_human(&file, &diagnostics, false)
        );
    }
}

/// The same for docs/names.md, whose examples are whole (they may not lean on each other).
#[test]
fn names_examples_check_clean() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/names.md");
    let doc = std::fs::read_to_string(&path).expect("docs/names.md");
    let blocks = blocks(&doc);
    assert!(blocks.len() >= 2, "found only {} blocks", blocks.len());
    for (line, block) in blocks {
        let text = format!("protocol doc_example {{}}\n{block}");
        let (_, diagnostics) = sockspec_model::check(&text);
        let file = sockspec_syntax::SourceFile::new(format!("docs/names.md:{line}"), text);
        assert!(
            diagnostics.is_empty(),
            "the block at docs/names.md line {line} does not check clean:\n{}",
            sockspec_syntax::render_human(&file, &diagnostics, false)
        );
    }
}
