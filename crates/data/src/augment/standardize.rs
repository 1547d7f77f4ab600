//! Standardization: `rescale`, sample-wise and feature-wise centring and normalisation, and
//! [`fit`](ImageDataGenerator::fit), which computes the feature-wise statistics.

use gradus_tensor::ops::{channel_mean_std, mean_std, scale_shift, scale_shift_channels};
use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use super::{ImageDataGenerator, image_shape, invalid};
use crate::{Error, Result};

/// Keras's guard against division by zero: every standard deviation gets `+1e-6`.
const EPSILON: f64 = 1e-6;

/// Per-channel mean and (population) standard deviation of the data given to
/// [`ImageDataGenerator::fit`], after `rescale` — Keras's `self.mean`, `self.std`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturewiseStats {
    /// Mean per channel.
    pub mean: Vec<f32>,
    /// Standard deviation per channel.
    pub std: Vec<f32>,
}

impl FeaturewiseStats {
    /// Checks that there is one finite mean and one finite, non-negative deviation per
    /// channel.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `featurewise_stats`.
    pub fn validate(&self) -> Result<()> {
        let ok = !self.mean.is_empty()
            && self.mean.len() == self.std.len()
            && self.mean.iter().all(|m| m.is_finite())
            && self.std.iter().all(|s| s.is_finite() && *s >= 0.0);
        if ok {
            return Ok(());
        }
        Err(invalid(
            "featurewise_stats",
            format!("mean {:?}, std {:?}", self.mean, self.std),
            "one finite mean and one finite deviation ≥ 0 per channel (from fit)",
        ))
    }
}

/// How [`ImageDataGenerator::fit_with`] sees the data (Keras's `fit(x, augment, rounds,
/// seed)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// Compute the statistics on randomly augmented copies (default false).
    pub augment: bool,
    /// Augmented passes over the data (default 1).
    pub rounds: usize,
    /// Seed of the augmentation: image `i` of round `r` draws from stream `r·n + i`.
    pub seed: u64,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            augment: false,
            rounds: 1,
            seed: 0,
        }
    }
}

impl ImageDataGenerator {
    /// This generator with [`featurewise_stats`](ImageDataGenerator::featurewise_stats)
    /// computed from `x` (`[n, height, width, channels]`, `n ≥ 1`): the per-channel mean and
    /// standard deviation over every pixel of every image, after `rescale`.
    ///
    /// ```
    /// use gradus_data::ImageDataGenerator;
    /// use gradus_tensor::Tensor;
    /// // Two 1 × 1 images with two channels: (0, 10) and (2, 30).
    /// let x = Tensor::from_vec(vec![0.0, 10.0, 2.0, 30.0], &[2, 1, 1, 2]).unwrap();
    /// let g = ImageDataGenerator::new().featurewise_std_normalization(true).fit(&x).unwrap();
    /// let stats = g.featurewise_stats.as_ref().unwrap();
    /// assert_eq!((stats.mean.as_slice(), stats.std.as_slice()), (&[1.0, 20.0][..], &[1.0, 10.0][..]));
    /// let mut image = Tensor::from_vec(vec![2.0, 10.0], &[1, 1, 2]).unwrap();
    /// g.standardize(&mut image).unwrap();
    /// assert!((image.data()[0] - 1.0).abs() < 1e-5 && (image.data()[1] + 1.0).abs() < 1e-5);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] when `x` is not rank 4 or the generator is invalid;
    /// [`Error::NoData`] without images; [`Error::NonFiniteValue`] for NaN or infinite
    /// values.
    pub fn fit(&self, x: &Tensor) -> Result<ImageDataGenerator> {
        self.fit_with(x, FitOptions::default())
    }

    /// [`fit`](ImageDataGenerator::fit), optionally on `rounds` augmented copies of `x`.
    ///
    /// # Errors
    /// As `fit`, and [`Error::Invalid`] for `rounds = 0`; [`Error::Tensor`] when the
    /// augmented copies do not fit within the allocation bound.
    pub fn fit_with(&self, x: &Tensor, options: FitOptions) -> Result<ImageDataGenerator> {
        let mut fitted = ImageDataGenerator {
            featurewise_stats: None,
            ..self.clone()
        };
        fitted.validate()?;
        let dims = x.dims();
        if dims.len() != 4 {
            return Err(invalid(
                "x",
                format!("shape {dims:?}"),
                "images as [n, height, width, channels]",
            ));
        }
        let shape = image_shape(&dims[1..], "x")?;
        if x.rows() == 0 {
            return Err(Error::NoData {
                what: "ImageDataGenerator::fit",
            });
        }
        if let Some(i) = x.first_non_finite() {
            let per = x.row_len().max(1);
            return Err(Error::NonFiniteValue {
                what: "ImageDataGenerator::fit",
                row: i / per,
                column: i % per,
                value: x.data()[i],
            });
        }
        if options.rounds == 0 {
            return Err(invalid("FitOptions.rounds", 0, "at least 1 pass"));
        }
        let r = self.rescale.unwrap_or(1.0);
        let ch = shape[2];
        let (mut mean, mut std) = (vec![0.0; ch], vec![0.0; ch]);
        if options.augment && x.row_len() > 0 {
            let n = x.rows();
            let mut dims = dims.to_vec();
            dims[0] = n.saturating_mul(options.rounds);
            let mut copies = Tensor::try_zeros(&dims)?;
            let mut scaled = x.clone();
            scale_shift(scaled.data_mut(), r, 0.0);
            for (k, dst) in copies.data_mut().chunks_exact_mut(x.row_len()).enumerate() {
                let mut rng = Rng::with_stream(options.seed, k as u64);
                let params = fitted.draw(&mut rng, shape);
                fitted.transform_into(scaled.row(k % n), dst, shape, &params);
            }
            channel_mean_std(copies.data(), &mut mean, &mut std);
        } else if ch > 0 {
            channel_mean_std(x.data(), &mut mean, &mut std);
            let r = r as f64;
            mean.iter_mut().for_each(|m| *m *= r);
            std.iter_mut().for_each(|s| *s *= r.abs());
        }
        let stats = FeaturewiseStats {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std: std.iter().map(|&s| s as f32).collect(),
        };
        stats.validate().map_err(|_| {
            invalid(
                "x",
                "values whose statistics overflow f32",
                "rescale the images so that the mean and deviation fit in f32",
            )
        })?;
        fitted.featurewise_stats = Some(stats);
        Ok(fitted)
    }

    /// Standardizes `x` in place — one image (`[height, width, channels]`) or a batch
    /// (`[n, height, width, channels]`, each image on its own) — as Keras's `standardize`:
    /// `x ·= rescale`; sample-wise `x −= mean(x)`, `x /= std(x) + 1e-6`; feature-wise
    /// `x −= mean_c`, `x /= std_c + 1e-6` per channel `c`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for another rank, an invalid generator, feature-wise options
    /// without [`fit`](ImageDataGenerator::fit), or statistics for another channel count.
    pub fn standardize(&self, x: &mut Tensor) -> Result<()> {
        self.validate()?;
        let dims = x.dims().to_vec();
        let image = match dims.len() {
            3 => &dims[..],
            4 => &dims[1..],
            _ => &dims[..0],
        };
        let shape = image_shape(image, "x")?;
        let plan = Standardizer::new(self, shape[2])?;
        let len = shape.iter().product::<usize>();
        if len > 0 {
            x.data_mut()
                .chunks_exact_mut(len)
                .for_each(|im| plan.apply(im));
        }
        Ok(())
    }
}

/// Standardization for images of a given channel count, with the per-channel factors
/// precomputed: applying it allocates nothing.
#[derive(Clone, Debug)]
pub(crate) struct Standardizer {
    rescale: f32,
    samplewise_center: bool,
    samplewise_std: bool,
    /// `x[…, c] ← x[…, c]·scale[c] + shift[c]` (empty when there is nothing per channel).
    scale: Vec<f32>,
    shift: Vec<f32>,
}

impl Standardizer {
    /// The plan for `generator` on images with `channels` channels.
    ///
    /// # Errors
    /// [`Error::Invalid`] for feature-wise options without statistics, or statistics for
    /// another channel count.
    pub(crate) fn new(generator: &ImageDataGenerator, channels: usize) -> Result<Standardizer> {
        let rescale = generator.rescale.unwrap_or(1.0);
        let samplewise = generator.centres_samplewise();
        let (mut scale, mut shift) = (Vec::new(), Vec::new());
        if generator.centres_featurewise() {
            let Some(stats) = &generator.featurewise_stats else {
                return Err(invalid(
                    "featurewise_center",
                    true,
                    "feature-wise centring and normalisation need statistics: call \
                     fit(&sample_images) first and use the generator it returns",
                ));
            };
            if stats.mean.len() != channels {
                return Err(invalid(
                    "featurewise_stats",
                    format!("{} channels", stats.mean.len()),
                    &format!("statistics for the images' {channels} channels: fit on them"),
                ));
            }
            // Sample-wise standardization already applied the rescale; otherwise fold it in.
            let r = if samplewise { 1.0 } else { rescale as f64 };
            for (&m, &s) in stats.mean.iter().zip(&stats.std) {
                let k = if generator.featurewise_std_normalization {
                    1.0 / (s as f64 + EPSILON)
                } else {
                    1.0
                };
                scale.push((r * k) as f32);
                shift.push((-(m as f64) * k) as f32);
            }
        }
        Ok(Standardizer {
            rescale,
            samplewise_center: samplewise,
            samplewise_std: generator.samplewise_std_normalization,
            scale,
            shift,
        })
    }

    /// Standardizes one image in place.
    pub(crate) fn apply(&self, image: &mut [f32]) {
        if self.samplewise_center {
            let r = self.rescale as f64;
            let (mean, std) = mean_std(image);
            let d = if self.samplewise_std {
                std * r.abs() + EPSILON
            } else {
                1.0
            };
            scale_shift(image, (r / d) as f32, (-r * mean / d) as f32);
        } else if self.scale.is_empty() && self.rescale != 1.0 {
            scale_shift(image, self.rescale, 0.0);
        }
        if !self.scale.is_empty() {
            scale_shift_channels(image, &self.scale, &self.shift);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn featurewise_options_need_fit_and_matching_channels() {
        let g = ImageDataGenerator::new().featurewise_center(true);
        let mut x = Tensor::zeros(&[2, 2, 3]);
        let e = g.standardize(&mut x).unwrap_err().to_string();
        assert!(e.contains("call fit(&sample_images) first"), "{e}");
        let fitted = g.fit(&Tensor::zeros(&[1, 2, 2, 1])).unwrap();
        let e = fitted.standardize(&mut x).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid featurewise_stats = 1 channels"),
            "{e}"
        );
    }

    #[test]
    fn fit_rejects_empty_non_finite_and_flat_input() {
        let g = ImageDataGenerator::new();
        assert!(matches!(
            g.fit(&Tensor::zeros(&[0, 2, 2, 1])),
            Err(Error::NoData { .. })
        ));
        let mut x = Tensor::zeros(&[2, 1, 1, 2]);
        x.data_mut()[3] = f32::NAN;
        assert!(matches!(
            g.fit(&x),
            Err(Error::NonFiniteValue {
                row: 1,
                column: 1,
                ..
            })
        ));
        let e = g.fit(&Tensor::zeros(&[4, 4])).unwrap_err().to_string();
        assert!(e.starts_with("invalid x = shape [4, 4]"), "{e}");
        let rounds = FitOptions {
            rounds: 0,
            ..FitOptions::default()
        };
        assert!(g.fit_with(&Tensor::zeros(&[1, 1, 1, 1]), rounds).is_err());
    }

    #[test]
    fn augmented_fit_sees_transformed_copies() {
        // A horizontal ramp; with horizontal flips the mean stays, a brightness range
        // scales it.
        let v: Vec<f32> = (0..2 * 8).map(|i| (i % 8) as f32).collect();
        let x = Tensor::from_vec(v, &[2, 1, 8, 1]).unwrap();
        let plain = ImageDataGenerator::new().fit(&x).unwrap();
        let opts = FitOptions {
            augment: true,
            rounds: 3,
            seed: 1,
        };
        let flipped = ImageDataGenerator::new()
            .horizontal_flip(true)
            .fit_with(&x, opts)
            .unwrap();
        let (a, b) = (
            plain.featurewise_stats.unwrap(),
            flipped.featurewise_stats.unwrap(),
        );
        assert_eq!(a.mean, [3.5]);
        assert_eq!(b.mean, [3.5]);
        assert!((a.std[0] - b.std[0]).abs() < 1e-6);
        let brighter = ImageDataGenerator::new()
            .brightness_range(2.0, 2.0)
            .fit_with(&x, opts);
        assert_eq!(brighter.unwrap().featurewise_stats.unwrap().mean, [7.0]);
    }
}
