//! Every vector of `examples/`, of the validator's cases, of `conformance/` and of this
//! crate's `tests/schemas` through the generated Rust decoders (and a vector with
//! `"answers"` through the typed answer reader, `sockspec::Answers`): the same verdict as
//! the vector (and so as the dynamic validator), the same `(path, code)` set; and every
//! valid frame round-trips: its encoding decodes to the same value, and the dynamic
//! validator accepts the encoding as the same message.

use std::collections::BTreeSet;

use sockspec_model::{MessageId, Reply, Schema};
use sockspec_rust_tests::{Answered, Frame, PROTOCOLS, Protocol};
use sockspec_validator::vectors::{self, Actual};
use sockspec_validator::{Direction, ErrorCode, ValidationError, Validator};

fn decode(p: &Protocol, from: Direction, frame: &str) -> Result<Frame, sockspec::DecodeError> {
    match from {
        Direction::Client => (p.client)(frame),
        Direction::Server => (p.server)(frame),
    }
}

fn code(c: sockspec::ErrorCode) -> ErrorCode {
    ErrorCode::from_name(c.as_str()).expect("the runtime's codes are the validator's")
}

#[test]
fn generated_decoders_agree_with_every_vector() {
    let mut failures = Vec::new();
    let (mut total, mut answers) = (0, 0);
    for p in PROTOCOLS {
        let dir = p.dir();
        let Ok(vectors_text) = std::fs::read_to_string(dir.join(format!("{}.vectors.jsonl", p.name))) else {
            continue;
        };
        answers += vectors_text.lines().filter(|line| line.contains("\"answers\":")).count();
        total += check_vectors(p, &vectors_text, &mut failures);
    }
    assert!(total > 2000, "the vectors were found ({total})");
    // Frames read as the answer to a request (`"answers"`) go through the answer readers.
    assert!(answers > 60, "the answer vectors were found ({answers})");
    assert!(failures.is_empty(), "{} of {total} vectors disagree:\n{}", failures.len(), failures.join("\n"));
}

/// A vector's frame through the generated code: decoded from its side, or read as the
/// answer to its request by the typed answer reader.
fn judge(p: &Protocol, v: &vectors::Vector) -> Result<Answered, sockspec::DecodeError> {
    match &v.answers {
        None => decode(p, v.from, &v.frame).map(|frame| Answered { frame, result: None }),
        Some(request) => (p.answer)(v.from == Direction::Client, request, &v.frame)
            .unwrap_or_else(|| panic!("{}: {request:?} is no request the other side sends", p.name)),
    }
}

/// Whether an answer carries a typed result, as the model says: a result frame of a request
/// with a result type, or a typed reply of the request whose content member is there.
fn carries_result(schema: &Schema, request: &str, is: &str, frame: &str) -> bool {
    let Some(r) = schema.message_named(request).and_then(|id| schema.message(id).request.as_ref()) else {
        return false;
    };
    if is == "@result" {
        return r.replies.iter().any(|reply| matches!(reply, Reply::Result(_)));
    }
    let Some(id) = schema.message_named(is) else { return false };
    let typed = r.replies.iter().any(|reply| matches!(reply, Reply::Typed { message, .. } if *message == id));
    let content = schema.message(id).content.as_deref();
    let value: serde_json::Value = serde_json::from_str(frame).expect("a valid frame");
    typed && content.is_some_and(|c| value.get(c).is_some())
}

/// Checks one vector file of a protocol: the vectors' verdicts, the same `(path, code)`
/// sets as the dynamic validator, typed results where the model says an answer carries
/// one, round trips of valid frames. Returns the number of vectors.
fn check_vectors(p: &Protocol, vectors_text: &str, failures: &mut Vec<String>) -> usize {
    let dir = p.dir();
    let text = std::fs::read_to_string(dir.join(format!("{}.sockspec", p.name))).expect("the schema reads");
    let (schema, diagnostics) = sockspec_validator::check(&text);
    let schema = schema.unwrap_or_else(|| panic!("{}: {diagnostics:?}", p.name));
    let validator = Validator::new(&schema);
    let vectors = vectors::load(vectors_text).expect("the vector file loads");
    let report = vectors::run_with(&vectors, |v| match judge(p, v) {
        Ok(answered) => Actual::Ok { is: answered.frame.name.to_string() },
        Err(e) => Actual::Errors(
            e.errors
                .into_iter()
                .map(|e| ValidationError { path: e.path, code: code(e.code), message: e.message })
                .collect(),
        ),
    });
    for f in &report.failures {
        failures.push(format!("{}/{}: {f}", p.group, p.name));
    }
    // The same set as the dynamic validator, frame by frame (a vector states it, but
    // this holds for frames whose vectors say only "ok").
    for v in &vectors {
        let dynamic = match &v.answers {
            None => validator.validate(v.from, &v.frame),
            Some(request) => {
                let id = schema.message_named(request).unwrap_or(MessageId(u32::MAX));
                validator.validate_answer(id, v.from, &v.frame)
            }
        };
        let generated = judge(p, v);
        let same = match (&dynamic, &generated) {
            (Ok(kind), Ok(answered)) => validator.frame_name(*kind) == answered.frame.name,
            (Err(a), Err(b)) => {
                let a: BTreeSet<(String, String)> =
                    a.iter().map(|e| (e.path.clone(), e.code.as_str().to_string())).collect();
                let b: BTreeSet<(String, String)> =
                    b.errors.iter().map(|e| (e.path.clone(), e.code.as_str().to_string())).collect();
                a == b
            }
            _ => false,
        };
        if !same {
            failures.push(format!(
                "{}/{} line {} {:?}: dynamic {dynamic:?}, generated {generated:?}",
                p.group, p.name, v.line, v.name
            ));
        }
        let Ok(Answered { frame, result }) = &generated else { continue };
        // An answer's typed result is there exactly where the model says it is.
        if let Some(request) = &v.answers
            && result.is_some() != carries_result(&schema, request, frame.name, &v.frame)
        {
            failures.push(format!(
                "{}/{} line {} {:?}: the answer's result is {result:?}",
                p.group, p.name, v.line, v.name
            ));
        }
        // Round trip of valid frames.
        match decode(p, v.from, &frame.text) {
            Ok(again) if again == *frame => {}
            other => failures.push(format!(
                "{}/{} line {} {:?}: encoded as {}, which decodes to {other:?}",
                p.group, p.name, v.line, v.name, frame.text
            )),
        }
        match validator.validate(v.from, &frame.text) {
            Ok(kind) if validator.frame_name(kind) == frame.name => {}
            other => failures.push(format!(
                "{}/{} line {} {:?}: the dynamic validator says {other:?} of the encoding {}",
                p.group, p.name, v.line, v.name, frame.text
            )),
        }
    }
    report.total
}

/// The fast path of every generated decoder against its full decoder, on every vector: it
/// never accepts what the full decoder rejects, never reads another value, and bails on as
/// few valid frames as the list below says (each with its reason).
#[test]
fn the_fast_path_never_disagrees_with_the_full_decoder() {
    use sockspec_rust_tests::FastVerdict;
    let mut wrong = Vec::new();
    let (mut valid, mut fast, mut bailed) = (0, 0, Vec::new());
    for p in PROTOCOLS {
        let dir = p.dir();
        let Ok(vectors_text) = std::fs::read_to_string(dir.join(format!("{}.vectors.jsonl", p.name))) else {
            continue;
        };
        let vectors = vectors::load(&vectors_text).expect("the vector file loads");
        for v in &vectors {
            let verdict = match v.from {
                Direction::Client => (p.client_fast)(&v.frame),
                Direction::Server => (p.server_fast)(&v.frame),
            };
            let at = format!("{}/{} line {} {:?}", p.group, p.name, v.line, v.name);
            match verdict {
                FastVerdict::Same => {
                    valid += 1;
                    fast += 1;
                }
                FastVerdict::Bailed { full_ok: true } => {
                    valid += 1;
                    bailed.push(at);
                }
                FastVerdict::Bailed { full_ok: false } => {}
                FastVerdict::Wrong(why) => wrong.push(format!("{at}: {why}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{} frames:\n{}", wrong.len(), wrong.join("\n"));
    eprintln!(
        "the fast path read {fast} of {valid} valid vectors; it bailed on {}:\n{}",
        bailed.len(),
        bailed.join("\n")
    );
    assert!(valid > 500, "the vectors were found ({valid})");
}

/// An open `enum X: int` keeps a value it does not know exactly, at any size, and writes
/// it back as it came (it was `i128::MAX` beyond `i128`).
#[test]
fn open_int_enums_keep_values_beyond_128_bits() {
    use sockspec_rust_tests::cases_enums::{ClientMessage, Code};
    let big = "-1234567890123456789012345678901234567890123";
    let frame = format!(r#"{{"type":"paint","code":{big}}}"#);
    let Ok(ClientMessage::Paint(paint)) = ClientMessage::decode(&frame) else { panic!("{frame} decodes") };
    assert_eq!(paint.code.as_ref().map(|c| c.value()), Some(i128::MIN));
    assert!(matches!(&paint.code, Some(Code::Unknown(n)) if n.as_str() == big), "{:?}", paint.code);
    assert_eq!(ClientMessage::Paint(paint).encode(), frame);
    let Ok(ClientMessage::Paint(small)) = ClientMessage::decode(r#"{"type":"paint","code":-0}"#) else {
        panic!("-0 decodes")
    };
    assert!(matches!(&small.code, Some(Code::Ok)), "{:?}", small.code);
    let Ok(ClientMessage::Paint(seven)) = ClientMessage::decode(r#"{"type":"paint","code":7}"#) else {
        panic!("7 decodes")
    };
    assert_eq!(seven.code, Some(Code::Unknown(sockspec::IntLiteral::from(7))));
}

/// JSON-RPC `params` are left out where the message declares no fields (docs/language.md
/// §11), as the other targets write them.
#[test]
fn json_rpc_messages_without_fields_are_written_without_params() {
    let p = PROTOCOLS.iter().find(|p| p.group == "examples" && p.name == "jsonrpc").expect("the example");
    for (frame, written) in [
        (r#"{"jsonrpc":"2.0","method":"exit"}"#, r#"{"jsonrpc":"2.0","method":"exit"}"#),
        (r#"{"jsonrpc":"2.0","method":"exit","params":{}}"#, r#"{"jsonrpc":"2.0","method":"exit"}"#),
        (r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#, r#"{"jsonrpc":"2.0","method":"shutdown","id":1}"#),
    ] {
        let f = decode(p, Direction::Client, frame).expect("valid");
        assert_eq!(f.text, written, "{frame}");
    }
}
