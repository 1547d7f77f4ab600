//! The Gaussian-process regressor: training covariance, its Cholesky factor, and the
//! posterior (Optuna 5's `optuna._gp.gp.GPRegressor`).
//!
//! With training points `X` (`n × d`), standardised values `y` (`n`) and `C = K(X, X) + σ²I`:
//!
//! ```text
//! mean(x) = k(x, X) · C⁻¹y
//! var(x)  = s − k(x, X) · C⁻¹ · k(X, x)        (clamped at 0)
//! ```
//! `C` is factorised by Cholesky (faer); `C⁻¹` is kept explicitly, as Optuna keeps
//! `cov_Y_Y_inv`, so each posterior costs `O(n·d + n²)` with no solve.

use super::kernel::{KernelParams, covariance, matern52, matern52_with_grad, sq_dist};
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};

/// A Cholesky factorisation of the row-major `n × n` matrix `c`, or `None` when `c` holds a
/// non-finite entry or is not (numerically) positive definite.
pub(crate) fn cholesky(c: &[f64], n: usize) -> Option<faer::linalg::solvers::Llt<f64>> {
    if c.len() != n * n || c.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let m = Mat::from_fn(n, n, |i, k| c[i * n + k]);
    m.llt(Side::Lower).ok()
}

/// A GP conditioned on its training data. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct GpModel {
    d: usize,
    n: usize,
    categorical: Vec<bool>,
    x: Vec<f64>,
    y: Vec<f64>,
    params: KernelParams,
    c_inv: Vec<f64>,
    alpha: Vec<f64>,
}

impl GpModel {
    /// Conditions the GP with `params` on `x` (row-major `n × d`) and `y` (`n`);
    /// `categorical[j]` marks Hamming coordinates. `None` when the shapes disagree
    /// (`x.len() ≠ n·d`, `params` or `categorical` not of length `d`) or `C` is not positive
    /// definite.
    pub fn new(
        x: Vec<f64>,
        y: Vec<f64>,
        categorical: Vec<bool>,
        params: KernelParams,
    ) -> Option<Self> {
        let d = categorical.len();
        let n = y.len();
        if x.len() != n * d || params.inv_sq_lengthscales.len() != d {
            return None;
        }
        let mut c = Vec::new();
        covariance(&x, d, &params, &categorical, &mut c);
        let llt = cholesky(&c, n)?;
        let inv = llt.inverse();
        let c_inv: Vec<f64> = (0..n * n).map(|i| inv[(i / n, i % n)]).collect();
        let mut alpha = vec![0.0; n];
        for (i, a) in alpha.iter_mut().enumerate() {
            *a = dot(&c_inv[i * n..(i + 1) * n], &y);
        }
        if c_inv.iter().chain(&alpha).any(|v| !v.is_finite()) {
            return None;
        }
        Some(GpModel {
            d,
            n,
            categorical,
            x,
            y,
            params,
            c_inv,
            alpha,
        })
    }

    /// The kernel hyperparameters.
    pub fn params(&self) -> &KernelParams {
        &self.params
    }

    /// The number of training points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there is no training point.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The same GP also conditioned on `pending` (row-major `m × d`) with values equal to its
    /// posterior mean there (the kriging believer): the mean is unchanged, the variance at the
    /// pending points drops to about the noise, so parallel workers do not propose them again.
    /// `None` as for [`GpModel::new`] (e.g. a pending point that duplicates a training point
    /// with no noise).
    pub fn with_pending(&self, pending: &[f64]) -> Option<Self> {
        if pending.is_empty() {
            return Some(self.clone());
        }
        let mut buf = Vec::new();
        let mut x = self.x.clone();
        let mut y = self.y.clone();
        for p in pending.chunks_exact(self.d.max(1)) {
            let (mean, _) = self.posterior(p, &mut buf);
            x.extend_from_slice(p);
            y.push(mean);
        }
        GpModel::new(x, y, self.categorical.clone(), self.params.clone())
    }

    /// Fills `k` with `k(x, Xᵢ)` (length `n`).
    fn cross_cov(&self, x: &[f64], k: &mut Vec<f64>) {
        k.clear();
        let (d, p) = (self.d, &self.params);
        k.extend(self.x.chunks_exact(d.max(1)).take(self.n).map(|xi| {
            p.scale * matern52(sq_dist(x, xi, &p.inv_sq_lengthscales, &self.categorical))
        }));
        if d == 0 {
            k.clear();
            k.resize(self.n, p.scale);
        }
    }

    /// `(mean(x), var(x))` at one point `x` (length `d`). `scratch` is reused (no allocation
    /// once it has grown to `2n`).
    pub fn posterior(&self, x: &[f64], scratch: &mut Vec<f64>) -> (f64, f64) {
        self.cross_cov(x, scratch);
        let n = self.n;
        let mean = dot(&scratch[..n], &self.alpha);
        let mut quad = 0.0;
        for i in 0..n {
            quad += scratch[i] * dot(&self.c_inv[i * n..(i + 1) * n], &scratch[..n]);
        }
        (mean, (self.params.scale - quad).max(0.0))
    }

    /// [`GpModel::posterior`] at every row of `xs` (row-major `m × d`), written to `mean` and
    /// `var` (length `m`): the cross-covariances form an `m × n` matrix and `K·C⁻¹` is one
    /// matrix product (faer), which is what makes a sweep of thousands of points cheap.
    pub fn posterior_batch(&self, xs: &[f64], mean: &mut [f64], var: &mut [f64]) {
        let (n, d) = (self.n, self.d.max(1));
        let m = mean.len().min(var.len()).min(xs.len() / d);
        let p = &self.params;
        let k = Mat::from_fn(m, n, |r, i| {
            let xi = &self.x[i * self.d..(i + 1) * self.d];
            p.scale
                * matern52(sq_dist(
                    &xs[r * d..(r + 1) * d],
                    xi,
                    &p.inv_sq_lengthscales,
                    &self.categorical,
                ))
        });
        let c_inv = faer::MatRef::from_row_major_slice(&self.c_inv, n, n);
        let kc = &k * c_inv;
        for r in 0..m {
            let (mut mu, mut quad) = (0.0, 0.0);
            for i in 0..n {
                mu += k[(r, i)] * self.alpha[i];
                quad += kc[(r, i)] * k[(r, i)];
            }
            mean[r] = mu;
            var[r] = (p.scale - quad).max(0.0);
        }
    }

    /// [`GpModel::posterior`] and its gradient with respect to the numeric coordinates of `x`
    /// (`d_mean`, `d_var` of length `d`; 0 at categorical coordinates):
    ///
    /// ```text
    /// ∂kᵢ/∂xⱼ   = s · M'(d²ᵢ) · 2ℓⱼ (xⱼ − Xᵢⱼ)
    /// ∂mean/∂xⱼ = Σᵢ αᵢ ∂kᵢ/∂xⱼ,   ∂var/∂xⱼ = −2 Σᵢ (C⁻¹k)ᵢ ∂kᵢ/∂xⱼ   (0 where var is clamped)
    /// ```
    pub fn posterior_grad(
        &self,
        x: &[f64],
        scratch: &mut Vec<f64>,
        d_mean: &mut [f64],
        d_var: &mut [f64],
    ) -> (f64, f64) {
        let (n, d) = (self.n, self.d);
        let p = &self.params;
        // k (first n) and s·M'(d²) (last n) with one exp per training point.
        scratch.clear();
        scratch.resize(3 * n, 0.0);
        let (k, rest) = scratch.split_at_mut(n);
        let (b, dk_dr) = rest.split_at_mut(n);
        for i in 0..n {
            let xi = &self.x[i * d..(i + 1) * d];
            let (m, dm) =
                matern52_with_grad(sq_dist(x, xi, &p.inv_sq_lengthscales, &self.categorical));
            k[i] = p.scale * m;
            dk_dr[i] = p.scale * dm;
        }
        let (k, b) = (&*k, b);
        for (bi, row) in b.iter_mut().zip(self.c_inv.chunks_exact(n.max(1))) {
            *bi = dot(row, k);
        }
        let mean = dot(k, &self.alpha);
        let raw_var = self.params.scale - dot(k, b);
        d_mean.iter_mut().for_each(|v| *v = 0.0);
        d_var.iter_mut().for_each(|v| *v = 0.0);
        for (i, (&bi, &ai)) in b.iter().zip(&self.alpha).enumerate() {
            let xi = &self.x[i * d..(i + 1) * d];
            let dk_dr = dk_dr[i];
            for j in 0..d {
                if self.categorical[j] {
                    continue;
                }
                let dk = dk_dr * 2.0 * p.inv_sq_lengthscales[j] * (x[j] - xi[j]);
                d_mean[j] += ai * dk;
                d_var[j] -= 2.0 * bi * dk;
            }
        }
        if raw_var <= 0.0 {
            d_var.iter_mut().for_each(|v| *v = 0.0);
        }
        (mean, raw_var.max(0.0))
    }
}

/// `Σ aᵢbᵢ` over the shorter length, with eight partial sums so that the compiler can use
/// vector registers (a plain iterator sum is sequential).
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn toy() -> GpModel {
        // 6 points in 2-D (second coordinate categorical with 3 values).
        let x = vec![0.1, 0.0, 0.4, 1.0, 0.35, 2.0, 0.8, 0.0, 0.95, 1.0, 0.6, 2.0];
        let y = vec![-1.0, 0.5, 0.2, 1.3, -0.4, 0.9];
        let params = KernelParams {
            inv_sq_lengthscales: vec![3.0, 0.7],
            scale: 1.4,
            noise: 0.01,
        };
        GpModel::new(x, y, vec![false, true], params).unwrap()
    }

    /// The posterior against a direct O(n³) computation: solve `C a = y` and `C b = k` by
    /// Gaussian elimination.
    #[test]
    fn posterior_matches_a_direct_solve() {
        let g = toy();
        let n = g.n;
        let mut c = Vec::new();
        covariance(&g.x, 2, &g.params, &g.categorical, &mut c);
        let solve = |rhs: &[f64]| -> Vec<f64> {
            let mut a: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    let mut r = c[i * n..(i + 1) * n].to_vec();
                    r.push(rhs[i]);
                    r
                })
                .collect();
            for p in 0..n {
                for r in p + 1..n {
                    let f = a[r][p] / a[p][p];
                    let pivot = a[p].clone();
                    for (v, q) in a[r][p..].iter_mut().zip(&pivot[p..]) {
                        *v -= f * q;
                    }
                }
            }
            let mut out = vec![0.0; n];
            for p in (0..n).rev() {
                let s: f64 = (p + 1..n).map(|k| a[p][k] * out[k]).sum();
                out[p] = (a[p][n] - s) / a[p][p];
            }
            out
        };
        let a = solve(&g.y);
        let mut buf = Vec::new();
        for x in [[0.2, 0.0], [0.5, 1.0], [0.99, 2.0], [0.1, 0.0]] {
            let k: Vec<f64> = (0..n)
                .map(|i| {
                    g.params.scale
                        * matern52(sq_dist(
                            &x,
                            &g.x[i * 2..i * 2 + 2],
                            &g.params.inv_sq_lengthscales,
                            &g.categorical,
                        ))
                })
                .collect();
            let b = solve(&k);
            let mean: f64 = dot(&k, &a);
            let var = g.params.scale - dot(&k, &b);
            let (m, v) = g.posterior(&x, &mut buf);
            assert!((m - mean).abs() < 1e-10, "{m} vs {mean}");
            assert!((v - var.max(0.0)).abs() < 1e-10, "{v} vs {var}");
        }
    }

    #[test]
    fn posterior_gradient_matches_finite_differences() {
        let g = toy();
        let mut buf = Vec::new();
        let (mut dm, mut dv) = ([0.0; 2], [0.0; 2]);
        for x in [[0.2, 0.0], [0.5, 1.0], [0.7, 2.0]] {
            g.posterior_grad(&x, &mut buf, &mut dm, &mut dv);
            let h = 1e-6;
            let (m1, v1) = g.posterior(&[x[0] + h, x[1]], &mut buf);
            let (m0, v0) = g.posterior(&[x[0] - h, x[1]], &mut buf);
            assert!(((m1 - m0) / (2.0 * h) - dm[0]).abs() < 1e-6);
            assert!(((v1 - v0) / (2.0 * h) - dv[0]).abs() < 1e-6);
            assert_eq!((dm[1], dv[1]), (0.0, 0.0));
        }
    }

    #[test]
    fn pending_points_keep_the_mean_and_drop_the_variance() {
        let g = toy();
        let p = [0.55, 1.0];
        let h = g.with_pending(&p).unwrap();
        let mut buf = Vec::new();
        let (m0, v0) = g.posterior(&p, &mut buf);
        let (m1, v1) = h.posterior(&p, &mut buf);
        assert!((m0 - m1).abs() < 1e-6 * (1.0 + m0.abs()));
        assert!(v1 < v0 / 5.0 && v1 < 0.01, "{v0} -> {v1}");
    }

    #[test]
    fn refuses_mismatched_shapes() {
        let p = KernelParams::default_for(2);
        assert!(GpModel::new(vec![0.0; 5], vec![0.0; 2], vec![false; 2], p.clone()).is_none());
        assert!(GpModel::new(vec![0.0; 4], vec![0.0; 2], vec![false; 3], p).is_none());
    }
}

#[cfg(test)]
mod batch_tests {
    use super::tests::toy;

    #[test]
    fn batch_posterior_equals_pointwise() {
        let g = toy();
        let xs = [0.2, 0.0, 0.5, 1.0, 0.99, 2.0, 0.1, 0.0];
        let (mut m, mut v) = ([0.0; 4], [0.0; 4]);
        g.posterior_batch(&xs, &mut m, &mut v);
        let mut buf = Vec::new();
        for r in 0..4 {
            let (pm, pv) = g.posterior(&xs[2 * r..2 * r + 2], &mut buf);
            assert!((pm - m[r]).abs() < 1e-12 && (pv - v[r]).abs() < 1e-12);
        }
    }
}
