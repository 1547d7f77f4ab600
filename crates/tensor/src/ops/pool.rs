//! Max and average pooling over NHWC images with a sliding [`Window2d`], forward and
//! backward.
//!
//! Images are `[n, h, w, c]` row-major; each channel is pooled on its own. Window taps in
//! the padding ([`Padding::Same`](super::Padding::Same)) are ignored, as in Keras: they
//! never win a max and are not counted in an average. Every window holds at least one
//! pixel of the image (TensorFlow's `same` padding is less than the window).
//!
//! Images are independent, so batches are split over the current rayon pool by whole
//! images (at least [`PAR_MIN_VALUES`] input values per task); results do not depend on
//! the thread count.

use rayon::prelude::*;

use super::window::Window2d;

/// Fewest input values per parallel task: below that, splitting costs more than it saves.
pub(crate) const PAR_MIN_VALUES: usize = 1 << 15;

/// Values per input and per output image, checked.
fn image_lens(window: &Window2d, channels: usize) -> (usize, usize) {
    assert!(channels > 0, "pooling: channels must be at least 1");
    let len = |pixels: usize| {
        pixels
            .checked_mul(channels)
            .expect("pooling: image size overflows usize")
    };
    (len(window.input_pixels()), len(window.output_pixels()))
}

/// Images per parallel task for images of `len` values.
pub(crate) fn min_images(len: usize) -> usize {
    (PAR_MIN_VALUES / len.max(1)).max(1)
}

/// Calls `f(y_offset, x_offset)` for every output pixel and window tap inside the image,
/// with offsets in values (`pixel · channels`) within one image; one call per tap, taps in
/// row-major order, `first` true for the first tap of each output pixel.
#[inline]
fn for_each_tap(w: &Window2d, channels: usize, mut f: impl FnMut(usize, usize, bool)) {
    let ([_, width], [oh, ow], [kh, kw]) = (w.input(), w.output(), w.kernel());
    for y in 0..oh {
        for x in 0..ow {
            let out = (y * ow + x) * channels;
            let mut first = true;
            for i in 0..kh {
                let Some(ih) = w.source(0, y, i) else {
                    continue;
                };
                for j in 0..kw {
                    if let Some(iw) = w.source(1, x, j) {
                        f(out, (ih * width + iw) * channels, first);
                        first = false;
                    }
                }
            }
        }
    }
}

/// Max pooling: `y[img, oh, ow, c] = max` of `x[img, ih, iw, c]` over the window's taps
/// inside the image, and `argmax` = the winning tap (`i·kw + j` for tap `(i, j)` of the
/// window; the first maximum in row-major tap order wins ties; a NaN wins over any number,
/// as in PyTorch).
///
/// # Panics
/// When `x` is not whole `[h, w, channels]` images or `y`, `argmax` do not hold as many
/// `[oh, ow, channels]` images.
pub fn max_pool2d(x: &[f32], w: &Window2d, channels: usize, y: &mut [f32], argmax: &mut [u32]) {
    let (in_len, out_len) = image_lens(w, channels);
    let n = x.len() / in_len;
    assert_eq!(x.len(), n * in_len, "max_pool2d: input length");
    assert_eq!(y.len(), n * out_len, "max_pool2d: output length");
    assert_eq!(argmax.len(), n * out_len, "max_pool2d: argmax length");
    x.par_chunks(in_len)
        .zip(y.par_chunks_mut(out_len))
        .zip(argmax.par_chunks_mut(out_len))
        .with_min_len(min_images(in_len))
        .for_each(|((x, y), arg)| {
            super::vectorized(
                #[inline(always)]
                || max_pool_image(x, w, channels, y, arg),
            )
        });
}

/// [`max_pool2d`] of one image; inlined into [`vectorized`](super::vectorized)'s wide
/// instantiation, where the selects become masked vector moves.
#[inline(always)]
fn max_pool_image(x: &[f32], w: &Window2d, channels: usize, y: &mut [f32], arg: &mut [u32]) {
    let ([_, width], [_, ow], [kh, kw]) = (w.input(), w.output(), w.kernel());
    let pixels = y
        .chunks_exact_mut(channels)
        .zip(arg.chunks_exact_mut(channels));
    for (p, (y, arg)) in pixels.enumerate() {
        let (oy, ox) = (p / ow, p % ow);
        let mut first = true;
        for i in 0..kh {
            let Some(ih) = w.source(0, oy, i) else {
                continue;
            };
            for j in 0..kw {
                let Some(iw) = w.source(1, ox, j) else {
                    continue;
                };
                let at = (ih * width + iw) * channels;
                let src = &x[at..at + channels];
                // Taps are at most Tensor::MAX_ALLOC = 2^32 (Window2d), so this fits.
                let tap = (i * kw + j) as u32;
                if first {
                    y.copy_from_slice(src);
                    arg.fill(tap);
                    first = false;
                    continue;
                }
                // Branch-free selects: the comparison is a coin flip on real data, and a
                // branch would mispredict half the time.
                for ((m, a), &v) in y.iter_mut().zip(arg.iter_mut()).zip(src) {
                    let wins = (v > *m) | (v.is_nan() & !m.is_nan());
                    *m = if wins { v } else { *m };
                    *a = if wins { tap } else { *a };
                }
            }
        }
    }
}

/// The gradient of [`max_pool2d`]: `dx` is overwritten with zeros plus each `dy` added
/// at its window's winner (`argmax`).
///
/// `argmax` entries that are no tap of their window inside the image (not written by
/// [`max_pool2d`]) route nothing.
///
/// # Panics
/// When the lengths do not match as in [`max_pool2d`].
pub fn max_pool2d_backward(
    dy: &[f32],
    argmax: &[u32],
    w: &Window2d,
    channels: usize,
    dx: &mut [f32],
) {
    let (in_len, out_len) = image_lens(w, channels);
    let n = dx.len() / in_len;
    assert_eq!(dx.len(), n * in_len, "max_pool2d_backward: input length");
    assert_eq!(dy.len(), n * out_len, "max_pool2d_backward: output length");
    assert_eq!(
        argmax.len(),
        n * out_len,
        "max_pool2d_backward: argmax length"
    );
    dx.par_chunks_mut(in_len)
        .zip(dy.par_chunks(out_len))
        .zip(argmax.par_chunks(out_len))
        .with_min_len(min_images(in_len))
        .for_each(|((dx, dy), arg)| {
            super::vectorized(
                #[inline(always)]
                || max_unpool_image(dy, arg, w, channels, dx),
            )
        });
}

/// [`max_pool2d_backward`] of one image: for each window tap inside the image, a masked
/// add of the gradients whose winner it is (branch-free, so that it vectorizes).
#[inline(always)]
fn max_unpool_image(dy: &[f32], arg: &[u32], w: &Window2d, channels: usize, dx: &mut [f32]) {
    let ([_, width], [_, ow], [kh, kw]) = (w.input(), w.output(), w.kernel());
    dx.fill(0.0);
    let pixels = dy.chunks_exact(channels).zip(arg.chunks_exact(channels));
    for (p, (dy, arg)) in pixels.enumerate() {
        let (oy, ox) = (p / ow, p % ow);
        for i in 0..kh {
            let Some(ih) = w.source(0, oy, i) else {
                continue;
            };
            for j in 0..kw {
                let Some(iw) = w.source(1, ox, j) else {
                    continue;
                };
                let at = (ih * width + iw) * channels;
                let tap = (i * kw + j) as u32;
                for ((d, &g), &a) in dx[at..at + channels].iter_mut().zip(dy).zip(arg) {
                    *d += if a == tap { g } else { 0.0 };
                }
            }
        }
    }
}

/// Average pooling: `y[img, oh, ow, c]` = the mean of `x[img, ih, iw, c]` over the
/// window's taps inside the image (padding is not counted, as in Keras).
///
/// # Panics
/// When `x` is not whole `[h, w, channels]` images or `y` does not hold as many
/// `[oh, ow, channels]` images.
pub fn avg_pool2d(x: &[f32], w: &Window2d, channels: usize, y: &mut [f32]) {
    let (in_len, out_len) = image_lens(w, channels);
    let n = x.len() / in_len;
    assert_eq!(x.len(), n * in_len, "avg_pool2d: input length");
    assert_eq!(y.len(), n * out_len, "avg_pool2d: output length");
    x.par_chunks(in_len)
        .zip(y.par_chunks_mut(out_len))
        .with_min_len(min_images(in_len))
        .for_each(|(x, y)| {
            for_each_tap(w, channels, |o, i, first| {
                let (y, src) = (&mut y[o..o + channels], &x[i..i + channels]);
                if first {
                    y.copy_from_slice(src);
                } else {
                    y.iter_mut().zip(src).for_each(|(s, v)| *s += v);
                }
            });
            scale_by_counts(w, channels, y);
        });
}

/// The gradient of [`avg_pool2d`]: `dx` is overwritten with each `dy` spread evenly over
/// its window's taps inside the image.
///
/// # Panics
/// When the lengths do not match as in [`avg_pool2d`].
pub fn avg_pool2d_backward(dy: &[f32], w: &Window2d, channels: usize, dx: &mut [f32]) {
    let (in_len, out_len) = image_lens(w, channels);
    let n = dx.len() / in_len;
    assert_eq!(dx.len(), n * in_len, "avg_pool2d_backward: input length");
    assert_eq!(dy.len(), n * out_len, "avg_pool2d_backward: output length");
    dx.par_chunks_mut(in_len)
        .zip(dy.par_chunks(out_len))
        .with_min_len(min_images(in_len))
        .for_each(|(dx, dy)| {
            dx.fill(0.0);
            let [oh, ow] = w.output();
            for p in 0..oh * ow {
                let scale = 1.0 / taps_inside(w, p / ow, p % ow) as f32;
                let g = &dy[p * channels..(p + 1) * channels];
                for_window(w, p / ow, p % ow, |i| {
                    let dst = &mut dx[i * channels..(i + 1) * channels];
                    dst.iter_mut().zip(g).for_each(|(d, v)| *d += v * scale);
                });
            }
        });
}

/// Divides each output pixel's sums by its window's taps inside the image.
fn scale_by_counts(w: &Window2d, channels: usize, y: &mut [f32]) {
    let ow = w.output()[1];
    for (p, px) in y.chunks_exact_mut(channels).enumerate() {
        let scale = 1.0 / taps_inside(w, p / ow, p % ow) as f32;
        px.iter_mut().for_each(|v| *v *= scale);
    }
}

/// Taps of the window at output pixel `(y, x)` that fall inside the image.
fn taps_inside(w: &Window2d, y: usize, x: usize) -> usize {
    let [kh, kw] = w.kernel();
    let rows = (0..kh).filter(|&i| w.source(0, y, i).is_some()).count();
    let cols = (0..kw).filter(|&j| w.source(1, x, j).is_some()).count();
    rows * cols
}

/// Calls `f(pixel)` for each input pixel (`ih·w + iw`) the window at output pixel `(y, x)`
/// reads.
#[inline]
fn for_window(w: &Window2d, y: usize, x: usize, mut f: impl FnMut(usize)) {
    let ([_, width], [kh, kw]) = (w.input(), w.kernel());
    for i in 0..kh {
        if let Some(ih) = w.source(0, y, i) {
            for j in 0..kw {
                if let Some(iw) = w.source(1, x, j) {
                    f(ih * width + iw);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;
    use crate::ops::Padding;

    #[test]
    fn max_and_average_of_a_small_image() {
        // One 3×3 single-channel image, 2×2 windows with stride 2, same padding: 2×2
        // outputs, the last row and column of windows hang over the bottom/right edge.
        let x: Vec<f32> = (1..=9).map(|v| v as f32).collect();
        let w = Window2d::new([3, 3], [2, 2], [2, 2], [1, 1], Padding::Same).unwrap();
        let (mut y, mut arg) = (vec![0.0; 4], vec![0u32; 4]);
        max_pool2d(&x, &w, 1, &mut y, &mut arg);
        assert_eq!(y, [5.0, 6.0, 8.0, 9.0]);
        assert_eq!(arg, [3, 2, 1, 0]);
        avg_pool2d(&x, &w, 1, &mut y);
        assert_eq!(y, [3.0, 4.5, 7.5, 9.0]);
        let mut dx = vec![f32::NAN; 9];
        avg_pool2d_backward(&[4.0, 2.0, 2.0, 1.0], &w, 1, &mut dx);
        assert_eq!(dx, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
        max_pool2d_backward(&[1.0, 2.0, 3.0, 4.0], &arg, &w, 1, &mut dx);
        assert_eq!(dx, [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 3.0, 4.0]);
    }

    #[test]
    fn ties_nan_and_overlapping_windows() {
        // Two channels; windows of 2 with stride 1 overlap, so gradients add up.
        let x = [1.0, f32::NAN, 1.0, 0.0, 3.0, 5.0];
        let w = Window2d::new([1, 3], [1, 2], [1, 1], [1, 1], Padding::Valid).unwrap();
        let (mut y, mut arg) = (vec![0.0; 4], vec![0u32; 4]);
        max_pool2d(&x, &w, 2, &mut y, &mut arg);
        assert_eq!((y[0], y[2], y[3]), (1.0, 3.0, 5.0));
        assert!(y[1].is_nan());
        assert_eq!(arg, [0, 0, 1, 1]);
        let mut dx = vec![0.0; 6];
        max_pool2d_backward(&[1.0, 1.0, 1.0, 1.0], &arg, &w, 2, &mut dx);
        assert_eq!(dx, [1.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn batches_split_over_threads_give_the_same_result() {
        let mut rng = Rng::new(4);
        let w = Window2d::new([9, 7], [3, 3], [2, 2], [1, 1], Padding::Same).unwrap();
        let (n, c) = (300, 5);
        let x: Vec<f32> = (0..n * 63 * c).map(|_| rng.normal() as f32).collect();
        let dy: Vec<f32> = (0..n * 20 * c).map(|_| rng.normal() as f32).collect();
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let (mut y, mut arg, mut dx) =
                    (vec![0.0; dy.len()], vec![0; dy.len()], vec![0.0; x.len()]);
                max_pool2d(&x, &w, c, &mut y, &mut arg);
                max_pool2d_backward(&dy, &arg, &w, c, &mut dx);
                let mut a = vec![0.0; dy.len()];
                avg_pool2d(&x, &w, c, &mut a);
                let mut da = vec![0.0; x.len()];
                avg_pool2d_backward(&dy, &w, c, &mut da);
                (y, arg, dx, a, da)
            })
        };
        assert_eq!(run(1), run(3));
    }
}
