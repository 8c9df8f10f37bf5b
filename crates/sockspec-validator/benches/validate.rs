//! Validation throughput on a chat-like schema and a mix of valid and invalid frames, with
//! `serde_json::from_str::<Value>` of the same frames (parsing only) as the baseline.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sockspec_validator::{Direction, Validator};

const SCHEMA: &str = r#"
protocol chat {
    client_unknown_fields = reject
}

type Snowflake = u64 @as(string)
type Millis = datetime @as(unix_ms)

@open enum Presence { online, away, dnd, offline }

struct Attachment {
    name: string @len(1..=255)
    size: u64
    mime: string @pattern("^[a-z]+/[a-z0-9.+-]+$")
}

struct Message {
    id: Snowflake
    room: Snowflake
    author: uuid
    text: string @len(..=4000)
    sent_at: Millis
    edited_at?: datetime | null
    attachments: [Attachment] @len(..=10)
    reactions: map<u32>
}

union Block = Text | Mention
struct Text { text: string }
struct Mention { user: uuid }

client request Send { room: Snowflake, text: string @len(1..=4000), blocks?: [Block] } -> Sent
server message Sent { message: Message }
client message Typing { room: Snowflake }
server message MessageCreated { message: Message }
server message PresenceChanged { user: uuid, status: Presence, at: datetime }
"#;

/// Frames as they would arrive: mostly valid, some with errors.
fn frames() -> Vec<(Direction, String)> {
    let message = r#"{"id":"1234567890123456789","room":"42","author":"123e4567-e89b-12d3-a456-426614174000","text":"hello there, this is a message of ordinary length","sent_at":1714564800123,"edited_at":null,"attachments":[{"name":"photo.png","size":123456,"mime":"image/png"}],"reactions":{"+1":3,"heart":1}}"#;
    vec![
        (Direction::Client, r#"{"type":"send","id":1,"room":"42","text":"hello","blocks":[{"type":"text","text":"hi"},{"type":"mention","user":"123e4567-e89b-12d3-a456-426614174000"}]}"#.to_string()),
        (Direction::Client, r#"{"type":"typing","room":"42"}"#.to_string()),
        (Direction::Server, format!(r#"{{"type":"message_created","message":{message}}}"#)),
        (Direction::Server, format!(r#"{{"type":"sent","id":1,"message":{message}}}"#)),
        (Direction::Server, r#"{"type":"presence_changed","user":"123e4567-e89b-12d3-a456-426614174000","status":"online","at":"2024-05-01T12:00:00.123Z"}"#.to_string()),
        // Invalid: unknown member, bad room id, empty text.
        (Direction::Client, r#"{"type":"send","id":2,"room":"042","text":"","x":1}"#.to_string()),
        // Invalid: unknown tag.
        (Direction::Client, r#"{"type":"shout","room":"42"}"#.to_string()),
        // Invalid: wrong types deep inside.
        (Direction::Server, message.replace("123456", "\"big\"").replace(r#""+1":3"#, r#""+1":-3"#).replace("{\"id\"", "{\"type\":\"message_created\",\"message\":{\"id\"") + "}"),
    ]
}

fn bench(c: &mut Criterion) {
    let (schema, diagnostics) = sockspec_validator::check(SCHEMA);
    let schema = schema.unwrap_or_else(|| panic!("the bench schema checks: {diagnostics:?}"));
    let validator = Validator::new(&schema);
    let frames = frames();
    // The mix must stay what it says: five valid frames, three invalid.
    let valid = frames.iter().filter(|(from, text)| validator.validate(*from, text).is_ok()).count();
    assert_eq!(valid, 5, "bench frames changed meaning");

    let mut group = c.benchmark_group("frames");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.bench_function("serde_json parse (baseline)", |b| {
        b.iter(|| {
            for (_, text) in &frames {
                let _ = std::hint::black_box(serde_json::from_str::<serde_json::Value>(text));
            }
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            for (from, text) in &frames {
                let _ = std::hint::black_box(validator.validate(*from, text));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
