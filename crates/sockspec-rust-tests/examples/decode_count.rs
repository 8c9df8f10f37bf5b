//! The instruction-count driver of docs/performance.md ("Generated Rust"): `decode_count
//! WHAT N` runs one of the decode benchmark's functions N times on its frame. Run it under
//! `valgrind --tool=callgrind` with N and with 0 repetitions; the difference divided by N is
//! the instructions of one call, the same on every run (wall-clock time on a shared machine
//! is not).

use std::hint::black_box;

use sockspec_rust_tests::examples_chat::ClientMessage;

#[path = "../benches/support/hand.rs"]
mod hand;

use hand::{Client, FRAME, FRAME_TAG_LAST, SendMessage, json_schema};

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().expect("usage: decode_count WHAT N");
    let n: usize = args.next().and_then(|n| n.parse().ok()).expect("usage: decode_count WHAT N");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/chat.sockspec"))
        .expect("the example reads");
    let schema = sockspec_validator::check(&text).0.expect("the example is valid");
    let validator = sockspec_validator::Validator::new(&schema);
    let json_schema = jsonschema::validator_for(&json_schema()).expect("the JSON Schema compiles");
    let generated = ClientMessage::decode(FRAME).expect("valid");
    let hand = serde_json::from_str::<SendMessage>(FRAME).expect("valid");
    for _ in 0..n {
        match what.as_str() {
            "serde_struct" => drop(black_box(serde_json::from_str::<SendMessage>(black_box(FRAME)).expect("valid"))),
            "serde_enum" => drop(black_box(serde_json::from_str::<Client>(black_box(FRAME)).expect("valid"))),
            "generated" => drop(black_box(ClientMessage::decode(black_box(FRAME)).expect("valid"))),
            "generated_tag_last" => drop(black_box(ClientMessage::decode(black_box(FRAME_TAG_LAST)).expect("valid"))),
            "generated_full" => drop(black_box(ClientMessage::decode_full(black_box(FRAME)).expect("valid"))),
            "jsonschema" => {
                let v: serde_json::Value = serde_json::from_str(black_box(FRAME)).expect("JSON");
                assert!(json_schema.is_valid(&v));
                drop(black_box(v));
            }
            "dynamic" => drop(black_box(
                validator.validate(sockspec_validator::Direction::Client, black_box(FRAME)).expect("valid"),
            )),
            "encode_serde" => drop(black_box(serde_json::to_string(black_box(&hand)).expect("encodes"))),
            "encode_generated" => drop(black_box(black_box(&generated).encode())),
            other => panic!("unknown function {other}"),
        }
    }
}
