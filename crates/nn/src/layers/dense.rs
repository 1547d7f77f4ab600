//! [`Dense`]: the fully connected layer `y = activation(x·W + b)`.

use gradus_tensor::{Activation, Rng, Tensor, ops};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{CountArg, Error, Initializer, LayerConfig, Param, Regularizer, Result};

/// Multiply-adds per backward product (batch × inputs × units) from which the weight and
/// input gradients are computed side by side on a multi-thread pool: W2's 128 × 512 × 512
/// (33 M) gains; its 128 × 512 × 10 output layer (0.7 M) and all of W1 are too small to
/// pay for the hand-off.
const SIDE_BY_SIDE_MIN_WORK: usize = 1 << 22;

/// Configuration of a [`Dense`] layer; the defaults are Keras's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DenseConfig {
    /// Layer name (default: `dense`, `dense_1`, … in order of addition).
    pub name: Option<String>,
    /// Number of output units.
    pub units: usize,
    /// Activation applied to `x·W + b` (default linear).
    pub activation: Activation,
    /// Whether to add a bias vector (default true).
    pub use_bias: bool,
    /// Kernel initializer (default glorot_uniform).
    pub kernel_initializer: Initializer,
    /// Bias initializer (default zeros).
    pub bias_initializer: Initializer,
    /// Penalty on the kernel.
    pub kernel_regularizer: Option<Regularizer>,
    /// Penalty on the bias.
    pub bias_regularizer: Option<Regularizer>,
    /// Penalty on the layer's output, divided by the batch's row count as Keras 3 does
    /// (`Layer.__call__`): `regularizer(y) / n` for a batch of `n` rows, so its strength
    /// does not depend on the batch size. The gradient is divided likewise.
    pub activity_regularizer: Option<Regularizer>,
}

impl Default for DenseConfig {
    fn default() -> DenseConfig {
        DenseConfig {
            name: None,
            units: 1,
            activation: Activation::Linear,
            use_bias: true,
            kernel_initializer: Initializer::GlorotUniform,
            bias_initializer: Initializer::Zeros,
            kernel_regularizer: None,
            bias_regularizer: None,
            activity_regularizer: None,
        }
    }
}

/// Fully connected layer, as Keras `Dense`.
///
/// Shapes: input `[n, in]`, kernel `W: [in, units]`, bias `b: [units]`, output `[n, units]`.
///
/// - forward: `z = x·W + b`, `y = f(z)` (bias and activation fused in one pass);
/// - backward: `δ = ∂L/∂y ⊙ f'(z)`, `∂L/∂W = xᵀ·δ`, `∂L/∂b = Σ_rows δ`, `∂L/∂x = δ·Wᵀ`.
///
/// ```
/// use gradus_nn::{Dense, GradFlow, Initializer, Layer, Mode};
/// use gradus_tensor::{Activation, Rng, Tensor};
/// let mut d = Dense::new(2)
///     .activation(Activation::Relu)
///     .kernel_initializer(Initializer::Ones)
///     .bias_initializer(Initializer::Constant { value: -4.0 });
/// d.build(&[3], &mut Rng::new(0)).unwrap();
/// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[1, 3]).unwrap();
/// assert_eq!(d.forward(&x, Mode::Infer).data(), &[2.0, 2.0]); // relu(1+2+3−4)
/// let g = Tensor::from_vec(vec![1.0, 0.5], &[1, 2]).unwrap();
/// assert_eq!(d.backward(&g, GradFlow::FULL).data(), &[1.5, 1.5, 1.5]);
/// assert_eq!(d.params()[0].grad.data(), &[1.0, 0.5, 2.0, 1.0, 3.0, 1.5]);
/// ```
#[derive(Debug)]
pub struct Dense {
    config: DenseConfig,
    params: Vec<Param>,
    /// Copy of the last input (for ∂L/∂W).
    input: Tensor,
    /// Pre-activation `x·W + b` (also the output when the activation is linear).
    z: Tensor,
    /// Output `f(z)` when the activation is not linear.
    y: Tensor,
    /// ∂L/∂z.
    delta: Tensor,
    /// Activity-regularizer gradient scratch (only with a fused activation).
    scratch: Tensor,
    grad_input: Tensor,
    activity_penalty: f64,
    /// A `units` given to [`Dense::new`] that is not a count (negative, too large): kept
    /// to be reported by `build`.
    invalid_units: Option<String>,
}

impl Dense {
    /// An unbuilt layer with `units` outputs and Keras's defaults. `units` is any integer
    /// (`usize`, or the `i64` a tuning trial suggests); a value below 1 or beyond `usize`
    /// is reported by `build` (so by `Sequential::build` and `fit`) as
    /// `invalid Dense.units = -3: at least 1 unit`, never a panic.
    ///
    /// ```
    /// use gradus_nn::{Dense, Layer};
    /// use gradus_tensor::Rng;
    /// let suggested: i64 = -3;
    /// let e = Dense::new(suggested).build(&[4], &mut Rng::new(0)).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid Dense.units = -3: at least 1 unit");
    /// ```
    pub fn new(units: impl CountArg) -> Dense {
        let count = units.to_count();
        let mut dense = Dense::from_config(DenseConfig {
            units: count.unwrap_or(0),
            ..DenseConfig::default()
        });
        if count.is_none() {
            dense.invalid_units = Some(units.to_string());
        }
        dense
    }

    /// An unbuilt layer from its configuration.
    pub fn from_config(config: DenseConfig) -> Dense {
        Dense {
            config,
            params: Vec::new(),
            input: Tensor::zeros(&[0, 0]),
            z: Tensor::zeros(&[0, 0]),
            y: Tensor::zeros(&[0, 0]),
            delta: Tensor::zeros(&[0, 0]),
            scratch: Tensor::zeros(&[0, 0]),
            grad_input: Tensor::zeros(&[0, 0]),
            activity_penalty: 0.0,
            invalid_units: None,
        }
    }

    /// Sets the activation.
    pub fn activation(mut self, activation: Activation) -> Dense {
        self.config.activation = activation;
        self
    }

    /// Sets whether a bias is added.
    pub fn use_bias(mut self, use_bias: bool) -> Dense {
        self.config.use_bias = use_bias;
        self
    }

    /// Sets the kernel initializer.
    pub fn kernel_initializer(mut self, init: Initializer) -> Dense {
        self.config.kernel_initializer = init;
        self
    }

    /// Sets the bias initializer.
    pub fn bias_initializer(mut self, init: Initializer) -> Dense {
        self.config.bias_initializer = init;
        self
    }

    /// Sets the kernel regularizer.
    pub fn kernel_regularizer(mut self, r: Regularizer) -> Dense {
        self.config.kernel_regularizer = Some(r);
        self
    }

    /// Sets the bias regularizer.
    pub fn bias_regularizer(mut self, r: Regularizer) -> Dense {
        self.config.bias_regularizer = Some(r);
        self
    }

    /// Sets the activity regularizer.
    pub fn activity_regularizer(mut self, r: Regularizer) -> Dense {
        self.config.activity_regularizer = Some(r);
        self
    }

    /// Sets the layer name.
    pub fn name(mut self, name: impl Into<String>) -> Dense {
        self.config.name = Some(name.into());
        self
    }

    fn output(&self) -> &Tensor {
        if self.config.activation.is_linear() {
            &self.z
        } else {
            &self.y
        }
    }
}

impl Layer for Dense {
    fn build(&mut self, input: &[usize], rng: &mut Rng) -> Result<Vec<usize>> {
        if let Some(units) = &self.invalid_units {
            return Err(Error::config("Dense.units", units, "at least 1 unit"));
        }
        if self.config.units == 0 {
            return Err(Error::config("Dense.units", 0, "at least 1 unit"));
        }
        for (field, r) in [
            ("kernel_regularizer", self.config.kernel_regularizer),
            ("bias_regularizer", self.config.bias_regularizer),
            ("activity_regularizer", self.config.activity_regularizer),
        ] {
            if let Some(r) = r {
                r.validate(&format!("Dense.{field}"))?;
            }
        }
        let &[fan_in] = input else {
            return Err(Error::Shape {
                context: "Dense".into(),
                expected: "input of shape [batch, features]".into(),
                got: format!("[batch, {}]", dims_text(input)),
                hint: "; add a Flatten layer before it".into(),
            });
        };
        self.config
            .kernel_initializer
            .validate("Dense.kernel_initializer")?;
        self.config
            .bias_initializer
            .validate("Dense.bias_initializer")?;
        let units = self.config.units;
        let kernel = self.config.kernel_initializer.init(&[fan_in, units], rng)?;
        self.params = vec![Param::trainable(
            "kernel",
            kernel,
            self.config.kernel_regularizer,
        )];
        if self.config.use_bias {
            let bias = self.config.bias_initializer.init(&[units], rng)?;
            self.params
                .push(Param::trainable("bias", bias, self.config.bias_regularizer));
        }
        Ok(vec![units])
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        self.input.assign(x);
        ops::matmul(x, &self.params[0].value, &mut self.z);
        let act = self.config.activation;
        if !act.is_linear() {
            self.y.resize(*self.z.shape());
        }
        match (self.params.get(1), act.is_linear()) {
            (Some(bias), true) => ops::add_row_vector(self.z.data_mut(), bias.value.data()),
            // One pass over z for bias and activation.
            (Some(bias), false) => {
                act.forward_with_bias(self.z.data_mut(), bias.value.data(), self.y.data_mut())
            }
            (None, false) => act.forward(self.z.data(), self.y.data_mut(), self.config.units),
            (None, true) => {}
        }
        self.activity_penalty = match &self.config.activity_regularizer {
            Some(r) => r.penalty(self.output().data()) / x.rows().max(1) as f64,
            None => 0.0,
        };
        self.output()
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let act = self.config.activation;
        let units = self.config.units;
        let apply_act = !act.is_linear() && !flow.fused_activation;
        let delta: &Tensor = match (&self.config.activity_regularizer, apply_act) {
            (None, false) => grad_out,
            (reg, _) => {
                self.delta.assign(grad_out);
                let out = if act.is_linear() { &self.z } else { &self.y };
                // The penalty is divided by the batch's rows, so is its gradient.
                let scale = 1.0 / out.rows().max(1) as f32;
                match reg {
                    Some(r) if flow.fused_activation && !act.is_linear() => {
                        // δ = fused ∂L/∂z + f'(z) ⊙ ∂penalty/∂y.
                        self.scratch.resize(*out.shape());
                        self.scratch.data_mut().fill(0.0);
                        r.add_scaled_gradient(out.data(), scale, self.scratch.data_mut());
                        act.backward(self.z.data(), out.data(), self.scratch.data_mut(), units);
                        ops::axpy(1.0, self.scratch.data(), self.delta.data_mut());
                    }
                    Some(r) => r.add_scaled_gradient(out.data(), scale, self.delta.data_mut()),
                    None => {}
                }
                if apply_act {
                    act.backward(self.z.data(), out.data(), self.delta.data_mut(), units);
                }
                &self.delta
            }
        };
        let (kernel, rest) = self.params.split_first_mut().expect("built");
        let mut weight_grads = || {
            ops::matmul_tn(&self.input, delta, &mut kernel.grad);
            if let Some(bias) = rest.first_mut() {
                ops::sum_columns_into(delta.data(), bias.grad.data_mut());
            }
        };
        let mut input_grad = || ops::matmul_nt(delta, &kernel.value, &mut self.grad_input);
        let work = delta.len() * self.input.row_len();
        match flow.input_grad {
            // The two products are independent: on several threads they run side by side,
            // each on one thread (see `ops::side_by_side` for what that gains).
            true if work >= SIDE_BY_SIDE_MIN_WORK => {
                ops::side_by_side(weight_grads, input_grad);
            }
            true => {
                weight_grads();
                input_grad();
            }
            false => weight_grads(),
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Dense(self.config.clone())
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }

    fn output_activation(&self) -> Activation {
        self.config.activation
    }

    fn activity_penalty(&self) -> f64 {
        self.activity_penalty
    }
}

/// `a, b, c` for error messages.
pub(crate) fn dims_text(dims: &[usize]) -> String {
    dims.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forward and backward of a layer big enough for the side-by-side backward products,
    /// on a pool of `threads`; returns (input gradient, kernel gradient, bias gradient).
    fn backward_on(threads: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (batch, inputs, units) = (32, 256, 512);
            assert!(batch * inputs * units >= SIDE_BY_SIDE_MIN_WORK);
            let mut rng = Rng::new(3);
            let mut d = Dense::new(units).activation(Activation::Relu);
            d.build(&[inputs], &mut rng).unwrap();
            let x: Vec<f32> = (0..batch * inputs).map(|_| rng.normal() as f32).collect();
            let x = Tensor::from_vec(x, &[batch, inputs]).unwrap();
            let g: Vec<f32> = (0..batch * units).map(|_| rng.normal() as f32).collect();
            let g = Tensor::from_vec(g, &[batch, units]).unwrap();
            d.forward(&x, Mode::Train(crate::BatchKey::default()));
            let gx = d.backward(&g, GradFlow::FULL).data().to_vec();
            let p = d.params();
            (gx, p[0].grad.data().to_vec(), p[1].grad.data().to_vec())
        })
    }

    #[test]
    fn side_by_side_backward_matches_one_thread() {
        let (one, two) = (backward_on(1), backward_on(2));
        for (a, b) in [(&one.0, &two.0), (&one.1, &two.1), (&one.2, &two.2)] {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() <= 1e-5 * (1.0 + x.abs()), "{x} vs {y}");
            }
        }
    }
}
