//! Images: loading and saving files ([`load_img`], [`img_to_array`], [`array_to_img`],
//! [`save_img`]) and folders of images as a data set ([`ImageFolder`]), with the semantics
//! of Keras's `keras.utils.load_img` and `ImageDataGenerator.flow_from_directory`.
//!
//! # Design
//!
//! - **Decoding** is the `image` crate's, with only the codecs gradus reads: PNG, JPEG, BMP,
//!   GIF, TIFF and PPM/PGM/PBM. The format comes from the file's content, as in Pillow. A
//!   damaged, truncated or unrecognised file, or one in another format (WebP, AVIF, HEIF), is
//!   an error naming the file; images over Pillow's decompression-bomb limit
//!   ([`MAX_IMAGE_PIXELS`]) and files over 1 GiB are refused before they are decoded.
//! - **Pixels are Keras's.** Keras hands images to Pillow, so gradus computes what Pillow
//!   computes: the colour conversions of [`ColorMode`] (ITU-R 601-2 luma in Pillow's fixed
//!   point), and the resize of [`Interpolation`] transcribed from Pillow 13's C code (nearest
//!   by accumulated `f64` coordinates; bilinear as two passes in 22-bit fixed point, in
//!   Pillow 13's order, antialiased when shrinking, alpha premultiplied), checked against
//!   Pillow pixel for pixel by the goldens of `bench/image_goldens/`. The `image` crate's own
//!   resize rounds differently and ignores the crop box's surroundings, so it is not used. Decoded JPEG pixels differ
//!   from Pillow's (libjpeg-turbo) by a unit or two on some pixels: each decoder rounds its
//!   inverse DCT differently and the JPEG standard allows either.
//! - **Arrays are `H × W × C`**, `f32` in `0..=255`, not rescaled (channels last, as gradus's
//!   convolution layers expect); a batch is `N × H × W × C`.
//! - **An [`Image`] is plain data**: width, height, [`ColorMode`] and interleaved 8-bit
//!   pixels, with no codec type in the public API.
//! - **A folder data set lists, then decodes per batch.** [`ImageFolder`] lists the class
//!   sub-folders and their files when it is built (so an empty class folder or a folder
//!   without images is an error before training starts) and decodes only the files of the
//!   batch it is asked for, in parallel, as a [`BatchSource`](gradus_tensor::BatchSource)
//!   that `fit` prefetches on a background thread. Memory holds the file list, not the
//!   images.
//!
//! # Differences from Keras
//!
//! Deliberate, and small: 16-bit images are reduced to 8 bits (Keras keeps a 16-bit
//! greyscale PNG's 0..65535); [`array_to_img`] clips by default where Keras stretches
//! min–max ([`PixelScaling`]); [`ImageFolder`] refuses empty classes and needs a dot before
//! the extension. Keras's `save_to_dir` and the augmentation of `ImageDataGenerator` are not
//! part of this module.
//!
//! ```
//! # fn main() -> Result<(), gradus_data::Error> {
//! use gradus_data::bundled;
//! use gradus_data::image::{ImageOptions, load_img, save_img};
//! let flower = bundled::flower()?; // 427 × 640 × 3, values 0..=255
//! assert_eq!(flower.dims(), &[427, 640, 3]);
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("flower.png");
//! save_img(&path, &flower)?; // PNG is lossless
//! assert_eq!(load_img(&path, &ImageOptions::default())?.to_array()?, flower);
//! # Ok(()) }
//! ```

mod array;
mod folder_listing;
mod folder_options;
#[allow(
    clippy::module_inception,
    reason = "the file is named for its type, `image::Image`"
)]
mod image;
mod image_folder;
mod load;
mod options;
mod resize;
mod save;

pub use array::{PixelScaling, array_to_img};
pub use folder_options::{ClassMode, IMAGE_EXTENSIONS, ImageFolderOptions, Subset};
pub use image::Image;
pub use image_folder::ImageFolder;
pub use load::{MAX_IMAGE_PIXELS, decode_img, img_to_array, load_img};
pub use options::{ColorMode, ImageOptions, Interpolation};
pub use save::{JPEG_QUALITY, save_img};
