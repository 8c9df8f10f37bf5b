//! The fast path of the TypeScript parsers: per protocol, a decoder that reads a frame's
//! text once, by character codes, matching the expected member names in place, checking
//! every rule inline and building the typed value directly. It gives up (`$bail()`) on any
//! error and on anything it does not read itself; the full path (the strict reader and the
//! checks of `typescript.rs`) then reads the frame again, so errors come only from there.
//!
//! What it reads itself: frames of a tagged protocol (one or two tag levels, scalar tag
//! values; the tag member found wherever it stands), with their id member, envelope and
//! payload (flat or under a content member), unknown members the policy ignores, and as
//! values structs, lists, strings, formats, integers, floats, booleans, closed string
//! enums and nullable values. Any other type inside such a frame (maps, tuples, unions,
//! aliases, `json`, bytes, ...) is read with the strict reader and checked by the full
//! path's own checker, so the fast path needs no second implementation of it.
//! docs/typescript.md, "The fast path".

use super::*;
use sockspec_model::PerDirection;

/// The most fields a struct may have to be read here: one bit each in a 32-bit mask, with
/// bits 29 and 30 for a frame's tag members.
const MAX_FIELDS: usize = 28;

/// The bit of `seen` for a frame's tag member.
const TAG_BIT: u32 = 1 << 30;

/// What [`Gen::fmembers`] does for a member that is none of those it expects.
const BAIL: &str = "return $bail();";

/// One member an object's decoder expects.
struct Member<'s> {
    name: &'s str,
    value: MemberValue<'s>,
    required: bool,
    /// `null` is a value of its own, whatever the type says.
    nullable: bool,
    /// The field whose default applies when the member is absent.
    default: Option<&'s Field>,
}

enum MemberValue<'s> {
    Ty(&'s Type),
    /// An expression that reads the value (a message's payload object).
    Expr(String),
}

impl<'s> Member<'s> {
    fn field(f: &'s Field) -> Member<'s> {
        Member {
            name: &f.name,
            value: MemberValue::Ty(&f.ty),
            required: f.required,
            nullable: f.nullable,
            default: f.default.as_ref().map(|_| f),
        }
    }
}

/// The shape of an object's member loop (see [`Gen::fmembers`]).
struct Loop<'a> {
    more: &'a str,
    level: &'a str,
    /// A frame's tag members: name and the statement that reads (and drops) the value.
    tags: &'a [(String, String)],
    unknown: &'a str,
}

/// A function of the fast path still to be written.
enum Pending<'s> {
    Payload(Direction, MessageId, &'s [Field], String),
    Struct(TypeId),
    Enum(TypeId),
    List(&'s Type, String),
    Slow(&'s Type, String),
}

#[derive(Default)]
pub(super) struct Fast<'s> {
    pending: Vec<Pending<'s>>,
    written: HashSet<String>,
    /// Lists and values left to the full path's checker, by their type, written once each.
    by_type: BTreeMap<String, String>,
    next: usize,
}

impl<'s> Fast<'s> {
    /// The function for a list or a slow value of `ty`, named once per type.
    fn function(&mut self, ty: &'s Type, prefix: &str, list: bool) -> String {
        let key = format!("{prefix}{}", serde_json::to_string(ty).expect("a type serializes"));
        if let Some(name) = self.by_type.get(&key) {
            return name.clone();
        }
        let name = format!("{prefix}{}", self.next);
        self.next += 1;
        self.by_type.insert(key, name.clone());
        self.pending.push(if list { Pending::List(ty, name.clone()) } else { Pending::Slow(ty, name.clone()) });
        name
    }
}

/// Whether a member name appears in JSON text as itself, so `startsWith` can match it.
fn plain_name(name: &str) -> bool {
    name != "__proto__" && !name.chars().any(|c| c == '"' || c == '\\' || c < ' ')
}

fn fields_ok(fields: &[&Field]) -> bool {
    let mut names = HashSet::new();
    fields.len() <= MAX_FIELDS && fields.iter().all(|f| plain_name(&f.name) && names.insert(f.name.as_str()))
}

/// A test that the text at `i` (in `s`) starts with `quoted` (a member name or string
/// with its quotes), from its UTF-16 unit `from` on: unrolled character codes, which the
/// JIT turns into loads and compares.
fn lit_match(quoted: &str, from: usize) -> String {
    let units: Vec<u16> = quoted.encode_utf16().collect();
    if units.len() > 32 {
        return format!("s.startsWith({}, i)", q(quoted));
    }
    let tests: Vec<String> =
        units.iter().enumerate().skip(from).map(|(k, u)| format!("s.charCodeAt(i + {k}) === 0x{u:02x}")).collect();
    if tests.is_empty() { "true".to_string() } else { tests.join(" && ") }
}

/// Strings grouped by their first UTF-16 unit (the closing quote for the empty string).
fn by_first_unit<'a>(names: impl Iterator<Item = (usize, &'a str)>) -> BTreeMap<u16, Vec<usize>> {
    let mut groups: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, name) in names {
        groups.entry(name.encode_utf16().next().unwrap_or(u16::from(b'"'))).or_default().push(i);
    }
    groups
}

/// A range's limits as JavaScript numbers, `lo, loExclusive, hi, hiExclusive` (infinite
/// where there is none), when every limit is one exactly (a float, or an integer below
/// 2^53): the fast path then compares without the constraint object.
fn num_limits(c: &Constraints) -> Option<String> {
    let r = c.range.as_ref()?;
    let lim = |l: &Option<Limit>, none: &str| -> Option<String> {
        match l {
            None => Some(format!("{none}, false")),
            Some(Limit { value: Number::Int(i), exclusive }) if i.unsigned_abs() < 1 << 53 => {
                Some(format!("{i}, {exclusive}"))
            }
            Some(Limit { value: Number::Int(_), .. }) => None,
            Some(Limit { value: Number::Float(f), exclusive }) => Some(format!("{}, {exclusive}", float_literal(*f))),
        }
    };
    Some(format!("{}, {}", lim(&r.min, "-Infinity")?, lim(&r.max, "Infinity")?))
}

/// A tag value as the JavaScript value the full path shows (`$json` of it), if the fast
/// path reads it: integers of at most 15 digits.
fn tag_js(v: &TagValue) -> Option<String> {
    match v {
        TagValue::Str(s) => Some(q(s)),
        TagValue::Int(i) if i.unsigned_abs() < 1_000_000_000_000_000 => Some(i.to_string()),
        TagValue::Int(_) => None,
        TagValue::Bool(b) => Some(b.to_string()),
        TagValue::Null => Some("null".to_string()),
    }
}

/// A JavaScript number literal for an integer bound (rounded beyond 2^53, which is exact
/// enough: the fast path reads at most 15 digits).
fn bound(i: i128) -> String {
    i.to_string()
}

impl<'s> Gen<'s> {
    /// An expression reading a value of `ty` whose container is at level `d` (a JavaScript
    /// expression), evaluating to its decoded value.
    fn fexpr(&mut self, fast: &mut Fast<'s>, ty: &'s Type, d: &str) -> String {
        let k = self.cons(&ty.constraints);
        match &ty.kind {
            TypeKind::Bool => "$fbool(r)".to_string(),
            TypeKind::Null => "$fnull(r)".to_string(),
            TypeKind::Int(it) if it.encoding == IntEncoding::Number => {
                if is_big_int(*it) {
                    format!("$fbig(r, {}, {}, {}n, {}n, {k})", bound(it.min()), bound(it.max()), it.min(), it.max())
                } else if ty.constraints.len.is_none()
                    && ty.constraints.patterns.is_empty()
                    && let Some(l) = num_limits(&ty.constraints)
                {
                    format!("$fintr(r, {}, {}, {l})", bound(it.min()), bound(it.max()))
                } else {
                    format!("$fint(r, {}, {}, {k})", bound(it.min()), bound(it.max()))
                }
            }
            TypeKind::Float(ft) => match num_limits(&ty.constraints) {
                Some(l) if ty.constraints.len.is_none() && ty.constraints.patterns.is_empty() => {
                    format!("$ffloatr(r, {}, {l})", *ft == FloatType::F32)
                }
                _ => format!("$ffloat(r, {}, {k})", *ft == FloatType::F32),
            },
            TypeKind::String => match &ty.constraints.len {
                Some(l) if ty.constraints.patterns.is_empty() && ty.constraints.range.is_none() => {
                    let max = l.max.map_or("-1".to_string(), |m| m.to_string());
                    format!("$fsl(r, {}, {max})", l.min.unwrap_or(0))
                }
                None if !ty.constraints.patterns.is_empty() && ty.constraints.range.is_none() => {
                    format!("$fsp(r, {k}.pat as readonly RegExp[])")
                }
                _ => format!("$fs(r, {k})"),
            },
            TypeKind::Uuid => format!("$fuuid(r, {k})"),
            TypeKind::Date => format!("$fdate(r, {k})"),
            TypeKind::DateTime(TimeEncoding::Rfc3339) => format!("$frfc3339(r, {k})"),
            TypeKind::DateTime(TimeEncoding::Local) => format!("$flocal(r, {k})"),
            TypeKind::DateTime(TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) => {
                format!(
                    "$fbig(r, {}, {}, {}n, {}n, {k})",
                    bound(i64::MIN.into()),
                    bound(i64::MAX.into()),
                    i64::MIN,
                    i64::MAX
                )
            }
            TypeKind::DateTime(TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat) => {
                format!("$ffloat(r, false, {k})")
            }
            TypeKind::Nullable(inner) => {
                let inner = self.fexpr(fast, inner, d);
                format!("($fc(r) === 0x6e ? $fnull(r) : {inner})")
            }
            TypeKind::List(_) => format!("{}(r, {d}, c)", fast.function(ty, "$fl_", true)),
            TypeKind::Named(id) => match &self.schema.ty(*id).kind {
                TypeDefKind::Struct(s) if fields_ok(&s.fields.iter().collect::<Vec<_>>()) => {
                    if fast.written.insert(format!("$fd_{}", id.0)) {
                        fast.pending.push(Pending::Struct(*id));
                    }
                    format!("$fd_{}(r, {d}, c)", id.0)
                }
                TypeDefKind::Enum(e) if matches!(e.repr, EnumRepr::String) && k == "$NONE" && !e.flags => {
                    if e.open {
                        return format!("($fs(r, $NONE) as {})", self.type_ident(*id));
                    }
                    if fast.written.insert(format!("$fe_{}", id.0)) {
                        fast.pending.push(Pending::Enum(*id));
                    }
                    format!("$fe_{}(r)", id.0)
                }
                _ => self.slow(fast, ty, d),
            },
            _ => self.slow(fast, ty, d),
        }
    }

    /// A value read by the strict reader and checked by the full path's checker.
    fn slow(&mut self, fast: &mut Fast<'s>, ty: &'s Type, d: &str) -> String {
        format!("{}(r, {d}, c)", fast.function(ty, "$fx_", false))
    }

    /// The loop over the members of an object whose `{` (and maybe a first member) has
    /// been read, `more` being the expression that says whether members follow; member
    /// `i`'s value goes into `v<i>` and sets bit `i` of `seen`. `unknown` is the statement
    /// for a member that is none of them (give up, or skip it where the policy ignores it).
    ///
    /// A frame's tag members (`tags`) are read again here when the dispatcher did not stop
    /// at them: bits 30 and 29; `seen` starts with bit 30 when the only tag was the first
    /// member and the dispatcher read it.
    fn fmembers(&mut self, fast: &mut Fast<'s>, members: &[Member<'s>], m: Loop<'_>) {
        for i in 0..members.len() {
            self.out.line(&format!("let v{i}: unknown;"));
        }
        self.out.line(&format!("let seen = {};", if m.tags.is_empty() { "0" } else { "t" }));
        if m.unknown != BAIL {
            self.out.line("let u: string[] | undefined;");
        }
        self.out.open(&format!("if ({}) for (;;) {{", m.more));
        // The common case inline (no whitespace); the helpers skip it otherwise.
        self.out.line("let i = r.i;");
        self.out.line("if (s.charCodeAt(i) !== 0x22) i = $fname(r);");
        self.out.open("switch (s.charCodeAt(i + 1)) {");
        let mut names: Vec<&str> = members.iter().map(|f| f.name).collect();
        names.extend(m.tags.iter().map(|(n, _)| n.as_str()));
        for (first, group) in by_first_unit(names.iter().copied().enumerate()) {
            self.out.open(&format!("case 0x{first:02x}:"));
            for i in group {
                let quoted = format!("\"{}\"", names[i]);
                let len = quoted.encode_utf16().count();
                let (bit, value) = if i >= members.len() {
                    (TAG_BIT >> (i - members.len()), m.tags[i - members.len()].1.clone())
                } else {
                    let f = &members[i];
                    let mut value = match &f.value {
                        MemberValue::Ty(ty) => self.fexpr(fast, ty, m.level),
                        MemberValue::Expr(e) => e.clone(),
                    };
                    if f.nullable && !matches!(&f.value, MemberValue::Ty(Type { kind: TypeKind::Nullable(_), .. })) {
                        value = format!("($fc(r) === 0x6e ? $fnull(r) : {value})");
                    }
                    (1u32 << i, format!("v{i} = {value};"))
                };
                self.out.open(&format!("if ({}) {{", lit_match(&quoted, 2)));
                self.out.line(&format!(
                    "r.i = s.charCodeAt(i + {len}) === 0x3a ? i + {} : $fcolonAt(r, i + {len});",
                    len + 1
                ));
                self.out.line(&format!("if ((seen & {bit}) !== 0) $bail();"));
                self.out.line(&format!("seen |= {bit};"));
                self.out.line(&value);
                self.out.line("break;");
                self.out.close("}");
            }
            self.out.line(m.unknown);
            self.out.depth -= 1;
        }
        self.out.line("default:");
        self.out.line(&format!("  {}", m.unknown));
        self.out.close("}");
        self.out.line("const e = s.charCodeAt(r.i);");
        self.out.line("if (e === 0x2c) r.i++;");
        self.out.line("else if (e === 0x7d) { r.i++; break; }");
        self.out.line("else if ($fnextMember(r)) break;");
        self.out.close("}");
    }

    /// The statement for an unknown member of an object at `level` whose policy is `policy`
    /// for the sides that may send it (`side`: one, or either for a struct); `forbidden` is
    /// a name the full path checks although no member has it (it must give up on it).
    fn unknown_stmt(
        policy: &PerDirection<UnknownFields>,
        side: Option<Direction>,
        level: &str,
        forbidden: Option<&str>,
    ) -> String {
        let skip = match forbidden {
            Some(f) => format!("u = $funknown(r, i, {level}, u, {}); break;", q(f)),
            None => format!("u = $funknown(r, i, {level}, u); break;"),
        };
        let rejects = |d: Direction| *policy.get(d) == UnknownFields::Reject;
        match side {
            Some(d) if rejects(d) => BAIL.to_string(),
            Some(_) => skip,
            None => match (rejects(Direction::Client), rejects(Direction::Server)) {
                (true, true) => BAIL.to_string(),
                (false, false) => skip,
                (true, false) => format!("if (c.from === \"client\") return $bail(); {skip}"),
                (false, true) => format!("if (c.from === \"server\") return $bail(); {skip}"),
            },
        }
    }

    /// Builds `o` from the members read by [`Self::fmembers`], in order, as the full path
    /// does: defaults for absent members, absent optional members left out. The members
    /// every value has are one object literal (after `head`, the tag member).
    fn fassemble(&mut self, members: &[Member<'s>], head: &[(String, String)]) {
        let required: u32 = members.iter().enumerate().filter(|(_, f)| f.required).map(|(i, _)| 1u32 << i).sum();
        if required != 0 {
            self.out.line(&format!("if ((seen & {required}) !== {required}) $bail();"));
        }
        let mut literal: Vec<String> = head.iter().map(|(k, v)| format!("{}: {v}", q(k))).collect();
        let mut rest = Vec::new();
        for (i, f) in members.iter().enumerate() {
            let name = q(f.name);
            let bit = 1u32 << i;
            let value = if f.required {
                Some(format!("v{i}"))
            } else if let Some(field) = f.default {
                let empty_list = field.default.as_ref().is_some_and(|d| d.as_array().is_some_and(Vec::is_empty))
                    && matches!(field.ty.kind, TypeKind::List(_))
                    && field.ty.constraints.is_empty();
                let d = if empty_list { Some("[]".to_string()) } else { self.default_expr(field) };
                let d = d.unwrap_or_else(|| "undefined".to_string());
                Some(format!("(seen & {bit}) !== 0 ? v{i} : {d}"))
            } else {
                None
            };
            match value {
                Some(v) if rest.is_empty() => literal.push(format!("{name}: {v}")),
                Some(v) => rest.push(format!("o[{name}] = {v};")),
                None => rest.push(format!("if ((seen & {bit}) !== 0) o[{name}] = v{i};")),
            }
        }
        self.out.line(&format!("const o: Record<string, unknown> = {{ {} }};", literal.join(", ")));
        for line in rest {
            self.out.line(&line);
        }
    }

    /// A decoder of an object of `fields` at level `d + 1`: a struct, or a message's payload.
    fn fast_object(&mut self, fast: &mut Fast<'s>, name: &str, ident: &str, fields: &'s [Field], unknown: &str) {
        let members: Vec<Member<'s>> = fields.iter().map(Member::field).collect();
        self.out.blank();
        self.out.open(&format!("function {name}(r: $Reader, d: number, c: $Ctx): {ident} {{"));
        self.out.line("const s = r.s;");
        self.fmembers(fast, &members, Loop { more: "!$fopenObj(r, d)", level: "d + 1", tags: &[], unknown });
        self.fassemble(&members, &[]);
        self.out.line(&format!("return o as unknown as {ident};"));
        self.out.close("}");
    }

    fn fast_struct(&mut self, fast: &mut Fast<'s>, id: TypeId) {
        let TypeDefKind::Struct(s) = &self.schema.ty(id).kind else { return };
        let ident = self.type_ident(id);
        let unknown = Self::unknown_stmt(&s.unknown_fields, None, "d + 1", None);
        self.fast_object(fast, &format!("$fd_{}", id.0), &ident, &s.fields, &unknown);
    }

    fn fast_enum(&mut self, id: TypeId) {
        let TypeDefKind::Enum(e) = &self.schema.ty(id).kind else { return };
        let ident = self.type_ident(id);
        let values: Vec<&str> = e
            .variants
            .iter()
            .filter_map(|v| match &v.value {
                TagValue::Str(s) if plain_name(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        self.out.blank();
        self.out.open(&format!("function $fe_{}(r: $Reader): {ident} {{", id.0));
        self.out.line("const s = r.s;");
        self.out.line("const i = $fname(r);");
        // The value as written, without building a string; escaped spellings below.
        self.literal_switch(&values, |v, len| format!("r.i = i + {len}; return {};", q(v)));
        self.out.line("const v = r.string();");
        self.out.open("switch (v) {");
        for v in &e.variants {
            if let TagValue::Str(s) = &v.value {
                self.out.line(&format!("case {}:", q(s)));
            }
        }
        self.out.line(&format!("  return v as {ident};"));
        self.out.line("default:");
        self.out.line("  return $bail();");
        self.out.close("}");
        self.out.close("}");
    }

    /// A switch over the string value at `i` (its opening quote) among `values`, written
    /// without escapes: `then(value, length with quotes)` on a match; no match falls
    /// through.
    fn literal_switch(&mut self, values: &[&str], then: impl Fn(&str, usize) -> String) {
        if values.is_empty() {
            return;
        }
        self.out.open("switch (s.charCodeAt(i + 1)) {");
        for (first, members) in by_first_unit(values.iter().copied().enumerate()) {
            self.out.open(&format!("case 0x{first:02x}:"));
            for i in members {
                let quoted = format!("\"{}\"", values[i]);
                let len = quoted.encode_utf16().count();
                self.out.line(&format!("if ({}) {{ {} }}", lit_match(&quoted, 2), then(values[i], len)));
            }
            self.out.line("break;");
            self.out.depth -= 1;
        }
        self.out.close("}");
    }

    fn fast_list(&mut self, fast: &mut Fast<'s>, ty: &'s Type, name: &str) {
        let TypeKind::List(item) = &ty.kind else { return };
        let t = self.ts_type(item);
        let len = ty.constraints.len.as_ref().map(|l| (l.min, l.max));
        self.out.blank();
        self.out.open(&format!("function {name}(r: $Reader, d: number, c: $Ctx): Array<{t}> {{"));
        self.out.line(&format!("const out: Array<{t}> = [];"));
        let value = self.fexpr(fast, item, "d + 1");
        self.out.line(&format!("if (!$fopenList(r, d)) for (;;) {{ out.push({value}); if ($fnextItem(r)) break; }}"));
        if let Some((min, max)) = len {
            let mut tests = Vec::new();
            if let Some(min) = min {
                tests.push(format!("out.length < {min}"));
            }
            if let Some(max) = max {
                tests.push(format!("out.length > {max}"));
            }
            if !tests.is_empty() {
                self.out.line(&format!("if ({}) $bail();", tests.join(" || ")));
            }
        }
        self.out.line("return out;");
        self.out.close("}");
    }

    fn fast_slow(&mut self, ty: &'s Type, name: &str) {
        let t = self.ts_type(ty);
        let check = self.check(ty, "x", "\"\"", None, 1);
        self.out.blank();
        self.out.open(&format!("function {name}(r: $Reader, d: number, c: $Ctx): {t} {{"));
        self.out.line("const x = r.value(d);");
        self.out.line(&format!("const out = {check};"));
        self.out.line("if (c.errors.length > 0) $bail();");
        self.out.line(&format!("return out as unknown as {t};"));
        self.out.close("}");
    }

    /// The fast decoder of a message's frame, from its first member or after its tag
    /// member: `None` when the message's frame has something only the full path reads.
    fn fast_message(&mut self, fast: &mut Fast<'s>, dir: Direction, id: MessageId) -> Option<String> {
        let schema = self.schema;
        let m = schema.message(id);
        let flat: &'s [Field] = match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => fields,
            _ => &[],
        };
        let envelope: &'s [Field] = m.envelope_fields.get(dir);
        let id_field = schema.protocol.id.field.as_str();
        let id_declared = flat.iter().chain(envelope).any(|f| f.name == id_field);
        let Discriminator::Tag(values) = &m.discriminator else { return None };
        let tag_fields = &schema.dispatch.get(dir).tag_fields;
        if values.is_empty() || values.len() > tag_fields.len() || tag_fields.len() > 2 {
            return None;
        }
        // The tag members: the ones naming the message are shown in its frame, as the
        // dispatcher read them; a second one it is not named by is null or absent, or not
        // read at all (`second_tag`), but it is a member the frame may carry.
        let mut tags = Vec::new();
        let mut head = Vec::new();
        for (k, field) in tag_fields.iter().enumerate() {
            let read = match values.get(k) {
                Some(v) => {
                    head.push((field.clone(), tag_js(v)?));
                    if matches!(v, TagValue::Str(_)) { "$fstr(r);" } else { "r.value(1);" }
                }
                None if schema.protocol.second_tag == SecondTag::NullOrAbsent => "$fnull(r);",
                None => "r.value(1);",
            };
            tags.push((field.clone(), read.to_string()));
        }
        // The members in the full path's order: the id, the envelope, the payload.
        let mut members: Vec<Member<'s>> = Vec::new();
        let mut forbidden = None;
        match m.id {
            _ if id_declared => {}
            IdPresence::None => {}
            IdPresence::Forbidden => forbidden = Some(id_field),
            IdPresence::Required | IdPresence::Optional => {
                let optional = m.id == IdPresence::Optional;
                members.push(Member {
                    name: id_field,
                    value: MemberValue::Ty(&schema.protocol.id.ty),
                    required: !optional,
                    nullable: optional,
                    default: None,
                });
            }
        }
        members.extend(envelope.iter().chain(flat).map(Member::field));
        if let Some(key) = &m.content {
            let value = match &m.payload {
                // A payload object the mask of `seen` cannot hold (a Discord-style `d` of
                // 30 members) is no frame this path reads.
                Payload::Fields(fields) if !fields_ok(&fields.iter().collect::<Vec<_>>()) => return None,
                Payload::Fields(fields) => {
                    let name = format!("$fp_{}_{}", dir.as_str(), id.0);
                    fast.pending.push(Pending::Payload(dir, id, fields, name.clone()));
                    MemberValue::Expr(format!("{name}(r, 1, c)"))
                }
                Payload::Value { ty, .. } => MemberValue::Ty(ty),
            };
            members.push(Member { name: key, value, required: !m.content_optional, nullable: false, default: None });
        }
        let mut names = HashSet::new();
        if members.len() > MAX_FIELDS
            || !tag_fields.iter().all(|t| plain_name(t))
            || !members
                .iter()
                .all(|f| plain_name(f.name) && !tag_fields.iter().any(|t| t == f.name) && names.insert(f.name))
        {
            return None;
        }
        let ident = self.message_ident(id);
        let name = format!("$fm_{}_{}", dir.as_str(), id.0);
        let unknown = Self::unknown_stmt(&m.frame_unknown_fields, Some(dir), "1", forbidden);
        self.out.blank();
        self.out.open(&format!("function {name}(r: $Reader, c: $Ctx, t: number): {ident} {{"));
        self.out.line("const s = r.s;");
        let more = "seen === 0 || !$fnextMember(r)";
        self.fmembers(fast, &members, Loop { more, level: "1", tags: &tags, unknown: &unknown });
        self.fassemble(&members, &head);
        self.out.line(&format!("return o as unknown as {ident};"));
        self.out.close("}");
        Some(name)
    }

    /// The fast decoder of the frames of one side, `$fast_SIDE`, or `None` when the side's
    /// framing is not one it reads (JSON-RPC, key presence or structure only, several tag
    /// levels, tags that are not strings).
    pub(super) fn fast_side(&mut self, fast: &mut Fast<'s>, dir: Direction) -> Option<String> {
        let schema = self.schema;
        if !matches!(schema.protocol.style, Style::Tagged) {
            return None;
        }
        let d = schema.dispatch.get(dir);
        let node = d.tags.as_ref()?;
        if !plain_name(&node.field) || d.tag_fields.first() != Some(&node.field) {
            return None;
        }
        let simple = d.tag_fields.len() == 1
            && node.entries.iter().all(|(v, t)| matches!((v, t), (TagValue::Str(_), TagTarget::Message(_))));
        if !simple {
            return self.fast_side_nested(fast, dir, node);
        }
        let mut cases = Vec::new();
        for (value, target) in &node.entries {
            let (TagValue::Str(tag), TagTarget::Message(id)) = (value, target) else { return None };
            if let Some(f) = self.fast_message(fast, dir, *id) {
                cases.push((tag.clone(), schema.message(*id).name.clone(), f));
            }
        }
        if cases.is_empty() {
            // No message of the side has a fast decoder: every frame takes the full path.
            return None;
        }
        let side = dir.as_str();
        let union = union_name(dir);
        let quoted = format!("\"{}\"", node.field);
        self.out.blank();
        self.out.open(&format!("function $fast_{side}(r: $Reader, c: $Ctx): {union} {{"));
        self.out.line("if ($fopenObj(r, 0)) $bail();");
        self.out.line("const s = r.s;");
        self.out.line("const open = r.i;");
        // The tag member, usually the first: members before it are skipped, and read by
        // the message's decoder from the start.
        self.out.line("let first = true;");
        self.out.open("for (;;) {");
        self.out.line("const i = s.charCodeAt(r.i) === 0x22 ? r.i : $fname(r);");
        let len = quoted.encode_utf16().count();
        self.out.open(&format!("if ({}) {{", lit_match(&quoted, 1)));
        self.out.line(&format!("r.i = s.charCodeAt(i + {len}) === 0x3a ? i + {} : $fcolonAt(r, i + {len});", len + 1));
        self.out.line("break;");
        self.out.close("}");
        self.out.line("$fskipMember(r);");
        self.out.line("first = false;");
        self.out.close("}");
        self.out.line("const i = $fname(r);");
        // A tag written with an escape is left to the full path.
        let tags: Vec<&str> = cases.iter().map(|(t, _, _)| t.as_str()).filter(|t| plain_name(t)).collect();
        self.literal_switch(&tags, |tag, len| {
            let (_, message, f) = cases.iter().find(|(t, _, _)| t == tag).expect("a case");
            format!(
                "r.i = first ? i + {len} : open; return {{ name: {}, frame: {f}(r, c, first ? {TAG_BIT} : 0) }};",
                q(message)
            )
        });
        self.out.line("return $bail();");
        self.out.close("}");
        Some(format!("$fast_{side}"))
    }

    /// The dispatcher of a side whose tags have two levels or values other than strings:
    /// each level's member is found from the frame's start (members before it skipped),
    /// its value read, and the message's decoder reads the frame from the start.
    fn fast_side_nested(&mut self, fast: &mut Fast<'s>, dir: Direction, node: &'s TagNode) -> Option<String> {
        if self.schema.dispatch.get(dir).tag_fields.len() > 2 {
            return None;
        }
        let side = dir.as_str();
        let union = union_name(dir);
        // The decoders first (they are written as functions of their own).
        let mut decoders = BTreeMap::new();
        self.nested_decoders(fast, dir, node, &mut decoders);
        if decoders.values().all(Option::is_none) {
            return None;
        }
        self.out.blank();
        self.out.open(&format!("function $fast_{side}(r: $Reader, c: $Ctx): {union} {{"));
        self.out.line("if ($fopenObj(r, 0)) $bail();");
        self.out.line("const s = r.s;");
        self.out.line("const open = r.i;");
        self.nested_level(node, &decoders);
        self.out.line("return $bail();");
        self.out.close("}");
        Some(format!("$fast_{side}"))
    }

    fn nested_decoders(
        &mut self,
        fast: &mut Fast<'s>,
        dir: Direction,
        node: &'s TagNode,
        out: &mut BTreeMap<u32, Option<String>>,
    ) {
        for (_, target) in &node.entries {
            match target {
                TagTarget::Message(id) => {
                    if let std::collections::btree_map::Entry::Vacant(e) = out.entry(id.0) {
                        e.insert(self.fast_message(fast, dir, *id));
                    }
                }
                TagTarget::Next(next) => self.nested_decoders(fast, dir, next, out),
            }
        }
    }

    /// Finds `node`'s member, branches on its value and returns the message (or gives up).
    fn nested_level(&mut self, node: &'s TagNode, decoders: &BTreeMap<u32, Option<String>>) {
        let schema = self.schema;
        if !plain_name(&node.field) {
            self.out.line("return $bail();");
            return;
        }
        let quoted = format!("\"{}\"", node.field);
        let len = quoted.encode_utf16().count();
        self.out.open("{");
        self.out.line("r.i = open;");
        self.out.open("for (;;) {");
        self.out.line("const i = s.charCodeAt(r.i) === 0x22 ? r.i : $fname(r);");
        self.out.open(&format!("if ({}) {{", lit_match(&quoted, 1)));
        self.out.line(&format!("r.i = s.charCodeAt(i + {len}) === 0x3a ? i + {} : $fcolonAt(r, i + {len});", len + 1));
        self.out.line("break;");
        self.out.close("}");
        self.out.line("$fskipMember(r);");
        self.out.close("}");
        self.out.line("const k = $fc(r);");
        let target_code = |g: &mut Self, target: &'s TagTarget| match target {
            TagTarget::Message(id) => match decoders.get(&id.0).cloned().flatten() {
                Some(f) => {
                    g.out.line(&format!(
                        "r.i = open; return {{ name: {}, frame: {f}(r, c, 0) }};",
                        q(&schema.message(*id).name)
                    ));
                }
                None => g.out.line("return $bail();"),
            },
            TagTarget::Next(next) => g.nested_level(next, decoders),
        };
        // Strings.
        let strings: Vec<(&str, &'s TagTarget)> = node
            .entries
            .iter()
            .filter_map(|(v, t)| match v {
                TagValue::Str(s) if plain_name(s) => Some((s.as_str(), t)),
                _ => None,
            })
            .collect();
        if !strings.is_empty() {
            self.out.open("if (k === 0x22) {");
            self.out.line("const i = r.i;");
            self.out.open("switch (s.charCodeAt(i + 1)) {");
            let names: Vec<&str> = strings.iter().map(|(s, _)| *s).collect();
            for (first, group) in by_first_unit(names.iter().copied().enumerate()) {
                self.out.open(&format!("case 0x{first:02x}:"));
                for i in group {
                    let quoted = format!("\"{}\"", names[i]);
                    let len = quoted.encode_utf16().count();
                    self.out.open(&format!("if ({}) {{", lit_match(&quoted, 2)));
                    self.out.line(&format!("r.i = i + {len};"));
                    target_code(self, strings[i].1);
                    self.out.close("}");
                }
                self.out.line("break;");
                self.out.depth -= 1;
            }
            self.out.close("}");
            self.out.line("return $bail();");
            self.out.close("}");
        }
        // Integers of at most 15 digits, booleans, null.
        let ints: Vec<(i64, &'s TagTarget)> = node
            .entries
            .iter()
            .filter_map(|(v, t)| match v {
                TagValue::Int(i) if i.unsigned_abs() < 1_000_000_000_000_000 => Some((*i, t)),
                _ => None,
            })
            .collect();
        if !ints.is_empty() {
            self.out.open("if (k === 0x2d || (k >= 0x30 && k <= 0x39)) {");
            self.out.open("switch ($fdigits(r)) {");
            for (i, t) in ints {
                self.out.open(&format!("case {i}: {{"));
                target_code(self, t);
                self.out.close("}");
            }
            self.out.close("}");
            self.out.line("return $bail();");
            self.out.close("}");
        }
        for (v, t) in &node.entries {
            let test = match v {
                TagValue::Bool(true) => "if (k === 0x74 && $fbool(r)) {",
                TagValue::Bool(false) => "if (k === 0x66 && !$fbool(r)) {",
                TagValue::Null => "if (k === 0x6e && $fnull(r) === null) {",
                _ => continue,
            };
            self.out.open(test);
            target_code(self, t);
            self.out.close("}");
        }
        self.out.line("return $bail();");
        self.out.close("}");
    }

    /// The functions the fast decoders call, including those met while writing them.
    pub(super) fn fast_pending(&mut self, fast: &mut Fast<'s>) {
        while let Some(p) = fast.pending.pop() {
            match p {
                Pending::Struct(id) => self.fast_struct(fast, id),
                Pending::Payload(dir, id, fields, name) => {
                    let m = self.schema.message(id);
                    let ident = format!("{}[{}]", self.message_ident(id), q(m.content.as_deref().unwrap_or_default()));
                    let unknown = Self::unknown_stmt(&m.unknown_fields, Some(dir), "d + 1", None);
                    self.fast_object(fast, &name, &ident, fields, &unknown);
                }
                Pending::Enum(id) => self.fast_enum(id),
                Pending::List(ty, name) => self.fast_list(fast, ty, &name),
                Pending::Slow(ty, name) => self.fast_slow(ty, &name),
            }
        }
    }
}
