//! Losses: the [`Loss`] trait, the built-in losses and [`LossConfig`], their serialisable
//! description.
//!
//! Every loss is reduced as a batch mean (Keras `sum_over_batch_size`): per-sample losses
//! are averaged over the last axis (mse, mae, huber, binary cross-entropy) or summed over
//! classes (categorical cross-entropies), then averaged over the batch.
//!
//! **Fusion.** When the model's last layer ends in softmax (or sigmoid) and the loss is
//! categorical (or binary) cross-entropy on probabilities, the loss hands back the
//! gradient with respect to the *pre-activation* — `(p − y)/n` — instead of going through
//! the activation's Jacobian; the model skips that activation's derivative. This is exact
//! and avoids the vanishing gradient that clipping the probabilities causes for confidently
//! wrong predictions. The reported value is still computed from the clipped probabilities
//! as Keras computes it.

mod binary_crossentropy;
mod categorical_crossentropy;
mod huber;
mod loss_config;
mod mean_absolute_error;
mod mean_squared_error;
mod sparse_categorical_crossentropy;

pub use binary_crossentropy::BinaryCrossentropy;
pub use categorical_crossentropy::CategoricalCrossentropy;
use gradus_tensor::{Activation, Tensor};
pub use huber::Huber;
pub use loss_config::LossConfig;
pub use mean_absolute_error::MeanAbsoluteError;
pub use mean_squared_error::MeanSquaredError;
pub use sparse_categorical_crossentropy::SparseCategoricalCrossentropy;

use crate::{Error, Result};

/// Keras's `epsilon()`: probabilities are clipped to `[EPSILON, 1 − EPSILON]`.
pub const EPSILON: f32 = 1e-7;

/// A loss function: value and gradient with respect to the predictions.
pub trait Loss: Send + Sync {
    /// The batch-mean loss of `pred` against `target`. When `grad` is given it is resized
    /// to `pred`'s shape and receives ∂loss/∂pred (∂loss/∂logits for fused losses).
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64;
}

/// What a cross-entropy loss receives from the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrossentropyInput {
    /// Probabilities; the gradient is taken with respect to them.
    Probabilities,
    /// Unnormalised logits (`from_logits = true`).
    Logits,
    /// Probabilities from the model's final softmax / sigmoid, whose derivative the loss
    /// fuses: the gradient is with respect to that activation's input.
    FusedProbabilities,
}

/// A loss ready for training: the runtime object and whether it fuses the model's final
/// activation.
pub struct BuiltLoss {
    /// The loss.
    pub loss: Box<dyn Loss>,
    /// True when [`Loss::compute`]'s gradient is with respect to the last layer's
    /// pre-activation: the model ends in softmax (sigmoid) and the loss is categorical
    /// (binary) cross-entropy on probabilities, so the gradient is `(p − y)/n` and the model
    /// skips that activation's derivative — exact, and free of the vanishing gradient that
    /// clipping the probabilities causes for confidently wrong predictions.
    pub fused: bool,
}

impl LossConfig {
    /// Checks the parameters (delta > 0, label smoothing in [0, 1]).
    pub fn validate(&self) -> Result<()> {
        match *self {
            LossConfig::Huber { delta } if !(delta > 0.0 && delta.is_finite()) => {
                Err(Error::config("huber.delta", delta, "a finite value > 0"))
            }
            LossConfig::BinaryCrossentropy {
                label_smoothing, ..
            }
            | LossConfig::CategoricalCrossentropy {
                label_smoothing, ..
            } if !(0.0..=1.0).contains(&label_smoothing) => Err(Error::config(
                format!("{}.label_smoothing", self.name()),
                label_smoothing,
                "a value in [0, 1]",
            )),
            _ => Ok(()),
        }
    }

    /// The runtime loss for a model whose last layer ends in `head`.
    pub fn build(&self, head: Activation) -> BuiltLoss {
        let input = |from_logits: bool, fusable: Activation| {
            if from_logits {
                CrossentropyInput::Logits
            } else if head == fusable {
                CrossentropyInput::FusedProbabilities
            } else {
                CrossentropyInput::Probabilities
            }
        };
        let (loss, input): (Box<dyn Loss>, _) = match *self {
            LossConfig::MeanSquaredError => (Box::new(MeanSquaredError), None),
            LossConfig::MeanAbsoluteError => (Box::new(MeanAbsoluteError), None),
            LossConfig::Huber { delta } => (Box::new(Huber { delta }), None),
            LossConfig::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            } => {
                let input = input(from_logits, Activation::Sigmoid);
                (
                    Box::new(BinaryCrossentropy {
                        input,
                        label_smoothing,
                    }),
                    Some(input),
                )
            }
            LossConfig::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            } => {
                let input = input(from_logits, Activation::Softmax);
                (
                    Box::new(CategoricalCrossentropy {
                        input,
                        label_smoothing,
                    }),
                    Some(input),
                )
            }
            LossConfig::SparseCategoricalCrossentropy { from_logits } => {
                let input = input(from_logits, Activation::Softmax);
                (
                    Box::new(SparseCategoricalCrossentropy { input }),
                    Some(input),
                )
            }
        };
        BuiltLoss {
            loss,
            fused: input == Some(CrossentropyInput::FusedProbabilities),
        }
    }

    /// Checks that `target` fits this loss for predictions with `outputs` values per row:
    /// same width (integer class ids in `0..outputs` for the sparse loss), values in
    /// `[0, 1]` for cross-entropies. `what` names the data in the error (`y`, …).
    pub fn check_target(&self, outputs: usize, target: &Tensor, what: &str) -> Result<()> {
        let cols = target.row_len();
        if let LossConfig::SparseCategoricalCrossentropy { .. } = self {
            if cols != 1 {
                return Err(Error::Shape {
                    context: format!("{what} for sparse_categorical_crossentropy"),
                    expected: "[n, 1] class ids".into(),
                    got: format!("{:?}", target.dims()),
                    hint: "; use categorical_crossentropy for one-hot targets".into(),
                });
            }
            for (row, &v) in target.data().iter().enumerate() {
                if v.fract() != 0.0 || v < 0.0 || v as usize >= outputs {
                    return Err(Error::Target {
                        what: what.into(),
                        row,
                        reason: format!(
                            "class id {v} is not an integer in 0..{outputs} (the model has {outputs} outputs)"
                        ),
                    });
                }
            }
            return Ok(());
        }
        if cols != outputs {
            let hint = match self {
                LossConfig::CategoricalCrossentropy { .. } if cols == 1 => {
                    "; one-hot encode the targets or use sparse_categorical_crossentropy"
                }
                _ => "; the last layer needs as many units as there are target columns",
            };
            return Err(Error::Shape {
                context: format!("{what} for {}", self.name()),
                expected: format!("[n, {outputs}] (the model's output)"),
                got: format!("{:?}", target.dims()),
                hint: hint.into(),
            });
        }
        if matches!(
            self,
            LossConfig::BinaryCrossentropy { .. } | LossConfig::CategoricalCrossentropy { .. }
        ) && let Some(i) = target.data().iter().position(|v| !(0.0..=1.0).contains(v))
        {
            return Err(Error::Target {
                what: what.into(),
                row: i / cols,
                reason: format!(
                    "{} targets must be in [0, 1], found {} in column {}",
                    self.name(),
                    target.data()[i],
                    i % cols
                ),
            });
        }
        Ok(())
    }
}

/// Resizes the gradient buffer to `pred`'s shape, if there is one.
fn prepare<'g>(grad: Option<&'g mut Tensor>, pred: &Tensor) -> Option<&'g mut Tensor> {
    let g = grad?;
    g.resize(*pred.shape());
    Some(g)
}

#[cfg(test)]
mod tests;
