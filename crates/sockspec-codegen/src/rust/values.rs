//! Types and values: the Rust type of every type of the schema, the code that decodes and
//! checks a value of it (as the dynamic validator's `check` does, constraint by
//! constraint), and the code that writes it.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use sockspec_model::{
    BytesEncoding, Constraints, EnumRepr, Field, FloatType, IntEncoding, IntType, JsonKinds, Limit, Number,
    PerDirection, TagValue, TimeEncoding, Type, TypeDef, TypeDefKind, TypeId, TypeKind, UnknownFields, Untagged,
};

use super::{Gen, ident, lit_i128, meta_attrs, opt_u64, raw_key, tag_match, untagged_name, write_tag};

impl Gen<'_> {
    pub(crate) fn type_ident(&self, id: TypeId) -> proc_macro2::Ident {
        let def = self.schema.ty(id);
        ident(def.meta.ident.as_ref().map_or(def.name.as_str(), |i| i.rust.as_str()))
    }

    // ---- Rust types ----

    pub(crate) fn rust_type(&self, ty: &Type) -> TokenStream {
        match &ty.kind {
            TypeKind::Bool => quote! { bool },
            TypeKind::Int(it) => int_type(*it),
            TypeKind::Float(FloatType::F32) => quote! { f32 },
            TypeKind::Float(FloatType::F64) => quote! { f64 },
            TypeKind::String | TypeKind::Uuid | TypeKind::Date => quote! { ::std::string::String },
            TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local) => quote! { ::std::string::String },
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => quote! { i64 },
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => quote! { f64 },
            TypeKind::Bytes(_) => quote! { ::std::vec::Vec<u8> },
            TypeKind::Json => quote! { __sp::serde_json::Value },
            TypeKind::Null => quote! { () },
            TypeKind::List(item) => {
                let item = self.rust_type(item);
                quote! { ::std::vec::Vec<#item> }
            }
            TypeKind::Tuple(elements) => {
                let elements = elements.iter().map(|e| self.rust_type(e));
                quote! { (#(#elements,)*) }
            }
            TypeKind::Map(value) => {
                let value = self.rust_type(value);
                quote! { ::std::collections::BTreeMap<::std::string::String, #value> }
            }
            TypeKind::Named(id) => {
                let id = self.type_ident(*id);
                quote! { #id }
            }
            TypeKind::OneOf(u) => {
                let name = ident(&untagged_name(u));
                quote! { #name }
            }
            TypeKind::Nullable(inner) => {
                let inner = self.rust_type(inner);
                quote! { ::std::option::Option<#inner> }
            }
        }
    }

    /// A field's Rust type: its type (boxed where the model says `indirect`), in an `Option`
    /// when it may be absent and has no default (`name?: T | null` is one `Option`).
    pub(crate) fn field_type(&self, f: &Field) -> TokenStream {
        let base = match (&f.ty.kind, f.indirect) {
            (TypeKind::Nullable(inner), true) => {
                let inner = self.rust_type(inner);
                quote! { ::std::option::Option<::std::boxed::Box<#inner>> }
            }
            (_, true) => {
                let t = self.rust_type(&f.ty);
                quote! { ::std::boxed::Box<#t> }
            }
            _ => self.rust_type(&f.ty),
        };
        if wrapped(f) {
            quote! { ::std::option::Option<#base> }
        } else {
            base
        }
    }

    // ---- decoding ----

    /// An expression of type `Option<T>` that decodes and checks the `&Value` named `v` as
    /// `ty` at the current path, reporting every error (`None` only after one). `carried`
    /// are the use site's constraints when reached through aliases (see the validator).
    pub(crate) fn decode(&self, ty: &Type, carried: Option<&Constraints>, v: &TokenStream) -> TokenStream {
        let cons = carried.unwrap_or(&ty.constraints);
        match &ty.kind {
            TypeKind::Bool => quote! {
                match #v { __sp::Value::Bool(b) => Some(*b), _ => { cx.wrong_type("a boolean", #v); None } }
            },
            TypeKind::Int(it) => {
                let (signed, bits, string) = (it.signed, it.bits, it.encoding == IntEncoding::String);
                let rust = int_type(*it);
                let range = range_int_check(cons);
                quote! {
                    match __sp::int(cx, #v, #signed, #bits, #string) {
                        Some(n) => { #range.then_some(n as #rust) }
                        None => None,
                    }
                }
            }
            TypeKind::Float(ft) => {
                let single = *ft == FloatType::F32;
                let cast = if single {
                    quote! { x as f32 }
                } else {
                    quote! { x }
                };
                let range = range_float_check(cons);
                quote! {
                    match __sp::float(cx, #v, #single) {
                        Some(x) => { #range.then_some(#cast) }
                        None => None,
                    }
                }
            }
            TypeKind::String => {
                let checks = self.string_checks(cons);
                quote! {
                    match #v {
                        __sp::Value::String(s) => { let ok = #checks; ok.then(|| s.to_string()) }
                        _ => { cx.wrong_type("a string", #v); None }
                    }
                }
            }
            TypeKind::Uuid => {
                self.formatted(v, cons, quote! { __sp::format::is_uuid }, "a uuid (8-4-4-4-12 hexadecimal digits)")
            }
            TypeKind::Date => self.formatted(v, cons, quote! { __sp::format::is_date }, "a date (YYYY-MM-DD)"),
            TypeKind::DateTime(TimeEncoding::Rfc3339) => {
                self.formatted(v, cons, quote! { __sp::format::is_rfc3339 }, "an RFC 3339 date-time with an offset")
            }
            TypeKind::DateTime(TimeEncoding::Local) => {
                self.formatted(v, cons, quote! { __sp::format::is_local_datetime }, "a local date-time with no offset")
            }
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                let range = range_int_check(cons);
                quote! {
                    match __sp::int(cx, #v, true, 64u8, false) {
                        Some(n) => { #range.then_some(n as i64) }
                        None => None,
                    }
                }
            }
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                let range = range_float_check(cons);
                quote! {
                    match __sp::float(cx, #v, false) {
                        Some(x) => { #range.then_some(x) }
                        None => None,
                    }
                }
            }
            TypeKind::Bytes(encoding) => {
                let url = *encoding == BytesEncoding::Base64Url;
                let len = len_check(cons, quote! { b.len() });
                quote! {
                    match __sp::bytes(cx, #v, #url) {
                        Some(b) => { #len.then_some(b) }
                        None => None,
                    }
                }
            }
            TypeKind::Json => quote! { Some(#v.to_serde()) },
            TypeKind::Null => quote! {
                match #v { __sp::Value::Null => Some(()), _ => { cx.wrong_type("null", #v); None } }
            },
            TypeKind::List(item) => {
                let len = len_check(cons, quote! { items.len() });
                let item = self.decode(item, None, &quote! { x });
                quote! {
                    match #v {
                        __sp::Value::Array(items) => {
                            let ok = #len;
                            let mut all = true;
                            let mut list = ::std::vec::Vec::with_capacity(items.len());
                            for (i, x) in items.iter().enumerate() {
                                let at = cx.enter_index(i);
                                match #item { Some(y) => list.push(y), None => all = false }
                                cx.leave(at);
                            }
                            (ok && all).then_some(list)
                        }
                        _ => { cx.wrong_type("an array", #v); None }
                    }
                }
            }
            TypeKind::Tuple(elements) => {
                let n = elements.len();
                let names: Vec<_> = (0..n).map(|i| format_ident!("e{}", i)).collect();
                let each = elements.iter().enumerate().map(|(i, e)| {
                    let name = &names[i];
                    let get = if i == 0 {
                        quote! { items.first() }
                    } else {
                        quote! { items.get(#i) }
                    };
                    let d = self.decode(e, None, &quote! { x });
                    quote! {
                        let #name = match #get {
                            Some(x) => { let at = cx.enter_index(#i); let r = #d; cx.leave(at); r }
                            None => None,
                        };
                    }
                });
                let what = format!("an array of {n} items (a tuple)");
                quote! {
                    match #v {
                        __sp::Value::Array(items) => {
                            let ok = items.len() == #n;
                            if !ok {
                                cx.error(__sp::ErrorCode::BadLength, format!("{} items, the tuple has exactly {}", items.len(), #n));
                            }
                            #(#each)*
                            match (#(#names,)*) {
                                (#(Some(#names),)*) if ok => Some((#(#names,)*)),
                                _ => None,
                            }
                        }
                        _ => { cx.wrong_type(#what, #v); None }
                    }
                }
            }
            TypeKind::Map(value) => {
                let len = len_check(cons, quote! { members.len() });
                let item = self.decode(value, None, &quote! { x });
                quote! {
                    match #v {
                        __sp::Value::Object(members) => {
                            let ok = #len;
                            let mut all = true;
                            let mut map = ::std::collections::BTreeMap::new();
                            for (k, x) in members {
                                let at = cx.enter(k);
                                match #item { Some(y) => { map.insert(k.to_string(), y); } None => all = false }
                                cx.leave(at);
                            }
                            (ok && all).then_some(map)
                        }
                        _ => { cx.wrong_type("an object", #v); None }
                    }
                }
            }
            TypeKind::Named(id) => self.decode_named(*id, cons, v),
            TypeKind::OneOf(u) => {
                let name = ident(&untagged_name(u));
                quote! { #name::__decode(#v, cx) }
            }
            TypeKind::Nullable(inner) => {
                let inner = self.decode(inner, carried, v);
                quote! {
                    match #v { __sp::Value::Null => Some(None), _ => (#inner).map(Some) }
                }
            }
        }
    }

    fn decode_named(&self, id: TypeId, cons: &Constraints, v: &TokenStream) -> TokenStream {
        let def = self.schema.ty(id);
        let name = self.type_ident(id);
        match &def.kind {
            TypeDefKind::Alias(target) => self.decode(target, Some(cons), v),
            TypeDefKind::Struct(_) | TypeDefKind::Union(_) => quote! { #name::__decode(#v, cx) },
            TypeDefKind::Enum(e) => {
                // The use site's constraints, on the value the enum reads.
                let extra = match &e.repr {
                    EnumRepr::String if cons.len.is_some() || !cons.patterns.is_empty() => {
                        let checks = self.string_checks(cons);
                        Some(quote! { match #v { __sp::Value::String(s) => #checks, _ => true } })
                    }
                    EnumRepr::Int(it) if cons.range.is_some() => {
                        let (signed, bits, string) = (it.signed, it.bits, it.encoding == IntEncoding::String);
                        let range = range_int_check(cons);
                        Some(
                            quote! { match __sp::int_quiet(#v, #signed, #bits, #string) { Some(n) => #range, None => true } },
                        )
                    }
                    _ => None,
                };
                match extra {
                    Some(extra) => quote! { { let r = #name::__decode(#v, cx); let ok = #extra; r.filter(|_| ok) } },
                    None => quote! { #name::__decode(#v, cx) },
                }
            }
        }
    }

    fn formatted(&self, v: &TokenStream, cons: &Constraints, valid: TokenStream, what: &str) -> TokenStream {
        let checks = self.string_checks(cons);
        let expected = format!("a string ({what})");
        let _ = expected;
        quote! {
            match __sp::formatted(cx, #v, #valid, #what) {
                Some((s, valid)) => { let ok = #checks; (valid && ok).then(|| s.to_string()) }
                None => None,
            }
        }
    }

    /// `@len` (code points) and `@pattern` of a string `s`: a `bool` expression.
    fn string_checks(&self, cons: &Constraints) -> TokenStream {
        let mut parts = Vec::new();
        if let Some(len) = &cons.len {
            let (min, max) = (opt_u64(len.min), opt_u64(len.max));
            parts.push(quote! { __sp::str_len(cx, s, #min, #max) });
        }
        if !cons.patterns.is_empty() {
            let statics = cons.patterns.iter().map(|p| self.pattern(p));
            parts.push(quote! { __sp::patterns(cx, s, &[#(&*#statics),*]) });
        }
        match parts.len() {
            0 => quote! { true },
            1 => parts.remove(0),
            _ => quote! { #(#parts)&* },
        }
    }

    // ---- members of objects ----

    /// An expression of type `Option<FieldType>` reading field `f` from the members named
    /// `members` (the validator's `fields`).
    pub(crate) fn decode_field(&self, f: &Field) -> TokenStream {
        let name = &f.name;
        let absent = if f.required {
            let message = format!("missing the required member {name:?}");
            quote! { { cx.error_at(#name, __sp::ErrorCode::MissingField, #message.into()); None } }
        } else if f.default.is_some() {
            let d = self.default_expr(f);
            quote! { Some(#d) }
        } else {
            quote! { Some(None) }
        };
        let mut value = self.decode(&f.ty, None, &quote! { v });
        if f.indirect {
            value = match &f.ty.kind {
                TypeKind::Nullable(_) => quote! { (#value).map(|o| o.map(::std::boxed::Box::new)) },
                _ => quote! { (#value).map(::std::boxed::Box::new) },
            };
        }
        if wrapped(f) {
            value = map_some(value);
        }
        // Where absent members are written `null` and `null` is a value of the type, a
        // `null` reads as absent: the writer's `None`, so that values round-trip.
        let null_arm = if self.null_is_absent(f) {
            quote! { Some(__sp::json::Value::Null) => #absent, }
        } else {
            quote! {}
        };
        quote! {
            match __sp::member(members, #name) {
                None => #absent,
                #null_arm
                Some(v) => { let at = cx.enter(#name); let r = #value; cx.leave(at); r }
            }
        }
    }

    /// A field in an `Option` of its own, whose type holds `null`, where absent values are
    /// written `null` (`absent = null`): `null` on the wire is its `None`.
    pub(crate) fn null_is_absent(&self, f: &Field) -> bool {
        wrapped(f) && f.absent == sockspec_model::Absent::Null && self.schema.accepts_null(&f.ty)
    }

    /// Statements writing field `f` of the value `access` (an expression of the field's
    /// Rust type, by reference), after a comma when it is not the first member written.
    pub(crate) fn encode_field(&self, f: &Field, access: TokenStream) -> TokenStream {
        let name = raw_key(&f.name);
        let key = quote! { __sp::write_raw_key(out, first, #name); };
        let write_null = if f.absent == sockspec_model::Absent::Null {
            quote! { else { #key out.push_str("null"); } }
        } else {
            quote! {}
        };
        // Method calls see through a `Box` (only named types are boxed).
        let (ty, unboxed) = (&f.ty, quote! { x });
        if wrapped(f) {
            let write = self.encode(ty, &unboxed);
            quote! { if let Some(x) = #access { #key #write } #write_null }
        } else if collapsed(f) {
            // `name?: T | null` as one `Option`: `None` is absent (or `null`, per the policy).
            let TypeKind::Nullable(inner) = &f.ty.kind else { unreachable!("collapsed fields are nullable") };
            let write = self.encode(inner, &quote! { x });
            quote! { if let Some(x) = #access { #key #write } #write_null }
        } else {
            let write = self.encode(ty, &unboxed);
            quote! { { let x = #access; #key #write } }
        }
    }

    /// A default as a Rust expression of the field's type: typed where the value is a
    /// scalar or an enum variant, else read from its JSON once per use.
    pub(crate) fn default_expr(&self, f: &Field) -> TokenStream {
        let typed = f.default_value.as_ref().and_then(|v| self.value_expr(&f.ty, v));
        let expr = match typed {
            Some(e) => e,
            None => {
                let text = f.default.as_ref().map(|d| d.to_string()).unwrap_or_else(|| "null".into());
                let d = self.decode(&f.ty, None, &quote! { &v });
                quote! {
                    {
                        let v = __sp::json::parse(#text).expect("the schema's default is JSON");
                        let cx = &mut __sp::Cx::new(cx.client);
                        (#d).expect("the schema's default is valid (the whole check judged it)")
                    }
                }
            }
        };
        if f.indirect {
            match &f.ty.kind {
                TypeKind::Nullable(_) => quote! { (#expr).map(::std::boxed::Box::new) },
                _ => quote! { ::std::boxed::Box::new(#expr) },
            }
        } else {
            expr
        }
    }

    pub(crate) fn value_expr(&self, ty: &Type, value: &sockspec_model::Value) -> Option<TokenStream> {
        use sockspec_model::Value as V;
        Some(match (&ty.kind, value) {
            (TypeKind::Named(id), _) if matches!(self.schema.ty(*id).kind, TypeDefKind::Alias(_)) => {
                let TypeDefKind::Alias(target) = &self.schema.ty(*id).kind else { return None };
                return self.value_expr(target, value);
            }
            (TypeKind::Nullable(_), V::Null) => quote! { None },
            (TypeKind::Nullable(inner), v) => {
                let inner = self.value_expr(inner, v)?;
                quote! { Some(#inner) }
            }
            (TypeKind::Null, V::Null) => quote! { () },
            (TypeKind::Bool, V::Bool(b)) => quote! { #b },
            (TypeKind::Int(it), V::Int(i)) => int_literal(*it, *i)?,
            (TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs), V::Int(i)) => {
                let i = i64::try_from(*i).ok()?;
                let lit = Literal::i64_suffixed(i);
                quote! { #lit }
            }
            (TypeKind::Float(FloatType::F32), V::Float(x)) => {
                let lit = Literal::f32_suffixed(*x as f32);
                quote! { #lit }
            }
            (TypeKind::Float(FloatType::F64), V::Float(x))
            | (TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat), V::Float(x)) => {
                let lit = Literal::f64_suffixed(*x);
                quote! { #lit }
            }
            (
                TypeKind::String
                | TypeKind::Uuid
                | TypeKind::Date
                | TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local),
                V::String(s),
            ) => quote! { ::std::string::String::from(#s) },
            (TypeKind::Named(id), V::Variant { index, .. }) => {
                let TypeDefKind::Enum(e) = &self.schema.ty(*id).kind else { return None };
                if e.flags {
                    return None;
                }
                let variant = e.variants.get(*index)?;
                let name = self.type_ident(*id);
                let v = variant_ident(variant);
                quote! { #name::#v }
            }
            _ => return None,
        })
    }

    // ---- encoding ----

    /// Statements writing the value `x` (an expression of type `&T`) as `ty` to `out`.
    pub(crate) fn encode(&self, ty: &Type, x: &TokenStream) -> TokenStream {
        match &ty.kind {
            TypeKind::Bool => quote! { out.push_str(if *#x { "true" } else { "false" }); },
            TypeKind::Int(it) => {
                if it.encoding == IntEncoding::String {
                    quote! { __sp::write_int_str(out, *#x); }
                } else {
                    quote! { __sp::write_int(out, *#x); }
                }
            }
            TypeKind::Float(FloatType::F32) => quote! { __sp::write_f32(out, *#x); },
            TypeKind::Float(FloatType::F64) => quote! { __sp::write_f64(out, *#x); },
            TypeKind::String
            | TypeKind::Uuid
            | TypeKind::Date
            | TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local) => quote! { __sp::write_str(out, #x); },
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                quote! { __sp::write_int(out, *#x); }
            }
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                quote! { __sp::write_f64(out, *#x); }
            }
            TypeKind::Bytes(encoding) => {
                let url = *encoding == BytesEncoding::Base64Url;
                quote! { __sp::write_bytes(out, #x, #url); }
            }
            TypeKind::Json => quote! { __sp::write_json(out, #x); },
            TypeKind::Null => quote! { let _ = #x; out.push_str("null"); },
            TypeKind::List(item) => {
                let item = self.encode(item, &quote! { x });
                quote! {
                    out.push('[');
                    for (i, x) in #x.iter().enumerate() {
                        if i > 0 { out.push(','); }
                        #item
                    }
                    out.push(']');
                }
            }
            TypeKind::Tuple(elements) => {
                let each = elements.iter().enumerate().map(|(i, e)| {
                    let index = syn::Index::from(i);
                    let write = self.encode(e, &quote! { x });
                    let comma = if i > 0 {
                        quote! { out.push(','); }
                    } else {
                        quote! {}
                    };
                    quote! { #comma { let x = &t.#index; #write } }
                });
                quote! { { let t = #x; out.push('['); #(#each)* out.push(']'); } }
            }
            TypeKind::Map(value) => {
                let value = self.encode(value, &quote! { x });
                quote! {
                    out.push('{');
                    for (i, (k, x)) in #x.iter().enumerate() {
                        if i > 0 { out.push(','); }
                        __sp::write_str(out, k);
                        out.push(':');
                        #value
                    }
                    out.push('}');
                }
            }
            TypeKind::Named(id) => match &self.schema.ty(*id).kind {
                TypeDefKind::Alias(target) => self.encode(target, x),
                _ => encode_call(x),
            },
            TypeKind::OneOf(_) => encode_call(x),
            TypeKind::Nullable(inner) => {
                let inner = self.encode(inner, &quote! { x });
                quote! {
                    match #x {
                        Some(x) => { #inner }
                        None => out.push_str("null"),
                    }
                }
            }
        }
    }

    // ---- declarations ----

    pub(crate) fn type_def(&self, id: TypeId, def: &TypeDef) -> TokenStream {
        let name = self.type_ident(id);
        let attrs = meta_attrs(&def.meta);
        match &def.kind {
            TypeDefKind::Alias(target) => {
                let t = self.rust_type(target);
                // `type Channel = A | B`: the inline union takes the alias's name
                // (`Schema::anonymous`) and is the type itself; no alias of it to itself.
                if name == t.to_string() {
                    return TokenStream::new();
                }
                quote! { #attrs pub type #name = #t; }
            }
            TypeDefKind::Struct(s) => self.struct_def(&name, &attrs, &def.name, &s.fields, s.unknown_fields),
            TypeDefKind::Enum(e) => self.enum_def(&name, &attrs, &def.name, e),
            TypeDefKind::Union(sockspec_model::Union::Tagged { field, variants, open, base }) => {
                self.tagged_union_def(&name, &attrs, &def.name, field, variants, *open, *base)
            }
            TypeDefKind::Union(sockspec_model::Union::Untagged(u)) => self.untagged_def(
                &def.meta.ident.as_ref().map_or(def.name.clone(), |i| i.rust.clone()),
                &def.meta.docs,
                u,
            ),
        }
    }

    fn struct_def(
        &self,
        name: &proc_macro2::Ident,
        attrs: &TokenStream,
        wire: &str,
        fields: &[Field],
        unknown: PerDirection<UnknownFields>,
    ) -> TokenStream {
        let decls = fields.iter().map(|f| {
            let a = meta_attrs(&f.meta);
            let i = field_ident(f);
            let t = self.field_type(f);
            quote! { #a pub #i: #t, }
        });
        let locals: Vec<_> = (0..fields.len()).map(|i| format_ident!("f{}", i)).collect();
        let reads = fields.iter().zip(&locals).map(|(f, l)| {
            let d = self.decode_field(f);
            quote! { let #l = #d; }
        });
        let idents: Vec<_> = fields.iter().map(field_ident).collect();
        let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let unknown_check = policy_check(unknown, quote! { __sp::unknown_members(cx, members, &[#(#known),*]); });
        let members_and_check = if unknown_check.is_empty() {
            quote! { Self::__decode_members(members, cx) }
        } else {
            quote! {
                let r = Self::__decode_members(members, cx);
                #unknown_check
                r
            }
        };
        let writes = fields.iter().zip(&idents).map(|(f, i)| self.encode_field(f, quote! { &self.#i }));
        let what = format!("an object ({wire})");
        let fast = self.fast_struct(fields, unknown);
        let (out_, first) =
            if fields.is_empty() { (quote! { _out }, quote! { _first }) } else { (quote! { out }, quote! { first }) };
        quote! {
            #attrs
            #[derive(Clone, Debug, PartialEq)]
            pub struct #name { #(#decls)* }

            #[allow(deprecated)]
            impl #name {
                #[doc(hidden)]
                #[allow(unused_variables)]
                pub fn __decode_members(members: &__sp::Members<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    #(#reads)*
                    Some(Self { #(#idents: #locals?,)* })
                }

                #[doc(hidden)]
                pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    let __sp::Value::Object(members) = v else {
                        cx.wrong_type(#what, v);
                        return None;
                    };
                    #members_and_check
                }

                #[doc(hidden)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode_members(&self, #out_: &mut ::std::string::String, #first: &mut bool) {
                    #(#writes)*
                }

                #[doc(hidden)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode(&self, out: &mut ::std::string::String) {
                    out.push('{');
                    self.__encode_members(out, &mut true);
                    out.push('}');
                }

                /// The value as JSON, exactly as the schema writes it.
                pub fn encode(&self) -> ::std::string::String {
                    let mut out = ::std::string::String::with_capacity(128);
                    self.__encode(&mut out);
                    out
                }

                #fast
            }
        }
    }

    fn enum_def(
        &self,
        name: &proc_macro2::Ident,
        attrs: &TokenStream,
        wire: &str,
        e: &sockspec_model::Enum,
    ) -> TokenStream {
        let variants: Vec<_> = e.variants.iter().map(variant_ident).collect();
        let variant_decls = e.variants.iter().zip(&variants).map(|(v, i)| {
            let a = meta_attrs(&v.meta);
            quote! { #a #i, }
        });
        if e.flags {
            return self.flags_def(name, attrs, wire, e);
        }
        let fast = self.fast_enum(name, e, &variants);
        match &e.repr {
            EnumRepr::String => {
                let values: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| match &v.value {
                        TagValue::Str(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                let (unknown_decl, unknown_str, unknown_read) = if e.open {
                    (
                        quote! {
                            /// A value that is none of the above, kept (the enum is open).
                            Unknown(::std::string::String),
                        },
                        quote! { #name::Unknown(s) => s, },
                        quote! { other => Some(#name::Unknown(other.to_string())), },
                    )
                } else {
                    let message = format!("is not a value of {wire}");
                    (
                        quote! {},
                        quote! {},
                        quote! { other => { cx.error(__sp::ErrorCode::UnknownValue, format!("{other:?} {}", #message)); None } },
                    )
                };
                let what = format!("a string ({wire})");
                let derive = if e.open {
                    quote! { Clone, Debug, PartialEq, Eq, Hash }
                } else {
                    quote! { Clone, Copy, Debug, PartialEq, Eq, Hash }
                };
                quote! {
                    #attrs
                    #[derive(#derive)]
                    #[allow(clippy::enum_variant_names)]
                    pub enum #name { #(#variant_decls)* #unknown_decl }

                    #[allow(deprecated)]
                    impl #name {
                        /// The wire value.
                        pub fn as_str(&self) -> &str {
                            match self { #(#name::#variants => #values,)* #unknown_str }
                        }

                        #[doc(hidden)]
                        pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                            match v {
                                __sp::Value::String(s) => match &**s {
                                    #(#values => Some(#name::#variants),)*
                                    #unknown_read
                                },
                                _ => { cx.wrong_type(#what, v); None }
                            }
                        }

                        #[doc(hidden)]
                        #[allow(clippy::ptr_arg)]
                        pub fn __encode(&self, out: &mut ::std::string::String) {
                            __sp::write_str(out, self.as_str());
                        }

                        #fast
                    }
                }
            }
            EnumRepr::Int(_) | EnumRepr::Integer => {
                let values: Vec<i64> = e
                    .variants
                    .iter()
                    .map(|v| match v.value {
                        TagValue::Int(i) => i,
                        _ => 0,
                    })
                    .collect();
                let pats: Vec<TokenStream> = values.iter().map(|v| lit_i128(i128::from(*v))).collect();
                let (it, string) = match &e.repr {
                    EnumRepr::Int(it) => (Some(*it), it.encoding == IntEncoding::String),
                    _ => (None, false),
                };
                // The kept value's type: `i64` where every value of the width fits.
                let unknown_ty = match it {
                    Some(it) if it.max() <= i128::from(i64::MAX) => quote! { i64 },
                    Some(_) => quote! { i128 },
                    // `enum X: int`: any integer, kept as written.
                    None => quote! { ::sockspec::IntLiteral },
                };
                let literal = e.open && it.is_none();
                let read = match it {
                    Some(it) => {
                        let (signed, bits) = (it.signed, it.bits);
                        quote! { let n = __sp::int(cx, v, #signed, #bits, #string)?; }
                    }
                    None => {
                        let what = format!("an integer ({wire})");
                        let beyond = if e.open {
                            quote! { None => return ::sockspec::IntLiteral::parse(n.raw()).map(#name::Unknown), }
                        } else {
                            let message = format!("is not a value of {wire}");
                            quote! { None => { cx.error(__sp::ErrorCode::UnknownValue, format!("{} {}", n.raw(), #message)); return None; } }
                        };
                        quote! {
                            let n = match v {
                                __sp::Value::Number(n) if n.is_integer() => match n.to_i128() { Some(n) => n, #beyond },
                                _ => { cx.wrong_type(#what, v); return None; }
                            };
                        }
                    }
                };
                let (unknown_decl, unknown_value, unknown_read) = if e.open {
                    (
                        quote! {
                            /// A value that is none of the above, kept (the enum is open).
                            Unknown(#unknown_ty),
                        },
                        if literal {
                            quote! { #name::Unknown(n) => n.saturating_i128(), }
                        } else if unknown_ty.to_string() == "i128" {
                            quote! { #name::Unknown(n) => *n, }
                        } else {
                            quote! { #name::Unknown(n) => i128::from(*n), }
                        },
                        if literal {
                            quote! { other => Some(#name::Unknown(::sockspec::IntLiteral::from(other))), }
                        } else if unknown_ty.to_string() == "i128" {
                            quote! { other => Some(#name::Unknown(other)), }
                        } else {
                            quote! { other => Some(#name::Unknown(other as #unknown_ty)), }
                        },
                    )
                } else {
                    let message = format!("is not a value of {wire}");
                    (
                        quote! {},
                        quote! {},
                        quote! { other => { cx.error(__sp::ErrorCode::UnknownValue, format!("{other} {}", #message)); None } },
                    )
                };
                let write = if string {
                    quote! { __sp::write_int_str }
                } else {
                    quote! { __sp::write_int }
                };
                let value_lits = values.iter().map(|v| lit_i128(i128::from(*v)));
                let (derive, encode) = if literal {
                    (
                        quote! { Clone, Debug, PartialEq, Eq, Hash },
                        quote! {
                            match self {
                                #name::Unknown(n) => out.push_str(n.as_str()),
                                _ => #write(out, self.value()),
                            }
                        },
                    )
                } else {
                    (quote! { Clone, Copy, Debug, PartialEq, Eq, Hash }, quote! { #write(out, self.value()); })
                };
                quote! {
                    #attrs
                    #[derive(#derive)]
                    #[allow(clippy::enum_variant_names)]
                    pub enum #name { #(#variant_decls)* #unknown_decl }

                    #[allow(deprecated)]
                    impl #name {
                        /// The wire value.
                        pub fn value(&self) -> i128 {
                            match self { #(#name::#variants => #value_lits,)* #unknown_value }
                        }

                        #[doc(hidden)]
                        pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                            #read
                            match n {
                                #(#pats => Some(#name::#variants),)*
                                #unknown_read
                            }
                        }

                        #[doc(hidden)]
                        #[allow(clippy::ptr_arg)]
                        pub fn __encode(&self, out: &mut ::std::string::String) {
                            #encode
                        }

                        #fast
                    }
                }
            }
        }
    }

    /// A `@flags` enum: a set of bits, as a newtype with one constant per flag.
    fn flags_def(
        &self,
        name: &proc_macro2::Ident,
        attrs: &TokenStream,
        wire: &str,
        e: &sockspec_model::Enum,
    ) -> TokenStream {
        // `enum X: int @flags`: any integer; it is kept as an `i128`.
        let any = !matches!(e.repr, EnumRepr::Int(_));
        let it = match &e.repr {
            EnumRepr::Int(it) => *it,
            _ => IntType { signed: true, bits: 64, encoding: IntEncoding::Number },
        };
        let rust = if any {
            quote! { i128 }
        } else {
            int_type(it)
        };
        let consts = e.variants.iter().map(|v| {
            let a = meta_attrs(&v.meta);
            let c = format_ident!("{}", shouty(&variant_ident(v).to_string()));
            let value = match v.value {
                TagValue::Int(i) if any => lit_i128(i128::from(i)),
                TagValue::Int(i) => int_literal(it, i128::from(i)).unwrap_or_else(|| quote! { 0 }),
                _ => quote! { 0 },
            };
            quote! { #a pub const #c: #name = #name(#value); }
        });
        let all: i128 = e.variants.iter().fold(0, |acc, v| match v.value {
            TagValue::Int(i) => acc | i128::from(i),
            _ => acc,
        });
        let all_lit = lit_i128(all);
        let (signed, bits, string) = (it.signed, it.bits, it.encoding == IntEncoding::String);
        let check = if e.open {
            quote! {}
        } else {
            let message = format!("sets bits that are no flag of {wire}");
            quote! {
                if n & !#all_lit != 0 {
                    cx.error(__sp::ErrorCode::UnknownValue, format!("{n} {}", #message));
                    return None;
                }
            }
        };
        let write = if string {
            quote! { __sp::write_int_str }
        } else {
            quote! { __sp::write_int }
        };
        let fast = self.fast_flags(name, e);
        let narrow = if any {
            quote! { n }
        } else {
            quote! { n as #rust }
        };
        let widen = if any {
            quote! { self.0 }
        } else {
            quote! { i128::from(self.0) }
        };
        let read = if any {
            let what = format!("an integer ({wire})");
            let beyond = if e.open {
                quote! { None => return Some(#name(i128::MAX)), }
            } else {
                let message = format!("sets bits that are no flag of {wire}");
                quote! { None => { cx.error(__sp::ErrorCode::UnknownValue, format!("{} {}", n.raw(), #message)); return None; } }
            };
            quote! {
                let n = match v {
                    __sp::Value::Number(n) if n.is_integer() => match n.to_i128() { Some(n) => n, #beyond },
                    _ => { cx.wrong_type(#what, v); return None; }
                };
            }
        } else {
            quote! { let n = __sp::int(cx, v, #signed, #bits, #string)?; }
        };
        quote! {
            #attrs
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct #name(pub #rust);

            #[allow(deprecated)]
            impl #name {
                #(#consts)*

                /// Whether every bit of `flags` is set.
                pub fn contains(self, flags: #name) -> bool {
                    self.0 & flags.0 == flags.0
                }

                #[doc(hidden)]
                pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    #read
                    #check
                    Some(#name(#narrow))
                }

                #[doc(hidden)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode(&self, out: &mut ::std::string::String) {
                    #write(out, #widen);
                }

                #fast
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tagged_union_def(
        &self,
        name: &proc_macro2::Ident,
        attrs: &TokenStream,
        wire: &str,
        field: &str,
        variants: &[TypeId],
        open: bool,
        base: Option<TypeId>,
    ) -> TokenStream {
        let base_ident = base.map(|b| self.type_ident(b));
        let field_key = raw_key(field);
        let base_fields: &[Field] = match base.map(|b| &self.schema.ty(b).kind) {
            Some(TypeDefKind::Struct(s)) => &s.fields,
            _ => &[],
        };
        let mut decls = Vec::new();
        let mut entries = Vec::new();
        let mut encodes = Vec::new();
        for id in variants {
            let TypeDefKind::Struct(s) = &self.schema.ty(*id).kind else { continue };
            let v = self.type_ident(*id);
            let doc = super::docs(&self.schema.ty(*id).meta.docs);
            let mut known: Vec<&str> = vec![field];
            known.extend(s.fields.iter().chain(base_fields).map(|f| f.name.as_str()));
            let unknown_check =
                policy_check(s.unknown_fields, quote! { __sp::unknown_members(cx, members, &[#(#known),*]); });
            let tag = write_tag(&s.tag);
            match &base_ident {
                Some(b) => {
                    decls.push(quote! { #doc #v(#b, #v), });
                    entries.push((
                        &s.tag,
                        quote! { {
                            let b = #b::__decode_members(members, cx);
                            let r = #v::__decode_members(members, cx);
                            #unknown_check
                            Some(#name::#v(b?, r?))
                        } },
                    ));
                    encodes.push(quote! { #name::#v(b, x) => {
                        __sp::write_raw_key(out, first, #field_key); #tag
                        b.__encode_members(out, first);
                        x.__encode_members(out, first);
                    } });
                }
                None => {
                    decls.push(quote! { #doc #v(#v), });
                    entries.push((
                        &s.tag,
                        quote! { {
                            let r = #v::__decode_members(members, cx);
                            #unknown_check
                            Some(#name::#v(r?))
                        } },
                    ));
                    encodes.push(quote! { #name::#v(x) => {
                        __sp::write_raw_key(out, first, #field_key); #tag
                        x.__encode_members(out, first);
                    } });
                }
            }
        }
        let unknown = if open {
            match &base_ident {
                Some(b) => {
                    decls.push(quote! {
                        /// A variant this schema does not know, kept as JSON (the union is open).
                        Unknown(#b, __sp::serde_json::Value),
                    });
                    encodes.push(
                        quote! { #name::Unknown(_, raw) => { let _ = first; __sp::write_json(out, raw); return; } },
                    );
                    quote! { { let b = #b::__decode_members(members, cx); Some(#name::Unknown(b?, v.to_serde())) } }
                }
                None => {
                    decls.push(quote! {
                        /// A variant this schema does not know, kept as JSON (the union is open).
                        Unknown(__sp::serde_json::Value),
                    });
                    encodes
                        .push(quote! { #name::Unknown(raw) => { let _ = first; __sp::write_json(out, raw); return; } });
                    quote! { Some(#name::Unknown(v.to_serde())) }
                }
            }
        } else {
            let message = format!("names no variant of {wire}");
            quote! { { cx.error_at(#field, __sp::ErrorCode::UnknownTag, format!("the tag {}", #message)); None } }
        };
        let wrong =
            quote! { { cx.error_at(#field, __sp::ErrorCode::WrongType, "the tag is of the wrong type".into()); None } };
        let entry_refs: Vec<(&TagValue, TokenStream)> = entries.into_iter().collect();
        let lookup = tag_match(&quote! { tag }, &entry_refs, &unknown, &wrong);
        let what = format!("an object ({wire})");
        let missing = format!("missing the tag member {field:?} of {wire}");
        let fast = self.fast_tagged_union(name, field, variants, base);
        let has_unknown = open;
        let encode_body = quote! {
            let first = &mut true;
            match self { #(#encodes)* }
            out.push('}');
        };
        let open_brace = if has_unknown {
            quote! { if !matches!(self, #name::Unknown(..)) { out.push('{'); } }
        } else {
            quote! { out.push('{'); }
        };
        quote! {
            #attrs
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant, clippy::enum_variant_names, deprecated)]
            pub enum #name { #(#decls)* }

            #[allow(deprecated)]
            impl #name {
                #[doc(hidden)]
                pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    let __sp::Value::Object(members) = v else {
                        cx.wrong_type(#what, v);
                        return None;
                    };
                    let Some(tag) = __sp::member(members, #field) else {
                        cx.error_at(#field, __sp::ErrorCode::MissingField, #missing.into());
                        return None;
                    };
                    #lookup
                }

                #[doc(hidden)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode(&self, out: &mut ::std::string::String) {
                    #open_brace
                    #encode_body
                }

                /// The value as JSON, exactly as the schema writes it.
                pub fn encode(&self) -> ::std::string::String {
                    let mut out = ::std::string::String::with_capacity(128);
                    self.__encode(&mut out);
                    out
                }

                #fast
            }
        }
    }

    /// An untagged union (declared, or inline with its anonymous name): a variant per type,
    /// chosen by the value's JSON kind as the model's `kinds` table says.
    pub(crate) fn untagged_def(&self, name: &str, doc_lines: &[String], u: &Untagged) -> TokenStream {
        let name = ident(name);
        let docs = super::docs(doc_lines);
        let names = self.variant_names(u);
        let decls = u.variants.iter().zip(&names).map(|(t, n)| {
            let t = self.rust_type(t);
            quote! { #n(#t), }
        });
        let kinds = |i: usize| u.kinds.get(i).copied().unwrap_or(JsonKinds::ANY);
        let count = u.variants.len();
        let specific = |i: usize, bit: JsonKinds| kinds(i) != JsonKinds::ANY && kinds(i).intersects(bit);
        let fallback = (0..count).find(|&i| kinds(i) == JsonKinds::ANY);
        let pick = |i: usize| {
            let d = self.decode(&u.variants[i], None, &quote! { v });
            let n = &names[i];
            quote! { (#d).map(#name::#n) }
        };
        let all = u.kinds.iter().fold(JsonKinds::default(), |acc, k| acc.union(*k));
        let none = |object: bool| {
            if object && all.contains(JsonKinds::OBJECT) {
                quote! { { cx.error(__sp::ErrorCode::UnknownTag, "the object's members match no variant".into()); None } }
            } else {
                let expected = format!("one of the kinds {}", all.names().collect::<Vec<_>>().join(", "));
                quote! { { cx.wrong_type(#expected, v); None } }
            }
        };
        let choose = |found: Option<usize>, object: bool| match found.or(fallback) {
            Some(i) => pick(i),
            None => none(object),
        };
        let decode = if u.ordered {
            let tries = u.variants.iter().enumerate().map(|(i, t)| {
                let d = self.decode(t, None, &quote! { v });
                let n = &names[i];
                let k = kinds(i).0;
                quote! {
                    let start = cx.mark();
                    if let Some(x) = #d && cx.mark() == start {
                        return Some(#name::#n(x));
                    }
                    let errors = cx.take_since(start);
                    if nearest.is_none() && (#k & bit) != 0 { nearest = Some(errors); }
                }
            });
            let expected = format!("one of the kinds {}", all.names().collect::<Vec<_>>().join(", "));
            quote! {
                let bit: u8 = match v {
                    __sp::Value::Null => 1,
                    __sp::Value::Bool(_) => 2,
                    __sp::Value::Number(n) if n.is_integer() => 4,
                    __sp::Value::Number(_) => 8,
                    __sp::Value::String(_) => 16,
                    __sp::Value::Array(_) => 32,
                    __sp::Value::Object(_) => 64,
                };
                let mut nearest: Option<::std::vec::Vec<__sp::ValidationError>> = None;
                #(#tries)*
                match nearest {
                    Some(errors) => { cx.restore(errors); None }
                    None => { cx.wrong_type(#expected, v); None }
                }
            }
        } else {
            let first = |bit: JsonKinds| (0..count).find(|&i| specific(i, bit));
            let null = choose(first(JsonKinds::NULL), false);
            let boolean = choose(first(JsonKinds::BOOLEAN), false);
            let integer = choose(
                (0..count)
                    .find(|&i| specific(i, JsonKinds::INTEGER) && !kinds(i).contains(JsonKinds::NUMBER))
                    .or_else(|| first(JsonKinds::INTEGER)),
                false,
            );
            let fraction = choose(first(JsonKinds::FRACTION), false);
            let string = choose(first(JsonKinds::STRING), false);
            let array = choose(first(JsonKinds::ARRAY), false);
            let objects: Vec<usize> = (0..count).filter(|&i| specific(i, JsonKinds::OBJECT)).collect();
            let object = match objects.len() {
                0 => choose(None, true),
                1 => choose(Some(objects[0]), true),
                _ => {
                    let keys = &u.keys;
                    let sigs = u.signatures.iter().map(|(_, s)| quote! { &[#(#s),*] });
                    let arms = u.signatures.iter().enumerate().filter(|(_, (i, _))| *i < count).map(|(k, (i, _))| {
                        let p = pick(*i);
                        quote! { Some(#k) => #p, }
                    });
                    let rest = choose(None, true);
                    quote! {
                        match __sp::structural(members, &[#(#keys),*], &[#(#sigs),*]) {
                            #(#arms)*
                            _ => #rest,
                        }
                    }
                }
            };
            quote! {
                match v {
                    __sp::Value::Null => #null,
                    __sp::Value::Bool(_) => #boolean,
                    __sp::Value::Number(n) if n.is_integer() => #integer,
                    __sp::Value::Number(_) => #fraction,
                    __sp::Value::String(_) => #string,
                    __sp::Value::Array(_) => #array,
                    #[allow(unused_variables)]
                    __sp::Value::Object(members) => #object,
                }
            }
        };
        let fast = self.fast_untagged(&name, u, &names);
        let encodes = u.variants.iter().zip(&names).map(|(t, n)| {
            let e = self.encode(t, &quote! { x });
            quote! { #name::#n(x) => { #e } }
        });
        quote! {
            #docs
            #[derive(Clone, Debug, PartialEq)]
            #[allow(clippy::large_enum_variant, clippy::enum_variant_names, deprecated)]
            pub enum #name { #(#decls)* }

            #[allow(deprecated)]
            impl #name {
                #[doc(hidden)]
                #[allow(unreachable_code, clippy::needless_return)]
                pub fn __decode(v: &__sp::Value<'_>, cx: &mut __sp::Cx) -> Option<Self> {
                    #decode
                }

                #[doc(hidden)]
                #[allow(clippy::ptr_arg)]
                pub fn __encode(&self, out: &mut ::std::string::String) {
                    match self { #(#encodes)* }
                }

                #fast
            }
        }
    }

    /// Variant names for an untagged union: the named type's name, else the kind's.
    fn variant_names(&self, u: &Untagged) -> Vec<proc_macro2::Ident> {
        let mut out: Vec<String> = Vec::new();
        for t in &u.variants {
            let base = self.kind_name(t);
            let mut name = base.clone();
            let mut n = 2;
            while out.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            out.push(name);
        }
        out.iter().map(|n| ident(n)).collect()
    }

    fn kind_name(&self, t: &Type) -> String {
        match &t.kind {
            TypeKind::Bool => "Bool".into(),
            TypeKind::Int(it) => it.name().to_uppercase(),
            TypeKind::Float(FloatType::F32) => "F32".into(),
            TypeKind::Float(FloatType::F64) => "F64".into(),
            TypeKind::String => "String".into(),
            TypeKind::Bytes(_) => "Bytes".into(),
            TypeKind::Uuid => "Uuid".into(),
            TypeKind::DateTime(_) => "DateTime".into(),
            TypeKind::Date => "Date".into(),
            TypeKind::Json => "Json".into(),
            TypeKind::Null => "Null".into(),
            TypeKind::List(_) => "List".into(),
            TypeKind::Tuple(_) => "Tuple".into(),
            TypeKind::Map(_) => "Map".into(),
            TypeKind::Named(id) => self.type_ident(*id).to_string(),
            TypeKind::OneOf(u) => untagged_name(u),
            TypeKind::Nullable(inner) => self.kind_name(inner),
        }
    }
}

/// `value.map(Some)`, or `Some(value)` when the value is a constructor already.
pub(crate) fn map_some(value: TokenStream) -> TokenStream {
    if value.to_string().starts_with("Some (") {
        quote! { Some(#value) }
    } else {
        quote! { (#value).map(Some) }
    }
}

/// `x.__encode(out)`, binding `x` first when it is an expression (`&t.1`).
fn encode_call(x: &TokenStream) -> TokenStream {
    if x.to_string() == "x" {
        quote! { x.__encode(out); }
    } else {
        quote! { { let x = #x; x.__encode(out); } }
    }
}

/// Statements run only for the sides whose policy rejects unknown members.
pub(crate) fn policy_check(policy: PerDirection<UnknownFields>, check: TokenStream) -> TokenStream {
    match (policy.client, policy.server) {
        (UnknownFields::Reject, UnknownFields::Reject) => check,
        (UnknownFields::Reject, UnknownFields::Ignore) => quote! { if cx.client { #check } },
        (UnknownFields::Ignore, UnknownFields::Reject) => quote! { if !cx.client { #check } },
        (UnknownFields::Ignore, UnknownFields::Ignore) => quote! {},
    }
}

/// The field is in an `Option` of its own: it may be absent, has no default, and its type
/// does not already say `| null` (`name?: T | null` is one `Option`).
pub(crate) fn wrapped(f: &Field) -> bool {
    !f.required && f.default.is_none() && !matches!(f.ty.kind, TypeKind::Nullable(_))
}

/// `name?: T | null` with no default: one `Option` for absent and null.
pub(crate) fn collapsed(f: &Field) -> bool {
    !f.required && f.default.is_none() && matches!(f.ty.kind, TypeKind::Nullable(_))
}

pub(crate) fn field_ident(f: &Field) -> proc_macro2::Ident {
    match &f.meta.ident {
        Some(i) => ident(&i.rust),
        None => ident(&sockspec_model::names::idents(sockspec_model::names::IdentKind::Field, &f.name).rust),
    }
}

fn variant_ident(v: &sockspec_model::EnumVariant) -> proc_macro2::Ident {
    match &v.meta.ident {
        Some(i) => ident(&i.rust),
        None => ident(&sockspec_model::names::idents(sockspec_model::names::IdentKind::Variant, &v.name).rust),
    }
}

fn shouty(pascal: &str) -> String {
    let mut out = String::new();
    for (i, c) in pascal.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

pub(crate) fn int_type(it: IntType) -> TokenStream {
    match (it.signed, it.bits) {
        (true, 8) => quote! { i8 },
        (true, 16) => quote! { i16 },
        (true, 32) => quote! { i32 },
        (true, _) => quote! { i64 },
        (false, 8) => quote! { u8 },
        (false, 16) => quote! { u16 },
        (false, 32) => quote! { u32 },
        (false, _) => quote! { u64 },
    }
}

fn int_literal(it: IntType, i: i128) -> Option<TokenStream> {
    let text = format!("{}{}", i.unsigned_abs(), it.name());
    let lit: Literal = text.parse().ok()?;
    Some(if i < 0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    })
}

pub(crate) fn limit(l: Option<sockspec_model::Limit>) -> TokenStream {
    match l {
        None => quote! { None },
        Some(Limit { value, exclusive }) => {
            let v = match value {
                Number::Int(i) => {
                    let lit = lit_i128(i);
                    quote! { __sp::Limit::Int(#lit) }
                }
                Number::Float(f) => {
                    let lit = Literal::f64_suffixed(f);
                    quote! { __sp::Limit::Float(#lit) }
                }
            };
            quote! { Some((#v, #exclusive)) }
        }
    }
}

/// `@range` of an integer `n`: a `bool` expression.
fn range_int_check(cons: &Constraints) -> TokenStream {
    match &cons.range {
        None => quote! { true },
        Some(r) => {
            let (min, max) = (limit(r.min), limit(r.max));
            quote! { __sp::range_int(cx, n, #min, #max) }
        }
    }
}

/// `@range` of a float `x`: a `bool` expression.
fn range_float_check(cons: &Constraints) -> TokenStream {
    match &cons.range {
        None => quote! { true },
        Some(r) => {
            let (min, max) = (limit(r.min), limit(r.max));
            quote! { __sp::range_float(cx, x, #min, #max) }
        }
    }
}

/// `@len` of a count: a `bool` expression.
fn len_check(cons: &Constraints, n: TokenStream) -> TokenStream {
    match &cons.len {
        None => quote! { true },
        Some(l) => {
            let (min, max) = (opt_u64(l.min), opt_u64(l.max));
            quote! { __sp::len(cx, #n, #min, #max) }
        }
    }
}
