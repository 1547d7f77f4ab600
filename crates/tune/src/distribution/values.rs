//! Values of a distribution: the internal representation samplers work in, membership, and
//! the conversions between recorded values and samplers' numbers.
//!
//! Internally a float is itself, an int its `f64` (exact up to 2^53) and a categorical value
//! its choice index. Membership and conversions of ints are done on the `i64` itself wherever
//! a value is at hand, so ints beyond 2^53 are never rounded to a neighbour.

use super::{Distribution, grid};
use crate::param::ParamValue;

impl Distribution {
    /// True when the distribution has exactly one value (samplers skip such parameters).
    pub fn is_single(&self) -> bool {
        match self {
            Distribution::Float { low, high, .. } => low == high,
            Distribution::Int { low, high, .. } => low == high,
            Distribution::Categorical { choices } => choices.len() == 1,
        }
    }

    /// The internal representation used by samplers: the number itself for numeric
    /// distributions, the choice index for categorical ones. `None` when the value does not
    /// fit the kind, as Optuna's `to_internal_repr` refuses it: a string for a number, NaN, a
    /// non-positive value on a log scale, a fractional int, a value that is not a choice.
    pub fn to_internal(&self, value: &ParamValue) -> Option<f64> {
        match *self {
            Distribution::Float { log, .. } => {
                value.as_f64().filter(|&x| !(x.is_nan() || log && x <= 0.0))
            }
            Distribution::Int { log, .. } => value
                .as_i64()
                .filter(|&i| !(log && i < 1))
                .map(|i| i as f64),
            Distribution::Categorical { ref choices } => choices
                .iter()
                .position(|c| c.same_as(value))
                .map(|i| i as f64),
        }
    }

    /// The value for an internal representation: the float, the rounded int (saturated into
    /// `i64`), the choice at the rounded index. `None` for NaN or an index that is no choice.
    pub fn from_internal(&self, x: f64) -> Option<ParamValue> {
        if x.is_nan() {
            return None;
        }
        match self {
            Distribution::Float { .. } => Some(ParamValue::Float(x)),
            Distribution::Int { .. } => Some(ParamValue::Int(x.round() as i64)),
            Distribution::Categorical { choices } => {
                let i = x.round();
                (i >= 0.0 && i < choices.len() as f64).then(|| choices[i as usize].clone())
            }
        }
    }

    /// Whether an internal value lies in the distribution (on its grid, for stepped ones: within
    /// 1e-8 steps, as Optuna, or the rounding error of `low + k·step` when that is larger).
    pub fn contains(&self, x: f64) -> bool {
        match *self {
            Distribution::Float {
                low, high, step, ..
            } => {
                if !(low <= x && x <= high) {
                    return false;
                }
                match step {
                    None => true,
                    Some(s) => {
                        // Optuna's |k − round(k)| < 1e-8, widened by the rounding error of
                        // x = low + k·s when k is large (4ε·(|low| + |x|)/s).
                        let k = grid::steps_in(low, x, s);
                        let rounding = 4.0 * f64::EPSILON * (low.abs() / s + x.abs() / s);
                        (k - k.round()).abs() < rounding.max(1e-8)
                    }
                }
            }
            Distribution::Int {
                low, high, step, ..
            } => {
                x.fract() == 0.0
                    && (low as f64) <= x
                    && x <= (high as f64)
                    && grid::int_on_grid(low, high, step, x as i64)
            }
            Distribution::Categorical { ref choices } => {
                x.fract() == 0.0 && x >= 0.0 && x < choices.len() as f64
            }
        }
    }

    /// Whether a recorded value lies in the distribution: of the right kind, in range and on
    /// the grid (ints are checked exactly, also beyond 2^53).
    pub fn contains_value(&self, value: &ParamValue) -> bool {
        match *self {
            Distribution::Int {
                low, high, step, ..
            } => value
                .as_i64()
                .is_some_and(|i| grid::int_on_grid(low, high, step, i)),
            _ => self.to_internal(value).is_some_and(|x| self.contains(x)),
        }
    }

    /// A value of the right kind converted to the distribution's own type: a float for float
    /// distributions, an int for int ones, the matching choice for categoricals. This is
    /// `from_internal(to_internal(v))` without the detour through `f64` that would round ints
    /// beyond 2^53. `None` when `to_internal` refuses the value.
    pub(crate) fn normalize(&self, value: &ParamValue) -> Option<ParamValue> {
        let x = self.to_internal(value)?;
        match self {
            Distribution::Float { .. } => Some(ParamValue::Float(x)),
            Distribution::Int { .. } => value.as_i64().map(ParamValue::Int),
            Distribution::Categorical { choices } => choices.get(x as usize).cloned(),
        }
    }

    /// The member of the distribution nearest to a sampler's internal number `x`: clamped
    /// into `[low, high]` for floats, the nearest grid point in exact integer arithmetic for
    /// ints, the choice at the rounded, clamped index. `None` only for a categorical with no
    /// choice.
    pub(crate) fn value_near(&self, x: f64) -> Option<ParamValue> {
        match *self {
            Distribution::Float { low, high, .. } => Some(ParamValue::Float(if x.is_nan() {
                low
            } else {
                x.max(low).min(high)
            })),
            Distribution::Int {
                low, high, step, ..
            } => Some(ParamValue::Int(grid::nearest_int_on_grid(
                low, high, step, x,
            ))),
            Distribution::Categorical { ref choices } => {
                let last = choices.len().checked_sub(1)?;
                let i = if x.is_nan() { 0.0 } else { x.round() };
                choices.get((i.max(0.0) as usize).min(last)).cloned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn internal_representation_round_trips() {
        let d = Distribution::categorical("a", vec!["relu".into(), "tanh".into()]).unwrap();
        assert_eq!(d.to_internal(&"tanh".into()), Some(1.0));
        assert_eq!(d.to_internal(&"gelu".into()), None);
        assert_eq!(d.from_internal(1.0), Some(ParamValue::from("tanh")));
        assert_eq!(d.from_internal(2.0), None);
        let d = Distribution::int_step("n", 1, 9, 2).unwrap();
        assert!(d.contains(5.0) && !d.contains(4.0) && !d.contains(11.0));
        assert_eq!(d.from_internal(4.9999), Some(ParamValue::Int(5)));
        let d = Distribution::float_step("x", 0.0, 1.0, 0.25).unwrap();
        assert!(d.contains(0.75) && !d.contains(0.7));
    }

    // Optuna's to_internal_repr raises for NaN and for non-positive values on a log scale.
    #[test]
    fn nan_and_non_positive_log_values_do_not_fit() {
        let x = Distribution::float("x", 0.0, 1.0).unwrap();
        assert_eq!(x.to_internal(&ParamValue::Float(f64::NAN)), None);
        assert_eq!(
            x.to_internal(&ParamValue::Float(f64::INFINITY)),
            Some(f64::INFINITY)
        );
        assert!(!x.contains_value(&ParamValue::Float(f64::INFINITY)));
        let lr = Distribution::float_log("lr", 1e-5, 1.0).unwrap();
        assert_eq!(lr.to_internal(&ParamValue::Float(0.0)), None);
        let n = Distribution::int_log("n", 1, 8).unwrap();
        assert_eq!(n.to_internal(&ParamValue::Int(0)), None);
        assert_eq!(n.to_internal(&ParamValue::Int(20)), Some(20.0));
    }

    #[test]
    fn ints_beyond_2_pow_53_are_exact() {
        let big = (1i64 << 62) + 1;
        let d = Distribution::int_step("n", 1, i64::MAX, 2).unwrap();
        assert!(d.contains_value(&ParamValue::Int(big)));
        assert!(!d.contains_value(&ParamValue::Int(big + 1)));
        assert_eq!(
            d.normalize(&ParamValue::Int(big)),
            Some(ParamValue::Int(big))
        );
        assert_eq!(d.value_near(big as f64), Some(ParamValue::Int(big)));
        let full = Distribution::int("m", i64::MIN, i64::MAX).unwrap();
        assert_eq!(full.value_near(f64::MAX), Some(ParamValue::Int(i64::MAX)));
        assert_eq!(full.value_near(-f64::MAX), Some(ParamValue::Int(i64::MIN)));
        assert!(full.contains(i64::MIN as f64) && full.contains_value(&ParamValue::Int(i64::MAX)));
    }

    #[test]
    fn value_near_clamps_into_the_distribution() {
        let x = Distribution::float("x", -1.0, 1.0).unwrap();
        assert_eq!(x.value_near(5.0), Some(ParamValue::Float(1.0)));
        assert_eq!(x.value_near(f64::NAN), Some(ParamValue::Float(-1.0)));
        let c = Distribution::categorical("c", vec![1.into(), 2.into()]).unwrap();
        assert_eq!(c.value_near(7.0), Some(ParamValue::Int(2)));
        assert_eq!(c.value_near(-3.0), Some(ParamValue::Int(1)));
        let empty = Distribution::Categorical { choices: vec![] };
        assert_eq!(empty.value_near(0.0), None);
        assert_eq!(empty.from_internal(0.0), None);
    }

    #[test]
    fn non_finite_choices_are_refused() {
        let e = Distribution::categorical("c", vec![1.into(), f64::NAN.into()]).unwrap_err();
        assert!(matches!(e, Error::NonFiniteValue { .. }), "{e}");
        let literal = Distribution::Categorical {
            choices: vec![f64::INFINITY.into()],
        };
        assert!(literal.validate("c").is_err());
    }
}
