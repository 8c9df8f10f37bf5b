//! The HTML reference page: `<protocol>.html`, one self-contained file (no network assets)
//! with the overview and connection, messages by direction, requests with their replies,
//! a field table per type, enums, example frames, a search box, links between types, a
//! light and a dark look, and a printable layout. Every schema string goes through the
//! escaping writer in `docs/html.rs`.

mod example;
mod html;

use serde_json::Value;
use sockspec_model::{
    Absent, Auth, Correlation, Direction, Discriminator, EnumRepr, Field, Heartbeat, IdPresence, IntEncoding, Message,
    MessageId, Meta, Payload, Reply, Schema, Sender, Style, TimeEncoding, Type, TypeDefKind, TypeId, TypeKind, Union,
    UnknownFields,
};

pub use example::{frame as example_frame, value as example_value};
use html::Html;

use crate::jsonschema::tag_json;
use crate::{GeneratedFile, header};

pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    vec![GeneratedFile { path: format!("{}.html", schema.protocol.name).into(), contents: page(schema, source) }]
}

const STYLE: &str = include_str!("docs/page.css");
const SCRIPT: &str = include_str!("docs/page.js");

/// The whole page.
pub fn page(schema: &Schema, source: &str) -> String {
    let p = &schema.protocol;
    let mut h = Html::default();
    h.trusted("<!-- ").text(&header(source)).trusted(" -->\n<!doctype html>\n");
    h.open("html", &[("lang", "en")]).nl();
    h.trusted(
        "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    h.trusted("<meta name=\"color-scheme\" content=\"light dark\">\n");
    h.elem("title", &[], &format!("{} protocol reference", p.name)).nl();
    h.trusted("<style>\n").trusted(STYLE).trusted("</style>\n</head>\n<body>\n");

    // Navigation with the search box.
    h.trusted("<nav id=\"toc\" aria-label=\"Contents\">\n");
    h.elem("p", &[("class", "brand")], &p.name);
    h.trusted("<input type=\"search\" id=\"search\" placeholder=\"Search messages, types, fields\" aria-label=\"Search\" autocomplete=\"off\">\n");
    h.trusted("<p id=\"no-match\" hidden>Nothing matches.</p>\n<ul>\n");
    h.trusted("<li><a href=\"#overview\">Overview</a></li>\n<li><a href=\"#connection\">Connection</a></li>\n");
    for (dir_title, anchor, list) in directions(schema) {
        if list.is_empty() {
            continue;
        }
        h.open("li", &[]).elem("a", &[("href", &format!("#{anchor}"))], dir_title).trusted("<ul>");
        for id in list {
            let m = schema.message(id);
            h.open("li", &[("data-target", &message_anchor(m))])
                .elem("a", &[("href", &format!("#{}", message_anchor(m)))], &m.name)
                .close("li");
        }
        h.trusted("</ul></li>\n");
    }
    if !schema.types.is_empty() {
        h.trusted("<li><a href=\"#types\">Types</a><ul>");
        for t in &schema.types {
            let anchor = type_anchor(&t.name);
            h.open("li", &[("data-target", &anchor)])
                .elem("a", &[("href", &format!("#{anchor}"))], &t.name)
                .close("li");
        }
        h.trusted("</ul></li>\n");
    }
    h.trusted("</ul>\n</nav>\n<main>\n");

    // Overview.
    h.open("header", &[("id", "overview")]).nl();
    h.elem("h1", &[], &p.name);
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(v) = &p.version {
        facts.push(("Version".into(), v.clone()));
    }
    facts.push(("Framing".into(), framing(schema)));
    if schema.messages.iter().any(|m| m.id != IdPresence::None) || schema.messages.iter().any(|m| m.request.is_some()) {
        facts.push(("Request id".into(), format!("\"{}\": {}", p.id.field, type_text(schema, &p.id.ty))));
    }
    h.open("p", &[("class", "facts")]);
    for (k, v) in &facts {
        h.open("span", &[("class", "fact")]).elem("b", &[], k).text(": ").elem("code", &[], v).close("span");
    }
    h.close("p").nl();
    docs(&mut h, &p.meta.docs);
    for (key, lines) in &p.setting_docs {
        h.open("p", &[("class", "setting")]).elem("code", &[], key).text(": ").text(&lines.join(" ")).close("p");
    }
    h.close("header").nl();

    connection(&mut h, schema);

    if !p.envelope.is_empty() {
        h.open("section", &[("id", "envelope"), ("class", "item"), ("data-search", "envelope")]).nl();
        h.elem("h2", &[], "Envelope");
        docs(&mut h, &p.envelope_docs);
        let carried = envelope_carriers(schema);
        if carried.iter().all(Option::is_none) {
            h.elem("p", &[], "Members every message carries at the top level of its frame (unless it opts out).");
            field_table(&mut h, schema, &p.envelope, None);
        } else {
            h.elem(
                "p",
                &[],
                "Members at the top level of the frames of every message (unless it opts out), as declared; \
                 \"Carried by\" says where one is limited to some messages or one side.",
            );
            let carried: Vec<String> =
                carried.into_iter().map(|c| c.unwrap_or_else(|| "every message".into())).collect();
            field_table(&mut h, schema, &p.envelope, Some(&carried));
        }
        h.close("section").nl();
    }

    for (dir_title, anchor, list) in directions(schema) {
        if list.is_empty() {
            continue;
        }
        h.open("section", &[("id", anchor), ("class", "group")]).nl();
        h.elem("h2", &[], dir_title);
        for id in list {
            message(&mut h, schema, id);
        }
        h.close("section").nl();
    }

    if !schema.types.is_empty() {
        h.open("section", &[("id", "types"), ("class", "group")]).nl();
        h.elem("h2", &[], "Types");
        for i in 0..schema.types.len() {
            type_def(&mut h, schema, TypeId(i as u32));
        }
        h.close("section").nl();
    }
    h.open("footer", &[]).text(&header(source)).close("footer").nl();
    h.trusted("</main>\n<script>\n").trusted(SCRIPT).trusted("</script>\n</body>\n</html>\n");
    h.finish()
}

fn directions(schema: &Schema) -> [(&'static str, &'static str, Vec<MessageId>); 3] {
    let of = |s: Sender| {
        schema
            .messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.sender == s)
            .map(|(i, _)| MessageId(i as u32))
            .collect::<Vec<_>>()
    };
    [
        ("From the client", "from-client", of(Sender::Client)),
        ("From the server", "from-server", of(Sender::Server)),
        ("From either side", "from-both", of(Sender::Both)),
    ]
}

fn message_anchor(m: &Message) -> String {
    format!("message-{}", m.name)
}

fn type_anchor(name: &str) -> String {
    format!("type-{name}")
}

fn framing(schema: &Schema) -> String {
    let p = &schema.protocol;
    match &p.style {
        Style::JsonRpc { version_member, .. } => {
            format!("JSON-RPC{}", if *version_member { " 2.0 (\"jsonrpc\": \"2.0\" on every frame)" } else { " style" })
        }
        Style::Tagged => {
            // Each side's own tag members (`client_tag`, `server_tag`), for the sides that
            // send something; the protocol's `tag` alone may be an unused default.
            let tagging = |fields: &[String]| {
                if fields.is_empty() {
                    "told apart by the members present".to_string()
                } else {
                    let fields: Vec<String> = fields.iter().map(|f| format!("\"{f}\"")).collect();
                    format!("tagged by {}", fields.join(", then "))
                }
            };
            let sides: Vec<Direction> =
                Direction::BOTH.into_iter().filter(|d| schema.messages.iter().any(|m| m.sender.includes(*d))).collect();
            let sides = if sides.is_empty() { Direction::BOTH.to_vec() } else { sides };
            let texts: Vec<(Direction, String)> =
                sides.iter().map(|d| (*d, tagging(&schema.dispatch.get(*d).tag_fields))).collect();
            if texts.iter().all(|(_, t)| *t == texts[0].1) {
                texts[0].1.clone()
            } else {
                let parts: Vec<String> =
                    texts.iter().map(|(d, t)| format!("from the {}: {t}", direction_text(*d))).collect();
                parts.join("; ")
            }
        }
    }
}

fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Client => "client",
        Direction::Server => "server",
    }
}

/// What a message's readers do with members it does not declare, per side that sends it:
/// at the top level of the frame and, for a payload under a member, inside it.
fn unknown_members(m: &Message) -> String {
    let word = |u: UnknownFields| match u {
        UnknownFields::Reject => "rejected",
        UnknownFields::Ignore => "ignored",
    };
    let side = |d: Direction| {
        let (frame, content) = (*m.frame_unknown_fields.get(d), *m.unknown_fields.get(d));
        match &m.content {
            Some(member) if frame != content => {
                format!("{} at the top level of the frame, {} in \"{member}\"", word(frame), word(content))
            }
            _ => word(frame).to_string(),
        }
    };
    let sides: Vec<(Direction, String)> =
        Direction::BOTH.into_iter().filter(|d| m.sender.includes(*d)).map(|d| (d, side(d))).collect();
    if sides.iter().all(|(_, t)| *t == sides[0].1) {
        format!("Unknown members are {}", sides[0].1)
    } else {
        let parts: Vec<String> =
            sides.iter().map(|(d, t)| format!("{t} when the {} sends it", direction_text(*d))).collect();
        format!("Unknown members are {}", parts.join("; "))
    }
}

fn docs(h: &mut Html, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    // Paragraphs are separated by empty doc lines; `code` spans are kept as code.
    let text: Vec<&str> = lines.iter().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    for para in text.split(|l| l.trim().is_empty()) {
        if para.is_empty() {
            continue;
        }
        h.open("p", &[("class", "doc")]);
        inline(h, &para.join(" "));
        h.close("p").nl();
    }
}

/// Text with `code` spans.
fn inline(h: &mut Html, text: &str) {
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            h.elem("code", &[], part);
        } else {
            h.text(part);
        }
    }
}

fn connection(h: &mut Html, schema: &Schema) {
    let c = &schema.protocol.connection;
    h.open(
        "section",
        &[("id", "connection"), ("class", "item"), ("data-search", "connection auth heartbeat close codes")],
    )
    .nl();
    h.elem("h2", &[], "Connection");
    docs(h, &c.docs);
    h.trusted("<dl>\n");
    let row = |h: &mut Html, k: &str, f: &dyn Fn(&mut Html)| {
        h.elem("dt", &[], k).open("dd", &[]);
        f(h);
        h.close("dd").nl();
    };
    if let Some(path) = &c.path {
        row(h, "Path", &|h| {
            h.elem("code", &[], path);
        });
    }
    if !c.subprotocols.is_empty() {
        row(h, "Subprotocols", &|h| {
            h.text("offered newest first: ");
            for (i, s) in c.subprotocols.iter().enumerate() {
                if i > 0 {
                    h.text(", ");
                }
                h.elem("code", &[], s);
            }
        });
    }
    let auth = if c.auth.is_empty() {
        "none".to_string()
    } else {
        let ways: Vec<String> = c
            .auth
            .iter()
            .map(|a| match a {
                Auth::Header { name } => format!("the {name} header at the upgrade"),
                Auth::Query { name } => format!("the ?{name}= query parameter at the upgrade"),
                Auth::Subprotocol => "credentials in the WebSocket subprotocol".into(),
                Auth::Message { message, reply } => match reply {
                    Some(r) => format!(
                        "a first exchange: {} answered by {}",
                        schema.message(*message).name,
                        schema.message(*r).name
                    ),
                    None => format!("a first message: {}", schema.message(*message).name),
                },
            })
            .collect();
        format!(
            "{}{}",
            ways.join("; or "),
            if c.auth_required { "" } else { " (optional: a client may stay anonymous)" }
        )
    };
    row(h, "Authentication", &|h| {
        h.text(&auth);
    });
    if !c.before_auth.is_empty() {
        row(h, "Before authentication", &|h| {
            for (i, id) in c.before_auth.iter().enumerate() {
                if i > 0 {
                    h.text(", ");
                }
                message_link(h, schema.message(*id));
            }
        });
    }
    if let Some(first) = c.first {
        row(h, "Speaks first", &|h| {
            h.text(&format!("the {}", first.as_str()));
        });
    }
    let heartbeat = match &c.heartbeat {
        None => "none declared by the protocol".to_string(),
        Some(Heartbeat::Ping { by, interval_ms, timeout_ms }) => format!(
            "WebSocket ping frames sent by the {}{}{}",
            sender_text(*by),
            interval_ms.map(|ms| format!(", every {ms} ms")).unwrap_or_default(),
            timeout_ms.map(|ms| format!(", timeout {ms} ms")).unwrap_or_default()
        ),
        Some(Heartbeat::Message { message, ack, by, interval_ms, timeout_ms, interval_from }) => format!(
            "{} sent by the {}{}{}{}{}",
            schema.message(*message).name,
            sender_text(*by),
            ack.map(|a| format!(", answered by {}", schema.message(a).name)).unwrap_or_default(),
            interval_ms.map(|ms| format!(", every {ms} ms")).unwrap_or_default(),
            interval_from
                .as_ref()
                .map(|f| format!(", every {} ms as {} says", f.member, schema.message(f.message).name))
                .unwrap_or_default(),
            timeout_ms.map(|ms| format!(", timeout {ms} ms")).unwrap_or_default()
        ),
    };
    row(h, "Heartbeat", &|h| {
        h.text(&heartbeat);
    });
    if let Some(r) = &c.resume {
        row(h, "Resume", &|h| {
            h.text("frames are numbered in ").elem("code", &[], &r.pointer).text("; resume with ");
            message_link(h, schema.message(r.message));
        });
    }
    if let Some(n) = c.max_frame_bytes {
        row(h, "Largest frame", &|h| {
            h.text(&format!("{n} bytes"));
        });
    }
    h.trusted("</dl>\n");
    for (key, lines) in &c.setting_docs {
        h.open("p", &[("class", "setting")]).elem("code", &[], key).text(": ").text(&lines.join(" ")).close("p");
    }
    if let Some(codes) = c.close_codes {
        let def = schema.ty(codes);
        h.elem("h3", &[], "Close codes");
        docs(h, &def.meta.docs);
        if let TypeDefKind::Enum(e) = &def.kind {
            h.trusted("<table><thead><tr><th>Code</th><th>Name</th><th>Meaning</th></tr></thead><tbody>\n");
            for v in &e.variants {
                h.open("tr", &[]).open("td", &[]).elem("code", &[], &tag_json(&v.value).to_string()).close("td");
                h.elem("td", &[], &v.name).open("td", &[]);
                docs(h, &v.meta.docs);
                h.close("td").close("tr").nl();
            }
            h.trusted("</tbody></table>\n");
        }
    }
    h.close("section").nl();
}

fn sender_text(s: Sender) -> &'static str {
    match s {
        Sender::Client => "client",
        Sender::Server => "server",
        Sender::Both => "client and the server",
    }
}

fn message_link(h: &mut Html, m: &Message) {
    h.elem("a", &[("href", &format!("#{}", message_anchor(m))), ("class", "msg")], &m.name);
}

fn badges(h: &mut Html, meta: &Meta, more: &[&str]) {
    for b in more {
        h.elem("span", &[("class", "badge")], b);
    }
    if meta.deprecated.is_some() {
        h.elem("span", &[("class", "badge deprecated")], "deprecated");
    }
    if let Some(since) = &meta.since {
        h.elem("span", &[("class", "badge")], &format!("since {since}"));
    }
}

fn deprecation(h: &mut Html, meta: &Meta) {
    if let Some(why) = meta.deprecated.as_deref().filter(|w| !w.is_empty()) {
        h.open("p", &[("class", "deprecated")]).text("Deprecated: ").text(why).close("p");
    }
}

/// The words the search box matches: the name, tags, wire names, docs.
fn search_text(name: &str, meta: &Meta, extra: &[String]) -> String {
    let mut parts = vec![name.to_string()];
    parts.extend(extra.iter().cloned());
    parts.extend(meta.docs.iter().cloned());
    parts.join(" ").to_lowercase()
}

fn message(h: &mut Html, schema: &Schema, id: MessageId) {
    let m = schema.message(id);
    let p = &schema.protocol;
    let dir = match m.sender {
        Sender::Server => Direction::Server,
        _ => Direction::Client,
    };
    let tag_fields = &schema.dispatch.get(dir).tag_fields;
    let mut words: Vec<String> = Vec::new();
    let tags: Vec<(String, String)> = match &m.discriminator {
        Discriminator::Tag(values) => {
            tag_fields.iter().zip(values).map(|(f, v)| (f.clone(), tag_json(v).to_string())).collect()
        }
        _ => Vec::new(),
    };
    for (f, v) in &tags {
        words.push(format!("{f} {v}"));
    }
    if let Payload::Fields(fields) = &m.payload {
        words.extend(fields.iter().map(|f| f.name.clone()));
    }
    let anchor = message_anchor(m);
    let search = search_text(&m.name, &m.meta, &words);
    h.open("article", &[("id", &anchor), ("class", "item message"), ("data-search", &search)]).nl();
    h.open("h3", &[]).elem("a", &[("href", &format!("#{anchor}")), ("class", "anchor")], &m.name);
    let mut more: Vec<&str> = Vec::new();
    if m.request.is_some() {
        more.push("request");
    }
    if m.error {
        more.push("error");
    }
    badges(h, &m.meta, &more);
    h.close("h3").nl();
    deprecation(h, &m.meta);
    docs(h, &m.meta.docs);

    // How the frame is recognised.
    h.open("p", &[("class", "wire")]);
    match &m.discriminator {
        Discriminator::Tag(_) => {
            h.text(if matches!(p.style, Style::JsonRpc { .. }) { "Method: " } else { "Tag: " });
            for (i, (f, v)) in tags.iter().enumerate() {
                if i > 0 {
                    h.text(", then ");
                }
                h.elem("code", &[], &format!("\"{f}\": {v}"));
            }
        }
        Discriminator::Structural(keys) => {
            h.text("No tag: the frame whose members among the signature keys are exactly ");
            h.elem("code", &[], &keys.join(", "));
        }
        Discriminator::Key(k) => {
            h.text("No tag: a frame with the member ").elem("code", &[], k);
        }
        Discriminator::Fallback => {
            h.text("No tag: any frame that lacks the tag and matches nothing else");
        }
    }
    if let Some(content) = &m.content {
        h.text(". Payload under ").elem("code", &[], content);
        if m.content_optional {
            h.text(" (may be absent)");
        }
    }
    match m.id {
        IdPresence::Required => {
            h.text(". Carries the id ").elem("code", &[], &p.id.field);
        }
        IdPresence::Optional => {
            h.text(". May carry the id ").elem("code", &[], &p.id.field).text(" (absent or null when unknown)");
        }
        IdPresence::Forbidden => {
            h.text(". Carries no id (a notification)");
        }
        IdPresence::None => {}
    }
    h.text(". ").text(&unknown_members(m));
    if !m.envelope && !p.envelope.is_empty() {
        h.text(". Without the envelope");
    }
    h.text(".").close("p").nl();

    match &m.payload {
        Payload::Fields(fields) if !fields.is_empty() => field_table(h, schema, fields, None),
        Payload::Fields(_) => {
            h.elem("p", &[("class", "empty")], "No members.");
        }
        Payload::Value { ty, .. } => {
            h.open("p", &[]).text("Payload: ");
            type_html(h, schema, ty);
            h.close("p").nl();
        }
    }

    if let Some(r) = &m.request {
        h.open("div", &[("class", "exchange")]).open("p", &[]).elem("b", &[], "Replies: ");
        for (i, reply) in r.replies.iter().enumerate() {
            if i > 0 {
                h.text(" | ");
            }
            match reply {
                Reply::Message(id) => message_link(h, schema.message(*id)),
                Reply::Result(ty) => {
                    h.text("result ");
                    type_html(h, schema, ty);
                }
                Reply::Typed { message, result } => {
                    message_link(h, schema.message(*message));
                    h.text(" with ");
                    type_html(h, schema, result);
                }
            }
        }
        h.close("p");
        let list = |h: &mut Html, title: &str, ids: &[MessageId]| {
            if ids.is_empty() {
                return;
            }
            h.open("p", &[]).elem("b", &[], title);
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    h.text(", ");
                }
                message_link(h, schema.message(*id));
            }
            h.close("p");
        };
        list(h, "Streamed: ", &r.stream);
        list(h, "Ends with: ", &r.end);
        if let Some(c) = r.cancel {
            list(h, "Cancelled with: ", &[c]);
        }
        let correlation = match &r.correlation {
            Correlation::Id => format!("the id member \"{}\", echoed in the replies", p.id.field),
            Correlation::Field { name, .. } => format!("the member \"{name}\", repeated by every reply"),
            Correlation::Subscription { name, .. } => {
                format!("the subscription named in \"{name}\", carried by every streamed message")
            }
            Correlation::Order => "order: replies come in the order of the requests".into(),
        };
        h.open("p", &[]).elem("b", &[], "Correlation: ").text(&correlation).close("p");
        h.close("div").nl();
    }
    // Replies point back at their requests.
    let answers: Vec<&Message> = schema
        .messages
        .iter()
        .filter(|q| q.request.as_ref().is_some_and(|r| r.replies.iter().any(|x| x.message() == Some(id))))
        .collect();
    if !answers.is_empty() {
        h.open("p", &[("class", "answers")]).text("Answers ");
        for (i, q) in answers.iter().enumerate() {
            if i > 0 {
                h.text(", ");
            }
            message_link(h, q);
        }
        h.close("p").nl();
    }

    let (label, frames): (&str, Vec<Value>) = if m.meta.examples.is_empty() {
        ("Example (generated from the schema)", example::frame(schema, id, dir).into_iter().collect())
    } else {
        ("Example", m.meta.examples.clone())
    };
    for f in frames {
        h.open("details", &[("class", "example"), ("open", "")]).elem("summary", &[], label);
        h.elem("pre", &[], &serde_json::to_string_pretty(&f).unwrap_or_default());
        h.close("details").nl();
    }
    h.close("article").nl();
}

/// How an envelope member stands on one message from one side, as the model decided it
/// (`Message::envelope_fields`, after `@only`).
#[derive(Clone, Copy, PartialEq)]
enum Carried {
    AsDeclared,
    Absent,
    /// Required and not null here though declared optional or nullable.
    Required,
    /// Must be null or absent here.
    NullOnly,
}

/// For each envelope member, where it differs from "every message, as declared": `None`
/// when every message from every side carries it as declared.
fn envelope_carriers(schema: &Schema) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for f in &schema.protocol.envelope {
        let mut states: Vec<(Direction, &str, Carried)> = Vec::new();
        for m in schema.messages.iter().filter(|m| m.envelope) {
            for d in Direction::BOTH.into_iter().filter(|d| m.sender.includes(*d)) {
                let state = match m.envelope_fields.get(d).iter().find(|g| g.name == f.name) {
                    None => Carried::Absent,
                    Some(g) if g == f => Carried::AsDeclared,
                    Some(g) if matches!(g.ty.kind, TypeKind::Null) => Carried::NullOnly,
                    Some(g) if g.required && !g.nullable && (!f.required || f.nullable) => Carried::Required,
                    Some(_) => Carried::AsDeclared,
                };
                states.push((d, &m.name, state));
            }
        }
        if states.iter().all(|(_, _, s)| *s == Carried::AsDeclared) {
            out.push(None);
            continue;
        }
        let names = |want: Carried, d: Option<Direction>| {
            let mut list: Vec<&str> = Vec::new();
            for (side, name, s) in &states {
                if *s == want && d.is_none_or(|d| d == *side) && !list.contains(name) {
                    list.push(name);
                }
            }
            list
        };
        let mut parts: Vec<String> = Vec::new();
        let mut absent_sides = Vec::new();
        for d in Direction::BOTH {
            let side: Vec<Carried> = states.iter().filter(|(s, _, _)| *s == d).map(|(_, _, c)| *c).collect();
            if !side.is_empty() && side.iter().all(|c| *c == Carried::Absent) {
                absent_sides.push(d);
            }
        }
        match absent_sides.as_slice() {
            [d] => parts.push(format!(
                "only on frames from the {}",
                direction_text(if *d == Direction::Client { Direction::Server } else { Direction::Client })
            )),
            [] => {}
            _ => parts.push("no message".into()),
        }
        let carrying = |d: &Direction| !absent_sides.contains(d);
        let absent: Vec<&str> =
            Direction::BOTH.into_iter().filter(carrying).flat_map(|d| names(Carried::Absent, Some(d))).collect();
        if !absent.is_empty() {
            parts.push(format!("not on {}", absent.join(", ")));
        }
        let required = names(Carried::Required, None);
        if !required.is_empty() {
            parts.push(format!("required and not null on {}", required.join(", ")));
        }
        let null = names(Carried::NullOnly, None);
        if !null.is_empty() {
            let others_all_null = !required.is_empty()
                && states.iter().all(|(_, _, s)| matches!(s, Carried::Required | Carried::NullOnly | Carried::Absent));
            parts.push(if others_all_null {
                "must be null or absent on every other message".to_string()
            } else {
                format!("must be null or absent on {}", null.join(", "))
            });
        }
        out.push(Some(parts.join("; ")));
    }
    out
}

fn field_table(h: &mut Html, schema: &Schema, fields: &[Field], carried: Option<&[String]>) {
    h.trusted("<table class=\"fields\"><thead><tr><th>Member</th><th>Type</th><th>Presence</th><th>Default</th><th>Constraints</th>");
    if carried.is_some() {
        h.trusted("<th>Carried by</th>");
    }
    h.trusted("<th>Description</th></tr></thead><tbody>\n");
    for (i, f) in fields.iter().enumerate() {
        h.open("tr", &[]).open("td", &[]).elem("code", &[("class", "wire-name")], &f.name);
        badges(h, &f.meta, &[]);
        h.close("td").open("td", &[]);
        type_html(h, schema, &f.ty);
        h.close("td");
        let presence = match (f.required, f.nullable) {
            (true, false) => "required",
            (true, true) => "required, nullable",
            (false, false) => "optional",
            (false, true) if f.absent == Absent::Null => "optional, nullable (written as null)",
            (false, true) => "optional, nullable",
        };
        h.elem("td", &[("class", "presence")], presence);
        h.open("td", &[]);
        if let Some(d) = &f.default {
            h.elem("code", &[], &d.to_string());
        }
        h.close("td");
        h.elem("td", &[], &constraints_text(&f.ty));
        if let Some(text) = carried.and_then(|c| c.get(i)) {
            h.elem("td", &[("class", "carried")], text);
        }
        h.open("td", &[]);
        deprecation(h, &f.meta);
        docs(h, &f.meta.docs);
        if let Some(e) = f.meta.examples.first() {
            h.open("p", &[("class", "ex")]).text("e.g. ").elem("code", &[], &e.to_string()).close("p");
        }
        h.close("td").close("tr").nl();
    }
    h.trusted("</tbody></table>\n");
}

/// A type as written, with links to named types.
fn type_html(h: &mut Html, schema: &Schema, t: &Type) {
    match &t.kind {
        TypeKind::Named(id) => {
            let name = &schema.ty(*id).name;
            h.elem("a", &[("href", &format!("#{}", type_anchor(name))), ("class", "type")], name);
        }
        TypeKind::List(item) => {
            h.text("[");
            type_html(h, schema, item);
            h.text("]");
        }
        TypeKind::Map(v) => {
            h.text("map<");
            type_html(h, schema, v);
            h.text(">");
        }
        TypeKind::Tuple(items) => {
            h.text("[");
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    h.text(", ");
                }
                type_html(h, schema, x);
            }
            h.text("]");
        }
        TypeKind::OneOf(u) => {
            for (i, x) in u.variants.iter().enumerate() {
                if i > 0 {
                    h.text(" | ");
                }
                type_html(h, schema, x);
            }
        }
        TypeKind::Nullable(inner) => {
            type_html(h, schema, inner);
            h.text(" | null");
        }
        _ => {
            h.elem("code", &[("class", "scalar")], &type_text(schema, t));
        }
    }
}

/// A type as plain text.
fn type_text(schema: &Schema, t: &Type) -> String {
    match &t.kind {
        TypeKind::Bool => "bool".into(),
        TypeKind::Int(it) => match it.encoding {
            IntEncoding::Number => it.name(),
            IntEncoding::String => format!("{} (as a string)", it.name()),
        },
        TypeKind::Float(f) => format!("{f:?}").to_lowercase(),
        TypeKind::String => "string".into(),
        TypeKind::Bytes(e) => format!(
            "bytes ({})",
            if matches!(e, sockspec_model::BytesEncoding::Base64) { "base64" } else { "base64url" }
        ),
        TypeKind::Uuid => "uuid".into(),
        TypeKind::Date => "date".into(),
        TypeKind::DateTime(e) => match e {
            TimeEncoding::Rfc3339 => "datetime (RFC 3339)".into(),
            TimeEncoding::Local => "datetime (local, no offset)".into(),
            TimeEncoding::UnixS => "datetime (Unix seconds)".into(),
            TimeEncoding::UnixMs => "datetime (Unix milliseconds)".into(),
            TimeEncoding::UnixUs => "datetime (Unix microseconds)".into(),
            TimeEncoding::UnixSFloat => "datetime (Unix seconds, fractional)".into(),
            TimeEncoding::UnixMsFloat => "datetime (Unix milliseconds, fractional)".into(),
        },
        TypeKind::Json => "json".into(),
        TypeKind::Null => "null".into(),
        TypeKind::List(i) => format!("[{}]", type_text(schema, i)),
        TypeKind::Map(v) => format!("map<{}>", type_text(schema, v)),
        TypeKind::Tuple(items) => {
            format!("[{}]", items.iter().map(|x| type_text(schema, x)).collect::<Vec<_>>().join(", "))
        }
        TypeKind::Named(id) => schema.ty(*id).name.clone(),
        TypeKind::OneOf(u) => u.variants.iter().map(|x| type_text(schema, x)).collect::<Vec<_>>().join(" | "),
        TypeKind::Nullable(i) => format!("{} | null", type_text(schema, i)),
    }
}

fn constraints_text(t: &Type) -> String {
    // `T | null` carries the constraints of `T`, flattened in; an older model may keep them
    // on `T` alone.
    let c = match &t.kind {
        TypeKind::Nullable(inner) if t.constraints.is_empty() => &inner.constraints,
        _ => &t.constraints,
    };
    let mut parts = Vec::new();
    if let Some(r) = &c.range {
        let n = |l: &sockspec_model::Limit| match l.value {
            sockspec_model::Number::Int(i) => i.to_string(),
            sockspec_model::Number::Float(f) => f.to_string(),
        };
        let min = r.min.as_ref().map(|l| format!("{}{}", n(l), if l.exclusive { " (excluded)" } else { "" }));
        let max = r.max.as_ref().map(n);
        // The schema's own spelling: `1..` has no upper end, `..=9` and `..9` have one.
        let op = if r.max.is_some_and(|l| l.exclusive) || max.is_none() { ".." } else { "..=" };
        parts.push(format!("range {}{op}{}", min.unwrap_or_default(), max.unwrap_or_default()));
    }
    if let Some(l) = &c.len {
        let op = if l.max.is_some() { "..=" } else { ".." };
        parts.push(format!(
            "length {}{op}{}",
            l.min.map(|m| m.to_string()).unwrap_or_default(),
            l.max.map(|m| m.to_string()).unwrap_or_default()
        ));
    }
    for p in &c.patterns {
        parts.push(format!("pattern {p}"));
    }
    parts.join("; ")
}

fn type_def(h: &mut Html, schema: &Schema, id: TypeId) {
    let t = schema.ty(id);
    let anchor = type_anchor(&t.name);
    let (kind, extra): (&str, Vec<String>) = match &t.kind {
        TypeDefKind::Struct(s) => ("struct", s.fields.iter().map(|f| f.name.clone()).collect()),
        TypeDefKind::Enum(e) => (
            if e.flags { "flags" } else { "enum" },
            e.variants.iter().map(|v| format!("{} {}", v.name, tag_json(&v.value))).collect(),
        ),
        TypeDefKind::Union(_) => ("union", Vec::new()),
        TypeDefKind::Alias(_) => ("type", Vec::new()),
    };
    let search = search_text(&t.name, &t.meta, &extra);
    h.open("article", &[("id", &anchor), ("class", "item type"), ("data-search", &search)]).nl();
    h.open("h3", &[]).elem("a", &[("href", &format!("#{anchor}")), ("class", "anchor")], &t.name);
    badges(h, &t.meta, &[kind]);
    h.close("h3").nl();
    deprecation(h, &t.meta);
    docs(h, &t.meta.docs);
    match &t.kind {
        TypeDefKind::Struct(s) => {
            if s.fields.is_empty() {
                h.elem("p", &[("class", "empty")], "No members.");
            } else {
                field_table(h, schema, &s.fields, None);
            }
            match (s.unknown_fields.client, s.unknown_fields.server) {
                (UnknownFields::Reject, UnknownFields::Reject) => {
                    h.elem("p", &[], "Unknown members are rejected.");
                }
                (UnknownFields::Reject, UnknownFields::Ignore) => {
                    h.elem(
                        "p",
                        &[],
                        "Unknown members are rejected in values the client sends, ignored in the server's.",
                    );
                }
                (UnknownFields::Ignore, UnknownFields::Reject) => {
                    h.elem(
                        "p",
                        &[],
                        "Unknown members are rejected in values the server sends, ignored in the client's.",
                    );
                }
                (UnknownFields::Ignore, UnknownFields::Ignore) => {}
            }
        }
        TypeDefKind::Enum(e) => {
            let repr = match e.repr {
                EnumRepr::String => "strings".to_string(),
                EnumRepr::Int(it) => format!("integers ({})", it.name()),
                EnumRepr::Integer => "integers".to_string(),
            };
            let open = if e.open { "; open: an unknown value is kept" } else { "" };
            let flags = if e.flags { "; a bit set: the value is the sum of the flags set" } else { "" };
            h.elem("p", &[("class", "wire")], &format!("Values are {repr}{flags}{open}."));
            h.trusted("<table><thead><tr><th>Value</th><th>Name</th><th>Description</th></tr></thead><tbody>\n");
            for v in &e.variants {
                h.open("tr", &[]).open("td", &[]).elem("code", &[], &tag_json(&v.value).to_string()).close("td");
                h.open("td", &[]).text(&v.name);
                badges(h, &v.meta, &[]);
                h.close("td").open("td", &[]);
                deprecation(h, &v.meta);
                docs(h, &v.meta.docs);
                h.close("td").close("tr").nl();
            }
            h.trusted("</tbody></table>\n");
        }
        TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
            h.open("p", &[("class", "wire")]).text("Tagged by ").elem("code", &[], field);
            if *open {
                h.text("; open: an unknown tag is kept");
            }
            if let Some(b) = base {
                h.text("; every variant also has the members of ");
                let name = &schema.ty(*b).name;
                h.elem("a", &[("href", &format!("#{}", type_anchor(name)))], name);
            }
            h.text(".").close("p");
            h.trusted("<table><thead><tr><th>Tag</th><th>Variant</th></tr></thead><tbody>\n");
            for v in variants {
                let def = schema.ty(*v);
                let tag = match &def.kind {
                    TypeDefKind::Struct(s) => tag_json(&s.tag).to_string(),
                    _ => String::new(),
                };
                h.open("tr", &[]).open("td", &[]).elem("code", &[], &tag).close("td").open("td", &[]);
                h.elem("a", &[("href", &format!("#{}", type_anchor(&def.name)))], &def.name);
                h.close("td").close("tr").nl();
            }
            h.trusted("</tbody></table>\n");
        }
        TypeDefKind::Union(Union::Untagged(u)) => {
            h.open("p", &[("class", "wire")]).text("Untagged: one of ");
            for (i, v) in u.variants.iter().enumerate() {
                if i > 0 {
                    h.text(" | ");
                }
                type_html(h, schema, v);
            }
            h.text(if u.ordered { ", the first that fits." } else { ", told apart by the JSON value." });
            h.close("p");
        }
        TypeDefKind::Alias(target) => {
            h.open("p", &[("class", "wire")]).text("= ");
            type_html(h, schema, target);
            let c = constraints_text(target);
            if !c.is_empty() {
                h.text(" (").text(&c).text(")");
            }
            h.close("p");
        }
    }
    for e in &t.meta.examples {
        h.open("p", &[("class", "ex")]).text("e.g. ").elem("code", &[], &e.to_string()).close("p");
    }
    h.close("article").nl();
}
