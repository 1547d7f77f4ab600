//! [`Monitor`]: which logged quantity a callback watches and what counts as better.

use serde::{Deserialize, Serialize};

use super::TrainBegin;
use crate::{Error, Result};

/// Direction of improvement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitorMode {
    /// From the quantity: losses and errors decrease, accuracies and scores increase.
    #[default]
    Auto,
    /// Lower is better.
    Min,
    /// Higher is better.
    Max,
}

/// A monitored log key with Keras's improvement test: in min mode `current < best − |δ|`,
/// in max mode `current > best + |δ|`; anything is an improvement over no best yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Monitor {
    /// The log key, e.g. `val_loss`.
    pub key: String,
    /// The direction as configured.
    pub mode: MonitorMode,
    /// Minimum change that counts (its absolute value is used).
    pub min_delta: f64,
    higher_is_better: bool,
}

impl Monitor {
    /// A monitor for `key`; the direction is resolved by [`Monitor::resolve`].
    pub fn new(key: impl Into<String>, mode: MonitorMode, min_delta: f64) -> Monitor {
        Monitor {
            key: key.into(),
            mode,
            min_delta: min_delta.abs(),
            higher_is_better: mode == MonitorMode::Max,
        }
    }

    /// Checks that the key will be logged and fixes the direction in `Auto` mode.
    ///
    /// # Errors
    /// When the key is not among the logged keys (naming them, and saying how to get
    /// `val_` keys).
    pub fn resolve(&mut self, info: &TrainBegin, callback: &str) -> Result<()> {
        let Some(higher) = info.higher_is_better(&self.key) else {
            let hint = if self.key.starts_with("val_") {
                " (val_ keys need validation_split or validation_data)"
            } else {
                ""
            };
            return Err(Error::UnknownName {
                kind: "monitored quantity",
                name: self.key.clone(),
                context: format!(" for {callback}"),
                available: format!("{}{hint}", info.keys_text()),
            });
        };
        self.higher_is_better = match self.mode {
            MonitorMode::Auto => higher,
            MonitorMode::Min => false,
            MonitorMode::Max => true,
        };
        Ok(())
    }

    /// Whether larger values are better (after [`Monitor::resolve`]).
    pub fn higher_is_better(&self) -> bool {
        self.higher_is_better
    }

    /// Keras's `_is_improvement(current, best)` with this monitor's `min_delta`.
    pub fn is_improvement(&self, current: f64, best: Option<f64>) -> bool {
        self.beats(current, best, self.min_delta)
    }

    /// Whether `current` beats `reference` by more than `delta`.
    pub fn beats(&self, current: f64, reference: Option<f64>, delta: f64) -> bool {
        match reference {
            None => true,
            Some(b) if self.higher_is_better => current - delta > b,
            Some(b) => current + delta < b,
        }
    }
}
