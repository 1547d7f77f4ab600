//! `gradus`: the command line of the gradus toolkit.
//!
//! Install with `cargo install --path crates/cli`. Today it drives tuning studies that live
//! in a storage named by a URL — `sqlite:///ABS/PATH.db` for the processes of one machine,
//! `postgres://USER@HOST/DB` for workers on many machines, `memory:` for a throw-away one:
//!
//! ```text
//! gradus study create --storage URL --study NAME --direction minimize|maximize
//! gradus study ask    --storage URL --study NAME --space JSON [--sampler tpe|random] [--seed S] [--json]
//! gradus study tell   --storage URL --study NAME --trial N (--value V | --state failed|pruned)
//! gradus study best   --storage URL --study NAME [--json]
//! gradus study list   --storage URL [--json]
//! gradus study show   --storage URL --study NAME [--json]
//! gradus study export --storage URL --study NAME --format csv|json [--output FILE]
//! gradus study delete --storage URL --study NAME
//! gradus study copy   --from URL --to URL --study NAME [--to-study NAME]
//! gradus worker --storage URL --study NAME --space JSON --n-trials N [--sampler tpe|random]
//!        [--seed S] [--pruner none|median] [--heartbeat SECS] [--grace-period SECS]
//!        [--retry-failed N] [--timeout SECS] -- COMMAND ARGS...
//! ```
//!
//! - **Spaces** are JSON objects from parameter names to `{"float": [LOW, HIGH]}`,
//!   `{"int": [LOW, HIGH]}` (both with optional `"log": true` or `"step": S`) or
//!   `{"choice": [...]}`; see [`space`].
//! - **`ask` / `tell`** let any program drive a study one trial per process: the sampler
//!   reads the stored trials, so TPE learns from every worker.
//! - **`worker`** runs trials whose objective is an external command (parameters on stdin
//!   as JSON and in `GRADUS_PARAM_<NAME>`, the value as the last line of its stdout,
//!   `report STEP VALUE` lines for pruning), with heartbeats so that the trials of a dead
//!   worker are failed and retried by the others; see `commands/worker.rs`.
//! - **Output**: `--json` prints exactly one JSON document on stdout; tables otherwise.
//!   Errors go to stderr and name the study, trial, file or URL (passwords hidden).
//! - **Exit codes** ([`exit`]): 0 success, 1 runtime failure (unreachable server, I/O),
//!   2 bad usage or input (bad URL or space, unknown study or trial, a file that is not a
//!   gradus study database or has a newer schema).
//!
//! Layout: `main.rs` (calls [`main`]), [`cli`] (clap types), [`commands`] (one module per
//! group of commands), [`space`] (the JSON search space), [`output`] (tables, JSON, stdout),
//! [`exit`] (errors and exit codes). Training commands will join them as further modules
//! of `commands/`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod commands;
pub mod exit;
pub mod output;
pub mod space;
pub mod train_args;

use std::process::ExitCode;

use clap::Parser;

/// Parses the command line, runs the command, prints an error to stderr, and returns the
/// exit code: what the `gradus` binary does.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gradus: error: {e}");
            e.exit_code()
        }
    }
}
