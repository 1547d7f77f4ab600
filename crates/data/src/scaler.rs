//! [`Scaler`]: what the feature scalers have in common — fit on training rows, transform
//! any rows with the fitted statistics, and undo the transform.

use gradus_tensor::Tensor;

use crate::Result;

/// A column-wise feature scaler fitted on training data (scikit-learn's `fit` /
/// `transform` / `inverse_transform`). Implementors write the fit and the two in-place
/// maps; the allocating forms and `fit_transform` come from them.
///
/// ```
/// use gradus_data::{Scaler, StandardScaler};
/// use gradus_tensor::Tensor;
/// let x = Tensor::column(&[1.0, 3.0]); // mean 2, standard deviation 1
/// let (scaler, z) = StandardScaler::fit_transform(&x)?;
/// assert_eq!(z.data(), &[-1.0, 1.0]);
/// assert_eq!(scaler.inverse_transform(&z)?, x);
/// # Ok::<(), gradus_data::Error>(())
/// ```
pub trait Scaler: Sized {
    /// Fits the scaler on the rows of `x` with its default options.
    ///
    /// # Errors
    /// No rows, or a NaN or infinite value (named by row and column).
    fn fit(x: &Tensor) -> Result<Self>;

    /// Scales `x` in place with the fitted statistics. NaN values stay NaN, as in
    /// scikit-learn (missing values pass through).
    ///
    /// # Errors
    /// When `x` has another number of columns than the fit data, or a finite value maps
    /// beyond the `f32` range (a value far outside the fit data;
    /// [`Error::ScaledOutOfRange`](crate::Error::ScaledOutOfRange) names it, and `x` is
    /// then partly scaled).
    fn transform_in_place(&self, x: &mut Tensor) -> Result<()>;

    /// Undoes [`Scaler::transform_in_place`] (e.g. to report predictions of a scaled target
    /// in original units).
    ///
    /// # Errors
    /// As [`Scaler::transform_in_place`].
    fn inverse_transform_in_place(&self, z: &mut Tensor) -> Result<()>;

    /// A scaled copy of `x`.
    ///
    /// # Errors
    /// As [`Scaler::transform_in_place`].
    fn transform(&self, x: &Tensor) -> Result<Tensor> {
        let mut out = x.clone();
        self.transform_in_place(&mut out)?;
        Ok(out)
    }

    /// An unscaled copy of `z`.
    ///
    /// # Errors
    /// As [`Scaler::transform_in_place`].
    fn inverse_transform(&self, z: &Tensor) -> Result<Tensor> {
        let mut out = z.clone();
        self.inverse_transform_in_place(&mut out)?;
        Ok(out)
    }

    /// Fits on `x` and returns the scaler with the transformed `x`.
    ///
    /// # Errors
    /// As [`Scaler::fit`].
    fn fit_transform(x: &Tensor) -> Result<(Self, Tensor)> {
        let scaler = Self::fit(x)?;
        let z = scaler.transform(x)?;
        Ok((scaler, z))
    }
}
