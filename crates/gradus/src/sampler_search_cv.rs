//! [`SamplerSearchCv`]: any tuner sampler (GP, TPE, random) scored by cross-validation.

use gradus_tensor::Tensor;
use gradus_tune::SamplerConfig;
use gradus_tune::samplers::GpConfig;

use crate::search_cv::{Budget, Candidates, run};
use crate::search_options_builder::search_option_setters;
use crate::{BuildEstimator, Result, SearchOptions, SearchResult, SearchSpace};

/// Optimisation of the cross-validation score by any sampler given as data (Optuna's
/// `OptunaSearchCV`, scikit-optimize's `BayesSearchCV`)
/// ([`SamplerConfig`]): Gaussian-process Bayesian optimisation by default
/// ([`GpSampler`](gradus_tune::GpSampler) with Optuna 5's defaults), or TPE, random search,
/// a grid. `n_trials` candidates (default 50) are evaluated; the first 10 are random for the
/// model-based samplers.
///
/// ```
/// use gradus::{Estimator, Params, SamplerSearchCv, Scoring, SearchSpace};
/// use gradus::data::KFold;
/// use gradus::nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, Verbosity};
/// use gradus::tensor::Tensor;
/// let x = Tensor::column(&(0..30).map(|i| i as f32 / 10.0).collect::<Vec<_>>());
/// let y = Tensor::column(&(0..30).map(|i| 2.0 * i as f32 / 10.0 + 1.0).collect::<Vec<_>>());
/// let build = |p: &Params| -> gradus::Result<Estimator> {
///     let mut m = Sequential::new();
///     m.add(Dense::new(1));
///     m.compile(OptimizerConfig::sgd(p.f64("lr")?), LossConfig::mse(), &[])?;
///     Ok(Estimator::new(m, FitConfig::new().epochs(50).batch_size(10).verbose(Verbosity::Silent)))
/// };
/// let space = SearchSpace::new().float_log("lr", 1e-3, 0.1);
/// let result = SamplerSearchCv::new(build, space)
///     .sampler("random".parse()?)
///     .n_trials(6)
///     .cv(KFold::new(3))
///     .scoring(Scoring::R2)
///     .fit(&x, &y)?;
/// assert_eq!(result.cv_results.len(), 6);
/// assert!(result.best_score > 0.9, "{}", result.best_score);
/// # Ok::<(), gradus::Error>(())
/// ```
pub struct SamplerSearchCv<E: BuildEstimator> {
    estimator: E,
    space: SearchSpace,
    n_trials: usize,
    sampler: SamplerConfig,
    options: SearchOptions,
}

impl<E: BuildEstimator> SamplerSearchCv<E> {
    /// A search of 50 candidates from `space` with the GP sampler's defaults.
    pub fn new(estimator: E, space: SearchSpace) -> SamplerSearchCv<E> {
        SamplerSearchCv {
            estimator,
            space,
            n_trials: 50,
            sampler: SamplerConfig::Gp(GpConfig::default()),
            options: SearchOptions::default(),
        }
    }

    /// The number of candidates evaluated.
    pub fn n_trials(mut self, n_trials: usize) -> SamplerSearchCv<E> {
        self.n_trials = n_trials;
        self
    }

    /// The sampler (e.g. `"tpe".parse()?` or `SamplerConfig::Gp(..)`).
    pub fn sampler(mut self, sampler: SamplerConfig) -> SamplerSearchCv<E> {
        self.sampler = sampler;
        self
    }

    /// Runs the optimisation on `(x, y)`.
    ///
    /// # Errors
    /// As [`GridSearchCv::fit`](crate::GridSearchCv::fit), an invalid search space or
    /// sampler setting.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<SearchResult> {
        let sampler = self.sampler.build()?;
        run(
            &self.estimator,
            Candidates::Space(&self.space),
            sampler,
            Budget {
                setting: "SamplerSearchCv.n_trials",
                n_trials: self.n_trials,
            },
            &self.options,
            x,
            y,
        )
    }
}

search_option_setters!(SamplerSearchCv);
