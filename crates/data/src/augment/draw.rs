//! Drawing an image's [`TransformParams`] from the generator's ranges.

use gradus_tensor::Rng;

use super::{ImageDataGenerator, TransformParams};
use crate::Result;

impl ImageDataGenerator {
    /// Random parameters for an image of shape `[height, width, channels]`, drawn from `rng`
    /// in Keras's order (`get_random_transform`): rotation, the height shift, the width
    /// shift, shear, the two zoom factors, the two flip coins (always drawn, even when the
    /// flips are off), the channel shift, brightness. A range that is zero draws nothing.
    ///
    /// The height shift (a fraction of the height when below 1) becomes `ty` and the width
    /// shift `tx`; with [`keras_compat`](ImageDataGenerator::keras_compat) they are swapped
    /// as in Keras 3 (`tx` from the height shift, `ty` from the width shift). The numbers
    /// come from gradus's generator, so they differ from Keras's for the same seed.
    ///
    /// ```
    /// use gradus_data::ImageDataGenerator;
    /// use gradus_tensor::Rng;
    /// let g = ImageDataGenerator::new().width_shift_range(0.25).horizontal_flip(true);
    /// let p = g.random_transform_params(&mut Rng::new(3), [8, 40, 3]).unwrap();
    /// assert!(p.tx.abs() < 10.0 && p.ty == 0.0 && p.theta == 0.0);
    /// assert_eq!(p, g.random_transform_params(&mut Rng::new(3), [8, 40, 3]).unwrap());
    /// ```
    ///
    /// # Errors
    /// As [`validate`](ImageDataGenerator::validate).
    pub fn random_transform_params(
        &self,
        rng: &mut Rng,
        shape: [usize; 3],
    ) -> Result<TransformParams> {
        self.validate()?;
        Ok(self.draw(rng, shape))
    }

    /// [`random_transform_params`](ImageDataGenerator::random_transform_params) for a
    /// validated generator.
    pub(crate) fn draw(&self, rng: &mut Rng, [height, width, _]: [usize; 3]) -> TransformParams {
        let theta = if self.rotation_range != 0.0 {
            rng.uniform_range(-self.rotation_range, self.rotation_range)
        } else {
            0.0
        };
        let vertical = self.height_shift_range.draw(rng, height);
        let horizontal = self.width_shift_range.draw(rng, width);
        let (tx, ty) = if self.keras_compat {
            (vertical, horizontal)
        } else {
            (horizontal, vertical)
        };
        let shear = if self.shear_range != 0.0 {
            rng.uniform_range(-self.shear_range, self.shear_range)
        } else {
            0.0
        };
        let (zx, zy) = self.zoom_range.draw(rng);
        let flip_horizontal = rng.uniform() < 0.5 && self.horizontal_flip;
        let flip_vertical = rng.uniform() < 0.5 && self.vertical_flip;
        let channel_shift_intensity = (self.channel_shift_range != 0.0)
            .then(|| rng.uniform_range(-self.channel_shift_range, self.channel_shift_range));
        let brightness = self
            .brightness_range
            .map(|[lo, hi]| rng.uniform_range(lo, hi));
        TransformParams {
            theta,
            tx,
            ty,
            shear,
            zx,
            zy,
            flip_horizontal,
            flip_vertical,
            channel_shift_intensity,
            brightness,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_stay_in_their_ranges() {
        let g = ImageDataGenerator::new()
            .rotation_range(20.0)
            .width_shift_range(0.2)
            .height_shift_range(3.0)
            .shear_range(5.0)
            .zoom_range([0.5, 0.7])
            .channel_shift_range(10.0)
            .brightness_range(0.9, 1.1)
            .horizontal_flip(true);
        let mut rng = Rng::new(9);
        let mut flips = 0;
        for _ in 0..1000 {
            let p = g.random_transform_params(&mut rng, [30, 50, 3]).unwrap();
            assert!(p.theta.abs() < 20.0 && p.shear.abs() < 5.0);
            assert!(p.tx.abs() < 10.0, "width shift: 0.2 × 50 px");
            assert!(p.ty.abs() < 3.0, "height shift: 3 px");
            assert!((0.5..0.7).contains(&p.zx) && (0.5..0.7).contains(&p.zy));
            assert!(p.channel_shift_intensity.unwrap().abs() < 10.0);
            assert!((0.9..1.1).contains(&p.brightness.unwrap()));
            assert!(!p.flip_vertical);
            flips += p.flip_horizontal as usize;
        }
        // Binomial(1000, ½): sd 16.
        assert!((420..580).contains(&flips), "{flips}");
    }

    #[test]
    fn keras_compat_swaps_the_shifts() {
        let g = ImageDataGenerator::new().width_shift_range(0.5);
        let p = g
            .random_transform_params(&mut Rng::new(1), [4, 100, 1])
            .unwrap();
        assert!(p.tx != 0.0 && p.tx.abs() < 50.0 && p.ty == 0.0);
        let k = g.keras_compat(true);
        let q = k
            .random_transform_params(&mut Rng::new(1), [4, 100, 1])
            .unwrap();
        assert_eq!(
            (q.tx, q.ty),
            (0.0, p.tx),
            "Keras: tx from height, ty from width"
        );
    }

    #[test]
    fn the_default_generator_draws_the_identity() {
        let p = ImageDataGenerator::new()
            .random_transform_params(&mut Rng::new(0), [2, 2, 1])
            .unwrap();
        assert_eq!(p, TransformParams::default());
    }
}
