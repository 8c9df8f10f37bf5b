//! Checks over the whole set of lowered types: constraints against resolved kinds; defaults
//! are handed on to the validator (recursion is `recursion.rs`).

use sockspec_syntax::Diagnostic;

use super::Lower;
use super::types::Deferred;
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
