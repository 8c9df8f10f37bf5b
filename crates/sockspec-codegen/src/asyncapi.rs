//! AsyncAPI 3.0: `<protocol>.asyncapi.json`, one document for the protocol's WebSocket
//! channel, seen from the server (it `receive`s what clients send and `send`s the rest).
//!
//! Payloads are the JSON Schema target's frame schemas in AsyncAPI's schema format (the
//! draft-07 dialect of [`Builder`]), so both documents say the same thing. A definition
//! that differs by direction (an unknown-field policy per side) is kept twice, as
//! `Name.client` and `Name.server`; everything else once, under its model name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use sockspec_model::{Auth, Correlation, Direction, Heartbeat, Message, MessageId, Reply, Schema, Sender, Style};

use crate::jsonschema::{Builder, Dialect, annotate, description, object, to_text};
use crate::{GeneratedFile, header};

const SCHEMAS: &str = "#/components/schemas/";

pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    vec![GeneratedFile {
        path: format!("{}.asyncapi.json", schema.protocol.name).into(),
        contents: to_text(&document(schema, source)),
    }]
}

/// One side's definitions, and its messages' frames.
type Side = (BTreeMap<String, Value>, Vec<(MessageId, Map<String, Value>)>);

/// One message as the document lists it: its key under `messages` and its object.
struct Listed {
    key: String,
    dir: Direction,
    id: Option<MessageId>,
    object: Map<String, Value>,
}

pub fn document(schema: &Schema, source: &str) -> Value {
    let p = &schema.protocol;
    let channel_key = p.name.clone();
    let channel_ref = format!("#/channels/{channel_key}");

    // Each side's definitions and message frames.
    let mut per_dir: BTreeMap<&str, Side> = BTreeMap::new();
    let mut rpc_frames: Vec<(String, Direction, Map<String, Value>)> = Vec::new();
    for dir in Direction::BOTH {
        let mut b = Builder::new(schema, dir, Dialect::AsyncApi);
        let frames: Vec<(MessageId, Map<String, Value>)> =
            schema.messages_from(dir).map(|(id, _)| (id, b.message(id))).collect();
        if let Style::JsonRpc { .. } = p.style {
            rpc_frames.extend(rpc_replies(schema, dir, &mut b));
        }
        per_dir.insert(dir.as_str(), (b.take_defs(), frames));
    }
    // Definitions that differ by direction are split.
    let client_defs = &per_dir["client"].0;
    let server_defs = &per_dir["server"].0;
    let split: BTreeSet<String> = client_defs
        .iter()
        .filter(|(k, v)| server_defs.get(*k).is_some_and(|s| s != *v))
        .map(|(k, _)| k.clone())
        .collect();
    let mut schemas = Map::new();
    for (dir, (defs, _)) in &per_dir {
        for (name, def) in defs {
            let mut def = def.clone();
            retarget(&mut def, dir, &split);
            let key = if split.contains(name) { format!("{name}.{dir}") } else { name.clone() };
            schemas.insert(key, def);
        }
    }

    // Messages, keyed by name, or name and side when a message both sides send differs.
    let mut listed: Vec<Listed> = Vec::new();
    for dir in Direction::BOTH {
        let (_, frames) = &per_dir[dir.as_str()];
        for (id, frame) in frames {
            let m = schema.message(*id);
            let mut frame = Value::Object(frame.clone());
            retarget(&mut frame, dir.as_str(), &split);
            let mut object = message_object(schema, *id, m, dir);
            object.insert("payload".into(), frame);
            listed.push(Listed { key: m.name.clone(), dir, id: Some(*id), object });
        }
    }
    for (key, dir, frame) in rpc_frames {
        let mut frame = Value::Object(frame);
        retarget(&mut frame, dir.as_str(), &split);
        let mut object = object([
            ("name", json!(key)),
            ("title", json!(key)),
            ("contentType", json!("application/json")),
            ("tags", json!([{ "name": dir.as_str() }])),
        ]);
        object.insert("payload".into(), frame);
        listed.push(Listed { key, dir, id: None, object });
    }
    // A name listed twice with different objects keeps the side in its key.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for l in &listed {
        *seen.entry(l.key.clone()).or_default() += 1;
    }
    let mut messages = Map::new();
    let mut keys: BTreeMap<(String, &str), String> = BTreeMap::new();
    for l in &listed {
        let twice = seen[&l.key] > 1;
        let same = twice && listed.iter().filter(|o| o.key == l.key).all(|o| o.object == l.object);
        let key = if twice && !same { format!("{}.{}", l.key, l.dir.as_str()) } else { l.key.clone() };
        keys.insert((l.key.clone(), l.dir.as_str()), key.clone());
        messages.insert(key, Value::Object(l.object.clone()));
    }
    let message_ref = |key: &str| json!({ "$ref": format!("#/channels/{channel_key}/messages/{key}") });

    // Operations: the server receives what clients send and sends the rest.
    let mut operations = Map::new();
    for l in &listed {
        let Some(id) = l.id else { continue };
        let m = schema.message(id);
        let key = &keys[&(l.key.clone(), l.dir.as_str())];
        let (action, verb) = match l.dir {
            Direction::Client => ("receive", "receive"),
            Direction::Server => ("send", "send"),
        };
        let mut op = object([
            ("action", json!(action)),
            ("channel", json!({ "$ref": channel_ref })),
            ("messages", json!([message_ref(key)])),
        ]);
        if let Some(summary) = summary(&m.meta.docs) {
            op.insert("summary".into(), json!(summary));
        }
        if let Some(request) = &m.request {
            let other = l.dir.other().as_str();
            let mut replies: Vec<Value> = Vec::new();
            for reply in &request.replies {
                let name = match reply {
                    Reply::Message(r) | Reply::Typed { message: r, .. } => schema.message(*r).name.clone(),
                    Reply::Result(_) => format!("{}.result", m.name),
                };
                if let Some(k) = keys.get(&(name, other)) {
                    let r = message_ref(k);
                    if !replies.contains(&r) {
                        replies.push(r);
                    }
                }
            }
            if let Style::JsonRpc { .. } = p.style
                && let Some(k) = keys.get(&("rpc.error".to_string(), other))
            {
                replies.push(message_ref(k));
            }
            if !replies.is_empty() {
                op.insert("reply".into(), json!({ "channel": { "$ref": channel_ref }, "messages": replies }));
            }
        }
        operations.insert(format!("{verb}{}", key.replace('.', "_")), Value::Object(op));
    }

    // The channel.
    let mut channel = object([("address", json!(p.connection.path.clone().unwrap_or_else(|| "/".into())))]);
    channel.insert("title".into(), json!(format!("{} WebSocket", p.name)));
    if let Some(d) = connection_text(schema) {
        channel.insert("description".into(), json!(d));
    }
    let channel_messages: Map<String, Value> =
        messages.keys().map(|k| (k.clone(), json!({ "$ref": format!("#/components/messages/{k}") }))).collect();
    channel.insert("messages".into(), Value::Object(channel_messages));
    if !p.connection.path_params.is_empty() {
        let params: Map<String, Value> = p
            .connection
            .path_params
            .iter()
            .map(|n| (n.clone(), json!({ "description": format!("The `{n}` segment of the path.") })))
            .collect();
        channel.insert("parameters".into(), Value::Object(params));
    }
    let mut ws = Map::new();
    let (mut query, mut headers) = (Map::new(), Map::new());
    for auth in &p.connection.auth {
        match auth {
            Auth::Header { name } => {
                headers
                    .insert(name.clone(), json!({ "type": "string", "description": "Credentials, at the upgrade." }));
            }
            Auth::Query { name } => {
                query.insert(name.clone(), json!({ "type": "string", "description": "Credentials, at the upgrade." }));
            }
            Auth::Subprotocol | Auth::Message { .. } => {}
        }
    }
    if !p.connection.subprotocols.is_empty() {
        let list = p.connection.subprotocols.join(", ");
        headers.insert(
            "Sec-WebSocket-Protocol".into(),
            json!({ "type": "string", "description": format!("The subprotocols offered, newest first: {list}.") }),
        );
    }
    let required_auth = p.connection.auth_required && p.connection.auth.len() == 1;
    for (slot, props) in [("query", query), ("headers", headers)] {
        if !props.is_empty() {
            let mut s = object([("type", json!("object"))]);
            let names: Vec<String> = props.keys().filter(|k| *k != "Sec-WebSocket-Protocol").cloned().collect();
            s.insert("properties".into(), Value::Object(props));
            if required_auth && !names.is_empty() {
                s.insert("required".into(), json!(names));
            }
            ws.insert(slot.into(), Value::Object(s));
        }
    }
    if !ws.is_empty() {
        ws.insert("bindingVersion".into(), json!("0.1.0"));
        channel.insert("bindings".into(), json!({ "ws": ws }));
    }

    let mut info = object([
        ("title", json!(p.name)),
        ("version", json!(p.version.clone().unwrap_or_else(|| "unversioned".into()))),
    ]);
    let mut about = description(&p.meta.docs).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    if !about.is_empty() {
        about.push_str("\n\n");
    }
    about.push_str(&format!(
        "Operations are the server's: it receives what clients send and sends the rest. {}.",
        header(source)
    ));
    info.insert("description".into(), json!(about));

    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    components.insert("messages".into(), Value::Object(messages));
    json!({
        "asyncapi": "3.0.0",
        "info": info,
        "defaultContentType": "application/json",
        "channels": { channel_key.clone(): channel },
        "operations": operations,
        "components": components,
    })
}

/// A message object without its payload.
fn message_object(schema: &Schema, id: MessageId, m: &Message, dir: Direction) -> Map<String, Value> {
    let mut o = object([("name", json!(m.name)), ("title", json!(m.name)), ("contentType", json!("application/json"))]);
    if let Some(summary) = summary(&m.meta.docs) {
        o.insert("summary".into(), json!(summary));
    }
    if let Some(Value::String(d)) = description(&m.meta.docs) {
        o.insert("description".into(), json!(d));
    }
    let mut tags = vec![json!({ "name": dir.as_str() })];
    if m.request.is_some() {
        tags.push(json!({ "name": "request" }));
    }
    if m.error {
        tags.push(json!({ "name": "error" }));
    }
    o.insert("tags".into(), Value::Array(tags));
    if !m.meta.examples.is_empty() {
        let examples: Vec<Value> = m.meta.examples.iter().map(|e| json!({ "payload": e })).collect();
        o.insert("examples".into(), Value::Array(examples));
    }
    if let Some(pointer) = correlation_pointer(schema, id) {
        o.insert(
            "correlationId".into(),
            json!({ "location": format!("$message.payload#{pointer}"), "description": "Ties a request to its replies." }),
        );
    }
    o
}

/// Where the member that ties a request and its replies sits, for a request or a reply.
fn correlation_pointer(schema: &Schema, id: MessageId) -> Option<String> {
    let id_pointer = format!("/{}", schema.protocol.id.field.replace('~', "~0").replace('/', "~1"));
    let of = |c: &Correlation| match c {
        Correlation::Id => Some(id_pointer.clone()),
        Correlation::Field { pointer, .. } | Correlation::Subscription { pointer, .. } => pointer.clone(),
        Correlation::Order => None,
    };
    if let Some(r) = &schema.message(id).request {
        return of(&r.correlation);
    }
    schema.messages.iter().filter_map(|m| m.request.as_ref()).find_map(|r| {
        let answers =
            r.replies.iter().any(|x| x.message() == Some(id)) || r.stream.contains(&id) || r.end.contains(&id);
        if answers { of(&r.correlation) } else { None }
    })
}

/// JSON-RPC result frames (one per request whose result is a type) and the error frame
/// of a side that answers requests.
fn rpc_replies<'s>(
    schema: &'s Schema,
    dir: Direction,
    b: &mut Builder<'s>,
) -> Vec<(String, Direction, Map<String, Value>)> {
    let Style::JsonRpc { version_member, error, .. } = &schema.protocol.style else { return Vec::new() };
    let answers = schema.dispatch.get(dir).rpc.as_ref().is_some_and(|r| r.replies);
    if !answers {
        return Vec::new();
    }
    let id = schema.protocol.id.field.clone();
    let frame = |member: &str, payload: Map<String, Value>, id_schema: Map<String, Value>| {
        let mut props = Map::new();
        if *version_member {
            props.insert("jsonrpc".into(), json!({ "const": "2.0" }));
        }
        props.insert(id.clone(), Value::Object(id_schema));
        props.insert(member.into(), Value::Object(payload));
        let mut required = vec![json!(member), json!(id)];
        if *version_member {
            required.insert(0, json!("jsonrpc"));
        }
        object([("type", json!("object")), ("properties", Value::Object(props)), ("required", Value::Array(required))])
    };
    let mut out = Vec::new();
    for (mid, m) in schema.messages_from(dir.other()) {
        let Some(request) = &m.request else { continue };
        for reply in &request.replies {
            if let Reply::Result(ty) = reply {
                let id_schema = b.ty(&schema.protocol.id.ty);
                let result = annotate(b.ty(ty), &Default::default(), None);
                let mut f = frame("result", result, id_schema);
                f.insert("title".into(), json!(format!("The result of {}", schema.message(mid).name)));
                out.push((format!("{}.result", m.name), dir, f));
            }
        }
    }
    let payload = match error {
        Some(e) => b.reference(&schema.ty(*e).name),
        None => Map::new(),
    };
    let id_schema = object([("anyOf", json!([{ "type": "null" }, Value::Object(b.ty(&schema.protocol.id.ty))]))]);
    let mut f = frame("error", payload, id_schema);
    f.insert("title".into(), json!("An error answering a request"));
    out.push(("rpc.error".into(), dir, f));
    out
}

/// Points every reference to a definition that differs by side at this side's copy.
fn retarget(value: &mut Value, dir: &str, split: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix(SCHEMAS)
                && split.contains(name)
            {
                *r = format!("{SCHEMAS}{name}.{dir}");
            }
            for v in map.values_mut() {
                retarget(v, dir, split);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| retarget(v, dir, split)),
        _ => {}
    }
}

/// The connection in words: subprotocols, auth, heartbeat, close codes.
fn connection_text(schema: &Schema) -> Option<String> {
    let c = &schema.protocol.connection;
    let mut parts: Vec<String> = Vec::new();
    if !c.docs.is_empty() {
        parts.push(c.docs.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n"));
    }
    for auth in &c.auth {
        parts.push(match auth {
            Auth::Header { name } => format!("Authentication: the `{name}` header at the upgrade."),
            Auth::Query { name } => format!("Authentication: the `{name}` query parameter at the upgrade."),
            Auth::Subprotocol => "Authentication: credentials in the WebSocket subprotocol.".into(),
            Auth::Message { message, reply } => match reply {
                Some(r) => format!(
                    "Authentication: a first exchange, `{}` answered by `{}`.",
                    schema.message(*message).name,
                    schema.message(*r).name
                ),
                None => format!("Authentication: a first message, `{}`.", schema.message(*message).name),
            },
        });
    }
    if let Some(h) = &c.heartbeat {
        parts.push(match h {
            Heartbeat::Ping { by, interval_ms, .. } => format!(
                "Heartbeat: WebSocket ping frames from the {}{}.",
                sender(*by),
                interval_ms.map(|ms| format!(", every {ms} ms")).unwrap_or_default()
            ),
            Heartbeat::Message { message, ack, interval_ms, .. } => format!(
                "Heartbeat: `{}`{}{}.",
                schema.message(*message).name,
                ack.map(|a| format!(" answered by `{}`", schema.message(a).name)).unwrap_or_default(),
                interval_ms.map(|ms| format!(", every {ms} ms")).unwrap_or_default()
            ),
        });
    }
    if let Some(codes) = c.close_codes
        && let sockspec_model::TypeDefKind::Enum(e) = &schema.ty(codes).kind
    {
        let list: Vec<String> = e
            .variants
            .iter()
            .map(|v| {
                let value = crate::jsonschema::tag_json(&v.value);
                match v.meta.docs.first() {
                    Some(d) => format!("{value} ({}): {}", v.name, d.trim().trim_end_matches('.')),
                    None => format!("{value} ({})", v.name),
                }
            })
            .collect();
        parts.push(format!("Close codes: {}.", list.join("; ")));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn sender(s: Sender) -> &'static str {
    match s {
        Sender::Client => "client",
        Sender::Server => "server",
        Sender::Both => "client and the server",
    }
}

/// The first paragraph of the docs, on one line.
fn summary(docs: &[String]) -> Option<String> {
    let lines: Vec<&str> = docs.iter().map(|l| l.trim()).take_while(|l| !l.is_empty()).collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}
