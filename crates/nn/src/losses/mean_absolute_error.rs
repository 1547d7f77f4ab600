//! [`MeanAbsoluteError`].

use gradus_tensor::Tensor;

use super::{Loss, prepare};

/// Mean absolute error: `L = 1/(n k) Σ |p − y|`; `∂L/∂p = sign(p − y)/(n k)` (0 where
/// `p = y`).
///
/// ```
/// use gradus_nn::{Loss, MeanAbsoluteError};
/// use gradus_tensor::Tensor;
/// let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
/// let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
/// assert_eq!(MeanAbsoluteError.compute(&p, &y, None), 0.5);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanAbsoluteError;

impl Loss for MeanAbsoluteError {
    fn compute(&self, pred: &Tensor, target: &Tensor, grad: Option<&mut Tensor>) -> f64 {
        let scale = 1.0 / pred.len().max(1) as f64;
        let sum: f64 = pred
            .data()
            .iter()
            .zip(target.data())
            .map(|(&p, &y)| (p - y).abs() as f64)
            .sum();
        if let Some(g) = prepare(grad, pred) {
            let k = scale as f32;
            for ((gv, &p), &y) in g.data_mut().iter_mut().zip(pred.data()).zip(target.data()) {
                let e = p - y;
                *gv = if e > 0.0 {
                    k
                } else if e < 0.0 {
                    -k
                } else {
                    0.0
                };
            }
        }
        sum * scale
    }
}
