//! Decode + validate of a realistic chat frame (`examples/chat.sockspec`, `SendMessage`,
//! 230 bytes) with the generated Rust, in the same run as: serde derive into an equivalent
//! hand-written struct (no validation), as a single struct and as a `#[serde(tag = "type")]`
//! enum; `serde_json::Value` + the `jsonschema` crate against an equivalent JSON Schema; the
//! dynamic validator. Also the generated decoder on the same frame with the tag last, and its
//! full decoder alone (the path it takes on an invalid frame). And encode: generated vs serde
//! derive. Method and numbers:
//! docs/performance.md. Run: `cargo bench -p sockspec-rust-tests --bench decode`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sockspec_rust_tests::examples_chat::ClientMessage;

#[path = "support/hand.rs"]
mod hand;

use hand::{Client, FRAME, FRAME_TAG_LAST, SendMessage, json_schema};

fn decode(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/chat.sockspec"))
        .expect("the example reads");
    let (schema, _) = sockspec_validator::check(&text);
    let schema = schema.expect("the example is valid");
    let validator = sockspec_validator::Validator::new(&schema);
    let json_schema = jsonschema::validator_for(&json_schema()).expect("the JSON Schema compiles");
    assert!(matches!(ClientMessage::decode(FRAME), Ok(ClientMessage::SendMessage(_))));
    // The fast path reads both frames, and as the full decoder does.
    let full = ClientMessage::decode_full(FRAME).expect("valid");
    assert_eq!(ClientMessage::decode_fast(FRAME).as_ref(), Some(&full));
    assert_eq!(ClientMessage::decode_fast(FRAME_TAG_LAST).as_ref(), Some(&full));
    assert!(validator.validate(sockspec_validator::Direction::Client, FRAME).is_ok());
    assert!(json_schema.is_valid(&serde_json::from_str(FRAME).expect("JSON")));
    serde_json::from_str::<SendMessage>(FRAME).expect("the hand-written struct reads the frame");
    serde_json::from_str::<Client>(FRAME).expect("the hand-written enum reads the frame");

    let mut g = c.benchmark_group("decode");
    g.bench_function("serde derive struct (no validation)", |b| {
        b.iter(|| serde_json::from_str::<SendMessage>(black_box(FRAME)).expect("valid"))
    });
    g.bench_function("serde derive tagged enum (no validation)", |b| {
        b.iter(|| serde_json::from_str::<Client>(black_box(FRAME)).expect("valid"))
    });
    g.bench_function("generated decode + validate", |b| {
        b.iter(|| ClientMessage::decode(black_box(FRAME)).expect("valid"))
    });
    g.bench_function("generated decode, the tag last", |b| {
        b.iter(|| ClientMessage::decode(black_box(FRAME_TAG_LAST)).expect("valid"))
    });
    g.bench_function("generated full decoder alone (no fast path)", |b| {
        b.iter(|| ClientMessage::decode_full(black_box(FRAME)).expect("valid"))
    });
    g.bench_function("serde_json::Value + jsonschema", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(FRAME)).expect("JSON");
            assert!(json_schema.is_valid(&v));
            v
        })
    });
    g.bench_function("dynamic validator", |b| {
        b.iter(|| validator.validate(sockspec_validator::Direction::Client, black_box(FRAME)).expect("valid"))
    });
    g.finish();

    let generated = ClientMessage::decode(FRAME).expect("valid");
    let hand = serde_json::from_str::<SendMessage>(FRAME).expect("valid");
    let mut g = c.benchmark_group("encode");
    g.bench_function("serde derive struct", |b| b.iter(|| serde_json::to_string(black_box(&hand)).expect("encodes")));
    g.bench_function("generated encode", |b| b.iter(|| black_box(&generated).encode()));
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
