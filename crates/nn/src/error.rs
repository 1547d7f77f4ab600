//! The error type of gradus-nn.

use std::path::PathBuf;

/// What went wrong while building, training, evaluating, saving or loading a model.
///
/// Every variant names the offending thing (layer, field, row, file) and, where there is
/// one, what would fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of its valid range.
    #[error("invalid {field} = {value}: {expected}")]
    Config {
        /// The field, e.g. `Dropout.rate` or `FitOptions.batch_size`.
        field: String,
        /// The value given, as text.
        value: String,
        /// What the field accepts.
        expected: String,
    },
    /// A tensor's shape does not fit where it is used.
    #[error("shape mismatch in {context}: expected {expected}, got {got}{hint}")]
    Shape {
        /// Where: a layer, `x`, `y`, the loss, ….
        context: String,
        /// What was expected, e.g. `[*, 64]`.
        expected: String,
        /// What was given.
        got: String,
        /// What to change (empty or starting with `; `).
        hint: String,
    },
    /// A layer rejected its configuration or its input shape.
    #[error("layer `{layer}`: {source}")]
    Layer {
        /// The layer's name in the model.
        layer: String,
        /// What the layer reported.
        source: Box<Error>,
    },
    /// Input data holds a NaN or an infinity.
    #[error(
        "{what} has a non-finite value ({value}) at row {row}, column {column}; clean or impute the data before training"
    )]
    NonFinite {
        /// `x`, `y`, `validation x`, ….
        what: String,
        /// Row index, from 0.
        row: usize,
        /// Column index, from 0.
        column: usize,
        /// The value found.
        value: f32,
    },
    /// A target value is not valid for the loss (e.g. a class id out of range).
    #[error("{what} row {row}: {reason}")]
    Target {
        /// `y` or `validation y`.
        what: String,
        /// Row index, from 0.
        row: usize,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// The model must be compiled (optimizer and loss chosen) first.
    #[error("the model is not compiled: call `compile(optimizer, loss, metrics)` before `{0}`")]
    NotCompiled(&'static str),
    /// The model has no layers, or has not been built.
    #[error("the model is not built: {0}")]
    NotBuilt(String),
    /// A monitored quantity or metric name is unknown.
    #[error("unknown {kind} `{name}`{context}; available: {available}")]
    UnknownName {
        /// What kind of name: metric, monitor, ….
        kind: &'static str,
        /// The name given.
        name: String,
        /// Who asked for it (empty, or starting with a space: ` for EarlyStopping`).
        context: String,
        /// The names that exist.
        available: String,
    },
    /// Training produced a non-finite loss or weight and stopped, as Keras's
    /// `TerminateOnNaN` does, but the model is reset to the weights (and batch-normalisation
    /// statistics) it had at the start of that epoch — all finite — unless a callback
    /// restored others at the end of training (EarlyStopping's `restore_best_weights`).
    /// `history` holds the completed epochs.
    #[error(
        "{cause} at epoch {epoch}, batch {batch}; training stopped and the model is back at its \
         weights from the start of that epoch. Lower the learning rate, scale the inputs or \
         clip gradients (clipnorm)"
    )]
    Diverged {
        /// What became non-finite.
        cause: Divergence,
        /// Epoch index, from 0.
        epoch: usize,
        /// Batch index within the epoch, from 0.
        batch: usize,
        /// The completed epochs' logs.
        history: Box<crate::History>,
    },
    /// A [`BatchSource`](crate::BatchSource) failed to fill a batch, or filled one that does
    /// not fit the model.
    #[error("batch source, {what}: {source}")]
    Source {
        /// Which batch, or what was wrong with it.
        what: String,
        /// What the source reported.
        source: gradus_tensor::SourceError,
    },
    /// A tensor could not be created (a size too large for memory, a bad shape).
    #[error(transparent)]
    Tensor(#[from] gradus_tensor::Error),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A saved model or checkpoint is malformed or does not match the model.
    #[error("{path}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// What made training stop in [`Error::Diverged`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Divergence {
    /// The batch's loss (with penalties) was NaN or infinite; nothing was updated.
    Loss(f64),
    /// An update left a weight NaN or infinite (a non-finite gradient, or an update that
    /// overflows). The optimizer's moment estimates are cleared as well.
    Weights(f64),
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Divergence::Loss(v) => write!(f, "the loss became {v}"),
            Divergence::Weights(v) => write!(f, "an update made a weight {v}"),
        }
    }
}

impl Error {
    /// Shorthand for [`Error::Config`].
    pub fn config(
        field: impl Into<String>,
        value: impl ToString,
        expected: impl Into<String>,
    ) -> Error {
        Error::Config {
            field: field.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }

    /// Shorthand for [`Error::Shape`] without a hint.
    pub fn shape(
        context: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Error {
        Error::Shape {
            context: context.into(),
            expected: expected.into(),
            got: got.into(),
            hint: String::new(),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
