//! `Study::optimize`: the trial loop, parallel workers and study-level stops.

use crate::callback::{Control, StudyCallback};
use crate::error::{Error, Result, TrialError};
use crate::frozen_trial::FrozenTrial;
use crate::guard::panic_message;
use crate::progress::ProgressBar;
use crate::study::Study;
use crate::trial::Trial;
use crate::trial_state::TrialState;
use serde::{Deserialize, Serialize};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The most worker threads `optimize` starts: 1024 (each also builds a one-thread rayon pool).
pub const MAX_N_JOBS: i32 = 1024;

/// How long [`Study::optimize`] runs and on how many threads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OptimizeOptions {
    /// Trials to start in this call (all workers together); `None`: no limit.
    pub n_trials: Option<usize>,
    /// No new trial starts after this long (running trials finish); `None`: no limit.
    pub timeout: Option<Duration>,
    /// Worker threads; `-1` means one per core. With more than one, each worker runs its trials
    /// inside its own one-thread rayon pool, so the math of parallel trials is single-threaded.
    /// At most [`MAX_N_JOBS`]; no more workers start than `n_trials`.
    pub n_jobs: i32,
    /// Stop after this many finished trials in a row without a new best value.
    pub patience: Option<usize>,
    /// Draw a progress bar on stderr (Optuna's `show_progress_bar`; default false): trials
    /// done, best value so far, elapsed time. See [`ProgressBar`](crate::ProgressBar).
    pub show_progress_bar: bool,
}

impl Default for OptimizeOptions {
    fn default() -> Self {
        OptimizeOptions {
            n_trials: None,
            timeout: None,
            n_jobs: 1,
            patience: None,
            show_progress_bar: false,
        }
    }
}

impl OptimizeOptions {
    /// Run `n` trials on one thread.
    pub fn n_trials(n: usize) -> Self {
        OptimizeOptions {
            n_trials: Some(n),
            ..Self::default()
        }
    }

    /// With a time limit.
    pub fn timeout(self, timeout: Duration) -> Self {
        OptimizeOptions {
            timeout: Some(timeout),
            ..self
        }
    }

    /// With `n_jobs` workers (`-1`: all cores).
    pub fn n_jobs(self, n_jobs: i32) -> Self {
        OptimizeOptions { n_jobs, ..self }
    }

    /// With early stopping after `patience` trials without improvement.
    pub fn patience(self, patience: usize) -> Self {
        OptimizeOptions {
            patience: Some(patience),
            ..self
        }
    }

    /// With a progress bar on stderr (or without).
    pub fn show_progress_bar(self, show: bool) -> Self {
        OptimizeOptions {
            show_progress_bar: show,
            ..self
        }
    }

    /// The number of worker threads to start — `n_jobs` (cores for −1, at most
    /// [`MAX_N_JOBS`]), no more than `n_trials`, at least 1 — and whether they run in their
    /// own one-thread pools (`n_jobs` resolved to more than 1, also when fewer workers start).
    fn workers(&self) -> Result<(usize, bool)> {
        let n = match self.n_jobs {
            -1 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n @ 1..=MAX_N_JOBS => n as usize,
            n => {
                return Err(Error::InvalidConfig {
                    name: "n_jobs",
                    reason: format!(
                        "must be a number of threads from 1 to {MAX_N_JOBS}, or -1 for one per \
                         core, got {n}"
                    ),
                });
            }
        };
        let n = n.min(MAX_N_JOBS as usize);
        Ok((self.n_trials.map_or(n, |t| n.min(t)).max(1), n > 1))
    }
}

/// Why an `optimize` call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// `n_trials` trials were started.
    NTrials,
    /// The timeout passed.
    Timeout,
    /// A callback returned [`Control::Stop`].
    Callback,
    /// `patience` trials finished without improvement.
    Patience,
    /// The sampler had nothing left to propose (exhausted grid).
    Exhausted,
    /// Neither limit was set and nothing stopped the study (not returned in practice).
    Unbounded,
}

/// What an `optimize` call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizeSummary {
    /// Trials finished by this call.
    pub n_trials: usize,
    /// The first reason a worker stopped.
    pub stop_reason: StopReason,
}

struct RunState<'c> {
    start: Instant,
    started: AtomicUsize,
    finished: AtomicUsize,
    stopped: AtomicBool,
    reason: Mutex<Option<StopReason>>,
    after: Mutex<AfterTrial<'c>>,
}

struct AfterTrial<'c> {
    callbacks: Vec<Box<dyn StudyCallback + 'c>>,
    best: Option<f64>,
    since_best: usize,
}

impl RunState<'_> {
    fn stop(&self, reason: StopReason) {
        let mut r = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        r.get_or_insert(reason);
        self.stopped.store(true, Ordering::SeqCst);
    }
}

impl Study {
    /// Runs the objective on new trials until a limit of `options` is reached, the sampler is
    /// exhausted, or patience runs out. See [`Study::optimize_with_callbacks`].
    ///
    /// ```
    /// use gradus_tune::{OptimizeOptions, Study, TpeSampler};
    ///
    /// let study = Study::builder().sampler(TpeSampler::default()).seed(1).build()?;
    /// study.optimize(|t| {
    ///     let x = t.suggest_float("x", -10.0, 10.0)?;
    ///     let layers = t.suggest_int("layers", 1, 4)?;
    ///     let act = t.suggest_categorical("act", &["relu", "tanh"])?;
    ///     Ok((x - 2.0).powi(2) + layers as f64 + if act == "relu" { 0.0 } else { 1.0 })
    /// }, OptimizeOptions::n_trials(60))?;
    /// assert!(study.best_value()? < 1.5);
    /// # Ok::<(), gradus_tune::Error>(())
    /// ```
    pub fn optimize<F>(&self, objective: F, options: OptimizeOptions) -> Result<OptimizeSummary>
    where
        F: Fn(&mut Trial) -> Result<f64, TrialError> + Sync,
    {
        self.optimize_with_callbacks(objective, options, Vec::new())
    }

    /// [`Study::optimize`] with callbacks that see every finished trial and may stop the study.
    ///
    /// An objective error, a NaN result or a panic makes that trial Failed (the message is
    /// recorded) and the study goes on; `Err(TrialError::Pruned)` makes it Pruned. Storage
    /// errors end the call with that error; finished trials stay in the storage.
    pub fn optimize_with_callbacks<'c, F>(
        &self,
        objective: F,
        options: OptimizeOptions,
        mut callbacks: Vec<Box<dyn StudyCallback + 'c>>,
    ) -> Result<OptimizeSummary>
    where
        F: Fn(&mut Trial) -> Result<f64, TrialError> + Sync,
    {
        let (workers, parallel) = options.workers()?;
        if options.show_progress_bar {
            callbacks.insert(0, Box::new(ProgressBar::new(options.n_trials)));
        }
        let best = match self.best_value() {
            Ok(v) => Some(v),
            Err(Error::NoCompleteTrial) => None,
            Err(e) => return Err(e),
        };
        let state = RunState {
            start: Instant::now(),
            started: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            stopped: AtomicBool::new(false),
            reason: Mutex::new(None),
            after: Mutex::new(AfterTrial {
                callbacks,
                best,
                since_best: 0,
            }),
        };
        if !parallel {
            self.worker(&objective, &options, &state)?;
        } else {
            let results: Vec<Result<()>> = std::thread::scope(|scope| {
                let mut handles = Vec::with_capacity(workers);
                let mut spawn_error = None;
                for i in 0..workers {
                    let spawned = std::thread::Builder::new()
                        .name(format!("gradus-tune-worker-{i}"))
                        .spawn_scoped(scope, || -> Result<()> {
                            let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
                            pool.install(|| self.worker(&objective, &options, &state))
                        });
                    match spawned {
                        Ok(h) => handles.push(h),
                        Err(e) => {
                            // The workers already started finish their trials and stop.
                            state.stopped.store(true, Ordering::SeqCst);
                            spawn_error = Some(Error::InvalidConfig {
                                name: "n_jobs",
                                reason: format!(
                                    "could not start worker thread {} of {workers} ({e}); use \
                                     fewer n_jobs",
                                    i + 1
                                ),
                            });
                            break;
                        }
                    }
                }
                let mut results: Vec<Result<()>> = handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(Err(Error::WorkerPanicked)))
                    .collect();
                results.extend(spawn_error.map(Err));
                results
            });
            results.into_iter().collect::<Result<Vec<()>>>()?;
        }
        let reason = state
            .reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or(StopReason::Unbounded);
        Ok(OptimizeSummary {
            n_trials: state.finished.load(Ordering::SeqCst),
            stop_reason: reason,
        })
    }

    fn worker<F>(
        &self,
        objective: &F,
        options: &OptimizeOptions,
        state: &RunState<'_>,
    ) -> Result<()>
    where
        F: Fn(&mut Trial) -> Result<f64, TrialError> + Sync,
    {
        loop {
            if state.stopped.load(Ordering::SeqCst) {
                return Ok(());
            }
            if options.timeout.is_some_and(|t| state.start.elapsed() >= t) {
                state.stop(StopReason::Timeout);
                return Ok(());
            }
            if let Some(n) = options.n_trials
                && state.started.fetch_add(1, Ordering::SeqCst) >= n
            {
                state.stop(StopReason::NTrials);
                return Ok(());
            }
            let mut trial = match self.ask() {
                Ok(t) => t,
                Err(Error::SearchSpaceExhausted) => {
                    state.stop(StopReason::Exhausted);
                    return Ok(());
                }
                Err(e) => {
                    // Storage failure: the other workers stop too; the error is returned.
                    state.stopped.store(true, Ordering::SeqCst);
                    return Err(e);
                }
            };
            let outcome =
                catch_unwind(AssertUnwindSafe(|| objective(&mut trial))).unwrap_or_else(|panic| {
                    Err(TrialError::msg(format!(
                        "the objective panicked: {}",
                        panic_message(&*panic)
                    )))
                });
            let finished = self.tell(trial, outcome)?;
            state.finished.fetch_add(1, Ordering::SeqCst);
            self.after_trial(&finished, options, state);
        }
    }

    fn after_trial(&self, trial: &FrozenTrial, options: &OptimizeOptions, state: &RunState<'_>) {
        let mut after = state.after.lock().unwrap_or_else(|e| e.into_inner());
        let improved = trial.state == TrialState::Complete
            && trial
                .value
                .is_some_and(|v| after.best.is_none_or(|b| self.direction().is_better(v, b)));
        if improved {
            after.best = trial.value;
            after.since_best = 0;
        } else {
            after.since_best += 1;
        }
        if options.patience.is_some_and(|p| after.since_best >= p) {
            state.stop(StopReason::Patience);
        }
        for cb in after.callbacks.iter_mut() {
            if cb.after_trial(self, trial) == Control::Stop {
                state.stop(StopReason::Callback);
            }
        }
    }
}
