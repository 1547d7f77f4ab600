//! gradus-tune: hyperparameter search with Optuna's semantics — define-by-run trials, grid,
//! random and TPE samplers, pruners, and storages that many workers can share.
//!
//! # Design
//!
//! - **Define-by-run.** The objective is a closure `Fn(&mut Trial) -> Result<f64, TrialError>`
//!   that asks its [`Trial`] for typed parameters as it goes; conditional spaces are plain
//!   control flow. Bounds are validated and given in natural space (also for log scales);
//!   categorical suggestions return the choice, never its index; integers stay integers.
//! - **The storage is the only state.** A [`Study`] is a handle: its trials, their
//!   parameters, values, reports and the samplers' and pruners' bookkeeping live in a
//!   [`Storage`] ([`InMemoryStorage`] here; the trait's contract lets SQLite or PostgreSQL
//!   backends share one study between processes; [`storage::conformance`] is the test suite
//!   they must pass). Trial numbers and the queue of enqueued trials are allocated by it.
//! - **Small traits, decisions as values.** [`Sampler`] (`sample_independent`, plus
//!   `sample_relative` and `is_exhausted` with defaults), [`Pruner`] (`prune`), and
//!   [`StudyCallback`] (returns [`Control`]). Settings are serde data with `Default`s equal
//!   to Optuna's.
//! - **Seeds.** Trial `n` of a study seeded `s` draws from a generator seeded by `(s, n)`:
//!   with one worker a seeded study is exactly reproducible; with several, each trial's draws
//!   still depend only on what it observed.
//! - **Parallel trials.** `n_jobs > 1` runs real threads, each inside its own one-thread rayon
//!   pool, so parallel trials never oversubscribe the cores. The TPE sampler's constant liar
//!   keeps concurrent proposals apart.
//! - **Any finite range, no panic.** Bounds up to `±f64::MAX` and the whole `i64` range work
//!   with every sampler (widths are computed in halves or in `i128`, TPE rescales such
//!   dimensions by a power of two); the grid's order is computed lazily, so its size costs
//!   nothing. Sizes that cannot be honoured are errors that name the fix (a float grid of
//!   more than 2^53 steps, more than [`MAX_N_JOBS`] threads, NaN among values to be stored).
//!   A sampler or pruner that panics fails its call with [`Error::Panicked`].
//! - **Failures are data.** An objective error, NaN or panic marks the trial Failed with the
//!   message recorded; `Err(TrialError::Pruned)` marks it Pruned; the study goes on.
//! - **Warnings go through `log`.** An enqueued or grid value used although outside the
//!   suggested range is announced with `log::warn!` in Optuna's words; install any `log`
//!   logger to see them.
//!
//! # Example
//!
//! ```
//! use gradus_tune::{Direction, OptimizeOptions, Study, TrialError};
//!
//! let study = Study::builder().direction(Direction::Maximize).seed(3).build()?;
//! study.optimize(|trial| {
//!     let lr = trial.suggest_float_log("learning_rate", 1e-5, 1.0)?;
//!     let batch = trial.suggest_categorical("batch_size", &[10, 20, 30])?;
//!     let mut score = 0.0;
//!     for epoch in 0..5 {
//!         score = 1.0 - (lr.log10() + 2.0).abs() / 10.0 - batch as f64 / 1000.0 - 0.01 / (epoch + 1) as f64;
//!         trial.report(epoch, score)?;
//!         if trial.should_prune()? {
//!             return Err(TrialError::Pruned);
//!         }
//!     }
//!     Ok(score)
//! }, OptimizeOptions::n_trials(40))?;
//! let best = study.best_params()?;
//! assert!(study.best_value()? > 0.9, "{best}");
//! assert!(best.str("batch_size").is_err() && [10, 20, 30].contains(&best.i64("batch_size")?));
//! println!("best: {best}"); // {batch_size: 10, learning_rate: 0.0098…}
//! # Ok::<(), gradus_tune::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod callback;
mod distribution;
mod error;
mod export;
mod frozen_trial;
mod guard;
mod heartbeat;
mod names;
mod optimize;
mod param;
mod params;
mod progress;
pub mod pruners;
mod reporter;
pub mod rng;
pub mod samplers;
pub mod storage;
mod study;
mod trial;
mod trial_state;
mod trials_table;

pub use callback::{Control, StudyCallback};
pub use distribution::{Distribution, DistributionSpec};
pub use error::{Error, Result, TrialError};
pub use frozen_trial::{
    FAIL_REASON_KEY, FIXED_PARAMS_KEY, FrozenTrial, PRUNED_KEY, StudyId, TrialId,
};
pub use heartbeat::{HeartbeatConfig, ORIGINAL_TRIAL_KEY, RETRIED_FROM_KEY, RETRY_COUNT_KEY};
pub use optimize::{MAX_N_JOBS, OptimizeOptions, OptimizeSummary, StopReason};
pub use param::{Choice, ParamValue};
pub use params::Params;
pub use progress::ProgressBar;
pub use pruners::{
    HyperbandPruner, MedianPruner, NopPruner, PercentilePruner, Pruner, PrunerConfig,
    PrunerContext, SuccessiveHalvingPruner,
};
pub use reporter::TrialReporter;
pub use samplers::{
    GpConfig, GpNoise, GpSampler, GridSampler, RandomSampler, Sampler, SamplerConfig,
    SamplerContext, TpeConfig, TpeSampler,
};
pub use storage::{InMemoryStorage, Storage};
pub use study::{Study, StudyBuilder};
pub use trial::Trial;
pub use trial_state::{Direction, TrialState};
pub use trials_table::{TrialsTable, iso8601, text_table};
