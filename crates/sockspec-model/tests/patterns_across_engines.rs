//! Portable patterns give the same verdict in every engine: each case's pattern is
//! translated (`sockspec_model::pattern::translate`) and run by Rust's `regex` here, by
//! Node's `RegExp` with the `u` flag and by Python's `re`, and all must give the expected
//! answer. The cases are the strings on which the engines' defaults disagree (`\d` on other
//! scripts' digits, `\s` on Unicode spaces, `.` on line breaks, `$` before a final newline).
//!
//! Node comes with the test command (`cargo xtask test` needs npm); when `node` or
//! `python3` cannot be run, that engine is skipped and the test says so on stderr.

use std::io::Write as _;
use std::process::Command;

use sockspec_model::pattern::translate;

/// (pattern, [(input, matches)]).
const CASES: &[(&str, &[(&str, bool)])] = &[
    (r"^\d+$", &[("0123456789", true), ("\u{661}\u{662}", false), ("\u{ff11}", false), ("12a", false)]),
    (r"^\D$", &[("a", true), ("\u{661}", true), ("1", false)]),
    (r"^\w+$", &[("Az_09", true), ("caf\u{e9}", false), ("\u{434}\u{430}", false), ("\u{2160}", false)]),
    (r"^\W$", &[("\u{e9}", true), ("_", false)]),
    (
        r"^\s$",
        &[
            (" ", true),
            ("\t", true),
            ("\n", true),
            ("\u{b}", true),
            ("\u{c}", true),
            ("\r", true),
            ("\u{a0}", false),
            ("\u{2028}", false),
            ("\u{feff}", false),
            ("\u{1c}", false),
            ("\u{85}", false),
            ("\u{3000}", false),
        ],
    ),
    (r"^\S$", &[("\u{a0}", true), (" ", false)]),
    (r"^a.b$", &[("axb", true), ("a\rb", true), ("a\u{2028}b", true), ("a\u{1F600}b", true), ("a\nb", false)]),
    (r"^abc$", &[("abc", true), ("abc\n", false), ("xabc", false)]),
    (r"abc", &[("xxabcxx", true), ("ab", false)]),
    (r"^[\d_-]+$", &[("1_-2", true), ("\u{661}", false)]),
    (r"^[\]\[\\^-]+$", &[("][\\^-", true), ("a", false)]),
    (r"^[^a-c]$", &[("d", true), ("b", false), ("\u{1F600}", true)]),
    (r"^[-a]$", &[("-", true), ("a", true), ("b", false)]),
    (r"^[a&~]$", &[("&", true), ("~", true), ("a", true), ("b", false)]),
    (r"^[\s\w]+$", &[("a b_1", true), ("\u{a0}", false)]),
    (r"^(?:text|image)/[a-z0-9.+-]{1,20}$", &[("image/svg+xml", true), ("audio/ogg", false), ("text/", false)]),
    (r"^(ab)*?c{2}x{1,}$", &[("ababccx", true), ("ccxx", true), ("abcx", false)]),
    (r"^a|b$", &[("ax", true), ("xb", true), ("xax", false)]),
    (r"^(|a)$", &[("", true), ("a", true), ("b", false)]),
    (r"^\x41\u00e9\t$", &[("A\u{e9}\t", true), ("a\u{e9}\t", false)]),
    (r"^[😀-😂]$", &[("😁", true), ("😃", false)]),
    (r"^a\/b\.c\?d\*e\+f\(g\)h\{i\}j\|k\$l\^m$", &[("a/b.c?d*e+f(g)h{i}j|k$l^m", true), ("a/bxc", false)]),
    (r"^#\d+ @x:=!<>,'%$", &[("#12 @x:=!<>,'%", true)]),
    ("^a\nb$", &[("a\nb", true), ("ab", false)]),
    (r"^[\n\r]$", &[("\n", true), ("\r", true), ("\u{2028}", false)]),
    (r"^.{3}$", &[("a😀b", true), ("ab", false)]),
    (r"", &[("", true), ("anything", true)]),
];

struct Run<'a> {
    ecma: Vec<(String, &'a str, bool)>,
    python: Vec<(String, &'a str, bool)>,
}

#[test]
fn every_engine_gives_the_expected_verdict() {
    let mut run = Run { ecma: Vec::new(), python: Vec::new() };
    let mut failures = Vec::new();
    for (pattern, inputs) in CASES {
        let t = translate(pattern).unwrap_or_else(|e| panic!("{pattern:?} is portable: {e:?}"));
        let re = regex::Regex::new(&t.rust).unwrap_or_else(|e| panic!("{pattern:?} -> {:?}: {e}", t.rust));
        for (input, expected) in *inputs {
            if re.is_match(input) != *expected {
                failures.push(format!("rust: {pattern:?} (as {:?}) on {input:?}: expected {expected}", t.rust));
            }
            run.ecma.push((t.ecma.clone(), input, *expected));
            run.python.push((t.python.clone(), input, *expected));
        }
    }
    failures.extend(engine(
        "node",
        &["-e", "const c=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify(c.map(([p,s])=>new RegExp(p,'u').test(s))))"],
        &run.ecma,
    ));
    failures.extend(engine(
        "python3",
        &[
            "-c",
            "import json,re,sys;c=json.load(sys.stdin);print(json.dumps([re.search(p,s) is not None for p,s in c]))",
        ],
        &run.python,
    ));
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

/// Runs every (translated pattern, input) through an engine's interpreter; the
/// disagreements with the expected verdicts. Skips, saying so, when it cannot be run.
fn engine(program: &str, args: &[&str], cases: &[(String, &str, bool)]) -> Vec<String> {
    let input: Vec<(&str, &str)> = cases.iter().map(|(p, s, _)| (p.as_str(), *s)).collect();
    let json = serde_json::to_string(&input).expect("serializable");
    let child = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        let _ = writeln!(std::io::stderr(), "\npatterns across engines: `{program}` cannot be run, SKIPPED for it\n");
        return Vec::new();
    };
    child.stdin.take().expect("piped").write_all(json.as_bytes()).expect("the engine reads its input");
    let out = child.wait_with_output().expect("the engine finishes");
    if !out.status.success() {
        return vec![format!("{program} failed: {}", String::from_utf8_lossy(&out.stderr))];
    }
    let verdicts: Vec<bool> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{program} printed {:?}: {e}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(verdicts.len(), cases.len(), "{program} answered every case");
    cases
        .iter()
        .zip(verdicts)
        .filter(|((_, _, expected), got)| got != expected)
        .map(|((p, s, expected), _)| format!("{program}: {p:?} on {s:?}: expected {expected}"))
        .collect()
}
