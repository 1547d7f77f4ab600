//! TPE benchmarks: best value after a budget of evaluations on synthetic functions, and the
//! proposal latency at a large number of trials. The same functions live in
//! `bench/optuna_tpe.py` for the Optuna side of the comparison (`bench/compare-tpe.sh`).

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use gradus_tune::{NopPruner, OptimizeOptions, Study, TpeConfig, TpeSampler, Trial, TrialError};
use std::f64::consts::{E, PI};
use std::time::Instant;

/// Arguments of `tpe`.
#[derive(Args, Debug)]
pub struct TpeArgs {
    /// branin, hartmann6, rosenbrock10, ackley10 or styblinski_tang10.
    #[arg(long)]
    function: String,
    /// Objective evaluations.
    #[arg(long, default_value_t = 200)]
    evals: usize,
    /// Study seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// TPE settings.
    #[arg(long, value_enum, default_value_t = Preset::Optuna)]
    preset: Preset,
}

/// Arguments of `tpe-latency`.
#[derive(Args, Debug)]
pub struct LatencyArgs {
    /// Trials to run.
    #[arg(long, default_value_t = 1000)]
    trials: usize,
    /// Float parameters per trial.
    #[arg(long, default_value_t = 10)]
    dim: usize,
    /// Study seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// TPE settings to benchmark.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Preset {
    /// Optuna 5's defaults.
    Optuna,
    /// Watanabe's recommended setting.
    Watanabe,
    /// Optuna 5's defaults in univariate mode.
    Univariate,
}

/// A benchmark function: bounds per dimension, global minimum, evaluation.
pub(crate) struct Function {
    pub(crate) bounds: Vec<(f64, f64)>,
    pub(crate) minimum: f64,
    pub(crate) eval: fn(&[f64]) -> f64,
}

pub(crate) fn function(name: &str) -> Result<Function> {
    Ok(match name {
        "branin" => Function {
            bounds: vec![(-5.0, 10.0), (0.0, 15.0)],
            minimum: 0.397_887_357_729_738_2,
            eval: branin,
        },
        "hartmann6" => Function {
            bounds: vec![(0.0, 1.0); 6],
            minimum: -3.322_368_011_391_339,
            eval: hartmann6,
        },
        "rosenbrock10" => Function {
            bounds: vec![(-5.0, 10.0); 10],
            minimum: 0.0,
            eval: rosenbrock,
        },
        "ackley10" => Function {
            bounds: vec![(-32.768, 32.768); 10],
            minimum: 0.0,
            eval: ackley,
        },
        "styblinski_tang10" => Function {
            bounds: vec![(-5.0, 5.0); 10],
            minimum: -39.166_165_703_771_42 * 10.0,
            eval: styblinski_tang,
        },
        other => bail!(
            "unknown function `{other}`; use branin, hartmann6, rosenbrock10, ackley10 or styblinski_tang10"
        ),
    })
}

fn branin(x: &[f64]) -> f64 {
    let (b, c, t) = (5.1 / (4.0 * PI * PI), 5.0 / PI, 1.0 / (8.0 * PI));
    (x[1] - b * x[0] * x[0] + c * x[0] - 6.0).powi(2) + 10.0 * (1.0 - t) * x[0].cos() + 10.0
}

fn hartmann6(x: &[f64]) -> f64 {
    const ALPHA: [f64; 4] = [1.0, 1.2, 3.0, 3.2];
    const A: [[f64; 6]; 4] = [
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
        [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
        [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
    ];
    const P: [[f64; 6]; 4] = [
        [1312.0, 1696.0, 5569.0, 124.0, 8283.0, 5886.0],
        [2329.0, 4135.0, 8307.0, 3736.0, 1004.0, 9991.0],
        [2348.0, 1451.0, 3522.0, 2883.0, 3047.0, 6650.0],
        [4047.0, 8828.0, 8732.0, 5743.0, 1091.0, 381.0],
    ];
    -(0..4)
        .map(|i| {
            ALPHA[i]
                * (-(0..6)
                    .map(|j| A[i][j] * (x[j] - 1e-4 * P[i][j]).powi(2))
                    .sum::<f64>())
                .exp()
        })
        .sum::<f64>()
}

fn rosenbrock(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
        .sum()
}

fn ackley(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let sq = x.iter().map(|v| v * v).sum::<f64>() / n;
    let cos = x.iter().map(|v| (2.0 * PI * v).cos()).sum::<f64>() / n;
    -20.0 * (-0.2 * sq.sqrt()).exp() - cos.exp() + 20.0 + E
}

fn styblinski_tang(x: &[f64]) -> f64 {
    x.iter()
        .map(|v| v.powi(4) - 16.0 * v * v + 5.0 * v)
        .sum::<f64>()
        / 2.0
}

fn sampler(preset: Preset) -> Result<TpeSampler> {
    Ok(TpeSampler::new(match preset {
        Preset::Optuna => TpeConfig::default(),
        Preset::Watanabe => TpeConfig::watanabe_recommended(),
        Preset::Univariate => TpeConfig::default().univariate(),
    })?)
}

pub(crate) fn suggest_all(
    trial: &mut Trial,
    bounds: &[(f64, f64)],
) -> Result<Vec<f64>, gradus_tune::Error> {
    bounds
        .iter()
        .enumerate()
        .map(|(i, &(lo, hi))| trial.suggest_float(&format!("x{i}"), lo, hi))
        .collect()
}

/// `tpe`: prints `{"function", "seed", "best", "regret", "preset"}`.
pub fn run(args: &TpeArgs) -> Result<()> {
    let f = function(&args.function)?;
    let study = Study::builder()
        .sampler(sampler(args.preset)?)
        .pruner(NopPruner)
        .seed(args.seed)
        .build()?;
    study.optimize(
        |t| -> Result<f64, TrialError> { Ok((f.eval)(&suggest_all(t, &f.bounds)?)) },
        OptimizeOptions::n_trials(args.evals),
    )?;
    let best = study.best_value()?;
    println!(
        "{}",
        serde_json::json!({
            "function": args.function,
            "seed": args.seed,
            "best": best,
            "regret": best - f.minimum,
            "preset": format!("{:?}", args.preset).to_lowercase(),
        })
    );
    Ok(())
}

/// CPU time of this thread in nanoseconds (Linux `schedstat`), to tell the sampler's cost from
/// waiting for a core on a shared machine; `None` elsewhere.
pub(crate) fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `tpe-latency`: times `ask` plus the suggestions of each trial (the sampler's whole work for
/// a trial) on a `dim`-dimensional sphere, and prints the mean wall time over the last 10 % of
/// trials (and the mean CPU time of the thread, which a busy machine does not inflate).
pub fn latency(args: &LatencyArgs) -> Result<()> {
    if args.trials < 10 || args.dim == 0 {
        bail!("need --trials ≥ 10 and --dim ≥ 1");
    }
    let bounds = vec![(-5.0, 5.0); args.dim];
    let study = Study::builder()
        .sampler(TpeSampler::default())
        .pruner(NopPruner)
        .seed(args.seed)
        .build()?;
    let tail = args.trials - args.trials / 10;
    let mut tail_secs = 0.0;
    let mut tail_cpu_ns = Some(0u64);
    for i in 0..args.trials {
        let cpu = thread_cpu_ns();
        let start = Instant::now();
        let mut trial = study.ask()?;
        let x = suggest_all(&mut trial, &bounds)?;
        if i >= tail {
            tail_secs += start.elapsed().as_secs_f64();
            tail_cpu_ns = match (tail_cpu_ns, cpu, thread_cpu_ns()) {
                (Some(acc), Some(a), Some(b)) => Some(acc + (b - a)),
                _ => None,
            };
        }
        study.tell(trial, Ok(x.iter().map(|v| v * v).sum()))?;
    }
    let measured = (args.trials - tail) as f64;
    println!(
        "{}",
        serde_json::json!({
            "trials": args.trials,
            "dim": args.dim,
            "mean_ms_per_suggestion": 1e3 * tail_secs / measured,
            "cpu_ms_per_suggestion": tail_cpu_ns.map(|ns| ns as f64 / 1e6 / measured),
            "measured_trials": args.trials - tail,
        })
    );
    Ok(())
}
