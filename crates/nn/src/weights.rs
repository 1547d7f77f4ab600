//! [`Weights`]: a snapshot of every parameter of a model.

use gradus_tensor::Tensor;

/// The values of all parameters of a model (trainable and not), in model order: layer by
/// layer, each layer's parameters in its own order (Keras's `get_weights()`).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights(pub Vec<Tensor>);

impl Weights {
    /// Number of tensors.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for a model without parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Total number of values.
    pub fn count(&self) -> usize {
        self.0.iter().map(Tensor::len).sum()
    }
}
