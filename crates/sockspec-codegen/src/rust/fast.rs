//! The fast path of generated decoders (docs/rust.md, "Decoding"): per type a `__fast`
//! function that reads the frame's text straight into the typed value through the runtime's
//! `__sp::fast::Cursor`, checking every constraint inline, and returns `None` ("bail") on
//! anything it does not accept or does not handle. `decode` tries it first and runs the full
//! decoder (over the strict reader's `Value`, which reports every error) when it bails, so
//! the fast path only has to be right on what it accepts: it accepts a frame only when the
//! full decoder accepts it, with the same value.
//!
//! What it handles and what it bails on is listed in docs/rust.md ("Decoding"); the test
//! `crates/sockspec-rust-tests/tests/vectors.rs` holds it to the full decoder on every
//! vector.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use sockspec_model::{
    BytesEncoding, Constraints, Direction, Discriminator, EnumRepr, Field, FloatType, IntEncoding, JsonKinds, Message,
    Payload, PerDirection, Style, TagTarget, TagValue, TimeEncoding, Type, TypeDefKind, TypeId, TypeKind,
    UnknownFields, Untagged,
};

use super::values::{collapsed, field_ident, int_type, limit, wrapped};
use super::{Gen, ident, lit_i128, opt_u64};

/// What the generated fast functions allow: their code is written for every shape at once.
fn allows() -> TokenStream {
    quote! {
        #[allow(
            unused_mut,
            unused_variables,
            unreachable_code,
            clippy::let_and_return,
            clippy::match_single_binding,
            clippy::manual_unwrap_or,
            clippy::manual_unwrap_or_default,
            clippy::redundant_field_names,
            clippy::needless_return,
            clippy::collapsible_match,
            clippy::never_loop,
            clippy::if_same_then_else,
            unreachable_patterns
        )]
    }
}

/// The body of a fast function that does not handle its type: always bails.
fn bail_body() -> TokenStream {
    quote! { let _ = c; None }
}

/// What an object reader does with a member it does not know.
fn unknown_arm(policy: PerDirection<UnknownFields>) -> (TokenStream, bool) {
    let skip = quote! { unknown.skip(c, key)? };
    match (policy.client, policy.server) {
        (UnknownFields::Reject, UnknownFields::Reject) => (quote! { _ => return None, }, false),
        (UnknownFields::Ignore, UnknownFields::Ignore) => (quote! { _ => #skip, }, true),
        (UnknownFields::Reject, UnknownFields::Ignore) => {
            (quote! { _ => { if c.client { return None; } #skip; } }, true)
        }
        (UnknownFields::Ignore, UnknownFields::Reject) => {
            (quote! { _ => { if !c.client { return None; } #skip; } }, true)
        }
    }
}

/// One member an object reader knows: its name on the wire, the local it is read into
/// (`Option` of the read value, `Some` once seen), and the expression that reads it.
struct Member {
    name: String,
    local: Ident,
    read: TokenStream,
}

impl Gen<'_> {
    /// An expression of the Rust type of `ty` that reads a value from the cursor `c` and
    /// checks it, or returns `None` from the enclosing function (bail).
    pub(crate) fn fast(&self, ty: &Type, carried: Option<&Constraints>) -> TokenStream {
        let cons = carried.unwrap_or(&ty.constraints);
        match &ty.kind {
            TypeKind::Bool => quote! { c.bool()? },
            TypeKind::Int(it) => {
                let rust = int_type(*it);
                let read = if it.encoding == IntEncoding::String {
                    quote! { __sp::fast::decimal(&c.string()?)? }
                } else {
                    quote! { c.int()? }
                };
                let (min, max) = (lit_i128(it.min()), lit_i128(it.max()));
                let range = fast_range(cons, quote! { __sp::fast::range_int }, quote! { n });
                quote! { { let n = #read; if !(#min..=#max).contains(&n) #range { return None; } n as #rust } }
            }
            TypeKind::Float(ft) => {
                let single = *ft == FloatType::F32;
                let range = float_range(cons);
                let cast = if single {
                    quote! { x as f32 }
                } else {
                    quote! { x }
                };
                if range.is_empty() {
                    if single {
                        quote! { c.float32()? }
                    } else {
                        quote! { c.float(false)? }
                    }
                } else {
                    quote! { { let x = c.float(#single)?; #range #cast } }
                }
            }
            TypeKind::String => {
                let checks = self.fast_string_checks(cons);
                quote! { { let s = c.string()?; #checks s.into_owned() } }
            }
            TypeKind::Uuid => self.fast_formatted(cons, quote! { __sp::format::is_uuid }),
            TypeKind::Date => self.fast_formatted(cons, quote! { __sp::format::is_date }),
            TypeKind::DateTime(TimeEncoding::Rfc3339) => self.fast_formatted(cons, quote! { __sp::format::is_rfc3339 }),
            TypeKind::DateTime(TimeEncoding::Local) => {
                self.fast_formatted(cons, quote! { __sp::format::is_local_datetime })
            }
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                let (min, max) = (lit_i128(i128::from(i64::MIN)), lit_i128(i128::from(i64::MAX)));
                let range = fast_range(cons, quote! { __sp::fast::range_int }, quote! { n });
                quote! { { let n = c.int()?; if !(#min..=#max).contains(&n) #range { return None; } n as i64 } }
            }
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                let range = float_range(cons);
                if range.is_empty() {
                    quote! { c.float(false)? }
                } else {
                    quote! { { let x = c.float(false)?; #range x } }
                }
            }
            TypeKind::Bytes(encoding) => {
                let url = *encoding == BytesEncoding::Base64Url;
                let len = fast_len(cons, quote! { b.len() });
                quote! { { let s = c.string()?; let b = __sp::format::base64_decode(&s, #url)?; #len b } }
            }
            TypeKind::Json => quote! { c.json()? },
            TypeKind::Null => quote! { c.null()? },
            TypeKind::List(item) => {
                let item = self.fast(item, None);
                let len = fast_len(cons, quote! { list.len() });
                quote! { {
                    let mut list = ::std::vec::Vec::new();
                    let mut more = c.array()?;
                    while more {
                        list.push(#item);
                        more = c.next_item()?;
                    }
                    #len
                    list
                } }
            }
            TypeKind::Tuple(elements) => {
                let n = elements.len();
                let names: Vec<_> = (0..n).map(|i| format_ident!("e{}", i)).collect();
                let each = elements.iter().enumerate().map(|(i, e)| {
                    let name = &names[i];
                    let read = self.fast(e, None);
                    let next = if i + 1 < n {
                        quote! { if !c.next_item()? { return None; } }
                    } else {
                        quote! { if c.next_item()? { return None; } }
                    };
                    quote! { let #name = #read; #next }
                });
                let open = if n == 0 {
                    quote! { if c.array()? { return None; } }
                } else {
                    quote! { if !c.array()? { return None; } }
                };
                quote! { { #open #(#each)* (#(#names,)*) } }
            }
            TypeKind::Map(value) => {
                let item = self.fast(value, None);
                let len = fast_len(cons, quote! { map.len() });
                quote! { {
                    let mut map = ::std::collections::BTreeMap::new();
                    let mut more = c.object()?;
                    while more {
                        let k = c.key()?.into_owned();
                        let y = #item;
                        if map.insert(k, y).is_some() { return None; }
                        more = c.next_member()?;
                    }
                    #len
                    map
                } }
            }
            TypeKind::Named(id) => self.fast_named(*id, cons),
            TypeKind::OneOf(u) => {
                let name = ident(&super::untagged_name(u));
                quote! { #name::__fast(c)? }
            }
            TypeKind::Nullable(inner) => {
                let inner = self.fast(inner, carried);
                quote! { if c.at_null() { c.null()?; None } else { Some(#inner) } }
            }
        }
    }

    fn fast_named(&self, id: TypeId, cons: &Constraints) -> TokenStream {
        let def = self.schema.ty(id);
        let name = self.type_ident(id);
        match &def.kind {
            TypeDefKind::Alias(target) => self.fast(target, Some(cons)),
            TypeDefKind::Enum(e) => {
                let extra = match &e.repr {
                    EnumRepr::String => cons.len.is_some() || !cons.patterns.is_empty(),
                    EnumRepr::Int(_) => cons.range.is_some(),
                    EnumRepr::Integer => false,
                };
                if extra {
                    quote! { __sp::fast::bail::<#name>()? }
                } else {
                    quote! { #name::__fast(c)? }
                }
            }
            TypeDefKind::Struct(_) | TypeDefKind::Union(_) => quote! { #name::__fast(c)? },
        }
    }

    fn fast_formatted(&self, cons: &Constraints, valid: TokenStream) -> TokenStream {
        let checks = self.fast_string_checks(cons);
        quote! { { let s = c.string()?; if !#valid(&s) { return None; } #checks s.into_owned() } }
    }

    /// Statements that bail unless the string `s` meets `@len` and `@pattern`.
    fn fast_string_checks(&self, cons: &Constraints) -> TokenStream {
        let mut out = Vec::new();
        if let Some(len) = &cons.len {
            let (min, max) = (opt_u64(len.min), opt_u64(len.max));
            out.push(quote! { if !__sp::fast::str_len(&s, #min, #max) { return None; } });
        }
        for p in &cons.patterns {
            let name = self.pattern(p);
            out.push(quote! { if !#name.is_match(&s) { return None; } });
        }
        quote! { #(#out)* }
    }

    /// A field's read, boxed where the model says `indirect`.
    fn fast_field_read(&self, f: &Field) -> TokenStream {
        let read = self.fast(&f.ty, None);
        let read = match (f.indirect, &f.ty.kind) {
            (false, _) => read,
            (true, TypeKind::Nullable(_)) => quote! { (#read).map(::std::boxed::Box::new) },
            (true, _) => quote! { ::std::boxed::Box::new(#read) },
        };
        if self.null_is_absent(f) {
            // `null` reads as absent there: the full decoder's (a `null` type holds nothing else).
            if matches!(f.ty.kind, TypeKind::Null) {
                quote! { c.no_null()? }
            } else {
                quote! { { if c.at_null() { return None; } #read } }
            }
        } else {
            read
        }
    }

    /// The field's value from its local (`Option` of the read value): required, defaulted,
    /// optional.
    fn fast_field_finish(&self, f: &Field, local: &Ident) -> TokenStream {
        if f.required {
            quote! { #local? }
        } else if f.default.is_some() {
            let typed = f.default_value.as_ref().and_then(|v| self.value_expr(&f.ty, v)).is_some();
            let d = self.default_expr(f);
            let d = if typed {
                d
            } else {
                quote! { { let cx = &mut __sp::Cx::new(c.client); #d } }
            };
            quote! { match #local { Some(v) => v, None => #d } }
        } else if wrapped(f) {
            quote! { #local }
        } else {
            debug_assert!(collapsed(f));
            quote! { #local.flatten() }
        }
    }

    /// The reading of an object's members (the cursor just after `{`, `more` in scope):
    /// the declarations of the members' locals, and the loop that reads each known member
    /// once, then tries `extra` arms (tags, content), then the policy's `unknown` arm.
    fn fast_members_loop(
        &self,
        members: &[Member],
        extra: TokenStream,
        unknown: (TokenStream, bool),
    ) -> (TokenStream, TokenStream) {
        let decls = members.iter().map(|m| {
            let l = &m.local;
            quote! { let mut #l = None; }
        });
        let mut names: Vec<&str> = Vec::new();
        let mut arms = Vec::new();
        for m in members {
            if names.contains(&m.name.as_str()) {
                continue;
            }
            names.push(&m.name);
            let (name, l, read) = (&m.name, &m.local, &m.read);
            arms.push(quote! { #name => { if #l.is_some() { return None; } #l = Some(#read); } });
        }
        let (unknown_arm, uses_unknown) = unknown;
        let unknown_decl = if uses_unknown {
            quote! { let mut unknown = __sp::fast::Unknown::default(); }
        } else {
            quote! {}
        };
        let read = quote! {
            #unknown_decl
            while more {
                let key = c.key()?;
                match &*key {
                    #(#arms)*
                    #extra
                    #unknown_arm
                }
                more = c.next_member()?;
            }
        };
        (quote! { #(#decls)* }, read)
    }

    // ---- per type ----

    /// `__fast` and `__fast_members` of a struct.
    pub(crate) fn fast_struct(&self, fields: &[Field], unknown: PerDirection<UnknownFields>) -> TokenStream {
        let allows = allows();
        let members: Vec<Member> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| Member {
                name: f.name.clone(),
                local: format_ident!("f{}", i),
                read: self.fast_field_read(f),
            })
            .collect();
        let tag_arm = quote! { _ if !tag.is_empty() && key == tag => { if tag_seen { return None; } tag_seen = true; c.tag_value()?; } };
        let (decls, read) = self.fast_members_loop(&members, tag_arm, unknown_arm(unknown));
        let inits = fields.iter().zip(&members).map(|(f, m)| {
            let i = field_ident(f);
            let v = self.fast_field_finish(f, &m.local);
            quote! { #i: #v, }
        });
        quote! {
            #[doc(hidden)]
            #allows
            pub fn __fast(c: &mut __sp::fast::Cursor<'_>) -> Option<Self> {
                let more = c.object()?;
                Self::__fast_members(c, more, "", false)
            }

            /// The members of the object the cursor is in (`more`: whether one follows);
            /// `tag` is the member of a union's tag, read already when `tag_seen`.
            #[doc(hidden)]
            #allows
            pub fn __fast_members<'a>(
                c: &mut __sp::fast::Cursor<'a>,
                mut more: bool,
                tag: &str,
                mut tag_seen: bool,
            ) -> Option<Self> {
                #decls
                #read
                Some(Self { #(#inits)* })
            }
        }
    }

    /// `__fast` of a string or integer enum.
    pub(crate) fn fast_enum(&self, name: &Ident, e: &sockspec_model::Enum, variants: &[Ident]) -> TokenStream {
        let allows = allows();
        let body = match &e.repr {
            EnumRepr::String => {
                let values = e.variants.iter().map(|v| match &v.value {
                    TagValue::Str(s) => s.clone(),
                    other => other.to_string(),
                });
                let other = if e.open {
                    quote! { other => Some(#name::Unknown(other.to_string())), }
                } else {
                    quote! { _ => None, }
                };
                quote! {
                    let s = c.string()?;
                    match &*s { #(#values => Some(#name::#variants),)* #other }
                }
            }
            EnumRepr::Int(_) | EnumRepr::Integer => {
                let pats = e.variants.iter().map(|v| match v.value {
                    TagValue::Int(i) => lit_i128(i128::from(i)),
                    _ => lit_i128(0),
                });
                let read = match &e.repr {
                    EnumRepr::Int(it) => {
                        let read = if it.encoding == IntEncoding::String {
                            quote! { __sp::fast::decimal(&c.string()?)? }
                        } else {
                            quote! { c.int()? }
                        };
                        let (min, max) = (lit_i128(it.min()), lit_i128(it.max()));
                        quote! { let n = #read; if !(#min..=#max).contains(&n) { return None; } }
                    }
                    _ => quote! { let n = c.int()?; },
                };
                let unknown_i64 = matches!(&e.repr, EnumRepr::Int(it) if it.max() <= i128::from(i64::MAX));
                let other = match (e.open, unknown_i64, &e.repr) {
                    (false, _, _) => quote! { _ => None, },
                    (true, true, _) => quote! { other => Some(#name::Unknown(other as i64)), },
                    (true, false, EnumRepr::Integer) => {
                        quote! { other => Some(#name::Unknown(::sockspec::IntLiteral::from(other))), }
                    }
                    (true, false, _) => quote! { other => Some(#name::Unknown(other)), },
                };
                quote! {
                    #read
                    match n { #(#pats => Some(#name::#variants),)* #other }
                }
            }
        };
        quote! {
            #[doc(hidden)]
            #allows
            pub fn __fast(c: &mut __sp::fast::Cursor<'_>) -> Option<Self> {
                #body
            }
        }
    }

    /// `__fast` of a `@flags` enum.
    pub(crate) fn fast_flags(&self, name: &Ident, e: &sockspec_model::Enum) -> TokenStream {
        let allows = allows();
        let all: i128 = e.variants.iter().fold(0, |acc, v| match v.value {
            TagValue::Int(i) => acc | i128::from(i),
            _ => acc,
        });
        let all = lit_i128(all);
        let check = if e.open {
            quote! {}
        } else {
            quote! { if n & !#all != 0 { return None; } }
        };
        let body = match &e.repr {
            EnumRepr::Int(it) => {
                let read = if it.encoding == IntEncoding::String {
                    quote! { __sp::fast::decimal(&c.string()?)? }
                } else {
                    quote! { c.int()? }
                };
                let (min, max) = (lit_i128(it.min()), lit_i128(it.max()));
                let rust = int_type(*it);
                quote! { let n = #read; if !(#min..=#max).contains(&n) { return None; } #check Some(#name(n as #rust)) }
            }
            _ => quote! { let n = c.int()?; #check Some(#name(n)) },
        };
        quote! {
            #[doc(hidden)]
            #allows
            pub fn __fast(c: &mut __sp::fast::Cursor<'_>) -> Option<Self> {
                #body
            }
        }
    }

    /// `__fast` of a tagged union: the tag (first, or found by a scan), then the variant's
    /// members.
    pub(crate) fn fast_tagged_union(
        &self,
        name: &Ident,
        field: &str,
        variants: &[TypeId],
        base: Option<TypeId>,
    ) -> TokenStream {
        let allows = allows();
        let mut entries = Vec::new();
        let mut supported = base.is_none();
        for id in variants {
            let TypeDefKind::Struct(s) = &self.schema.ty(*id).kind else { continue };
            if s.fields.iter().any(|f| f.name == field) {
                supported = false;
            }
            let v = self.type_ident(*id);
            entries.push((&s.tag, quote! { Some(#name::#v(#v::__fast_members(c, more, #field, seen)?)) }));
        }
        let body = if supported {
            let lookup = fast_tag_match(&quote! { tag }, &entries);
            quote! {
                let mut more = c.object()?;
                let (tag, seen) = c.tag(&mut more, #field)?;
                #lookup
            }
        } else {
            bail_body()
        };
        quote! {
            #[doc(hidden)]
            #allows
            pub fn __fast(c: &mut __sp::fast::Cursor<'_>) -> Option<Self> {
                #body
            }
        }
    }

    /// `__fast` of an untagged union: the variant the value's JSON kind picks (as the full
    /// decoder); bails where that takes more (ordered tries, several object variants).
    pub(crate) fn fast_untagged(&self, name: &Ident, u: &Untagged, names: &[Ident]) -> TokenStream {
        let allows = allows();
        let kinds = |i: usize| u.kinds.get(i).copied().unwrap_or(JsonKinds::ANY);
        let count = u.variants.len();
        let specific = |i: usize, bit: JsonKinds| kinds(i) != JsonKinds::ANY && kinds(i).intersects(bit);
        let fallback = (0..count).find(|&i| kinds(i) == JsonKinds::ANY);
        let first = |bit: JsonKinds| (0..count).find(|&i| specific(i, bit));
        let objects: Vec<usize> = (0..count).filter(|&i| specific(i, JsonKinds::OBJECT)).collect();
        let picks = [
            (1u8, first(JsonKinds::NULL).or(fallback)),
            (2, first(JsonKinds::BOOLEAN).or(fallback)),
            (
                4,
                (0..count)
                    .find(|&i| specific(i, JsonKinds::INTEGER) && !kinds(i).contains(JsonKinds::NUMBER))
                    .or_else(|| first(JsonKinds::INTEGER))
                    .or(fallback),
            ),
            (8, first(JsonKinds::FRACTION).or(fallback)),
            (16, first(JsonKinds::STRING).or(fallback)),
            (32, first(JsonKinds::ARRAY).or(fallback)),
            (64, if objects.len() > 1 { None } else { objects.first().copied().or(fallback) }),
        ];
        let arms: Vec<TokenStream> = picks
            .iter()
            .filter_map(|(bit, pick)| {
                let i = (*pick)?;
                let read = self.fast(&u.variants[i], None);
                let n = &names[i];
                Some(quote! { #bit => Some(#name::#n(#read)), })
            })
            .collect();
        let body = if u.ordered || arms.is_empty() {
            bail_body()
        } else {
            quote! {
                match c.kind()? {
                    #(#arms)*
                    _ => None,
                }
            }
        };
        quote! {
            #[doc(hidden)]
            #allows
            pub fn __fast(c: &mut __sp::fast::Cursor<'_>) -> Option<Self> {
                #body
            }
        }
    }

    // ---- frames ----

    /// `__fast_client` / `__fast_server` of a message: the frame's members (the cursor in
    /// the frame's object, the tag member read already when `tag_seen`).
    pub(crate) fn fast_message(&self, m: &Message, dir: Direction) -> TokenStream {
        let allows = allows();
        let fname = format_ident!("__fast_{}", dir.as_str());
        let body = self.fast_message_body(m, dir).unwrap_or_else(|| quote! { let _ = (c, more, tag_seen); None });
        quote! {
            #[doc(hidden)]
            #allows
            pub fn #fname<'a>(c: &mut __sp::fast::Cursor<'a>, mut more: bool, mut tag_seen: bool) -> Option<Self> {
                #body
            }
        }
    }

    fn fast_message_body(&self, m: &Message, dir: Direction) -> Option<TokenStream> {
        use super::frames::IdRule;
        let tag_fields = &self.schema.dispatch.get(dir).tag_fields;
        let Discriminator::Tag(values) = &m.discriminator else { return None };
        if !(1..=2).contains(&tag_fields.len()) || values.is_empty() || values.len() > tag_fields.len() {
            return None;
        }
        let protocol = &self.schema.protocol;
        let id_field = protocol.id.field.as_str();
        let id_ident = self.id_ident(m);
        let rule = self.id_rule(m, dir);
        let struct_rule = self.struct_id_rule(m);
        let mut members = Vec::new();
        let mut inits = Vec::new();
        let mut extra = Vec::new();
        let mut after = Vec::new();
        let mut content_decls = quote! {};
        // The tags: the first is read already when `tag_seen`; the second is known.
        let tag0 = &tag_fields[0];
        extra.push(quote! { #tag0 => { if tag_seen { return None; } tag_seen = true; c.tag_value()?; } });
        if let Some(tag1) = tag_fields.get(1) {
            let read = if values.len() == 2 {
                quote! { c.tag_value()?; }
            } else if protocol.second_tag == sockspec_model::SecondTag::NullOrAbsent {
                quote! { if !c.at_null() { return None; } c.null()?; }
            } else {
                quote! { c.skip()?; }
            };
            content_decls = quote! { let mut tag1_seen = false; };
            extra.push(quote! { #tag1 => { if tag1_seen { return None; } tag1_seen = true; #read } });
        }
        // JSON-RPC's version member, on every frame.
        if let Style::JsonRpc { version_member: true, .. } = &protocol.style {
            content_decls = quote! { #content_decls let mut version_seen = false; };
            extra.push(quote! { "jsonrpc" => {
                if version_seen { return None; }
                version_seen = true;
                if c.string()? != "2.0" { return None; }
            } });
            after.push(quote! { if !version_seen { return None; } });
        }
        match rule {
            IdRule::Absent | IdRule::Forbidden => {
                if struct_rule == IdRule::Optional {
                    inits.push(quote! { #id_ident: None, });
                }
                if rule == IdRule::Forbidden {
                    extra.push(quote! { #id_field => return None, });
                }
            }
            IdRule::Required => {
                let local = format_ident!("id");
                members.push(Member {
                    name: id_field.into(),
                    local: local.clone(),
                    read: self.fast(&protocol.id.ty, None),
                });
                if struct_rule == IdRule::Optional {
                    inits.push(quote! { #id_ident: Some(#local?), });
                } else {
                    inits.push(quote! { #id_ident: #local?, });
                }
            }
            IdRule::Optional => {
                let local = format_ident!("id");
                let read = self.fast(&protocol.id.ty, None);
                members.push(Member {
                    name: id_field.into(),
                    local: local.clone(),
                    read: quote! { if c.at_null() { c.null()?; None } else { Some(#read) } },
                });
                inits.push(quote! { #id_ident: #local.flatten(), });
            }
        }
        // The envelope: members of the same type on every side that sends the message.
        let own = m.envelope_fields.get(dir);
        for (k, e) in Self::envelope_members(m).iter().enumerate() {
            if e.loose || e.shadowed {
                return None;
            }
            let f = own.iter().find(|f| f.name == e.field.name)?;
            let local = format_ident!("e{}", k);
            let i = Self::envelope_ident(m, e.field);
            let v = self.fast_field_finish(f, &local);
            inits.push(quote! { #i: #v, });
            members.push(Member { name: f.name.clone(), local, read: self.fast_field_read(f) });
        }
        match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => {
                for (k, f) in fields.iter().enumerate() {
                    let local = format_ident!("f{}", k);
                    let i = field_ident(f);
                    let v = self.fast_field_finish(f, &local);
                    inits.push(quote! { #i: #v, });
                    members.push(Member { name: f.name.clone(), local, read: self.fast_field_read(f) });
                }
            }
            (Some(key), Payload::Value { ty, .. }) => {
                let local = format_ident!("payload");
                members.push(Member { name: key.clone(), local: local.clone(), read: self.fast(ty, None) });
                if m.content_optional {
                    inits.push(quote! { value: #local, });
                } else {
                    inits.push(quote! { value: #local?, });
                }
            }
            (Some(key), Payload::Fields(fields)) => {
                let mut inner = Vec::new();
                for (k, f) in fields.iter().enumerate() {
                    let local = format_ident!("c{}", k);
                    let i = field_ident(f);
                    let v = self.fast_field_finish(f, &local);
                    inits.push(quote! { #i: #v, });
                    inner.push(Member { name: f.name.clone(), local, read: self.fast_field_read(f) });
                }
                let policy = PerDirection::both(*m.unknown_fields.get(dir));
                let (decls, read) = self.fast_members_loop(&inner, quote! {}, unknown_arm(policy));
                content_decls = quote! { #content_decls #decls let mut content_seen = false; };
                extra.push(quote! { #key => {
                    if content_seen { return None; }
                    content_seen = true;
                    let mut more = c.object()?;
                    #read
                } });
                if !m.content_optional {
                    after.push(quote! { if !content_seen { return None; } });
                }
            }
            (None, Payload::Value { .. }) => return None,
        }
        // A member of a tag's name would be read from the tag member: left to the full
        // decoder.
        if members.iter().any(|mm| tag_fields.contains(&mm.name))
            || m.content.as_ref().is_some_and(|k| tag_fields.contains(k))
        {
            return None;
        }
        let (arm, uses) = unknown_arm(PerDirection::both(*m.frame_unknown_fields.get(dir)));
        let (decls, read) = self.fast_members_loop(&members, quote! { #(#extra)* }, (arm, uses));
        Some(quote! {
            #decls
            #content_decls
            #read
            #(#after)*
            Some(Self { #(#inits)* })
        })
    }

    /// `decode_fast` of `ClientMessage` / `ServerMessage`.
    pub(crate) fn fast_direction(&self, name: &Ident, dir: Direction) -> TokenStream {
        let client = dir == Direction::Client;
        let dispatch = self.schema.dispatch.get(dir);
        let allows = allows();
        let supported = (1..=2).contains(&dispatch.tag_fields.len());
        let body = match (&self.schema.protocol.style, &dispatch.tags) {
            // A request has the id member, a notification not; then the method names it.
            (Style::JsonRpc { .. }, _) => {
                let id_field = &self.schema.protocol.id.field;
                let lookup = |node: Option<&sockspec_model::TagNode>| match node {
                    Some(node) => self.fast_follow(name, node, dir, &quote! { tag }),
                    None => quote! { None },
                };
                let rpc = dispatch.rpc.as_ref();
                let requests = lookup(rpc.and_then(|r| r.requests.as_ref()));
                let notifications = lookup(rpc.and_then(|r| r.notifications.as_ref()));
                quote! {
                    let c = &mut __sp::fast::Cursor::new(text, #client);
                    let mut more = c.object()?;
                    let (tag, seen) = c.tag(&mut more, "method")?;
                    let is_request = c.find_tag(more, #id_field)?.is_some();
                    let m = if is_request { #requests } else { #notifications }?;
                    c.finish()?;
                    Some(m)
                }
            }
            (Style::Tagged, Some(node)) if supported => {
                let field = &node.field;
                let lookup = self.fast_follow(name, node, dir, &quote! { tag });
                quote! {
                    let c = &mut __sp::fast::Cursor::new(text, #client);
                    let mut more = c.object()?;
                    let (tag, seen) = c.tag(&mut more, #field)?;
                    let m = #lookup?;
                    c.finish()?;
                    Some(m)
                }
            }
            _ => quote! { let _ = (text, #client); None },
        };
        quote! {
            /// The fast path of [`Self::decode`] alone: the message when the frame is valid
            /// and of the shapes it reads, `None` otherwise (`decode` then runs the full
            /// decoder, which reports every error). For tests and benchmarks.
            #[doc(hidden)]
            #allows
            pub fn decode_fast(text: &str) -> Option<Self> {
                #body
            }
        }
    }

    /// An `Option<Self>` expression: the message a tag node names, reading it (the second
    /// level's tag found by a scan).
    fn fast_follow(
        &self,
        name: &Ident,
        node: &sockspec_model::TagNode,
        dir: Direction,
        tag: &TokenStream,
    ) -> TokenStream {
        let f = format_ident!("__fast_{}", dir.as_str());
        let entries: Vec<(&TagValue, TokenStream)> = node
            .entries
            .iter()
            .map(|(value, target)| {
                let t = match target {
                    TagTarget::Message(id) => {
                        let v = self.message_ident(*id);
                        quote! { Some(#name::#v(#v::#f(c, more, seen)?)) }
                    }
                    TagTarget::Next(next) => {
                        let nf = &next.field;
                        let inner = self.fast_follow(name, next, dir, &quote! { tag2 });
                        quote! { { let tag2 = c.find_tag(more, #nf)??; #inner } }
                    }
                };
                (value, t)
            })
            .collect();
        fast_tag_match(tag, &entries)
    }
}

/// The match on a tag's value (a `__sp::fast::Tag`): the first entry of each value, `None`
/// for any other.
fn fast_tag_match(tag: &TokenStream, entries: &[(&TagValue, TokenStream)]) -> TokenStream {
    let mut strings = Vec::new();
    let mut ints = Vec::new();
    let mut others = Vec::new();
    let mut seen: Vec<&TagValue> = Vec::new();
    for (value, target) in entries {
        if seen.contains(value) {
            continue;
        }
        seen.push(value);
        match value {
            TagValue::Str(s) => strings.push(quote! { #s => #target, }),
            TagValue::Int(i) => {
                let lit = lit_i128(i128::from(*i));
                ints.push(quote! { #lit => #target, });
            }
            TagValue::Bool(b) => others.push(quote! { __sp::fast::Tag::Bool(#b) => #target, }),
            TagValue::Null => others.push(quote! { __sp::fast::Tag::Null => #target, }),
        }
    }
    let strings =
        (!strings.is_empty()).then(|| quote! { __sp::fast::Tag::Str(s) => match &*s { #(#strings)* _ => None }, });
    let ints = (!ints.is_empty()).then(|| quote! { __sp::fast::Tag::Int(n) => match n { #(#ints)* _ => None }, });
    quote! {
        match #tag {
            #strings
            #ints
            #(#others)*
            _ => None,
        }
    }
}

/// `|| !range(n, ...)` for a `@range`, appended to a condition that bails.
fn fast_range(cons: &Constraints, call: TokenStream, n: TokenStream) -> TokenStream {
    match &cons.range {
        None => quote! {},
        Some(r) => {
            let (min, max) = (limit(r.min), limit(r.max));
            quote! { || !#call(#n, #min, #max) }
        }
    }
}

/// A statement that bails unless the float `x` meets its `@range`.
fn float_range(cons: &Constraints) -> TokenStream {
    match &cons.range {
        None => quote! {},
        Some(r) => {
            let (min, max) = (limit(r.min), limit(r.max));
            quote! { if !__sp::fast::range_float(x, #min, #max) { return None; } }
        }
    }
}

/// A statement that bails unless a count meets `@len`.
fn fast_len(cons: &Constraints, n: TokenStream) -> TokenStream {
    match &cons.len {
        None => quote! {},
        Some(l) => {
            let (min, max) = (opt_u64(l.min), opt_u64(l.max));
            quote! { if !__sp::fast::len(#n, #min, #max) { return None; } }
        }
    }
}
