//! The whole check of a schema, the one entry point the CLI, the build helper and every tool
//! call: the compiler's own checks, then the values the schema writes (defaults, and the
//! `@example`s of messages, types and fields) judged by this validator, so that no second,
//! slightly different validator decides what a valid value is.

use sockspec_model::{
    DefaultSite, Diagnostic, Field, Meta, Payload, Schema, SourceFile, Type, TypeDefKind, TypeId, TypeKind,
};

use crate::json;
use crate::validate::{ValidationError, Validator};
use sockspec_model::Direction;

/// Parses, lowers and checks a schema's text: every diagnostic, sorted by position, and the
/// model when there is no error (warnings may remain).
pub fn check(src: &str) -> (Option<Schema>, Vec<Diagnostic>) {
    let lowered = sockspec_model::lower_source(src);
    let mut diagnostics = lowered.diagnostics;
    // A model built despite other errors is still judged, so one run reports everything;
    // one whose indices do not hold is not (it could only produce noise).
    if let Some(schema) = lowered.schema.as_ref().filter(|s| s.check_invariants().is_ok()) {
        let validator = Validator::new(schema);
        let before = diagnostics.len();
        diagnostics.extend(lowered.defaults.iter().filter_map(|site| default_diagnostic(&validator, site)));
        diagnostics.extend(example_diagnostics(&validator));
        diagnostics.extend(value_example_diagnostics(&validator));
        if diagnostics.len() > before {
            diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
        }
    }
    let schema = lowered.schema.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    (schema, diagnostics)
}

/// A schema file's bytes checked as [`check`] does, after decoding them the way every tool
/// reads a schema file: a UTF-8 byte order mark is dropped, and bytes that are not UTF-8
/// are an error (S0104) and read as U+FFFD. `name` is what diagnostics call the file.
pub fn check_file(name: impl Into<String>, bytes: &[u8]) -> (SourceFile, Option<Schema>, Vec<Diagnostic>) {
    let (file, not_utf8) = SourceFile::from_bytes(name, bytes);
    let (mut schema, mut diagnostics) = check(&file.text);
    if let Some(d) = not_utf8 {
        diagnostics.insert(0, d);
        schema = None;
    }
    (file, schema, diagnostics)
}

/// The JSON text of a default, as the strict reader reads it. Defaults are read through
/// this one function so that their representation in the model can change in one place.
fn default_text(site: &DefaultSite) -> String {
    site.value.to_string()
}

/// S0306 when a default is not a valid value of its field. A default is applied by the
/// side that reads the message, which may be either: it must be valid from both.
fn default_diagnostic(validator: &Validator<'_>, site: &DefaultSite) -> Option<Diagnostic> {
    let text = default_text(site);
    let errors = match json::parse(&text) {
        Ok(value) => Direction::BOTH
            .into_iter()
            .find_map(|from| validator.check_value(from, &site.ty, site.nullable, &value).err())?,
        // Only a default the model built wrongly could get here; say so rather than pass it.
        Err(e) => vec![ValidationError {
            path: String::new(),
            code: crate::ErrorCode::InvalidJson,
            message: format!("the default is not JSON: {e}"),
        }],
    };
    let (first, rest) = errors.split_first()?;
    let mut diag = Diagnostic::error("S0306", "the default does not fit the field's type", site.span, located(first))
        .with_note("a default is applied when the member is absent, so it must be a valid value");
    for e in rest {
        diag = diag.with_note(located(e));
    }
    Some(diag)
}

/// An error's message, prefixed by its path inside the value when it is not the value itself.
fn located(e: &ValidationError) -> String {
    if e.path.is_empty() { e.message.clone() } else { format!("{}: {}", e.path, e.message) }
}

/// S0413 for each `@example` of a message that is not a valid frame of it, so that
/// documentation generated from the schema never shows a frame the protocol rejects.
fn example_diagnostics(validator: &Validator<'_>) -> Vec<Diagnostic> {
    let schema = validator.schema();
    validator
        .invalid_examples()
        .into_iter()
        .filter_map(|bad| {
            let message = schema.messages.get(bad.message.0 as usize)?;
            let mut diag = Diagnostic::error(
                "S0413",
                format!("example {} of `{}` is not a valid `{}` frame", bad.example + 1, message.name, message.name),
                message.meta.span,
                "its @example is invalid",
            );
            for e in &bad.errors {
                let path = if e.path.is_empty() { "\"\"" } else { &e.path };
                diag = diag.with_note(format!("{path}: {}: {}", e.code, e.message));
            }
            Some(diag.with_help("fix the example, or the message if the example shows the real wire"))
        })
        .collect()
}

/// S0413 for each `@example` of a type or a field that is not a valid value of it (from
/// either side, as defaults are judged).
fn value_example_diagnostics(validator: &Validator<'_>) -> Vec<Diagnostic> {
    let schema = validator.schema();
    let mut out = Vec::new();
    let mut judge = |meta: &Meta, what: String, ty: &Type, nullable: bool| {
        for (index, example) in meta.examples.iter().enumerate() {
            let errors = match json::parse(&example.to_string()) {
                Ok(value) => {
                    Direction::BOTH.into_iter().find_map(|from| validator.check_value(from, ty, nullable, &value).err())
                }
                Err(_) => None,
            };
            let Some(errors) = errors else { continue };
            let mut diag = Diagnostic::error(
                "S0413",
                format!("example {} of {what} is not a valid value", index + 1),
                meta.span,
                "its @example is invalid",
            );
            for e in &errors {
                let path = if e.path.is_empty() { "\"\"" } else { &e.path };
                diag = diag.with_note(format!("{path}: {}: {}", e.code, e.message));
            }
            out.push(diag.with_help("fix the example, or the type if the example shows the real wire"));
        }
    };
    let fields = |owner: &str, fields: &[Field], judge: &mut dyn FnMut(&Meta, String, &Type, bool)| {
        for f in fields {
            judge(&f.meta, format!("field `{}` of {owner}", f.name), &f.ty, f.nullable);
        }
    };
    fields("the envelope", &schema.protocol.envelope, &mut judge);
    for (i, def) in schema.types.iter().enumerate() {
        let named = Type { kind: TypeKind::Named(TypeId(i as u32)), constraints: Default::default() };
        judge(&def.meta, format!("`{}`", def.name), &named, false);
        if let TypeDefKind::Struct(s) = &def.kind {
            fields(&format!("`{}`", def.name), &s.fields, &mut judge);
        }
    }
    for m in &schema.messages {
        if let Payload::Fields(f) = &m.payload {
            fields(&format!("`{}`", m.name), f, &mut judge);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(src: &str) -> Vec<&'static str> {
        let (schema, diagnostics) = check(src);
        let codes: Vec<&'static str> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(schema.is_some(), !diagnostics.iter().any(Diagnostic::is_error), "{codes:?}");
        codes
    }

    #[test]
    fn values_are_judged_beside_other_errors() {
        // One run reports everything: a bad default is found even when the schema has
        // another error, as long as its model could be built.
        let src = "protocol p { colour = \"red\" }\nstruct A { level: u8 = 300 }\n";
        assert_eq!(codes(src), ["S0401", "S0306"]);
    }

    #[test]
    fn the_model_alone_does_not_judge_values() {
        let src = "protocol p {}\nstruct A { level: u8 = 300 }\n";
        let (schema, diagnostics) = sockspec_model::check(src);
        assert!(schema.is_some() && diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(codes(src), ["S0306"]);
    }

    #[test]
    fn a_file_that_is_not_utf8() {
        let (file, schema, diagnostics) = check_file("bad.sockspec", b"protocol p {}\n// \xff\n");
        assert!(schema.is_none());
        assert_eq!(diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["S0104"]);
        assert!(file.text.contains('\u{fffd}'));
        let (_, schema, diagnostics) = check_file("bom.sockspec", b"\xef\xbb\xbfprotocol p {}\n");
        assert!(schema.is_some() && diagnostics.is_empty(), "{diagnostics:?}");
    }
}
