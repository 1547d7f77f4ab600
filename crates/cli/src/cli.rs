//! The command line's clap types: [`Cli`] and one `Args` struct per command.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::train_args::{
    AugmentArgs, DemoArgs, EvaluateArgs, FillModeArg, FitArgs, OutputArgs, PlotArgs, PredictArgs,
    SummaryArgs, TuneArgs,
};

const STORAGE_HELP: &str = "The storage: sqlite:///ABS/PATH.db or sqlite://REL/PATH.db (one \
                            machine; ?durability=full syncs every commit), \
                            postgres://USER[:PASSWORD]@HOST[:PORT]/DB (many machines; \
                            ?schema=NAME), or memory: (gone with the process)";

const EXIT_CODES: &str = "Exit codes: 0 success; 1 runtime failure (unreachable server, I/O \
                          error, no complete trial yet); 2 bad usage or input (bad URL, space \
                          or value, unknown study or trial, a file that is not a gradus study \
                          database or has a newer schema). Errors go to stderr.";

/// Train and tune neural networks from a TOML spec (`gradus fit`, `gradus tune`), follow the
/// course (`gradus demo`), and run studies in a SQLite file or a PostgreSQL database that
/// any number of `gradus worker` processes on any number of machines share.
#[derive(Parser, Debug)]
#[command(name = "gradus", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create, inspect, export, copy and delete studies; drive one with ask / tell.
    #[command(subcommand)]
    Study(StudyCommand),
    /// Run trials of a study whose objective is an external command.
    Worker(WorkerArgs),
    /// Train the model a spec describes; write a run directory (model, history, plots).
    Fit(FitArgs),
    /// Print a trained run's loss and metrics on a CSV file.
    Evaluate(EvaluateArgs),
    /// Write a trained run's predictions for a CSV file as CSV on stdout.
    Predict(PredictArgs),
    /// Print the model summary of a spec without training.
    Summary(SummaryArgs),
    /// Run or resume the study of a spec's `[tune]` section.
    Tune(TuneArgs),
    /// Write augmented copies of an image and a grid of them.
    Augment(AugmentArgs),
    /// The course walk-through: losses, gradient descent, regularization, augmentation,
    /// tuning, each on bundled data.
    Demo(DemoArgs),
    /// Redraw the plots of a run or tuning directory.
    Plot(PlotArgs),
}

/// `gradus study …`.
#[derive(Subcommand, Debug)]
pub enum StudyCommand {
    /// Create a study.
    Create(CreateArgs),
    /// Start a trial: suggest parameters for it from --space and print them.
    #[command(after_help = "The trial stays Running until `gradus study tell` finishes it.")]
    Ask(AskArgs),
    /// Finish a trial started by `ask` with its value, or as failed or pruned.
    Tell(TellArgs),
    /// Print the best trial.
    Best(BestArgs),
    /// List the studies of a storage with their trial counts and best values.
    List(ListArgs),
    /// Show a study's trials: number, state, value, parameters, duration.
    Show(ShowArgs),
    /// Export a study's trials as CSV (one row per trial) or JSON (full records).
    Export(ExportArgs),
    /// Delete a study and all its trials.
    Delete(DeleteArgs),
    /// Copy a study's finished trials into a new study (in the same or another storage).
    Copy(CopyArgs),
}

/// A study in a storage.
#[derive(Args, Debug, Clone)]
pub struct Target {
    /// The storage's URL.
    #[arg(long, value_name = "URL", help = STORAGE_HELP)]
    pub storage: String,
    /// The study's name.
    #[arg(long, value_name = "NAME")]
    pub study: String,
}

/// Minimize or maximize.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectionArg {
    /// Smaller values are better (losses, errors).
    Minimize,
    /// Larger values are better (accuracy, R²).
    Maximize,
}

/// The samplers a command-line study can use.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SamplerArg {
    /// Optuna 5's TPE, fitted to the study's stored trials.
    #[default]
    Tpe,
    /// Independent uniform draws.
    Random,
    /// Optuna 5's Gaussian-process sampler (log expected improvement), fitted to the study's
    /// stored trials.
    Gp,
}

/// The pruners a worker can use.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrunerArg {
    /// Never prune.
    None,
    /// Prune a trial whose intermediate value is worse than the median of earlier trials at
    /// the same step (Optuna's MedianPruner defaults).
    #[default]
    Median,
}

/// How a trial ends without a value.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndState {
    /// The trial failed.
    Failed,
    /// The trial was stopped early.
    Pruned,
}

/// Export formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One row per trial: number, value, state, times, params_*, user_attrs_*, fail_reason.
    Csv,
    /// The full trial records as a JSON array.
    Json,
}

/// `gradus study create`.
#[derive(Args, Debug)]
pub struct CreateArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// Whether smaller or larger objective values are better.
    #[arg(long, value_enum, default_value = "minimize")]
    pub direction: DirectionArg,
    /// Succeed without change when the study exists with the same direction.
    #[arg(long)]
    pub skip_if_exists: bool,
}

/// The sampler options of `ask` and `worker`.
#[derive(Args, Debug, Clone)]
pub struct SamplerArgs {
    /// The search space as JSON (or @FILE): {"lr": {"float": [1e-5, 1], "log": true},
    /// "units": {"int": [16, 256]}, "act": {"choice": ["relu", "tanh"]}, "x": {"float":
    /// [-5, 5], "step": 0.5}}; `int` also takes "log" and "step".
    #[arg(long, value_name = "JSON")]
    pub space: String,
    /// The sampler; TPE reads the study's stored trials, so one-shot `ask` processes and
    /// workers on other machines all inform it.
    #[arg(long, value_enum, default_value = "tpe")]
    pub sampler: SamplerArg,
    /// Seed of the trials' random streams: trial N draws from (SEED, N), so a seeded study
    /// repeats its proposals given the same history (default: random).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `gradus study ask`.
#[derive(Args, Debug)]
pub struct AskArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// The space and the sampler.
    #[command(flatten)]
    pub sampler: SamplerArgs,
    /// Print one JSON line {"trial": N, "params": {...}}.
    #[arg(long)]
    pub json: bool,
}

/// `gradus study tell`.
#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("outcome").required(true).args(["value", "state"]))]
pub struct TellArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// The trial's number (as `ask` printed it).
    #[arg(long, value_name = "N")]
    pub trial: u64,
    /// The objective value: the trial becomes Complete.
    #[arg(long, value_name = "V", allow_negative_numbers = true)]
    pub value: Option<f64>,
    /// End the trial without a value: failed, or pruned (its value is then its last
    /// intermediate value).
    #[arg(long, value_enum)]
    pub state: Option<EndState>,
    /// Print the finished trial as one JSON line.
    #[arg(long)]
    pub json: bool,
}

/// `gradus study best`.
#[derive(Args, Debug)]
pub struct BestArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// Print one JSON line {"trial": N, "value": V, "params": {...}}.
    #[arg(long)]
    pub json: bool,
}

/// `gradus study list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// The storage's URL.
    #[arg(long, value_name = "URL", help = STORAGE_HELP)]
    pub storage: String,
    /// Print a JSON array of {"name", "direction", "n_trials", "n_complete", "best_value",
    /// "best_trial"}.
    #[arg(long)]
    pub json: bool,
}

/// `gradus study show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// Print one JSON document {"study", "direction", "trials": [{"number", "state",
    /// "value", "params", "duration", "fail_reason"}]}.
    #[arg(long)]
    pub json: bool,
}

/// `gradus study export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// CSV or JSON.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write to this file instead of stdout (written only once the trials were read).
    #[arg(long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// `gradus study delete`.
#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
}

/// `gradus study copy`.
#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The storage holding the study.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The storage to copy into (may be the same as --from, with --to-study).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The study to copy.
    #[arg(long, value_name = "NAME")]
    pub study: String,
    /// The copy's name (default: the same name).
    #[arg(long, value_name = "NAME")]
    pub to_study: Option<String>,
}

/// `gradus worker`.
#[derive(Args, Debug)]
#[command(
    after_help = "The command gets the parameters as a JSON object on stdin and as \
    GRADUS_PARAM_<NAME> environment variables (name upper-cased, other characters than \
    letters and digits replaced by _), plus GRADUS_TRIAL (the trial number) and GRADUS_STUDY. \
    It prints the objective value as the last non-empty line of its stdout; lines \
    `report STEP VALUE` report intermediate values, and when the pruner says so the command \
    is killed and the trial is Pruned. A non-zero exit or an unreadable last line makes the \
    trial Failed (the reason is recorded and printed to stderr); the worker goes on.\n\n\
    Example: gradus worker --storage sqlite:///tmp/s.db --study demo --n-trials 20 \
    --space '{\"x\": {\"float\": [-5, 5]}}' -- sh -c 'echo \"$GRADUS_PARAM_X^2\" | bc -l'"
)]
pub struct WorkerArgs {
    /// The study.
    #[command(flatten)]
    pub target: Target,
    /// The space and the sampler.
    #[command(flatten)]
    pub sampler: SamplerArgs,
    /// How many trials this worker runs (Optuna's semantics: each worker counts its own;
    /// 4 workers with --n-trials 25 run 100 trials together). Default: until --timeout or
    /// interrupted.
    #[arg(long, value_name = "N")]
    pub n_trials: Option<usize>,
    /// The pruner that judges `report` lines.
    #[arg(long, value_enum, default_value = "median")]
    pub pruner: PrunerArg,
    /// Seconds between the heartbeats of the running trial, so that other workers can tell
    /// it from the trial of a dead worker.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = secs)]
    pub heartbeat: Duration,
    /// Seconds without a heartbeat after which another worker marks a Running trial Failed
    /// (must exceed --heartbeat).
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = secs)]
    pub grace_period: Duration,
    /// Re-run a trial failed for lack of heartbeats up to N times with the same parameters.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry_failed: u32,
    /// Start no new trial after this many seconds (the running one finishes).
    #[arg(long, value_name = "SECS", value_parser = secs)]
    pub timeout: Option<Duration>,
    /// The objective command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// A positive, finite number of seconds.
fn secs(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "`{text}` is not a positive number of seconds (such as 10 or 0.5)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seconds_are_positive_numbers() {
        assert_eq!(secs("0.5"), Ok(Duration::from_millis(500)));
        assert!(secs("0").unwrap_err().contains("not a positive number"));
        assert!(secs("nan").is_err());
        assert!(secs("1e300").is_err());
    }
}
