//! The Rust target's code for every example schema (`examples_NAME`) and validator case
//! schema (`cases_NAME`), generated at build time by `sockspec-build`, so `cargo build` and
//! `cargo clippy` compile and lint all of it; `tests/` runs the vectors through it.

/// A decoded frame, seen from outside: the message's name and its encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub name: &'static str,
    pub text: String,
}

/// One generated protocol and its two decoders.
#[derive(Clone, Copy, Debug)]
pub struct Protocol {
    /// `examples` or `cases`.
    pub group: &'static str,
    /// The schema's file stem.
    pub name: &'static str,
    pub client: fn(&str) -> Result<Frame, sockspec::DecodeError>,
    pub server: fn(&str) -> Result<Frame, sockspec::DecodeError>,
    /// The fast path of the client's decoder against its full decoder, on one frame.
    pub client_fast: fn(&str) -> FastVerdict,
    pub server_fast: fn(&str) -> FastVerdict,
}

/// How a decoder's fast path did on a frame, against the full decoder (docs/rust.md,
/// "Decoding").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FastVerdict {
    /// Both accept the frame, as equal values.
    Same,
    /// The fast path bailed; whether the full decoder accepts the frame.
    Bailed { full_ok: bool },
    /// The fast path accepted a frame the full decoder rejects, or read another value: a bug.
    Wrong(String),
}

/// The verdict of a fast path's answer against the full decoder's.
pub fn fast_verdict<T: PartialEq + std::fmt::Debug>(
    fast: Option<T>,
    full: Result<T, sockspec::DecodeError>,
) -> FastVerdict {
    match (fast, full) {
        (Some(a), Ok(b)) if a == b => FastVerdict::Same,
        (Some(a), Ok(b)) => FastVerdict::Wrong(format!("the fast path reads {a:?}, the full decoder {b:?}")),
        (Some(a), Err(e)) => FastVerdict::Wrong(format!("the fast path accepts {a:?}, the full decoder says {e}")),
        (None, full) => FastVerdict::Bailed { full_ok: full.is_ok() },
    }
}

include!(concat!(env!("OUT_DIR"), "/protocols.rs"));
