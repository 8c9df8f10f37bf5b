//! Text from a schema or a frame made safe for a terminal: control and invisible characters
//! shown as code points, so no input can move the cursor, clear the screen or hide text.

use std::borrow::Cow;

/// Whether a character must not reach a terminal as it is: controls (C0, DEL, C1, but not
/// tab and line feed, which text is laid out with), format characters that are invisible or
/// reorder text (soft hyphen, zero-width characters, bidirectional controls, tags), line and
/// paragraph separators, and non-characters.
pub fn is_hidden(c: char) -> bool {
    match c {
        '\t' | '\n' => false,
        c if c.is_control() => true,
        '\u{00ad}'
        | '\u{034f}'
        | '\u{061c}'
        | '\u{115f}'
        | '\u{1160}'
        | '\u{17b4}'
        | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}'
        | '\u{fffe}'
        | '\u{ffff}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}' => true,
        _ => false,
    }
}

/// `text` with every hidden character (see [`is_hidden`]) written as `<U+XXXX>`; borrowed
/// when there is none. For one-line texts (messages, paths, names), line feeds and tabs are
/// escaped too.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| is_hidden(c) || c == '\n' || c == '\t')
}

/// Like [`escape`], but keeps line feeds and tabs: for texts that span lines.
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    escape_with(text, is_hidden)
}

fn escape_with(text: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&hide) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hide(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every hidden character replaced by visible ones of the same length in bytes
/// (`?` for each byte), so byte offsets into it still hold: for source snippets shown under
/// a diagnostic. A lone carriage return is masked too (it would move the cursor to the start
/// of the line); line feeds, tabs and CRLF line endings are kept.
pub fn mask(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // The CR of a CRLF line ending is the end of the line, as it was before.
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_hidden(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first `max` characters of `text`, and whether it was cut.
pub fn prefix(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown_as_code_points() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(escape("x\ny\u{202e}"), "x<U+000A>y<U+202E>");
        assert_eq!(escape_multiline("x\ny\r"), "x\ny<U+000D>");
        assert!(matches!(escape("plain café"), Cow::Borrowed(_)));
    }

    #[test]
    fn masking_keeps_byte_offsets() {
        let text = "a\u{1b}b\u{200b}c\u{85}d\u{e0041}\re\r\n";
        assert_eq!(mask(text).len(), text.len());
        assert_eq!(mask(text), "a?b???c??d?????e\r\n");
    }

    #[test]
    fn prefixes_cut_on_characters() {
        assert_eq!(prefix("héllo", 2), ("hé", true));
        assert_eq!(prefix("hé", 2), ("hé", false));
    }
}
