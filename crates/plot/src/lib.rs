//! Charts for gradus, drawn from plain numbers, as PNG or SVG.
//!
//! A [`Chart`] is data: a title, axis labels, how each axis maps values ([`AxisKind`]:
//! linear, integer ticks for epochs and trials, logarithmic, categorical), [`Series`] of
//! points drawn as lines or markers (in the palette's colours or their own [`Rgb`]), and a
//! size in pixels. [`Chart::to_png`] renders it with `plotters`' bitmap backend and the bundled
//! DejaVu Sans font (so text needs nothing on the machine); [`Chart::to_svg`] with its SVG
//! backend (text left to the viewer's fonts). [`Chart::save`] writes either, chosen by the
//! file's extension, atomically. An [`ImageGrid`] lays out images with captions.
//!
//! The crate knows nothing about models or studies: the `gradus` facade turns a training
//! history or a tuning study into series. Nothing here panics on any input: bad values, sizes
//! and shapes are [`Error`]s that name the chart, the series, the image or the file.
//!
//! ```
//! use gradus_plot::{AxisKind, Chart, Series};
//! let chart = Chart::new("loss")
//!     .x_label("epoch")
//!     .x_axis(AxisKind::Integer)
//!     .series(Series::line("loss", vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.4)]))
//!     .series(Series::points("val_loss", vec![(1.0, 1.0), (2.0, 0.6), (3.0, 0.55)]));
//! let svg = chart.to_svg().unwrap();
//! assert!(svg.starts_with("<svg") && svg.contains("val_loss"));
//! let png = chart.to_png().unwrap();
//! assert!(png.starts_with(b"\x89PNG"));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod axis;
mod chart;
mod error;
mod font;
mod image_grid;
mod legend;
mod output;
mod render;
mod series;

pub use axis::AxisKind;
pub use chart::{Chart, MAX_SIDE, MIN_SIDE};
pub use error::{Axis, Error};
pub use image_grid::{GridImage, ImageGrid};
pub use output::Format;
pub use series::{Rgb, Series, SeriesKind};
