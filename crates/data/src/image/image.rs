//! [`Image`]: a decoded 8-bit image, what Keras's `load_img` returns as a PIL image.

use gradus_tensor::Tensor;

use super::ColorMode;
use crate::{Error, Result};

/// A decoded image: `height × width` pixels of 1, 3 or 4 8-bit channels ([`ColorMode`]),
/// row-major and interleaved (`pixels[(y·width + x)·channels + c]`).
///
/// [`load_img`](super::load_img) returns one; [`Image::to_array`] (or
/// [`img_to_array`](super::img_to_array)) makes it an `H × W × C` tensor.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::image::{ColorMode, Image};
/// // 1 row, 2 pixels: red, then blue.
/// let img = Image::new(2, 1, ColorMode::Rgb, vec![255, 0, 0, 0, 0, 255])?;
/// assert_eq!(img.pixel(1, 0), &[0, 0, 255]);
/// let x = img.to_array()?;
/// assert_eq!(x.dims(), &[1, 2, 3]);
/// assert_eq!(x.data()[0], 255.0);
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: usize,
    height: usize,
    color_mode: ColorMode,
    pixels: Vec<u8>,
}

impl Image {
    /// An image from its interleaved pixels.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] when `pixels` does not hold `width · height · channels`
    /// values.
    pub fn new(
        width: usize,
        height: usize,
        color_mode: ColorMode,
        pixels: Vec<u8>,
    ) -> Result<Image> {
        let expected = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(color_mode.channels()));
        if expected != Some(pixels.len()) {
            return Err(Error::InvalidOption(format!(
                "a {width} × {height} {color_mode:?} image needs {} pixel values, got {}",
                expected.map_or_else(|| "more than 2^64".to_owned(), |n| n.to_string()),
                pixels.len()
            )));
        }
        Ok(Image {
            width,
            height,
            color_mode,
            pixels,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The channels.
    pub fn color_mode(&self) -> ColorMode {
        self.color_mode
    }

    /// Channels per pixel.
    pub fn channels(&self) -> usize {
        self.color_mode.channels()
    }

    /// The interleaved pixel values, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixel values, consuming the image.
    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }

    /// The channels of pixel (`x`, `y`).
    ///
    /// # Panics
    /// When `x ≥ width` or `y ≥ height`.
    pub fn pixel(&self, x: usize, y: usize) -> &[u8] {
        assert!(
            x < self.width && y < self.height,
            "pixel ({x}, {y}) of a {} × {} image",
            self.width,
            self.height
        );
        let c = self.channels();
        let at = (y * self.width + x) * c;
        &self.pixels[at..at + c]
    }

    /// The image as an `[height, width, channels]` tensor of `f32` values in `0..=255`, not
    /// rescaled (Keras's `img_to_array`, channels last).
    ///
    /// # Errors
    /// [`Error::Tensor`] for an image of more than [`Tensor::MAX_ALLOC`] values (never one
    /// from [`load_img`](super::load_img), whose sizes are bounded).
    pub fn to_array(&self) -> Result<Tensor> {
        let mut out = Tensor::try_zeros(&[self.height, self.width, self.channels()])?;
        write_f32(&self.pixels, out.data_mut());
        Ok(out)
    }
}

/// Writes `pixels` as `f32` into `out` (of the same length).
pub(crate) fn write_f32(pixels: &[u8], out: &mut [f32]) {
    for (o, &p) in out.iter_mut().zip(pixels) {
        *o = f32::from(p);
    }
}

impl std::fmt::Debug for Image {
    /// The size and mode, not the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("color_mode", &self.color_mode)
            .finish_non_exhaustive()
    }
}
