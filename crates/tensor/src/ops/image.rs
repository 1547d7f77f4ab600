//! Element-wise kernels on images (row-major, channels last): the value transforms of image
//! augmentation and standardization — clamped shifts and scalings, per-channel affine maps,
//! and moments accumulated in `f64`.
//!
//! Clamps are written as `max(lo).min(hi)`, which never panics (unlike `f32::clamp` with
//! `lo > hi` or NaN bounds) and maps NaN inputs to a bound.

/// The smallest and largest value of `x` (NaNs are skipped); `(+∞, −∞)` when empty.
pub fn min_max(x: &[f32]) -> (f32, f32) {
    x.iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// `x ← min(max(x + shift, lo), hi)`: Keras's channel shift (`np.clip(x + intensity,
/// min_x, max_x)`).
///
/// ```
/// let mut x = [0.0, 5.0, 10.0];
/// gradus_tensor::ops::shift_clamped(&mut x, 3.0, 0.0, 10.0);
/// assert_eq!(x, [3.0, 8.0, 10.0]);
/// ```
pub fn shift_clamped(x: &mut [f32], shift: f32, lo: f32, hi: f32) {
    for v in x {
        *v = (*v + shift).max(lo).min(hi);
    }
}

/// `x ← origin + min(max((x − origin)·factor, 0), span)`: a scaling about `origin`,
/// saturating at `origin` and `origin + span` (brightness: `origin = 0`, `span = 255`).
///
/// ```
/// let mut x = [0.0, 100.0, 200.0];
/// gradus_tensor::ops::scale_clamped(&mut x, 0.0, 1.5, 255.0);
/// assert_eq!(x, [0.0, 150.0, 255.0]);
/// ```
pub fn scale_clamped(x: &mut [f32], origin: f32, factor: f32, span: f32) {
    for v in x {
        *v = origin + ((*v - origin) * factor).max(0.0).min(span);
    }
}

/// `x ← x·a + b`.
pub fn scale_shift(x: &mut [f32], a: f32, b: f32) {
    for v in x {
        *v = *v * a + b;
    }
}

/// `x[…, k] ← x[…, k]·a[k] + b[k]` for a channels-last buffer with `a.len()` channels.
///
/// # Panics
/// When `a` and `b` differ in length or `x.len()` is not a multiple of it.
pub fn scale_shift_channels(x: &mut [f32], a: &[f32], b: &[f32]) {
    assert!(
        a.len() == b.len() && !a.is_empty() && x.len().is_multiple_of(a.len()),
        "scale_shift_channels: {} values, {} scales, {} shifts",
        x.len(),
        a.len(),
        b.len()
    );
    for px in x.chunks_exact_mut(a.len()) {
        for ((v, &s), &t) in px.iter_mut().zip(a).zip(b) {
            *v = *v * s + t;
        }
    }
}

/// Mean and population standard deviation of `x`, in two passes accumulated in `f64`
/// (NumPy's `np.mean(x)`, `np.std(x)`); `(0, 0)` when empty.
pub fn mean_std(x: &[f32]) -> (f64, f64) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = x
        .iter()
        .map(|&v| {
            let d = v as f64 - mean;
            d * d
        })
        .sum::<f64>()
        / n;
    (mean, var.sqrt())
}

/// Per-channel mean and population standard deviation of a channels-last buffer with
/// `mean.len()` channels, over every pixel (Keras `fit`'s `np.mean(x, axis=(0, 1, 2))`),
/// in two passes accumulated in `f64`. Channels of an empty buffer get 0.
///
/// # Panics
/// When `mean` and `std` differ in length, are empty, or `x.len()` is not a multiple of it.
pub fn channel_mean_std(x: &[f32], mean: &mut [f64], std: &mut [f64]) {
    let ch = mean.len();
    assert!(
        ch == std.len() && ch > 0 && x.len().is_multiple_of(ch),
        "channel_mean_std: {} values, {} means, {} deviations",
        x.len(),
        ch,
        std.len()
    );
    let n = (x.len() / ch).max(1) as f64;
    mean.fill(0.0);
    for px in x.chunks_exact(ch) {
        for (m, &v) in mean.iter_mut().zip(px) {
            *m += v as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    std.fill(0.0);
    for px in x.chunks_exact(ch) {
        for ((s, &v), &m) in std.iter_mut().zip(px).zip(mean.iter()) {
            let d = v as f64 - m;
            *s += d * d;
        }
    }
    std.iter_mut().for_each(|s| *s = (*s / n).sqrt());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_match_the_definitions() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        assert_eq!(mean_std(&x), (2.5, 1.25f64.sqrt()));
        assert_eq!(mean_std(&[]), (0.0, 0.0));
        // Two channels: (1, 10), (3, 30).
        let (mut m, mut s) = ([0.0; 2], [0.0; 2]);
        channel_mean_std(&[1.0, 10.0, 3.0, 30.0], &mut m, &mut s);
        assert_eq!((m, s), ([2.0, 20.0], [1.0, 10.0]));
        channel_mean_std(&[], &mut m, &mut s);
        assert_eq!((m, s), ([0.0; 2], [0.0; 2]));
    }

    #[test]
    fn clamps_and_affine_maps() {
        assert_eq!(min_max(&[3.0, f32::NAN, -1.0]), (-1.0, 3.0));
        let mut x = [1.0, 2.0, 3.0, 4.0];
        scale_shift_channels(&mut x, &[2.0, 10.0], &[1.0, 0.0]);
        assert_eq!(x, [3.0, 20.0, 7.0, 40.0]);
        scale_shift(&mut x, 0.5, -1.0);
        assert_eq!(x, [0.5, 9.0, 2.5, 19.0]);
        // Inverted or NaN bounds do not panic.
        shift_clamped(&mut x, 1.0, 5.0, 0.0);
        assert_eq!(x, [0.0; 4]);
        let mut y = [-10.0, 10.0];
        scale_clamped(&mut y, -10.0, 0.5, 10.0);
        assert_eq!(y, [-10.0, 0.0]);
    }
}
