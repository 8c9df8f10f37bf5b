//! The Rust target's code for every example schema (`examples_NAME`), validator case
//! schema (`cases_NAME`), conformance schema (`conformance_NAME`) and this crate's own
//! schemas (`rust_NAME`, in `tests/schemas`), generated at build time by `sockspec-build`,
//! so `cargo build` and `cargo clippy` compile and lint all of it; `tests/` runs the
//! vectors through it.

/// A decoded frame, seen from outside: the message's name and its encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub name: &'static str,
    pub text: String,
}

/// One generated protocol and its two decoders.
#[derive(Clone, Copy, Debug)]
pub struct Protocol {
    /// `examples`, `cases`, `conformance` or `rust` (this crate's `tests/schemas`).
    pub group: &'static str,
    /// The schema's file stem.
    pub name: &'static str,
    /// The folder of the schema and its vectors, from the repository's root.
    pub folder: &'static str,
    pub client: fn(&str) -> Result<Frame, sockspec::DecodeError>,
    pub server: fn(&str) -> Result<Frame, sockspec::DecodeError>,
    /// The fast path of the client's decoder against its full decoder, on one frame.
    pub client_fast: fn(&str) -> FastVerdict,
    pub server_fast: fn(&str) -> FastVerdict,
    /// A frame read as the answer to a request (by its schema name) by the side's typed
    /// answer reader (`sockspec::Answers`): whether the client sent the frame, the request,
    /// the frame; `None` where the name is no request of the other side.
    pub answer: fn(bool, &str, &str) -> Option<Result<Answered, sockspec::DecodeError>>,
}

/// A frame read as an answer: the frame, and the typed result it carries (`Debug`-printed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub frame: Frame,
    pub result: Option<String>,
}

/// What a typed answer reader returned, seen from outside.
pub fn answered<M, T: std::fmt::Debug>(
    answer: Result<sockspec::Answer<M, T>, sockspec::DecodeError>,
    frame: impl FnOnce(&M) -> Frame,
) -> Result<Answered, sockspec::DecodeError> {
    answer.map(|a| Answered { frame: frame(&a.message), result: a.result.map(|r| format!("{r:?}")) })
}

impl Protocol {
    /// The folder of the schema and its vectors.
    pub fn dir(&self) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(self.folder)
    }
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
