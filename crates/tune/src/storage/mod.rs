//! Storages: the only place where study state lives.
//!
//! A [`Storage`] holds studies and their trials. Every piece of state that more than one
//! worker must see — trial numbers, parameters, values, intermediate values, attributes, the
//! queue of enqueued (Waiting) trials, pruner bookkeeping — goes through it, so that a backend
//! shared by several processes (SQLite on one machine, PostgreSQL across machines) lets them run
//! one study together. The trait is modelled on Optuna's `BaseStorage`; its contract:
//!
//! - **Allocation by the storage.** Trial ids (storage-wide) and trial numbers (0, 1, 2, … per
//!   study, dense, in creation order) are allocated atomically by [`Storage::create_trial`].
//! - **Atomic pop.** [`Storage::pop_waiting_trial`] moves the oldest Waiting trial to Running and
//!   returns it; two workers never pop the same trial.
//! - **Snapshots.** Trials are returned as `Arc<FrozenTrial>` snapshots that later writes never
//!   change (in-memory: copy-on-write; a database backend builds fresh records).
//! - **Finished trials are immutable.** Any write to a Complete, Pruned or Failed trial is
//!   [`Error::TrialFinished`]; the only state transitions are Waiting → Running → finished.
//! - **Distribution compatibility.** A parameter name keeps its kind, log flag and choices across
//!   the trials of a study ([`Distribution::check_compatible`]).
//!
//! Backend authors run [`conformance::run_all`] in their tests.

pub mod conformance;
mod in_memory;

pub use in_memory::InMemoryStorage;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, StudyId, TrialId};
use crate::param::ParamValue;
use crate::trial_state::{Direction, TrialState};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Persistent, shareable study state. See the [module docs](self) for the contract.
pub trait Storage: Send + Sync + fmt::Debug {
    /// Creates a study; [`Error::DuplicatedStudy`] when the name is taken.
    fn create_study(&self, name: &str, direction: Direction) -> Result<StudyId>;
    /// Looks a study up by name; [`Error::StudyNotFound`] when absent.
    fn study_id_from_name(&self, name: &str) -> Result<StudyId>;
    /// The name of a study.
    fn study_name(&self, study: StudyId) -> Result<String>;
    /// The direction of a study.
    fn study_direction(&self, study: StudyId) -> Result<Direction>;
    /// Sets a study-level system attribute (pruner bookkeeping and the like).
    fn set_study_system_attr(&self, study: StudyId, key: &str, value: Value) -> Result<()>;
    /// All study-level system attributes.
    fn study_system_attrs(&self, study: StudyId) -> Result<BTreeMap<String, Value>>;

    /// Creates a trial in `state` (Running or Waiting) with the given system attributes,
    /// allocating its id and number atomically. Running trials get their start time.
    fn create_trial(
        &self,
        study: StudyId,
        state: TrialState,
        system_attrs: BTreeMap<String, Value>,
    ) -> Result<Arc<FrozenTrial>>;
    /// Atomically moves the oldest Waiting trial of the study to Running (setting its start
    /// time) and returns it; `None` when no trial waits.
    fn pop_waiting_trial(&self, study: StudyId) -> Result<Option<Arc<FrozenTrial>>>;
    /// Records a parameter of a Running trial, checking that the value fits the distribution
    /// and that the distribution is compatible with the study's other trials.
    fn set_trial_param(
        &self,
        trial: TrialId,
        name: &str,
        value: &ParamValue,
        distribution: &Distribution,
    ) -> Result<()>;
    /// Finishes a Running trial (Complete / Pruned / Failed, with its value), setting its
    /// completion time.
    fn set_trial_state_value(
        &self,
        trial: TrialId,
        state: TrialState,
        value: Option<f64>,
    ) -> Result<()>;
    /// Records an intermediate value of a Running trial (overwrites the same step).
    fn set_trial_intermediate_value(&self, trial: TrialId, step: u64, value: f64) -> Result<()>;
    /// Sets a user attribute of an unfinished trial.
    fn set_trial_user_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()>;
    /// Sets a system attribute of an unfinished trial.
    fn set_trial_system_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()>;
    /// A snapshot of one trial.
    fn get_trial(&self, trial: TrialId) -> Result<Arc<FrozenTrial>>;
    /// Snapshots of a study's trials in number order, optionally only those in `states`.
    fn get_all_trials(
        &self,
        study: StudyId,
        states: Option<&[TrialState]>,
    ) -> Result<Vec<Arc<FrozenTrial>>>;

    /// The number of trials, optionally only those in `states`.
    fn get_n_trials(&self, study: StudyId, states: Option<&[TrialState]>) -> Result<usize> {
        Ok(self.get_all_trials(study, states)?.len())
    }

    /// The trial with a given number.
    fn get_trial_by_number(&self, study: StudyId, number: u64) -> Result<Arc<FrozenTrial>> {
        self.get_all_trials(study, None)?
            .into_iter()
            .find(|t| t.number == number)
            .ok_or_else(|| Error::TrialNotFound(format!("number {number}")))
    }

    /// The best Complete trial (ties: the lowest number); [`Error::NoCompleteTrial`] if none.
    fn get_best_trial(&self, study: StudyId) -> Result<Arc<FrozenTrial>> {
        let direction = self.study_direction(study)?;
        let mut best: Option<Arc<FrozenTrial>> = None;
        for t in self.get_all_trials(study, Some(&[TrialState::Complete]))? {
            let Some(v) = t.value else { continue };
            let better = match &best {
                None => true,
                Some(b) => direction.is_better(v, b.value.unwrap_or(f64::NAN)),
            };
            if better {
                best = Some(t);
            }
        }
        best.ok_or(Error::NoCompleteTrial)
    }
}
