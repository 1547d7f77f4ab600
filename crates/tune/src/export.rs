//! Exporting a study's trials as CSV (one row per trial, like Optuna's `trials_dataframe`) and
//! JSON (the full records).

use crate::error::Result;
use crate::frozen_trial::FrozenTrial;
use crate::study::Study;
use std::collections::BTreeSet;
use std::io::Write;

impl Study {
    /// All trials as a JSON array of [`FrozenTrial`] records (NaN values become `null`).
    pub fn trials_json(&self) -> Result<String> {
        let trials: Vec<FrozenTrial> = self.trials()?.iter().map(|t| (**t).clone()).collect();
        Ok(serde_json::to_string_pretty(&trials)?)
    }

    /// Writes the JSON of [`Study::trials_json`].
    pub fn write_trials_json(&self, mut out: impl Write) -> Result<()> {
        out.write_all(self.trials_json()?.as_bytes())?;
        Ok(())
    }

    /// Writes one CSV row per trial: `number, value, state, datetime_start, datetime_complete,
    /// duration, params_<name>…, user_attrs_<key>…, fail_reason`. Times are seconds since the
    /// Unix epoch; missing values are empty cells; user attributes are JSON (strings bare).
    pub fn write_trials_csv(&self, out: impl Write) -> Result<()> {
        let trials = self.trials()?;
        let params: BTreeSet<&String> = trials.iter().flat_map(|t| t.params.keys()).collect();
        let attrs: BTreeSet<&String> = trials.iter().flat_map(|t| t.user_attrs.keys()).collect();
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> = [
            "number",
            "value",
            "state",
            "datetime_start",
            "datetime_complete",
            "duration",
        ]
        .map(String::from)
        .to_vec();
        header.extend(params.iter().map(|p| format!("params_{p}")));
        header.extend(attrs.iter().map(|a| format!("user_attrs_{a}")));
        header.push("fail_reason".into());
        w.write_record(&header)?;
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        for t in &trials {
            let mut row = vec![
                t.number.to_string(),
                opt(t.value),
                t.state.to_string(),
                opt(t.datetime_start),
                opt(t.datetime_complete),
                opt(t.duration()),
            ];
            row.extend(
                params
                    .iter()
                    .map(|p| t.params.get(*p).map(|v| v.to_string()).unwrap_or_default()),
            );
            row.extend(attrs.iter().map(|a| match t.user_attrs.get(*a) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            }));
            row.push(t.fail_reason().unwrap_or_default().to_owned());
            w.write_record(&row)?;
        }
        w.flush()?;
        Ok(())
    }
}
