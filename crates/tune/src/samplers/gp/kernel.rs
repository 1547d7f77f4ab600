//! The Matérn-5/2 ARD kernel with a Hamming term for categorical coordinates (Optuna 5's
//! `optuna._gp.gp.Matern52Kernel` and `GPRegressor.kernel`).
//!
//! The hot loops run over slices: [`PointColumns`] stores the training points by coordinate so
//! that the distances from one point to all others are contiguous loops, and the Matérn
//! function uses a branch-free `exp` ([`exp_nonpositive`]), so both vectorise; `vectorized`
//! compiles them for the widest instructions of the CPU, chosen at run time.

/// Kernel hyperparameters in natural space.
///
/// `k(x, x') = scale · M(d²)`, `d² = Σⱼ ℓⱼ · δⱼ(xⱼ, x'ⱼ)` where `ℓⱼ` is the inverse squared
/// lengthscale of coordinate `j` and `δⱼ = (xⱼ − x'ⱼ)²` for a numeric coordinate,
/// `[xⱼ ≠ x'ⱼ]` (Hamming) for a categorical one. The observation noise variance `noise` is
/// added to the diagonal of the training covariance.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelParams {
    /// `ℓⱼ = 1 / lengthscaleⱼ²`, one per coordinate (shape `[d]`).
    pub inv_sq_lengthscales: Vec<f64>,
    /// The signal variance `k(x, x)`.
    pub scale: f64,
    /// The noise variance added to the training diagonal.
    pub noise: f64,
}

impl KernelParams {
    /// Optuna's default (and fallback) parameters: every `ℓⱼ = 1`, scale 1, noise 1.
    pub fn default_for(dim: usize) -> Self {
        KernelParams {
            inv_sq_lengthscales: vec![1.0; dim],
            scale: 1.0,
            noise: 1.0,
        }
    }
}

/// `ln 2` split for the exact reduction `x = k·ln 2 + r` (fdlibm's `ln2HI`, `ln2LO`; its
/// literals are kept verbatim).
#[allow(clippy::excessive_precision)]
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
#[allow(clippy::excessive_precision)]
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// `1.5·2⁵²`: adding it rounds to an integer held in the low bits of the mantissa.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// `eˣ` for `x ≤ 0` (fdlibm's reduction and rational approximation, within 1 ulp), without
/// branches or table look-ups so that loops over slices vectorise. Below `−708` it returns 0
/// (no subnormal results; the kernel is then 0 to the precision of its sums); NaN stays NaN.
#[inline(always)]
#[allow(clippy::excessive_precision)]
pub fn exp_nonpositive(x: f64) -> f64 {
    const P1: f64 = 1.666_666_666_666_660_190_37e-01;
    const P2: f64 = -2.777_777_777_701_559_338_42e-03;
    const P3: f64 = 6.613_756_321_437_934_361_17e-05;
    const P4: f64 = -1.653_390_220_546_525_153_90e-06;
    const P5: f64 = 4.138_136_797_057_238_460_39e-08;
    let shifted = x * INV_LN2 + ROUND_MAGIC;
    let k = shifted - ROUND_MAGIC;
    // k as a two's-complement integer: the mantissa of `shifted` minus that of the magic.
    let k_bits = shifted.to_bits().wrapping_sub(ROUND_MAGIC.to_bits());
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    let v = y * f64::from_bits(k_bits.wrapping_add(1023) << 52);
    if x < -708.0 { 0.0 } else { v }
}

/// `exp(−√(5r))` and `√(5r)`.
#[inline(always)]
fn decay(r: f64) -> (f64, f64) {
    let s = (5.0 * r).sqrt();
    (exp_nonpositive(-s), s)
}

/// Matérn-5/2 as a function of the squared distance `r = d²`:
/// `M(r) = exp(−√(5r)) · (5r/3 + √(5r) + 1)`.
#[inline(always)]
pub fn matern52(r: f64) -> f64 {
    let (e, s) = decay(r);
    e * (5.0 / 3.0 * r + s + 1.0)
}

/// `dM/dr = −5/6 · (1 + √(5r)) · exp(−√(5r))` (finite at `r = 0`, as Optuna saves it).
#[inline(always)]
pub fn matern52_grad(r: f64) -> f64 {
    let (e, s) = decay(r);
    -5.0 / 6.0 * (1.0 + s) * e
}

/// `(M(r), dM/dr)` with one `exp`.
#[inline(always)]
pub fn matern52_with_grad(r: f64) -> (f64, f64) {
    let (e, s) = decay(r);
    (e * (5.0 / 3.0 * r + s + 1.0), -5.0 / 6.0 * (1.0 + s) * e)
}

/// `rᵢ ← scale · M(rᵢ)` for every element: squared distances become covariances.
#[inline(always)]
pub fn matern52_in_place(r: &mut [f64], scale: f64) {
    for v in r {
        *v = scale * matern52(*v);
    }
}

/// `kᵢ = scale · M(rᵢ)` and `dkᵢ = scale · M'(rᵢ)` (all slices of one length).
#[inline(always)]
pub fn matern52_with_grad_slices(r: &[f64], scale: f64, k: &mut [f64], dk: &mut [f64]) {
    for ((&r, k), dk) in r.iter().zip(k.iter_mut()).zip(dk.iter_mut()) {
        let (m, dm) = matern52_with_grad(r);
        *k = scale * m;
        *dk = scale * dm;
    }
}

/// Runs `f` with the widest vector instructions this CPU has (AVX2 + FMA where available,
/// chosen at run time by `pulp`): loops in `f` and in the `#[inline(always)]` functions it
/// calls are compiled for them. Results are the same bit for bit (no fused multiply-add is
/// introduced), so the sampler is reproducible across machines.
#[inline(always)]
pub(crate) fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    pulp::Arch::new().dispatch(f)
}

/// The per-coordinate distance `δⱼ`: squared difference, or 1 / 0 for a categorical coordinate.
#[inline]
pub fn coord_dist(a: f64, b: f64, categorical: bool) -> f64 {
    if categorical {
        if a == b { 0.0 } else { 1.0 }
    } else {
        (a - b) * (a - b)
    }
}

/// `d²(a, b) = Σⱼ ℓⱼ δⱼ(aⱼ, bⱼ)`; `a`, `b`, `inv_sq_ls`, `categorical` all have length `d`.
#[inline]
pub fn sq_dist(a: &[f64], b: &[f64], inv_sq_ls: &[f64], categorical: &[bool]) -> f64 {
    a.iter()
        .zip(b)
        .zip(inv_sq_ls.iter().zip(categorical))
        .map(|((&x, &y), (&l, &c))| l * coord_dist(x, y, c))
        .sum()
}

/// Points stored by coordinate — column `j` holds `X₀ⱼ … X₍ₙ₋₁₎ⱼ` — so that the squared
/// distances from one point to all of them are contiguous loops that vectorise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointColumns {
    n: usize,
    d: usize,
    cols: Vec<f64>,
}

impl PointColumns {
    /// The columns of `x` (row-major `n × d`, `n = x.len() / d`).
    pub fn new(x: &[f64], d: usize) -> Self {
        let n = x.len().checked_div(d).unwrap_or(0);
        let mut cols = vec![0.0; n * d];
        for (i, row) in x.chunks_exact(d.max(1)).take(n).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                cols[j * n + i] = v;
            }
        }
        PointColumns { n, d, cols }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there is no point.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Column `j` (length `n`; empty for `j ≥ d`).
    #[inline(always)]
    pub fn column(&self, j: usize) -> &[f64] {
        self.cols.get(j * self.n..(j + 1) * self.n).unwrap_or(&[])
    }

    /// `r[i] = d²(x, Xᵢ) = Σⱼ ℓⱼ δⱼ(xⱼ, Xᵢⱼ)` for every point (`r` has length `n`; `x`,
    /// `inv_sq_ls` and `categorical` length `d`). The same sums, in the same order, as
    /// [`sq_dist`].
    #[inline(always)]
    pub fn sq_dists(&self, x: &[f64], inv_sq_ls: &[f64], categorical: &[bool], r: &mut [f64]) {
        self.sq_dists_from(0, x, inv_sq_ls, categorical, r);
    }

    /// [`PointColumns::sq_dists`] for the points `from, from + 1, …` only: `r[i] = d²(x,
    /// X_{from+i})` for `i < min(r.len(), n − from)`. Coordinates past the shortest of `x`,
    /// `inv_sq_ls`, `categorical` and `d` are ignored.
    #[inline(always)]
    pub fn sq_dists_from(
        &self,
        from: usize,
        x: &[f64],
        inv_sq_ls: &[f64],
        categorical: &[bool],
        r: &mut [f64],
    ) {
        let from = from.min(self.n);
        let len = r.len().min(self.n - from);
        let r = &mut r[..len];
        r.iter_mut().for_each(|v| *v = 0.0);
        let coords = x.iter().zip(inv_sq_ls).zip(categorical).take(self.d);
        for (j, ((&xj, &l), &cat)) in coords.enumerate() {
            let col = &self.column(j)[from..from + len];
            if cat {
                for (v, &c) in r.iter_mut().zip(col) {
                    *v += if c == xj { 0.0 } else { l };
                }
            } else {
                for (v, &c) in r.iter_mut().zip(col) {
                    *v += l * ((xj - c) * (xj - c));
                }
            }
        }
    }
}

/// Column `k` of the training covariance `C = K + σ²I` from the diagonal down: `out[0] = s + σ²`,
/// `out[i] = s·M(d²(Xₖ, X₍ₖ₊ᵢ₎))` for the later points (`out` of length `n − k`, `xk` the point
/// `Xₖ` itself). `C` is symmetric, so this is also row `k` right of the diagonal.
pub fn covariance_column(
    cols: &PointColumns,
    xk: &[f64],
    k: usize,
    params: &KernelParams,
    categorical: &[bool],
    out: &mut [f64],
) {
    let Some((diag, below)) = out.split_first_mut() else {
        return;
    };
    *diag = params.scale + params.noise;
    vectorized(
        #[inline(always)]
        || {
            cols.sq_dists_from(k + 1, xk, &params.inv_sq_lengthscales, categorical, below);
            matern52_in_place(below, params.scale);
        },
    );
}

/// Fills `out` (row-major `n × n`, `n = x.len() / d`) with `k(xᵢ, xₖ)` and adds `noise` on the
/// diagonal: the training covariance `C = K + σ²I`. `x` is row-major `n × d`.
pub fn covariance(
    x: &[f64],
    d: usize,
    params: &KernelParams,
    categorical: &[bool],
    out: &mut Vec<f64>,
) {
    let n = x.len().checked_div(d).unwrap_or(0);
    out.clear();
    out.resize(n * n, 0.0);
    let cols = PointColumns::new(x, d);
    for k in 0..n {
        let xk = &x[k * d..(k + 1) * d];
        covariance_column(
            &cols,
            xk,
            k,
            params,
            categorical,
            &mut out[k * n + k..(k + 1) * n],
        );
        for i in k + 1..n {
            out[i * n + k] = out[k * n + i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matern_values_and_derivative() {
        assert_eq!(matern52(0.0), 1.0);
        // r = 0.2: √(5r) = 1, M = e⁻¹ (1/3 + 1 + 1).
        let want = (-1.0f64).exp() * (1.0 / 3.0 + 2.0);
        assert!((matern52(0.2) - want).abs() < 1e-15);
        assert_eq!(matern52_grad(0.0), -5.0 / 6.0);
        for r in [1e-6f64, 0.01, 0.3, 2.0, 10.0] {
            let h = 1e-6 * r.max(1e-3);
            let fd = (matern52(r + h) - matern52(r - h)) / (2.0 * h);
            assert!(
                (fd - matern52_grad(r)).abs() < 1e-7,
                "r={r}: {fd} vs {}",
                matern52_grad(r)
            );
        }
    }

    #[test]
    fn vectorisable_exp_is_within_an_ulp_or_two() {
        let mut worst = 0.0f64;
        for i in 0..=200_000 {
            let x = -708.0 * (i as f64 / 200_000.0).powi(3);
            let (got, want) = (exp_nonpositive(x), x.exp());
            worst = worst.max(((got - want) / want).abs());
        }
        assert!(worst < 3.0 * f64::EPSILON, "relative error {worst:e}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-800.0), 0.0);
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(f64::NAN).is_nan());
    }

    #[test]
    fn columns_give_the_same_distances_as_rows() {
        let d = 3;
        let x: Vec<f64> = (0..7 * d).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let (ls, cat) = ([0.3, 2.0, 5.0], [false, true, false]);
        let cols = PointColumns::new(&x, d);
        assert_eq!(cols.len(), 7);
        let p = [0.25, 0.4, 0.9];
        let mut r = [0.0; 7];
        cols.sq_dists(&p, &ls, &cat, &mut r);
        let mut tail = [0.0; 4];
        cols.sq_dists_from(3, &p, &ls, &cat, &mut tail);
        for i in 0..7 {
            let want = sq_dist(&p, &x[i * d..(i + 1) * d], &ls, &cat);
            assert_eq!(r[i], want);
            if i >= 3 {
                assert_eq!(tail[i - 3], want);
            }
        }
        let mut k = r;
        matern52_in_place(&mut k, 1.5);
        let (mut k2, mut dk) = ([0.0; 7], [0.0; 7]);
        matern52_with_grad_slices(&r, 1.5, &mut k2, &mut dk);
        for i in 0..7 {
            assert_eq!(k[i], 1.5 * matern52(r[i]));
            assert_eq!((k2[i], dk[i]), (k[i], 1.5 * matern52_grad(r[i])));
        }
    }

    #[test]
    fn categorical_coordinates_use_hamming_distance() {
        let ls = [2.0, 3.0];
        let cat = [false, true];
        assert_eq!(sq_dist(&[0.5, 1.0], &[0.25, 1.0], &ls, &cat), 2.0 * 0.0625);
        assert_eq!(sq_dist(&[0.5, 1.0], &[0.5, 2.0], &ls, &cat), 3.0);
        let p = KernelParams {
            inv_sq_lengthscales: ls.to_vec(),
            scale: 2.0,
            noise: 0.5,
        };
        let mut c = Vec::new();
        covariance(&[0.5, 1.0, 0.5, 2.0], 2, &p, &cat, &mut c);
        assert_eq!(c.len(), 4);
        assert_eq!(c[0], 2.5);
        assert_eq!(c[1], 2.0 * matern52(3.0));
        assert_eq!(c[1], c[2]);
    }
}
