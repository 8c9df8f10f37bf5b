//! Reads a recorded dictation session (JSON Lines, frames from both sides) with the module
//! generated from `examples/dictation.sockspec`, prints what happened, and writes the
//! session back out frame by frame through the generated encoders: the Rust client's half
//! of the example whose Python half is `../python/session.py`.
//!
//! ```sh
//! cargo run -p dictation-session -- examples/dictation.session.jsonl written.jsonl
//! ```
//!
//! Exit status 1 when a frame is not a valid message (its errors are printed), or when a
//! frame written back means something else than the frame read; 2 when a file cannot be
//! read or written.

use std::process::ExitCode;

// A program uses part of its protocol (this one never builds a `CloseCode`): the
// generated items it leaves unused are not worth a warning each.
#[allow(dead_code)]
mod dictation {
    sockspec::include_protocol!("dictation"); // generated: never edited by hand
}

use dictation::{ClientMessage, ServerMessage};

/// A frame of the recording: which side sent it, as its typed value.
#[derive(Debug, PartialEq)]
enum Message {
    Client(ClientMessage),
    Server(ServerMessage),
}

impl Message {
    fn encode(&self) -> String {
        match self {
            Message::Client(m) => m.encode(),
            Message::Server(m) => m.encode(),
        }
    }
}

/// Reads a frame as the client's, else as the server's; the errors reported are those of
/// the side whose verdict says more than "no such tag".
fn read(frame: &str) -> Result<Message, sockspec::DecodeError> {
    match ClientMessage::decode(frame) {
        Ok(m) => Ok(Message::Client(m)),
        Err(from_client) => match ServerMessage::decode(frame) {
            Ok(m) => Ok(Message::Server(m)),
            Err(from_server) => {
                let unknown_tag = from_client.errors.first().is_some_and(|e| e.code.as_str() == "unknown_tag");
                Err(if unknown_tag { from_server } else { from_client })
            }
        },
    }
}

fn describe(message: &Message) -> String {
    match message {
        Message::Client(ClientMessage::StartSession(start)) => {
            format!(
                "start ({}, language {})",
                start.mode.as_str(),
                start.preferred_lang.as_deref().unwrap_or("detected")
            )
        }
        Message::Server(ServerMessage::SessionStarted(started)) => {
            format!("started on {} at {} Hz", started.model, started.sample_rate_hz)
        }
        Message::Server(ServerMessage::InterimText(interim)) => format!("interim #{}: {:?}", interim.seq, interim.text),
        Message::Server(ServerMessage::AudioLevel(level)) => format!("level {:.0} dBFS", level.rms_db),
        Message::Server(ServerMessage::FinalResult(result)) => {
            let timed: Vec<String> = result.words.iter().map(|w| format!("{}@{}ms", w.text, w.start_ms)).collect();
            format!("final {:?} ({:.0}%; {})", result.text, result.confidence * 100.0, timed.join(", "))
        }
        Message::Server(ServerMessage::SessionEnded(ended)) => format!("ended: {}", ended.reason.as_str()),
        Message::Client(other) => other.name().to_string(),
        Message::Server(other) => other.name().to_string(),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: dictation-session [SESSION.jsonl] [WRITTEN.jsonl]");
        println!("reads a recorded dictation session, prints each frame, and writes it back out");
        return ExitCode::SUCCESS;
    }
    let source = args.first().map_or("examples/dictation.session.jsonl", String::as_str);
    let text = match std::fs::read_to_string(source) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot read {source}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut written = String::new();
    for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        if line.trim().is_empty() {
            continue;
        }
        let message = match read(line) {
            Ok(message) => message,
            Err(e) => {
                for error in &e.errors {
                    let path = if error.path.is_empty() { "(frame)" } else { &error.path };
                    eprintln!("line {number}: {path}: {}: {}", error.code.as_str(), error.message);
                }
                return ExitCode::FAILURE;
            }
        };
        let side = if matches!(message, Message::Client(_)) { "client" } else { "server" };
        println!("{side:6} {}", describe(&message));
        // What is written back reads as the same message, with the defaults made explicit.
        let frame = message.encode();
        match read(&frame) {
            Ok(again) if again == message => {}
            _ => {
                eprintln!("line {number}: written back as {frame}, which reads differently");
                return ExitCode::FAILURE;
            }
        }
        written.push_str(&frame);
        written.push('\n');
    }
    if let Some(target) = args.get(1)
        && let Err(e) = std::fs::write(target, written)
    {
        eprintln!("error: cannot write {target}: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
