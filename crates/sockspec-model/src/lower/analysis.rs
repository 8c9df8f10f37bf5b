//! Checks over the whole set of lowered types: constraints against resolved kinds, and
//! defaults against their types (recursion is `recursion.rs`).

use sockspec_syntax::Diagnostic;

use super::Lower;
use super::types::Deferred;
use crate::format;
use crate::model::*;

/// The kind a type has once aliases and `| null` are followed (constraints of aliases are
/// not merged): a constraint on `T | null` constrains `T`. A chain longer than there are
/// types goes round a cycle (reported as S0307): no fixed cut-off below that.
fn resolve<'t>(types: &'t [TypeDef], mut ty: &'t Type) -> &'t TypeKind {
    for _ in 0..=types.len() * 2 + 1 {
        match &ty.kind {
            TypeKind::Named(id) => match &types[id.0 as usize].kind {
                TypeDefKind::Alias(target) => ty = target,
                _ => return &ty.kind,
            },
            TypeKind::Nullable(inner) => ty = inner,
            kind => return kind,
        }
    }
    &ty.kind
}

/// The constraints a use site inherits through its alias chain (and `| null`), with the
/// name of the first alias; `None` when it goes through no alias with constraints.
fn inherited_constraints(types: &[TypeDef], ty: &Type) -> Option<(String, Constraints)> {
    let mut at = ty;
    let mut first = None;
    let mut inherited = Constraints::default();
    for _ in 0..=types.len() * 2 + 1 {
        match &at.kind {
            TypeKind::Named(id) => match &types[id.0 as usize].kind {
                TypeDefKind::Alias(target) => {
                    first.get_or_insert_with(|| types[id.0 as usize].name.clone());
                    inherited = inherited.intersect(&target.constraints);
                    at = target;
                }
                _ => break,
            },
            TypeKind::Nullable(inner) => {
                inherited = inherited.intersect(&inner.constraints);
                at = inner;
            }
            _ => break,
        }
    }
    first.filter(|_| !inherited.is_empty()).map(|name| (name, inherited))
}

/// Whether a range or length admits no value at all.
fn is_empty_range(c: &Constraints) -> bool {
    let len_empty = c.len.is_some_and(|l| matches!((l.min, l.max), (Some(a), Some(b)) if a > b));
    let range_empty = c.range.is_some_and(|r| match (r.min, r.max) {
        (Some(lo), Some(hi)) => match lo.value.cmp_exact(hi.value) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => lo.exclusive || hi.exclusive,
            std::cmp::Ordering::Less => false,
        },
        _ => false,
    });
    len_empty || range_empty
}

impl<'a> Lower<'a> {
    pub(crate) fn run_deferred(&mut self, types: &mut [TypeDef]) {
        for d in std::mem::take(&mut self.deferred) {
            match d {
                Deferred::Constraints { ty, span } => {
                    let kind = resolve(types, &ty);
                    let what = kind_name(kind, types);
                    let c = &ty.constraints;
                    // The use site's constraints and its alias chain's hold together: say so
                    // when no value meets both.
                    if let Some((alias, inherited)) = inherited_constraints(types, &ty)
                        && is_empty_range(&c.intersect(&inherited))
                    {
                        self.error(
                            Diagnostic::error(
                                "S0304",
                                format!("no value meets both this constraint and those of `{alias}`"),
                                span,
                                "empty together",
                            )
                            .with_note("the constraints of an alias and of the place it is used both apply"),
                        );
                    }
                    if let Some(r) = &c.range {
                        // Integer-encoded times are integers of `i64` for their range.
                        let i64_type = IntType { signed: true, bits: 64, encoding: IntEncoding::Number };
                        let kind = match kind {
                            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                                &TypeKind::Int(i64_type)
                            }
                            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                                &TypeKind::Float(FloatType::F64)
                            }
                            other => other,
                        };
                        match kind {
                            TypeKind::Int(it) => {
                                let int_bounds =
                                    [r.min, r.max].iter().flatten().all(|l| matches!(l.value, Number::Int(_)));
                                if !int_bounds {
                                    self.error(Diagnostic::error(
                                        "S0303",
                                        format!("a range on `{}` needs integer bounds", it.name()),
                                        span,
                                        "fractional bound",
                                    ));
                                } else {
                                    let lo = r.min.map_or(it.min(), |l| int_of(l.value) + i128::from(l.exclusive));
                                    let hi = r.max.map_or(it.max(), |l| int_of(l.value) - i128::from(l.exclusive));
                                    if lo.max(it.min()) > hi.min(it.max()) {
                                        self.error(Diagnostic::error(
                                            "S0304",
                                            format!("no `{}` value is in this range", it.name()),
                                            span,
                                            format!("`{}` holds {}..={}", it.name(), it.min(), it.max()),
                                        ));
                                    }
                                }
                            }
                            TypeKind::Float(_) => {}
                            _ => self.not_applicable(span, "@range", &what, "numbers"),
                        }
                    }
                    if c.len.is_some()
                        && !matches!(kind, TypeKind::String | TypeKind::Bytes(_) | TypeKind::List(_) | TypeKind::Map(_))
                    {
                        self.not_applicable(span, "@len", &what, "strings, bytes, lists and maps");
                    }
                    if !c.patterns.is_empty() && !matches!(kind, TypeKind::String) {
                        self.not_applicable(span, "@pattern", &what, "strings");
                    }
                }
                Deferred::AbsentNull { ty, required, name, span } => {
                    let nullable = accepts_null(types, &ty);
                    if !nullable || required {
                        let why = if nullable {
                            "the member is required, so it is never absent"
                        } else {
                            "the type has no `| null`"
                        };
                        self.error(
                            Diagnostic::error(
                                "S0313",
                                "`@absent(null)` applies to optional, nullable fields",
                                span,
                                why,
                            )
                            .with_help(format!("declare the field `{name}?: T | null`")),
                        );
                    }
                }
                Deferred::Default { ty, nullable, value, span } => {
                    if let Err(why) = fits(types, &ty, nullable, &value, 0) {
                        self.error(
                            Diagnostic::error("S0306", "the default does not fit the field's type", span, why)
                                .with_note(
                                    "a default is applied when the member is absent, so it must be a valid value",
                                ),
                        );
                    }
                }
            }
        }
    }

    fn not_applicable(&mut self, span: sockspec_syntax::Span, attr: &str, what: &str, applies: &str) {
        self.error(
            Diagnostic::error("S0303", format!("`{attr}` does not apply to {what}"), span, format!("{attr} on {what}"))
                .with_note(format!("`{attr}` applies to {applies}")),
        );
    }
}

fn int_of(n: Number) -> i128 {
    match n {
        Number::Int(i) => i,
        Number::Float(f) => f as i128,
    }
}

fn kind_name(kind: &TypeKind, types: &[TypeDef]) -> String {
    match kind {
        TypeKind::Bool => "`bool`".into(),
        TypeKind::Int(i) => format!("`{}`", i.name()),
        TypeKind::Float(FloatType::F32) => "`f32`".into(),
        TypeKind::Float(FloatType::F64) => "`f64`".into(),
        TypeKind::String => "`string`".into(),
        TypeKind::Bytes(_) => "`bytes`".into(),
        TypeKind::Uuid => "`uuid`".into(),
        TypeKind::DateTime(_) => "`datetime`".into(),
        TypeKind::Date => "`date`".into(),
        TypeKind::Json => "`json`".into(),
        TypeKind::Null => "`null`".into(),
        TypeKind::List(_) => "a list".into(),
        TypeKind::Tuple(_) => "a tuple".into(),
        TypeKind::Map(_) => "a map".into(),
        TypeKind::Named(id) => format!("`{}`", types[id.0 as usize].name),
        TypeKind::OneOf(_) => "a union".into(),
        TypeKind::Nullable(_) => "a nullable type".into(),
    }
}

/// Whether a JSON value is a valid value of a type (as a default: read from either side);
/// the reason when it is not. It follows DESIGN §4 like the validator crate, which is the
/// full implementation for frames.
pub(crate) fn fits(
    types: &[TypeDef],
    ty: &Type,
    nullable: bool,
    v: &serde_json::Value,
    depth: usize,
) -> Result<(), String> {
    use serde_json::Value;
    if depth > 64 {
        return Ok(());
    }
    if v.is_null() {
        return if nullable || accepts_null(types, ty) {
            Ok(())
        } else {
            Err("`null` is not allowed here; the type has no `| null`".into())
        };
    }
    let c = &ty.constraints;
    let len_ok = |n: usize| -> Result<(), String> {
        if let Some(l) = &c.len {
            let n = n as u64;
            if l.min.is_some_and(|m| n < m) || l.max.is_some_and(|m| n > m) {
                return Err(format!("length {n} is outside the declared @len"));
            }
        }
        Ok(())
    };
    let formatted = |ok: bool, what: &str| if ok { Ok(()) } else { Err(format!("not a valid {what}")) };
    match (&ty.kind, v) {
        (TypeKind::Json, _) => Ok(()),
        (TypeKind::Null, _) => Err("only `null` is allowed".into()),
        (TypeKind::Nullable(inner), _) => fits(types, inner, true, v, depth + 1),
        (TypeKind::Bool, Value::Bool(_)) => Ok(()),
        (TypeKind::Int(it), _) => {
            let n: Option<i128> = match (it.encoding, v) {
                (IntEncoding::Number, Value::Number(n)) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
                (IntEncoding::String, Value::String(s)) if format::is_decimal_integer(s) => s.parse::<i128>().ok(),
                _ => None,
            };
            let Some(n) = n else {
                return Err(match it.encoding {
                    IntEncoding::Number => format!("expected an integer ({})", it.name()),
                    IntEncoding::String => {
                        format!("expected decimal digits in a string, such as \"42\" ({} @as(string))", it.name())
                    }
                });
            };
            if n < it.min() || n > it.max() {
                return Err(format!("{n} does not fit `{}`", it.name()));
            }
            int_in_range(c, n)
        }
        (TypeKind::Float(ft), Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if *ft == FloatType::F32 && (x as f32).is_infinite() {
                return Err(format!("{x} does not fit `f32`"));
            }
            float_in_range(c, x)
        }
        (TypeKind::String, Value::String(s)) => {
            len_ok(s.chars().count())?;
            if let Some(p) = c.patterns.iter().find(|p| regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))) {
                return Err(format!("does not match the pattern `{p}`"));
            }
            Ok(())
        }
        (TypeKind::Bytes(encoding), Value::String(s)) => match format::base64_len(s, *encoding) {
            Some(n) => len_ok(n),
            None => Err("not valid base64 for this field's encoding".into()),
        },
        (TypeKind::Uuid, Value::String(s)) => formatted(format::is_uuid(s), "uuid (8-4-4-4-12 hexadecimal digits)"),
        (TypeKind::Date, Value::String(s)) => formatted(format::is_date(s), "date (YYYY-MM-DD)"),
        (TypeKind::DateTime(TimeEncoding::Rfc3339), Value::String(s)) => {
            formatted(format::is_rfc3339(s), "RFC 3339 date-time with an offset")
        }
        (TypeKind::DateTime(TimeEncoding::Local), Value::String(s)) => {
            formatted(format::is_local_datetime(s), "local date-time with no offset")
        }
        (TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat), Value::Number(n)) => {
            float_in_range(c, n.as_f64().unwrap_or(f64::NAN))
        }
        (TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs), Value::Number(n)) => {
            match n.as_i64() {
                Some(i) => int_in_range(c, i128::from(i)),
                None => Err("expected an integer number of seconds, milliseconds or microseconds".into()),
            }
        }
        (TypeKind::List(item), Value::Array(items)) => {
            len_ok(items.len())?;
            items.iter().try_for_each(|i| fits(types, item, false, i, depth + 1))
        }
        (TypeKind::Tuple(elements), Value::Array(items)) => {
            if items.len() != elements.len() {
                return Err(format!("{} items, the tuple has {}", items.len(), elements.len()));
            }
            elements.iter().zip(items).try_for_each(|(t, i)| fits(types, t, false, i, depth + 1))
        }
        (TypeKind::Map(value), Value::Object(m)) => {
            len_ok(m.len())?;
            m.values().try_for_each(|i| fits(types, value, false, i, depth + 1))
        }
        (TypeKind::OneOf(u), _) => untagged_fits(types, u, v, depth),
        (TypeKind::Named(id), _) => {
            let def = &types[id.0 as usize];
            match &def.kind {
                TypeDefKind::Alias(target) => {
                    fits(types, target, false, v, depth + 1)?;
                    // Constraints at the point of use apply on top of the alias's own.
                    if c.is_empty() {
                        Ok(())
                    } else {
                        fits(types, &Type { kind: target.kind.clone(), constraints: c.clone() }, false, v, depth + 1)
                    }
                }
                TypeDefKind::Enum(e) => enum_fits(&def.name, e, v),
                TypeDefKind::Struct(s) => struct_fits(types, &def.name, s, v, depth),
                TypeDefKind::Union(Union::Untagged(u)) => untagged_fits(types, u, v, depth),
                TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
                    let Value::Object(m) = v else { return Err(format!("expected an object (`{}`)", def.name)) };
                    if let Some(TypeDefKind::Struct(b)) = base.map(|b| &types[b.0 as usize].kind) {
                        for f in &b.fields {
                            match m.get(&f.name) {
                                Some(x) => fits(types, &f.ty, f.nullable, x, depth + 1)
                                    .map_err(|e| format!("member `{}`: {e}", f.name))?,
                                None if f.required => return Err(format!("member `{}` is missing", f.name)),
                                None => {}
                            }
                        }
                    }
                    let tag = match m.get(field) {
                        Some(Value::String(s)) => TagValue::Str(s.clone()),
                        Some(Value::Number(n)) if n.is_i64() => TagValue::Int(n.as_i64().unwrap_or_default()),
                        _ => return Err(format!("expected the tag member `{field}` of `{}`", def.name)),
                    };
                    let variant = variants.iter().find(|vid| match &types[vid.0 as usize].kind {
                        TypeDefKind::Struct(s) => s.tag == tag,
                        _ => false,
                    });
                    match variant {
                        Some(vid) => {
                            let vdef = &types[vid.0 as usize];
                            let TypeDefKind::Struct(s) = &vdef.kind else { return Ok(()) };
                            struct_fits(types, &vdef.name, s, v, depth).map_err(|e| format!("{e} (variant {tag})"))
                        }
                        None if *open => Ok(()),
                        None => Err(format!("{tag} is not a tag of `{}`", def.name)),
                    }
                }
            }
        }
        _ => Err(format!("not a valid {}", kind_name(&ty.kind, types).trim_matches('`'))),
    }
}

fn int_in_range(c: &Constraints, n: i128) -> Result<(), String> {
    let Some(r) = &c.range else { return Ok(()) };
    let above = |l: &Limit| match l.value {
        Number::Int(b) => n > b || (!l.exclusive && n == b),
        Number::Float(b) => (n as f64) > b || (!l.exclusive && n as f64 == b),
    };
    let below = |l: &Limit| match l.value {
        Number::Int(b) => n < b || (!l.exclusive && n == b),
        Number::Float(b) => (n as f64) < b || (!l.exclusive && n as f64 == b),
    };
    if r.min.as_ref().is_none_or(above) && r.max.as_ref().is_none_or(below) {
        Ok(())
    } else {
        Err(format!("{n} is outside the declared @range"))
    }
}

fn float_in_range(c: &Constraints, x: f64) -> Result<(), String> {
    let Some(r) = &c.range else { return Ok(()) };
    let lo = r.min.is_none_or(|l| if l.exclusive { x > l.value.as_f64() } else { x >= l.value.as_f64() });
    let hi = r.max.is_none_or(|l| if l.exclusive { x < l.value.as_f64() } else { x <= l.value.as_f64() });
    if lo && hi { Ok(()) } else { Err(format!("{x} is outside the declared @range")) }
}

fn enum_fits(name: &str, e: &Enum, v: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    match (&e.repr, v) {
        (EnumRepr::String, Value::String(s)) => {
            if e.open || e.variants.iter().any(|x| x.value == TagValue::Str(s.clone())) {
                Ok(())
            } else {
                Err(format!("{s:?} is not a value of enum `{name}`"))
            }
        }
        (EnumRepr::Int(it), Value::Number(n)) => {
            let Some(i) = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)) else {
                return Err(format!("expected an integer value of enum `{name}`"));
            };
            if i < it.min() || i > it.max() {
                return Err(format!("{i} does not fit `{}`", it.name()));
            }
            let known = e.variants.iter().any(|x| x.value == TagValue::Int(i as i64));
            let in_mask = e.flags && {
                let mask = e
                    .variants
                    .iter()
                    .fold(0i128, |m, x| m | if let TagValue::Int(b) = x.value { i128::from(b) } else { 0 });
                i & !mask == 0
            };
            if e.open || known || in_mask { Ok(()) } else { Err(format!("{i} is not a value of enum `{name}`")) }
        }
        (EnumRepr::String, _) => Err(format!("expected a string value of enum `{name}`")),
        (EnumRepr::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            let i = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)).unwrap_or_default();
            let known = e.variants.iter().any(|x| x.value == TagValue::Int(i as i64) && i64::try_from(i).is_ok());
            let mask = e
                .variants
                .iter()
                .fold(0i128, |m, x| m | if let TagValue::Int(b) = x.value { i128::from(b) } else { 0 });
            if e.open || known || (e.flags && i & !mask == 0) {
                Ok(())
            } else {
                Err(format!("{i} is not a value of enum `{name}`"))
            }
        }
        (EnumRepr::Int(_) | EnumRepr::Integer, _) => Err(format!("expected an integer value of enum `{name}`")),
    }
}

fn struct_fits(types: &[TypeDef], name: &str, s: &Struct, v: &serde_json::Value, depth: usize) -> Result<(), String> {
    let serde_json::Value::Object(m) = v else { return Err(format!("expected an object (`{name}`)")) };
    for f in &s.fields {
        match m.get(&f.name) {
            Some(x) => fits(types, &f.ty, f.nullable, x, depth + 1).map_err(|e| format!("member `{}`: {e}", f.name))?,
            None if f.required => return Err(format!("member `{}` is missing", f.name)),
            None => {}
        }
    }
    // A default is read by both sides: it must pass the stricter policy.
    let strict = s.unknown_fields.client == UnknownFields::Reject || s.unknown_fields.server == UnknownFields::Reject;
    if strict && let Some(k) = m.keys().find(|k| !s.fields.iter().any(|f| f.name == **k)) {
        return Err(format!("`{name}` does not declare a member `{k}`"));
    }
    Ok(())
}

fn untagged_fits(types: &[TypeDef], u: &Untagged, v: &serde_json::Value, depth: usize) -> Result<(), String> {
    if u.variants.iter().any(|t| fits(types, t, false, v, depth + 1).is_ok()) {
        Ok(())
    } else {
        Err("fits none of the union's variants".into())
    }
}
