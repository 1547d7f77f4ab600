//! The [`Layer`] trait: explicit forward and backward passes with preallocated buffers.

use gradus_tensor::{Activation, BatchKey, Rng, Tensor};

use crate::{LayerConfig, Param, Result};

/// Whether a forward pass is part of training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `fit`, on the given batch: dropout drops (its mask drawn from a stream keyed by the
    /// batch), batch normalisation uses batch statistics and updates its moving averages.
    Train(BatchKey),
    /// `evaluate` and `predict`: dropout is the identity, batch normalisation uses its moving
    /// statistics.
    Infer,
}

impl Mode {
    /// Whether this is a training pass.
    pub fn is_train(&self) -> bool {
        matches!(self, Mode::Train(_))
    }
}

/// What a backward pass receives and must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GradFlow {
    /// `grad_out` is already the gradient with respect to the input of this layer's
    /// [`Layer::output_activation`]: the loss fused that activation's derivative (softmax
    /// or sigmoid with cross-entropy), so the layer must not apply it again.
    pub fused_activation: bool,
    /// Whether the gradient with respect to the layer's input is needed (false for the
    /// first layer, which saves a matrix product).
    pub input_grad: bool,
}

impl GradFlow {
    /// The usual case: no fusion, input gradient needed.
    pub const FULL: GradFlow = GradFlow {
        fused_activation: false,
        input_grad: true,
    };
}

/// One layer of a [`Sequential`](crate::Sequential) model.
///
/// A layer is created unbuilt from its configuration, then [`build`](Layer::build) creates
/// its weights for a given input shape. [`forward`](Layer::forward) caches what
/// [`backward`](Layer::backward) needs; backward returns ∂loss/∂input and writes
/// ∂loss/∂weight into each [`Param::grad`]. Output and gradient buffers live in the layer
/// and are resized (not reallocated) when the batch size changes, so a training step
/// allocates nothing once the largest batch has been seen.
///
/// Shapes passed to `build` and returned by it exclude the batch dimension.
pub trait Layer: Send {
    /// Creates the weights for inputs of shape `[batch, input...]` and returns the output
    /// shape (without the batch dimension). `rng` is this layer's own seeded stream.
    ///
    /// # Errors
    /// A shape this layer cannot take, or an invalid configuration value.
    fn build(&mut self, input: &[usize], rng: &mut Rng) -> Result<Vec<usize>>;

    /// Computes the output for a batch. May return `x` itself (identity layers).
    fn forward<'a>(&'a mut self, x: &'a Tensor, mode: Mode) -> &'a Tensor;

    /// Given ∂loss/∂output of the last forward pass, accumulates parameter gradients and
    /// returns ∂loss/∂input (an unspecified tensor when `flow.input_grad` is false).
    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor;

    /// The configuration this layer was created from (with its resolved name).
    fn config(&self) -> LayerConfig;

    /// The weights, trainable and not.
    fn params(&self) -> &[Param] {
        &[]
    }

    /// The weights, mutable (for the optimizer and for loading).
    fn params_mut(&mut self) -> &mut [Param] {
        &mut []
    }

    /// The activation applied last in `forward`, which a loss may fuse (see
    /// [`GradFlow::fused_activation`]).
    fn output_activation(&self) -> Activation {
        Activation::Linear
    }

    /// The activity-regularization penalty of the last forward pass (0 by default).
    fn activity_penalty(&self) -> f64 {
        0.0
    }
}
