//! [`array_to_img`]: an `H × W × C` tensor back to an 8-bit [`Image`], with [`PixelScaling`].

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use super::{ColorMode, Image};
use crate::{Error, Result};

/// How [`array_to_img`] maps `f32` values to 8-bit pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PixelScaling {
    /// `round(clamp(v, 0, 255))`: values already in `0..=255` (what
    /// [`img_to_array`](super::img_to_array) gives) are kept, so an image survives the round
    /// trip exactly. gradus's default.
    #[default]
    Clip,
    /// Keras's `scale=True`: `v ← v − min`, then `v ← v / max` when `max ≠ 0`, then
    /// `v ← v · 255`, truncated — in `f32`, step by step, as NumPy computes it. The darkest
    /// value becomes 0 and the brightest 255, whatever the input range (e.g. `0..=1`).
    MinMax,
}

/// The tensor `array` (`[height, width, channels]`, channels 1, 3 or 4 for greyscale, RGB
/// and RGBA) as an 8-bit image (Keras's `array_to_img` with `channels_last`).
///
/// Keras's default is `scale=True` ([`PixelScaling::MinMax`]), which stretches every image
/// to the full 0..255 range; gradus's default [`PixelScaling::Clip`] keeps values in
/// `0..=255` as they are, so `array_to_img(&img_to_array(&img)?, Clip)` gives `img` back.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::image::{PixelScaling, array_to_img};
/// use gradus_tensor::Tensor;
/// let x = Tensor::from_vec(vec![-3.0, 12.4, 300.0, 127.5], &[2, 2, 1])?;
/// assert_eq!(array_to_img(&x, PixelScaling::Clip)?.pixels(), &[0, 12, 255, 128]);
/// assert_eq!(array_to_img(&x, PixelScaling::MinMax)?.pixels(), &[0, 12, 255, 109]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::InvalidOption`] for a shape other than `[h, w, 1 | 3 | 4]`, or a NaN or
/// infinite value (named by its position).
pub fn array_to_img(array: &Tensor, scaling: PixelScaling) -> Result<Image> {
    let &[h, w, c] = array.dims() else {
        return Err(Error::InvalidOption(format!(
            "array_to_img needs an array of shape [height, width, channels], got {:?}; \
             take one image of a batch with `slice_rows` and reshape it",
            array.dims()
        )));
    };
    let Some(mode) = ColorMode::from_channels(c) else {
        return Err(Error::InvalidOption(format!(
            "array_to_img needs 1 (greyscale), 3 (RGB) or 4 (RGBA) channels, got shape \
             [{h}, {w}, {c}]"
        )));
    };
    if let Some(i) = array.first_non_finite() {
        return Err(Error::InvalidOption(format!(
            "array_to_img: the value at [{}, {}, {}] is {}; pixel values must be finite",
            i / (w * c),
            i / c % w,
            i % c,
            array.data()[i]
        )));
    }
    let data = array.data();
    let pixels = match scaling {
        PixelScaling::Clip => data
            .iter()
            .map(|&v| v.clamp(0.0, 255.0).round() as u8)
            .collect(),
        PixelScaling::MinMax => {
            let min = data.iter().copied().fold(f32::INFINITY, f32::min);
            let max = data
                .iter()
                .map(|&v| v - min)
                .fold(f32::NEG_INFINITY, f32::max);
            data.iter()
                .map(|&v| {
                    let mut v = v - min;
                    if max != 0.0 {
                        v /= max;
                    }
                    (v * 255.0) as u8
                })
                .collect()
        }
    };
    Image::new(w, h, mode, pixels)
}
