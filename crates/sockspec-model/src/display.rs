//! A compact, human rendering of the model (`Display` for [`Schema`]): a few lines per item,
//! types written as in the schema language, every decision of lowering visible. The
//! snapshots of the model show it beside the JSON form, which is complete but long.

use std::fmt::{self, Display, Formatter, Write as _};

use crate::model::*;

impl Display for Schema {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Outline(self).write(f)
    }
}

/// The schema being rendered; its methods are the renderer's, not the model's.
struct Outline<'s>(&'s Schema);

impl Outline<'_> {
    fn write(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let p = &self.0.protocol;
        write!(f, "protocol {}", p.name)?;
        if let Some(v) = &p.version {
            write!(f, " {v:?}")?;
        }
        match &p.style {
            Style::Tagged => write!(f, ", tagged by {:?}", p.tag_fields)?,
            Style::JsonRpc { version_member, error, result, error_id, reply_unknown_fields } => {
                write!(f, ", jsonrpc ({} \"jsonrpc\"", if *version_member { "with" } else { "without" })?;
                if let Some(e) = error {
                    write!(f, ", errors {}", self.type_name(*e))?;
                }
                let result = match result {
                    ResultShape::Any => "any value",
                    ResultShape::Object => "an object",
                };
                write!(f, ", result {result}, error id {}", presence(*error_id))?;
                write!(f, ", reply frames' unknown members {}", policy(reply_unknown_fields))?;
                write!(f, ")")?;
            }
        }
        write!(f, ", id {:?}: {}", p.id.field, self.ty_text(&p.id.ty))?;
        if p.id.increasing {
            write!(f, " increasing")?;
        }
        writeln!(f)?;
        if !p.envelope.is_empty() {
            writeln!(f, "  envelope")?;
            self.fields(f, &p.envelope, "    ")?;
        }
        self.connection(f, &p.connection)?;
        for (i, def) in self.0.types.iter().enumerate() {
            self.type_def(f, i, def)?;
        }
        for (i, m) in self.0.messages.iter().enumerate() {
            self.message(f, i, m)?;
        }
        for dir in Direction::BOTH {
            let d = self.0.dispatch.get(dir);
            if let Some(node) = &d.tags {
                writeln!(f, "dispatch {} by {:?}", dir.as_str(), d.tag_fields)?;
                self.tag_node(f, node, "  ")?;
            }
            for (key, id) in &d.keyed {
                writeln!(f, "dispatch {} without the tag, with {key:?} -> {}", dir.as_str(), self.message_name(*id))?;
            }
            if !d.structural.is_empty() {
                writeln!(f, "dispatch {} by keys {:?}", dir.as_str(), d.keys)?;
                for (sig, id) in &d.structural {
                    writeln!(f, "  {sig:?} -> {}", self.message_name(*id))?;
                }
            }
            if let Some(id) = d.fallback {
                writeln!(f, "dispatch {} otherwise -> {}", dir.as_str(), self.message_name(id))?;
            }
            if let Some(rpc) = &d.rpc {
                let replies = if rpc.replies { "sends result and error frames" } else { "sends no replies" };
                writeln!(f, "dispatch {} jsonrpc, {replies}", dir.as_str())?;
                for (what, node) in [("requests", &rpc.requests), ("notifications", &rpc.notifications)] {
                    if let Some(node) = node {
                        writeln!(f, "  {what}")?;
                        self.tag_node(f, node, "    ")?;
                    }
                }
            }
        }
        Ok(())
    }

    fn type_name(&self, id: TypeId) -> String {
        self.0.types.get(id.0 as usize).map_or_else(|| format!("<type #{}>", id.0), |t| t.name.clone())
    }

    fn message_name(&self, id: MessageId) -> String {
        self.0.messages.get(id.0 as usize).map_or_else(|| format!("<message #{}>", id.0), |m| m.name.clone())
    }

    /// A type as the schema language writes it, with its constraints and encoding.
    fn ty_text(&self, ty: &Type) -> String {
        let mut s = match &ty.kind {
            TypeKind::Bool => "bool".to_string(),
            TypeKind::Int(it) => match it.encoding {
                IntEncoding::Number => it.name(),
                IntEncoding::String => format!("{} @as(string)", it.name()),
            },
            TypeKind::Float(FloatType::F32) => "f32".into(),
            TypeKind::Float(FloatType::F64) => "f64".into(),
            TypeKind::String => "string".into(),
            TypeKind::Bytes(BytesEncoding::Base64) => "bytes".into(),
            TypeKind::Bytes(BytesEncoding::Base64Url) => "bytes @as(base64url)".into(),
            TypeKind::Uuid => "uuid".into(),
            TypeKind::DateTime(e) => match e {
                TimeEncoding::Rfc3339 => "datetime".into(),
                TimeEncoding::Local => "datetime @as(local)".into(),
                TimeEncoding::UnixS => "datetime @as(unix_s)".into(),
                TimeEncoding::UnixMs => "datetime @as(unix_ms)".into(),
                TimeEncoding::UnixUs => "datetime @as(unix_us)".into(),
                TimeEncoding::UnixSFloat => "datetime @as(unix_s_float)".into(),
                TimeEncoding::UnixMsFloat => "datetime @as(unix_ms_float)".into(),
            },
            TypeKind::Date => "date".into(),
            TypeKind::Json => "json".into(),
            TypeKind::Null => "null".into(),
            TypeKind::List(item) => format!("[{}]", self.ty_text(item)),
            TypeKind::Map(value) => format!("map<{}>", self.ty_text(value)),
            TypeKind::Named(id) => self.type_name(*id),
            TypeKind::OneOf(u) => format!("({})", self.untagged_text(u)),
            TypeKind::Tuple(elements) => {
                let shown: Vec<String> = elements.iter().map(|e| self.ty_text(e)).collect();
                format!("[{}]", shown.join(", "))
            }
            TypeKind::Nullable(inner) => format!("{} | null", self.ty_text(inner)),
        };
        let c = &ty.constraints;
        if let Some(r) = &c.range {
            let bound = |l: &Option<Limit>| l.map_or(String::new(), |l| number(l.value));
            let dots = if r.max.is_some_and(|l| !l.exclusive) { "..=" } else { ".." };
            let min = if r.min.is_some_and(|l| l.exclusive) { " (min exclusive)" } else { "" };
            let _ = write!(s, " @range({}{dots}{}){min}", bound(&r.min), bound(&r.max));
        }
        if let Some(l) = &c.len {
            let bound = |b: Option<u64>| b.map_or(String::new(), |b| b.to_string());
            let dots = if l.max.is_some() { "..=" } else { ".." };
            let _ = write!(s, " @len({}{dots}{})", bound(l.min), bound(l.max));
        }
        for p in &c.patterns {
            let _ = write!(s, " @pattern({p:?})");
        }
        s
    }

    fn untagged_text(&self, u: &Untagged) -> String {
        let variants: Vec<String> = u.variants.iter().map(|v| self.ty_text(v)).collect();
        let mut s = variants.join(" | ");
        if !u.signatures.is_empty() {
            let sigs: Vec<String> = u.signatures.iter().map(|(i, keys)| format!("#{i} {keys:?}")).collect();
            let _ = write!(s, "; objects by keys {}", sigs.join(", "));
        }
        s
    }

    fn fields(&self, f: &mut Formatter<'_>, fields: &[Field], indent: &str) -> fmt::Result {
        for field in fields {
            write!(
                f,
                "{indent}{:?}{}: {}",
                field.name,
                if field.required { "" } else { "?" },
                self.ty_text(&field.ty)
            )?;
            // `T | null` is written in the type; a type that takes null by itself (an alias
            // of `T | null`, `json`) is marked.
            if field.nullable && !matches!(field.ty.kind, TypeKind::Nullable(_) | TypeKind::Json | TypeKind::Null) {
                write!(f, " (takes null)")?;
            }
            if let Some(d) = &field.default {
                write!(f, " = {d}")?;
            }
            if field.absent == Absent::Null {
                write!(f, " (absent written as null)")?;
            }
            meta(f, &field.meta)?;
            writeln!(f)?;
        }
        Ok(())
    }

    fn connection(&self, f: &mut Formatter<'_>, c: &Connection) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = &c.path {
            parts.push(format!("path {p:?}"));
        }
        if !c.subprotocols.is_empty() {
            parts.push(format!("subprotocols {:?}", c.subprotocols));
        }
        for auth in &c.auth {
            parts.push(match auth {
                Auth::Header { name } => format!("auth header {name:?}"),
                Auth::Query { name } => format!("auth query {name:?}"),
                Auth::Subprotocol => "auth subprotocol".into(),
                Auth::Message { message, reply } => match reply {
                    Some(r) => format!("auth {} -> {}", self.message_name(*message), self.message_name(*r)),
                    None => format!("auth {}", self.message_name(*message)),
                },
            });
        }
        if !c.before_auth.is_empty() {
            let names: Vec<String> = c.before_auth.iter().map(|id| self.message_name(*id)).collect();
            parts.push(format!("before auth [{}]", names.join(", ")));
        }
        if let Some(d) = c.first {
            parts.push(format!("{} speaks first", d.as_str()));
        }
        match &c.heartbeat {
            Some(Heartbeat::Ping { by, interval_ms, timeout_ms }) => {
                parts.push(format!(
                    "heartbeat ping by {} every {} timeout {}",
                    sender(*by),
                    ms(*interval_ms),
                    ms(*timeout_ms)
                ));
            }
            Some(Heartbeat::Message { message, ack, by, interval_ms, timeout_ms, interval_from }) => {
                let mut s = format!("heartbeat {} by {}", self.message_name(*message), sender(*by));
                if let Some(a) = ack {
                    let _ = write!(s, " -> {}", self.message_name(*a));
                }
                match interval_from {
                    Some(from) => {
                        let _ =
                            write!(s, " every {}.{} ({})", self.message_name(from.message), from.member, from.pointer);
                    }
                    None => {
                        let _ = write!(s, " every {}", ms(*interval_ms));
                    }
                }
                let _ = write!(s, " timeout {}", ms(*timeout_ms));
                parts.push(s);
            }
            None => {}
        }
        if let Some(id) = c.close_codes {
            parts.push(format!("close codes {}", self.type_name(id)));
        }
        if let Some(r) = &c.resume {
            parts.push(format!(
                "resume {} with sequence {:?} ({})",
                self.message_name(r.message),
                r.sequence,
                r.pointer
            ));
        }
        if let Some(n) = c.max_frame_bytes {
            parts.push(format!("max frame {n} bytes"));
        }
        if !parts.is_empty() {
            writeln!(f, "  connection: {}", parts.join("; "))?;
        }
        Ok(())
    }

    fn type_def(&self, f: &mut Formatter<'_>, i: usize, def: &TypeDef) -> fmt::Result {
        write!(f, "type #{i} {}", def.name)?;
        match &def.kind {
            TypeDefKind::Struct(s) => {
                write!(f, " = struct")?;
                // The tag matters only to a tagged union's variant.
                let variant = self.0.types.iter().any(|t| {
                    matches!(&t.kind, TypeDefKind::Union(Union::Tagged { variants, .. }) if variants.contains(&TypeId(i as u32)))
                });
                if variant {
                    write!(f, ", tag {}", s.tag)?;
                }
                write!(f, ", unknown members {}", policy(&s.unknown_fields))?;
                meta(f, &def.meta)?;
                writeln!(f)?;
                self.fields(f, &s.fields, "  ")
            }
            TypeDefKind::Enum(e) => {
                let repr = match &e.repr {
                    EnumRepr::String => "string".to_string(),
                    EnumRepr::Int(it) => it.name(),
                    EnumRepr::Integer => "int".to_string(),
                };
                let kind = if e.flags { "flags" } else { "enum" };
                let open = if e.open { " open" } else { "" };
                let values: Vec<String> = e.variants.iter().map(|v| format!("{} = {}", v.name, v.value)).collect();
                write!(f, " = {kind} {repr}{open} {{ {} }}", values.join(", "))?;
                meta(f, &def.meta)?;
                writeln!(f)
            }
            TypeDefKind::Union(Union::Tagged { field, variants, open, base }) => {
                let names: Vec<String> = variants.iter().map(|v| self.type_name(*v)).collect();
                let open = if *open { " open" } else { "" };
                write!(f, " = union by {field:?}{open} {}", names.join(" | "))?;
                if let Some(b) = base {
                    write!(f, ", base {}", self.type_name(*b))?;
                }
                meta(f, &def.meta)?;
                writeln!(f)
            }
            TypeDefKind::Union(Union::Untagged(u)) => {
                write!(f, " = untagged {}", self.untagged_text(u))?;
                meta(f, &def.meta)?;
                writeln!(f)
            }
            TypeDefKind::Alias(t) => {
                write!(f, " = {}", self.ty_text(t))?;
                meta(f, &def.meta)?;
                writeln!(f)
            }
        }
    }

    fn message(&self, f: &mut Formatter<'_>, i: usize, m: &Message) -> fmt::Result {
        write!(f, "message #{i} {} from {}", m.name, sender(m.sender))?;
        match &m.discriminator {
            Discriminator::Tag(values) => {
                let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
                write!(f, ", tag [{}]", shown.join(", "))?;
            }
            Discriminator::Structural(keys) => write!(f, ", by keys {keys:?}")?,
            Discriminator::Key(key) => write!(f, ", by key member {key:?}")?,
            Discriminator::Fallback => write!(f, ", fallback")?,
        }
        match &m.content {
            Some(c) => write!(f, ", content {c:?}{}", if m.content_optional { " (may be absent)" } else { "" })?,
            None => write!(f, ", flat")?,
        }
        write!(f, ", id {}, unknown members {}", presence(m.id), policy(&m.unknown_fields))?;
        if m.content.is_some() && m.frame_unknown_fields != m.unknown_fields {
            write!(f, " (frame: {})", policy(&m.frame_unknown_fields))?;
        }
        if !m.envelope {
            write!(f, ", no envelope")?;
        }
        if m.error {
            write!(f, ", @error")?;
        }
        meta(f, &m.meta)?;
        writeln!(f)?;
        match &m.payload {
            Payload::Fields(fields) => self.fields(f, fields, "  ")?,
            Payload::Value { ty, nullable } => {
                let takes_null =
                    *nullable && !matches!(ty.kind, TypeKind::Nullable(_) | TypeKind::Json | TypeKind::Null);
                writeln!(f, "  = {}{}", self.ty_text(ty), if takes_null { " (takes null)" } else { "" })?;
            }
        }
        if let Some(r) = &m.request {
            let replies: Vec<String> = r
                .replies
                .iter()
                .map(|reply| match reply {
                    Reply::Message(id) => self.message_name(*id),
                    Reply::Result(ty) => format!("result {}", self.ty_text(ty)),
                    Reply::Typed { message, result } => {
                        format!("{}<{}>", self.message_name(*message), self.ty_text(result))
                    }
                })
                .collect();
            write!(f, "  -> {}", replies.join(" | "))?;
            if !r.stream.is_empty() {
                let names: Vec<String> = r.stream.iter().map(|id| self.message_name(*id)).collect();
                write!(f, ", stream [{}]", names.join(", "))?;
            }
            if !r.end.is_empty() {
                let names: Vec<String> = r.end.iter().map(|id| self.message_name(*id)).collect();
                write!(f, ", end [{}]", names.join(", "))?;
            }
            if let Some(cancel) = r.cancel {
                write!(f, ", cancel {}", self.message_name(cancel))?;
            }
            let at = |pointer: &Option<String>| pointer.as_ref().map_or(String::new(), |p| format!(" at {p}"));
            match &r.correlation {
                Correlation::Id => write!(f, ", correlated by id")?,
                Correlation::Field { name, pointer } => write!(f, ", correlated by {name:?}{}", at(pointer))?,
                Correlation::Subscription { name, pointer } => write!(f, ", subscription {name:?}{}", at(pointer))?,
                Correlation::Order => write!(f, ", correlated by order")?,
            }
            writeln!(f)?;
        }
        Ok(())
    }

    fn tag_node(&self, f: &mut Formatter<'_>, node: &TagNode, indent: &str) -> fmt::Result {
        if node.open {
            writeln!(f, "{indent}{:?} open: other values kept as unknown messages", node.field)?;
        }
        for (value, target) in &node.entries {
            match target {
                TagTarget::Message(id) => {
                    writeln!(f, "{indent}{:?} {value} -> {}", node.field, self.message_name(*id))?
                }
                TagTarget::Next(next) => {
                    writeln!(f, "{indent}{:?} {value}, then", node.field)?;
                    self.tag_node(f, next, &format!("{indent}  "))?;
                }
            }
        }
        Ok(())
    }
}

fn number(n: Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Float(x) => format!("{x:?}"),
    }
}

fn sender(s: Sender) -> &'static str {
    match s {
        Sender::Client => "client",
        Sender::Server => "server",
        Sender::Both => "both",
    }
}

fn presence(p: IdPresence) -> &'static str {
    match p {
        IdPresence::None => "none",
        IdPresence::Required => "required",
        IdPresence::Optional => "optional",
        IdPresence::Forbidden => "forbidden",
    }
}

fn ms(v: Option<u64>) -> String {
    v.map_or("-".to_string(), |v| format!("{v}ms"))
}

fn policy(p: &PerDirection<UnknownFields>) -> String {
    let word = |u: UnknownFields| match u {
        UnknownFields::Ignore => "ignored",
        UnknownFields::Reject => "rejected",
    };
    if p.client == p.server {
        word(p.client).to_string()
    } else {
        format!("{} from the client, {} from the server", word(p.client), word(p.server))
    }
}

/// Deprecation, version and examples, after an item's line (docs are in the JSON form).
fn meta(f: &mut Formatter<'_>, meta: &Meta) -> fmt::Result {
    if let Some(why) = &meta.deprecated {
        write!(f, " @deprecated({why:?})")?;
    }
    if let Some(v) = &meta.since {
        write!(f, " @since({v:?})")?;
    }
    if let Some(why) = &meta.breaking {
        write!(f, " @breaking({why:?})")?;
    }
    for e in &meta.examples {
        write!(f, " @example({e})")?;
    }
    Ok(())
}
