//! [`StandardScaler`]: per-column standardization to zero mean and unit variance
//! (scikit-learn's `StandardScaler`).

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::scaling::{check_columns, check_saved, column_stats, map_columns};
use crate::{Result, Scaler};

const WHAT: &str = "StandardScaler";

/// Whether to center and whether to scale (both by default), as scikit-learn's `with_mean`
/// and `with_std`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StandardScalerOptions {
    /// Subtract the column mean.
    pub with_mean: bool,
    /// Divide by the column's standard deviation.
    pub with_std: bool,
}

impl Default for StandardScalerOptions {
    fn default() -> StandardScalerOptions {
        StandardScalerOptions {
            with_mean: true,
            with_std: true,
        }
    }
}

/// A fitted standardizer: `z = (x − mean) / scale` per column.
///
/// Statistics follow scikit-learn: the mean and the population variance (`ddof = 0`) are
/// accumulated in `f64` over the training rows; `scale = sqrt(var)`, except that columns
/// whose variance is indistinguishable from zero (scikit-learn's `_is_constant_feature`
/// bound) get `scale = 1`, so they map to 0 instead of dividing by zero. Fit on the training
/// data only, then transform training, validation and test data with the same scaler.
///
/// There is no unfitted state: [`StandardScaler::fit`] returns the fitted scaler. It is
/// serde-serializable, so it can be saved next to a model and loaded for prediction.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::{Scaler, StandardScaler};
/// use gradus_tensor::Tensor;
/// // sklearn: StandardScaler().fit_transform([[1.], [2.], [3.]]).ravel()
/// //   → [-1.2247449, 0., 1.2247449]   (mean 2, var 2/3)
/// let x = Tensor::column(&[1.0, 2.0, 3.0]);
/// let (scaler, z) = StandardScaler::fit_transform(&x)?;
/// assert_eq!(z.data(), &[-1.224_744_9, 0.0, 1.224_744_9]);
/// assert_eq!(scaler.mean(), &[2.0]);
/// let back = scaler.inverse_transform(&z)?; // x again, up to f32 rounding
/// assert!(back.data().iter().zip(x.data()).all(|(a, b)| (a - b).abs() < 1e-6));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Fitted")]
pub struct StandardScaler {
    options: StandardScalerOptions,
    mean: Vec<f64>,
    var: Vec<f64>,
    scale: Vec<f64>,
    n_samples_seen: usize,
}

/// The serialized form, validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fitted {
    options: StandardScalerOptions,
    mean: Vec<f64>,
    var: Vec<f64>,
    scale: Vec<f64>,
    n_samples_seen: usize,
}

impl TryFrom<Fitted> for StandardScaler {
    type Error = String;

    fn try_from(f: Fitted) -> Result<StandardScaler, String> {
        let d = f.mean.len();
        if f.var.len() != d || f.scale.len() != d {
            return Err(format!(
                "StandardScaler: mean, var and scale must have one entry per column, got {}, {} and {}",
                d,
                f.var.len(),
                f.scale.len()
            ));
        }
        check_saved(WHAT, "mean", &f.mean, false)?;
        check_saved(WHAT, "var", &f.var, false)?;
        check_saved(WHAT, "scale", &f.scale, true)?;
        Ok(StandardScaler {
            options: f.options,
            mean: f.mean,
            var: f.var,
            scale: f.scale,
            n_samples_seen: f.n_samples_seen,
        })
    }
}

impl StandardScaler {
    /// Fits with explicit options.
    ///
    /// # Errors
    /// As [`StandardScaler::fit`].
    pub fn fit_with(options: StandardScalerOptions, x: &Tensor) -> Result<StandardScaler> {
        let stats = column_stats(WHAT, x)?;
        let n = x.rows() as f64;
        let scale = stats
            .mean
            .iter()
            .zip(&stats.var)
            .map(|(&m, &v)| {
                // sklearn's `_is_constant_feature`: the variance is within the rounding error
                // bound of the two-pass algorithm.
                let eps = f64::EPSILON;
                let bound = n * eps * v + (n * m * eps).powi(2);
                if v <= bound { 1.0 } else { v.sqrt() }
            })
            .collect();
        Ok(StandardScaler {
            options,
            mean: stats.mean,
            var: stats.var,
            scale,
            n_samples_seen: x.rows(),
        })
    }

    /// The options it was fitted with.
    pub fn options(&self) -> StandardScalerOptions {
        self.options
    }

    /// Per-column mean of the fit data.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Per-column population variance of the fit data.
    pub fn var(&self) -> &[f64] {
        &self.var
    }

    /// Per-column divisor: the standard deviation, or 1 for constant columns.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Number of columns it was fitted on.
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// Number of rows it was fitted on.
    pub fn n_samples_seen(&self) -> usize {
        self.n_samples_seen
    }

    fn center(&self) -> bool {
        self.options.with_mean
    }
}

impl Scaler for StandardScaler {
    /// Fits a centering and scaling standardizer on the rows of `x` (rows × row_len).
    ///
    /// # Errors
    /// [`Error::NoData`](crate::Error::NoData) for zero rows; [`Error::NonFiniteValue`](crate::Error::NonFiniteValue) naming the first NaN or
    /// infinite value.
    fn fit(x: &Tensor) -> Result<StandardScaler> {
        StandardScaler::fit_with(StandardScalerOptions::default(), x)
    }

    /// `(x − mean) / scale`, column by column.
    ///
    /// # Errors
    /// [`Error::ColumnMismatch`](crate::Error::ColumnMismatch) when `x` has another number of
    /// columns than the fit data;
    /// [`Error::ScaledOutOfRange`](crate::Error::ScaledOutOfRange) for a finite value that
    /// maps beyond the `f32` range.
    fn transform_in_place(&self, x: &mut Tensor) -> Result<()> {
        check_columns(WHAT, self.mean.len(), x)?;
        let (center, scale) = (self.center(), self.options.with_std);
        map_columns(WHAT, x, |c, v| {
            let v = if center { v - self.mean[c] } else { v };
            if scale { v / self.scale[c] } else { v }
        })
    }

    /// `z · scale + mean`: undoes the transform.
    ///
    /// # Errors
    /// As [`Scaler::transform_in_place`].
    fn inverse_transform_in_place(&self, z: &mut Tensor) -> Result<()> {
        check_columns(WHAT, self.mean.len(), z)?;
        let (center, scale) = (self.center(), self.options.with_std);
        map_columns(WHAT, z, |c, v| {
            let v = if scale { v * self.scale[c] } else { v };
            if center { v + self.mean[c] } else { v }
        })
    }
}
