//! [`RandomizedSearchCv`]: `n_iter` random candidates, scored by cross-validation.

use gradus_tensor::Tensor;
use gradus_tune::RandomSampler;

use crate::search_cv::{Budget, Candidates, run};
use crate::search_options_builder::search_option_setters;
use crate::{BuildEstimator, Result, SearchOptions, SearchResult, SearchSpace};

/// Random search with scikit-learn's `RandomizedSearchCV` meaning: `n_iter` candidates
/// (default 10) drawn independently from a [`SearchSpace`] with the search's seed, each
/// cross-validated with the same folds.
///
/// ```no_run
/// use gradus::{RandomizedSearchCv, Scoring, SearchSpace};
/// # fn build(_: &gradus::Params) -> gradus::Result<gradus::Estimator> { unimplemented!() }
/// # let (x, y) = (gradus::tensor::Tensor::zeros(&[1, 1]), gradus::tensor::Tensor::zeros(&[1, 1]));
/// let space = SearchSpace::new().float_log("learning_rate", 1e-4, 1e-1).categorical("batch_size", &[10, 20]);
/// let result = RandomizedSearchCv::new(build, space).n_iter(5).scoring(Scoring::NegMeanSquaredError).fit(&x, &y)?;
/// println!("Best: {} using {}", result.best_score, result.best_params);
/// # Ok::<(), gradus::Error>(())
/// ```
pub struct RandomizedSearchCv<E: BuildEstimator> {
    estimator: E,
    space: SearchSpace,
    n_iter: usize,
    options: SearchOptions,
}

impl<E: BuildEstimator> RandomizedSearchCv<E> {
    /// A search of 10 candidates from `space`.
    pub fn new(estimator: E, space: SearchSpace) -> RandomizedSearchCv<E> {
        RandomizedSearchCv {
            estimator,
            space,
            n_iter: 10,
            options: SearchOptions::default(),
        }
    }

    /// The number of candidates.
    pub fn n_iter(mut self, n_iter: usize) -> RandomizedSearchCv<E> {
        self.n_iter = n_iter;
        self
    }

    /// Cross-validates `n_iter` random candidates on `(x, y)`.
    ///
    /// # Errors
    /// As [`GridSearchCv::fit`](crate::GridSearchCv::fit), or an invalid search space.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<SearchResult> {
        let space = Candidates::Space(&self.space);
        run(
            &self.estimator,
            space,
            RandomSampler,
            Budget {
                setting: "RandomizedSearchCv.n_iter",
                n_trials: self.n_iter,
            },
            &self.options,
            x,
            y,
        )
    }
}

search_option_setters!(RandomizedSearchCv);
