//! How fast the compiler front end is: `check` (parse + lower + every semantic check) on a
//! generated schema of 1,000 messages and 2,000 types and on the chat example, with `parse`
//! alone and `format` measured in the same run as baselines. Results: docs/performance.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sockspec_model::Schema;
use sockspec_syntax::{SourceFile, format, parse, render_human};

/// Messages and types in the generated schema.
const MESSAGES: usize = 1_000;
const TYPES: usize = 2_000;

/// Field names a struct or message draws from; none is `id` or `type`, which the protocol
/// uses for the correlation id and the tag.
#[rustfmt::skip]
const FIELD_NAMES: &[&str] = &[
    "name", "count", "created_at", "items", "labels", "score", "ratio", "owner", "enabled", "note", "status", "payload",
    "session", "limits", "extra", "blob", "day", "origin", "tags", "parent",
];

/// Writes a schema of `messages` messages and `types` types, the same text every time. Types
/// cycle through structs (the most common, as in real schemas), string, integer and flag
/// enums, aliases, tagged and untagged unions; a fifth of the messages are requests, each
/// with its own reply message. Every type refers only to types declared before it, so the
/// references are many but never cyclic; many items and fields carry docs and constraints.
fn generate(messages: usize, types: usize) -> String {
    let mut out = String::new();
    let w = &mut out;
    w.push_str(
        "/// A generated protocol for benchmarks.\nprotocol bench {\n    version = \"1.0.0\"\n    tag = \"type\"\n    \
         id_type = u64\n    id_order = increasing\n    client_unknown_fields = reject\n}\n\n\
         envelope {\n    /// Set by the tracing proxy.\n    trace_id?: string @len(1..=64)\n}\n\n\
         connection {\n    path = \"/bench\"\n    heartbeat = ping(every = 30s, timeout = 10s)\n    \
         max_frame_bytes = 1048576\n}\n\n",
    );
    // The types written so far, for fields, lists and unions to refer to.
    let mut earlier = Earlier::default();
    for i in 0..types {
        let kind = if i < 4 { 0 } else { i % 10 };
        match kind {
            0..=4 => {
                writeln!(w, "/// Struct number {i}: a record with a few members.\nstruct S{i} {{").ok();
                fields(w, i, &earlier, 3 + i % 6);
                w.push_str("}\n\n");
                earlier.structs.push(i);
                continue;
            }
            5 => {
                let values = if i % 20 == 5 { " = \"A-wire\"" } else { "" };
                writeln!(w, "/// A closed set of names.\nenum T{i} {{\n    alpha{values}\n    beta\n    /// The third.\n    gamma\n    delta\n}}\n").ok();
            }
            6 => {
                if i % 20 == 6 {
                    writeln!(w, "@flags\nenum T{i}: u8 {{\n    read = 1\n    write = 2\n    exec = 4\n}}\n").ok();
                } else {
                    writeln!(w, "@open\nenum T{i}: u16 {{\n    bad = 400\n    missing = 404\n    internal = 500\n}}\n")
                        .ok();
                }
            }
            7 => {
                let target = match (i / 10) % 4 {
                    0 => "u64 @as(string)".to_string(),
                    1 => "string @len(1..=32) @pattern(\"^[a-z][a-z0-9_]*$\")".to_string(),
                    2 => "datetime @as(unix_ms)".to_string(),
                    _ => format!("[S{}] @len(..=100)", pick(&earlier.structs, i)),
                };
                writeln!(w, "/// An alias.\ntype T{i} = {target}\n").ok();
            }
            8 => {
                let (a, b) = (earlier.structs[earlier.structs.len() - 1], earlier.structs[earlier.structs.len() - 2]);
                let field = if i.is_multiple_of(3) { "@tag_field(\"kind\")\n" } else { "" };
                writeln!(w, "/// A tagged union of two structs.\n{field}union T{i} = S{a} | S{b}\n").ok();
            }
            _ => {
                writeln!(w, "@untagged\nunion T{i} = string | i64 | S{}\n", pick(&earlier.structs, i)).ok();
            }
        }
        earlier.others.push(i);
    }
    writeln!(w, "/// A request failed.\n@error\nserver message Failure {{\n    code: u16\n    message: string\n}}\n")
        .ok();
    let requests = messages / 5;
    for m in 0..requests {
        writeln!(w, "/// Request number {m}.\nclient request Req{m} {{").ok();
        fields(w, m * 7 + 1, &earlier, 2 + m % 5);
        writeln!(w, "}} -> Rep{m} | Failure\n").ok();
        writeln!(w, "/// The answer to `Req{m}`.\nserver message Rep{m} {{").ok();
        fields(w, m * 11 + 3, &earlier, 1 + m % 4);
        w.push_str("}\n\n");
    }
    for m in 0..messages - 2 * requests - 1 {
        let direction = ["client ", "server ", ""][m % 3];
        writeln!(w, "/// Event number {m}.\n{direction}message Ev{m} {{").ok();
        fields(w, m * 13 + 5, &earlier, 1 + m % 7);
        w.push_str("}\n\n");
    }
    out
}

/// The indices of the types declared so far.
#[derive(Default)]
struct Earlier {
    /// `S{i}`
    structs: Vec<usize>,
    /// `T{i}`: enums, aliases and unions.
    others: Vec<usize>,
}

/// One of `indices`, chosen by `i` and spread over all of them.
fn pick(indices: &[usize], i: usize) -> usize {
    indices[(i * 7919) % indices.len()]
}

/// Writes `n` fields whose names and types follow from `seed`: primitives with constraints
/// and encodings, optional, nullable and defaulted members, lists, maps, and references to
/// earlier structs, enums, aliases and unions.
fn fields(w: &mut String, seed: usize, earlier: &Earlier, n: usize) {
    let (structs, others) = (&earlier.structs, &earlier.others);
    for k in 0..n {
        let name = FIELD_NAMES[(seed + k) % FIELD_NAMES.len()];
        let shape = (seed * 3 + k * 5) % 18;
        let line = match shape {
            0 => format!("{name}: string"),
            1 => format!("{name}: u32 @range(0..=1000)"),
            2 => format!("{name}?: string @len(1..=64)"),
            3 => format!("{name}: i64 = 0"),
            4 => format!("{name}: f64 @range(0.0..1.0)"),
            5 => format!("{name}: datetime"),
            6 => format!("{name}?: uuid"),
            7 => format!("{name}: [string] = []"),
            8 => format!("{name}: map<u32> = {{}}"),
            9 => format!("{name}?: string | null @len(..=128)"),
            10 => format!("{name}: bool = false"),
            11 => format!("{name}: u64 @as(string)"),
            12 => format!("{name}?: bytes @len(..=4096)"),
            13 if !structs.is_empty() => format!("{name}: S{}", pick(structs, seed + k)),
            14 if !structs.is_empty() => format!("{name}?: [S{}] @len(1..)", pick(structs, seed + k)),
            15 if !others.is_empty() => format!("{name}: T{}", pick(others, seed + k)),
            16 if !others.is_empty() => format!("{name}?: map<T{}>", pick(others, seed + k)),
            _ => format!("{name}: string @pattern(\"^[A-Za-z0-9_-]+$\")"),
        };
        if (seed + k).is_multiple_of(4) {
            writeln!(w, "    /// Member {k}.").ok();
        }
        writeln!(w, "    {line}").ok();
    }
}

/// The schema of `text`, asserting it checks with no diagnostic at all.
fn checked(name: &str, text: &str) -> Schema {
    let (schema, diagnostics) = sockspec_validator::check(text);
    assert!(
        diagnostics.is_empty(),
        "{name} does not check clean:\n{}",
        render_human(&SourceFile::new(name, text), &diagnostics, false)
    );
    schema.expect("no diagnostics means a schema")
}

fn bench_schema(c: &mut Criterion, group: &str, text: &str) {
    let mut g = c.benchmark_group(group);
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| b.iter(|| parse(black_box(text))));
    g.bench_function("check", |b| b.iter(|| sockspec_validator::check(black_box(text))));
    let file = parse(text).0;
    g.bench_function("format", |b| b.iter(|| format(black_box(&file))));
    g.finish();
}

fn benches(c: &mut Criterion) {
    let generated = generate(MESSAGES, TYPES);
    let schema = checked("generated.sockspec", &generated);
    assert_eq!((schema.messages.len(), schema.types.len()), (MESSAGES, TYPES));
    eprintln!(
        "generated schema: {MESSAGES} messages, {TYPES} types, {} bytes, {} lines",
        generated.len(),
        generated.lines().count()
    );
    bench_schema(c, "generated", &generated);
    let chat = include_str!("../../../examples/chat.sockspec");
    checked("chat.sockspec", chat);
    bench_schema(c, "chat", chat);
}

criterion_group!(check, benches);
criterion_main!(check);
