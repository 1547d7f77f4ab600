//! [`BatchNormalization`]: normalises each feature over the batch, Keras semantics.

use gradus_tensor::{Rng, Tensor, ops};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{Error, FloatArg, Initializer, LayerConfig, Param, Regularizer, Result};

/// Configuration of a [`BatchNormalization`] layer; the defaults are Keras's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchNormalizationConfig {
    /// Layer name (default: `batch_normalization`, `batch_normalization_1`, …).
    pub name: Option<String>,
    /// Weight of the old value in the moving averages (default 0.99; PyTorch's
    /// `momentum=0.1` is Keras's 0.9).
    pub momentum: f32,
    /// Added to the variance before the square root (default 1e-3).
    pub epsilon: f32,
    /// Learn an offset `β` (default true).
    pub center: bool,
    /// Learn a scale `γ` (default true).
    pub scale: bool,
    /// Initializer of `β` (default zeros).
    pub beta_initializer: Initializer,
    /// Initializer of `γ` (default ones).
    pub gamma_initializer: Initializer,
    /// Initializer of the moving mean (default zeros).
    pub moving_mean_initializer: Initializer,
    /// Initializer of the moving variance (default ones).
    pub moving_variance_initializer: Initializer,
    /// Penalty on `β`.
    pub beta_regularizer: Option<Regularizer>,
    /// Penalty on `γ`.
    pub gamma_regularizer: Option<Regularizer>,
}

impl Default for BatchNormalizationConfig {
    fn default() -> BatchNormalizationConfig {
        BatchNormalizationConfig {
            name: None,
            momentum: 0.99,
            epsilon: 1e-3,
            center: true,
            scale: true,
            beta_initializer: Initializer::Zeros,
            gamma_initializer: Initializer::Ones,
            moving_mean_initializer: Initializer::Zeros,
            moving_variance_initializer: Initializer::Ones,
            beta_regularizer: None,
            gamma_regularizer: None,
        }
    }
}

/// Batch normalisation over the last axis (features; channels of `[n, h, w, c]` images),
/// as Keras `BatchNormalization(axis=-1)`.
///
/// With `m` rows (all positions but the last axis), per feature `j`:
/// - training: `μ = mean(x)`, `σ² = mean((x − μ)²)` (biased), `x̂ = (x − μ)/√(σ² + ε)`,
///   `y = γ x̂ + β`; moving averages `m ← m·momentum + μ·(1 − momentum)`, likewise the
///   variance with the **biased** `σ²` (PyTorch stores the unbiased one);
/// - inference (`evaluate`, `predict`): `y = γ (x − m_μ)/√(m_σ² + ε) + β`;
/// - backward: `∂L/∂β = Σ g`, `∂L/∂γ = Σ g x̂`,
///   `∂L/∂x = γ/(m √(σ² + ε)) · (m g − ∂L/∂β − x̂ ∂L/∂γ)`.
///
/// ```
/// use gradus_nn::{BatchKey, BatchNormalization, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut bn = BatchNormalization::new();
/// bn.build(&[1], &mut Rng::new(0)).unwrap();
/// let x = Tensor::from_vec(vec![1.0, 3.0], &[2, 1]).unwrap();
/// let y = bn.forward(&x, Mode::Train(BatchKey::default())).data().to_vec(); // μ = 2, σ² = 1
/// assert!((y[0] + 1.0 / 1.001f32.sqrt()).abs() < 1e-6);
/// // moving mean 0·0.99 + 2·0.01, moving variance 1·0.99 + 1·0.01
/// assert!((bn.params()[2].value.data()[0] - 0.02).abs() < 1e-7);
/// assert!((bn.params()[3].value.data()[0] - 1.0).abs() < 1e-7);
/// ```
#[derive(Debug)]
pub struct BatchNormalization {
    config: BatchNormalizationConfig,
    /// `[gamma?, beta?, moving_mean, moving_variance]`.
    params: Vec<Param>,
    features: usize,
    mean: Vec<f32>,
    var: Vec<f32>,
    inv_std: Vec<f32>,
    x_hat: Tensor,
    output: Tensor,
    grad_input: Tensor,
    sum_g: Vec<f32>,
    sum_g_xhat: Vec<f32>,
}

impl BatchNormalization {
    /// A layer with Keras's defaults.
    pub fn new() -> BatchNormalization {
        BatchNormalization::from_config(BatchNormalizationConfig::default())
    }

    /// A layer from its configuration.
    pub fn from_config(config: BatchNormalizationConfig) -> BatchNormalization {
        BatchNormalization {
            config,
            params: Vec::new(),
            features: 0,
            mean: Vec::new(),
            var: Vec::new(),
            inv_std: Vec::new(),
            x_hat: Tensor::zeros(&[0]),
            output: Tensor::zeros(&[0]),
            grad_input: Tensor::zeros(&[0]),
            sum_g: Vec::new(),
            sum_g_xhat: Vec::new(),
        }
    }

    /// Sets the momentum of the moving averages.
    pub fn momentum(mut self, momentum: impl FloatArg) -> BatchNormalization {
        self.config.momentum = momentum.to_f32();
        self
    }

    /// Sets epsilon.
    pub fn epsilon(mut self, epsilon: impl FloatArg) -> BatchNormalization {
        self.config.epsilon = epsilon.to_f32();
        self
    }
}

/// The value of the parameter called `name`, if the layer has it.
fn value<'a>(params: &'a [Param], name: &str) -> Option<&'a [f32]> {
    params
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.data())
}

/// The gradient of the parameter called `name`, if the layer has it.
fn grad_mut<'a>(params: &'a mut [Param], name: &str) -> Option<&'a mut [f32]> {
    params
        .iter_mut()
        .find(|p| p.name == name)
        .map(|p| p.grad.data_mut())
}

impl Default for BatchNormalization {
    fn default() -> BatchNormalization {
        BatchNormalization::new()
    }
}

impl Layer for BatchNormalization {
    fn build(&mut self, input: &[usize], rng: &mut Rng) -> Result<Vec<usize>> {
        let c = &self.config;
        if !(0.0..1.0).contains(&c.momentum) {
            return Err(Error::config(
                "BatchNormalization.momentum",
                c.momentum,
                "a value in [0, 1)",
            ));
        }
        if !(c.epsilon > 0.0 && c.epsilon.is_finite()) {
            return Err(Error::config(
                "BatchNormalization.epsilon",
                c.epsilon,
                "a finite value > 0",
            ));
        }
        for (field, init) in [
            ("gamma_initializer", c.gamma_initializer),
            ("beta_initializer", c.beta_initializer),
            ("moving_mean_initializer", c.moving_mean_initializer),
            ("moving_variance_initializer", c.moving_variance_initializer),
        ] {
            init.validate(&format!("BatchNormalization.{field}"))?;
        }
        let n = *input.last().unwrap_or(&0);
        if n == 0 {
            return Err(Error::shape(
                "BatchNormalization",
                "inputs with at least one feature",
                format!("{input:?}"),
            ));
        }
        self.features = n;
        self.params.clear();
        if c.scale {
            let gamma = c.gamma_initializer.init(&[n], rng)?;
            self.params
                .push(Param::trainable("gamma", gamma, c.gamma_regularizer));
        }
        if c.center {
            let beta = c.beta_initializer.init(&[n], rng)?;
            self.params
                .push(Param::trainable("beta", beta, c.beta_regularizer));
        }
        let mm = c.moving_mean_initializer.init(&[n], rng)?;
        let mv = c.moving_variance_initializer.init(&[n], rng)?;
        self.params.push(Param::state("moving_mean", mm));
        self.params.push(Param::state("moving_variance", mv));
        for v in [
            &mut self.mean,
            &mut self.var,
            &mut self.inv_std,
            &mut self.sum_g,
            &mut self.sum_g_xhat,
        ] {
            *v = vec![0.0; n];
        }
        Ok(input.to_vec())
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, mode: Mode) -> &'a Tensor {
        let n = self.features;
        let eps = self.config.epsilon;
        let mm = self.params.len() - 2;
        self.output.resize(*x.shape());
        if mode.is_train() {
            ops::column_moments(x.data(), &mut self.mean, &mut self.var);
            for (s, v) in self.inv_std.iter_mut().zip(&self.var) {
                *s = 1.0 / (v + eps).sqrt();
            }
            self.x_hat.resize(*x.shape());
            for (xh, xr) in self
                .x_hat
                .data_mut()
                .chunks_exact_mut(n)
                .zip(x.data().chunks_exact(n))
            {
                for j in 0..n {
                    xh[j] = (xr[j] - self.mean[j]) * self.inv_std[j];
                }
            }
            let momentum = self.config.momentum;
            let (stats, mv) = self.params.split_at_mut(mm + 1);
            for (m, &b) in stats[mm].value.data_mut().iter_mut().zip(&self.mean) {
                *m = *m * momentum + b * (1.0 - momentum);
            }
            for (m, &b) in mv[0].value.data_mut().iter_mut().zip(&self.var) {
                *m = *m * momentum + b * (1.0 - momentum);
            }
            let (gamma, beta) = (value(&self.params, "gamma"), value(&self.params, "beta"));
            for (o, xh) in self
                .output
                .data_mut()
                .chunks_exact_mut(n)
                .zip(self.x_hat.data().chunks_exact(n))
            {
                for j in 0..n {
                    o[j] = gamma.map_or(1.0, |g| g[j]) * xh[j] + beta.map_or(0.0, |b| b[j]);
                }
            }
        } else {
            let moving_mean = self.params[mm].value.data();
            let moving_var = self.params[mm + 1].value.data();
            let (gamma, beta) = (value(&self.params, "gamma"), value(&self.params, "beta"));
            for (o, xr) in self
                .output
                .data_mut()
                .chunks_exact_mut(n)
                .zip(x.data().chunks_exact(n))
            {
                for j in 0..n {
                    let xh = (xr[j] - moving_mean[j]) / (moving_var[j] + eps).sqrt();
                    o[j] = gamma.map_or(1.0, |g| g[j]) * xh + beta.map_or(0.0, |b| b[j]);
                }
            }
        }
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let n = self.features;
        let g = grad_out.data();
        self.sum_g.fill(0.0);
        self.sum_g_xhat.fill(0.0);
        for (gr, xh) in g.chunks_exact(n).zip(self.x_hat.data().chunks_exact(n)) {
            for j in 0..n {
                self.sum_g[j] += gr[j];
                self.sum_g_xhat[j] += gr[j] * xh[j];
            }
        }
        if let Some(gg) = grad_mut(&mut self.params, "gamma") {
            gg.copy_from_slice(&self.sum_g_xhat);
        }
        if let Some(gb) = grad_mut(&mut self.params, "beta") {
            gb.copy_from_slice(&self.sum_g);
        }
        if flow.input_grad {
            let m = (g.len() / n.max(1)) as f32;
            let gamma = value(&self.params, "gamma");
            self.grad_input.resize(*grad_out.shape());
            let xh = self.x_hat.data();
            for ((gi, gr), xr) in self
                .grad_input
                .data_mut()
                .chunks_exact_mut(n)
                .zip(g.chunks_exact(n))
                .zip(xh.chunks_exact(n))
            {
                for j in 0..n {
                    let k = gamma.map_or(1.0, |g| g[j]) * self.inv_std[j] / m;
                    gi[j] = k * (m * gr[j] - self.sum_g[j] - xr[j] * self.sum_g_xhat[j]);
                }
            }
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::BatchNormalization(self.config.clone())
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }
}
