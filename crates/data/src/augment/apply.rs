//! Applying [`TransformParams`] to an image: warp, channel shift, flips, brightness.

use gradus_tensor::Tensor;
use gradus_tensor::ops::{min_max, scale_clamped, shift_clamped, warp_affine};

use super::{Centre, ImageDataGenerator, TransformParams, image_shape};
use crate::Result;

impl ImageDataGenerator {
    /// `image` (`[height, width, channels]`) transformed by `params` — Keras's
    /// `apply_transform`, deterministic: the affine warp with this generator's fill mode,
    /// `cval` and interpolation order (about the centre that
    /// [`keras_compat`](ImageDataGenerator::keras_compat) selects), then the channel shift,
    /// the flips and brightness. No standardization.
    ///
    /// ```
    /// use gradus_data::{ImageDataGenerator, TransformParams};
    /// use gradus_tensor::Tensor;
    /// // A 1 × 4 ramp, shifted left by one pixel (tx = 1) and flipped.
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[1, 4, 1]).unwrap();
    /// let p = TransformParams { tx: 1.0, flip_horizontal: true, ..TransformParams::default() };
    /// let y = ImageDataGenerator::new().apply_transform(&x, &p).unwrap();
    /// assert_eq!(y.data(), &[4.0, 4.0, 3.0, 2.0]);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) for an image that is not rank 3, invalid
    /// parameters (naming the field, e.g. `TransformParams.theta`) or an invalid generator;
    /// [`Error::Tensor`](crate::Error::Tensor) when the output cannot be allocated.
    pub fn apply_transform(&self, image: &Tensor, params: &TransformParams) -> Result<Tensor> {
        self.validate()?;
        params.validate()?;
        let shape = image_shape(image.dims(), "image")?;
        let mut out = Tensor::try_zeros(image.dims())?;
        self.transform_into(image.data(), out.data_mut(), shape, params);
        Ok(out)
    }

    /// [`apply_transform`](ImageDataGenerator::apply_transform) from `src` into `dst` (both
    /// `height·width·channels` values) for a validated generator and parameters.
    pub(crate) fn transform_into(
        &self,
        src: &[f32],
        dst: &mut [f32],
        shape: [usize; 3],
        params: &TransformParams,
    ) {
        let [height, width, _] = shape;
        let flips = params.flip_horizontal || params.flip_vertical;
        if params.is_identity_warp() && !flips {
            dst.copy_from_slice(src);
        } else {
            let centre = if self.keras_compat {
                Centre::Keras
            } else {
                Centre::Exact
            };
            let warp = params.warp(
                height,
                width,
                centre,
                self.fill_mode,
                self.cval,
                self.interpolation_order,
            );
            warp_affine(src, dst, shape, &warp);
        }
        if dst.is_empty() {
            return;
        }
        if let Some(intensity) = params.channel_shift_intensity {
            let (lo, hi) = min_max(dst);
            shift_clamped(dst, intensity as f32, lo, hi);
        }
        if let Some(factor) = params.brightness {
            let (lo, hi) = min_max(dst);
            let (origin, span) = if lo < 0.0 || hi > 255.0 {
                (lo, hi - lo)
            } else {
                (0.0, 255.0)
            };
            scale_clamped(dst, origin, factor as f32, span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(h: usize, w: usize, c: usize) -> Tensor {
        let v = (0..h * w * c).map(|v| v as f32).collect();
        Tensor::from_vec(v, &[h, w, c]).unwrap()
    }

    #[test]
    fn channel_shift_clips_to_the_warped_range_and_brightness_saturates() {
        let x = image(2, 2, 2); // 0..8
        let g = ImageDataGenerator::new();
        let p = TransformParams {
            channel_shift_intensity: Some(2.5),
            ..TransformParams::default()
        };
        let y = g.apply_transform(&x, &p).unwrap();
        assert_eq!(y.data(), &[2.5, 3.5, 4.5, 5.5, 6.5, 7.0, 7.0, 7.0]);
        let x = Tensor::from_vec(vec![0.0, 100.0, 200.0, 250.0], &[2, 2, 1]).unwrap();
        let p = TransformParams {
            brightness: Some(1.5),
            ..TransformParams::default()
        };
        assert_eq!(
            g.apply_transform(&x, &p).unwrap().data(),
            &[0.0, 150.0, 255.0, 255.0]
        );
        // Outside 0..255 the scaling is about the minimum, saturating at the maximum.
        let x = Tensor::from_vec(vec![-10.0, 0.0, 290.0, 300.0], &[2, 2, 1]).unwrap();
        assert_eq!(
            g.apply_transform(&x, &p).unwrap().data(),
            &[-10.0, 5.0, 300.0, 300.0]
        );
    }

    #[test]
    fn flips_reverse_columns_and_rows() {
        let x = image(2, 3, 1);
        let g = ImageDataGenerator::new();
        let both = TransformParams {
            flip_horizontal: true,
            flip_vertical: true,
            ..TransformParams::default()
        };
        let y = g.apply_transform(&x, &both).unwrap();
        assert_eq!(y.data(), &[5.0, 4.0, 3.0, 2.0, 1.0, 0.0]);
        let h = TransformParams {
            flip_horizontal: true,
            ..TransformParams::default()
        };
        assert_eq!(
            g.apply_transform(&x, &h).unwrap().data(),
            &[2.0, 1.0, 0.0, 5.0, 4.0, 3.0]
        );
    }

    #[test]
    fn bad_shapes_and_params_are_errors() {
        let g = ImageDataGenerator::new();
        let flat = Tensor::zeros(&[4, 4]);
        let e = g
            .apply_transform(&flat, &TransformParams::default())
            .unwrap_err();
        assert!(
            e.to_string().starts_with("invalid image = shape [4, 4]"),
            "{e}"
        );
        let p = TransformParams {
            theta: f64::NAN,
            ..TransformParams::default()
        };
        let e = g.apply_transform(&image(2, 2, 1), &p).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid TransformParams.theta = NaN")
        );
        // Empty images pass through.
        let empty = Tensor::zeros(&[0, 3, 1]);
        let p = TransformParams {
            theta: 10.0,
            brightness: Some(2.0),
            ..TransformParams::default()
        };
        assert!(g.apply_transform(&empty, &p).unwrap().is_empty());
    }
}
