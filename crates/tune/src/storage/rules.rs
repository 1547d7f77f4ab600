//! The storage contract's rules as pure functions on a [`FrozenTrial`], so that every backend
//! applies the same checks: the in-memory one to its records, the database ones to the trial
//! they read inside a transaction before writing it back.

use std::collections::BTreeMap;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::FrozenTrial;
use crate::param::ParamValue;
use crate::trial_state::TrialState;

/// A trial may be written to only while it is not finished.
pub(crate) fn check_unfinished(t: &FrozenTrial) -> Result<()> {
    if t.state.is_finished() {
        return Err(Error::TrialFinished {
            number: t.number,
            state: t.state.to_string(),
        });
    }
    Ok(())
}

/// The state a new trial may be created in: Running or Waiting.
pub(crate) fn check_new_state(state: TrialState) -> Result<()> {
    if matches!(state, TrialState::Running | TrialState::Waiting) {
        Ok(())
    } else {
        Err(Error::InvalidConfig {
            name: "state",
            reason: format!("a new trial is Running or Waiting, not {state}"),
        })
    }
}

/// A new trial record: Running trials start at `now`.
pub(crate) fn new_trial(
    id: crate::frozen_trial::TrialId,
    number: u64,
    state: TrialState,
    system_attrs: BTreeMap<String, serde_json::Value>,
    now: f64,
) -> FrozenTrial {
    let mut t = FrozenTrial::new(id, number, state);
    t.system_attrs = system_attrs;
    if state == TrialState::Running {
        t.datetime_start = Some(now);
    }
    t
}

/// Waiting → Running at `now` (`pop_waiting_trial`).
pub(crate) fn start(t: &mut FrozenTrial, now: f64) -> Result<()> {
    check_unfinished(t)?;
    t.state = TrialState::Running;
    t.datetime_start = Some(now);
    Ok(())
}

/// Records parameter `name` of a Running trial after checking the value against the
/// distribution and the distribution against the study's (`study_distribution`, the one
/// the study's earlier trials used, if any). Returns whether the study sees the parameter
/// for the first time (its distribution must then be recorded).
pub(crate) fn set_param(
    t: &mut FrozenTrial,
    study_distribution: Option<&Distribution>,
    name: &str,
    value: &ParamValue,
    distribution: &Distribution,
) -> Result<bool> {
    if distribution.to_internal(value).is_none() {
        return Err(Error::IncompatibleValue {
            name: name.to_owned(),
            value: value.to_string(),
            distribution: distribution.to_string(),
        });
    }
    if let Some(existing) = study_distribution {
        existing.check_compatible(name, distribution)?;
    }
    check_unfinished(t)?;
    if t.state != TrialState::Running {
        return Err(Error::InvalidConfig {
            name: "trial state",
            reason: format!(
                "parameters are set on Running trials; trial {} is {}",
                t.number, t.state
            ),
        });
    }
    t.params.insert(name.to_owned(), value.clone());
    t.distributions
        .insert(name.to_owned(), distribution.clone());
    Ok(study_distribution.is_none())
}

/// Finishes a Running trial as Complete, Pruned or Failed at `now`.
pub(crate) fn finish(
    t: &mut FrozenTrial,
    state: TrialState,
    value: Option<f64>,
    now: f64,
) -> Result<()> {
    check_unfinished(t)?;
    match state {
        TrialState::Complete | TrialState::Pruned | TrialState::Failed => {
            if t.state != TrialState::Running {
                return Err(Error::InvalidConfig {
                    name: "trial state",
                    reason: format!(
                        "only Running trials finish; trial {} is {}",
                        t.number, t.state
                    ),
                });
            }
            if state == TrialState::Complete && value.is_none() {
                return Err(Error::InvalidConfig {
                    name: "value",
                    reason: "a Complete trial needs a value".into(),
                });
            }
            t.state = state;
            t.value = if state == TrialState::Failed {
                None
            } else {
                value
            };
            t.datetime_complete = Some(now);
            Ok(())
        }
        TrialState::Running | TrialState::Waiting => Err(Error::InvalidConfig {
            name: "trial state",
            reason: format!(
                "set_trial_state_value finishes trials; use pop_waiting_trial to start one \
                 (asked for {state})"
            ),
        }),
    }
}

/// Marks a Running trial whose worker stopped sending heartbeats as Failed, with the reason.
pub(crate) fn fail_stale(t: &mut FrozenTrial, last_heartbeat: f64, now: f64) -> Result<()> {
    t.system_attrs.insert(
        crate::frozen_trial::FAIL_REASON_KEY.to_owned(),
        format!(
            "no heartbeat for {:.0} s (the worker running it stopped or lost its connection)",
            now - last_heartbeat
        )
        .into(),
    );
    finish(t, TrialState::Failed, None, now)
}

/// A finished trial copied into another study (`import_trial`): its data with a new id and
/// number.
pub(crate) fn imported(
    source: &FrozenTrial,
    id: crate::frozen_trial::TrialId,
    number: u64,
) -> Result<FrozenTrial> {
    if !source.state.is_finished() {
        return Err(Error::InvalidConfig {
            name: "import_trial",
            reason: format!(
                "only finished trials are copied; trial {} is {}",
                source.number, source.state
            ),
        });
    }
    let mut t = source.clone();
    t.id = id;
    t.number = number;
    Ok(t)
}
