//! 2-D convolution over NHWC images by im2col and GEMM: forward, input gradient and kernel
//! gradient.
//!
//! # Layout
//!
//! Images are `[n, h, w, c]` row-major (channels last), the kernel is
//! `[kh, kw, c_in, filters]` (Keras's layout), the output `[n, oh, ow, filters]`. Unfolding
//! the input patch of every output pixel into one row of `kh·kw·c_in` values (im2col, in
//! the kernel's `(i, j, c)` order) turns the convolution into one product: the `[pixels,
//! patch] · [patch, filters]` result *is* the NHWC output. Backward is two more products:
//! `∂L/∂kernel = colᵀ·δ` and `∂L/∂col = δ·kernelᵀ`, folded back onto the input (col2im).
//!
//! # Chunks, threads and determinism
//!
//! The batch is cut into chunks of whole images whose unfolded patches take about
//! [`COL_CHUNK_BYTES`], so that each chunk's im2col buffer is still in cache when its GEMM
//! reads it (and the buffer, one per thread, stays small). Chunks run in parallel on the
//! current rayon pool, each product on one thread; a batch that is a single chunk lets its
//! GEMM use the pool instead. The chunking depends on the shapes only, never on the thread
//! count, and each chunk's kernel gradient goes to its own slot of a caller-owned buffer
//! that is summed in chunk order: the results are bit-identical on any number of threads.
//!
//! Scratch memory grows to the largest chunk seen and is reused, so a training step
//! allocates nothing after the first batch.

use std::cell::RefCell;

use rayon::prelude::*;

use super::gemm::{Transpose, gemm, single_threaded};
use super::window::Window2d;
use crate::{Error, Tensor};

/// Target size of one chunk's im2col buffer: a few hundred KiB, well inside a core's L2
/// cache, and large enough that each chunk's products are hundreds of rows tall.
const COL_CHUNK_BYTES: usize = 512 * 1024;

thread_local! {
    /// This thread's im2col / col2im buffer; grows to the largest chunk and is reused.
    static COL: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// The shapes of a 2-D convolution: the sliding [`Window2d`] plus the channel counts.
/// Every per-image size it reports fits in [`Tensor::MAX_ALLOC`].
///
/// ```
/// use gradus_tensor::ops::{Conv2dGeometry, Padding, Window2d};
/// let window = Window2d::new([28, 28], [3, 3], [1, 1], [1, 1], Padding::Valid).unwrap();
/// let g = Conv2dGeometry::new(window, 1, 32).unwrap();
/// assert_eq!((g.input_len(), g.output_len(), g.patch_len()), (784, 26 * 26 * 32, 9));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv2dGeometry {
    window: Window2d,
    in_channels: usize,
    filters: usize,
}

impl Conv2dGeometry {
    /// The geometry of a convolution with `filters` outputs over images of `in_channels`
    /// channels placed by `window`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for zero channels or filters; [`Error::TooLarge`] when an image,
    /// an output image or the kernel would exceed [`Tensor::MAX_ALLOC`] values.
    pub fn new(window: Window2d, in_channels: usize, filters: usize) -> Result<Self, Error> {
        for (what, v) in [("in_channels", in_channels), ("filters", filters)] {
            if v == 0 {
                return Err(Error::Invalid {
                    what,
                    value: "0".into(),
                    expected: "at least 1".into(),
                });
            }
        }
        let [h, w] = window.input();
        let [oh, ow] = window.output();
        let [kh, kw] = window.kernel();
        Tensor::check_alloc(&[h, w, in_channels])?;
        Tensor::check_alloc(&[oh, ow, filters])?;
        Tensor::check_alloc(&[kh, kw, in_channels, filters])?;
        Ok(Conv2dGeometry {
            window,
            in_channels,
            filters,
        })
    }

    /// The sliding window.
    pub fn window(&self) -> &Window2d {
        &self.window
    }

    /// Input channels.
    pub fn in_channels(&self) -> usize {
        self.in_channels
    }

    /// Output channels.
    pub fn filters(&self) -> usize {
        self.filters
    }

    /// Values per input image, `h·w·c_in`.
    pub fn input_len(&self) -> usize {
        self.window.input_pixels() * self.in_channels
    }

    /// Values per output image, `oh·ow·filters`.
    pub fn output_len(&self) -> usize {
        self.window.output_pixels() * self.filters
    }

    /// Values per unfolded patch (one im2col row), `kh·kw·c_in`.
    pub fn patch_len(&self) -> usize {
        self.window.taps() * self.in_channels
    }

    /// Values of the kernel, `kh·kw·c_in·filters`.
    pub fn kernel_len(&self) -> usize {
        self.patch_len() * self.filters
    }

    /// `(images per chunk, chunks)` for a batch of `n` images (see the module docs): as
    /// even as possible, and a function of the shapes only.
    fn chunks(&self, n: usize) -> (usize, usize) {
        let image_bytes = (self.window.output_pixels() * self.patch_len()).max(1) * 4;
        let most = (COL_CHUNK_BYTES / image_bytes).clamp(1, n.max(1));
        // Spread the images evenly over the fewest chunks of at most `most` images.
        let per = n.div_ceil(n.div_ceil(most).max(1)).max(1);
        (per, n.div_ceil(per))
    }

    /// Values `buffer` needs for [`conv2d_backward`]'s per-chunk kernel gradients on a batch
    /// of `n` images.
    pub fn partials_len(&self, n: usize) -> usize {
        match self.chunks(n).1 {
            0 | 1 => 0,
            chunks => chunks * self.kernel_len(),
        }
    }

    /// Checks the lengths of a batch and returns its image count.
    fn batch(&self, x: &[f32], kernel: &[f32], out: &[f32]) -> usize {
        let n = x.len() / self.input_len();
        assert_eq!(x.len(), n * self.input_len(), "conv2d: input length");
        assert_eq!(out.len(), n * self.output_len(), "conv2d: output length");
        assert_eq!(kernel.len(), self.kernel_len(), "conv2d: kernel length");
        n
    }
}

/// Unfolds `x` (whole `[h, w, c_in]` images) into `col`: one row of `kh·kw·c_in` values
/// per output pixel, `col[(img, oh, ow), (i, j, c)] = x[img, ih, iw, c]` with
/// `(ih, iw)` the window's source of tap `(i, j)` ([`Window2d::source`]), 0 in the padding.
///
/// # Panics
/// When `x` is not whole images or `col` is not `images · output pixels · patch` long.
pub fn im2col(x: &[f32], g: &Conv2dGeometry, col: &mut [f32]) {
    let w = &g.window;
    let (c, [_, width], [oh, ow], [_, kw]) = (g.in_channels, w.input(), w.output(), w.kernel());
    let (patch, row_len) = (g.patch_len(), kw * c);
    let n = x.len() / g.input_len();
    assert_eq!(x.len(), n * g.input_len(), "im2col: input length");
    assert_eq!(
        col.len(),
        n * w.output_pixels() * patch,
        "im2col: col length"
    );
    let contiguous = w.dilation()[1] == 1;
    let mut rows = col.chunks_exact_mut(patch);
    for image in x.chunks_exact(g.input_len()) {
        for y in 0..oh {
            for xo in 0..ow {
                let row = rows.next().expect("one row per output pixel");
                // First input column of the window, and whether all kw taps are inside.
                let left = w.source(1, xo, 0);
                let inside = contiguous && left.is_some() && w.source(1, xo, kw - 1).is_some();
                for (i, dst) in row.chunks_exact_mut(row_len).enumerate() {
                    let Some(ih) = w.source(0, y, i) else {
                        dst.fill(0.0);
                        continue;
                    };
                    let line = &image[ih * width * c..(ih + 1) * width * c];
                    match left {
                        Some(iw) if inside => dst.copy_from_slice(&line[iw * c..iw * c + row_len]),
                        _ => {
                            for (j, tap) in dst.chunks_exact_mut(c).enumerate() {
                                match w.source(1, xo, j) {
                                    Some(iw) => tap.copy_from_slice(&line[iw * c..(iw + 1) * c]),
                                    None => tap.fill(0.0),
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Folds `col` back onto images (the adjoint of [`im2col`]): `dx` is overwritten with
/// `dx[img, ih, iw, c] = Σ col[(img, oh, ow), (i, j, c)]` over every window tap that reads
/// `(ih, iw)`; taps in the padding are dropped.
///
/// # Panics
/// When the lengths do not match as in [`im2col`].
pub fn col2im(col: &[f32], g: &Conv2dGeometry, dx: &mut [f32]) {
    let w = &g.window;
    let (c, [_, width], [oh, ow], [_, kw]) = (g.in_channels, w.input(), w.output(), w.kernel());
    let (patch, row_len) = (g.patch_len(), kw * c);
    let n = dx.len() / g.input_len();
    assert_eq!(dx.len(), n * g.input_len(), "col2im: input length");
    assert_eq!(
        col.len(),
        n * w.output_pixels() * patch,
        "col2im: col length"
    );
    dx.fill(0.0);
    let contiguous = w.dilation()[1] == 1;
    let mut rows = col.chunks_exact(patch);
    for image in dx.chunks_exact_mut(g.input_len()) {
        for y in 0..oh {
            for xo in 0..ow {
                let row = rows.next().expect("one row per output pixel");
                let left = w.source(1, xo, 0);
                let inside = contiguous && left.is_some() && w.source(1, xo, kw - 1).is_some();
                for (i, src) in row.chunks_exact(row_len).enumerate() {
                    let Some(ih) = w.source(0, y, i) else {
                        continue;
                    };
                    let line = &mut image[ih * width * c..(ih + 1) * width * c];
                    match left {
                        Some(iw) if inside => add(&mut line[iw * c..iw * c + row_len], src),
                        _ => {
                            for (j, tap) in src.chunks_exact(c).enumerate() {
                                if let Some(iw) = w.source(1, xo, j) {
                                    add(&mut line[iw * c..(iw + 1) * c], tap);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[inline]
fn add(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// Runs `f` with this thread's col buffer resized to `len` values.
fn with_col<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    // Taken out of the slot, not borrowed: `f`'s GEMM may run other rayon tasks on this
    // thread while it waits, and one of them may need a buffer too.
    let mut col = COL.take();
    if col.len() < len {
        col.resize(len, 0.0);
    }
    let r = f(&mut col[..len]);
    COL.with_borrow_mut(|slot| {
        if slot.len() < col.len() {
            *slot = col;
        }
    });
    r
}

/// Runs `f`, with its products kept on this thread when the work is split into chunks
/// (which run in parallel already).
fn in_chunk<R>(chunked: bool, f: impl FnOnce() -> R) -> R {
    if chunked { single_threaded(f) } else { f() }
}

/// `y = conv(x, kernel)`: `y[img, oh, ow, f] = Σ_{i, j, c} x[img, ih, iw, c] ·
/// kernel[i, j, c, f]` with `(ih, iw)` the source of tap `(i, j)` of output pixel
/// `(oh, ow)` (zero in the padding). `x` holds whole `[h, w, c_in]` images, `y` as many
/// `[oh, ow, filters]` images. No bias, no activation.
///
/// # Panics
/// When the lengths do not match the geometry.
pub fn conv2d(x: &[f32], kernel: &[f32], g: &Conv2dGeometry, y: &mut [f32]) {
    let n = g.batch(x, kernel, y);
    let (per, chunks) = g.chunks(n);
    let (patch, filters) = (g.patch_len(), g.filters);
    x.par_chunks(per * g.input_len())
        .zip(y.par_chunks_mut(per * g.output_len()))
        .for_each(|(xc, yc)| {
            let rows = yc.len() / filters;
            with_col(rows * patch, |col| {
                im2col(xc, g, col);
                in_chunk(chunks > 1, || {
                    gemm(
                        rows,
                        patch,
                        filters,
                        col,
                        Transpose::No,
                        kernel,
                        Transpose::No,
                        yc,
                        0.0,
                    );
                });
            });
        });
}

/// The gradients of [`conv2d`] given `dy = ∂L/∂y`:
/// `kernel_grad = Σ_img colᵀ·dy` (overwritten) and, when wanted,
/// `input_grad = col2im(dy·kernelᵀ)` (overwritten).
///
/// `partials` holds each chunk's kernel gradient before the fixed-order sum (see the module
/// docs); it is resized to [`Conv2dGeometry::partials_len`] and only grows.
///
/// # Panics
/// When the lengths do not match the geometry.
pub fn conv2d_backward(
    x: &[f32],
    kernel: &[f32],
    dy: &[f32],
    g: &Conv2dGeometry,
    kernel_grad: &mut [f32],
    input_grad: Option<&mut [f32]>,
    partials: &mut Vec<f32>,
) {
    let n = g.batch(x, kernel, dy);
    assert_eq!(
        kernel_grad.len(),
        g.kernel_len(),
        "conv2d: kernel gradient length"
    );
    let (per, chunks) = g.chunks(n);
    let (patch, filters, kl) = (g.patch_len(), g.filters, g.kernel_len());
    let single = chunks <= 1;
    if single {
        // One chunk: its gradient is the whole gradient.
        partials.clear();
    } else {
        partials.resize(chunks * kl, 0.0);
    }
    let task = |xc: &[f32], dyc: &[f32], kg: &mut [f32], dxc: Option<&mut [f32]>| {
        let rows = dyc.len() / filters;
        with_col(rows * patch, |col| {
            im2col(xc, g, col);
            in_chunk(!single, || {
                gemm(
                    patch,
                    rows,
                    filters,
                    col,
                    Transpose::Yes,
                    dyc,
                    Transpose::No,
                    kg,
                    0.0,
                );
                if let Some(dxc) = dxc {
                    // The col buffer is free again: reuse it for ∂L/∂col.
                    gemm(
                        rows,
                        filters,
                        patch,
                        dyc,
                        Transpose::No,
                        kernel,
                        Transpose::Yes,
                        col,
                        0.0,
                    );
                    col2im(col, g, dxc);
                }
            });
        });
    };
    let (xs, dys) = (
        x.par_chunks(per * g.input_len()),
        dy.par_chunks(per * g.output_len()),
    );
    match (single, input_grad) {
        (true, dx) => {
            if n > 0 {
                task(x, dy, kernel_grad, dx);
            } else {
                kernel_grad.fill(0.0);
            }
            return;
        }
        (false, Some(dx)) => {
            assert_eq!(dx.len(), x.len(), "conv2d: input gradient length");
            xs.zip(dys)
                .zip(partials.par_chunks_mut(kl))
                .zip(dx.par_chunks_mut(per * g.input_len()))
                .for_each(|(((xc, dyc), kg), dxc)| task(xc, dyc, kg, Some(dxc)));
        }
        (false, None) => {
            xs.zip(dys)
                .zip(partials.par_chunks_mut(kl))
                .for_each(|((xc, dyc), kg)| task(xc, dyc, kg, None));
        }
    }
    let mut parts = partials.chunks_exact(kl);
    kernel_grad.copy_from_slice(parts.next().expect("two chunks or more"));
    for part in parts {
        add(kernel_grad, part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;
    use crate::ops::Padding;

    /// The definition, in f64, straight from the window's sources.
    fn naive(x: &[f32], k: &[f32], g: &Conv2dGeometry) -> Vec<f64> {
        let w = g.window();
        let (c, f) = (g.in_channels(), g.filters());
        let [_, width] = w.input();
        let [oh, ow] = w.output();
        let [kh, kw] = w.kernel();
        let mut y = Vec::new();
        for image in x.chunks(g.input_len()) {
            for a in 0..oh {
                for b in 0..ow {
                    for o in 0..f {
                        let mut s = 0.0f64;
                        for i in 0..kh {
                            for j in 0..kw {
                                if let (Some(ih), Some(iw)) = (w.source(0, a, i), w.source(1, b, j))
                                {
                                    for ci in 0..c {
                                        s += image[(ih * width + iw) * c + ci] as f64
                                            * k[((i * kw + j) * c + ci) * f + o] as f64;
                                    }
                                }
                            }
                        }
                        y.push(s);
                    }
                }
            }
        }
        y
    }

    fn random(rng: &mut Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| rng.normal() as f32).collect()
    }

    fn geometries() -> Vec<(usize, Conv2dGeometry)> {
        let mut out = Vec::new();
        for (n, hw, k, s, d, pad, c, f) in [
            (2, [5, 6], [3, 3], [1, 1], [1, 1], Padding::Valid, 1, 4),
            (3, [5, 6], [3, 2], [2, 2], [1, 1], Padding::Same, 3, 2),
            (1, [7, 7], [3, 3], [1, 1], [2, 2], Padding::Same, 2, 3),
            (2, [4, 9], [4, 4], [2, 3], [1, 1], Padding::Same, 2, 5),
            // Large enough for several chunks.
            (40, [20, 20], [5, 5], [1, 1], [1, 1], Padding::Same, 8, 6),
        ] {
            let w = Window2d::new(hw, k, s, d, pad).unwrap();
            out.push((n, Conv2dGeometry::new(w, c, f).unwrap()));
        }
        out
    }

    #[test]
    fn forward_matches_the_definition() {
        let mut rng = Rng::new(1);
        for (n, g) in geometries() {
            let x = random(&mut rng, n * g.input_len());
            let k = random(&mut rng, g.kernel_len());
            let mut y = vec![f32::NAN; n * g.output_len()];
            conv2d(&x, &k, &g, &mut y);
            for (a, b) in y.iter().zip(naive(&x, &k, &g)) {
                assert!((*a as f64 - b).abs() < 1e-4 * (1.0 + b.abs()), "{g:?}");
            }
        }
    }

    /// `⟨dy, conv(x)⟩` is bilinear: its gradients are exact adjoints, checked with random
    /// directions: `⟨kernel_grad, k'⟩ = ⟨dy, conv(x, k')⟩` and
    /// `⟨input_grad, x'⟩ = ⟨dy, conv(x', k)⟩`.
    #[test]
    fn backward_is_the_adjoint_and_thread_independent() {
        let mut rng = Rng::new(2);
        for (n, g) in geometries() {
            let x = random(&mut rng, n * g.input_len());
            let k = random(&mut rng, g.kernel_len());
            let dy = random(&mut rng, n * g.output_len());
            let run = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    let (mut kg, mut dx) = (vec![f32::NAN; k.len()], vec![f32::NAN; x.len()]);
                    let mut partials = Vec::new();
                    conv2d_backward(&x, &k, &dy, &g, &mut kg, Some(&mut dx), &mut partials);
                    let mut kg_only = vec![f32::NAN; k.len()];
                    conv2d_backward(&x, &k, &dy, &g, &mut kg_only, None, &mut partials);
                    assert_eq!(kg, kg_only);
                    (kg, dx)
                })
            };
            let (kg, dx) = run(1);
            assert_eq!((kg.clone(), dx.clone()), run(3), "{g:?}");
            let dot = |a: &[f64], b: &[f32]| a.iter().zip(b).map(|(p, q)| p * *q as f64).sum();
            let k2 = random(&mut rng, k.len());
            let x2 = random(&mut rng, x.len());
            let lhs_k: f64 = dot(&naive(&x, &k2, &g), &dy);
            let rhs_k: f64 = kg.iter().zip(&k2).map(|(a, b)| *a as f64 * *b as f64).sum();
            assert!((lhs_k - rhs_k).abs() < 1e-3 * (1.0 + lhs_k.abs()), "{g:?}");
            let lhs_x: f64 = dot(&naive(&x2, &k, &g), &dy);
            let rhs_x: f64 = dx.iter().zip(&x2).map(|(a, b)| *a as f64 * *b as f64).sum();
            assert!((lhs_x - rhs_x).abs() < 1e-3 * (1.0 + lhs_x.abs()), "{g:?}");
        }
    }

    #[test]
    fn chunks_cover_the_batch_evenly() {
        let (_, g) = geometries().pop().unwrap();
        for n in [0, 1, 2, 7, 40, 41, 1000] {
            let (per, chunks) = g.chunks(n);
            assert!(per >= 1 && per * chunks >= n && per * (chunks.max(1) - 1) < n.max(1));
            // par_chunks(per) makes exactly `chunks` chunks.
            assert_eq!(chunks, n.div_ceil(per));
        }
        assert!(g.partials_len(40) > 0);
        assert!(Conv2dGeometry::new(*g.window(), 0, 1).is_err());
        assert!(Conv2dGeometry::new(*g.window(), 1 << 20, 1 << 20).is_err());
    }
}
