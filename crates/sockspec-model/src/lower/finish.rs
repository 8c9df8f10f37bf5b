//! The last step of lowering, once every type exists: what each use of a type means is
//! decided here, once, so no reader follows an alias to find it. Constraints are flattened
//! through alias chains, each untagged union gets the JSON kinds of its variants, and each
//! field and value payload the answer to "may it be `null`?" (and so its writer's policy).

use crate::model::*;

/// What is known of each named type, computed in one pass over them.
struct Facts {
    /// For an alias, every constraint that holds for its values (its own and those of the
    /// aliases it goes through); empty for other types.
    constraints: Vec<Constraints>,
    /// The JSON kinds a value of each type may have.
    kinds: Vec<JsonKinds>,
}

/// Fills in the decisions that need every type: see the module doc.
pub(crate) fn finish(schema: &mut Schema) {
    let facts = facts(&schema.types);
    let types_snapshot = schema.types.clone();
    let mut each = |ty: &mut Type| flatten(ty, &facts);
    for def in &mut schema.types {
        match &mut def.kind {
            TypeDefKind::Struct(s) => s.fields.iter_mut().for_each(|f| walk(&mut f.ty, &mut each)),
            TypeDefKind::Alias(t) => walk(t, &mut each),
            TypeDefKind::Union(Union::Untagged(u)) => {
                u.variants.iter_mut().for_each(|v| walk(v, &mut each));
                u.kinds = u.variants.iter().map(|v| kinds_of(v, &facts)).collect();
            }
            TypeDefKind::Enum(_) | TypeDefKind::Union(Union::Tagged { .. }) => {}
        }
    }
    walk(&mut schema.protocol.id.ty, &mut each);
    schema.protocol.envelope.iter_mut().for_each(|f| walk(&mut f.ty, &mut each));
    for dir in Direction::BOTH {
        schema.dispatch.get_mut(dir).envelope.iter_mut().for_each(|f| walk(&mut f.ty, &mut each));
    }
    for m in &mut schema.messages {
        match &mut m.payload {
            Payload::Fields(fields) => fields.iter_mut().for_each(|f| walk(&mut f.ty, &mut each)),
            Payload::Value { ty, .. } => walk(ty, &mut each),
        }
        for dir in Direction::BOTH {
            m.envelope_fields.get_mut(dir).iter_mut().for_each(|f| walk(&mut f.ty, &mut each));
        }
        if let Some(r) = &mut m.request {
            for reply in &mut r.replies {
                if let Reply::Result(ty) | Reply::Typed { result: ty, .. } = reply {
                    walk(ty, &mut each);
                }
            }
        }
    }
    // Nullability (which no constraint changes), from the types.
    let types = &types_snapshot;
    let decide = |f: &mut Field| {
        f.nullable = accepts_null(types, &f.ty);
        if !f.nullable {
            f.absent = Absent::Omit;
        }
    };
    for def in &mut schema.types {
        if let TypeDefKind::Struct(s) = &mut def.kind {
            s.fields.iter_mut().for_each(decide);
        }
    }
    schema.protocol.envelope.iter_mut().for_each(decide);
    for dir in Direction::BOTH {
        schema.dispatch.get_mut(dir).envelope.iter_mut().for_each(decide);
    }
    for m in &mut schema.messages {
        for dir in Direction::BOTH {
            m.envelope_fields.get_mut(dir).iter_mut().for_each(decide);
        }
        match &mut m.payload {
            Payload::Fields(fields) => fields.iter_mut().for_each(decide),
            Payload::Value { ty, nullable } => *nullable = accepts_null(types, ty),
        }
    }
}

/// The same decisions for types held outside the model, such as the defaults handed on to
/// the validator ([`crate::DefaultSite`]), from the finished model's types: judged against
/// a type whose untagged kinds were never stated, every default of an inline union fails.
pub(crate) fn finish_detached<'a>(types: &[TypeDef], tys: impl Iterator<Item = &'a mut Type>) {
    let facts = facts(types);
    let mut each = |ty: &mut Type| flatten(ty, &facts);
    for ty in tys {
        walk(ty, &mut each);
    }
}

/// Visits a type and every type inside it, innermost first.
fn walk(ty: &mut Type, f: &mut impl FnMut(&mut Type)) {
    match &mut ty.kind {
        TypeKind::List(inner) | TypeKind::Map(inner) | TypeKind::Nullable(inner) => walk(inner, f),
        TypeKind::Tuple(elements) => elements.iter_mut().for_each(|e| walk(e, f)),
        TypeKind::OneOf(u) => u.variants.iter_mut().for_each(|v| walk(v, f)),
        _ => {}
    }
    f(ty);
}

/// One type's own decisions: its flattened constraints and, for an inline union, the kinds
/// of its variants.
fn flatten(ty: &mut Type, facts: &Facts) {
    match &mut ty.kind {
        TypeKind::Named(id) => {
            if let Some(c) = facts.constraints.get(id.0 as usize)
                && !c.is_empty()
            {
                ty.constraints = ty.constraints.intersect(c);
            }
        }
        TypeKind::OneOf(u) => u.kinds = u.variants.iter().map(|v| kinds_of(v, facts)).collect(),
        _ => {}
    }
}

/// The JSON kinds of a type, with named types looked up in `facts`.
fn kinds_of(ty: &Type, facts: &Facts) -> JsonKinds {
    direct_kinds(ty, &|id| facts.kinds.get(id.0 as usize).copied().unwrap_or_default())
}

/// The JSON kinds of a type, given those of named types.
fn direct_kinds(ty: &Type, named: &impl Fn(TypeId) -> JsonKinds) -> JsonKinds {
    match &ty.kind {
        TypeKind::Bool => JsonKinds::BOOLEAN,
        TypeKind::Int(it) => int_kinds(*it),
        TypeKind::Float(_) => JsonKinds::NUMBER,
        TypeKind::String | TypeKind::Bytes(_) | TypeKind::Uuid | TypeKind::Date => JsonKinds::STRING,
        TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local) => JsonKinds::STRING,
        TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => JsonKinds::NUMBER,
        TypeKind::DateTime(_) => JsonKinds::INTEGER,
        TypeKind::Json => JsonKinds::ANY,
        TypeKind::Null => JsonKinds::NULL,
        TypeKind::List(_) | TypeKind::Tuple(_) => JsonKinds::ARRAY,
        TypeKind::Map(_) => JsonKinds::OBJECT,
        TypeKind::OneOf(u) => u.variants.iter().fold(JsonKinds::default(), |acc, v| acc.union(direct_kinds(v, named))),
        TypeKind::Nullable(inner) => JsonKinds::NULL.union(direct_kinds(inner, named)),
        TypeKind::Named(id) => named(*id),
    }
}

fn int_kinds(it: IntType) -> JsonKinds {
    match it.encoding {
        IntEncoding::Number => JsonKinds::INTEGER,
        IntEncoding::String => JsonKinds::STRING,
    }
}

/// The named types a type is, directly: through `| null` and inline unions.
fn direct_named(ty: &Type, out: &mut Vec<usize>) {
    match &ty.kind {
        TypeKind::Nullable(inner) => direct_named(inner, out),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|v| direct_named(v, out)),
        TypeKind::Named(id) => out.push(id.0 as usize),
        _ => {}
    }
}

/// Constraints and kinds of every named type, each computed after the types it stands for
/// (an iterative post-order, so chains of any length; a cycle, already reported, adds
/// nothing).
fn facts(types: &[TypeDef]) -> Facts {
    let n = types.len();
    let refs: Vec<Vec<usize>> = types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match &def.kind {
                TypeDefKind::Alias(t) => direct_named(t, &mut out),
                TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(|v| direct_named(v, &mut out)),
                _ => {}
            }
            out.retain(|&i| i < n);
            out
        })
        .collect();
    let mut facts = Facts { constraints: vec![Constraints::default(); n], kinds: vec![JsonKinds::default(); n] };
    // 0: not started, 1: its references are being visited, 2: done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = refs[v].get(*next) {
                *next += 1;
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                }
                continue;
            }
            stack.pop();
            state[v] = 2;
            let kinds = |id: TypeId| facts.kinds[id.0 as usize];
            let (constraints, k) = match &types[v].kind {
                TypeDefKind::Struct(_) | TypeDefKind::Union(Union::Tagged { .. }) => {
                    (Constraints::default(), JsonKinds::OBJECT)
                }
                TypeDefKind::Enum(e) => (
                    Constraints::default(),
                    match e.repr {
                        EnumRepr::String => JsonKinds::STRING,
                        EnumRepr::Int(it) => int_kinds(it),
                        EnumRepr::Integer => JsonKinds::INTEGER,
                    },
                ),
                TypeDefKind::Union(Union::Untagged(u)) => (
                    Constraints::default(),
                    u.variants.iter().fold(JsonKinds::default(), |acc, t| acc.union(direct_kinds(t, &kinds))),
                ),
                TypeDefKind::Alias(t) => (effective(t, &facts.constraints), direct_kinds(t, &kinds)),
            };
            facts.constraints[v] = constraints;
            facts.kinds[v] = k;
        }
    }
    facts
}

/// The constraints that hold for a type: its own, and through an alias or `| null` those
/// of what it stands for (aliases already in `aliases`).
fn effective(ty: &Type, aliases: &[Constraints]) -> Constraints {
    match &ty.kind {
        TypeKind::Named(id) => match aliases.get(id.0 as usize) {
            Some(c) if !c.is_empty() => ty.constraints.intersect(c),
            _ => ty.constraints.clone(),
        },
        TypeKind::Nullable(inner) => ty.constraints.intersect(&effective(inner, aliases)),
        _ => ty.constraints.clone(),
    }
}
