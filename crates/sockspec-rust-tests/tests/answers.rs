//! The typed answer readers (`sockspec::Answers`, `ServerMessage::decode_answer::<R>`) as
//! a user and the coming runtime client call them: the result is a value of the request's
//! result type, with the request's types (`tests/vectors.rs` checks their verdicts on
//! every answer vector against the dynamic validator).

use sockspec::{Answer, Answers, DecodeError, ErrorCode, Request};
use sockspec_rust_tests::{conformance_framing, conformance_jsonrpc, examples_home_assistant, rust_answers};

/// What a client runtime does with the frame that answers its request `R`: generic over the
/// request, through the traits alone.
fn result_of<R: Request, In: Answers<R>>(text: &str) -> Result<Option<R::Result>, DecodeError> {
    Ok(In::decode_answer(text)?.result)
}

fn codes(e: &DecodeError) -> Vec<(&str, ErrorCode)> {
    e.errors.iter().map(|e| (e.path.as_str(), e.code)).collect()
}

#[test]
fn a_typed_reply_gives_the_requests_result_type() {
    use conformance_framing::{ServerMessage, Status, StatusResult};
    fn ready(answer: &Answer<ServerMessage, StatusResult>) -> Option<bool> {
        answer.result.as_ref().map(|r| r.ready)
    }
    let text = r#"{"type": "success", "id": 1, "result": {"ready": true, "message": "up"}}"#;
    let answer = ServerMessage::decode_answer::<Status>(text).expect("an answer");
    assert_eq!(ready(&answer), Some(true));
    assert_eq!(answer.result.as_ref().map(|r| r.message.as_str()), Some("up"));
    // The message is what `decode` reads.
    assert_eq!(Ok(&answer.message), ServerMessage::decode(text).as_ref());
    assert!(matches!(answer.message, ServerMessage::Success(_)));
    // The same through the traits, as a runtime would call it.
    let result = result_of::<Status, ServerMessage>(text).expect("an answer");
    assert_eq!(result.map(|r| r.ready), Some(true));

    let error = r#"{"type": "error", "id": 1, "error": "unknown command", "message": "no"}"#;
    let answer = ServerMessage::decode_answer::<Status>(error).expect("the error message answers");
    assert!(matches!(&answer.message, ServerMessage::ErrorResponse(e) if e.error == "unknown command"));
    assert_eq!(answer.result, None);

    let bad = r#"{"type": "success", "id": 1, "result": {"ready": "yes", "message": ""}}"#;
    assert!(ServerMessage::decode(bad).is_ok(), "a valid frame on its own");
    let e = ServerMessage::decode_answer::<Status>(bad).expect_err("not a StatusResult");
    assert_eq!(codes(&e), [("/result/ready", ErrorCode::WrongType)]);

    let pong = r#"{"type": "pong"}"#;
    let e = ServerMessage::decode_answer::<Status>(pong).expect_err("no reply of Status");
    assert_eq!(codes(&e), [("", ErrorCode::UnknownTag)]);
}

#[test]
fn a_reply_without_a_typed_result_carries_none() {
    use conformance_framing::{Run, ServerMessage};
    let answer: Answer<ServerMessage, std::convert::Infallible> =
        ServerMessage::decode_answer::<Run>(r#"{"type": "started", "run_id": "r1"}"#).expect("the reply");
    assert!(matches!(&answer.message, ServerMessage::Started(s) if s.run_id == "r1"));
    assert!(answer.result.is_none());
}

#[test]
fn json_rpc_results_are_typed() {
    use conformance_jsonrpc::{
        ClientMessage, Configuration, HoverRequest, Initialize, InitializeResult, ServerMessage,
    };
    fn capabilities(answer: &Answer<ServerMessage, InitializeResult>) -> Option<&serde_json::Value> {
        answer.result.as_ref().map(|r| &r.capabilities)
    }
    let text = r#"{"jsonrpc": "2.0", "id": 1, "result": {"capabilities": {"hoverProvider": true}}}"#;
    let answer = ServerMessage::decode_answer::<Initialize>(text).expect("an answer");
    assert_eq!(capabilities(&answer), Some(&serde_json::json!({"hoverProvider": true})));
    assert!(matches!(answer.message, ServerMessage::RpcResult(_)));

    // `Hover | null`: `null` is a value of the result, `Some(None)`.
    let null = ServerMessage::decode_answer::<HoverRequest>(r#"{"jsonrpc": "2.0", "id": "h", "result": null}"#);
    assert_eq!(null.expect("an answer").result, Some(None));
    let hover = r#"{"jsonrpc": "2.0", "id": "h", "result": {"contents": "docs"}}"#;
    let contents = result_of::<HoverRequest, ServerMessage>(hover).expect("an answer").flatten().map(|h| h.contents);
    assert_eq!(contents.as_deref(), Some("docs"));

    // An error frame answers every request and carries no result.
    let error = r#"{"jsonrpc": "2.0", "id": 1, "error": {"code": -32600, "message": "bad"}}"#;
    let answer = ServerMessage::decode_answer::<Initialize>(error).expect("an answer");
    assert!(matches!(answer.message, ServerMessage::RpcError(_)));
    assert_eq!(answer.result, None);

    // The client answers the server's request.
    let list = r#"{"jsonrpc": "2.0", "id": 9, "result": [{"tabSize": 4}, null]}"#;
    let items: Option<Vec<serde_json::Value>> = ClientMessage::decode_answer::<Configuration>(list).expect("ok").result;
    assert_eq!(items, Some(vec![serde_json::json!({"tabSize": 4}), serde_json::Value::Null]));

    let e = ServerMessage::decode_answer_bytes::<Initialize>(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": \xff}")
        .expect_err("not UTF-8");
    assert_eq!(codes(&e), [("", ErrorCode::InvalidJson)]);
}

#[test]
fn a_typed_reply_of_a_list_gives_the_list() {
    use examples_home_assistant::{GetStates, ServerMessage, State};
    let text =
        r#"{"id": 19, "type": "result", "success": true, "result": [{"entity_id": "light.kitchen", "state": "on"}]}"#;
    let states: Vec<State> = ServerMessage::decode_answer::<GetStates>(text).expect("an answer").result.expect("typed");
    assert_eq!(states.iter().map(|s| s.entity_id.as_str()).collect::<Vec<_>>(), ["light.kitchen"]);
}

#[test]
fn rust_values_of_results_are_exact() {
    use rust_answers::{Blob, ClientMessage, Count, Echo, Fetch, FetchResult, ServerMessage, Total};
    // A u64 at its limit, read from the frame's text (not from a `serde_json::Value`).
    let max = r#"{"type":"success","id":1,"result":{"value":18446744073709551615}}"#;
    let counter = ServerMessage::decode_answer::<Count>(max).expect("an answer").result.expect("typed");
    assert_eq!(counter.value, u64::MAX);
    // Two typed replies of different types: an enum, by the reply.
    let list = ServerMessage::decode_answer::<Fetch>(r#"{"type":"success","id":2,"result":[1,2]}"#).expect("ok");
    assert_eq!(list.result, Some(FetchResult::Success(vec![1, 2])));
    let map = ServerMessage::decode_answer::<Fetch>(r#"{"type":"partial","id":2,"data":{"a":"b"}}"#).expect("ok");
    assert_eq!(map.result, Some(FetchResult::Partial([("a".to_string(), "b".to_string())].into())));
    // Two typed replies of one type: that type; a content left out is no result.
    let total: Option<Option<u64>> =
        ServerMessage::decode_answer::<Total>(r#"{"type":"done","id":3,"result":7}"#).expect("ok").result;
    assert_eq!(total, Some(Some(7)));
    let done = ServerMessage::decode_answer::<Total>(r#"{"type":"done","id":3}"#).expect("ok");
    assert!(matches!(done.message, ServerMessage::Done(_)));
    assert_eq!(done.result, None);
    // Bytes decoded, an integer read from its string.
    let blob = r#"{"type":"success","id":5,"result":{"data":"aGk=","size":"12"}}"#;
    let chunk = ServerMessage::decode_answer::<Blob>(blob).expect("ok").result.expect("typed");
    assert_eq!((chunk.data.as_slice(), chunk.size), (&b"hi"[..], 12));
    // A request of both sides is answered on both.
    let echoed = r#"{"type":"echoed","id":7,"result":"hi"}"#;
    assert_eq!(ClientMessage::decode_answer::<Echo>(echoed).expect("ok").result.as_deref(), Some("hi"));
    assert_eq!(result_of::<Echo, ServerMessage>(echoed).expect("ok").as_deref(), Some("hi"));
}
