//! Messages: payloads, tags, ids, requests and correlation, member collisions at the
//! frame's top level, and the dispatch tables that tell frames apart.

use std::collections::{BTreeMap, HashSet};

use sockspec_syntax::{Diagnostic, Span, ast};

use super::settings::OpenTags;
use super::{Decl, Lower};
use crate::model::*;

const MESSAGE_ATTRS: &[&str] = &[
    "tag",
    "content",
    "no_envelope",
    "strict",
    "lenient",
    "error",
    "stream",
    "end",
    "correlate",
    "subscription",
    "cancel",
    "key",
    "fallback",
    "no_id",
    "deprecated",
    "since",
    "example",
    "renamed_from",
    "breaking",
    "ident",
];

impl<'a> Lower<'a> {
    pub(crate) fn lower_envelope(&mut self, item: &ast::Item) -> Vec<Field> {
        let ast::ItemKind::Envelope { fields, .. } = &item.kind else { return Vec::new() };
        for attr in &item.attrs {
            self.unknown_attr(attr, &[], "an envelope");
        }
        // `@only(...)` is an attribute of envelope members alone: take it off before the
        // members are lowered as ordinary fields.
        let mut plain = fields.clone();
        for f in &mut plain {
            let (only, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut f.attrs).into_iter().partition(|a| a.name.text == "only");
            f.attrs = rest;
            for attr in only {
                let targets = self.only_targets(&attr);
                self.envelope_only.push((f.name.text.clone(), targets));
            }
        }
        let fields = self.lower_fields(&plain);
        let mut top: Vec<(&str, String)> =
            self.settings.all_tag_fields().into_iter().map(|t| ("a tag field", t)).collect();
        top.push(("the id member", self.settings.id_field.clone()));
        for dir in Direction::BOTH {
            if let Some(c) = self.settings.content_of(dir) {
                top.push(("the content member", c.clone()));
            }
        }
        if self.settings.jsonrpc && self.settings.jsonrpc_member {
            top.push(("the `jsonrpc` member", "jsonrpc".into()));
        }
        for f in &fields {
            if let Some((what, _)) = top.iter().find(|(_, n)| *n == f.name) {
                self.error(
                    Diagnostic::error(
                        "S0405",
                        format!("envelope member `{}` is also {what}", f.name),
                        f.meta.span,
                        "collides",
                    )
                    .with_note(
                        "the envelope, the tag fields, the id and the content member share the frame's top level",
                    ),
                );
            }
        }
        fields
    }

    /// `@only(server)`, `@only(Ready, Resumed)`, `@only(0)`: where an envelope member is.
    fn only_targets(&mut self, attr: &ast::Attribute) -> Vec<Only> {
        let expected =
            "`client`, `server`, message names or first tag values: `@only(server)`, `@only(Ready)`, `@only(0)`";
        let Some(args) = attr.args.as_deref().filter(|a| !a.is_empty()) else {
            self.bad_args(attr, expected);
            return Vec::new();
        };
        let mut out = Vec::new();
        for a in args {
            match &a.kind {
                ast::ExprKind::Ident(w) if w == "client" => out.push(Only::Side(Direction::Client)),
                ast::ExprKind::Ident(w) if w == "server" => out.push(Only::Side(Direction::Server)),
                ast::ExprKind::Ident(n) => {
                    if let Some(id) = self.message_ref(n, a.span) {
                        out.push(Only::Message(id));
                    }
                }
                ast::ExprKind::Str(_) | ast::ExprKind::Int(_) => {
                    if let Some(t) = self.message_tag_value(a) {
                        out.push(Only::Tag(t));
                    }
                }
                _ => self.bad_args(attr, expected),
            }
        }
        out
    }

    /// The sides whose frames carry an envelope member: both, unless `@only(client)` or
    /// `@only(server)` says one.
    fn envelope_sides(&self, name: &str) -> Vec<Direction> {
        let sides: Vec<Direction> = self
            .envelope_only
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, t)| t.iter())
            .filter_map(|t| if let Only::Side(d) = t { Some(*d) } else { None })
            .collect();
        if sides.is_empty() { Direction::BOTH.to_vec() } else { sides }
    }

    /// Each message's envelope members per side, with `@only` applied.
    fn resolve_envelopes(&mut self, messages: &mut [Message], envelope: &[Field], out: &mut PerDirection<Dispatch>) {
        let only = self.envelope_only.clone();
        let sides_of = |name: &str| self.envelope_sides(name);
        for dir in Direction::BOTH {
            out.get_mut(dir).envelope = envelope.iter().filter(|f| sides_of(&f.name).contains(&dir)).cloned().collect();
        }
        for (i, m) in messages.iter_mut().enumerate() {
            let id = MessageId(i as u32);
            let first_tag = match &m.discriminator {
                Discriminator::Tag(v) => v.first().cloned(),
                _ => None,
            };
            for dir in Direction::BOTH {
                if !m.envelope || !m.sender.includes(dir) {
                    continue;
                }
                let mut fields = Vec::new();
                for f in envelope {
                    if !sides_of(&f.name).contains(&dir) {
                        continue;
                    }
                    let targets: Vec<&Only> = only
                        .iter()
                        .filter(|(n, _)| *n == f.name)
                        .flat_map(|(_, t)| t.iter())
                        .filter(|t| !matches!(t, Only::Side(_)))
                        .collect();
                    let mut field = f.clone();
                    if !targets.is_empty() {
                        let here = targets.iter().any(|t| match t {
                            Only::Message(x) => *x == id,
                            Only::Tag(v) => first_tag.as_ref() == Some(v),
                            Only::Side(_) => false,
                        });
                        if here {
                            field.required = true;
                            // Not null here: `T | null` loses its `| null` (nullability
                            // lives in the type, and `finish` reads it from there).
                            if let TypeKind::Nullable(inner) = field.ty.kind {
                                let constraints = field.ty.constraints;
                                field.ty = *inner;
                                field.ty.constraints = field.ty.constraints.intersect(&constraints);
                            }
                            field.nullable = false;
                            field.absent = Absent::Omit;
                            field.default = None;
                        } else {
                            field.ty = Type { kind: TypeKind::Null, constraints: Constraints::default() };
                            field.required = false;
                            field.nullable = true;
                            field.default = None;
                        }
                    }
                    fields.push(field);
                }
                *m.envelope_fields.get_mut(dir) = fields;
            }
        }
    }

    /// Names of messages that carry the protocol id because they answer requests
    /// correlated by it: the replies, and (unless a subscription ties them) the stream and
    /// end messages, which would otherwise have nothing to say which request they belong to.
    pub(crate) fn id_reply_targets(&self) -> HashSet<&'a str> {
        let mut out = HashSet::new();
        for item in &self.message_items {
            let ast::ItemKind::Message { replies, .. } = &item.kind else { continue };
            let has = |name: &str| item.attrs.iter().any(|a| a.name.text == name);
            if has("correlate") {
                continue;
            }
            for r in replies {
                if let ast::TypeExprKind::Named { name, .. } = &r.kind {
                    out.insert(name.text.as_str());
                }
            }
            let tied = item.attrs.iter().filter(|a| match a.name.text.as_str() {
                "stream" | "end" => !has("subscription"),
                "cancel" => true,
                _ => false,
            });
            for attr in tied {
                for arg in attr.args.iter().flatten() {
                    if let ast::ExprKind::Ident(name) = &arg.kind {
                        out.insert(name.as_str());
                    }
                }
            }
        }
        out
    }

    pub(crate) fn lower_message(&mut self, item: &'a ast::Item) -> Option<Message> {
        let ast::ItemKind::Message { direction, keyword, name, body, replies } = &item.kind else { return None };
        let meta = self.meta(item, name.span);
        let sender = match direction.as_ref().map(|d| d.value) {
            Some(ast::Direction::Client) => Sender::Client,
            Some(ast::Direction::Server) => Sender::Server,
            None => Sender::Both,
        };
        let is_request = keyword.value == ast::MessageKeyword::Request;
        let jsonrpc = self.settings.jsonrpc;

        let mut tag: Option<Option<Vec<TagValue>>> = None; // Some(None) = @tag(none)
        // The sending side's framing; a message of both sides needs the two to agree.
        let side = match sender {
            Sender::Server => Direction::Server,
            Sender::Client | Sender::Both => Direction::Client,
        };
        if sender == Sender::Both && self.settings.framing_differs() {
            self.error(
                Diagnostic::error(
                    "S0426",
                    format!("`{}` is sent by both sides, whose framing differs", name.text),
                    name.span,
                    "sent by both sides",
                )
                .with_help("declare a `client message` and a `server message`, each in its side's framing"),
            );
        }
        let mut content = self.settings.content_of(side).cloned();
        let mut envelope = true;
        let mut unknown = self.settings.unknown_fields;
        let mut error = false;
        let mut stream = Vec::new();
        let mut end = Vec::new();
        let mut cancel = None;
        let mut correlation = Correlation::Id;
        let mut content_optional_attr = None;
        let mut key: Option<(String, Span)> = None;
        let mut fallback = None;
        let mut no_id = None;
        for attr in &item.attrs {
            match attr.name.text.as_str() {
                "tag" => tag = self.message_tag(attr),
                "content" => {
                    if jsonrpc {
                        self.error(Diagnostic::error(
                            "S0403",
                            "`@content` cannot be used with `style = jsonrpc`",
                            attr.span,
                            "JSON-RPC fixes `params`",
                        ));
                    }
                    // `@content("payload")`, `@content(none)`, and with `optional` (alone: the
                    // protocol's member) a member that may be absent when the payload is empty.
                    let expected = "a member name such as \"data\", `none`, or `(\"payload\", optional)`";
                    let args = attr.args.as_deref().unwrap_or_default();
                    let is_optional = |e: &ast::Expr| matches!(&e.kind, ast::ExprKind::Ident(w) if w == "optional");
                    let (member, optional) = match args {
                        [one] if is_optional(one) => (None, true),
                        [one] => (Some(one), false),
                        [one, two] if is_optional(two) => (Some(one), true),
                        _ => {
                            self.bad_args(attr, expected);
                            (None, false)
                        }
                    };
                    match member.map(|e| &e.kind) {
                        Some(ast::ExprKind::Str(s)) => content = Some(s.clone()),
                        Some(ast::ExprKind::Ident(w)) if w == "none" && !optional => content = None,
                        Some(_) => self.bad_args(attr, expected),
                        None => {}
                    }
                    if optional {
                        content_optional_attr = Some(attr.span);
                    }
                }
                "no_envelope" if self.no_args(attr) => envelope = false,
                "strict" if self.no_args(attr) => unknown = PerDirection::both(UnknownFields::Reject),
                "lenient" if self.no_args(attr) => unknown = PerDirection::both(UnknownFields::Ignore),
                "error" if self.no_args(attr) => {
                    if jsonrpc {
                        self.error(
                            Diagnostic::error(
                                "S0301",
                                "with `style = jsonrpc`, `@error` marks a struct",
                                attr.span,
                                "on a message",
                            )
                            .with_help("declare `@error struct RpcError { code: i64, message: string, data?: json }`"),
                        );
                    }
                    error = true;
                }
                "stream" => match attr.args.as_deref() {
                    Some(args) if !args.is_empty() => {
                        for a in args {
                            if let Some(m) = self.message_arg(a) {
                                stream.push((m, a.span));
                            }
                        }
                    }
                    _ => self.bad_args(attr, "message names, `@stream(Partial, Progress)`"),
                },
                "end" => match attr.args.as_deref() {
                    Some(args) if !args.is_empty() => {
                        for a in args {
                            if let Some(m) = self.message_arg(a) {
                                end.push((m, a.span));
                            }
                        }
                    }
                    _ => self.bad_args(attr, "message names, `@end(Done)` or `@end(Complete, Error)`"),
                },
                "cancel" => {
                    if let Some(a) = self.one_arg(attr, "one message name, `@cancel(Complete)`") {
                        cancel = self.message_arg(a).map(|m| (m, a.span));
                    }
                }
                "correlate" | "subscription" => {
                    let arg = self.one_arg(attr, "a member name");
                    let by_order = attr.name.text == "correlate"
                        && matches!(arg.map(|a| &a.kind), Some(ast::ExprKind::Ident(w)) if w == "order");
                    if by_order {
                        correlation = Correlation::Order;
                    } else if let Some(f) = arg.and_then(super::settings::word).map(str::to_string) {
                        correlation = if attr.name.text == "correlate" {
                            Correlation::Field { name: f, pointer: None }
                        } else {
                            Correlation::Subscription { name: f, pointer: None }
                        };
                    }
                }
                "key" => match self.one_arg(attr, "a member name, `@key(\"result\")`").map(|a| (&a.kind, a.span)) {
                    Some((ast::ExprKind::Str(k) | ast::ExprKind::Ident(k), _)) => key = Some((k.clone(), attr.span)),
                    Some(_) => self.bad_args(attr, "a member name, `@key(\"result\")`"),
                    None => {}
                },
                "fallback" if self.no_args(attr) => fallback = Some(attr.span),
                "no_id" if self.no_args(attr) => no_id = Some(attr.span),
                "deprecated" | "since" | "example" | "renamed_from" | "breaking" | "ident" | "no_envelope"
                | "strict" | "lenient" | "error" | "fallback" | "no_id" => {}
                _ => self.unknown_attr(attr, MESSAGE_ATTRS, "a message"),
            }
        }
        if !is_request {
            for attr in item
                .attrs
                .iter()
                .filter(|a| matches!(a.name.text.as_str(), "stream" | "end" | "correlate" | "subscription" | "cancel"))
            {
                self.error(
                    Diagnostic::error(
                        "S0301",
                        format!("`@{}` applies to requests", attr.name.text),
                        attr.span,
                        "on a message",
                    )
                    .with_help(format!("declare it as `request {}`", name.text)),
                );
            }
        }

        let payload = match body {
            ast::MessageBody::Fields { fields, .. } => Payload::Fields(self.lower_fields(fields)),
            ast::MessageBody::Type(te) => {
                if content.is_none() {
                    self.error(
                        Diagnostic::error(
                            "S0408",
                            "a message whose payload is one value needs a content member",
                            te.span,
                            "no member to put it in",
                        )
                        .with_help("set `content = \"data\"` in the protocol, or `@content(\"data\")` on this message"),
                    );
                }
                let (ty, nullable) = self.lower_type_expr(te);
                // `T | null` lives in the type; `nullable` is decided from it in `finish.rs`.
                let ty = if nullable {
                    Type { kind: TypeKind::Nullable(Box::new(ty)), constraints: Default::default() }
                } else {
                    ty
                };
                Payload::Value { ty, nullable }
            }
        };

        // Which tag values name it.
        let tag_fields = self.settings.tag_fields_of(side).len();
        let tag_span = item.attrs.iter().find(|a| a.name.text == "tag").map_or(name.span, |a| a.span);
        match &tag {
            Some(None) if jsonrpc => self.error(
                Diagnostic::error("S0410", "JSON-RPC messages are named by `method`", tag_span, "no tag to leave out")
                    .with_note("result and error frames are told apart structurally already"),
            ),
            Some(Some(_)) if tag_fields == 0 => self.error(
                Diagnostic::error(
                    "S0410",
                    "`@tag` in a protocol with `tag = none`",
                    tag_span,
                    "there is no tag member",
                )
                .with_help("every message is told apart by its members; remove `@tag`, or set `tag = \"type\"`"),
            ),
            _ => {}
        }
        let untagged_by = key.as_ref().map(|(_, s)| ("@key", *s)).or(fallback.map(|s| ("@fallback", s)));
        if let Some((what, span)) = untagged_by {
            if jsonrpc {
                self.error(
                    Diagnostic::error(
                        "S0421",
                        format!("`{what}` cannot be used with `style = jsonrpc`"),
                        span,
                        "JSON-RPC frames are told apart by `method`, `result` and `error`",
                    )
                    .with_help("describe the protocol in the tagged style, with `tag = \"method\"`"),
                );
            } else if tag.is_some() {
                self.error(Diagnostic::error(
                    "S0421",
                    format!("a message with `{what}` has no tag"),
                    tag_span,
                    format!("`@tag` contradicts `{what}`"),
                ));
            } else if key.is_some() && fallback.is_some() {
                self.error(Diagnostic::error(
                    "S0421",
                    "a message is either `@key(...)` or `@fallback`",
                    span,
                    "both given",
                ));
            }
        }
        let discriminator = match tag {
            _ if key.is_some() => Discriminator::Key(key.clone().map(|(k, _)| k).unwrap_or_default()),
            _ if fallback.is_some() => Discriminator::Fallback,
            Some(None) => Discriminator::Structural(Vec::new()),
            _ if tag_fields == 0 => Discriminator::Structural(Vec::new()),
            Some(Some(values)) => {
                if values.len() > tag_fields {
                    let span = item.attrs.iter().find(|a| a.name.text == "tag").map_or(name.span, |a| a.span);
                    self.error(Diagnostic::error(
                        "S0410",
                        format!(
                            "`@tag` gives {} values, but the protocol has {} tag field(s)",
                            values.len(),
                            tag_fields
                        ),
                        span,
                        "too many values",
                    ));
                }
                Discriminator::Tag(values)
            }
            None => Discriminator::Tag(vec![TagValue::Str(self.settings.tag_case.apply(&name.text))]),
        };

        // Whether it carries the protocol id.
        let declares_id = matches!(&payload, Payload::Fields(fs) if content.is_none() && fs.iter().any(|f| f.name == self.settings.id_field));
        if let Some(span) = no_id
            && !error
        {
            self.error(
                Diagnostic::error("S0301", "`@no_id` applies to the `@error` message", span, "not an `@error` message")
                    .with_note("other messages carry the id member only as requests and their replies"),
            );
        }
        let id = if jsonrpc {
            if is_request { IdPresence::Required } else { IdPresence::Forbidden }
        } else if declares_id {
            if is_request && matches!(correlation, Correlation::Id | Correlation::Subscription { .. }) {
                let field = self.settings.id_field.clone();
                self.error(
                    Diagnostic::error(
                        "S0424",
                        format!("request `{}` declares a field `{field}`, the protocol's id member", name.text),
                        name.span,
                        "correlated by the id member, which it declares itself",
                    )
                    .with_help(format!(
                        "remove the field: the id member is added with `id_type`; or correlate by it with \
                         `@correlate({field})`"
                    )),
                );
            }
            IdPresence::None
        } else if error && no_id.is_some() {
            IdPresence::None
        } else if error {
            IdPresence::Optional
        } else if (is_request && matches!(correlation, Correlation::Id | Correlation::Subscription { .. }))
            || self.reply_targets.contains(name.text.as_str())
        {
            IdPresence::Required
        } else {
            IdPresence::None
        };

        let all_optional = matches!(&payload, Payload::Fields(fs) if fs.iter().all(|f| !f.required));
        if let Some(span) = content_optional_attr {
            let required = match &payload {
                Payload::Fields(fs) => fs.iter().find(|f| f.required).map(|f| f.meta.span),
                Payload::Value { .. } => None,
            };
            if let Some(field) = required {
                self.error(
                    Diagnostic::error(
                        "S0422",
                        format!("the payload of `{}` may be absent, but it has a required field", name.text),
                        span,
                        "an absent payload is read as `{}`",
                    )
                    .with_secondary(field, "required here")
                    .with_help("make every payload field optional (`name?: T`), or drop `optional`"),
                );
            } else if content.is_none() {
                self.error(Diagnostic::error(
                    "S0422",
                    format!("`{}` has no content member to leave out", name.text),
                    span,
                    "a flat payload",
                ));
            }
        }
        let content_optional = (jsonrpc && all_optional) || content_optional_attr.is_some();
        let frame_unknown = match self.settings.frame_unknown_fields {
            Some(policy) if jsonrpc => PerDirection::both(policy),
            _ => unknown,
        };

        let request = if is_request {
            if replies.is_empty() {
                self.error(
                    Diagnostic::error(
                        "S0406",
                        format!("request `{}` has no replies", name.text),
                        name.span,
                        "no `-> Reply`",
                    )
                    .with_help(format!("write `request {} {{ ... }} -> Reply`, or declare it a `message`", name.text)),
                );
            }
            let replies = self.replies(sender, replies, name);
            let other = |d: Sender| match d {
                Sender::Client => Sender::Server,
                Sender::Server => Sender::Client,
                Sender::Both => Sender::Both,
            };
            let check_other = |cx: &mut Self, id: MessageId, span: Span, what: &str| {
                let target = cx.message_items[id.0 as usize];
                let tsender = sender_of(target);
                let need = other(sender);
                let ok = match need {
                    Sender::Both => tsender == Sender::Both,
                    s => tsender == s || tsender == Sender::Both,
                };
                if !ok {
                    cx.error(
                        Diagnostic::error(
                            "S0406",
                            format!("{what} of `{}` must be sent by the other side", name.text),
                            span,
                            "sent by the same side as the request",
                        )
                        .with_secondary(target.name().map_or(target.span, |n| n.span), "declared here"),
                    );
                }
            };
            for (m, span) in &stream {
                check_other(self, *m, *span, "a stream message");
            }
            for (m, span) in &end {
                check_other(self, *m, *span, "an end message");
            }
            if let Some((m, span)) = cancel {
                // The requester sends it: the same side as the request.
                let target = self.message_items[m.0 as usize];
                let tsender = sender_of(target);
                let ok = match sender {
                    Sender::Both => tsender == Sender::Both,
                    s => tsender == s || tsender == Sender::Both,
                };
                if !ok {
                    self.error(
                        Diagnostic::error(
                            "S0425",
                            format!("the cancel message of `{}` must be sent by the requester", name.text),
                            span,
                            "sent by the side that answers",
                        )
                        .with_secondary(target.name().map_or(target.span, |n| n.span), "declared here"),
                    );
                }
            }
            // The member may be the request's own field or an envelope member it carries.
            if let Correlation::Field { name: f, .. } = &correlation
                && !matches!(&payload, Payload::Fields(fs) if fs.iter().any(|x| x.name == *f))
                && !(envelope && self.envelope_names.contains(f))
            {
                let span = item.attrs.iter().find(|a| a.name.text == "correlate").map_or(name.span, |a| a.span);
                self.error(Diagnostic::error(
                    "S0412",
                    format!("request `{}` has no field or envelope member `{f}` to correlate by", name.text),
                    span,
                    "no such field",
                ));
            }
            Some(Request {
                replies,
                stream: stream.iter().map(|(m, _)| *m).collect(),
                end: end.iter().map(|(m, _)| *m).collect(),
                cancel: cancel.map(|(m, _)| m),
                correlation,
            })
        } else {
            if let Some(first) = replies.first() {
                self.error(
                    Diagnostic::error("S0406", "only requests have replies", first.span, "a reply on a message")
                        .with_help(format!("declare it as `request {}`", name.text)),
                );
            }
            None
        };

        Some(Message {
            name: name.text.clone(),
            meta,
            sender,
            discriminator,
            envelope,
            envelope_fields: PerDirection::default(),
            content,
            content_optional,
            payload,
            id,
            request,
            error,
            unknown_fields: unknown,
            frame_unknown_fields: frame_unknown,
        })
    }

    /// `@tag(...)`: `Some(None)` for `@tag(none)`, `Some(Some(values))` otherwise.
    fn message_tag(&mut self, attr: &ast::Attribute) -> Option<Option<Vec<TagValue>>> {
        match attr.args.as_deref() {
            Some([e]) if matches!(&e.kind, ast::ExprKind::Ident(w) if w == "none") => Some(None),
            Some(args) if (1..=2).contains(&args.len()) => {
                let values: Option<Vec<TagValue>> = args.iter().map(|a| self.message_tag_value(a)).collect();
                values.map(Some)
            }
            _ => {
                self.bad_args(attr, "one or two tag values, `@tag(\"name\")`, `@tag(0, \"READY\")`, or `@tag(none)`");
                None
            }
        }
    }

    /// A message's tag value: a string, an integer, `true`, `false` or `null`.
    pub(crate) fn message_tag_value(&mut self, arg: &ast::Expr) -> Option<TagValue> {
        match &arg.kind {
            ast::ExprKind::Ident(w) if w == "true" => Some(TagValue::Bool(true)),
            ast::ExprKind::Ident(w) if w == "false" => Some(TagValue::Bool(false)),
            ast::ExprKind::Ident(w) if w == "null" => Some(TagValue::Null),
            ast::ExprKind::Str(_) | ast::ExprKind::Int(_) => self.tag_value(arg),
            _ => {
                self.error(Diagnostic::error(
                    "S0410",
                    "a tag value is a JSON scalar",
                    arg.span,
                    "expected \"name\", an integer, `true`, `false` or `null`",
                ));
                None
            }
        }
    }

    fn message_arg(&mut self, e: &ast::Expr) -> Option<MessageId> {
        match &e.kind {
            ast::ExprKind::Ident(n) => self.message_ref(n, e.span),
            _ => {
                self.error(Diagnostic::error("S0302", "expected a message name", e.span, "not a name"));
                None
            }
        }
    }

    fn replies(&mut self, sender: Sender, replies: &[ast::TypeExpr], request: &ast::Name) -> Vec<Reply> {
        if replies.is_empty() {
            return Vec::new();
        }
        if self.settings.jsonrpc {
            let te = if replies.len() == 1 {
                replies[0].clone()
            } else {
                let span = replies[0].span.to(replies[replies.len() - 1].span);
                ast::TypeExpr { kind: ast::TypeExprKind::Union(replies.to_vec()), attrs: Vec::new(), span }
            };
            let (ty, nullable) = self.lower_type_expr(&te);
            let ty = if nullable {
                Type { kind: TypeKind::Nullable(Box::new(ty)), constraints: Constraints::default() }
            } else {
                ty
            };
            return vec![Reply::Result(ty)];
        }
        let mut out = Vec::new();
        for r in replies {
            let ast::TypeExprKind::Named { name, args } = &r.kind else {
                self.error(Diagnostic::error("S0406", "a reply is a message", r.span, "not a message name"));
                continue;
            };
            if args.len() > 1 || !r.attrs.is_empty() {
                self.error(Diagnostic::error("S0406", "a reply is a message", r.span, "not a message name"));
                continue;
            }
            // `Success<NavigateResult>`: the result type of this request, carried in the
            // reply message's one-value `json` payload.
            let result = match args.first() {
                None => None,
                Some(arg) => {
                    let generic = matches!(
                        self.names.get(name.text.as_str()),
                        Some(Decl::Message(_, target)) if json_payload(target)
                    );
                    if !generic {
                        self.error(
                            Diagnostic::error(
                                "S0406",
                                format!("`{}` cannot carry a result type", name.text),
                                arg.span,
                                "a result type for a message whose payload is not one `json` value",
                            )
                            .with_help(format!(
                                "declare the reply with a one-value payload: `@content(\"result\") server message {} = json`",
                                name.text
                            )),
                        );
                        continue;
                    }
                    let (ty, nullable) = self.lower_type_expr(arg);
                    Some(if nullable {
                        Type { kind: TypeKind::Nullable(Box::new(ty)), constraints: Constraints::default() }
                    } else {
                        ty
                    })
                }
            };
            match self.names.get(name.text.as_str()).copied() {
                Some(Decl::Message(id, target)) => {
                    let tsender = sender_of(target);
                    let ok = match sender {
                        Sender::Client => tsender != Sender::Client,
                        Sender::Server => tsender != Sender::Server,
                        Sender::Both => tsender == Sender::Both,
                    };
                    if !ok {
                        self.error(
                            Diagnostic::error(
                                "S0406",
                                format!("reply `{}` is not a message of the other direction", name.text),
                                r.span,
                                format!("`{}` is sent by the same side as `{}`", name.text, request.text),
                            )
                            .with_secondary(target.name().map_or(target.span, |n| n.span), "declared here")
                            .with_help("a reply travels back: a client request is answered by a server message"),
                        );
                    }
                    out.push(match result {
                        Some(result) => Reply::Typed { message: id, result },
                        None => Reply::Message(id),
                    });
                }
                Some(Decl::Type(..)) => {
                    self.error(
                        Diagnostic::error(
                            "S0406",
                            format!("reply `{}` is a type, not a message", name.text),
                            r.span,
                            "not a message",
                        )
                        .with_help(format!("declare `server message {} {{ ... }}`", name.text)),
                    );
                }
                // Reports the unknown name with a suggestion.
                None => {
                    self.message_ref(&name.text, name.span);
                }
            }
        }
        out
    }

    /// Correlation members must be carried by every reply and stream message; the `@error`
    /// message joins every request's replies; a reply is correlated one way only.
    pub(crate) fn finish_requests(&mut self, messages: &mut [Message], envelope: &[Field]) {
        self.add_error_replies(messages);
        self.check_shared_replies(messages);
        for i in 0..messages.len() {
            let Some(req) = messages[i].request.clone() else { continue };
            let (field, what) = match &req.correlation {
                Correlation::Field { name, .. } => (name.clone(), "@correlate"),
                Correlation::Subscription { name, .. } => (name.clone(), "@subscription"),
                Correlation::Id | Correlation::Order => continue,
            };
            // `@correlate`: every message of the exchange repeats the field. `@subscription`:
            // the reply names the subscription and every stream and end message carries it.
            let mut targets: Vec<MessageId> = req.stream.clone();
            targets.extend(req.replies.iter().filter_map(Reply::message));
            targets.extend(req.end.iter().copied());
            // A cancel message names the exchange it ends by the same member.
            if what == "@correlate" {
                targets.extend(req.cancel);
            }
            // Where the member sits in each frame of the exchange, when it is the same in all.
            let mut pointers: Vec<String> = Vec::new();
            if what == "@correlate" {
                pointers.push(correlation_pointer(&messages[i], &field, envelope));
            }
            for t in &targets {
                let target = &messages[t.0 as usize];
                if !target.error {
                    pointers.push(correlation_pointer(target, &field, envelope));
                }
            }
            let pointer = pointers.first().filter(|p| pointers.iter().all(|q| q == *p)).cloned();
            if let Some(r) = messages[i].request.as_mut() {
                match &mut r.correlation {
                    Correlation::Field { pointer: p, .. } | Correlation::Subscription { pointer: p, .. } => {
                        *p = pointer
                    }
                    Correlation::Id | Correlation::Order => {}
                }
            }
            let messages = &*messages;
            for t in targets {
                let target = &messages[t.0 as usize];
                if target.error {
                    continue;
                }
                let has = match &target.payload {
                    Payload::Fields(fs) => fs.iter().any(|f| f.name == field),
                    Payload::Value { .. } => false,
                } || self.envelope_names.contains(&field);
                if !has {
                    let span = target.meta.span;
                    let req_span = messages[i].meta.span;
                    self.error(
                        Diagnostic::error(
                            "S0412",
                            format!(
                                "`{}` has no field `{field}`, which `{}` correlates by",
                                target.name, messages[i].name
                            ),
                            span,
                            format!("missing `{field}`"),
                        )
                        .with_secondary(req_span, format!("{what}({field}) here")),
                    );
                }
            }
        }
    }

    /// Every request (tagged style) may be answered by the other side's `@error` message:
    /// the runtime answers bad requests with it, so it is listed among the replies.
    fn add_error_replies(&mut self, messages: &mut [Message]) {
        if self.settings.jsonrpc {
            return;
        }
        let errors: Vec<(MessageId, Sender)> = messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.error)
            .map(|(i, m)| (MessageId(i as u32), m.sender))
            .collect();
        for m in messages.iter_mut() {
            let sender = m.sender;
            let Some(req) = m.request.as_mut() else { continue };
            for (id, esender) in &errors {
                let answers = match sender {
                    Sender::Client => esender.includes(Direction::Server),
                    Sender::Server => esender.includes(Direction::Client),
                    Sender::Both => *esender == Sender::Both,
                };
                if answers && !req.replies.iter().any(|r| r.message() == Some(*id)) {
                    req.replies.push(Reply::Message(*id));
                }
            }
        }
    }

    /// A reply named by a request correlated by the id member and by one correlated another
    /// way would need the id in one exchange and not in the other (S0423).
    fn check_shared_replies(&mut self, messages: &[Message]) {
        let mut by: BTreeMap<MessageId, Vec<(usize, bool)>> = BTreeMap::new();
        for (i, m) in messages.iter().enumerate() {
            let Some(req) = &m.request else { continue };
            let with_id = matches!(req.correlation, Correlation::Id | Correlation::Subscription { .. });
            for r in &req.replies {
                if let Some(id) = r.message()
                    && !messages[id.0 as usize].error
                {
                    by.entry(id).or_default().push((i, with_id));
                }
            }
        }
        for (reply, users) in by {
            let (Some((a, _)), Some((b, _))) =
                (users.iter().find(|(_, with_id)| *with_id), users.iter().find(|(_, with_id)| !*with_id))
            else {
                continue;
            };
            let (a, b, r) = (&messages[*a], &messages[*b], &messages[reply.0 as usize]);
            self.error(
                Diagnostic::error(
                    "S0423",
                    format!("`{}` answers `{}` by the id member and `{}` without it", r.name, a.name, b.name),
                    r.meta.span,
                    "a reply of both",
                )
                .with_secondary(a.meta.span, "correlated by the id member")
                .with_secondary(b.meta.span, "correlated otherwise")
                .with_help("declare a reply message for each, or correlate both requests the same way"),
            );
        }
    }

    /// Names that share the frame's top level must not coincide with payload members.
    pub(crate) fn check_members(&mut self, messages: &[Message], envelope: &[Field]) {
        for m in messages {
            if let Some(c) = &m.content
                && let Some(what) = self.top_level_clash(m, envelope, c)
            {
                self.error(
                    Diagnostic::error(
                        "S0405",
                        format!("the content member `{c}` of `{}` is also {what}", m.name),
                        m.meta.span,
                        "its payload member collides",
                    )
                    .with_note(
                        "the content member, the tag fields, the id and the envelope share the frame's top level",
                    ),
                );
            }
            let Payload::Fields(fields) = &m.payload else { continue };
            if m.content.is_some() {
                continue;
            }
            for f in fields {
                if let Some(what) = self.top_level_clash(m, envelope, &f.name) {
                    self.error(
                        Diagnostic::error(
                            "S0405",
                            format!("field `{}` of `{}` collides with {what}", f.name, m.name),
                            f.meta.span,
                            format!("also {what}"),
                        )
                        .with_note("a flat message's fields share the frame's top level with the tag, id and envelope")
                        .with_help("rename the field, or nest the payload with `@content(\"data\")`"),
                    );
                }
            }
        }
        for dir in Direction::BOTH {
            let errors: Vec<&Message> = messages.iter().filter(|m| m.error && m.sender.includes(dir)).collect();
            if errors.len() > 1 {
                self.error(
                    Diagnostic::error(
                        "S0409",
                        format!("more than one `@error` message from the {}", dir.as_str()),
                        errors[1].meta.span,
                        "second error message",
                    )
                    .with_secondary(errors[0].meta.span, "first one"),
                );
            }
        }
    }

    /// What else of a message's frame top level is called `name`, if anything.
    fn top_level_clash(&self, m: &Message, envelope: &[Field], name: &str) -> Option<&'static str> {
        let sides = Direction::BOTH.into_iter().filter(|d| m.sender.includes(*d));
        if sides.flat_map(|d| self.settings.tag_fields_of(d)).any(|t| t == name) {
            Some("a tag field")
        } else if matches!(m.id, IdPresence::Required | IdPresence::Optional) && name == self.settings.id_field {
            Some("the id member")
        } else if m.envelope
            // A member `@only(server)` is not in what the client sends, and the reverse.
            && envelope.iter().any(|e| e.name == name && self.envelope_sides(&e.name).iter().any(|d| m.sender.includes(*d)))
        {
            Some("an envelope member")
        } else if self.settings.jsonrpc && self.settings.jsonrpc_member && name == "jsonrpc" {
            Some("the `jsonrpc` member")
        } else {
            None
        }
    }

    /// Builds each direction's dispatch, proving every frame names one message.
    pub(crate) fn dispatch(&mut self, messages: &mut [Message], envelope: &[Field]) -> PerDirection<Dispatch> {
        let mut out = PerDirection::<Dispatch>::default();
        self.resolve_envelopes(messages, envelope, &mut out);
        // Structural signatures: the required members of the frame's top level.
        let id_field = self.settings.id_field.clone();
        for m in messages.iter_mut() {
            if matches!(m.discriminator, Discriminator::Structural(_)) {
                let mut sig = top_level_keys(m, &id_field).0;
                sig.sort();
                m.discriminator = Discriminator::Structural(sig);
            }
        }
        for dir in Direction::BOTH {
            let side = format!("the {}", dir.as_str());
            // Tags. In the JSON-RPC style requests and notifications are looked up apart,
            // after the id member has said which of the two a frame is.
            let open = self.settings.unknown_tags.get(dir).clone();
            out.get_mut(dir).tag_fields = self.settings.tag_fields_of(dir).to_vec();
            if self.settings.jsonrpc {
                let requests = self.tag_tree(messages, dir, &side, |m| m.request.is_some());
                let notifications = self.tag_tree(messages, dir, &side, |m| m.request.is_none());
                let mut rpc = RpcDispatch {
                    requests,
                    notifications,
                    replies: messages.iter().any(|m| m.request.is_some() && m.sender.includes(dir.other())),
                };
                match &open {
                    OpenTags::Closed => {}
                    OpenTags::All => {
                        for node in [&mut rpc.requests, &mut rpc.notifications].into_iter().flatten() {
                            node.open = true;
                        }
                    }
                    OpenTags::Families(families) => {
                        if let Some((_, span)) = families.first() {
                            self.error(Diagnostic::error(
                                "S0420",
                                "JSON-RPC methods have one level: there are no families to open",
                                *span,
                                "not a family",
                            ));
                        }
                    }
                }
                out.get_mut(dir).rpc = Some(rpc);
            } else {
                let mut tree = self.tag_tree(messages, dir, &side, |_| true);
                if let Some(node) = &mut tree {
                    self.open_tree(node, &open, messages, dir);
                } else if let OpenTags::Families(families) = &open
                    && let Some((value, span)) = families.first()
                {
                    self.error(Diagnostic::error(
                        "S0420",
                        format!("no message from {side} has the tag {value}"),
                        *span,
                        "no such family",
                    ));
                }
                out.get_mut(dir).tags = tree;
            }
            self.keyed_and_fallback(messages, dir, &side, out.get_mut(dir));
            // Structural.
            let structural: Vec<(MessageId, &Message)> = messages
                .iter()
                .enumerate()
                .filter(|(_, m)| m.sender.includes(dir) && matches!(m.discriminator, Discriminator::Structural(_)))
                .map(|(i, m)| (MessageId(i as u32), m))
                .collect();
            if !structural.is_empty() {
                let candidates: Vec<(usize, Vec<String>, Vec<String>, Span)> = structural
                    .iter()
                    .map(|(id, m)| {
                        let (req, opt) = top_level_keys(m, &id_field);
                        (id.0 as usize, req, opt, m.meta.span)
                    })
                    .collect();
                let owner = format!("the untagged messages from {side} cannot be told apart");
                let reported = self.diagnostics.len();
                let found = self.signatures(&candidates, &owner, "S0407");
                // The `@error` message's automatic id takes part in its signature as an
                // optional member: say so where it is involved.
                let error_with_id = structural.iter().find(|(_, m)| m.error && m.id == IdPresence::Optional);
                if let Some((_, m)) = error_with_id {
                    let help = format!(
                        "`{}` is the `@error` message, so it carries an optional `{}` member (an error may \
                         answer a frame whose id could not be read); `@no_id` on it leaves the id out",
                        m.name, self.settings.id_field
                    );
                    let id = format!("`{}`", self.settings.id_field);
                    for d in &mut self.diagnostics[reported..] {
                        let about_id = std::iter::once(&d.primary).chain(&d.secondary).any(|l| l.message.contains(&id));
                        if d.code == "S0407" && about_id {
                            d.help = Some(help.clone());
                        }
                    }
                }
                if let Some((sigs, keys)) = found {
                    let d = out.get_mut(dir);
                    d.structural = sigs.into_iter().map(|(i, s)| (s, MessageId(i as u32))).collect();
                    d.keys = keys;
                }
            }
        }
        out
    }

    /// The tag lookup of one side over the messages that `include` selects.
    fn tag_tree(
        &mut self,
        messages: &[Message],
        dir: Direction,
        side: &str,
        include: impl Fn(&Message) -> bool,
    ) -> Option<TagNode> {
        let mut groups: BTreeMap<TagValue, Vec<(MessageId, Vec<TagValue>)>> = BTreeMap::new();
        for (i, m) in messages.iter().enumerate() {
            if !m.sender.includes(dir) || !include(m) {
                continue;
            }
            if let Discriminator::Tag(values) = &m.discriminator
                && let Some(first) = values.first()
            {
                groups.entry(first.clone()).or_default().push((MessageId(i as u32), values.clone()));
            }
        }
        let first = self.settings.tag_fields_of(dir).first().cloned()?;
        if groups.is_empty() {
            return None;
        }
        let mut node = TagNode { field: first, entries: Vec::new(), open: false };
        for (value, members) in groups {
            if let Some(target) = self.tag_target(messages, &value, &members, side, dir) {
                node.entries.push((value, target));
            }
        }
        Some(node)
    }

    /// Marks the open levels of a side's tag lookup (`unknown_tags`).
    fn open_tree(&mut self, node: &mut TagNode, open: &OpenTags, messages: &[Message], dir: Direction) {
        match open {
            OpenTags::Closed => {}
            OpenTags::All => {
                node.open = true;
                for (_, target) in &mut node.entries {
                    if let TagTarget::Next(next) = target {
                        next.open = true;
                    }
                }
            }
            OpenTags::Families(families) => {
                for (value, span) in families {
                    match node.entries.iter_mut().find(|(v, _)| v == value) {
                        Some((_, TagTarget::Next(next))) => next.open = true,
                        Some((_, TagTarget::Message(id))) => {
                            let m = &messages[id.0 as usize];
                            self.error(
                                Diagnostic::error(
                                    "S0420",
                                    format!("the tag {value} names one message, not a family"),
                                    *span,
                                    "no second tag to open",
                                )
                                .with_secondary(m.meta.span, format!("`{}` has the tag {value} alone", m.name))
                                .with_help(format!(
                                    "a family is a first value shared by messages with a second one: \
                                     `@tag({value}, \"NAME\")`"
                                )),
                            );
                        }
                        None => self.error(Diagnostic::error(
                            "S0420",
                            format!("no message from the {} has the tag {value}", dir.as_str()),
                            *span,
                            "no such family",
                        )),
                    }
                }
            }
        }
    }

    /// Key rules (in declared order) and the fallback message of one side.
    fn keyed_and_fallback(&mut self, messages: &[Message], dir: Direction, side: &str, out: &mut Dispatch) {
        let id_field = self.settings.id_field.clone();
        for (i, m) in messages.iter().enumerate() {
            if !m.sender.includes(dir) {
                continue;
            }
            match &m.discriminator {
                Discriminator::Key(key) => {
                    let (required, _) = top_level_keys(m, &id_field);
                    if !required.contains(key) {
                        self.error(
                            Diagnostic::error(
                                "S0421",
                                format!("`{}` is picked by the member `{key}`, which it does not require", m.name),
                                m.meta.span,
                                format!("no required top-level member `{key}`"),
                            )
                            .with_help(format!(
                                "declare `{key}` as a required field, or nest the payload under it: \
                                 `@content(\"{key}\")`"
                            )),
                        );
                    }
                    if let Some((_, first)) = out.keyed.iter().find(|(k, _)| k == key) {
                        let first = &messages[first.0 as usize];
                        self.error(
                            Diagnostic::error(
                                "S0421",
                                format!("two messages from {side} are picked by the member `{key}`"),
                                m.meta.span,
                                "never reached",
                            )
                            .with_secondary(first.meta.span, "the first rule wins"),
                        );
                        continue;
                    }
                    out.keyed.push((key.clone(), MessageId(i as u32)));
                }
                Discriminator::Fallback => {
                    if let Some(first) = out.fallback {
                        let first = &messages[first.0 as usize];
                        self.error(
                            Diagnostic::error(
                                "S0421",
                                format!("more than one `@fallback` message from {side}"),
                                m.meta.span,
                                "second fallback",
                            )
                            .with_secondary(first.meta.span, "first one"),
                        );
                        continue;
                    }
                    out.fallback = Some(MessageId(i as u32));
                }
                Discriminator::Tag(_) | Discriminator::Structural(_) => {}
            }
        }
    }

    fn tag_target(
        &mut self,
        messages: &[Message],
        value: &TagValue,
        members: &[(MessageId, Vec<TagValue>)],
        side: &str,
        dir: Direction,
    ) -> Option<TagTarget> {
        let span = |id: MessageId| messages[id.0 as usize].meta.span;
        let name = |id: MessageId| messages[id.0 as usize].name.clone();
        // Named by the first value alone. A message that gives a second value is checked
        // for it even when no other message shares the first.
        if let [(id, values)] = members
            && values.len() == 1
        {
            return Some(TagTarget::Message(*id));
        }
        if let Some((short, _)) = members.iter().find(|(_, v)| v.len() == 1) {
            let other = members.iter().find(|(i, _)| i != short).map(|(i, _)| *i)?;
            let diag = if members.iter().all(|(_, v)| v.len() == 1) {
                Diagnostic::error(
                    "S0404",
                    format!("two messages from {side} have the tag {value}"),
                    span(other),
                    format!("`{}` has tag {value}", name(other)),
                )
                .with_secondary(span(*short), format!("`{}` has it too", name(*short)))
                .with_help("give one of them another `@tag(...)`")
            } else {
                Diagnostic::error(
                    "S0404",
                    format!("tag {value} alone names `{}`, but `{}` shares it", name(*short), name(other)),
                    span(*short),
                    format!("named by {value} alone"),
                )
                .with_secondary(span(other), format!("also tagged {value}"))
                .with_help("give both messages a second tag value: `@tag(0, \"READY\")`")
            };
            self.error(diag);
            return None;
        }
        let field = self.settings.tag_fields_of(dir).get(1)?.clone();
        let mut node = TagNode { field, entries: Vec::new(), open: false };
        let mut seen: Vec<(TagValue, MessageId)> = Vec::new();
        for (id, values) in members {
            let second = values[1].clone();
            if let Some((_, first)) = seen.iter().find(|(v, _)| *v == second) {
                self.error(
                    Diagnostic::error(
                        "S0404",
                        format!("two messages from {side} have the tags {value}, {second}"),
                        span(*id),
                        "same tags",
                    )
                    .with_secondary(span(*first), format!("`{}` has them too", name(*first))),
                );
                continue;
            }
            seen.push((second.clone(), *id));
            node.entries.push((second, TagTarget::Message(*id)));
        }
        Some(TagTarget::Next(node))
    }
}

/// The required and optional members of a message's frame top level (envelope included
/// when the message carries it; a structural message has no tag member).
fn top_level_keys(m: &Message, id_field: &str) -> (Vec<String>, Vec<String>) {
    let mut req = Vec::new();
    let mut opt = Vec::new();
    // The envelope as this message carries it (`@only` decided), from its first side.
    let envelope =
        if m.sender.includes(Direction::Client) { &m.envelope_fields.client } else { &m.envelope_fields.server };
    if m.envelope {
        for f in envelope {
            if f.required { req.push(f.name.clone()) } else { opt.push(f.name.clone()) }
        }
    }
    match (&m.content, &m.payload) {
        (None, Payload::Fields(fields)) => {
            for f in fields {
                if f.required { req.push(f.name.clone()) } else { opt.push(f.name.clone()) }
            }
        }
        (Some(c), _) => {
            if m.content_optional {
                opt.push(c.clone())
            } else {
                req.push(c.clone())
            }
        }
        (None, Payload::Value { .. }) => {}
    }
    match m.id {
        IdPresence::Required => req.push(id_field.to_string()),
        IdPresence::Optional => opt.push(id_field.to_string()),
        IdPresence::None | IdPresence::Forbidden => {}
    }
    (req, opt)
}

/// Where a correlation member sits in a message's frames: in the envelope or a flat payload
/// at the top level, else under the content member.
fn correlation_pointer(m: &Message, field: &str, envelope: &[Field]) -> String {
    let top = (m.envelope && envelope.iter().any(|f| f.name == field)) || m.content.is_none();
    super::settings::member_pointer(if top { None } else { m.content.as_deref() }, field)
}

/// One argument of `@only(...)` on an envelope member.
#[derive(Clone, Debug)]
pub(crate) enum Only {
    Side(Direction),
    Message(MessageId),
    /// Messages whose first tag value is this.
    Tag(TagValue),
}

/// Whether a message item's payload is one `json` value (or `map<json>`), which a request
/// may give a result type.
fn json_payload(item: &ast::Item) -> bool {
    let ast::ItemKind::Message { body: ast::MessageBody::Type(te), .. } = &item.kind else { return false };
    let is_json = |t: &ast::TypeExpr| matches!(&t.kind, ast::TypeExprKind::Named { name, args } if name.text == "json" && args.is_empty());
    match &te.kind {
        ast::TypeExprKind::Named { name, args } if name.text == "map" => args.len() == 1 && is_json(&args[0]),
        _ => is_json(te),
    }
}

fn sender_of(item: &ast::Item) -> Sender {
    match &item.kind {
        ast::ItemKind::Message { direction: Some(d), .. } => match d.value {
            ast::Direction::Client => Sender::Client,
            ast::Direction::Server => Sender::Server,
        },
        _ => Sender::Both,
    }
}
