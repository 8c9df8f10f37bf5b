//! Frames: a struct per message, `ClientMessage` and `ServerMessage`, and the dispatch that
//! tells a frame's message apart, as the dynamic validator does (tags at one or two levels,
//! key rules, structural signatures, a fallback, JSON-RPC), then checks it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use sockspec_model::{
    Direction, Discriminator, Dispatch, Field, IdPresence, Message, MessageId, Payload, Reply, ResultShape, SecondTag,
    Style, TagNode, TagTarget, UnknownFields,
};

use super::values::{field_ident, policy_check};
use super::{Gen, docs, ident, meta_attrs, raw_key, tag_match, write_tag};

const JSONRPC: &str = "jsonrpc";
const METHOD: &str = "method";
const RESULT: &str = "result";
const ERROR: &str = "error";

/// How a message's id member is treated in one frame (the validator's `IdRule`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdRule {
    Absent,
    Required,
    Optional,
    Forbidden,
}

/// An envelope member of a message's struct: its field, and whether its type differs
/// between the sides that send the message (then it is kept as JSON).
pub(crate) struct EnvelopeMember<'s> {
    pub(crate) field: &'s Field,
    pub(crate) loose: bool,
    /// A flat payload member of the same name holds the value (both are checked).
    pub(crate) shadowed: bool,
}

impl<'s> Gen<'s> {
    fn rpc(&self) -> Option<bool> {
        match &self.schema.protocol.style {
            Style::JsonRpc { version_member, .. } => Some(*version_member),
            Style::Tagged => None,
        }
    }

    pub(crate) fn message_ident(&self, id: MessageId) -> Ident {
        let m = self.schema.message(id);
        ident(m.meta.ident.as_ref().map_or(m.name.as_str(), |i| i.rust.as_str()))
    }

    fn sides(m: &Message) -> Vec<Direction> {
        Direction::BOTH.into_iter().filter(|d| m.sender.includes(*d)).collect()
    }

    fn flat(m: &Message) -> &[Field] {
        match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => fields,
            _ => &[],
        }
    }

    /// An envelope member's field in the message's struct: `envelope_NAME` when a nested
    /// payload member has the same identifier.
    pub(crate) fn envelope_ident(m: &Message, f: &Field) -> Ident {
        let i = field_ident(f);
        let clash = match &m.payload {
            Payload::Fields(fields) => fields.iter().any(|g| field_ident(g) == i),
            Payload::Value { .. } => i == "value",
        };
        if clash { format_ident!("envelope_{}", i.to_string().trim_start_matches("r#")) } else { i }
    }

    /// The id member's field in the message's struct: `envelope_ID` when a nested payload
    /// member has the same identifier (`content = "data"` and a payload member `id`), as
    /// for envelope members.
    pub(crate) fn id_ident(&self, m: &Message) -> Ident {
        let id_field = self.schema.protocol.id.field.as_str();
        let i = ident(&sockspec_model::names::idents(sockspec_model::names::IdentKind::Field, id_field).rust);
        let clash = match &m.payload {
            Payload::Fields(fields) => m.content.is_some() && fields.iter().any(|g| field_ident(g) == i),
            Payload::Value { .. } => i == "value",
        };
        if clash { format_ident!("envelope_{}", i.to_string().trim_start_matches("r#")) } else { i }
    }

    pub(crate) fn id_rule(&self, m: &Message, dir: Direction) -> IdRule {
        let id_field = self.schema.protocol.id.field.as_str();
        let declared = Self::flat(m).iter().chain(m.envelope_fields.get(dir)).any(|f| f.name == id_field);
        let rpc = self.rpc();
        match (rpc, m.id) {
            _ if declared => IdRule::Absent,
            (Some(_), _) if m.request.is_some() => IdRule::Required,
            (Some(_), IdPresence::None) | (_, IdPresence::Forbidden) => IdRule::Forbidden,
            (_, IdPresence::None) => IdRule::Absent,
            (_, IdPresence::Required) => IdRule::Required,
            (_, IdPresence::Optional) => IdRule::Optional,
        }
    }

    /// The id member in the struct: its rule on the first side that sends the message.
    pub(crate) fn struct_id_rule(&self, m: &Message) -> IdRule {
        let sides = Self::sides(m);
        let rules: Vec<IdRule> = sides.iter().map(|d| self.id_rule(m, *d)).collect();
        if rules.contains(&IdRule::Required) && rules.iter().all(|r| *r == IdRule::Required) {
            IdRule::Required
        } else if rules.iter().any(|r| matches!(r, IdRule::Required | IdRule::Optional)) {
            IdRule::Optional
        } else {
            IdRule::Absent
        }
    }

    pub(crate) fn envelope_members<'m>(m: &'m Message) -> Vec<EnvelopeMember<'m>> {
        let sides = Self::sides(m);
        let mut out: Vec<EnvelopeMember<'m>> = Vec::new();
        for dir in &sides {
            for f in m.envelope_fields.get(*dir) {
                if out.iter().any(|e| e.field.name == f.name) {
                    continue;
                }
                let same = sides.iter().all(|d| m.envelope_fields.get(*d).iter().any(|g| g == f));
                let shadowed = Self::flat(m).iter().any(|g| g.name == f.name);
                out.push(EnvelopeMember { field: f, loose: !same, shadowed });
            }
        }
        out
    }

    // ---- messages ----

    pub(crate) fn messages(&self) -> TokenStream {
        let mut items = Vec::new();
        for (i, _) in self.schema.messages.iter().enumerate() {
            items.push(self.message_def(MessageId(i as u32)));
        }
        for dir in Direction::BOTH {
            items.push(self.direction_def(dir));
        }
        if let Style::JsonRpc { version_member: true, .. } = &self.schema.protocol.style {
            items.push(quote! {
                #[doc(hidden)]
                pub fn __rpc_version(members: &__sp::Members<'_>, cx: &mut __sp::Cx) {
                    match __sp::member(members, #JSONRPC) {
                        None => cx.error_at(#JSONRPC, __sp::ErrorCode::MissingField, "every frame carries \"jsonrpc\": \"2.0\"".into()),
                        Some(__sp::Value::String(s)) if s == "2.0" => {}
                        Some(__sp::Value::String(s)) => cx.error_at(#JSONRPC, __sp::ErrorCode::UnknownValue, format!("expected \"2.0\", found {s:?}")),
                        Some(v) => { let at = cx.enter(#JSONRPC); cx.wrong_type("the string \"2.0\"", v); cx.leave(at); }
                    }
                }
            });
        }
        quote! { #(#items)* }
    }

    fn id_type(&self) -> TokenStream {
        self.rust_type(&self.schema.protocol.id.ty)
    }

    fn message_def(&self, id: MessageId) -> TokenStream {
        let m = self.schema.message(id);
        let name = self.message_ident(id);
        let attrs = meta_attrs(&m.meta);
        let id_field = &self.schema.protocol.id.field;
        let id_ident = self.id_ident(m);
        let mut decls = Vec::new();
        let id_doc = format!(" The correlation id (`{id_field}`).");
        match self.struct_id_rule(m) {
            IdRule::Required => {
                let t = self.id_type();
                decls.push(quote! { #[doc = #id_doc] pub #id_ident: #t, });
            }
            IdRule::Optional => {
                let t = self.id_type();
                decls.push(quote! { #[doc = #id_doc] pub #id_ident: ::std::option::Option<#t>, });
            }
            IdRule::Absent | IdRule::Forbidden => {}
        }
        for e in Self::envelope_members(m).iter().filter(|e| !e.shadowed) {
            let a = meta_attrs(&e.field.meta);
            let i = Self::envelope_ident(m, e.field);
            let t = if e.loose {
                quote! { ::std::option::Option<__sp::serde_json::Value> }
            } else {
                self.field_type(e.field)
            };
            decls.push(quote! { #a pub #i: #t, });
        }
        match &m.payload {
            Payload::Fields(fields) => {
                for f in fields {
                    let a = meta_attrs(&f.meta);
                    let i = field_ident(f);
                    let t = self.field_type(f);
                    decls.push(quote! { #a pub #i: #t, });
                }
            }
            Payload::Value { ty, .. } => {
                let t = self.rust_type(ty);
                let t = if m.content_optional {
                    quote! { ::std::option::Option<#t> }
                } else {
                    t
                };
                decls.push(quote! {
                    /// The message's one value.
                    pub value: #t,
                });
            }
        }
        let mut fns = Vec::new();
        for dir in Self::sides(m) {
            fns.push(self.fast_message(m, dir));
            fns.push(self.message_decode(id, m, dir));
            fns.push(self.message_encode(id, m, dir));
        }
        let sides = Self::sides(m);
        if sides.len() == 1 {
            let enc = format_ident!("__encode_{}", sides[0].as_str());
            fns.push(quote! {
                /// The frame's text, exactly as the schema writes it.
                pub fn encode(&self) -> ::std::string::String {
                    let mut out = ::std::string::String::with_capacity(128);
                    self.#enc(&mut out);
                    out
                }
            });
        }
        let request = m.request.as_ref().map(|r| self.request_impl(id, &name, r));
        quote! {
            #attrs
            #[derive(Clone, Debug, PartialEq)]
            pub struct #name { #(#decls)* }

            #[allow(deprecated)]
            impl #name { #(#fns)* }

            #request
        }
    }

    /// `{Request}Reply`, the enum of a request's replies, or with a number appended where a
    /// type or message of the schema already has that identifier (a message `GetReply`).
    fn reply_ident(&self, name: &Ident) -> Ident {
        self.request_item_ident(name, "Reply", None)
    }

    /// `{Request}{suffix}`, or with a number appended where a type or message of the schema
    /// already has that identifier. (Two requests' items never collide: their names differ
    /// before a suffix that ends alike, or in a digit.) The names the model gave the result
    /// types of `free` (`FetchResult`, `FetchResult2`) are free where no inline union's
    /// enum takes them: the Rust module writes no alias for a typed reply's result type,
    /// and the enum named here is that request's result.
    fn request_item_ident(&self, name: &Ident, suffix: &str, free: Option<MessageId>) -> Ident {
        let taken = |candidate: &str| {
            let anonymous = self.schema.anonymous.iter().any(|a| {
                a.ident.rust == candidate
                    && (free.is_none_or(|id| a.site != sockspec_model::AnonymousSite::Result(id))
                        || self.one_ofs.contains_key(&a.name))
            });
            self.schema
                .types
                .iter()
                .any(|t| t.meta.ident.as_ref().map_or(t.name.as_str(), |i| i.rust.as_str()) == candidate)
                || self
                    .schema
                    .messages
                    .iter()
                    .any(|m| m.meta.ident.as_ref().map_or(m.name.as_str(), |i| i.rust.as_str()) == candidate)
                || anonymous
                || candidate == "ClientMessage"
                || candidate == "ServerMessage"
        };
        let base = format!("{name}{suffix}");
        let mut candidate = base.clone();
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        format_ident!("{}", candidate)
    }

    /// The typed results a request's answers carry, in declared order: the JSON-RPC result
    /// type (no message: the result frame), or each typed reply message's result type.
    fn typed_results(r: &sockspec_model::Request) -> Vec<(Option<MessageId>, &sockspec_model::Type)> {
        r.replies
            .iter()
            .filter_map(|reply| match reply {
                Reply::Result(ty) => Some((None, ty)),
                Reply::Typed { message, result } => Some((Some(*message), result)),
                Reply::Message(_) => None,
            })
            .collect()
    }

    /// `Request::Result`: `Infallible` where no answer carries a typed result, the one type
    /// all of them carry, or else an enum `{Request}Result` with a variant per typed reply
    /// message (the second value: that enum's name).
    fn result_type(&self, id: MessageId, r: &sockspec_model::Request) -> (TokenStream, Option<Ident>) {
        let typed = Self::typed_results(r);
        match typed.first() {
            None => (quote! { ::std::convert::Infallible }, None),
            Some((_, first)) if typed.iter().all(|(_, t)| t == first) => (self.rust_type(first), None),
            Some(_) => {
                let e = self.request_item_ident(&self.message_ident(id), "Result", Some(id));
                (quote! { #e }, Some(e))
            }
        }
    }

    fn request_impl(&self, id: MessageId, name: &Ident, r: &sockspec_model::Request) -> TokenStream {
        let mut variants: Vec<(Ident, TokenStream)> = Vec::new();
        for reply in &r.replies {
            let (v, t) = match reply {
                Reply::Message(id) | Reply::Typed { message: id, .. } => {
                    let i = self.message_ident(*id);
                    (i.clone(), quote! { #i })
                }
                Reply::Result(ty) => (format_ident!("Result"), self.rust_type(ty)),
            };
            if !variants.iter().any(|(n, _)| *n == v) {
                variants.push((v, t));
            }
        }
        let (result, result_enum) = self.result_type(id, r);
        let result_decl = result_enum.map(|e| {
            let doc = format!(" The typed result of an answer to a [`{name}`], by the reply that carries it.");
            let decls = Self::typed_results(r).into_iter().filter_map(|(id, ty)| {
                let v = self.message_ident(id?);
                let t = self.rust_type(ty);
                Some(quote! { #v(#t), })
            });
            quote! {
                #[doc = #doc]
                #[derive(Clone, Debug, PartialEq)]
                #[allow(clippy::large_enum_variant, clippy::enum_variant_names, deprecated)]
                pub enum #e { #(#decls)* }
            }
        });
        let (reply, reply_decl) = match variants.len() {
            0 => (quote! { () }, None),
            1 => (variants[0].1.clone(), None),
            _ => {
                let reply = self.reply_ident(name);
                let doc = format!(" What answers a [`{name}`].");
                let decls = variants.iter().map(|(v, t)| quote! { #v(#t), });
                let decl = quote! {
                    #[doc = #doc]
                    #[derive(Clone, Debug, PartialEq)]
                    #[allow(clippy::large_enum_variant, clippy::enum_variant_names, deprecated)]
                    pub enum #reply { #(#decls)* }
                };
                (quote! { #reply }, Some(decl))
            }
        };
        quote! {
            #reply_decl
            #result_decl

            #[allow(deprecated)]
            impl ::sockspec::Request for #name { type Reply = #reply; type Result = #result; }
        }
    }

    /// `impl sockspec::Answers<R> for ClientMessage / ServerMessage` for every request `R`
    /// the other side sends (the validator's `validate_answer`): the frame decoded, then
    /// matched against the request's replies, stream and end messages, its typed result read
    /// again from the frame's text by the full decoder of the result type.
    fn answer_impls(
        &self,
        dir: Direction,
        side: &Ident,
        messages: &[(MessageId, &Message)],
        replies: bool,
    ) -> TokenStream {
        let client = dir == Direction::Client;
        let mut impls = Vec::new();
        for (rid, rm) in self.schema.messages.iter().enumerate() {
            let Some(r) = &rm.request else { continue };
            if !rm.sender.includes(dir.other()) {
                continue;
            }
            let request = self.message_ident(MessageId(rid as u32));
            let (_, result_enum) = self.result_type(MessageId(rid as u32), r);
            let typed = Self::typed_results(r);
            // The typed result's decoder, as a closure over the member's value.
            let reader = |key: &str, message: Option<MessageId>, ty: &sockspec_model::Type| {
                let d = self.decode(ty, None, &quote! { v });
                let d = match (&result_enum, message) {
                    (Some(e), Some(id)) => {
                        let variant = self.message_ident(id);
                        quote! { { let r = #d; r.map(#e::#variant) } }
                    }
                    _ => d,
                };
                quote! { __sp::answer_result(text, #client, #key, |v: &__sp::Value<'_>, cx: &mut __sp::Cx| #d)? }
            };
            let mut arms = Vec::new();
            for (id, m) in messages {
                let answers = r.replies.iter().any(|reply| reply.message() == Some(*id))
                    || r.stream.contains(id)
                    || r.end.contains(id);
                if !answers {
                    continue;
                }
                let v = self.message_ident(*id);
                let read = match (typed.iter().find(|(t, _)| *t == Some(*id)), &m.content) {
                    (Some((_, ty)), Some(key)) => reader(key, Some(*id), ty),
                    _ => quote! { None },
                };
                arms.push(quote! { #side::#v(_) => #read, });
            }
            if replies {
                if let Some((_, ty)) = typed.iter().find(|(t, _)| t.is_none()) {
                    let read = reader(RESULT, None, ty);
                    arms.push(quote! { #side::RpcResult(_) => #read, });
                }
                arms.push(quote! { #side::RpcError(_) => None, });
            }
            let wire = &rm.name;
            impls.push(quote! {
                #[allow(deprecated)]
                impl ::sockspec::Answers<#request> for #side {
                    #[allow(unreachable_patterns, unreachable_code)]
                    fn decode_answer(
                        text: &str,
                    ) -> ::std::result::Result<
                        ::sockspec::Answer<Self, <#request as ::sockspec::Request>::Result>,
                        ::sockspec::DecodeError,
                    > {
                        let message = Self::decode(text)?;
                        let result: ::std::option::Option<<#request as ::sockspec::Request>::Result> = match &message {
                            #(#arms)*
                            _ => return Err(__sp::not_an_answer(message.name(), #wire)),
                        };
                        Ok(::sockspec::Answer { message, result })
                    }
                }
            });
        }
        if impls.is_empty() {
            return quote! {};
        }
        let other = dir.other().as_str();
        let doc = format!(
            " Reads and checks a frame's text as the answer to a request `R` the {other} sent \
             ([`::sockspec::Answers`]): the frame as [`Self::decode`] reads it, and its typed result."
        );
        quote! {
            #[allow(deprecated)]
            impl #side {
                #[doc = #doc]
                pub fn decode_answer<R: ::sockspec::Request>(
                    text: &str,
                ) -> ::std::result::Result<::sockspec::Answer<Self, R::Result>, ::sockspec::DecodeError>
                where
                    Self: ::sockspec::Answers<R>,
                {
                    <Self as ::sockspec::Answers<R>>::decode_answer(text)
                }

                /// [`Self::decode_answer`] for a frame's bytes (text that is not UTF-8 is not JSON).
                pub fn decode_answer_bytes<R: ::sockspec::Request>(
                    bytes: &[u8],
                ) -> ::std::result::Result<::sockspec::Answer<Self, R::Result>, ::sockspec::DecodeError>
                where
                    Self: ::sockspec::Answers<R>,
                {
                    <Self as ::sockspec::Answers<R>>::decode_answer_bytes(bytes)
                }
            }

            #(#impls)*
        }
    }

    /// `__decode_client` / `__decode_server`: the validator's `message` for one side.
    fn message_decode(&self, _id: MessageId, m: &Message, dir: Direction) -> TokenStream {
        let fname = format_ident!("__decode_{}", dir.as_str());
        let protocol = &self.schema.protocol;
        let rpc = self.rpc();
        let id_field = protocol.id.field.as_str();
        let rule = self.id_rule(m, dir);
        let mut stmts = Vec::new();
        let mut inits = Vec::new();
        // The id member.
        let id_ident = self.id_ident(m);
        let id_decode = self.decode(&protocol.id.ty, None, &quote! { v });
        let struct_rule = self.struct_id_rule(m);
        match rule {
            IdRule::Absent => {
                if struct_rule == IdRule::Optional {
                    inits.push(quote! { #id_ident: None, });
                }
            }
            IdRule::Forbidden => {
                let message = format!("a notification carries no {id_field:?}; only requests do");
                stmts.push(quote! {
                    if __sp::member(members, #id_field).is_some() {
                        cx.error_at(#id_field, __sp::ErrorCode::UnknownField, #message.into());
                    }
                });
                if struct_rule == IdRule::Optional {
                    inits.push(quote! { #id_ident: None, });
                }
            }
            IdRule::Required => {
                let what = if m.request.is_some() { "a request" } else { "a reply" };
                let message = format!("{what} must carry the id member {id_field:?}");
                let wrap = if struct_rule == IdRule::Optional {
                    quote! { .map(Some) }
                } else {
                    quote! {}
                };
                let id_decode = if struct_rule == IdRule::Optional {
                    quote! { (#id_decode) }
                } else {
                    id_decode.clone()
                };
                stmts.push(quote! {
                    let id = match __sp::member(members, #id_field) {
                        None => { cx.error_at(#id_field, __sp::ErrorCode::MissingField, #message.into()); None }
                        Some(v) => { let at = cx.enter(#id_field); let r = #id_decode #wrap; cx.leave(at); r }
                    };
                });
                inits.push(quote! { #id_ident: id?, });
            }
            IdRule::Optional => {
                stmts.push(quote! {
                    let id = match __sp::member(members, #id_field) {
                        None | Some(__sp::Value::Null) => Some(None),
                        Some(v) => { let at = cx.enter(#id_field); let r = (#id_decode).map(Some); cx.leave(at); r }
                    };
                });
                inits.push(quote! { #id_ident: id?, });
            }
        }
        // The second tag of a message named by its first tag value alone.
        if protocol.second_tag == SecondTag::NullOrAbsent
            && matches!(&m.discriminator, Discriminator::Tag(v) if v.len() == 1)
            && let Some(field) = self.schema.dispatch.get(dir).tag_fields.get(1)
        {
            let expected = format!("null or no {field:?}: {} has one tag value", m.name);
            stmts.push(quote! {
                if let Some(v) = __sp::member(members, #field) && !matches!(v, __sp::Value::Null) {
                    let at = cx.enter(#field); cx.wrong_type(#expected, v); cx.leave(at);
                }
            });
        }
        // Envelope members of this side.
        let own = m.envelope_fields.get(dir);
        for (k, e) in Self::envelope_members(m).iter().enumerate() {
            let local = format_ident!("e{}", k);
            let i = Self::envelope_ident(m, e.field);
            match own.iter().find(|f| f.name == e.field.name) {
                Some(f) if e.shadowed => {
                    let d = self.decode_field(f);
                    stmts.push(quote! { let #local = #d; });
                    stmts.push(quote! { #local?; });
                    continue;
                }
                None if e.shadowed => continue,
                Some(f) if e.loose => {
                    let d = self.decode_field(f);
                    let name = &f.name;
                    stmts.push(quote! {
                        let #local = (#d).map(|_| __sp::member(members, #name).map(|v| v.to_serde()));
                    });
                }
                Some(f) => {
                    let d = self.decode_field(f);
                    stmts.push(quote! { let #local = #d; });
                }
                None => stmts.push(quote! { let #local = Some(None); }),
            }
            inits.push(quote! { #i: #local?, });
        }
        // The flat payload.
        for (k, f) in Self::flat(m).iter().enumerate() {
            let local = format_ident!("f{}", k);
            let i = field_ident(f);
            let d = self.decode_field(f);
            stmts.push(quote! { let #local = #d; });
            inits.push(quote! { #i: #local?, });
        }
        // The nested payload.
        if let Some(key) = &m.content {
            let missing = format!("missing the payload member {key:?}");
            match &m.payload {
                Payload::Fields(fields) => {
                    let absent = if m.content_optional {
                        quote! { Some(&[][..]) }
                    } else {
                        quote! { { cx.error_at(#key, __sp::ErrorCode::MissingField, #missing.into()); None } }
                    };
                    let what = format!("an object (the payload of {})", m.name);
                    stmts.push(quote! {
                        let content: Option<&__sp::Members<'_>> = match __sp::member(members, #key) {
                            None => #absent,
                            Some(__sp::Value::Object(inner)) => Some(inner.as_slice()),
                            Some(v) => { let at = cx.enter(#key); cx.wrong_type(#what, v); cx.leave(at); None }
                        };
                    });
                    for (k, f) in fields.iter().enumerate() {
                        let local = format_ident!("c{}", k);
                        let i = field_ident(f);
                        let d = self.decode_field(f);
                        stmts.push(quote! {
                            let #local = match content {
                                Some(members) => { let at = cx.enter(#key); let r = #d; cx.leave(at); r }
                                None => None,
                            };
                        });
                        inits.push(quote! { #i: #local?, });
                    }
                    let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    let check = policy_check(
                        PerSide::one(*m.unknown_fields.get(dir)),
                        quote! {
                            if let Some(members) = content {
                                let at = cx.enter(#key);
                                __sp::unknown_members(cx, members, &[#(#known),*]);
                                cx.leave(at);
                            }
                        },
                    );
                    stmts.push(check);
                    if fields.is_empty() {
                        stmts.push(quote! { content?; });
                    }
                }
                Payload::Value { ty, .. } => {
                    let d = self.decode(ty, None, &quote! { v });
                    // `.map(Some)` on the variable: on the decoder's expression itself it
                    // may be `Some(..).map(Some)`, which clippy rejects (a `json` value).
                    let (absent, wrap) = if m.content_optional {
                        (quote! { Some(None) }, quote! { .map(Some) })
                    } else {
                        (
                            quote! { { cx.error_at(#key, __sp::ErrorCode::MissingField, #missing.into()); None } },
                            quote! {},
                        )
                    };
                    stmts.push(quote! {
                        let value = match __sp::member(members, #key) {
                            None => #absent,
                            Some(v) => { let at = cx.enter(#key); let r = #d; cx.leave(at); r #wrap }
                        };
                    });
                    inits.push(quote! { value: value?, });
                }
            }
        }
        // Unknown members of the frame's top level.
        if *m.frame_unknown_fields.get(dir) == UnknownFields::Reject {
            let mut known: Vec<String> = self.schema.dispatch.get(dir).tag_fields.clone();
            if rule != IdRule::Absent {
                known.push(id_field.to_string());
            }
            known.extend(own.iter().chain(Self::flat(m)).map(|f| f.name.clone()));
            known.extend(m.content.clone());
            if let Some(version_member) = rpc {
                known.push(METHOD.into());
                if version_member {
                    known.push(JSONRPC.into());
                }
            }
            stmts.push(quote! { __sp::unknown_members(cx, members, &[#(#known),*]); });
        }
        quote! {
            #[doc(hidden)]
            #[allow(unused_variables)]
            pub fn #fname(members: &__sp::Members<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                #(#stmts)*
                Some(Self { #(#inits)* })
            }
        }
    }

    fn message_encode(&self, _id: MessageId, m: &Message, dir: Direction) -> TokenStream {
        let fname = format_ident!("__encode_{}", dir.as_str());
        let protocol = &self.schema.protocol;
        let mut stmts = Vec::new();
        if let Some(true) = self.rpc() {
            stmts.push(quote! { __sp::write_raw_key(out, first, "\"jsonrpc\":\"2.0\""); });
        }
        if let Discriminator::Tag(values) = &m.discriminator {
            let fields: Vec<String> = match self.rpc() {
                Some(_) => vec![METHOD.to_string()],
                None => self.schema.dispatch.get(dir).tag_fields.clone(),
            };
            for (field, value) in fields.iter().zip(values) {
                let w = write_tag(value);
                let k = raw_key(field);
                stmts.push(quote! { __sp::write_raw_key(out, first, #k); #w });
            }
        }
        let id_field = protocol.id.field.as_str();
        let id_ident = self.id_ident(m);
        let id_write = self.encode(&protocol.id.ty, &quote! { x });
        let id_key = raw_key(id_field);
        match (self.id_rule(m, dir), self.struct_id_rule(m)) {
            (IdRule::Required | IdRule::Optional, IdRule::Required) => {
                stmts.push(quote! { { let x = &self.#id_ident; __sp::write_raw_key(out, first, #id_key); #id_write } });
            }
            (IdRule::Required | IdRule::Optional, IdRule::Optional) => {
                stmts.push(
                    quote! { if let Some(x) = &self.#id_ident { __sp::write_raw_key(out, first, #id_key); #id_write } },
                );
            }
            _ => {}
        }
        let own = m.envelope_fields.get(dir);
        for e in Self::envelope_members(m).iter().filter(|e| !e.shadowed) {
            let i = Self::envelope_ident(m, e.field);
            if !own.iter().any(|f| f.name == e.field.name) {
                continue;
            }
            if e.loose {
                let k = raw_key(&e.field.name);
                stmts.push(quote! { if let Some(x) = &self.#i { __sp::write_raw_key(out, first, #k); __sp::write_json(out, x); } });
            } else {
                stmts.push(self.encode_field(e.field, quote! { &self.#i }));
            }
        }
        for f in Self::flat(m) {
            let i = field_ident(f);
            stmts.push(self.encode_field(f, quote! { &self.#i }));
        }
        if let Some(key) = &m.content {
            let key = raw_key(key);
            match &m.payload {
                // JSON-RPC `params` are left out where the message declares no fields.
                Payload::Fields(fields) if fields.is_empty() && self.rpc().is_some() => {}
                Payload::Fields(fields) => {
                    let writes = fields.iter().map(|f| {
                        let i = field_ident(f);
                        self.encode_field(f, quote! { &self.#i })
                    });
                    let inner_first = if fields.is_empty() {
                        quote! { _first }
                    } else {
                        quote! { first }
                    };
                    stmts.push(quote! {
                        __sp::write_raw_key(out, first, #key);
                        out.push('{');
                        {
                            let #inner_first = &mut true;
                            #(#writes)*
                        }
                        out.push('}');
                    });
                }
                Payload::Value { ty, .. } => {
                    let w = self.encode(ty, &quote! { x });
                    if m.content_optional {
                        stmts.push(
                            quote! { if let Some(x) = &self.value { __sp::write_raw_key(out, first, #key); #w } },
                        );
                    } else {
                        stmts.push(quote! { { let x = &self.value; __sp::write_raw_key(out, first, #key); #w } });
                    }
                }
            }
        }
        let first = if stmts.is_empty() {
            quote! { _first }
        } else {
            quote! { first }
        };
        quote! {
            #[doc(hidden)]
            #[allow(clippy::ptr_arg)]
            pub fn #fname(&self, out: &mut ::std::string::String) {
                out.push('{');
                let #first = &mut true;
                #(#stmts)*
                out.push('}');
            }
        }
    }

    // ---- a side's frames ----

    fn direction_def(&self, dir: Direction) -> TokenStream {
        let name = match dir {
            Direction::Client => format_ident!("ClientMessage"),
            Direction::Server => format_ident!("ServerMessage"),
        };
        let client = dir == Direction::Client;
        let dispatch = self.schema.dispatch.get(dir);
        let messages: Vec<(MessageId, &Message)> = self.schema.messages_from(dir).collect();
        let open = node_open(dispatch.tags.as_ref())
            || dispatch
                .rpc
                .as_ref()
                .is_some_and(|r| node_open(r.requests.as_ref()) || node_open(r.notifications.as_ref()));
        let replies = dispatch.rpc.as_ref().is_some_and(|r| r.replies);
        let dec = format_ident!("__decode_{}", dir.as_str());
        let enc = format_ident!("__encode_{}", dir.as_str());
        let mut decls = Vec::new();
        let mut names = Vec::new();
        let mut encodes = Vec::new();
        let mut arms = Vec::new();
        for (id, m) in &messages {
            let v = self.message_ident(*id);
            let doc = docs(&m.meta.docs);
            decls.push(quote! { #doc #v(#v), });
            let wire = &m.name;
            names.push(quote! { #name::#v(_) => #wire, });
            encodes.push(quote! { #name::#v(ref m) => m.#enc(out), });
            let n = id.0;
            arms.push(quote! { #n => #v::#dec(members, cx).map(#name::#v), });
        }
        if open {
            decls.push(quote! {
                /// A frame whose tag names no message of this schema, kept (the set is open).
                Unknown(::sockspec::RawFrame),
            });
            names.push(quote! { #name::Unknown(_) => "@unknown", });
            encodes.push(quote! { #name::Unknown(ref f) => __sp::write_json(out, &f.0), });
        }
        if replies {
            decls.push(quote! {
                /// A JSON-RPC result frame (`{"id": ..., "result": ...}`); the request it answers
                /// says what its result is.
                RpcResult(::sockspec::RawFrame),
                /// A JSON-RPC error frame (`{"id": ..., "error": {...}}`).
                RpcError(::sockspec::RawFrame),
            });
            names.push(quote! { #name::RpcResult(_) => "@result", #name::RpcError(_) => "@error", });
            encodes.push(quote! { #name::RpcResult(ref f) | #name::RpcError(ref f) => __sp::write_json(out, &f.0), });
        }
        let unknown_frame = if open {
            let envelope = &dispatch.envelope;
            let reads = envelope.iter().enumerate().map(|(k, f)| {
                let local = format_ident!("e{}", k);
                let d = self.decode_field(f);
                quote! { let #local = (#d).is_some(); }
            });
            let locals: Vec<_> = (0..envelope.len()).map(|k| format_ident!("e{}", k)).collect();
            let ok = if locals.is_empty() {
                quote! { true }
            } else {
                quote! { #(#locals)&&* }
            };
            quote! { {
                #(#reads)*
                let ok = #ok;
                ok.then(|| #name::Unknown(::sockspec::RawFrame(v.to_serde())))
            } }
        } else {
            quote! { None }
        };
        let body = match &self.schema.protocol.style {
            Style::Tagged => {
                let target = self.dispatch_tokens(dispatch, dir);
                quote! {
                    let target: Option<u32> = #target;
                    match target? {
                        #(#arms)*
                        _ => #unknown_frame,
                    }
                }
            }
            Style::JsonRpc { .. } => self.rpc_tokens(dispatch, dir, &name, &arms, &unknown_frame),
        };
        let doc = format!(" Every frame the {} sends.", dir.as_str());
        let from = dir.as_str();
        let fast = self.fast_direction(&name, dir);
        let answers = self.answer_impls(dir, &name, &messages, replies);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant, clippy::enum_variant_names, deprecated)]
            pub enum #name { #(#decls)* }

            #[allow(deprecated)]
            impl #name {
                /// Reads and checks a frame's text: the message, or every error in it.
                pub fn decode(text: &str) -> ::std::result::Result<Self, ::sockspec::DecodeError> {
                    match Self::decode_fast(text) {
                        Some(m) => Ok(m),
                        None => Self::decode_full(text),
                    }
                }

                /// The full decoder alone: [`Self::decode`] without its fast path (the
                /// same verdict, slower). For tests and benchmarks.
                #[doc(hidden)]
                pub fn decode_full(text: &str) -> ::std::result::Result<Self, ::sockspec::DecodeError> {
                    let v = __sp::parse(text)?;
                    let mut cx = __sp::Cx::new(#client);
                    let r = Self::__decode(&v, &mut cx);
                    cx.finish(r)
                }

                /// [`Self::decode`] for a frame's bytes (text that is not UTF-8 is not JSON).
                pub fn decode_bytes(bytes: &[u8]) -> ::std::result::Result<Self, ::sockspec::DecodeError> {
                    Self::decode(__sp::text(bytes)?)
                }

                /// The frame's text, exactly as the schema writes it.
                pub fn encode(&self) -> ::std::string::String {
                    let mut out = ::std::string::String::with_capacity(128);
                    self.__encode(&mut out);
                    out
                }

                /// The message's name in the schema (`@unknown`, `@result`, `@error` for the
                /// frames that are none).
                pub fn name(&self) -> &'static str {
                    match *self { #(#names)* }
                }

                /// The side that sends these frames.
                pub const FROM: &'static str = #from;

                #fast

                #[doc(hidden)]
                #[allow(unused_variables, unreachable_code, clippy::match_single_binding)]
                pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    let __sp::Value::Object(members) = v else {
                        cx.wrong_type("a JSON object (a frame)", v);
                        return None;
                    };
                    #body
                }

                #[doc(hidden)]
                #[allow(unused_variables)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode(&self, out: &mut ::std::string::String) {
                    match *self { #(#encodes)* }
                }
            }

            #answers
        }
    }

    /// An `Option<u32>` expression: the message a tagged frame is (`u32::MAX` for a kept
    /// unknown one), or `None` after the one error that says why it is none.
    fn dispatch_tokens(&self, dispatch: &Dispatch, dir: Direction) -> TokenStream {
        let side = dir.as_str();
        let untagged = !dispatch.structural.is_empty() || !dispatch.keyed.is_empty() || dispatch.fallback.is_some();
        match &dispatch.tags {
            Some(node) => {
                let field = &node.field;
                let without = self.untagged_frame(dispatch, Some(field), dir);
                let follow = self.follow(node, &quote! { tag }, dir);
                quote! {
                    match __sp::member(members, #field) {
                        None => #without,
                        Some(tag) => #follow,
                    }
                }
            }
            None => match dispatch.tag_fields.first() {
                Some(field) => {
                    let message = format!("the {side} sends no message tagged by {field:?}");
                    let rest = if untagged {
                        self.untagged_frame(dispatch, Some(field), dir)
                    } else {
                        let missing = format!("missing the tag member {field:?}");
                        quote! { { cx.error_at(#field, __sp::ErrorCode::MissingField, #missing.into()); None } }
                    };
                    quote! {
                        if __sp::member(members, #field).is_some() {
                            cx.error_at(#field, __sp::ErrorCode::UnknownTag, #message.into());
                            None
                        } else { #rest }
                    }
                }
                None if !untagged => {
                    let message = format!("the {side} sends no message");
                    quote! { { cx.error(__sp::ErrorCode::UnknownTag, #message.into()); None } }
                }
                None => self.untagged_frame(dispatch, None, dir),
            },
        }
    }

    fn untagged_frame(&self, dispatch: &Dispatch, tag_field: Option<&String>, dir: Direction) -> TokenStream {
        let side = dir.as_str();
        let structural_error = format!("the frame's members match no {side} message");
        let rest = if !dispatch.structural.is_empty() {
            let keys = &dispatch.keys;
            let sigs = dispatch.structural.iter().map(|(s, _)| quote! { &[#(#s),*] });
            let ids = dispatch.structural.iter().map(|(_, id)| id.0);
            let none = match dispatch.fallback {
                Some(fb) => {
                    let n = fb.0;
                    quote! { Some(#n) }
                }
                None => quote! { { cx.error(__sp::ErrorCode::UnknownTag, #structural_error.into()); None } },
            };
            quote! {
                match __sp::structural(members, &[#(#keys),*], &[#(#sigs),*]) {
                    Some(i) => Some([#(#ids),*][i]),
                    None => #none,
                }
            }
        } else if let Some(fb) = dispatch.fallback {
            let n = fb.0;
            quote! { Some(#n) }
        } else if let Some(field) = tag_field {
            let missing = format!("missing the tag member {field:?}");
            quote! { { cx.error_at(#field, __sp::ErrorCode::MissingField, #missing.into()); None } }
        } else {
            quote! { { cx.error(__sp::ErrorCode::UnknownTag, #structural_error.into()); None } }
        };
        let mut out = rest;
        for (key, id) in dispatch.keyed.iter().rev() {
            let n = id.0;
            out = quote! { if __sp::member(members, #key).is_some() { Some(#n) } else { #out } };
        }
        out
    }

    fn follow(&self, node: &TagNode, tag: &TokenStream, dir: Direction) -> TokenStream {
        let field = &node.field;
        let entries: Vec<(&sockspec_model::TagValue, TokenStream)> = node
            .entries
            .iter()
            .map(|(value, target)| {
                let t = match target {
                    TagTarget::Message(id) => {
                        let n = id.0;
                        quote! { Some(#n) }
                    }
                    TagTarget::Next(next) => {
                        let nf = &next.field;
                        let missing = format!("missing the tag member {nf:?}");
                        let inner = self.follow(next, &quote! { tag }, dir);
                        quote! {
                            match __sp::member(members, #nf) {
                                None => { cx.error_at(#nf, __sp::ErrorCode::MissingField, #missing.into()); None }
                                Some(tag) => #inner,
                            }
                        }
                    }
                };
                (value, t)
            })
            .collect();
        let unknown = if node.open {
            quote! { Some(u32::MAX) }
        } else {
            let message = format!("no {} message has this tag", dir.as_str());
            quote! { { cx.error_at(#field, __sp::ErrorCode::UnknownTag, #message.into()); None } }
        };
        let wrong =
            quote! { { cx.error_at(#field, __sp::ErrorCode::WrongType, "the tag is of the wrong type".into()); None } };
        tag_match(tag, &entries, &unknown, &wrong)
    }

    /// The body of a JSON-RPC side's `__decode` (the validator's `rpc_frame`).
    fn rpc_tokens(
        &self,
        dispatch: &Dispatch,
        dir: Direction,
        name: &Ident,
        arms: &[TokenStream],
        unknown_frame: &TokenStream,
    ) -> TokenStream {
        let Style::JsonRpc { version_member, error, result, error_id, reply_unknown_fields } =
            &self.schema.protocol.style
        else {
            return quote! { None };
        };
        let side = dir.as_str();
        let id_field = self.schema.protocol.id.field.as_str();
        let rpc = dispatch.rpc.as_ref();
        let lookup = |node: Option<&TagNode>, what: &str| match node {
            Some(node) => self.follow(node, &quote! { method }, dir),
            None => {
                let message = format!("the {side} sends no {what}");
                quote! {
                    if matches!(method, __sp::Value::String(_)) {
                        cx.error_at(#METHOD, __sp::ErrorCode::UnknownTag, #message.into()); None
                    } else {
                        cx.error_at(#METHOD, __sp::ErrorCode::WrongType, "a method must be a string".into()); None
                    }
                }
            }
        };
        let requests = lookup(rpc.and_then(|r| r.requests.as_ref()), "requests (the frame has an id)");
        let notifications = lookup(rpc.and_then(|r| r.notifications.as_ref()), "notifications (the frame has no id)");
        let version = if *version_member {
            quote! { __rpc_version(members, cx); }
        } else {
            quote! {}
        };
        let replies = rpc.is_some_and(|r| r.replies);
        let reply_part = if !replies {
            let message = format!(
                "missing {METHOD:?}: the {side} sends no result or error frames, as the {} declares no requests",
                dir.other().as_str()
            );
            quote! { cx.error_at(#METHOD, __sp::ErrorCode::MissingField, #message.into()); None }
        } else {
            let id_decode = self.decode(&self.schema.protocol.id.ty, None, &quote! { v });
            let optional_arm = if *error_id == IdPresence::Optional {
                quote! { None if !is_result => {} }
            } else {
                quote! {}
            };
            let error_check = match error {
                Some(e) => {
                    let t = self.type_ident(*e);
                    quote! {
                        if !is_result && let Some(v) = __sp::member(members, #ERROR) {
                            let at = cx.enter(#ERROR); let _ = #t::__decode(v, cx); cx.leave(at);
                        }
                    }
                }
                None => quote! {},
            };
            let object_check = if *result == ResultShape::Object {
                quote! {
                    if is_result && let Some(v) = __sp::member(members, #RESULT) && !matches!(v, __sp::Value::Object(_)) {
                        let at = cx.enter(#RESULT); cx.wrong_type("an object (every result of this protocol is one)", v); cx.leave(at);
                    }
                }
            } else {
                quote! {}
            };
            let envelope = &dispatch.envelope;
            let reads = envelope.iter().map(|f| {
                let d = self.decode_field(f);
                quote! { let _ = #d; }
            });
            let mut known: Vec<String> = vec![id_field.to_string()];
            if *version_member {
                known.push(JSONRPC.into());
            }
            known.extend(envelope.iter().map(|f| f.name.clone()));
            let unknown_check = if *reply_unknown_fields.get(dir) == UnknownFields::Reject {
                quote! {
                    let payload = if is_result { #RESULT } else { #ERROR };
                    for (k, _) in members {
                        if !(k == payload #(|| k == #known)*) {
                            cx.error_at(k, __sp::ErrorCode::UnknownField, format!("unknown member {k:?}"));
                        }
                    }
                }
            } else {
                quote! {}
            };
            quote! {
                let is_result = match (__sp::member(members, #RESULT), __sp::member(members, #ERROR)) {
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (Some(_), Some(_)) => { cx.error(__sp::ErrorCode::UnknownTag, "the frame has both \"result\" and \"error\"".into()); return None; }
                    (None, None) => { cx.error(__sp::ErrorCode::UnknownTag, "the frame has neither \"method\", \"result\" nor \"error\"".into()); return None; }
                };
                #version
                match __sp::member(members, #id_field) {
                    #optional_arm
                    None => cx.error_at(#id_field, __sp::ErrorCode::MissingField, "a reply must carry the id member".into()),
                    Some(__sp::Value::Null) if !is_result => {}
                    Some(v) => { let at = cx.enter(#id_field); let _ = #id_decode; cx.leave(at); }
                }
                #object_check
                #error_check
                #(#reads)*
                #unknown_check
                let frame = ::sockspec::RawFrame(v.to_serde());
                Some(if is_result { #name::RpcResult(frame) } else { #name::RpcError(frame) })
            }
        };
        quote! {
            if let Some(method) = __sp::member(members, #METHOD) {
                let is_request = __sp::member(members, #id_field).is_some();
                let target: Option<u32> = if is_request { #requests } else { #notifications };
                let target = target?;
                #version
                return match target {
                    #(#arms)*
                    _ => #unknown_frame,
                };
            }
            #reply_part
        }
    }
}

fn node_open(node: Option<&TagNode>) -> bool {
    fn walk(node: &TagNode) -> bool {
        node.open
            || node.entries.iter().any(|(_, t)| match t {
                TagTarget::Next(n) => walk(n),
                TagTarget::Message(_) => false,
            })
    }
    node.is_some_and(walk)
}

/// One side's policy, as a `PerDirection` for [`policy_check`] (the check is in a
/// per-side function already).
struct PerSide;

impl PerSide {
    fn one(policy: UnknownFields) -> sockspec_model::PerDirection<UnknownFields> {
        sockspec_model::PerDirection::both(policy)
    }
}
