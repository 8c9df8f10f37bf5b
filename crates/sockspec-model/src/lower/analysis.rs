//! Checks over the whole set of lowered types: constraints against resolved kinds,
//! defaults against their types, and recursive types that have no finite value.

use sockspec_syntax::Diagnostic;

use super::Lower;
use super::types::Deferred;
use crate::model::*;

/// The kind a type has once aliases are followed (constraints of aliases are not merged).
fn resolve<'t>(types: &'t [TypeDef], mut ty: &'t Type) -> &'t TypeKind {
    for _ in 0..64 {
        match &ty.kind {
            TypeKind::Named(id) => match &types[id.0 as usize].kind {
                TypeDefKind::Alias(target) => ty = target,
                _ => return &ty.kind,
            },
            kind => return kind,
        }
    }
    &ty.kind
}

impl<'a> Lower<'a> {
    pub(crate) fn run_deferred(&mut self, types: &mut [TypeDef]) {
        for d in std::mem::take(&mut self.deferred) {
            match d {
                Deferred::Constraints { ty, span } => {
                    let kind = resolve(types, &ty);
                    let what = kind_name(kind, types);
                    let c = &ty.constraints;
                    if let Some(r) = &c.range {
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
                    if c.pattern.is_some() && !matches!(kind, TypeKind::String) {
                        self.not_applicable(span, "@pattern", &what, "strings");
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

    /// Reports types that require themselves with no way out (no finite JSON value).
    pub(crate) fn check_inhabited(&mut self, types: &[TypeDef]) {
        let mut inhabited = vec![false; types.len()];
        loop {
            let mut changed = false;
            for (i, def) in types.iter().enumerate() {
                if !inhabited[i] && def_inhabited(def, &inhabited) {
                    inhabited[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (i, def) in types.iter().enumerate() {
            if !inhabited[i] {
                let empty_enum = matches!(&def.kind, TypeDefKind::Enum(e) if e.variants.is_empty());
                let diag = if empty_enum {
                    Diagnostic::error(
                        "S0307",
                        format!("enum `{}` has no variants", def.name),
                        def.meta.span,
                        "no value",
                    )
                    .with_help("add a variant, or mark it `@open`")
                } else {
                    Diagnostic::error(
                        "S0307",
                        format!("type `{}` has no finite value", def.name),
                        def.meta.span,
                        "requires itself with no way out",
                    )
                    .with_help("make the recursive member optional (`?`), nullable (`| null`), or a list")
                };
                self.error(diag);
            }
        }
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
        TypeKind::Map(_) => "a map".into(),
        TypeKind::Named(id) => format!("`{}`", types[id.0 as usize].name),
        TypeKind::OneOf(_) => "a union".into(),
        TypeKind::Nullable(_) => "a nullable type".into(),
    }
}

fn type_inhabited(ty: &Type, inhabited: &[bool]) -> bool {
    match &ty.kind {
        TypeKind::Named(id) => inhabited[id.0 as usize],
        TypeKind::OneOf(u) => u.variants.iter().any(|v| type_inhabited(v, inhabited)),
        _ => true,
    }
}

fn def_inhabited(def: &TypeDef, inhabited: &[bool]) -> bool {
    match &def.kind {
        TypeDefKind::Struct(s) => {
            s.fields.iter().all(|f| !f.required || f.nullable || type_inhabited(&f.ty, inhabited))
        }
        TypeDefKind::Enum(e) => e.open || !e.variants.is_empty(),
        TypeDefKind::Union(Union::Tagged { variants, open, .. }) => {
            *open || variants.iter().any(|v| inhabited[v.0 as usize])
        }
        TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().any(|v| type_inhabited(v, inhabited)),
        TypeDefKind::Alias(t) => type_inhabited(t, inhabited),
    }
}

/// Whether a JSON value is a valid value of a type; the reason when it is not. Used for
/// defaults; the validator crate is the full implementation for messages.
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
        return if nullable || matches!(ty.kind, TypeKind::Json | TypeKind::Null | TypeKind::Nullable(_)) {
            Ok(())
        } else {
            Err("`null` is not allowed here; the type has no `| null`".into())
        };
    }
    let c = &ty.constraints;
    let in_range = |x: f64| -> Result<(), String> {
        if let Some(r) = &c.range {
            let lo_ok = r.min.is_none_or(|l| if l.exclusive { x > l.value.as_f64() } else { x >= l.value.as_f64() });
            let hi_ok = r.max.is_none_or(|l| if l.exclusive { x < l.value.as_f64() } else { x <= l.value.as_f64() });
            if !(lo_ok && hi_ok) {
                return Err(format!("{x} is outside the declared @range"));
            }
        }
        Ok(())
    };
    let len_ok = |n: usize| -> Result<(), String> {
        if let Some(l) = &c.len {
            let n = n as u64;
            if l.min.is_some_and(|m| n < m) || l.max.is_some_and(|m| n > m) {
                return Err(format!("length {n} is outside the declared @len"));
            }
        }
        Ok(())
    };
    match (&ty.kind, v) {
        (TypeKind::Json, _) => Ok(()),
        (TypeKind::Nullable(inner), _) => fits(types, inner, true, v, depth + 1),
        (TypeKind::Bool, Value::Bool(_)) => Ok(()),
        (TypeKind::Int(it), _) => {
            let n: Option<i128> = match (it.encoding, v) {
                (IntEncoding::Number, Value::Number(n)) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
                (IntEncoding::String, Value::String(s)) => s.parse::<i128>().ok(),
                _ => None,
            };
            let Some(n) = n else {
                return Err(match it.encoding {
                    IntEncoding::Number => format!("expected an integer ({})", it.name()),
                    IntEncoding::String => {
                        format!("expected an integer written as a string ({} @as(string))", it.name())
                    }
                });
            };
            if n < it.min() || n > it.max() {
                return Err(format!("{n} does not fit `{}`", it.name()));
            }
            in_range(n as f64)
        }
        (TypeKind::Float(_), Value::Number(n)) => in_range(n.as_f64().unwrap_or(f64::NAN)),
        (TypeKind::String, Value::String(s)) => {
            len_ok(s.chars().count())?;
            if let Some(p) = &c.pattern
                && regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))
            {
                return Err(format!("does not match the pattern `{p}`"));
            }
            Ok(())
        }
        (TypeKind::Bytes(_) | TypeKind::Uuid | TypeKind::Date, Value::String(_)) => Ok(()),
        (TypeKind::DateTime(TimeEncoding::Rfc3339 | TimeEncoding::Local), Value::String(_)) => Ok(()),
        (TypeKind::DateTime(TimeEncoding::UnixSFloat), Value::Number(_)) => Ok(()),
        (TypeKind::DateTime(_), Value::Number(n)) if n.is_i64() => Ok(()),
        (TypeKind::List(item), Value::Array(items)) => {
            len_ok(items.len())?;
            items.iter().try_for_each(|i| fits(types, item, false, i, depth + 1))
        }
        (TypeKind::Map(value), Value::Object(m)) => {
            len_ok(m.len())?;
            m.values().try_for_each(|i| fits(types, value, false, i, depth + 1))
        }
        (TypeKind::OneOf(u), _) => {
            if u.variants.iter().any(|t| fits(types, t, false, v, depth + 1).is_ok()) {
                Ok(())
            } else {
                Err("fits none of the union's types".into())
            }
        }
        (TypeKind::Named(id), _) => {
            let def = &types[id.0 as usize];
            match &def.kind {
                TypeDefKind::Alias(target) => {
                    fits(types, target, false, v, depth + 1)?;
                    fits(types, &Type { kind: target.kind.clone(), constraints: c.clone() }, false, v, depth + 1)
                }
                TypeDefKind::Enum(e) => {
                    let tag = match v {
                        Value::String(s) => Some(TagValue::Str(s.clone())),
                        Value::Number(n) => n.as_i64().map(TagValue::Int),
                        _ => None,
                    };
                    match tag {
                        Some(t) if e.open || e.variants.iter().any(|x| x.value == t) => Ok(()),
                        Some(TagValue::Int(i)) if e.flags => {
                            let mask = e
                                .variants
                                .iter()
                                .fold(0i64, |m, x| m | if let TagValue::Int(b) = x.value { b } else { 0 });
                            if i & !mask == 0 {
                                Ok(())
                            } else {
                                Err(format!("{i} has bits no flag of `{}` names", def.name))
                            }
                        }
                        _ => Err(format!("not a value of enum `{}`", def.name)),
                    }
                }
                TypeDefKind::Struct(s) => {
                    let Value::Object(m) = v else { return Err(format!("expected an object (`{}`)", def.name)) };
                    for f in &s.fields {
                        match m.get(&f.name) {
                            Some(x) => fits(types, &f.ty, f.nullable, x, depth + 1)
                                .map_err(|e| format!("member `{}`: {e}", f.name))?,
                            None if f.required => return Err(format!("member `{}` is missing", f.name)),
                            None => {}
                        }
                    }
                    Ok(())
                }
                TypeDefKind::Union(_) => match v {
                    Value::Object(_) | Value::Array(_) | Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
                    Value::Null => Err("null".into()),
                },
            }
        }
        _ => Err(format!("not a valid {}", kind_name(&ty.kind, types).trim_matches('`'))),
    }
}
