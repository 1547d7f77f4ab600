//! [`ImageOptions`], with [`ColorMode`] and [`Interpolation`]: how [`load_img`](super::load_img)
//! turns a file into pixels, with Keras's `load_img` defaults.

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The channels an image is converted to after decoding (Keras `color_mode`).
///
/// The conversions are Pillow's, which Keras uses: grey to colour repeats the grey value,
/// colour to grey is ITU-R 601-2 luma `L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16`
/// (0.299 R + 0.587 G + 0.114 B, rounded), dropping alpha discards it without blending, and
/// adding alpha makes the image opaque (255).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorMode {
    /// One channel, luma (Pillow mode `L`).
    Grayscale,
    /// Three channels, red, green, blue (mode `RGB`). Keras's default.
    #[default]
    Rgb,
    /// Four channels, colour and alpha (mode `RGBA`).
    Rgba,
}

impl ColorMode {
    /// Channels per pixel: 1, 3 or 4.
    pub fn channels(self) -> usize {
        match self {
            ColorMode::Grayscale => 1,
            ColorMode::Rgb => 3,
            ColorMode::Rgba => 4,
        }
    }

    /// The mode of an image with `channels` channels (1, 3 or 4), as `array_to_img` reads
    /// the last axis of an array.
    pub fn from_channels(channels: usize) -> Option<ColorMode> {
        match channels {
            1 => Some(ColorMode::Grayscale),
            3 => Some(ColorMode::Rgb),
            4 => Some(ColorMode::Rgba),
            _ => None,
        }
    }
}

/// The resampling filter of a resize (Keras `interpolation`), computed as Pillow computes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interpolation {
    /// Each output pixel copies the input pixel under its centre:
    /// `src = ⌊box₀ + (dst + ½)·scale⌋` (Keras's default for `load_img` and
    /// `flow_from_directory`).
    #[default]
    Nearest,
    /// A triangle filter `max(0, 1 − |x|)` over the input pixels, widened by the scale when
    /// shrinking (so downscaling averages, as Pillow's antialiased resize does), applied
    /// horizontally then vertically in 8-bit fixed point.
    Bilinear,
}

/// How [`load_img`](super::load_img) decodes, converts and resizes an image: Keras's
/// `load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
/// keep_aspect_ratio=False)`.
///
/// In a TOML spec: `color_mode = "grayscale"`, `target_size = [224, 224]`,
/// `interpolation = "bilinear"`, `keep_aspect_ratio = true`.
///
/// ```
/// use gradus_data::image::{ColorMode, ImageOptions, Interpolation};
/// let opts = ImageOptions::default()
///     .with_color_mode(ColorMode::Grayscale)
///     .with_target_size(28, 28);
/// assert_eq!(opts.target_size, Some((28, 28)));
/// assert_eq!(opts.interpolation, Interpolation::Nearest);
/// assert!(ImageOptions::default().with_target_size(0, 28).validate().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageOptions {
    /// The channels to convert to.
    pub color_mode: ColorMode,
    /// `(height, width)` to resize to, or `None` to keep the image's size.
    pub target_size: Option<(usize, usize)>,
    /// The resampling filter of the resize.
    pub interpolation: Interpolation,
    /// Centre-crop the image to the target's aspect ratio before resizing, so it is not
    /// distorted: the crop is `min(h, ⌊w·th/tw⌋) × min(w, ⌊h·tw/th⌋)`, placed at
    /// `(⌊(h − ch)/2⌋, ⌊(w − cw)/2⌋)`.
    pub keep_aspect_ratio: bool,
}

impl ImageOptions {
    /// The same options with another colour mode.
    pub fn with_color_mode(mut self, color_mode: ColorMode) -> ImageOptions {
        self.color_mode = color_mode;
        self
    }

    /// The same options resizing to `height × width`.
    pub fn with_target_size(mut self, height: usize, width: usize) -> ImageOptions {
        self.target_size = Some((height, width));
        self
    }

    /// The same options with another resampling filter.
    pub fn with_interpolation(mut self, interpolation: Interpolation) -> ImageOptions {
        self.interpolation = interpolation;
        self
    }

    /// The same options, cropping to the target's aspect ratio before resizing or not.
    pub fn with_keep_aspect_ratio(mut self, keep: bool) -> ImageOptions {
        self.keep_aspect_ratio = keep;
        self
    }

    /// Checks the target size: both sides at least 1 and at most
    /// [`MAX_IMAGE_PIXELS`](super::MAX_IMAGE_PIXELS) pixels in all.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a zero side; [`Error::TooLarge`] for a larger target.
    pub fn validate(&self) -> Result<()> {
        if let Some((h, w)) = self.target_size {
            check_target_size(h, w, self.color_mode.channels())?;
        }
        Ok(())
    }
}

/// Checks a `(height, width)` target: no zero side, at most
/// [`MAX_IMAGE_PIXELS`](super::MAX_IMAGE_PIXELS) pixels, and `[h, w, channels]` allocatable.
pub(crate) fn check_target_size(height: usize, width: usize, channels: usize) -> Result<()> {
    if height == 0 || width == 0 {
        return Err(Error::InvalidOption(format!(
            "target_size = ({height}, {width}): an image needs at least 1 row and 1 column; \
             give the (height, width) to resize to, e.g. (224, 224)"
        )));
    }
    let pixels = (height as u128) * (width as u128);
    if pixels > u128::from(super::MAX_IMAGE_PIXELS) {
        return Err(Error::TooLarge {
            what: format!("target_size = ({height}, {width}), {pixels} pixels,"),
            fix: format!(
                "images hold at most {} pixels (Pillow's limit); give a smaller (height, width)",
                super::MAX_IMAGE_PIXELS
            ),
        });
    }
    Tensor::check_alloc(&[height, width, channels])?;
    Ok(())
}
