//! Syntax tree -> resolved model, with every semantic check. Lowering keeps going after an
//! error so one run reports everything; the schema is returned only when no error was found.

mod analysis;
mod attrs;
mod finish;
mod messages;
mod patterns;
mod recursion;
mod settings;
mod types;
mod writers;

use std::collections::HashMap;

use sockspec_syntax::{Diagnostic, Span, ast, suggest};

use crate::model::*;

/// Parses and lowers a schema with every check the compiler makes on its own. The schema is
/// `Some` when there is no error (warnings may remain in the diagnostics).
///
/// Whether a default or an `@example` is a valid value is the validator's to say (one
/// implementation of DESIGN §4, not two): the whole check, which the CLI, the build helper
/// and every tool call, is `sockspec_validator::check`, which runs this and then judges
/// those values.
pub fn check(src: &str) -> (Option<Schema>, Vec<Diagnostic>) {
    let lowered = lower_source(src);
    let schema = lowered.schema.filter(|_| !lowered.diagnostics.iter().any(Diagnostic::is_error));
    (schema, lowered.diagnostics)
}

/// What lowering a schema's text found, for the validator's whole check.
#[derive(Debug)]
pub struct Lowered {
    /// The model whenever every item could be lowered, even when errors were reported (so
    /// the defaults and examples of a schema with other errors are still judged in the
    /// same run). A model with errors is for judging values only; `check` never returns one.
    pub schema: Option<Schema>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every default the schema writes, in order, with the type it must be a value of.
    pub defaults: Vec<DefaultSite>,
}

/// A field's default as written, where it is written, and the type it must be a value of.
#[derive(Clone, Debug)]
pub struct DefaultSite {
    pub ty: Type,
    /// The field is declared `T | null`.
    pub nullable: bool,
    /// The JSON value the default stands for (an enum variant's wire value, ...).
    pub value: serde_json::Value,
    /// The default expression.
    pub span: Span,
}

/// Parses and lowers a schema's text; see [`Lowered`].
pub fn lower_source(src: &str) -> Lowered {
    let (file, mut diagnostics) = sockspec_syntax::parse(src);
    let mut cx = Lower::new(&file);
    cx.source = Some(src);
    cx.run();
    diagnostics.append(&mut cx.diagnostics);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    Lowered { schema: cx.schema, diagnostics, defaults: cx.defaults }
}

/// Lowers a parsed file; returns `None` when any error was reported (by the parser or here).
/// Like [`check`], it does not judge defaults and examples.
pub fn lower(file: &ast::File, diagnostics: &mut Vec<Diagnostic>) -> Option<Schema> {
    let mut cx = Lower::new(file);
    cx.run();
    diagnostics.append(&mut cx.diagnostics);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    cx.schema
}

/// The built-in type names, for resolution and "did you mean".
pub(crate) const BUILTIN_TYPES: &[&str] = &[
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "string", "bytes", "uuid", "datetime",
    "date", "json", "map",
];

/// What a declared name stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Decl<'a> {
    Type(TypeId, &'a ast::Item),
    Message(MessageId, &'a ast::Item),
}

pub(crate) struct Lower<'a> {
    pub file: &'a ast::File,
    /// The text the file was parsed from, when known: diagnostics then point inside string
    /// literals (at the offending part of a `@pattern`) rather than at the whole literal.
    pub source: Option<&'a str>,
    pub diagnostics: Vec<Diagnostic>,
    pub names: HashMap<&'a str, Decl<'a>>,
    pub type_items: Vec<&'a ast::Item>,
    pub message_items: Vec<&'a ast::Item>,
    pub settings: settings::ProtocolSettings,
    /// Types as lowered so far, indexed by `TypeId`.
    pub types: Vec<Option<TypeDef>>,
    /// Spans of type expressions kept for checks that need every type resolved first.
    pub deferred: Vec<types::Deferred>,
    /// Defaults, handed on for the validator to judge.
    pub defaults: Vec<DefaultSite>,
    /// Untagged unions whose variants the Python and TypeScript writers must tell apart
    /// (S0316, once every type is lowered).
    pub untagged_writers: Vec<writers::Pending>,
    /// Messages that answer requests correlated by the protocol id.
    pub reply_targets: std::collections::HashSet<&'a str>,
    /// Wire names of the envelope's members.
    pub envelope_names: Vec<String>,
    /// `@only(...)` on envelope members, by member name.
    pub envelope_only: Vec<(String, Vec<messages::Only>)>,
    /// The struct marked `@error` (JSON-RPC style).
    pub error_struct: Option<TypeId>,
    pub schema: Option<Schema>,
    /// How many more names "did you mean" may compare in this file; see `may_suggest`.
    pub suggest_budget: usize,
}

/// Names "did you mean" compares in one file, over all its unknown names. Each search is
/// linear in the declared names, so without a budget a schema with 20,000 types and 20,000
/// unknown names took 50 s; past it, unknown names get no suggestion (a file with that many
/// is not one typo).
const SUGGEST_BUDGET: usize = 500_000;

impl<'a> Lower<'a> {
    fn new(file: &'a ast::File) -> Self {
        Lower {
            file,
            source: None,
            diagnostics: Vec::new(),
            names: HashMap::new(),
            type_items: Vec::new(),
            message_items: Vec::new(),
            settings: settings::ProtocolSettings::default(),
            types: Vec::new(),
            deferred: Vec::new(),
            defaults: Vec::new(),
            untagged_writers: Vec::new(),
            reply_targets: Default::default(),
            envelope_names: Vec::new(),
            envelope_only: Vec::new(),
            error_struct: None,
            schema: None,
            suggest_budget: SUGGEST_BUDGET,
        }
    }

    pub fn error(&mut self, diag: Diagnostic) {
        self.diagnostics.push(diag);
    }

    fn run(&mut self) {
        self.check_repeated_attrs();
        let protocol = self.collect();
        let Some(protocol_item) = protocol else { return };
        self.settings = self.protocol_settings(protocol_item);
        let envelope_item = self.file.items.iter().find(|i| matches!(i.kind, ast::ItemKind::Envelope { .. }));
        for (index, item) in self.type_items.clone().into_iter().enumerate() {
            let def = self.lower_type_def(item, TypeId(index as u32));
            self.types[index] = def;
        }
        let envelope = envelope_item.map(|item| self.lower_envelope(item)).unwrap_or_default();
        self.envelope_names = envelope.iter().map(|f| f.name.clone()).collect();
        self.reply_targets = self.id_reply_targets();
        let mut messages = Vec::new();
        for item in self.message_items.clone() {
            messages.push(self.lower_message(item));
        }
        let Some(types) = self.types.iter().cloned().collect::<Option<Vec<TypeDef>>>() else {
            return;
        };
        let Some(mut messages) = messages.into_iter().collect::<Option<Vec<Message>>>() else {
            return;
        };
        let mut types = types;
        self.run_deferred(&mut types);
        let warnings = writers::check(&types, &std::mem::take(&mut self.untagged_writers), self.source);
        self.diagnostics.extend(warnings);
        let cyclic = self.check_cycles(&types);
        self.check_inhabited(&types, &cyclic);
        self.finish_requests(&mut messages, &envelope);
        self.check_members(&messages, &envelope);
        let dispatch = self.dispatch(&mut messages, &envelope);
        let mut connection = self.connection(&messages, &types);
        if let Some(item) = self.file.items.iter().find(|i| matches!(i.kind, ast::ItemKind::Connection { .. })) {
            connection.docs = item_docs(item);
            if let ast::ItemKind::Connection { settings, .. } = &item.kind {
                connection.setting_docs = setting_docs(settings);
            }
        }
        let style = self.style(&types, &messages);
        let protocol = Protocol {
            name: self.settings.name.clone(),
            meta: self.meta(protocol_item, protocol_item.name().map_or(Span::default(), |n| n.span)),
            version: self.settings.version.clone(),
            style,
            tag_fields: self.settings.tag_fields.clone(),
            second_tag: self.settings.second_tag,
            id: IdSpec {
                field: self.settings.id_field.clone(),
                ty: self.settings.id_type.clone(),
                increasing: self.settings.id_increasing,
            },
            envelope,
            envelope_docs: envelope_item.map(item_docs).unwrap_or_default(),
            setting_docs: match &protocol_item.kind {
                ast::ItemKind::Protocol { settings, .. } => setting_docs(settings),
                _ => Default::default(),
            },
            connection,
        };
        let mut schema = Schema {
            format_version: crate::FORMAT_VERSION,
            protocol,
            types,
            messages,
            dispatch,
            type_order: Vec::new(),
            anonymous: Vec::new(),
        };
        finish::finish(&mut schema);
        finish::finish_detached(&schema.types, self.defaults.iter_mut().map(|d| &mut d.ty));
        // Passes over the whole model, for its readers: identifiers, recursion, typed values.
        crate::names::assign(&mut schema, &mut self.diagnostics);
        crate::recursion::assign(&mut schema);
        crate::value::assign(&mut schema);
        self.schema = Some(schema);
    }

    /// Registers every declared name, reporting duplicates; returns the protocol item.
    fn collect(&mut self) -> Option<&'a ast::Item> {
        let mut protocol: Option<&'a ast::Item> = None;
        let mut envelope: Option<&'a ast::Item> = None;
        let mut connection: Option<&'a ast::Item> = None;
        let file = self.file;
        for item in &file.items {
            match &item.kind {
                ast::ItemKind::Protocol { name, .. } => {
                    if let Some(first) = protocol {
                        let first_span = first.name().map_or(first.span, |n| n.span);
                        self.error(
                            Diagnostic::error(
                                "S0206",
                                "a schema has exactly one `protocol`",
                                name.span,
                                "second protocol",
                            )
                            .with_secondary(first_span, "first declared here")
                            .with_help("split the protocols into separate files"),
                        );
                    } else {
                        protocol = Some(item);
                    }
                }
                ast::ItemKind::Envelope { keyword, .. } | ast::ItemKind::Connection { keyword, .. } => {
                    let slot = if matches!(item.kind, ast::ItemKind::Envelope { .. }) {
                        &mut envelope
                    } else {
                        &mut connection
                    };
                    if let Some(first) = slot {
                        let what = &file_text_kind(item);
                        let diag = Diagnostic::error(
                            "S0207",
                            format!("more than one `{what}` block"),
                            *keyword,
                            "second block",
                        )
                        .with_secondary(first.span, "first block")
                        .with_help(format!("merge them into one `{what}` block"));
                        self.error(diag);
                    } else {
                        *slot = Some(item);
                    }
                }
                ast::ItemKind::Struct { name, .. }
                | ast::ItemKind::Enum { name, .. }
                | ast::ItemKind::Union { name, .. }
                | ast::ItemKind::Alias { name, .. } => {
                    let id = TypeId(self.type_items.len() as u32);
                    self.type_items.push(item);
                    self.types.push(None);
                    self.declare(name, Decl::Type(id, item));
                }
                ast::ItemKind::Message { name, .. } => {
                    let id = MessageId(self.message_items.len() as u32);
                    self.message_items.push(item);
                    self.declare(name, Decl::Message(id, item));
                }
                ast::ItemKind::Error => {}
            }
        }
        if protocol.is_none() {
            let span = file.items.first().map_or(Span::default(), |i| Span { start: i.span.start, end: i.span.start });
            self.error(
                Diagnostic::error(
                    "S0206",
                    "the schema has no `protocol` declaration",
                    span,
                    "expected `protocol NAME { ... }`",
                )
                .with_help("start the file with `protocol my_protocol { version = \"1.0.0\" }`"),
            );
        }
        protocol
    }

    fn declare(&mut self, name: &'a ast::Name, decl: Decl<'a>) {
        if BUILTIN_TYPES.contains(&name.text.as_str()) || name.text == "null" {
            self.error(
                Diagnostic::error(
                    "S0201",
                    format!("`{}` is a built-in type and cannot be declared", name.text),
                    name.span,
                    "built-in name",
                )
                .with_help("choose another name"),
            );
            return;
        }
        if let Some(first) = self.names.get(name.text.as_str()) {
            let first_span = decl_name_span(*first);
            self.error(
                Diagnostic::error(
                    "S0201",
                    format!("`{}` is declared twice", name.text),
                    name.span,
                    "declared again here",
                )
                .with_secondary(first_span, "first declared here")
                .with_note("types and messages share one namespace"),
            );
            return;
        }
        self.names.insert(name.text.as_str(), decl);
    }

    /// Looks up a message by name, reporting unknown names with a suggestion.
    pub fn message_ref(&mut self, name: &str, span: Span) -> Option<MessageId> {
        match self.names.get(name) {
            Some(Decl::Message(id, _)) => Some(*id),
            Some(Decl::Type(..)) => {
                self.error(
                    Diagnostic::error(
                        "S0203",
                        format!("`{name}` is a type, not a message"),
                        span,
                        "expected a message",
                    )
                    .with_help("name a `message` or `request` here"),
                );
                None
            }
            None => {
                let candidates: Vec<&str> = if self.may_suggest(self.names.len()) {
                    self.names.iter().filter(|(_, d)| matches!(d, Decl::Message(..))).map(|(n, _)| *n).collect()
                } else {
                    Vec::new()
                };
                let mut diag =
                    Diagnostic::error("S0203", format!("unknown message `{name}`"), span, "no message has this name");
                if let Some(s) = suggest(name, candidates) {
                    diag = diag.with_help(format!("did you mean `{s}`?"));
                }
                self.error(diag);
                None
            }
        }
    }

    /// Whether a "did you mean" search over `candidates` names still fits the file's
    /// budget (and takes it from the budget).
    pub(crate) fn may_suggest(&mut self, candidates: usize) -> bool {
        match self.suggest_budget.checked_sub(candidates) {
            Some(left) => {
                self.suggest_budget = left;
                true
            }
            None => false,
        }
    }

    pub fn meta(&mut self, item: &ast::Item, span: Span) -> Meta {
        let mut meta = Meta { docs: item.docs.iter().map(|d| d.value.clone()).collect(), span, ..Meta::default() };
        for attr in &item.attrs {
            self.meta_attr(&mut meta, attr);
        }
        meta
    }
}

fn item_docs(item: &ast::Item) -> Vec<String> {
    item.docs.iter().map(|d| d.value.clone()).collect()
}

/// The doc comments of a block's settings, by key (a key set twice is reported elsewhere;
/// the first one's docs are kept).
fn setting_docs(settings: &[ast::Setting]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    for s in settings.iter().filter(|s| !s.docs.is_empty()) {
        out.entry(s.key.text.clone()).or_insert_with(|| s.docs.iter().map(|d| d.value.clone()).collect());
    }
    out
}

fn file_text_kind(item: &ast::Item) -> String {
    match item.kind {
        ast::ItemKind::Envelope { .. } => "envelope".into(),
        _ => "connection".into(),
    }
}

fn decl_name_span(decl: Decl<'_>) -> Span {
    match decl {
        Decl::Type(_, item) | Decl::Message(_, item) => item.name().map_or(item.span, |n| n.span),
    }
}
