//! Schemas built to be hostile from the fuzz input: nesting of any depth and kind in types
//! and values, and attributes repeated. Checking never panics or overflows the stack, and
//! nesting past the limit is always reported (S0105).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sockspec_syntax::MAX_NESTING;

const ATTRS: &[&str] =
    &["@pattern(\"a\")", "@len(1..)", "@range(0..9)", "@as(string)", "@strict", "@lenient", "@tag(\"x\")"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // Depth up to a few thousand from the first two bytes; kinds from the rest.
    let depth = usize::from(first) * 16 + rest.first().map_or(0, |b| usize::from(*b) % 16);
    let kind = |i: usize| rest.get(i % rest.len().max(1)).copied().unwrap_or(0);
    let (open, close): (String, String) = (0..depth)
        .map(|i| match (kind(i) % 4, first % 2) {
            (0, 0) => ("[", "]"),
            (1, 0) => ("(", ")"),
            (_, 0) => ("map<", ">"),
            (0, _) => ("[", "]"),
            (1, _) => ("{\"k\": ", "}"),
            _ => ("[1, ", "]"),
        })
        .fold((String::new(), String::new()), |(o, c), (a, b)| (o + a, b.to_string() + &c));
    let attrs: Vec<&str> = rest.iter().take(8).map(|b| ATTRS[usize::from(*b) % ATTRS.len()]).collect();
    let src = if first % 2 == 0 {
        format!("protocol p {{}}\n{} client message M {{ a: {open}u8{close} {} }}\n", attrs.join(" "), attrs.join(" "))
    } else {
        format!("protocol p {{}}\nstruct A {{ a: json = {open}1{close} }}\n")
    };
    let (_, diagnostics) = sockspec_model::check(&src);
    if depth + 1 > MAX_NESTING {
        assert!(diagnostics.iter().any(|d| d.code == "S0105"), "{depth} levels not reported");
    }
});
