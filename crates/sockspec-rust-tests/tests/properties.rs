//! A property: frames generated at random from the model (every message of every example
//! and case schema whose shape the generator below knows) are valid for the dynamic
//! validator, decode with the generated Rust as that message, and encode to a frame the
//! dynamic validator accepts as the same message, which decodes to the same value.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sockspec_model::{
    Constraints, Direction, Discriminator, EnumRepr, Field, FloatType, IntEncoding, JsonKinds, Limit, Number, Payload,
    Schema, Style, TagValue, TimeEncoding, Type, TypeDefKind, TypeKind, Union,
};
use sockspec_rust_tests::{FastVerdict, PROTOCOLS};
use sockspec_validator::{FrameKind, Validator};

/// A small deterministic random source (xorshift64*), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 0
    }
    fn between(&mut self, lo: i128, hi: i128) -> i128 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u128;
        // Often an edge, else anywhere.
        match self.below(4) {
            0 => lo,
            1 => hi,
            _ => lo + ((u128::from(self.next()) << 64 | u128::from(self.next())) % (span + 1)) as i128,
        }
    }
}

/// Why a value cannot be generated: a shape the generator leaves out (patterns, untagged
/// objects told apart by keys), so the message is skipped, not judged.
struct Skip;

struct Generator<'s> {
    schema: &'s Schema,
    rng: Rng,
}

impl Generator<'_> {
    fn value(&mut self, ty: &Type, carried: Option<&Constraints>, depth: usize) -> Result<Value, Skip> {
        let cons = carried.unwrap_or(&ty.constraints);
        if !cons.patterns.is_empty() || depth > 6 {
            return Err(Skip);
        }
        Ok(match &ty.kind {
            TypeKind::Bool => json!(self.rng.coin()),
            TypeKind::Int(it) => {
                let (lo, hi) = bounds(cons, it.min(), it.max())?;
                let n = self.rng.between(lo, hi);
                if it.encoding == IntEncoding::String { json!(n.to_string()) } else { number(n) }
            }
            TypeKind::Float(ft) => {
                let (lo, hi) = float_bounds(cons)?;
                let x = lo + (hi - lo) * (self.rng.below(1001) as f64 / 1000.0);
                let x = if *ft == FloatType::F32 { f64::from(x as f32) } else { x };
                let x = x.clamp(lo, hi);
                json!(x)
            }
            TypeKind::String => json!(self.string(cons)?),
            TypeKind::Bytes(encoding) => {
                let (min, max) = lens(cons, 0, 24);
                let n = self.rng.between(min, max) as usize;
                let bytes: Vec<u8> = (0..n).map(|_| self.rng.next() as u8).collect();
                json!(sockspec::format::base64_encode(&bytes, *encoding == sockspec_model::BytesEncoding::Base64Url))
            }
            TypeKind::Uuid => {
                no_len(cons)?;
                let h = format!("{:016x}{:016x}", self.rng.next(), self.rng.next());
                json!(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
            }
            TypeKind::Date => {
                no_len(cons)?;
                json!(["2024-02-29", "1999-12-31", "2025-01-14"][self.rng.below(3) as usize])
            }
            TypeKind::DateTime(TimeEncoding::Rfc3339) => {
                no_len(cons)?;
                json!(
                    ["2024-05-01T12:00:00Z", "2025-01-14T09:30:00.125+02:00", "1999-12-31T23:59:59-05:00"]
                        [self.rng.below(3) as usize]
                )
            }
            TypeKind::DateTime(TimeEncoding::Local) => {
                no_len(cons)?;
                json!(["2024-05-01T12:00:00", "2025-01-14T09:30:00.125"][self.rng.below(2) as usize])
            }
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                let (lo, hi) = bounds(cons, 0, 4_000_000_000_000)?;
                number(self.rng.between(lo, hi))
            }
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                let (lo, hi) = float_bounds(cons)?;
                json!(lo + (hi - lo) / 2.0)
            }
            TypeKind::Json => [json!(null), json!({"a": [1, "b"]}), json!(2.5)][self.rng.below(3) as usize].clone(),
            TypeKind::Null => Value::Null,
            TypeKind::List(item) => {
                let (min, max) = lens(cons, 0, 3);
                let n = self.rng.between(min, max);
                Value::Array((0..n).map(|_| self.value(item, None, depth + 1)).collect::<Result<_, _>>()?)
            }
            TypeKind::Tuple(elements) => {
                Value::Array(elements.iter().map(|e| self.value(e, None, depth + 1)).collect::<Result<_, _>>()?)
            }
            TypeKind::Map(value) => {
                let (min, max) = lens(cons, 0, 3);
                let n = self.rng.between(min, max);
                let mut m = Map::new();
                for i in 0..n {
                    m.insert(format!("k{i}/~é"), self.value(value, None, depth + 1)?);
                }
                Value::Object(m)
            }
            TypeKind::Named(id) => match &self.schema.ty(*id).kind {
                TypeDefKind::Alias(target) => self.value(target, Some(cons), depth)?,
                TypeDefKind::Struct(s) => Value::Object(self.fields(&s.fields, depth)?),
                TypeDefKind::Enum(e) => {
                    if cons.range.is_some() || cons.len.is_some() {
                        return Err(Skip);
                    }
                    if e.flags {
                        let bits = e.variants.iter().filter(|_| self.rng.coin()).fold(0i64, |acc, v| match v.value {
                            TagValue::Int(i) => acc | i,
                            _ => acc,
                        });
                        return Ok(match &e.repr {
                            EnumRepr::Int(it) if it.encoding == IntEncoding::String => json!(bits.to_string()),
                            _ => json!(bits),
                        });
                    }
                    let v = &e.variants[self.rng.below(e.variants.len() as u64) as usize];
                    match (&v.value, &e.repr) {
                        (TagValue::Int(i), EnumRepr::Int(it)) if it.encoding == IntEncoding::String => {
                            json!(i.to_string())
                        }
                        (value, _) => tag(value),
                    }
                }
                TypeDefKind::Union(Union::Tagged { field, variants, base, .. }) => {
                    let id = variants[self.rng.below(variants.len() as u64) as usize];
                    let TypeDefKind::Struct(s) = &self.schema.ty(id).kind else { return Err(Skip) };
                    let mut m = self.fields(&s.fields, depth)?;
                    if let Some(b) = base
                        && let TypeDefKind::Struct(b) = &self.schema.ty(*b).kind
                    {
                        m.extend(self.fields(&b.fields, depth)?);
                    }
                    m.insert(field.clone(), tag(&s.tag));
                    Value::Object(m)
                }
                TypeDefKind::Union(Union::Untagged(u)) => self.untagged(u, depth)?,
            },
            TypeKind::OneOf(u) => self.untagged(u, depth)?,
            TypeKind::Nullable(inner) => {
                if self.rng.below(3) == 0 {
                    Value::Null
                } else {
                    self.value(inner, carried, depth)?
                }
            }
        })
    }

    /// A string within `@len` (code points), with characters that need escaping or are
    /// more than one byte.
    fn string(&mut self, cons: &Constraints) -> Result<String, Skip> {
        let (min, max) = lens(cons, 0, 12);
        let n = self.rng.between(min, max);
        const CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '/', 'é', '漢', '🦀', '\n', '\u{7f}'];
        Ok((0..n).map(|_| CHARS[self.rng.below(CHARS.len() as u64) as usize]).collect())
    }

    /// Untagged unions whose variants each take kinds no other does (so the value is read
    /// as the variant it was made for).
    fn untagged(&mut self, u: &sockspec_model::Untagged, depth: usize) -> Result<Value, Skip> {
        if u.ordered || !u.signatures.is_empty() || u.kinds.contains(&JsonKinds::ANY) {
            return Err(Skip);
        }
        let i = self.rng.below(u.variants.len() as u64) as usize;
        let shared = u.kinds.iter().enumerate().any(|(j, k)| j != i && k.intersects(u.kinds[i]))
            || u.kinds[i].intersects(JsonKinds::NUMBER)
                && u.kinds.iter().any(|k| k.intersects(JsonKinds::NUMBER) && *k != u.kinds[i]);
        if shared {
            return Err(Skip);
        }
        self.value(&u.variants[i], None, depth + 1)
    }

    fn fields(&mut self, fields: &[Field], depth: usize) -> Result<Map<String, Value>, Skip> {
        let mut m = Map::new();
        for f in fields {
            if !f.required && self.rng.coin() {
                continue;
            }
            let v =
                if f.nullable && self.rng.below(4) == 0 { Value::Null } else { self.value(&f.ty, None, depth + 1)? };
            m.insert(f.name.clone(), v);
        }
        Ok(m)
    }

    /// A frame of message `index` from `dir`.
    fn frame(&mut self, index: usize, dir: Direction) -> Result<Value, Skip> {
        let m = &self.schema.messages[index];
        let Discriminator::Tag(values) = &m.discriminator else { return Err(Skip) };
        let mut frame = Map::new();
        let rpc = match &self.schema.protocol.style {
            Style::JsonRpc { version_member, .. } => Some(*version_member),
            Style::Tagged => None,
        };
        match rpc {
            Some(version) => {
                if version {
                    frame.insert("jsonrpc".into(), json!("2.0"));
                }
                frame.insert("method".into(), tag(&values[0]));
            }
            None => {
                for (field, value) in self.schema.dispatch.get(dir).tag_fields.iter().zip(values) {
                    frame.insert(field.clone(), tag(value));
                }
            }
        }
        let id = &self.schema.protocol.id;
        let needs_id = matches!(m.id, sockspec_model::IdPresence::Required) || (rpc.is_some() && m.request.is_some());
        if needs_id || (m.id == sockspec_model::IdPresence::Optional && self.rng.coin()) {
            frame.insert(id.field.clone(), self.value(&id.ty, None, 0)?);
        }
        frame.extend(self.fields(m.envelope_fields.get(dir), 0)?);
        match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => frame.extend(self.fields(fields, 0)?),
            (Some(key), Payload::Fields(fields)) => {
                let inner = self.fields(fields, 0)?;
                frame.insert(key.clone(), Value::Object(inner));
            }
            (Some(key), Payload::Value { ty, .. }) => {
                frame.insert(key.clone(), self.value(ty, None, 0)?);
            }
            (None, Payload::Value { .. }) => return Err(Skip),
        }
        Ok(Value::Object(frame))
    }
}

fn tag(value: &TagValue) -> Value {
    match value {
        TagValue::Str(s) => json!(s),
        TagValue::Int(i) => json!(i),
        TagValue::Bool(b) => json!(b),
        TagValue::Null => Value::Null,
    }
}

fn number(n: i128) -> Value {
    match (u64::try_from(n), i64::try_from(n)) {
        (Ok(u), _) => json!(u),
        (_, Ok(i)) => json!(i),
        _ => Value::Null,
    }
}

fn no_len(cons: &Constraints) -> Result<(), Skip> {
    if cons.len.is_some() { Err(Skip) } else { Ok(()) }
}

fn lens(cons: &Constraints, min: i128, max: i128) -> (i128, i128) {
    match &cons.len {
        None => (min, max),
        Some(l) => {
            let lo = l.min.map_or(min, i128::from);
            let hi = l.max.map_or(lo + max, i128::from).min(lo + max);
            (lo, hi)
        }
    }
}

/// The integer bounds of a width within a declared range, or a skip for a range that is
/// not integral.
fn bounds(cons: &Constraints, min: i128, max: i128) -> Result<(i128, i128), Skip> {
    let Some(range) = &cons.range else { return Ok((min, max.min(i128::from(i64::MAX)))) };
    let limit = |l: &Option<Limit>, low: bool| -> Result<Option<i128>, Skip> {
        match l {
            None => Ok(None),
            Some(Limit { value: Number::Int(i), exclusive }) => {
                Ok(Some(if *exclusive { if low { i + 1 } else { i - 1 } } else { *i }))
            }
            Some(_) => Err(Skip),
        }
    };
    let lo = limit(&range.min, true)?.map_or(min, |l| l.max(min));
    let hi = limit(&range.max, false)?.map_or(max, |h| h.min(max)).min(i128::from(i64::MAX));
    if lo > hi { Err(Skip) } else { Ok((lo, hi)) }
}

fn float_bounds(cons: &Constraints) -> Result<(f64, f64), Skip> {
    let Some(range) = &cons.range else { return Ok((-1000.0, 1000.0)) };
    let get = |l: &Option<Limit>, default: f64| match l {
        None => Ok(default),
        Some(Limit { exclusive: true, .. }) => Err(Skip),
        Some(Limit { value, .. }) => Ok(value.as_f64()),
    };
    Ok((get(&range.min, -1000.0)?, get(&range.max, 1000.0)?))
}

struct Loaded {
    schema: Schema,
    protocol: &'static sockspec_rust_tests::Protocol,
}

fn loaded() -> Vec<Loaded> {
    PROTOCOLS
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p.dir().join(format!("{}.sockspec", p.name))).expect("the schema reads");
            let (schema, _) = sockspec_validator::check(&text);
            Loaded { schema: schema.expect("the schema is valid"), protocol: p }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generated_values_encode_to_frames_the_validator_accepts(seed in any::<u64>()) {
        let all = loaded();
        let mut judged = 0;
        let mut fast_read = 0;
        for l in &all {
            let validator = Validator::new(&l.schema);
            let mut g = Generator { schema: &l.schema, rng: Rng(seed | 1) };
            for (index, m) in l.schema.messages.iter().enumerate() {
                for dir in Direction::BOTH.into_iter().filter(|d| m.sender.includes(*d)) {
                    let Ok(frame) = g.frame(index, dir) else { continue };
                    let text = frame.to_string();
                    let name = &m.name;
                    let where_ = format!("{}/{} {name} from {}: {text}", l.protocol.group, l.protocol.name, dir.as_str());
                    // The generator's own frames are valid (or it is the generator's bug).
                    match validator.validate(dir, &text) {
                        Ok(FrameKind::Message(id)) if l.schema.messages[id.0 as usize].name == *name => {}
                        other => {
                            prop_assert!(false, "{where_}: the generated frame is not valid: {other:?}");
                        }
                    }
                    let decode = match dir { Direction::Client => l.protocol.client, Direction::Server => l.protocol.server };
                    let decoded = decode(&text);
                    let decoded = match decoded { Ok(d) => d, Err(e) => { prop_assert!(false, "{where_}: {e}"); unreachable!() } };
                    prop_assert_eq!(decoded.name, name.as_str(), "{}", where_);
                    match validator.validate(dir, &decoded.text) {
                        Ok(FrameKind::Message(id)) if l.schema.messages[id.0 as usize].name == *name => {}
                        other => prop_assert!(false, "{where_}: encoded as {}, which the validator judges {other:?}", decoded.text),
                    }
                    let again = decode(&decoded.text);
                    prop_assert!(again.as_ref() == Ok(&decoded), "{where_}: {} decodes to {again:?}", decoded.text);
                    judged += 1;
                    // The fast path alone, on the frame and on its encoding: the full
                    // decoder's value, or a bail.
                    let fast = match dir { Direction::Client => l.protocol.client_fast, Direction::Server => l.protocol.server_fast };
                    for t in [&text, &decoded.text] {
                        match fast(t) {
                            FastVerdict::Same => fast_read += 1,
                            FastVerdict::Bailed { full_ok: true } => {}
                            other => prop_assert!(false, "{where_}: the fast path on {t}: {other:?}"),
                        }
                    }
                }
            }
        }
        prop_assert!(judged > 150, "only {judged} messages could be generated");
        // Most frames (over two thirds; 80% when this was written) are of the shapes the
        // fast path reads (docs/rust.md, "Decoding").
        prop_assert!(3 * fast_read > 4 * judged, "the fast path read {fast_read} of {} frames", 2 * judged);
    }
}
