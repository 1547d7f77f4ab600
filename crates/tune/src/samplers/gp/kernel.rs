//! The Matérn-5/2 ARD kernel with a Hamming term for categorical coordinates (Optuna 5's
//! `optuna._gp.gp.Matern52Kernel` and `GPRegressor.kernel`).

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

/// Beyond this `√(5r)` the kernel is below 1e-298 and is returned as 0: `exp` of such
/// arguments would take libm's slow subnormal path, and very short lengthscales reach it often.
const FAR: f64 = 680.0;

/// `exp(−√(5r))` and `√(5r)`, with the cut-off at [`FAR`].
#[inline]
fn decay(r: f64) -> (f64, f64) {
    let s = (5.0 * r).sqrt();
    (if s > FAR { 0.0 } else { (-s).exp() }, s)
}

/// Matérn-5/2 as a function of the squared distance `r = d²`:
/// `M(r) = exp(−√(5r)) · (5r/3 + √(5r) + 1)`.
#[inline]
pub fn matern52(r: f64) -> f64 {
    let (e, s) = decay(r);
    e * (5.0 / 3.0 * r + s + 1.0)
}

/// `dM/dr = −5/6 · (1 + √(5r)) · exp(−√(5r))` (finite at `r = 0`, as Optuna saves it).
#[inline]
pub fn matern52_grad(r: f64) -> f64 {
    let (e, s) = decay(r);
    -5.0 / 6.0 * (1.0 + s) * e
}

/// `(M(r), dM/dr)` with one `exp`.
#[inline]
pub fn matern52_with_grad(r: f64) -> (f64, f64) {
    let (e, s) = decay(r);
    (e * (5.0 / 3.0 * r + s + 1.0), -5.0 / 6.0 * (1.0 + s) * e)
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
    for i in 0..n {
        let xi = &x[i * d..(i + 1) * d];
        out[i * n + i] = params.scale + params.noise;
        for k in 0..i {
            let xk = &x[k * d..(k + 1) * d];
            let v =
                params.scale * matern52(sq_dist(xi, xk, &params.inv_sq_lengthscales, categorical));
            out[i * n + k] = v;
            out[k * n + i] = v;
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
