//! `hpo`: one sampler (GP, TPE or random) on a synthetic function of `tpe.rs`, with the time
//! each suggestion took. `bench/optuna_gp.py` runs Optuna 5 on the same protocol
//! (`bench/compare-gp.sh`).

use crate::tpe::{function, suggest_all, thread_cpu_ns};
use anyhow::Result;
use clap::{Args, ValueEnum};
use gradus_tune::{GpSampler, NopPruner, RandomSampler, Sampler, Study, TpeSampler};
use std::time::Instant;

/// The samplers `hpo` compares.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Which {
    /// `GpSampler` with Optuna 5's defaults.
    Gp,
    /// `TpeSampler` with Optuna 5's defaults.
    Tpe,
    /// Uniform random search.
    Random,
}

/// Arguments of `hpo`.
#[derive(Args, Debug)]
pub struct HpoArgs {
    /// gp, tpe or random.
    #[arg(long, value_enum, default_value_t = Which::Gp)]
    sampler: Which,
    /// branin, hartmann6, rosenbrock10, ackley10 or styblinski_tang10.
    #[arg(long)]
    function: String,
    /// Objective evaluations.
    #[arg(long, default_value_t = 200)]
    evals: usize,
    /// Study seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Runs `evals` ask / suggest / tell rounds; prints `{function, sampler, seed, best, regret,
/// ms_per_suggestion, cpu_ms_per_suggestion, ms_per_suggestion_last10}`: the mean wall time
/// (and this thread's CPU time, which a busy machine does not inflate) of `ask` plus the
/// suggestions of one trial, over the trials after the 10 start-up trials; and the mean wall
/// time over the last 10 % of trials.
pub fn run(args: &HpoArgs) -> Result<()> {
    let f = function(&args.function)?;
    let sampler: Box<dyn Sampler> = match args.sampler {
        Which::Gp => Box::new(GpSampler::default()),
        Which::Tpe => Box::new(TpeSampler::default()),
        Which::Random => Box::new(RandomSampler),
    };
    let study = Study::builder()
        .sampler(sampler)
        .pruner(NopPruner)
        .seed(args.seed)
        .build()?;
    let (mut model_secs, mut tail_secs, mut model_cpu_ns) = (0.0, 0.0, Some(0u64));
    let tail = args.evals - args.evals / 10;
    for i in 0..args.evals {
        let cpu = thread_cpu_ns();
        let start = Instant::now();
        let mut trial = study.ask()?;
        let x = suggest_all(&mut trial, &f.bounds)?;
        let secs = start.elapsed().as_secs_f64();
        if i >= 10 {
            model_secs += secs;
            model_cpu_ns = match (model_cpu_ns, cpu, thread_cpu_ns()) {
                (Some(acc), Some(a), Some(b)) => Some(acc + (b - a)),
                _ => None,
            };
        }
        if i >= tail {
            tail_secs += secs;
        }
        study.tell(trial, Ok((f.eval)(&x)))?;
    }
    let best = study.best_value()?;
    let mean = |s: f64, n: usize| 1e3 * s / n.max(1) as f64;
    println!(
        "{}",
        serde_json::json!({
            "function": args.function,
            "sampler": format!("{:?}", args.sampler).to_lowercase(),
            "seed": args.seed,
            "best": best,
            "regret": best - f.minimum,
            "ms_per_suggestion": mean(model_secs, args.evals.saturating_sub(10)),
            "cpu_ms_per_suggestion": model_cpu_ns
                .map(|ns| mean(ns as f64 / 1e9, args.evals.saturating_sub(10))),
            "ms_per_suggestion_last10": mean(tail_secs, args.evals - tail),
        })
    );
    Ok(())
}
