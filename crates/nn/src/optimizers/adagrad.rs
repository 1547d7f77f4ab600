//! [`Adagrad`]: adaptive gradient, Keras form.

use serde::{Deserialize, Serialize};

use super::{Step, UpdateRule};

/// Adagrad, as Keras `Adagrad` (defaults: learning rate 0.001, initial accumulator 0.1,
/// ε 1e-7): `a ← a + g²`, `w ← w − lr·g/√(a + ε)`.
///
/// ```
/// use gradus_nn::{Adagrad, Step, UpdateRule};
/// let ada = Adagrad::default();
/// let (mut w, mut a) = ([1.0f32], [0.1f32]);
/// ada.update(Step { t: 1, lr: 0.1 }, &mut w, &[0.3], &mut [&mut a]);
/// assert!((a[0] - 0.19).abs() < 1e-7);
/// assert!((w[0] - (1.0 - 0.03 / 0.19f32.sqrt())).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Adagrad {
    /// Starting value of the accumulator (default 0.1).
    pub initial_accumulator_value: f32,
    /// Added inside the square root (default 1e-7).
    pub epsilon: f32,
}

impl Adagrad {
    /// Keras's defaults (also [`Default`]).
    pub const KERAS: Adagrad = Adagrad {
        initial_accumulator_value: 0.1,
        epsilon: 1e-7,
    };
}

impl Default for Adagrad {
    fn default() -> Adagrad {
        Adagrad::KERAS
    }
}

impl UpdateRule for Adagrad {
    fn slots(&self) -> usize {
        1
    }

    fn initial_slot_value(&self) -> f32 {
        self.initial_accumulator_value
    }

    fn update(&self, step: Step, w: &mut [f32], g: &[f32], slots: &mut [&mut [f32]]) {
        let acc = &mut *slots[0];
        for ((wv, &gv), a) in w.iter_mut().zip(g).zip(acc.iter_mut()) {
            *a += gv * gv;
            *wv -= step.lr * gv / (*a + self.epsilon).sqrt();
        }
    }
}
