//! The immutable record of a trial, as the storage keeps it.

use crate::distribution::Distribution;
use crate::param::ParamValue;
use crate::trial_state::TrialState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A storage-wide trial identifier (unique across the studies of one storage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TrialId(pub u64);

/// A storage-wide study identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StudyId(pub u64);

/// A snapshot of a trial: its parameters, value, intermediate values and attributes.
///
/// Storages hand these out behind `Arc`: a snapshot never changes after it was read, later
/// writes produce new snapshots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrozenTrial {
    /// Storage-wide id.
    pub id: TrialId,
    /// Number within the study, 0, 1, 2, … in creation order (allocated by the storage).
    pub number: u64,
    /// Life-cycle state.
    pub state: TrialState,
    /// Objective value (Complete trials; Pruned trials carry their last intermediate value).
    pub value: Option<f64>,
    /// Parameters suggested so far, by name.
    pub params: BTreeMap<String, ParamValue>,
    /// The distribution each parameter was drawn from.
    pub distributions: BTreeMap<String, Distribution>,
    /// Values reported with [`crate::Trial::report`], by step.
    pub intermediate_values: BTreeMap<u64, f64>,
    /// Attributes set by the user.
    pub user_attrs: BTreeMap<String, serde_json::Value>,
    /// Attributes set by samplers, pruners and the study (grid point, rungs, failure message…).
    pub system_attrs: BTreeMap<String, serde_json::Value>,
    /// Start time, seconds since the Unix epoch.
    pub datetime_start: Option<f64>,
    /// Finish time, seconds since the Unix epoch.
    pub datetime_complete: Option<f64>,
}

impl FrozenTrial {
    /// A fresh record with no parameters.
    pub fn new(id: TrialId, number: u64, state: TrialState) -> Self {
        FrozenTrial {
            id,
            number,
            state,
            value: None,
            params: BTreeMap::new(),
            distributions: BTreeMap::new(),
            intermediate_values: BTreeMap::new(),
            user_attrs: BTreeMap::new(),
            system_attrs: BTreeMap::new(),
            datetime_start: None,
            datetime_complete: None,
        }
    }

    /// The largest reported step.
    pub fn last_step(&self) -> Option<u64> {
        self.intermediate_values.keys().next_back().copied()
    }

    /// Duration in seconds, for finished trials.
    pub fn duration(&self) -> Option<f64> {
        Some(self.datetime_complete? - self.datetime_start?)
    }

    /// The failure message recorded for a Failed trial.
    pub fn fail_reason(&self) -> Option<&str> {
        self.system_attrs
            .get(FAIL_REASON_KEY)
            .and_then(|v| v.as_str())
    }
}

/// System attribute holding the error message of a Failed trial.
pub const FAIL_REASON_KEY: &str = "fail_reason";
/// System attribute holding the parameters of an enqueued trial.
pub const FIXED_PARAMS_KEY: &str = "fixed_params";
/// System attribute set by [`TrialReporter::prune`](crate::TrialReporter::prune): the trial
/// ends Pruned whatever value its objective returns.
pub const PRUNED_KEY: &str = "pruned";

/// Current time in seconds since the Unix epoch.
pub(crate) fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
