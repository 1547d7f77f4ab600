//! [`Estimator`]: a model plus how to fit it — what a search builds for each candidate.

use gradus_nn::{FitConfig, Sequential};

use crate::{Params, Result};

/// A compiled [`Sequential`] model and the [`FitConfig`] to train it with: the unit that
/// cross-validation fits on each fold (scikit-learn's estimator, Keras's wrapper with its
/// fit parameters such as `epochs` and `batch_size`).
pub struct Estimator {
    /// The compiled model (built by `fit` on the fold's data).
    pub model: Sequential,
    /// Epochs, batch size, seed, callbacks, … for this model.
    pub fit: FitConfig,
}

impl Estimator {
    /// An estimator from a model and its fit configuration.
    pub fn new(model: Sequential, fit: FitConfig) -> Estimator {
        Estimator { model, fit }
    }
}

/// Builds a fresh estimator for a candidate's parameters; searches call it once per fold
/// and once more to refit the best candidate. Any `Fn(&Params) -> Result<Estimator> + Sync`
/// closure is one.
pub trait BuildEstimator: Sync {
    /// A new, untrained estimator for `params`.
    fn build(&self, params: &Params) -> Result<Estimator>;
}

impl<F: Fn(&Params) -> Result<Estimator> + Sync> BuildEstimator for F {
    fn build(&self, params: &Params) -> Result<Estimator> {
        self(params)
    }
}
