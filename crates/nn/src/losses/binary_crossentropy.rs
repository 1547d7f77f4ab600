//! [`BinaryCrossentropy`].

use gradus_tensor::Tensor;

use super::{CrossentropyInput, EPSILON, Loss, prepare};

/// Binary cross-entropy over `n` rows of `k` independent outputs, Keras semantics.
///
/// With smoothed targets `y' = y (1 − s) + s/2`:
/// - probabilities: `p̃ = clip(p, ε, 1 − ε)`, `L = −1/(n k) Σ [y' ln p̃ + (1 − y') ln(1 − p̃)]`,
///   `∂L/∂p = −(y'/p̃ − (1 − y')/(1 − p̃))/(n k)` (0 where clipped);
/// - logits `z`: `L = 1/(n k) Σ [max(z, 0) − z y' + ln(1 + e^{−|z|})]`,
///   `∂L/∂z = (σ(z) − y')/(n k)`;
/// - fused sigmoid: the value as for probabilities, `∂L/∂z = (p − y')/(n k)`.
///
/// ```
/// use gradus_nn::{BinaryCrossentropy, CrossentropyInput, Loss};
/// use gradus_tensor::Tensor;
/// let bce = BinaryCrossentropy { input: CrossentropyInput::Probabilities, label_smoothing: 0.0 };
/// let y = Tensor::column(&[1.0, 0.0]);
/// let p = Tensor::column(&[0.8, 0.4]);
/// // −(ln 0.8 + ln 0.6)/2
/// assert!((bce.compute(&p, &y, None) - 0.366_985_2).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct BinaryCrossentropy {
    /// What the predictions are.
    pub input: CrossentropyInput,
    /// Label smoothing `s` in `[0, 1]`.
    pub label_smoothing: f32,
}

impl Loss for BinaryCrossentropy {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let s = self.label_smoothing;
        let scale = 1.0 / pred.len().max(1) as f64;
        let k = scale as f32;
        let mut grad = prepare(grad, pred);
        let mut sum = 0.0f64;
        for (i, (&p, &y)) in pred.data().iter().zip(target.data()).enumerate() {
            let y = y * (1.0 - s) + 0.5 * s;
            let g = match self.input {
                CrossentropyInput::Logits => {
                    let z = p;
                    sum += (z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()) as f64;
                    1.0 / (1.0 + (-z).exp()) - y
                }
                CrossentropyInput::Probabilities | CrossentropyInput::FusedProbabilities => {
                    let pc = p.clamp(EPSILON, 1.0 - EPSILON);
                    sum -=
                        (y as f64) * (pc as f64).ln() + (1.0 - y as f64) * (1.0 - pc as f64).ln();
                    if self.input == CrossentropyInput::FusedProbabilities {
                        p - y
                    } else if p == pc {
                        -(y / pc - (1.0 - y) / (1.0 - pc))
                    } else {
                        0.0
                    }
                }
            };
            if let Some(gr) = grad.as_deref_mut() {
                gr.data_mut()[i] = k * g;
            }
        }
        sum * scale
    }
}
