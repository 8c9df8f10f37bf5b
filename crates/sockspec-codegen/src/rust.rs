//! Rust: one module per protocol, built with `quote` and printed with `prettyplease`. Types
//! (a struct per struct and message, an enum per enum and union, `ClientMessage` and
//! `ServerMessage`), a single-pass decoder per type over the runtime's strict JSON reader
//! that checks DESIGN §4 as it builds the value, and an encoder that writes exactly what the
//! schema says. The mapping of every construct is in docs/rust.md.

mod fast;
mod frames;
mod values;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use sockspec_model::{Schema, TagValue, Type, TypeDefKind, TypeKind, Untagged};

use crate::{GeneratedFile, header};

/// The Rust module for a schema, as one file named after the schema file
/// (`chat.sockspec` → `chat.rs`, what `sockspec::include_protocol!("chat")` includes).
pub fn generate(schema: &Schema, source: &str) -> Vec<GeneratedFile> {
    let tokens = Gen::new(schema).module();
    let file: syn::File = syn::parse2(tokens).expect("the generator writes valid Rust");
    let contents = format!("// {}\n\n{}", header(source), prettyplease::unparse(&file));
    vec![GeneratedFile { path: format!("{}.rs", stem(source)).into(), contents }]
}

/// A schema file's name without folders and `.sockspec`.
pub fn stem(source: &str) -> &str {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    name.strip_suffix(".sockspec").unwrap_or(name)
}

/// The generation of one schema: the schema, and what is collected while walking it.
pub(crate) struct Gen<'s> {
    pub(crate) schema: &'s Schema,
    /// Every `@pattern`, by its portable text, numbered in order of first use.
    patterns: std::cell::RefCell<BTreeMap<String, usize>>,
    /// Inline unions, by name, each generated once.
    one_ofs: BTreeMap<String, &'s Untagged>,
}

impl<'s> Gen<'s> {
    fn new(schema: &'s Schema) -> Self {
        let mut one_ofs = BTreeMap::new();
        let mut each = |ty: &'s Type| collect_one_ofs(ty, &mut one_ofs);
        each(&schema.protocol.id.ty);
        schema.protocol.envelope.iter().for_each(|f| each(&f.ty));
        for def in &schema.types {
            match &def.kind {
                TypeDefKind::Struct(s) => s.fields.iter().for_each(|f| each(&f.ty)),
                TypeDefKind::Alias(ty) => each(ty),
                TypeDefKind::Union(sockspec_model::Union::Untagged(u)) => u.variants.iter().for_each(&mut each),
                TypeDefKind::Enum(_) | TypeDefKind::Union(_) => {}
            }
        }
        for m in &schema.messages {
            match &m.payload {
                sockspec_model::Payload::Fields(fields) => fields.iter().for_each(|f| each(&f.ty)),
                sockspec_model::Payload::Value { ty, .. } => each(ty),
            }
            for dir in sockspec_model::Direction::BOTH {
                m.envelope_fields.get(dir).iter().for_each(|f| each(&f.ty));
            }
            if let Some(r) = &m.request {
                for reply in &r.replies {
                    if let sockspec_model::Reply::Result(ty) | sockspec_model::Reply::Typed { result: ty, .. } = reply {
                        each(ty);
                    }
                }
            }
        }
        Gen { schema, patterns: Default::default(), one_ofs }
    }

    fn module(&self) -> TokenStream {
        let protocol = &self.schema.protocol;
        let docs = docs(&protocol.meta.docs);
        let name = &protocol.name;
        let version = match &protocol.version {
            Some(v) => quote! {
                /// The protocol's version, as the schema states it.
                pub const VERSION: &str = #v;
            },
            None => quote! {},
        };
        let mut items = Vec::new();
        for (i, def) in self.schema.types.iter().enumerate() {
            items.push(self.type_def(sockspec_model::TypeId(i as u32), def));
        }
        for u in self.one_ofs.values() {
            // An alias of an inline union names it, and its doc comment is the enum's.
            let docs = u
                .name
                .as_ref()
                .and_then(|n| {
                    self.schema.types.iter().find(|d| &d.name == n && matches!(d.kind, TypeDefKind::Alias(_)))
                })
                .map_or(&[][..], |d| d.meta.docs.as_slice());
            items.push(self.untagged_def(&untagged_name(u), docs, u));
        }
        items.push(self.anonymous_aliases());
        items.push(self.messages());
        // Patterns last: they are collected while the rest is generated.
        let patterns = self.pattern_statics();
        quote! {
            use ::sockspec::__private as __sp;

            #docs
            pub const PROTOCOL: &str = #name;
            #version

            #(#items)*
            #patterns
        }
    }

    /// The anonymous names of payloads, results and the id type that are not inline unions
    /// (those are enums of their own): type aliases, so code can name them.
    fn anonymous_aliases(&self) -> TokenStream {
        let mut out = Vec::new();
        for a in &self.schema.anonymous {
            let ty = match &a.site {
                sockspec_model::AnonymousSite::Union => continue,
                sockspec_model::AnonymousSite::IdType => &self.schema.protocol.id.ty,
                sockspec_model::AnonymousSite::Payload(id) => match &self.schema.message(*id).payload {
                    sockspec_model::Payload::Value { ty, .. } => ty,
                    sockspec_model::Payload::Fields(_) => continue,
                },
                sockspec_model::AnonymousSite::Result(id) => {
                    let Some(r) = &self.schema.message(*id).request else { continue };
                    match r.replies.iter().find_map(|r| match r {
                        sockspec_model::Reply::Result(ty) => Some(ty),
                        _ => None,
                    }) {
                        Some(ty) => ty,
                        None => continue,
                    }
                }
            };
            let mut inline = BTreeMap::new();
            collect_one_ofs(ty, &mut inline);
            if inline.contains_key(&a.name) {
                continue;
            }
            let ident = ident(&a.ident.rust);
            let rust = self.rust_type(ty);
            out.push(quote! {
                #[allow(dead_code)]
                pub type #ident = #rust;
            });
        }
        quote! { #(#out)* }
    }

    /// The number of a pattern's `static`, registering it on first use.
    pub(crate) fn pattern(&self, text: &str) -> Ident {
        let mut patterns = self.patterns.borrow_mut();
        let next = patterns.len();
        let n = *patterns.entry(text.to_string()).or_insert(next);
        format_ident!("PATTERN_{}", n)
    }

    fn pattern_statics(&self) -> TokenStream {
        let patterns = self.patterns.borrow();
        let mut by_number: Vec<(&String, &usize)> = patterns.iter().collect();
        by_number.sort_by_key(|(_, n)| **n);
        let statics = by_number.into_iter().map(|(text, n)| {
            let name = format_ident!("PATTERN_{}", n);
            let doc = format!(" `@pattern({text:?})`, in the Rust `regex` spelling of the portable pattern.");
            match sockspec_model::pattern::translate(text) {
                Ok(t) => {
                    let rust = t.rust;
                    quote! {
                        #[doc = #doc]
                        static #name: ::std::sync::LazyLock<__sp::regex::Regex> = ::std::sync::LazyLock::new(|| {
                            __sp::regex::Regex::new(#rust).expect("the model checked the pattern")
                        });
                    }
                }
                // The model checks every pattern with this translation: only a model bug
                // gets here, and then every value fails the pattern, as in the validator.
                Err(_) => quote! {
                    #[doc = #doc]
                    static #name: ::std::sync::LazyLock<__sp::regex::Regex> = ::std::sync::LazyLock::new(|| {
                        __sp::regex::Regex::new("[^\\s\\S]").expect("a pattern that matches nothing")
                    });
                },
            }
        });
        quote! { #(#statics)* }
    }
}

fn collect_one_ofs<'s>(ty: &'s Type, out: &mut BTreeMap<String, &'s Untagged>) {
    match &ty.kind {
        TypeKind::OneOf(u) => {
            out.entry(untagged_name(u)).or_insert(u);
            u.variants.iter().for_each(|v| collect_one_ofs(v, out));
        }
        TypeKind::List(t) | TypeKind::Map(t) | TypeKind::Nullable(t) => collect_one_ofs(t, out),
        TypeKind::Tuple(ts) => ts.iter().for_each(|t| collect_one_ofs(t, out)),
        _ => {}
    }
}

/// An inline union's Rust name.
pub(crate) fn untagged_name(u: &Untagged) -> String {
    u.name.clone().unwrap_or_else(|| "Union".to_string())
}

/// An identifier as the model spells it (`r#type` for a raw one).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `///` lines.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        let text = if l.starts_with(' ') || l.is_empty() { l.clone() } else { format!(" {l}") };
        quote! { #[doc = #text] }
    });
    quote! { #(#lines)* }
}

/// Docs plus `#[deprecated]` where the schema says so.
pub(crate) fn meta_attrs(meta: &sockspec_model::Meta) -> TokenStream {
    let d = docs(&meta.docs);
    match &meta.deprecated {
        Some(why) => quote! { #d #[deprecated(note = #why)] },
        None => d,
    }
}

/// Writes a tag value as JSON.
pub(crate) fn write_tag(value: &TagValue) -> TokenStream {
    match value {
        TagValue::Str(s) => {
            let json = json_string(s);
            quote! { out.push_str(#json); }
        }
        TagValue::Int(i) if (0..10).contains(i) => {
            let c = char::from(b'0' + *i as u8);
            quote! { out.push(#c); }
        }
        TagValue::Int(i) => {
            let text = i.to_string();
            quote! { out.push_str(#text); }
        }
        TagValue::Bool(b) => {
            let text = b.to_string();
            quote! { out.push_str(#text); }
        }
        TagValue::Null => quote! { out.push_str("null"); },
    }
}

/// A member name as the encoder writes it: the JSON string and the colon (`"id":`).
pub(crate) fn raw_key(name: &str) -> String {
    let mut key = json_string(name);
    key.push(':');
    key
}

/// A string as JSON, escaped exactly as the runtime's `write_str` escapes it (so a name
/// written at generation time reads the same as one written at run time).
fn json_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn lit_i128(n: i128) -> TokenStream {
    let lit = Literal::i128_suffixed(n.unsigned_abs() as i128);
    if n < 0 {
        if n == i128::MIN {
            return quote! { i128::MIN };
        }
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

pub(crate) fn opt_u64(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let lit = Literal::u64_suffixed(n);
            quote! { Some(#lit) }
        }
        None => quote! { None },
    }
}

/// The match on a tag value that every tag lookup shares (a frame's tag field, a tagged
/// union's): `entries` in declared order (the first of equal values wins), `unknown` for a
/// value of the right JSON kind that names none, `wrong` for a value of another kind.
pub(crate) fn tag_match(
    tag: &TokenStream,
    entries: &[(&TagValue, TokenStream)],
    unknown: &TokenStream,
    wrong: &TokenStream,
) -> TokenStream {
    let mut strings = Vec::new();
    let mut ints = Vec::new();
    let (mut t, mut f, mut null) = (None, None, None);
    let mut seen: Vec<&TagValue> = Vec::new();
    for (value, target) in entries {
        if seen.contains(value) {
            continue;
        }
        seen.push(value);
        match value {
            TagValue::Str(s) => strings.push(quote! { #s => #target, }),
            TagValue::Int(i) => {
                let lit = Literal::i64_suffixed(*i);
                ints.push(quote! { Some(#lit) => #target, });
            }
            TagValue::Bool(true) => t = Some(target.clone()),
            TagValue::Bool(false) => f = Some(target.clone()),
            TagValue::Null => null = Some(target.clone()),
        }
    }
    // No entries at all: tags are strings (what a reader of an empty set expects).
    let any_kind = !ints.is_empty() || t.is_some() || f.is_some() || null.is_some();
    let mut arms = Vec::new();
    if !strings.is_empty() || !any_kind {
        arms.push(quote! { __sp::Value::String(s) => match &**s { #(#strings)* _ => #unknown }, });
    }
    if !ints.is_empty() {
        arms.push(
            quote! { __sp::Value::Number(n) if n.is_integer() => match __sp::tag_int(n) { #(#ints)* _ => #unknown }, },
        );
    }
    if t.is_some() || f.is_some() {
        let t = t.unwrap_or_else(|| unknown.clone());
        let f = f.unwrap_or_else(|| unknown.clone());
        arms.push(quote! { __sp::Value::Bool(b) => if *b { #t } else { #f }, });
    }
    if let Some(null) = null {
        arms.push(quote! { __sp::Value::Null => #null, });
    }
    quote! {
        match #tag {
            #(#arms)*
            _ => #wrong,
        }
    }
}
