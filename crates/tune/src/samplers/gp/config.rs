//! GP sampler settings: Optuna 5's `GPSampler()` defaults.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How the observation noise of the GP is treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GpNoise {
    /// The noise variance is a hyperparameter fitted with the others (Optuna's default,
    /// `deterministic_objective=False`).
    #[default]
    Fitted,
    /// The noise variance is fixed at its floor, 1e-6 (Optuna's
    /// `deterministic_objective=True`): the GP interpolates the observations.
    Deterministic,
}

/// The most Sobol points of the acquisition sweep: 2^16 (the Sobol generator's limit).
pub const MAX_PRELIMINARY_SAMPLES: usize = 1 << 16;

/// Settings of [`super::GpSampler`]. `Default` is Optuna 5's `GPSampler()`.
///
/// ```
/// use gradus_tune::samplers::{GpConfig, GpNoise};
/// let c: GpConfig = serde_json::from_str(r#"{"n_startup_trials": 5, "noise": "deterministic"}"#).unwrap();
/// assert_eq!(c, GpConfig { n_startup_trials: 5, noise: GpNoise::Deterministic, ..GpConfig::default() });
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GpConfig {
    /// Complete trials sampled at random before the GP starts (10).
    pub n_startup_trials: usize,
    /// Fitted or fixed observation noise (fitted).
    pub noise: GpNoise,
    /// Scrambled-Sobol points of the acquisition sweep (2048; 1 to
    /// [`MAX_PRELIMINARY_SAMPLES`]).
    pub n_preliminary_samples: usize,
    /// Local searches of the acquisition optimisation (10; at least 1).
    pub n_local_search: usize,
}

impl Default for GpConfig {
    fn default() -> Self {
        GpConfig {
            n_startup_trials: 10,
            noise: GpNoise::Fitted,
            n_preliminary_samples: 2048,
            n_local_search: 10,
        }
    }
}

impl GpConfig {
    /// Checks the ranges of the settings.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the setting and its valid range.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_PRELIMINARY_SAMPLES).contains(&self.n_preliminary_samples) {
            return Err(Error::InvalidConfig {
                name: "n_preliminary_samples",
                reason: format!(
                    "{} is out of range: give 1 to {MAX_PRELIMINARY_SAMPLES} (Optuna uses 2048)",
                    self.n_preliminary_samples
                ),
            });
        }
        if self.n_local_search == 0 {
            return Err(Error::InvalidConfig {
                name: "n_local_search",
                reason: "0 local searches: give at least 1 (Optuna uses 10)".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let c = GpConfig::default();
        assert_eq!((c.n_startup_trials, c.noise), (10, GpNoise::Fitted));
        assert!(c.validate().is_ok());
        let bad = GpConfig {
            n_preliminary_samples: 0,
            ..c.clone()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("n_preliminary_samples")
        );
        let bad = GpConfig {
            n_local_search: 0,
            ..c
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("at least 1")
        );
    }
}
