//! `gradus fit SPEC`: train the model a spec describes and write a run directory.

use std::path::Path;
use std::time::Instant;

use gradus::nn::{Logs, Verbosity};
use gradus::spec::{Spec, SpecFile, Trained};
use serde::Serialize;

use super::run_dir::{
    HISTORY, MODEL, SPEC, history_csv, learning_curve_charts, new_run_dir, write_atomic,
    write_chart, write_json,
};
use crate::cli::FitArgs;
use crate::exit::{CliError, Result};
use crate::output::{print, print_json};

/// What `summary.json` and `gradus fit --json` hold.
#[derive(Serialize)]
pub struct RunSummary {
    /// The run directory.
    pub run: String,
    /// Training and test rows.
    pub rows: (usize, usize),
    /// The shape of one input: `[features]`, or `[height, width, channels]`.
    pub input_shape: Vec<usize>,
    /// Epochs trained.
    pub epochs: usize,
    /// The last epoch's logs.
    pub final_logs: Logs,
    /// Loss and metrics on the test rows.
    pub test: Logs,
    /// Seconds spent loading and training.
    pub seconds: f64,
}

/// `gradus fit`.
///
/// # Errors
/// A bad spec or data (exit 2); a training or I/O failure (exit 1).
pub fn run(args: &FitArgs) -> Result<()> {
    let file = SpecFile::load(&args.spec)?;
    let mut spec = file.spec.clone();
    if args.output.quiet || args.output.json {
        spec.fit.verbose = Verbosity::Silent;
    }
    let dir = new_run_dir(args.out.as_deref(), &file.name(), args.force)?;
    let start = Instant::now();
    let trained = spec.train(file.base_dir(), Vec::new())?;
    let seconds = start.elapsed().as_secs_f64();
    let summary = save_run(&dir, file.base_dir(), &spec, &trained, seconds)?;
    if args.output.json {
        print_json(&summary)
    } else {
        print(&summary_text(&summary))
    }
}

/// Writes the model, the spec as trained (data paths made absolute from `base`), the history, the learning curves and
/// `summary.json` into `dir`.
///
/// # Errors
/// What saving reports.
pub fn save_run(
    dir: &Path,
    base: &Path,
    spec: &Spec,
    trained: &Trained,
    seconds: f64,
) -> Result<RunSummary> {
    trained
        .model
        .save(dir.join(MODEL))
        .map_err(gradus::Error::from)?;
    let mut as_trained = spec.clone();
    as_trained.tune = None;
    as_trained.fit.verbose = Verbosity::ProgressBar;
    // Data paths in the saved spec must resolve from the run directory.
    let absolute = |p: &Path| {
        let p = base.join(p);
        std::path::absolute(&p).unwrap_or(p)
    };
    if let Some(csv) = &as_trained.data.csv {
        as_trained.data.csv = Some(absolute(csv));
    }
    if let Some(images) = &mut as_trained.data.images {
        images.directory = absolute(&images.directory);
    }
    let text = toml::to_string(&as_trained)
        .map_err(|e| CliError::runtime(format!("cannot write the spec as TOML: {e}")))?;
    write_atomic(&dir.join(SPEC), text.as_bytes())?;
    write_atomic(&dir.join(HISTORY), history_csv(&trained.history).as_bytes())?;
    for (stem, chart) in learning_curve_charts(&trained.history) {
        write_chart(dir, &stem, chart, (720, 480))?;
    }
    let summary = RunSummary {
        run: dir.display().to_string(),
        rows: trained.rows,
        input_shape: trained.input_shape.clone(),
        epochs: trained.history.epochs_run(),
        final_logs: trained
            .history
            .history
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), *v.last()?)))
            .collect(),
        test: trained.test.clone(),
        seconds,
    };
    write_json(&dir.join("summary.json"), &summary)?;
    Ok(summary)
}

/// The summary as lines of text.
pub fn summary_text(s: &RunSummary) -> String {
    let logs = |l: &Logs| {
        l.iter()
            .map(|(k, v)| format!("{k}: {v:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "trained {} epochs on {} samples of shape {:?} in {:.2} s\nfinal: {}\n",
        s.epochs,
        s.rows.0,
        s.input_shape,
        s.seconds,
        logs(&s.final_logs)
    );
    if !s.test.is_empty() {
        out.push_str(&format!("test ({} samples): {}\n", s.rows.1, logs(&s.test)));
    }
    out.push_str(&format!("run written to {}\n", s.run));
    out
}
