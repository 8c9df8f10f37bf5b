//! Checks over the whole set of lowered types: constraints against resolved kinds and
//! recursive types that have no finite value; defaults are handed on to the validator.

use sockspec_syntax::Diagnostic;

use super::Lower;
use super::types::Deferred;
use crate::model::*;

/// The kind a type has once aliases and `| null` are followed (constraints of aliases are
/// not merged): a constraint on `T | null` constrains `T`.
fn resolve<'t>(types: &'t [TypeDef], mut ty: &'t Type) -> &'t TypeKind {
    for _ in 0..64 {
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

impl<'a> Lower<'a> {
    pub(crate) fn run_deferred(&mut self, types: &mut [TypeDef]) {
        for d in std::mem::take(&mut self.deferred) {
            match d {
                Deferred::Constraints { ty, span } => {
                    let kind = resolve(types, &ty);
                    let what = kind_name(kind, types);
                    let c = &ty.constraints;
                    if let Some(r) = &c.range {
                        // Integer-encoded times are integers of `i64` for their range.
                        let i64_type = IntType { signed: true, bits: 64, encoding: IntEncoding::Number };
                        let kind = match kind {
                            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                                &TypeKind::Int(i64_type)
                            }
                            TypeKind::DateTime(TimeEncoding::UnixSFloat) => &TypeKind::Float(FloatType::F64),
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
                    if c.pattern.is_some() && !matches!(kind, TypeKind::String) {
                        self.not_applicable(span, "@pattern", &what, "strings");
                    }
                }
                Deferred::Default { ty, nullable, value, span } => {
                    // Judged by the validator (`sockspec_validator::check`), the one
                    // implementation of DESIGN §4.
                    self.defaults.push(crate::DefaultSite { ty, nullable, value, span });
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

    /// Reports aliases and untagged unions that stand for themselves without nesting
    /// (`type A = A | null`): no reader could ever decide what such a value is.
    pub(crate) fn check_cycles(&mut self, types: &[TypeDef]) -> Vec<TypeId> {
        let mut cyclic_ids = Vec::new();
        fn reaches(types: &[TypeDef], ty: &Type, target: TypeId, seen: &mut Vec<TypeId>) -> bool {
            match &ty.kind {
                TypeKind::Nullable(inner) => reaches(types, inner, target, seen),
                TypeKind::OneOf(u) => u.variants.iter().any(|v| reaches(types, v, target, seen)),
                TypeKind::Named(id) if *id == target => true,
                TypeKind::Named(id) if !seen.contains(id) => {
                    seen.push(*id);
                    match &types[id.0 as usize].kind {
                        TypeDefKind::Alias(t) => reaches(types, t, target, seen),
                        TypeDefKind::Union(Union::Untagged(u)) => {
                            u.variants.iter().any(|v| reaches(types, v, target, seen))
                        }
                        _ => false,
                    }
                }
                _ => false,
            }
        }
        for (i, def) in types.iter().enumerate() {
            let id = TypeId(i as u32);
            let cyclic = match &def.kind {
                TypeDefKind::Alias(t) => reaches(types, t, id, &mut Vec::new()),
                TypeDefKind::Union(Union::Untagged(u)) => {
                    u.variants.iter().any(|v| reaches(types, v, id, &mut Vec::new()))
                }
                _ => false,
            };
            if cyclic {
                cyclic_ids.push(id);
                self.error(
                    Diagnostic::error(
                        "S0307",
                        format!("`{}` stands for itself without nesting", def.name),
                        def.meta.span,
                        "refers to itself directly",
                    )
                    .with_help("a type may refer to itself only inside a struct, a list or a map"),
                );
            }
        }
        cyclic_ids
    }

    /// Reports types that require themselves with no way out (no finite JSON value).
    pub(crate) fn check_inhabited(&mut self, types: &[TypeDef], reported: &[TypeId]) {
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
            if !inhabited[i] && !reported.contains(&TypeId(i as u32)) {
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
        // An empty list or map is a value, unless `@len` asks for at least one item.
        TypeKind::List(item) | TypeKind::Map(item) => {
            ty.constraints.len.and_then(|l| l.min).is_none_or(|min| min == 0) || type_inhabited(item, inhabited)
        }
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
