//! Parameter distributions: the search space of one parameter.
//!
//! Any finite bounds are accepted, up to `[−f64::MAX, f64::MAX]` and `[i64::MIN, i64::MAX]`:
//! range arithmetic never overflows ([`grid`] works in halves for floats and in `i128` for
//! ints). The one range that is refused is a stepped float range of more than 2^53 points.

pub(crate) mod grid;
mod spec;
mod values;

pub use spec::DistributionSpec;

use crate::error::{Error, Result};
use crate::param::ParamValue;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The distribution a parameter is drawn from.
///
/// Bounds are inclusive and given in natural space, also for log scales (`Float { low: 1e-5,
/// high: 1.0, log: true, .. }`). Build them with the validating constructors, named as
/// [`Trial`](crate::Trial)'s `suggest_*` methods and taking the parameter's name first for
/// their errors: [`Distribution::float`], [`float_log`](Distribution::float_log),
/// [`float_step`](Distribution::float_step), [`int`](Distribution::int),
/// [`int_log`](Distribution::int_log), [`int_step`](Distribution::int_step),
/// [`categorical`](Distribution::categorical); a distribution written as data (`log` and
/// `step` read from a file) goes through [`Distribution::validated`]. A stepped range whose
/// width is not a multiple of the step has `high` lowered to the last step, as Optuna does.
///
/// ```
/// use gradus_tune::Distribution;
/// let lr = Distribution::float_log("lr", 1e-5, 1.0)?;
/// let units = Distribution::int_step("units", 16, 250, 16)?;
/// assert_eq!(units, Distribution::Int { low: 16, high: 240, log: false, step: 16 });
/// let e = Distribution::float_log("lr", 0.0, 1.0).unwrap_err();
/// assert!(e.to_string().starts_with("parameter `lr`: a log scale needs low > 0"));
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Distribution {
    /// A real number in `[low, high]`, optionally on a log scale or on the grid
    /// `low, low + step, …`.
    Float {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Log scale (needs `low > 0`, no step).
        log: bool,
        /// Grid step.
        step: Option<f64>,
    },
    /// An integer in `[low, high]` on the grid `low, low + step, …`, optionally on a log scale
    /// (needs `low ≥ 1` and `step = 1`).
    Int {
        /// Lower bound.
        low: i64,
        /// Upper bound.
        high: i64,
        /// Log scale.
        log: bool,
        /// Grid step (≥ 1).
        step: i64,
    },
    /// One of a list of typed values.
    Categorical {
        /// The choices, in order; samplers work with their indices internally.
        choices: Vec<ParamValue>,
    },
}

impl Distribution {
    /// A float uniform on `[low, high]` (Optuna's `FloatDistribution(low, high)`); `name`
    /// only serves the error messages.
    ///
    /// # Errors
    /// [`Error::NonFiniteBound`] for a NaN or infinite bound, [`Error::LowGreaterThanHigh`].
    pub fn float(name: &str, low: f64, high: f64) -> Result<Self> {
        Self::checked_float(name, low, high, false, None)
    }

    /// A float log-uniform on `[low, high]`, bounds in natural space (`log=True`).
    ///
    /// # Errors
    /// As [`Distribution::float`], and [`Error::LogNonPositiveLow`] for `low ≤ 0`.
    pub fn float_log(name: &str, low: f64, high: f64) -> Result<Self> {
        Self::checked_float(name, low, high, true, None)
    }

    /// A float on the grid `low, low + step, …, ≤ high` (`step=…`); a `high` off the grid is
    /// lowered to the last grid point, as Optuna does.
    ///
    /// # Errors
    /// As [`Distribution::float`]; [`Error::NonPositiveStep`] for a step that is not positive
    /// and finite, [`Error::StepLargerThanRange`], and [`Error::TooManySteps`] for a grid of
    /// more than 2^53 points.
    pub fn float_step(name: &str, low: f64, high: f64, step: f64) -> Result<Self> {
        Self::checked_float(name, low, high, false, Some(step))
    }

    /// An integer uniform on `[low, high]`.
    ///
    /// # Errors
    /// [`Error::LowGreaterThanHigh`].
    pub fn int(name: &str, low: i64, high: i64) -> Result<Self> {
        Self::checked_int(name, low, high, false, 1)
    }

    /// An integer log-uniform on `[low, high]` (`log=True`).
    ///
    /// # Errors
    /// As [`Distribution::int`], and [`Error::LogNonPositiveLow`] for `low < 1`.
    pub fn int_log(name: &str, low: i64, high: i64) -> Result<Self> {
        Self::checked_int(name, low, high, true, 1)
    }

    /// An integer on the grid `low, low + step, …, ≤ high`; a `high` off the grid is lowered
    /// to the last grid point, as Optuna does.
    ///
    /// # Errors
    /// As [`Distribution::int`]; [`Error::NonPositiveStep`] for `step < 1`,
    /// [`Error::StepLargerThanRange`].
    pub fn int_step(name: &str, low: i64, high: i64, step: i64) -> Result<Self> {
        Self::checked_int(name, low, high, false, step)
    }

    /// One of `choices`, in order. Float choices must be finite.
    ///
    /// # Errors
    /// [`Error::EmptyChoices`], [`Error::NonFiniteValue`].
    pub fn categorical(name: &str, choices: Vec<ParamValue>) -> Result<Self> {
        check_choices(name, &choices)?;
        Ok(Distribution::Categorical { choices })
    }

    /// A distribution written as data (a literal, a deserialized one, `log` and `step` read
    /// from a file) as its constructor builds it: checked, with a stepped `high` lowered to
    /// the grid.
    ///
    /// ```
    /// use gradus_tune::Distribution;
    /// let d = Distribution::Int { low: 0, high: 10, log: false, step: 3 }.validated("n")?;
    /// assert_eq!(d, Distribution::int_step("n", 0, 10, 3)?);
    /// let e = Distribution::Float { low: 1.0, high: 2.0, log: true, step: Some(0.5) }.validated("x");
    /// assert!(e.unwrap_err().to_string().contains("parameter `x`"));
    /// # Ok::<(), gradus_tune::Error>(())
    /// ```
    ///
    /// # Errors
    /// The constructors' errors, naming `name`; [`Error::LogWithStep`] for a float with
    /// both, or an int with `log` and a step other than 1.
    pub fn validated(self, name: &str) -> Result<Self> {
        match self.normalized(name)? {
            Cow::Owned(d) => Ok(d),
            Cow::Borrowed(_) => Ok(self),
        }
    }

    /// Checks that float bounds are finite and ordered.
    ///
    /// # Errors
    /// [`Error::NonFiniteBound`] or [`Error::LowGreaterThanHigh`], naming `name`.
    pub fn check_bounds(name: &str, low: f64, high: f64) -> Result<()> {
        if !low.is_finite() || !high.is_finite() {
            return Err(Error::NonFiniteBound {
                name: name.into(),
                low,
                high,
            });
        }
        if low > high {
            return Err(Error::LowGreaterThanHigh {
                name: name.into(),
                low,
                high,
            });
        }
        Ok(())
    }

    /// The float checks of every constructor: finite bounds, `low ≤ high`, `low > 0` on a log
    /// scale, no step on a log scale, a positive step no wider than the range and of at most
    /// 2^53 points; `high` lowered to the grid.
    fn checked_float(
        name: &str,
        low: f64,
        high: f64,
        log: bool,
        step: Option<f64>,
    ) -> Result<Self> {
        Distribution::check_bounds(name, low, high)?;
        if log && low <= 0.0 {
            return Err(Error::LogNonPositiveLow {
                name: name.into(),
                low,
            });
        }
        let mut high = high;
        if let Some(step) = step {
            if log {
                return Err(Error::LogWithStep { name: name.into() });
            }
            if !(step > 0.0 && step.is_finite()) {
                return Err(Error::NonPositiveStep {
                    name: name.into(),
                    step,
                });
            }
            // Within 1e-9 steps of one step counts as one (as adjust_high rounds), so that a
            // range lowered to low + step validates again.
            let steps = grid::steps_in(low, high, step);
            if high > low && steps + 1e-9 < 1.0 {
                return Err(Error::StepLargerThanRange {
                    name: name.into(),
                    low,
                    high,
                    step,
                });
            }
            if steps > grid::MAX_FLOAT_STEPS {
                return Err(Error::TooManySteps {
                    name: name.into(),
                    low,
                    high,
                    step,
                    min_step: step * (steps / grid::MAX_FLOAT_STEPS),
                });
            }
            high = adjust_high(low, high, step);
        }
        Ok(Distribution::Float {
            low,
            high,
            log,
            step,
        })
    }

    /// The integer checks of every constructor: `low ≤ high`, `low ≥ 1` and step 1 on a log
    /// scale, a positive step no wider than the range; `high` lowered to the grid.
    fn checked_int(name: &str, low: i64, high: i64, log: bool, step: i64) -> Result<Self> {
        if low > high {
            return Err(Error::LowGreaterThanHigh {
                name: name.into(),
                low: low as f64,
                high: high as f64,
            });
        }
        if log && low < 1 {
            return Err(Error::LogNonPositiveLow {
                name: name.into(),
                low: low as f64,
            });
        }
        if step < 1 {
            return Err(Error::NonPositiveStep {
                name: name.into(),
                step: step as f64,
            });
        }
        if log && step != 1 {
            return Err(Error::LogWithStep { name: name.into() });
        }
        let width = i128::from(high) - i128::from(low);
        if i128::from(step) > width && width > 0 {
            return Err(Error::StepLargerThanRange {
                name: name.into(),
                low: low as f64,
                high: high as f64,
                step: step as f64,
            });
        }
        let high = grid::int_grid_point(low, grid::int_steps(low, high, step), step);
        Ok(Distribution::Int {
            low,
            high,
            log,
            step,
        })
    }

    /// Checks a distribution that did not come from the constructors (built as a literal or
    /// deserialized): the constructors' checks, without copying the choices.
    pub fn validate(&self, name: &str) -> Result<()> {
        self.normalized(name).map(drop)
    }

    /// The distribution as its constructor builds it (a stepped `high` lowered to the grid),
    /// or the constructor's error; categorical choices are checked, not copied.
    pub(crate) fn normalized(&self, name: &str) -> Result<Cow<'_, Distribution>> {
        match *self {
            Distribution::Float {
                low,
                high,
                log,
                step,
            } => Distribution::checked_float(name, low, high, log, step).map(Cow::Owned),
            Distribution::Int {
                low,
                high,
                log,
                step,
            } => Distribution::checked_int(name, low, high, log, step).map(Cow::Owned),
            Distribution::Categorical { ref choices } => {
                check_choices(name, choices).map(|()| Cow::Borrowed(self))
            }
        }
    }

    /// Checks that `other` may share a parameter name with `self` across trials: same kind,
    /// same log flag and, for categoricals, the same choices (ranges may differ, as in Optuna).
    pub fn check_compatible(&self, name: &str, other: &Distribution) -> Result<()> {
        let ok = match (self, other) {
            (Distribution::Float { log: a, .. }, Distribution::Float { log: b, .. }) => a == b,
            (Distribution::Int { log: a, .. }, Distribution::Int { log: b, .. }) => a == b,
            (
                Distribution::Categorical { choices: a },
                Distribution::Categorical { choices: b },
            ) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y)),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::IncompatibleDistribution {
                name: name.into(),
                existing: self.to_string(),
                requested: other.to_string(),
            })
        }
    }
}

/// Choices are at least one, and finite where they are floats.
fn check_choices(name: &str, choices: &[ParamValue]) -> Result<()> {
    if choices.is_empty() {
        return Err(Error::EmptyChoices { name: name.into() });
    }
    check_finite(name, choices)
}

/// Values that storages can record: no NaN or infinite float (JSON has neither).
pub(crate) fn check_finite<'a>(
    name: &str,
    values: impl IntoIterator<Item = &'a ParamValue>,
) -> Result<()> {
    match values.into_iter().find_map(|v| match *v {
        ParamValue::Float(x) if !x.is_finite() => Some(x),
        _ => None,
    }) {
        Some(value) => Err(Error::NonFiniteValue {
            name: name.into(),
            value,
        }),
        None => Ok(()),
    }
}

/// `high` lowered to the last point of the grid `low + k·step`; a `high` within
/// `1e-9 · max(|high|, step)` of that point is kept as given (rounding error). The tolerance
/// follows the step for ranges below 1: an absolute 1e-9 kept off-grid highs of ranges of
/// width 1e-10 and less.
fn adjust_high(low: f64, high: f64, step: f64) -> f64 {
    let k = (grid::steps_in(low, high, step) + 1e-9).floor();
    let adjusted = grid::grid_point(low, k, step);
    if (adjusted - high).abs() <= 1e-9 * high.abs().max(step) {
        high
    } else {
        adjusted
    }
}

impl fmt::Display for Distribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distribution::Float {
                low,
                high,
                log,
                step,
            } => {
                write!(f, "float [{low}, {high}]")?;
                if *log {
                    f.write_str(" log")?;
                }
                if let Some(s) = step {
                    write!(f, " step {s}")?;
                }
                Ok(())
            }
            Distribution::Int {
                low,
                high,
                log,
                step,
            } => {
                write!(f, "int [{low}, {high}]")?;
                if *log {
                    f.write_str(" log")?;
                }
                if *step != 1 {
                    write!(f, " step {step}")?;
                }
                Ok(())
            }
            Distribution::Categorical { choices } => {
                f.write_str("categorical {")?;
                for (i, c) in choices.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_ranges_are_errors_that_say_so() {
        let e = Distribution::float("x", 2.0, 1.0).unwrap_err();
        assert!(matches!(e, Error::LowGreaterThanHigh { .. }), "{e}");
        let e = Distribution::float_log("lr", 0.0, 1.0).unwrap_err();
        assert!(e.to_string().contains("log scale needs low > 0"), "{e}");
        let e = Distribution::float_step("x", 0.0, 1.0, 2.0).unwrap_err();
        assert!(matches!(e, Error::StepLargerThanRange { .. }), "{e}");
        let e = Distribution::float_step("x", 0.0, 1.0, 0.0).unwrap_err();
        assert!(matches!(e, Error::NonPositiveStep { .. }), "{e}");
        let e = Distribution::Float {
            low: 1.0,
            high: 2.0,
            log: true,
            step: Some(0.5),
        }
        .validated("x")
        .unwrap_err();
        assert!(matches!(e, Error::LogWithStep { .. }), "{e}");
        let e = Distribution::float("x", f64::NAN, 2.0).unwrap_err();
        assert!(matches!(e, Error::NonFiniteBound { .. }), "{e}");
        let e = Distribution::int_log("n", 0, 10).unwrap_err();
        assert!(matches!(e, Error::LogNonPositiveLow { .. }), "{e}");
        let e = Distribution::Int {
            low: 1,
            high: 10,
            log: true,
            step: 2,
        }
        .validated("n")
        .unwrap_err();
        assert!(matches!(e, Error::LogWithStep { .. }), "{e}");
        let e = Distribution::int_step("n", 0, 3, 4).unwrap_err();
        assert!(matches!(e, Error::StepLargerThanRange { .. }), "{e}");
        let e = Distribution::int_step("n", 0, 3, 0).unwrap_err();
        assert!(matches!(e, Error::NonPositiveStep { .. }), "{e}");
        let e = Distribution::categorical("act", vec![]).unwrap_err();
        assert!(matches!(e, Error::EmptyChoices { .. }), "{e}");
    }

    #[test]
    fn stepped_high_is_lowered_to_the_grid() {
        let d = Distribution::int_step("n", 0, 10, 3).unwrap();
        assert_eq!(
            d,
            Distribution::Int {
                low: 0,
                high: 9,
                log: false,
                step: 3
            }
        );
        let d = Distribution::float_step("x", 0.0, 1.0, 0.3).unwrap();
        let Distribution::Float { high, .. } = d else {
            unreachable!()
        };
        assert!((high - 0.9).abs() < 1e-12, "{high}");
        // Exact multiples stay as given despite floating-point division error.
        let d = Distribution::float_step("x", 0.0, 0.3, 0.1).unwrap();
        assert_eq!(
            d,
            Distribution::Float {
                low: 0.0,
                high: 0.3,
                log: false,
                step: Some(0.1)
            }
        );
        // A single-valued range accepts any positive step.
        assert!(
            Distribution::float_step("x", 1.0, 1.0, 5.0)
                .unwrap()
                .is_single()
        );
    }

    #[test]
    fn compatibility_allows_new_ranges_but_not_new_kinds() {
        let a = Distribution::float("x", 0.0, 1.0).unwrap();
        let b = Distribution::float("x", 0.0, 5.0).unwrap();
        let c = Distribution::float_log("x", 0.1, 5.0).unwrap();
        let d = Distribution::int("x", 0, 5).unwrap();
        assert!(a.check_compatible("x", &b).is_ok());
        assert!(a.check_compatible("x", &c).is_err());
        assert!(a.check_compatible("x", &d).is_err());
    }

    #[test]
    fn serde_names_the_kind() {
        let d = Distribution::int_log("n", 1, 8).unwrap();
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"type":"int","low":1,"high":8,"log":true,"step":1}"#
        );
        assert_eq!(d.to_string(), "int [1, 8] log");
    }
}
