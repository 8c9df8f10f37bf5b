//! Generates the Rust module of every example schema, every validator case schema, every
//! conformance schema and this crate's own schemas (`tests/schemas`) with `sockspec-build`,
//! and a table that reaches each one's decoders and answer readers by name.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut table = String::new();
    let mut modules = String::new();
    for (group, folder) in [
        ("examples", "examples"),
        ("cases", "crates/sockspec-validator/tests/cases"),
        ("conformance", "conformance"),
        ("rust", "crates/sockspec-rust-tests/tests/schemas"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut schemas: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the schema folder exists")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sockspec"))
            .collect();
        schemas.sort();
        let target = out.join(group);
        std::fs::create_dir_all(&target).expect("OUT_DIR is writable");
        if let Err(e) = sockspec_build::Builder::new().out_dir(&target).compile(&schemas) {
            panic!("{e}");
        }
        for schema in schemas {
            let stem = schema.file_stem().expect("a file stem").to_string_lossy().into_owned();
            let module = format!("{group}_{stem}");
            let answer = answer_fn(&module, &schema);
            let _ = writeln!(
                modules,
                "pub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{group}/{stem}.rs\")); }}"
            );
            let _ = writeln!(
                table,
                "    Protocol {{ group: {group:?}, name: {stem:?}, folder: {folder:?}, client: |t| {module}::ClientMessage::decode(t).map(|m| Frame {{ name: m.name(), text: m.encode() }}), server: |t| {module}::ServerMessage::decode(t).map(|m| Frame {{ name: m.name(), text: m.encode() }}), client_fast: |t| fast_verdict({module}::ClientMessage::decode_fast(t), {module}::ClientMessage::decode_full(t)), server_fast: |t| fast_verdict({module}::ServerMessage::decode_fast(t), {module}::ServerMessage::decode_full(t)), answer: {answer} }},"
            );
        }
    }
    let text = format!(
        "{modules}\n/// Every generated protocol.\n#[allow(deprecated)]\npub const PROTOCOLS: &[Protocol] = &[\n{table}];\n"
    );
    std::fs::write(out.join("protocols.rs"), text).expect("OUT_DIR is writable");
}

/// The closure that reads a frame as the answer to a request, by the request's schema name,
/// with the typed reader (`sockspec::Answers`): `None` for a name that is no request of the
/// other side.
fn answer_fn(module: &str, schema: &Path) -> String {
    let bytes = std::fs::read(schema).expect("the schema reads");
    let name = schema.file_name().expect("a file name").to_string_lossy().into_owned();
    let (_, model, _) = sockspec_validator::check_file(name, &bytes);
    let model = model.expect("sockspec-build checked the schema");
    let mut arms = String::new();
    for (client, side, dir) in [
        (true, "ClientMessage", sockspec_validator::Direction::Client),
        (false, "ServerMessage", sockspec_validator::Direction::Server),
    ] {
        for m in &model.messages {
            if m.request.is_none() || !m.sender.includes(dir.other()) {
                continue;
            }
            let ident = m.meta.ident.as_ref().map_or(m.name.as_str(), |i| i.rust.as_str());
            let _ = write!(
                arms,
                "({client}, {:?}) => Some(answered({module}::{side}::decode_answer::<{module}::{ident}>(f), |m| Frame {{ name: m.name(), text: m.encode() }})), ",
                m.name
            );
        }
    }
    if arms.is_empty() {
        return "|_, _, _| None".into();
    }
    format!("|client, request, f| match (client, request) {{ {arms}_ => None }}")
}
