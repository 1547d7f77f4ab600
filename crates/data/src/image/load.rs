//! [`load_img`] and [`decode_img`]: bytes to an [`Image`] in the requested [`ColorMode`] and
//! size, as Keras's `load_img` does with Pillow; [`img_to_array`].

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use ::image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use gradus_tensor::Tensor;

use super::resize::{aspect_crop, resize};
use super::{ColorMode, Image, ImageOptions};
use crate::{Error, Result};

/// Most pixels a decoded image may have: Pillow's decompression-bomb limit (twice
/// `Image.MAX_IMAGE_PIXELS`), beyond which Pillow, and so Keras, refuses to open a file.
pub const MAX_IMAGE_PIXELS: u64 = 2 * 89_478_485;

/// Most bytes the decoder may allocate for one image (1 GiB).
const MAX_DECODER_ALLOC: u64 = 1 << 30;

/// Most bytes read from one image file (1 GiB): larger files are refused before they are
/// read, and so are endless ones (a device, a pipe).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads, decodes, converts and resizes the image file `path` (Keras's `load_img`).
///
/// The format comes from the file's content (PNG, JPEG, BMP, GIF, TIFF, PPM/PGM/PBM), not
/// its name; a GIF or TIFF gives its first frame. The image is converted to
/// `options.color_mode` and, when `options.target_size` is set and differs from the image's
/// size, resized with `options.interpolation` (after a centre crop to the target's aspect
/// ratio when `keep_aspect_ratio`) — all with Pillow's arithmetic, so the pixels are the ones
/// Keras produces (JPEG decoders differ by a unit or two on some pixels; 16-bit images are
/// reduced to 8 bits, where Keras keeps a 16-bit greyscale image's values).
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::image::{ColorMode, ImageOptions, Interpolation, load_img};
/// let path = gradus_data::bundled::BundledImage::Flower.path();
/// let opts = ImageOptions::default()
///     .with_target_size(64, 96)
///     .with_interpolation(Interpolation::Bilinear);
/// let img = load_img(&path, &opts)?;
/// assert_eq!((img.height(), img.width(), img.channels()), (64, 96, 3));
/// let grey = load_img(&path, &opts.with_color_mode(ColorMode::Grayscale))?;
/// assert_eq!(grey.to_array()?.dims(), &[64, 96, 1]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::FileNotFound`] and [`Error::Io`] for a missing or unreadable file;
/// [`Error::BadImage`] for a damaged, truncated or unrecognised file;
/// [`Error::UnsupportedImage`] for a format gradus does not read (WebP, …);
/// [`Error::TooLarge`] for a file over 1 GiB or an image over [`MAX_IMAGE_PIXELS`];
/// [`Error::InvalidOption`] for a target size with a zero side.
pub fn load_img(path: impl AsRef<Path>, options: &ImageOptions) -> Result<Image> {
    let path = path.as_ref();
    options.validate()?;
    let bytes = read_file(path)?;
    decode_img(&bytes, path, options)
}

/// [`load_img`] from the bytes of an image file held in memory; `source` is the name errors
/// report (a path, or a label such as `"upload.png"`).
///
/// # Errors
/// As [`load_img`], except the file errors.
pub fn decode_img(
    bytes: &[u8],
    source: impl Into<PathBuf>,
    options: &ImageOptions,
) -> Result<Image> {
    let source = source.into();
    options.validate()?;
    let decoded = decode(bytes, &source)?;
    let img = convert(decoded, options.color_mode)?;
    match options.target_size {
        Some((h, w)) if (h, w) != (img.height(), img.width()) => {
            let crop = options
                .keep_aspect_ratio
                .then(|| aspect_crop(img.width(), img.height(), w, h));
            resize(&img, w, h, options.interpolation, crop)
        }
        _ => Ok(img),
    }
}

/// The image as an `[height, width, channels]` tensor of `f32` values in `0..=255`
/// (Keras's `img_to_array` with `channels_last`); the same as [`Image::to_array`].
///
/// # Errors
/// As [`Image::to_array`].
pub fn img_to_array(img: &Image) -> Result<Tensor> {
    img.to_array()
}

/// The file's bytes, at most [`MAX_FILE_BYTES`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            file: path.to_owned(),
        },
        _ => Error::Io {
            file: path.to_owned(),
            source,
        },
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            what: format!("{}: a file of more than 1 GiB", path.display()),
            fix: "images are read whole; use a smaller image file".to_owned(),
        });
    }
    Ok(bytes)
}

/// Decodes the first frame of `bytes`, refusing images over [`MAX_IMAGE_PIXELS`].
fn decode(bytes: &[u8], source: &Path) -> Result<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| bad(source, &e.to_string()))?;
    let Some(format) = reader.format() else {
        return Err(unrecognised(bytes, source));
    };
    // The JPEG decoder fills a truncated file's missing blocks with grey; Pillow refuses it.
    if format == ::image::ImageFormat::Jpeg && jpeg_is_truncated(bytes) {
        return Err(bad(source, "JPEG data ends early (truncated file)"));
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let decoder = reader
        .into_decoder()
        .map_err(|e| decode_error(e, source, format))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(too_large(source, w, h));
    }
    DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_large(source, w, h),
        e => decode_error(e, source, format),
    })
}

/// Whether a JPEG lacks its end-of-image marker after the first scan: the marker segments
/// before the scan are skipped by their lengths (a thumbnail inside them has markers of its
/// own), and `FF D9` cannot occur inside entropy-coded data, where a data byte `FF` is
/// always followed by `00`. Bytes after the end marker are allowed, as in Pillow.
fn jpeg_is_truncated(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    loop {
        // Markers are FF, any number of fill FFs, then the code.
        if bytes.get(at) != Some(&0xFF) {
            return false; // not a marker where one must be: the decoder will say what is wrong
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return true;
        };
        at += 1;
        match code {
            0xDA => break,           // start of scan
            0xD9 => return false,    // end of image before any scan
            0x01 | 0xD0..=0xD7 => {} // markers without a length
            _ => match bytes.get(at..at + 2) {
                Some(len) => at += usize::from(u16::from_be_bytes([len[0], len[1]])),
                None => return true,
            },
        }
    }
    !bytes[at.min(bytes.len())..]
        .windows(2)
        .any(|w| w == [0xFF, 0xD9])
}

/// The error for bytes whose format no magic number identifies: a known format gradus does
/// not read, or not an image.
fn unrecognised(bytes: &[u8], source: &Path) -> Error {
    let riff = |tag: &[u8]| bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == tag;
    let ftyp = bytes.get(4..8) == Some(b"ftyp");
    let format = if riff(b"WEBP") {
        Some("WebP")
    } else if ftyp && matches!(bytes.get(8..12), Some(b"avif" | b"avis")) {
        Some("AVIF")
    } else if ftyp && matches!(bytes.get(8..12), Some(b"heic" | b"heix" | b"mif1")) {
        Some("HEIF")
    } else {
        None
    };
    match format {
        Some(format) => Error::UnsupportedImage {
            file: source.to_owned(),
            format: format.to_owned(),
        },
        None if bytes.is_empty() => bad(source, "the file is empty"),
        None => bad(
            source,
            "the content is not a PNG, JPEG, BMP, GIF, TIFF or PPM image",
        ),
    }
}

fn decode_error(e: ImageError, source: &Path, format: ::image::ImageFormat) -> Error {
    match e {
        ImageError::Unsupported(u) => match u.kind() {
            ::image::error::UnsupportedErrorKind::Format(_) => Error::UnsupportedImage {
                file: source.to_owned(),
                format: format!("{format:?}"),
            },
            _ => bad(source, &format!("{format:?}: {u}")),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => bad(
            source,
            &format!("{format:?} data ends early (truncated file)"),
        ),
        ImageError::Limits(l) => Error::TooLarge {
            what: format!("{}: the image", source.display()),
            fix: format!("{l}; use a smaller image"),
        },
        e => bad(source, &format!("{format:?}: {e}")),
    }
}

fn bad(source: &Path, message: &str) -> Error {
    Error::BadImage {
        file: source.to_owned(),
        message: message.to_owned(),
    }
}

fn too_large(source: &Path, w: u32, h: u32) -> Error {
    Error::TooLarge {
        what: format!(
            "{}: a {w} × {h} image ({} pixels, the limit is {MAX_IMAGE_PIXELS}, as in Pillow)",
            source.display(),
            u64::from(w) * u64::from(h)
        ),
        fix: "downscale the image before loading it".to_owned(),
    }
}

/// The decoded image converted to `mode` with Pillow's rules (see [`ColorMode`]); 16-bit
/// samples keep their high byte, as Pillow reads 16-bit colour PNGs.
fn convert(img: DynamicImage, mode: ColorMode) -> Result<Image> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (src, c): (Vec<u8>, usize) = match img {
        DynamicImage::ImageLuma8(b) => (b.into_raw(), 1),
        DynamicImage::ImageLumaA8(b) => (b.into_raw(), 2),
        DynamicImage::ImageRgb8(b) => (b.into_raw(), 3),
        DynamicImage::ImageRgba8(b) => (b.into_raw(), 4),
        DynamicImage::ImageLuma16(b) => (high_bytes(b.as_raw()), 1),
        DynamicImage::ImageLumaA16(b) => (high_bytes(b.as_raw()), 2),
        DynamicImage::ImageRgb16(b) => (high_bytes(b.as_raw()), 3),
        DynamicImage::ImageRgba16(b) => (high_bytes(b.as_raw()), 4),
        other => (other.to_rgba8().into_raw(), 4),
    };
    let out = mode.channels();
    let pixels: Vec<u8> = if c == out {
        src
    } else {
        let mut dst = Vec::new();
        dst.try_reserve_exact(w * h * out)
            .map_err(|_| Error::TooLarge {
                what: format!("a {w} × {h} image in {mode:?}"),
                fix: "use a smaller image".to_owned(),
            })?;
        for p in src.chunks_exact(c) {
            match (c, mode) {
                (1 | 2, ColorMode::Grayscale) => dst.push(p[0]),
                (1 | 2, ColorMode::Rgb) => dst.extend_from_slice(&[p[0]; 3]),
                (1, ColorMode::Rgba) => dst.extend_from_slice(&[p[0], p[0], p[0], 255]),
                (2, ColorMode::Rgba) => dst.extend_from_slice(&[p[0], p[0], p[0], p[1]]),
                (_, ColorMode::Grayscale) => dst.push(luma(p[0], p[1], p[2])),
                (_, ColorMode::Rgb) => dst.extend_from_slice(&p[..3]),
                (_, ColorMode::Rgba) => dst.extend_from_slice(&[p[0], p[1], p[2], 255]),
            }
        }
        dst
    };
    Image::new(w, h, mode, pixels)
}

/// Pillow's `L24`: ITU-R 601-2 luma in 16-bit fixed point, rounded.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 19595 + u32::from(g) * 38470 + u32::from(b) * 7471 + 0x8000) >> 16) as u8
}

fn high_bytes(samples: &[u16]) -> Vec<u8> {
    samples.iter().map(|&s| (s >> 8) as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_is_pillows_601_2() {
        assert_eq!(luma(255, 255, 255), 255);
        assert_eq!(luma(0, 0, 0), 0);
        assert_eq!(luma(255, 0, 0), 76);
        assert_eq!(luma(0, 255, 0), 150);
        assert_eq!(luma(0, 0, 255), 29);
    }

    #[test]
    fn unrecognised_content_names_the_format_when_known() {
        let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
        let e = unrecognised(webp, Path::new("a.webp")).to_string();
        assert!(
            e.starts_with("a.webp: WebP images are not supported"),
            "{e}"
        );
        let e = unrecognised(b"hello", Path::new("a.png")).to_string();
        assert!(e.contains("not a PNG, JPEG"), "{e}");
        let e = unrecognised(b"", Path::new("e.png")).to_string();
        assert!(e.contains("the file is empty"), "{e}");
    }
}
