//! [`FloatArg`] and [`CountArg`]: hyperparameters taken as a search suggests them.
//!
//! A tuning trial suggests floats as `f64` and integers as `i64` (Optuna's
//! `suggest_float` / `suggest_int`), while the layers and optimizers store `f32` rates and
//! `usize` counts. Constructors and setters take `impl FloatArg` / `impl CountArg`, so that a
//! suggestion goes in without a cast:
//!
//! ```
//! use gradus_nn::{Dense, Dropout, LossConfig, OptimizerConfig, Regularizer};
//! let (lr, rate, units): (f64, f64, i64) = (0.01, 0.25, 32);
//! let opt = OptimizerConfig::adam(lr).weight_decay(1e-4);
//! assert_eq!(opt.resolved_learning_rate().at(0), 0.01f32);
//! let _ = (Dense::new(units), Dropout::new(rate), Regularizer::l2(1e-4f64));
//! assert_eq!(LossConfig::huber(0.5f64), LossConfig::huber(0.5f32));
//! ```
//!
//! **Conversions.** An `f64` is rounded to the nearest `f32` (an out-of-range value becomes
//! infinite and, like NaN, is rejected where the value is validated). A count that is
//! negative or does not fit in `usize` is never an error at construction: the layer keeps
//! the value given and reports it when it is built (`Sequential::build`, `fit`), as
//! `invalid Dense.units = -3: at least 1 unit` wrapped with the layer's name — the same
//! place and form as every other invalid layer setting.

/// A floating-point hyperparameter given as `f32` or `f64`, as `suggest_float` returns it;
/// an `f64` is rounded to the nearest `f32` (out of range: infinite, rejected where the
/// value is validated).
pub trait FloatArg: Copy {
    /// The value as `f32`, rounded to nearest.
    fn to_f32(self) -> f32;
}

impl FloatArg for f32 {
    fn to_f32(self) -> f32 {
        self
    }
}

impl FloatArg for f64 {
    fn to_f32(self) -> f32 {
        self as f32
    }
}

/// A count (units, filters) given as any primitive integer, as `suggest_int` returns it; a
/// negative count or one beyond `usize` is reported when the layer is built.
pub trait CountArg: Copy + std::fmt::Display {
    /// The count, or `None` when it is negative or does not fit in `usize`.
    fn to_count(self) -> Option<usize>;
}

macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl CountArg for $t {
            fn to_count(self) -> Option<usize> {
                usize::try_from(self).ok()
            }
        }
    )*};
}
count_arg!(
    usize, u8, u16, u32, u64, u128, isize, i8, i16, i32, i64, i128
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(0.1f64.to_f32(), 0.1f32);
        assert_eq!(1e300f64.to_f32(), f32::INFINITY);
        assert!(f64::NAN.to_f32().is_nan());
        assert_eq!(32i64.to_count(), Some(32));
        assert_eq!((-1i64).to_count(), None);
        assert_eq!(i128::MAX.to_count(), None);
        assert_eq!(u64::MAX.to_count(), usize::try_from(u64::MAX).ok());
    }
}
