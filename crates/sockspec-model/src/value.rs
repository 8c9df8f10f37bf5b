//! Typed values: a default resolved against its field's type, so a generator prints
//! `Mode::PushToTalk` or `0.5_f32` without reading JSON again. The JSON view stays beside
//! it (`Field::default`) for readers that want JSON (the validator, JSON Schema).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use crate::model::*;

/// A value of a type of the schema. Aliases are transparent: a value of `type Seconds =
/// u64` is an `Int`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer of any width or wire encoding (also `@as(string)` integers and integer
    /// epoch times).
    Int(i128),
    /// A float (`f32`, `f64`, `datetime @as(unix_s_float)`), even when written `1`.
    Float(f64),
    /// A string, a uuid, a date, or an RFC 3339 or local date-time, as written.
    String(String),
    /// Bytes, decoded from their base64 wire form.
    Bytes(Vec<u8>),
    /// A variant of an enum, by index into its `variants` (and by name, for reading).
    Variant {
        ty: TypeId,
        index: usize,
        name: String,
    },
    /// A bit set of a `@flags` enum: the variants whose bits are set, by index.
    Flags {
        ty: TypeId,
        indices: Vec<usize>,
    },
    /// A value of an `@open` enum that is none of its variants.
    Unknown {
        ty: TypeId,
        value: TagValue,
    },
    /// A list's items, or a tuple's, in order.
    List(Vec<Value>),
    /// Map entries in the order written.
    Map(Vec<(String, Value)>),
    /// A struct's members that the value gives, by wire name, in declaration order.
    Struct {
        ty: TypeId,
        fields: Vec<(String, Value)>,
    },
    /// A union's value: the variant, by index into the union's variants (a `Struct` for
    /// a tagged union).
    Union {
        ty: TypeId,
        index: usize,
        value: Box<Value>,
    },
    /// An inline union's value, by index into its variants.
    OneOf {
        index: usize,
        value: Box<Value>,
    },
    /// A value of `json`, or of an `@open` union's unknown variant: kept as JSON.
    Json(serde_json::Value),
}

/// Resolves every field default of the schema into `Field::default_value`.
pub(crate) fn assign(schema: &mut Schema) {
    let types = schema.types.clone();
    let resolve = |fields: &mut [Field]| {
        for f in fields {
            if let Some(json) = &f.default {
                let typed =
                    if json.is_null() && f.nullable { Some(Value::Null) } else { typed(&types, &f.ty, json, 0) };
                f.default_value = Some(typed.unwrap_or_else(|| Value::Json(json.clone())));
            }
        }
    };
    for def in &mut schema.types {
        if let TypeDefKind::Struct(s) = &mut def.kind {
            resolve(&mut s.fields);
        }
    }
    for m in &mut schema.messages {
        if let Payload::Fields(fields) = &mut m.payload {
            resolve(fields);
        }
    }
    resolve(&mut schema.protocol.envelope);
}

/// The value of `json` as a value of `ty`; `None` when it is not one (the compiler has
/// checked defaults already, so that does not happen for them).
pub fn typed(types: &[TypeDef], ty: &Type, json: &serde_json::Value, depth: usize) -> Option<Value> {
    use serde_json::Value as J;
    if depth > 64 {
        return None;
    }
    Some(match (&ty.kind, json) {
        (TypeKind::Json, v) => Value::Json(v.clone()),
        (TypeKind::Null, J::Null) => Value::Null,
        (TypeKind::Nullable(_), J::Null) => Value::Null,
        (TypeKind::Nullable(inner), v) => typed(types, inner, v, depth + 1)?,
        (TypeKind::Bool, J::Bool(b)) => Value::Bool(*b),
        (TypeKind::Int(it), v) => match (it.encoding, v) {
            (IntEncoding::Number, J::Number(n)) => Value::Int(int(n)?),
            (IntEncoding::String, J::String(s)) => Value::Int(s.parse().ok()?),
            _ => return None,
        },
        (TypeKind::Float(_) | TypeKind::DateTime(TimeEncoding::UnixSFloat), J::Number(n)) => Value::Float(n.as_f64()?),
        (TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs), J::Number(n)) => {
            Value::Int(int(n)?)
        }
        (
            TypeKind::String
            | TypeKind::Uuid
            | TypeKind::Date
            | TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local),
            J::String(s),
        ) => Value::String(s.clone()),
        (TypeKind::Bytes(encoding), J::String(s)) => Value::Bytes(
            match encoding {
                BytesEncoding::Base64 => STANDARD.decode(s),
                BytesEncoding::Base64Url => URL_SAFE_NO_PAD.decode(s),
            }
            .ok()?,
        ),
        (TypeKind::List(item), J::Array(items)) => {
            Value::List(items.iter().map(|i| typed(types, item, i, depth + 1)).collect::<Option<_>>()?)
        }
        // A tuple's items, each typed by its position (a `List` of the tuple's length).
        (TypeKind::Tuple(elements), J::Array(items)) if elements.len() == items.len() => {
            Value::List(elements.iter().zip(items).map(|(t, i)| typed(types, t, i, depth + 1)).collect::<Option<_>>()?)
        }
        (TypeKind::Map(value), J::Object(m)) => Value::Map(
            m.iter().map(|(k, v)| Some((k.clone(), typed(types, value, v, depth + 1)?))).collect::<Option<_>>()?,
        ),
        (TypeKind::OneOf(u), v) => {
            let (index, value) = untagged(types, u, v, depth)?;
            Value::OneOf { index, value: Box::new(value) }
        }
        (TypeKind::Named(id), v) => {
            let def = types.get(id.0 as usize)?;
            match &def.kind {
                TypeDefKind::Alias(target) => typed(types, target, v, depth + 1)?,
                TypeDefKind::Enum(e) => enum_value(*id, e, v)?,
                TypeDefKind::Struct(s) => struct_value(types, *id, s, v, depth)?,
                TypeDefKind::Union(Union::Untagged(u)) => {
                    let (index, value) = untagged(types, u, v, depth)?;
                    Value::Union { ty: *id, index, value: Box::new(value) }
                }
                TypeDefKind::Union(Union::Tagged { field, variants, open, .. }) => {
                    let tag = match v.as_object()?.get(field)? {
                        J::String(s) => TagValue::Str(s.clone()),
                        J::Number(n) => TagValue::Int(n.as_i64()?),
                        J::Bool(b) => TagValue::Bool(*b),
                        J::Null => TagValue::Null,
                        _ => return None,
                    };
                    let found = variants.iter().enumerate().find(|(_, vid)| {
                        matches!(&types.get(vid.0 as usize).map(|d| &d.kind), Some(TypeDefKind::Struct(s)) if s.tag == tag)
                    });
                    match found {
                        Some((index, vid)) => {
                            let TypeDefKind::Struct(s) = &types[vid.0 as usize].kind else { return None };
                            let value = struct_value(types, *vid, s, v, depth)?;
                            Value::Union { ty: *id, index, value: Box::new(value) }
                        }
                        None if *open => Value::Json(v.clone()),
                        None => return None,
                    }
                }
            }
        }
        _ => return None,
    })
}

fn int(n: &serde_json::Number) -> Option<i128> {
    n.as_i64().map(i128::from).or(n.as_u64().map(i128::from))
}

fn enum_value(ty: TypeId, e: &Enum, v: &serde_json::Value) -> Option<Value> {
    let tag = match v {
        serde_json::Value::String(s) if e.repr == EnumRepr::String => TagValue::Str(s.clone()),
        serde_json::Value::Number(n) if matches!(e.repr, EnumRepr::Int(_) | EnumRepr::Integer) => {
            TagValue::Int(n.as_i64()?)
        }
        _ => return None,
    };
    if let Some(index) = e.variants.iter().position(|x| x.value == tag) {
        return Some(Value::Variant { ty, index, name: e.variants[index].name.clone() });
    }
    if e.flags
        && let TagValue::Int(bits) = tag
    {
        let mut rest = bits;
        let mut indices = Vec::new();
        for (i, x) in e.variants.iter().enumerate() {
            if let TagValue::Int(b) = x.value
                && b != 0
                && bits & b == b
            {
                indices.push(i);
                rest &= !b;
            }
        }
        if rest == 0 {
            return Some(Value::Flags { ty, indices });
        }
    }
    e.open.then_some(Value::Unknown { ty, value: tag })
}

fn struct_value(types: &[TypeDef], ty: TypeId, s: &Struct, v: &serde_json::Value, depth: usize) -> Option<Value> {
    let m = v.as_object()?;
    let mut fields = Vec::new();
    for f in &s.fields {
        match m.get(&f.name) {
            Some(serde_json::Value::Null) if f.nullable => fields.push((f.name.clone(), Value::Null)),
            Some(x) => fields.push((f.name.clone(), typed(types, &f.ty, x, depth + 1)?)),
            None if f.required => return None,
            None => {}
        }
    }
    Some(Value::Struct { ty, fields })
}

/// The variant a value of an untagged union is, as the validator picks it: an object by
/// its signature when several variants take objects, anything else by its JSON kind.
fn untagged(types: &[TypeDef], u: &Untagged, v: &serde_json::Value, depth: usize) -> Option<(usize, Value)> {
    if let serde_json::Value::Object(m) = v
        && !u.signatures.is_empty()
    {
        let mut present: Vec<&String> = u.keys.iter().filter(|k| m.contains_key(*k)).collect();
        present.sort();
        let (index, _) = u.signatures.iter().find(|(_, sig)| sig.iter().collect::<Vec<_>>() == present)?;
        return Some((*index, typed(types, &u.variants[*index], v, depth + 1)?));
    }
    u.variants.iter().enumerate().find_map(|(i, t)| Some((i, typed(types, t, v, depth + 1)?)))
}
