//! The cross-validated search shared by [`GridSearchCv`](crate::GridSearchCv),
//! [`RandomizedSearchCv`](crate::RandomizedSearchCv) and [`TpeSearchCv`](crate::TpeSearchCv):
//! a tuner study whose objective is the mean cross-validation score.

use std::sync::Arc;

use gradus_data::CrossValidation;
use gradus_nn::Sequential;
use gradus_tensor::Tensor;
use gradus_tune::{
    Direction, FrozenTrial, OptimizeOptions, Sampler, Study, Trial, TrialError, TrialState,
};
use serde::{Deserialize, Serialize};

use crate::cross_val::{cross_validate_folds, folds, mean, std};
use crate::{BuildEstimator, Error, ParamGrid, Params, Result, Scoring, SearchSpace};

/// Settings every cross-validated search shares (scikit-learn's `cv`, `scoring`, `n_jobs`,
/// `refit`, `random_state`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchOptions {
    /// The folds (default: 5-fold, unshuffled, as scikit-learn).
    pub cv: CrossValidation,
    /// What to maximise (default `neg_mean_squared_error`).
    pub scoring: Scoring,
    /// Candidates evaluated at once; −1 means one per core (default 1).
    pub n_jobs: i32,
    /// Fit the best candidate on all the data afterwards (default true).
    pub refit: bool,
    /// Seed of the candidates' order or draws (default 0).
    pub seed: u64,
}

impl Default for SearchOptions {
    fn default() -> SearchOptions {
        SearchOptions {
            cv: CrossValidation::default(),
            scoring: Scoring::default(),
            n_jobs: 1,
            refit: true,
            seed: 0,
        }
    }
}

/// One candidate of a search (a row of scikit-learn's `cv_results_`).
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateResult {
    /// The parameters.
    pub params: Params,
    /// The score on each fold (empty when the candidate failed).
    pub split_test_scores: Vec<f64>,
    /// Mean of the fold scores (NaN when the candidate failed).
    pub mean_test_score: f64,
    /// Population standard deviation of the fold scores.
    pub std_test_score: f64,
    /// 1 for the best mean score; ties share a rank; failed candidates rank last.
    pub rank_test_score: usize,
    /// Mean seconds to fit one fold.
    pub mean_fit_time: f64,
    /// Standard deviation of the fit times.
    pub std_fit_time: f64,
    /// Why the candidate failed, if it did.
    pub error: Option<String>,
}

/// What a search returns.
pub struct SearchResult {
    /// The parameters of the best candidate.
    pub best_params: Params,
    /// Its mean cross-validation score.
    pub best_score: f64,
    /// Its index in `cv_results`.
    pub best_index: usize,
    /// The best candidate trained on all the data (with `refit`).
    pub best_model: Option<Sequential>,
    /// Every candidate, in the order evaluated.
    pub cv_results: Vec<CandidateResult>,
    /// The tuner study behind the search (for its trials, exports and plots).
    pub study: Study,
}

impl std::fmt::Debug for SearchResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchResult")
            .field("best_params", &self.best_params)
            .field("best_score", &self.best_score)
            .field("cv_results", &self.cv_results)
            .finish()
    }
}

/// Where candidates come from.
pub(crate) enum Candidates<'a> {
    Grid(&'a ParamGrid),
    Space(&'a SearchSpace),
}

const SCORES_ATTR: &str = "split_test_scores";
const FIT_TIMES_ATTR: &str = "fit_times";

/// How many candidates a search evaluates, and the setting that says so (for errors).
pub(crate) struct Budget {
    /// `RandomizedSearchCv.n_iter`, ….
    pub(crate) setting: &'static str,
    /// The number of candidates.
    pub(crate) n_trials: usize,
}

/// Runs the search: `budget.n_trials` candidates from `sampler`, each scored by
/// cross-validation.
pub(crate) fn run(
    estimator: &dyn BuildEstimator,
    candidates: Candidates<'_>,
    sampler: impl Sampler + 'static,
    budget: Budget,
    options: &SearchOptions,
    x: &Tensor,
    y: &Tensor,
) -> Result<SearchResult> {
    if budget.n_trials == 0 {
        return Err(Error::Search(format!(
            "{} is 0; evaluate at least 1 candidate",
            budget.setting
        )));
    }
    options.scoring.check_targets(y)?;
    if let Candidates::Space(space) = &candidates {
        space.check()?;
    }
    if let Candidates::Grid(grid) = &candidates
        && grid.is_empty()
    {
        return Err(Error::Search(
            "the parameter grid has no point; give each parameter at least one value".into(),
        ));
    }
    let folds = folds(&options.cv, x, y)?;
    let study = Study::builder()
        .direction(Direction::Maximize)
        .sampler(sampler)
        .seed(options.seed)
        .build()?;
    let objective = |trial: &mut Trial| -> Result<f64, TrialError> {
        let params = match &candidates {
            Candidates::Grid(g) => g.suggest(trial)?,
            Candidates::Space(s) => s.suggest(trial)?,
        };
        let cv = cross_validate_folds(estimator, &params, x, y, &folds, options.scoring)?;
        trial.set_user_attr(SCORES_ATTR, cv.test_scores.clone())?;
        trial.set_user_attr(FIT_TIMES_ATTR, cv.fit_times.clone())?;
        Ok(cv.mean())
    };
    study.optimize(
        objective,
        OptimizeOptions::n_trials(budget.n_trials).n_jobs(options.n_jobs),
    )?;
    let trials = study.trials()?;
    let cv_results = results(&trials);
    let Some(best_index) = cv_results
        .iter()
        .position(|c| c.rank_test_score == 1 && c.error.is_none())
    else {
        let first = cv_results
            .iter()
            .find_map(|c| c.error.clone())
            .unwrap_or_default();
        return Err(Error::Search(format!(
            "every candidate failed; the first error: {first}"
        )));
    };
    let best = &cv_results[best_index];
    let best_model = if options.refit {
        let mut est = estimator.build(&best.params)?;
        est.model.fit(x, y, est.fit)?;
        Some(est.model)
    } else {
        None
    };
    Ok(SearchResult {
        best_params: best.params.clone(),
        best_score: best.mean_test_score,
        best_index,
        best_model,
        cv_results,
        study,
    })
}

fn floats(trial: &FrozenTrial, key: &str) -> Vec<f64> {
    trial
        .user_attrs
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default()
}

/// The candidates in trial order, ranked by mean score (failed ones last).
fn results(trials: &[Arc<FrozenTrial>]) -> Vec<CandidateResult> {
    let mut out: Vec<CandidateResult> = trials
        .iter()
        .map(|t| {
            let scores = floats(t, SCORES_ATTR);
            let times = floats(t, FIT_TIMES_ATTR);
            let complete = t.state == TrialState::Complete;
            CandidateResult {
                params: Params(t.params.clone()),
                mean_test_score: if complete {
                    t.value.unwrap_or(f64::NAN)
                } else {
                    f64::NAN
                },
                std_test_score: if complete { std(&scores) } else { f64::NAN },
                split_test_scores: scores,
                rank_test_score: 0,
                mean_fit_time: mean(&times),
                std_fit_time: std(&times),
                error: if complete {
                    None
                } else {
                    Some(
                        t.fail_reason()
                            .unwrap_or("the candidate did not complete")
                            .to_string(),
                    )
                },
            }
        })
        .collect();
    let means: Vec<f64> = out.iter().map(|c| c.mean_test_score).collect();
    let failed_rank = means.iter().filter(|m| !m.is_nan()).count() + 1;
    for (c, m) in out.iter_mut().zip(&means) {
        c.rank_test_score = if m.is_nan() {
            failed_rank
        } else {
            1 + means.iter().filter(|o| !o.is_nan() && *o > m).count()
        };
    }
    out
}
