//! [`GridSearchCv`]: every point of a parameter grid, scored by cross-validation.

use gradus_tensor::Tensor;
use gradus_tune::GridSampler;

use crate::search_cv::{Budget, Candidates, run};
use crate::search_options_builder::search_option_setters;
use crate::{BuildEstimator, ParamGrid, Result, SearchOptions, SearchResult};

/// Exhaustive search over a [`ParamGrid`] with scikit-learn's `GridSearchCV` meaning: each
/// candidate is cross-validated with the same folds, the best mean score wins, and with
/// `refit` the best candidate is trained on all the data.
///
/// Built on the tuner: a [`GridSampler`] study (in a seeded order), so `n_jobs` candidates
/// run in parallel, each with single-threaded math.
///
/// ```
/// use gradus::{Estimator, GridSearchCv, ParamGrid, Params, Scoring};
/// use gradus::data::KFold;
/// use gradus::nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, Verbosity};
/// use gradus::tensor::Tensor;
/// let x = Tensor::column(&(0..24).map(|i| i as f32 / 8.0).collect::<Vec<_>>());
/// let y = Tensor::column(&(0..24).map(|i| 1.0 - i as f32 / 8.0).collect::<Vec<_>>());
/// let build = |p: &Params| -> gradus::Result<Estimator> {
///     let mut m = Sequential::new();
///     m.add(Dense::new(1));
///     m.compile(OptimizerConfig::sgd(p.f64("learning_rate")?), LossConfig::mse(), &[])?;
///     let fit = FitConfig::new().epochs(20).batch_size(p.usize("batch_size")?).verbose(Verbosity::Silent);
///     Ok(Estimator::new(m, fit))
/// };
/// let grid = ParamGrid::new().param("learning_rate", &[0.0001, 0.1]).param("batch_size", &[4, 8]);
/// let result = GridSearchCv::new(build, grid).cv(KFold::new(3)).scoring(Scoring::NegMeanSquaredError).fit(&x, &y)?;
/// assert_eq!(result.cv_results.len(), 4);
/// assert_eq!(result.best_params.f64("learning_rate")?, 0.1);
/// assert!(result.best_model.is_some());
/// # Ok::<(), gradus::Error>(())
/// ```
pub struct GridSearchCv<E: BuildEstimator> {
    estimator: E,
    grid: ParamGrid,
    options: SearchOptions,
}

impl<E: BuildEstimator> GridSearchCv<E> {
    /// A search over `grid` for models built by `estimator`, with default options.
    pub fn new(estimator: E, grid: ParamGrid) -> GridSearchCv<E> {
        GridSearchCv {
            estimator,
            grid,
            options: SearchOptions::default(),
        }
    }

    /// Cross-validates every grid point on `(x, y)`.
    ///
    /// # Errors
    /// An empty grid, folds that do not fit the data, or every candidate failing (the
    /// first error is quoted). A single failing candidate is recorded in `cv_results` and
    /// ranked last, as scikit-learn's `error_score=nan`.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<SearchResult> {
        let sampler = GridSampler::new(self.grid.0.clone())?;
        let n = self.grid.len();
        run(
            &self.estimator,
            Candidates::Grid(&self.grid),
            sampler,
            Budget {
                setting: "the grid size",
                n_trials: n,
            },
            &self.options,
            x,
            y,
        )
    }
}

search_option_setters!(GridSearchCv);
