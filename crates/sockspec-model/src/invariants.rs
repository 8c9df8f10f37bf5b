//! The model's invariants, checked: what every reader may rely on without guarding itself
//! (indices in range, references that resolve, dispatch tables that agree with the
//! messages). Lowering upholds them; tests and fuzz targets check that it does.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::model::*;

impl Schema {
    /// Checks every invariant of the model; `Err` lists each breach as a sentence. A schema
    /// returned by the compiler always passes: a breach is a bug in lowering (or a model
    /// built or edited by hand).
    ///
    /// Checked: every [`TypeId`] and [`MessageId`] is in range; tagged union variants are
    /// structs with distinct tags; untagged signatures name existing variants and only
    /// their union's keys; enum values match the enum's representation and are distinct;
    /// integer widths are 8, 16, 32 or 64 bits; `@len` bounds are ordered; member names are
    /// unique per object and a defaulted field is never required; each side's dispatch
    /// table reaches exactly the tagged messages that side sends, by their tag values, and
    /// its structural table exactly its structural messages, by their signatures.
    pub fn check_invariants(&self) -> Result<(), Vec<String>> {
        let mut c = Checker { schema: self, breaches: Vec::new() };
        c.schema_refs();
        c.dispatch();
        if c.breaches.is_empty() { Ok(()) } else { Err(c.breaches) }
    }
}

struct Checker<'s> {
    schema: &'s Schema,
    breaches: Vec<String>,
}

impl<'s> Checker<'s> {
    fn breach(&mut self, what: String) {
        self.breaches.push(what);
    }

    fn type_id(&mut self, id: TypeId, at: &str) -> Option<&'s TypeDef> {
        let def = self.schema.types.get(id.0 as usize);
        if def.is_none() {
            self.breach(format!("{at}: type #{} does not exist ({} types)", id.0, self.schema.types.len()));
        }
        def
    }

    fn message_id(&mut self, id: MessageId, at: &str) -> Option<&'s Message> {
        let m = self.schema.messages.get(id.0 as usize);
        if m.is_none() {
            self.breach(format!("{at}: message #{} does not exist ({} messages)", id.0, self.schema.messages.len()));
        }
        m
    }

    fn ty(&mut self, ty: &'s Type, at: &str) {
        if let Some(len) = ty.constraints.len
            && let (Some(min), Some(max)) = (len.min, len.max)
            && min > max
        {
            self.breach(format!("{at}: @len {min}..={max} is empty"));
        }
        match &ty.kind {
            TypeKind::Int(it) => self.int(*it, at),
            TypeKind::List(item) | TypeKind::Map(item) | TypeKind::Nullable(item) => self.ty(item, at),
            TypeKind::Named(id) => {
                self.type_id(*id, at);
            }
            TypeKind::OneOf(u) => self.untagged(u, at),
            TypeKind::Tuple(elements) => elements.iter().for_each(|e| self.ty(e, at)),
            TypeKind::Bool
            | TypeKind::Float(_)
            | TypeKind::String
            | TypeKind::Bytes(_)
            | TypeKind::Uuid
            | TypeKind::DateTime(_)
            | TypeKind::Date
            | TypeKind::Json
            | TypeKind::Null => {}
        }
    }

    fn int(&mut self, it: IntType, at: &str) {
        if ![8, 16, 32, 64].contains(&it.bits) {
            self.breach(format!("{at}: an integer of {} bits", it.bits));
        }
    }

    fn untagged(&mut self, u: &'s Untagged, at: &str) {
        for (i, v) in u.variants.iter().enumerate() {
            self.ty(v, &format!("{at}, variant {i}"));
        }
        for (index, sig) in &u.signatures {
            if *index >= u.variants.len() {
                self.breach(format!("{at}: a signature names variant {index} of {}", u.variants.len()));
            }
            if let Some(k) = sig.iter().find(|k| !u.keys.contains(k)) {
                self.breach(format!("{at}: signature key {k:?} is not among the union's keys"));
            }
        }
    }

    fn fields(&mut self, fields: &'s [Field], at: &str) {
        let mut names = HashSet::new();
        for f in fields {
            let here = format!("{at}.{}", f.name);
            if !names.insert(f.name.as_str()) {
                self.breach(format!("{at}: member {:?} declared twice", f.name));
            }
            if f.default.is_some() && f.required {
                self.breach(format!("{here}: a field with a default is required"));
            }
            self.ty(&f.ty, &here);
        }
    }

    fn schema_refs(&mut self) {
        let schema = self.schema;
        self.ty(&schema.protocol.id.ty, "the id type");
        self.fields(&schema.protocol.envelope, "the envelope");
        if let Style::JsonRpc { error: Some(id), .. } = &schema.protocol.style {
            self.type_id(*id, "the JSON-RPC error type");
        }
        for (i, def) in schema.types.iter().enumerate() {
            let at = format!("type {} (#{i})", def.name);
            match &def.kind {
                TypeDefKind::Struct(s) => self.fields(&s.fields, &at),
                TypeDefKind::Alias(t) => self.ty(t, &at),
                TypeDefKind::Union(Union::Untagged(u)) => self.untagged(u, &at),
                TypeDefKind::Union(Union::Tagged { variants, .. }) => {
                    let mut tags = HashSet::new();
                    for v in variants {
                        match self.type_id(*v, &at).map(|d| &d.kind) {
                            Some(TypeDefKind::Struct(s)) if !tags.insert(&s.tag) => {
                                self.breach(format!("{at}: two variants have the tag {}", s.tag));
                            }
                            Some(TypeDefKind::Struct(_)) | None => {}
                            Some(_) => self.breach(format!("{at}: variant #{} is not a struct", v.0)),
                        }
                    }
                }
                TypeDefKind::Enum(e) => {
                    if let EnumRepr::Int(it) = e.repr {
                        self.int(it, &at);
                    }
                    let mut values = HashSet::new();
                    for v in &e.variants {
                        let fits = matches!(
                            (&e.repr, &v.value),
                            (EnumRepr::String, TagValue::Str(_))
                                | (EnumRepr::Int(_) | EnumRepr::Integer, TagValue::Int(_))
                        );
                        if !fits {
                            self.breach(format!("{at}: variant {} has a value of the wrong kind", v.name));
                        }
                        if !values.insert(&v.value) {
                            self.breach(format!("{at}: two variants have the value {}", v.value));
                        }
                    }
                }
            }
        }
        for (i, m) in schema.messages.iter().enumerate() {
            let at = format!("message {} (#{i})", m.name);
            match &m.payload {
                Payload::Fields(fields) => self.fields(fields, &at),
                Payload::Value { ty, .. } => self.ty(ty, &at),
            }
            if let Some(r) = &m.request {
                for reply in &r.replies {
                    match reply {
                        Reply::Message(id) => {
                            self.message_id(*id, &format!("{at}, a reply"));
                        }
                        Reply::Result(ty) => self.ty(ty, &format!("{at}, a result")),
                        Reply::Typed { message, result } => {
                            self.message_id(*message, &format!("{at}, a reply"));
                            self.ty(result, &format!("{at}, a typed result"));
                        }
                    }
                }
                for id in r.stream.iter().chain(&r.end) {
                    self.message_id(*id, &format!("{at}, its stream"));
                }
            }
        }
        let c = &schema.protocol.connection;
        for id in &c.before_auth {
            self.message_id(*id, "connection.before_auth");
        }
        for auth in &c.auth {
            if let Auth::Message { message, reply } = auth {
                for id in std::iter::once(message).chain(reply) {
                    self.message_id(*id, "connection.auth");
                }
            }
        }
        if let Some(Heartbeat::Message { message, ack, interval_from, .. }) = &c.heartbeat {
            let from = interval_from.as_ref().map(|from| &from.message);
            for id in std::iter::once(message).chain(ack).chain(from) {
                self.message_id(*id, "connection.heartbeat");
            }
        }
        if let Some(r) = &c.resume {
            self.message_id(r.message, "connection.resume");
        }
        if let Some(id) = c.close_codes {
            self.type_id(id, "connection.close_codes");
        }
    }

    fn dispatch(&mut self) {
        let schema = self.schema;
        for dir in Direction::BOTH {
            let d = schema.dispatch.get(dir);
            let side = dir.as_str();
            let mut reached = Vec::new();
            let rpc = d.rpc.iter().flat_map(|r| [&r.requests, &r.notifications]);
            for node in std::iter::once(&d.tags).chain(rpc).flatten() {
                if d.tag_fields.first() != Some(&node.field) {
                    self.breach(format!("{side} dispatch: reads {:?}, not the side's first tag field", node.field));
                }
                self.tag_node(dir, node, 0, &mut Vec::new(), &mut reached);
            }
            let tagged: Vec<MessageId> = schema
                .messages_from(dir)
                .filter(|(_, m)| matches!(&m.discriminator, Discriminator::Tag(v) if !v.is_empty()))
                .map(|(id, _)| id)
                .collect();
            {
                reached.sort();
                let mut expected = tagged.clone();
                expected.sort();
                if reached != expected {
                    self.breach(format!(
                        "{side} dispatch: the tag table reaches messages {} but the side sends the tagged messages {}",
                        ids(&reached),
                        ids(&expected)
                    ));
                }
            }
            let mut structural = Vec::new();
            for (sig, id) in &d.structural {
                let at = format!("{side} structural dispatch");
                let Some(m) = self.message_id(*id, &at) else { continue };
                structural.push(*id);
                if !m.sender.includes(dir) {
                    self.breach(format!("{at}: {} is not sent by the {side}", m.name));
                }
                match &m.discriminator {
                    Discriminator::Structural(own) if own == sig => {}
                    _ => self.breach(format!("{at}: the entry for {} is not its signature", m.name)),
                }
                if let Some(k) = sig.iter().find(|k| !d.keys.contains(k)) {
                    self.breach(format!("{at}: key {k:?} is missing from the table's keys"));
                }
            }
            let mut keyed = Vec::new();
            for (key, id) in &d.keyed {
                let at = format!("{side} key dispatch");
                let Some(m) = self.message_id(*id, &at) else { continue };
                keyed.push(*id);
                if !m.sender.includes(dir) {
                    self.breach(format!("{at}: {} is not sent by the {side}", m.name));
                }
                if !matches!(&m.discriminator, Discriminator::Key(own) if own == key) {
                    self.breach(format!("{at}: the rule for {} is not its key member", m.name));
                }
            }
            if let Some(id) = d.fallback
                && let Some(m) = self.message_id(id, &format!("{side} fallback"))
            {
                keyed.push(id);
                if !m.sender.includes(dir) || !matches!(m.discriminator, Discriminator::Fallback) {
                    self.breach(format!("{side} fallback: {} is not a fallback message of the {side}", m.name));
                }
            }
            keyed.sort();
            let mut expected_keyed: Vec<MessageId> = schema
                .messages_from(dir)
                .filter(|(_, m)| matches!(m.discriminator, Discriminator::Key(_) | Discriminator::Fallback))
                .map(|(id, _)| id)
                .collect();
            expected_keyed.sort();
            if keyed != expected_keyed {
                self.breach(format!(
                    "{side} dispatch: the key rules and fallback hold {} but the side sends {}",
                    ids(&keyed),
                    ids(&expected_keyed)
                ));
            }
            structural.sort();
            let mut expected: Vec<MessageId> = schema
                .messages_from(dir)
                .filter(|(_, m)| matches!(m.discriminator, Discriminator::Structural(_)))
                .map(|(id, _)| id)
                .collect();
            expected.sort();
            if structural != expected {
                self.breach(format!(
                    "{side} dispatch: the structural table holds {} but the side sends the untagged messages {}",
                    ids(&structural),
                    ids(&expected)
                ));
            }
        }
    }

    fn tag_node(
        &mut self,
        dir: Direction,
        node: &'s TagNode,
        level: usize,
        path: &mut Vec<&'s TagValue>,
        reached: &mut Vec<MessageId>,
    ) {
        let side = dir.as_str();
        if self.schema.dispatch.get(dir).tag_fields.get(level) != Some(&node.field) {
            self.breach(format!("{side} dispatch: level {level} reads {:?}, not tag field {level}", node.field));
        }
        let mut seen = HashSet::new();
        for (value, target) in &node.entries {
            if !seen.insert(value) {
                self.breach(format!("{side} dispatch: the tag {value} appears twice at level {level}"));
            }
            path.push(value);
            match target {
                TagTarget::Message(id) => {
                    let at = format!("{side} dispatch");
                    if let Some(m) = self.message_id(*id, &at) {
                        reached.push(*id);
                        if !m.sender.includes(dir) {
                            self.breach(format!("{at}: {} is not sent by the {side}", m.name));
                        }
                        let agrees = match &m.discriminator {
                            Discriminator::Tag(values) => {
                                values.len() <= path.len() && values.iter().zip(path.iter()).all(|(a, b)| a == *b)
                            }
                            Discriminator::Structural(_) | Discriminator::Key(_) | Discriminator::Fallback => false,
                        };
                        if !agrees {
                            let mut shown = String::new();
                            for v in path.iter() {
                                let _ = write!(shown, "{v} ");
                            }
                            self.breach(format!(
                                "{at}: {} is reached by the tags {}which it does not carry",
                                m.name, shown
                            ));
                        }
                    }
                }
                TagTarget::Next(next) => self.tag_node(dir, next, level + 1, path, reached),
            }
            path.pop();
        }
    }
}

fn ids(ids: &[MessageId]) -> String {
    let shown: Vec<String> = ids.iter().map(|id| format!("#{}", id.0)).collect();
    format!("[{}]", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(src: &str) -> Schema {
        let (schema, diagnostics) = crate::check(src);
        schema.unwrap_or_else(|| panic!("{diagnostics:#?}"))
    }

    const SRC: &str = r#"
protocol p {}
struct Word { text: string }
union Shape = Circle | Square
struct Circle { r: f64 }
struct Square { side: f64 }
client message Say { words: [Word], shape: Shape }
client request Ask {} -> Answer
server message Answer { n: u8 }
"#;

    #[test]
    fn a_checked_schema_holds() {
        assert_eq!(schema(SRC).check_invariants(), Ok(()));
    }

    #[test]
    fn breaches_are_found() {
        let mut s = schema(SRC);
        let TypeDefKind::Struct(word) = &mut s.types[0].kind else { panic!("Word is a struct") };
        word.fields[0].ty.kind = TypeKind::Named(TypeId(99));
        let breaches = s.check_invariants().expect_err("a dangling type id");
        assert!(breaches.iter().any(|b| b.contains("type #99 does not exist")), "{breaches:?}");

        let mut s = schema(SRC);
        s.messages[1].request.as_mut().expect("Ask is a request").replies = vec![Reply::Message(MessageId(7))];
        let breaches = s.check_invariants().expect_err("a dangling reply");
        assert!(breaches.iter().any(|b| b.contains("message #7 does not exist")), "{breaches:?}");

        let mut s = schema(SRC);
        s.dispatch.client = Dispatch::default();
        let breaches = s.check_invariants().expect_err("an empty client table");
        assert!(breaches.iter().any(|b| b.contains("client dispatch")), "{breaches:?}");

        let mut s = schema(SRC);
        s.messages[0].discriminator = Discriminator::Tag(vec![TagValue::Str("other".into())]);
        let breaches = s.check_invariants().expect_err("a tag table that disagrees with its message");
        assert!(breaches.iter().any(|b| b.contains("Say is reached by the tags")), "{breaches:?}");

        let mut s = schema(SRC);
        let TypeDefKind::Union(Union::Tagged { variants, .. }) = &mut s.types[1].kind else { panic!("tagged") };
        variants.push(TypeId(0));
        variants.push(TypeId(1));
        let breaches = s.check_invariants().expect_err("a union with a union variant");
        assert!(breaches.iter().any(|b| b.contains("is not a struct")), "{breaches:?}");
    }
}
