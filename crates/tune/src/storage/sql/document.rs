//! [`TrialDocument`]: how a database backend stores a trial — one JSON document per trial
//! row, beside the columns it is queried by (study, number, state, heartbeat).
//!
//! JSON has no NaN or infinity, but an objective may return ±∞ and a trial may report NaN,
//! so every float that may be non-finite is written as a number when finite and as the
//! string `"NaN"`, `"Infinity"` or `"-Infinity"` otherwise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, TrialId};
use crate::param::ParamValue;
use crate::trial_state::TrialState;

/// A float that survives JSON whatever its value.
#[derive(Clone, Copy, Debug, PartialEq)]
struct AnyFloat(f64);

impl Serialize for AnyFloat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            s.serialize_f64(v)
        } else if v.is_nan() {
            s.serialize_str("NaN")
        } else if v > 0.0 {
            s.serialize_str("Infinity")
        } else {
            s.serialize_str("-Infinity")
        }
    }
}

impl<'de> Deserialize<'de> for AnyFloat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Number(f64),
            Text(String),
        }
        match Repr::deserialize(d)? {
            Repr::Number(v) => Ok(AnyFloat(v)),
            Repr::Text(t) => match t.as_str() {
                "NaN" => Ok(AnyFloat(f64::NAN)),
                "Infinity" => Ok(AnyFloat(f64::INFINITY)),
                "-Infinity" => Ok(AnyFloat(f64::NEG_INFINITY)),
                other => Err(serde::de::Error::custom(format!(
                    "`{other}` is not a number"
                ))),
            },
        }
    }
}

/// The stored form of a trial's data (id, number and state live in their own columns).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrialDocument {
    value: Option<AnyFloat>,
    params: BTreeMap<String, ParamValue>,
    distributions: BTreeMap<String, Distribution>,
    intermediate_values: Vec<(u64, AnyFloat)>,
    user_attrs: BTreeMap<String, Value>,
    system_attrs: BTreeMap<String, Value>,
    datetime_start: Option<f64>,
    datetime_complete: Option<f64>,
}

/// The JSON document of `t`.
pub(crate) fn encode(t: &FrozenTrial) -> String {
    let doc = TrialDocument {
        value: t.value.map(AnyFloat),
        params: t.params.clone(),
        distributions: t.distributions.clone(),
        intermediate_values: t
            .intermediate_values
            .iter()
            .map(|(&k, &v)| (k, AnyFloat(v)))
            .collect(),
        user_attrs: t.user_attrs.clone(),
        system_attrs: t.system_attrs.clone(),
        datetime_start: t.datetime_start,
        datetime_complete: t.datetime_complete,
    };
    serde_json::to_string(&doc).expect("a trial document always encodes")
}

/// The trial stored as `body` with the given id, number and state.
///
/// # Errors
/// [`Error::Storage`] naming the trial when the document is not one gradus wrote.
pub(crate) fn decode(id: TrialId, number: u64, state: &str, body: &str) -> Result<FrozenTrial> {
    let corrupt = |what: String| {
        Error::Storage(format!(
            "trial {number} (id {}) is corrupt: {what}; the database was changed by another \
             program",
            id.0
        ))
    };
    let state = parse_state(state).ok_or_else(|| corrupt(format!("unknown state `{state}`")))?;
    let doc: TrialDocument = serde_json::from_str(body).map_err(|e| corrupt(e.to_string()))?;
    let mut t = FrozenTrial::new(id, number, state);
    t.value = doc.value.map(|v| v.0);
    t.params = doc.params;
    t.distributions = doc.distributions;
    t.intermediate_values = doc
        .intermediate_values
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    t.user_attrs = doc.user_attrs;
    t.system_attrs = doc.system_attrs;
    t.datetime_start = doc.datetime_start;
    t.datetime_complete = doc.datetime_complete;
    Ok(t)
}

/// A state's name in the `state` column.
pub(crate) fn state_name(state: TrialState) -> &'static str {
    match state {
        TrialState::Running => "running",
        TrialState::Waiting => "waiting",
        TrialState::Complete => "complete",
        TrialState::Pruned => "pruned",
        TrialState::Failed => "failed",
    }
}

fn parse_state(name: &str) -> Option<TrialState> {
    Some(match name {
        "running" => TrialState::Running,
        "waiting" => TrialState::Waiting,
        "complete" => TrialState::Complete,
        "pruned" => TrialState::Pruned,
        "failed" => TrialState::Failed,
        _ => return None,
    })
}

/// JSON of a map of attributes or distributions (study columns).
pub(crate) fn encode_map<T: Serialize>(m: &BTreeMap<String, T>) -> String {
    serde_json::to_string(m).expect("maps of JSON values encode")
}

/// The map stored in a study column.
pub(crate) fn decode_map<T: for<'de> Deserialize<'de>>(
    study: &str,
    column: &str,
    text: &str,
) -> Result<BTreeMap<String, T>> {
    serde_json::from_str(text).map_err(|e| {
        Error::Storage(format!(
            "study `{study}` has a corrupt {column} column ({e}); the database was changed by \
             another program"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trials_round_trip_with_non_finite_floats() {
        let mut t = FrozenTrial::new(TrialId(7), 3, TrialState::Complete);
        t.value = Some(f64::NEG_INFINITY);
        t.params.insert("lr".into(), ParamValue::Float(0.25));
        t.params.insert("units".into(), ParamValue::Int(64));
        t.intermediate_values.insert(0, f64::NAN);
        t.intermediate_values.insert(5, 1.5);
        t.intermediate_values.insert(6, f64::INFINITY);
        t.user_attrs
            .insert("k".into(), serde_json::json!({"a": [1, 2]}));
        t.datetime_start = Some(1.5);
        let body = encode(&t);
        assert!(body.contains(r#""value":"-Infinity""#), "{body}");
        let back = decode(TrialId(7), 3, "complete", &body).unwrap();
        assert_eq!(back.value, t.value);
        assert_eq!(back.params, t.params);
        assert!(back.intermediate_values[&0].is_nan());
        assert_eq!(back.intermediate_values[&6], f64::INFINITY);
        assert_eq!(back.user_attrs, t.user_attrs);
        let e = decode(TrialId(7), 3, "done", &body).unwrap_err();
        assert_eq!(
            e.to_string(),
            "storage error: trial 3 (id 7) is corrupt: unknown state `done`; the database was \
             changed by another program"
        );
        assert!(decode(TrialId(7), 3, "complete", "{}").is_err());
    }
}
