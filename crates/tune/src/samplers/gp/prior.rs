//! Optuna 5's default prior on the kernel hyperparameters (`optuna._gp.prior.default_log_prior`).
//!
//! ```text
//! log p(ℓ, s, σ²) = −Σⱼ (0.1/ℓⱼ + 0.1·ℓⱼ)             (inverse squared lengthscales)
//!                 + (2 − 1)·ln s − 1·s                 (Gamma(2, 1) on the kernel scale)
//!                 + (1.1 − 1)·ln σ² − 30·σ²            (Gamma(1.1, 30) on the noise variance)
//! ```
//! (constant factors omitted, as in Optuna). The noise variance is kept above
//! [`MINIMUM_NOISE_VAR`] (Optuna's `DEFAULT_MINIMUM_NOISE_VAR`).

use super::kernel::KernelParams;

/// The floor of the noise variance, and its value for a deterministic objective: 1e-6.
pub const MINIMUM_NOISE_VAR: f64 = 1e-6;

/// `log p(ℓ, s, σ²)` (see the [module docs](self)).
pub fn log_prior(p: &KernelParams) -> f64 {
    let ls: f64 = p
        .inv_sq_lengthscales
        .iter()
        .map(|&l| 0.1 / l + 0.1 * l)
        .sum();
    -ls + gamma_log_prior(p.scale, 2.0, 1.0) + gamma_log_prior(p.noise, 1.1, 30.0)
}

/// `(α − 1)·ln x − β·x`: a Gamma(α, β) log density without its constant.
fn gamma_log_prior(x: f64, concentration: f64, rate: f64) -> f64 {
    (concentration - 1.0) * x.ln() - rate * x
}

/// Adds the gradient of [`log_prior`] with respect to the raw (log) parameters to `grad`
/// (length `d + 2`): `θⱼ = ln ℓⱼ`, `θ_d = ln s`, `θ_{d+1} = ln(σ² − floor)`; `noise_fitted`
/// is false when the noise is fixed (its gradient is then 0).
///
/// `∂/∂θⱼ = 0.1/ℓⱼ − 0.1·ℓⱼ`, `∂/∂θ_d = 1 − s`, `∂/∂θ_{d+1} = (0.1/σ² − 30)·(σ² − floor)`.
pub fn add_log_prior_grad(p: &KernelParams, noise_fitted: bool, grad: &mut [f64]) {
    let d = p.inv_sq_lengthscales.len();
    for (g, &l) in grad.iter_mut().zip(&p.inv_sq_lengthscales) {
        *g += 0.1 / l - 0.1 * l;
    }
    if let Some(g) = grad.get_mut(d) {
        *g += 1.0 - p.scale;
    }
    if noise_fitted && let Some(g) = grad.get_mut(d + 1) {
        *g += (0.1 / p.noise - 30.0) * (p.noise - MINIMUM_NOISE_VAR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(raw: &[f64]) -> KernelParams {
        let d = raw.len() - 2;
        KernelParams {
            inv_sq_lengthscales: raw[..d].iter().map(|t| t.exp()).collect(),
            scale: raw[d].exp(),
            noise: raw[d + 1].exp() + MINIMUM_NOISE_VAR,
        }
    }

    #[test]
    fn value_by_hand_and_gradient_by_finite_differences() {
        let p = KernelParams {
            inv_sq_lengthscales: vec![1.0, 2.0],
            scale: 1.0,
            noise: 0.1,
        };
        // −(0.2 + (0.05 + 0.2)) + (0 − 1) + (0.1·ln 0.1 − 3)
        let want = -0.45 - 1.0 + 0.1 * 0.1f64.ln() - 3.0;
        assert!((log_prior(&p) - want).abs() < 1e-14);
        let raw = [0.3, -1.2, 0.4, -2.0];
        let mut g = [0.0; 4];
        add_log_prior_grad(&params(&raw), true, &mut g);
        for i in 0..4 {
            let h = 1e-6;
            let (mut a, mut b) = (raw, raw);
            a[i] += h;
            b[i] -= h;
            let fd = (log_prior(&params(&a)) - log_prior(&params(&b))) / (2.0 * h);
            assert!((fd - g[i]).abs() < 1e-7, "coordinate {i}: {fd} vs {}", g[i]);
        }
    }
}
