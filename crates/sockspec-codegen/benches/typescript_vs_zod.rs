//! Throughput of the generated TypeScript parsers against zod 4 schemas of the same
//! messages, measured in one Node process (the baseline in the same run): generates the
//! dictation example's module, compiles it with tsc and runs `typescript_vs_zod.mjs`.
//! Needs `node` and the checkout's npm packages (`cargo xtask test` or `npm ci` installs
//! typescript and zod). Numbers and method: docs/performance.md.

use std::path::Path;
use std::process::Command;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("examples/dictation.sockspec")).expect("the example");
    let (schema, diagnostics) = sockspec_validator::check(&text);
    let schema = schema.unwrap_or_else(|| panic!("{diagnostics:?}"));
    let file = sockspec_codegen::typescript::generate(&schema, "dictation.sockspec").remove(0);
    let dir = root.join("target/sockspec-bench/typescript");
    std::fs::create_dir_all(&dir).expect("a folder");
    std::fs::write(dir.join(&file.path), &file.contents).expect("written");
    std::fs::write(dir.join("package.json"), "{\"type\": \"module\"}").expect("written");
    let tsc = std::env::var_os("SOCKSPEC_TSC").map_or_else(|| root.join("node_modules/.bin/tsc"), Into::into);
    let status = Command::new(&tsc)
        .arg(dir.join(&file.path))
        .args(["--ignoreConfig", "--noCheck", "--target", "es2020", "--module", "es2020", "--outDir"])
        .arg(&dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {}: {e} (run `npm ci` at the root)", tsc.display()));
    assert!(status.success(), "tsc failed");
    let status = Command::new("node")
        .arg(root.join("crates/sockspec-codegen/benches/typescript_vs_zod.mjs"))
        .arg(dir.join("dictation.js"))
        .status()
        .expect("node runs (Node.js 20 or newer)");
    assert!(status.success(), "the benchmark failed");
}
