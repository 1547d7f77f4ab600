//! [`TrialsTable`]: a study's trials as a text table (Optuna's `trials_dataframe()` view),
//! and the ISO 8601 times that exports use.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::error::Result;
use crate::frozen_trial::FrozenTrial;
use crate::study::Study;

/// Seconds since the Unix epoch as an ISO 8601 UTC time with milliseconds
/// (`2026-12-01T17:46:05.123Z`); `None` for a time outside what a calendar can show.
///
/// ```
/// assert_eq!(gradus_tune::iso8601(0.0).as_deref(), Some("1970-01-01T00:00:00Z"));
/// assert_eq!(gradus_tune::iso8601(1.5e9 + 0.25).as_deref(), Some("2017-07-14T02:40:00.25Z"));
/// assert_eq!(gradus_tune::iso8601(f64::NAN), None);
/// ```
pub fn iso8601(seconds: f64) -> Option<String> {
    if !seconds.is_finite() {
        return None;
    }
    // `as` saturates; jiff refuses anything beyond its calendar (years ±9999).
    let millis = (seconds * 1e3).round() as i64;
    Some(jiff::Timestamp::from_millisecond(millis).ok()?.to_string())
}

/// The trials of a study as an aligned text table: number, state, value, one column per
/// parameter, duration — what `println!("{}", study.trials_table()?)` shows.
///
/// ```
/// use gradus_tune::{OptimizeOptions, Study};
/// let study = Study::builder().seed(0).build()?;
/// study.optimize(|t| Ok(t.suggest_float("x", 0.0, 1.0)?), OptimizeOptions::n_trials(2))?;
/// let table = study.trials_table()?.to_string();
/// let header = table.lines().next().unwrap();
/// assert!(header.starts_with("number") && header.contains("params_x") && header.contains("duration"));
/// assert_eq!(table.lines().count(), 3);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TrialsTable {
    trials: Vec<Arc<FrozenTrial>>,
}

impl TrialsTable {
    /// A table of `trials`.
    pub fn new(trials: Vec<Arc<FrozenTrial>>) -> TrialsTable {
        TrialsTable { trials }
    }

    /// The header and one row of cells per trial.
    pub fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let params: BTreeSet<&String> = self.trials.iter().flat_map(|t| t.params.keys()).collect();
        let mut header: Vec<String> = vec!["number".into(), "state".into(), "value".into()];
        header.extend(params.iter().map(|p| format!("params_{p}")));
        header.push("duration".into());
        let rows = self
            .trials
            .iter()
            .map(|t| {
                let mut row = vec![
                    t.number.to_string(),
                    t.state.to_string(),
                    t.value.map(|v| format!("{v:.6}")).unwrap_or_default(),
                ];
                row.extend(
                    params
                        .iter()
                        .map(|p| t.params.get(*p).map(|v| v.to_string()).unwrap_or_default()),
                );
                row.push(t.duration().map(|d| format!("{d:.2}s")).unwrap_or_default());
                row
            })
            .collect();
        (header, rows)
    }
}

impl fmt::Display for TrialsTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (header, rows) = self.rows();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        f.write_str(&text_table(&header, &rows))
    }
}

/// Rows under a header as aligned text: columns padded to their widest cell and two
/// spaces apart (the last column unpadded), one line each, trailing spaces trimmed; cells
/// beyond the header's width are left out.
///
/// ```
/// let t = gradus_tune::text_table(&["n", "state"], &[vec!["10".into(), "FAIL".into()]]);
/// assert_eq!(t, "n   state\n10  FAIL\n");
/// ```
pub fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate().take(n) {
            line.push_str(cell);
            if i + 1 < n {
                let pad = widths[i] - cell.chars().count();
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl Study {
    /// The trials as a [`TrialsTable`] to print.
    pub fn trials_table(&self) -> Result<TrialsTable> {
        Ok(TrialsTable::new(self.trials()?))
    }
}
