//! Frames made from a model: for each message a side sends, JSON texts that aim to be
//! valid frames of it (tag, envelope, id, content and payload, every value within its
//! type and bounds). Deterministic from a seed. Patterns and a few cross-member rules are
//! not solved, so a caller that needs valid frames keeps those its validator accepts; the
//! `diff` property tests do, and other tools (mock servers, fuzzers) can too.

use serde_json::{Map, Value, json};
use sockspec_model::*;

/// A small deterministic generator (xorshift64*), so frames are the same on every run.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    pub fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
}

/// Below this depth values are kept as small as the types allow (absent, null, empty), so
/// recursive types end.
const SHALLOW: usize = 4;
/// Past this depth a value gives up (a `null`, which the validator then rejects).
const DEEPEST: usize = 24;

/// Frames for every message `dir` sends, `per_message` of each, as JSON texts.
pub fn frames(schema: &Schema, dir: Direction, seed: u64, per_message: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for (id, _) in schema.messages_from(dir) {
        for _ in 0..per_message {
            out.push(frame(schema, dir, id, &mut rng).to_string());
        }
    }
    out
}

/// One frame of a message from `dir`.
pub fn frame(schema: &Schema, dir: Direction, id: MessageId, rng: &mut Rng) -> Value {
    let m = schema.message(id);
    let mut top = Map::new();
    let jsonrpc = matches!(schema.protocol.style, Style::JsonRpc { .. });
    if let Style::JsonRpc { version_member: true, .. } = schema.protocol.style {
        top.insert("jsonrpc".into(), json!("2.0"));
    }
    let mut payload = Map::new();
    match &m.discriminator {
        Discriminator::Tag(values) => {
            let fields = &schema.dispatch.get(dir).tag_fields;
            let fields: Vec<String> = if fields.is_empty() && jsonrpc { vec!["method".into()] } else { fields.clone() };
            for (field, value) in fields.iter().zip(values) {
                top.insert(field.clone(), tag_json(value));
            }
        }
        Discriminator::Structural(_) | Discriminator::Key(_) | Discriminator::Fallback => {}
    }
    let keys: Vec<&str> = match &m.discriminator {
        Discriminator::Structural(keys) => keys.iter().map(String::as_str).collect(),
        Discriminator::Key(k) => vec![k.as_str()],
        _ => Vec::new(),
    };
    for f in m.envelope_fields.get(dir) {
        if let Some(v) = field_value(schema, f, rng, 0, false) {
            top.insert(f.name.clone(), v);
        }
    }
    match m.id {
        IdPresence::Required => {
            top.insert(schema.protocol.id.field.clone(), value(schema, &schema.protocol.id.ty, rng, 0));
        }
        IdPresence::Optional if rng.chance(2) => {
            top.insert(schema.protocol.id.field.clone(), value(schema, &schema.protocol.id.ty, rng, 0));
        }
        _ => {}
    }
    let body = match &m.payload {
        Payload::Fields(fields) => {
            for f in fields {
                let force = keys.contains(&f.name.as_str());
                if let Some(v) = field_value(schema, f, rng, 0, force) {
                    payload.insert(f.name.clone(), v);
                }
            }
            Value::Object(payload)
        }
        Payload::Value { ty, .. } => value(schema, ty, rng, 0),
    };
    match &m.content {
        Some(member) => {
            let empty = body.as_object().is_some_and(Map::is_empty);
            if !(m.content_optional && empty && rng.chance(2)) {
                top.insert(member.clone(), body);
            }
        }
        None => {
            if let Value::Object(members) = body {
                for (k, v) in members {
                    top.entry(k).or_insert(v);
                }
            }
        }
    }
    Value::Object(top)
}

fn tag_json(t: &TagValue) -> Value {
    match t {
        TagValue::Str(s) => json!(s),
        TagValue::Int(i) => json!(i),
        TagValue::Bool(b) => json!(b),
        TagValue::Null => Value::Null,
    }
}

/// A member's value, or `None` to leave it out.
fn field_value(schema: &Schema, f: &Field, rng: &mut Rng, depth: usize, force: bool) -> Option<Value> {
    if !f.required && !force && (depth >= SHALLOW || rng.chance(2)) {
        return None;
    }
    if let Some(example) = f.meta.examples.first()
        && rng.chance(2)
    {
        return Some(example.clone());
    }
    Some(value(schema, &f.ty, rng, depth + 1))
}

fn int_in(rng: &mut Rng, lo: i128, hi: i128) -> i128 {
    if hi <= lo {
        return lo;
    }
    match rng.below(4) {
        0 => lo,
        1 => hi,
        2 => 0.clamp(lo, hi),
        _ => lo + i128::from(rng.below(u64::try_from((hi - lo).min(1000)).unwrap_or(1000) + 1)),
    }
}

fn bounds(int: Option<IntType>, c: &Constraints) -> (i128, i128) {
    let (mut lo, mut hi) = int.map_or((-(1 << 53), 1 << 53), |i| (i.min(), i.max()));
    if let Some(r) = c.range {
        if let Some(l) = r.min {
            let v = match l.value {
                Number::Int(v) => v + i128::from(l.exclusive),
                Number::Float(f) => f.ceil() as i128 + 1,
            };
            lo = lo.max(v);
        }
        if let Some(l) = r.max {
            let v = match l.value {
                Number::Int(v) => v - i128::from(l.exclusive),
                Number::Float(f) => f.floor() as i128 - 1,
            };
            hi = hi.min(v);
        }
    }
    (lo, hi)
}

fn length(rng: &mut Rng, c: &Constraints, depth: usize) -> u64 {
    let (min, max) = c.len.map_or((0, None), |l| (l.min.unwrap_or(0), l.max));
    let extra = if depth >= SHALLOW { 0 } else { rng.below(3) };
    let n = min + extra;
    max.map_or(n, |m| n.min(m)).min(min.max(64))
}

fn float(rng: &mut Rng, c: &Constraints) -> Value {
    let (mut lo, mut hi) = (-1.0e6_f64, 1.0e6_f64);
    if let Some(r) = c.range {
        if let Some(l) = r.min {
            lo = l.value.as_f64() + if l.exclusive { 0.25 } else { 0.0 };
        }
        if let Some(l) = r.max {
            hi = l.value.as_f64() - if l.exclusive { 0.25 } else { 0.0 };
        }
    }
    let v = match rng.below(3) {
        0 => lo,
        1 => hi,
        _ => lo + (hi - lo) / 2.0,
    };
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Base64 of `n` zero bytes, padded or not.
fn zeros_base64(n: u64, padded: bool) -> String {
    let full = n / 3;
    let mut s = "AAAA".repeat(full as usize);
    match (n % 3, padded) {
        (1, true) => s.push_str("AA=="),
        (2, true) => s.push_str("AAA="),
        (1, false) => s.push_str("AA"),
        (2, false) => s.push_str("AAA"),
        _ => {}
    }
    s
}

fn big_int(v: i128, encoding: IntEncoding) -> Value {
    match encoding {
        IntEncoding::String => json!(v.to_string()),
        IntEncoding::Number => serde_json::from_str(&v.to_string()).unwrap_or(Value::Null),
    }
}

/// A value of a type at a use site.
pub fn value(schema: &Schema, ty: &Type, rng: &mut Rng, depth: usize) -> Value {
    if depth > DEEPEST {
        return Value::Null;
    }
    let c = &ty.constraints;
    match &ty.kind {
        TypeKind::Bool => json!(rng.chance(2)),
        TypeKind::Int(i) => {
            let (lo, hi) = bounds(Some(*i), c);
            big_int(int_in(rng, lo, hi), i.encoding)
        }
        TypeKind::Float(_) => float(rng, c),
        TypeKind::String => json!("a".repeat(length(rng, c, depth) as usize)),
        TypeKind::Bytes(enc) => json!(zeros_base64(length(rng, c, depth), *enc == BytesEncoding::Base64)),
        TypeKind::Uuid => json!("123e4567-e89b-12d3-a456-426614174000"),
        TypeKind::DateTime(enc) => match enc {
            TimeEncoding::Rfc3339 => json!("2024-05-01T12:00:00Z"),
            TimeEncoding::Local => json!("2024-05-01T12:00:00"),
            TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => {
                let (lo, hi) = bounds(None, c);
                big_int(int_in(rng, lo.max(0), hi), IntEncoding::Number)
            }
            TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => float(rng, c),
        },
        TypeKind::Date => json!("2024-05-01"),
        TypeKind::Json => match rng.below(4) {
            0 => Value::Null,
            1 => json!(1),
            2 => json!("x"),
            _ => json!({}),
        },
        TypeKind::Null => Value::Null,
        TypeKind::List(item) => {
            let n = length(rng, c, depth);
            Value::Array((0..n).map(|_| value(schema, item, rng, depth + 1)).collect())
        }
        TypeKind::Tuple(items) => Value::Array(items.iter().map(|t| value(schema, t, rng, depth + 1)).collect()),
        TypeKind::Map(v) => {
            let n = length(rng, c, depth);
            Value::Object((0..n).map(|i| (format!("k{i}"), value(schema, v, rng, depth + 1))).collect())
        }
        TypeKind::Nullable(inner) => {
            if depth >= SHALLOW || rng.chance(3) {
                Value::Null
            } else {
                value(schema, inner, rng, depth)
            }
        }
        TypeKind::OneOf(u) => untagged(schema, u, rng, depth),
        TypeKind::Named(id) => named(schema, *id, c, rng, depth),
    }
}

fn untagged(schema: &Schema, u: &Untagged, rng: &mut Rng, depth: usize) -> Value {
    if u.variants.is_empty() {
        return Value::Null;
    }
    let i = if depth >= SHALLOW { 0 } else { rng.below(u.variants.len() as u64) as usize };
    value(schema, &u.variants[i], rng, depth + 1)
}

fn object(schema: &Schema, fields: &[Field], rng: &mut Rng, depth: usize, into: &mut Map<String, Value>) {
    for f in fields {
        if let Some(v) = field_value(schema, f, rng, depth, false) {
            into.insert(f.name.clone(), v);
        }
    }
}

fn named(schema: &Schema, id: TypeId, site: &Constraints, rng: &mut Rng, depth: usize) -> Value {
    let Some(def) = schema.types.get(id.0 as usize) else { return Value::Null };
    match &def.kind {
        TypeDefKind::Alias(t) => {
            // The site's constraints are the flattened ones.
            let ty = Type { kind: t.kind.clone(), constraints: site.clone() };
            value(schema, &ty, rng, depth + 1)
        }
        TypeDefKind::Struct(s) => {
            let mut m = Map::new();
            object(schema, &s.fields, rng, depth, &mut m);
            Value::Object(m)
        }
        TypeDefKind::Enum(e) => {
            if e.variants.is_empty() {
                return Value::Null;
            }
            if e.flags {
                let mut bits = 0i64;
                for v in &e.variants {
                    if let TagValue::Int(b) = v.value
                        && rng.chance(2)
                    {
                        bits |= b;
                    }
                }
                return json!(bits);
            }
            let v = &e.variants[rng.below(e.variants.len() as u64) as usize];
            tag_json(&v.value)
        }
        TypeDefKind::Union(Union::Tagged { field, variants, base, .. }) => {
            if variants.is_empty() {
                return Value::Null;
            }
            let i = if depth >= SHALLOW { 0 } else { rng.below(variants.len() as u64) as usize };
            let mut m = Map::new();
            if let TypeDefKind::Struct(v) = &schema.ty(variants[i]).kind {
                m.insert(field.clone(), tag_json(&v.tag));
                if let Some(b) = base
                    && let TypeDefKind::Struct(b) = &schema.ty(*b).kind
                {
                    object(schema, &b.fields, rng, depth, &mut m);
                }
                object(schema, &v.fields, rng, depth, &mut m);
            }
            Value::Object(m)
        }
        TypeDefKind::Union(Union::Untagged(u)) => untagged(schema, u, rng, depth),
    }
}
