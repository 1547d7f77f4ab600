//! Exporting a study's trials as CSV (one row per trial, like Optuna's `trials_dataframe`) and
//! JSON (the full records).

use crate::error::Result;
use crate::study::Study;
use crate::trials_table::iso8601;
use std::collections::BTreeSet;
use std::io::Write;

impl Study {
    /// All trials as a JSON array of [`FrozenTrial`](crate::FrozenTrial) records (NaN values become `null`),
    /// with `datetime_start` / `datetime_complete` as ISO 8601 UTC times.
    pub fn trials_json(&self) -> Result<String> {
        let mut trials = Vec::new();
        for t in self.trials()? {
            let mut v = serde_json::to_value(&*t)?;
            if let Some(obj) = v.as_object_mut() {
                for (key, secs) in [
                    ("datetime_start", t.datetime_start),
                    ("datetime_complete", t.datetime_complete),
                ] {
                    if let Some(iso) = secs.and_then(iso8601) {
                        obj.insert(key.into(), iso.into());
                    }
                }
            }
            trials.push(v);
        }
        Ok(serde_json::to_string_pretty(&trials)?)
    }

    /// Writes the JSON of [`Study::trials_json`].
    pub fn write_trials_json(&self, mut out: impl Write) -> Result<()> {
        out.write_all(self.trials_json()?.as_bytes())?;
        Ok(())
    }

    /// Writes one CSV row per trial: `number, value, state, datetime_start, datetime_complete,
    /// duration, params_<name>…, user_attrs_<key>…, fail_reason`. Times are ISO 8601 UTC
    /// (`2026-12-01T17:46:05.123Z`), durations seconds; missing values are empty cells; user
    /// attributes are JSON (strings bare).
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
                t.datetime_start.and_then(iso8601).unwrap_or_default(),
                t.datetime_complete.and_then(iso8601).unwrap_or_default(),
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
