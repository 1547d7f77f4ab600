//! The Gaussian-process regressor: training covariance, its Cholesky factor, and the
//! posterior (Optuna 5's `optuna._gp.gp.GPRegressor`).
//!
//! With training points `X` (`n × d`), standardised values `y` (`n`) and `C = K(X, X) + σ²I`:
//!
//! ```text
//! mean(x) = k(x, X) · C⁻¹y
//! var(x)  = s − k(x, X) · C⁻¹ · k(X, x)        (clamped at 0)
//! ```
//! `C` is factorised by Cholesky (faer) and, as in Optuna 5, the posteriors come from
//! triangular solves with the factor (`var = s − ‖L⁻¹k‖²`), which stays accurate when `C` is
//! nearly singular (repeated points at the noise floor) where an explicit `C⁻¹` does not;
//! each posterior costs `O(n·d + n²)`.

use super::kernel::{
    KernelParams, PointColumns, covariance_column, matern52_in_place, matern52_with_grad_slices,
    vectorized,
};
use super::spd::SpdInverse;
use rayon::prelude::*;

/// Rows per block of [`GpModel::posterior_batch`]: a block's `K` and `K·C⁻¹` stay in cache.
pub const BATCH_ROWS: usize = 128;

/// A GP conditioned on its training data. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct GpModel {
    d: usize,
    n: usize,
    categorical: Vec<bool>,
    x: Vec<f64>,
    cols: PointColumns,
    y: Vec<f64>,
    params: KernelParams,
    /// The Cholesky factor `L` of `C` (zeros above the diagonal).
    chol: faer::Mat<f64>,
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
        let cols = PointColumns::new(&x, d);
        let mut spd = SpdInverse::default();
        spd.prepare(n);
        for k in 0..n {
            let col = &mut spd.column_mut(k)[k..];
            covariance_column(&cols, &x[k * d..(k + 1) * d], k, &params, &categorical, col);
        }
        spd.factor()?;
        let chol = spd.factor_lower();
        let mut alpha = y.clone();
        solve_chol(&chol, &mut alpha);
        if alpha.iter().any(|v| !v.is_finite()) {
            return None;
        }
        Some(GpModel {
            d,
            n,
            categorical,
            cols,
            x,
            y,
            params,
            chol,
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
    #[inline(always)]
    fn cross_cov(&self, x: &[f64], k: &mut [f64]) {
        let p = &self.params;
        self.cols
            .sq_dists(x, &p.inv_sq_lengthscales, &self.categorical, k);
        matern52_in_place(&mut k[..self.n], p.scale);
    }

    /// `(mean(x), var(x))` at one point `x` (length `d`). `scratch` is reused (no allocation
    /// once it has grown to `n`).
    pub fn posterior(&self, x: &[f64], scratch: &mut Vec<f64>) -> (f64, f64) {
        let n = self.n;
        scratch.clear();
        scratch.resize(n, 0.0);
        let mean = vectorized(
            #[inline(always)]
            || {
                self.cross_cov(x, scratch);
                dot(scratch, &self.alpha)
            },
        );
        solve_lower(&self.chol, scratch);
        (mean, (self.params.scale - dot(scratch, scratch)).max(0.0))
    }

    /// [`GpModel::posterior`] at every row of `xs` (row-major `m × d`), written to `mean` and
    /// `var` (length `m`). Rows are taken [`BATCH_ROWS`] at a time, the blocks in parallel:
    /// a block's cross-covariances form a matrix `K` (`BATCH_ROWS × n`), the means are `Kα`,
    /// and the variances `s − ‖L⁻¹kᵣ‖²` come from one triangular solve with `Kᵀ` as its
    /// right-hand sides (faer), which is what makes a sweep of thousands of points cheap. The
    /// blocks do not depend on the thread count, so neither do the results.
    pub fn posterior_batch(&self, xs: &[f64], mean: &mut [f64], var: &mut [f64]) {
        let (n, d) = (self.n, self.d.max(1));
        let m = mean.len().min(var.len()).min(xs.len() / d);
        if n == 0 {
            mean[..m].iter_mut().for_each(|v| *v = 0.0);
            var[..m].iter_mut().for_each(|v| *v = self.params.scale);
            return;
        }
        let scale = self.params.scale;
        let block = |k: &mut Vec<f64>, ((xs, mean), var): ((&[f64], &mut [f64]), &mut [f64])| {
            let b = mean.len();
            k.resize(BATCH_ROWS * n, 0.0);
            let k = &mut k[..b * n];
            vectorized(
                #[inline(always)]
                || {
                    for ((x, row), mean) in xs
                        .chunks_exact(d)
                        .zip(k.chunks_exact_mut(n))
                        .zip(&mut *mean)
                    {
                        self.cross_cov(&x[..self.d], row);
                        *mean = dot(row, &self.alpha);
                    }
                },
            );
            // Row r of K (row-major b × n) is column r of Kᵀ (column-major n × b).
            faer::linalg::triangular_solve::solve_lower_triangular_in_place(
                self.chol.as_ref(),
                faer::MatMut::from_column_major_slice_mut(k, n, b),
                faer::Par::Seq,
            );
            vectorized(
                #[inline(always)]
                || {
                    for (v, var) in k.chunks_exact(n).zip(var) {
                        *var = (scale - dot(v, v)).max(0.0);
                    }
                },
            );
        };
        xs[..m * d]
            .par_chunks(BATCH_ROWS * d)
            .zip(mean[..m].par_chunks_mut(BATCH_ROWS))
            .zip(var[..m].par_chunks_mut(BATCH_ROWS))
            .for_each_init(Vec::new, block);
    }

    /// [`GpModel::posterior`] and its gradient with respect to the numeric coordinates of `x`
    /// (`d_mean`, `d_var` of length `d`; 0 at categorical coordinates; coordinates past the
    /// shortest of `x`, `d_mean`, `d_var` are left alone):
    ///
    /// ```text
    /// ∂kᵢ/∂xⱼ   = s · M'(d²ᵢ) · 2ℓⱼ (xⱼ − Xᵢⱼ)
    /// ∂mean/∂xⱼ = Σᵢ αᵢ ∂kᵢ/∂xⱼ,   ∂var/∂xⱼ = −2 Σᵢ (C⁻¹k)ᵢ ∂kᵢ/∂xⱼ   (0 where var is clamped)
    /// ```
    /// with `var = s − ‖L⁻¹k‖²` and `C⁻¹k = L⁻ᵀ(L⁻¹k)` from two triangular solves. `scratch`
    /// is reused (no allocation once it has grown to `5n`).
    pub fn posterior_grad(
        &self,
        x: &[f64],
        scratch: &mut Vec<f64>,
        d_mean: &mut [f64],
        d_var: &mut [f64],
    ) -> (f64, f64) {
        let n = self.n;
        let p = &self.params;
        // r, then k, s·M'(d²), C⁻¹k and a work column, each of length n.
        // Every part is overwritten below: no need to clear it first.
        scratch.resize(5 * n, 0.0);
        let (r, rest) = scratch.split_at_mut(n);
        let (k, rest) = rest.split_at_mut(n);
        let (dk_dr, rest) = rest.split_at_mut(n);
        let (b, t) = rest.split_at_mut(n);
        vectorized(
            #[inline(always)]
            || {
                self.cols
                    .sq_dists(x, &p.inv_sq_lengthscales, &self.categorical, r);
                matern52_with_grad_slices(r, p.scale, k, dk_dr);
            },
        );
        // u = L⁻¹k: var = s − uᵀu;  b = L⁻ᵀu = C⁻¹k.
        b.copy_from_slice(k);
        solve_lower(&self.chol, b);
        let raw_var = p.scale - dot(b, b);
        solve_upper_transposed(&self.chol, b);
        vectorized(
            #[inline(always)]
            || {
                let mean = dot(k, &self.alpha);
                // ∂mean/∂xⱼ = 2ℓⱼ Σᵢ αᵢ·dkᵢ·(xⱼ − Xᵢⱼ),  ∂var/∂xⱼ = −4ℓⱼ Σᵢ bᵢ·dkᵢ·(xⱼ − Xᵢⱼ)
                for (ri, (&a, &dk)) in r.iter_mut().zip(self.alpha.iter().zip(dk_dr.iter())) {
                    *ri = a * dk;
                }
                for (bi, &dk) in b.iter_mut().zip(dk_dr.iter()) {
                    *bi *= dk;
                }
                let dims = self.d.min(x.len()).min(d_mean.len()).min(d_var.len());
                for j in 0..dims {
                    if self.categorical[j] {
                        d_mean[j] = 0.0;
                        d_var[j] = 0.0;
                        continue;
                    }
                    let xj = x[j];
                    for (tv, &c) in t.iter_mut().zip(self.cols.column(j)) {
                        *tv = xj - c;
                    }
                    let l2 = 2.0 * p.inv_sq_lengthscales[j];
                    d_mean[j] = l2 * dot(r, t);
                    d_var[j] = if raw_var > 0.0 {
                        -2.0 * l2 * dot(b, t)
                    } else {
                        0.0
                    };
                }
                (mean, raw_var.max(0.0))
            },
        )
    }
}

/// `v ← L⁻¹v` (forward substitution, faer); `l` is `n × n` lower triangular, `v` of length `n`.
fn solve_lower(l: &faer::Mat<f64>, v: &mut [f64]) {
    let n = v.len();
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        l.as_ref(),
        faer::MatMut::from_column_major_slice_mut(v, n, 1),
        faer::Par::Seq,
    );
}

/// `v ← L⁻ᵀv` (back substitution with `Lᵀ`, faer).
fn solve_upper_transposed(l: &faer::Mat<f64>, v: &mut [f64]) {
    let n = v.len();
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        l.transpose(),
        faer::MatMut::from_column_major_slice_mut(v, n, 1),
        faer::Par::Seq,
    );
}

/// `v ← C⁻¹v = L⁻ᵀL⁻¹v`.
fn solve_chol(l: &faer::Mat<f64>, v: &mut [f64]) {
    solve_lower(l, v);
    solve_upper_transposed(l, v);
}

/// `Σ aᵢbᵢ` over the shorter length, with eight partial sums so that the compiler can use
/// vector registers (a plain iterator sum is sequential).
#[inline(always)]
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
    use crate::samplers::gp::kernel::{covariance, matern52, sq_dist};

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
    use super::*;

    #[test]
    fn repeated_points_at_the_noise_floor_keep_a_tiny_variance() {
        // 60 copies of one point and a few others, noise 1e-6: C is nearly singular. The
        // variance there must stay at about noise/60, not come back large from cancellation
        // (which made the sampler propose the same point again and again).
        let mut x = vec![0.3, 0.7];
        for _ in 0..60 {
            x.extend([0.5, 0.5]);
        }
        x.extend([0.9, 0.1, 0.1, 0.2]);
        let n = x.len() / 2;
        let y: Vec<f64> = (0..n)
            .map(|i| if i == 0 || i > 60 { -1.0 } else { 1.0 })
            .collect();
        let params = KernelParams {
            inv_sq_lengthscales: vec![0.5, 0.5],
            scale: 1.0,
            noise: 1e-6,
        };
        let g = GpModel::new(x, y, vec![false, false], params).unwrap();
        let (mut m, mut v) = ([0.0; 2], [0.0; 2]);
        g.posterior_batch(&[0.5, 0.5, 0.5, 0.5001], &mut m, &mut v);
        let (pm, pv) = g.posterior(&[0.5, 0.5], &mut Vec::new());
        assert!(pv < 1e-7 && v[0] < 1e-7 && v[1] < 1e-6, "{pv} {v:?}");
        assert!(
            (pm - 1.0).abs() < 1e-4 && (m[0] - pm).abs() < 1e-9,
            "{pm} {m:?}"
        );
    }

    #[test]
    fn batch_results_do_not_depend_on_the_thread_count() {
        let g = toy();
        let m = 3 * BATCH_ROWS + 17;
        let xs: Vec<f64> = (0..m)
            .flat_map(|i| [(i as f64 * 0.618).fract(), (i % 3) as f64])
            .collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (mut mean, mut var) = (vec![0.0; m], vec![0.0; m]);
            pool.install(|| g.posterior_batch(&xs, &mut mean, &mut var));
            (mean, var)
        };
        assert_eq!(run(1), run(2));
    }

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
