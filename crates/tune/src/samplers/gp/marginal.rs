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
//! by L-BFGS with `gtol = 1e-2`, first from the previous optimum (warm start, with the
//! curvature pairs of the previous fit: [`FitState`]), then — if that does not converge
//! (SciPy's `success`) — from Optuna's default `ℓ = 1, s = 1, σ² = 1`; if neither converges,
//! the defaults themselves are used.
//!
//! Cost per evaluation: `O(n²d)` for the kernel and the lengthscale gradients, in loops over
//! contiguous columns that vectorise ([`Marginal`]), and `O(n³)` for the Cholesky factor and
//! `C⁻¹` (faer, in place, in buffers kept for the whole fit).
//! With [`GpNoise::Deterministic`](super::GpNoise::Deterministic) the noise is fixed at
//! `σ²_min` and its gradient is 0.

use super::gp_model::{GpModel, dot};
use super::kernel::{KernelParams, PointColumns, matern52_with_grad_slices, vectorized};
use super::lbfgs::{LbfgsOptions, LbfgsWorkspace, minimize};
use super::prior::{MINIMUM_NOISE_VAR, add_log_prior_grad, log_prior};
use super::spd::SpdInverse;

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

/// `L(θ)` of one data set with the buffers of its evaluations: the MAP fit evaluates it tens
/// of times, allocating nothing after the first. The kernel matrices are built column by
/// column from the points stored by coordinate ([`PointColumns`]), so every inner loop runs
/// over contiguous memory and vectorises.
#[derive(Debug)]
pub struct Marginal<'a> {
    data: TrainingData<'a>,
    fit_noise: bool,
    cols: PointColumns,
    /// Lower triangles (column-major `n × n`) of `K` and `s·M'(d²)`.
    k: Vec<f64>,
    dk: Vec<f64>,
    /// Work columns of length `n`.
    r: Vec<f64>,
    alpha: Vec<f64>,
    spd: SpdInverse,
}

impl<'a> Marginal<'a> {
    /// The loss of `data`; `fit_noise` as in [`fit`].
    pub fn new(data: TrainingData<'a>, fit_noise: bool) -> Self {
        let n = data.y.len();
        Marginal {
            cols: PointColumns::new(data.x, data.d()),
            data,
            fit_noise,
            k: vec![0.0; n * n],
            dk: vec![0.0; n * n],
            r: vec![0.0; n],
            alpha: vec![0.0; n],
            spd: SpdInverse::default(),
        }
    }

    /// `L(θ)` and its gradient `∂L/∂θ` (written to `grad`, length `d + 2`). `+∞` (gradient
    /// 0) when `C` is not positive definite, a parameter overflows, or the shapes disagree
    /// (`raw`, `grad` not of length `d + 2`, `x` not of length `n·d`).
    pub fn value_grad(&mut self, raw: &[f64], grad: &mut [f64]) -> f64 {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let data = self.data;
        let d = data.d();
        let n = data.y.len();
        let p = params_from_raw(raw, self.fit_noise);
        if !(p.scale.is_finite() && p.noise.is_finite())
            || p.inv_sq_lengthscales
                .iter()
                .any(|l| !l.is_finite() || *l <= 0.0)
            || p.scale <= 0.0
            || raw.len() != d + 2
            || grad.len() != d + 2
            || data.x.len() != n.saturating_mul(d)
        {
            return f64::INFINITY;
        }
        let ls = &p.inv_sq_lengthscales;
        // K and s·M'(d²) below the diagonal, one column (one point against the later ones)
        // at a time.
        vectorized(
            #[inline(always)]
            || {
                for k in 0..n {
                    let r = &mut self.r[..n - k - 1];
                    self.cols.sq_dists_from(
                        k + 1,
                        &data.x[k * d..(k + 1) * d],
                        ls,
                        data.categorical,
                        r,
                    );
                    let below = k * n + k + 1..(k + 1) * n;
                    matern52_with_grad_slices(
                        r,
                        p.scale,
                        &mut self.k[below.clone()],
                        &mut self.dk[below],
                    );
                }
            },
        );
        self.spd.prepare(n);
        for k in 0..n {
            let col = self.spd.column_mut(k);
            col[k] = p.scale + p.noise;
            col[k + 1..].copy_from_slice(&self.k[k * n + k + 1..(k + 1) * n]);
        }
        let Some(half_logdet) = self.spd.factor() else {
            return f64::INFINITY;
        };
        self.spd.invert();
        let (spd, alpha, y) = (&self.spd, &mut self.alpha, data.y);
        let (k_low, dk_low, t) = (&self.k, &mut self.dk, &mut self.r);
        let (g_scale, trace) = vectorized(
            #[inline(always)]
            || {
                // α = C⁻¹y from the lower triangle of the symmetric C⁻¹.
                alpha.iter_mut().for_each(|a| *a = 0.0);
                for k in 0..n {
                    let col = &spd.inverse_column(k)[k + 1..];
                    alpha[k] += spd.inverse_column(k)[k] * y[k] + dot(col, &y[k + 1..]);
                    for (a, &c) in alpha[k + 1..].iter_mut().zip(col) {
                        *a += c * y[k];
                    }
                }
                // W = ααᵀ − C⁻¹; ∂lml/∂θₚ = ½ Σᵢₖ Wᵢₖ (∂C/∂θₚ)ᵢₖ, the off-diagonal pairs twice.
                // dk becomes Wᵢₖ·s·M'ᵢₖ, the weight of each pair in the lengthscale gradients.
                let (mut g_scale, mut trace) = (0.0, 0.0);
                for k in 0..n {
                    let inv = spd.inverse_column(k);
                    let w_kk = alpha[k] * alpha[k] - inv[k];
                    trace += w_kk;
                    g_scale += 0.5 * w_kk * p.scale;
                    let below = k * n + k + 1..(k + 1) * n;
                    let (kc, dkc) = (&k_low[below.clone()], &mut dk_low[below]);
                    let w = &mut t[..n - k - 1];
                    for ((w, &a), &c) in w.iter_mut().zip(&alpha[k + 1..]).zip(&inv[k + 1..]) {
                        *w = a * alpha[k] - c;
                    }
                    g_scale += dot(w, kc);
                    for (dk, &w) in dkc.iter_mut().zip(w.iter()) {
                        *dk *= w;
                    }
                }
                (g_scale, trace)
            },
        );
        let quad = dot(alpha, y);
        let lml = -0.5 * quad - half_logdet - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln();
        let value = -lml - log_prior(&p);
        if !value.is_finite() {
            grad.iter_mut().for_each(|g| *g = 0.0);
            return f64::INFINITY;
        }
        // ∂lml/∂θⱼ = Σ_{i>k} Wᵢₖ·s·M'ᵢₖ·ℓⱼ·δⱼ(Xₖⱼ, Xᵢⱼ).
        // One pass over each column of weights for all coordinates (it stays in cache).
        let (cols, dk_low) = (&self.cols, &self.dk);
        vectorized(
            #[inline(always)]
            || {
                for k in 0..n.saturating_sub(1) {
                    let w = &dk_low[k * n + k + 1..(k + 1) * n];
                    for (j, g) in grad[..d].iter_mut().enumerate() {
                        let col = cols.column(j);
                        *g += weighted_dist(w, &col[k + 1..], col[k], data.categorical[j]);
                    }
                }
            },
        );
        for (g, l) in grad[..d].iter_mut().zip(ls) {
            *g *= l;
        }
        grad[d] = g_scale;
        if self.fit_noise {
            grad[d + 1] = 0.5 * trace * (p.noise - MINIMUM_NOISE_VAR);
        }
        add_log_prior_grad(&p, self.fit_noise, grad);
        grad.iter_mut().for_each(|g| *g = -*g);
        value
    }
}

/// `Σᵢ wᵢ·δ(x, cᵢ)` — `δ` the squared difference, or 0 / 1 for a categorical coordinate — with
/// eight partial sums, so that the loop vectorises.
#[inline(always)]
fn weighted_dist(w: &[f64], c: &[f64], x: f64, categorical: bool) -> f64 {
    let n = w.len().min(c.len());
    let (w, c) = (&w[..n], &c[..n]);
    let mut acc = [0.0f64; 8];
    let (wc, cc) = (w.chunks_exact(8), c.chunks_exact(8));
    let (wr, cr) = (wc.remainder(), cc.remainder());
    let delta = |c: f64| {
        if categorical {
            if c == x { 0.0 } else { 1.0 }
        } else {
            (x - c) * (x - c)
        }
    };
    for (w, c) in wc.zip(cc) {
        for k in 0..8 {
            acc[k] += w[k] * delta(c[k]);
        }
    }
    let tail: f64 = wr.iter().zip(cr).map(|(w, &c)| w * delta(c)).sum();
    acc.iter().sum::<f64>() + tail
}

/// `L(θ)` and its gradient for one `raw` (see [`Marginal::value_grad`]); a fit should keep
/// one [`Marginal`] for all its evaluations instead.
pub fn neg_log_posterior(
    raw: &[f64],
    data: &TrainingData<'_>,
    fit_noise: bool,
    grad: &mut [f64],
) -> f64 {
    Marginal::new(*data, fit_noise).value_grad(raw, grad)
}

/// What one MAP fit hands to the next of the same study: its optimum (the warm start) and
/// the curvature pairs of the L-BFGS run that found it, so that a fit after one more trial
/// starts with a quasi-Newton step instead of steepest descent.
#[derive(Clone, Debug, Default)]
pub struct FitState {
    /// The previous optimum, if any.
    pub params: Option<KernelParams>,
    memory: LbfgsWorkspace,
}

/// The MAP fit: the GP conditioned on `data` with the optimised hyperparameters (see the
/// [module docs](self)), or `None` when not even the default parameters give a positive
/// definite covariance (non-finite data) or the shapes disagree (`x.len() ≠ n·d`). `state`
/// is read as the warm start and left with this fit's optimum.
pub fn fit(data: &TrainingData<'_>, fit_noise: bool, state: &mut FitState) -> Option<GpModel> {
    let d = data.d();
    if data.x.len() != data.y.len().checked_mul(d)? {
        return None;
    }
    let default = KernelParams::default_for(d);
    let mut marginal = Marginal::new(*data, fit_noise);
    let lower = vec![f64::NEG_INFINITY; d + 2];
    let upper = vec![f64::INFINITY; d + 2];
    let warm = state
        .params
        .take()
        .filter(|w| w.inv_sq_lengthscales.len() == d);
    let starts = warm.iter().map(|w| (w, true)).chain([(&default, false)]);
    for (start, reuse_memory) in starts {
        let mut raw = raw_from_params(start);
        if !fit_noise {
            raw[d + 1] = 0.0;
        }
        let opts = LbfgsOptions {
            gtol: 1e-2,
            max_iter: 500,
            reuse_memory,
            ..Default::default()
        };
        let r = minimize(
            |t, g| marginal.value_grad(t, g),
            &mut raw,
            &lower,
            &upper,
            &opts,
            &mut state.memory,
        );
        // As Optuna: a run that did not converge (line search failure, iteration limit) is
        // discarded and the next start tried.
        if r.value.is_finite() && r.converged {
            let params = params_from_raw(&raw, fit_noise);
            let m = GpModel::new(
                data.x.to_vec(),
                data.y.to_vec(),
                data.categorical.to_vec(),
                params.clone(),
            );
            if m.is_some() {
                state.params = Some(params);
                return m;
            }
        }
    }
    state.params = Some(default.clone());
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
        for fit_noise in [true, false] {
            let raw = [0.7, -0.3, 0.2, -2.5];
            let mut g = [0.0; 4];
            neg_log_posterior(&raw, &td, fit_noise, &mut g);
            let mut scratch = [0.0; 4];
            for i in 0..4 {
                let h = 1e-6;
                let (mut a, mut b) = (raw, raw);
                a[i] += h;
                b[i] -= h;
                let fd = (neg_log_posterior(&a, &td, fit_noise, &mut scratch)
                    - neg_log_posterior(&b, &td, fit_noise, &mut scratch))
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
        let m = fit(&td, true, &mut FitState::default()).unwrap();
        let mut g = [0.0; 4];
        let at_default = neg_log_posterior(
            &raw_from_params(&KernelParams::default_for(2)),
            &td,
            true,
            &mut g,
        );
        let at_fit = neg_log_posterior(&raw_from_params(m.params()), &td, true, &mut g);
        assert!(at_fit < at_default, "{at_fit} vs {at_default}");
        assert!(g.iter().all(|g| g.abs() < 2e-2), "{g:?}");
    }
}
