//! Run directories: what `gradus fit` writes and `evaluate`, `predict` and `plot` read.
//!
//! ```text
//! RUN/
//!   model/          the trained model (gradus's save format: model.json + weights)
//!   spec.toml       the spec as trained (tuned values set), for evaluate / predict
//!   history.csv     one row per epoch: epoch, loss, metrics, val_ versions
//!   loss.png/.svg   learning curves, one figure per metric (mae.png, accuracy.png, …)
//!   summary.json    rows, epochs, final logs, test metrics, seconds
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use gradus::nn::{History, Sequential};
use gradus::plot::Chart;
use gradus::spec::SpecFile;
use serde::Serialize;

use crate::exit::{CliError, Result};

/// The spec file name inside a run directory.
pub const SPEC: &str = "spec.toml";
/// The model folder inside a run directory.
pub const MODEL: &str = "model";
/// The history file inside a run directory.
pub const HISTORY: &str = "history.csv";

/// `dir` when given (refused if it holds a run, unless `force`), else `runs/NAME`, or
/// `runs/NAME-2`, `runs/NAME-3`, … when taken; created.
///
/// # Errors
/// A directory that holds a run (without `force`), or one that cannot be created.
pub fn new_run_dir(dir: Option<&Path>, name: &str, force: bool) -> Result<PathBuf> {
    let dir = match dir {
        Some(d) => {
            if d.join(SPEC).exists() && !force {
                return Err(CliError::usage(format!(
                    "{} holds an earlier run; pass --force to overwrite it, or another --out",
                    d.display()
                )));
            }
            d.to_path_buf()
        }
        None => {
            let base = Path::new("runs");
            (1..)
                .map(|i| match i {
                    1 => base.join(name),
                    i => base.join(format!("{name}-{i}")),
                })
                .find(|d| !d.exists())
                .expect("some index is free")
        }
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

/// Writes `bytes` to `path` atomically: a uniquely named temporary file in the same folder
/// (`tempfile`), persisted over `path`.
///
/// # Errors
/// A runtime error naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail =
        |e: std::io::Error| CliError::runtime(format!("cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes `value` as pretty JSON to `path`, atomically.
///
/// # Errors
/// As [`write_atomic`].
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::runtime(format!("cannot encode {}: {e}", path.display())))?;
    write_atomic(path, format!("{text}\n").as_bytes())
}

/// The history as CSV: `epoch` (from 1) and one column per log key.
pub fn history_csv(history: &History) -> String {
    let keys: Vec<&String> = history.history.keys().collect();
    let mut out = String::from("epoch");
    for k in &keys {
        out.push(',');
        out.push_str(k);
    }
    out.push('\n');
    for (row, epoch) in history.epoch.iter().enumerate() {
        out.push_str(&(epoch + 1).to_string());
        for k in &keys {
            out.push(',');
            if let Some(v) = history.history[*k].get(row) {
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// Reads a history written by [`history_csv`].
///
/// # Errors
/// A usage error naming the file and line for anything else.
pub fn read_history(path: &Path) -> Result<History> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let bad = |line: usize, why: &str| {
        CliError::usage(format!(
            "{}:{line}: {why}; the file is not a gradus history.csv",
            path.display()
        ))
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| bad(1, "empty"))?
        .split(',')
        .collect();
    if header.first() != Some(&"epoch") {
        return Err(bad(1, "the first column is not `epoch`"));
    }
    let mut history = History::default();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(bad(
                i + 2,
                "a row with another number of cells than the header",
            ));
        }
        let epoch: usize = cells[0]
            .parse()
            .ok()
            .filter(|&e| e >= 1)
            .ok_or_else(|| bad(i + 2, "an epoch that is not a number ≥ 1"))?;
        let mut logs = gradus::nn::Logs::new();
        for (k, c) in header[1..].iter().zip(&cells[1..]) {
            let v: f64 = c
                .parse()
                .map_err(|_| bad(i + 2, "a value that is not a number"))?;
            logs.insert((*k).to_owned(), v);
        }
        history.record(epoch - 1, &logs);
    }
    Ok(history)
}

/// One learning-curve figure per metric (`loss` with `val_loss`, `mae` with `val_mae`, …),
/// as `(file stem, chart)`.
pub fn learning_curve_charts(history: &History) -> Vec<(String, Chart)> {
    gradus::plots::learning_curves_by_metric(history)
}

/// A file stem for a name such as `model.layers[0].units`: letters, digits, `-` and `_`.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let parts: Vec<&str> = stem.split('_').filter(|p| !p.is_empty()).collect();
    parts.join("_")
}

/// Writes `chart` as `DIR/STEM.png` and `DIR/STEM.svg` of `size` pixels; returns the paths.
///
/// # Errors
/// A size out of range (exit 2); a chart that cannot be drawn or written (exit 1).
pub fn write_chart(dir: &Path, stem: &str, chart: Chart, size: (u32, u32)) -> Result<Vec<PathBuf>> {
    let chart = chart.size(size.0, size.1);
    let mut written = Vec::new();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{stem}.{ext}"));
        chart.save(&path).map_err(|e| match e {
            gradus::plot::Error::Size { .. } => CliError::usage(e.to_string()),
            e => CliError::runtime(e.to_string()),
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The spec and model of a run directory.
///
/// # Errors
/// A usage error when `run` is not a run directory.
pub fn load_run(run: &Path) -> Result<(SpecFile, Sequential)> {
    let spec_path = run.join(SPEC);
    if !spec_path.exists() {
        return Err(CliError::usage(format!(
            "{} is not a run directory (no {SPEC}); give a directory written by `gradus fit`",
            run.display()
        )));
    }
    let spec = SpecFile::load(&spec_path)?;
    let model = Sequential::load(run.join(MODEL)).map_err(gradus::Error::from)?;
    Ok((spec, model))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_round_trip_through_csv() {
        let mut h = History::default();
        for (e, (l, v)) in [(1.5, 2.0), (0.5, 1.25)].into_iter().enumerate() {
            let logs = [("loss".to_owned(), l), ("val_loss".to_owned(), v)]
                .into_iter()
                .collect();
            h.record(e, &logs);
        }
        let text = history_csv(&h);
        assert_eq!(text, "epoch,loss,val_loss\n1,1.5,2\n2,0.5,1.25\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.csv");
        write_atomic(&path, text.as_bytes()).unwrap();
        assert_eq!(read_history(&path).unwrap(), h);
        std::fs::write(&path, "epoch,loss\n1,x\n").unwrap();
        let e = read_history(&path).unwrap_err().to_string();
        assert!(
            e.ends_with(
                "history.csv:2: a value that is not a number; the file is not a gradus history.csv"
            ),
            "{e}"
        );
        assert_eq!(learning_curve_charts(&h).len(), 1);
        assert_eq!(file_stem("model.layers[0].units"), "model_layers_0_units");
    }
}
