//! Global average and max pooling: one value per channel and image, forward and backward.
//!
//! Inputs are batches of `[pixels, channels]` images (an NHWC image with `pixels = h·w`),
//! outputs `[n, channels]`. Images are independent and split over the current rayon pool
//! as in [`pool`](super::pool); results do not depend on the thread count.

use rayon::prelude::*;

use super::pool::min_images;

/// `(images, values per image)`, checked.
fn batch(x_len: usize, pixels: usize, channels: usize, y_len: usize, what: &str) -> (usize, usize) {
    assert!(pixels > 0 && channels > 0, "{what}: empty images");
    let len = pixels
        .checked_mul(channels)
        .unwrap_or_else(|| panic!("{what}: image size overflows usize"));
    let n = x_len / len;
    assert_eq!(x_len, n * len, "{what}: input length");
    assert_eq!(y_len, n * channels, "{what}: output length");
    (n, len)
}

/// `y[img, c] = (1/pixels) Σ_p x[img, p, c]`.
///
/// # Panics
/// When `x` is not whole `[pixels, channels]` images or `y` not `[n, channels]`.
pub fn global_avg_pool(x: &[f32], pixels: usize, channels: usize, y: &mut [f32]) {
    let (_, len) = batch(x.len(), pixels, channels, y.len(), "global_avg_pool");
    let scale = 1.0 / pixels as f32;
    x.par_chunks(len)
        .zip(y.par_chunks_mut(channels))
        .with_min_len(min_images(len))
        .for_each(|(x, y)| {
            y.fill(0.0);
            for px in x.chunks_exact(channels) {
                y.iter_mut().zip(px).for_each(|(s, v)| *s += v);
            }
            y.iter_mut().for_each(|s| *s *= scale);
        });
}

/// The gradient of [`global_avg_pool`]: `dx[img, p, c] = dy[img, c] / pixels`
/// (overwritten).
///
/// # Panics
/// When the lengths do not match as in [`global_avg_pool`].
pub fn global_avg_pool_backward(dy: &[f32], pixels: usize, channels: usize, dx: &mut [f32]) {
    let (_, len) = batch(
        dx.len(),
        pixels,
        channels,
        dy.len(),
        "global_avg_pool_backward",
    );
    let scale = 1.0 / pixels as f32;
    dx.par_chunks_mut(len)
        .zip(dy.par_chunks(channels))
        .with_min_len(min_images(len))
        .for_each(|(dx, dy)| {
            for px in dx.chunks_exact_mut(channels) {
                px.iter_mut().zip(dy).for_each(|(d, g)| *d = g * scale);
            }
        });
}

/// `y[img, c] = max_p x[img, p, c]` and `argmax[img, c]` = the winning pixel (the first
/// maximum wins ties; a NaN wins over any number, as in PyTorch).
///
/// # Panics
/// When the lengths do not match as in [`global_avg_pool`], or `pixels` exceeds 2³².
pub fn global_max_pool(
    x: &[f32],
    pixels: usize,
    channels: usize,
    y: &mut [f32],
    argmax: &mut [u32],
) {
    let (_, len) = batch(x.len(), pixels, channels, y.len(), "global_max_pool");
    assert_eq!(argmax.len(), y.len(), "global_max_pool: argmax length");
    assert!(
        u32::try_from(pixels - 1).is_ok(),
        "global_max_pool: too many pixels"
    );
    x.par_chunks(len)
        .zip(y.par_chunks_mut(channels))
        .zip(argmax.par_chunks_mut(channels))
        .with_min_len(min_images(len))
        .for_each(|((x, y), arg)| {
            y.copy_from_slice(&x[..channels]);
            arg.fill(0);
            for (p, px) in x.chunks_exact(channels).enumerate().skip(1) {
                for ((m, a), &v) in y.iter_mut().zip(arg.iter_mut()).zip(px) {
                    if v > *m || v.is_nan() && !m.is_nan() {
                        *m = v;
                        *a = p as u32;
                    }
                }
            }
        });
}

/// The gradient of [`global_max_pool`]: `dx` is overwritten with zeros plus each
/// `dy[img, c]` at its winning pixel.
///
/// # Panics
/// When the lengths do not match as in [`global_max_pool`], or a winner is not below
/// `pixels`.
pub fn global_max_pool_backward(
    dy: &[f32],
    argmax: &[u32],
    pixels: usize,
    channels: usize,
    dx: &mut [f32],
) {
    let (_, len) = batch(
        dx.len(),
        pixels,
        channels,
        dy.len(),
        "global_max_pool_backward",
    );
    assert_eq!(
        argmax.len(),
        dy.len(),
        "global_max_pool_backward: argmax length"
    );
    dx.par_chunks_mut(len)
        .zip(dy.par_chunks(channels))
        .zip(argmax.par_chunks(channels))
        .with_min_len(min_images(len))
        .for_each(|((dx, dy), arg)| {
            dx.fill(0.0);
            for (c, (&g, &p)) in dy.iter().zip(arg).enumerate() {
                assert!(
                    (p as usize) < pixels,
                    "global_max_pool_backward: bad argmax"
                );
                dx[p as usize * channels + c] = g;
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_maxima_and_their_gradients() {
        // Two images of 3 pixels × 2 channels.
        let x = [
            1.0, -1.0, 4.0, 0.0, 1.0, 2.0, /**/ 0.0, 7.0, 0.0, 7.0, -3.0, 1.0,
        ];
        let mut y = [0.0; 4];
        global_avg_pool(&x, 3, 2, &mut y);
        assert_eq!(y, [2.0, 1.0 / 3.0, -1.0, 5.0]);
        let mut dx = [f32::NAN; 12];
        global_avg_pool_backward(&[3.0, 6.0, 0.0, 3.0], 3, 2, &mut dx);
        assert_eq!(
            dx,
            [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
        );
        let mut arg = [9u32; 4];
        global_max_pool(&x, 3, 2, &mut y, &mut arg);
        assert_eq!((y, arg), ([4.0, 2.0, 0.0, 7.0], [1, 2, 0, 0]));
        global_max_pool_backward(&[1.0, 2.0, 3.0, 4.0], &arg, 3, 2, &mut dx);
        assert_eq!(
            dx,
            [0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0]
        );
    }
}
