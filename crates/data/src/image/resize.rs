//! Pillow's `Image.resize(size, resample, box)` on 8-bit interleaved pixels, bit for bit, and
//! Keras's aspect-ratio crop box.
//!
//! # Why not the `image` crate's resize
//!
//! Keras resizes with Pillow, and a model trained on gradus should see the pixels a Keras
//! model sees. The `image` crate's `resize` computes the same filters but differently:
//! nearest takes `⌊(x + ½)·ratio⌋` in `f32` where Pillow accumulates `x₀ + ratio/2 + k·ratio`
//! in `f64` (the two disagree on pixels whose source coordinate is within rounding of an
//! integer), its bilinear filter runs vertically then horizontally in `f32` where Pillow
//! chooses the order by the sizes and runs each pass in 22-bit fixed point with the
//! intermediate rounded to 8 bits (±1 on some pixels), it ignores the pixels outside a crop
//! box that Pillow's filter reaches, and it does not premultiply alpha. So this file
//! transcribes Pillow 13's arithmetic (`libImaging/Resample.c`: `precompute_coeffs`, the
//! 8-bit passes and `ImagingResampleInner`'s pass order; `Geometry.c`:
//! `ImagingScaleAffine`; `_imaging.c`: the crop shortcut), and `bench/image_goldens/` checks
//! it against Pillow exactly. Pillow before 13 always ran the horizontal pass first, so
//! with an older Pillow a Keras bilinear shrink may differ by ±1 on some pixels.
//!
//! Measured on the golden cases (a 13 × 9 RGB image resized to nine sizes, no crop box): the
//! `image` crate's nearest gives Pillow's pixels, its triangle filter differs by 1 on 165 of
//! 1878 values (9 %) in 5 of the 9 cases.
//!
//! The work is on the decoded 8-bit image, before it becomes a tensor, so it lives here with
//! the decoder rather than in `gradus_tensor::ops`, which holds the training math.

use super::{ColorMode, Image, Interpolation};
use crate::{Error, Result};

/// A source region `(x0, y0, x1, y1)` in pixels, end-exclusive. Pillow stores it as `f32`.
pub(crate) type CropBox = [f32; 4];

/// Fixed-point precision of Pillow's 8-bit resampling: 32 bits less 8 for the value and 2
/// for overflow.
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// Keras's `keep_aspect_ratio` crop of a `width × height` image for a `target_w × target_h`
/// target: the largest centred box with the target's aspect ratio (in whole pixels).
pub(crate) fn aspect_crop(
    width: usize,
    height: usize,
    target_w: usize,
    target_h: usize,
) -> CropBox {
    // Keras: crop_height = (width * target_height) // target_width, clipped to height; the
    // products fit easily in u128 whatever the sizes.
    let (w, h, tw, th) = (
        width as u128,
        height as u128,
        target_w as u128,
        target_h as u128,
    );
    let crop_h = (w * th / tw).min(h);
    let crop_w = (h * tw / th).min(w);
    let y0 = (h - crop_h) / 2;
    let x0 = (w - crop_w) / 2;
    [
        x0 as f32,
        y0 as f32,
        (x0 + crop_w) as f32,
        (y0 + crop_h) as f32,
    ]
}

/// Resizes `img` to `width × height` from the region `crop` (the whole image when `None`)
/// with `filter`, as Pillow's `Image.resize` does.
///
/// # Errors
/// [`Error::TooLarge`] when a buffer of the result cannot be reserved.
pub(crate) fn resize(
    img: &Image,
    width: usize,
    height: usize,
    filter: Interpolation,
    crop: Option<CropBox>,
) -> Result<Image> {
    let whole = [0.0, 0.0, img.width() as f32, img.height() as f32];
    let crop = crop.unwrap_or(whole);
    if (width, height) == (img.width(), img.height()) && crop == whole {
        return Ok(img.clone());
    }
    // Pillow resamples RGBA (except with nearest) with premultiplied alpha, so that
    // transparent pixels do not bleed their colour into the result; the round trip through
    // premultiplication applies even where the resample is a plain crop.
    if filter == Interpolation::Bilinear && img.color_mode() == ColorMode::Rgba {
        let mut pre = img.pixels().to_vec();
        pre.chunks_exact_mut(4).for_each(premultiply);
        let pre = Image::new(img.width(), img.height(), ColorMode::Rgba, pre)?;
        let mut out = resample(&pre, width, height, filter, crop)?.into_pixels();
        out.chunks_exact_mut(4).for_each(unpremultiply);
        return Image::new(width, height, ColorMode::Rgba, out);
    }
    resample(img, width, height, filter, crop)
}

/// Pillow's C `resize`: a crop when the box is whole pixels of the output's size, else the
/// filter.
fn resample(
    img: &Image,
    width: usize,
    height: usize,
    filter: Interpolation,
    crop: CropBox,
) -> Result<Image> {
    let c = img.channels();
    let pixels = if crop.iter().all(|v| v.fract() == 0.0)
        && crop[2] - crop[0] == width as f32
        && crop[3] - crop[1] == height as f32
    {
        let (x0, y0) = (crop[0] as usize, crop[1] as usize);
        let mut pixels = buffer(width * height * c, || format!("a {width} × {height} crop"))?;
        for (dst, y) in pixels.chunks_exact_mut(width * c).zip(y0..) {
            let at = (y * img.width() + x0) * c;
            dst.copy_from_slice(&img.pixels()[at..at + width * c]);
        }
        pixels
    } else {
        match filter {
            Interpolation::Nearest => nearest(img, width, height, crop)?,
            Interpolation::Bilinear => bilinear(img, width, height, crop)?,
        }
    };
    Image::new(width, height, img.color_mode(), pixels)
}

/// A zeroed buffer of `len` bytes, reserved fallibly.
fn buffer(len: usize, what: impl FnOnce() -> String) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::TooLarge {
        what: what(),
        fix: "use a smaller target_size".to_owned(),
    })?;
    v.resize(len, 0);
    Ok(v)
}

/// Pillow's `ImagingScaleAffine`: the source coordinate of output pixel `k` is accumulated
/// as `box₀ + scale/2 + k·scale` in `f64` and truncated; pixels whose source falls outside
/// the image stay 0 (they cannot, for a box inside the image).
fn nearest(img: &Image, width: usize, height: usize, crop: CropBox) -> Result<Vec<u8>> {
    let c = img.channels();
    let xs = nearest_table(crop[0], crop[2], width, img.width());
    let ys = nearest_table(crop[1], crop[3], height, img.height());
    let mut out = buffer(width * height * c, || {
        format!("a {width} × {height} resized image")
    })?;
    let src = img.pixels();
    let row_len = img.width() * c;
    for (dst_row, y) in out.chunks_exact_mut(width * c).zip(ys) {
        let Some(y) = y else { continue };
        let src_row = &src[y * row_len..(y + 1) * row_len];
        for (dst, x) in dst_row.chunks_exact_mut(c).zip(&xs) {
            if let Some(x) = x {
                dst.copy_from_slice(&src_row[x * c..(x + 1) * c]);
            }
        }
    }
    Ok(out)
}

/// The source index of each of `out` output positions for the box side `lo..hi` of an
/// input of `size` pixels, as Pillow accumulates it.
fn nearest_table(lo: f32, hi: f32, out: usize, size: usize) -> Vec<Option<usize>> {
    let scale = f64::from(hi - lo) / out as f64;
    let mut at = f64::from(lo) + scale * 0.5;
    let mut table = Vec::with_capacity(out);
    for _ in 0..out {
        // C's `(int)v` for v ≥ 0, and -1 (outside) for v < 0.
        let i = (at >= 0.0).then_some(at as usize).filter(|&i| i < size);
        table.push(i);
        at += scale;
    }
    table
}

/// One output position's filter: the first input pixel and the fixed-point weights of it and
/// the pixels after it.
struct Taps {
    first: usize,
    weights: Vec<i32>,
}

/// Pillow's `precompute_coeffs` for the triangle filter (support 1) followed by
/// `normalize_coeffs_8bpc`: for output `k`, centre `c = lo + (k + ½)·scale`, the input
/// pixels `⌊c − s + ½⌋ .. ⌊c + s + ½⌋` (clipped to the image) with `s = max(scale, 1)`,
/// weighted by `max(0, 1 − |(i − c + ½)/s|)`, normalised, and rounded to 22-bit fixed point.
fn bilinear_taps(lo: f32, hi: f32, out: usize, size: usize) -> Vec<Taps> {
    let scale = f64::from(hi - lo) / out as f64;
    let filter_scale = scale.max(1.0);
    let support = filter_scale;
    let inv = 1.0 / filter_scale;
    (0..out)
        .map(|k| {
            let center = f64::from(lo) + (k as f64 + 0.5) * scale;
            // C's `(int)` truncates toward zero; a negative start is clipped to 0 anyway.
            let first = (center - support + 0.5).max(0.0) as usize;
            let end = ((center + support + 0.5) as usize).min(size);
            let raw: Vec<f64> = (first..end.max(first))
                .map(|i| {
                    let x = ((i as f64 - center + 0.5) * inv).abs();
                    if x < 1.0 { 1.0 - x } else { 0.0 }
                })
                .collect();
            let total: f64 = raw.iter().sum();
            let unit = f64::from(1u32 << PRECISION_BITS);
            let weights = raw
                .iter()
                .map(|&w| {
                    let w = if total != 0.0 { w / total } else { w };
                    // Non-negative here; Pillow rounds half away from zero.
                    (0.5 + w * unit) as i32
                })
                .collect();
            Taps { first, weights }
        })
        .collect()
}

/// The largest shrink factor of a bilinear side: its sums stay below 2³¹ (at most
/// 255 · (2²² + 2²⁰ + 2) + 2²¹).
const MAX_SHRINK: f64 = (1u64 << 20) as f64;

/// ½ in the fixed point, the rounding term every sum starts from.
const HALF: i32 = 1 << (PRECISION_BITS - 1);

/// Pillow's `clip8`: a fixed-point sum (with the ½ already added) to 0..=255.
fn clip8(sum: i32) -> u8 {
    (sum >> PRECISION_BITS).clamp(0, 255) as u8
}

/// Pillow's two-pass bilinear resample: horizontally then vertically, except when the height
/// shrinks by more than twice as many pixels as the width (`Δh > 2·Δw`, new in Pillow 13), where
/// the vertical pass runs first; each pass rounds to 8 bits, and a pass is skipped when its
/// side is unchanged.
fn bilinear(img: &Image, width: usize, height: usize, crop: CropBox) -> Result<Vec<u8>> {
    let c = img.channels();
    let (in_w, in_h) = (img.width(), img.height());
    // A filter over more than 2·2²⁰ taps could overflow the 32-bit sums (Pillow's too).
    let factor_w = f64::from(crop[2] - crop[0]) / width as f64;
    let factor_h = f64::from(crop[3] - crop[1]) / height as f64;
    if factor_w.max(factor_h) > MAX_SHRINK {
        return Err(Error::InvalidOption(format!(
            "bilinear resize of a {in_w} × {in_h} image to {width} × {height} shrinks a side \
             more than 2^20 times, beyond the filter's fixed point; use nearest, or resize in \
             two steps"
        )));
    }
    // Pillow's tests, including its comparison of the box's end with the *output* size.
    let need_h = width != in_w || crop[0] != 0.0 || crop[2] != width as f32;
    let need_v = height != in_h || crop[1] != 0.0 || crop[3] != height as f32;
    let shrink_h = in_h as i64 - height as i64;
    let shrink_w = in_w as i64 - width as i64;
    let horizontal_first = !(shrink_h > 0 && shrink_h > 2 * shrink_w);
    let v_taps = bilinear_taps(crop[1], crop[3], height, in_h);
    let h_taps = bilinear_taps(crop[0], crop[2], width, in_w);
    let src = img.pixels();
    if horizontal_first {
        // Only the rows the vertical pass reads.
        let (from, to) = match (v_taps.first(), v_taps.last()) {
            (Some(a), Some(b)) if need_v => (a.first, b.first + b.weights.len()),
            _ => (0, in_h),
        };
        let mid = if need_h {
            horizontal(&src[from * in_w * c..to * in_w * c], in_w, c, &h_taps)?
        } else {
            src.to_vec()
        };
        let first_row = if need_h { from } else { 0 };
        if need_v {
            vertical(&mid, width, c, first_row, &v_taps)
        } else {
            Ok(mid)
        }
    } else {
        let mid = vertical(src, in_w, c, 0, &v_taps)?;
        if need_h {
            horizontal(&mid, in_w, c, &h_taps)
        } else {
            Ok(mid)
        }
    }
}

/// The horizontal pass over every row of `src` (rows of `src_w` pixels of `c` channels).
fn horizontal(src: &[u8], src_w: usize, c: usize, taps: &[Taps]) -> Result<Vec<u8>> {
    let rows = src.len() / (src_w * c).max(1);
    let out_w = taps.len();
    let mut out = buffer(rows * out_w * c, || {
        format!("a {out_w} × {rows} intermediate image")
    })?;
    let rows = out
        .chunks_exact_mut(out_w * c)
        .zip(src.chunks_exact(src_w * c));
    // The channel count as a constant, so each pixel's sums live in registers.
    match c {
        1 => rows.for_each(|(d, s)| horizontal_row::<1>(s, d, taps)),
        3 => rows.for_each(|(d, s)| horizontal_row::<3>(s, d, taps)),
        _ => rows.for_each(|(d, s)| horizontal_row::<4>(s, d, taps)),
    }
    Ok(out)
}

/// One row of the horizontal pass, `C` channels per pixel. The sums fit `i32`, as in
/// Pillow, for shrinks up to [`MAX_SHRINK`].
fn horizontal_row<const C: usize>(src: &[u8], dst: &mut [u8], taps: &[Taps]) {
    for (px, t) in dst.chunks_exact_mut(C).zip(taps) {
        let mut acc = [HALF; C];
        let from = &src[t.first * C..(t.first + t.weights.len()) * C];
        for (p, &w) in from.chunks_exact(C).zip(&t.weights) {
            for (a, &v) in acc.iter_mut().zip(p) {
                *a += i32::from(v) * w;
            }
        }
        for (d, a) in px.iter_mut().zip(acc) {
            *d = clip8(a);
        }
    }
}

/// The vertical pass: output row `k` from the rows `taps[k]` names, counted from
/// `first_row` (the first row `src` holds), each `width` pixels of `c` channels. Each output
/// row accumulates whole input rows, a loop the compiler vectorises.
fn vertical(
    src: &[u8],
    width: usize,
    c: usize,
    first_row: usize,
    taps: &[Taps],
) -> Result<Vec<u8>> {
    let row_len = width * c;
    let out_h = taps.len();
    let mut out = buffer(out_h * row_len, || {
        format!("a {width} × {out_h} resized image")
    })?;
    let mut acc: Vec<i32> = Vec::new();
    acc.try_reserve_exact(row_len)
        .map_err(|_| Error::TooLarge {
            what: format!("a row of {width} pixels"),
            fix: "use a smaller target_size".to_owned(),
        })?;
    acc.resize(row_len, 0);
    for (dst_row, t) in out.chunks_exact_mut(row_len).zip(taps) {
        acc.fill(HALF);
        for (i, &w) in t.weights.iter().enumerate() {
            let row = t.first + i - first_row;
            for (a, &v) in acc.iter_mut().zip(&src[row * row_len..(row + 1) * row_len]) {
                *a += i32::from(v) * w;
            }
        }
        for (d, &a) in dst_row.iter_mut().zip(&acc) {
            *d = clip8(a);
        }
    }
    Ok(out)
}

/// Pillow's RGBA → RGBa: each colour times alpha / 255, rounded (`MULDIV255`).
fn premultiply(px: &mut [u8]) {
    let a = u32::from(px[3]);
    for v in &mut px[..3] {
        let t = u32::from(*v) * a + 128;
        *v = (((t >> 8) + t) >> 8) as u8;
    }
}

/// Pillow's RGBa → RGBA: each colour times 255 / alpha, truncated and clipped, for alpha
/// other than 0 and 255.
fn unpremultiply(px: &mut [u8]) {
    let a = u32::from(px[3]);
    if a != 0 && a != 255 {
        for v in &mut px[..3] {
            *v = (255 * u32::from(*v) / a).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_crop_is_keras_centre_crop() {
        // 640 × 427 to a square: 427 × 427 from column 106.
        assert_eq!(aspect_crop(640, 427, 100, 100), [106.0, 0.0, 533.0, 427.0]);
        // 10 wide × 20 high to 2:1 (w:h): the full width, 5 rows from row 7.
        assert_eq!(aspect_crop(10, 20, 2, 1), [0.0, 7.0, 10.0, 12.0]);
    }

    #[test]
    fn nearest_accumulates_like_pillow() {
        // Downscaling 9 → 3 picks the middle of each triple.
        let t = nearest_table(0.0, 9.0, 3, 9);
        assert_eq!(t, [Some(1), Some(4), Some(7)]);
        // Upscaling 2 → 4 repeats each pixel.
        assert_eq!(
            nearest_table(0.0, 2.0, 4, 2),
            [Some(0), Some(0), Some(1), Some(1)]
        );
    }

    #[test]
    fn bilinear_weights_sum_to_one_in_fixed_point() {
        for (size, out) in [(7, 3), (3, 7), (640, 224), (5, 5), (1, 4)] {
            for taps in bilinear_taps(0.0, size as f32, out, size) {
                let sum: i64 = taps.weights.iter().map(|&w| i64::from(w)).sum();
                // Each weight is rounded, so the sum is within half a unit per tap.
                assert!((sum - (1 << PRECISION_BITS)).abs() <= taps.weights.len() as i64);
                assert!(taps.first + taps.weights.len() <= size);
            }
        }
    }

    #[test]
    fn bilinear_refuses_shrinks_beyond_its_fixed_point() {
        let w = (1 << 20) + 8;
        let img = Image::new(w, 1, ColorMode::Grayscale, vec![7; w]).unwrap();
        let e = resize(&img, 1, 1, Interpolation::Bilinear, None).unwrap_err();
        assert!(e.to_string().contains("more than 2^20 times"), "{e}");
        let ok = resize(&img, 2, 1, Interpolation::Bilinear, None).unwrap();
        assert_eq!(ok.pixels(), &[7, 7]);
        let near = resize(&img, 1, 1, Interpolation::Nearest, None).unwrap();
        assert_eq!(near.pixels(), &[7]);
    }

    #[test]
    fn premultiplication_round_trips_opaque_and_transparent() {
        let mut px = [200, 100, 50, 255];
        premultiply(&mut px);
        assert_eq!(px, [200, 100, 50, 255]);
        let mut px = [200, 100, 50, 128];
        premultiply(&mut px);
        assert_eq!(px, [100, 50, 25, 128]);
        unpremultiply(&mut px);
        assert_eq!(px, [199, 99, 49, 128]);
    }
}
