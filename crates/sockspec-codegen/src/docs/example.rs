//! Example frames made from the model, for messages whose schema gives none: the smallest
//! frame of each message, with required members only, values inside their constraints and
//! the schema's own `@example`s where a field or type has one. The test suite checks every
//! one with the dynamic validator. A string with a `@pattern` gets a string made from the
//! pattern, checked against every constraint with the validator's regexes; a type this
//! cannot make a value of (patterns no sample meets at once) gives no example rather than
//! a wrong one.

use serde_json::{Map, Value, json};
use sockspec_model::{
    BytesEncoding, Constraints, Direction, Discriminator, EnumRepr, Field, IdPresence, IntEncoding, IntType, Limit,
    MessageId, Number, Payload, Schema, Style, TimeEncoding, Type, TypeDefKind, TypeKind, Union,
};

use crate::jsonschema::tag_json;

/// How deep values nest before the generator gives up (recursive types).
const MAX_DEPTH: usize = 12;

/// A valid frame of message `id` as `dir` sends it, or `None`.
pub fn frame(schema: &Schema, id: MessageId, dir: Direction) -> Option<Value> {
    let m = schema.message(id);
    let dispatch = schema.dispatch.get(dir);
    let mut out = Map::new();
    let rpc = match &schema.protocol.style {
        Style::JsonRpc { version_member, .. } => Some(*version_member),
        Style::Tagged => None,
    };
    if rpc == Some(true) {
        out.insert("jsonrpc".into(), json!("2.0"));
    }
    match &m.discriminator {
        Discriminator::Tag(values) => {
            for (field, value) in dispatch.tag_fields.iter().zip(values) {
                out.insert(field.clone(), tag_json(value));
            }
        }
        Discriminator::Structural(_) | Discriminator::Key(_) | Discriminator::Fallback => {}
    }
    let id_field = &schema.protocol.id.field;
    let needs_id = m.id == IdPresence::Required || (rpc.is_some() && m.request.is_some());
    let flat: &[Field] = match (&m.content, &m.payload) {
        (None, Payload::Fields(f)) => f,
        _ => &[],
    };
    let declared = flat.iter().chain(m.envelope_fields.get(dir)).any(|f| &f.name == id_field);
    if needs_id && !declared {
        out.insert(id_field.clone(), value(schema, &schema.protocol.id.ty, 0)?);
    }
    let keys: Vec<&str> = match &m.discriminator {
        Discriminator::Structural(keys) => keys.iter().map(String::as_str).collect(),
        Discriminator::Key(k) => vec![k.as_str()],
        _ => Vec::new(),
    };
    fields(schema, m.envelope_fields.get(dir), &keys, &mut out, 0)?;
    fields(schema, flat, &keys, &mut out, 0)?;
    if let Some(key) = &m.content {
        let payload = match &m.payload {
            Payload::Fields(f) => {
                let mut inner = Map::new();
                fields(schema, f, &[], &mut inner, 0)?;
                Value::Object(inner)
            }
            Payload::Value { ty, .. } => value(schema, ty, 0)?,
        };
        out.insert(key.clone(), payload);
    }
    Some(Value::Object(out))
}

fn fields(schema: &Schema, fields: &[Field], also: &[&str], out: &mut Map<String, Value>, depth: usize) -> Option<()> {
    for f in fields {
        if (f.required || also.contains(&f.name.as_str())) && !out.contains_key(&f.name) {
            let v = match f.meta.examples.first() {
                Some(e) => e.clone(),
                None => value(schema, &f.ty, depth + 1)?,
            };
            out.insert(f.name.clone(), v);
        }
    }
    Some(())
}

/// A valid value of a type, or `None`.
pub fn value(schema: &Schema, ty: &Type, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let c = &ty.constraints;
    Some(match &ty.kind {
        TypeKind::Bool => json!(false),
        TypeKind::Int(it) => {
            let n = integer(c, *it)?;
            match it.encoding {
                IntEncoding::Number => number(n),
                IntEncoding::String => json!(n.to_string()),
            }
        }
        TypeKind::Float(_) => json!(float(c)),
        TypeKind::String => string(c)?,
        TypeKind::Bytes(encoding) => {
            let n = c.len.and_then(|l| l.min).unwrap_or(3) as usize;
            json!(base64_zeros(n, *encoding))
        }
        TypeKind::Uuid => plain(c, "0f8fad5b-d9cb-469f-a165-70867728950e")?,
        TypeKind::Date => plain(c, "2024-05-01")?,
        TypeKind::DateTime(encoding) => match encoding {
            TimeEncoding::Rfc3339 => plain(c, "2024-05-01T12:00:00Z")?,
            TimeEncoding::Local => plain(c, "2024-05-01T12:00:00")?,
            TimeEncoding::UnixS => json!(1_714_564_800),
            TimeEncoding::UnixMs => json!(1_714_564_800_000i64),
            TimeEncoding::UnixUs => json!(1_714_564_800_000_000i64),
            TimeEncoding::UnixSFloat => json!(1_714_564_800.5),
            TimeEncoding::UnixMsFloat => json!(1_714_564_800_000.5),
        },
        TypeKind::Json => json!({}),
        TypeKind::Null => Value::Null,
        TypeKind::List(item) => {
            let n = c.len.and_then(|l| l.min).unwrap_or(0);
            let item = if n > 0 { Some(value(schema, item, depth + 1)?) } else { None };
            Value::Array((0..n).filter_map(|_| item.clone()).collect())
        }
        TypeKind::Tuple(elements) => {
            Value::Array(elements.iter().map(|e| value(schema, e, depth + 1)).collect::<Option<_>>()?)
        }
        TypeKind::Map(v) => {
            let n = c.len.and_then(|l| l.min).unwrap_or(0);
            let mut out = Map::new();
            for i in 0..n {
                out.insert(format!("key{i}"), value(schema, v, depth + 1)?);
            }
            Value::Object(out)
        }
        TypeKind::Named(id) => {
            let def = schema.ty(*id);
            if let Some(e) = def.meta.examples.first() {
                return Some(e.clone());
            }
            match &def.kind {
                TypeDefKind::Alias(target) => {
                    let mut t = target.clone();
                    t.constraints = ty.constraints.clone();
                    return value(schema, &t, depth + 1);
                }
                TypeDefKind::Struct(s) => {
                    let mut out = Map::new();
                    fields(schema, &s.fields, &[], &mut out, depth)?;
                    Value::Object(out)
                }
                TypeDefKind::Enum(e) => {
                    let first = e.variants.first()?;
                    if !c.patterns.is_empty() || c.len.is_some() || c.range.is_some() {
                        return None;
                    }
                    match (&e.repr, &first.value) {
                        (EnumRepr::String, v) | (EnumRepr::Int(_) | EnumRepr::Integer, v) => tag_json(v),
                    }
                }
                TypeDefKind::Union(Union::Tagged { field, variants, base, .. }) => {
                    let v = schema.ty(*variants.first()?);
                    let TypeDefKind::Struct(s) = &v.kind else { return None };
                    let mut out = Map::new();
                    out.insert(field.clone(), tag_json(&s.tag));
                    if let Some(b) = base
                        && let TypeDefKind::Struct(b) = &schema.ty(*b).kind
                    {
                        fields(schema, &b.fields, &[], &mut out, depth)?;
                    }
                    fields(schema, &s.fields, &[], &mut out, depth)?;
                    Value::Object(out)
                }
                TypeDefKind::Union(Union::Untagged(u)) => untagged(schema, u, depth)?,
            }
        }
        TypeKind::OneOf(u) => untagged(schema, u, depth)?,
        TypeKind::Nullable(inner) => value(schema, inner, depth + 1).unwrap_or(Value::Null),
    })
}

/// An untagged union's value: its first variant that gives one, with exactly the
/// signature's keys when variants are told apart by keys.
fn untagged(schema: &Schema, u: &sockspec_model::Untagged, depth: usize) -> Option<Value> {
    u.variants.iter().enumerate().find_map(|(i, v)| {
        let value = value(schema, v, depth + 1)?;
        match (&value, u.signatures.iter().find(|(j, _)| *j == i)) {
            (Value::Object(o), Some((_, sig))) => {
                let present: Vec<&String> = u.keys.iter().filter(|k| o.contains_key(*k)).collect();
                (present.len() == sig.len() && sig.iter().all(|k| o.contains_key(k))).then_some(value)
            }
            _ => Some(value),
        }
    })
}

fn number(n: i128) -> Value {
    i64::try_from(n).map(Value::from).or_else(|_| u64::try_from(n).map(Value::from)).unwrap_or(Value::Null)
}

/// The integer nearest 0 inside the width and the range.
fn integer(c: &Constraints, it: IntType) -> Option<i128> {
    let bound = |l: &Option<Limit>, up: bool| -> Option<i128> {
        l.as_ref().map(|l| {
            let v = match l.value {
                Number::Int(i) => i,
                Number::Float(f) if up => f.ceil() as i128,
                Number::Float(f) => f.floor() as i128,
            };
            let exact = matches!(l.value, Number::Int(_)) || l.value.as_f64().fract() == 0.0;
            match (l.exclusive && exact, up) {
                (true, true) => v + 1,
                (true, false) => v - 1,
                _ => v,
            }
        })
    };
    let range = c.range.unwrap_or(sockspec_model::NumRange { min: None, max: None });
    let min = bound(&range.min, true).unwrap_or(it.min()).max(it.min());
    let max = bound(&range.max, false).unwrap_or(it.max()).min(it.max());
    (min <= max).then(|| 0.clamp(min, max))
}

fn float(c: &Constraints) -> f64 {
    let Some(r) = &c.range else { return 0.0 };
    let (min, max) = (r.min.map(|l| l.value.as_f64()), r.max.map(|l| l.value.as_f64()));
    match (min, max) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        (Some(a), None) if a > 0.0 || r.min.is_some_and(|l| l.exclusive) => a + 1.0,
        (None, Some(b)) if b < 0.0 || r.max.is_some_and(|l| l.exclusive) => b - 1.0,
        _ => 0.0,
    }
}

fn string(c: &Constraints) -> Option<Value> {
    let min = c.len.and_then(|l| l.min).unwrap_or(0) as usize;
    let max = c.len.and_then(|l| l.max).map_or(usize::MAX, |m| m as usize);
    let n = 7usize.clamp(min, max.max(min));
    let word: String = "example".chars().cycle().take(n).collect();
    // The plain word when the patterns take it, else a string made from each pattern; the
    // first candidate every constraint takes.
    let mut candidates = vec![word];
    for p in &c.patterns {
        candidates.extend(pattern_samples(p));
    }
    candidates.into_iter().find(|s| fits(c, s)).map(Value::String)
}

/// A fixed text of a format, when the constraints take it.
fn plain(c: &Constraints, text: &str) -> Option<Value> {
    fits(c, text).then(|| json!(text))
}

/// Whether a string meets the length and every pattern, checked with the validator's own
/// regexes.
fn fits(c: &Constraints, s: &str) -> bool {
    let n = s.chars().count() as u64;
    let len_ok = c.len.is_none_or(|l| l.min.is_none_or(|m| n >= m) && l.max.is_none_or(|m| n <= m));
    len_ok && c.patterns.iter().all(|p| sockspec_model::pattern::compile(p).is_ok_and(|re| re.is_match(s)))
}

/// Strings a pattern matches, made from its syntax tree: the first alternative of each
/// choice, a readable character of each class, each repetition a few lengths (its least
/// first). Anchors and word boundaries add nothing, so a sample may miss one; [`fits`]
/// checks every sample.
fn pattern_samples(pattern: &str) -> Vec<String> {
    let Ok(t) = sockspec_model::pattern::translate(pattern) else { return Vec::new() };
    let Ok(hir) = regex_syntax::Parser::new().parse(&t.rust) else { return Vec::new() };
    [0u32, 1, 3, 7]
        .into_iter()
        .filter_map(|extra| {
            let mut out = String::new();
            sample(&hir, extra, &mut out).then_some(out)
        })
        .collect()
}

fn sample(hir: &regex_syntax::hir::Hir, extra: u32, out: &mut String) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            let pick = ['a', 'x', '0', '1', 'A', 'X', '-', '_', ' ']
                .into_iter()
                .find(|c| ranges.iter().any(|r| r.start() <= *c && *c <= r.end()))
                .or_else(|| ranges.iter().map(|r| r.start()).find(|c| !c.is_control()))
                .or_else(|| ranges.first().map(|r| r.start()));
            match pick {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            }
        }
        HirKind::Class(Class::Bytes(_)) => false,
        HirKind::Repetition(r) => {
            let n = r.min.saturating_add(extra).min(r.max.unwrap_or(u32::MAX));
            if n > 4096 {
                return false;
            }
            (0..n).all(|_| sample(&r.sub, extra, out))
        }
        HirKind::Capture(c) => sample(&c.sub, extra, out),
        HirKind::Concat(parts) => parts.iter().all(|p| sample(p, extra, out)),
        HirKind::Alternation(choices) => choices.first().is_some_and(|c| sample(c, extra, out)),
    }
}

/// `n` zero bytes in base64.
fn base64_zeros(n: usize, encoding: BytesEncoding) -> String {
    let full = "AAAA".repeat(n / 3);
    let tail = match (n % 3, encoding) {
        (0, _) => "",
        (1, BytesEncoding::Base64) => "AA==",
        (_, BytesEncoding::Base64) => "AAA=",
        (1, BytesEncoding::Base64Url) => "AA",
        (_, BytesEncoding::Base64Url) => "AAA",
    };
    format!("{full}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bytes_in_base64() {
        assert_eq!(base64_zeros(0, BytesEncoding::Base64), "");
        assert_eq!(base64_zeros(4, BytesEncoding::Base64), "AAAAAA==");
        assert_eq!(base64_zeros(5, BytesEncoding::Base64Url), "AAAAAAA");
    }

    #[test]
    fn string_lengths_are_met() {
        let c = |min, max| Constraints {
            len: Some(sockspec_model::LenRange { min: Some(min), max: Some(max) }),
            ..Default::default()
        };
        assert_eq!(string(&c(2, 3)), Some(json!("exa")));
        assert_eq!(string(&c(10, 12)), Some(json!("exampleexa")));
    }
}
