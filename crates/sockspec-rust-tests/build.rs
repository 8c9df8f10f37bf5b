//! Generates the Rust module of every example schema, every validator case schema and every
//! conformance schema with
//! `sockspec-build`, and a table that reaches each one's decoders by name.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut table = String::new();
    let mut modules = String::new();
    for (group, dir) in [
        ("examples", root.join("examples")),
        ("cases", root.join("crates/sockspec-validator/tests/cases")),
        ("conformance", root.join("conformance")),
    ] {
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
            let _ = writeln!(
                modules,
                "pub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{group}/{stem}.rs\")); }}"
            );
            let _ = writeln!(
                table,
                "    Protocol {{ group: {group:?}, name: {stem:?}, client: |t| {module}::ClientMessage::decode(t).map(|m| Frame {{ name: m.name(), text: m.encode() }}), server: |t| {module}::ServerMessage::decode(t).map(|m| Frame {{ name: m.name(), text: m.encode() }}), client_fast: |t| fast_verdict({module}::ClientMessage::decode_fast(t), {module}::ClientMessage::decode_full(t)), server_fast: |t| fast_verdict({module}::ServerMessage::decode_fast(t), {module}::ServerMessage::decode_full(t)) }},"
            );
        }
    }
    let text = format!("{modules}\n/// Every generated protocol.\npub const PROTOCOLS: &[Protocol] = &[\n{table}];\n");
    std::fs::write(out.join("protocols.rs"), text).expect("OUT_DIR is writable");
}
