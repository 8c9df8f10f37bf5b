//! Generates the dictation protocol's Rust module into `OUT_DIR` from the one schema both
//! sides share; `src/main.rs` includes it with `sockspec::include_protocol!`.

fn main() {
    if let Err(e) = sockspec_build::compile(&["../../dictation.sockspec"]) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
