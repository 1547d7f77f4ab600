//! Spec files: one TOML file describes a whole job — the data, the model, how it is
//! compiled and trained, and optionally how it is tuned. The `gradus` command line runs
//! them (`gradus fit SPEC`, `gradus tune SPEC`); Rust programs can load them too.
//!
//! Every section is a serde config of the library, with Keras's argument names and
//! defaults: [`DataSpec`] (`[data]`), [`ModelSpec`] (`[[model.layers]]`, each a
//! [`LayerConfig`](gradus_nn::LayerConfig)), [`CompileSpec`] (`[compile]`), Keras's
//! [`FitOptions`](gradus_nn::FitOptions) (`[fit]`, with `[[fit.callbacks]]`) and
//! [`TuneSpec`] (`[tune]`, whose search space is keyed by [`SpecPath`]s into the spec).
//!
//! Parsing is strict: an unknown key, a wrong type or an impossible value is a
//! [`SpecError`] with the file, line and column, and for a misspelt key or name, the
//! nearest valid one.
//!
//! ```
//! use gradus::spec::SpecFile;
//! let text = r#"
//! [data]
//! bundled = "diabetes"
//! scaling = "standard"
//!
//! [[model.layers]]
//! type = "dense"
//! units = 16
//! activation = "relu"
//!
//! [[model.layers]]
//! type = "dense"
//! units = 1
//!
//! [compile]
//! optimizer = { algorithm = "adam", learning_rate = 0.01 }
//! loss = "mse"
//! metrics = ["mae"]
//!
//! [fit]
//! epochs = 50
//! batch_size = 32
//!
//! [tune]
//! n_trials = 10
//! cv = 3
//! [tune.space]
//! "compile.optimizer.learning_rate" = { float = [1e-4, 0.1], log = true }
//! "model.layers[0].units" = { choice = [8, 16, 32] }
//! "#;
//! let file = SpecFile::parse("diabetes.toml", text.to_string())?;
//! assert_eq!(file.spec.fit.epochs, 50);
//! assert_eq!(file.spec.model.layer_configs().len(), 2);
//!
//! let typo = text.replace("epochs = 50", "epoch = 50");
//! let e = SpecFile::parse("diabetes.toml", typo).unwrap_err();
//! assert!(e.to_string().starts_with("diabetes.toml:21:1: unknown field `epoch`"), "{e}");
//! assert!(e.to_string().ends_with("did you mean `epochs`?"), "{e}");
//! # Ok::<(), gradus::Error>(())
//! ```

mod compile_spec;
mod data_spec;
mod images_spec;
mod model_spec;
mod spec_error;
mod spec_file;
mod spec_path;
mod train;
mod tune_spec;
mod tuning;

pub use compile_spec::CompileSpec;
pub use data_spec::{DataSpec, PreparedData, Scaling, is_classification};
pub use images_spec::{ImageSources, ImagesSpec, standardizing};
pub use model_spec::{LayerSpec, MAX_REPEAT, ModelSpec};
pub use spec_error::SpecError;
pub use spec_file::{MAX_SPEC_BYTES, Spec, SpecFile};
pub use spec_path::{Segment, SpecPath};
pub use train::Trained;
pub use tune_spec::{CvSpec, TuneSpec};
pub use tuning::{MAX_GRID_POINTS, TuneRun};
