//! 2-D convolution over NHWC images by im2col and GEMM: forward with bias and activation
//! fused, and backward (activation derivative, bias, kernel and input gradients).
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
//! The batch is cut into chunks of whole images whose unfolded patches and outputs take
//! about [`CHUNK_BYTES`], so that each chunk's im2col buffer is still in cache when its
//! GEMM reads it, and its output when the bias and activation are applied (forward) or the
//! activation's derivative and the bias gradient are taken (backward) — one pass over
//! memory instead of three. Chunks run in parallel on the current rayon pool, each product
//! on one thread; a batch that is a single chunk lets its GEMM use the pool instead. The
//! chunking depends on the shapes only, never on the thread count, and each chunk's kernel
//! and bias gradients go to its own slot of a caller-owned buffer that is summed in chunk
//! order: the results are bit-identical on any number of threads.
//!
//! Scratch memory grows to the largest chunk seen and is reused, so a training step
//! allocates nothing after the first batch.

use std::cell::RefCell;

use rayon::iter::Either;
use rayon::prelude::*;

use super::gemm::{Transpose, gemm, single_threaded};
use super::reduce::{add_row_vector, sum_columns_into};
use super::window::Window2d;
use crate::{Activation, Error, Tensor};

/// Target size of one chunk's im2col buffer plus its output (pre-activation and
/// activation): within a core's L2 cache, and large enough that each chunk's products are
/// hundreds of rows tall.
const CHUNK_BYTES: usize = 1 << 20;

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
        let row = self.patch_len() + 2 * self.filters;
        let image_bytes = (self.window.output_pixels() * row).max(1) * 4;
        let most = (CHUNK_BYTES / image_bytes).clamp(1, n.max(1));
        // Spread the images evenly over the fewest chunks of at most `most` images.
        let per = n.div_ceil(n.div_ceil(most).max(1)).max(1);
        (per, n.div_ceil(per))
    }

    /// Values [`conv2d_backward`]'s `partials` holds for a batch of `n` images: each
    /// chunk's kernel and bias gradients.
    pub fn partials_len(&self, n: usize) -> usize {
        match self.chunks(n).1 {
            0 | 1 => 0,
            chunks => chunks * (self.kernel_len() + self.filters),
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

/// The chunks of `s` (each `size` values), or `count` `None`s.
fn maybe_chunks_mut(
    s: Option<&mut [f32]>,
    size: usize,
    count: usize,
) -> impl IndexedParallelIterator<Item = Option<&mut [f32]>> {
    match s {
        Some(s) => Either::Left(s.par_chunks_mut(size.max(1)).map(Some)),
        None => Either::Right((0..count).into_par_iter().map(|_| None)),
    }
}

/// The chunks of `s` (each `size` values), or `count` `None`s.
fn maybe_chunks(
    s: Option<&[f32]>,
    size: usize,
    count: usize,
) -> impl IndexedParallelIterator<Item = Option<&[f32]>> {
    match s {
        Some(s) => Either::Left(s.par_chunks(size.max(1)).map(Some)),
        None => Either::Right((0..count).into_par_iter().map(|_| None)),
    }
}

/// `z = conv(x, kernel) + bias` and, unless `activation` is linear, `y = activation(z)`:
/// `z[img, oh, ow, f] = Σ_{i, j, c} x[img, ih, iw, c] · kernel[i, j, c, f] + bias[f]` with
/// `(ih, iw)` the source of tap `(i, j)` of output pixel `(oh, ow)` (zero in the padding).
/// `x` holds whole `[h, w, c_in]` images, `z` (and `y`) as many `[oh, ow, filters]` images;
/// softmax applies over the filters.
///
/// # Panics
/// When the lengths do not match the geometry, `bias` is not `filters` long, or `y` is
/// missing for a non-linear activation.
pub fn conv2d(
    x: &[f32],
    kernel: &[f32],
    bias: Option<&[f32]>,
    activation: Activation,
    g: &Conv2dGeometry,
    z: &mut [f32],
    y: Option<&mut [f32]>,
) {
    let n = g.batch(x, kernel, z);
    let (per, chunks) = g.chunks(n);
    let (patch, filters) = (g.patch_len(), g.filters);
    assert!(
        bias.is_none_or(|b| b.len() == filters),
        "conv2d: bias length"
    );
    let y = match (activation.is_linear(), y) {
        (true, _) => None,
        (false, Some(y)) => {
            assert_eq!(y.len(), z.len(), "conv2d: activation output length");
            Some(y)
        }
        (false, None) => panic!("conv2d: a non-linear activation needs an output buffer"),
    };
    x.par_chunks(per * g.input_len())
        .zip(z.par_chunks_mut(per * g.output_len()))
        .zip(maybe_chunks_mut(y, per * g.output_len(), chunks))
        .for_each(|((xc, zc), yc)| {
            let rows = zc.len() / filters;
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
                        zc,
                        0.0,
                    );
                });
            });
            match (bias, yc) {
                (Some(b), Some(yc)) => activation.forward_with_bias(zc, b, yc),
                (Some(b), None) => add_row_vector(zc, b),
                (None, Some(yc)) => activation.forward(zc, yc, filters),
                (None, None) => {}
            }
        });
}

/// The gradient with respect to a convolution's output, as [`conv2d_backward`] takes it.
#[derive(Debug)]
pub enum OutputGrad<'a> {
    /// `∂L/∂z`, the gradient with respect to `conv(x, kernel) + bias` (linear activation,
    /// or one whose derivative was applied already, as a fused softmax cross-entropy does).
    Linear(&'a [f32]),
    /// `∂L/∂y` for `y = activation(z)`: the derivative is applied chunk by chunk and
    /// `∂L/∂z` written to `delta`.
    Activated {
        /// `∂L/∂y`.
        dy: &'a [f32],
        /// The activation of the forward pass.
        activation: Activation,
        /// The forward pass's `z`.
        z: &'a [f32],
        /// The forward pass's `y`.
        y: &'a [f32],
        /// Receives `∂L/∂z`.
        delta: &'a mut [f32],
    },
}

/// The gradients [`conv2d_backward`] computes; each is overwritten.
#[derive(Debug)]
pub struct Conv2dGrads<'a> {
    /// `∂L/∂kernel`, `[kh, kw, c_in, filters]`.
    pub kernel: &'a mut [f32],
    /// `∂L/∂bias`, `[filters]`, if the convolution has a bias.
    pub bias: Option<&'a mut [f32]>,
    /// `∂L/∂x`, as long as `x`, if wanted.
    pub input: Option<&'a mut [f32]>,
}

/// The gradients of [`conv2d`] with `δ = ∂L/∂z` (from [`OutputGrad`]):
/// `∂L/∂kernel = Σ_img colᵀ·δ`, `∂L/∂bias = Σ_{img, pixel} δ` and
/// `∂L/∂x = col2im(δ·kernelᵀ)`.
///
/// `partials` holds each chunk's kernel and bias gradients before the fixed-order sum (see
/// the module docs); it is resized to [`Conv2dGeometry::partials_len`] and only grows.
///
/// # Panics
/// When the lengths do not match the geometry.
pub fn conv2d_backward(
    x: &[f32],
    kernel: &[f32],
    out_grad: OutputGrad<'_>,
    g: &Conv2dGeometry,
    grads: Conv2dGrads<'_>,
    partials: &mut Vec<f32>,
) {
    let (dy, activation, z, y, delta) = match out_grad {
        OutputGrad::Linear(dy) => (dy, None, None, None, None),
        OutputGrad::Activated {
            dy,
            activation,
            z,
            y,
            delta,
        } => {
            let same = z.len() == dy.len() && y.len() == dy.len() && delta.len() == dy.len();
            assert!(same, "conv2d: z, y and delta must be as long as dy");
            (dy, Some(activation), Some(z), Some(y), Some(delta))
        }
    };
    let n = g.batch(x, kernel, dy);
    let Conv2dGrads {
        kernel: kernel_grad,
        bias: bias_grad,
        input: input_grad,
    } = grads;
    let (patch, filters, kl) = (g.patch_len(), g.filters, g.kernel_len());
    assert_eq!(kernel_grad.len(), kl, "conv2d: kernel gradient length");
    let bias_ok = bias_grad.as_ref().is_none_or(|b| b.len() == filters);
    assert!(bias_ok, "conv2d: bias gradient length");
    let input_ok = input_grad.as_ref().is_none_or(|d| d.len() == x.len());
    assert!(input_ok, "conv2d: input gradient length");
    let (per, chunks) = g.chunks(n);
    // One chunk's share: δ from ∂L/∂y, the bias and kernel gradients (into `kg`, `bg`),
    // and ∂L/∂x.
    let task = |xc: &[f32],
                dyc: &[f32],
                act: Option<(&[f32], &[f32], &mut [f32])>,
                kg: &mut [f32],
                bg: Option<&mut [f32]>,
                dxc: Option<&mut [f32]>| {
        let delta: &[f32] = match (activation, act) {
            (Some(a), Some((zc, yc, dc))) => {
                dc.copy_from_slice(dyc);
                a.backward(zc, yc, dc, filters);
                dc
            }
            _ => dyc,
        };
        if let Some(bg) = bg {
            sum_columns_into(delta, bg);
        }
        let rows = delta.len() / filters;
        with_col(rows * patch, |col| {
            im2col(xc, g, col);
            in_chunk(chunks > 1, || {
                gemm(
                    patch,
                    rows,
                    filters,
                    col,
                    Transpose::Yes,
                    delta,
                    Transpose::No,
                    kg,
                    0.0,
                );
                if let Some(dxc) = dxc {
                    // The col buffer is free again: it receives ∂L/∂col.
                    gemm(
                        rows,
                        filters,
                        patch,
                        delta,
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
    if chunks <= 1 {
        // The whole batch is one chunk (or empty): it writes the gradients directly.
        partials.clear();
        let act = match (z, y, delta) {
            (Some(z), Some(y), Some(d)) => Some((z, y, d)),
            _ => None,
        };
        if n == 0 {
            kernel_grad.fill(0.0);
            if let Some(b) = bias_grad {
                b.fill(0.0);
            }
        } else {
            task(x, dy, act, kernel_grad, bias_grad, input_grad);
        }
        return;
    }
    let slot = kl + filters;
    partials.resize(chunks * slot, 0.0);
    let with_bias = bias_grad.is_some();
    let (out_len, in_len) = (per * g.output_len(), per * g.input_len());
    let acts = maybe_chunks(z, out_len, chunks)
        .zip(maybe_chunks(y, out_len, chunks))
        .zip(maybe_chunks_mut(delta, out_len, chunks))
        .map(|((z, y), d)| Some((z?, y?, d?)));
    x.par_chunks(in_len)
        .zip(dy.par_chunks(out_len))
        .zip(acts)
        .zip(partials.par_chunks_mut(slot))
        .zip(maybe_chunks_mut(input_grad, in_len, chunks))
        .for_each(|((((xc, dyc), act), part), dxc)| {
            let (kg, bg) = part.split_at_mut(kl);
            task(xc, dyc, act, kg, with_bias.then_some(bg), dxc);
        });
    // The fixed-order sum of the chunks' gradients.
    let mut parts = partials.chunks_exact(slot);
    let first = parts.next().expect("two chunks or more");
    kernel_grad.copy_from_slice(&first[..kl]);
    let mut bias_grad = bias_grad;
    if let Some(b) = bias_grad.as_deref_mut() {
        b.copy_from_slice(&first[kl..]);
    }
    for part in parts {
        add(kernel_grad, &part[..kl]);
        if let Some(b) = bias_grad.as_deref_mut() {
            add(b, &part[kl..]);
        }
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
            conv2d(&x, &k, None, Activation::Linear, &g, &mut y, None);
            let want = naive(&x, &k, &g);
            for (a, b) in y.iter().zip(&want) {
                assert!((*a as f64 - b).abs() < 1e-4 * (1.0 + b.abs()), "{g:?}");
            }
            // Bias and activation fused: z = conv + b, y = relu(z).
            let bias = random(&mut rng, g.filters());
            let (mut z, mut r) = (vec![f32::NAN; y.len()], vec![f32::NAN; y.len()]);
            conv2d(
                &x,
                &k,
                Some(&bias),
                Activation::Relu,
                &g,
                &mut z,
                Some(&mut r),
            );
            for (i, (want, (z, r))) in want.iter().zip(z.iter().zip(&r)).enumerate() {
                let zb = want + bias[i % g.filters()] as f64;
                assert!((*z as f64 - zb).abs() < 1e-4 * (1.0 + zb.abs()));
                assert_eq!(*r, z.max(0.0));
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
                    let mut bg = vec![f32::NAN; g.filters()];
                    let mut partials = Vec::new();
                    let grads = Conv2dGrads {
                        kernel: &mut kg,
                        bias: Some(&mut bg),
                        input: Some(&mut dx),
                    };
                    conv2d_backward(&x, &k, OutputGrad::Linear(&dy), &g, grads, &mut partials);
                    let mut kg_only = vec![f32::NAN; k.len()];
                    let grads = Conv2dGrads {
                        kernel: &mut kg_only,
                        bias: None,
                        input: None,
                    };
                    conv2d_backward(&x, &k, OutputGrad::Linear(&dy), &g, grads, &mut partials);
                    assert_eq!(kg, kg_only);
                    (kg, bg, dx)
                })
            };
            let (kg, bg, dx) = run(1);
            assert_eq!((kg.clone(), bg.clone(), dx.clone()), run(3), "{g:?}");
            for (f, b) in bg.iter().enumerate() {
                let want: f64 = dy
                    .iter()
                    .skip(f)
                    .step_by(g.filters())
                    .map(|&v| v as f64)
                    .sum();
                assert!((*b as f64 - want).abs() < 1e-4 * (1.0 + want.abs()));
            }
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

    /// `OutputGrad::Activated` applies the derivative itself: the same gradients as
    /// `OutputGrad::Linear` with `δ = dy ⊙ (1 − y²)` for tanh, and `delta` holds that δ.
    #[test]
    fn activated_output_gradients_apply_the_derivative() {
        let mut rng = Rng::new(3);
        for (n, g) in geometries() {
            let x = random(&mut rng, n * g.input_len());
            let k = random(&mut rng, g.kernel_len());
            let b = random(&mut rng, g.filters());
            let dy = random(&mut rng, n * g.output_len());
            let (mut z, mut y) = (vec![0.0; dy.len()], vec![0.0; dy.len()]);
            conv2d(&x, &k, Some(&b), Activation::Tanh, &g, &mut z, Some(&mut y));
            let mut delta = vec![f32::NAN; dy.len()];
            let (mut kg, mut bg, mut dx) =
                (vec![0.0; k.len()], vec![0.0; b.len()], vec![0.0; x.len()]);
            let out_grad = OutputGrad::Activated {
                dy: &dy,
                activation: Activation::Tanh,
                z: &z,
                y: &y,
                delta: &mut delta,
            };
            let grads = Conv2dGrads {
                kernel: &mut kg,
                bias: Some(&mut bg),
                input: Some(&mut dx),
            };
            conv2d_backward(&x, &k, out_grad, &g, grads, &mut Vec::new());
            let want: Vec<f32> = dy.iter().zip(&y).map(|(d, y)| d * (1.0 - y * y)).collect();
            assert_eq!(delta, want);
            let (mut kg2, mut bg2, mut dx2) =
                (vec![0.0; k.len()], vec![0.0; b.len()], vec![0.0; x.len()]);
            let grads = Conv2dGrads {
                kernel: &mut kg2,
                bias: Some(&mut bg2),
                input: Some(&mut dx2),
            };
            conv2d_backward(
                &x,
                &k,
                OutputGrad::Linear(&want),
                &g,
                grads,
                &mut Vec::new(),
            );
            assert_eq!((kg, bg, dx), (kg2, bg2, dx2));
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
