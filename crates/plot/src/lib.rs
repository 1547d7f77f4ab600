//! Charts for gradus, drawn from plain numbers.
//!
//! A [`Chart`] is data: a title, axis labels, a linear or logarithmic y axis, and
//! [`Series`] of points drawn as lines or markers. [`Chart::to_svg`] renders it with
//! `plotters`' SVG backend (text is left to the viewer's fonts, so nothing is needed on the
//! machine), and [`Chart::save_svg`] writes it to a file. The crate knows nothing about
//! models or studies: the `gradus` facade turns a training history or a tuning study into
//! series.
//!
//! ```
//! use gradus_plot::{Chart, Series};
//! let chart = Chart::new("loss")
//!     .x_label("epoch")
//!     .series(Series::line("loss", vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.4)]))
//!     .series(Series::points("val_loss", vec![(1.0, 1.0), (2.0, 0.6), (3.0, 0.55)]));
//! let svg = chart.to_svg().unwrap();
//! assert!(svg.starts_with("<svg") && svg.contains("val_loss"));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod chart;

pub use chart::{Chart, Error, Series, SeriesKind};
