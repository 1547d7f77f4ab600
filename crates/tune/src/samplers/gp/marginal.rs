//! Maximum a posteriori kernel hyperparameters (Optuna 5's `fit_kernel_params`).
//!
//! The parameters are optimised in log space, `θ = (ln ℓ₁ … ln ℓ_d, ln s, ln(σ² − σ²_min))`,
//! minimising the negative log marginal posterior
//!
//! ```text
//! L(θ) = −log p(y | X, θ) − log prior(θ)
//! log p(y | X, θ) = −½ yᵀC⁻¹y − Σᵢ ln Lᵢᵢ − (n/2) ln 2π          (C = LLᵀ = K + σ²I)
//! ∂ log p / ∂θₚ   = ½ tr((ααᵀ − C⁻¹) ∂C/∂θₚ)                      (α = C⁻¹y)
//! ∂C/∂θⱼ = s·M'(d²)·ℓⱼ·δⱼ,   ∂C/∂θ_s = K,   ∂C/∂θ_σ = (σ² − σ²_min)·I
//! ```
//! by L-BFGS with `gtol = 1e-2`, first from the previous optimum (warm start), then — if that
//! does not converge (SciPy's `success`) — from Optuna's default `ℓ = 1, s = 1, σ² = 1`; if neither
//! converges, the defaults themselves are used.
//! With [`GpNoise::Deterministic`](super::GpNoise::Deterministic) the noise is fixed at
//! `σ²_min` and its gradient is 0.

use super::gp_model::{GpModel, cholesky, dot};
use super::kernel::{KernelParams, matern52_with_grad, sq_dist};
use super::lbfgs::{LbfgsOptions, LbfgsWorkspace, minimize};
use super::prior::{MINIMUM_NOISE_VAR, add_log_prior_grad, log_prior};
use faer::linalg::solvers::DenseSolveCore;

/// The training data of a fit: `x` row-major `n × d`, `y` standardised (`n`).
#[derive(Clone, Copy, Debug)]
pub struct TrainingData<'a> {
    /// Normalised points, row-major `n × d`.
    pub x: &'a [f64],
    /// Standardised values (larger is better), length `n`.
    pub y: &'a [f64],
    /// `categorical[j]`: coordinate `j` uses the Hamming distance (length `d`).
    pub categorical: &'a [bool],
}

impl TrainingData<'_> {
    fn d(&self) -> usize {
        self.categorical.len()
    }
}

/// Natural parameters from the raw ones (see the [module docs](self)).
pub fn params_from_raw(raw: &[f64], fit_noise: bool) -> KernelParams {
    let d = raw.len().saturating_sub(2);
    KernelParams {
        inv_sq_lengthscales: raw[..d].iter().map(|t| t.exp()).collect(),
        scale: raw.get(d).map_or(1.0, |t| t.exp()),
        noise: if fit_noise {
            raw.get(d + 1).map_or(1.0, |t| t.exp()) + MINIMUM_NOISE_VAR
        } else {
            MINIMUM_NOISE_VAR
        },
    }
}

/// Raw parameters from natural ones; the noise is raised a little above the floor
/// (`ln(σ² − 0.99·σ²_min)`, as Optuna does) so its logarithm is finite.
pub fn raw_from_params(p: &KernelParams) -> Vec<f64> {
    let mut raw: Vec<f64> = p.inv_sq_lengthscales.iter().map(|l| l.ln()).collect();
    raw.push(p.scale.ln());
    raw.push((p.noise - 0.99 * MINIMUM_NOISE_VAR).max(1e-300).ln());
    raw
}

/// Reusable buffers of [`neg_log_posterior`].
#[derive(Debug, Default)]
pub struct MarginalWorkspace {
    c: Vec<f64>,
    dm: Vec<f64>,
    w: Vec<f64>,
}

/// `L(θ)` and its gradient `∂L/∂θ` (written to `grad`, length `d + 2`). `+∞` (gradient 0)
/// when `C` is not positive definite or a parameter overflows.
pub fn neg_log_posterior(
    raw: &[f64],
    data: &TrainingData<'_>,
    fit_noise: bool,
    ws: &mut MarginalWorkspace,
    grad: &mut [f64],
) -> f64 {
    grad.iter_mut().for_each(|g| *g = 0.0);
    let d = data.d();
    let n = data.y.len();
    let p = params_from_raw(raw, fit_noise);
    if !(p.scale.is_finite() && p.noise.is_finite())
        || p.inv_sq_lengthscales
            .iter()
            .any(|l| !l.is_finite() || *l <= 0.0)
        || p.scale <= 0.0
    {
        return f64::INFINITY;
    }
    // C and M'(d²) in one pass (one exp per pair).
    ws.c.clear();
    ws.c.resize(n * n, 0.0);
    ws.dm.clear();
    ws.dm.resize(n * n, 0.0);
    for i in 0..n {
        let xi = &data.x[i * d..(i + 1) * d];
        ws.c[i * n + i] = p.scale + p.noise;
        for k in 0..i {
            let xk = &data.x[k * d..(k + 1) * d];
            let (m, dm) =
                matern52_with_grad(sq_dist(xi, xk, &p.inv_sq_lengthscales, data.categorical));
            ws.c[i * n + k] = p.scale * m;
            ws.c[k * n + i] = p.scale * m;
            ws.dm[i * n + k] = dm;
        }
    }
    let Some(llt) = cholesky(&ws.c, n) else {
        return f64::INFINITY;
    };
    let l = llt.L();
    let logdet_half: f64 = (0..n).map(|i| l[(i, i)].ln()).sum();
    let inv = llt.inverse();
    let mut alpha = vec![0.0; n];
    ws.w.clear();
    ws.w.resize(n * n, 0.0);
    for i in 0..n {
        for k in 0..n {
            ws.w[i * n + k] = inv[(i, k)];
        }
    }
    for (i, a) in alpha.iter_mut().enumerate() {
        *a = dot(&ws.w[i * n..(i + 1) * n], data.y);
    }
    let quad = dot(&alpha, data.y);
    let lml = -0.5 * quad - logdet_half - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln();
    let value = -lml - log_prior(&p);
    if !value.is_finite() {
        return f64::INFINITY;
    }
    // W = ααᵀ − C⁻¹ (in place); ∂lml/∂θₚ = ½ Σᵢₖ Wᵢₖ (∂C/∂θₚ)ᵢₖ.
    for i in 0..n {
        for k in 0..n {
            ws.w[i * n + k] = alpha[i] * alpha[k] - ws.w[i * n + k];
        }
    }
    let mut g_scale = 0.0;
    let mut trace = 0.0;
    for i in 0..n {
        let xi = &data.x[i * d..(i + 1) * d];
        trace += ws.w[i * n + i];
        g_scale += 0.5 * ws.w[i * n + i] * p.scale;
        for k in 0..i {
            let xk = &data.x[k * d..(k + 1) * d];
            let wik = ws.w[i * n + k];
            // Off-diagonal pairs count twice in the symmetric sum: ½·2 = 1.
            g_scale += wik * ws.c[i * n + k];
            let c = wik * p.scale * ws.dm[i * n + k];
            for j in 0..d {
                let delta = super::kernel::coord_dist(xi[j], xk[j], data.categorical[j]);
                grad[j] += c * p.inv_sq_lengthscales[j] * delta;
            }
        }
    }
    grad[d] = g_scale;
    if fit_noise {
        grad[d + 1] = 0.5 * trace * (p.noise - MINIMUM_NOISE_VAR);
    }
    add_log_prior_grad(&p, fit_noise, grad);
    grad.iter_mut().for_each(|g| *g = -*g);
    value
}

/// The MAP fit: the GP conditioned on `data` with the optimised hyperparameters (see the
/// [module docs](self)), or `None` when not even the default parameters give a positive
/// definite covariance (non-finite data).
pub fn fit(
    data: &TrainingData<'_>,
    fit_noise: bool,
    warm: Option<&KernelParams>,
) -> Option<GpModel> {
    let d = data.d();
    let default = KernelParams::default_for(d);
    let mut ws = MarginalWorkspace::default();
    let mut lws = LbfgsWorkspace::default();
    let opts = LbfgsOptions {
        gtol: 1e-2,
        max_iter: 500,
        ..Default::default()
    };
    let lower = vec![f64::NEG_INFINITY; d + 2];
    let upper = vec![f64::INFINITY; d + 2];
    let starts = warm
        .filter(|w| w.inv_sq_lengthscales.len() == d)
        .into_iter()
        .chain([&default]);
    for start in starts {
        let mut raw = raw_from_params(start);
        if !fit_noise {
            raw[d + 1] = 0.0;
        }
        let r = minimize(
            |t, g| neg_log_posterior(t, data, fit_noise, &mut ws, g),
            &mut raw,
            &lower,
            &upper,
            &opts,
            &mut lws,
        );
        // As Optuna: a run that did not converge (line search failure, iteration limit) is
        // discarded and the next start tried.
        if r.value.is_finite() && r.converged {
            let m = GpModel::new(
                data.x.to_vec(),
                data.y.to_vec(),
                data.categorical.to_vec(),
                params_from_raw(&raw, fit_noise),
            );
            if m.is_some() {
                return m;
            }
        }
    }
    GpModel::new(
        data.x.to_vec(),
        data.y.to_vec(),
        data.categorical.to_vec(),
        default,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (Vec<f64>, Vec<f64>, Vec<bool>) {
        let x = vec![
            0.1, 0.0, 0.4, 1.0, 0.35, 2.0, 0.8, 0.0, 0.95, 1.0, 0.6, 2.0, 0.5, 0.0,
        ];
        let y = vec![-1.0, 0.5, 0.2, 1.3, -0.4, 0.9, 0.1];
        (x, y, vec![false, true])
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y, cat) = data();
        let td = TrainingData {
            x: &x,
            y: &y,
            categorical: &cat,
        };
        let mut ws = MarginalWorkspace::default();
        for fit_noise in [true, false] {
            let raw = [0.7, -0.3, 0.2, -2.5];
            let mut g = [0.0; 4];
            neg_log_posterior(&raw, &td, fit_noise, &mut ws, &mut g);
            let mut scratch = [0.0; 4];
            for i in 0..4 {
                let h = 1e-6;
                let (mut a, mut b) = (raw, raw);
                a[i] += h;
                b[i] -= h;
                let fd = (neg_log_posterior(&a, &td, fit_noise, &mut ws, &mut scratch)
                    - neg_log_posterior(&b, &td, fit_noise, &mut ws, &mut scratch))
                    / (2.0 * h);
                assert!(
                    (fd - g[i]).abs() < 1e-5 * (1.0 + fd.abs()),
                    "θ{i}: {fd} vs {}",
                    g[i]
                );
            }
            if !fit_noise {
                assert_eq!(g[3], 0.0);
            }
        }
    }

    #[test]
    fn the_fit_lowers_the_loss_and_reaches_a_stationary_point() {
        let (x, y, cat) = data();
        let td = TrainingData {
            x: &x,
            y: &y,
            categorical: &cat,
        };
        let m = fit(&td, true, None).unwrap();
        let mut ws = MarginalWorkspace::default();
        let mut g = [0.0; 4];
        let at_default = neg_log_posterior(
            &raw_from_params(&KernelParams::default_for(2)),
            &td,
            true,
            &mut ws,
            &mut g,
        );
        let at_fit = neg_log_posterior(&raw_from_params(m.params()), &td, true, &mut ws, &mut g);
        assert!(at_fit < at_default, "{at_fit} vs {at_default}");
        assert!(g.iter().all(|g| g.abs() < 2e-2), "{g:?}");
    }
}
