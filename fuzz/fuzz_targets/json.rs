//! Any text through the strict JSON reader: no panic, an error's offset inside the text, and
//! the verdict of `serde_json` (whose nesting limit the reader shares) except where the
//! contract differs on purpose: duplicate member names are errors here, and numbers too
//! large for a double are kept as written rather than refused.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sockspec::json::{self, Reason};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    if let Err(e) = &ours {
        assert!(e.offset <= text.len(), "offset {} beyond the text ({} bytes)", e.offset, text.len());
    }
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Err(e), Ok(_)) => assert!(matches!(e.reason, Reason::DuplicateMember(_)), "{text:?}: we reject ({e}), serde_json accepts"),
        (Ok(_), Err(e)) => {
            assert!(e.to_string().starts_with("number out of range"), "{text:?}: we accept, serde_json says {e}")
        }
        _ => {}
    }
});
