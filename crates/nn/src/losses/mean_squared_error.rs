//! [`MeanSquaredError`].

use gradus_tensor::Tensor;

use super::{Loss, prepare};

/// Mean squared error: `L = 1/(n k) Σ (p − y)²` over `n` rows of `k` values;
/// `∂L/∂p = 2 (p − y)/(n k)`.
///
/// ```
/// use gradus_nn::{Loss, MeanSquaredError};
/// use gradus_tensor::Tensor;
/// let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
/// let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
/// assert_eq!(MeanSquaredError.compute(&p, &y, None), 0.375);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanSquaredError;

impl Loss for MeanSquaredError {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let scale = 1.0 / pred.len().max(1) as f64;
        let mut sum = 0.0f64;
        match prepare(grad, pred) {
            Some(g) => {
                let k = (2.0 * scale) as f32;
                for ((gv, &p), &y) in g.data_mut().iter_mut().zip(pred.data()).zip(target.data()) {
                    let e = p - y;
                    sum += (e * e) as f64;
                    *gv = k * e;
                }
            }
            None => {
                for (&p, &y) in pred.data().iter().zip(target.data()) {
                    sum += ((p - y) * (p - y)) as f64;
                }
            }
        }
        sum * scale
    }
}
