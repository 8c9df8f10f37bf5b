//! Renders diagnostics like rustc (for people) or as JSON (for tools). Pure: returns text.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, LabelStyle, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor::Buffer};
use serde::Serialize;

use crate::{Diagnostic, Severity, Span};

/// A schema file's name (as the user gave it) and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile { name: name.into(), text: text.into() }
    }

    /// A schema file from its bytes: a UTF-8 byte order mark is dropped, and bytes that are
    /// not UTF-8 are replaced (U+FFFD) and reported as S0104 at the first of them, so a
    /// file in the wrong encoding is a bad schema, not a tool failure.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> (SourceFile, Option<Diagnostic>) {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => (SourceFile::new(name, text), None),
            Err(e) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let at = e.valid_up_to();
                // The replacement character is three bytes in the decoded text.
                let span = Span::new(at, (at + 3).min(text.len()));
                let diag = Diagnostic::error("S0104", "the file is not UTF-8 text", span, "not UTF-8")
                    .with_help("save the schema as UTF-8");
                (SourceFile::new(name, text), Some(diag))
            }
        }
    }

    /// 1-based line and column (in characters) of a byte offset. Reads the text up to the
    /// offset: for many offsets, `render_json` finds them all in one pass.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let text = unified_line_breaks(&self.text);
        let offset = (offset as usize).min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

/// The most characters of one message, label, note or help shown (well above any the
/// compiler writes itself, such as the list of settings a block takes): they quote names from
/// the schema, and a 100,000-character name must not be printed whole for each mention.
const MAX_MESSAGE_CHARS: usize = 1000;

fn shorten(text: &str) -> String {
    match crate::prefix(text, MAX_MESSAGE_CHARS) {
        (all, false) => all.to_string(),
        (cut, true) => format!("{cut}… ({} characters)", text.chars().count()),
    }
}

/// The text with every lone CR (one not followed by LF) as LF: the lexer ends a line at
/// either, so line numbers must too (a file with CR-only line endings would otherwise be
/// one line). Each is one byte, so every span still points at the same place.
fn unified_line_breaks(text: &str) -> std::borrow::Cow<'_, str> {
    let lone = |i: usize| text.as_bytes().get(i + 1) != Some(&b'\n');
    if !text.bytes().enumerate().any(|(i, b)| b == b'\r' && lone(i)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes: Vec<u8> = text.bytes().enumerate().map(|(i, b)| if b == b'\r' && lone(i) { b'\n' } else { b }).collect();
    std::borrow::Cow::Owned(String::from_utf8(bytes).expect("a CR replaced by a LF keeps UTF-8 valid"))
}

/// The longest source line shown under a diagnostic, in bytes.
const MAX_SNIPPET_LINE: usize = 1000;

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The 1-based line and column (in characters) of each offset, in one pass over `text`.
fn line_cols(text: &str, offsets: impl Iterator<Item = u32>) -> std::collections::HashMap<u32, (usize, usize)> {
    let mut sorted: Vec<u32> = offsets.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = std::collections::HashMap::with_capacity(sorted.len());
    let (mut line, mut column) = (1usize, 1usize);
    let mut chars = text.char_indices().peekable();
    for key in sorted {
        let offset = (key as usize).min(text.len());
        while let Some(&(i, c)) = chars.peek() {
            if i >= offset {
                break;
            }
            chars.next();
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        out.insert(key, (line, column));
    }
    out
}

/// Renders diagnostics as a person reads them: `error[S0201]: ...`, the file, line and
/// column, the source line underlined, then notes and help.
///
/// Nothing from the schema reaches the terminal raw: control and invisible characters in
/// the file name, messages, labels and notes are shown as `<U+XXXX>`, and in the source
/// snippet they are masked with `?` (one per byte, so the spans still point right).
pub fn render_human(file: &SourceFile, diagnostics: &[Diagnostic], color: bool) -> String {
    let name = crate::escape(&file.name);
    let source = unified_line_breaks(&file.text);
    let text = crate::mask(&source);
    let files = SimpleFile::new(name.as_ref(), text.as_ref());
    let mut buffer = if color { Buffer::ansi() } else { Buffer::no_color() };
    let config = Config::default();
    // A label on a very long line (a generated one-line schema) is not shown under its
    // line: that would print the whole line once per diagnostic. Its place is a note.
    let starts = line_starts(&source);
    let line_len = |offset: u32| {
        let at = starts.partition_point(|s| *s <= offset as usize).saturating_sub(1);
        starts.get(at + 1).copied().unwrap_or(source.len()) - starts[at]
    };
    let on_long_line =
        |l: &crate::Label| line_len(l.span.start) > MAX_SNIPPET_LINE || line_len(l.span.end) > MAX_SNIPPET_LINE;
    let long: Vec<bool> =
        diagnostics.iter().map(|d| std::iter::once(&d.primary).chain(&d.secondary).any(on_long_line)).collect();
    let positions = line_cols(
        &source,
        diagnostics
            .iter()
            .zip(&long)
            .filter(|(_, long)| **long)
            .flat_map(|(d, _)| std::iter::once(&d.primary).chain(&d.secondary))
            .map(|l| l.span.start),
    );
    for (diag, long) in diagnostics.iter().zip(long) {
        let severity = match diag.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let clamp = |span: Span| {
            let len = file.text.len();
            (span.start as usize).min(len)..(span.end as usize).min(len)
        };
        let esc = |t: &str| shorten(&crate::escape(t));
        let mut labels = vec![
            CsLabel::new(LabelStyle::Primary, (), clamp(diag.primary.span)).with_message(esc(&diag.primary.message)),
        ];
        labels.extend(
            diag.secondary
                .iter()
                .map(|l| CsLabel::new(LabelStyle::Secondary, (), clamp(l.span)).with_message(esc(&l.message))),
        );
        let mut notes: Vec<String> = Vec::new();
        if long {
            for (l, what) in std::iter::once((&diag.primary, "here")).chain(diag.secondary.iter().map(|l| (l, "also")))
            {
                let (line, column) = positions.get(&l.span.start).copied().unwrap_or((1, 1));
                notes.push(format!("{what}: {name}:{line}:{column}: {}", esc(&l.message)));
            }
            labels.clear();
        }
        notes.extend(diag.notes.iter().map(|n| format!("note: {}", shorten(&crate::escape_multiline(n)))));
        if let Some(help) = &diag.help {
            notes.push(format!("help: {}", shorten(&crate::escape_multiline(help))));
        }
        let cs = CsDiagnostic::new(severity)
            .with_code(diag.code)
            .with_message(esc(&diag.message))
            .with_labels(labels)
            .with_notes(notes);
        // Writing into an in-memory buffer cannot fail, and the spans were clamped above.
        term::emit_to_write_style(&mut buffer, &config, &files, &cs).expect("rendering into memory");
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    start: JsonPosition,
    end: JsonPosition,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    primary: JsonLabel<'a>,
    secondary: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
}

/// One JSON object per diagnostic (`file`, `code`, `severity`, `message`, `primary` and
/// `secondary` labels with 1-based `line`/`column` and byte `offset`, `help`, `notes`).
pub fn render_json<'a>(file: &'a SourceFile, diagnostics: &'a [Diagnostic]) -> Vec<serde_json::Value> {
    // Every offset's line and column, found in one pass over the text (not one pass per
    // label, which made 30,000 diagnostics take seconds).
    let offsets = diagnostics.iter().flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary));
    let positions = line_cols(&unified_line_breaks(&file.text), offsets.flat_map(|l| [l.span.start, l.span.end]));
    let pos = |offset: u32| {
        let (line, column) = positions.get(&offset).copied().unwrap_or((1, 1));
        JsonPosition { line, column, offset }
    };
    let label = |l: &'a crate::Label| JsonLabel { start: pos(l.span.start), end: pos(l.span.end), message: &l.message };
    diagnostics
        .iter()
        .map(|d| {
            let json = JsonDiagnostic {
                file: &file.name,
                code: d.code,
                severity: d.severity,
                message: &d.message,
                primary: label(&d.primary),
                secondary: d.secondary.iter().map(label).collect(),
                help: d.help.as_deref(),
                notes: &d.notes,
            };
            serde_json::to_value(json).expect("diagnostics serialize")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_hidden_reaches_the_terminal() {
        let text = "protocol p {}\n\u{1b}[2J\u{202e}";
        let (_, diags) = crate::parse(text);
        let file = SourceFile::new("a\u{1b}b\nline 1: ok", text);
        let out = render_human(&file, &diags, false);
        assert!(!out.chars().any(|c| crate::is_hidden(c) && c != '\n'), "{out:?}");
        assert!(out.contains("a<U+001B>b<U+000A>line 1: ok"), "{out}");
        assert!(out.contains("unexpected character U+001B"), "{out}");
    }

    #[test]
    fn long_lines_are_not_shown_under_each_diagnostic() {
        let text = "x ".repeat(10_000);
        let diags: Vec<Diagnostic> =
            (0..500).map(|i| Diagnostic::error("S0101", "bad", Span::new(i * 20, i * 20 + 1), "this")).collect();
        let out = render_human(&SourceFile::new("long.sockspec", text.as_str()), &diags, false);
        assert!(out.len() < diags.len() * 300, "{} bytes for {} diagnostics", out.len(), diags.len());
        assert!(out.contains("here: long.sockspec:1:"), "{}", &out[..500]);
    }

    #[test]
    fn json_positions_are_lines_and_characters() {
        let text = "protocol p {}\nstruct é { x }";
        let (_, diags) = crate::parse(text);
        let json = render_json(&SourceFile::new("f", text), &diags);
        for (d, j) in diags.iter().zip(&json) {
            let (line, column) = SourceFile::new("f", text).line_col(d.primary.span.start);
            assert_eq!(
                (j["primary"]["start"]["line"].as_u64(), j["primary"]["start"]["column"].as_u64()),
                (Some(line as u64), Some(column as u64))
            );
        }
        assert!(!json.is_empty());
    }
}
