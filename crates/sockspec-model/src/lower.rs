//! Syntax tree -> resolved model, with every semantic check. Lowering keeps going after an
//! error so one run reports everything; the schema is returned only when no error was found.

mod analysis;
mod attrs;
mod messages;
mod settings;
mod types;

use std::collections::HashMap;

use sockspec_syntax::{Diagnostic, Span, ast, suggest};

use crate::model::*;

/// Parses and checks a schema. The schema is `Some` when there is no error (warnings may
/// remain in the diagnostics).
pub fn check(src: &str) -> (Option<Schema>, Vec<Diagnostic>) {
    let (file, mut diagnostics) = sockspec_syntax::parse(src);
    let schema = lower(&file, &mut diagnostics);
    (schema, diagnostics)
}

/// Lowers a parsed file; returns `None` when any error was reported (by the parser or here).
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
    pub diagnostics: Vec<Diagnostic>,
    pub names: HashMap<&'a str, Decl<'a>>,
    pub type_items: Vec<&'a ast::Item>,
    pub message_items: Vec<&'a ast::Item>,
    pub settings: settings::ProtocolSettings,
    /// Types as lowered so far, indexed by `TypeId`.
    pub types: Vec<Option<TypeDef>>,
    /// Spans of type expressions kept for checks that need every type resolved first.
    pub deferred: Vec<types::Deferred>,
    /// Messages that answer requests correlated by the protocol id.
    pub reply_targets: std::collections::HashSet<&'a str>,
    /// Wire names of the envelope's members.
    pub envelope_names: Vec<String>,
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
            diagnostics: Vec::new(),
            names: HashMap::new(),
            type_items: Vec::new(),
            message_items: Vec::new(),
            settings: settings::ProtocolSettings::default(),
            types: Vec::new(),
            deferred: Vec::new(),
            reply_targets: Default::default(),
            envelope_names: Vec::new(),
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
        let cyclic = self.check_cycles(&types);
        self.check_inhabited(&types, &cyclic);
        self.finish_requests(&messages);
        self.check_members(&messages, &envelope);
        let dispatch = self.dispatch(&mut messages, &envelope);
        let connection = self.connection(&messages, &types);
        let style = self.style(&types);
        let protocol = Protocol {
            name: self.settings.name.clone(),
            meta: self.meta(protocol_item, protocol_item.name().map_or(Span::default(), |n| n.span)),
            version: self.settings.version.clone(),
            style,
            tag_fields: self.settings.tag_fields.clone(),
            id: IdSpec {
                field: self.settings.id_field.clone(),
                ty: self.settings.id_type.clone(),
                increasing: self.settings.id_increasing,
            },
            envelope,
            connection,
        };
        self.schema = Some(Schema { protocol, types, messages, dispatch });
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
