//! A report as text: for people (`human`), tools (`json`), GitHub Actions annotations
//! (`github`) and pull-request comments (`markdown`). Pure: returns the text.

use sockspec_model::SourceFile;

use crate::finding::{Category, Finding, Report};

/// The output formats of `sockspec diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Markdown,
}

/// Which categories fail the run (`--fail-on`): findings in them that are not approved
/// are marked as failing.
#[derive(Clone, Copy, Debug)]
struct Policy {
    wire: bool,
    source: bool,
}

/// Line and column of offsets in one file, from line starts found once: a report of many
/// findings costs linear time, not a scan from the start of the file for each.
struct Lines<'f> {
    text: &'f str,
    starts: Vec<usize>,
}

impl<'f> Lines<'f> {
    fn new(file: &'f SourceFile) -> Self {
        let text = file.text.as_str();
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters), as `SourceFile::line_col` gives them.
    fn line_col(&self, offset: u32) -> (usize, usize) {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// Renders a report. `new` is the new schema's file (findings point into it); `fail_wire`
/// and `fail_source` are the categories that fail the run.
pub fn render(report: &Report, format: Format, new: &SourceFile, fail_wire: bool, fail_source: bool) -> String {
    let policy = Policy { wire: fail_wire, source: fail_source };
    match format {
        Format::Human => human(report, new, policy),
        Format::Json => json(report, new, policy),
        Format::Github => github(report, new, policy),
        Format::Markdown => markdown(report, new, policy),
    }
}

fn counts(report: &Report) -> (usize, usize, usize, usize) {
    let count = |c: Category| report.findings.iter().filter(|f| f.category() == c).count();
    let approved = report.findings.iter().filter(|f| f.approved.is_some()).count();
    (count(Category::WireBreaking), count(Category::SourceBreaking), count(Category::Compatible), approved)
}

fn summary(report: &Report, policy: Policy) -> String {
    if report.findings.is_empty() {
        return "no changes".to_string();
    }
    let (wire, source, compatible, approved) = counts(report);
    let failing = report.findings.iter().filter(|f| f.fails(policy.wire, policy.source)).count();
    format!(
        "{} change(s): {wire} wire-breaking, {source} source-breaking, {compatible} compatible; {approved} approved; {failing} failing",
        report.findings.len()
    )
}

/// What a finding breaks, in words.
fn effect(f: &Finding) -> String {
    let mut parts = Vec::new();
    if f.breaks.any() {
        parts.push(f.breaks.describe().to_string());
    }
    if f.source {
        parts.push("breaks generated code".to_string());
    }
    if parts.is_empty() {
        parts.push("breaks nothing".to_string());
    }
    parts.join("; ")
}

fn human(report: &Report, new: &SourceFile, policy: Policy) -> String {
    let lines = Lines::new(new);
    let mut out = String::new();
    for f in &report.findings {
        let (line, col) = lines.line_col(f.span.start);
        let mark = if f.fails(policy.wire, policy.source) { "error" } else { "note" };
        out.push_str(&format!(
            "{mark}: {} [{}]\n  --> {}:{line}:{col}: {}\n  {}\n",
            f.category().as_str(),
            f.rule,
            new.name,
            f.at,
            f.message
        ));
        out.push_str(&format!("  = {}\n", effect(f)));
        if let Some(why) = &f.approved {
            out.push_str(&format!("  = approved: {why}\n"));
        }
        out.push('\n');
    }
    out.push_str(&summary(report, policy));
    out.push('\n');
    out
}

fn json(report: &Report, new: &SourceFile, policy: Policy) -> String {
    let lines = Lines::new(new);
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let (line, column) = lines.line_col(f.span.start);
            serde_json::json!({
                "rule": f.rule,
                "category": f.category(),
                "at": f.at,
                "message": f.message,
                "breaks": f.breaks,
                "source": f.source,
                "approved": f.approved,
                "fails": f.fails(policy.wire, policy.source),
                "file": new.name,
                "line": line,
                "column": column,
            })
        })
        .collect();
    let (wire, source, compatible, approved) = counts(report);
    let value = serde_json::json!({
        "findings": findings,
        "summary": {
            "wire_breaking": wire,
            "source_breaking": source,
            "compatible": compatible,
            "approved": approved,
            "fails": report.fails(policy.wire, policy.source),
        },
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// GitHub's workflow-command escaping: data, then property values.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &Report, new: &SourceFile, policy: Policy) -> String {
    let lines = Lines::new(new);
    let mut out = String::new();
    for f in &report.findings {
        let (line, col) = lines.line_col(f.span.start);
        let level = if f.fails(policy.wire, policy.source) {
            "error"
        } else if f.category() != Category::Compatible && f.approved.is_none() {
            "warning"
        } else {
            "notice"
        };
        let title = format!("{} ({})", f.category().as_str(), f.rule);
        let mut text = format!("{}: {} ({})", f.at, f.message, effect(f));
        if let Some(why) = &f.approved {
            text.push_str(&format!(". Approved: {why}"));
        }
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},title={}::{}\n",
            gh_property(&new.name),
            gh_property(&title),
            gh_data(&text)
        ));
    }
    out.push_str(&format!("::notice title=sockspec diff::{}\n", gh_data(&summary(report, policy))));
    out
}

/// Markdown table cells: no line breaks, and `|` escaped.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn markdown(report: &Report, new: &SourceFile, policy: Policy) -> String {
    let lines = Lines::new(new);
    let mut out = String::from("## sockspec diff\n\n");
    out.push_str(&format!("{}\n", summary(report, policy)));
    if report.findings.is_empty() {
        return out;
    }
    out.push_str("\n| | category | where | change | breaks | rule |\n| --- | --- | --- | --- | --- | --- |\n");
    for f in &report.findings {
        let (line, _) = lines.line_col(f.span.start);
        let mark = if f.fails(policy.wire, policy.source) {
            "❌"
        } else if f.approved.is_some() {
            "✅ approved"
        } else if f.category() == Category::Compatible {
            "➖"
        } else {
            "⚠️"
        };
        let mut change = f.message.clone();
        if let Some(why) = &f.approved {
            change.push_str(&format!(" (approved: {why})"));
        }
        out.push_str(&format!(
            "| {mark} | {} | {} (line {line}) | {} | {} | `{}` |\n",
            f.category().as_str(),
            cell(&f.at),
            cell(&change),
            cell(&effect(f)),
            f.rule
        ));
    }
    out
}
