//! [`BayesSearchCv`]: a cross-validated search driven by any sampler.

use gradus_tensor::Tensor;
use gradus_tune::SamplerConfig;

use crate::search_cv::{Budget, Candidates, run};
use crate::search_options_builder::search_option_setters;
use crate::{BuildEstimator, Result, SearchOptions, SearchResult, SearchSpace};

/// Sequential model-based optimisation of the cross-validation score with any sampler
/// (Optuna's `OptunaSearchCV`, scikit-optimize's `BayesSearchCV`): `n_trials` candidates
/// (default 50) from `space`, each proposed by the sampler from the scores so far — TPE by
/// default, or any [`SamplerConfig`] (random, TPE with other settings, a Gaussian process
/// where the tuner offers one). [`TpeSearchCv`](crate::TpeSearchCv) is this search with TPE.
///
/// ```
/// use gradus::{BayesSearchCv, Estimator, Params, Scoring, SearchSpace};
/// use gradus::data::KFold;
/// use gradus::nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, Verbosity};
/// use gradus::tensor::Tensor;
/// use gradus::tune::SamplerConfig;
/// let x = Tensor::column(&(0..30).map(|i| i as f32 / 10.0).collect::<Vec<_>>());
/// let y = Tensor::column(&(0..30).map(|i| 2.0 * i as f32 / 10.0 + 1.0).collect::<Vec<_>>());
/// let build = |p: &Params| -> gradus::Result<Estimator> {
///     let mut m = Sequential::new();
///     m.add(Dense::new(1));
///     m.compile(OptimizerConfig::sgd(p.f64("lr")?), LossConfig::mse(), &[])?;
///     Ok(Estimator::new(m, FitConfig::new().epochs(50).batch_size(10).verbose(Verbosity::Silent)))
/// };
/// let space = SearchSpace::new().float_log("lr", 1e-3, 0.1);
/// let result = BayesSearchCv::new(build, space)
///     .sampler(SamplerConfig::Random)
///     .n_trials(6)
///     .cv(KFold::new(3))
///     .scoring(Scoring::R2)
///     .fit(&x, &y)?;
/// assert_eq!(result.cv_results.len(), 6);
/// assert!(result.best_score > 0.9, "{}", result.best_score);
/// # Ok::<(), gradus::Error>(())
/// ```
pub struct BayesSearchCv<E: BuildEstimator> {
    estimator: E,
    space: SearchSpace,
    n_trials: usize,
    sampler: SamplerConfig,
    options: SearchOptions,
}

impl<E: BuildEstimator> BayesSearchCv<E> {
    /// A search of 50 candidates from `space` with Optuna 5's default TPE.
    pub fn new(estimator: E, space: SearchSpace) -> BayesSearchCv<E> {
        BayesSearchCv {
            estimator,
            space,
            n_trials: 50,
            sampler: SamplerConfig::default(),
            options: SearchOptions::default(),
        }
    }

    /// The number of candidates evaluated.
    pub fn n_trials(mut self, n_trials: usize) -> BayesSearchCv<E> {
        self.n_trials = n_trials;
        self
    }

    /// The sampler that proposes the candidates.
    pub fn sampler(mut self, sampler: SamplerConfig) -> BayesSearchCv<E> {
        self.sampler = sampler;
        self
    }

    /// Runs the search on `(x, y)`.
    ///
    /// # Errors
    /// As [`GridSearchCv::fit`](crate::GridSearchCv::fit), an invalid search space or
    /// sampler setting.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<SearchResult> {
        run(
            &self.estimator,
            Candidates::Space(&self.space),
            self.sampler.build()?,
            Budget {
                setting: "BayesSearchCv.n_trials",
                n_trials: self.n_trials,
            },
            &self.options,
            x,
            y,
        )
    }
}

search_option_setters!(BayesSearchCv);
