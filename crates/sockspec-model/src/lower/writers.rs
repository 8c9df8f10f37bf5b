//! S0316: untagged variants that the Python or TypeScript writer takes one for the other.
//!
//! The generated Python and TypeScript code hold a value of an untagged union as the value
//! of its variant, with no record of which variant it was read as: their writers pick the
//! first variant, in declared order, whose value type the value has (Python's `fits`,
//! TypeScript's `is_value_of`, or `fits` for an ordered union). Where two variants hold one
//! value type but write it differently (`u64` and `u64 @as(string)` are both an `int` in
//! Python), a value read as the later one is written as the earlier one, so a frame does
//! not come back as it was read, and the targets write different frames for one value
//! (Rust keeps one enum variant each). The rules below follow those writers; each case is
//! pinned by a test in `tests/writers.rs` and was checked against the generated code.
//!
//! A union's pairs are found without comparing every pair: variants are grouped by the
//! kind of value a target holds (number, text, list...), and only variants of one group
//! are compared. The whole schema's comparisons share a budget ([`BUDGET`]): a warning is
//! advice, and a pathological schema must not make the check slow.

use sockspec_syntax::{Diagnostic, Span};

use crate::model::*;

/// Comparison steps for one schema: past it, the remaining pairs are not compared.
const BUDGET: usize = 1_000_000;

/// How deep a comparison follows lists, maps, struct fields and nested unions.
const MAX_DEPTH: usize = 24;

/// An untagged union whose writers are checked once every type is lowered.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    /// `` `U` `` or "this union", as S0308 names it.
    pub owner: String,
    pub variants: Vec<(Type, Span)>,
    pub ordered: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Python,
    TypeScript,
}

/// The test a writer applies to pick a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    /// Python's `fits`: the value's Python type, integers within their width.
    Py,
    /// TypeScript's `is_value_of` (plain unions): the value's JavaScript type only.
    TsShallow,
    /// TypeScript's `fits` (ordered unions): deep, integers within their width, struct
    /// members, closed enum values.
    TsDeep,
}

fn test_of(target: Target, ordered: bool) -> Test {
    match (target, ordered) {
        (Target::Python, _) => Test::Py,
        (Target::TypeScript, false) => Test::TsShallow,
        (Target::TypeScript, true) => Test::TsDeep,
    }
}

/// A type as a writer sees it: aliases followed, `| null` taken off, integer bounds
/// intersected with the `@range` of the use site and of every alias on the way.
#[derive(Clone, Copy)]
enum View<'t> {
    Bool,
    Null,
    Json,
    /// `lo..=hi` are the values a reader accepts; `bits` the width the writers test.
    Int {
        lo: i128,
        hi: i128,
        bits: (i128, i128),
        string: bool,
    },
    Enum(&'t Enum),
    Float,
    /// `string`, `uuid`, `date`: every target writes them as the text they hold.
    Text(TextKind),
    /// With whether a `@range` narrows it.
    Time(TimeEncoding, bool),
    Bytes(BytesEncoding),
    List(&'t Type),
    Tuple(&'t [Type]),
    Map(&'t Type),
    Struct(TypeId, &'t Struct),
    Tagged(&'t [TypeId]),
    Union(&'t Untagged),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextKind {
    String,
    Uuid,
    Date,
}

struct Cx<'t> {
    types: &'t [TypeDef],
    budget: usize,
}

impl<'t> Cx<'t> {
    fn view(&self, mut ty: &'t Type) -> View<'t> {
        let mut range: Option<(i128, i128)> = None;
        let mut narrow = |c: &Constraints| {
            if let Some(r) = &c.range {
                let lo = r.min.map_or(i128::MIN, |l| ceil(l.value) + i128::from(l.exclusive));
                let hi = r.max.map_or(i128::MAX, |l| floor(l.value) - i128::from(l.exclusive));
                let (a, b) = range.unwrap_or((i128::MIN, i128::MAX));
                range = Some((a.max(lo), b.min(hi)));
            }
        };
        // A chain longer than there are types goes round a cycle (S0307's to report).
        for _ in 0..=self.types.len() * 2 + 1 {
            narrow(&ty.constraints);
            match &ty.kind {
                TypeKind::Nullable(inner) => ty = inner,
                TypeKind::Named(id) => match self.types.get(id.0 as usize).map(|d| &d.kind) {
                    Some(TypeDefKind::Alias(target)) => ty = target,
                    Some(TypeDefKind::Struct(s)) => return View::Struct(*id, s),
                    Some(TypeDefKind::Enum(e)) => return View::Enum(e),
                    Some(TypeDefKind::Union(Union::Tagged { variants, .. })) => return View::Tagged(variants),
                    Some(TypeDefKind::Union(Union::Untagged(u))) => return View::Union(u),
                    None => return View::Json,
                },
                TypeKind::Bool => return View::Bool,
                TypeKind::Null => return View::Null,
                TypeKind::Json => return View::Json,
                TypeKind::Int(it) => {
                    let bits = (it.min(), it.max());
                    let (lo, hi) = range.unwrap_or(bits);
                    return View::Int {
                        lo: lo.max(bits.0),
                        hi: hi.min(bits.1),
                        bits,
                        string: it.encoding == IntEncoding::String,
                    };
                }
                TypeKind::Float(_) => return View::Float,
                TypeKind::String => return View::Text(TextKind::String),
                TypeKind::Uuid => return View::Text(TextKind::Uuid),
                TypeKind::Date => return View::Text(TextKind::Date),
                TypeKind::DateTime(e) => return View::Time(*e, range.is_some()),
                TypeKind::Bytes(e) => return View::Bytes(*e),
                TypeKind::List(item) => return View::List(item),
                TypeKind::Tuple(items) => return View::Tuple(items),
                TypeKind::Map(item) => return View::Map(item),
                TypeKind::OneOf(u) => return View::Union(u),
            }
        }
        View::Json
    }

    fn spend(&mut self) -> bool {
        match self.budget.checked_sub(1) {
            Some(left) => {
                self.budget = left;
                true
            }
            None => false,
        }
    }

    /// Whether some value read as `b` passes `test` for `a` (the writer would pick `a`).
    fn catches(&mut self, target: Target, test: Test, a: &'t Type, b: &'t Type, depth: usize) -> bool {
        if depth > MAX_DEPTH || !self.spend() {
            return false;
        }
        let (va, vb) = (self.view(a), self.view(b));
        match (va, vb) {
            (_, View::Union(u)) => u.variants.iter().any(|y| self.catches(target, test, a, y, depth + 1)),
            (View::Union(u), _) => {
                let inner = test_of(target, u.ordered);
                test == Test::TsShallow || u.variants.iter().any(|x| self.catches(target, inner, x, b, depth + 1))
            }
            (View::Json, _) => true,
            (_, View::Json) => self.json_clash(target, test, a, depth + 1).is_some(),
            (View::List(x), View::List(y)) | (View::Map(x), View::Map(y)) => {
                test == Test::TsShallow || self.catches(target, test, x, y, depth + 1)
            }
            (View::Tuple(xs), View::Tuple(ys)) => {
                test == Test::TsShallow
                    || (xs.len() == ys.len()
                        && xs.iter().zip(ys).all(|(x, y)| self.catches(target, test, x, y, depth + 1)))
            }
            (View::Struct(ia, sa), View::Struct(ib, sb)) => match test {
                Test::Py => ia == ib,
                // A plain union's struct variants are told apart by their signatures.
                Test::TsShallow => ia == ib,
                Test::TsDeep => ia == ib || self.struct_fits(target, sa, sb, depth + 1),
            },
            (View::Tagged(vs), View::Struct(id, _)) => target == Target::Python && vs.contains(&id),
            (View::Struct(ia, _), View::Tagged(vs)) => target == Target::Python && vs.contains(&ia),
            (View::Tagged(x), View::Tagged(y)) => x.iter().any(|v| y.contains(v)),
            (View::Map(x), View::Struct(_, s)) if test == Test::TsDeep => {
                s.fields.iter().all(|f| self.catches(target, test, x, &f.ty, depth + 1))
            }
            (View::Struct(_, s), View::Map(y)) if test == Test::TsDeep => {
                s.fields.iter().all(|f| !always_present(f) || self.catches(target, test, &f.ty, y, depth + 1))
            }
            _ => leaf_catches(target, test, va, vb),
        }
    }

    /// Whether a value of struct `b` passes TypeScript's deep test for struct `a`: every
    /// member `a` requires is one `b` may have, every member `b` always has is one of
    /// `a`'s, and the shared members' values pass.
    fn struct_fits(&mut self, target: Target, a: &'t Struct, b: &'t Struct, depth: usize) -> bool {
        let required = a.fields.iter().filter(|f| f.required && f.default.is_none());
        if !required.clone().all(|f| b.fields.iter().any(|g| g.name == f.name)) {
            return false;
        }
        if !b.fields.iter().filter(|g| always_present(g)).all(|g| a.fields.iter().any(|f| f.name == g.name)) {
            return false;
        }
        let pairs: Vec<(&'t Field, &'t Field)> =
            a.fields.iter().filter_map(|f| b.fields.iter().find(|g| g.name == f.name).map(|g| (f, g))).collect();
        pairs.into_iter().all(|(f, g)| self.catches(target, Test::TsDeep, &f.ty, &g.ty, depth))
    }

    /// The value type a value read as `b` and written as `a` has in `target`, when some
    /// value read as `b` passes `test` for `a` and `a`'s writer writes it differently.
    fn clash(&mut self, target: Target, test: Test, a: &'t Type, b: &'t Type, depth: usize) -> Option<&'static str> {
        if depth > MAX_DEPTH || !self.spend() {
            return None;
        }
        let (va, vb) = (self.view(a), self.view(b));
        match (va, vb) {
            (_, View::Union(u)) => u.variants.iter().find_map(|y| self.clash(target, test, a, y, depth + 1)),
            (View::Union(u), _) => {
                let inner = test_of(target, u.ordered);
                u.variants.iter().find_map(|x| self.clash(target, inner, x, b, depth + 1))
            }
            // `json` writes what it holds; beside other variants it comes first (an
            // ordered union), and then takes every value itself.
            (View::Json, _) => None,
            (_, View::Json) => self.json_clash(target, test, a, depth + 1),
            (View::List(x), View::List(y)) | (View::Map(x), View::Map(y)) => {
                self.clash(target, inner_test(test), x, y, depth + 1)
            }
            (View::Tuple(xs), View::Tuple(ys)) if xs.len() == ys.len() => {
                let test = inner_test(test);
                if !xs.iter().zip(ys).all(|(x, y)| self.catches(target, test, x, y, depth + 1)) {
                    return None;
                }
                xs.iter().zip(ys).find_map(|(x, y)| self.clash(target, test, x, y, depth + 1))
            }
            (View::Struct(ia, sa), View::Struct(ib, sb)) if ia != ib && test == Test::TsDeep => {
                if !self.struct_fits(target, sa, sb, depth + 1) {
                    return None;
                }
                sa.fields.iter().find_map(|f| {
                    let g = sb.fields.iter().find(|g| g.name == f.name)?;
                    self.clash(target, Test::TsDeep, &f.ty, &g.ty, depth + 1)
                })
            }
            // Python holds a tagged union's value as its variant's class: written as the
            // union, a value read as the bare struct gains the tag.
            (View::Tagged(vs), View::Struct(id, _)) if target == Target::Python && vs.contains(&id) => {
                Some("an instance of the struct's class")
            }
            (View::Map(x), View::Struct(_, s)) if test == Test::TsDeep => {
                if !self.catches(target, test, a, b, depth + 1) {
                    return None;
                }
                s.fields.iter().find_map(|f| self.clash(target, test, x, &f.ty, depth + 1))
            }
            (View::Struct(_, s), View::Map(y)) if test == Test::TsDeep => {
                if !self.catches(target, test, a, b, depth + 1) {
                    return None;
                }
                s.fields.iter().find_map(|f| self.clash(target, test, &f.ty, y, depth + 1))
            }
            _ => (leaf_catches(target, test, va, vb) && leaf_differs(target, va, vb)).then(|| value_name(target, vb)),
        }
    }

    /// When a `json` value (any JSON value as the target's reader holds it) passes `test`
    /// for `a` and `a`'s writer changes it: an integer written as a string.
    fn json_clash(&mut self, target: Target, test: Test, a: &'t Type, depth: usize) -> Option<&'static str> {
        if depth > MAX_DEPTH || !self.spend() {
            return None;
        }
        match self.view(a) {
            // Python reads every JSON integer as an `int`; TypeScript as a `number`, or a
            // `bigint` past 2^53, which only a `bigint` integer type takes.
            View::Int { bits, string: true, .. } => match target {
                Target::Python => Some("an `int`"),
                Target::TypeScript if !is_big(bits) => Some("a `number`"),
                Target::TypeScript if bits.1 > 1 << 53 || bits.0 < -(1 << 53) => Some("a `bigint`"),
                Target::TypeScript => None,
            },
            View::List(x) | View::Map(x) => self.json_clash(target, inner_test(test), x, depth + 1),
            View::Union(u) => {
                let inner = test_of(target, u.ordered);
                u.variants.iter().find_map(|x| self.json_clash(target, inner, x, depth + 1))
            }
            View::Struct(_, s) if test == Test::TsDeep => {
                s.fields.iter().find_map(|f| self.json_clash(target, test, &f.ty, depth + 1))
            }
            _ => None,
        }
    }
}

/// The test a container's items are written under: a plain union's TypeScript test looks
/// at the container only, and the items are then written as the chosen variant's; taking
/// the deep test for them says whether they could be.
fn inner_test(test: Test) -> Test {
    if test == Test::TsShallow { Test::TsDeep } else { test }
}

fn always_present(f: &Field) -> bool {
    f.required || f.default.is_some()
}

fn ceil(n: Number) -> i128 {
    match n {
        Number::Int(i) => i,
        Number::Float(f) => f.ceil().clamp(i128::MIN as f64, i128::MAX as f64) as i128,
    }
}

fn floor(n: Number) -> i128 {
    match n {
        Number::Int(i) => i,
        Number::Float(f) => f.floor().clamp(i128::MIN as f64, i128::MAX as f64) as i128,
    }
}

/// The integers a TypeScript `number` or `bigint` of this width holds.
fn is_big(bits: (i128, i128)) -> bool {
    bits.1 > u32::MAX as i128 || bits.0 < i32::MIN as i128
}

/// A value's type in TypeScript, as the decoder builds it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ts {
    Number,
    BigInt,
    String,
    Bytes,
    Boolean,
    Null,
    Other,
}

fn ts(v: View<'_>) -> Ts {
    match v {
        View::Bool => Ts::Boolean,
        View::Null => Ts::Null,
        View::Int { bits, .. } if is_big(bits) => Ts::BigInt,
        View::Int { .. } | View::Float => Ts::Number,
        View::Time(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs, _) => Ts::BigInt,
        View::Time(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat, _) => Ts::Number,
        View::Time(..) | View::Text(_) => Ts::String,
        View::Enum(e) => match e.repr {
            EnumRepr::String => Ts::String,
            EnumRepr::Int(it) if !is_big((it.min(), it.max())) => Ts::Number,
            _ => Ts::BigInt,
        },
        View::Bytes(_) => Ts::Bytes,
        _ => Ts::Other,
    }
}

/// The integers an enum's values are, when it is an integer enum.
fn enum_ints(e: &Enum) -> Option<impl Iterator<Item = i128> + '_> {
    (!matches!(e.repr, EnumRepr::String)).then(|| {
        e.variants.iter().filter_map(|v| match v.value {
            TagValue::Int(i) => Some(i128::from(i)),
            _ => None,
        })
    })
}

/// Whether an enum's values are written as decimal strings.
fn enum_string_wire(e: &Enum) -> bool {
    matches!(e.repr, EnumRepr::Int(it) if it.encoding == IntEncoding::String)
}

/// The integers a value read as `v` may be (`None`: not an integer type).
fn int_values(v: View<'_>) -> Option<(i128, i128)> {
    match v {
        View::Int { lo, hi, .. } => Some((lo, hi)),
        View::Enum(e) if e.open || e.flags => match e.repr {
            EnumRepr::Int(it) => Some((it.min(), it.max())),
            EnumRepr::Integer => Some((i128::MIN, i128::MAX)),
            EnumRepr::String => None,
        },
        View::Enum(e) => {
            let mut values = enum_ints(e)?;
            let first = values.next()?;
            Some(values.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x))))
        }
        View::Time(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs, _) => {
            Some((i64::MIN.into(), i64::MAX.into()))
        }
        _ => None,
    }
}

fn overlap(a: (i128, i128), b: (i128, i128)) -> bool {
    a.0.max(b.0) <= a.1.min(b.1)
}

/// The integers a value read as `v` may be in Python, where a `datetime` is no `int`.
fn py_ints(v: View<'_>) -> Option<(i128, i128)> {
    if matches!(v, View::Time(..)) { None } else { int_values(v) }
}

/// Whether some value read as the leaf `b` passes `test` for the leaf `a`.
fn leaf_catches(target: Target, test: Test, a: View<'_>, b: View<'_>) -> bool {
    match target {
        Target::Python => match (a, b) {
            (View::Bool, View::Bool) | (View::Null, View::Null) => true,
            // Python's `int` holds integers and `IntEnum` members alike.
            (View::Int { bits, .. }, _) => py_ints(b).is_some_and(|r| overlap(bits, r)),
            (View::Float, _) => py_ints(b).is_some() || matches!(b, View::Float),
            (View::Enum(e), View::Enum(f)) => std::ptr::eq(e, f) || e.open || e.flags,
            (View::Enum(e), View::Int { .. }) => (e.open || e.flags) && !matches!(e.repr, EnumRepr::String),
            (View::Enum(e), View::Text(TextKind::String)) => e.open && matches!(e.repr, EnumRepr::String),
            (View::Text(TextKind::String), View::Text(TextKind::String)) => true,
            (View::Text(TextKind::String), View::Enum(e)) => matches!(e.repr, EnumRepr::String),
            (View::Text(x), View::Text(y)) => x == y,
            // A union with a date-time written as text checks what it writes (the
            // runtime's `writes_checked`): a local date-time takes only a naive `datetime`
            // (every other encoding reads an aware one), and RFC 3339 only an aware one.
            (View::Time(TimeEncoding::Local, _), View::Time(e, _)) => e == TimeEncoding::Local,
            (View::Time(TimeEncoding::Rfc3339, _), View::Time(TimeEncoding::Local, _)) => false,
            (View::Time(..), View::Time(..)) | (View::Bytes(_), View::Bytes(_)) => true,
            _ => false,
        },
        Target::TypeScript => {
            let (ta, tb) = (ts(a), ts(b));
            if ta != tb || ta == Ts::Other {
                return false;
            }
            match (ta, test) {
                // `typeof x === "number" && Number.isInteger(x)`: a float read as a whole
                // number is one too.
                (Ts::Number | Ts::BigInt, Test::TsShallow) => true,
                (Ts::Number | Ts::BigInt, _) => match (a, int_values(b)) {
                    (View::Float | View::Time(..), _) => true,
                    (View::Enum(e), Some(r)) if !(e.open || e.flags) => {
                        enum_ints(e).is_some_and(|mut vs| vs.any(|x| r.0 <= x && x <= r.1))
                    }
                    (View::Enum(e), None) if !(e.open || e.flags) => {
                        enum_ints(e).is_some_and(|mut vs| vs.next().is_some())
                    }
                    (_, None) => true,
                    (_, Some(r)) => int_values(a).is_some_and(|ra| overlap(ra, r)) || matches!(a, View::Float),
                },
                _ => true,
            }
        }
    }
}

/// How a target writes a leaf value, when it matters which of two leaves writes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wire {
    /// As the JSON value it is: a number, a string, a boolean, `null`.
    Plain,
    /// An integer as a decimal string.
    Decimal,
    Time(TimeEncoding),
    Bytes(BytesEncoding),
}

fn wire(target: Target, v: View<'_>) -> Wire {
    match v {
        View::Int { string: true, .. } => Wire::Decimal,
        View::Enum(e) if enum_string_wire(e) => Wire::Decimal,
        // TypeScript holds a date-time as the number or the text of the frame.
        View::Time(..) if target == Target::TypeScript => Wire::Plain,
        View::Time(e, _) => Wire::Time(e),
        View::Bytes(e) => Wire::Bytes(e),
        _ => Wire::Plain,
    }
}

/// Whether `a`'s writer writes a value read as `b` differently from `b`'s.
fn leaf_differs(target: Target, a: View<'_>, b: View<'_>) -> bool {
    match (target, wire(target, a), wire(target, b)) {
        (_, x, y) if x == y => false,
        // A local date-time is a naive `datetime`, which the RFC 3339 writer writes as it
        // is; an aware one written as local gets `+00:00` for `Z`.
        (Target::Python, Wire::Time(TimeEncoding::Rfc3339), Wire::Time(TimeEncoding::Local)) => false,
        // A number written by a float's writer is the number it holds.
        _ => true,
    }
}

/// What the two variants' values are in the target, for the message.
fn value_name(target: Target, v: View<'_>) -> &'static str {
    match target {
        Target::Python => match v {
            View::Int { .. } | View::Enum(_) => "an `int`",
            View::Float => "a `float`",
            View::Time(..) => "a `datetime`",
            View::Bytes(_) => "`bytes`",
            View::Text(_) => "a `str`",
            _ => "one value type",
        },
        Target::TypeScript => match ts(v) {
            Ts::Number => "a `number`",
            Ts::BigInt => "a `bigint`",
            Ts::String => "a `string`",
            Ts::Bytes => "a `Uint8Array`",
            _ => "one value type",
        },
    }
}

/// Whether an earlier variant of an ordered union is valid for every value the later one
/// is, so that nothing is read as the later one: `json`, and a date-time written as an
/// integer without `@range` before another written as an integer (each takes any `i64`).
fn shadows(a: View<'_>, b: View<'_>) -> bool {
    let integer_time =
        |v| matches!(v, View::Time(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs, _));
    matches!(a, View::Json) || (integer_time(a) && integer_time(b) && matches!(a, View::Time(_, false)))
}

/// The groups a variant is compared in: only variants sharing one can clash. A nested
/// union, `json`, or a struct in an ordered union's TypeScript writer may meet any other.
fn groups(cx: &Cx<'_>, target: Target, ordered: bool, ty: &Type) -> u16 {
    const NUMBER: u16 = 1;
    const TEXT: u16 = 1 << 1;
    const TIME: u16 = 1 << 2;
    const BYTES: u16 = 1 << 3;
    const ARRAY: u16 = 1 << 4;
    const OBJECT: u16 = 1 << 5;
    const ALL: u16 = u16::MAX;
    match (target, cx.view(ty)) {
        (_, View::Union(_) | View::Json) => ALL,
        (_, View::Bool | View::Null) => 0,
        (Target::Python, View::Int { .. } | View::Float) => NUMBER,
        (Target::Python, View::Enum(e)) if !matches!(e.repr, EnumRepr::String) => NUMBER,
        (Target::Python, View::Enum(_) | View::Text(_)) => 0,
        (Target::Python, View::Time(..)) => TIME,
        (Target::Python, View::Bytes(_)) => BYTES,
        (_, View::List(_) | View::Tuple(_)) => ARRAY,
        (Target::Python, View::Map(_)) => OBJECT,
        // Python tells structs apart by class: only a tagged union takes one of its variants.
        (Target::Python, View::Tagged(_)) => OBJECT,
        (Target::Python, View::Struct(..)) => OBJECT,
        (Target::TypeScript, v @ (View::Int { .. } | View::Float | View::Enum(_) | View::Time(..))) => {
            if ts(v) == Ts::String { TEXT } else { NUMBER }
        }
        (Target::TypeScript, View::Text(_)) => TEXT,
        (Target::TypeScript, View::Bytes(_)) => BYTES,
        (Target::TypeScript, View::Map(_) | View::Struct(..) | View::Tagged(_)) => {
            if ordered {
                OBJECT
            } else {
                0
            }
        }
    }
}

/// S0316 for each variant that a target's writer takes for an earlier one (one warning
/// per variant, against the first such earlier variant).
pub(crate) fn check(types: &[TypeDef], pending: &[Pending], source: Option<&str>) -> Vec<Diagnostic> {
    let mut cx = Cx { types, budget: BUDGET };
    let mut out = Vec::new();
    for union in pending {
        let n = union.variants.len();
        // For each later variant: the first earlier one each target confuses it with.
        let mut found: Vec<[Option<(usize, &'static str)>; 2]> = vec![[None; 2]; n];
        for (t, target) in [Target::Python, Target::TypeScript].into_iter().enumerate() {
            let test = test_of(target, union.ordered);
            // Earlier variants by group (each in one group, or in all of them); a variant in
            // all of them is compared with every earlier one.
            let mut by_group: [Vec<usize>; 16] = Default::default();
            let mut grouped: Vec<usize> = Vec::new();
            for (j, (b, _)) in union.variants.iter().enumerate() {
                let g = groups(&cx, target, union.ordered, b);
                if g == 0 {
                    continue;
                }
                let earlier = if g.count_ones() == 1 { &by_group[g.trailing_zeros() as usize] } else { &grouped };
                for &i in earlier {
                    if cx.budget == 0 {
                        break;
                    }
                    let a = &union.variants[i].0;
                    if shadows(cx.view(a), cx.view(b)) {
                        continue;
                    }
                    if cx.catches(target, test, a, b, 0)
                        && let Some(what) = cx.clash(target, test, a, b, 0)
                    {
                        found[j][t] = Some((i, what));
                        break;
                    }
                }
                for (bit, list) in by_group.iter_mut().enumerate() {
                    if g & (1 << bit) != 0 {
                        list.push(j);
                    }
                }
                grouped.push(j);
            }
        }
        for (j, [py, ts]) in found.into_iter().enumerate() {
            if let Some(d) = diagnostic(union, source, j, py, ts) {
                out.push(d);
            }
        }
    }
    out
}

fn diagnostic(
    union: &Pending,
    source: Option<&str>,
    j: usize,
    py: Option<(usize, &'static str)>,
    ts: Option<(usize, &'static str)>,
) -> Option<Diagnostic> {
    // One warning per variant, against the earliest variant either target confuses it with.
    let i = match (py, ts) {
        (Some((a, _)), Some((b, _))) => a.min(b),
        (Some((a, _)), None) | (None, Some((a, _))) => a,
        (None, None) => return None,
    };
    let py = py.filter(|(k, _)| *k == i).map(|(_, w)| w);
    let ts = ts.filter(|(k, _)| *k == i).map(|(_, w)| w);
    let writers = match (py, ts) {
        (Some(_), Some(_)) => "the Python and TypeScript writers",
        (Some(_), None) => "the Python writer",
        _ => "the TypeScript writer",
    };
    let (span_i, span_j) = (union.variants[i].1, union.variants[j].1);
    let text = |s: Span| {
        source
            .and_then(|src| src.get(s.start as usize..s.end as usize))
            .filter(|t| t.len() <= 60 && !t.contains('\n'))
            .map(|t| format!("`{t}`"))
    };
    let (name_i, name_j) = match (text(span_i), text(span_j)) {
        (Some(a), Some(b)) => (a, b),
        _ => (format!("variant {}", i + 1), format!("variant {}", j + 1)),
    };
    let held = match (py, ts) {
        (Some(p), Some(t)) if p == t => format!("in Python and TypeScript both variants hold {p}"),
        (Some(p), Some(t)) => format!("in Python both variants hold {p}, in TypeScript {t}"),
        (Some(p), None) => format!("in Python both variants hold {p}"),
        (None, Some(t)) => format!("in TypeScript both variants hold {t}"),
        (None, None) => return None,
    };
    Some(
        Diagnostic::warning(
            "S0316",
            format!("{writers} cannot tell the variants {name_i} and {name_j} of {} apart", union.owner),
            span_j,
            format!("a value read as this variant is written as {name_i} by {writers}"),
        )
        .with_secondary(span_i, "the writer picks this variant first")
        .with_note(format!(
            "{held}; a writer picks the first variant whose type the value has, so a value read as {name_j} \
             is written back as {name_i}"
        ))
        .with_note("Rust keeps which variant was read, so the targets write different frames for one value")
        .with_help("make the variants different types in every target (for example, wrap one in a struct), or use a tagged union"),
    )
}
