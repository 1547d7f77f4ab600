//! [`Error`]: everything that can go wrong while drawing or writing a chart or an image grid.

use std::fmt;
use std::path::PathBuf;

/// One of a chart's two axes, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// The horizontal axis.
    X,
    /// The vertical axis.
    Y,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::X => "x",
            Axis::Y => "y",
        })
    }
}

/// What went wrong while drawing or writing a chart or an image grid. Each message names the
/// chart (by title), the series, the file or the image, and what would fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The chart has nothing finite to draw.
    #[error("chart `{0}` has no finite point to draw")]
    Empty(String),
    /// A logarithmic axis got a value ≤ 0.
    #[error(
        "chart `{title}`: series `{series}` has {axis} = {value}, which a log axis cannot show"
    )]
    LogAxis {
        /// The chart's title.
        title: String,
        /// The series.
        series: String,
        /// The axis.
        axis: Axis,
        /// The offending value.
        value: f64,
    },
    /// The values on an axis span more than a float can measure (from near `-f64::MAX` to
    /// near `f64::MAX`).
    #[error(
        "chart `{title}`: the {axis} values span [{low:e}, {high:e}], too wide to draw; \
         rescale the data or drop the outliers"
    )]
    Range {
        /// The chart's title.
        title: String,
        /// The axis.
        axis: Axis,
        /// The smallest value.
        low: f64,
        /// The largest value.
        high: f64,
    },
    /// A requested size outside [`MIN_SIDE`](crate::MIN_SIDE)`..=`[`MAX_SIDE`](crate::MAX_SIDE)
    /// pixels per side.
    #[error(
        "{what}: size {width}×{height} px is outside {min}..={max} px per side; \
         ask for a size in that range",
        min = crate::MIN_SIDE,
        max = crate::MAX_SIDE
    )]
    Size {
        /// What was being drawn: ``chart `title` `` or `image grid`.
        what: String,
        /// Requested width.
        width: u64,
        /// Requested height.
        height: u64,
    },
    /// An image given to an [`ImageGrid`](crate::ImageGrid) has a shape or data that do not
    /// fit.
    #[error("image of shape {shape:?}: {reason}")]
    Image {
        /// `[height, width, channels]` as given.
        shape: [usize; 3],
        /// What does not fit, and what would.
        reason: String,
    },
    /// An [`ImageGrid`](crate::ImageGrid) that cannot be laid out: no image, no column, or
    /// more pixels than one image may have.
    #[error("image grid: {0}")]
    Grid(String),
    /// A file name whose extension names no format gradus can write.
    #[error("{}: cannot tell the image format; use a `.png` or `.svg` extension", path.display())]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// The drawing backend failed.
    #[error("drawing {what}: {message}")]
    Draw {
        /// What was being drawn: ``chart `title` `` or `image grid`.
        what: String,
        /// The backend's message.
        message: String,
    },
    /// Writing the file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}
