//! [`TpeSearchCv`]: Bayesian optimisation with TPE, scored by cross-validation.

use gradus_tensor::Tensor;
use gradus_tune::{TpeConfig, TpeSampler};

use crate::search_cv::{Budget, Candidates, run};
use crate::search_options_builder::search_option_setters;
use crate::{BuildEstimator, Result, SearchOptions, SearchResult, SearchSpace};

/// Bayesian optimisation of the cross-validation score with the Tree-structured Parzen
/// Estimator (hyperopt's `fmin(tpe.suggest, max_evals)`), using Optuna 5's TPE by default:
/// `max_evals` candidates (default 50), the first 10 random, then each proposed from the
/// scores so far. Unlike hyperopt, the result holds the chosen values themselves (never
/// indices of choices), integers stay integers and log ranges take natural bounds.
///
/// ```no_run
/// use gradus::{Scoring, SearchSpace, TpeSearchCv};
/// # fn build(_: &gradus::Params) -> gradus::Result<gradus::Estimator> { unimplemented!() }
/// # let (x, y) = (gradus::tensor::Tensor::zeros(&[1, 1]), gradus::tensor::Tensor::zeros(&[1, 1]));
/// let space = SearchSpace::new()
///     .float_log("learning_rate", (-5.0f64).exp(), 1.0)
///     .categorical("batch_size", &[10, 20, 30]);
/// let result = TpeSearchCv::new(build, space).max_evals(50).scoring(Scoring::NegMeanSquaredError).fit(&x, &y)?;
/// println!("Best: {} using {}", result.best_score, result.best_params);
/// # Ok::<(), gradus::Error>(())
/// ```
pub struct TpeSearchCv<E: BuildEstimator> {
    estimator: E,
    space: SearchSpace,
    max_evals: usize,
    tpe: TpeConfig,
    options: SearchOptions,
}

impl<E: BuildEstimator> TpeSearchCv<E> {
    /// A search of 50 candidates from `space` with Optuna 5's default TPE.
    pub fn new(estimator: E, space: SearchSpace) -> TpeSearchCv<E> {
        TpeSearchCv {
            estimator,
            space,
            max_evals: 50,
            tpe: TpeConfig::default(),
            options: SearchOptions::default(),
        }
    }

    /// The number of candidates evaluated.
    pub fn max_evals(mut self, max_evals: usize) -> TpeSearchCv<E> {
        self.max_evals = max_evals;
        self
    }

    /// The TPE settings (e.g. `TpeConfig::watanabe_recommended()`).
    pub fn tpe(mut self, tpe: TpeConfig) -> TpeSearchCv<E> {
        self.tpe = tpe;
        self
    }

    /// Runs the optimisation on `(x, y)`.
    ///
    /// # Errors
    /// As [`GridSearchCv::fit`](crate::GridSearchCv::fit), an invalid search space or TPE
    /// setting.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<SearchResult> {
        let sampler = TpeSampler::new(self.tpe.clone())?;
        let space = Candidates::Space(&self.space);
        run(
            &self.estimator,
            space,
            sampler,
            Budget {
                setting: "TpeSearchCv.max_evals",
                n_trials: self.max_evals,
            },
            &self.options,
            x,
            y,
        )
    }
}

search_option_setters!(TpeSearchCv);
