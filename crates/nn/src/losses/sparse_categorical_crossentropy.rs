//! [`SparseCategoricalCrossentropy`].

use gradus_tensor::{Tensor, ops};

use super::{CrossentropyInput, EPSILON, Loss, prepare};

/// Categorical cross-entropy with integer class-id targets `c` (shape `[n, 1]`), Keras
/// semantics:
/// - probabilities: `q = clip(p_c / Σp, ε, 1 − ε)`, `L = −1/n Σ ln q`;
///   `∂L/∂p_i = (a δ_ic − a q_c)/(n Σp)` with `a = −1/q_c` (0 where clipped);
/// - logits: `L = 1/n Σ (logsumexp(z) − z_c)`, `∂L/∂z = (softmax(z) − onehot(c))/n`;
/// - fused softmax: the value as for probabilities, `∂L/∂z = (p − onehot(c))/n`.
///
/// ```
/// use gradus_nn::{CrossentropyInput, Loss, SparseCategoricalCrossentropy};
/// use gradus_tensor::Tensor;
/// let scce = SparseCategoricalCrossentropy { input: CrossentropyInput::Probabilities };
/// let y = Tensor::column(&[1.0, 2.0]);
/// let p = Tensor::from_vec(vec![0.05, 0.95, 0.0, 0.1, 0.8, 0.1], &[2, 3]).unwrap();
/// assert!((scce.compute(&p, &y, None) - 1.176_939_3).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SparseCategoricalCrossentropy {
    /// What the predictions are.
    pub input: CrossentropyInput,
}

impl Loss for SparseCategoricalCrossentropy {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let rows = pred.rows();
        let inv_n = 1.0 / rows.max(1) as f32;
        let mut grad = prepare(grad, pred);
        let mut sum = 0.0f64;
        for r in 0..rows {
            let p = pred.row(r);
            let c = target.data()[r] as usize;
            match self.input {
                CrossentropyInput::Logits => {
                    let lse = ops::logsumexp(p);
                    sum += (lse - p[c]) as f64;
                    if let Some(g) = grad.as_deref_mut() {
                        for (j, (gv, &z)) in g.row_mut(r).iter_mut().zip(p).enumerate() {
                            *gv = inv_n * ((z - lse).exp() - if j == c { 1.0 } else { 0.0 });
                        }
                    }
                }
                CrossentropyInput::Probabilities | CrossentropyInput::FusedProbabilities => {
                    let total: f32 = p.iter().sum();
                    let raw = p[c] / total;
                    let q = raw.clamp(EPSILON, 1.0 - EPSILON);
                    sum -= (q as f64).ln();
                    let Some(g) = grad.as_deref_mut() else {
                        continue;
                    };
                    let row = g.row_mut(r);
                    if self.input == CrossentropyInput::FusedProbabilities {
                        row.copy_from_slice(p);
                        row[c] -= 1.0;
                        row.iter_mut().for_each(|v| *v *= inv_n);
                    } else {
                        let a = if raw == q { -1.0 / raw } else { 0.0 };
                        for (j, gv) in row.iter_mut().enumerate() {
                            let own = if j == c { a } else { 0.0 };
                            *gv = inv_n * (own - a * raw) / total;
                        }
                    }
                }
            }
        }
        sum / rows.max(1) as f64
    }
}
