//! [`CategoricalCrossentropy`].

use gradus_tensor::{Tensor, ops};

use super::{CrossentropyInput, EPSILON, Loss, prepare};

/// Categorical cross-entropy over `n` rows of `k` classes, Keras semantics.
///
/// With smoothed targets `y' = y (1 − s) + s/k`:
/// - probabilities: `q = clip(p / Σp, ε, 1 − ε)`, `L = −1/n Σ_rows Σ_j y'_j ln q_j`;
///   with `a_j = −y'_j / q_j` (0 where clipped), `∂L/∂p_i = (a_i − Σ_j a_j q_j)/(n Σp)`;
/// - logits `z`: `L = 1/n Σ_rows (Σ_j y'_j)·logsumexp(z) − Σ_j y'_j z_j`,
///   `∂L/∂z = (softmax(z)·Σ_j y'_j − y')/n`;
/// - fused softmax: the value as for probabilities, `∂L/∂z = (p·Σ_j y'_j − y')/n`.
///
/// ```
/// use gradus_nn::{CategoricalCrossentropy, CrossentropyInput, Loss};
/// use gradus_tensor::Tensor;
/// let cce = CategoricalCrossentropy { input: CrossentropyInput::Probabilities, label_smoothing: 0.0 };
/// let y = Tensor::from_vec(vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0], &[2, 3]).unwrap();
/// let p = Tensor::from_vec(vec![0.05, 0.95, 0.0, 0.1, 0.8, 0.1], &[2, 3]).unwrap();
/// // Keras docs example: (−ln 0.95 − ln 0.1)/2
/// assert!((cce.compute(&p, &y, None) - 1.176_939_3).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CategoricalCrossentropy {
    /// What the predictions are.
    pub input: CrossentropyInput,
    /// Label smoothing `s` in `[0, 1]`.
    pub label_smoothing: f32,
}

impl Loss for CategoricalCrossentropy {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let rows = pred.rows();
        let k = pred.row_len();
        let s = self.label_smoothing;
        let smooth = |y: f32| y * (1.0 - s) + s / k as f32;
        let inv_n = 1.0 / rows.max(1) as f32;
        let mut grad = prepare(grad, pred);
        let mut sum = 0.0f64;
        for r in 0..rows {
            let (p, y) = (pred.row(r), target.row(r));
            let y_sum: f32 = y.iter().map(|&v| smooth(v)).sum();
            match self.input {
                CrossentropyInput::Logits => {
                    let lse = ops::logsumexp(p);
                    sum += y
                        .iter()
                        .zip(p)
                        .map(|(&yv, &z)| (smooth(yv) * (lse - z)) as f64)
                        .sum::<f64>();
                    if let Some(g) = grad.as_deref_mut() {
                        for ((gv, &z), &yv) in g.row_mut(r).iter_mut().zip(p).zip(y) {
                            *gv = inv_n * ((z - lse).exp() * y_sum - smooth(yv));
                        }
                    }
                }
                CrossentropyInput::Probabilities | CrossentropyInput::FusedProbabilities => {
                    let total: f32 = p.iter().sum();
                    let q = |pv: f32| (pv / total).clamp(EPSILON, 1.0 - EPSILON);
                    sum -= y
                        .iter()
                        .zip(p)
                        .map(|(&yv, &pv)| smooth(yv) as f64 * (q(pv) as f64).ln())
                        .sum::<f64>();
                    let Some(g) = grad.as_deref_mut() else {
                        continue;
                    };
                    if self.input == CrossentropyInput::FusedProbabilities {
                        for ((gv, &pv), &yv) in g.row_mut(r).iter_mut().zip(p).zip(y) {
                            *gv = inv_n * (pv * y_sum - smooth(yv));
                        }
                    } else {
                        // a_j = −y'_j / q_j inside the clip range, 0 outside.
                        let a = |pv: f32, yv: f32| {
                            let raw = pv / total;
                            if raw == q(pv) { -smooth(yv) / raw } else { 0.0 }
                        };
                        let aq: f32 = p
                            .iter()
                            .zip(y)
                            .map(|(&pv, &yv)| a(pv, yv) * pv / total)
                            .sum();
                        for ((gv, &pv), &yv) in g.row_mut(r).iter_mut().zip(p).zip(y) {
                            *gv = inv_n * (a(pv, yv) - aq) / total;
                        }
                    }
                }
            }
        }
        sum / rows.max(1) as f64
    }
}
