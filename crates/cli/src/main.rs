//! The `gradus` binary; everything is in the `gradus_cli` library (`src/lib.rs`).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    gradus_cli::main()
}
