//! Callbacks: code that sees each epoch's logs and returns a decision as a value.
//!
//! A [`Callback`] never holds a reference to the model. `fit` calls it with the epoch's
//! [`Logs`] and a shared view of the model (to snapshot or save weights), and applies the
//! [`Control`] it returns: continue, stop, or set a new learning rate. At the end of
//! training a callback may hand back [`Weights`] to restore (EarlyStopping's
//! `restore_best_weights`).

mod callback_config;
mod csv_logger;
mod early_stopping;
mod model_checkpoint;
mod monitor;
mod progress;
mod reduce_lr_on_plateau;

use std::collections::BTreeMap;

pub use callback_config::{
    CallbackConfig, CsvLoggerConfig, EarlyStoppingConfig, ModelCheckpointConfig,
    ReduceLrOnPlateauConfig,
};
pub use csv_logger::CsvLogger;
pub use early_stopping::EarlyStopping;
pub use model_checkpoint::ModelCheckpoint;
pub use monitor::{Monitor, MonitorMode};
pub use progress::{ProgressLogger, Verbosity};
pub use reduce_lr_on_plateau::ReduceLrOnPlateau;

use crate::{Result, Sequential, Weights};

/// One epoch's values: `loss`, the metrics, `val_` versions on validation data, and
/// whatever callbacks add (`learning_rate`).
pub type Logs = BTreeMap<String, f64>;

/// What a callback asks `fit` to do after an epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop training after this epoch.
    Stop,
    /// Use this constant learning rate from now on.
    SetLearningRate(f32),
}

/// What a callback learns when training starts.
#[derive(Clone, Debug)]
pub struct TrainBegin {
    /// Number of epochs `fit` will run at most.
    pub epochs: usize,
    /// Index of the first epoch (non-zero when resuming).
    pub initial_epoch: usize,
    /// Batches per epoch.
    pub steps_per_epoch: usize,
    /// Training samples.
    pub samples: usize,
    /// Keys the epoch logs will hold, with whether larger is better for each.
    pub log_keys: Vec<(String, bool)>,
}

impl TrainBegin {
    /// Whether larger values of `key` are better, if the key will be logged.
    pub fn higher_is_better(&self, key: &str) -> Option<bool> {
        self.log_keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, h)| *h)
    }

    /// The logged keys, comma-separated (for error messages).
    pub fn keys_text(&self) -> String {
        let keys: Vec<&str> = self.log_keys.iter().map(|(k, _)| k.as_str()).collect();
        keys.join(", ")
    }
}

/// Code run by `fit` at the end of each epoch (and optionally at other points).
///
/// Only [`on_epoch_end`](Callback::on_epoch_end) is required.
pub trait Callback: Send {
    /// Training starts. Check the configuration against what will be logged here.
    fn on_train_begin(&mut self, _info: &TrainBegin) -> Result<()> {
        Ok(())
    }

    /// An epoch starts.
    fn on_epoch_begin(&mut self, _epoch: usize) {}

    /// A batch ended; `values` are the running means of `names` over the epoch so far.
    fn on_batch_end(&mut self, _batch: usize, _names: &[String], _values: &[f64]) {}

    /// An epoch ended with `logs`; returns what training should do next.
    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &Sequential) -> Result<Control>;

    /// Training ended; returns weights the model should take, if any.
    fn on_train_end(&mut self, _model: &Sequential) -> Result<Option<Weights>> {
        Ok(None)
    }
}
