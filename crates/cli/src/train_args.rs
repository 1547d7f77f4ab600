//! The clap types of the training commands: `fit`, `evaluate`, `predict`, `summary`,
//! `tune`, `augment`, `demo` and `plot`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Output options every result-printing command shares.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct OutputArgs {
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `gradus fit SPEC`.
#[derive(Args, Debug)]
pub struct FitArgs {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// The run directory (default: runs/NAME, or runs/NAME-2, … when taken). An existing
    /// directory is only reused with --force.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into --out even if it holds an earlier run.
    #[arg(long)]
    pub force: bool,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gradus evaluate RUN --data CSV`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// A run directory written by `gradus fit`.
    pub run: PathBuf,
    /// A CSV file with the run's feature and target columns.
    #[arg(long, value_name = "CSV")]
    pub data: PathBuf,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gradus predict RUN --data CSV`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// A run directory written by `gradus fit`.
    pub run: PathBuf,
    /// A CSV file with the run's feature columns (a target column is ignored).
    #[arg(long, value_name = "CSV")]
    pub data: PathBuf,
}

/// `gradus summary SPEC`.
#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gradus tune SPEC`.
#[derive(Args, Debug)]
pub struct TuneArgs {
    /// The spec file (TOML) with a `[tune]` section.
    pub spec: PathBuf,
    /// The tuning directory (default: runs/NAME-tune; a second run resumes its study).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The storage URL, in place of tune.storage (default: sqlite in the directory).
    #[arg(long, value_name = "URL")]
    pub storage: Option<String>,
    /// Trials to run now, in place of tune.n_trials.
    #[arg(long, value_name = "N")]
    pub n_trials: Option<usize>,
    /// Train the best configuration on all training rows into DIR/best.
    #[arg(long)]
    pub refit: bool,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Keras's fill modes, for `augment`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillModeArg {
    /// The nearest edge pixel.
    Nearest,
    /// A constant (--cval).
    Constant,
    /// Mirror at the edge.
    Reflect,
    /// Tile the image.
    Wrap,
}

/// `gradus augment IMAGE --n N --out DIR`.
#[derive(Args, Debug)]
pub struct AugmentArgs {
    /// The image file (PNG, JPEG, BMP, GIF, TIFF, PNM), or `bundled:china` /
    /// `bundled:flower` for a bundled photo.
    pub image: String,
    /// How many augmented images to write.
    #[arg(long, short, default_value_t = 9)]
    pub n: usize,
    /// Where to write them (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Degrees of random rotation (Keras rotation_range).
    #[arg(long, default_value_t = 0.0)]
    pub rotation_range: f64,
    /// Fraction of the width to shift by at most.
    #[arg(long, default_value_t = 0.0)]
    pub width_shift_range: f64,
    /// Fraction of the height to shift by at most.
    #[arg(long, default_value_t = 0.0)]
    pub height_shift_range: f64,
    /// Shear angle in degrees.
    #[arg(long, default_value_t = 0.0)]
    pub shear_range: f64,
    /// Zoom in [1 − z, 1 + z].
    #[arg(long, default_value_t = 0.0)]
    pub zoom_range: f64,
    /// Random horizontal flips.
    #[arg(long)]
    pub horizontal_flip: bool,
    /// Random vertical flips.
    #[arg(long)]
    pub vertical_flip: bool,
    /// Brightness factor range, e.g. 0.5 1.5.
    #[arg(long, num_args = 2, value_names = ["LOW", "HIGH"])]
    pub brightness_range: Option<Vec<f64>>,
    /// How points outside the image are filled.
    #[arg(long, value_enum, default_value = "nearest")]
    pub fill_mode: FillModeArg,
    /// The value for --fill-mode constant.
    #[arg(long, default_value_t = 0.0)]
    pub cval: f32,
    /// Seed of the random transforms.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Grid columns in grid.png.
    #[arg(long, default_value_t = 3)]
    pub cols: usize,
    /// Print the written files as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `gradus demo [NAME]`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// The topic; without one, the list of topics.
    pub name: Option<String>,
    /// Where demos write their figures (default: the working directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `gradus plot DIR`.
#[derive(Args, Debug)]
pub struct PlotArgs {
    /// A run directory (`gradus fit`) or tuning directory (`gradus tune`).
    pub dir: PathBuf,
    /// Width and height of the figures in pixels.
    #[arg(long, num_args = 2, value_names = ["WIDTH", "HEIGHT"], default_values_t = [720, 480])]
    pub size: Vec<u32>,
    /// Print the written files as one JSON document.
    #[arg(long)]
    pub json: bool,
}
