//! The error type of the `gradus` facade.

/// Anything that can go wrong in gradus: an error of one of the crates, or of the glue
/// between them (a missing or mistyped search parameter, an empty search).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From the training engine.
    #[error(transparent)]
    Nn(#[from] gradus_nn::Error),
    /// From data loading, splitting or scaling.
    #[error(transparent)]
    Data(#[from] gradus_data::Error),
    /// From the tuner.
    #[error(transparent)]
    Tune(#[from] gradus_tune::Error),
    /// From building or reshaping a tensor.
    #[error(transparent)]
    Tensor(#[from] gradus_tensor::Error),
    /// From a batch source (an image that cannot be read, …).
    #[error("batch source: {0}")]
    Source(gradus_tensor::SourceError),
    /// From drawing or writing a chart.
    #[error(transparent)]
    Plot(#[from] gradus_plot::Error),
    /// Reading or writing a file or directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A parameter the estimator asked for is missing or of another type.
    #[error("parameter `{name}`: {problem}")]
    Param {
        /// The parameter's name.
        name: String,
        /// What is wrong, and what the search space holds.
        problem: String,
    },
    /// Predictions and targets that a scorer cannot compare (a regression scorer on class
    /// scores, accuracy on continuous targets, mismatched rows, NaN).
    #[error("scoring `{scoring}`: {reason}")]
    Scoring {
        /// The scorer's scikit-learn name.
        scoring: &'static str,
        /// What does not fit, and what would.
        reason: String,
    },
    /// A search could not produce a result.
    #[error("search: {0}")]
    Search(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
