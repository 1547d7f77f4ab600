//! [`fmin`]: hyperopt's entry point — minimise an objective of the parameters over a
//! [`SearchSpace`] — run as a tuner [`Study`].

use gradus_tune::{
    Direction, OptimizeOptions, RandomSampler, Study, TpeConfig, TpeSampler, Trial, TrialError,
    TrialState,
};
use serde::{Deserialize, Serialize};

use crate::{Error, Params, Result, SearchSpace};

/// How [`fmin`] proposes the next point (hyperopt's `algo`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Algo {
    /// `tpe.suggest`: the Tree-structured Parzen Estimator with
    /// [`FminOptions::tpe`]'s settings (default [`TpeConfig::hyperopt`]: the first 20
    /// evaluations random, then hyperopt's `min(⌈0.25·√n⌉, 25)` good points).
    #[default]
    Tpe,
    /// `rand.suggest`: every point drawn independently from the space.
    Random,
}

/// Every setting of [`fmin_with`]; [`fmin`] takes the first three as arguments.
///
/// ```
/// use gradus::{Algo, FminOptions};
/// let o = FminOptions::new().algo(Algo::Random).max_evals(200).seed(7).n_jobs(-1);
/// let same: FminOptions = serde_json::from_str(
///     r#"{"algo": "random", "max_evals": 200, "seed": 7, "n_jobs": -1}"#).unwrap();
/// assert_eq!(o, same);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FminOptions {
    /// How points are proposed (default TPE).
    pub algo: Algo,
    /// Evaluations to run, failed ones included (default 50).
    pub max_evals: usize,
    /// Seed of the proposals (hyperopt's `rstate`; default 0). With `n_jobs` 1 the same
    /// seed gives the same evaluations.
    pub seed: u64,
    /// Evaluations run at once; −1 means one per core (default 1). With more than one, TPE
    /// proposes from whichever evaluations have finished, so results vary between runs.
    pub n_jobs: i32,
    /// Draw a progress bar on stderr (default false, unlike hyperopt's
    /// `show_progressbar=True`).
    pub show_progress_bar: bool,
    /// The TPE settings for [`Algo::Tpe`] (default [`TpeConfig::hyperopt`]).
    pub tpe: TpeConfig,
}

impl Default for FminOptions {
    fn default() -> FminOptions {
        FminOptions {
            algo: Algo::Tpe,
            max_evals: 50,
            seed: 0,
            n_jobs: 1,
            show_progress_bar: false,
            tpe: TpeConfig::hyperopt(),
        }
    }
}

impl FminOptions {
    /// The defaults: TPE, 50 evaluations, seed 0, one at a time.
    pub fn new() -> FminOptions {
        FminOptions::default()
    }

    /// How points are proposed.
    pub fn algo(mut self, algo: Algo) -> FminOptions {
        self.algo = algo;
        self
    }

    /// The number of evaluations.
    pub fn max_evals(mut self, max_evals: usize) -> FminOptions {
        self.max_evals = max_evals;
        self
    }

    /// The seed.
    pub fn seed(mut self, seed: u64) -> FminOptions {
        self.seed = seed;
        self
    }

    /// Evaluations run at once (−1: one per core).
    pub fn n_jobs(mut self, n_jobs: i32) -> FminOptions {
        self.n_jobs = n_jobs;
        self
    }

    /// A progress bar on stderr, or none.
    pub fn show_progress_bar(mut self, show: bool) -> FminOptions {
        self.show_progress_bar = show;
        self
    }

    /// The TPE settings (e.g. `TpeConfig::default()` for Optuna 5's).
    pub fn tpe(mut self, tpe: TpeConfig) -> FminOptions {
        self.tpe = tpe;
        self
    }
}

/// What [`fmin`] returns: the best point, as values, and every evaluation.
#[derive(Clone, Debug)]
pub struct FminResult {
    /// The parameters of the smallest loss — the values themselves (a choice is the option,
    /// not its index: what hyperopt's `space_eval(space, best)` gives).
    pub best_params: Params,
    /// The smallest loss.
    pub best_loss: f64,
    /// The number of the evaluation that gave it (0-based, in the study).
    pub best_trial: u64,
    /// Evaluations that failed: an error, a non-finite loss or a panic (hyperopt's
    /// `STATUS_FAIL`).
    pub n_failed: usize,
    /// The tuner study behind the run (hyperopt's `Trials`): every evaluation's parameters,
    /// loss or failure, for exports and plots.
    pub study: Study,
}

impl FminResult {
    /// Each evaluation's loss in order, `None` where it failed (hyperopt's
    /// `Trials.losses()`).
    ///
    /// # Errors
    /// A storage error reading the trials.
    pub fn losses(&self) -> Result<Vec<Option<f64>>> {
        Ok(self
            .study
            .trials()?
            .iter()
            .map(|t| {
                (t.state == TrialState::Complete)
                    .then_some(t.value)
                    .flatten()
            })
            .collect())
    }
}

/// Minimises `objective` over `space` in `max_evals` evaluations (hyperopt's
/// `fmin(fn, space, algo, max_evals, rstate=seed)`); [`fmin_with`] takes the other settings.
///
/// Each evaluation draws a point from `space` — [`hp`](crate::hp) expressions or the
/// [`SearchSpace`] builders — and calls `objective` with it; the loss is minimised. An
/// evaluation whose objective returns an error or a NaN or infinite loss, or panics, fails
/// (hyperopt's `STATUS_FAIL`, its message kept in the study) and the run goes on; the best
/// is taken over the others.
///
/// ```
/// use gradus::{Algo, SearchSpace, fmin, hp};
/// let space = SearchSpace::new()
///     .param("x", hp::uniform(-10.0, 10.0))
///     .param("sign", hp::choice(&[-1, 1]));
/// let best = fmin(
///     |p| Ok((p.f64("x")? - 3.0).powi(2) + p.f64("sign")?),
///     &space, Algo::Tpe, 100, 0,
/// )?;
/// assert!((best.best_params.f64("x")? - 3.0).abs() < 0.5, "{}", best.best_params);
/// assert_eq!(best.best_params.i64("sign")?, -1); // the option, not its index
/// assert!(best.best_loss < -0.75);
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// [`Error::Search`] when `max_evals` is 0, the space is empty or holds an invalid range
/// (naming the parameter), or every evaluation failed (with the first failure); an invalid
/// TPE setting or `n_jobs`.
pub fn fmin<F>(
    objective: F,
    space: &SearchSpace,
    algo: Algo,
    max_evals: usize,
    seed: u64,
) -> Result<FminResult>
where
    F: Fn(&Params) -> Result<f64> + Sync,
{
    let options = FminOptions::new()
        .algo(algo)
        .max_evals(max_evals)
        .seed(seed);
    fmin_with(objective, space, options)
}

/// [`fmin`] with every setting in `options` (parallel evaluations, a progress bar, the TPE
/// settings).
///
/// # Errors
/// As [`fmin`].
pub fn fmin_with<F>(objective: F, space: &SearchSpace, options: FminOptions) -> Result<FminResult>
where
    F: Fn(&Params) -> Result<f64> + Sync,
{
    if options.max_evals == 0 {
        return Err(Error::Search(
            "fmin: max_evals is 0; evaluate at least 1 point".into(),
        ));
    }
    space.check()?;
    let builder = Study::builder()
        .direction(Direction::Minimize)
        .seed(options.seed);
    let study = match options.algo {
        Algo::Tpe => builder.sampler(TpeSampler::new(options.tpe.clone())?),
        Algo::Random => builder.sampler(RandomSampler),
    }
    .build()?;
    let evaluate = |trial: &mut Trial| -> std::result::Result<f64, TrialError> {
        let params = space.suggest(trial)?;
        let loss = objective(&params)?;
        if loss.is_finite() {
            Ok(loss)
        } else {
            Err(TrialError::msg(format!(
                "the objective returned the loss {loss}; a loss must be a finite number"
            )))
        }
    };
    study.optimize(
        evaluate,
        OptimizeOptions::n_trials(options.max_evals)
            .n_jobs(options.n_jobs)
            .show_progress_bar(options.show_progress_bar),
    )?;
    let trials = study.trials()?;
    let n_failed = trials
        .iter()
        .filter(|t| t.state != TrialState::Complete)
        .count();
    let best = match study.best_trial() {
        Ok(best) => best,
        Err(gradus_tune::Error::NoCompleteTrial) => {
            let first = trials
                .iter()
                .find_map(|t| t.fail_reason())
                .unwrap_or("none recorded");
            return Err(Error::Search(format!(
                "fmin: all {} evaluations failed; the first error: {first}",
                trials.len()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(FminResult {
        best_params: Params(best.params.clone()),
        best_loss: best.value.unwrap_or(f64::NAN),
        best_trial: best.number,
        n_failed,
        study,
    })
}
