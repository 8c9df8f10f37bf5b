//! Test vectors: frames paired with the outcome every implementation must give, as JSON
//! Lines, and a runner that compares any implementation's answers with them.
//!
//! One vector per line (blank lines are skipped):
//!
//! ```text
//! {"name": "start", "from": "client", "message": {"type": "start", "n": 1}, "expect": "ok", "is": "Start"}
//! {"name": "big", "from": "client", "raw": "{\"type\":\"start\",\"n\":18446744073709551616}",
//!  "expect": [{"path": "/n", "code": "out_of_range"}]}
//! ```
//!
//! - `from`: `"client"` or `"server"`, the side that sends the frame;
//! - the frame: `message`, a JSON value sent as its `serde_json` serialization, or `raw`,
//!   the exact frame text (for what a JSON value cannot carry: duplicate names, integers
//!   beyond 2^64, text that is not JSON);
//! - `expect`: `"ok"`, or a non-empty list of `{"path", "code"}` compared with the reported
//!   errors as a set (messages are free);
//! - `is` (with `"ok"` only): the message the frame must be, by schema name; `@result` and
//!   `@error` name JSON-RPC result and error frames.
//!
//! Expectations are plain data: [`run_with`] takes any implementation as a closure, so the
//! same files test generated validators.

use std::collections::BTreeSet;
use std::fmt;

use sockspec_model::Direction;

use crate::validate::{ErrorCode, ValidationError, Validator};

/// One frame and the outcome it must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vector {
    /// Line number in the file (1-based).
    pub line: usize,
    pub name: String,
    pub from: Direction,
    /// The exact text of the frame.
    pub frame: String,
    /// The request the frame answers, by its schema name (`"answers"`): then the frame is
    /// checked as that request's answer ([`Validator::validate_answer`]), its result
    /// against the request's result type.
    pub answers: Option<String>,
    pub expect: Expect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The frame is valid; when `is` is given, it is that message.
    Ok { is: Option<String> },
    /// The frame is invalid with exactly these errors (as a set).
    Errors(Vec<ExpectedError>),
}

/// An error as a vector states it: the contract part only.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExpectedError {
    pub path: String,
    pub code: ErrorCode,
}

impl fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "\"\"" } else { &self.path };
        write!(f, "{path} {}", self.code)
    }
}

/// A vector file that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorFileError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for VectorFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for VectorFileError {}

/// Reads a JSON Lines vector file.
pub fn load(text: &str) -> Result<Vec<Vector>, VectorFileError> {
    let mut vectors: Vec<Vector> = Vec::new();
    // Each name's line, so a file of many vectors loads in linear time.
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        // Only JSON's whitespace makes a line blank, as for `sockspec validate`.
        if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        let error = |message: String| VectorFileError { line: line_no, message };
        let vector = parse_line(line, line_no).map_err(error)?;
        if let Some(first) = names.get(&vector.name) {
            return Err(error(format!("the name {:?} is already used on line {first}", vector.name)));
        }
        names.insert(vector.name.clone(), line_no);
        vectors.push(vector);
    }
    Ok(vectors)
}

fn parse_line(line: &str, line_no: usize) -> Result<Vector, String> {
    // The strict parser first: serde_json would silently keep the last of two members
    // with one name, and round integers beyond 2^64, so a case could test another frame
    // than the one written.
    let strict = crate::json::parse(line)
        .map_err(|e| format!("not strict JSON ({e}); frames that are not strict JSON go in \"raw\""))?;
    if let Some(message) = strict.get("message")
        && let Some(n) = inexact_number(message)
    {
        return Err(format!("\"message\" holds {n}, which would not survive as written; use \"raw\""));
    }
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let serde_json::Value::Object(object) = value else {
        return Err("a vector is a JSON object".to_string());
    };
    for key in object.keys() {
        if !["name", "from", "message", "raw", "answers", "expect", "is"].contains(&key.as_str()) {
            return Err(format!("unknown member {key:?} (expected name, from, message or raw, answers, expect, is)"));
        }
    }
    let string = |key: &str| match object.get(key) {
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key:?} must be a string")),
        None => Ok(None),
    };
    let name = string("name")?.ok_or("missing \"name\"")?;
    let from = match string("from")?.as_deref() {
        Some("client") => Direction::Client,
        Some("server") => Direction::Server,
        Some(other) => return Err(format!("\"from\" must be \"client\" or \"server\", not {other:?}")),
        None => return Err("missing \"from\"".to_string()),
    };
    let frame = match (object.get("message"), string("raw")?) {
        (Some(message), None) => serde_json::to_string(message).map_err(|e| format!("\"message\": {e}"))?,
        (None, Some(raw)) => raw,
        (Some(_), Some(_)) => return Err("give \"message\" or \"raw\", not both".to_string()),
        (None, None) => return Err("missing the frame: \"message\" or \"raw\"".to_string()),
    };
    let is = string("is")?;
    let answers = string("answers")?;
    let expect = match object.get("expect") {
        Some(serde_json::Value::String(s)) if s == "ok" => Expect::Ok { is },
        Some(serde_json::Value::Array(items)) if !items.is_empty() => {
            if is.is_some() {
                return Err("\"is\" goes with \"expect\": \"ok\" only".to_string());
            }
            // A frame reports at most MAX_ERRORS errors; more could never be matched.
            if items.len() > crate::MAX_ERRORS {
                return Err(format!(
                    "\"expect\" lists {} errors; a frame reports at most {}",
                    items.len(),
                    crate::MAX_ERRORS
                ));
            }
            Expect::Errors(items.iter().map(expected_error).collect::<Result<_, _>>()?)
        }
        Some(serde_json::Value::Array(_)) => return Err("\"expect\": [] — write \"ok\" for a valid frame".to_string()),
        Some(_) => return Err("\"expect\" must be \"ok\" or a list of {\"path\", \"code\"}".to_string()),
        None => return Err("missing \"expect\"".to_string()),
    };
    Ok(Vector { line: line_no, name, from, frame, answers, expect })
}

fn expected_error(item: &serde_json::Value) -> Result<ExpectedError, String> {
    let serde_json::Value::Object(object) = item else {
        return Err(format!("an expected error is an object {{\"path\", \"code\"}}, not {item}"));
    };
    if let Some(key) = object.keys().find(|k| !["path", "code"].contains(&k.as_str())) {
        return Err(format!("unknown member {key:?} in an expected error (path, code)"));
    }
    let path = match object.get("path") {
        Some(serde_json::Value::String(p)) if is_pointer(p) => p.clone(),
        Some(other) => return Err(format!("\"path\" must be a JSON Pointer (\"\" or starting with '/'), not {other}")),
        None => return Err("an expected error needs \"path\"".to_string()),
    };
    let code = match object.get("code") {
        Some(serde_json::Value::String(c)) => ErrorCode::from_name(c).ok_or_else(|| {
            let all = ErrorCode::ALL.map(ErrorCode::as_str).join(", ");
            format!("unknown error code {c:?} (one of {all})")
        })?,
        _ => return Err("an expected error needs \"code\" (a string)".to_string()),
    };
    Ok(ExpectedError { path, code })
}

/// RFC 6901: `""`, or `/`-separated tokens in which `~` only starts `~0` or `~1`.
fn is_pointer(p: &str) -> bool {
    (p.is_empty() || p.starts_with('/')) && {
        let mut chars = p.chars();
        let mut ok = true;
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                ok = false;
            }
        }
        ok
    }
}

/// A number that serde_json would not write back as it stands: an integer literal beyond
/// the 64-bit range, or a fraction or exponent that does not survive a round trip.
fn inexact_number(v: &crate::json::Value<'_>) -> Option<String> {
    use crate::json::Value;
    match v {
        Value::Number(n) => {
            let raw = n.raw();
            let back = serde_json::from_str::<serde_json::Value>(raw).ok().map(|x| x.to_string());
            (back.as_deref() != Some(raw)).then(|| raw.to_string())
        }
        Value::Array(items) => items.iter().find_map(inexact_number),
        Value::Object(members) => members.iter().find_map(|(_, v)| inexact_number(v)),
        _ => None,
    }
}

/// What an implementation said about a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actual {
    /// Valid, as this message (or `@result` / `@error`).
    Ok {
        is: String,
    },
    /// Valid, as this message, but the value written back by the implementation's writer
    /// does not read as the same value (what it wrote, and what reading it gave).
    RoundTrip {
        is: String,
        problem: String,
    },
    Errors(Vec<ValidationError>),
}

/// The vectors that did not give their expected outcome.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub total: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct Failure {
    pub vector: Vector,
    pub actual: Actual,
}

/// Runs vectors through this crate's validator.
pub fn run(validator: &Validator<'_>, vectors: &[Vector]) -> Report {
    run_with(vectors, |v| judge(validator, v))
}

/// The validator's verdict on one vector: the frame checked from its side, or as the answer
/// to its request (`answers`; a name that is no message of the schema is no request, so
/// every frame is `unknown_tag` as its answer).
pub fn judge(validator: &Validator<'_>, v: &Vector) -> Actual {
    let outcome = match &v.answers {
        None => validator.validate(v.from, &v.frame),
        Some(request) => {
            let id = validator.schema().message_named(request).unwrap_or(sockspec_model::MessageId(u32::MAX));
            validator.validate_answer(id, v.from, &v.frame)
        }
    };
    match outcome {
        Ok(kind) => Actual::Ok { is: validator.frame_name(kind).to_string() },
        Err(errors) => Actual::Errors(errors),
    }
}

/// Runs vectors through any implementation.
pub fn run_with(vectors: &[Vector], mut implementation: impl FnMut(&Vector) -> Actual) -> Report {
    let failures = vectors
        .iter()
        .filter_map(|vector| {
            let actual = implementation(vector);
            (!agrees(&vector.expect, &actual)).then(|| Failure { vector: vector.clone(), actual })
        })
        .collect();
    Report { total: vectors.len(), failures }
}

fn agrees(expect: &Expect, actual: &Actual) -> bool {
    match (expect, actual) {
        (Expect::Ok { is }, Actual::Ok { is: actual }) => is.as_ref().is_none_or(|is| is == actual),
        (Expect::Errors(expected), Actual::Errors(actual)) => error_set(expected.iter().cloned()) == actual_set(actual),
        _ => false,
    }
}

fn error_set(errors: impl Iterator<Item = ExpectedError>) -> BTreeSet<ExpectedError> {
    errors.collect()
}

fn actual_set(errors: &[ValidationError]) -> BTreeSet<ExpectedError> {
    error_set(errors.iter().map(|e| ExpectedError { path: e.path.clone(), code: e.code }))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(f, "{failure}")?;
        }
        write!(f, "{} of {} vectors passed", self.total - self.failures.len(), self.total)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.vector;
        writeln!(f, "FAIL {:?} (line {}, from {})", v.name, v.line, v.from.as_str())?;
        writeln!(f, "  frame:    {}", v.frame)?;
        match &v.expect {
            Expect::Ok { is: Some(is) } => writeln!(f, "  expected: ok, as {is}")?,
            Expect::Ok { is: None } => writeln!(f, "  expected: ok")?,
            Expect::Errors(errors) => {
                writeln!(f, "  expected: errors")?;
                for e in errors {
                    writeln!(f, "              {e}")?;
                }
            }
        }
        match &self.actual {
            Actual::Ok { is } => writeln!(f, "  actual:   ok, as {is}")?,
            Actual::RoundTrip { is, problem } => {
                writeln!(f, "  actual:   ok, as {is}, but written back it is not the same value:")?;
                for line in problem.lines() {
                    writeln!(f, "              {line}")?;
                }
            }
            Actual::Errors(errors) => {
                writeln!(f, "  actual:   errors")?;
                for e in errors {
                    let key = ExpectedError { path: e.path.clone(), code: e.code };
                    writeln!(f, "              {key}: {}", e.message)?;
                }
            }
        }
        if let (Expect::Errors(expected), Actual::Errors(actual)) = (&v.expect, &self.actual) {
            let expected = error_set(expected.iter().cloned());
            let actual = actual_set(actual);
            for missing in expected.difference(&actual) {
                writeln!(f, "  - {missing}   (expected, not reported)")?;
            }
            for extra in actual.difference(&expected) {
                writeln!(f, "  + {extra}   (reported, not expected)")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_whitespace_is_blank_and_names_stay_unique() {
        let line = |i: usize| format!(r#"{{"name": "n{i}", "from": "client", "raw": "{{}}", "expect": "ok"}}"#);
        let many: Vec<String> = (0..50_000).map(line).collect();
        assert_eq!(load(&format!(" \t\r\n{}", many.join("\n"))).expect("loads").len(), 50_000);
        let err = load(&format!("{}\n\u{a0}\n", line(0))).expect_err("a no-break space is not blank");
        assert_eq!(err.line, 2);
        let err = load(&format!("{}\n{}\n", line(0), line(0))).expect_err("a name used twice");
        assert!(err.to_string().contains("already used on line 1"), "{err}");
    }

    #[test]
    fn expects_at_most_the_errors_a_frame_reports() {
        let item = r#"{"path": "/a", "code": "missing_field"}"#;
        let line = |n: usize| {
            format!(r#"{{"name": "n", "from": "client", "raw": "{{}}", "expect": [{}]}}"#, vec![item; n].join(","))
        };
        load(&line(crate::MAX_ERRORS)).expect("as many as a frame reports");
        let err = load(&line(crate::MAX_ERRORS + 1)).expect_err("too many");
        assert!(err.to_string().contains("at most 100"), "{err}");
    }

    #[test]
    fn loads_both_frame_forms() {
        let text = r#"
{"name": "a", "from": "client", "message": {"type": "x", "n": 1.0}, "expect": "ok", "is": "X"}

{"name": "b", "from": "server", "raw": "{\"a\":1,\"a\":2}", "expect": [{"path": "", "code": "invalid_json"}]}
"#;
        let vectors = load(text).expect("valid file");
        assert_eq!(vectors.len(), 2);
        assert_eq!(vectors[0].line, 2);
        assert_eq!(vectors[0].frame, r#"{"n":1.0,"type":"x"}"#);
        assert_eq!(vectors[0].expect, Expect::Ok { is: Some("X".into()) });
        assert_eq!(vectors[1].from, Direction::Server);
        assert_eq!(vectors[1].frame, r#"{"a":1,"a":2}"#);
        assert_eq!(
            vectors[1].expect,
            Expect::Errors(vec![ExpectedError { path: String::new(), code: ErrorCode::InvalidJson }])
        );
    }

    #[test]
    fn file_errors_name_the_line() {
        let cases = [
            ("{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\"}", "missing \"expect\""),
            ("{\"name\":\"a\",\"from\":\"peer\",\"raw\":\"{}\",\"expect\":\"ok\"}", "\"from\" must be"),
            ("{\"name\":\"a\",\"from\":\"client\",\"expect\":\"ok\"}", "missing the frame"),
            ("{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"message\":{},\"expect\":\"ok\"}", "not both"),
            ("{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":[]}", "write \"ok\""),
            (
                "{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":[{\"path\":\"x\",\"code\":\"wrong_type\"}]}",
                "JSON Pointer",
            ),
            (
                "{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":[{\"path\":\"\",\"code\":\"oops\"}]}",
                "unknown error code",
            ),
            ("{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":\"ok\",\"extra\":1}", "unknown member"),
            ("not json", "not strict JSON"),
            ("{\"name\":\"a\",\"from\":\"client\",\"message\":{\"a\":1,\"a\":2},\"expect\":\"ok\"}", "duplicate"),
            (
                "{\"name\":\"a\",\"from\":\"client\",\"message\":{\"n\":18446744073709551616},\"expect\":\"ok\"}",
                "use \"raw\"",
            ),
            (
                "{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":[{\"path\":\"/a~2\",\"code\":\"wrong_type\"}]}",
                "JSON Pointer",
            ),
        ];
        for (line, wanted) in cases {
            let text = format!("\n{line}\n");
            let e = load(&text).expect_err(line);
            assert_eq!(e.line, 2, "{line}");
            assert!(e.message.contains(wanted), "{line}: {}", e.message);
        }
        let twice = "{\"name\":\"a\",\"from\":\"client\",\"raw\":\"{}\",\"expect\":\"ok\"}\n".repeat(2);
        assert!(load(&twice).expect_err("duplicate").message.contains("already used on line 1"));
    }

    #[test]
    fn errors_compare_as_sets_and_failures_show_a_diff() {
        let vectors = load(
            r#"{"name":"v","from":"client","raw":"{}","expect":[{"path":"/a","code":"missing_field"},{"path":"/b","code":"wrong_type"}]}"#,
        )
        .expect("valid");
        let error = |path: &str, code| ValidationError { path: path.into(), code, message: "m".into() };
        let same = run_with(&vectors, |_| {
            Actual::Errors(vec![error("/b", ErrorCode::WrongType), error("/a", ErrorCode::MissingField)])
        });
        assert!(same.passed());
        let other = run_with(&vectors, |_| {
            Actual::Errors(vec![error("/a", ErrorCode::MissingField), error("/c", ErrorCode::UnknownField)])
        });
        assert!(!other.passed());
        let text = other.to_string();
        assert!(text.contains("- /b wrong_type   (expected, not reported)"), "{text}");
        assert!(text.contains("+ /c unknown_field   (reported, not expected)"), "{text}");
        assert!(text.ends_with("0 of 1 vectors passed"), "{text}");
    }

    #[test]
    fn is_must_match() {
        let vectors = load(r#"{"name":"v","from":"client","raw":"{}","expect":"ok","is":"Start"}"#).expect("valid");
        assert!(run_with(&vectors, |_| Actual::Ok { is: "Start".into() }).passed());
        assert!(!run_with(&vectors, |_| Actual::Ok { is: "Stop".into() }).passed());
        assert!(!run_with(&vectors, |_| Actual::Errors(vec![])).passed());
    }
}
