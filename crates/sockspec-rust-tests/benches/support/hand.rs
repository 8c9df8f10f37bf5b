//! What the decode benchmark and the instruction-count driver share: the frames, the
//! hand-written serde types equivalent to the chat schema's `SendMessage` (no validation),
//! and an equivalent JSON Schema.

#![allow(dead_code)]

use serde::{Deserialize, Serialize};

pub const FRAME: &str = r#"{"type":"send_message","id":5,"room_id":"1189412117283151872","text":"Deploy is done, the log is attached","attachments":[{"name":"log.txt","mime":"text/plain","size":2048,"url":"https://files.harbor.example/a/log.txt"}],"client_nonce":"n-81f2"}"#;

/// The same frame with the tag last: the fast path scans the object for the tag first.
pub const FRAME_TAG_LAST: &str = r#"{"id":5,"room_id":"1189412117283151872","text":"Deploy is done, the log is attached","attachments":[{"name":"log.txt","mime":"text/plain","size":2048,"url":"https://files.harbor.example/a/log.txt"}],"client_nonce":"n-81f2","type":"send_message"}"#;

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    name: String,
    mime: String,
    size: u32,
    url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    thumbhash: Option<String>,
}

/// The single struct: the tag is one more string member.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    r#type: String,
    id: u64,
    room_id: String,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attachments: Option<Vec<Attachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_nonce: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessageBody {
    id: u64,
    room_id: String,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attachments: Option<Vec<Attachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_nonce: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(dead_code)]
pub enum Client {
    SendMessage(SendMessageBody),
    Typing { room_id: String },
    SetPresence { status: String },
}

pub fn json_schema() -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["type", "id", "room_id", "text"],
        "additionalProperties": false,
        "properties": {
            "type": { "const": "send_message" },
            "id": { "type": "integer", "minimum": 0, "maximum": 18446744073709551615u64 },
            "room_id": { "type": "string", "pattern": "^(0|[1-9][0-9]*)$" },
            "text": { "type": "string", "minLength": 1, "maxLength": 4000 },
            "client_nonce": { "type": "string", "minLength": 1, "maxLength": 64 },
            "attachments": {
                "type": "array",
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "required": ["name", "mime", "size", "url"],
                    "properties": {
                        "name": { "type": "string", "minLength": 1, "maxLength": 255 },
                        "mime": { "type": "string", "pattern": "^[a-z]+/[A-Za-z0-9.+-]+$" },
                        "size": { "type": "integer", "minimum": 0, "maximum": 26214400 },
                        "url": { "type": "string" },
                        "thumbhash": { "type": "string", "maxLength": 44 }
                    }
                }
            }
        }
    })
}
