//! [`ImageDataGenerator`]: the augmentation and standardization settings, with Keras's
//! defaults.

use gradus_tensor::ops::{FillMode, Interpolation};
use serde::{Deserialize, Serialize};

use super::invalid;
use super::{FeaturewiseStats, ShiftRange, ZoomRange};
use crate::Result;

/// Keras's `ImageDataGenerator` as data: what random transforms to draw and how to
/// standardize, with Keras's defaults (`ImageDataGenerator::default()` changes nothing).
/// Images are `height × width × channels` (`channels_last`).
///
/// Per image, in this order (Keras's): the affine warp (rotation, shifts, shear, zoom in
/// one resampling), the channel shift, the flips, brightness; then standardization:
/// rescale, sample-wise centring and normalisation, feature-wise centring and
/// normalisation (`+1e-6` on every divisor, as Keras).
///
/// Where gradus differs from Keras, on purpose:
///
/// - **Geometry.** Keras 3 swaps the shifts (`height_shift_range` moves the content
///   horizontally, `width_shift_range` vertically; keras-team/keras#17398) and centres
///   rotation, shear and zoom at `(h/2 − ½, w/2 − ½)` read as `(x, y)`, which is the centre
///   only of square images. gradus shifts along the named axis and turns about the true
///   centre; [`keras_compat`](ImageDataGenerator::keras_compat)`(true)` reproduces Keras
///   exactly (both bugs), for bit-for-bit comparisons. On square images with equal shift
///   ranges the two draw from the same distribution.
/// - **Brightness.** Keras goes through PIL on `uint8`: values are truncated to integers,
///   scaled, rounded and clipped to 0..255 (images outside 0..255 are first mapped onto
///   it, and back). gradus computes the same map without the quantisation —
///   `clip(x·b, 0, 255)`, or `min + clip((x − min)·b, 0, max − min)` for images outside
///   0..255 — so it agrees with Keras within 1 (in 0..255 units) and does not blacken
///   images scaled to 0..1 (where Keras's `uint8` cast gives 0).
/// - **Randomness.** Draws come from a gradus [`Rng`](gradus_tensor::Rng), not NumPy's
///   global stream, so the same seed gives other (but reproducible) values than Keras.
/// - **Left out:** ZCA whitening (`zca_whitening = true` is refused with an error),
///   `preprocessing_function`, `channels_first` and `validation_split`; interpolation
///   orders above 1.
///
/// ```
/// use gradus_data::ImageDataGenerator;
/// use gradus_tensor::ops::FillMode;
/// // The course's augmentation.
/// let g = ImageDataGenerator::new()
///     .rotation_range(20.0)
///     .width_shift_range(0.2)
///     .height_shift_range(0.2)
///     .shear_range(0.2)
///     .zoom_range(0.2)
///     .horizontal_flip(true)
///     .fill_mode(FillMode::Nearest);
/// assert!(g.validate().is_ok());
/// let toml = "rotation_range = 20.0\nwidth_shift_range = 0.2\nzoom_range = [0.8, 1.2]";
/// let h: ImageDataGenerator = toml::from_str(toml).unwrap();
/// assert_eq!(h.zoom_range.bounds(), (0.8, 1.2));
/// assert_eq!(h.interpolation_order, g.interpolation_order); // Keras's default: 1
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageDataGenerator {
    /// Subtract the per-channel mean of the data given to [`fit`](ImageDataGenerator::fit).
    pub featurewise_center: bool,
    /// Subtract each image's mean (over all its pixels and channels).
    pub samplewise_center: bool,
    /// Divide by the per-channel standard deviation from `fit` (implies
    /// `featurewise_center`, as in Keras).
    pub featurewise_std_normalization: bool,
    /// Divide each image by its standard deviation (implies `samplewise_center`).
    pub samplewise_std_normalization: bool,
    /// Always false: ZCA whitening is not implemented, and `true` is refused.
    pub zca_whitening: bool,
    /// Rotation angles are drawn from `U(−r, r)` degrees.
    pub rotation_range: f64,
    /// Horizontal shift (see [`ShiftRange`]; fractions of the width).
    pub width_shift_range: ShiftRange,
    /// Vertical shift (fractions of the height).
    pub height_shift_range: ShiftRange,
    /// Brightness factors are drawn from `U(lo, hi)`.
    pub brightness_range: Option<[f64; 2]>,
    /// Shear angles are drawn from `U(−s, s)` **degrees** (Keras ≥ 2.1.3).
    pub shear_range: f64,
    /// Zoom factors (see [`ZoomRange`]).
    pub zoom_range: ZoomRange,
    /// Channel shift intensities are drawn from `U(−c, c)`.
    pub channel_shift_range: f64,
    /// Sampling outside the image (default `nearest`).
    pub fill_mode: FillMode,
    /// The value outside the image with `fill_mode = "constant"`.
    pub cval: f32,
    /// Flip columns with probability ½.
    pub horizontal_flip: bool,
    /// Flip rows with probability ½.
    pub vertical_flip: bool,
    /// Multiply every value by this factor (after augmentation, before the other
    /// standardization), e.g. `1/255`.
    pub rescale: Option<f32>,
    /// Interpolation order, `0` or `1` (default 1).
    pub interpolation_order: Interpolation,
    /// Reproduce Keras 3's geometry exactly, bugs included (see above).
    pub keras_compat: bool,
    /// The per-channel statistics [`fit`](ImageDataGenerator::fit) computed, used by the
    /// feature-wise options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featurewise_stats: Option<FeaturewiseStats>,
}

impl Default for ImageDataGenerator {
    fn default() -> ImageDataGenerator {
        ImageDataGenerator {
            featurewise_center: false,
            samplewise_center: false,
            featurewise_std_normalization: false,
            samplewise_std_normalization: false,
            zca_whitening: false,
            rotation_range: 0.0,
            width_shift_range: ShiftRange::default(),
            height_shift_range: ShiftRange::default(),
            brightness_range: None,
            shear_range: 0.0,
            zoom_range: ZoomRange::default(),
            channel_shift_range: 0.0,
            fill_mode: FillMode::Nearest,
            cval: 0.0,
            horizontal_flip: false,
            vertical_flip: false,
            rescale: None,
            interpolation_order: Interpolation::Bilinear,
            keras_compat: false,
            featurewise_stats: None,
        }
    }
}

/// A builder method per field.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    )*};
}

impl ImageDataGenerator {
    /// Keras's defaults: no augmentation, no standardization.
    pub fn new() -> ImageDataGenerator {
        ImageDataGenerator::default()
    }

    setters! {
        /// Sets `featurewise_center`.
        featurewise_center: bool,
        /// Sets `samplewise_center`.
        samplewise_center: bool,
        /// Sets `featurewise_std_normalization`.
        featurewise_std_normalization: bool,
        /// Sets `samplewise_std_normalization`.
        samplewise_std_normalization: bool,
        /// Sets `rotation_range` (degrees).
        rotation_range: f64,
        /// Sets `shear_range` (degrees).
        shear_range: f64,
        /// Sets `channel_shift_range`.
        channel_shift_range: f64,
        /// Sets `fill_mode`.
        fill_mode: FillMode,
        /// Sets `cval`.
        cval: f32,
        /// Sets `horizontal_flip`.
        horizontal_flip: bool,
        /// Sets `vertical_flip`.
        vertical_flip: bool,
        /// Sets `interpolation_order`.
        interpolation_order: Interpolation,
        /// Reproduce Keras 3's shift swap and off-centre rotation (see the type's docs).
        keras_compat: bool,
    }

    /// Sets `width_shift_range` from a float, an integer or a list of choices.
    pub fn width_shift_range(mut self, range: impl Into<ShiftRange>) -> Self {
        self.width_shift_range = range.into();
        self
    }

    /// Sets `height_shift_range`.
    pub fn height_shift_range(mut self, range: impl Into<ShiftRange>) -> Self {
        self.height_shift_range = range.into();
        self
    }

    /// Sets `zoom_range` from `z` (for `[1 − z, 1 + z]`) or `[lo, hi]`.
    pub fn zoom_range(mut self, range: impl Into<ZoomRange>) -> Self {
        self.zoom_range = range.into();
        self
    }

    /// Sets `brightness_range` to `[lo, hi]`.
    pub fn brightness_range(mut self, lo: f64, hi: f64) -> Self {
        self.brightness_range = Some([lo, hi]);
        self
    }

    /// Sets `rescale`.
    pub fn rescale(mut self, factor: f32) -> Self {
        self.rescale = Some(factor);
        self
    }

    /// Whether feature-wise centring applies (also implied by std normalisation).
    pub(crate) fn centres_featurewise(&self) -> bool {
        self.featurewise_center || self.featurewise_std_normalization
    }

    /// Whether sample-wise centring applies.
    pub(crate) fn centres_samplewise(&self) -> bool {
        self.samplewise_center || self.samplewise_std_normalization
    }

    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) naming the first bad field: negative or
    /// non-finite ranges, a zoom range outside `0 ≤ lo ≤ hi`, a brightness range outside
    /// `0 ≤ lo ≤ hi`, a non-finite `cval`, a zero or non-finite `rescale`, inconsistent
    /// fitted statistics, or `zca_whitening`.
    pub fn validate(&self) -> Result<()> {
        if self.zca_whitening {
            return Err(invalid(
                "zca_whitening",
                true,
                "ZCA whitening is not implemented in gradus; leave it false",
            ));
        }
        let ranges = [
            (
                "rotation_range",
                self.rotation_range,
                "degrees ≥ 0 (e.g. 20)",
            ),
            ("shear_range", self.shear_range, "degrees ≥ 0 (e.g. 0.2)"),
            (
                "channel_shift_range",
                self.channel_shift_range,
                "an intensity ≥ 0",
            ),
        ];
        for (field, v, expected) in ranges {
            if !(v.is_finite() && v >= 0.0 && v <= f32::MAX as f64) {
                return Err(invalid(field, v, &format!("a finite range in {expected}")));
            }
        }
        self.width_shift_range.validate("width_shift_range")?;
        self.height_shift_range.validate("height_shift_range")?;
        self.zoom_range.validate()?;
        if let Some([lo, hi]) = self.brightness_range
            && !(lo.is_finite() && 0.0 <= lo && lo <= hi && hi <= f32::MAX as f64)
        {
            return Err(invalid(
                "brightness_range",
                format!("[{lo}, {hi}]"),
                "factors [lo, hi] with 0 ≤ lo ≤ hi (1 keeps the brightness, e.g. [0.8, 1.2])",
            ));
        }
        if !self.cval.is_finite() {
            return Err(invalid("cval", self.cval, "a finite fill value"));
        }
        if let Some(r) = self.rescale
            && !(r.is_finite() && r != 0.0)
        {
            return Err(invalid(
                "rescale",
                r,
                "a finite nonzero factor (e.g. 1/255); leave it unset for none (Keras \
                 ignores 0)",
            ));
        }
        if let Some(stats) = &self.featurewise_stats {
            stats.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_keras_and_round_trip() {
        let g = ImageDataGenerator::default();
        assert_eq!(g.fill_mode, FillMode::Nearest);
        assert_eq!(g.interpolation_order, Interpolation::Bilinear);
        assert_eq!(g.zoom_range.bounds(), (1.0, 1.0));
        let json = serde_json::to_string(&g).unwrap();
        assert_eq!(
            serde_json::from_str::<ImageDataGenerator>(&json).unwrap(),
            g
        );
        let e = serde_json::from_str::<ImageDataGenerator>(r#"{"data_format": 1}"#);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("unknown field `data_format`")
        );
        let g: ImageDataGenerator =
            serde_json::from_str(r#"{"fill_mode": "wrap", "interpolation_order": 0}"#).unwrap();
        assert_eq!(g.fill_mode, FillMode::Wrap);
        assert_eq!(g.interpolation_order, Interpolation::Nearest);
    }

    #[test]
    fn validation_names_the_field_and_the_fix() {
        let msg = |g: ImageDataGenerator| g.validate().unwrap_err().to_string();
        assert!(
            msg(ImageDataGenerator::new().rotation_range(-1.0))
                .starts_with("invalid rotation_range = -1: a finite range")
        );
        assert!(
            msg(ImageDataGenerator::new().brightness_range(1.2, 0.8))
                .starts_with("invalid brightness_range = [1.2, 0.8]")
        );
        assert!(msg(ImageDataGenerator::new().cval(f32::NAN)).starts_with("invalid cval = NaN"));
        assert!(msg(ImageDataGenerator::new().rescale(0.0)).starts_with("invalid rescale = 0"));
        let zca = ImageDataGenerator {
            zca_whitening: true,
            ..ImageDataGenerator::default()
        };
        assert!(msg(zca).contains("ZCA whitening is not implemented"));
        assert!(
            msg(ImageDataGenerator::new().width_shift_range(f64::INFINITY))
                .starts_with("invalid width_shift_range = inf")
        );
    }
}
