//! Row and column reductions, vector updates, softmax and log-softmax.

/// Adds `v` to every row of the row-major buffer `x` (rows of `v.len()` values): the bias
/// addition of a dense layer.
pub fn add_row_vector(x: &mut [f32], v: &[f32]) {
    for row in x.chunks_exact_mut(v.len()) {
        for (a, b) in row.iter_mut().zip(v) {
            *a += b;
        }
    }
}

/// `out[j] = Σ_i x[i, j]`: column sums of a row-major buffer with rows of `out.len()`
/// values (the bias gradient of a dense layer).
pub fn sum_columns_into(x: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for row in x.chunks_exact(out.len()) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

/// Column means and biased (population) variances of a row-major buffer with rows of
/// `mean.len()` values, in two passes for accuracy.
pub fn column_moments(x: &[f32], mean: &mut [f32], var: &mut [f32]) {
    let cols = mean.len();
    let rows = x.len() / cols;
    sum_columns_into(x, mean);
    let inv = 1.0 / rows as f32;
    mean.iter_mut().for_each(|m| *m *= inv);
    var.fill(0.0);
    for row in x.chunks_exact(cols) {
        for ((v, &xv), &m) in var.iter_mut().zip(row).zip(mean.iter()) {
            let d = xv - m;
            *v += d * d;
        }
    }
    var.iter_mut().for_each(|v| *v *= inv);
}

/// `y += alpha·x`.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    for (b, a) in y.iter_mut().zip(x) {
        *b += alpha * a;
    }
}

/// `Σ a_i b_i`, accumulated in `f64`.
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64) * (*y as f64))
        .sum()
}

/// `Σ x_i²`, accumulated in `f64`.
pub fn sum_squares(x: &[f32]) -> f64 {
    x.iter().map(|v| (*v as f64) * (*v as f64)).sum()
}

/// Whether no value is NaN or infinite: one vectorized pass over the bits (the largest
/// magnitude bit pattern is below the exponent-all-ones pattern of inf and NaN), with no
/// early exit, so it costs the same whatever the values.
pub fn all_finite(x: &[f32]) -> bool {
    const EXPONENT: u32 = 0x7f80_0000;
    let largest = crate::ops::vectorized(|| {
        x.iter()
            .map(|v| v.to_bits() & 0x7fff_ffff)
            .fold(0, u32::max)
    });
    largest < EXPONENT
}

/// Index of the largest value (the first one on ties); 0 for an empty slice.
pub fn argmax(x: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

/// `ln Σ e^{z_i}`, stable for large `z` (the maximum is subtracted first).
pub fn logsumexp(z: &[f32]) -> f32 {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + z.iter().map(|v| (v - m).exp()).sum::<f32>().ln()
}

/// `y = softmax(z)` for one row, computed as `e^{z−max z} / Σ e^{z−max z}`.
pub fn softmax_row(z: &[f32], y: &mut [f32]) {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0.0;
    for (o, v) in y.iter_mut().zip(z) {
        *o = (v - m).exp();
        s += *o;
    }
    let inv = 1.0 / s;
    y.iter_mut().for_each(|o| *o *= inv);
}

/// `y = log_softmax(z) = z − logsumexp(z)` for one row.
pub fn log_softmax_row(z: &[f32], y: &mut [f32]) {
    let l = logsumexp(z);
    for (o, v) in y.iter_mut().zip(z) {
        *o = v - l;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_finite_finds_every_non_finite_value() {
        let mut x = vec![1.0f32; 100];
        assert!(all_finite(&x) && all_finite(&[]));
        x[37] = f32::MAX;
        x[38] = -f32::MIN_POSITIVE;
        assert!(all_finite(&x));
        for bad in [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            x[99] = bad;
            assert!(!all_finite(&x), "{bad}");
            x[99] = 0.0;
        }
    }

    #[test]
    fn row_and_column_helpers() {
        let mut x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        add_row_vector(&mut x, &[10.0, 20.0, 30.0]);
        assert_eq!(x, [11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        let mut s = [0.0; 3];
        sum_columns_into(&x, &mut s);
        assert_eq!(s, [25.0, 47.0, 69.0]);
        let (mut m, mut v) = ([0.0; 3], [0.0; 3]);
        column_moments(&x, &mut m, &mut v);
        assert_eq!(m, [12.5, 23.5, 34.5]);
        assert_eq!(v, [2.25, 2.25, 2.25]);
        let mut y = [1.0, 1.0];
        axpy(2.0, &[1.0, -1.0], &mut y);
        assert_eq!(y, [3.0, -1.0]);
        assert_eq!(dot(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
        assert_eq!(sum_squares(&[3.0, 4.0]), 25.0);
        assert_eq!(argmax(&[0.1, 0.7, 0.7, 0.2]), 1);
    }

    // np.log(np.exp([1,2,3]).sum()) = 3.40760596; log_softmax = [1,2,3] - 3.40760596
    #[test]
    fn log_softmax_golden() {
        let mut y = [0.0; 3];
        log_softmax_row(&[1.0, 2.0, 3.0], &mut y);
        for (a, b) in y.iter().zip([-2.407_606, -1.407_606, -0.407_606]) {
            assert!((a - b).abs() < 1e-6);
        }
        assert!((logsumexp(&[1000.0, 1000.0]) - (1000.0 + 2f32.ln())).abs() < 1e-3);
    }
}
