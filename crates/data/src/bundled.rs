//! The small real data sets shipped in the repository's `examples/data/`, by name.
//!
//! # Why embedded
//!
//! The CSV text is compiled in with `include_str!` from `examples/data/` (about 420 KB for
//! all five; a data set's bytes are only linked into binaries that use it). Embedding makes
//! [`diabetes`], [`iris`] and the others work from any working directory: examples, tests of
//! every crate, doctests and an installed binary alike, with no path to configure and no
//! file that can go missing. `examples/data/` stays the one copy of the data (with its
//! attribution README), and [`Bundled::path`] gives its location in the source tree for
//! callers that want a file path (e.g. to demonstrate [`load_csv`](crate::load_csv)).
//!
//! Two photographs are bundled the same way, with `include_bytes!` (about 340 KB of JPEG):
//! [`china`] and [`flower`] decode them to `H × W × 3` tensors, and [`BundledImage`] gives
//! their bytes and path (CC BY 2.0 photos by danielbuechele and vultilion on Flickr, as
//! shipped with scikit-learn). [`digits_images`] is the digits set shaped as images.
//!
//! Publishing this crate on its own to crates.io would need the files moved inside the crate
//! directory; within the workspace the relative path is fine.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::image::{Image, ImageOptions, decode_img};
use crate::{CsvOptions, Dataset, Error, Result, read_csv};

/// A bundled data set.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::bundled::Bundled;
/// let iris: Bundled = "iris".parse()?;
/// let data = iris.load()?;
/// assert_eq!((data.n_samples(), data.n_features()), (150, 4));
/// assert_eq!(data.target_name, "species");
/// assert_eq!(iris.num_classes(), Some(3));
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bundled {
    /// 442 × 10, regression, target `progression`.
    Diabetes,
    /// 150 × 4, 3 classes, target `species`.
    Iris,
    /// 178 × 13, 3 classes, target `class`.
    Wine,
    /// 569 × 30, 2 classes, target `target`.
    BreastCancer,
    /// 1797 × 64 (8×8 images, pixels 0..16), 10 classes, target `digit`.
    Digits,
}

impl Bundled {
    /// Every bundled data set.
    pub const ALL: [Bundled; 5] = [
        Bundled::Diabetes,
        Bundled::Iris,
        Bundled::Wine,
        Bundled::BreastCancer,
        Bundled::Digits,
    ];

    /// The name used in specs and by [`load`]: `diabetes`, `iris`, `wine`, `breast_cancer`,
    /// `digits`.
    pub fn name(self) -> &'static str {
        match self {
            Bundled::Diabetes => "diabetes",
            Bundled::Iris => "iris",
            Bundled::Wine => "wine",
            Bundled::BreastCancer => "breast_cancer",
            Bundled::Digits => "digits",
        }
    }

    /// The target column.
    pub fn target(self) -> &'static str {
        match self {
            Bundled::Diabetes => "progression",
            Bundled::Iris => "species",
            Bundled::Wine => "class",
            Bundled::BreastCancer => "target",
            Bundled::Digits => "digit",
        }
    }

    /// Number of classes, or `None` for the regression set.
    pub fn num_classes(self) -> Option<usize> {
        match self {
            Bundled::Diabetes => None,
            Bundled::Iris | Bundled::Wine => Some(3),
            Bundled::BreastCancer => Some(2),
            Bundled::Digits => Some(10),
        }
    }

    /// The CSV text.
    pub fn csv_text(self) -> &'static str {
        match self {
            Bundled::Diabetes => include_str!("../../../examples/data/diabetes.csv"),
            Bundled::Iris => include_str!("../../../examples/data/iris.csv"),
            Bundled::Wine => include_str!("../../../examples/data/wine.csv"),
            Bundled::BreastCancer => include_str!("../../../examples/data/breast_cancer.csv"),
            Bundled::Digits => include_str!("../../../examples/data/digits.csv"),
        }
    }

    /// Where the file lies in the source tree this crate was built from
    /// (`<repo>/examples/data/<name>.csv`). It exists only where that tree does.
    pub fn path(self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/data")
            .join(format!("{}.csv", self.name()))
    }

    /// The options that load it: its target column, all other columns as features.
    pub fn csv_options(self) -> CsvOptions {
        CsvOptions::new(self.target())
    }

    /// Parses the embedded CSV into a [`Dataset`].
    ///
    /// # Errors
    /// None in practice (the bundled files are valid); the `Result` keeps the signature of
    /// every other loader.
    pub fn load(self) -> Result<Dataset> {
        let source = format!("examples/data/{}.csv (bundled)", self.name());
        read_csv(self.csv_text().as_bytes(), source, &self.csv_options())
    }
}

impl fmt::Display for Bundled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Bundled {
    type Err = Error;

    fn from_str(name: &str) -> Result<Bundled> {
        Bundled::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| Error::UnknownDataset {
                name: name.to_owned(),
                available: Bundled::ALL.iter().map(|b| b.name().to_owned()).collect(),
            })
    }
}

/// Loads a bundled data set by name (`"diabetes"`, `"iris"`, `"wine"`, `"breast_cancer"`,
/// `"digits"`).
///
/// # Errors
/// [`Error::UnknownDataset`] listing the names for any other name.
pub fn load(name: &str) -> Result<Dataset> {
    name.parse::<Bundled>()?.load()
}

/// Diabetes (442 × 10, regression on `progression`, unscaled features).
///
/// # Errors
/// As [`Bundled::load`].
pub fn diabetes() -> Result<Dataset> {
    Bundled::Diabetes.load()
}

/// Iris (150 × 4, 3 classes in `species`).
///
/// # Errors
/// As [`Bundled::load`].
pub fn iris() -> Result<Dataset> {
    Bundled::Iris.load()
}

/// Wine (178 × 13, 3 classes in `class`).
///
/// # Errors
/// As [`Bundled::load`].
pub fn wine() -> Result<Dataset> {
    Bundled::Wine.load()
}

/// Breast cancer Wisconsin (569 × 30, 2 classes in `target`).
///
/// # Errors
/// As [`Bundled::load`].
pub fn breast_cancer() -> Result<Dataset> {
    Bundled::BreastCancer.load()
}

/// Digits (1797 × 64 pixels of 8×8 images, 10 classes in `digit`).
///
/// # Errors
/// As [`Bundled::load`].
pub fn digits() -> Result<Dataset> {
    Bundled::Digits.load()
}

/// Digits as images: `x` is `1797 × 8 × 8 × 1` (pixels 0..=16, row-major as in the CSV,
/// channels last), `y` the `1797 × 1` digit labels — the shape a convolutional network takes.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// let digits = gradus_data::bundled::digits_images()?;
/// assert_eq!(digits.x.dims(), &[1797, 8, 8, 1]);
/// assert_eq!(digits.y.dims(), &[1797, 1]);
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`Bundled::load`].
pub fn digits_images() -> Result<Dataset> {
    let mut data = Bundled::Digits.load()?;
    let n = data.n_samples();
    data.x.reshape(&[n, 8, 8, 1])?;
    Ok(data)
}

/// A bundled photograph (JPEG, 640 × 427, RGB): CC BY 2.0 photos by danielbuechele
/// (`china`) and vultilion (`flower`) on Flickr, as shipped with scikit-learn.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::bundled::BundledImage;
/// use gradus_data::image::ImageOptions;
/// let img = BundledImage::China.load(&ImageOptions::default().with_target_size(32, 48))?;
/// assert_eq!((img.width(), img.height()), (48, 32));
/// assert_eq!(BundledImage::Flower.bytes()[..2], [0xFF, 0xD8]); // a JPEG
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundledImage {
    /// A temple in China (`examples/data/images/china.jpg`).
    China,
    /// A flower (`examples/data/images/flower.jpg`).
    Flower,
}

impl BundledImage {
    /// Every bundled photograph.
    pub const ALL: [BundledImage; 2] = [BundledImage::China, BundledImage::Flower];

    /// `china` or `flower`.
    pub fn name(self) -> &'static str {
        match self {
            BundledImage::China => "china",
            BundledImage::Flower => "flower",
        }
    }

    /// The JPEG file's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            BundledImage::China => include_bytes!("../../../examples/data/images/china.jpg"),
            BundledImage::Flower => include_bytes!("../../../examples/data/images/flower.jpg"),
        }
    }

    /// Where the file lies in the source tree this crate was built from
    /// (`<repo>/examples/data/images/<name>.jpg`), for examples of
    /// [`load_img`](crate::image::load_img). It exists only where that tree does.
    pub fn path(self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/data/images")
            .join(format!("{}.jpg", self.name()))
    }

    /// Decodes the embedded bytes as [`load_img`](crate::image::load_img) decodes a file.
    ///
    /// # Errors
    /// As [`decode_img`] (only for invalid `options`: the bundled files are valid).
    pub fn load(self, options: &ImageOptions) -> Result<Image> {
        let source = format!("examples/data/images/{}.jpg (bundled)", self.name());
        decode_img(self.bytes(), source, options)
    }

    /// The photograph as a `427 × 640 × 3` tensor of values in `0..=255`.
    ///
    /// # Errors
    /// None in practice; see [`BundledImage::load`].
    pub fn array(self) -> Result<Tensor> {
        self.load(&ImageOptions::default())?.to_array()
    }
}

/// The China photograph as a `427 × 640 × 3` tensor (RGB, 0..=255), scikit-learn's
/// `load_sample_image("china.jpg")`.
///
/// # Errors
/// As [`BundledImage::array`].
pub fn china() -> Result<Tensor> {
    BundledImage::China.array()
}

/// The flower photograph as a `427 × 640 × 3` tensor (RGB, 0..=255), scikit-learn's
/// `load_sample_image("flower.jpg")`.
///
/// # Errors
/// As [`BundledImage::array`].
pub fn flower() -> Result<Tensor> {
    BundledImage::Flower.array()
}
