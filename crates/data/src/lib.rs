//! Data for gradus: CSV and image loading, hold-out splits, scalers, one-hot encoding and
//! cross-validation splitters, with scikit-learn's and Keras's semantics.
//!
//! # Design
//!
//! - **Data in, tensors out.** A CSV file becomes a [`Dataset`]: `x` (`n × d`) and `y`
//!   (`n × 1`) [`Tensor`](gradus_tensor::Tensor)s plus the column names. [`CsvOptions`] — the
//!   target column, the feature columns ([`Features`]) and the delimiter — is plain serde data,
//!   so the same value comes from Rust code or a TOML spec.
//! - **Errors say where and how to fix.** One [`Error`] enum; CSV errors name the file, the
//!   line and the column (index and header name) and end with what would fix the input.
//!   Nothing panics, aborts or hangs on user input (`tests/hostile*.rs` feed it random
//!   bytes, shapes and numbers): buffers sized from caller numbers are bounded (2³² entries,
//!   2¹⁶ folds of at most 2²⁸ indices in all, 2³¹ one-hot values) and reserved fallibly, and
//!   no number silently becomes infinite.
//! - **scikit-learn's meaning.** [`train_test_split`] sizes its sides as scikit-learn
//!   (`n_test = ceil(test_size · n)`); [`StandardScaler`] uses the population variance and
//!   leaves constant columns unscaled; [`MinMaxScaler`] maps constant columns to the low end;
//!   [`KFold`] and [`StratifiedKFold`] (unshuffled) return scikit-learn's exact folds.
//!   Scalers share the [`Scaler`] trait and have no unfitted state: `fit` returns the
//!   fitted scaler, which is serializable so it can be saved next to a model.
//! - **Seeded randomness.** Every shuffle draws from an explicit
//!   [`Rng`](gradus_tensor::Rng) seeded by the caller: the same seed gives the same split.
//!   The permutations are gradus's own, so shuffled splits match scikit-learn's sizes and
//!   algorithm but not numpy's random numbers.
//! - **One small trait for cross-validation.** [`Splitter`] turns a sample count (and labels,
//!   for stratification) into [`Fold`]s of row indices; [`CrossValidation`] is the closed set
//!   of splitters as a config enum.
//! - **Image augmentation.** [`ImageDataGenerator`] draws and applies Keras's random
//!   transforms (one affine warp with SciPy's fill modes, channel shift, flips, brightness)
//!   and standardizes; [`ImageDataGenerator::flow`] and [`ImageDataGenerator::augment`]
//!   turn images into an augmented [`BatchSource`](gradus_tensor::BatchSource) whose
//!   batches depend on (seed, epoch, batch) alone. Keras's two geometry bugs are fixed by
//!   default and reproduced with `keras_compat(true)`.
//! - **Bundled data.** [`bundled`] embeds the real data sets of `examples/data/` (diabetes,
//!   iris, wine, breast cancer, digits) and two photographs for examples and tests.
//! - **Images.** [`image`] loads and saves image files and serves a folder of class
//!   sub-folders as a batch source, with Keras's `load_img` / `flow_from_directory` meaning.
//!
//! ```
//! # fn main() -> Result<(), gradus_data::Error> {
//! use gradus_data::{bundled, KFold, Scaler, SplitOptions, Splitter, StandardScaler, train_test_split};
//!
//! let data = bundled::diabetes()?;
//! let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2).seed(42))?;
//! assert_eq!((split.x_train.rows(), split.x_test.rows()), (353, 89));
//!
//! // Fit the scaler on the training rows only, then apply it to both sides.
//! let scaler = StandardScaler::fit(&split.x_train)?;
//! let x_train = scaler.transform(&split.x_train)?;
//! let x_test = scaler.transform(&split.x_test)?;
//! assert_eq!(x_test.dims(), &[89, 10]);
//! # let _ = x_train;
//!
//! let folds = KFold::new(5).split(data.n_samples(), None)?;
//! assert_eq!(folds[0].test.len(), 89);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod alloc;
mod augment;
pub mod bundled;
mod cross_validation;
mod csv;
mod csv_cell;
mod csv_options;
mod csv_records;
mod dataset;
mod error;
pub mod image;
mod kfold;
mod min_max_scaler;
mod one_hot;
mod scaler;
mod scaling;
mod shuffle_split;
mod split;
mod split_options;
mod splitter;
mod standard_scaler;
mod stratified_kfold;

pub use augment::{
    Augmented, Centre, FeaturewiseStats, FitOptions, FlowOptions, ImageDataGenerator, MAX_SHIFT,
    MAX_ZOOM, ShiftRange, TransformParams, ZoomRange,
};
pub use cross_validation::CrossValidation;
pub use csv::{load_csv, load_csv_features, read_csv, read_csv_features};
pub use csv_options::{CsvOptions, Features};
pub use dataset::{Dataset, FeatureMatrix};
pub use error::{Error, Result};
pub use kfold::KFold;
pub use min_max_scaler::{MinMaxOptions, MinMaxScaler};
pub use one_hot::{decode_one_hot, one_hot};
pub use scaler::Scaler;
pub use shuffle_split::ShuffleSplit;
pub use split::{TrainTestSplit, split_indices, train_test_split};
pub use split_options::SplitOptions;
pub use splitter::{Fold, Splitter};
pub use standard_scaler::{StandardScaler, StandardScalerOptions};
pub use stratified_kfold::{SmallClasses, StratifiedKFold};
