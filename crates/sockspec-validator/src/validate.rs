//! Frame validation: DESIGN §4 applied to one frame, over the resolved model.
//!
//! Decisions where the design is silent (each is a rule every generated validator follows):
//!
//! - **`json` accepts `null`.** A member whose type is `json` (directly or through an
//!   alias) may be `null` even when the field is not declared nullable: `null` is a JSON
//!   value, and every target's "any JSON" type holds it.
//! - **Untagged unions** pick a variant by the value's JSON kind (each variant's kinds are
//!   stated by the model, `Untagged::kinds`): null, boolean, integer literal, other number,
//!   string, array, object. An integer literal goes to an integer
//!   variant (ints, integer enums, epoch integers) before a float variant; a `json` variant
//!   takes what no other variant takes. An object goes to the only variant that takes
//!   objects; when several do (structs, told apart by required members), to the one whose
//!   signature equals the set of present keys among the union's keys. An object that
//!   matches no signature is `unknown_tag` at the object's path (DESIGN §4: "a structurally
//!   discriminated value that matches no kind"); a value of a JSON kind no variant takes is
//!   `wrong_type`.
//! - **Tuples**: an array with another number of items than the tuple has elements is
//!   `bad_length` at the array, and the items that have a position are still checked, each
//!   at its index (as a list's items are checked when its `@len` fails).
//! - **A tagged union's base** (`@base`): its members are checked on every value beside the
//!   variant's own; on an unknown tag of an open union they are all that is checked, and
//!   that value's other members are never unknown (a strict variant knows the base's).
//! - **`enum X: int`**: any integer literal, of any size; one that is no variant's value is
//!   `unknown_value`, never `out_of_range` (an open one keeps it).
//! - **Constraints accumulate**: an alias's constraints and those written where it is used
//!   all apply (the model flattens them into each use site); at most one error per code is
//!   reported for one value.
//! - **JSON-RPC ids** decide first (DESIGN §4): a frame with `method` and `id` is looked up
//!   among the side's requests, one without `id` among its notifications, so a request
//!   without `id` or a notification with one is `unknown_tag /method`. `"jsonrpc"` is a
//!   known member only when the protocol writes it.
//! - **JSON-RPC result and error frames** are accepted only from a side whose peer
//!   declares requests (else `missing_field /method`). They carry the envelope. Their
//!   unknown top-level members follow the model's `reply_unknown_fields`.
//! - **Dispatch without the tag member** tries, in order: the key rules (`@key`, declared
//!   order), the structural signatures, the fallback message (`@fallback`).
//! - **Open tag sets** (`unknown_tags = keep`): an unknown value of the right JSON type is
//!   `FrameKind::Unknown`; only the envelope is checked.
//! - **Floats**: a number whose value is not finite as an `f64` (`1e400`) is `out_of_range`,
//!   for `f32`, `f64`, `unix_s_float` and `unix_ms_float`; for `f32`, so is a value that rounds to an
//!   infinite `f32` (f32::MAX as printed, `3.4028235e38`, fits).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;

use regex::Regex;
use serde::Serialize;
use sockspec_model::{
    Constraints, Direction, Discriminator, Dispatch, EnumRepr, Field, FloatType, IdPresence, IntEncoding, IntType,
    LenRange, Message, MessageId, NumRange, Number, Payload, ResultShape, Schema, SecondTag, Style, TagNode, TagTarget,
    TagValue, TimeEncoding, Type, TypeDefKind, TypeId, TypeKind, UnknownFields, Untagged,
};

use crate::json::{self, Value, member};
use sockspec_model::format;

/// The member of every JSON-RPC frame that names the protocol version.
const JSONRPC_MEMBER: &str = "jsonrpc";
const JSONRPC_VERSION: &str = "2.0";
const METHOD_MEMBER: &str = "method";
const RESULT_MEMBER: &str = "result";
const ERROR_MEMBER: &str = "error";

/// The most errors one frame reports. A frame with more (a megabyte of `{}` items against
/// a struct of fifty fields has millions) reports these, in the order they were found, and
/// how many more there were, so memory and output stay bounded by the input.
pub const MAX_ERRORS: usize = 100;

/// The most characters of a value from a frame quoted in an error message.
pub const MAX_QUOTED_CHARS: usize = 64;

/// What a valid frame is, or every problem found in it.
pub type Outcome = Result<FrameKind, Vec<ValidationError>>;

/// What a valid frame turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum FrameKind {
    /// A message of the schema (a tagged message, a JSON-RPC request or notification).
    Message(MessageId),
    /// A JSON-RPC result frame (`{"id": ..., "result": ...}`); its `result` is checked by
    /// whoever knows the request.
    RpcResult,
    /// A JSON-RPC error frame (`{"id": ..., "error": {...}}`).
    RpcError,
    /// A frame whose tag names no message, accepted because that set of tags is open
    /// (`unknown_tags = keep`): a reader keeps its tag and raw JSON.
    Unknown,
}

/// A message's `@example` that is not a valid frame of that message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidExample {
    pub message: MessageId,
    /// Which `@example` of the message, from 0.
    pub example: usize,
    pub errors: Vec<ValidationError>,
}

// One problem in a frame and the fixed set of codes: the runtime crate's types, so the
// validator and generated code report errors of one type.
pub use sockspec::{ErrorCode, ValidationError};

/// Validates one frame against a schema. Compiles the schema's patterns on every call: to
/// validate many frames, build a [`Validator`] once.
pub fn validate(schema: &Schema, from: Direction, frame: &str) -> Outcome {
    Validator::new(schema).validate(from, frame)
}

/// A schema ready to validate frames: its `@pattern`s compiled once.
#[derive(Debug)]
pub struct Validator<'s> {
    schema: &'s Schema,
    /// Every pattern of the schema, by its text, compiled from its portable form
    /// (`sockspec_model::pattern`: `\d` is ASCII, `.` is any character but a line feed,
    /// ...), so the verdict is the one Python and TypeScript give. A pattern that does not
    /// compile (the model checks them with the same translation, so only a model bug could
    /// cause it) makes every value checked against it a `pattern_mismatch` that says so.
    patterns: HashMap<&'s str, Result<Regex, String>>,
    /// Each dispatch table node of more than [`INDEXED_NODE`] entries (by its address in the
    /// schema, which the validator borrows) as hash maps, so dispatch costs the same with
    /// 100,000 messages as with ten.
    tag_index: HashMap<usize, TagIndex<'s>>,
    /// Each side's structural signatures by their keys (see [`signature_key`]), and the
    /// set of keys that appear in any, so an untagged frame is matched in time linear in
    /// its own members, whatever the number of messages.
    structural: [(HashMap<String, MessageId>, std::collections::HashSet<&'s str>); 2],
}

/// A set of member names as one string: each name with its length before it, in sorted
/// order (so names holding any character cannot run together).
fn signature_key<'k>(names: impl Iterator<Item = &'k str>) -> String {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.iter().fold(String::new(), |mut key, name| {
        let _ = write!(key, "{}:{name}", name.len());
        key
    })
}

fn side_index(side: Direction) -> usize {
    match side {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

/// Dispatch nodes of at most this many entries are searched in order: comparing a few tags
/// costs less than hashing one (a hash lookup per frame made `sockspec validate` of the
/// dictation session 5% slower, by instruction count); larger nodes are indexed.
const INDEXED_NODE: usize = 16;

/// One dispatch node's string and integer tags by value (the first entry with each, as a
/// search in order finds), and which kinds of tag value it has. Boolean and `null` tags,
/// at most three, are searched.
#[derive(Debug)]
struct TagIndex<'s> {
    strings: HashMap<&'s str, &'s TagTarget>,
    ints: HashMap<i64, &'s TagTarget>,
    kinds: Kinds,
}

/// Indexes `node` and every node below it that has more than [`INDEXED_NODE`] entries.
fn index_tags<'s>(node: &'s TagNode, out: &mut HashMap<usize, TagIndex<'s>>) {
    for (_, target) in &node.entries {
        if let TagTarget::Next(next) = target {
            index_tags(next, out);
        }
    }
    if node.entries.len() <= INDEXED_NODE {
        return;
    }
    let (mut strings, mut ints) = (HashMap::new(), HashMap::new());
    for (value, target) in &node.entries {
        match value {
            TagValue::Str(s) => {
                strings.entry(s.as_str()).or_insert(target);
            }
            TagValue::Int(i) => {
                ints.entry(*i).or_insert(target);
            }
            TagValue::Bool(_) | TagValue::Null => {}
        }
    }
    let kinds = tag_kinds(node.entries.iter().map(|(v, _)| v));
    out.insert(node_key(node), TagIndex { strings, ints, kinds });
}

fn node_key(node: &TagNode) -> usize {
    std::ptr::from_ref(node) as usize
}

impl<'s> Validator<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        let mut patterns = HashMap::new();
        let mut add = |ty: &'s Type| collect_patterns(ty, &mut patterns);
        add(&schema.protocol.id.ty);
        schema.protocol.envelope.iter().for_each(|f| add(&f.ty));
        for def in &schema.types {
            match &def.kind {
                TypeDefKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
                TypeDefKind::Alias(ty) => add(ty),
                TypeDefKind::Union(sockspec_model::Union::Untagged(u)) => u.variants.iter().for_each(&mut add),
                TypeDefKind::Enum(_) | TypeDefKind::Union(_) => {}
            }
        }
        for m in &schema.messages {
            match &m.payload {
                Payload::Fields(fields) => fields.iter().for_each(|f| add(&f.ty)),
                Payload::Value { ty, .. } => add(ty),
            }
        }
        let mut tag_index = HashMap::new();
        let mut structural: [(HashMap<String, MessageId>, std::collections::HashSet<&'s str>); 2] = Default::default();
        for side in Direction::BOTH {
            let dispatch = schema.dispatch.get(side);
            let rpc = dispatch.rpc.iter().flat_map(|r| [&r.requests, &r.notifications]);
            for node in std::iter::once(&dispatch.tags).chain(rpc).flatten() {
                index_tags(node, &mut tag_index);
            }
            let (by_keys, keys) = &mut structural[side_index(side)];
            keys.extend(dispatch.keys.iter().map(String::as_str));
            for (sig, id) in &dispatch.structural {
                // The first of equal signatures, as a search in order would find (the
                // compiler proves them distinct).
                by_keys.entry(signature_key(sig.iter().map(String::as_str))).or_insert(*id);
            }
        }
        Validator { schema, patterns, tag_index, structural }
    }

    pub fn schema(&self) -> &'s Schema {
        self.schema
    }

    /// The name a valid frame is known by: the message's name, `@result` / `@error` for
    /// JSON-RPC result and error frames, or `@unknown` for a kept frame of an open tag set
    /// (names no message can have).
    pub fn frame_name(&self, kind: FrameKind) -> &'s str {
        match kind {
            FrameKind::Message(id) => self.schema.messages.get(id.0 as usize).map_or("?", |m| m.name.as_str()),
            FrameKind::RpcResult => "@result",
            FrameKind::RpcError => "@error",
            FrameKind::Unknown => "@unknown",
        }
    }

    /// Checks every message's `@example` frames: each must be a valid frame of that
    /// message from (one of) the sides that send it. Returns the examples that are not,
    /// with their errors (from the first side that sends the message).
    pub fn invalid_examples(&self) -> Vec<InvalidExample> {
        let mut out = Vec::new();
        for (index, message) in self.schema.messages.iter().enumerate() {
            let id = MessageId(index as u32);
            let sides: Vec<Direction> = Direction::BOTH.into_iter().filter(|d| message.sender.includes(*d)).collect();
            for (example, value) in message.meta.examples.iter().enumerate() {
                let frame = value.to_string();
                let mut first_errors = None;
                let mut valid = false;
                for side in &sides {
                    match self.validate(*side, &frame) {
                        Ok(FrameKind::Message(m)) if m == id => valid = true,
                        Ok(kind) => {
                            let other = self.frame_name(kind);
                            first_errors.get_or_insert_with(|| {
                                vec![ValidationError {
                                    path: String::new(),
                                    code: ErrorCode::UnknownTag,
                                    message: format!("the example is a valid {other}, not a {}", message.name),
                                }]
                            });
                        }
                        Err(errors) => {
                            first_errors.get_or_insert(errors);
                        }
                    }
                }
                if !valid {
                    out.push(InvalidExample { message: id, example, errors: first_errors.unwrap_or_default() });
                }
            }
        }
        out
    }

    /// Checks one value against a type, as a member declared `ty` (and `T | null` when
    /// `nullable`) of a frame sent by `from`: every error, with paths relative to the value.
    /// This is how the schema's own values (defaults) are judged.
    pub fn check_value(
        &self,
        from: Direction,
        ty: &Type,
        nullable: bool,
        value: &Value,
    ) -> Result<(), Vec<ValidationError>> {
        let mut run = Run::new(self, from, None);
        if !matches!(value, Value::Null) || !(nullable || self.schema.accepts_null(ty)) {
            run.check(ty, value, None);
        }
        if run.errors.is_empty() { Ok(()) } else { Err(run.errors) }
    }

    /// Validates a frame as an answer to a request the other side sent (what the runtime
    /// does once it knows the request by its id): the frame must be valid, be one of the
    /// request's replies, stream, end or error messages, and its result is checked against
    /// the request's result type: the `result` of a JSON-RPC result frame
    /// (`Reply::Result`), or the content of a typed reply (`-> Success<NavigateResult>`).
    pub fn validate_answer(&self, request: MessageId, from: Direction, frame: &str) -> Outcome {
        self.validate_answer_tracing(request, from, frame, &mut None)
    }

    /// The named types the validator reads a valid frame's values as, each with the JSON
    /// Pointer of its value, in the order read: the frame validated as
    /// [`Validator::validate`] does, or as the answer to `answers`
    /// ([`Validator::validate_answer`]). An alias is listed as well as the type it names;
    /// a variant of an ordered union that did not take the value is not. For tools that
    /// ask what a value of the frame is (`sockspec test`, comparing what two writers wrote,
    /// finds the types at a member where they differ); `None` for an invalid frame.
    pub fn read_types(
        &self,
        from: Direction,
        frame: &str,
        answers: Option<MessageId>,
    ) -> Option<Vec<(String, TypeId)>> {
        let mut trace = Some(Vec::new());
        let outcome = match answers {
            None => self.validate_counting(from, frame, &mut 0, &mut trace),
            Some(request) => self.validate_answer_tracing(request, from, frame, &mut trace),
        };
        outcome.ok().and(trace)
    }

    fn validate_answer_tracing(
        &self,
        request: MessageId,
        from: Direction,
        frame: &str,
        trace: &mut Option<Vec<(String, TypeId)>>,
    ) -> Outcome {
        let kind = self.validate_counting(from, frame, &mut 0, trace)?;
        let Some(req) = self.schema.messages.get(request.0 as usize).and_then(|m| m.request.as_ref()) else {
            return Err(vec![ValidationError {
                path: String::new(),
                code: ErrorCode::UnknownTag,
                message: "the request is no request of the schema".into(),
            }]);
        };
        let request_name = self.frame_name(FrameKind::Message(request));
        let not_an_answer = |what: &str| ValidationError {
            path: String::new(),
            code: ErrorCode::UnknownTag,
            message: format!("{what} is no answer to {request_name}"),
        };
        // Where the result sits, and its type for this request.
        let (key, ty) = match kind {
            FrameKind::RpcError => return Ok(kind),
            FrameKind::RpcResult => match req.replies.iter().find_map(|r| match r {
                sockspec_model::Reply::Result(ty) => Some(ty),
                _ => None,
            }) {
                Some(ty) => (RESULT_MEMBER, ty),
                None => return Err(vec![not_an_answer("a result frame")]),
            },
            FrameKind::Message(id) => {
                let answers = req.replies.iter().any(|r| r.message() == Some(id))
                    || req.stream.contains(&id)
                    || req.end.contains(&id);
                if !answers {
                    return Err(vec![not_an_answer(self.frame_name(kind))]);
                }
                let typed = req.replies.iter().find_map(|r| match r {
                    sockspec_model::Reply::Typed { message, result } if *message == id => Some(result),
                    _ => None,
                });
                match (typed, self.schema.messages.get(id.0 as usize).and_then(|m| m.content.as_deref())) {
                    (Some(ty), Some(content)) => (content, ty),
                    _ => return Ok(kind),
                }
            }
            FrameKind::Unknown => return Err(vec![not_an_answer("an unknown frame")]),
        };
        let Ok(Value::Object(members)) = json::parse(frame) else { return Ok(kind) };
        let Some(v) = member(&members, key) else { return Ok(kind) };
        let mut run = Run::new(self, from, trace.take());
        let len = run.enter(key);
        if !matches!(v, Value::Null) || !self.schema.accepts_null(ty) {
            run.check(ty, v, None);
        }
        run.leave(len);
        *trace = run.trace.take();
        if run.errors.is_empty() { Ok(kind) } else { Err(run.errors) }
    }

    /// Validates one frame (the text of one WebSocket message) sent by `from`. At most
    /// [`MAX_ERRORS`] errors are returned; [`Validator::validate_capped`] also says how
    /// many more were found.
    pub fn validate(&self, from: Direction, frame: &str) -> Outcome {
        self.validate_capped(from, frame).0
    }

    /// Validates one frame, as [`Validator::validate`], and counts the errors found beyond
    /// the [`MAX_ERRORS`] returned (0 when all are returned).
    pub fn validate_capped(&self, from: Direction, frame: &str) -> (Outcome, usize) {
        let mut omitted = 0;
        let outcome = self.validate_counting(from, frame, &mut omitted, &mut None);
        (outcome, omitted)
    }

    fn validate_counting(
        &self,
        from: Direction,
        frame: &str,
        omitted: &mut usize,
        trace: &mut Option<Vec<(String, TypeId)>>,
    ) -> Outcome {
        let value = match json::parse(frame) {
            Ok(value) => value,
            Err(e) => {
                return Err(vec![ValidationError {
                    path: String::new(),
                    code: ErrorCode::InvalidJson,
                    message: format!("the frame is not one JSON text: {e}"),
                }]);
            }
        };
        let Value::Object(members) = &value else {
            return Err(vec![ValidationError {
                path: String::new(),
                code: ErrorCode::WrongType,
                message: format!("a frame must be a JSON object, found {}", JsonKind::of(&value).described()),
            }]);
        };
        let mut run = Run::new(self, from, trace.take());
        let kind = match &self.schema.protocol.style {
            Style::Tagged => run.dispatch(members).map_err(|e| vec![e]).map(|target| match target {
                Target::Message(id) => {
                    run.message(id, members, None);
                    FrameKind::Message(id)
                }
                Target::Unknown => {
                    run.unknown_frame(members);
                    FrameKind::Unknown
                }
            }),
            Style::JsonRpc { .. } => run.rpc_frame(members),
        };
        *omitted = run.omitted;
        *trace = run.trace.take();
        let kind = kind?;
        if run.errors.is_empty() { Ok(kind) } else { Err(run.errors) }
    }
}

fn collect_patterns<'s>(ty: &'s Type, out: &mut HashMap<&'s str, Result<Regex, String>>) {
    for p in &ty.constraints.patterns {
        out.entry(p.as_str()).or_insert_with(|| sockspec_model::pattern::compile(p));
    }
    match &ty.kind {
        TypeKind::List(item) | TypeKind::Map(item) | TypeKind::Nullable(item) => collect_patterns(item, out),
        TypeKind::OneOf(u) => u.variants.iter().for_each(|v| collect_patterns(v, out)),
        TypeKind::Tuple(elements) => elements.iter().for_each(|e| collect_patterns(e, out)),
        _ => {}
    }
}

/// The JSON kinds that tell untagged variants apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonKind {
    Null,
    Bool,
    /// A number written without fraction or exponent.
    Integer,
    /// A number with a fraction or exponent.
    Fraction,
    String,
    Array,
    Object,
}

impl JsonKind {
    fn of(v: &Value) -> JsonKind {
        match v {
            Value::Null => JsonKind::Null,
            Value::Bool(_) => JsonKind::Bool,
            Value::Number(n) if n.is_integer() => JsonKind::Integer,
            Value::Number(_) => JsonKind::Fraction,
            Value::String(_) => JsonKind::String,
            Value::Array(_) => JsonKind::Array,
            Value::Object(_) => JsonKind::Object,
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }

    fn described(self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Integer => "an integer",
            JsonKind::Fraction => "a number with a fraction or exponent",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }
}

/// A set of [`JsonKind`]s, one bit each.
type Kinds = u8;
const ANY: Kinds = 0x7f;
const NUMBER: Kinds = (1 << JsonKind::Integer as u8) | (1 << JsonKind::Fraction as u8);

/// What dispatch found a frame to be.
#[derive(Clone, Copy)]
enum Target {
    Message(MessageId),
    /// A tag value of the right type that names no message, in an open set.
    Unknown,
}

/// Whether a side has messages for frames without the tag member.
fn untagged_messages(dispatch: &Dispatch) -> bool {
    !dispatch.structural.is_empty() || !dispatch.keyed.is_empty() || dispatch.fallback.is_some()
}

/// How a message's id member is treated in one frame.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdRule {
    /// Not part of the message (an unknown member if present).
    Absent,
    Required,
    /// May be absent or null.
    Optional,
    /// A JSON-RPC notification: an id is always an error.
    Forbidden,
}

/// One validation: the path being checked and the errors found so far.
struct Run<'v, 's> {
    validator: &'v Validator<'s>,
    schema: &'s Schema,
    from: Direction,
    /// The JSON Pointer of the value being checked.
    path: String,
    /// At most [`MAX_ERRORS`]; the rest are only counted in `omitted`.
    errors: Vec<ValidationError>,
    omitted: usize,
    /// When asked ([`Validator::read_types`]): each named type a value was read as, with
    /// the value's path.
    trace: Option<Vec<(String, TypeId)>>,
}

type Members<'a> = [(Cow<'a, str>, Value<'a>)];

impl<'v, 's> Run<'v, 's> {
    /// A run over one frame from `from`, at the root, with no errors yet; `trace` is
    /// `Some` when the types values are read as are asked for.
    fn new(validator: &'v Validator<'s>, from: Direction, trace: Option<Vec<(String, TypeId)>>) -> Self {
        Run { validator, schema: validator.schema, from, path: String::new(), errors: Vec::new(), omitted: 0, trace }
    }

    // ---- paths and errors ----

    /// Appends a member name to the path; returns the length to restore.
    fn enter(&mut self, name: &str) -> usize {
        let len = self.path.len();
        self.path.push('/');
        if name.contains(['~', '/']) {
            for c in name.chars() {
                match c {
                    '~' => self.path.push_str("~0"),
                    '/' => self.path.push_str("~1"),
                    c => self.path.push(c),
                }
            }
        } else {
            self.path.push_str(name);
        }
        len
    }

    fn enter_index(&mut self, index: usize) -> usize {
        let len = self.path.len();
        let _ = write!(self.path, "/{index}");
        len
    }

    fn leave(&mut self, len: usize) {
        self.path.truncate(len);
    }

    fn error(&mut self, code: ErrorCode, message: String) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        self.errors.push(ValidationError { path: self.path.clone(), code, message });
    }

    fn error_at(&mut self, name: &str, code: ErrorCode, message: String) {
        let len = self.enter(name);
        self.error(code, message);
        self.leave(len);
    }

    /// A single error at `/name` under the current path, for dispatch failures.
    fn only_error_at(&mut self, name: Option<&str>, code: ErrorCode, message: String) -> ValidationError {
        let len = name.map(|n| self.enter(n));
        let e = ValidationError { path: self.path.clone(), code, message };
        if let Some(len) = len {
            self.leave(len);
        }
        e
    }

    fn wrong_type(&mut self, expected: &str, v: &Value) {
        let found = JsonKind::of(v).described();
        self.error(ErrorCode::WrongType, format!("expected {expected}, found {found}"));
    }

    // ---- dispatch ----

    /// Which message a frame is, or the one error that says why it is none.
    fn dispatch(&mut self, members: &Members) -> Result<Target, ValidationError> {
        let dispatch = self.schema.dispatch.get(self.from);
        match &dispatch.tags {
            Some(node) => match member(members, &node.field) {
                None => self.untagged_frame(members, Some(&node.field)),
                Some(tag) => self.follow(node, tag, members),
            },
            None => {
                // No tagged message comes from this side. A frame that carries the tag
                // member is still read by its tag, and no message has it.
                let side = self.from.as_str();
                match dispatch.tag_fields.first() {
                    Some(field) if member(members, field).is_some() => {
                        let message = if untagged_messages(dispatch) {
                            format!("the {side} sends no message tagged by {field:?}")
                        } else {
                            format!("the {side} sends no message")
                        };
                        Err(self.only_error_at(Some(field), ErrorCode::UnknownTag, message))
                    }
                    Some(field) if !untagged_messages(dispatch) => Err(self.only_error_at(
                        Some(field),
                        ErrorCode::MissingField,
                        format!("missing the tag member {field:?}"),
                    )),
                    Some(field) => self.untagged_frame(members, Some(field)),
                    None if !untagged_messages(dispatch) => {
                        Err(self.only_error_at(None, ErrorCode::UnknownTag, format!("the {side} sends no message")))
                    }
                    None => self.untagged_frame(members, None),
                }
            }
        }
    }

    /// A frame without the (first) tag member: the first key rule whose member it has, else
    /// the untagged message whose signature it matches, else the fallback message.
    fn untagged_frame(&mut self, members: &Members, tag_field: Option<&str>) -> Result<Target, ValidationError> {
        let dispatch = self.schema.dispatch.get(self.from);
        if let Some((_, id)) = dispatch.keyed.iter().find(|(key, _)| member(members, key).is_some()) {
            return Ok(Target::Message(*id));
        }
        if !dispatch.structural.is_empty() {
            match self.structural(members) {
                Ok(id) => return Ok(Target::Message(id)),
                Err(e) if dispatch.fallback.is_none() => return Err(e),
                Err(_) => {}
            }
        }
        if let Some(id) = dispatch.fallback {
            return Ok(Target::Message(id));
        }
        match tag_field {
            Some(field) if dispatch.structural.is_empty() => {
                let mut message = format!("missing the tag member {field:?}");
                if !dispatch.keyed.is_empty() {
                    let keys = dispatch.keyed.iter().map(|(k, _)| format!("{k:?}")).collect::<Vec<_>>().join(", ");
                    let _ = write!(message, ", and none of the members {keys} that name an untagged message");
                }
                Err(self.only_error_at(Some(field), ErrorCode::MissingField, message))
            }
            _ => self.structural(members).map(Target::Message),
        }
    }

    fn follow(&mut self, node: &TagNode, tag: &Value, members: &Members) -> Result<Target, ValidationError> {
        let index = (node.entries.len() > INDEXED_NODE).then(|| self.validator.tag_index.get(&node_key(node)));
        let found = match index.flatten() {
            Some(index) => lookup_tag(index, node, tag),
            // Small nodes, and nodes from another schema, are searched.
            None => {
                let kinds = tag_kinds(node.entries.iter().map(|(v, _)| v));
                find_tag(node.entries.iter().map(|(v, t)| (v, t)), tag, kinds)
            }
        };
        let Some(target) = found else {
            let kinds = tag_kinds(node.entries.iter().map(|(v, _)| v));
            return Err(self.only_error_at(Some(&node.field), ErrorCode::WrongType, tag_type_message(tag, kinds)));
        };
        match target {
            None if node.open => Ok(Target::Unknown),
            None => Err(self.only_error_at(
                Some(&node.field),
                ErrorCode::UnknownTag,
                format!("no {} message has the tag {}", self.from.as_str(), tag_text(tag)),
            )),
            Some(TagTarget::Message(id)) => Ok(Target::Message(*id)),
            Some(TagTarget::Next(next)) => match member(members, &next.field) {
                None => Err(self.only_error_at(
                    Some(&next.field),
                    ErrorCode::MissingField,
                    format!("missing the tag member {:?}", next.field),
                )),
                Some(tag) => self.follow(next, tag, members),
            },
        }
    }

    fn structural(&mut self, members: &Members) -> Result<MessageId, ValidationError> {
        let dispatch = self.schema.dispatch.get(self.from);
        // The frame's members that are signature keys (names are unique in a frame) must be
        // exactly one signature's keys.
        let (by_keys, keys) = &self.validator.structural[side_index(self.from)];
        let present = signature_key(members.iter().map(|(k, _)| k.as_ref()).filter(|k| keys.contains(k)));
        by_keys.get(&present).copied().ok_or_else(|| {
            let keys = dispatch.keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
            let has: Vec<String> = members.iter().take(16).map(|(k, _)| quote(k)).collect();
            let has = match members.len() {
                0 => "no members".to_string(),
                n if n > has.len() => format!("the members {} and {} more", has.join(", "), n - has.len()),
                _ => format!("the members {}", has.join(", ")),
            };
            self.only_error_at(
                None,
                ErrorCode::UnknownTag,
                format!(
                    "the frame has no tag and {has}; its members among {keys} match no {} message",
                    self.from.as_str()
                ),
            )
        })
    }

    /// A kept frame of an open tag set: its message is unknown, but the envelope is the
    /// protocol's and is checked.
    fn unknown_frame(&mut self, members: &Members) {
        let envelope = self.schema.dispatch.get(self.from).envelope.as_slice();
        self.fields(envelope, members);
    }

    // ---- messages ----

    /// Checks a frame's members as message `id`. `rpc` is `Some(version_member)` in a
    /// JSON-RPC protocol.
    fn message(&mut self, id: MessageId, members: &Members, rpc: Option<bool>) {
        let Some(m) = self.schema.messages.get(id.0 as usize) else { return };
        let protocol = &self.schema.protocol;
        let policy = *m.unknown_fields.get(self.from);
        let frame_policy = *m.frame_unknown_fields.get(self.from);
        let tag_fields = &self.schema.dispatch.get(self.from).tag_fields;
        let flat = match (&m.content, &m.payload) {
            (None, Payload::Fields(fields)) => fields.as_slice(),
            _ => &[],
        };
        let envelope = m.envelope_fields.get(self.from).as_slice();
        let id_field = protocol.id.field.as_str();
        // A declared member with the id's name is checked as that member.
        let id_declared = flat.iter().chain(envelope).any(|f| f.name == id_field);
        let id_rule = match (rpc, m.id) {
            _ if id_declared => IdRule::Absent,
            (Some(_), _) if m.request.is_some() => IdRule::Required,
            (Some(_), IdPresence::None) | (_, IdPresence::Forbidden) => IdRule::Forbidden,
            (_, IdPresence::None) => IdRule::Absent,
            (_, IdPresence::Required) => IdRule::Required,
            (_, IdPresence::Optional) => IdRule::Optional,
        };
        self.id_member(members, id_rule, m.request.is_some());
        self.second_tag(m, members);
        self.fields(envelope, members);
        self.fields(flat, members);
        if let Some(key) = &m.content {
            self.content(m, key, members, policy);
        }
        if frame_policy == UnknownFields::Reject {
            let known = |name: &str| {
                tag_fields.iter().any(|t| t == name)
                    || (id_rule != IdRule::Absent && name == id_field)
                    || envelope.iter().chain(flat).any(|f| f.name == name)
                    || m.content.as_deref() == Some(name)
                    || match rpc {
                        Some(version_member) => name == METHOD_MEMBER || (version_member && name == JSONRPC_MEMBER),
                        None => false,
                    }
            };
            self.unknown_members(members, known);
        }
    }

    /// In a two-level protocol with `second_tag = null`, a message named by its first tag
    /// value alone has the second tag member `null` or absent.
    fn second_tag(&mut self, m: &Message, members: &Members) {
        let protocol = &self.schema.protocol;
        if protocol.second_tag != SecondTag::NullOrAbsent
            || !matches!(&m.discriminator, Discriminator::Tag(v) if v.len() == 1)
        {
            return;
        }
        if let Some(field) = self.schema.dispatch.get(self.from).tag_fields.get(1)
            && let Some(v) = member(members, field)
            && !matches!(v, Value::Null)
        {
            let len = self.enter(field);
            self.wrong_type(&format!("null or no {field:?}: {} has one tag value", m.name), v);
            self.leave(len);
        }
    }

    fn id_member(&mut self, members: &Members, rule: IdRule, request: bool) {
        let field = self.schema.protocol.id.field.as_str();
        let value = member(members, field);
        match (rule, value) {
            (IdRule::Absent, _) | (IdRule::Optional, None) | (IdRule::Forbidden, None) => {}
            (IdRule::Required, None) => {
                let what = if request { "a request" } else { "a reply" };
                self.error_at(field, ErrorCode::MissingField, format!("{what} must carry the id member {field:?}"))
            }
            (IdRule::Forbidden, Some(_)) => self.error_at(
                field,
                ErrorCode::UnknownField,
                format!("a notification carries no {field:?}; only requests do"),
            ),
            (IdRule::Optional, Some(Value::Null)) => {}
            (IdRule::Required | IdRule::Optional, Some(v)) => {
                let len = self.enter(field);
                self.check(&self.schema.protocol.id.ty, v, None);
                self.leave(len);
            }
        }
    }

    /// The nested payload under `key`.
    fn content(&mut self, m: &'s Message, key: &str, members: &Members, policy: UnknownFields) {
        let Some(v) = member(members, key) else {
            if !m.content_optional {
                self.error_at(key, ErrorCode::MissingField, format!("missing the payload member {key:?}"));
            }
            return;
        };
        let len = self.enter(key);
        match &m.payload {
            Payload::Fields(fields) => match v {
                Value::Object(inner) => {
                    self.fields(fields, inner);
                    if policy == UnknownFields::Reject {
                        self.unknown_members(inner, |name| fields.iter().any(|f| f.name == name));
                    }
                }
                _ => self.wrong_type(&format!("an object (the payload of {})", m.name), v),
            },
            Payload::Value { ty, .. } => self.check(ty, v, None),
        }
        self.leave(len);
    }

    fn fields(&mut self, fields: &'s [Field], members: &Members) {
        for f in fields {
            match member(members, &f.name) {
                None if f.required => {
                    self.error_at(&f.name, ErrorCode::MissingField, format!("missing the required member {:?}", f.name))
                }
                None => {}
                // The model decided it once: nothing to check in a null the field takes.
                Some(Value::Null) if f.nullable => {}
                Some(v) => {
                    let len = self.enter(&f.name);
                    self.check(&f.ty, v, None);
                    self.leave(len);
                }
            }
        }
    }

    fn unknown_members(&mut self, members: &Members, known: impl Fn(&str) -> bool) {
        for (name, _) in members {
            if !known(name) {
                self.error_at(name, ErrorCode::UnknownField, format!("unknown member {}", quote(name)));
            }
        }
    }

    // ---- JSON-RPC ----

    fn rpc_frame(&mut self, members: &Members) -> Result<FrameKind, Vec<ValidationError>> {
        let schema = self.schema;
        let Style::JsonRpc { version_member, error, result, error_id, reply_unknown_fields } = &schema.protocol.style
        else {
            return Err(vec![self.only_error_at(None, ErrorCode::UnknownTag, "not a JSON-RPC protocol".into())]);
        };
        let version_member = *version_member;
        let rpc = schema.dispatch.get(self.from).rpc.as_ref();
        let id_field = schema.protocol.id.field.as_str();
        let side = self.from.as_str();
        if let Some(method) = member(members, METHOD_MEMBER) {
            // JSON-RPC 2.0: the id member says whether this is a request or a
            // notification, and only then is the method looked up among that kind.
            let is_request = member(members, id_field).is_some();
            let node = rpc.and_then(|r| if is_request { r.requests.as_ref() } else { r.notifications.as_ref() });
            let target = match node {
                Some(node) => self.follow(node, method, members),
                None if !matches!(method, Value::String(_)) => {
                    Err(self.only_error_at(Some(METHOD_MEMBER), ErrorCode::WrongType, tag_type_message(method, 0)))
                }
                None => {
                    let what = if is_request {
                        "requests (the frame has an id)"
                    } else {
                        "notifications (the frame has no id)"
                    };
                    Err(self.only_error_at(
                        Some(METHOD_MEMBER),
                        ErrorCode::UnknownTag,
                        format!("the {side} sends no {what}"),
                    ))
                }
            };
            let target = target.map_err(|mut e| {
                if node.is_none() || e.code != ErrorCode::UnknownTag {
                } else if is_request {
                    e.message.push_str(&format!(" among its requests (the frame has {id_field:?})"));
                } else {
                    e.message.push_str(&format!(" among its notifications (the frame has no {id_field:?})"));
                }
                vec![e]
            })?;
            self.rpc_version(members, version_member);
            return Ok(match target {
                Target::Message(id) => {
                    self.message(id, members, Some(version_member));
                    FrameKind::Message(id)
                }
                Target::Unknown => {
                    self.unknown_frame(members);
                    FrameKind::Unknown
                }
            });
        }
        if !rpc.is_some_and(|r| r.replies) {
            let message = format!(
                "missing {METHOD_MEMBER:?}: the {side} sends no result or error frames, as the {} declares no requests",
                self.from.other().as_str()
            );
            return Err(vec![self.only_error_at(Some(METHOD_MEMBER), ErrorCode::MissingField, message)]);
        }
        let (kind, payload) = match (member(members, RESULT_MEMBER), member(members, ERROR_MEMBER)) {
            (Some(_), None) => (FrameKind::RpcResult, RESULT_MEMBER),
            (None, Some(_)) => (FrameKind::RpcError, ERROR_MEMBER),
            (result, _) => {
                let why = if result.is_some() {
                    "both \"result\" and \"error\""
                } else {
                    "neither \"method\", \"result\" nor \"error\""
                };
                return Err(vec![self.only_error_at(None, ErrorCode::UnknownTag, format!("the frame has {why}"))]);
            }
        };
        self.rpc_version(members, version_member);
        let id_optional = kind == FrameKind::RpcError && *error_id == IdPresence::Optional;
        match member(members, id_field) {
            None if id_optional => {}
            None => self.error_at(
                id_field,
                ErrorCode::MissingField,
                format!("a reply must carry the id member {id_field:?}"),
            ),
            // An error may answer a request whose id could not be read.
            Some(Value::Null) if kind == FrameKind::RpcError => {}
            Some(v) => {
                let len = self.enter(id_field);
                self.check(&schema.protocol.id.ty, v, None);
                self.leave(len);
            }
        }
        if kind == FrameKind::RpcResult
            && *result == ResultShape::Object
            && let Some(v) = member(members, RESULT_MEMBER)
            && !matches!(v, Value::Object(_))
        {
            let len = self.enter(RESULT_MEMBER);
            self.wrong_type("an object (every result of this protocol is one)", v);
            self.leave(len);
        }
        if let (FrameKind::RpcError, Some(error), Some(v)) = (kind, error, member(members, ERROR_MEMBER)) {
            let len = self.enter(ERROR_MEMBER);
            self.named(*error, v, None);
            self.leave(len);
        }
        // Result and error frames carry the envelope, as every frame does.
        let envelope = schema.dispatch.get(self.from).envelope.as_slice();
        self.fields(envelope, members);
        if *reply_unknown_fields.get(self.from) == UnknownFields::Reject {
            self.unknown_members(members, |name| {
                name == id_field
                    || name == payload
                    || (version_member && name == JSONRPC_MEMBER)
                    || envelope.iter().any(|f| f.name == name)
            });
        }
        if self.errors.is_empty() { Ok(kind) } else { Err(std::mem::take(&mut self.errors)) }
    }

    fn rpc_version(&mut self, members: &Members, version_member: bool) {
        if !version_member {
            return;
        }
        match member(members, JSONRPC_MEMBER) {
            None => self.error_at(
                JSONRPC_MEMBER,
                ErrorCode::MissingField,
                format!("every frame carries \"jsonrpc\": \"{JSONRPC_VERSION}\""),
            ),
            Some(Value::String(s)) if s == JSONRPC_VERSION => {}
            Some(Value::String(s)) => {
                let message = format!("expected \"{JSONRPC_VERSION}\", found {}", quote(s));
                self.error_at(JSONRPC_MEMBER, ErrorCode::UnknownValue, message);
            }
            Some(v) => {
                let len = self.enter(JSONRPC_MEMBER);
                self.wrong_type("the string \"2.0\"", v);
                self.leave(len);
            }
        }
    }

    // ---- values ----

    /// Checks a value against a type at the current path. `carried` are the constraints of
    /// the use site it was reached from through aliases and `| null` (flattened by the
    /// model, so they hold all of the target's own); otherwise the type's own apply.
    fn check(&mut self, ty: &'s Type, v: &Value, carried: Option<&'s Constraints>) {
        let cons = carried.unwrap_or(&ty.constraints);
        match &ty.kind {
            TypeKind::Bool => {
                if !matches!(v, Value::Bool(_)) {
                    self.wrong_type("a boolean", v);
                }
            }
            TypeKind::Int(it) => {
                if let Some(n) = self.int(*it, v) {
                    self.range_int(cons, n);
                }
            }
            TypeKind::Float(ft) => self.float(*ft, v, cons),
            TypeKind::String => match v {
                Value::String(s) => self.string_constraints(cons, s),
                _ => self.wrong_type("a string", v),
            },
            TypeKind::Bytes(encoding) => match v {
                Value::String(s) => match format::base64_len(s, *encoding) {
                    Some(n) => self.len(cons, n, "bytes"),
                    None => {
                        let what = match encoding {
                            sockspec_model::BytesEncoding::Base64 => "base64 (standard alphabet, padded)",
                            sockspec_model::BytesEncoding::Base64Url => "base64url (URL-safe alphabet, no padding)",
                        };
                        self.error(ErrorCode::BadFormat, format!("not valid {what}"));
                    }
                },
                _ => self.wrong_type("a base64 string", v),
            },
            TypeKind::Uuid => self.formatted(v, cons, format::is_uuid, "a uuid (8-4-4-4-12 hexadecimal digits)"),
            TypeKind::Date => self.formatted(v, cons, format::is_date, "a date (YYYY-MM-DD)"),
            TypeKind::DateTime(encoding) => match encoding {
                TimeEncoding::Rfc3339 => {
                    self.formatted(v, cons, format::is_rfc3339, "an RFC 3339 date-time with an offset")
                }
                TimeEncoding::Local => {
                    self.formatted(v, cons, format::is_local_datetime, "a local date-time with no offset")
                }
                TimeEncoding::UnixS | TimeEncoding::UnixMs | TimeEncoding::UnixUs => {
                    let i64_number = IntType { signed: true, bits: 64, encoding: IntEncoding::Number };
                    if let Some(n) = self.int(i64_number, v) {
                        self.range_int(cons, n);
                    }
                }
                TimeEncoding::UnixSFloat | TimeEncoding::UnixMsFloat => self.float(FloatType::F64, v, cons),
            },
            TypeKind::Json => {}
            TypeKind::Null => {
                if !matches!(v, Value::Null) {
                    self.wrong_type("null", v);
                }
            }
            TypeKind::List(item) => match v {
                Value::Array(items) => {
                    self.len(cons, items.len(), "items");
                    for (i, x) in items.iter().enumerate() {
                        let len = self.enter_index(i);
                        self.check(item, x, None);
                        self.leave(len);
                    }
                }
                _ => self.wrong_type("an array", v),
            },
            TypeKind::Tuple(elements) => match v {
                Value::Array(items) => {
                    if items.len() != elements.len() {
                        let n = elements.len();
                        self.error(ErrorCode::BadLength, format!("{} items, the tuple has exactly {n}", items.len()));
                    }
                    // The items that have a position are still checked, each at its index.
                    for (i, (element, x)) in elements.iter().zip(items).enumerate() {
                        let len = self.enter_index(i);
                        self.check(element, x, None);
                        self.leave(len);
                    }
                }
                _ => self.wrong_type(&format!("an array of {} items (a tuple)", elements.len()), v),
            },
            TypeKind::Map(value) => match v {
                Value::Object(members) => {
                    self.len(cons, members.len(), "entries");
                    for (k, x) in members {
                        let len = self.enter(k);
                        self.check(value, x, None);
                        self.leave(len);
                    }
                }
                _ => self.wrong_type("an object", v),
            },
            TypeKind::Named(id) => self.named(*id, v, Some(cons)),
            TypeKind::OneOf(u) => self.untagged(u, v),
            TypeKind::Nullable(inner) => {
                if !matches!(v, Value::Null) {
                    self.check(inner, v, carried);
                }
            }
        }
    }

    /// Follows aliases and `| null` from a type to the one the value is checked against,
    /// with the constraints that hold there; `None` when the value is a `null` the type
    /// takes (or the schema's aliases go round a cycle, reported). In a loop: chains of any
    /// length, no recursion; the bound is a proof (a longer chain repeats), not a cut-off.
    fn through_aliases(
        &mut self,
        mut ty: &'s Type,
        v: &Value,
        mut carried: Option<&'s Constraints>,
    ) -> Option<(&'s Type, Option<&'s Constraints>)> {
        let mut hops = 0usize;
        loop {
            match &ty.kind {
                TypeKind::Named(id) => match self.schema.types.get(id.0 as usize).map(|d| (d, &d.kind)) {
                    Some((def, TypeDefKind::Alias(target))) => {
                        if let Some(trace) = &mut self.trace {
                            trace.push((self.path.clone(), *id));
                        }
                        hops += 1;
                        if hops > self.schema.types.len() {
                            let message = format!("the schema's type {} refers to itself without nesting", def.name);
                            self.error(ErrorCode::WrongType, message);
                            return None;
                        }
                        carried = Some(carried.unwrap_or(&ty.constraints));
                        ty = target;
                    }
                    _ => return Some((ty, carried)),
                },
                TypeKind::Nullable(inner) => {
                    if matches!(v, Value::Null) {
                        return None;
                    }
                    ty = inner;
                }
                _ => return Some((ty, carried)),
            }
        }
    }

    fn named(&mut self, id: TypeId, v: &Value, cons: Option<&'s Constraints>) {
        let Some(def) = self.schema.types.get(id.0 as usize) else { return };
        if let Some(trace) = &mut self.trace {
            trace.push((self.path.clone(), id));
        }
        match &def.kind {
            // The whole chain at once, in a loop; `cons` are the use site's, which hold the
            // chain's own (the model flattened them).
            TypeDefKind::Alias(target) => {
                if let Some((end, carried)) = self.through_aliases(target, v, cons) {
                    self.check(end, v, carried);
                }
            }
            TypeDefKind::Struct(s) => match v {
                Value::Object(members) => {
                    self.fields(&s.fields, members);
                    if *s.unknown_fields.get(self.from) == UnknownFields::Reject {
                        self.unknown_members(members, |name| s.fields.iter().any(|f| f.name == name));
                    }
                }
                _ => self.wrong_type(&format!("an object ({})", def.name), v),
            },
            TypeDefKind::Enum(e) => match &e.repr {
                EnumRepr::String => match v {
                    Value::String(s) => {
                        let known = e.variants.iter().any(|x| matches!(&x.value, TagValue::Str(w) if w == s));
                        if !known && !e.open {
                            self.error(ErrorCode::UnknownValue, format!("{} is not a value of {}", quote(s), def.name));
                        }
                        if let Some(cons) = cons {
                            self.string_constraints(cons, s);
                        }
                    }
                    _ => self.wrong_type(&format!("a string ({})", def.name), v),
                },
                EnumRepr::Int(_) | EnumRepr::Integer => {
                    let n = match &e.repr {
                        EnumRepr::Int(it) => {
                            let Some(n) = self.int(*it, v) else { return };
                            if let Some(cons) = cons {
                                self.range_int(cons, n);
                            }
                            n
                        }
                        // Any integer: no width, so nothing is out of range; one beyond
                        // i128 is no variant's value.
                        _ => match v {
                            Value::Number(n) if n.is_integer() => match n.to_i128() {
                                Some(n) => n,
                                None if e.open => return,
                                None => {
                                    let message = format!("{} is not a value of {}", n.raw(), def.name);
                                    self.error(ErrorCode::UnknownValue, message);
                                    return;
                                }
                            },
                            _ => {
                                self.wrong_type(&format!("an integer ({})", def.name), v);
                                return;
                            }
                        },
                    };
                    let values = e.variants.iter().filter_map(|x| match x.value {
                        TagValue::Int(i) => Some(i128::from(i)),
                        TagValue::Str(_) | TagValue::Bool(_) | TagValue::Null => None,
                    });
                    if e.flags {
                        let all = values.fold(0i128, |acc, x| acc | x);
                        if n & !all != 0 && !e.open {
                            let message = format!("{n} sets bits that are no flag of {} (all flags: {all})", def.name);
                            self.error(ErrorCode::UnknownValue, message);
                        }
                    } else if !values.clone().any(|x| x == n) && !e.open {
                        self.error(ErrorCode::UnknownValue, format!("{n} is not a value of {}", def.name));
                    }
                }
            },
            TypeDefKind::Union(sockspec_model::Union::Tagged { field, variants, open, base }) => {
                self.tagged_union(&def.name, field, variants, (*open, *base), v);
            }
            TypeDefKind::Union(sockspec_model::Union::Untagged(u)) => self.untagged(u, v),
        }
    }

    /// A tagged union's value; the pair says whether it is open and names its base struct.
    fn tagged_union(
        &mut self,
        name: &str,
        field: &str,
        variants: &'s [TypeId],
        (open, base): (bool, Option<TypeId>),
        v: &Value,
    ) {
        let Value::Object(members) = v else {
            self.wrong_type(&format!("an object ({name})"), v);
            return;
        };
        let Some(tag) = member(members, field) else {
            self.error_at(field, ErrorCode::MissingField, format!("missing the tag member {field:?} of {name}"));
            return;
        };
        let base_fields: &'s [Field] = match base.and_then(|b| self.schema.types.get(b.0 as usize)).map(|d| &d.kind) {
            Some(TypeDefKind::Struct(b)) => &b.fields,
            _ => &[],
        };
        let structs = variants.iter().filter_map(|id| match self.schema.types.get(id.0 as usize).map(|d| &d.kind) {
            Some(TypeDefKind::Struct(s)) => Some((&s.tag, s)),
            _ => None,
        });
        let kinds = tag_kinds(structs.clone().map(|(t, _)| t));
        match find_tag(structs, tag, kinds) {
            None => {
                let message = tag_type_message(tag, kinds);
                self.error_at(field, ErrorCode::WrongType, message);
            }
            // An unknown variant is kept; the members every variant has are still checked.
            Some(None) if open => self.fields(base_fields, members),
            Some(None) => {
                let message = format!("{} names no variant of {name}", tag_text(tag));
                self.error_at(field, ErrorCode::UnknownTag, message);
            }
            Some(Some(s)) => {
                self.fields(base_fields, members);
                self.fields(&s.fields, members);
                if *s.unknown_fields.get(self.from) == UnknownFields::Reject {
                    self.unknown_members(members, |n| {
                        n == field || s.fields.iter().chain(base_fields).any(|f| f.name == n)
                    });
                }
            }
        }
    }

    fn untagged(&mut self, u: &'s Untagged, v: &Value) {
        if u.ordered {
            self.ordered_untagged(u, v);
            return;
        }
        match select_variant(u, v) {
            Some(variant) => self.check(variant, v, None),
            None => {
                let kinds = u.kinds.iter().fold(0, |acc, k| acc | k.0);
                if let Value::Object(_) = v
                    && kinds & JsonKind::Object.bit() != 0
                {
                    // Several object variants, told apart by their members, and none matched.
                    let signatures =
                        u.signatures.iter().map(|(_, sig)| format!("{{{}}}", sig.join(", "))).collect::<Vec<_>>();
                    let message = format!(
                        "the object's members match no variant: it needs exactly one of the member sets {}",
                        signatures.join(" or ")
                    );
                    self.error(ErrorCode::UnknownTag, message);
                } else {
                    self.wrong_type(&describe_kinds(kinds), v);
                }
            }
        }
    }

    /// `@untagged(ordered)`: the first variant, in declared order, the value is valid
    /// against. When none is, the errors of the first variant that takes the value's JSON
    /// kind (the nearest candidate), or `wrong_type` when no variant takes it.
    fn ordered_untagged(&mut self, u: &'s Untagged, v: &Value) {
        let start = self.errors.len();
        let bit = JsonKind::of(v).bit();
        let mut nearest: Option<Vec<ValidationError>> = None;
        let mut kinds = 0;
        let traced = self.trace.as_ref().map(Vec::len);
        for (i, variant) in u.variants.iter().enumerate() {
            let k = u.kinds.get(i).map_or(ANY, |k| k.0);
            kinds |= k;
            self.check(variant, v, None);
            if self.errors.len() == start {
                return;
            }
            // The types a variant that did not take the value read it as are not what it is.
            if let (Some(trace), Some(len)) = (&mut self.trace, traced) {
                trace.truncate(len);
            }
            let errors = self.errors.split_off(start);
            if nearest.is_none() && k & bit != 0 {
                nearest = Some(errors);
            }
        }
        match nearest {
            Some(errors) => self.errors.extend(errors),
            None => self.wrong_type(&describe_kinds(kinds), v),
        }
    }

    // ---- scalars and constraints ----

    /// An integer of a given width and encoding; `None` once an error is reported.
    fn int(&mut self, it: IntType, v: &Value) -> Option<i128> {
        let n = match (it.encoding, v) {
            (IntEncoding::Number, Value::Number(n)) => {
                if !n.is_integer() {
                    self.wrong_type(&format!("an integer ({}) written without fraction or exponent", it.name()), v);
                    return None;
                }
                n.to_i128()
            }
            (IntEncoding::Number, _) => {
                self.wrong_type(&format!("an integer ({})", it.name()), v);
                return None;
            }
            (IntEncoding::String, Value::String(s)) => {
                if !format::is_decimal_integer(s) {
                    self.error(
                        ErrorCode::BadFormat,
                        format!("{} is not a decimal integer ({} as a string)", quote(s), it.name()),
                    );
                    return None;
                }
                s.parse::<i128>().ok()
            }
            (IntEncoding::String, _) => {
                self.wrong_type(&format!("a string of decimal digits ({})", it.name()), v);
                return None;
            }
        };
        let (min, max) = int_bounds(it);
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let shown = match v {
                    Value::Number(n) => number(n.raw()),
                    Value::String(s) => number(s),
                    _ => Cow::Borrowed(""),
                };
                self.error(ErrorCode::OutOfRange, format!("{shown} does not fit in {} ({min}..={max})", it.name()));
                None
            }
        }
    }

    fn float(&mut self, ft: FloatType, v: &Value, cons: &Constraints) {
        let Value::Number(n) = v else {
            self.wrong_type("a number", v);
            return;
        };
        let x = n.to_f64();
        let too_large = match ft {
            // What rounds to a finite f32 fits: `3.4028235e38`, f32::MAX as Rust, Python and
            // JavaScript print it, is in; anything that rounds to infinity is out.
            FloatType::F32 => x.is_nan() || (x as f32).is_infinite(),
            FloatType::F64 => !x.is_finite(),
        };
        if too_large {
            let name = if ft == FloatType::F32 { "f32" } else { "f64" };
            self.error(ErrorCode::OutOfRange, format!("{} is too large for {name}", number(n.raw())));
            return;
        }
        if let Some(range) = cons.range.as_ref().filter(|r| !in_range(r, |l| cmp_f64(x, l))) {
            self.error(
                ErrorCode::OutOfRange,
                format!("{} is out of range: expected {}", number(n.raw()), describe_range(range)),
            );
        }
    }

    fn range_int(&mut self, cons: &Constraints, n: i128) {
        if let Some(range) = cons.range.as_ref().filter(|r| !in_range(r, |l| cmp_i128(n, l))) {
            self.error(ErrorCode::OutOfRange, format!("{n} is out of range: expected {}", describe_range(range)));
        }
    }

    fn len(&mut self, cons: &Constraints, n: usize, unit: &str) {
        if let Some(len) = cons.len.as_ref().filter(|l| !len_ok(l, n)) {
            self.error(ErrorCode::BadLength, format!("{n} {unit}, expected {}", describe_len(len)));
        }
    }

    /// A string in a format (uuid, date, ...), then any string constraints.
    fn formatted(&mut self, v: &Value, cons: &Constraints, valid: fn(&str) -> bool, what: &str) {
        let Value::String(s) = v else {
            self.wrong_type(&format!("a string ({what})"), v);
            return;
        };
        if !valid(s) {
            self.error(ErrorCode::BadFormat, format!("{} is not {what}", quote(s)));
        }
        self.string_constraints(cons, s);
    }

    /// `@len` in code points and `@pattern`.
    fn string_constraints(&mut self, cons: &Constraints, s: &str) {
        if let Some(len) = &cons.len {
            let n = s.chars().count();
            if !len_ok(len, n) {
                self.error(ErrorCode::BadLength, format!("{n} characters, expected {}", describe_len(len)));
            }
        }
        for pattern in &cons.patterns {
            let failure = match self.validator.patterns.get(pattern.as_str()) {
                Some(Ok(re)) => {
                    (!re.is_match(s)).then(|| format!("{} does not match the pattern {pattern:?}", quote(s)))
                }
                Some(Err(e)) => Some(format!("the schema's pattern {pattern:?} does not compile: {e}")),
                None => match sockspec_model::pattern::compile(pattern) {
                    Ok(re) => (!re.is_match(s)).then(|| format!("{} does not match the pattern {pattern:?}", quote(s))),
                    Err(e) => Some(format!("the schema's pattern {pattern:?} does not compile: {e}")),
                },
            };
            if let Some(message) = failure {
                self.error(ErrorCode::PatternMismatch, message);
                break;
            }
        }
    }
}

/// The variant of an untagged union that a value is, by JSON kind (see the module doc),
/// from the kinds the model states for each variant.
fn select_variant<'s>(u: &'s Untagged, v: &Value) -> Option<&'s Type> {
    let kind = JsonKind::of(v);
    let bit = kind.bit();
    let kinds = |i: usize| u.kinds.get(i).map_or(0, |k| k.0);
    let count = u.variants.len();
    let specific = |i: usize| kinds(i) != ANY && kinds(i) & bit != 0;
    let chosen = match kind {
        JsonKind::Object => {
            let Value::Object(members) = v else { return None };
            let mut objects = (0..count).filter(|&i| specific(i));
            match (objects.next(), objects.next()) {
                (Some(only), None) => Some(only),
                (None, _) => None,
                (Some(_), Some(_)) => {
                    let present = u.keys.iter().filter(|k| member(members, k).is_some()).count();
                    u.signatures
                        .iter()
                        .find(|(i, sig)| {
                            *i < count && sig.len() == present && sig.iter().all(|k| member(members, k).is_some())
                        })
                        .map(|(i, _)| *i)
                }
            }
        }
        JsonKind::Integer => (0..count)
            .find(|&i| specific(i) && kinds(i) & NUMBER != NUMBER)
            .or_else(|| (0..count).find(|&i| specific(i))),
        _ => (0..count).find(|&i| specific(i)),
    };
    chosen.or_else(|| (0..count).find(|&i| kinds(i) == ANY)).and_then(|i| u.variants.get(i))
}

/// The JSON kinds of the tags among `values`.
fn tag_kinds<'a>(values: impl Iterator<Item = &'a TagValue>) -> Kinds {
    values.fold(0, |acc, v| {
        acc | match v {
            TagValue::Str(_) => JsonKind::String.bit(),
            TagValue::Int(_) => JsonKind::Integer.bit(),
            TagValue::Bool(_) => JsonKind::Bool.bit(),
            TagValue::Null => JsonKind::Null.bit(),
        }
    })
}

/// [`find_tag`] in a node's index: the same answer in constant time.
fn lookup_tag<'s>(index: &TagIndex<'s>, node: &'s TagNode, tag: &Value) -> Option<Option<&'s TagTarget>> {
    let kinds = if index.kinds == 0 { JsonKind::String.bit() } else { index.kinds };
    if kinds & JsonKind::of(tag).bit() == 0 {
        return None;
    }
    Some(match tag {
        Value::String(s) => index.strings.get(s.as_ref()).copied(),
        Value::Number(n) => n.to_i128().and_then(|n| i64::try_from(n).ok()).and_then(|i| index.ints.get(&i).copied()),
        Value::Bool(_) | Value::Null => find_tag(node.entries.iter().map(|(v, t)| (v, t)), tag, kinds).flatten(),
        Value::Array(_) | Value::Object(_) => None,
    })
}

/// Looks a tag value up among `entries`: `None` if it has a JSON type no tag has (strings
/// when there are no tags at all), `Some(None)` if it names no entry.
fn find_tag<'a, T>(
    mut entries: impl Iterator<Item = (&'a TagValue, T)>,
    tag: &Value,
    kinds: Kinds,
) -> Option<Option<T>> {
    let kinds = if kinds == 0 { JsonKind::String.bit() } else { kinds };
    if kinds & JsonKind::of(tag).bit() == 0 {
        return None;
    }
    let found = match tag {
        Value::String(s) => entries.find(|(v, _)| matches!(v, TagValue::Str(w) if w == s)),
        Value::Number(n) => {
            let n = n.to_i128();
            entries.find(|(v, _)| matches!(v, TagValue::Int(i) if Some(i128::from(*i)) == n))
        }
        Value::Bool(b) => entries.find(|(v, _)| matches!(v, TagValue::Bool(w) if w == b)),
        Value::Null => entries.find(|(v, _)| matches!(v, TagValue::Null)),
        Value::Array(_) | Value::Object(_) => None,
    };
    Some(found.map(|(_, t)| t))
}

fn tag_type_message(tag: &Value, kinds: Kinds) -> String {
    let kinds = if kinds == 0 { JsonKind::String.bit() } else { kinds };
    format!("a tag must be {}, found {}", describe_kinds(kinds), JsonKind::of(tag).described())
}

fn tag_text(tag: &Value) -> String {
    match tag {
        Value::String(s) => quote(s),
        Value::Number(n) => number(n.raw()).into_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => JsonKind::of(other).described().to_string(),
    }
}

/// A string from a frame, quoted for an error message: at most [`MAX_QUOTED_CHARS`]
/// characters of it, so a message never copies a huge value.
fn quote(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}… ({} characters)", &s[..cut], s.chars().count()),
    }
}

/// A number's text from a frame, cut like [`quote`] when it is huge.
fn number(raw: &str) -> Cow<'_, str> {
    match raw.char_indices().nth(MAX_QUOTED_CHARS) {
        None => Cow::Borrowed(raw),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} characters)", &raw[..cut], raw.chars().count())),
    }
}

fn int_bounds(it: IntType) -> (i128, i128) {
    // The model only has widths 8 to 64; anything else is read as 64 rather than panic.
    let bits = if (1..=127).contains(&it.bits) { it.bits } else { 64 };
    let it = IntType { bits, ..it };
    (it.min(), it.max())
}

fn in_range(range: &NumRange, cmp: impl Fn(Number) -> Ordering) -> bool {
    let min_ok = range.min.is_none_or(|l| match cmp(l.value) {
        Ordering::Greater => true,
        Ordering::Equal => !l.exclusive,
        Ordering::Less => false,
    });
    let max_ok = range.max.is_none_or(|l| match cmp(l.value) {
        Ordering::Less => true,
        Ordering::Equal => !l.exclusive,
        Ordering::Greater => false,
    });
    min_ok && max_ok
}

fn cmp_i128(n: i128, limit: Number) -> Ordering {
    match limit {
        Number::Int(l) => n.cmp(&l),
        Number::Float(f) => cmp_f64_i128(f, n).reverse(),
    }
}

fn cmp_f64(x: f64, limit: Number) -> Ordering {
    match limit {
        Number::Int(l) => cmp_f64_i128(x, l),
        // Limits are never NaN; if one were, it would constrain nothing.
        Number::Float(f) => x.partial_cmp(&f).unwrap_or(Ordering::Equal),
    }
}

/// Compares a float with an integer exactly (no rounding of either): the model's
/// comparison, which judges the schema's own bounds the same way.
fn cmp_f64_i128(f: f64, i: i128) -> Ordering {
    Number::Float(f).cmp_exact(Number::Int(i))
}

fn len_ok(len: &LenRange, n: usize) -> bool {
    let n = n as u64;
    len.min.is_none_or(|min| n >= min) && len.max.is_none_or(|max| n <= max)
}

fn describe_len(len: &LenRange) -> String {
    match (len.min, len.max) {
        (Some(a), Some(b)) if a == b => format!("exactly {a}"),
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".to_string(),
    }
}

fn describe_range(range: &NumRange) -> String {
    let show = |n: Number| match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => f.to_string(),
    };
    let mut parts = Vec::new();
    if let Some(l) = range.min {
        parts.push(format!("{} {}", if l.exclusive { "greater than" } else { "at least" }, show(l.value)));
    }
    if let Some(l) = range.max {
        parts.push(format!("{} {}", if l.exclusive { "less than" } else { "at most" }, show(l.value)));
    }
    parts.join(" and ")
}

fn describe_kinds(kinds: Kinds) -> String {
    if kinds == ANY {
        return "any value".to_string();
    }
    let all = [
        JsonKind::Null,
        JsonKind::Bool,
        JsonKind::Integer,
        JsonKind::Fraction,
        JsonKind::String,
        JsonKind::Array,
        JsonKind::Object,
    ];
    if kinds & NUMBER == NUMBER {
        let rest: Vec<_> =
            all.iter().filter(|k| kinds & k.bit() != 0 && NUMBER & k.bit() == 0).map(|k| k.described()).collect();
        return std::iter::once("a number").chain(rest).collect::<Vec<_>>().join(" or ");
    }
    all.iter().filter(|k| kinds & k.bit() != 0).map(|k| k.described()).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_integer_comparison_is_exact() {
        assert_eq!(cmp_f64_i128(2.5, 2), Ordering::Greater);
        assert_eq!(cmp_f64_i128(-2.5, -2), Ordering::Less);
        assert_eq!(cmp_f64_i128(2.0, 2), Ordering::Equal);
        assert_eq!(cmp_f64_i128(-0.0, 0), Ordering::Equal);
        // 2^53 + 1 is not a double; 2^53 is below it.
        assert_eq!(cmp_f64_i128(9_007_199_254_740_992.0, 9_007_199_254_740_993), Ordering::Less);
        assert_eq!(cmp_f64_i128(1e300, i128::MAX), Ordering::Greater);
        assert_eq!(cmp_f64_i128(-1e300, i128::MIN), Ordering::Less);
        assert_eq!(cmp_f64_i128(-TWO_127_F, i128::MIN), Ordering::Equal);
    }

    const TWO_127_F: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;

    #[test]
    fn error_codes_spell_as_on_the_wire() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serializable");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(code));
        }
    }

    fn errors_of(src: &str, from: Direction, frame: &str) -> Vec<ValidationError> {
        let (schema, diagnostics) = sockspec_model::check(src);
        let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
        validate(&schema, from, frame).expect_err("an invalid frame")
    }

    /// `read_types` names each value's type by its path: an alias and what it names, the
    /// variant of an ordered union that took the value and not the one tried before it,
    /// and nothing for an invalid frame.
    #[test]
    fn read_types_names_the_types_a_frame_was_read_as() {
        let src = "protocol p {}\nstruct S { n: u8 }\n@untagged(ordered)\nunion W = S | Id\n\
                   type Id = u32 @as(string)\nclient message M { w: [W] }";
        let (schema, diagnostics) = sockspec_model::check(src);
        let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let name = |id: TypeId| schema.types[id.0 as usize].name.as_str();
        let validator = Validator::new(&schema);
        let read = validator
            .read_types(Direction::Client, r#"{"type": "m", "w": [{"n": 1}, "7"]}"#, None)
            .expect("a valid frame");
        let read: Vec<(&str, &str)> = read.iter().map(|(path, id)| (path.as_str(), name(*id))).collect();
        assert_eq!(read, [("/w/0", "W"), ("/w/0", "S"), ("/w/1", "W"), ("/w/1", "Id")]);
        assert_eq!(validator.read_types(Direction::Client, r#"{"type": "m", "w": [true]}"#, None), None);
    }

    #[test]
    fn a_missing_id_is_named_for_requests_and_replies() {
        let src = "protocol p {}\nclient request Get {} -> Value\nserver message Value { v: u8 }";
        let reply = errors_of(src, Direction::Server, r#"{"type": "value", "v": 1}"#);
        assert_eq!(reply[0].message, "a reply must carry the id member \"id\"");
        let request = errors_of(src, Direction::Client, r#"{"type": "get"}"#);
        assert_eq!(request[0].message, "a request must carry the id member \"id\"");
    }

    #[test]
    fn a_structural_mismatch_lists_the_frames_members() {
        let src = "protocol p { tag = none }\nserver message A { a: u8 }\nserver message B { b: u8 }";
        let errors = errors_of(src, Direction::Server, r#"{"c": 1, "d": 2}"#);
        assert!(errors[0].message.contains(r#"the members "c", "d""#), "{}", errors[0].message);
        let errors = errors_of(src, Direction::Server, "{}");
        assert!(errors[0].message.contains("no members"), "{}", errors[0].message);
    }

    #[test]
    fn answers_are_checked_against_the_request() {
        let src = r#"protocol p {}
struct State { entity_id: string }
@content("result")
server message Result = json
client request GetStates {} -> Result<[State]>
client request Ping {} -> Pong
server message Pong {}
"#;
        let (schema, diagnostics) = sockspec_model::check(src);
        let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let v = Validator::new(&schema);
        let get = schema.message_named("GetStates").expect("declared");
        let ok = r#"{"type": "result", "id": 1, "result": [{"entity_id": "light.a"}]}"#;
        let result = schema.message_named("Result").expect("declared");
        assert_eq!(v.validate_answer(get, Direction::Server, ok), Ok(FrameKind::Message(result)));
        let bad = r#"{"type": "result", "id": 1, "result": [{"state": "on"}]}"#;
        // A valid frame on its own: its content is any JSON.
        assert!(v.validate(Direction::Server, bad).is_ok());
        let errors = v.validate_answer(get, Direction::Server, bad).expect_err("not a list of states");
        assert_eq!(
            errors.iter().map(|e| (e.path.as_str(), e.code)).collect::<Vec<_>>(),
            [("/result/0/entity_id", ErrorCode::MissingField)]
        );
        let pong = r#"{"type": "pong", "id": 1}"#;
        let errors = v.validate_answer(get, Direction::Server, pong).expect_err("no answer to GetStates");
        assert_eq!(errors[0].code, ErrorCode::UnknownTag);

        let rpc =
            "protocol q { style = jsonrpc }\nstruct Hover { contents: string }\nclient request H {} -> Hover | null";
        let (schema, diagnostics) = sockspec_model::check(rpc);
        let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let v = Validator::new(&schema);
        let h = schema.message_named("H").expect("declared");
        let null = r#"{"jsonrpc": "2.0", "id": 1, "result": null}"#;
        assert_eq!(v.validate_answer(h, Direction::Server, null), Ok(FrameKind::RpcResult));
        let wrong = r#"{"jsonrpc": "2.0", "id": 1, "result": {"contents": 5}}"#;
        let errors = v.validate_answer(h, Direction::Server, wrong).expect_err("contents is a string");
        assert_eq!(errors[0].path, "/result/contents");
    }

    #[test]
    fn kinds_are_described() {
        assert_eq!(describe_kinds(NUMBER | JsonKind::String.bit()), "a number or a string");
        assert_eq!(describe_kinds(JsonKind::Integer.bit()), "an integer");
        assert_eq!(describe_kinds(ANY), "any value");
    }
}
