//! Messages: payloads, tags, ids, requests and correlation, member collisions at the
//! frame's top level, and the dispatch tables that tell frames apart.

use std::collections::{BTreeMap, HashSet};

use sockspec_syntax::{Diagnostic, Span, ast};

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
    "deprecated",
    "since",
    "example",
    "renamed_from",
    "ident",
];

impl<'a> Lower<'a> {
    pub(crate) fn lower_envelope(&mut self, item: &ast::Item) -> Vec<Field> {
        let ast::ItemKind::Envelope { fields, .. } = &item.kind else { return Vec::new() };
        for attr in &item.attrs {
            self.unknown_attr(attr, &[], "an envelope");
        }
        let fields = self.lower_fields(fields);
        let mut top: Vec<(&str, String)> =
            self.settings.tag_fields.iter().map(|t| ("a tag field", t.clone())).collect();
        top.push(("the id member", self.settings.id_field.clone()));
        if let Some(c) = &self.settings.content {
            top.push(("the content member", c.clone()));
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
        let mut content = self.settings.content.clone();
        let mut envelope = true;
        let mut unknown = self.settings.unknown_fields;
        let mut error = false;
        let mut stream = Vec::new();
        let mut end = None;
        let mut correlation = Correlation::Id;
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
                    match self.one_arg(attr, "a member name, or `none`").map(|e| &e.kind) {
                        Some(ast::ExprKind::Str(s)) => content = Some(s.clone()),
                        Some(ast::ExprKind::Ident(w)) if w == "none" => content = None,
                        Some(_) => self.bad_args(attr, "a member name such as \"data\", or `none`"),
                        None => {}
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
                "end" => {
                    if let Some(a) = self.one_arg(attr, "one message name, `@end(Done)`") {
                        end = self.message_arg(a).map(|m| (m, a.span));
                    }
                }
                "correlate" | "subscription" => {
                    if let Some(f) =
                        self.one_arg(attr, "a member name").and_then(super::settings::word).map(str::to_string)
                    {
                        correlation = if attr.name.text == "correlate" {
                            Correlation::Field { name: f }
                        } else {
                            Correlation::Subscription { name: f }
                        };
                    }
                }
                "deprecated" | "since" | "example" | "renamed_from" | "ident" | "no_envelope" | "strict"
                | "lenient" | "error" => {}
                _ => self.unknown_attr(attr, MESSAGE_ATTRS, "a message"),
            }
        }
        if !is_request {
            for attr in item
                .attrs
                .iter()
                .filter(|a| matches!(a.name.text.as_str(), "stream" | "end" | "correlate" | "subscription"))
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
                Payload::Value { ty, nullable }
            }
        };

        // Which tag values name it.
        let tag_fields = self.settings.tag_fields.len();
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
        let discriminator = match tag {
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
        let id = if jsonrpc {
            if is_request { IdPresence::Required } else { IdPresence::None }
        } else if declares_id {
            IdPresence::None
        } else if error {
            IdPresence::Optional
        } else if (is_request && !matches!(correlation, Correlation::Field { .. }))
            || self.reply_targets.contains(name.text.as_str())
        {
            IdPresence::Required
        } else {
            IdPresence::None
        };

        let content_optional = jsonrpc && matches!(&payload, Payload::Fields(fs) if fs.iter().all(|f| !f.required));

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
            if let Some((m, span)) = end {
                check_other(self, m, span, "the end message");
            }
            if let Correlation::Field { name: f } = &correlation
                && !matches!(&payload, Payload::Fields(fs) if fs.iter().any(|x| x.name == *f))
            {
                let span = item.attrs.iter().find(|a| a.name.text == "correlate").map_or(name.span, |a| a.span);
                self.error(Diagnostic::error(
                    "S0412",
                    format!("request `{}` has no field `{f}` to correlate by", name.text),
                    span,
                    "no such field",
                ));
            }
            Some(Request {
                replies,
                stream: stream.iter().map(|(m, _)| *m).collect(),
                end: end.map(|(m, _)| m),
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
            content,
            content_optional,
            payload,
            id,
            request,
            error,
            unknown_fields: unknown,
        })
    }

    /// `@tag(...)`: `Some(None)` for `@tag(none)`, `Some(Some(values))` otherwise.
    fn message_tag(&mut self, attr: &ast::Attribute) -> Option<Option<Vec<TagValue>>> {
        match attr.args.as_deref() {
            Some([e]) if matches!(&e.kind, ast::ExprKind::Ident(w) if w == "none") => Some(None),
            Some(args) if (1..=2).contains(&args.len()) => {
                let values: Option<Vec<TagValue>> = args.iter().map(|a| self.tag_value(a)).collect();
                values.map(Some)
            }
            _ => {
                self.bad_args(attr, "one or two tag values, `@tag(\"name\")`, `@tag(0, \"READY\")`, or `@tag(none)`");
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
            if !args.is_empty() || !r.attrs.is_empty() {
                self.error(Diagnostic::error("S0406", "a reply is a message", r.span, "not a message name"));
                continue;
            }
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
                    out.push(Reply::Message(id));
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

    /// Correlation members must be carried by every reply and stream message.
    pub(crate) fn finish_requests(&mut self, messages: &[Message]) {
        for i in 0..messages.len() {
            let Some(req) = messages[i].request.clone() else { continue };
            let (field, what) = match &req.correlation {
                Correlation::Field { name } => (name.clone(), "@correlate"),
                Correlation::Subscription { name } => (name.clone(), "@subscription"),
                Correlation::Id => continue,
            };
            // `@correlate`: every message of the exchange repeats the field. `@subscription`:
            // the reply names the subscription and every stream and end message carries it.
            let mut targets: Vec<MessageId> = req.stream.clone();
            targets.extend(req.replies.iter().filter_map(|r| if let Reply::Message(m) = r { Some(*m) } else { None }));
            targets.extend(req.end);
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
        if self.settings.tag_fields.iter().any(|t| t == name) {
            Some("a tag field")
        } else if m.id != IdPresence::None && name == self.settings.id_field {
            Some("the id member")
        } else if m.envelope && envelope.iter().any(|e| e.name == name) {
            Some("an envelope member")
        } else if self.settings.jsonrpc && self.settings.jsonrpc_member && name == "jsonrpc" {
            Some("the `jsonrpc` member")
        } else {
            None
        }
    }

    /// Builds each direction's dispatch, proving every frame names one message.
    pub(crate) fn dispatch(&mut self, messages: &mut [Message], envelope: &[Field]) -> PerDirection<Dispatch> {
        // Structural signatures: the required members of the frame's top level.
        let id_field = self.settings.id_field.clone();
        for m in messages.iter_mut() {
            if matches!(m.discriminator, Discriminator::Structural(_)) {
                let mut sig = top_level_keys(m, &id_field, envelope).0;
                sig.sort();
                m.discriminator = Discriminator::Structural(sig);
            }
        }
        let mut out = PerDirection::<Dispatch>::default();
        for dir in Direction::BOTH {
            let side = format!("the {}", dir.as_str());
            // Tags.
            let mut groups: BTreeMap<TagValue, Vec<(MessageId, Vec<TagValue>)>> = BTreeMap::new();
            for (i, m) in messages.iter().enumerate() {
                if !m.sender.includes(dir) {
                    continue;
                }
                if let Discriminator::Tag(values) = &m.discriminator
                    && let Some(first) = values.first()
                {
                    groups.entry(first.clone()).or_default().push((MessageId(i as u32), values.clone()));
                }
            }
            if !self.settings.tag_fields.is_empty() && !groups.is_empty() {
                let mut node = TagNode { field: self.settings.tag_fields[0].clone(), entries: Vec::new() };
                for (value, members) in groups {
                    if let Some(target) = self.tag_target(messages, &value, &members, &side) {
                        node.entries.push((value, target));
                    }
                }
                out.get_mut(dir).tags = Some(node);
            }
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
                        let (req, opt) = top_level_keys(m, &id_field, envelope);
                        (id.0 as usize, req, opt, m.meta.span)
                    })
                    .collect();
                let owner = format!("the untagged messages from {side} cannot be told apart");
                if let Some((sigs, keys)) = self.signatures(&candidates, &owner, "S0407") {
                    let d = out.get_mut(dir);
                    d.structural = sigs.into_iter().map(|(i, s)| (s, MessageId(i as u32))).collect();
                    d.keys = keys;
                }
            }
        }
        out
    }

    fn tag_target(
        &mut self,
        messages: &[Message],
        value: &TagValue,
        members: &[(MessageId, Vec<TagValue>)],
        side: &str,
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
        let field = self.settings.tag_fields.get(1)?.clone();
        let mut node = TagNode { field, entries: Vec::new() };
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
fn top_level_keys(m: &Message, id_field: &str, envelope: &[Field]) -> (Vec<String>, Vec<String>) {
    let mut req = Vec::new();
    let mut opt = Vec::new();
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
        IdPresence::None => {}
    }
    (req, opt)
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
