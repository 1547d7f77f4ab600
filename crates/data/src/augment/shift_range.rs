//! [`ShiftRange`]: how far `width_shift_range` and `height_shift_range` shift an image.

use gradus_tensor::Rng;
use serde::{Deserialize, Serialize};

use super::invalid;
use crate::Result;

/// The largest shift accepted, in pixels (and the largest choice): beyond any shift a range
/// can draw (a fraction of an image side, at most 2³² pixels), small enough that the affine
/// map of any accepted transform stays finite.
pub const MAX_SHIFT: f64 = 1e12;

/// A shift range, with Keras's three forms (`get_random_transform`, L1309–1337). Written in
/// a spec as a float, an integer or a list, as in Keras:
///
/// - `Uniform(r)` (a float): `U(−r, r)`, a fraction of the size when `r < 1`, else pixels.
/// - `Integer(n)` (an integer): a whole number of pixels from `{0, …, n − 1}`, times a
///   random sign — Keras's `np.random.choice(n)`, so 0 is twice as likely as any other
///   value and `n` itself never occurs.
/// - `Choices(v)` (a list): one of the values times a random sign; fractions of the size
///   when every value is below 1, else pixels.
///
/// Zero (or an empty list) means no shift, and then nothing is drawn.
///
/// ```
/// use gradus_data::ShiftRange;
/// let r: ShiftRange = serde_json::from_str("0.2").unwrap();
/// assert_eq!(r, ShiftRange::Uniform(0.2));
/// assert_eq!(serde_json::from_str::<ShiftRange>("4").unwrap(), ShiftRange::Integer(4));
/// let c: ShiftRange = serde_json::from_str("[0.1, 0.2]").unwrap();
/// assert_eq!(c, ShiftRange::Choices(vec![0.1, 0.2]));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ShiftRange {
    /// A whole number of pixels below `n`, times ±1.
    Integer(u32),
    /// `U(−r, r)`: a fraction of the size when `r < 1`, else pixels.
    Uniform(f64),
    /// One of the values, times ±1: fractions when all are below 1, else pixels.
    Choices(Vec<f64>),
}

impl Default for ShiftRange {
    fn default() -> ShiftRange {
        ShiftRange::Uniform(0.0)
    }
}

impl From<f64> for ShiftRange {
    fn from(r: f64) -> ShiftRange {
        ShiftRange::Uniform(r)
    }
}

impl From<u32> for ShiftRange {
    fn from(n: u32) -> ShiftRange {
        ShiftRange::Integer(n)
    }
}

impl From<Vec<f64>> for ShiftRange {
    fn from(v: Vec<f64>) -> ShiftRange {
        ShiftRange::Choices(v)
    }
}

impl From<&[f64]> for ShiftRange {
    fn from(v: &[f64]) -> ShiftRange {
        ShiftRange::Choices(v.to_vec())
    }
}

impl ShiftRange {
    /// Whether a shift is drawn at all (Keras: `if self.width_shift_range:`).
    pub fn is_active(&self) -> bool {
        match self {
            ShiftRange::Uniform(r) => *r != 0.0,
            ShiftRange::Integer(n) => *n != 0,
            ShiftRange::Choices(v) => !v.is_empty(),
        }
    }

    /// A shift in pixels for an axis of `size` pixels, drawn as Keras does (a uniform draw,
    /// or a choice then a sign); 0 without a draw when inactive.
    pub fn draw(&self, rng: &mut Rng, size: usize) -> f64 {
        if !self.is_active() {
            return 0.0;
        }
        let sign = |rng: &mut Rng| if rng.below(2) == 0 { -1.0 } else { 1.0 };
        match self {
            ShiftRange::Uniform(r) => {
                let v = rng.uniform_range(-r, *r);
                if *r < 1.0 { v * size as f64 } else { v }
            }
            ShiftRange::Integer(n) => {
                let v = rng.below(*n as usize) as f64;
                v * sign(rng)
            }
            ShiftRange::Choices(values) => {
                let v = values[rng.below(values.len())] * sign(rng);
                let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if max < 1.0 { v * size as f64 } else { v }
            }
        }
    }

    /// Checks the range; `field` names it in the error.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) for a negative or non-finite float, or a
    /// non-finite choice, or one beyond [`MAX_SHIFT`].
    pub fn validate(&self, field: &str) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v.abs() <= MAX_SHIFT;
        match self {
            ShiftRange::Uniform(r) if !(ok(*r) && *r >= 0.0) => Err(invalid(
                field,
                r,
                "a fraction of the size in [0, 1) (e.g. 0.2) or a number of pixels up to 1e12",
            )),
            ShiftRange::Choices(values) => match values.iter().position(|v| !ok(*v)) {
                Some(i) => Err(invalid(
                    &format!("{field}[{i}]"),
                    values[i],
                    "finite shifts (fractions below 1, or pixels up to 1e12)",
                )),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_follow_keras_forms() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let v = ShiftRange::Uniform(0.25).draw(&mut rng, 40);
            assert!((-10.0..10.0).contains(&v));
            let p = ShiftRange::Uniform(3.0).draw(&mut rng, 40);
            assert!((-3.0..3.0).contains(&p));
            let i = ShiftRange::Integer(3).draw(&mut rng, 40);
            assert!([-2.0, -1.0, 0.0, 1.0, 2.0].contains(&i), "{i}");
            let c = ShiftRange::Choices(vec![0.25, 0.5]).draw(&mut rng, 40);
            assert!([-20.0, -10.0, 10.0, 20.0].contains(&c), "{c}");
            let c = ShiftRange::Choices(vec![0.5, 2.0]).draw(&mut rng, 40);
            assert!([-2.0, -0.5, 0.5, 2.0].contains(&c), "{c}");
        }
        assert_eq!(ShiftRange::Choices(vec![]).draw(&mut rng, 9), 0.0);
        assert!(!ShiftRange::Integer(0).is_active());
    }

    #[test]
    fn validation_names_the_field() {
        let e = ShiftRange::Uniform(-0.1).validate("width_shift_range");
        assert!(
            e.unwrap_err()
                .to_string()
                .starts_with("invalid width_shift_range = -0.1")
        );
        let e = ShiftRange::Choices(vec![1.0, f64::NAN]).validate("height_shift_range");
        assert!(
            e.unwrap_err()
                .to_string()
                .starts_with("invalid height_shift_range[1] = NaN")
        );
        assert!(ShiftRange::Integer(u32::MAX).validate("x").is_ok());
    }
}
