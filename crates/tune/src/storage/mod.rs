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
//! Backends:
//!
//! - [`InMemoryStorage`]: one process, gone with it.
//! - [`SqliteStorage`]: one file, shared by the processes of one machine (WAL, busy
//!   timeout with retry, [`SqliteDurability`] to trade speed for power-loss safety).
//! - [`PostgresStorage`]: one database, shared by processes on many machines (row locks,
//!   `SKIP LOCKED` pops, reconnection with backoff).
//!
//! Both SQL backends keep a schema version (`gradus_meta`) and refuse foreign or newer
//! databases without touching them, write each call in one transaction, and cache
//! finished trials so that a read fetches only what can still change. Workers that send
//! heartbeats ([`Storage::record_heartbeat`]) have their trials failed by the next worker
//! when they stop ([`Storage::fail_stale_trials`]).
//!
//! Backend authors run [`conformance::run_all`] in their tests.

pub mod conformance;
mod copy;
mod in_memory;
mod rules;
mod sql;
mod url;

pub use copy::copy_study;
pub use in_memory::InMemoryStorage;
pub use sql::postgres::{PostgresStorage, redact_url};
pub use sql::sqlite::{SqliteDurability, SqliteOptions, SqliteStorage};
pub use url::storage_from_url;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, StudyId, TrialId};
use crate::param::ParamValue;
use crate::trial_state::{Direction, TrialState};
use serde::Serialize;
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

    /// Every study's id, in creation order.
    fn study_ids(&self) -> Result<Vec<StudyId>>;

    /// Deletes a study and its trials; its name becomes free. Ids are never reused.
    fn delete_study(&self, study: StudyId) -> Result<()>;

    /// Records that the worker running `trial` is alive (now). Does nothing for a trial that
    /// is not Running.
    fn record_heartbeat(&self, trial: TrialId) -> Result<()>;

    /// Atomically marks Failed every Running trial of `study` whose last heartbeat is older
    /// than `grace_secs` (its worker died or lost its connection), recording why, and
    /// returns them. Trials that never sent a heartbeat are left alone.
    fn fail_stale_trials(&self, study: StudyId, grace_secs: f64) -> Result<Vec<Arc<FrozenTrial>>>;

    /// Copies a finished trial (from another study or storage) into `study` with all its
    /// data, giving it the next number; its distributions must be compatible with the
    /// study's.
    fn import_trial(&self, study: StudyId, trial: &FrozenTrial) -> Result<Arc<FrozenTrial>>;

    /// Every study with its trial counts and best value.
    fn list_studies(&self) -> Result<Vec<StudySummary>> {
        self.study_ids()?
            .into_iter()
            .map(|id| StudySummary::of(self, id))
            .collect()
    }

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

/// A study as [`Storage::list_studies`] reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudySummary {
    /// The id.
    pub id: StudyId,
    /// The name.
    pub name: String,
    /// Minimize or maximize.
    pub direction: Direction,
    /// Trials in any state.
    pub n_trials: usize,
    /// Complete trials.
    pub n_complete: usize,
    /// The best value, once a trial completed.
    pub best_value: Option<f64>,
    /// The number of the best trial.
    pub best_trial: Option<u64>,
}

impl StudySummary {
    /// The summary of `study` in `storage`.
    pub fn of(storage: &(impl Storage + ?Sized), study: StudyId) -> Result<StudySummary> {
        let trials = storage.get_all_trials(study, None)?;
        let best = match storage.get_best_trial(study) {
            Ok(t) => Some(t),
            Err(Error::NoCompleteTrial) => None,
            Err(e) => return Err(e),
        };
        Ok(StudySummary {
            id: study,
            name: storage.study_name(study)?,
            direction: storage.study_direction(study)?,
            n_trials: trials.len(),
            n_complete: trials
                .iter()
                .filter(|t| t.state == TrialState::Complete)
                .count(),
            best_value: best.as_ref().and_then(|t| t.value),
            best_trial: best.map(|t| t.number),
        })
    }
}
