//! Alias chains of any length are judged on their merits: no internal cut-off gives a false
//! error on a long chain, a cycle of any length is one error naming it, and checking takes
//! time linear in the schema.

use std::fmt::Write as _;

use sockspec_syntax::{SourceFile, render_human};

/// `type A0 = A1`, ..., `type A{n-1} = end` (with `A` the prefix): a chain of `n` aliases.
fn chain_of(prefix: &str, n: usize, end: &str) -> String {
    let mut src = String::new();
    for i in 0..n - 1 {
        let _ = writeln!(src, "type {prefix}{i} = {prefix}{}", i + 1);
    }
    let _ = writeln!(src, "type {prefix}{} = {end}", n - 1);
    src
}

fn chain(n: usize, end: &str) -> String {
    chain_of("A", n, end)
}

fn errors(src: &str) -> Vec<String> {
    let (_, diagnostics) = sockspec_model::check(src);
    diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code, d.message)).collect()
}

/// Every use that once went through a depth cut-off: an untagged union (S0308), a default
/// through an alias of an enum (S0306), constraints on the end of the chain (S0303).
fn uses(n: usize) -> String {
    let mut src = String::from("protocol p {}\nenum Mode { a, b }\n");
    src += &chain(n, "Mode");
    src += &chain_of("S", n, "string");
    src += &chain_of("N", n, "u8 | null");
    src += "@untagged union U = S0 | bool | N0\n";
    src += "client message M {\n    mode: A0 = b\n    s?: S0 @len(1..)\n    u?: U\n    n?: N0 @range(1..)\n}\n";
    src
}

#[test]
fn a_65_alias_chain_checks_clean() {
    assert_eq!(errors(&uses(65)), Vec::<String>::new());
}

#[test]
fn a_long_alias_chain_checks_clean() {
    // Sizes that run in well under a second in a debug build when checking is linear.
    assert_eq!(errors(&uses(3_000)), Vec::<String>::new());
    let (schema, _) = sockspec_model::check(&format!("protocol p {{}}\n{}", chain(20_000, "u8")));
    assert!(schema.is_some(), "20,000 chained aliases check clean");
}

#[test]
fn a_long_alias_cycle_is_one_error_naming_it() {
    let src = format!("protocol p {{}}\n{}", chain(1_000, "A0"));
    let (schema, diagnostics) = sockspec_model::check(&src);
    assert!(schema.is_none());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let file = SourceFile::new("cycle.sockspec", src);
    insta::assert_snapshot!(render_human(&file, &diagnostics, false));
}

#[test]
fn a_cycle_beside_a_long_chain_is_still_found() {
    let mut src = format!("protocol p {{}}\n{}", chain(2_000, "u8"));
    src += "type X = Y | null\ntype Y = X\n";
    assert_eq!(errors(&src), vec!["S0307: `X` → `Y` → `X` stand for one another without nesting".to_string()]);
}
