//! The verdicts of `diff` checked against the dynamic validator, not just asserted: random
//! edits to every example and validator-case schema, and for every edit `diff` calls safe
//! for a deployment order, frames each side writes are shown to be accepted by the other
//! side's reader in that order. Any counterexample is a bug in `diff`.
//!
//! Writers are conforming: a frame "valid under a schema" for its writer is one that
//! schema accepts with every unknown-member policy set to reject (generated code sends only
//! declared members) and that is a message of the schema (not a kept unknown frame).

use std::path::PathBuf;

use sockspec_diff::frames::{Rng, frames};
use sockspec_diff::{Report, diff};
use sockspec_model::names::{IdentKind, idents};
use sockspec_model::*;
use sockspec_validator::{FrameKind, Validator, vectors};

/// Edits per schema: bounded so the test runs in seconds in a debug build.
const EDITS_PER_SCHEMA: u64 = 14;
/// Generated frames per message and schema version.
const FRAMES_PER_MESSAGE: usize = 3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every example and validator-case schema, with its vectors' frames.
/// A schema of the corpus: its file name, model, the vectors' frames by side, and its text.
type Entry = (String, Schema, Vec<(Direction, String)>, String);

fn corpus() -> Vec<Entry> {
    let mut out = Vec::new();
    for dir in ["examples", "crates/sockspec-validator/tests/cases"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("the folder exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable schema");
            let (schema, diags) = sockspec_validator::check(&text);
            let schema = schema.unwrap_or_else(|| panic!("{} has errors: {diags:?}", path.display()));
            let vectors_path = path.with_extension("vectors.jsonl");
            let mut frames = Vec::new();
            if let Ok(v) = std::fs::read_to_string(&vectors_path) {
                for vector in vectors::load(&v).expect("the vectors load") {
                    frames.push((vector.from, vector.frame));
                }
            }
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            out.push((name, schema, frames, text));
        }
    }
    out
}

/// The schema as a conforming writer sees it: every undeclared member rejected.
fn strict(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    let reject = PerDirection::both(UnknownFields::Reject);
    for t in &mut s.types {
        if let TypeDefKind::Struct(st) = &mut t.kind {
            st.unknown_fields = reject;
        }
    }
    for m in &mut s.messages {
        m.unknown_fields = reject;
        m.frame_unknown_fields = reject;
    }
    if let Style::JsonRpc { reply_unknown_fields, .. } = &mut s.protocol.style {
        *reply_unknown_fields = reject;
    }
    s
}

/// Frames a conforming writer of `schema` may send from `dir`: candidates it accepts.
fn written(schema: &Schema, dir: Direction, candidates: &[(Direction, String)], seed: u64) -> Vec<String> {
    let strict = strict(schema);
    let validator = Validator::new(&strict);
    let mut all: Vec<String> = candidates.iter().filter(|(d, _)| *d == dir).map(|(_, f)| f.clone()).collect();
    all.extend(frames(schema, dir, seed, FRAMES_PER_MESSAGE));
    all.into_iter()
        .filter(|f| {
            matches!(validator.validate(dir, f), Ok(FrameKind::Message(_) | FrameKind::RpcResult | FrameKind::RpcError))
        })
        .collect()
}

/// The places that hold fields.
#[derive(Clone, Copy, Debug)]
enum Site {
    Type(usize),
    Message(usize),
}

fn sites(s: &Schema) -> Vec<Site> {
    let mut out = Vec::new();
    for (i, t) in s.types.iter().enumerate() {
        if matches!(t.kind, TypeDefKind::Struct(_)) {
            out.push(Site::Type(i));
        }
    }
    for (i, m) in s.messages.iter().enumerate() {
        if matches!(m.payload, Payload::Fields(_)) {
            out.push(Site::Message(i));
        }
    }
    out
}

fn fields_at(s: &mut Schema, site: Site) -> &mut Vec<Field> {
    match site {
        Site::Type(i) => match &mut s.types[i].kind {
            TypeDefKind::Struct(st) => &mut st.fields,
            _ => unreachable!("sites are structs"),
        },
        Site::Message(i) => match &mut s.messages[i].payload {
            Payload::Fields(f) => f,
            Payload::Value { .. } => unreachable!("sites have fields"),
        },
    }
}

fn primitive(rng: &mut Rng) -> Type {
    let kind = match rng.below(5) {
        0 => TypeKind::Bool,
        1 => TypeKind::String,
        2 => TypeKind::Int(IntType { signed: false, bits: 8, encoding: IntEncoding::Number }),
        3 => TypeKind::Int(IntType { signed: true, bits: 64, encoding: IntEncoding::Number }),
        _ => TypeKind::Float(FloatType::F64),
    };
    Type { kind, constraints: Constraints::default() }
}

fn set_type(f: &mut Field, ty: Type, types: &[TypeDef]) {
    f.nullable = accepts_null(types, &ty);
    f.ty = ty;
}

fn pick<T>(rng: &mut Rng, items: &[T]) -> Option<usize> {
    if items.is_empty() { None } else { Some(rng.below(items.len() as u64) as usize) }
}

/// Applies one random edit; returns what it did, or `None` when it found nothing to edit.
fn edit(s: &mut Schema, rng: &mut Rng) -> Option<String> {
    let all_sites = sites(s);
    let types = s.types.clone();
    match rng.below(12) {
        0..=5 => {
            let site = all_sites[pick(rng, &all_sites)?];
            let fields = fields_at(s, site);
            let which = rng.below(7);
            if which == 2 {
                let required = rng.chance(2);
                let name = "zz_added".to_string();
                if fields.iter().any(|f| f.name == name) {
                    return None;
                }
                let ty = primitive(rng);
                let mut f = Field {
                    name: name.clone(),
                    meta: Meta {
                        ident: Some(idents(IdentKind::Field, &name)),
                        identity: Some(Identity::Field { name: name.clone() }),
                        ..Meta::default()
                    },
                    ty: ty.clone(),
                    required,
                    nullable: false,
                    default: None,
                    absent: Absent::Omit,
                    default_value: None,
                    indirect: false,
                };
                set_type(&mut f, ty, &types);
                fields.push(f);
                return Some(format!(
                    "{site:?}: added {} field {name}",
                    if required { "required" } else { "optional" }
                ));
            }
            let i = pick(rng, fields)?;
            let f = &mut fields[i];
            let name = f.name.clone();
            match which {
                0 => {
                    f.required = !f.required;
                    if f.required {
                        f.default = None;
                        f.default_value = None;
                    }
                    Some(format!("{site:?}: field {name} required = {}", f.required))
                }
                1 => {
                    fields.remove(i);
                    Some(format!("{site:?}: removed field {name}"))
                }
                3 => {
                    let ty = primitive(rng);
                    set_type(f, ty, &types);
                    f.default = None;
                    f.default_value = None;
                    Some(format!("{site:?}: field {name} type {:?}", f.ty.kind))
                }
                4 => {
                    let ty = match &f.ty.kind {
                        TypeKind::Nullable(inner) => (**inner).clone(),
                        _ => Type {
                            kind: TypeKind::Nullable(Box::new(f.ty.clone())),
                            constraints: Constraints::default(),
                        },
                    };
                    set_type(f, ty, &types);
                    Some(format!("{site:?}: field {name} nullable = {}", f.nullable))
                }
                5 => {
                    let c = &mut f.ty.constraints;
                    match &f.ty.kind {
                        TypeKind::String | TypeKind::List(_) | TypeKind::Map(_) | TypeKind::Bytes(_) => {
                            c.len = match rng.below(3) {
                                0 => None,
                                1 => Some(LenRange { min: Some(1), max: Some(3) }),
                                _ => Some(LenRange { min: Some(0), max: Some(100) }),
                            };
                            Some(format!("{site:?}: field {name} len {:?}", c.len))
                        }
                        TypeKind::Int(_) | TypeKind::Float(_) => {
                            let lim = |v: i128| Some(Limit { value: Number::Int(v), exclusive: false });
                            c.range = match rng.below(3) {
                                0 => None,
                                1 => Some(NumRange { min: lim(0), max: lim(10) }),
                                _ => Some(NumRange { min: lim(-1000), max: lim(100_000) }),
                            };
                            Some(format!("{site:?}: field {name} range {:?}", c.range))
                        }
                        _ => None,
                    }
                }
                _ => match &mut f.ty.kind {
                    TypeKind::Int(int) if int.encoding == IntEncoding::Number => {
                        let (signed, bits) =
                            [(false, 8), (false, 16), (true, 32), (false, 64), (true, 64)][rng.below(5) as usize];
                        int.signed = signed;
                        int.bits = bits;
                        Some(format!("{site:?}: field {name} int {}", int.name()))
                    }
                    _ => None,
                },
            }
        }
        6 | 7 => {
            let enums: Vec<usize> =
                (0..s.types.len()).filter(|&i| matches!(&s.types[i].kind, TypeDefKind::Enum(e) if !e.flags)).collect();
            let t = enums[pick(rng, &enums)?];
            let name = s.types[t].name.clone();
            let TypeDefKind::Enum(e) = &mut s.types[t].kind else { unreachable!("chosen as an enum") };
            match rng.below(3) {
                0 => {
                    e.open = !e.open;
                    Some(format!("enum {name} open = {}", e.open))
                }
                1 if e.variants.len() > 1 => {
                    let i = pick(rng, &e.variants)?;
                    let v = e.variants.remove(i);
                    Some(format!("enum {name}: removed {}", v.name))
                }
                _ => {
                    let value = match e.repr {
                        EnumRepr::String => TagValue::Str("zz_added".into()),
                        _ => TagValue::Int(
                            e.variants
                                .iter()
                                .filter_map(|v| match v.value {
                                    TagValue::Int(i) => Some(i),
                                    _ => None,
                                })
                                .min()
                                .unwrap_or(1)
                                .saturating_add(if e.variants.len() > 1 { 1 } else { 0 })
                                ^ 0x3,
                        ),
                    };
                    if e.variants.iter().any(|v| v.value == value) {
                        return None;
                    }
                    let vname = "zz_added".to_string();
                    e.variants.push(EnumVariant {
                        name: vname.clone(),
                        meta: Meta {
                            ident: Some(idents(IdentKind::Variant, &vname)),
                            identity: Some(Identity::Variant { value: value.clone() }),
                            ..Meta::default()
                        },
                        value: value.clone(),
                    });
                    Some(format!("enum {name}: added {value}"))
                }
            }
        }
        8 => {
            let i = pick(rng, &s.messages)?;
            let dir = if rng.chance(2) { Direction::Client } else { Direction::Server };
            let m = &mut s.messages[i];
            let flip = |p: &mut UnknownFields| {
                *p = if *p == UnknownFields::Reject { UnknownFields::Ignore } else { UnknownFields::Reject }
            };
            flip(m.unknown_fields.get_mut(dir));
            if m.content.is_none() {
                *m.frame_unknown_fields.get_mut(dir) = *m.unknown_fields.get(dir);
            }
            Some(format!("message {}: unknown members from {} {:?}", m.name, dir.as_str(), m.unknown_fields.get(dir)))
        }
        9 => {
            let dir = if rng.chance(2) { Direction::Client } else { Direction::Server };
            let tags = s.dispatch.get_mut(dir).tags.as_mut()?;
            // The top level, or a second level (`keep(0)` opens only those).
            let seconds = tags.entries.iter().filter(|(_, t)| matches!(t, TagTarget::Next(_))).count() as u64;
            let pick_second = rng.below(seconds + 1);
            let node = if pick_second == 0 {
                tags
            } else {
                tags.entries
                    .iter_mut()
                    .filter_map(|(_, t)| match t {
                        TagTarget::Next(n) => Some(n),
                        TagTarget::Message(_) => None,
                    })
                    .nth(pick_second as usize - 1)?
            };
            node.open = !node.open;
            Some(format!("dispatch {} level {pick_second}: open = {}", dir.as_str(), node.open))
        }
        10 => {
            let unions: Vec<usize> = (0..s.types.len())
                .filter(|&i| matches!(&s.types[i].kind, TypeDefKind::Union(Union::Tagged { .. })))
                .collect();
            let t = unions[pick(rng, &unions)?];
            let name = s.types[t].name.clone();
            let TypeDefKind::Union(Union::Tagged { open, .. }) = &mut s.types[t].kind else { unreachable!("a union") };
            *open = !*open;
            Some(format!("union {name} open = {open}"))
        }
        _ => {
            let site = all_sites[pick(rng, &all_sites)?];
            let Site::Type(i) = site else { return None };
            let dir = if rng.chance(2) { Direction::Client } else { Direction::Server };
            let name = s.types[i].name.clone();
            let TypeDefKind::Struct(st) = &mut s.types[i].kind else { unreachable!("a struct") };
            let p = st.unknown_fields.get_mut(dir);
            *p = if *p == UnknownFields::Reject { UnknownFields::Ignore } else { UnknownFields::Reject };
            Some(format!("struct {name}: unknown members from {} {:?}", dir.as_str(), p))
        }
    }
}

/// Checks that every frame `writer` writes from `dir` is accepted by `reader`.
fn accepted(
    case: &str,
    order: &str,
    frames: &[String],
    reader: &Schema,
    dir: Direction,
    report: &Report,
    checked: &mut usize,
) {
    let validator = Validator::new(reader);
    for f in frames {
        *checked += 1;
        if let Err(errors) = validator.validate(dir, f) {
            panic!(
                "diff calls {case} safe for {order}, but a {} frame is rejected:\n{f}\n{errors:#?}\nreport: {:#?}",
                dir.as_str(),
                report.findings
            );
        }
    }
}

/// How many verdicts and frames a run checked.
#[derive(Default)]
struct Tally {
    safe: usize,
    breaking: usize,
    frames: usize,
}

/// Judges one edit: wherever `diff` calls an order safe, the frames prove it.
fn judge(case: &str, old: &Schema, new: &Schema, vectors: &[(Direction, String)], seed: u64, tally: &mut Tally) {
    let report = diff(old, new);
    let nsoc = !report.findings.iter().any(|f| f.breaks.new_server_old_clients);
    let ncos = !report.findings.iter().any(|f| f.breaks.new_clients_old_server);
    for safe in [nsoc, ncos] {
        if safe { tally.safe += 1 } else { tally.breaking += 1 }
    }
    if !nsoc && !ncos {
        return;
    }
    let old_client = written(old, Direction::Client, vectors, seed);
    let old_server = written(old, Direction::Server, vectors, seed);
    let new_client = written(new, Direction::Client, vectors, seed ^ 0x55);
    let new_server = written(new, Direction::Server, vectors, seed ^ 0x55);
    if nsoc {
        let order = "a new server with old clients";
        accepted(case, order, &old_client, new, Direction::Client, &report, &mut tally.frames);
        accepted(case, order, &new_server, old, Direction::Server, &report, &mut tally.frames);
    }
    if ncos {
        let order = "new clients with an old server";
        accepted(case, order, &new_client, old, Direction::Client, &report, &mut tally.frames);
        accepted(case, order, &old_server, new, Direction::Server, &report, &mut tally.frames);
    }
}

#[test]
fn safe_verdicts_hold_against_the_validator() {
    let corpus = corpus();
    assert!(corpus.len() > 30, "the examples and cases are found");
    let mut tally = Tally::default();
    for (index, (name, old, vectors, _)) in corpus.iter().enumerate() {
        for n in 0..EDITS_PER_SCHEMA {
            let seed = (index as u64) << 16 | n;
            let mut rng = Rng::new(seed);
            let mut new = old.clone();
            let mut edits = Vec::new();
            for _ in 0..1 + rng.below(2) {
                if let Some(e) = edit(&mut new, &mut rng) {
                    edits.push(e);
                }
            }
            if edits.is_empty() {
                continue;
            }
            let case = format!("{name} (seed {seed}) after [{}]", edits.join("; "));
            judge(&case, old, &new, vectors, seed, &mut tally);
        }
    }
    let Tally { safe, breaking, frames } = tally;
    eprintln!("model edits: {safe} safe verdicts checked with {frames} frames; {breaking} breaking verdicts");
    // The test must exercise both kinds of verdict, with real frames.
    assert!(safe > 100 && breaking > 100, "{safe} safe, {breaking} breaking");
    assert!(frames > 2000, "{frames} frames");
}

/// Edits of the schema's text, for what a model edit cannot make consistently (messages
/// added, removed, re-tagged or sent by another side, replies, policies): an edit whose
/// text does not check is skipped.
fn text_edit(text: &str, rng: &mut Rng) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let decls: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = lines[i].trim_start();
            l.starts_with("client message ")
                || l.starts_with("server message ")
                || l.starts_with("message ")
                || l.starts_with("client request ")
                || l.starts_with("server request ")
        })
        .collect();
    let mut out = lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let what = match rng.below(8) {
        0 => {
            let side = if rng.chance(2) { "client" } else { "server" };
            out.push(format!("\n{side} message ZzAdded {{ a: u8, b?: string }}"));
            format!("added {side} message ZzAdded")
        }
        1 => {
            let &i = decls.get(pick(rng, &decls)?)?;
            // A one-line declaration only: a block's end is not looked for.
            if !out[i].trim_end().ends_with('}') && !out[i].contains(" = ") {
                return None;
            }
            let removed = out.remove(i);
            format!("removed {removed:?}")
        }
        2 => {
            let &i = decls.get(pick(rng, &decls)?)?;
            let l = out[i].clone();
            let swapped = if let Some(rest) = l.strip_prefix("client message ") {
                format!("{} message {rest}", if rng.chance(2) { "server" } else { "both" })
                    .replace("both message", "message")
            } else if let Some(rest) = l.strip_prefix("server message ") {
                if rng.chance(2) { format!("client message {rest}") } else { format!("message {rest}") }
            } else if let Some(rest) = l.strip_prefix("message ") {
                format!("{} message {rest}", if rng.chance(2) { "client" } else { "server" })
            } else {
                return None;
            };
            out[i] = swapped.clone();
            format!("sender: {swapped:?}")
        }
        3 => {
            let &i = decls.get(pick(rng, &decls)?)?;
            out.insert(i, "@tag(\"zz_retagged\")".to_string());
            format!("re-tagged {:?}", out[i + 1])
        }
        4 => {
            let &i = decls.get(pick(rng, &decls)?)?;
            let attr = ["@strict", "@lenient", "@no_envelope"][rng.below(3) as usize];
            out.insert(i, attr.to_string());
            format!("{attr} on {:?}", out[i + 1])
        }
        5 => {
            // A reply taken out of, or added to, a request's list.
            let i = (0..out.len()).find(|&i| out[i].contains(" -> ") && out[i].contains(" | "))?;
            let l = out[i].clone();
            let cut = l.rfind(" | ")?;
            let end = l[cut + 3..].find(|c: char| !c.is_alphanumeric() && c != '_').map_or(l.len(), |e| cut + 3 + e);
            out[i] = format!("{}{}", &l[..cut], &l[end..]);
            format!("reply removed: {:?}", out[i])
        }
        6 => {
            let i = (0..out.len()).find(|&i| out[i].trim_start().starts_with("enum "))?;
            out.insert(i, "@open".to_string());
            format!("@open on {:?}", out[i + 1])
        }
        _ => {
            // A number in a range or a length moved.
            let i = (0..out.len())
                .filter(|&i| out[i].contains("@range(") || out[i].contains("@len("))
                .nth(rng.below(4) as usize)?;
            let l = out[i].clone();
            let at = l.find("..=")? + 3;
            let end = l[at..].find(|c: char| !c.is_ascii_digit()).map(|e| at + e)?;
            let n: u64 = l[at..end].parse().ok()?;
            let m = if rng.chance(2) { n / 2 } else { n.saturating_mul(2) };
            out[i] = format!("{}{m}{}", &l[..at], &l[end..]);
            format!("bound {n} -> {m}: {:?}", out[i])
        }
    };
    Some((out.join("\n") + "\n", what))
}

#[test]
fn safe_verdicts_hold_for_text_edits() {
    let corpus = corpus();
    let mut tally = Tally::default();
    let mut checked = 0;
    for (index, (name, old, vectors, text)) in corpus.iter().enumerate() {
        for n in 0..EDITS_PER_SCHEMA {
            let seed = (index as u64) << 16 | n | 1 << 40;
            let mut rng = Rng::new(seed);
            let Some((edited, what)) = text_edit(text, &mut rng) else { continue };
            let (Some(new), _) = sockspec_validator::check(&edited) else { continue };
            checked += 1;
            judge(&format!("{name} (seed {seed}) after {what}"), old, &new, vectors, seed, &mut tally);
        }
    }
    let Tally { safe, breaking, frames } = tally;
    eprintln!(
        "text edits: {checked} edits that check; {safe} safe verdicts checked with {frames} frames; {breaking} breaking"
    );
    assert!(checked > 100, "{checked} text edits checked clean");
    assert!(safe > 20 && breaking > 50, "{safe} safe, {breaking} breaking");
}

/// The frame generator makes frames the validator accepts for most messages of every
/// schema: without that the property above would check little.
#[test]
fn generated_frames_are_mostly_valid() {
    let (mut total, mut valid) = (0, 0);
    for (_, schema, _, _) in corpus() {
        let validator = Validator::new(&schema);
        for dir in Direction::BOTH {
            for f in frames(&schema, dir, 7, 4) {
                total += 1;
                valid += usize::from(validator.validate(dir, &f).is_ok());
            }
        }
    }
    assert!(valid * 10 >= total * 7, "{valid} of {total} generated frames are valid");
}
