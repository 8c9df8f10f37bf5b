//! The resolved model: the one intermediate form every backend, the validator and the
//! runtime read. Everything is decided here (wire names, tag values, defaults, policies,
//! dispatch), so no reader re-derives anything or looks at the syntax tree.

use serde::Serialize;
use sockspec_syntax::Span;

/// A whole checked schema. Types and messages are stored in declaration order and referred
/// to by index.
#[derive(Clone, Debug, Serialize)]
pub struct Schema {
    pub protocol: Protocol,
    pub types: Vec<TypeDef>,
    pub messages: Vec<Message>,
    /// How frames sent by each side are told apart.
    pub dispatch: PerDirection<Dispatch>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MessageId(pub u32);

/// Who sends a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Client,
    Server,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::Client, Direction::Server];

    pub fn other(self) -> Direction {
        match self {
            Direction::Client => Direction::Server,
            Direction::Server => Direction::Client,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Client => "client",
            Direction::Server => "server",
        }
    }
}

/// One value for each direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PerDirection<T> {
    pub client: T,
    pub server: T,
}

impl<T> PerDirection<T> {
    pub fn both(value: T) -> Self
    where
        T: Clone,
    {
        PerDirection { client: value.clone(), server: value }
    }

    pub fn get(&self, dir: Direction) -> &T {
        match dir {
            Direction::Client => &self.client,
            Direction::Server => &self.server,
        }
    }

    pub fn get_mut(&mut self, dir: Direction) -> &mut T {
        match dir {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }
}

/// Which sides may send a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    Client,
    Server,
    Both,
}

impl Sender {
    pub fn includes(self, dir: Direction) -> bool {
        matches!(
            (self, dir),
            (Sender::Both, _) | (Sender::Client, Direction::Client) | (Sender::Server, Direction::Server)
        )
    }
}

/// Documentation and metadata every named thing carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Meta {
    /// `///` lines, in order, without the slashes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// `@deprecated("why")`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// `@since("1.1.0")`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `@example(...)`, as JSON values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// Where it was declared, for tools that point back into the schema.
    #[serde(skip)]
    pub span: Span,
}

// ---------------------------------------------------------------------------------------
// Protocol

#[derive(Clone, Debug, Serialize)]
pub struct Protocol {
    pub name: String,
    pub meta: Meta,
    pub version: Option<String>,
    pub style: Style,
    /// The tag fields, outermost first: `["type"]`, or `["op", "t"]` for two-level
    /// discrimination; empty when every message is told apart structurally.
    pub tag_fields: Vec<String>,
    /// The correlation field of requests and their replies.
    pub id: IdSpec,
    /// Members every message carries at its top level (unless it opts out).
    pub envelope: Vec<Field>,
    pub connection: Connection,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Style {
    /// Messages told apart by tag fields (and structurally for untagged ones).
    Tagged,
    /// JSON-RPC 2.0 framing: `{id, method, params}`, `{method, params}`, `{id, result}`,
    /// `{id, error}`.
    JsonRpc {
        /// Whether every frame carries `"jsonrpc": "2.0"`.
        version_member: bool,
        /// The error object carried under `error`.
        error: Option<TypeId>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct IdSpec {
    /// The wire name of the id member, at the frame's top level.
    pub field: String,
    pub ty: Type,
    /// Ids must increase over a connection (enforced by the runtime, not per frame).
    pub increasing: bool,
}

// ---------------------------------------------------------------------------------------
// Types

#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub meta: Meta,
    pub kind: TypeDefKind,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "def", rename_all = "lowercase")]
pub enum TypeDefKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// `type Name = T`: the alias keeps its own name for generated code.
    Alias(Type),
}

#[derive(Clone, Debug, Serialize)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// What to do with members the struct does not declare, when a value of it arrives
    /// from each side.
    pub unknown_fields: PerDirection<UnknownFields>,
    /// The tag value this struct carries when it is a variant of a tagged union
    /// (`@tag("c")`, or the snake_case of its name).
    pub tag: TagValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownFields {
    Ignore,
    Reject,
}

#[derive(Clone, Debug, Serialize)]
pub struct Enum {
    pub repr: EnumRepr,
    /// An unknown value (of the right JSON type) is kept rather than rejected.
    pub open: bool,
    /// A bit-flag set: the wire value is an integer whose set bits are variants' values.
    pub flags: bool,
    pub variants: Vec<EnumVariant>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EnumRepr {
    String,
    Int(IntType),
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumVariant {
    /// The name in the schema (used for identifiers in generated code).
    pub name: String,
    pub meta: Meta,
    pub value: TagValue,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Union {
    /// Variants are structs told apart by a tag member inside the object.
    Tagged {
        field: String,
        variants: Vec<TypeId>,
        /// An unknown tag value is kept (as raw JSON) rather than rejected.
        open: bool,
    },
    /// Variants told apart by the JSON value's kind, and objects by which keys they
    /// require; the compiler proved them distinguishable.
    Untagged(Untagged),
}

/// A value with no tag: the variant is chosen by JSON kind and, for objects, key presence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Untagged {
    pub variants: Vec<Type>,
    /// When two or more variants take objects (all of them structs): for each, by index
    /// into `variants`, the keys whose presence selects it. A JSON object is that variant
    /// iff the set of its keys among `keys` equals the signature exactly; an object that
    /// matches none is `unknown_tag`. Empty when at most one variant takes objects (then
    /// every object is that variant).
    pub signatures: Vec<(usize, Vec<String>)>,
    /// Every key that takes part in some signature.
    pub keys: Vec<String>,
}

/// A value tag: a message tag, a union variant tag, an enum value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum TagValue {
    Str(String),
    Int(i64),
}

impl std::fmt::Display for TagValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TagValue::Str(s) => write!(f, "{s:?}"),
            TagValue::Int(i) => write!(f, "{i}"),
        }
    }
}

/// A member of an object.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// The member name exactly as on the wire.
    pub name: String,
    pub meta: Meta,
    pub ty: Type,
    /// The member must be present. False for `name?: T` and for fields with a default.
    pub required: bool,
    /// The field's declaration allows `null` (`T | null`). A field also takes `null` when
    /// its type itself does (an alias of `T | null`, `json`, `null`): that nullability
    /// stays with the type, as generated code declares it there; see
    /// [`Schema::accepts_null`].
    pub nullable: bool,
    /// Applied on read when the member is absent, as the JSON value it stands for.
    pub default: Option<serde_json::Value>,
    /// How a writer writes this member when it has no value (only for optional fields).
    pub absent: Absent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Absent {
    /// Leave the member out.
    Omit,
    /// Write `null` (only for nullable fields; others are always omitted).
    Null,
}

/// A type at a point of use, with the constraints declared there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Type {
    pub kind: TypeKind,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum TypeKind {
    Bool,
    Int(IntType),
    Float(FloatType),
    String,
    Bytes(BytesEncoding),
    Uuid,
    DateTime(TimeEncoding),
    /// `YYYY-MM-DD`
    Date,
    /// Any JSON value.
    Json,
    /// Only `null`: a member that is always null (`"t": null`), a payload or a result
    /// with no value (`message HeartbeatAck = null`, `-> null`).
    Null,
    List(Box<Type>),
    /// An object with string keys and values of one type.
    Map(Box<Type>),
    Named(TypeId),
    /// An inline untagged union (`string | i64`), proved distinguishable.
    OneOf(Box<Untagged>),
    /// `T | null` where the null is not a field's (list items, map values, union variants,
    /// results): fields keep their nullability in [`Field::nullable`] instead.
    Nullable(Box<Type>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IntType {
    pub signed: bool,
    pub bits: u8,
    pub encoding: IntEncoding,
}

impl IntType {
    pub fn min(self) -> i128 {
        if self.signed { -(1i128 << (self.bits - 1)) } else { 0 }
    }

    pub fn max(self) -> i128 {
        if self.signed { (1i128 << (self.bits - 1)) - 1 } else { (1i128 << self.bits) - 1 }
    }

    /// `u64`, `i32`, ...
    pub fn name(self) -> String {
        format!("{}{}", if self.signed { 'i' } else { 'u' }, self.bits)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IntEncoding {
    /// A JSON number written without fraction or exponent.
    Number,
    /// A JSON string of decimal digits (`@as(string)`), for 64-bit values in JavaScript.
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FloatType {
    F32,
    F64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BytesEncoding {
    /// RFC 4648 §4, with padding.
    Base64,
    /// RFC 4648 §5 (URL-safe alphabet), without padding.
    Base64Url,
}

/// How a point in time is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeEncoding {
    /// RFC 3339 with a mandatory offset: `2024-05-01T12:00:00Z`, `...+02:00`.
    Rfc3339,
    /// ISO 8601 date and time with no offset: `2024-05-01T12:00:00.123`.
    Local,
    /// Integer seconds since the Unix epoch.
    UnixS,
    /// Integer milliseconds since the Unix epoch.
    UnixMs,
    /// Integer microseconds since the Unix epoch.
    UnixUs,
    /// Seconds since the Unix epoch as any JSON number (fractions allowed).
    UnixSFloat,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `@range(a..=b)`: numbers (and integers written as strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<NumRange>,
    /// `@len(a..=b)`: string length in Unicode code points, bytes after decoding, list
    /// items, map entries. Bounds inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub len: Option<LenRange>,
    /// `@pattern("regex")`: the string must contain a match (anchor with `^...$`). Written
    /// in the portable subset, as the schema has it; readers run
    /// [`crate::pattern::translate`]'s spelling for their engine, never this text as is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.range.is_none() && self.len.is_none() && self.pattern.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct NumRange {
    pub min: Option<Limit>,
    pub max: Option<Limit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limit {
    pub value: Number,
    /// The limit itself is excluded (`a..b` excludes `b`).
    pub exclusive: bool,
}

/// A number from the schema, exact for integers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LenRange {
    pub min: Option<u64>,
    /// Inclusive.
    pub max: Option<u64>,
}

// ---------------------------------------------------------------------------------------
// Messages

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    /// The name in the schema (used for identifiers in generated code).
    pub name: String,
    pub meta: Meta,
    pub sender: Sender,
    pub discriminator: Discriminator,
    /// Whether the protocol's envelope members are part of this message.
    pub envelope: bool,
    /// Where the payload sits: `None` flat at the top level beside the tag, or under this
    /// member (`"data"`, `"params"`, `"d"`).
    pub content: Option<String>,
    /// Whether the content member may be absent (read as `{}`): JSON-RPC `params` whose
    /// members are all optional.
    pub content_optional: bool,
    pub payload: Payload,
    /// Whether the frame carries the protocol's id member, and how.
    pub id: IdPresence,
    pub request: Option<Request>,
    /// `@error`: the message the protocol uses for error replies.
    pub error: bool,
    /// What to do with undeclared members at the frame's top level (and in a nested
    /// content object), per sending side.
    pub unknown_fields: PerDirection<UnknownFields>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Discriminator {
    /// Values for the protocol's tag fields, outermost first. A message of a two-level
    /// protocol may give only the first value, when it alone names the message.
    Tag(Vec<TagValue>),
    /// No tag: told apart by which keys are present (see [`Dispatch::structural`]).
    Structural(Vec<String>),
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Payload {
    /// An object of members: flat in the frame, or the content object.
    Fields(Vec<Field>),
    /// One value of any type under the content member (`message Heartbeat = u64 | null`).
    Value { ty: Type, nullable: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdPresence {
    /// The message carries no id.
    None,
    /// The id member must be present and not null.
    Required,
    /// The id may be absent or null: error replies to frames whose id could not be read.
    Optional,
}

#[derive(Clone, Debug, Serialize)]
pub struct Request {
    /// What may answer it: messages of the other direction (tagged style), or result types
    /// (JSON-RPC style, under `result`).
    pub replies: Vec<Reply>,
    /// Messages tied to this request that may arrive before or after the reply
    /// (`@stream(A, B)`).
    pub stream: Vec<MessageId>,
    /// The message that ends the exchange (`@end(Done)`).
    pub end: Option<MessageId>,
    pub correlation: Correlation,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Reply {
    Message(MessageId),
    Result(Type),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Correlation {
    /// The protocol's id member, chosen by the requester and echoed in replies.
    Id,
    /// A member of the request's payload whose value every reply and stream message
    /// repeats (`@correlate(session_id)`).
    Field { name: String },
    /// The reply names a subscription in this member, and every stream message carries it
    /// (`@subscription(subscription)`).
    Subscription { name: String },
}

/// How a frame from one side is told apart.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Dispatch {
    /// Tag lookup: the frame's first tag field, then (where a value is shared) the second.
    pub tags: Option<TagNode>,
    /// Messages without a tag, for frames that lack the first tag field: a frame is the
    /// message whose signature equals the set of present keys among `keys`.
    pub structural: Vec<(Vec<String>, MessageId)>,
    /// Every key of some structural signature.
    pub keys: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TagNode {
    /// The tag field read at this level.
    pub field: String,
    pub entries: Vec<(TagValue, TagTarget)>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum TagTarget {
    Message(MessageId),
    Next(TagNode),
}

// ---------------------------------------------------------------------------------------
// Connection (recorded now; the runtime gives it meaning)

#[derive(Clone, Debug, Default, Serialize)]
pub struct Connection {
    /// The HTTP path of the WebSocket endpoint.
    pub path: Option<String>,
    /// WebSocket subprotocols offered, newest first (version negotiation).
    pub subprotocols: Vec<String>,
    pub auth: Vec<Auth>,
    /// Messages allowed before authentication completes.
    pub before_auth: Vec<MessageId>,
    /// The side that sends the first message, if the protocol fixes it.
    pub first: Option<Direction>,
    pub heartbeat: Option<Heartbeat>,
    /// An integer enum whose variants are the protocol's close codes.
    pub close_codes: Option<TypeId>,
    /// Resume after reconnect: the envelope member carrying the sequence number and the
    /// message that asks to resume.
    pub resume: Option<Resume>,
    /// Largest frame accepted, in bytes.
    pub max_frame_bytes: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Auth {
    /// A header at the upgrade (`Authorization`).
    Header { name: String },
    /// A query parameter at the upgrade (`?token=`).
    Query { name: String },
    /// Credentials carried in the WebSocket subprotocol.
    Subprotocol,
    /// A first exchange of messages: this message, answered by `reply`.
    Message { message: MessageId, reply: Option<MessageId> },
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Heartbeat {
    /// WebSocket ping/pong frames.
    Ping { interval_ms: Option<u64>, timeout_ms: Option<u64> },
    /// An application message, answered by `ack` where the protocol has one; the interval
    /// is fixed, or dictated by the peer in a member of a message (`interval_from`).
    Message {
        message: MessageId,
        ack: Option<MessageId>,
        interval_ms: Option<u64>,
        timeout_ms: Option<u64>,
        interval_from: Option<(MessageId, String)>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Resume {
    pub sequence: String,
    pub message: MessageId,
}

// ---------------------------------------------------------------------------------------
// Lookups

impl Schema {
    /// The type with this id.
    ///
    /// # Panics
    ///
    /// Only when the id is out of range, which [`Schema::check_invariants`] rules out: every
    /// id in a schema the compiler returned resolves. Code that reads a model from
    /// elsewhere (deserialized, edited) checks the invariants first, or uses `types.get`.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    /// The message with this id.
    ///
    /// # Panics
    ///
    /// Only when the id is out of range, as for [`Schema::ty`].
    pub fn message(&self, id: MessageId) -> &Message {
        &self.messages[id.0 as usize]
    }

    /// Whether `null` is a value of the type itself: `json`, `null`, `T | null` in a list
    /// or map, or an alias of one of those.
    pub fn accepts_null(&self, ty: &Type) -> bool {
        let mut ty = ty;
        for _ in 0..64 {
            match &ty.kind {
                TypeKind::Json | TypeKind::Null | TypeKind::Nullable(_) => return true,
                TypeKind::Named(id) => match &self.ty(*id).kind {
                    TypeDefKind::Alias(target) => ty = target,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    pub fn type_named(&self, name: &str) -> Option<TypeId> {
        self.types.iter().position(|t| t.name == name).map(|i| TypeId(i as u32))
    }

    pub fn message_named(&self, name: &str) -> Option<MessageId> {
        self.messages.iter().position(|m| m.name == name).map(|i| MessageId(i as u32))
    }

    /// The messages a side may send, in declaration order.
    pub fn messages_from(&self, dir: Direction) -> impl Iterator<Item = (MessageId, &Message)> {
        self.messages
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.sender.includes(dir))
            .map(|(i, m)| (MessageId(i as u32), m))
    }
}
