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
}

include!(concat!(env!("OUT_DIR"), "/protocols.rs"));
