//! [`warp_affine`]: resamples an `H × W × C` image through an affine pull map, with SciPy
//! `ndimage`'s fill modes ([`FillMode`]) and interpolation orders 0 and 1
//! ([`Interpolation`]).
//!
//! # Design
//!
//! The map is a 2 × 3 matrix from output pixel `(row, col)` to the input position it samples
//! (pull, or inverse, mapping — `scipy.ndimage.affine_transform`'s `matrix` and `offset`).
//! Along an output row the input position advances by a constant step, so the interval of
//! columns whose bilinear taps all lie inside the image is found once per row, by solving
//! the two linear inequalities and then checking its ends with the exact per-pixel
//! arithmetic. That interior runs a branch-free loop (monomorphised for 1, 3 and 4
//! channels); only the columns outside it go through the fill-mode logic. Nothing is
//! allocated.
//!
//! # Boundary semantics (SciPy ≥ 1.6 for orders 0 and 1)
//!
//! Each axis is treated on its own. A position `p` on an axis of `n` samples is first
//! mapped into the image:
//!
//! - [`FillMode::Constant`]: `p < 0` or `p > n − 1` on either axis gives `cval`; no
//!   interpolation across the edge (a position 0.5 px outside is `cval`, not a blend).
//! - [`FillMode::Nearest`]: `p` is clamped to `[0, n − 1]`.
//! - [`FillMode::Reflect`]: half-sample symmetric extension `d c b a | a b c d | d c b a`,
//!   period `2n`.
//! - [`FillMode::Wrap`]: SciPy's legacy `wrap`, period `n − 1`: positions below 0 map to
//!   `n − 1 − ((−p) mod (n − 1))`, positions above `n − 1` to `p mod (n − 1)`, so the first
//!   and last samples coincide (`1 2 3 4 5` shifted right by 3 px is `2 3 4 1 2`).
//!
//! Then order 0 takes sample `⌊p + ½⌋` and order 1 blends samples `⌊p⌋` and `⌊p⌋ + 1` with
//! weights `1 − t` and `t`, `t = p − ⌊p⌋` (bilinear over both axes); a tap that falls
//! outside (only the second one, with weight 0, or a reflected tap) is mapped by the mode.
//! A position that is not a finite number (only with absurd matrices) gives `cval`.

use serde::{Deserialize, Serialize};

use crate::Error;

/// How positions outside the image are sampled, as `scipy.ndimage` (and Keras's
/// `ImageDataGenerator`) name them; the default is Keras's `nearest`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FillMode {
    /// Outside the image the value is `cval`.
    Constant,
    /// The nearest edge pixel (`a a a | a b c d | d d d`).
    #[default]
    Nearest,
    /// Half-sample symmetric reflection (`d c b a | a b c d | d c b a`).
    Reflect,
    /// SciPy's legacy wrap with period `n − 1` (first and last samples overlap).
    Wrap,
}

/// The interpolation order: 0 (nearest neighbour) or 1 (bilinear). Serialized as Keras's
/// `interpolation_order` integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Interpolation {
    /// Order 0: the sample nearest to the position (`⌊p + ½⌋`).
    Nearest,
    /// Order 1: bilinear interpolation of the four surrounding samples.
    #[default]
    Bilinear,
}

impl TryFrom<u8> for Interpolation {
    type Error = Error;

    /// `0` → [`Interpolation::Nearest`], `1` → [`Interpolation::Bilinear`].
    ///
    /// # Errors
    /// [`Error::Invalid`] for any other order (SciPy's spline orders 2 to 5 are not
    /// supported).
    fn try_from(order: u8) -> Result<Self, Error> {
        match order {
            0 => Ok(Interpolation::Nearest),
            1 => Ok(Interpolation::Bilinear),
            _ => Err(Error::Invalid {
                what: "interpolation_order",
                value: order.to_string(),
                expected: "0 (nearest) or 1 (bilinear); spline orders above 1 are not \
                           supported"
                    .into(),
            }),
        }
    }
}

impl From<Interpolation> for u8 {
    fn from(i: Interpolation) -> u8 {
        match i {
            Interpolation::Nearest => 0,
            Interpolation::Bilinear => 1,
        }
    }
}

/// An affine pull map with its boundary handling: output pixel `(r, c)` takes the input at
/// row `m[0][0]·r + m[0][1]·c + m[0][2]` and column `m[1][0]·r + m[1][1]·c + m[1][2]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AffineWarp {
    /// The 2 × 3 matrix `[[∂row/∂r, ∂row/∂c, row₀], [∂col/∂r, ∂col/∂c, col₀]]`.
    pub matrix: [[f64; 3]; 2],
    /// Sampling outside the image.
    pub fill: FillMode,
    /// The value outside the image with [`FillMode::Constant`] (and for non-finite
    /// positions).
    pub cval: f32,
    /// Order 0 or 1.
    pub interpolation: Interpolation,
}

/// Resamples `src` (an `H × W × C` image, row-major, channels last) into `dst` (the same
/// shape) through `warp`; `shape = [H, W, C]`. Single-threaded; parallelise over images.
///
/// ```
/// use gradus_tensor::ops::{AffineWarp, FillMode, Interpolation, warp_affine};
/// // 1 × 5 image, shifted right by 3 px: output column c samples input column c − 3.
/// let src = [1.0, 2.0, 3.0, 4.0, 5.0];
/// let mut dst = [0.0; 5];
/// let mut warp = AffineWarp {
///     matrix: [[1.0, 0.0, 0.0], [0.0, 1.0, -3.0]],
///     fill: FillMode::Wrap,
///     cval: 0.0,
///     interpolation: Interpolation::Nearest,
/// };
/// warp_affine(&src, &mut dst, [1, 5, 1], &warp);
/// assert_eq!(dst, [2.0, 3.0, 4.0, 1.0, 2.0]);
/// warp.fill = FillMode::Reflect;
/// warp_affine(&src, &mut dst, [1, 5, 1], &warp);
/// assert_eq!(dst, [3.0, 2.0, 1.0, 1.0, 2.0]);
/// warp.matrix[1][2] = -3.5; // bilinear, constant: no blending across the edge
/// warp.fill = FillMode::Constant;
/// warp.interpolation = Interpolation::Bilinear;
/// warp_affine(&src, &mut dst, [1, 5, 1], &warp);
/// assert_eq!(dst, [0.0, 0.0, 0.0, 0.0, 1.5]);
/// ```
///
/// # Panics
/// When `src` or `dst` does not hold `H·W·C` values (the caller's contract).
pub fn warp_affine(src: &[f32], dst: &mut [f32], shape: [usize; 3], warp: &AffineWarp) {
    let [h, w, ch] = shape;
    let len = h.checked_mul(w).and_then(|n| n.checked_mul(ch));
    assert!(
        len == Some(src.len()) && len == Some(dst.len()),
        "warp_affine: image of shape {shape:?} with buffers of {} and {} values",
        src.len(),
        dst.len()
    );
    if dst.is_empty() {
        return;
    }
    let image = Image { src, w, ch };
    let rows = Axis::new(h, warp.fill);
    let cols = Axis::new(w, warp.fill);
    let m = &warp.matrix;
    for (r, out) in dst.chunks_exact_mut(w * ch).enumerate() {
        let row0 = m[0][0] * r as f64 + m[0][2];
        let col0 = m[1][0] * r as f64 + m[1][2];
        let line = Line {
            row0,
            col0,
            drow: m[0][1],
            dcol: m[1][1],
        };
        // Columns whose taps all lie inside: 0 ≤ row < h − 1 and 0 ≤ col < w − 1.
        let inner = if h >= 2 && w >= 2 {
            let (a, b) = interval(row0, line.drow, (h - 1) as f64, w);
            let (c, d) = interval(col0, line.dcol, (w - 1) as f64, w);
            (a.max(c), b.min(d))
        } else {
            (0, 0)
        };
        let (start, end) = if inner.0 < inner.1 { inner } else { (0, 0) };
        for c in (0..start).chain(end..w) {
            let (pr, pc) = line.at(c as i64 as f64);
            let px = &mut out[c * ch..(c + 1) * ch];
            sample_edge(&image, &rows, &cols, warp, pr, pc, px);
        }
        if start < end {
            let out = &mut out[start * ch..end * ch];
            match (warp.interpolation, ch) {
                (Interpolation::Bilinear, 1) => bilinear::<1>(&image, &line, start, out),
                (Interpolation::Bilinear, 3) => bilinear::<3>(&image, &line, start, out),
                (Interpolation::Bilinear, 4) => bilinear::<4>(&image, &line, start, out),
                (Interpolation::Bilinear, _) => bilinear_any(&image, &line, start, out),
                (Interpolation::Nearest, _) => nearest(&image, &line, start, out),
            }
        }
    }
}

/// The input image.
struct Image<'a> {
    src: &'a [f32],
    w: usize,
    ch: usize,
}

/// The input positions along one output row: `(row0 + drow·c, col0 + dcol·c)`.
struct Line {
    row0: f64,
    col0: f64,
    drow: f64,
    dcol: f64,
}

impl Line {
    /// The input position of output column `c` (as `f64`; columns are below 2⁵³, so the
    /// value is exact, and a running `f64` counter gives the same positions).
    #[inline(always)]
    fn at(&self, c: f64) -> (f64, f64) {
        (self.row0 + self.drow * c, self.col0 + self.dcol * c)
    }
}

/// The columns `c` in `0..n` with `0 ≤ base + step·c < hi`, as a half-open range (empty
/// when `start ≥ end`). Positions are monotone in `c`, so the set is an interval; it is
/// estimated by solving the inequalities and its ends then checked with the exact
/// arithmetic of [`Line::at`], shrinking it where rounding disagrees.
fn interval(base: f64, step: f64, hi: f64, n: usize) -> (usize, usize) {
    let inside = |c: usize| {
        let p = base + step * (c as i64 as f64);
        (0.0..hi).contains(&p)
    };
    let (mut start, mut end) = if step == 0.0 {
        if inside(0) { (0, n) } else { (0, 0) }
    } else {
        let (a, b) = ((0.0 - base) / step, (hi - base) / step);
        let (lo, up) = if step > 0.0 { (a, b) } else { (b, a) };
        // Columns strictly inside (lo, up) plus the rounding margin checked below.
        let clamp = |t: f64| {
            if t.is_nan() {
                0
            } else {
                t.clamp(0.0, n as f64) as usize
            }
        };
        (clamp(lo.ceil() - 1.0), clamp(up.floor() + 2.0))
    };
    while start < end && !inside(start) {
        start += 1;
    }
    while end > start && !inside(end - 1) {
        end -= 1;
    }
    (start, end)
}

/// The interior, order 1, `C` channels: all four taps are inside the image.
#[inline(always)]
fn bilinear<const C: usize>(im: &Image, line: &Line, start: usize, out: &mut [f32]) {
    let stride = im.w * C;
    let mut c = start as i64 as f64;
    for px in out.chunks_exact_mut(C) {
        let (pr, pc) = line.at(c);
        c += 1.0;
        // Inside, positions are ≥ 0: truncation is the floor (and needs no libm call).
        let (ir, ic) = (pr as i64 as usize, pc as i64 as usize);
        let (tr, tc) = ((pr - ir as f64) as f32, (pc - ic as f64) as f32);
        let p00 = (ir * im.w + ic) * C;
        let top = &im.src[p00..p00 + 2 * C];
        let bottom = &im.src[p00 + stride..p00 + stride + 2 * C];
        for i in 0..C {
            let t = top[i] + tc * (top[C + i] - top[i]);
            let b = bottom[i] + tc * (bottom[C + i] - bottom[i]);
            px[i] = t + tr * (b - t);
        }
    }
}

/// The interior, order 1, any channel count.
fn bilinear_any(im: &Image, line: &Line, start: usize, out: &mut [f32]) {
    let ch = im.ch;
    let stride = im.w * ch;
    let mut c = start as i64 as f64;
    for px in out.chunks_exact_mut(ch) {
        let (pr, pc) = line.at(c);
        c += 1.0;
        // Inside, positions are ≥ 0: truncation is the floor (and needs no libm call).
        let (ir, ic) = (pr as i64 as usize, pc as i64 as usize);
        let (tr, tc) = ((pr - ir as f64) as f32, (pc - ic as f64) as f32);
        let p00 = (ir * im.w + ic) * ch;
        let top = &im.src[p00..p00 + 2 * ch];
        let bottom = &im.src[p00 + stride..p00 + stride + 2 * ch];
        for (i, v) in px.iter_mut().enumerate() {
            let t = top[i] + tc * (top[ch + i] - top[i]);
            let b = bottom[i] + tc * (bottom[ch + i] - bottom[i]);
            *v = t + tr * (b - t);
        }
    }
}

/// The interior, order 0: the sample at `⌊p + ½⌋` (inside, since `0 ≤ p < n − 1`).
fn nearest(im: &Image, line: &Line, start: usize, out: &mut [f32]) {
    let ch = im.ch;
    let mut c = start as i64 as f64;
    for px in out.chunks_exact_mut(ch) {
        let (pr, pc) = line.at(c);
        c += 1.0;
        let (ir, ic) = ((pr + 0.5) as i64 as usize, (pc + 0.5) as i64 as usize);
        let p = (ir * im.w + ic) * ch;
        px.copy_from_slice(&im.src[p..p + ch]);
    }
}

/// One axis of the input: its length and fill mode.
struct Axis {
    n: usize,
    fill: FillMode,
}

impl Axis {
    fn new(n: usize, fill: FillMode) -> Axis {
        Axis { n, fill }
    }

    /// The position `p` mapped into the image as SciPy does before interpolating, or
    /// `None` when the pixel takes `cval` (constant mode outside, or `p` not finite). The
    /// result lies in `[−1, n]` (reflect) or `[0, n − 1]` (the other modes).
    fn map(&self, p: f64) -> Option<f64> {
        if !p.is_finite() {
            return None;
        }
        let last = (self.n - 1) as f64;
        if (0.0..=last).contains(&p) {
            return Some(p);
        }
        match self.fill {
            FillMode::Constant => None,
            FillMode::Nearest => Some(p.clamp(0.0, last)),
            _ if self.n == 1 => Some(0.0),
            FillMode::Reflect => {
                let period = 2.0 * self.n as f64;
                let n = self.n as f64;
                Some(if p < 0.0 {
                    let p = if p < -period { -((-p) % period) } else { p };
                    if p < -n { p + period } else { -p - 1.0 }
                } else {
                    let p = p % period;
                    if p >= n { period - p - 1.0 } else { p }
                })
            }
            FillMode::Wrap => {
                // Period n − 1: below 0 lands in (0, n − 1], above n − 1 in [0, n − 1).
                Some(if p < 0.0 {
                    last - (-p) % last
                } else {
                    p % last
                })
            }
        }
    }

    /// Sample index `i` (at most one step outside after [`Axis::map`]) mapped into
    /// `0..n`: reflected for [`FillMode::Reflect`], clamped otherwise.
    fn tap(&self, i: i64) -> usize {
        let n = self.n as i64;
        let i = match self.fill {
            FillMode::Reflect if i < 0 => -i - 1,
            FillMode::Reflect if i >= n => 2 * n - 1 - i,
            _ => i,
        };
        i.clamp(0, n - 1) as usize
    }
}

/// `⌊p⌋` for a mapped position (within `[−1, n]`, so it fits `i64`) without a libm call
/// (baseline x86-64 has no rounding instruction).
#[inline(always)]
fn floor(p: f64) -> i64 {
    let t = p as i64;
    if t as f64 > p { t - 1 } else { t }
}

/// One output pixel outside the interior, with the fill-mode mapping of both axes.
fn sample_edge(
    im: &Image,
    rows: &Axis,
    cols: &Axis,
    warp: &AffineWarp,
    pr: f64,
    pc: f64,
    px: &mut [f32],
) {
    let (Some(pr), Some(pc)) = (rows.map(pr), cols.map(pc)) else {
        px.fill(warp.cval);
        return;
    };
    let ch = im.ch;
    let at = |r: usize, c: usize| (r * im.w + c) * ch;
    let pixel = |r: usize, c: usize| &im.src[at(r, c)..at(r, c) + ch];
    match warp.interpolation {
        Interpolation::Nearest => {
            let r = rows.tap(floor(pr + 0.5));
            let c = cols.tap(floor(pc + 0.5));
            px.copy_from_slice(pixel(r, c));
        }
        Interpolation::Bilinear => {
            let (fr, fc) = (floor(pr), floor(pc));
            let (tr, tc) = ((pr - fr as f64) as f32, (pc - fc as f64) as f32);
            let (r0, r1) = (rows.tap(fr), rows.tap(fr + 1));
            let (c0, c1) = (cols.tap(fc), cols.tap(fc + 1));
            let (a, b, c, d) = (pixel(r0, c0), pixel(r0, c1), pixel(r1, c0), pixel(r1, c1));
            for ((((v, a), b), c), d) in px.iter_mut().zip(a).zip(b).zip(c).zip(d) {
                let t = a + tc * (b - a);
                let u = c + tc * (d - c);
                *v = t + tr * (u - t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;

    fn warp(matrix: [[f64; 3]; 2], fill: FillMode, order: Interpolation) -> AffineWarp {
        AffineWarp {
            matrix,
            fill,
            cval: -9.0,
            interpolation: order,
        }
    }

    /// `1 2 3 4 5` sampled at column `c + offset`.
    fn ramp(offset: f64, fill: FillMode, order: Interpolation) -> Vec<f32> {
        let src = [1.0, 2.0, 3.0, 4.0, 5.0];
        let mut dst = [0.0; 5];
        let m = [[1.0, 0.0, 0.0], [0.0, 1.0, offset]];
        warp_affine(&src, &mut dst, [1, 5, 1], &warp(m, fill, order));
        dst.to_vec()
    }

    #[test]
    fn fill_modes_on_a_ramp_match_scipy() {
        use FillMode::*;
        use Interpolation::{Bilinear, Nearest as Order0};
        // From scipy.ndimage.affine_transform 1.17.1 (bench/keras_goldens/augment.py
        // checks the same conventions on 2-D images).
        let cases: [(FillMode, f64, [f32; 5]); 16] = [
            (Constant, -0.5, [-9.0, 1.5, 2.5, 3.5, 4.5]),
            (Constant, 0.25, [1.25, 2.25, 3.25, 4.25, -9.0]),
            (Constant, -1.5, [-9.0, -9.0, 1.5, 2.5, 3.5]),
            (Constant, 3.5, [4.5, -9.0, -9.0, -9.0, -9.0]),
            (Nearest, -1.5, [1.0, 1.0, 1.5, 2.5, 3.5]),
            (Nearest, 3.5, [4.5, 5.0, 5.0, 5.0, 5.0]),
            (Reflect, -1.5, [1.5, 1.0, 1.5, 2.5, 3.5]),
            (Reflect, 3.5, [4.5, 5.0, 4.5, 3.5, 2.5]),
            (Reflect, -6.3, [4.7, 5.0, 4.3, 3.3, 2.3]),
            (Reflect, 9.7, [1.0, 1.7, 2.7, 3.7, 4.7]),
            (Reflect, -0.25, [1.0, 1.75, 2.75, 3.75, 4.75]),
            (Wrap, -0.5, [4.5, 1.5, 2.5, 3.5, 4.5]),
            (Wrap, 0.25, [1.25, 2.25, 3.25, 4.25, 1.25]),
            (Wrap, -1.5, [3.5, 4.5, 1.5, 2.5, 3.5]),
            (Wrap, -6.3, [2.7, 3.7, 4.7, 1.7, 2.7]),
            (Wrap, 9.7, [2.7, 3.7, 4.7, 1.7, 2.7]),
        ];
        for (fill, offset, want) in cases {
            let got = ramp(offset, fill, Bilinear);
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (g - w).abs() < 1e-5,
                    "{fill:?} {offset}: {got:?} vs {want:?}"
                );
            }
        }
        // Order 0, shift right by 3 (the reference's table).
        assert_eq!(ramp(-3.0, Constant, Order0), [-9.0, -9.0, -9.0, 1.0, 2.0]);
        assert_eq!(ramp(-3.0, Nearest, Order0), [1.0, 1.0, 1.0, 1.0, 2.0]);
        assert_eq!(ramp(-3.0, Reflect, Order0), [3.0, 2.0, 1.0, 1.0, 2.0]);
        assert_eq!(ramp(-3.0, Wrap, Order0), [2.0, 3.0, 4.0, 1.0, 2.0]);
        // Exact multiples of the period and ties of order 0, both orders (SciPy 1.17.1):
        // below 0 a multiple of the wrap period lands on n − 1, above n − 1 on 0.
        let exact: [(FillMode, f64, [f32; 5]); 8] = [
            (Wrap, -4.0, [5.0, 2.0, 3.0, 4.0, 1.0]),
            (Wrap, -8.0, [5.0, 2.0, 3.0, 4.0, 5.0]),
            (Wrap, 8.0, [1.0, 2.0, 3.0, 4.0, 1.0]),
            (Wrap, 10.0, [3.0, 4.0, 1.0, 2.0, 3.0]),
            (Reflect, -8.0, [3.0, 4.0, 5.0, 5.0, 4.0]),
            (Reflect, 8.0, [2.0, 1.0, 1.0, 2.0, 3.0]),
            (Reflect, -10.0, [1.0, 2.0, 3.0, 4.0, 5.0]),
            (Reflect, -5.0, [5.0, 4.0, 3.0, 2.0, 1.0]),
        ];
        for (fill, offset, want) in exact {
            assert_eq!(ramp(offset, fill, Order0), want, "{fill:?} {offset}");
            assert_eq!(ramp(offset, fill, Bilinear), want, "{fill:?} {offset}");
        }
        assert_eq!(ramp(-1.5, Reflect, Order0), [2.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ramp(2.5, Reflect, Order0), [4.0, 5.0, 5.0, 5.0, 4.0]);
        assert_eq!(ramp(-0.5, Wrap, Order0), [5.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ramp(4.5, Wrap, Order0), [2.0, 3.0, 4.0, 5.0, 2.0]);
    }

    #[test]
    fn identity_copies_and_quarter_turn_rotates_exactly() {
        let src: Vec<f32> = (0..5 * 5 * 3).map(|v| v as f32).collect();
        let mut dst = vec![0.0; src.len()];
        for order in [Interpolation::Nearest, Interpolation::Bilinear] {
            let id = warp(
                [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                FillMode::Constant,
                order,
            );
            warp_affine(&src, &mut dst, [5, 5, 3], &id);
            assert_eq!(dst, src);
            // out(r, c) = in(c, 4 − r): a quarter turn.
            let q = warp(
                [[0.0, 1.0, 0.0], [-1.0, 0.0, 4.0]],
                FillMode::Constant,
                order,
            );
            warp_affine(&src, &mut dst, [5, 5, 3], &q);
            for r in 0..5 {
                for c in 0..5 {
                    for k in 0..3 {
                        assert_eq!(dst[(r * 5 + c) * 3 + k], src[(c * 5 + 4 - r) * 3 + k]);
                    }
                }
            }
        }
    }

    /// Every pixel through the edge path: what the interior loops must reproduce.
    fn reference(src: &[f32], shape: [usize; 3], w: &AffineWarp) -> Vec<f32> {
        let [h, wd, ch] = shape;
        let im = Image { src, w: wd, ch };
        let (rows, cols) = (Axis::new(h, w.fill), Axis::new(wd, w.fill));
        let mut out = vec![0.0; src.len()];
        for r in 0..h {
            for c in 0..wd {
                let pr = w.matrix[0][0] * r as f64 + w.matrix[0][2] + w.matrix[0][1] * c as f64;
                let pc = w.matrix[1][0] * r as f64 + w.matrix[1][2] + w.matrix[1][1] * c as f64;
                let px = &mut out[(r * wd + c) * ch..(r * wd + c + 1) * ch];
                sample_edge(&im, &rows, &cols, w, pr, pc, px);
            }
        }
        out
    }

    #[test]
    fn interior_loops_agree_with_the_edge_path() {
        let mut rng = Rng::new(4);
        let fills = [
            FillMode::Constant,
            FillMode::Nearest,
            FillMode::Reflect,
            FillMode::Wrap,
        ];
        for case in 0..400 {
            let shape = [
                1 + rng.below(9),
                1 + rng.below(9),
                [1, 2, 3, 4, 5][rng.below(5)],
            ];
            let len = shape.iter().product();
            let src: Vec<f32> = (0..len).map(|_| rng.uniform_f32()).collect();
            let mut m = [[0.0; 3]; 2];
            for v in m.iter_mut().flatten() {
                *v = rng.uniform_range(-2.0, 2.0);
            }
            m[0][2] *= 4.0;
            m[1][2] *= 4.0;
            if case % 4 == 0 {
                m = [[1.0, 0.0, m[0][2]], [0.0, 1.0, m[1][2]]];
            }
            let order = if case % 3 == 0 {
                Interpolation::Nearest
            } else {
                Interpolation::Bilinear
            };
            let w = warp(m, fills[case % 4], order);
            let mut dst = vec![0.0; len];
            warp_affine(&src, &mut dst, shape, &w);
            let want = reference(&src, shape, &w);
            for (g, r) in dst.iter().zip(&want) {
                assert!((g - r).abs() < 1e-5, "case {case}: {g} vs {r} ({w:?})");
            }
        }
    }

    #[test]
    fn absurd_matrices_and_tiny_images_do_not_panic() {
        let src = [1.0f32, 2.0, 3.0];
        for v in [f64::NAN, f64::INFINITY, -1e300, 1e300, 0.0, -0.0, 1e-300] {
            for fill in [
                FillMode::Constant,
                FillMode::Nearest,
                FillMode::Reflect,
                FillMode::Wrap,
            ] {
                for order in [Interpolation::Nearest, Interpolation::Bilinear] {
                    for shape in [[1, 3, 1], [3, 1, 1], [1, 1, 3]] {
                        let m = [[v, 1.0, v], [1.0, v, -v]];
                        let mut dst = [0.0; 3];
                        warp_affine(&src, &mut dst, shape, &warp(m, fill, order));
                        assert!(dst.iter().all(|d| *d == -9.0 || (1.0..=3.0).contains(d)));
                    }
                }
            }
        }
        warp_affine(
            &[],
            &mut [],
            [0, 4, 3],
            &warp([[1.0; 3]; 2], FillMode::Wrap, Interpolation::Bilinear),
        );
    }

    #[test]
    fn interpolation_order_serializes_as_keras_integer() {
        let i: Interpolation = serde_json::from_str("0").unwrap();
        assert_eq!(i, Interpolation::Nearest);
        assert_eq!(
            serde_json::to_string(&Interpolation::Bilinear).unwrap(),
            "1"
        );
        let e = serde_json::from_str::<Interpolation>("3")
            .unwrap_err()
            .to_string();
        assert!(e.contains("interpolation_order = 3"), "{e}");
        let f: FillMode = serde_json::from_str("\"reflect\"").unwrap();
        assert_eq!(f, FillMode::Reflect);
    }
}
