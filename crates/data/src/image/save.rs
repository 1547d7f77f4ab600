//! [`save_img`] and [`Image::save`]: an image to a file whose extension names the format.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use ::image::codecs::jpeg::JpegEncoder;
use ::image::{DynamicImage, ExtendedColorType, ImageBuffer, ImageFormat};
use gradus_tensor::Tensor;

use super::{ColorMode, Image, PixelScaling, array_to_img};
use crate::{Error, Result};

/// JPEG quality of saved images: Pillow's default, which Keras's `save_img` uses.
pub const JPEG_QUALITY: u8 = 75;

/// The extensions [`Image::save`] writes, and their formats.
const WRITABLE: &str = ".png, .jpg, .jpeg, .bmp, .gif, .tif, .tiff";

impl Image {
    /// Writes the image to `path` in the format its extension names (case-insensitive):
    /// `.png` (lossless), `.jpg` / `.jpeg` (quality [`JPEG_QUALITY`]; an RGBA image loses its
    /// alpha, as in Keras), `.bmp`, `.gif` (palette of at most 256 colours) or `.tif` /
    /// `.tiff`. An existing file is replaced.
    ///
    /// ```
    /// # fn main() -> Result<(), gradus_data::Error> {
    /// use gradus_data::image::{ColorMode, Image, ImageOptions, load_img};
    /// let dir = tempfile::tempdir().unwrap();
    /// let img = Image::new(2, 1, ColorMode::Rgb, vec![255, 0, 0, 0, 0, 255])?;
    /// img.save(dir.path().join("two.png"))?;
    /// assert_eq!(load_img(dir.path().join("two.png"), &ImageOptions::default())?, img);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::SaveImage`] for an extension gradus does not write, an empty image, or a
    /// file that cannot be created or written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let fail = |message: String| Error::SaveImage {
            file: path.to_owned(),
            message,
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let format = match ext.as_str() {
            "png" => ImageFormat::Png,
            "jpg" | "jpeg" => ImageFormat::Jpeg,
            "bmp" => ImageFormat::Bmp,
            "gif" => ImageFormat::Gif,
            "tif" | "tiff" => ImageFormat::Tiff,
            _ => {
                return Err(fail(format!(
                    "the extension `{ext}` names no format gradus writes; end the name with \
                     one of {WRITABLE}"
                )));
            }
        };
        if self.width() == 0 || self.height() == 0 {
            return Err(fail(format!(
                "a {} × {} image has no pixels to write",
                self.width(),
                self.height()
            )));
        }
        let (Ok(w), Ok(h)) = (u32::try_from(self.width()), u32::try_from(self.height())) else {
            return Err(fail(
                "image formats hold at most 2^32 − 1 pixels a side".into(),
            ));
        };
        let img = self.to_dynamic(w, h);
        let file = File::create(path).map_err(|e| fail(e.to_string()))?;
        let mut out = BufWriter::new(file);
        let written = match format {
            ImageFormat::Jpeg => {
                // JPEG has no alpha: keep the colour, as Pillow's convert("RGB") does.
                let img = match self.color_mode() {
                    ColorMode::Rgba => DynamicImage::ImageRgb8(img.to_rgb8()),
                    _ => img,
                };
                let color = match img {
                    DynamicImage::ImageLuma8(_) => ExtendedColorType::L8,
                    _ => ExtendedColorType::Rgb8,
                };
                JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode(
                    img.as_bytes(),
                    w,
                    h,
                    color,
                )
            }
            ImageFormat::Gif | ImageFormat::Bmp if self.color_mode() == ColorMode::Grayscale => {
                // Their encoders take colour: store grey as equal R, G and B.
                DynamicImage::ImageRgb8(img.to_rgb8()).write_to(&mut out, format)
            }
            _ => img.write_to(&mut out, format),
        };
        written.map_err(|e| fail(e.to_string()))?;
        out.flush().map_err(|e| fail(e.to_string()))
    }

    /// The same pixels as the `image` crate's image.
    fn to_dynamic(&self, w: u32, h: u32) -> DynamicImage {
        let px = self.pixels().to_vec();
        let built = match self.color_mode() {
            ColorMode::Grayscale => ImageBuffer::from_raw(w, h, px).map(DynamicImage::ImageLuma8),
            ColorMode::Rgb => ImageBuffer::from_raw(w, h, px).map(DynamicImage::ImageRgb8),
            ColorMode::Rgba => ImageBuffer::from_raw(w, h, px).map(DynamicImage::ImageRgba8),
        };
        built.expect("an Image holds width · height · channels values")
    }
}

/// Writes the `[height, width, channels]` array `array` as an image file (Keras's
/// `save_img`): [`array_to_img`] with [`PixelScaling::Clip`], then [`Image::save`]. For
/// Keras's min–max stretch, call `array_to_img(array, PixelScaling::MinMax)?.save(path)`.
///
/// # Errors
/// As [`array_to_img`] and [`Image::save`].
pub fn save_img(path: impl AsRef<Path>, array: &Tensor) -> Result<()> {
    array_to_img(array, PixelScaling::Clip)?.save(path)
}
