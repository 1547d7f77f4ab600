//! Storage overhead: the cost of one trial's round trip through a storage — `ask`, five
//! suggestions, `tell` — with the random sampler (so that sampling costs next to nothing)
//! in one process, as the trial count grows. `bench/optuna_storage.py` runs the same
//! workload on Optuna 5's storages (`bench/compare-storage.sh`).

use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;
use gradus_tune::storage::{redact_url, storage_from_url};
use gradus_tune::{NopPruner, RandomSampler, Study, TrialError};

/// Arguments of `storage`.
#[derive(Args, Debug)]
pub struct StorageArgs {
    /// The storage: memory:, sqlite:///PATH.db, postgres://USER@HOST/DB. The benchmark
    /// creates its own study there (a unique name) and deletes it at the end.
    #[arg(long)]
    url: String,
    /// Trials to run.
    #[arg(long, default_value_t = 1000)]
    trials: usize,
    /// Study seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// The backend's name in the output.
fn backend(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "sqlite"
    } else if url.starts_with("postgres") {
        "postgres"
    } else {
        "memory"
    }
}

/// Runs `args.trials` trials of ask + 5 suggestions + tell and prints
/// `{"backend", "trials", "ms_per_trial"}`: the mean over the last 10 % of the trials.
pub fn run(args: &StorageArgs) -> Result<()> {
    if args.trials < 10 {
        bail!("need --trials ≥ 10");
    }
    let storage = storage_from_url(&args.url)?;
    let name = format!(
        "bench-storage-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos()
    );
    let study = Study::builder()
        .name(name.clone())
        .storage(storage.clone())
        .sampler(RandomSampler)
        .pruner(NopPruner)
        .seed(args.seed)
        .build()?;
    let tail = args.trials - args.trials / 10;
    let mut tail_secs = 0.0;
    for i in 0..args.trials {
        let start = Instant::now();
        let mut trial = study.ask()?;
        let lr = trial.suggest_float_log("lr", 1e-5, 1.0)?;
        let units = trial.suggest_int("units", 16, 256)?;
        let dropout = trial.suggest_float("dropout", 0.0, 0.5)?;
        let act = trial.suggest_categorical("act", &["relu", "tanh", "gelu"])?;
        let x = trial.suggest_float_step("x", -5.0, 5.0, 0.5)?;
        let value = lr + units as f64 / 256.0 + dropout + x + act.len() as f64;
        study.tell(trial, Ok::<f64, TrialError>(value))?;
        if i >= tail {
            tail_secs += start.elapsed().as_secs_f64();
        }
    }
    storage.delete_study(study.id())?;
    let measured = (args.trials - tail) as f64;
    println!(
        "{}",
        serde_json::json!({
            "backend": backend(&args.url),
            "url": redact_url(&args.url),
            "trials": args.trials,
            "ms_per_trial": 1e3 * tail_secs / measured,
        })
    );
    Ok(())
}
