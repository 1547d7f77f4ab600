//! [`MinMaxScaler`]: per-column rescaling to a range (scikit-learn's `MinMaxScaler`).

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::scaling::{check_columns, check_saved, column_stats, map_columns};
use crate::{Error, Result, Scaler};

const WHAT: &str = "MinMaxScaler";

/// Target range and clipping, as scikit-learn's `feature_range` and `clip`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MinMaxOptions {
    /// `(low, high)` that the training minimum and maximum map to, `low < high` within the
    /// `f32` range; default `(0, 1)`.
    pub feature_range: (f64, f64),
    /// Clip transformed values into `feature_range` (for data beyond the training range);
    /// default `false`.
    pub clip: bool,
}

impl Default for MinMaxOptions {
    fn default() -> MinMaxOptions {
        MinMaxOptions {
            feature_range: (0.0, 1.0),
            clip: false,
        }
    }
}

/// A fitted min-max scaler: `x · scale + min` per column, with
/// `scale = (high − low) / (data_max − data_min)` and `min = low − data_min · scale`.
///
/// As in scikit-learn, a constant column (range below ten times the `f32` machine epsilon)
/// gets a range of 1, so it maps to `low` rather than dividing by zero. Fit on training data
/// only; serde-serializable to be saved with a model.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::{MinMaxScaler, Scaler};
/// use gradus_tensor::Tensor;
/// // sklearn: MinMaxScaler().fit_transform([[1., 5.], [3., 5.], [5., 5.]])
/// //   → [[0., 0.], [0.5, 0.], [1., 0.]]
/// let x = Tensor::from_rows(&[vec![1.0, 5.0], vec![3.0, 5.0], vec![5.0, 5.0]])?;
/// let (scaler, z) = MinMaxScaler::fit_transform(&x)?;
/// assert_eq!(z.data(), &[0.0, 0.0, 0.5, 0.0, 1.0, 0.0]);
/// assert_eq!(scaler.data_max(), &[5.0, 5.0]);
/// assert_eq!(scaler.inverse_transform(&z)?, x);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Fitted")]
pub struct MinMaxScaler {
    options: MinMaxOptions,
    data_min: Vec<f64>,
    data_max: Vec<f64>,
    scale: Vec<f64>,
    min: Vec<f64>,
}

/// The serialized form, validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fitted {
    options: MinMaxOptions,
    data_min: Vec<f64>,
    data_max: Vec<f64>,
    scale: Vec<f64>,
    min: Vec<f64>,
}

impl TryFrom<Fitted> for MinMaxScaler {
    type Error = String;

    fn try_from(f: Fitted) -> Result<MinMaxScaler, String> {
        let d = f.scale.len();
        if [f.data_min.len(), f.data_max.len(), f.min.len()] != [d; 3] {
            return Err(
                "MinMaxScaler: data_min, data_max, scale and min must have one \
                        entry per column"
                    .to_owned(),
            );
        }
        check_range(f.options.feature_range).map_err(|e| e.to_string())?;
        check_saved(WHAT, "data_min", &f.data_min, false)?;
        check_saved(WHAT, "data_max", &f.data_max, false)?;
        check_saved(WHAT, "scale", &f.scale, true)?;
        check_saved(WHAT, "min", &f.min, false)?;
        Ok(MinMaxScaler {
            options: f.options,
            data_min: f.data_min,
            data_max: f.data_max,
            scale: f.scale,
            min: f.min,
        })
    }
}

/// Checks that `(low, high)` is an interval of `f32` values: the transformed data is `f32`.
fn check_range((low, high): (f64, f64)) -> Result<()> {
    let max = f64::from(f32::MAX);
    if !(low < high && low >= -max && high <= max) {
        return Err(Error::InvalidOption(format!(
            "MinMaxScaler: feature_range must be (low, high) with low < high, both within the \
             32-bit float range (±3.4e38); got ({low}, {high})"
        )));
    }
    Ok(())
}

impl MinMaxScaler {
    /// Fits with explicit options.
    ///
    /// # Errors
    /// As [`MinMaxScaler::fit`], and [`Error::InvalidOption`] unless `low < high`, both
    /// within the `f32` range.
    pub fn fit_with(options: MinMaxOptions, x: &Tensor) -> Result<MinMaxScaler> {
        check_range(options.feature_range)?;
        let stats = column_stats(WHAT, x)?;
        let (low, high) = options.feature_range;
        let scale: Vec<f64> = stats
            .min
            .iter()
            .zip(&stats.max)
            .map(|(&lo, &hi)| {
                let range = hi - lo;
                let range = if range < 10.0 * f64::from(f32::EPSILON) {
                    1.0
                } else {
                    range
                };
                (high - low) / range
            })
            .collect();
        let min = stats
            .min
            .iter()
            .zip(&scale)
            .map(|(&lo, &s)| low - lo * s)
            .collect();
        Ok(MinMaxScaler {
            options,
            data_min: stats.min,
            data_max: stats.max,
            scale,
            min,
        })
    }

    /// The options it was fitted with.
    pub fn options(&self) -> MinMaxOptions {
        self.options
    }

    /// Per-column minimum of the fit data.
    pub fn data_min(&self) -> &[f64] {
        &self.data_min
    }

    /// Per-column maximum of the fit data.
    pub fn data_max(&self) -> &[f64] {
        &self.data_max
    }

    /// Per-column factor.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Per-column offset added after scaling.
    pub fn min(&self) -> &[f64] {
        &self.min
    }

    /// Number of columns it was fitted on.
    pub fn n_features(&self) -> usize {
        self.scale.len()
    }
}

impl Scaler for MinMaxScaler {
    /// Fits a scaler to `(0, 1)` on the rows of `x`.
    ///
    /// # Errors
    /// [`Error::NoData`] for zero rows; [`Error::NonFiniteValue`] naming the first NaN or
    /// infinite value.
    fn fit(x: &Tensor) -> Result<MinMaxScaler> {
        MinMaxScaler::fit_with(MinMaxOptions::default(), x)
    }

    /// `x · scale + min`, column by column (clipped to the range when `clip`).
    ///
    /// # Errors
    /// [`Error::ColumnMismatch`] when `x` has another number of columns than the fit data;
    /// [`Error::ScaledOutOfRange`] for a finite value that maps beyond the `f32` range.
    fn transform_in_place(&self, x: &mut Tensor) -> Result<()> {
        check_columns(WHAT, self.scale.len(), x)?;
        let (low, high) = self.options.feature_range;
        let clip = self.options.clip;
        map_columns(WHAT, x, |c, v| {
            let z = v * self.scale[c] + self.min[c];
            if clip { z.clamp(low, high) } else { z }
        })
    }

    /// `(z − min) / scale`: undoes the transform (for unclipped values).
    ///
    /// # Errors
    /// As [`Scaler::transform_in_place`].
    fn inverse_transform_in_place(&self, z: &mut Tensor) -> Result<()> {
        check_columns(WHAT, self.scale.len(), z)?;
        map_columns(WHAT, z, |c, v| (v - self.min[c]) / self.scale[c])
    }
}
