//! Property tests for hostile schemas: nesting of any depth and kind in types, defaults,
//! examples and settings never overflows the stack and is reported (S0105) exactly past
//! the limit; an attribute given twice, anywhere, is always an error (S0314). The fuzz
//! target `fuzz/fuzz_targets/hostile.rs` checks the same for as long as one runs it.

use proptest::prelude::*;
use proptest::test_runner::Config;
use sockspec_syntax::MAX_NESTING;

/// Where nesting can happen, as (prefix, opening, inner, closing, suffix).
const PLACES: &[(&str, &str)] = &[
    ("protocol p {}\ntype T = ", "\n"),
    ("protocol p {}\nstruct A { a: json = ", " }\n"),
    ("protocol p {}\n@example(", ")\nstruct A {}\n"),
    ("protocol p { version = ", " }\n"),
];

/// One level of nesting of a type (place 0) or a value (the others).
fn level(place: usize, kind: u8) -> (&'static str, &'static str) {
    if place == 0 {
        [("[", "]"), ("(", ")"), ("map<", ">")][kind as usize % 3]
    } else {
        [("[", "]"), ("{\"k\": ", "}"), ("[1, ", "]")][kind as usize % 3]
    }
}

fn nested(place: usize, kinds: &[u8]) -> String {
    let (prefix, suffix) = PLACES[place];
    let inner = if place == 0 { "u8" } else { "1" };
    let mut text = String::from(prefix);
    kinds.iter().for_each(|k| text.push_str(level(place, *k).0));
    text.push_str(inner);
    kinds.iter().rev().for_each(|k| text.push_str(level(place, *k).1));
    text + suffix
}

fn codes(src: &str) -> Vec<&'static str> {
    sockspec_model::check(src).1.into_iter().map(|d| d.code).collect()
}

/// Attributes that may be given once, each with the place it goes.
const ONCE: &[(&str, &str)] = &[
    ("@pattern(\"^a\")", "struct A { a: string ATTR }"),
    ("@len(1..)", "struct A { a: string ATTR }"),
    ("@range(0..9)", "struct A { a: u8 ATTR }"),
    ("@as(string)", "struct A { a: u64 ATTR }"),
    ("@tag(\"x\")", "ATTR client message A {}"),
    ("@tag(\"x\")", "ATTR struct S {}"),
    ("@correlate(a)", "ATTR client request A { a: u8 } -> B\nserver message B { a: u8 }"),
    ("@strict", "ATTR client message A {}"),
    ("@deprecated(\"old\")", "struct A { ATTR a: u8 }"),
    ("@absent(null)", "struct A { ATTR a?: u8 | null }"),
    ("@open", "ATTR enum E { a }"),
];

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn nesting_of_any_depth_is_reported_past_the_limit(
        place in 0..PLACES.len(),
        kinds in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let found = codes(&nested(place, &kinds));
        // The outermost type or value is level 1, so n brackets are n + 1 levels.
        let levels = kinds.len() + 1;
        prop_assert_eq!(found.contains(&"S0105"), levels > MAX_NESTING, "{} levels: {:?}", levels, found);
        prop_assert!(found.iter().filter(|c| **c == "S0105").count() <= 1, "{:?}", found);
    }

    #[test]
    fn a_repeated_attribute_is_always_an_error(
        which in 0..ONCE.len(),
        times in 2usize..5,
        gap in prop::sample::select(&[" ", "  ", " @since(\"1.0\") "][..]),
    ) {
        let (attr, place) = ONCE[which];
        let attrs = vec![attr; times].join(gap);
        let src = format!("protocol p {{}}\n{}\n", place.replace("ATTR", &attrs));
        let found = codes(&src);
        // `@since` between them is itself repeated when there are three or more.
        let repeated = found.iter().filter(|c| **c == "S0314").count();
        prop_assert!(repeated >= times - 1, "{}: {:?}", src, found);
        let once = format!("protocol p {{}}\n{}\n", place.replace("ATTR", attr));
        prop_assert!(!codes(&once).contains(&"S0314"), "{}", once);
    }
}

/// Variants for untagged unions, with the JSON kinds each accepts (bits as in the
/// compiler: null, bool, int, fraction, string, array, object) and whether an object of
/// it is one struct's (told apart by required members).
const VARIANTS: &[(&str, u8, bool)] = &[
    ("string", 16, false),
    ("u8", 4, false),
    ("f64", 4 | 8, false),
    ("bool", 2, false),
    ("[u8]", 32, false),
    ("json", 127, false),
    ("A", 64, true),
    ("B", 64, true),
    ("map<u8>", 64, false),
];

/// The first pair (i, then j) of variants that cannot be told apart, by brute force.
fn first_clash(picked: &[usize]) -> Option<(usize, usize)> {
    for i in 0..picked.len() {
        for j in i + 1..picked.len() {
            let (a, b) = (VARIANTS[picked[i]], VARIANTS[picked[j]]);
            let common = a.1 & b.1 & !64;
            let objects = a.1 & b.1 & 64 != 0 && (!a.2 || !b.2);
            if common != 0 || objects {
                return Some((i, j));
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn untagged_clashes_are_found_as_by_comparing_every_pair(
        picked in prop::collection::vec(0..VARIANTS.len(), 2..7),
    ) {
        let names: Vec<&str> = picked.iter().map(|p| VARIANTS[*p].0).collect();
        // A and B differ by their required members; the same struct twice is a clash.
        let src = format!(
            "protocol p {{}}\nstruct A {{ a: u8 }}\nstruct B {{ b: u8 }}\n@untagged union U = {}\n",
            names.join(" | ")
        );
        let (_, diagnostics) = sockspec_model::check(&src);
        let clash: Vec<_> = diagnostics.iter().filter(|d| d.code == "S0308").collect();
        // The same struct twice clashes by its (equal) required members: the signature check.
        let twice = |n: &str| names.iter().filter(|m| **m == n).count() > 1;
        let expected = first_clash(&picked);
        if twice("A") || twice("B") {
            prop_assert!(!clash.is_empty(), "{}", src);
        } else {
            match expected {
                None => prop_assert!(clash.is_empty(), "{}: {:?}", src, clash),
                Some((i, j)) => {
                    prop_assert_eq!(clash.len(), 1, "{}", src);
                    let text = |s: sockspec_syntax::Span| &src[s.range()];
                    prop_assert_eq!(text(clash[0].primary.span), names[j], "{}", src);
                    prop_assert_eq!(text(clash[0].secondary[0].span), names[i], "{}", src);
                }
            }
        }
    }
}
