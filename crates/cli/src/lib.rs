//! `gradus`: the command line of the gradus toolkit.
//!
//! Install with `cargo install --path crates/cli`. It trains and tunes models that a TOML
//! spec describes ([`gradus::spec`]), walks through the course on bundled data, and drives
//! tuning studies that live in a storage named by a URL — `sqlite:///ABS/PATH.db` for the
//! processes of one machine, `postgres://USER@HOST/DB` for workers on many machines,
//! `memory:` for a throw-away one:
//!
//! ```text
//! gradus fit SPEC [--out DIR] [--force] [--json] [-q]      train; write a run directory
//! gradus evaluate RUN --data CSV|DIR [--json]              loss and metrics of a run
//! gradus predict RUN --data CSV|DIR                        predictions as CSV on stdout
//! gradus summary SPEC [--json]                             the model, without training
//! gradus tune SPEC [--out DIR] [--storage URL] [--n-trials N] [--refit] [--json] [-q]
//! gradus augment IMAGE --n N --out DIR [--rotation-range D …] [--json]
//! gradus demo [NAME] [--out DIR] [--json]                  the course, topic by topic
//! gradus plot RUN|TUNE-DIR [--size W H] [--json]           redraw the figures
//!
//! gradus study create --storage URL --study NAME --direction minimize|maximize
//! gradus study ask    --storage URL --study NAME --space JSON [--sampler tpe|random|gp] [--seed S] [--json]
//! gradus study tell   --storage URL --study NAME --trial N (--value V | --state failed|pruned)
//! gradus study best   --storage URL --study NAME [--json]
//! gradus study list   --storage URL [--json]
//! gradus study show   --storage URL --study NAME [--json]
//! gradus study export --storage URL --study NAME --format csv|json [--output FILE]
//! gradus study delete --storage URL --study NAME
//! gradus study copy   --from URL --to URL --study NAME [--to-study NAME]
//! gradus worker --storage URL --study NAME --space JSON --n-trials N [--sampler tpe|random|gp]
//!        [--seed S] [--pruner none|median] [--heartbeat SECS] [--grace-period SECS]
//!        [--retry-failed N] [--timeout SECS] -- COMMAND ARGS...
//! ```
//!
//! - **Run directories** (`gradus fit`): `model/`, `spec.toml` (as trained), `history.csv`,
//!   one learning-curve figure per metric as PNG and SVG, `summary.json`; a run never
//!   overwrites another (`runs/NAME`, `runs/NAME-2`, …). `gradus tune` writes
//!   `runs/NAME-tune/` with `study.db` (so a second run resumes the study), `trials.csv`,
//!   `best.json`, the optimization history and one slice figure per parameter.
//! - **Spaces** (`--space`) are JSON objects from parameter names to `{"float": [LOW,
//!   HIGH]}`, `{"int": [LOW, HIGH]}` (both with optional `"log": true` or `"step": S`) or
//!   `{"choice": [...]}`: the tuner's `DistributionSpec`, as in a spec's `[tune.space]`.
//! - **`ask` / `tell`** let any program drive a study one trial per process: the sampler
//!   reads the stored trials, so TPE learns from every worker.
//! - **`worker`** runs trials whose objective is an external command (parameters on stdin
//!   as JSON and in `GRADUS_PARAM_<NAME>`, the value as the last line of its stdout,
//!   `report STEP VALUE` lines for pruning), with heartbeats so that the trials of a dead
//!   worker are failed and retried by the others; see `commands/worker.rs`.
//! - **Output**: `--json` prints exactly one JSON document on stdout; text otherwise.
//!   Progress bars and errors go to stderr; errors name the spec line, study, trial, file or
//!   URL (passwords hidden).
//! - **Exit codes** ([`exit`]): 0 success, 1 runtime failure (unreachable server, I/O,
//!   a diverging fit), 2 bad usage or input (a bad spec, URL, space or data file, an unknown
//!   study or trial, a file that is not a gradus study database or has a newer schema).
//!
//! Layout: `main.rs` (calls [`main`]), [`cli`] and [`train_args`] (clap types),
//! [`commands`] (one module per command or group: `fit`, `evaluate` (and predict),
//! `summary`, `tune`, `augment`, `demo/` (one file per topic), `plot`, `run_dir` (what run
//! directories hold), `study`, `ask_tell`, `inspect`, `worker`), [`space`] (the JSON search
//! space), [`output`] (tables, JSON, stdout), [`exit`] (errors and exit codes).
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
