//! [`LearningRate`] and [`LearningRateSchedule`]: a constant rate or a function of the step.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A learning rate: a constant, or a schedule evaluated at the optimizer's step count.
/// In a spec: `learning_rate = 0.01` or `learning_rate = { exponential_decay = { … } }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LearningRate {
    /// A fixed rate.
    Constant(f32),
    /// A rate that changes with the step.
    Schedule(LearningRateSchedule),
}

impl LearningRate {
    /// The rate at `step` (the number of updates done so far, from 0).
    pub fn at(&self, step: u64) -> f32 {
        match self {
            LearningRate::Constant(lr) => *lr,
            LearningRate::Schedule(s) => s.at(step),
        }
    }

    /// Checks that every rate the schedule can produce is finite and non-negative.
    pub fn validate(&self) -> Result<()> {
        match self {
            LearningRate::Constant(lr) if !(lr.is_finite() && *lr >= 0.0) => Err(Error::config(
                "optimizer.learning_rate",
                lr,
                "a finite rate ≥ 0",
            )),
            LearningRate::Constant(_) => Ok(()),
            LearningRate::Schedule(s) => s.validate(),
        }
    }
}

impl From<f32> for LearningRate {
    fn from(lr: f32) -> LearningRate {
        LearningRate::Constant(lr)
    }
}

impl From<f64> for LearningRate {
    /// A constant rate, rounded to the nearest `f32` (a tuning suggestion is `f64`).
    fn from(lr: f64) -> LearningRate {
        LearningRate::Constant(lr as f32)
    }
}

impl From<LearningRateSchedule> for LearningRate {
    fn from(s: LearningRateSchedule) -> LearningRate {
        LearningRate::Schedule(s)
    }
}

/// Learning-rate schedules with Keras's formulas (`step` counts optimizer updates, from 0).
///
/// ```
/// use gradus_nn::LearningRateSchedule;
/// let s = LearningRateSchedule::ExponentialDecay {
///     initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: false,
/// };
/// assert!((s.at(20) - 0.025).abs() < 1e-8);
/// let p = LearningRateSchedule::PiecewiseConstantDecay {
///     boundaries: vec![100, 200], values: vec![1.0, 0.5, 0.1],
/// };
/// assert_eq!((p.at(100), p.at(101), p.at(500)), (1.0, 0.5, 0.1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LearningRateSchedule {
    /// `lr = initial · rate^(step / decay_steps)`, the exponent floored with `staircase`.
    ExponentialDecay {
        /// Rate at step 0.
        initial_learning_rate: f32,
        /// Steps per decay period.
        decay_steps: u64,
        /// Factor per period.
        decay_rate: f32,
        /// Decay in whole periods.
        #[serde(default)]
        staircase: bool,
    },
    /// `values[0]` while `step ≤ boundaries[0]`, `values[i]` while
    /// `boundaries[i−1] < step ≤ boundaries[i]`, the last value after.
    PiecewiseConstantDecay {
        /// Increasing step boundaries.
        boundaries: Vec<u64>,
        /// One more value than boundaries.
        values: Vec<f32>,
    },
    /// Cosine decay with optional linear warm-up: during `warmup_steps` the rate goes
    /// linearly from `initial_learning_rate` to `warmup_target`, then decays from the target
    /// (or from the initial rate without warm-up) as
    /// `lr · ((1 − α) · ½(1 + cos(π · min(s, decay_steps)/decay_steps)) + α)`.
    CosineDecay {
        /// Rate at step 0.
        initial_learning_rate: f32,
        /// Steps of the cosine part.
        decay_steps: u64,
        /// Floor as a fraction of the peak rate (default 0).
        #[serde(default)]
        alpha: f32,
        /// Peak rate reached after warm-up (no warm-up when absent).
        #[serde(default)]
        warmup_target: Option<f32>,
        /// Steps of linear warm-up (default 0).
        #[serde(default)]
        warmup_steps: u64,
    },
}

impl LearningRateSchedule {
    /// The learning rate at `step`.
    pub fn at(&self, step: u64) -> f32 {
        match self {
            LearningRateSchedule::ExponentialDecay {
                initial_learning_rate,
                decay_steps,
                decay_rate,
                staircase,
            } => {
                let mut p = step as f64 / *decay_steps as f64;
                if *staircase {
                    p = p.floor();
                }
                (*initial_learning_rate as f64 * (*decay_rate as f64).powf(p)) as f32
            }
            LearningRateSchedule::PiecewiseConstantDecay { boundaries, values } => {
                let i = boundaries.iter().take_while(|&&b| step > b).count();
                values[i]
            }
            LearningRateSchedule::CosineDecay {
                initial_learning_rate,
                decay_steps,
                alpha,
                warmup_target,
                warmup_steps,
            } => {
                let decay = |s: u64, peak: f32| {
                    let done = s.min(*decay_steps) as f64 / *decay_steps as f64;
                    let cosine = 0.5 * (1.0 + (std::f64::consts::PI * done).cos());
                    (peak as f64 * ((1.0 - *alpha as f64) * cosine + *alpha as f64)) as f32
                };
                match warmup_target {
                    None => decay(step, *initial_learning_rate),
                    Some(target) if step < *warmup_steps => {
                        let f = step as f32 / *warmup_steps as f32;
                        (target - initial_learning_rate) * f + initial_learning_rate
                    }
                    Some(target) => decay(step - warmup_steps, *target),
                }
            }
        }
    }

    fn validate(&self) -> Result<()> {
        let bad = |field: &str, value: String, expected: &str| {
            Err(Error::config(
                format!("learning_rate.{field}"),
                value,
                expected,
            ))
        };
        match self {
            LearningRateSchedule::ExponentialDecay { decay_steps: 0, .. }
            | LearningRateSchedule::CosineDecay { decay_steps: 0, .. } => {
                bad("decay_steps", "0".into(), "at least 1 step")
            }
            LearningRateSchedule::PiecewiseConstantDecay { boundaries, values }
                if values.len() != boundaries.len() + 1 =>
            {
                bad(
                    "values",
                    format!(
                        "{} values for {} boundaries",
                        values.len(),
                        boundaries.len()
                    ),
                    "exactly one more value than boundaries",
                )
            }
            LearningRateSchedule::PiecewiseConstantDecay { boundaries, .. }
                if boundaries.windows(2).any(|w| w[0] >= w[1]) =>
            {
                bad(
                    "boundaries",
                    format!("{boundaries:?}"),
                    "strictly increasing steps",
                )
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Keras formulas in NumPy:
    // 0.1*0.96**(25/10) = 0.09029798987795908; staircase: 0.1*0.96**2 = 0.09216
    // cosine: 0.5*(1+cos(pi*30/100)) = 0.79389263; 0.01*((1-0.1)*0.79389263+0.1) = 0.00814503
    // warm-up: step 5 of 10 from 0 to 0.02 -> 0.01; step 40 -> decay(30) from 0.02 with alpha 0:
    //   0.02*0.79389263 = 0.01587785
    #[test]
    fn schedules_match_keras_formulas() {
        let exp = |staircase| LearningRateSchedule::ExponentialDecay {
            initial_learning_rate: 0.1,
            decay_steps: 10,
            decay_rate: 0.96,
            staircase,
        };
        assert!((exp(false).at(25) - 0.090_297_99).abs() < 1e-7);
        assert!((exp(true).at(25) - 0.092_16).abs() < 1e-7);
        let cos = LearningRateSchedule::CosineDecay {
            initial_learning_rate: 0.01,
            decay_steps: 100,
            alpha: 0.1,
            warmup_target: None,
            warmup_steps: 0,
        };
        assert!((cos.at(30) - 0.008_145_03).abs() < 1e-8);
        assert!((cos.at(1000) - 0.001).abs() < 1e-9);
        let warm = LearningRateSchedule::CosineDecay {
            initial_learning_rate: 0.0,
            decay_steps: 100,
            alpha: 0.0,
            warmup_target: Some(0.02),
            warmup_steps: 10,
        };
        assert!((warm.at(5) - 0.01).abs() < 1e-9);
        assert!((warm.at(40) - 0.015_877_85).abs() < 1e-8);
    }

    #[test]
    fn invalid_schedules_are_rejected() {
        let p = LearningRate::Schedule(LearningRateSchedule::PiecewiseConstantDecay {
            boundaries: vec![10],
            values: vec![1.0],
        });
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "invalid learning_rate.values = 1 values for 1 boundaries: exactly one more value than boundaries"
        );
        assert!(LearningRate::Constant(-0.1).validate().is_err());
        assert!(LearningRate::Constant(f32::NAN).validate().is_err());
    }
}
