//! gradus: train and tune neural networks on your own data, on the CPU, with the semantics of
//! Keras, scikit-learn and Optuna.
//!
//! This is the crate to depend on. It re-exports the workspace's crates as modules —
//! [`tensor`] (tensors and math), [`nn`] (layers, losses, optimizers, `Sequential`),
//! [`data`] (CSV, splits, scalers, folds, bundled data sets), [`tune`] (studies,
//! samplers, pruners) and [`plot`] (PNG and SVG charts) — and joins training with tuning:
//!
//! - [`cross_val_score`] / [`cross_validate`]: scikit-learn's cross-validation of a model
//!   built from parameters by an [`Estimator`] closure;
//! - [`GridSearchCv`], [`RandomizedSearchCv`], [`TpeSearchCv`] and [`SamplerSearchCv`] (any
//!   sampler): the searches of scikit-learn (and hyperopt's TPE) over a [`ParamGrid`] or a
//!   [`SearchSpace`], returning `best_params`, `best_score`, `best_model` and `cv_results`;
//! - [`spec`]: TOML spec files of a whole job (data, model, compile, fit, tune), what the
//!   `gradus` command line runs;
//! - [`fmin`] with [`hp`] expressions: hyperopt's `fmin(objective, space, algo, max_evals)`
//!   over a tuner study, returning the best parameters as values;
//! - [`PruningCallback`]: reports each epoch to a tuner trial and stops unpromising ones;
//! - [`plots`]: data with a fitted line, learning curves (one chart per metric), optimization
//!   history, parameter slices, predicted-vs-actual charts and image grids, as PNG or SVG
//!   (through [`plot`]).
//!
//! [`prelude`] imports the common names at once.
//!
//! ```
//! use gradus::prelude::*;
//!
//! let data = bundled::diabetes()?;
//! let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2))?;
//! let scaler = StandardScaler::fit(&split.x_train)?;
//! let mut model = Sequential::new();
//! model.add(Dense::new(16).activation(Activation::Relu));
//! model.add(Dense::new(1));
//! model.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[Metric::Mae])?;
//! let fit = FitConfig::new().epochs(5).verbose(Verbosity::Silent);
//! let history = model.fit(&scaler.transform(&split.x_train)?, &split.y_train, fit)?;
//! assert_eq!(history.epochs_run(), 5);
//! # Ok::<(), gradus::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cross_val;
mod error;
mod estimator;
mod fmin;
mod grid_search_cv;
pub mod hp;
pub mod plots;
pub mod prelude;
mod pruning;
mod randomized_search_cv;
mod sampler_search_cv;
mod scoring;
mod search_cv;
mod search_options_builder;
mod search_space;
pub mod spec;
mod tpe_search_cv;

pub use cross_val::{CvOptions, CvResult, cross_val_score, cross_validate};
pub use error::{Error, Result};
pub use estimator::{BuildEstimator, Estimator};
pub use fmin::{Algo, FminOptions, FminResult, fmin, fmin_with};
pub use gradus_tune::Params;
pub use grid_search_cv::GridSearchCv;
pub use pruning::{Pruned, PruningCallback};
pub use randomized_search_cv::RandomizedSearchCv;
pub use sampler_search_cv::SamplerSearchCv;
pub use scoring::Scoring;
pub use search_cv::{CandidateResult, SearchOptions, SearchResult};
pub use search_space::{ParamGrid, SearchSpace};
pub use tpe_search_cv::TpeSearchCv;

/// Tensors and the math on them: the row-major f32 [`Tensor`](tensor::Tensor), GEMM,
/// activations, reductions, image kernels ([`ops`](tensor::ops)), the seeded
/// [`Rng`](tensor::Rng) and the [`BatchSource`](tensor::BatchSource) seam that feeds
/// training. (The `gradus-tensor` crate, documented here in full.)
pub mod tensor {
    #[doc(inline)]
    pub use gradus_tensor::*;
}

/// The training engine: layers, losses, regularizers, initializers, optimizers,
/// callbacks, metrics and the Keras-style [`Sequential`](nn::Sequential) model. (The
/// `gradus-nn` crate, documented here in full.)
pub mod nn {
    #[doc(inline)]
    pub use gradus_nn::*;
}

/// Data: CSV loading, images and augmentation, splits, scalers, one-hot encoding,
/// cross-validation splitters and the bundled data sets. (The `gradus-data` crate,
/// documented here in full.)
pub mod data {
    #[doc(inline)]
    pub use gradus_data::*;
}

/// The tuner: define-by-run studies and trials, samplers, pruners and storages, with
/// Optuna's semantics. (The `gradus-tune` crate, documented here in full.)
pub mod tune {
    #[doc(inline)]
    pub use gradus_tune::*;
}

/// Charts from plain series (PNG and SVG) and image grids. (The `gradus-plot` crate,
/// documented here in full.)
pub mod plot {
    #[doc(inline)]
    pub use gradus_plot::*;
}
