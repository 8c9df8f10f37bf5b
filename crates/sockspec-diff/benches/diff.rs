//! The cost of `diff` as schemas grow: two versions of a schema of 100 to 10,000 messages
//! (every message gains a member, so every message is compared and reported), with the
//! compiler's check of the new version as the baseline in the same run: `sockspec diff`
//! checks both versions, so diff should cost no more than a check; and the human report of
//! all those findings. Results:
//! docs/performance.md.
//!
//! Run with `cargo bench -p sockspec-diff --bench diff`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn text(n: usize, extra: bool) -> String {
    let mut text = String::from("protocol p {}\n\nenum Mode { a, b, c }\n\nstruct Point { x: f64, y: f64 }\n\n");
    for i in 0..n {
        let more = if extra { ", added?: string" } else { "" };
        text.push_str(&format!("client message M{i} {{ n: u8 @range(0..=9), mode: Mode, at: Point{more} }}\n"));
    }
    text
}

fn check(text: &str) -> sockspec_model::Schema {
    let (schema, diagnostics) = sockspec_model::check(text);
    schema.unwrap_or_else(|| panic!("{diagnostics:?}"))
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    g.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for n in [100, 1_000, 10_000] {
        let (old_text, new_text) = (text(n, false), text(n, true));
        let (old, new) = (check(&old_text), check(&new_text));
        assert_eq!(sockspec_diff::diff(&old, &new).findings.len(), n);
        g.bench_with_input(BenchmarkId::new("check new (baseline)", n), &new_text, |b, t| {
            b.iter(|| sockspec_model::check(black_box(t)).0.is_some())
        });
        g.bench_with_input(BenchmarkId::new("diff", n), &(&old, &new), |b, (o, n)| {
            b.iter(|| sockspec_diff::diff(black_box(o), black_box(n)).findings.len())
        });
        let report = sockspec_diff::diff(&old, &new);
        let file = sockspec_model::SourceFile::new("new.sockspec", new_text.clone());
        g.bench_with_input(BenchmarkId::new("render human", n), &report, |b, r| {
            b.iter(|| sockspec_diff::render(black_box(r), sockspec_diff::Format::Human, &file, true, true).len())
        });
    }
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
