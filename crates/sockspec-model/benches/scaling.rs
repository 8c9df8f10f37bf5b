//! How the front end scales with schemas built to be worst cases (issue 7): each workload at
//! growing sizes, with `parse` of the same text measured in the same run as the linear
//! baseline. Linear (or n log n) code keeps the time per element flat as the size grows;
//! a quadratic step would double it at each doubling. Results: docs/performance.md.
//!
//! Run with `cargo bench -p sockspec-model --bench scaling`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sockspec_syntax::{SourceFile, parse, render_json};

const SIZES: [usize; 4] = [12_500, 25_000, 50_000, 100_000];

/// `n` structs, each the only member of the one before.
fn chained_structs(n: usize) -> String {
    let mut out = String::from("protocol p {}\n");
    for i in 0..n {
        out.push_str(&format!("struct S{i} {{ next: S{} }}\n", i + 1));
    }
    out + &format!("struct S{n} {{ a: u8 }}\nclient message M {{ s: S0 }}\n")
}

/// One `@example` call with `n` named arguments.
fn named_arguments(n: usize) -> String {
    let args: Vec<String> = (0..n).map(|i| format!("a{i} = {i}")).collect();
    format!("protocol p {{}}\n@example(f({}))\nstruct A {{}}\n", args.join(", "))
}

/// A field whose type is an unknown name of `n` characters, beside a declared name one
/// letter longer: the "did you mean" search.
fn huge_names(n: usize) -> String {
    let long = "A".repeat(n);
    format!("protocol p {{}}\nstruct {long}B {{}}\nclient message M {{ a: {long} }}\n")
}

/// `n` declared types and `n` fields of unknown types: "did you mean" for each.
fn unknown_among_many(n: usize) -> String {
    let types: String = (0..n).map(|i| format!("struct T{i} {{ a: u8 }}\n")).collect();
    let fields: Vec<String> = (0..n).map(|i| format!("  f{i}: Nope{i}")).collect();
    format!("protocol p {{}}\n{types}struct A {{\n{}\n}}\n", fields.join("\n"))
}

/// `n` untagged messages, each told apart by its own required member.
fn untagged_messages(n: usize) -> String {
    let messages: String = (0..n).map(|i| format!("@tag(none) client message U{i} {{ k{i}: u8 }}\n")).collect();
    format!("protocol p {{}}\n{messages}")
}

/// A struct of `n` fields of unknown types: `n` diagnostics, for `render_json`.
fn many_errors(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("  f{i}: Nope{i}")).collect();
    format!("protocol p {{}}\nstruct A {{\n{}\n}}\n", fields.join("\n"))
}

fn group(c: &mut Criterion, name: &str, make: fn(usize) -> String, work: fn(&str)) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    for n in SIZES {
        let text = make(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("parse (baseline)", n), &text, |b, t| b.iter(|| parse(black_box(t))));
        g.bench_with_input(BenchmarkId::new("work", n), &text, |b, t| b.iter(|| work(black_box(t))));
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    group(c, "chained_structs/check", chained_structs, |t| {
        black_box(sockspec_model::check(t));
    });
    group(c, "named_arguments/parse", named_arguments, |t| {
        black_box(parse(t));
    });
    group(c, "huge_names/check", huge_names, |t| {
        black_box(sockspec_model::check(t));
    });
    group(c, "unknown_among_many/check", unknown_among_many, |t| {
        black_box(sockspec_model::check(t));
    });
    group(c, "untagged_messages/check", untagged_messages, |t| {
        black_box(sockspec_model::check(t));
    });
    group(c, "many_errors/check_and_render_json", many_errors, |t| {
        let (_, diagnostics) = sockspec_model::check(t);
        black_box(render_json(&SourceFile::new("f", t), &diagnostics));
    });
}

criterion_group!(scaling, benches);
criterion_main!(scaling);
