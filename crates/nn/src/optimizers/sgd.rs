//! [`Sgd`]: stochastic gradient descent with optional (Nesterov) momentum, Keras form.

use serde::{Deserialize, Serialize};

use super::{Step, UpdateRule};

/// Stochastic gradient descent, as Keras `SGD` (default learning rate 0.01).
///
/// Without momentum: `w ← w − lr·g`. With momentum `μ`, Keras's velocity form (the
/// learning rate is inside the velocity, unlike PyTorch):
/// `v ← μ v − lr·g`; then `w ← w + v`, or with Nesterov `w ← w + μ v − lr·g`.
///
/// ```
/// use gradus_nn::{Sgd, Step, UpdateRule};
/// let sgd = Sgd { momentum: 0.9, nesterov: false };
/// let (mut w, mut v) = ([1.0f32], [0.0f32]);
/// sgd.update(Step { t: 1, lr: 0.1 }, &mut w, &[2.0], &mut [&mut v]);
/// assert_eq!((w[0], v[0]), (0.8, -0.2));
/// sgd.update(Step { t: 2, lr: 0.1 }, &mut w, &[2.0], &mut [&mut v]);
/// assert!((w[0] - 0.42).abs() < 1e-6); // v = 0.9·(−0.2) − 0.2 = −0.38
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sgd {
    /// Momentum `μ` in `[0, 1)` (default 0).
    pub momentum: f32,
    /// Nesterov momentum (default false).
    pub nesterov: bool,
}

impl Default for Sgd {
    fn default() -> Sgd {
        Sgd {
            momentum: 0.0,
            nesterov: false,
        }
    }
}

impl UpdateRule for Sgd {
    fn slots(&self) -> usize {
        usize::from(self.momentum != 0.0)
    }

    fn update(&self, step: Step, w: &mut [f32], g: &[f32], slots: &mut [&mut [f32]]) {
        let lr = step.lr;
        let mu = self.momentum;
        if mu == 0.0 {
            for (wv, &gv) in w.iter_mut().zip(g) {
                *wv -= lr * gv;
            }
            return;
        }
        let v = &mut *slots[0];
        if self.nesterov {
            for ((wv, &gv), vv) in w.iter_mut().zip(g).zip(v.iter_mut()) {
                *vv = mu * *vv - lr * gv;
                *wv += mu * *vv - lr * gv;
            }
        } else {
            for ((wv, &gv), vv) in w.iter_mut().zip(g).zip(v.iter_mut()) {
                *vv = mu * *vv - lr * gv;
                *wv += *vv;
            }
        }
    }
}
