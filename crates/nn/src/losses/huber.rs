//! [`Huber`].

use gradus_tensor::Tensor;

use super::{Loss, prepare};

/// Huber loss with threshold `δ`: per value `e = p − y`, `½ e²` if `|e| ≤ δ`, else
/// `δ (|e| − ½ δ)`; averaged over all `n k` values. `∂L/∂p = e/(n k)` if `|e| ≤ δ`, else
/// `δ sign(e)/(n k)`.
///
/// ```
/// use gradus_nn::{Huber, Loss};
/// use gradus_tensor::Tensor;
/// let y = Tensor::column(&[0.0, 0.0]);
/// let p = Tensor::column(&[0.5, 3.0]);
/// // (0.125 + 1·(3 − 0.5)) / 2
/// assert_eq!(Huber { delta: 1.0 }.compute(&p, &y, None), 1.3125);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Huber {
    /// The threshold δ (Keras default 1.0).
    pub delta: f32,
}

impl Default for Huber {
    fn default() -> Huber {
        Huber { delta: 1.0 }
    }
}

impl Loss for Huber {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let d = self.delta;
        let scale = 1.0 / pred.len().max(1) as f64;
        let sum: f64 = pred
            .data()
            .iter()
            .zip(target.data())
            .map(|(&p, &y)| {
                let a = (p - y).abs();
                if a <= d {
                    0.5 * (a as f64) * (a as f64)
                } else {
                    d as f64 * (a as f64 - 0.5 * d as f64)
                }
            })
            .sum();
        if let Some(g) = prepare(grad, pred) {
            let k = scale as f32;
            for ((gv, &p), &y) in g.data_mut().iter_mut().zip(pred.data()).zip(target.data()) {
                let e = p - y;
                *gv = k * e.clamp(-d, d);
            }
        }
        sum * scale
    }
}
