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
//! Publishing this crate on its own to crates.io would need the files moved inside the crate
//! directory; within the workspace the relative path is fine.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
