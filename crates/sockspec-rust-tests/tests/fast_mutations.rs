//! The fast path of the generated decoders on broken and reshaped frames: every valid
//! vector of the repository, edited at random (a byte inserted, removed or replaced, a
//! member repeated, whitespace or an escape added, the members reordered), goes through
//! the fast path alone and through the full decoder. The fast path may bail on anything,
//! but what it accepts the full decoder accepts as the same value (docs/rust.md,
//! "Decoding").

use proptest::prelude::*;
use sockspec_rust_tests::{FastVerdict, PROTOCOLS, Protocol};
use sockspec_validator::Direction;
use sockspec_validator::vectors;

/// Every valid vector frame: its protocol, side and text.
fn frames() -> Vec<(&'static Protocol, Direction, String)> {
    let mut out = Vec::new();
    for p in PROTOCOLS {
        let dir = p.dir();
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{}.vectors.jsonl", p.name))) else { continue };
        for v in vectors::load(&text).expect("the vector file loads") {
            let fast = match v.from {
                Direction::Client => p.client_fast,
                Direction::Server => p.server_fast,
            };
            if fast(&v.frame) == FastVerdict::Same {
                out.push((p, v.from, v.frame));
            }
        }
    }
    out
}

/// Pieces that make JSON go wrong, or stay right in a way that is easy to get wrong.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    " ",
    "\t",
    "\n",
    "\u{a0}",
    "\u{feff}",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\u0041",
    "0",
    "-",
    "1.0",
    "1e2",
    "01",
    "-0",
    "null",
    "true",
    "x",
    "\u{1}",
    "é",
    "😀",
    "18446744073709551616",
    "9223372036854775808",
];

/// The byte offsets of `text` that start a character.
fn boundaries(text: &str) -> Vec<usize> {
    (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect()
}

fn edit(text: &str, kind: u8, at: usize, piece: usize, len: usize) -> String {
    let b = boundaries(text);
    let at = b[at % b.len()];
    let piece = PIECES[piece % PIECES.len()];
    let end = b.iter().copied().find(|&e| e > at).unwrap_or(at);
    let end = b.iter().copied().filter(|&e| e >= at).nth(len % 4).unwrap_or(end);
    match kind % 6 {
        // Insert a piece.
        0 => format!("{}{piece}{}", &text[..at], &text[at..]),
        // Remove a few characters.
        1 => format!("{}{}", &text[..at], &text[end..]),
        // Replace a few characters with a piece.
        2 => format!("{}{piece}{}", &text[..at], &text[end..]),
        // Repeat the first member at the end.
        3 => match (text.find('{'), text.find(',')) {
            (Some(open), Some(comma)) if comma > open && text.ends_with('}') => {
                format!("{},{}}}", &text[..text.len() - 1], &text[open + 1..comma])
            }
            _ => text.to_string(),
        },
        // Spell a letter of a member name as an escape (the same name, or a duplicate).
        4 => match text[at..].find("\":") {
            Some(q) if q > 0 && text[at..at + q].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let c = text[at..].chars().next().expect("a character");
                format!("{}\\u{:04x}{}", &text[..at], u32::from(c), &text[at + c.len_utf8()..])
            }
            _ => text.to_string(),
        },
        // Move the first member to the end (the tag no longer first).
        _ => match (text.find('{'), text.find(',')) {
            (Some(open), Some(comma)) if comma > open && text.ends_with('}') => {
                format!("{{{},{}}}", &text[comma + 1..text.len() - 1], &text[open + 1..comma])
            }
            _ => text.to_string(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_fast_path_accepts_only_what_the_full_decoder_accepts(
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let frames = frames();
        prop_assert!(frames.len() > 500, "the vectors were found ({})", frames.len());
        for (p, from, frame) in &frames {
            let mut text = frame.clone();
            for (kind, at, piece, len) in &edits {
                text = edit(&text, *kind, *at, *piece, *len);
            }
            let fast = match from {
                Direction::Client => p.client_fast,
                Direction::Server => p.server_fast,
            };
            if let FastVerdict::Wrong(why) = fast(&text) {
                prop_assert!(false, "{}/{}: {text}: {why}", p.group, p.name);
            }
        }
    }
}
