//! Charts of what gradus produces: data with a fitted line, a training [`History`], a tuning
//! [`Study`], predictions, images.
//!
//! Each function returns a [`Chart`] (data) or an [`ImageGrid`]; adjust it with their
//! builders ([`Chart::size`], [`Chart::x_label`], …) and write it with [`Chart::save`] /
//! [`ImageGrid::save`], which pick PNG or SVG from the file's extension.
//!
//! ```
//! # let dir = tempfile_dir();
//! # fn tempfile_dir() -> std::path::PathBuf {
//! #     let d = std::env::temp_dir().join(format!("gradus-plots-doc-{}", std::process::id()));
//! #     std::fs::create_dir_all(&d).unwrap();
//! #     d
//! # }
//! let x = [0.0, 1.0, 2.0, 3.0];
//! let y = [1.1, 2.9, 5.2, 6.8];
//! let chart = gradus::plots::fitted_line(&x, &y, |x| 1.0 + 2.0 * x)?.size(640, 400);
//! chart.save(dir.join("fit.png"))?;
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), gradus::Error>(())
//! ```
//!
//! [`History`]: gradus_nn::History
//! [`Study`]: gradus_tune::Study

mod data;
mod history;
mod images;
mod study;

pub use data::{fitted_line, predicted_vs_actual};
pub use gradus_plot::{Chart, ImageGrid};
pub use history::{learning_curves, learning_curves_by_metric};
pub use images::image_grid;
pub use study::{optimization_history, param_slices};
