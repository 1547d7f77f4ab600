//! [`Rmsprop`]: RMSprop, Keras form.

use serde::{Deserialize, Serialize};

use super::{Step, UpdateRule};

/// RMSprop, as Keras `RMSprop` (defaults: learning rate 0.001, ρ 0.9, momentum 0,
/// ε 1e-7, not centered).
///
/// `s ← ρ s + (1 − ρ) g²`; centered also keeps `ḡ ← ρ ḡ + (1 − ρ) g` and uses
/// `d = s − ḡ² + ε`, otherwise `d = s + ε`; `Δ = lr·g/√d`; with momentum `μ`:
/// `u ← μ u + Δ`, `w ← w − u`, else `w ← w − Δ`.
///
/// ```
/// use gradus_nn::{Rmsprop, Step, UpdateRule};
/// let r = Rmsprop::default();
/// let (mut w, mut s) = ([1.0f32], [0.0f32]);
/// r.update(Step { t: 1, lr: 0.01 }, &mut w, &[2.0], &mut [&mut s]);
/// // s = 0.4, Δ = 0.01·2/√(0.4 + 1e-7)
/// assert!((w[0] - (1.0 - 0.02 / 0.4f32.sqrt())).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rmsprop {
    /// Decay of the squared-gradient average (default 0.9).
    pub rho: f32,
    /// Momentum (default 0).
    pub momentum: f32,
    /// Added inside the square root (default 1e-7).
    pub epsilon: f32,
    /// Normalise by the variance instead of the second moment (default false).
    pub centered: bool,
}

impl Rmsprop {
    /// Keras's defaults (also [`Default`]).
    pub const KERAS: Rmsprop = Rmsprop {
        rho: 0.9,
        momentum: 0.0,
        epsilon: 1e-7,
        centered: false,
    };
}

impl Default for Rmsprop {
    fn default() -> Rmsprop {
        Rmsprop::KERAS
    }
}

impl UpdateRule for Rmsprop {
    fn slots(&self) -> usize {
        1 + usize::from(self.centered) + usize::from(self.momentum > 0.0)
    }

    fn update(&self, step: Step, w: &mut [f32], g: &[f32], slots: &mut [&mut [f32]]) {
        let (rho, eps, mu, lr) = (self.rho, self.epsilon, self.momentum, step.lr);
        let (s, rest) = slots.split_first_mut().expect("velocity slot");
        let (mut avg, rest) = if self.centered {
            let (a, r) = rest.split_first_mut().expect("average slot");
            (Some(a), r)
        } else {
            (None, rest)
        };
        let mut mom = rest.first_mut();
        for i in 0..w.len() {
            let gv = g[i];
            s[i] = rho * s[i] + (1.0 - rho) * gv * gv;
            let d = match avg.as_deref_mut() {
                Some(a) => {
                    a[i] = rho * a[i] + (1.0 - rho) * gv;
                    s[i] - a[i] * a[i] + eps
                }
                None => s[i] + eps,
            };
            let inc = lr * gv / d.sqrt();
            match mom.as_deref_mut() {
                Some(u) => {
                    u[i] = mu * u[i] + inc;
                    w[i] -= u[i];
                }
                None => w[i] -= inc,
            }
        }
    }
}
