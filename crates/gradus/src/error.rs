//! The error type of the `gradus` facade.
//!
//! Its `Debug` is its message followed by the chain of causes, as `anyhow`'s is, so that
//! `fn main() -> gradus::Result<()>` prints a sentence a user can act on rather than a
//! struct dump.

use std::error::Error as _;
use std::fmt;
use std::path::PathBuf;

/// Anything that can go wrong in gradus: an error of one of the crates, or of the glue
/// between them (a missing or mistyped search parameter, an empty search).
///
/// `?` converts the sub-crates' errors and [`std::io::Error`] into it; [`Error::io`] adds
/// the path to an I/O error:
///
/// ```
/// fn run() -> gradus::Result<()> {
///     let dir = std::path::Path::new("/proc/no/such/dir");
///     std::fs::create_dir_all(dir).map_err(gradus::Error::io(dir))?;
///     Ok(())
/// }
/// let e = run().unwrap_err();
/// assert!(e.to_string().starts_with("/proc/no/such/dir: "));
/// // What `fn main() -> gradus::Result<()>` prints is the message, not a struct.
/// assert!(format!("{e:?}").starts_with("/proc/no/such/dir: "));
/// ```
#[derive(thiserror::Error)]
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
    #[error("{}{source}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    Io {
        /// The file or directory, where known (`?` on a bare [`std::io::Error`] has none).
        path: Option<PathBuf>,
        /// The cause.
        source: std::io::Error,
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
    /// A spec file that cannot be used (with its file, line and column).
    #[error(transparent)]
    Spec(crate::spec::SpecError),
    /// A search could not produce a result.
    #[error("search: {0}")]
    Search(String),
}

impl Error {
    /// A function that wraps an I/O error with the `path` it concerns, for `map_err`:
    /// `std::fs::read(&p).map_err(gradus::Error::io(&p))?`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            path: Some(path),
            source,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Error {
        Error::Io { path: None, source }
    }
}

/// The message, then each cause that the message does not already contain.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.to_string();
        f.write_str(&message)?;
        let mut shown = message;
        let mut cause = self.source();
        let mut first = true;
        while let Some(c) = cause {
            let text = c.to_string();
            if !shown.contains(&text) {
                if first {
                    f.write_str("\n\nCaused by:")?;
                    first = false;
                }
                write!(f, "\n    {text}")?;
                shown.push_str(&text);
            }
            cause = c.source();
        }
        Ok(())
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
