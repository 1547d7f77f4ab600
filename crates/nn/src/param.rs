//! [`Param`]: one weight tensor of a layer, with its gradient and regularizer.

use gradus_tensor::Tensor;

use crate::Regularizer;

/// A weight tensor owned by a layer: its value, the gradient of the loss with respect to it
/// (written by the layer's backward pass), and its regularizer.
///
/// Non-trainable state that is still part of the model (a batch-normalisation layer's moving
/// mean and variance) is a `Param` with `trainable == false` and an empty gradient: it is
/// saved and counted by `summary`, never touched by the optimizer.
#[derive(Clone, Debug)]
pub struct Param {
    /// Name within the layer, as Keras names it: `kernel`, `bias`, `gamma`, `beta`,
    /// `moving_mean`, `moving_variance`.
    pub name: &'static str,
    /// The current value.
    pub value: Tensor,
    /// ∂loss/∂value of the last backward pass (same shape as `value`; empty when not
    /// trainable).
    pub grad: Tensor,
    /// Penalty added to the loss, if any.
    pub regularizer: Option<Regularizer>,
    /// Whether the optimizer updates it.
    pub trainable: bool,
}

impl Param {
    /// A trainable parameter with a zero gradient of the same shape.
    pub fn trainable(name: &'static str, value: Tensor, regularizer: Option<Regularizer>) -> Param {
        let grad = Tensor::zeros(value.dims());
        Param {
            name,
            value,
            grad,
            regularizer,
            trainable: true,
        }
    }

    /// A non-trainable state tensor (no gradient, no regularizer).
    pub fn state(name: &'static str, value: Tensor) -> Param {
        Param {
            name,
            value,
            grad: Tensor::zeros(&[0]),
            regularizer: None,
            trainable: false,
        }
    }

    /// The regularization penalty of the current value (0 without a regularizer).
    pub fn penalty(&self) -> f64 {
        self.regularizer
            .as_ref()
            .map_or(0.0, |r| r.penalty(self.value.data()))
    }

    /// Adds the regularizer's gradient to `grad`.
    pub fn add_penalty_gradient(&mut self) {
        if let Some(r) = &self.regularizer {
            r.add_gradient(self.value.data(), self.grad.data_mut());
        }
    }
}
