//! [`CallbackConfig`]: the built-in callbacks as data, for [`FitOptions`](crate::FitOptions)
//! and a spec file's `[[fit.callbacks]]`.

use serde::{Deserialize, Serialize};

use super::{Callback, CsvLogger, EarlyStopping, ModelCheckpoint, MonitorMode, ReduceLrOnPlateau};

/// A built-in callback as plain data, with Keras's argument names and defaults. `fit` builds
/// a fresh callback from each config when training starts, so one
/// [`FitOptions`](crate::FitOptions) serves any number of `fit` calls (cross-validation
/// folds, trials) without state leaking between them.
///
/// In TOML (`type` names the callback; omitted fields take Keras's defaults):
///
/// ```toml
/// [[fit.callbacks]]
/// type = "early_stopping"
/// monitor = "val_loss"
/// patience = 5
/// restore_best_weights = true
/// ```
///
/// ```
/// use gradus_nn::CallbackConfig;
/// let c: CallbackConfig = serde_json::from_str(
///     r#"{"type": "early_stopping", "monitor": "val_loss", "patience": 5}"#).unwrap();
/// let CallbackConfig::EarlyStopping(es) = &c else { unreachable!() };
/// assert_eq!((es.patience, es.restore_best_weights), (5, false));
/// let _callback = c.build(); // a Box<dyn Callback>
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CallbackConfig {
    /// [`EarlyStopping`].
    EarlyStopping(EarlyStoppingConfig),
    /// [`ReduceLrOnPlateau`] (`reduce_lr_on_plateau`).
    ReduceLrOnPlateau(ReduceLrOnPlateauConfig),
    /// [`CsvLogger`].
    CsvLogger(CsvLoggerConfig),
    /// [`ModelCheckpoint`].
    ModelCheckpoint(ModelCheckpointConfig),
}

impl CallbackConfig {
    /// A new callback with this configuration (its state starts empty).
    pub fn build(&self) -> Box<dyn Callback> {
        match self {
            CallbackConfig::EarlyStopping(c) => {
                let mut es = EarlyStopping::new(&c.monitor)
                    .min_delta(c.min_delta)
                    .patience(c.patience)
                    .mode(c.mode)
                    .restore_best_weights(c.restore_best_weights)
                    .start_from_epoch(c.start_from_epoch)
                    .verbose(c.verbose);
                if let Some(b) = c.baseline {
                    es = es.baseline(b);
                }
                Box::new(es)
            }
            CallbackConfig::ReduceLrOnPlateau(c) => Box::new(
                ReduceLrOnPlateau::new(&c.monitor)
                    .factor(c.factor)
                    .patience(c.patience)
                    .min_delta(c.min_delta)
                    .cooldown(c.cooldown)
                    .min_lr(c.min_lr)
                    .mode(c.mode)
                    .verbose(c.verbose),
            ),
            CallbackConfig::CsvLogger(c) => Box::new(
                CsvLogger::new(&c.filename)
                    .separator(c.separator)
                    .append(c.append),
            ),
            CallbackConfig::ModelCheckpoint(c) => {
                let mut mc = ModelCheckpoint::new(c.filepath.clone())
                    .monitor(&c.monitor)
                    .mode(c.mode)
                    .save_best_only(c.save_best_only)
                    .verbose(c.verbose);
                if let Some(t) = c.initial_value_threshold {
                    mc = mc.initial_value_threshold(t);
                }
                Box::new(mc)
            }
        }
    }
}

fn val_loss() -> String {
    "val_loss".to_owned()
}

/// Keras's `EarlyStopping(monitor="val_loss", min_delta=0, patience=0, mode="auto",
/// baseline=None, restore_best_weights=False, start_from_epoch=0)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EarlyStoppingConfig {
    /// The log key watched (default `val_loss`).
    pub monitor: String,
    /// Smallest change that counts as an improvement.
    pub min_delta: f64,
    /// Epochs without improvement before stopping.
    pub patience: usize,
    /// Direction of improvement.
    pub mode: MonitorMode,
    /// Stop unless the quantity beats this value within `patience` epochs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// Restore the best epoch's weights when training ends.
    pub restore_best_weights: bool,
    /// Epochs to wait before watching.
    pub start_from_epoch: usize,
    /// Print a line when stopping.
    pub verbose: bool,
}

impl Default for EarlyStoppingConfig {
    fn default() -> EarlyStoppingConfig {
        EarlyStoppingConfig {
            monitor: val_loss(),
            min_delta: 0.0,
            patience: 0,
            mode: MonitorMode::Auto,
            baseline: None,
            restore_best_weights: false,
            start_from_epoch: 0,
            verbose: false,
        }
    }
}

/// Keras's `ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, mode="auto",
/// min_delta=1e-4, cooldown=0, min_lr=0)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReduceLrOnPlateauConfig {
    /// The log key watched (default `val_loss`).
    pub monitor: String,
    /// Factor the rate is multiplied by, in `(0, 1)`.
    pub factor: f32,
    /// Epochs without improvement before reducing.
    pub patience: usize,
    /// Direction of improvement.
    pub mode: MonitorMode,
    /// Smallest change that counts as an improvement.
    pub min_delta: f64,
    /// Epochs to wait after a reduction.
    pub cooldown: usize,
    /// Lower bound of the rate.
    pub min_lr: f32,
    /// Print a line when reducing.
    pub verbose: bool,
}

impl Default for ReduceLrOnPlateauConfig {
    fn default() -> ReduceLrOnPlateauConfig {
        ReduceLrOnPlateauConfig {
            monitor: val_loss(),
            factor: 0.1,
            patience: 10,
            mode: MonitorMode::Auto,
            min_delta: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
            verbose: false,
        }
    }
}

/// Keras's `CSVLogger(filename, separator=",", append=False)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvLoggerConfig {
    /// The CSV file written (required).
    pub filename: String,
    /// Field separator.
    #[serde(default = "comma")]
    pub separator: char,
    /// Append to an existing file instead of replacing it.
    #[serde(default)]
    pub append: bool,
}

fn comma() -> char {
    ','
}

/// Keras's `ModelCheckpoint(filepath, monitor="val_loss", mode="auto",
/// save_best_only=False, initial_value_threshold=None)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelCheckpointConfig {
    /// Directory template, e.g. `ckpt/epoch{epoch:02}` (required).
    pub filepath: String,
    /// The log key watched (default `val_loss`).
    #[serde(default = "val_loss")]
    pub monitor: String,
    /// Direction of improvement.
    #[serde(default)]
    pub mode: MonitorMode,
    /// Save only when the monitored quantity improves.
    #[serde(default)]
    pub save_best_only: bool,
    /// Save only below (min) or above (max) this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value_threshold: Option<f64>,
    /// Print a line per save.
    #[serde(default)]
    pub verbose: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_keras_and_unknown_fields_are_refused() {
        let c: CallbackConfig =
            serde_json::from_str(r#"{"type": "reduce_lr_on_plateau"}"#).unwrap();
        assert_eq!(
            c,
            CallbackConfig::ReduceLrOnPlateau(ReduceLrOnPlateauConfig::default())
        );
        let e =
            serde_json::from_str::<CallbackConfig>(r#"{"type": "early_stopping", "patiense": 3}"#)
                .unwrap_err();
        assert!(e.to_string().contains("unknown field `patiense`"), "{e}");
        let e = serde_json::from_str::<CallbackConfig>(r#"{"type": "csv_logger"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `filename`"), "{e}");
        let c = CallbackConfig::EarlyStopping(EarlyStoppingConfig {
            baseline: Some(0.5),
            ..Default::default()
        });
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<CallbackConfig>(&text).unwrap(), c);
    }
}
