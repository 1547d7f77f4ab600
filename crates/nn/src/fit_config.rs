//! [`FitOptions`] (how `fit` trains, as data: Keras's `fit` arguments) and [`FitConfig`]
//! (the options plus what cannot be data: callbacks and validation tensors).

use std::sync::Arc;

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::callbacks::{Callback, CallbackConfig, Verbosity};
use crate::{Error, Result};

/// How `fit` trains, as Keras's `fit` arguments that are plain values — the part of a
/// [`FitConfig`] a spec file holds (`[fit]` in TOML; unknown keys are refused).
///
/// `batch_size` chooses the gradient-descent flavour: a value ≥ the number of training rows
/// is full-batch gradient descent, 1 is stochastic gradient descent, anything between is
/// mini-batch.
///
/// ```
/// use gradus_nn::{FitConfig, FitOptions};
/// let options: FitOptions = serde_json::from_str(r#"{"epochs": 50, "batch_size": 16}"#).unwrap();
/// assert_eq!((options.epochs, options.batch_size, options.shuffle), (50, 16, true));
/// let config = FitConfig::from(options); // add callbacks and validation data with its builder
/// assert_eq!(config.options.epochs, 50);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// Index of the last epoch (exclusive), as Keras (default 1).
    pub epochs: usize,
    /// Rows per gradient step (default 32).
    pub batch_size: usize,
    /// Shuffle the training rows before each epoch (default true). Epoch `e`'s order is a
    /// function of `(seed, e)`, so resuming with `initial_epoch` repeats it exactly.
    pub shuffle: bool,
    /// Seed of the shuffling and, when `fit` builds the model, of the initial weights and
    /// dropout masks (default 0).
    pub seed: u64,
    /// Fraction of rows held out for validation, taken from the **end** of `x` and `y`
    /// before any shuffling, as Keras (default 0).
    pub validation_split: f32,
    /// How much to print (default: a progress bar).
    pub verbose: Verbosity,
    /// Epoch to start at, when resuming (default 0).
    pub initial_epoch: usize,
    /// Batches per epoch when training on a [`BatchSource`](crate::BatchSource) (default:
    /// one pass over the source). Epochs then take consecutive batches across passes, as
    /// Keras does with `steps_per_epoch`.
    pub steps_per_epoch: Option<usize>,
    /// Batches of the validation source evaluated after each epoch (default: all).
    pub validation_steps: Option<usize>,
    /// Built-in callbacks as data (default none); `fit` builds fresh ones from them at
    /// each call and runs them before [`FitConfig::callbacks`]. In TOML:
    /// `[[fit.callbacks]]` tables with `type = "early_stopping"` and Keras's arguments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<CallbackConfig>,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            epochs: 1,
            batch_size: 32,
            shuffle: true,
            seed: 0,
            validation_split: 0.0,
            verbose: Verbosity::ProgressBar,
            initial_epoch: 0,
            steps_per_epoch: None,
            validation_steps: None,
            callbacks: Vec::new(),
        }
    }
}

/// Everything `fit` takes besides the data: the [`FitOptions`] and the runtime extras —
/// callbacks and validation tensors (shared, not copied: a search that trains many
/// candidates on the same validation data passes `Arc`s).
///
/// ```
/// use gradus_nn::{EarlyStopping, FitConfig, Verbosity};
/// let cfg = FitConfig::new()
///     .epochs(100)
///     .batch_size(16)
///     .validation_split(0.2)
///     .seed(42)
///     .callback(EarlyStopping::new("val_loss").patience(3))
///     .verbose(Verbosity::Silent);
/// assert_eq!(cfg.options.batch_size, 16);
/// ```
#[derive(Default)]
pub struct FitConfig {
    /// The plain-value options.
    pub options: FitOptions,
    /// Validation data; takes precedence over `validation_split`.
    pub validation_data: Option<(Arc<Tensor>, Arc<Tensor>)>,
    /// Callbacks, run in order after the progress logger.
    pub callbacks: Vec<Box<dyn Callback>>,
}

impl From<FitOptions> for FitConfig {
    fn from(options: FitOptions) -> FitConfig {
        FitConfig {
            options,
            ..FitConfig::default()
        }
    }
}

impl FitConfig {
    /// Keras's defaults.
    pub fn new() -> FitConfig {
        FitConfig::default()
    }

    /// Sets the number of epochs.
    pub fn epochs(mut self, epochs: usize) -> FitConfig {
        self.options.epochs = epochs;
        self
    }

    /// Sets the batch size.
    pub fn batch_size(mut self, batch_size: usize) -> FitConfig {
        self.options.batch_size = batch_size;
        self
    }

    /// Sets shuffling.
    pub fn shuffle(mut self, shuffle: bool) -> FitConfig {
        self.options.shuffle = shuffle;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> FitConfig {
        self.options.seed = seed;
        self
    }

    /// Holds out the last `fraction` of the rows for validation.
    pub fn validation_split(mut self, fraction: f32) -> FitConfig {
        self.options.validation_split = fraction;
        self
    }

    /// Validates on `(x, y)` after each epoch: tensors, or `Arc`s shared between fits.
    pub fn validation_data(
        mut self,
        x: impl Into<Arc<Tensor>>,
        y: impl Into<Arc<Tensor>>,
    ) -> FitConfig {
        self.validation_data = Some((x.into(), y.into()));
        self
    }

    /// Adds a callback.
    pub fn callback(mut self, callback: impl Callback + 'static) -> FitConfig {
        self.callbacks.push(Box::new(callback));
        self
    }

    /// Sets the verbosity.
    pub fn verbose(mut self, verbose: Verbosity) -> FitConfig {
        self.options.verbose = verbose;
        self
    }

    /// Sets the first epoch index (to resume a run).
    pub fn initial_epoch(mut self, epoch: usize) -> FitConfig {
        self.options.initial_epoch = epoch;
        self
    }

    /// Sets the batches per epoch (for training on a source).
    pub fn steps_per_epoch(mut self, steps: usize) -> FitConfig {
        self.options.steps_per_epoch = Some(steps);
        self
    }

    /// Sets the validation batches per epoch (for a validation source).
    pub fn validation_steps(mut self, steps: usize) -> FitConfig {
        self.options.validation_steps = Some(steps);
        self
    }
}

impl FitOptions {
    /// Checks the options: positive `batch_size`, `steps_per_epoch` and
    /// `validation_steps`, `validation_split` in [0, 1), `initial_epoch ≤ epochs`.
    ///
    /// # Errors
    /// [`Error::Config`] naming the field (`FitOptions.batch_size`, …) and what would fit.
    pub fn validate(&self) -> Result<()> {
        for (field, steps) in [
            ("steps_per_epoch", self.steps_per_epoch),
            ("validation_steps", self.validation_steps),
        ] {
            if steps == Some(0) {
                return Err(Error::config(
                    format!("FitOptions.{field}"),
                    0,
                    "at least 1 batch, or None for one pass over the source",
                ));
            }
        }
        if self.batch_size == 0 {
            return Err(Error::config(
                "FitOptions.batch_size",
                0,
                "at least 1 (1 is SGD; ≥ the number of rows is full-batch gradient descent)",
            ));
        }
        if !(0.0..1.0).contains(&self.validation_split) {
            return Err(Error::config(
                "FitOptions.validation_split",
                self.validation_split,
                "a fraction in [0, 1)",
            ));
        }
        if self.initial_epoch > self.epochs {
            return Err(Error::config(
                "FitOptions.initial_epoch",
                self.initial_epoch,
                format!("at most epochs = {}", self.epochs),
            ));
        }
        Ok(())
    }
}
