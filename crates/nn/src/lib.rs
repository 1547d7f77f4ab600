//! The training engine of gradus: layers, losses, regularizers, initializers, optimizers,
//! callbacks, metrics and the Keras-style [`Sequential`] model.
//!
//! # Design
//!
//! - **Explicit backprop.** Each [`Layer`] writes its backward pass next to its forward
//!   pass; there is no autodiff graph. A layer caches what its backward pass needs and
//!   keeps its output and gradient buffers, resized per batch shape, so that a training
//!   step allocates nothing once the largest batch has been seen.
//! - **Config is data.** Every layer, loss, optimizer and metric has a serde configuration
//!   with Keras's defaults ([`LayerConfig`], [`LossConfig`], [`OptimizerConfig`],
//!   [`Metric`]); runtime objects are built from it, and a saved model is its configuration
//!   plus its tensors.
//! - **Keras semantics.** Losses are batch means; weight penalties (no ½) are added once
//!   per batch, activity penalties divided by the batch's rows, both included in `loss` and
//!   `val_loss`; Adam puts ε on the uncorrected `√v`; batch normalisation keeps a biased
//!   moving variance with momentum 0.99; `EarlyStopping` follows Keras 3 to the letter.
//!   Where gradus differs on purpose (fusing softmax with cross-entropy, erroring on an
//!   unknown monitored key), the item's docs say so.
//! - **Bad input is an error, never a crash.** Sizes are checked before anything is
//!   allocated ([`gradus_tensor::Tensor::MAX_ALLOC`]), weights must be finite
//!   ([`Sequential::set_weights`], [`Sequential::load`]), a non-finite loss or weight stops
//!   `fit` as Keras's `TerminateOnNaN` does but with the model left at finite weights
//!   ([`Error::Diverged`], which carries the history), and saves are all-or-nothing
//!   ([`Sequential::save`]).
//! - **Decisions as values.** [`Callback`]s hold no reference to the model; they return a
//!   [`Control`] that `fit` applies.
//! - **All arithmetic on arrays is in `gradus_tensor`**, so that another device is a local
//!   change there.
//!
//! ```
//! use gradus_nn::{Dense, Dropout, FitConfig, LossConfig, Metric, OptimizerConfig, Regularizer,
//!     Sequential, Verbosity};
//! use gradus_tensor::{Activation, Rng, Tensor};
//! let mut rng = Rng::new(0);
//! let x = Tensor::from_vec((0..400).map(|_| rng.normal() as f32).collect(), &[100, 4]).unwrap();
//! let y = Tensor::column(&(0..100).map(|i| x.row(i).iter().sum::<f32>()).collect::<Vec<_>>());
//! let mut model = Sequential::new();
//! model.add(Dense::new(16).activation(Activation::Relu).kernel_regularizer(Regularizer::l2(1e-4)));
//! model.add(Dropout::new(0.1));
//! model.add(Dense::new(1));
//! model.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[Metric::Mae]).unwrap();
//! let history = model.fit(&x, &y, FitConfig::new().epochs(50).verbose(Verbosity::Silent)).unwrap();
//! assert!(history.last("loss").unwrap() < history.get("loss").unwrap()[0]);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod callbacks;
mod error;
mod evaluate;
mod feed;
mod fit;
mod fit_config;
mod history;
mod hyperparameter;
mod initializer;
mod initializer_names;
mod layer;
mod layers;
mod losses;
mod metric;
mod metric_names;
mod optimizers;
mod param;
mod regularizer;
mod save;
mod sequential;
mod summary;
mod train_step;
mod weights;

pub use callbacks::{
    Callback, CallbackConfig, Control, CsvLogger, CsvLoggerConfig, EarlyStopping,
    EarlyStoppingConfig, Logs, ModelCheckpoint, ModelCheckpointConfig, Monitor, MonitorMode,
    ProgressLogger, ReduceLrOnPlateau, ReduceLrOnPlateauConfig, TrainBegin, Verbosity,
};
pub use error::{Divergence, Error, Result};
pub use fit_config::{FitConfig, FitOptions};
pub use gradus_tensor::Activation;
pub use gradus_tensor::ops::Padding;
pub use gradus_tensor::{BatchKey, BatchSource, SourceError, TensorSource};
pub use history::History;
pub use hyperparameter::{CountArg, FloatArg};
pub use initializer::Initializer;
pub use layer::{GradFlow, Layer, Mode};
pub use layers::{
    ActivationConfig, ActivationLayer, AveragePooling2D, BatchNormalization,
    BatchNormalizationConfig, Conv2D, Conv2DConfig, Dense, DenseConfig, Dropout, DropoutConfig,
    Flatten, FlattenConfig, GlobalAveragePooling2D, GlobalMaxPooling2D, GlobalPool2DConfig,
    LayerConfig, MaxPooling2D, NORMALIZATION_EPSILON, Normalization, NormalizationConfig,
    Pool2DConfig,
};
pub use losses::{
    BinaryCrossentropy, BuiltLoss, CategoricalCrossentropy, CrossentropyInput, EPSILON, Huber,
    Loss, LossConfig, MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy,
};
pub use metric::{Metric, MetricTracker};
pub use optimizers::{
    Adagrad, Adam, Algorithm, LearningRate, LearningRateSchedule, Optimizer, OptimizerConfig,
    OptimizerState, Rmsprop, Sgd, Step, UpdateRule,
};
pub use param::Param;
pub use regularizer::Regularizer;
pub use sequential::Sequential;
pub use weights::Weights;
