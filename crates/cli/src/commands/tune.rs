//! `gradus tune SPEC`: run or resume the study of a spec's `[tune]` section and write its
//! results.
//!
//! ```text
//! DIR/ (default runs/NAME-tune)
//!   study.db                       the study (SQLite, unless --storage / tune.storage)
//!   trials.csv                     one row per trial
//!   best.json                      best value, parameters and trial number
//!   optimization_history.png/.svg  each trial's value and the best so far
//!   slice_PARAM.png/.svg           value against each parameter
//!   best/                          with --refit: a run directory of the best configuration
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use gradus::spec::{SpecFile, TuneRun};
use gradus::tune::storage::redact_url;
use gradus::tune::{Study, TrialState};
use serde_json::json;

use super::fit::{save_run, summary_text};
use super::open;
use super::run_dir::{file_stem, new_run_dir, write_atomic, write_chart, write_json};
use crate::cli::TuneArgs;
use crate::exit::{CliError, Result};
use crate::output::{print, print_json};

/// `gradus tune`.
///
/// # Errors
/// A bad spec, data or storage URL (exit 2); a storage, training or I/O failure (exit 1).
pub fn run(args: &TuneArgs) -> Result<()> {
    let file = SpecFile::load(&args.spec)?;
    let t = file.tune_spec()?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("runs").join(format!("{}-tune", file.name())));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", dir.display())))?;
    let url = match args.storage.clone().or_else(|| t.storage.clone()) {
        Some(url) => url,
        None => {
            let db = std::path::absolute(dir.join("study.db"))
                .map_err(|e| CliError::runtime(format!("{}: {e}", dir.display())))?;
            format!("sqlite://{}", db.display())
        }
    };
    let quiet = args.output.quiet || args.output.json;
    let study = file.tune(TuneRun {
        storage: Some(open(&url)?),
        n_trials: args.n_trials,
        show_progress_bar: !quiet,
    })?;
    write_results(&study, &dir, (720, 480))?;
    let best = study.best_trial().map_err(|e| {
        CliError::from(e).context(format!("study `{}` in {}", study.name(), redact_url(&url)))
    })?;
    let trials = study.trials()?;
    let count = |s: TrialState| trials.iter().filter(|t| t.state == s).count();
    let mut refit = None;
    if args.refit {
        let spec = file.with_params(&gradus::Params(best.params.clone()))?;
        let mut spec = spec;
        if quiet {
            spec.fit.verbose = gradus::nn::Verbosity::Silent;
        }
        let run_dir = new_run_dir(Some(&dir.join("best")), &file.name(), true)?;
        let start = Instant::now();
        let trained = spec.train(file.base_dir(), Vec::new())?;
        let seconds = start.elapsed().as_secs_f64();
        refit = Some(save_run(
            &run_dir,
            file.base_dir(),
            &spec,
            &trained,
            seconds,
        )?);
    }
    let params = gradus::Params(best.params.clone());
    if args.output.json {
        return print_json(&json!({
            "study": study.name(),
            "storage": redact_url(&url),
            "directory": dir.display().to_string(),
            "trials": trials.len(),
            "complete": count(TrialState::Complete),
            "pruned": count(TrialState::Pruned),
            "failed": count(TrialState::Failed),
            "best_trial": best.number,
            "best_value": best.value,
            "best_params": best.params,
            "refit": refit,
        }));
    }
    let mut out = format!(
        "study `{}` in {}: {} trials ({} complete, {} pruned, {} failed)\n",
        study.name(),
        redact_url(&url),
        trials.len(),
        count(TrialState::Complete),
        count(TrialState::Pruned),
        count(TrialState::Failed)
    );
    out.push_str(&format!(
        "Best: {} using {params} (trial {})\n",
        best.value.map_or("-".into(), |v| format!("{v:.6}")),
        best.number
    ));
    out.push_str(&format!("results written to {}\n", dir.display()));
    if let Some(r) = &refit {
        out.push_str(&summary_text(r));
    }
    print(&out)
}

/// trials.csv, best.json and the plots of `study` (`size` pixels) in `dir`; returns the
/// files written.
///
/// # Errors
/// A storage or I/O failure.
pub fn write_results(study: &Study, dir: &Path, size: (u32, u32)) -> Result<Vec<PathBuf>> {
    let mut csv = Vec::new();
    study.write_trials_csv(&mut csv)?;
    let mut written = vec![dir.join("trials.csv")];
    write_atomic(&written[0], &csv)?;
    if let Ok(best) = study.best_trial() {
        written.push(dir.join("best.json"));
        write_json(
            &dir.join("best.json"),
            &json!({
                "study": study.name(),
                "direction": format!("{:?}", study.direction()).to_lowercase(),
                "best_trial": best.number,
                "best_value": best.value,
                "best_params": best.params,
            }),
        )?;
        let chart = gradus::plots::optimization_history(study)?;
        written.extend(write_chart(dir, "optimization_history", chart, size)?);
        for (param, chart) in gradus::plots::param_slices(study)? {
            let stem = format!("slice_{}", file_stem(&param));
            written.extend(write_chart(dir, &stem, chart, size)?);
        }
    }
    Ok(written)
}
