//! [`ActivationLayer`]: applies an activation function on its own, as Keras `Activation`.

use gradus_tensor::{Activation, Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{LayerConfig, Result};

/// Configuration of an [`ActivationLayer`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ActivationConfig {
    /// Layer name (default: `activation`, `activation_1`, …).
    pub name: Option<String>,
    /// The function.
    pub activation: Activation,
}

/// Applies an [`Activation`] element-wise (softmax: row-wise): `y = f(x)`, any shape;
/// backward `∂L/∂x = ∂L/∂y ⊙ f'(x)`.
///
/// ```
/// use gradus_nn::{ActivationLayer, GradFlow, Layer, Mode};
/// use gradus_tensor::{Activation, Rng, Tensor};
/// let mut a = ActivationLayer::new(Activation::Tanh);
/// a.build(&[2], &mut Rng::new(0)).unwrap();
/// let x = Tensor::from_vec(vec![0.0, 1.0], &[1, 2]).unwrap();
/// let y = a.forward(&x, Mode::Infer).data().to_vec();
/// assert!((y[1] - 0.761_594_2).abs() < 1e-6);
/// let g = a.backward(&Tensor::from_vec(vec![1.0, 1.0], &[1, 2]).unwrap(), GradFlow::FULL);
/// assert!((g.data()[0] - 1.0).abs() < 1e-6 && (g.data()[1] - 0.419_974_34).abs() < 1e-6);
/// ```
#[derive(Debug)]
pub struct ActivationLayer {
    config: ActivationConfig,
    input: Tensor,
    output: Tensor,
    grad_input: Tensor,
    cols: usize,
}

impl ActivationLayer {
    /// A layer applying `activation`.
    pub fn new(activation: Activation) -> ActivationLayer {
        ActivationLayer::from_config(ActivationConfig {
            name: None,
            activation,
        })
    }

    /// A layer from its configuration.
    pub fn from_config(config: ActivationConfig) -> ActivationLayer {
        ActivationLayer {
            config,
            input: Tensor::zeros(&[0]),
            output: Tensor::zeros(&[0]),
            grad_input: Tensor::zeros(&[0]),
            cols: 1,
        }
    }
}

impl Layer for ActivationLayer {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        self.cols = input.last().copied().unwrap_or(1);
        Ok(input.to_vec())
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let act = self.config.activation;
        if act.is_linear() {
            return x;
        }
        self.input.assign(x);
        self.output.resize(*x.shape());
        act.forward(x.data(), self.output.data_mut(), self.cols);
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        self.grad_input.assign(grad_out);
        let act = self.config.activation;
        if !act.is_linear() && !flow.fused_activation {
            act.backward(
                self.input.data(),
                self.output.data(),
                self.grad_input.data_mut(),
                self.cols,
            );
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Activation(self.config.clone())
    }

    fn output_activation(&self) -> Activation {
        self.config.activation
    }
}
