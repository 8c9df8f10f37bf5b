//! `sockspec fmt` tests: snapshots of `tests/fmt/*.sockspec`, and for those, the examples
//! and generated schemas, the formatter's properties (idempotent, meaning kept, comments kept).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use sockspec_syntax::ast::*;
use sockspec_syntax::{Span, TokenKind, format, lex, parse};

// ---- the check every input goes through ----

/// Formats `src` (which must parse without errors) and checks the formatter's properties;
/// returns the formatted text, or what went wrong.
fn check(src: &str) -> Result<String, String> {
    let (file, diagnostics) = parse(src);
    if !diagnostics.is_empty() {
        return Err(format!("the input does not parse: {diagnostics:#?}"));
    }
    let once = format(&file);
    let (again, diagnostics) = parse(&once);
    if !diagnostics.is_empty() {
        return Err(format!("the formatted text does not parse: {diagnostics:#?}\n{once}"));
    }
    let twice = format(&again);
    if twice != once {
        return Err(format!("not idempotent:\n--- once ---\n{once}\n--- twice ---\n{twice}"));
    }
    if strip_file(&file) != strip_file(&again) {
        return Err(format!(
            "the syntax tree changed:\n{:#?}\n--- became ---\n{:#?}",
            strip_file(&file),
            strip_file(&again)
        ));
    }
    let (before, after) = (comments(src), comments(&once));
    if before != after {
        return Err(format!("comments changed: {before:?} became {after:?}"));
    }
    if !once.is_empty() && (!once.ends_with('\n') || once.ends_with("\n\n")) {
        return Err(format!("the text must end with exactly one newline: {once:?}"));
    }
    Ok(once)
}

/// Every `//` comment's text (trailing whitespace aside), sorted: formatting may move a
/// comment, never drop or change one.
fn comments(src: &str) -> Vec<String> {
    let mut texts: Vec<String> = lex(src)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| src[t.span.range()].trim_end().to_string())
        .collect();
    texts.sort();
    texts
}

// ---- fixtures ----

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.sockspec` files in `dir`, sorted; none when the folder does not exist.
fn schemas_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sockspec"))
        .collect();
    paths.sort();
    paths
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

/// Each fixture formats with every property holding, and its layout matches its snapshot
/// (`tests/fmt/snapshots/<fixture>.snap`).
#[test]
fn fixtures_format_canonically() {
    let fixtures = schemas_in(&crate_dir().join("tests/fmt"));
    assert!(fixtures.len() >= 5, "the fixtures are missing");
    for path in fixtures {
        let name = stem(&path);
        let formatted = check(&read(&path)).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::with_settings!({
            snapshot_path => "fmt/snapshots",
            prepend_module_to_snapshot => false,
            input_file => &path,
        }, {
            insta::assert_snapshot!(name, formatted);
        });
    }
}

/// Every schema in `examples/` and `tests/fmt/` that parses cleanly formats with every
/// property holding (files with syntax errors are not the formatter's business).
#[test]
fn examples_and_fixtures_are_idempotent() {
    let root = crate_dir();
    let mut failures = Vec::new();
    for path in [root.join("../../examples"), root.join("tests/fmt")].iter().flat_map(|d| schemas_in(d)) {
        let src = read(&path);
        if !parse(&src).1.is_empty() {
            continue;
        }
        if let Err(e) = check(&src) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn layout_of_small_cases() {
    let cases = [
        ("", ""),
        ("   \n\n", ""),
        ("struct A {}", "struct A {}\n"),
        ("struct A { }\n\n\n\nstruct B {}", "struct A {}\n\nstruct B {}\n"),
        ("struct A { \"type\": u32, \"a-b\"?: u8 }", "struct A {\n    type: u32\n    \"a-b\"?: u8\n}\n"),
        ("@error\n\n@strict server message E {}", "@error\n@strict\nserver message E {}\n"),
        ("struct A { @deprecated(\"x\")\n old: u32 }", "struct A {\n    @deprecated(\"x\") old: u32\n}\n"),
        ("///\n///x\nstruct A {}", "///\n/// x\nstruct A {}\n"),
        ("connection { lo = 1.., hi = 2 }", "connection {\n    lo = 1..\n    hi = 2\n}\n"),
        ("////rule\nstruct A {}", "////rule\nstruct A {}\n"),
        ("struct A {\r\n  a: u32 // c  \r\n}\r\n", "struct A {\n    a: u32 // c\n}\n"),
        ("type A = (B | C) | D", "type A = (B | C) | D\n"),
        ("enum E: (u8 @x) { a }", "enum E: (u8 @x) {\n    a\n}\n"),
        // Empty lines between members are kept as one; not before the first member.
        ("struct A {\n\n  a: u8\n  b: u8\n\n\n  c: u8\n}", "struct A {\n    a: u8\n    b: u8\n\n    c: u8\n}\n"),
        ("enum E {\n a\n\n // more\n b\n}", "enum E {\n    a\n\n    // more\n    b\n}\n"),
        ("struct A {\n a: u8 // x\n\n b: u8\n}", "struct A {\n    a: u8 // x\n\n    b: u8\n}\n"),
    ];
    for (src, expected) in cases {
        assert_eq!(check(src).as_deref(), Ok(expected), "formatting {src:?}");
    }
}

// ---- generated schemas ----

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop::sample::select(options).prop_map(str::to_string)
}

fn ident() -> impl Strategy<Value = String> {
    pick(&["a", "b", "type", "kind", "x1", "_y", "Foo", "Bar", "null", "none"])
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => ident(),
        1 => pick(&["\"content-type\"", "\"a b\"", "\"type\"", "\"é\"", "\"q\\\"x\"", "\"\""]),
    ]
}

/// Spaces (possibly none) between tokens of one member.
fn gap() -> impl Strategy<Value = String> {
    pick(&["", " ", "  ", "\t"])
}

/// What ends a member: a line break, `,` or `;`, maybe with a trailing comment.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&["\n", ", ", ";", "\n\n", ",\n"]),
        pick(&[" // trailing\n", ", // after comma\n", "\n// own line\n", "; // semi  \n"]),
    ]
}

/// Zero or more whole-line comments and docs, in front of a member or item.
fn prelude() -> impl Strategy<Value = String> {
    prop::collection::vec(pick(&["// lead\n", "/// doc\n", "///\n", "//// rule\n", "// x // y\n"]), 0..3)
        .prop_map(|lines| lines.concat())
}

fn postfix_attrs() -> impl Strategy<Value = String> {
    prop::collection::vec(
        pick(&["@len(1..)", "@len(2..=8)", "@range(0..=100)", "@range(..=9)", "@as(string)", "@pattern(\"^[a-z]+$\")"]),
        0..3,
    )
    .prop_map(|attrs| attrs.iter().map(|a| format!(" {a}")).collect())
}

fn ty() -> impl Strategy<Value = String> {
    let leaf = pick(&["u32", "string", "bool", "Foo", "datetime", "json", "null"]);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), postfix_attrs()).prop_map(|(t, a)| format!("[{t}{a}]")),
            inner.clone().prop_map(|t| format!("map<{t}>")),
            prop::collection::vec((inner.clone(), postfix_attrs()), 1..4).prop_map(|ts| format!(
                "[{},]",
                ts.into_iter().map(|(t, a)| format!("{t}{a}")).collect::<Vec<_>>().join(", ")
            )),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|ts| ts.join(" | ")),
            (inner, postfix_attrs()).prop_map(|(t, a)| format!("({t}{a})")),
        ]
    })
}

fn type_with_attrs() -> impl Strategy<Value = String> {
    (ty(), postfix_attrs()).prop_map(|(t, a)| format!("{t}{a}"))
}

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        pick(&["0", "-3", "0x1F", "1_000", "0.5", "1e3", "30s", "500ms", "true", "none", "Hello"]),
        pick(&["\"s\"", "\"a\\\"b\\\\c\\n\\u0041\"", "\"é\"", "\"\""]),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|xs| format!("[{}]", xs.join(","))),
            prop::collection::vec((member_name(), inner.clone()), 0..3).prop_map(|kvs| {
                let entries: Vec<String> = kvs.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", entries.join(", "))
            }),
            (ident(), prop::collection::vec(inner.clone(), 0..3), prop::option::of((ident(), inner.clone()))).prop_map(
                |(f, args, named)| {
                    // The named argument goes first: the parser takes `a = 0` after an object
                    // literal in the same call for a setting, not a named argument.
                    let named = named.map(|(n, v)| format!("{n} = {v}"));
                    let args: Vec<String> = named.into_iter().chain(args).collect();
                    format!("{f}({})", args.join(", "))
                }
            ),
            (pick(&["1", "-3", "0.5", "a"]), pick(&["..", "..="]), pick(&["9", "-1", "2.5", "b"]))
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            pick(&["1..", "..", "..=5"]),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|xs| xs.join(" | ")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} -> {b}")),
        ]
    })
}

fn prefix_attr() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&["@strict", "@open", "@error", "@no_envelope", "@marker()"]),
        expr().prop_map(|e| format!("@example({e})")),
        pick(&["@tag(\"x\")", "@tag(0, \"READY\")", "@deprecated(\"why\")", "@stream(A, B)"]),
    ]
}

fn prefix_attrs(between: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(prefix_attr(), 0..3)
        .prop_map(move |attrs| attrs.iter().map(|a| format!("{a}{between}")).collect())
}

fn field() -> impl Strategy<Value = String> {
    (
        prelude(),
        prefix_attrs(" "),
        member_name(),
        any::<bool>(),
        gap(),
        type_with_attrs(),
        prop::option::of(expr()),
        separator(),
    )
        .prop_map(|(pre, attrs, name, optional, gap, ty, default, sep)| {
            let q = if optional { "?" } else { "" };
            let default = default.map(|d| format!(" ={gap}{d}")).unwrap_or_default();
            format!("{pre}{attrs}{name}{q}{gap}:{gap}{ty}{default}{sep}")
        })
}

fn setting() -> impl Strategy<Value = String> {
    (prelude(), member_name(), gap(), expr(), separator())
        .prop_map(|(pre, key, gap, value, sep)| format!("{pre}{key}{gap}={gap}{value}{sep}"))
}

fn variant() -> impl Strategy<Value = String> {
    (prelude(), prefix_attrs(" "), ident(), prop::option::of(expr()), separator()).prop_map(
        |(pre, attrs, name, value, sep)| {
            let value = value.map(|v| format!(" = {v}")).unwrap_or_default();
            format!("{pre}{attrs}{name}{value}{sep}")
        },
    )
}

/// `{ members }`, with comments before the `}` sometimes.
fn block(member: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (gap(), prop::collection::vec(member, 0..4), pick(&["", "// closing\n", "\n"]))
        .prop_map(|(gap, members, close)| format!("{{{gap}{}{close}}}", members.concat()))
}

fn alternatives() -> impl Strategy<Value = String> {
    prop::collection::vec(type_with_attrs(), 1..3).prop_map(|ts| {
        if ts.len() == 1 { ts.concat() } else { ts.iter().map(|t| format!("({t})")).collect::<Vec<_>>().join(" | ") }
    })
}

fn item_kind() -> impl Strategy<Value = String> {
    let name = pick(&["Foo", "Bar", "chat", "X"]);
    prop_oneof![
        (name.clone(), block(setting())).prop_map(|(n, b)| format!("protocol {n} {b}")),
        block(field()).prop_map(|b| format!("envelope {b}")),
        block(setting()).prop_map(|b| format!("connection {b}")),
        (name.clone(), block(field())).prop_map(|(n, b)| format!("struct {n} {b}")),
        (name.clone(), prop::option::of(pick(&["u8", "i32", "(u16 @x)"])), block(variant()))
            .prop_map(|(n, repr, b)| format!("enum {n}{} {b}", repr.map(|r| format!(": {r}")).unwrap_or_default())),
        (name.clone(), alternatives()).prop_map(|(n, a)| format!("union {n} = {a}")),
        (name.clone(), type_with_attrs()).prop_map(|(n, t)| format!("type {n} = {t}")),
        (
            pick(&["", "client ", "server "]),
            pick(&["message", "request"]),
            name,
            prop_oneof![block(field()), type_with_attrs().prop_map(|t| format!("= {t}"))],
            prop::option::of(alternatives()),
        )
            .prop_map(|(dir, kw, n, body, replies)| {
                format!("{dir}{kw} {n} {body}{}", replies.map(|r| format!(" -> {r}")).unwrap_or_default())
            }),
    ]
}

fn item() -> impl Strategy<Value = String> {
    (prelude(), prefix_attrs("\n"), item_kind(), pick(&["\n", "\n\n", " // after item\n", "\n// between\n"]))
        .prop_map(|(pre, attrs, kind, end)| format!("{pre}{attrs}{kind}{end}"))
}

fn schema() -> impl Strategy<Value = String> {
    (prop::collection::vec(item(), 0..5), pick(&["", "// dangling\n", "\n\n// end\n// end 2\n"]))
        .prop_map(|(items, tail)| format!("{}{tail}", items.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fmt/generated.proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Generated schemas format with every property holding.
    #[test]
    fn generated_schemas_format_stably(src in schema()) {
        // The grammar above only writes valid schemas; should one not parse, that is a
        // generator bug and shows here rather than being skipped.
        prop_assert!(parse(&src).1.is_empty(), "the generator wrote an invalid schema:\n{src}");
        let result = check(&src);
        prop_assert!(result.is_ok(), "{}\n--- input ---\n{src}", result.err().unwrap_or_default());
    }
}

proptest! {
    /// Any text at all, errors included, formats without a panic and ends as it should.
    #[test]
    fn any_text_formats_without_panic(src in "[a-z0-9 \n{}()\\[\\]<>@:;,=|?\"/.é_-]{0,120}") {
        let out = format(&parse(&src).0);
        prop_assert!(out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")), "{out:?}");
    }
}

// ---- syntax trees without spans or comments ----

/// The tree with what formatting may change cleared: spans, comments, and whether a name
/// was quoted (the formatter quotes exactly the names that need it).
fn strip_file(file: &File) -> File {
    let mut file = file.clone();
    file.dangling.clear();
    file.items.iter_mut().for_each(strip_item);
    file
}

fn strip_item(item: &mut Item) {
    item.span = Span::default();
    item.trivia = Trivia::default();
    item.docs.iter_mut().for_each(|d| d.span = Span::default());
    item.attrs.iter_mut().for_each(strip_attr);
    match &mut item.kind {
        ItemKind::Protocol { name, settings, close } => {
            strip_name(name);
            settings.iter_mut().for_each(strip_setting);
            *close = Trivia::default();
        }
        ItemKind::Envelope { keyword, fields, close } => {
            *keyword = Span::default();
            fields.iter_mut().for_each(strip_field);
            *close = Trivia::default();
        }
        ItemKind::Connection { keyword, settings, close } => {
            *keyword = Span::default();
            settings.iter_mut().for_each(strip_setting);
            *close = Trivia::default();
        }
        ItemKind::Struct { name, fields, close } => {
            strip_name(name);
            fields.iter_mut().for_each(strip_field);
            *close = Trivia::default();
        }
        ItemKind::Enum { name, repr, variants, close } => {
            strip_name(name);
            repr.iter_mut().for_each(strip_type);
            variants.iter_mut().for_each(strip_variant);
            *close = Trivia::default();
        }
        ItemKind::Union { name, variants } => {
            strip_name(name);
            variants.iter_mut().for_each(strip_type);
        }
        ItemKind::Alias { name, ty } => {
            strip_name(name);
            strip_type(ty);
        }
        ItemKind::Message { direction, keyword, name, body, replies } => {
            direction.iter_mut().for_each(|d| d.span = Span::default());
            keyword.span = Span::default();
            strip_name(name);
            match body {
                MessageBody::Fields { fields, close } => {
                    fields.iter_mut().for_each(strip_field);
                    *close = Trivia::default();
                }
                MessageBody::Type(ty) => strip_type(ty),
            }
            replies.iter_mut().for_each(strip_type);
        }
        ItemKind::Error => {}
    }
}

fn strip_name(name: &mut Name) {
    name.span = Span::default();
    name.quoted = false;
}

fn strip_attr(attr: &mut Attribute) {
    attr.span = Span::default();
    strip_name(&mut attr.name);
    attr.args.iter_mut().flatten().for_each(strip_expr);
}

fn strip_setting(setting: &mut Setting) {
    setting.span = Span::default();
    setting.trivia = Trivia::default();
    setting.docs.iter_mut().for_each(|d| d.span = Span::default());
    strip_name(&mut setting.key);
    strip_expr(&mut setting.value);
}

fn strip_field(field: &mut Field) {
    field.span = Span::default();
    field.trivia = Trivia::default();
    field.docs.iter_mut().for_each(|d| d.span = Span::default());
    field.attrs.iter_mut().for_each(strip_attr);
    strip_name(&mut field.name);
    field.optional = field.optional.map(|_| Span::default());
    strip_type(&mut field.ty);
    field.default.iter_mut().for_each(strip_expr);
}

fn strip_variant(variant: &mut Variant) {
    variant.span = Span::default();
    variant.trivia = Trivia::default();
    variant.docs.iter_mut().for_each(|d| d.span = Span::default());
    variant.attrs.iter_mut().for_each(strip_attr);
    strip_name(&mut variant.name);
    variant.value.iter_mut().for_each(strip_expr);
}

fn strip_type(ty: &mut TypeExpr) {
    ty.span = Span::default();
    ty.attrs.iter_mut().for_each(strip_attr);
    match &mut ty.kind {
        TypeExprKind::Named { name, args } => {
            strip_name(name);
            args.iter_mut().for_each(strip_type);
        }
        TypeExprKind::List(inner) => strip_type(inner),
        TypeExprKind::Tuple(elements) => elements.iter_mut().for_each(strip_type),
        TypeExprKind::Union(members) => members.iter_mut().for_each(strip_type),
        TypeExprKind::Null | TypeExprKind::Error => {}
    }
}

fn strip_expr(expr: &mut Expr) {
    expr.span = Span::default();
    match &mut expr.kind {
        ExprKind::List(items) | ExprKind::Alt(items) => items.iter_mut().for_each(strip_expr),
        ExprKind::Object(entries) => entries.iter_mut().for_each(|(k, v)| {
            strip_name(k);
            strip_expr(v);
        }),
        ExprKind::Call { name, args } => {
            strip_name(name);
            args.iter_mut().for_each(strip_expr);
        }
        ExprKind::Named { name, value } => {
            strip_name(name);
            strip_expr(value);
        }
        ExprKind::Range { start, end, .. } => {
            start.iter_mut().for_each(|e| strip_expr(e));
            end.iter_mut().for_each(|e| strip_expr(e));
        }
        ExprKind::Arrow(from, to) => {
            strip_expr(from);
            strip_expr(to);
        }
        ExprKind::Str(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Duration(_)
        | ExprKind::Ident(_)
        | ExprKind::Error => {}
    }
}
