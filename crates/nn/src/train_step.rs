//! [`train_step`]: one gradient step on a batch.

use gradus_tensor::{BatchKey, Tensor, ops};

use crate::sequential::forward;
use crate::{Divergence, GradFlow, Layer, Loss, MetricTracker, Mode, Optimizer};

/// One training step on a batch: forward, loss, backward, regularizer gradients, update.
/// Returns the batch loss including regularization penalties (what Keras reports).
/// Allocates nothing once the buffers have grown to the batch size.
///
/// A non-finite loss stops the step before the backward pass (the weights stay as they
/// were); an update that leaves a weight non-finite (from a non-finite gradient, or an
/// overflow) is reported after it. Either is the `Err`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_step(
    layers: &mut [Box<dyn Layer>],
    loss: &dyn Loss,
    fused: bool,
    optimizer: &mut Optimizer,
    x: &Tensor,
    y: &Tensor,
    grad: &mut Tensor,
    trackers: &mut [MetricTracker],
    key: BatchKey,
) -> std::result::Result<f64, Divergence> {
    let out = forward(layers, x, Mode::Train(key));
    let data_loss = loss.compute(out, y, Some(grad));
    for t in trackers.iter_mut() {
        t.update(out, y);
    }
    let mut penalty = 0.0;
    for layer in layers.iter() {
        penalty += layer.activity_penalty();
        penalty += layer.params().iter().map(|p| p.penalty()).sum::<f64>();
    }
    let total = data_loss + penalty;
    if !total.is_finite() {
        return Err(Divergence::Loss(total));
    }
    let n = layers.len();
    let mut g: &Tensor = grad;
    for (i, layer) in layers.iter_mut().enumerate().rev() {
        let flow = GradFlow {
            fused_activation: fused && i + 1 == n,
            input_grad: i > 0,
        };
        g = layer.backward(g, flow);
    }
    let mut sum_squares = 0.0;
    for p in layers
        .iter_mut()
        .flat_map(|l| l.params_mut())
        .filter(|p| p.trainable)
    {
        p.add_penalty_gradient();
        if optimizer.needs_global_norm() {
            sum_squares += ops::sum_squares(p.grad.data());
        }
    }
    let scale = optimizer.global_clip_scale(sum_squares);
    let trainable = layers
        .iter_mut()
        .flat_map(|l| l.params_mut())
        .filter(|p| p.trainable);
    let mut finite = true;
    for (index, p) in trainable.enumerate() {
        finite &= optimizer.update(index, p, scale);
    }
    if !finite {
        let value = layers
            .iter()
            .flat_map(|l| l.params())
            .flat_map(|p| p.value.data())
            .find(|v| !v.is_finite())
            .map_or(f64::NAN, |&v| f64::from(v));
        return Err(Divergence::Weights(value));
    }
    optimizer.finish_step();
    Ok(total)
}
