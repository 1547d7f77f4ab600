//! [`Dropout`]: inverted dropout, seeded.

use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{Error, FloatArg, LayerConfig, Result};

/// Configuration of a [`Dropout`] layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DropoutConfig {
    /// Layer name (default: `dropout`, `dropout_1`, …).
    pub name: Option<String>,
    /// Fraction of inputs dropped during training, in `[0, 1]`.
    pub rate: f32,
    /// Seed of the mask stream; by default derived from the model's seed and the layer's
    /// position.
    pub seed: Option<u64>,
}

/// Inverted dropout, as Keras `Dropout`: in training each value is kept with probability
/// `1 − rate` and scaled by `1 / (1 − rate)`, otherwise zeroed (`rate = 1` zeroes
/// everything); in inference it is the identity. Backward multiplies by the same mask.
///
/// The mask of a training batch is drawn from [`BatchKey::rng`](crate::BatchKey::rng) of the layer's seed: it
/// depends on (seed, epoch, batch) only, so a resumed run repeats it.
///
/// ```
/// use gradus_nn::{BatchKey, Dropout, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut d = Dropout::new(0.5).seed(7);
/// d.build(&[4], &mut Rng::new(0)).unwrap();
/// let x = Tensor::full(&[1, 4], 1.0);
/// let y = d.forward(&x, Mode::Train(BatchKey::new(0, 0))).data().to_vec();
/// assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
/// assert_eq!(d.forward(&x, Mode::Infer).data(), &[1.0; 4]);
/// ```
#[derive(Debug)]
pub struct Dropout {
    config: DropoutConfig,
    /// Seed of the mask streams (the configured one, or drawn at build).
    seed: u64,
    /// Per-value factor of the last training pass: 0 or 1/(1−rate).
    mask: Tensor,
    output: Tensor,
    grad_input: Tensor,
    /// Whether the last forward pass dropped (training with rate > 0).
    dropped: bool,
}

impl Dropout {
    /// A dropout layer with the given rate (`f32`, or the `f64` a tuning trial suggests;
    /// checked by `build`: in [0, 1]).
    pub fn new(rate: impl FloatArg) -> Dropout {
        Dropout::from_config(DropoutConfig {
            rate: rate.to_f32(),
            ..DropoutConfig::default()
        })
    }

    /// A dropout layer from its configuration.
    pub fn from_config(config: DropoutConfig) -> Dropout {
        Dropout {
            seed: config.seed.unwrap_or(0),
            config,
            mask: Tensor::zeros(&[0]),
            output: Tensor::zeros(&[0]),
            grad_input: Tensor::zeros(&[0]),
            dropped: false,
        }
    }

    /// Sets the seed of the mask stream.
    pub fn seed(mut self, seed: u64) -> Dropout {
        self.config.seed = Some(seed);
        self.seed = seed;
        self
    }
}

impl Layer for Dropout {
    fn build(&mut self, input: &[usize], rng: &mut Rng) -> Result<Vec<usize>> {
        let rate = self.config.rate;
        if !(0.0..=1.0).contains(&rate) {
            return Err(Error::config("Dropout.rate", rate, "a rate in [0, 1]"));
        }
        self.seed = self.config.seed.unwrap_or_else(|| rng.next_u64());
        Ok(input.to_vec())
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, mode: Mode) -> &'a Tensor {
        let rate = self.config.rate;
        let key = match mode {
            Mode::Train(key) if rate > 0.0 => key,
            _ => {
                self.dropped = false;
                return x;
            }
        };
        self.dropped = true;
        let mut rng = key.rng(self.seed);
        let keep = 1.0 - rate as f64;
        let scale = if keep > 0.0 { (1.0 / keep) as f32 } else { 0.0 };
        self.mask.resize(*x.shape());
        for m in self.mask.data_mut() {
            *m = if rng.bernoulli(keep) { scale } else { 0.0 };
        }
        self.output.resize(*x.shape());
        for ((o, &v), &m) in self
            .output
            .data_mut()
            .iter_mut()
            .zip(x.data())
            .zip(self.mask.data())
        {
            *o = v * m;
        }
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, _flow: GradFlow) -> &Tensor {
        self.grad_input.assign(grad_out);
        if self.dropped {
            for (g, &m) in self.grad_input.data_mut().iter_mut().zip(self.mask.data()) {
                *g *= m;
            }
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Dropout(self.config.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BatchKey;

    /// The kept fraction is Binomial(100 000, 0.7)/100 000 (sd 0.0014), the kept values are
    /// exactly 1/(1−rate), so the mean output estimates the input (inverted scaling).
    #[test]
    fn keep_rate_and_scaling() {
        let mut d = Dropout::new(0.3).seed(1);
        d.build(&[100_000], &mut Rng::new(0)).unwrap();
        let x = Tensor::full(&[1, 100_000], 2.0);
        let y = d
            .forward(&x, Mode::Train(BatchKey::default()))
            .data()
            .to_vec();
        let kept = y.iter().filter(|&&v| v != 0.0).count() as f64 / 1e5;
        assert!((kept - 0.7).abs() < 0.007, "{kept}");
        assert!(y.iter().all(|&v| v == 0.0 || (v - 2.0 / 0.7).abs() < 1e-6));
        let mean = y.iter().map(|&v| v as f64).sum::<f64>() / 1e5;
        assert!((mean - 2.0).abs() < 0.03);
        let g = d.backward(&Tensor::full(&[1, 100_000], 1.0), GradFlow::FULL);
        for (gv, yv) in g.data().iter().zip(&y) {
            assert_eq!(*gv, yv / 2.0);
        }
    }

    #[test]
    fn rate_one_zeroes_and_bad_rate_errors() {
        let mut d = Dropout::new(1.0).seed(1);
        d.build(&[3], &mut Rng::new(0)).unwrap();
        let x = Tensor::full(&[2, 3], 5.0);
        assert!(
            d.forward(&x, Mode::Train(BatchKey::default()))
                .data()
                .iter()
                .all(|&v| v == 0.0)
        );
        let e = Dropout::new(-0.5)
            .build(&[3], &mut Rng::new(0))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid Dropout.rate = -0.5: a rate in [0, 1]"
        );
    }

    #[test]
    fn mask_is_a_function_of_seed_and_batch_key() {
        let run = |seed, epoch, batch| {
            let mut d = Dropout::new(0.5).seed(seed);
            d.build(&[64], &mut Rng::new(0)).unwrap();
            d.forward(
                &Tensor::full(&[1, 64], 1.0),
                Mode::Train(BatchKey::new(epoch, batch)),
            )
            .data()
            .to_vec()
        };
        assert_eq!(run(3, 2, 5), run(3, 2, 5));
        assert_ne!(run(3, 2, 5), run(4, 2, 5));
        assert_ne!(run(3, 2, 5), run(3, 2, 6));
        assert_ne!(run(3, 2, 5), run(3, 3, 5));
        // The same layer asked twice for one batch draws the same mask.
        let mut d = Dropout::new(0.5).seed(3);
        d.build(&[64], &mut Rng::new(0)).unwrap();
        let x = Tensor::full(&[1, 64], 1.0);
        let first = d
            .forward(&x, Mode::Train(BatchKey::new(2, 5)))
            .data()
            .to_vec();
        let _ = d.forward(&x, Mode::Train(BatchKey::new(0, 0)));
        assert_eq!(
            d.forward(&x, Mode::Train(BatchKey::new(2, 5))).data(),
            &first[..]
        );
    }
}
