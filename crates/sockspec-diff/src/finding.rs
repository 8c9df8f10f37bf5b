//! What `diff` reports: findings, their categories and the deployment orders they break,
//! and the catalogue of rules (each documented in docs/diff.md with a fixture pair).

use serde::Serialize;
use sockspec_model::Span;

/// Which deployment orders a wire change breaks. A protocol's two sides are deployed one
/// after the other: either the server first (a new server still talks to old clients) or
/// the clients first (new clients still talk to an old server).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Breaks {
    /// A new server with old clients fails: the new server rejects (or misreads) what old
    /// clients send, or old clients reject what the new server sends.
    pub new_server_old_clients: bool,
    /// New clients with an old server fail, the mirror image.
    pub new_clients_old_server: bool,
}

impl Breaks {
    pub const NONE: Breaks = Breaks { new_server_old_clients: false, new_clients_old_server: false };
    pub const BOTH: Breaks = Breaks { new_server_old_clients: true, new_clients_old_server: true };

    pub fn any(self) -> bool {
        self.new_server_old_clients || self.new_clients_old_server
    }

    pub fn union(self, other: Breaks) -> Breaks {
        Breaks {
            new_server_old_clients: self.new_server_old_clients || other.new_server_old_clients,
            new_clients_old_server: self.new_clients_old_server || other.new_clients_old_server,
        }
    }

    /// The orders in words, for reports.
    pub fn describe(self) -> &'static str {
        match (self.new_server_old_clients, self.new_clients_old_server) {
            (true, true) => "breaks both deployment orders",
            (true, false) => "breaks a new server with old clients",
            (false, true) => "breaks new clients with an old server",
            (false, false) => "breaks no deployment order",
        }
    }
}

/// The kind of a change, for a team's policy (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A frame one side writes is rejected, or read with another meaning, by the other
    /// side in some deployment order.
    WireBreaking,
    /// The wire is fine, but code generated for Rust, Python or TypeScript stops compiling
    /// or changes meaning (a renamed type or field identifier, an exhaustive match gaining
    /// a variant).
    SourceBreaking,
    /// Neither: listed so a reviewer sees every change.
    Compatible,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::WireBreaking => "wire-breaking",
            Category::SourceBreaking => "source-breaking",
            Category::Compatible => "compatible",
        }
    }
}

/// One change between the two versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's id, a section of docs/diff.md (`field-added-required`).
    pub rule: &'static str,
    /// Where in the protocol: `client message StartSession, field "mode"`.
    pub at: String,
    /// A sentence a reviewer understands.
    pub message: String,
    /// The deployment orders the wire change breaks ([`Breaks::NONE`] for a change that
    /// does not touch the wire, or touches it safely).
    pub breaks: Breaks,
    /// Code generated from the schema stops compiling or changes meaning.
    pub source: bool,
    /// In the new file: the item, or for a removed one the nearest enclosing item that is
    /// still there.
    #[serde(skip)]
    pub span: Span,
    /// `@breaking("why")` on the item or an item around it, new in this version.
    pub approved: Option<String>,
}

impl Finding {
    pub fn category(&self) -> Category {
        if self.breaks.any() {
            Category::WireBreaking
        } else if self.source {
            Category::SourceBreaking
        } else {
            Category::Compatible
        }
    }

    /// Whether the finding fails a run that fails on these categories: it is in one of
    /// them (a wire break that also breaks source counts for both) and not approved.
    pub fn fails(&self, wire: bool, source: bool) -> bool {
        self.approved.is_none() && ((wire && self.breaks.any()) || (source && self.source))
    }
}

/// Every finding of one comparison, in the order of the new schema (protocol, types,
/// messages, connection).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn fails(&self, wire: bool, source: bool) -> bool {
        self.findings.iter().any(|f| f.fails(wire, source))
    }
}

/// A rule of the catalogue: its id and what it detects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($id:literal => $summary:literal,)*) => {
        /// Every rule `diff` applies; docs/diff.md has a section and the fixtures a pair for each.
        pub const RULES: &[Rule] = &[$(Rule { id: $id, summary: $summary },)*];
    };
}

rules! {
    "message-added" => "a side may send a message it did not send before",
    "message-removed" => "a message is gone",
    "message-renamed" => "a message keeps its wire identity under a new name",
    "message-tag-changed" => "a message's tag values changed",
    "message-sender-changed" => "the sides that send a message changed",
    "message-discriminator-changed" => "how a message is told apart changed (tag, keys, key rule, fallback)",
    "message-envelope-changed" => "a message now carries, or no longer carries, the envelope",
    "content-member-changed" => "the member a message's payload sits under changed",
    "content-optional-changed" => "whether the content member may be absent changed",
    "payload-shape-changed" => "a payload changed between members and one value",
    "id-presence-changed" => "whether a frame carries the id member changed",
    "error-message-changed" => "the message used for error replies changed",
    "request-changed" => "a message became a request, or a request a plain message",
    "reply-added" => "a request may be answered by a message it could not be answered by before",
    "reply-removed" => "a request can no longer be answered by a message",
    "exchange-changed" => "a request's stream, end or cancel messages changed",
    "correlation-changed" => "how replies are tied to their request changed",
    "field-added-required" => "a required member was added",
    "field-added-optional" => "an optional member was added",
    "field-removed" => "a member is gone",
    "field-renamed" => "a member's wire name changed (declared with @renamed_from)",
    "field-ident-changed" => "a member's identifiers in generated code changed, its wire name did not",
    "field-made-optional" => "a required member may now be absent",
    "field-made-required" => "a member that could be absent is now required",
    "default-changed" => "the value a reader assumes for an absent member changed",
    "default-added-or-removed" => "a member gained or lost its default",
    "nullable-added" => "a value may now be null",
    "nullable-removed" => "a value may no longer be null",
    "type-changed" => "a value's type changed",
    "integer-widened" => "an integer type accepts more values",
    "integer-narrowed" => "an integer type accepts fewer values",
    "float-changed" => "a float's width changed",
    "encoding-changed" => "a value's wire encoding changed (time, bytes, integers as strings)",
    "range-loosened" => "a @range accepts more numbers",
    "range-tightened" => "a @range accepts fewer numbers",
    "length-loosened" => "a @len accepts more lengths",
    "length-tightened" => "a @len accepts fewer lengths",
    "pattern-added" => "a @pattern was added",
    "pattern-removed" => "a @pattern was removed",
    "tuple-length-changed" => "a tuple's number of elements changed",
    "type-added" => "a type was declared",
    "type-removed" => "a type is gone",
    "type-renamed" => "a type has a new name (its wire is unchanged)",
    "type-kind-changed" => "a type changed between struct, enum, union and alias",
    "alias-changed" => "what an alias stands for changed",
    "enum-variant-added" => "an enum gained a value",
    "enum-variant-removed" => "an enum lost a value",
    "enum-variant-renamed" => "an enum value keeps its wire value under a new name",
    "enum-value-changed" => "an enum variant's wire value changed",
    "enum-openness-changed" => "an enum became open or closed",
    "enum-repr-changed" => "an enum changed between strings, integers and bit flags",
    "union-variant-added" => "a union gained a variant",
    "union-variant-removed" => "a union lost a variant",
    "union-openness-changed" => "a tagged union became open or closed",
    "union-tag-field-changed" => "a tagged union's tag member changed",
    "union-variant-tag-changed" => "a union variant's tag value changed",
    "union-base-changed" => "a tagged union's @base changed",
    "union-kind-changed" => "a union changed between tagged and untagged",
    "unknown-fields-rejected" => "undeclared members that were ignored are now rejected",
    "unknown-fields-ignored" => "undeclared members that were rejected are now ignored",
    "style-changed" => "the protocol changed between tagged and JSON-RPC framing",
    "tag-field-changed" => "the protocol's tag members changed",
    "second-tag-changed" => "the rule for the second tag member on one-level messages changed",
    "id-changed" => "the id member's name, type or ordering changed",
    "jsonrpc-changed" => "a JSON-RPC framing setting changed (version member, error id, result shape)",
    "tags-openness-changed" => "a side's set of messages became open (unknown tags kept) or closed",
    "dispatch-order-changed" => "the order of key rules changed",
    "fallback-changed" => "the fallback message of a side changed",
    "connection-path-changed" => "the endpoint's path changed",
    "subprotocols-changed" => "the offered subprotocols changed",
    "auth-changed" => "how clients authenticate changed",
    "before-auth-changed" => "the messages allowed before authentication changed",
    "first-speaker-changed" => "the side that speaks first changed",
    "heartbeat-changed" => "the heartbeat changed",
    "close-codes-changed" => "the enum of close codes changed",
    "resume-changed" => "resume after reconnect changed",
    "max-frame-changed" => "the largest frame accepted changed",
}
