//! The comparison: items paired by identity and `@renamed_from`, then every difference
//! judged per direction of data. A change *widens* a value where the new schema accepts
//! something the old one rejects, and *narrows* it where the old one accepts something the
//! new one rejects. Where a value flows from clients, widening breaks new clients with an
//! old server (they may now send it) and narrowing breaks a new server with old clients;
//! where it flows from the server, the mirror. Writers are taken to send only what their
//! schema declares (generated code does), so an undeclared member is a reader's business.

use std::collections::{HashMap, HashSet};

use sockspec_model::*;

use crate::finding::{Breaks, Finding, Report};

/// Compares two versions of a protocol and lists every change, in the new schema's order.
pub fn diff(old: &Schema, new: &Schema) -> Report {
    let mut cx = Cx::new(old, new);
    cx.run();
    Report { findings: cx.out }
}

/// The directions a value travels in: from clients, from the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flows {
    client: bool,
    server: bool,
}

impl Flows {
    const NONE: Flows = Flows { client: false, server: false };
    const BOTH: Flows = Flows { client: true, server: true };

    fn of(sender: Sender) -> Flows {
        Flows { client: sender.includes(Direction::Client), server: sender.includes(Direction::Server) }
    }

    fn one(dir: Direction) -> Flows {
        match dir {
            Direction::Client => Flows { client: true, server: false },
            Direction::Server => Flows { client: false, server: true },
        }
    }

    fn has(self, dir: Direction) -> bool {
        match dir {
            Direction::Client => self.client,
            Direction::Server => self.server,
        }
    }

    fn union(self, o: Flows) -> Flows {
        Flows { client: self.client || o.client, server: self.server || o.server }
    }

    fn and(self, o: Flows) -> Flows {
        Flows { client: self.client && o.client, server: self.server && o.server }
    }

    fn minus(self, o: Flows) -> Flows {
        Flows { client: self.client && !o.client, server: self.server && !o.server }
    }

    /// The other side: who answers what these send.
    fn other(self) -> Flows {
        Flows { client: self.server, server: self.client }
    }

    fn when(self, cond: bool) -> Flows {
        if cond { self } else { Flows::NONE }
    }

    /// The directions among these where `f` holds.
    fn filter(self, f: impl Fn(Direction) -> bool) -> Flows {
        Flows { client: self.client && f(Direction::Client), server: self.server && f(Direction::Server) }
    }

    fn any(self) -> bool {
        self.client || self.server
    }
}

/// The deployment orders broken by widening and narrowing in these directions.
fn breaks(widen: Flows, narrow: Flows) -> Breaks {
    Breaks {
        new_server_old_clients: widen.server || narrow.client,
        new_clients_old_server: widen.client || narrow.server,
    }
}

/// One level of where the comparison is: a label for the report, the approval in force
/// there, and the span in the new file.
struct Scope {
    label: String,
    approval: Option<String>,
    span: Span,
}

struct Cx<'a> {
    old: &'a Schema,
    new: &'a Schema,
    /// Old type → new type, and back.
    types: HashMap<TypeId, TypeId>,
    types_back: HashMap<TypeId, TypeId>,
    messages: HashMap<MessageId, MessageId>,
    messages_back: HashMap<MessageId, MessageId>,
    old_flows: Vec<Flows>,
    new_flows: Vec<Flows>,
    /// The findings on the protocol's envelope declaration, by rule and member: a message's
    /// own envelope members (presence decided per message by `@only`) report only what
    /// differs from these.
    envelope_findings: HashSet<(&'static str, String)>,
    /// The new schema's structs that are variants of a tagged union.
    tagged_variants: HashSet<TypeId>,
    scopes: Vec<Scope>,
    out: Vec<Finding>,
}

/// Pairs items of two lists: by identity first, then by `@renamed_from` (the new item names
/// the old one), then by name. Returns old index → new index. Linear: each step looks items
/// up in a hash map.
fn pair<T>(
    old: &[T],
    new: &[T],
    identity: impl Fn(&T) -> Option<&Identity>,
    name: impl Fn(&T) -> &str,
    meta: impl Fn(&T) -> &Meta,
) -> HashMap<usize, usize> {
    // Identities are small wire values; their JSON text is a key that needs no `Hash`.
    let key = |t: &T| identity(t).map(|i| serde_json::to_string(i).expect("an identity serializes"));
    let mut map = HashMap::new();
    let mut taken = vec![false; new.len()];
    let mut by_identity: HashMap<String, usize> = HashMap::new();
    for (j, n) in new.iter().enumerate() {
        if let Some(k) = key(n) {
            by_identity.entry(k).or_insert(j);
        }
    }
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = key(o).and_then(|k| by_identity.get(&k).copied())
            && !taken[j]
        {
            map.insert(i, j);
            taken[j] = true;
        }
    }
    // Declared renames, then names, for what identity left unpaired.
    let mut by_old_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, n) in new.iter().enumerate() {
        for r in &meta(n).renamed_from {
            by_old_name.entry(r.as_str()).or_default().push(j);
        }
        by_name.entry(name(n)).or_default().push(j);
    }
    for table in [&by_old_name, &by_name] {
        for (i, o) in old.iter().enumerate() {
            if map.contains_key(&i) {
                continue;
            }
            let found = table.get(name(o)).and_then(|js| js.iter().copied().find(|&j| !taken[j]));
            if let Some(j) = found {
                map.insert(i, j);
                taken[j] = true;
            }
        }
    }
    map
}

/// A message's identity for pairing. A message with neither tags nor keys (a fallback) has
/// none of its own: one side's fallback in each version is not the same message for that.
fn message_identity(m: &Message) -> Option<&Identity> {
    m.meta
        .identity
        .as_ref()
        .filter(|i| !matches!(i, Identity::Message { tags, keys, .. } if tags.is_empty() && keys.is_empty()))
}

fn invert<K: Copy + Eq + std::hash::Hash, V: Copy + Eq + std::hash::Hash>(m: &HashMap<K, V>) -> HashMap<V, K> {
    m.iter().map(|(k, v)| (*v, *k)).collect()
}

/// For each type, the directions its values travel in.
fn flows(schema: &Schema) -> Vec<Flows> {
    let mut flows = vec![Flows::NONE; schema.types.len()];
    let mut work: Vec<(TypeId, Flows)> = Vec::new();
    let mark = |ty: &Type, f: Flows, work: &mut Vec<(TypeId, Flows)>| {
        visit_named(ty, &mut |id| work.push((id, f)));
    };
    for m in &schema.messages {
        let f = Flows::of(m.sender);
        match &m.payload {
            Payload::Fields(fields) => fields.iter().for_each(|x| mark(&x.ty, f, &mut work)),
            Payload::Value { ty, .. } => mark(ty, f, &mut work),
        }
        for dir in Direction::BOTH {
            m.envelope_fields.get(dir).iter().for_each(|x| mark(&x.ty, Flows::one(dir), &mut work));
        }
        if let Some(r) = &m.request {
            for reply in &r.replies {
                match reply {
                    Reply::Result(ty) | Reply::Typed { result: ty, .. } => mark(ty, f.other(), &mut work),
                    Reply::Message(_) => {}
                }
            }
        }
    }
    schema.protocol.envelope.iter().for_each(|x| mark(&x.ty, Flows::BOTH, &mut work));
    mark(&schema.protocol.id.ty, Flows::BOTH, &mut work);
    if let Style::JsonRpc { error: Some(e), .. } = &schema.protocol.style {
        work.push((*e, Flows::BOTH));
    }
    if let Some(c) = schema.protocol.connection.close_codes {
        work.push((c, Flows::BOTH));
    }
    while let Some((id, f)) = work.pop() {
        let Some(slot) = flows.get_mut(id.0 as usize) else { continue };
        if slot.union(f) == *slot {
            continue;
        }
        *slot = slot.union(f);
        let f = *slot;
        match &schema.ty(id).kind {
            TypeDefKind::Struct(s) => s.fields.iter().for_each(|x| mark(&x.ty, f, &mut work)),
            TypeDefKind::Enum(_) => {}
            TypeDefKind::Union(Union::Tagged { variants, base, .. }) => {
                variants.iter().chain(base.iter()).for_each(|v| work.push((*v, f)));
            }
            TypeDefKind::Union(Union::Untagged(u)) => u.variants.iter().for_each(|v| mark(v, f, &mut work)),
            TypeDefKind::Alias(t) => mark(t, f, &mut work),
        }
    }
    flows
}

/// Calls `f` on every named type a type refers to directly (not through those types).
fn visit_named(ty: &Type, f: &mut impl FnMut(TypeId)) {
    match &ty.kind {
        TypeKind::Named(id) => f(*id),
        TypeKind::List(t) | TypeKind::Map(t) | TypeKind::Nullable(t) => visit_named(t, f),
        TypeKind::Tuple(ts) => ts.iter().for_each(|t| visit_named(t, f)),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|t| visit_named(t, f)),
        _ => {}
    }
}

fn sender_word(s: Sender) -> &'static str {
    match s {
        Sender::Client => "client",
        Sender::Server => "server",
        Sender::Both => "both-ways",
    }
}

fn policy_word(p: UnknownFields) -> &'static str {
    match p {
        UnknownFields::Ignore => "ignored",
        UnknownFields::Reject => "rejected",
    }
}

/// A type at a use site with aliases followed: the kind it ends in and the site's
/// (flattened) constraints.
fn view<'t>(schema: &'t Schema, ty: &'t Type) -> (&'t TypeKind, &'t Constraints) {
    let kind = schema.resolve(ty).map_or(&ty.kind, |t| &t.kind);
    (kind, &ty.constraints)
}

/// Inclusive integer bounds; `None` is unbounded.
type IntBounds = (Option<i128>, Option<i128>);

fn int_bounds(int: Option<IntType>, c: &Constraints) -> IntBounds {
    let mut lo = int.map(|i| i.min());
    let mut hi = int.map(|i| i.max());
    if let Some(r) = c.range {
        if let Some(l) = r.min {
            let v = match l.value {
                Number::Int(v) => v + i128::from(l.exclusive),
                Number::Float(f) => {
                    let c = f.ceil();
                    (c as i128) + i128::from(l.exclusive && c == f)
                }
            };
            lo = Some(lo.map_or(v, |x| x.max(v)));
        }
        if let Some(l) = r.max {
            let v = match l.value {
                Number::Int(v) => v - i128::from(l.exclusive),
                Number::Float(f) => {
                    let c = f.floor();
                    (c as i128) - i128::from(l.exclusive && c == f)
                }
            };
            hi = Some(hi.map_or(v, |x| x.min(v)));
        }
    }
    (lo, hi)
}

/// Whether bounds `outer` admit every integer `inner` admits.
fn int_contains(outer: IntBounds, inner: IntBounds) -> bool {
    let lo = match (outer.0, inner.0) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a <= b,
    };
    let hi = match (outer.1, inner.1) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a >= b,
    };
    // An empty inner range is contained in anything.
    (lo && hi) || matches!(inner, (Some(a), Some(b)) if a > b)
}

/// Whether one lower limit admits everything another admits at the low end.
fn low_admits(a: Option<Limit>, b: Option<Limit>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => match x.value.cmp_exact(y.value) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal => !x.exclusive || y.exclusive,
            std::cmp::Ordering::Greater => false,
        },
    }
}

fn high_admits(a: Option<Limit>, b: Option<Limit>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => match x.value.cmp_exact(y.value) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => !x.exclusive || y.exclusive,
            std::cmp::Ordering::Less => false,
        },
    }
}

fn float_range(f: FloatType, c: &Constraints) -> NumRange {
    let width = match f {
        FloatType::F32 => f64::from(f32::MAX),
        FloatType::F64 => f64::MAX,
    };
    let lim = |v: f64| Some(Limit { value: Number::Float(v), exclusive: false });
    let base = NumRange { min: lim(-width), max: lim(width) };
    match c.range {
        Some(r) => Constraints { range: Some(base), ..Default::default() }
            .intersect(&Constraints { range: Some(r), ..Default::default() })
            .range
            .unwrap_or(base),
        None => base,
    }
}

fn range_contains(outer: NumRange, inner: NumRange) -> bool {
    low_admits(outer.min, inner.min) && high_admits(outer.max, inner.max)
}

fn len_contains(outer: Option<LenRange>, inner: Option<LenRange>) -> bool {
    let (omin, omax) = outer.map_or((0, None), |l| (l.min.unwrap_or(0), l.max));
    let (imin, imax) = inner.map_or((0, None), |l| (l.min.unwrap_or(0), l.max));
    omin <= imin
        && match (omax, imax) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => a >= b,
        }
}

fn show_range(r: Option<NumRange>) -> String {
    let Some(r) = r else { return "any".into() };
    let n = |l: Option<Limit>| match l.map(|l| l.value) {
        Some(Number::Int(i)) => i.to_string(),
        Some(Number::Float(f)) => f.to_string(),
        None => String::new(),
    };
    let dots = if r.max.is_some_and(|m| m.exclusive) {
        ".."
    } else if r.max.is_some() {
        "..="
    } else {
        ".."
    };
    format!("{}{dots}{}", n(r.min), n(r.max))
}

fn show_len(l: Option<LenRange>) -> String {
    match l {
        None => "any".into(),
        Some(l) => match l.max {
            Some(m) => format!("{}..={m}", l.min.unwrap_or(0)),
            None => format!("{}..", l.min.unwrap_or(0)),
        },
    }
}

fn type_word(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Bool => "bool",
        TypeKind::Int(_) => "an integer",
        TypeKind::Float(_) => "a float",
        TypeKind::String => "string",
        TypeKind::Bytes(_) => "bytes",
        TypeKind::Uuid => "uuid",
        TypeKind::DateTime(_) => "datetime",
        TypeKind::Date => "date",
        TypeKind::Json => "json",
        TypeKind::Null => "null",
        TypeKind::List(_) => "a list",
        TypeKind::Tuple(_) => "a tuple",
        TypeKind::Map(_) => "a map",
        TypeKind::Named(_) => "a named type",
        TypeKind::OneOf(_) => "an inline union",
        TypeKind::Nullable(_) => "a nullable type",
    }
}

fn def_word(k: &TypeDefKind) -> &'static str {
    match k {
        TypeDefKind::Struct(_) => "a struct",
        TypeDefKind::Enum(_) => "an enum",
        TypeDefKind::Union(_) => "a union",
        TypeDefKind::Alias(_) => "an alias",
    }
}

impl<'a> Cx<'a> {
    fn new(old: &'a Schema, new: &'a Schema) -> Self {
        let t = pair(&old.types, &new.types, |t| t.meta.identity.as_ref(), |t| &t.name, |t| &t.meta);
        let types: HashMap<TypeId, TypeId> = t.into_iter().map(|(o, n)| (TypeId(o as u32), TypeId(n as u32))).collect();
        // A message with neither tags nor keys (a fallback) has no identity of its own: one
        // side's fallback in each version is not the same message for that.
        let m = pair(&old.messages, &new.messages, message_identity, |m| &m.name, |m| &m.meta);
        let messages: HashMap<MessageId, MessageId> =
            m.into_iter().map(|(o, n)| (MessageId(o as u32), MessageId(n as u32))).collect();
        let protocol_approval = approval(&new.protocol.meta, Some(&old.protocol.meta));
        Cx {
            old,
            new,
            types_back: invert(&types),
            types,
            messages_back: invert(&messages),
            messages,
            old_flows: flows(old),
            new_flows: flows(new),
            envelope_findings: HashSet::new(),
            tagged_variants: new
                .types
                .iter()
                .filter_map(|t| match &t.kind {
                    TypeDefKind::Union(Union::Tagged { variants, .. }) => Some(variants.iter().copied()),
                    _ => None,
                })
                .flatten()
                .collect(),
            scopes: vec![Scope {
                label: format!("protocol {}", new.protocol.name),
                approval: protocol_approval,
                span: new.protocol.meta.span,
            }],
            out: Vec::new(),
        }
    }

    // -----------------------------------------------------------------------------------
    // Reporting

    fn emit(&mut self, rule: &'static str, message: String, widen: Flows, narrow: Flows, source: bool) {
        self.emit_breaks(rule, message, breaks(widen, narrow), source);
    }

    fn emit_breaks(&mut self, rule: &'static str, message: String, breaks: Breaks, source: bool) {
        let at = self.scopes.iter().skip(1).map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ");
        let at = if at.is_empty() { self.scopes[0].label.clone() } else { at };
        let approved = self.scopes.iter().rev().find_map(|s| s.approval.clone());
        let span = self.scopes.iter().rev().map(|s| s.span).find(|s| *s != Span::default()).unwrap_or_default();
        // An approval only matters for what breaks something.
        let approved = approved.filter(|_| breaks.any() || source);
        self.out.push(Finding { rule, at, message, breaks, source, span, approved });
    }

    /// Runs `f` one level down: `label` names the level, `new` is the item in the new
    /// schema (its span and approval), `old` its counterpart (an approval it already had
    /// was for an earlier change).
    fn scoped(&mut self, label: String, new: Option<&Meta>, old: Option<&Meta>, f: impl FnOnce(&mut Self)) {
        let approval = new.and_then(|n| approval(n, old));
        let span = new.map_or(Span::default(), |m| m.span);
        self.scopes.push(Scope { label, approval, span });
        f(self);
        self.scopes.pop();
    }

    // -----------------------------------------------------------------------------------
    // The whole schema

    fn run(&mut self) {
        self.protocol();
        self.all_types();
        self.all_messages();
        self.connection();
    }

    fn protocol(&mut self) {
        let (o, n) = (&self.old.protocol, &self.new.protocol);
        match (&o.style, &n.style) {
            (Style::Tagged, Style::Tagged) => {}
            (
                Style::JsonRpc { version_member: ov, error: oe, result: or, error_id: oi, reply_unknown_fields: ou },
                Style::JsonRpc { version_member: nv, error: ne, result: nr, error_id: ni, reply_unknown_fields: nu },
            ) => {
                if ov != nv {
                    let msg = if *nv {
                        "every frame must now carry \"jsonrpc\": \"2.0\""
                    } else {
                        "frames no longer carry \"jsonrpc\": \"2.0\""
                    };
                    self.emit("jsonrpc-changed", msg.into(), Flows::BOTH.when(!*nv), Flows::BOTH.when(*nv), false);
                }
                if or != nr {
                    let widen = *nr == ResultShape::Any;
                    let msg =
                        format!("a result may now be {}", if widen { "any JSON value" } else { "only an object" });
                    self.emit("jsonrpc-changed", msg, Flows::BOTH.when(widen), Flows::BOTH.when(!widen), false);
                }
                if oi != ni {
                    let widen = *ni == IdPresence::Optional;
                    let msg = format!(
                        "error frames {} the id member",
                        if widen { "may now leave out" } else { "must now carry" }
                    );
                    self.emit("jsonrpc-changed", msg, Flows::BOTH.when(widen), Flows::BOTH.when(!widen), false);
                }
                if oe.map(|e| self.types.get(&e).copied()) != ne.map(Some) {
                    self.emit(
                        "jsonrpc-changed",
                        "the error object is another type".into(),
                        Flows::BOTH,
                        Flows::BOTH,
                        true,
                    );
                }
                self.policies("result and error frames", *ou, *nu, Flows::BOTH);
            }
            _ => {
                let word = |s: &Style| if matches!(s, Style::Tagged) { "tagged" } else { "JSON-RPC" };
                let msg = format!(
                    "the framing changed from {} to {}: no frame reads the same",
                    word(&o.style),
                    word(&n.style)
                );
                self.emit("style-changed", msg, Flows::BOTH, Flows::BOTH, true);
            }
        }
        if o.tag_fields != n.tag_fields {
            let msg = format!("the tag members changed from {:?} to {:?}", o.tag_fields, n.tag_fields);
            self.emit("tag-field-changed", msg, Flows::BOTH, Flows::BOTH, false);
        } else {
            for dir in Direction::BOTH {
                let (od, nd) = (&self.old.dispatch.get(dir).tag_fields, &self.new.dispatch.get(dir).tag_fields);
                if od != nd {
                    let msg = format!("the tag members of {} frames changed from {od:?} to {nd:?}", dir.as_str());
                    self.emit("tag-field-changed", msg, Flows::one(dir), Flows::one(dir), false);
                }
            }
        }
        if o.second_tag != n.second_tag {
            let widen = n.second_tag == SecondTag::Ignored;
            let msg = if widen {
                "the second tag member of a one-level message is no longer read".to_string()
            } else {
                "the second tag member of a one-level message must now be null or absent".to_string()
            };
            self.emit("second-tag-changed", msg, Flows::BOTH.when(widen), Flows::BOTH.when(!widen), false);
        }
        let (oid, nid) = (&o.id, &n.id);
        if oid.field != nid.field {
            let msg = format!("the id member is now {:?}, was {:?}", nid.field, oid.field);
            self.emit("id-changed", msg, Flows::BOTH, Flows::BOTH, false);
        }
        if oid.increasing != nid.increasing {
            let msg = if nid.increasing { "ids must now increase" } else { "ids need no longer increase" };
            self.emit(
                "id-changed",
                msg.into(),
                Flows::BOTH.when(!nid.increasing),
                Flows::BOTH.when(nid.increasing),
                false,
            );
        }
        self.scoped("id".into(), None, None, |cx| cx.ty(&oid.ty, &nid.ty, Flows::BOTH));
        let envelope_policy = |s: &Schema| PerDirection {
            client: frame_policy(s, Direction::Client),
            server: frame_policy(s, Direction::Server),
        };
        let (op, np) = (envelope_policy(self.old), envelope_policy(self.new));
        let before = self.out.len();
        self.scoped("envelope".into(), None, None, |cx| cx.fields(&o.envelope, &n.envelope, Flows::BOTH, op, np));
        self.envelope_findings = self.out[before..].iter().map(|f| (f.rule, last_label(&f.at).to_string())).collect();
        for dir in Direction::BOTH {
            self.dispatch(dir);
        }
    }

    fn dispatch(&mut self, dir: Direction) {
        let (o, n) = (self.old.dispatch.get(dir), self.new.dispatch.get(dir));
        // Every level of the tag lookup, by the tag values that lead to it: a set opened or
        // closed at any level (`keep(0)` opens only a second level) changes what is read.
        let (on, nn) = (open_levels(o), open_levels(n));
        for (path, was) in &on {
            let Some((_, now)) = nn.iter().find(|(p, _)| p == path) else { continue };
            if was == now {
                continue;
            }
            let f = Flows::one(dir);
            let under = if path.is_empty() {
                String::new()
            } else {
                format!(" under {}", path.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
            };
            let msg = if *now {
                format!("frames from the {}{under} with an unknown tag are now kept, not rejected", dir.as_str())
            } else {
                format!("frames from the {}{under} with an unknown tag are now rejected", dir.as_str())
            };
            self.emit("tags-openness-changed", msg, f.when(*now), f.when(!*now), true);
        }
        let old_keyed: Vec<MessageId> = o.keyed.iter().filter_map(|(_, m)| self.messages.get(m).copied()).collect();
        let new_keyed: Vec<MessageId> = n.keyed.iter().map(|(_, m)| *m).collect();
        let (old_set, new_set): (HashSet<_>, HashSet<_>) = (old_keyed.iter().collect(), new_keyed.iter().collect());
        let common_old: Vec<_> = old_keyed.iter().filter(|m| new_set.contains(m)).collect();
        let common_new: Vec<_> = new_keyed.iter().filter(|m| old_set.contains(m)).collect();
        if common_old != common_new {
            let msg = format!(
                "the key rules of {} frames are tried in another order: a frame with several key members is another message",
                dir.as_str()
            );
            self.emit("dispatch-order-changed", msg, Flows::one(dir), Flows::one(dir), false);
        }
        if let (Some(of), Some(nf)) = (o.fallback, n.fallback)
            && self.messages.get(&of) != Some(&nf)
        {
            let msg = format!(
                "frames from the {} without a tag are now {}, were {}",
                dir.as_str(),
                self.new.message(nf).name,
                self.old.message(of).name
            );
            self.emit("fallback-changed", msg, Flows::one(dir), Flows::one(dir), true);
        }
    }

    /// An unknown-member policy per direction, for the directions in `flows`.
    fn policies(&mut self, what: &str, o: PerDirection<UnknownFields>, n: PerDirection<UnknownFields>, flows: Flows) {
        for dir in Direction::BOTH {
            let (op, np) = (*o.get(dir), *n.get(dir));
            if !flows.has(dir) || op == np {
                continue;
            }
            let f = Flows::one(dir);
            let msg = format!(
                "undeclared members of {what} from the {} are now {}, were {}",
                dir.as_str(),
                policy_word(np),
                policy_word(op)
            );
            match np {
                UnknownFields::Reject => self.emit("unknown-fields-rejected", msg, Flows::NONE, f, false),
                UnknownFields::Ignore => self.emit("unknown-fields-ignored", msg, Flows::NONE, Flows::NONE, false),
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Types

    fn all_types(&mut self) {
        let (old, new) = (self.old, self.new);
        for (j, n) in new.types.iter().enumerate() {
            let nid = TypeId(j as u32);
            match self.types_back.get(&nid).copied() {
                Some(oid) => {
                    let o = old.ty(oid);
                    let flows = self.old_flows[oid.0 as usize].union(self.new_flows[j]);
                    self.scoped(format!("type {}", n.name), Some(&n.meta), Some(&o.meta), |cx| {
                        cx.type_def(o, n, nid, flows)
                    });
                }
                None => self.scoped(format!("type {}", n.name), Some(&n.meta), None, |cx| {
                    cx.emit(
                        "type-added",
                        format!("{} {} was declared", def_word(&n.kind), n.name),
                        Flows::NONE,
                        Flows::NONE,
                        false,
                    )
                }),
            }
        }
        for (i, o) in old.types.iter().enumerate() {
            if !self.types.contains_key(&TypeId(i as u32)) {
                let msg = format!("{} {} is gone: code that names it no longer compiles", def_word(&o.kind), o.name);
                self.scoped(format!("type {}", o.name), None, None, |cx| {
                    cx.emit("type-removed", msg, Flows::NONE, Flows::NONE, true)
                });
            }
        }
    }

    fn type_def(&mut self, o: &'a TypeDef, n: &'a TypeDef, nid: TypeId, flows: Flows) {
        if o.name != n.name || o.meta.ident != n.meta.ident {
            let msg = format!(
                "{}: its wire is unchanged, code that names it must change",
                renamed(&o.name, &o.meta, &n.name, &n.meta)
            );
            self.emit("type-renamed", msg, Flows::NONE, Flows::NONE, true);
        }
        match (&o.kind, &n.kind) {
            (TypeDefKind::Struct(os), TypeDefKind::Struct(ns)) => {
                self.fields(&os.fields, &ns.fields, flows, os.unknown_fields, ns.unknown_fields);
                self.policies("the struct", os.unknown_fields, ns.unknown_fields, flows);
                if os.tag != ns.tag && self.tagged_variants.contains(&nid) {
                    let msg = format!("its tag as a union variant is now {}, was {}", ns.tag, os.tag);
                    self.emit("union-variant-tag-changed", msg, flows, flows, false);
                }
            }
            (TypeDefKind::Enum(oe), TypeDefKind::Enum(ne)) => self.enumeration(oe, ne, flows),
            (TypeDefKind::Union(ou), TypeDefKind::Union(nu)) => self.union(ou, nu, flows),
            (TypeDefKind::Alias(ot), TypeDefKind::Alias(nt)) => {
                // The wire effect is judged at every use site, aliases followed.
                if !self.same(ot, nt) {
                    self.emit(
                        "alias-changed",
                        "it stands for another type: generated code changes where it is used".into(),
                        Flows::NONE,
                        Flows::NONE,
                        true,
                    );
                }
            }
            (ok, nk) => {
                let msg = format!("it was {}, it is now {}", def_word(ok), def_word(nk));
                // With an alias on either side the use sites tell the wire effect.
                let wire = if matches!(ok, TypeDefKind::Alias(_)) || matches!(nk, TypeDefKind::Alias(_)) {
                    Flows::NONE
                } else {
                    flows
                };
                self.emit("type-kind-changed", msg, wire, wire, true);
            }
        }
    }

    fn enumeration(&mut self, o: &'a Enum, n: &'a Enum, flows: Flows) {
        if o.repr != n.repr || o.flags != n.flags {
            let word = |e: &Enum| match (&e.repr, e.flags) {
                (_, true) => "bit flags".to_string(),
                (EnumRepr::String, _) => "strings".to_string(),
                (EnumRepr::Int(i), _) => i.name(),
                (EnumRepr::Integer, _) => "integers".to_string(),
            };
            let msg = format!("its values are now {}, were {}", word(n), word(o));
            self.emit("enum-repr-changed", msg, flows, flows, true);
            return;
        }
        if o.open != n.open {
            let msg = if n.open {
                "it is now open: unknown values are kept, not rejected"
            } else {
                "it is now closed: unknown values are rejected"
            };
            self.emit("enum-openness-changed", msg.into(), flows.when(n.open), flows.when(!n.open), true);
        }
        let pairs = pair(&o.variants, &n.variants, |v| v.meta.identity.as_ref(), |v| &v.name, |v| &v.meta);
        let back = invert(&pairs);
        for (j, nv) in n.variants.iter().enumerate() {
            match back.get(&j) {
                Some(&i) => {
                    let ov = &o.variants[i];
                    self.scoped(format!("variant {}", nv.name), Some(&nv.meta), Some(&ov.meta), |cx| {
                        if ov.value != nv.value {
                            let msg = format!("its wire value is now {}, was {}", nv.value, ov.value);
                            cx.emit("enum-value-changed", msg, flows, flows, false);
                        }
                        if ov.name != nv.name || ov.meta.ident != nv.meta.ident {
                            let msg = format!(
                                "variant {}: code that names it must change",
                                renamed(&ov.name, &ov.meta, &nv.name, &nv.meta)
                            );
                            cx.emit("enum-variant-renamed", msg, Flows::NONE, Flows::NONE, true);
                        }
                    });
                }
                None => self.scoped(format!("variant {}", nv.name), Some(&nv.meta), None, |cx| {
                    let msg = if o.open {
                        format!("value {} was added; old readers keep it as an unknown value", nv.value)
                    } else {
                        format!("value {} was added; old readers reject it", nv.value)
                    };
                    // An exhaustive match on a closed enum gains an arm to write.
                    cx.emit("enum-variant-added", msg, flows.when(!o.open), Flows::NONE, !n.open);
                }),
            }
        }
        for (i, ov) in o.variants.iter().enumerate() {
            if !pairs.contains_key(&i) {
                let msg = if n.open {
                    format!("value {} was removed; new readers keep it as an unknown value", ov.value)
                } else {
                    format!("value {} was removed; new readers reject it", ov.value)
                };
                self.emit("enum-variant-removed", msg, Flows::NONE, flows.when(!n.open), true);
            }
        }
    }

    fn union(&mut self, o: &'a Union, n: &'a Union, flows: Flows) {
        match (o, n) {
            (
                Union::Tagged { field: of, variants: ov, open: oo, base: ob },
                Union::Tagged { field: nf, variants: nv, open: no, base: nb },
            ) => {
                if of != nf {
                    let msg = format!("the tag member is now {nf:?}, was {of:?}");
                    self.emit("union-tag-field-changed", msg, flows, flows, false);
                }
                if oo != no {
                    let msg = if *no {
                        "it is now open: unknown variants are kept, not rejected"
                    } else {
                        "it is now closed: unknown variants are rejected"
                    };
                    self.emit("union-openness-changed", msg.into(), flows.when(*no), flows.when(!*no), true);
                }
                if ob.map(|b| self.types.get(&b).copied()) != nb.map(Some) {
                    self.emit("union-base-changed", "its @base changed".into(), flows, flows, true);
                }
                let (ov_set, nv_set): (HashSet<_>, HashSet<_>) = (ov.iter().collect(), nv.iter().collect());
                for v in nv {
                    let had = self.types_back.get(v).is_some_and(|old| ov_set.contains(old));
                    if !had {
                        let name = &self.new.ty(*v).name;
                        let msg = if *oo {
                            format!("variant {name} was added; old readers keep it as an unknown variant")
                        } else {
                            format!("variant {name} was added; old readers reject it")
                        };
                        self.emit("union-variant-added", msg, flows.when(!*oo), Flows::NONE, !*no);
                    }
                }
                for v in ov {
                    let kept = self.types.get(v).is_some_and(|new| nv_set.contains(new));
                    if !kept {
                        let name = &self.old.ty(*v).name;
                        let msg = format!("variant {name} was removed");
                        self.emit("union-variant-removed", msg, Flows::NONE, flows.when(!*no), true);
                    }
                }
            }
            (Union::Untagged(ou), Union::Untagged(nu)) => self.untagged(ou, nu, flows),
            _ => {
                let msg = "it changed between tagged and untagged".to_string();
                self.emit("union-kind-changed", msg, flows, flows, true);
            }
        }
    }

    fn untagged(&mut self, o: &'a Untagged, n: &'a Untagged, flows: Flows) {
        if o.ordered != n.ordered {
            self.emit(
                "union-kind-changed",
                "it changed between ordered and proved-apart variants".into(),
                flows,
                flows,
                true,
            );
            return;
        }
        let common = o.variants.len().min(n.variants.len());
        let prefix_same = (0..common).all(|i| self.same(&o.variants[i], &n.variants[i]));
        if o.variants.len() == n.variants.len() {
            for i in 0..common {
                self.scoped(format!("variant {}", i + 1), None, None, |cx| {
                    cx.ty(&o.variants[i], &n.variants[i], flows)
                });
            }
        } else if prefix_same && n.variants.len() > o.variants.len() {
            let msg = format!(
                "{} variant(s) were added; old readers reject their values",
                n.variants.len() - o.variants.len()
            );
            self.emit("union-variant-added", msg, flows, Flows::NONE, true);
        } else if prefix_same {
            let msg = format!(
                "{} variant(s) were removed; new readers reject their values",
                o.variants.len() - n.variants.len()
            );
            self.emit("union-variant-removed", msg, Flows::NONE, flows, true);
        } else {
            self.emit("type-changed", "its variants changed".into(), flows, flows, true);
        }
    }

    /// Whether two types are the same, named types compared through the pairing.
    fn same(&self, o: &Type, n: &Type) -> bool {
        if o.constraints != n.constraints {
            return false;
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Named(a), TypeKind::Named(b)) => self.types.get(a) == Some(b),
            (TypeKind::List(a), TypeKind::List(b))
            | (TypeKind::Map(a), TypeKind::Map(b))
            | (TypeKind::Nullable(a), TypeKind::Nullable(b)) => self.same(a, b),
            (TypeKind::Tuple(a), TypeKind::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.same(x, y))
            }
            (TypeKind::OneOf(a), TypeKind::OneOf(b)) => {
                a.ordered == b.ordered
                    && a.variants.len() == b.variants.len()
                    && a.variants.iter().zip(&b.variants).all(|(x, y)| self.same(x, y))
            }
            (a, b) => a == b,
        }
    }

    /// Compares a value's type at one place, where values travel in `flows`.
    fn ty(&mut self, o: &'a Type, n: &'a Type, flows: Flows) {
        let (old, new) = (self.old, self.new);
        let (ok, oc) = view(old, o);
        let (nk, nc) = view(new, n);
        match (ok, nk) {
            (TypeKind::Json, TypeKind::Json) => return,
            (TypeKind::Json, _) => {
                let msg = format!("it was any JSON value, it is now {}", type_word(nk));
                return self.emit("type-changed", msg, Flows::NONE, flows, true);
            }
            (_, TypeKind::Json) => {
                let msg = format!("it was {}, it is now any JSON value", type_word(ok));
                return self.emit("type-changed", msg, flows, Flows::NONE, true);
            }
            _ => {}
        }
        let o_null = matches!(ok, TypeKind::Nullable(_) | TypeKind::Null);
        let n_null = matches!(nk, TypeKind::Nullable(_) | TypeKind::Null);
        if o_null != n_null {
            if n_null {
                self.emit("nullable-added", "it may now be null".into(), flows, Flows::NONE, true);
            } else {
                self.emit("nullable-removed", "it may no longer be null".into(), Flows::NONE, flows, true);
            }
        }
        match (ok, nk) {
            (TypeKind::Nullable(a), TypeKind::Nullable(b)) => return self.ty(a, b, flows),
            (TypeKind::Nullable(a), _) => return self.ty(a, n, flows),
            (_, TypeKind::Nullable(b)) => return self.ty(o, b, flows),
            (TypeKind::Null, TypeKind::Null) => return,
            _ => {}
        }
        match (ok, nk) {
            (TypeKind::Bool, TypeKind::Bool) | (TypeKind::Uuid, TypeKind::Uuid) | (TypeKind::Date, TypeKind::Date) => {}
            (TypeKind::Int(a), TypeKind::Int(b)) => {
                if a.encoding != b.encoding {
                    let word =
                        |e: IntEncoding| if e == IntEncoding::String { "a decimal string" } else { "a JSON number" };
                    let msg = format!("it is now written as {}, was {}", word(b.encoding), word(a.encoding));
                    return self.emit("encoding-changed", msg, flows, flows, true);
                }
                self.ints(Some(*a), oc, Some(*b), nc, flows);
            }
            (TypeKind::DateTime(a), TypeKind::DateTime(b)) => {
                if a != b {
                    let msg = format!("the time is now written as {b:?}, was {a:?}");
                    return self.emit("encoding-changed", msg, flows, flows, true);
                }
                if matches!(a, TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs) {
                    self.ints(None, oc, None, nc, flows);
                } else {
                    self.range(oc, nc, flows);
                }
            }
            (TypeKind::Float(a), TypeKind::Float(b)) => {
                if a != b {
                    let msg = format!("it is now {b:?}, was {a:?}").to_lowercase();
                    let (or, nr) = (float_range(*a, oc), float_range(*b, nc));
                    let widen = !range_contains(or, nr);
                    let narrow = !range_contains(nr, or);
                    self.emit("float-changed", msg, flows.when(widen), flows.when(narrow), true);
                } else {
                    self.range(oc, nc, flows);
                }
            }
            (TypeKind::String, TypeKind::String) => {
                self.len(oc, nc, flows);
                self.patterns(oc, nc, flows);
            }
            (TypeKind::Bytes(a), TypeKind::Bytes(b)) => {
                if a != b {
                    let msg = format!("the bytes are now written as {b:?}, were {a:?}");
                    return self.emit("encoding-changed", msg, flows, flows, true);
                }
                self.len(oc, nc, flows);
            }
            (TypeKind::List(a), TypeKind::List(b)) => {
                self.len(oc, nc, flows);
                self.scoped("item".into(), None, None, |cx| cx.ty(a, b, flows));
            }
            (TypeKind::Map(a), TypeKind::Map(b)) => {
                self.len(oc, nc, flows);
                self.scoped("value".into(), None, None, |cx| cx.ty(a, b, flows));
            }
            (TypeKind::Tuple(a), TypeKind::Tuple(b)) => {
                if a.len() != b.len() {
                    let msg = format!("the tuple now has {} elements, had {}", b.len(), a.len());
                    return self.emit("tuple-length-changed", msg, flows, flows, true);
                }
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.scoped(format!("element {i}"), None, None, |cx| cx.ty(x, y, flows));
                }
            }
            (TypeKind::OneOf(a), TypeKind::OneOf(b)) => self.untagged(a, b, flows),
            (TypeKind::Named(a), TypeKind::Named(b)) => {
                if self.types.get(a) != Some(b) {
                    let msg = format!("it is now {}, was {}", new.ty(*b).name, old.ty(*a).name);
                    self.emit("type-changed", msg, flows, flows, true);
                }
            }
            (TypeKind::Int(a), TypeKind::Float(b)) if a.encoding == IntEncoding::Number => {
                // Every integer a float's range holds is a valid float; no float with a
                // fraction is a valid integer.
                let (lo, hi) = int_bounds(Some(*a), oc);
                let lim = |v: Option<i128>| v.map(|v| Limit { value: Number::Int(v), exclusive: false });
                let fits = range_contains(float_range(*b, nc), NumRange { min: lim(lo), max: lim(hi) });
                let msg = format!("it was {}, it is now {b:?}", a.name()).to_lowercase();
                self.emit("type-changed", msg, flows, flows.when(!fits), true);
            }
            // An integer written as a string: the wire is a string still, its values the
            // decimal integers of the range. A string with no constraint of its own holds them
            // all (only the narrowing breaks); with one, either side may refuse the other's.
            (TypeKind::String, TypeKind::Int(b)) if b.encoding == IntEncoding::String => {
                let free = oc.len.is_none() && oc.patterns.is_empty();
                let msg = format!("the string is now {} written as a string (decimal digits only)", b.name());
                self.emit("type-changed", msg, flows.when(!free), flows, true);
            }
            (TypeKind::Int(a), TypeKind::String) if a.encoding == IntEncoding::String => {
                let free = nc.len.is_none() && nc.patterns.is_empty();
                let msg = format!("it was {} written as a string, it is now any string", a.name());
                self.emit("type-changed", msg, flows, flows.when(!free), true);
            }
            (a, b) => {
                let msg = format!("it was {}, it is now {}", type_word(a), type_word(b));
                self.emit("type-changed", msg, flows, flows, true);
            }
        }
    }

    fn ints(&mut self, a: Option<IntType>, oc: &Constraints, b: Option<IntType>, nc: &Constraints, flows: Flows) {
        let (ob, nb) = (int_bounds(a, oc), int_bounds(b, nc));
        let widen = !int_contains(ob, nb);
        let narrow = !int_contains(nb, ob);
        if !widen && !narrow {
            return;
        }
        let show = |(lo, hi): IntBounds| {
            format!("{}..={}", lo.map_or(String::new(), |v| v.to_string()), hi.map_or(String::new(), |v| v.to_string()))
        };
        if a != b {
            let (a, b) = (a.map_or("an integer".into(), |t| t.name()), b.map_or("an integer".into(), |t| t.name()));
            let msg = format!("it is now {b} ({}), was {a} ({})", show(nb), show(ob));
            let rule = match (widen, narrow) {
                (true, false) => "integer-widened",
                (false, true) => "integer-narrowed",
                _ => "type-changed",
            };
            self.emit(rule, msg, flows.when(widen), flows.when(narrow), true);
        } else {
            let msg = format!("the range is now {}, was {}", show(nb), show(ob));
            let rule = if widen && !narrow { "range-loosened" } else { "range-tightened" };
            self.emit(rule, msg, flows.when(widen), flows.when(narrow), false);
        }
    }

    /// A `@range` on a float or a float time.
    fn range(&mut self, oc: &Constraints, nc: &Constraints, flows: Flows) {
        if oc.range == nc.range {
            return;
        }
        let all = NumRange { min: None, max: None };
        let (or, nr) = (oc.range.unwrap_or(all), nc.range.unwrap_or(all));
        let widen = !range_contains(or, nr);
        let narrow = !range_contains(nr, or);
        if !widen && !narrow {
            return;
        }
        let msg = format!("the range is now {}, was {}", show_range(nc.range), show_range(oc.range));
        let rule = if widen && !narrow { "range-loosened" } else { "range-tightened" };
        self.emit(rule, msg, flows.when(widen), flows.when(narrow), false);
    }

    fn len(&mut self, oc: &Constraints, nc: &Constraints, flows: Flows) {
        let widen = !len_contains(oc.len, nc.len);
        let narrow = !len_contains(nc.len, oc.len);
        if !widen && !narrow {
            return;
        }
        let msg = format!("the length is now {}, was {}", show_len(nc.len), show_len(oc.len));
        let rule = if widen && !narrow { "length-loosened" } else { "length-tightened" };
        self.emit(rule, msg, flows.when(widen), flows.when(narrow), false);
    }

    fn patterns(&mut self, oc: &Constraints, nc: &Constraints, flows: Flows) {
        for p in nc.patterns.iter().filter(|p| !oc.patterns.contains(p)) {
            let msg = format!("values must now match {p:?}");
            self.emit("pattern-added", msg, Flows::NONE, flows, false);
        }
        for p in oc.patterns.iter().filter(|p| !nc.patterns.contains(p)) {
            let msg = format!("values need no longer match {p:?}");
            self.emit("pattern-removed", msg, flows, Flows::NONE, false);
        }
    }

    // -----------------------------------------------------------------------------------
    // Fields

    /// The members of one object. `op` and `np` are what a reader does with undeclared
    /// members arriving from each side.
    fn fields(
        &mut self,
        o: &'a [Field],
        n: &'a [Field],
        flows: Flows,
        op: PerDirection<UnknownFields>,
        np: PerDirection<UnknownFields>,
    ) {
        let pairs = pair(o, n, |f| f.meta.identity.as_ref(), |f| &f.name, |f| &f.meta);
        let back = invert(&pairs);
        let old_rejects = flows.filter(|d| *op.get(d) == UnknownFields::Reject);
        let new_rejects = flows.filter(|d| *np.get(d) == UnknownFields::Reject);
        for (j, nf) in n.iter().enumerate() {
            let label = format!("field {:?}", nf.name);
            match back.get(&j) {
                Some(&i) => {
                    let of = &o[i];
                    self.scoped(label, Some(&nf.meta), Some(&of.meta), |cx| cx.field(of, nf, flows));
                }
                None => self.scoped(label, Some(&nf.meta), None, |cx| {
                    if nf.required {
                        let msg = format!("required member {:?} was added: old writers do not send it", nf.name);
                        cx.emit("field-added-required", msg, old_rejects, flows, true);
                    } else {
                        let msg = if old_rejects.any() {
                            format!("optional member {:?} was added: old readers reject undeclared members", nf.name)
                        } else {
                            format!("optional member {:?} was added: old readers ignore it", nf.name)
                        };
                        cx.emit("field-added-optional", msg, old_rejects, Flows::NONE, false);
                    }
                }),
            }
        }
        for (i, of) in o.iter().enumerate() {
            if pairs.contains_key(&i) {
                continue;
            }
            let mut msg = format!("member {:?} was removed", of.name);
            if of.required {
                msg.push_str(": old readers require it");
            }
            if new_rejects.any() {
                msg.push_str("; new readers reject it as undeclared");
            }
            self.scoped(format!("field {:?}", of.name), None, None, |cx| {
                cx.emit("field-removed", msg, flows.when(of.required), new_rejects, true)
            });
        }
    }

    fn field(&mut self, o: &'a Field, n: &'a Field, flows: Flows) {
        if o.name != n.name {
            let msg = format!("the member is now {:?} on the wire, was {:?}", n.name, o.name);
            return self.emit("field-renamed", msg, flows, flows, true);
        }
        if o.meta.ident != n.meta.ident {
            let (a, b) = (o.meta.ident.as_ref(), n.meta.ident.as_ref());
            let msg = format!(
                "its identifier in generated code is now {}, was {}",
                b.map_or("?", |i| i.rust.as_str()),
                a.map_or("?", |i| i.rust.as_str())
            );
            self.emit("field-ident-changed", msg, Flows::NONE, Flows::NONE, true);
        }
        if o.required != n.required {
            if n.required {
                let msg = "it is now required: old writers may leave it out".to_string();
                self.emit("field-made-required", msg, Flows::NONE, flows, o.default.is_none());
            } else {
                let msg = if n.default.is_some() {
                    "it may now be absent (read as its default): old readers require it".to_string()
                } else {
                    "it may now be absent: old readers require it".to_string()
                };
                self.emit("field-made-optional", msg, flows, Flows::NONE, n.default.is_none());
            }
        }
        match (&o.default, &n.default) {
            (Some(a), Some(b)) if a != b => {
                let msg = format!(
                    "an absent member now reads as {b}, was {a}: writers and readers of different versions disagree"
                );
                self.emit_breaks("default-changed", msg, breaks(flows, flows), true);
            }
            (Some(a), None) if !n.required => {
                let msg = format!("it lost its default {a}: an absent member is now no value");
                self.emit_breaks("default-added-or-removed", msg, breaks(flows, flows), true);
            }
            (None, Some(b)) if !o.required => {
                let msg = format!("it gained the default {b}: an absent member now reads as it");
                self.emit_breaks("default-added-or-removed", msg, breaks(flows, flows), true);
            }
            _ => {}
        }
        self.ty(&o.ty, &n.ty, flows);
    }

    // -----------------------------------------------------------------------------------
    // Messages

    fn all_messages(&mut self) {
        let (old, new) = (self.old, self.new);
        for (j, n) in new.messages.iter().enumerate() {
            let label = format!("{} message {}", sender_word(n.sender), n.name);
            match self.messages_back.get(&MessageId(j as u32)).copied() {
                Some(oid) => {
                    let o = old.message(oid);
                    self.scoped(label, Some(&n.meta), Some(&o.meta), |cx| cx.message(o, n));
                }
                None => self.scoped(label, Some(&n.meta), None, |cx| cx.message_added(MessageId(j as u32), n)),
            }
        }
        for (i, o) in old.messages.iter().enumerate() {
            if !self.messages.contains_key(&MessageId(i as u32)) {
                let label = format!("{} message {}", sender_word(o.sender), o.name);
                self.scoped(label, None, None, |cx| cx.message_removed(MessageId(i as u32), o));
            }
        }
    }

    /// Whether readers of `dir`'s frames in `other` keep the frames of message `id` of
    /// `schema` as unknown messages: the message's tag values, as `schema` dispatches them,
    /// lead in `other`'s lookup to a level that is open, has no entry for the value and
    /// takes values of its JSON type (`keep(0)` opens only a second level, so a message
    /// added there is kept; a string tag added to an integer level is not). A message
    /// read without a tag (structural, key member, fallback) is never kept.
    fn kept_unknown(schema: &Schema, other: &Schema, dir: Direction, id: MessageId) -> bool {
        let Some((kind, path)) = tag_path(schema.dispatch.get(dir), id) else { return false };
        let d = other.dispatch.get(dir);
        let root = match kind {
            None => d.tags.as_ref(),
            Some(Rpc::Request) => d.rpc.as_ref().and_then(|r| r.requests.as_ref()),
            Some(Rpc::Notification) => d.rpc.as_ref().and_then(|r| r.notifications.as_ref()),
        };
        let Some(mut node) = root else { return false };
        for value in &path {
            match node.entries.iter().find(|(v, _)| v == value) {
                // An open level keeps only values of a JSON type its tags have (strings
                // when it has none); another type is `wrong_type` there.
                None => return node.open && same_json_type(value, &node.entries),
                Some((_, TagTarget::Next(next))) => node = next,
                // Read as another message of `other`: not an unknown one.
                Some((_, TagTarget::Message(_))) => return false,
            }
        }
        false
    }

    fn message_added(&mut self, id: MessageId, n: &'a Message) {
        let flows = Flows::of(n.sender);
        let closed = flows.filter(|d| !Self::kept_unknown(self.new, self.old, d, id));
        let msg = if closed.any() {
            format!("{} was added: old readers reject it", n.name)
        } else {
            format!("{} was added: old readers keep it as an unknown message", n.name)
        };
        // A side's exhaustive match over its messages (or its handler trait) gains a case.
        self.emit("message-added", msg, closed, Flows::NONE, true);
    }

    fn message_removed(&mut self, id: MessageId, o: &'a Message) {
        let flows = Flows::of(o.sender);
        let closed = flows.filter(|d| !Self::kept_unknown(self.old, self.new, d, id));
        let msg = if closed.any() {
            format!("{} was removed: new readers reject it", o.name)
        } else {
            format!("{} was removed: new readers keep it as an unknown message", o.name)
        };
        self.emit("message-removed", msg, Flows::NONE, closed, true);
    }

    fn message(&mut self, o: &'a Message, n: &'a Message) {
        if o.name != n.name || o.meta.ident != n.meta.ident {
            let msg = format!("{}: code that names it must change", renamed(&o.name, &o.meta, &n.name, &n.meta));
            self.emit("message-renamed", msg, Flows::NONE, Flows::NONE, true);
        }
        let (of, nf) = (Flows::of(o.sender), Flows::of(n.sender));
        if o.sender != n.sender {
            let msg = format!("it is now sent by {}, was by {}", sender_word(n.sender), sender_word(o.sender));
            self.emit("message-sender-changed", msg, nf.minus(of), of.minus(nf), true);
        }
        let flows = of.and(nf);
        match (&o.discriminator, &n.discriminator) {
            (Discriminator::Tag(a), Discriminator::Tag(b)) if a != b => {
                let show = |t: &[TagValue]| t.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
                let msg = format!("its tag is now {}, was {}", show(b), show(a));
                self.emit("message-tag-changed", msg, flows, flows, false);
            }
            (Discriminator::Tag(_), Discriminator::Tag(_)) => {}
            (a, b) if a != b => {
                let msg = "it is told apart another way (tag, key members, key rule or fallback)".to_string();
                self.emit("message-discriminator-changed", msg, flows, flows, false);
            }
            _ => {}
        }
        if o.envelope != n.envelope {
            let msg = if n.envelope { "it now carries the envelope" } else { "it no longer carries the envelope" };
            self.emit("message-envelope-changed", msg.into(), flows, flows, false);
        }
        if o.content != n.content {
            let show = |c: &Option<String>| c.as_ref().map_or("flat".to_string(), |c| format!("under {c:?}"));
            let msg = format!("its payload is now {}, was {}", show(&n.content), show(&o.content));
            self.emit("content-member-changed", msg, flows, flows, false);
        } else if o.content_optional != n.content_optional {
            let w = n.content_optional;
            let msg = if w { "the content member may now be absent" } else { "the content member is now required" };
            self.emit("content-optional-changed", msg.into(), flows.when(w), flows.when(!w), false);
        }
        match (&o.payload, &n.payload) {
            (Payload::Fields(a), Payload::Fields(b)) => {
                self.fields(a, b, flows, o.unknown_fields, n.unknown_fields);
                self.policies("the payload", o.unknown_fields, n.unknown_fields, flows);
            }
            (Payload::Value { ty: a, .. }, Payload::Value { ty: b, .. }) => {
                self.scoped("payload".into(), None, None, |cx| cx.ty(a, b, flows));
            }
            _ => {
                let msg = "its payload changed between members and one value".to_string();
                self.emit("payload-shape-changed", msg, flows, flows, true);
            }
        }
        if o.envelope && n.envelope {
            for dir in Direction::BOTH {
                if !flows.has(dir) {
                    continue;
                }
                let (oe, ne) = (o.envelope_fields.get(dir), n.envelope_fields.get(dir));
                let (op, np) = (o.frame_unknown_fields, n.frame_unknown_fields);
                let before = self.out.len();
                self.scoped(format!("envelope from the {}", dir.as_str()), None, None, |cx| {
                    cx.fields(oe, ne, Flows::one(dir), op, np)
                });
                // What the protocol's envelope already reported is not repeated per message.
                let seen = std::mem::take(&mut self.envelope_findings);
                let mut i = before;
                while i < self.out.len() {
                    if seen.contains(&(self.out[i].rule, last_label(&self.out[i].at).to_string())) {
                        self.out.remove(i);
                    } else {
                        i += 1;
                    }
                }
                self.envelope_findings = seen;
            }
        }
        if n.content.is_some() && o.content.is_some() {
            self.policies("the frame", o.frame_unknown_fields, n.frame_unknown_fields, flows);
        }
        if o.id != n.id {
            let (w, nr) = match (o.id, n.id) {
                (IdPresence::Required, IdPresence::Optional) => (true, false),
                (IdPresence::Optional, IdPresence::Required) => (false, true),
                _ => (true, true),
            };
            let msg = format!("its id member is now {:?}, was {:?}", n.id, o.id).to_lowercase();
            self.emit("id-presence-changed", msg, flows.when(w), flows.when(nr), false);
        }
        if o.error != n.error {
            let msg = if n.error { "it is now the error reply" } else { "it is no longer the error reply" };
            self.emit("error-message-changed", msg.into(), flows.other(), flows.other(), true);
        }
        match (&o.request, &n.request) {
            (None, None) => {}
            (Some(a), Some(b)) => self.request(a, b, flows),
            (_, b) => {
                let msg = if b.is_some() { "it is now a request" } else { "it is no longer a request" };
                self.emit("request-changed", msg.into(), flows.union(flows.other()), flows.union(flows.other()), true);
            }
        }
    }

    fn request(&mut self, o: &'a Request, n: &'a Request, flows: Flows) {
        let repliers = flows.other();
        let old_msgs: Vec<MessageId> =
            o.replies.iter().filter_map(|r| r.message()).filter_map(|m| self.messages.get(&m).copied()).collect();
        let new_msgs: Vec<MessageId> = n.replies.iter().filter_map(|r| r.message()).collect();
        for m in new_msgs.iter().filter(|m| !old_msgs.contains(m)) {
            let msg =
                format!("it may now be answered by {}: old requesters do not expect it", self.new.message(*m).name);
            self.emit("reply-added", msg, repliers, Flows::NONE, true);
        }
        for m in o.replies.iter().filter_map(|r| r.message()) {
            if !self.messages.get(&m).is_some_and(|x| new_msgs.contains(x)) {
                let msg = format!("it is no longer answered by {}", self.old.message(m).name);
                self.emit("reply-removed", msg, Flows::NONE, repliers, true);
            }
        }
        let results = |r: &'a Request| -> Vec<&'a Type> {
            r.replies
                .iter()
                .filter_map(|x| match x {
                    Reply::Result(t) | Reply::Typed { result: t, .. } => Some(t),
                    Reply::Message(_) => None,
                })
                .collect()
        };
        let (or, nr) = (results(o), results(n));
        if or.len() == nr.len() {
            for (a, b) in or.into_iter().zip(nr) {
                self.scoped("result".into(), None, None, |cx| cx.ty(a, b, repliers));
            }
        } else {
            self.emit("reply-added", "its result types changed".into(), repliers, repliers, true);
        }
        let map = |ids: &[MessageId]| -> Vec<Option<MessageId>> {
            ids.iter().map(|m| self.messages.get(m).copied()).collect()
        };
        let wrap = |ids: &[MessageId]| -> Vec<Option<MessageId>> { ids.iter().map(|m| Some(*m)).collect() };
        if map(&o.stream) != wrap(&n.stream)
            || map(&o.end) != wrap(&n.end)
            || o.cancel.map(|c| self.messages.get(&c).copied()) != n.cancel.map(Some)
        {
            let both = flows.union(repliers);
            self.emit("exchange-changed", "its stream, end or cancel messages changed".into(), both, both, true);
        }
        if o.correlation != n.correlation {
            let both = flows.union(repliers);
            let msg = "replies are tied to it another way".to_string();
            self.emit("correlation-changed", msg, both, both, false);
        }
    }

    // -----------------------------------------------------------------------------------
    // Connection

    fn connection(&mut self) {
        let (o, n) = (&self.old.protocol.connection, &self.new.protocol.connection);
        let span = self.scopes[0].span;
        self.scopes.push(Scope { label: "connection".into(), approval: None, span });
        let nsoc = Breaks { new_server_old_clients: true, new_clients_old_server: false };
        let ncos = Breaks { new_server_old_clients: false, new_clients_old_server: true };
        if o.path != n.path || o.path_params != n.path_params {
            let msg = format!("the endpoint is now {:?}, was {:?}", n.path, o.path);
            self.emit_breaks("connection-path-changed", msg, Breaks::BOTH, false);
        }
        if o.subprotocols != n.subprotocols {
            let removed: Vec<_> = o.subprotocols.iter().filter(|s| !n.subprotocols.contains(s)).collect();
            if removed.is_empty() {
                let msg = format!("subprotocols are now {:?}, were {:?}", n.subprotocols, o.subprotocols);
                self.emit_breaks("subprotocols-changed", msg, Breaks::NONE, false);
            } else {
                let msg = format!("subprotocols {removed:?} are no longer offered");
                self.emit_breaks("subprotocols-changed", msg, Breaks::BOTH, false);
            }
        }
        let auth = |a: &Auth, cx: &Self| match a {
            Auth::Message { message, reply } => Auth::Message {
                message: cx.messages.get(message).copied().unwrap_or(MessageId(u32::MAX)),
                reply: reply.map(|r| cx.messages.get(&r).copied().unwrap_or(MessageId(u32::MAX))),
            },
            other => other.clone(),
        };
        let old_auth: Vec<Auth> = o.auth.iter().map(|a| auth(a, self)).collect();
        if old_auth != n.auth {
            self.emit_breaks("auth-changed", "clients authenticate another way".into(), Breaks::BOTH, false);
        }
        if o.auth_required != n.auth_required {
            let (msg, b) = if n.auth_required {
                ("clients must now authenticate: old clients may not", nsoc)
            } else {
                ("clients may now stay anonymous: an old server refuses them", ncos)
            };
            self.emit_breaks("auth-changed", msg.into(), b, false);
        }
        let old_before: Vec<MessageId> = o.before_auth.iter().filter_map(|m| self.messages.get(m).copied()).collect();
        let (old_set, new_set): (HashSet<_>, HashSet<_>) =
            (old_before.iter().collect(), n.before_auth.iter().collect());
        let added = n.before_auth.iter().any(|m| !old_set.contains(m));
        let removed = old_before.len() < o.before_auth.len() || old_before.iter().any(|m| !new_set.contains(m));
        if added || removed {
            let b = Breaks { new_server_old_clients: removed, new_clients_old_server: added };
            self.emit_breaks(
                "before-auth-changed",
                "the messages allowed before authentication changed".into(),
                b,
                false,
            );
        }
        if o.first != n.first {
            let msg = format!(
                "the first message now comes from {}, came from {}",
                n.first.map_or("either side", |d| d.as_str()),
                o.first.map_or("either side", |d| d.as_str())
            );
            self.emit_breaks("first-speaker-changed", msg, Breaks::BOTH, false);
        }
        let heartbeat = |h: &Heartbeat, cx: &Self| {
            let m = |id: MessageId| cx.messages.get(&id).copied().unwrap_or(MessageId(u32::MAX));
            match h {
                Heartbeat::Message { message, ack, by, interval_ms, timeout_ms, interval_from } => Heartbeat::Message {
                    message: m(*message),
                    ack: ack.map(m),
                    by: *by,
                    interval_ms: *interval_ms,
                    timeout_ms: *timeout_ms,
                    interval_from: interval_from.as_ref().map(|f| IntervalFrom { message: m(f.message), ..f.clone() }),
                },
                other => other.clone(),
            }
        };
        if o.heartbeat.as_ref().map(|h| heartbeat(h, self)) != n.heartbeat {
            self.emit_breaks("heartbeat-changed", "the heartbeat changed".into(), Breaks::BOTH, false);
        }
        if o.close_codes.map(|c| self.types.get(&c).copied()) != n.close_codes.map(Some) {
            self.emit_breaks("close-codes-changed", "the close codes are another enum".into(), Breaks::BOTH, true);
        }
        let resume = |r: &Resume, cx: &Self| Resume {
            message: cx.messages.get(&r.message).copied().unwrap_or(MessageId(u32::MAX)),
            ..r.clone()
        };
        if o.resume.as_ref().map(|r| resume(r, self)) != n.resume {
            self.emit_breaks("resume-changed", "resume after reconnect changed".into(), Breaks::BOTH, false);
        }
        if o.max_frame_bytes != n.max_frame_bytes {
            let (ol, nl) = (o.max_frame_bytes.unwrap_or(u64::MAX), n.max_frame_bytes.unwrap_or(u64::MAX));
            let show = |l: Option<u64>| l.map_or("no limit".to_string(), |l| format!("{l} bytes"));
            let msg = format!("the largest frame is now {}, was {}", show(n.max_frame_bytes), show(o.max_frame_bytes));
            // Every reader checks the limit: a raised one lets new writers send what old
            // readers refuse, a lowered one refuses what old writers send.
            self.emit("max-frame-changed", msg, Flows::BOTH.when(nl > ol), Flows::BOTH.when(nl < ol), false);
        }
        self.scopes.pop();
    }
}

/// A rename in words: the schema name, or when only `@ident` changed, the identifiers.
fn renamed(old: &str, old_meta: &Meta, new: &str, new_meta: &Meta) -> String {
    if old != new {
        return format!("{old} is now {new}");
    }
    let show = |m: &Meta| {
        m.ident.as_ref().map_or("?".to_string(), |i| {
            format!("{} (Rust), {} (Python), {} (TypeScript)", i.rust, i.python, i.typescript)
        })
    };
    format!("{new}'s identifiers are now {}, were {}", show(new_meta), show(old_meta))
}

/// The innermost level of a finding's place (`field "s"`).
fn last_label(at: &str) -> &str {
    at.rsplit(", ").next().unwrap_or(at)
}

/// The approval an item carries in the new schema, unless its old version carried the same
/// one (then it was for an earlier change).
fn approval(new: &Meta, old: Option<&Meta>) -> Option<String> {
    let why = new.breaking.clone()?;
    match old.and_then(|o| o.breaking.as_ref()) {
        Some(old_why) if *old_why == why => None,
        _ => Some(why),
    }
}

/// Whether a level of a tag lookup with these entries reads `value`'s JSON type (strings
/// when it has no entries), as the validator's tag lookup does.
fn same_json_type(value: &TagValue, entries: &[(TagValue, TagTarget)]) -> bool {
    let kind = |v: &TagValue| std::mem::discriminant(v);
    if entries.is_empty() {
        return matches!(value, TagValue::Str(_));
    }
    entries.iter().any(|(v, _)| kind(v) == kind(value))
}

/// The JSON-RPC kind of frame whose lookup holds a message.
#[derive(Clone, Copy)]
enum Rpc {
    Request,
    Notification,
}

/// The tag values that lead to message `id` in a side's lookup (outermost first), and
/// which JSON-RPC lookup holds them (`None`: the side's tag lookup); `None` when the
/// message is not read by its tag.
fn tag_path(d: &Dispatch, id: MessageId) -> Option<(Option<Rpc>, Vec<TagValue>)> {
    fn find(node: &TagNode, id: MessageId, path: &mut Vec<TagValue>) -> bool {
        for (value, target) in &node.entries {
            path.push(value.clone());
            match target {
                TagTarget::Message(m) if *m == id => return true,
                TagTarget::Next(next) if find(next, id, path) => return true,
                _ => {}
            }
            path.pop();
        }
        false
    }
    let rpc = d.rpc.as_ref();
    let roots = [
        (None, d.tags.as_ref()),
        (Some(Rpc::Request), rpc.and_then(|r| r.requests.as_ref())),
        (Some(Rpc::Notification), rpc.and_then(|r| r.notifications.as_ref())),
    ];
    for (kind, root) in roots {
        let mut path = Vec::new();
        if let Some(node) = root
            && find(node, id, &mut path)
        {
            return Some((kind, path));
        }
    }
    None
}

/// Whether each level of a side's tag lookup is open, by the tag values that lead to it
/// (JSON-RPC requests and notifications under a first value naming the kind).
fn open_levels(d: &Dispatch) -> Vec<(Vec<TagValue>, bool)> {
    fn walk(node: &TagNode, path: &mut Vec<TagValue>, out: &mut Vec<(Vec<TagValue>, bool)>) {
        out.push((path.clone(), node.open));
        for (value, target) in &node.entries {
            if let TagTarget::Next(next) = target {
                path.push(value.clone());
                walk(next, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    if let Some(t) = &d.tags {
        walk(t, &mut Vec::new(), &mut out);
    }
    if let Some(rpc) = &d.rpc {
        for (kind, node) in [("requests", &rpc.requests), ("notifications", &rpc.notifications)] {
            if let Some(t) = node {
                walk(t, &mut vec![TagValue::Str(kind.into())], &mut out);
            }
        }
    }
    out
}

/// What readers of `dir`'s frames do with undeclared top-level members: reject when any
/// message of that side rejects them (the conservative reading for envelope members).
fn frame_policy(schema: &Schema, dir: Direction) -> UnknownFields {
    let rejects = schema.messages_from(dir).any(|(_, m)| *m.frame_unknown_fields.get(dir) == UnknownFields::Reject);
    if rejects { UnknownFields::Reject } else { UnknownFields::Ignore }
}
