//! The resolved model: the one intermediate form every backend, the validator and the
//! runtime read. Everything is decided here (wire names, tag values, defaults, policies,
//! dispatch), so no reader re-derives anything or looks at the syntax tree.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sockspec_syntax::Span;

pub use crate::names::{AnonymousSite, AnonymousType, Identity, Idents};
pub use crate::recursion::TypeGroup;
pub use crate::value::Value;

/// A whole checked schema. Types and messages are stored in declaration order and referred
/// to by index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The version of this model's serialized form ([`FORMAT_VERSION`](crate::FORMAT_VERSION)
    /// when built by this crate); [`Schema::from_json`] refuses any other.
    pub format_version: u32,
    pub protocol: Protocol,
    pub types: Vec<TypeDef>,
    pub messages: Vec<Message>,
    /// How frames sent by each side are told apart.
    pub dispatch: PerDirection<Dispatch>,
    /// Every type in groups of mutually recursive types (strongly connected components of
    /// "refers to"), each group after the groups it refers to: an order to define types
    /// in, where only a group marked `recursive` needs forward references.
    #[serde(default)]
    pub type_order: Vec<TypeGroup>,
    /// Names for the types the schema writes without a name (inline unions, single-value
    /// payloads, results, the id type), chosen once so every output agrees (docs/names.md).
    #[serde(default)]
    pub anonymous: Vec<AnonymousType>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TypeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MessageId(pub u32);

/// Who sends a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    /// `///` lines, in order, without the slashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// `@deprecated("why")`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// `@since("1.1.0")`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `@example(...)`, as JSON values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// `@renamed_from("old")`: the names this item had before, newest first, so `diff`
    /// sees a rename rather than a removal and an addition (docs/names.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// `@breaking("why")`: a breaking change to this item (or to what it contains) is
    /// intended, for this reason; `diff` reports such findings as approved (docs/diff.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking: Option<String>,
    /// `@ident("name")`: the name identifiers are made from instead of the item's own
    /// (its wire name is unchanged), to part two names that would become one identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ident_name: Option<String>,
    /// The item's identifier in each target language, decided once (docs/names.md).
    /// `None` only for the protocol and the envelope's container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ident: Option<Idents>,
    /// What the item is on the wire, independent of declaration order: how `diff` pairs
    /// an item of one version of a schema with the same item of another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Where it was declared, for tools that point back into the schema. Not part of
    /// equality: two models that differ only in layout are equal.
    #[serde(default, with = "crate::serial::span")]
    pub span: Span,
    /// The file `span` points into (0: the schema given to [`check`](crate::check)).
    #[serde(default, skip_serializing_if = "FileId::is_main")]
    pub file: FileId,
}

impl PartialEq for Meta {
    fn eq(&self, other: &Meta) -> bool {
        // Spans (and their file) are where an item was written, not what it is.
        let Meta {
            docs,
            deprecated,
            since,
            examples,
            renamed_from,
            breaking,
            ident_name,
            ident,
            identity,
            span: _,
            file: _,
        } = self;
        *docs == other.docs
            && *deprecated == other.deprecated
            && *since == other.since
            && *examples == other.examples
            && *renamed_from == other.renamed_from
            && *breaking == other.breaking
            && *ident_name == other.ident_name
            && *ident == other.ident
            && *identity == other.identity
    }
}

/// A source file of a schema, for spans. Today a schema is one file, number 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileId(pub u32);

impl FileId {
    pub const MAIN: FileId = FileId(0);

    pub fn is_main(&self) -> bool {
        *self == FileId::MAIN
    }
}

// ---------------------------------------------------------------------------------------
// Protocol

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub name: String,
    pub meta: Meta,
    pub version: Option<String>,
    pub style: Style,
    /// The tag fields, outermost first: `["type"]`, or `["op", "t"]` for two-level
    /// discrimination; empty when every message is told apart structurally. This is the
    /// protocol's `tag` setting; what each side uses (it may differ by direction) is
    /// [`Dispatch::tag_fields`].
    pub tag_fields: Vec<String>,
    /// In two-level dispatch, what a reader does with the second tag member of a frame whose
    /// first value alone names its message (`second_tag`).
    pub second_tag: SecondTag,
    /// The correlation field of requests and their replies.
    pub id: IdSpec,
    /// Members every message carries at its top level (unless it opts out).
    pub envelope: Vec<Field>,
    /// The `///` lines of the `envelope { ... }` block.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub envelope_docs: Vec<String>,
    /// The `///` lines of each documented setting of the protocol block, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub setting_docs: BTreeMap<String, Vec<String>>,
    pub connection: Connection,
}

/// The second tag member on a single-level message of a two-level protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondTag {
    /// Not read (`second_tag = any`, the default): a gateway may write `"t": null` there.
    #[default]
    Ignored,
    /// Must be `null` or absent (`second_tag = null`); any other value is `wrong_type`.
    NullOrAbsent,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
        /// What a result frame's `result` may be before the request it answers is known:
        /// any JSON value (JSON-RPC 2.0), or an object (`result = object`, as browser
        /// protocols say).
        result: ResultShape,
        /// Whether an error frame must carry the id member (`Required`: JSON-RPC 2.0, where
        /// it may be `null`), or may leave it out (`Optional`: `error_id = optional`, for
        /// frames answering something that could not be parsed).
        error_id: IdPresence,
        /// The unknown-member policy of the top level of result and error frames, per
        /// sending side (`frame_unknown_fields`, or: reject only where every message of
        /// that side rejects).
        reply_unknown_fields: PerDirection<UnknownFields>,
    },
}

/// What a JSON-RPC `result` member may hold, checked frame by frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultShape {
    Any,
    Object,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdSpec {
    /// The wire name of the id member, at the frame's top level.
    pub field: String,
    pub ty: Type,
    /// Ids must increase over a connection (enforced by the runtime, not per frame).
    pub increasing: bool,
}

// ---------------------------------------------------------------------------------------
// Types

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    pub name: String,
    pub meta: Meta,
    pub kind: TypeDefKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "def", rename_all = "lowercase")]
pub enum TypeDefKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// `type Name = T`: the alias keeps its own name for generated code.
    Alias(Type),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// What to do with members the struct does not declare, when a value of it arrives
    /// from each side.
    pub unknown_fields: PerDirection<UnknownFields>,
    /// The tag value this struct carries when it is a variant of a tagged union
    /// (`@tag("c")`, or the snake_case of its name).
    pub tag: TagValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownFields {
    Ignore,
    Reject,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub repr: EnumRepr,
    /// An unknown value (of the right JSON type) is kept rather than rejected.
    pub open: bool,
    /// A bit-flag set: the wire value is an integer whose set bits are variants' values.
    pub flags: bool,
    pub variants: Vec<EnumVariant>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EnumRepr {
    String,
    /// Integers of this width; a value outside it is `out_of_range`.
    Int(IntType),
    /// Any JSON integer, of any size (`enum Op: int`): a value that is no variant's is
    /// `unknown_value`, however large. The variants' values fit an `i64`.
    Integer,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumVariant {
    /// The name in the schema (used for identifiers in generated code).
    pub name: String,
    pub meta: Meta,
    pub value: TagValue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Union {
    /// Variants are structs told apart by a tag member inside the object.
    Tagged {
        field: String,
        variants: Vec<TypeId>,
        /// An unknown tag value is kept (as raw JSON) rather than rejected.
        open: bool,
        /// `@base(Name)`: a struct whose members every variant's object has, beside the tag
        /// and the variant's own members. They are checked on every value, an unknown
        /// variant of an open union included; no variant declares one of them again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<TypeId>,
    },
    /// Variants told apart by the JSON value's kind, and objects by which keys they
    /// require; the compiler proved them distinguishable.
    Untagged(Untagged),
}

/// A value with no tag: the variant is chosen by JSON kind and, for objects, key presence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Untagged {
    pub variants: Vec<Type>,
    /// For each variant, by index into `variants`, the JSON kinds it accepts (through
    /// aliases and nested unions), as the compiler proved them apart: a reader picks the
    /// variant from this table, never from the types. `null` is in a variant's kinds only
    /// when the variant itself takes it.
    pub kinds: Vec<JsonKinds>,
    /// When two or more variants take objects (all of them structs): for each, by index
    /// into `variants`, the keys whose presence selects it. A JSON object is that variant
    /// iff the set of its keys among `keys` equals the signature exactly; an object that
    /// matches none is `unknown_tag`. Empty when at most one variant takes objects (then
    /// every object is that variant).
    pub signatures: Vec<(usize, Vec<String>)>,
    /// Every key that takes part in some signature.
    pub keys: Vec<String>,
    /// For an inline union (`TypeKind::OneOf`), its name from [`Schema::anonymous`]; `None`
    /// for a declared `@untagged union`, which has its declaration's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `@untagged(ordered)`: the variants are not proved apart; a value is the first
    /// variant, in declared order, that it is valid against (`signatures` and `keys` are
    /// then empty).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
}

/// A set of JSON kinds, as readers tell untagged variants apart: `null`, a boolean, an
/// integer (a number written without fraction or exponent), a number written with one, a
/// string, an array, an object. Serialized as the list of their names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct JsonKinds(pub u8);

impl JsonKinds {
    pub const NULL: JsonKinds = JsonKinds(1);
    pub const BOOLEAN: JsonKinds = JsonKinds(1 << 1);
    pub const INTEGER: JsonKinds = JsonKinds(1 << 2);
    pub const FRACTION: JsonKinds = JsonKinds(1 << 3);
    pub const STRING: JsonKinds = JsonKinds(1 << 4);
    pub const ARRAY: JsonKinds = JsonKinds(1 << 5);
    pub const OBJECT: JsonKinds = JsonKinds(1 << 6);
    /// Any JSON value (`json`).
    pub const ANY: JsonKinds = JsonKinds(0x7f);
    /// Any number: integers and numbers with a fraction or exponent.
    pub const NUMBER: JsonKinds = JsonKinds((1 << 2) | (1 << 3));
    /// The names, in bit order.
    pub const NAMES: [&'static str; 7] = ["null", "boolean", "integer", "fraction", "string", "array", "object"];

    pub fn contains(self, other: JsonKinds) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn intersects(self, other: JsonKinds) -> bool {
        self.0 & other.0 != 0
    }

    pub fn union(self, other: JsonKinds) -> JsonKinds {
        JsonKinds(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the kinds in the set, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.into_iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| n)
    }
}

impl Serialize for JsonKinds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.names())
    }
}

impl<'de> Deserialize<'de> for JsonKinds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        names.iter().try_fold(JsonKinds::default(), |kinds, name| {
            match JsonKinds::NAMES.iter().position(|n| n == name) {
                Some(i) => Ok(kinds.union(JsonKinds(1 << i))),
                None => Err(serde::de::Error::unknown_variant(name, &JsonKinds::NAMES)),
            }
        })
    }
}

/// A value tag: a message tag, a union variant tag, an enum value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TagValue {
    Str(String),
    Int(i64),
    /// `@tag(true)`: `"success": true` names one message, `false` another.
    Bool(bool),
    /// `@tag(null)`: the tag member is `null` (absent is still a missing tag).
    Null,
}

impl std::fmt::Display for TagValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TagValue::Str(s) => write!(f, "{s:?}"),
            TagValue::Int(i) => write!(f, "{i}"),
            TagValue::Bool(b) => write!(f, "{b}"),
            TagValue::Null => f.write_str("null"),
        }
    }
}

/// A member of an object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The member name exactly as on the wire.
    pub name: String,
    pub meta: Meta,
    pub ty: Type,
    /// The member must be present. False for `name?: T` and for fields with a default.
    pub required: bool,
    /// Whether the member may be `null`, decided once from `ty` by [`accepts_null`]:
    /// `name: T | null` (its `ty` is `Nullable(T)`), an alias of `T | null`, `json`,
    /// `null`. Nullability has one representation, in the type; this is its answer for
    /// the field, for readers that only ask.
    pub nullable: bool,
    /// Applied on read when the member is absent, as the JSON value it stands for (left
    /// out of the serialized form when there is none, so a `null` default stays `null`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::serial::present")]
    pub default: Option<serde_json::Value>,
    /// How a writer writes this member when it has no value: `Null` only for fields that
    /// may be absent and null (`nullable`), whatever makes them nullable.
    pub absent: Absent,
    /// The default resolved against the field's type: an enum default names its variant,
    /// a float default is a float. `default` keeps the JSON view of the same value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    /// The field's type holds, by value (not through a list or map), a type of the same
    /// recursive group as the struct that declares it: languages that lay values out
    /// inline need an indirection here (a `Box` in Rust).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub indirect: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Absent {
    /// Leave the member out.
    Omit,
    /// Write `null` (only for nullable fields; others are always omitted).
    Null,
}

/// A type at a point of use, with every constraint that holds there: those written at the
/// use site and, flattened in, those of the aliases it goes through (`Named` of an alias)
/// and of the type under `| null` (`Nullable`). A reader needs no alias to know the final
/// bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Type {
    pub kind: TypeKind,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// A fixed positional array (`[string, u64]`): exactly one item per element, each of
    /// its own type.
    Tuple(Vec<Type>),
    /// An object with string keys and values of one type.
    Map(Box<Type>),
    Named(TypeId),
    /// An inline untagged union (`string | i64`), proved distinguishable.
    OneOf(Box<Untagged>),
    /// `T | null`, wherever it is written: a field, a list item, a map value, a union
    /// variant, a payload, a result. [`accepts_null`] is the one question "may this be
    /// `null`?", through aliases.
    Nullable(Box<Type>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntEncoding {
    /// A JSON number written without fraction or exponent.
    Number,
    /// A JSON string of decimal digits (`@as(string)`), for 64-bit values in JavaScript.
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FloatType {
    F32,
    F64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BytesEncoding {
    /// RFC 4648 §4, with padding.
    Base64,
    /// RFC 4648 §5 (URL-safe alphabet), without padding.
    Base64Url,
}

/// How a point in time is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Milliseconds since the Unix epoch as any JSON number (fractions allowed).
    UnixMsFloat,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// `@range(a..=b)`: numbers (and integers written as strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<NumRange>,
    /// `@len(a..=b)`: string length in Unicode code points, bytes after decoding, list
    /// items, map entries. Bounds inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<LenRange>,
    /// `@pattern("regex")`: the string must contain a match of each (anchor with `^...$`);
    /// several when an alias and its use site both declare one. Written in the portable
    /// subset, as the schema has it; readers run [`crate::pattern::translate`]'s spelling
    /// for their engine, never this text as is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.range.is_none() && self.len.is_none() && self.patterns.is_empty()
    }

    /// What holds where both hold: the tighter bound of each side, every pattern once.
    pub fn intersect(&self, other: &Constraints) -> Constraints {
        let range = match (self.range, other.range) {
            (Some(a), Some(b)) => Some(NumRange {
                min: tighter(a.min, b.min, Ordering::Greater),
                max: tighter(a.max, b.max, Ordering::Less),
            }),
            (a, b) => a.or(b),
        };
        let len = match (self.len, other.len) {
            (Some(a), Some(b)) => Some(LenRange {
                min: a.min.max(b.min),
                max: match (a.max, b.max) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                },
            }),
            (a, b) => a.or(b),
        };
        let mut patterns = self.patterns.clone();
        for p in &other.patterns {
            if !patterns.contains(p) {
                patterns.push(p.clone());
            }
        }
        Constraints { range, len, patterns }
    }
}

/// Of two limits on one side of a range, the one that excludes more: `keep` is the order a
/// tighter limit has against the other (`Greater` for minimums).
fn tighter(a: Option<Limit>, b: Option<Limit>, keep: Ordering) -> Option<Limit> {
    match (a, b) {
        (Some(x), Some(y)) => Some(match x.value.cmp_exact(y.value) {
            Ordering::Equal => Limit { value: x.value, exclusive: x.exclusive || y.exclusive },
            o if o == keep => x,
            _ => y,
        }),
        (x, y) => x.or(y),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumRange {
    pub min: Option<Limit>,
    pub max: Option<Limit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub value: Number,
    /// The limit itself is excluded (`a..b` excludes `b`).
    pub exclusive: bool,
}

/// A number from the schema, exact for integers.
#[derive(Clone, Copy, Debug, PartialEq)]
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

    /// Compares exactly, an integer with a float included (no rounding of either).
    pub fn cmp_exact(self, other: Number) -> Ordering {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.cmp(&b),
            (Number::Float(a), Number::Float(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Number::Float(f), Number::Int(i)) => cmp_f64_i128(f, i),
            (Number::Int(i), Number::Float(f)) => cmp_f64_i128(f, i).reverse(),
        }
    }
}

/// A float against an integer, exactly.
fn cmp_f64_i128(f: f64, i: i128) -> Ordering {
    const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= TWO_127 {
        return Ordering::Greater;
    }
    if f < -TWO_127 {
        return Ordering::Less;
    }
    let whole = f.trunc();
    // Exact: `whole` is an integer within i128's range.
    match (whole as i128).cmp(&i) {
        Ordering::Equal => f.partial_cmp(&whole).unwrap_or(Ordering::Equal),
        other => other,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LenRange {
    pub min: Option<u64>,
    /// Inclusive.
    pub max: Option<u64>,
}

// ---------------------------------------------------------------------------------------
// Messages

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The name in the schema (used for identifiers in generated code).
    pub name: String,
    pub meta: Meta,
    pub sender: Sender,
    pub discriminator: Discriminator,
    /// Whether the protocol's envelope members are part of this message.
    pub envelope: bool,
    /// The envelope members of this message's frames from each side, with their presence
    /// on this message decided: an envelope member `@only(server)` is not in the client's
    /// list; one `@only(Ready)` (or `@only(0)`, a first tag value) is required and not null
    /// on those messages and must be null or absent on the others (type `null`, optional).
    /// Empty for a side that does not send the message, and with `@no_envelope`.
    pub envelope_fields: PerDirection<Vec<Field>>,
    /// Where the payload sits: `None` flat at the top level beside the tag, or under this
    /// member (`"data"`, `"params"`, `"d"`).
    pub content: Option<String>,
    /// Whether the content member may be absent (read as `{}`, or as no value for a
    /// one-value payload): JSON-RPC `params` whose members are all optional, and
    /// `@content("payload", optional)`.
    pub content_optional: bool,
    pub payload: Payload,
    /// Whether the frame carries the protocol's id member, and how.
    pub id: IdPresence,
    pub request: Option<Request>,
    /// `@error`: the message the protocol uses for error replies.
    pub error: bool,
    /// What to do with undeclared members in a nested content object (and, for a flat
    /// message, at the top level), per sending side.
    pub unknown_fields: PerDirection<UnknownFields>,
    /// What to do with undeclared members at the frame's top level, per sending side. The
    /// same as `unknown_fields` except in the JSON-RPC style with `frame_unknown_fields`
    /// set, where the frame and its `params` have policies of their own.
    pub frame_unknown_fields: PerDirection<UnknownFields>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Discriminator {
    /// Values for the protocol's tag fields, outermost first. A message of a two-level
    /// protocol may give only the first value, when it alone names the message.
    Tag(Vec<TagValue>),
    /// No tag: told apart by which keys are present (see [`Dispatch::structural`]).
    Structural(Vec<String>),
    /// No tag: the frame is this message when it lacks the tag member and has this member,
    /// the first such rule in declared order (`@key("result")`, see [`Dispatch::keyed`]).
    Key(String),
    /// No tag: the message of frames that lack the tag member and match nothing else
    /// (`@fallback`, see [`Dispatch::fallback`]).
    Fallback,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Payload {
    /// An object of members: flat in the frame, or the content object.
    Fields(Vec<Field>),
    /// One value of any type under the content member (`message Heartbeat = u64 | null`).
    Value { ty: Type, nullable: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdPresence {
    /// The message carries no id.
    None,
    /// The id member must be present, with a value of the protocol's `id_type`: never
    /// `null`, unless `id_type` itself includes `null` (`string | i64 | null`).
    Required,
    /// The id may be absent or null: error replies to frames whose id could not be read.
    Optional,
    /// The id member must be absent: a JSON-RPC notification (a frame with the id is read
    /// as a request).
    Forbidden,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// What may answer it: messages of the other direction (tagged style), or result types
    /// (JSON-RPC style, under `result`). The side's `@error` message is always among them
    /// (added when not written), as the runtime answers bad requests with it.
    pub replies: Vec<Reply>,
    /// Messages tied to this request that may arrive before or after the reply
    /// (`@stream(A, B)`).
    pub stream: Vec<MessageId>,
    /// The messages that end the exchange, any one of them (`@end(Complete, Error)`).
    pub end: Vec<MessageId>,
    /// A message the requester sends to end the exchange early (`@cancel(Complete)`),
    /// correlated like the request.
    pub cancel: Option<MessageId>,
    pub correlation: Correlation,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Reply {
    Message(MessageId),
    Result(Type),
    /// A reply message whose one-value payload (`message Success = json`) holds, for this
    /// request, a value of `result` (`-> Success<NavigateResult>`): the tagged style's
    /// typed results. Frames are checked against the message; the runtime, which knows the
    /// request, checks the content against `result`.
    Typed {
        message: MessageId,
        result: Type,
    },
}

impl Reply {
    /// The reply message, for message replies (typed or not).
    pub fn message(&self) -> Option<MessageId> {
        match self {
            Reply::Message(m) | Reply::Typed { message: m, .. } => Some(*m),
            Reply::Result(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Correlation {
    /// The protocol's id member, chosen by the requester and echoed in replies.
    Id,
    /// A member of the request's payload whose value every reply and stream message
    /// repeats (`@correlate(session_id)`). `pointer` is where it sits in each frame, a JSON
    /// Pointer from the frame's root (`/session_id`, `/data/session_id`, or an envelope
    /// member); the same in every message of the exchange, or `None` when they differ.
    Field { name: String, pointer: Option<String> },
    /// The reply names a subscription in this member, and every stream message carries it
    /// (`@subscription(subscription)`); `pointer` as for `Field`.
    Subscription { name: String, pointer: Option<String> },
    /// No id on the wire: replies answer requests in the order they were sent
    /// (`@correlate(order)`).
    Order,
}

/// How a frame from one side is told apart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dispatch {
    /// This side's tag fields, outermost first: the protocol's `tag`, or the side's own
    /// (`client_tag`, `server_tag`) when the framing differs by direction.
    pub tag_fields: Vec<String>,
    /// Tag lookup: the frame's first tag field, then (where a value is shared) the second.
    /// In the JSON-RPC style this side's requests and notifications are in `rpc` instead.
    pub tags: Option<TagNode>,
    /// For frames that lack the first tag member: key rules, in declared order. The first
    /// whose member is present names the message; tried before `structural`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyed: Vec<(String, MessageId)>,
    /// Messages without a tag, for frames that lack the first tag field: a frame is the
    /// message whose signature equals the set of present keys among `keys`.
    pub structural: Vec<(Vec<String>, MessageId)>,
    /// Every key of some structural signature.
    pub keys: Vec<String>,
    /// The message of a frame that lacks the first tag member and matches no key rule and
    /// no signature (`@fallback`); without one, such a frame is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<MessageId>,
    /// The envelope of this side's frames that are no message of the schema (kept unknown
    /// frames, JSON-RPC result and error frames): the members this side carries, as
    /// declared.
    pub envelope: Vec<Field>,
    /// JSON-RPC: how this side's frames are read, id first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc: Option<RpcDispatch>,
}

/// JSON-RPC 2.0 dispatch of one side, as its specification reads: a frame with `method`
/// and the id member is a request, one with `method` and no id a notification, and only
/// then is the method looked up among that kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RpcDispatch {
    /// This side's requests by method (`None`: it sends none, every method is unknown).
    pub requests: Option<TagNode>,
    /// This side's notifications by method.
    pub notifications: Option<TagNode>,
    /// Whether this side sends result and error frames: only when its peer declares
    /// requests. Otherwise a frame without `method` is `missing_field` at `/method`.
    pub replies: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TagNode {
    /// The tag field read at this level.
    pub field: String,
    pub entries: Vec<(TagValue, TagTarget)>,
    /// An open set (`unknown_tags = keep`): a value of the right JSON type that names no
    /// entry is kept as an unknown message (its tag and raw JSON) rather than rejected;
    /// the envelope is still checked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum TagTarget {
    Message(MessageId),
    Next(TagNode),
}

// ---------------------------------------------------------------------------------------
// Connection (recorded now; the runtime gives it meaning)

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// The HTTP path of the WebSocket endpoint, possibly a template (`/ws/{client_id}`).
    pub path: Option<String>,
    /// The names of the path template's parameters, in order (`["client_id"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<String>,
    /// WebSocket subprotocols offered, newest first (version negotiation).
    pub subprotocols: Vec<String>,
    pub auth: Vec<Auth>,
    /// Whether a client must authenticate (`auth_required = false`: it may, with one of
    /// `auth`, or stay anonymous).
    pub auth_required: bool,
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
    /// The `///` lines of the `connection { ... }` block.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// The `///` lines of each documented setting of the connection block, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub setting_docs: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

impl Default for Connection {
    fn default() -> Self {
        Connection {
            path: None,
            path_params: Vec::new(),
            subprotocols: Vec::new(),
            auth: Vec::new(),
            auth_required: true,
            before_auth: Vec::new(),
            first: None,
            heartbeat: None,
            close_codes: None,
            resume: None,
            max_frame_bytes: None,
            docs: Vec::new(),
            setting_docs: Default::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Heartbeat {
    /// WebSocket ping/pong frames, sent by `by` (`ping(by = client)`; the server by
    /// default). No interval: the runtime's own (`heartbeat = ping`).
    Ping { by: Sender, interval_ms: Option<u64>, timeout_ms: Option<u64> },
    /// An application message, answered by `ack` where the protocol has one; the interval
    /// is fixed, or dictated by the peer in a member of a message (`interval_from`).
    Message {
        message: MessageId,
        ack: Option<MessageId>,
        /// The side that starts the heartbeat: the sender of `message`.
        by: Sender,
        interval_ms: Option<u64>,
        timeout_ms: Option<u64>,
        interval_from: Option<IntervalFrom>,
    },
}

/// `every = from(Hello, heartbeat_interval)`: the member of a peer's message that gives the
/// heartbeat interval in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntervalFrom {
    pub message: MessageId,
    /// The member's wire name.
    pub member: String,
    /// Where it sits in that message's frame (`/d/heartbeat_interval`).
    pub pointer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// The envelope member that numbers frames.
    pub sequence: String,
    /// Where it sits in a frame: `/s`.
    pub pointer: String,
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

    /// Whether `null` is a value of the type: see [`accepts_null`].
    pub fn accepts_null(&self, ty: &Type) -> bool {
        accepts_null(&self.types, ty)
    }

    /// The type a use site stands for: aliases followed to the type they end in (whose
    /// constraints, once flattened, the use site already carries). `None` only for a
    /// model whose aliases go round a cycle, which lowering never produces.
    pub fn resolve<'t>(&'t self, ty: &'t Type) -> Option<&'t Type> {
        resolve_aliases(&self.types, ty)
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

/// Whether `null` is a value of a type: `T | null`, `null`, `json`, or an alias of one of
/// those, through a chain of any length. The one place that answers it.
pub fn accepts_null(types: &[TypeDef], ty: &Type) -> bool {
    matches!(resolve_aliases(types, ty).map(|t| &t.kind), Some(TypeKind::Json | TypeKind::Null | TypeKind::Nullable(_)))
}

/// Follows aliases from a type to the first type that is not an alias. A chain longer than
/// there are types goes round a cycle: the bound is that proof, not a cut-off.
pub(crate) fn resolve_aliases<'t>(types: &'t [TypeDef], ty: &'t Type) -> Option<&'t Type> {
    let mut ty = ty;
    for _ in 0..=types.len() {
        match &ty.kind {
            TypeKind::Named(id) => match types.get(id.0 as usize).map(|d| &d.kind) {
                Some(TypeDefKind::Alias(target)) => ty = target,
                _ => return Some(ty),
            },
            _ => return Some(ty),
        }
    }
    None
}
