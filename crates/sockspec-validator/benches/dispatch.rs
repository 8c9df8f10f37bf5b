//! Dispatch cost as the number of messages grows (issue 7): one frame of the last-declared
//! message, validated against schemas of 100 to 100,000 messages, with the strict JSON
//! parse of the same frame as the baseline in the same run. A hash-map dispatch keeps the
//! validate time flat; a linear search grew with the message count. Results:
//! docs/performance.md.
//!
//! Run with `cargo bench -p sockspec-validator --bench dispatch`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sockspec_validator::{Direction, Validator, json};

fn schema(n: usize, untagged: bool) -> sockspec_model::Schema {
    let mut text = String::from("protocol p {}\n");
    for i in 0..n {
        if untagged {
            text.push_str(&format!("@tag(none) client message M{i} {{ k{i}: u8, s?: string }}\n"));
        } else {
            text.push_str(&format!("client message M{i} {{ n: u8, s?: string }}\n"));
        }
    }
    let (schema, diagnostics) = sockspec_model::check(&text);
    schema.unwrap_or_else(|| panic!("{diagnostics:?}"))
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("dispatch");
    g.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    for n in [100, 1_000, 10_000, 100_000] {
        let schema = schema(n, false);
        let validator = Validator::new(&schema);
        let frame = format!(r#"{{"type": "m{}", "n": 7, "s": "last"}}"#, n - 1);
        assert!(validator.validate(Direction::Client, &frame).is_ok());
        g.bench_with_input(BenchmarkId::new("json parse (baseline)", n), &frame, |b, f| {
            b.iter(|| json::parse(black_box(f)).is_ok())
        });
        g.bench_with_input(BenchmarkId::new("validate", n), &frame, |b, f| {
            b.iter(|| validator.validate(Direction::Client, black_box(f)).is_ok())
        });
    }
    g.finish();
    // Untagged messages: which signature the frame's keys match.
    let mut g = c.benchmark_group("structural_dispatch");
    g.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    for n in [100, 1_000, 10_000, 100_000] {
        let schema = schema(n, true);
        let validator = Validator::new(&schema);
        let frame = format!(r#"{{"k{}": 7, "s": "last"}}"#, n - 1);
        assert!(validator.validate(Direction::Client, &frame).is_ok());
        g.bench_with_input(BenchmarkId::new("json parse (baseline)", n), &frame, |b, f| {
            b.iter(|| json::parse(black_box(f)).is_ok())
        });
        g.bench_with_input(BenchmarkId::new("validate", n), &frame, |b, f| {
            b.iter(|| validator.validate(Direction::Client, black_box(f)).is_ok())
        });
    }
    g.finish();
}

criterion_group!(dispatch, benches);
criterion_main!(dispatch);
