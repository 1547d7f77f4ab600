//! [`ImageFolderOptions`], [`ClassMode`] and [`Subset`]: how an
//! [`ImageFolder`](super::ImageFolder) lists, splits, decodes and batches a folder of images,
//! with Keras's `flow_from_directory` defaults.

use serde::{Deserialize, Serialize};

use super::{ColorMode, ImageOptions, Interpolation};

/// The file extensions (lower-cased, after the last dot) that count as images: Keras's
/// `white_list_formats` (`png`, `jpg`, `jpeg`, `bmp`, `ppm`, `tif`, `tiff`) and `gif`.
pub const IMAGE_EXTENSIONS: [&str; 8] = ["png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff", "gif"];

/// What an [`ImageFolder`](super::ImageFolder) gives as the target of each image (Keras
/// `class_mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassMode {
    /// One-hot rows `[n, classes]` (for `categorical_crossentropy`). Keras's default.
    #[default]
    Categorical,
    /// The class id 0 or 1 as `[n, 1]` (for `binary_crossentropy`); needs exactly 2 classes.
    Binary,
    /// The class id as `[n, 1]` (for `sparse_categorical_crossentropy`).
    Sparse,
    /// The image itself, `[n, h, w, c]` (for autoencoders).
    Input,
    /// No targets (for `predict`).
    None,
}

/// Which side of a `validation_split` an [`ImageFolder`](super::ImageFolder) serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subset {
    /// All but the first `⌊validation_split · n⌋` files of each class.
    Training,
    /// The first `⌊validation_split · n⌋` files of each class (in sorted order).
    Validation,
}

impl Subset {
    /// `training` or `validation`.
    pub fn name(self) -> &'static str {
        match self {
            Subset::Training => "training",
            Subset::Validation => "validation",
        }
    }
}

/// How an [`ImageFolder`](super::ImageFolder) reads a folder with one sub-folder per class:
/// Keras's `ImageDataGenerator(validation_split=0.0).flow_from_directory(directory,
/// target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
/// batch_size=32, shuffle=True, seed=None, follow_links=False, subset=None,
/// interpolation="nearest", keep_aspect_ratio=False)`, with seed 0 in place of `None`.
///
/// In a TOML spec: `target_size = [64, 64]`, `class_mode = "sparse"`,
/// `validation_split = 0.2`, `subset = "training"`, `classes = ["cat", "dog"]`.
///
/// ```
/// use gradus_data::image::{ClassMode, ImageFolderOptions, Subset};
/// let opts = ImageFolderOptions::default()
///     .with_target_size(64, 64)
///     .with_class_mode(ClassMode::Sparse)
///     .with_subset(0.2, Subset::Validation);
/// assert_eq!((opts.batch_size, opts.shuffle), (32, true));
/// let toml: ImageFolderOptions = toml::from_str("target_size = [28, 28]").unwrap();
/// assert_eq!(toml.target_size, (28, 28));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageFolderOptions {
    /// `(height, width)` every image is resized to.
    pub target_size: (usize, usize),
    /// The channels every image is converted to.
    pub color_mode: ColorMode,
    /// The class sub-folders, in class-id order; empty for every sub-folder, sorted by name.
    pub classes: Vec<String>,
    /// What the targets are.
    pub class_mode: ClassMode,
    /// Images per batch.
    pub batch_size: usize,
    /// Visit the images in a new random order each pass.
    pub shuffle: bool,
    /// Seed of the shuffles: pass `p`'s order is a function of (seed, p) alone.
    pub seed: u64,
    /// Fraction of each class held out for validation, in `[0, 1)`; used with `subset`.
    pub validation_split: f64,
    /// The side of the split to serve, or `None` for every image.
    pub subset: Option<Subset>,
    /// The resampling filter of the resize.
    pub interpolation: Interpolation,
    /// Centre-crop each image to the target's aspect ratio before resizing.
    pub keep_aspect_ratio: bool,
    /// Descend into symbolically linked sub-folders (a link cycle is visited once).
    pub follow_links: bool,
}

impl Default for ImageFolderOptions {
    /// Keras's `flow_from_directory` defaults (seed 0).
    fn default() -> ImageFolderOptions {
        ImageFolderOptions {
            target_size: (256, 256),
            color_mode: ColorMode::Rgb,
            classes: Vec::new(),
            class_mode: ClassMode::Categorical,
            batch_size: 32,
            shuffle: true,
            seed: 0,
            validation_split: 0.0,
            subset: None,
            interpolation: Interpolation::Nearest,
            keep_aspect_ratio: false,
            follow_links: false,
        }
    }
}

impl ImageFolderOptions {
    /// The same options resizing to `height × width`.
    pub fn with_target_size(mut self, height: usize, width: usize) -> Self {
        self.target_size = (height, width);
        self
    }

    /// The same options with another colour mode.
    pub fn with_color_mode(mut self, color_mode: ColorMode) -> Self {
        self.color_mode = color_mode;
        self
    }

    /// The same options with these classes (sub-folder names), in class-id order.
    pub fn with_classes<I, S>(mut self, classes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.classes = classes.into_iter().map(Into::into).collect();
        self
    }

    /// The same options with another target kind.
    pub fn with_class_mode(mut self, class_mode: ClassMode) -> Self {
        self.class_mode = class_mode;
        self
    }

    /// The same options with another batch size.
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// The same options, shuffled with `seed` or (with `None`) in file order.
    pub fn with_shuffle(mut self, seed: Option<u64>) -> Self {
        self.shuffle = seed.is_some();
        self.seed = seed.unwrap_or(self.seed);
        self
    }

    /// The same options serving `subset` of a `validation_split` split.
    pub fn with_subset(mut self, validation_split: f64, subset: Subset) -> Self {
        self.validation_split = validation_split;
        self.subset = Some(subset);
        self
    }

    /// The same options with another resampling filter.
    pub fn with_interpolation(mut self, interpolation: Interpolation) -> Self {
        self.interpolation = interpolation;
        self
    }

    /// The same options, cropping to the target's aspect ratio before resizing or not.
    pub fn with_keep_aspect_ratio(mut self, keep: bool) -> Self {
        self.keep_aspect_ratio = keep;
        self
    }

    /// What each image is loaded with.
    pub fn image_options(&self) -> ImageOptions {
        ImageOptions {
            color_mode: self.color_mode,
            target_size: Some(self.target_size),
            interpolation: self.interpolation,
            keep_aspect_ratio: self.keep_aspect_ratio,
        }
    }
}
