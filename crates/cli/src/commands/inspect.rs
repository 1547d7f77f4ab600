//! `gradus study list`, `show` and `export`: reading studies without changing them.

use std::io::Write;

use gradus::tune::storage::redact_url;
use serde_json::json;

use super::{builder, load, open, study_error, where_};
use crate::cli::{ExportArgs, Format, ListArgs, ShowArgs};
use crate::commands::study::direction_name;
use crate::exit::{CliError, Result};
use crate::output::{opt_number, params_text, print, print_json, table};

/// `gradus study list`: every study with its trial counts and best value.
///
/// # Errors
/// What opening or reading the storage reports.
pub fn list(args: &ListArgs) -> Result<()> {
    let storage = open(&args.storage)?;
    let studies = storage.list_studies().map_err(|e| {
        CliError::from(e).context(format!(
            "listing the studies of {}",
            redact_url(&args.storage)
        ))
    })?;
    if args.json {
        let rows: Vec<_> = studies
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "direction": direction_name(s.direction),
                    "n_trials": s.n_trials,
                    "n_complete": s.n_complete,
                    "best_value": s.best_value,
                    "best_trial": s.best_trial,
                })
            })
            .collect();
        return print_json(&rows);
    }
    let rows: Vec<Vec<String>> = studies
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                direction_name(s.direction).to_owned(),
                s.n_trials.to_string(),
                s.n_complete.to_string(),
                opt_number(s.best_value),
                s.best_trial.map_or_else(|| "-".into(), |n| n.to_string()),
            ]
        })
        .collect();
    print(&table(
        &[
            "name",
            "direction",
            "trials",
            "complete",
            "best value",
            "best trial",
        ],
        &rows,
    ))
}

/// `gradus study show`: the study's trials as a table (or one JSON document).
///
/// # Errors
/// An unknown study, what the storage reports.
pub fn show(args: &ShowArgs) -> Result<()> {
    let t = &args.target;
    let storage = open(&t.storage)?;
    let id = storage
        .study_id_from_name(&t.study)
        .map_err(|e| study_error(t, e))?;
    let direction = storage.study_direction(id).map_err(|e| study_error(t, e))?;
    let trials = storage
        .get_all_trials(id, None)
        .map_err(|e| study_error(t, e))?;
    if args.json {
        let rows: Vec<_> = trials
            .iter()
            .map(|tr| {
                json!({
                    "number": tr.number,
                    "state": tr.state,
                    "value": tr.value,
                    "params": tr.params,
                    "duration": tr.duration(),
                    "fail_reason": tr.fail_reason(),
                })
            })
            .collect();
        return print_json(&json!({
            "study": t.study,
            "direction": direction_name(direction),
            "trials": rows,
        }));
    }
    let rows: Vec<Vec<String>> = trials
        .iter()
        .map(|tr| {
            vec![
                tr.number.to_string(),
                tr.state.to_string(),
                opt_number(tr.value),
                tr.duration()
                    .map_or_else(|| "-".into(), |d| format!("{d:.3}")),
                params_text(&tr.params),
            ]
        })
        .collect();
    print(&format!(
        "{} ({}, {} trials)\n{}",
        where_(t),
        direction_name(direction),
        trials.len(),
        table(&["number", "state", "value", "duration_s", "params"], &rows)
    ))
}

/// `gradus study export`: the trials as CSV or JSON, to stdout or a file. The file is
/// written only after every trial was read, so a failed read leaves no half file.
///
/// # Errors
/// An unknown study, what the storage reports, a file that cannot be written.
pub fn export(args: &ExportArgs) -> Result<()> {
    let t = &args.target;
    let study = load(t, builder(t)?)?;
    let mut bytes = Vec::new();
    match args.format {
        Format::Csv => study.write_trials_csv(&mut bytes),
        Format::Json => study
            .write_trials_json(&mut bytes)
            .map(|()| bytes.push(b'\n')),
    }
    .map_err(|e| study_error(t, e))?;
    match &args.output {
        None => print(&String::from_utf8_lossy(&bytes)),
        Some(path) => std::fs::File::create(path)
            .and_then(|mut f| f.write_all(&bytes))
            .map_err(|e| {
                CliError::runtime(format!(
                    "--output {}: cannot write the export: {e}",
                    path.display()
                ))
            }),
    }
}
