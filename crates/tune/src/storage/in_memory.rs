//! The in-memory storage: a lock around plain vectors, copy-on-write trial snapshots.

use super::{Storage, rules};
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, StudyId, TrialId, now_secs};
use crate::param::ParamValue;
use crate::trial_state::{Direction, TrialState};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A storage that lives in the memory of one process (shared by its threads).
///
/// Reads clone `Arc`s, so handing 1000 finished trials to a sampler costs 1000 reference-count
/// increments, not 1000 deep copies; a write to a trial that a reader still holds copies that one
/// trial (`Arc::make_mut`), so snapshots never change.
#[derive(Debug, Default)]
pub struct InMemoryStorage {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Indexed by study id; `None` once deleted (ids are never reused).
    studies: Vec<Option<StudyRecord>>,
    names: HashMap<String, StudyId>,
    trials: Vec<TrialRecord>,
    /// Last heartbeat of Running trials whose worker sends them, by trial id.
    heartbeats: HashMap<TrialId, f64>,
}

#[derive(Debug)]
struct StudyRecord {
    name: String,
    direction: Direction,
    system_attrs: BTreeMap<String, Value>,
    trials: Vec<TrialId>,
    waiting: VecDeque<TrialId>,
    param_distributions: BTreeMap<String, Distribution>,
}

#[derive(Debug)]
struct TrialRecord {
    study: StudyId,
    trial: Arc<FrozenTrial>,
}

impl InMemoryStorage {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock cannot leave `Inner` half-updated (every write is a
        // single assignment after its checks), so a poisoned lock is still consistent.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn study(&self, id: StudyId) -> Result<&StudyRecord> {
        self.studies
            .get(id.0 as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", id.0)))
    }

    fn study_mut(&mut self, id: StudyId) -> Result<&mut StudyRecord> {
        self.studies
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", id.0)))
    }

    fn record(&self, id: TrialId) -> Result<&TrialRecord> {
        self.trials
            .get(id.0 as usize)
            .filter(|r| self.study(r.study).is_ok())
            .ok_or_else(|| Error::TrialNotFound(format!("id {}", id.0)))
    }

    /// The trial for a write that the contract's rules check themselves.
    fn trial_mut(&mut self, id: TrialId) -> Result<&mut FrozenTrial> {
        self.record(id)?;
        Ok(Arc::make_mut(&mut self.trials[id.0 as usize].trial))
    }

    /// The trial for a write: must exist and not be finished.
    fn unfinished_mut(&mut self, id: TrialId) -> Result<&mut FrozenTrial> {
        rules::check_unfinished(&self.record(id)?.trial)?;
        self.trial_mut(id)
    }
}

impl Storage for InMemoryStorage {
    fn create_study(&self, name: &str, direction: Direction) -> Result<StudyId> {
        let mut inner = self.write();
        if inner.names.contains_key(name) {
            return Err(Error::DuplicatedStudy(name.to_owned()));
        }
        let id = StudyId(inner.studies.len() as u64);
        inner.studies.push(Some(StudyRecord {
            name: name.to_owned(),
            direction,
            system_attrs: BTreeMap::new(),
            trials: Vec::new(),
            waiting: VecDeque::new(),
            param_distributions: BTreeMap::new(),
        }));
        inner.names.insert(name.to_owned(), id);
        Ok(id)
    }

    fn study_id_from_name(&self, name: &str) -> Result<StudyId> {
        self.read()
            .names
            .get(name)
            .copied()
            .ok_or_else(|| Error::StudyNotFound(name.to_owned()))
    }

    fn study_name(&self, study: StudyId) -> Result<String> {
        Ok(self.read().study(study)?.name.clone())
    }

    fn study_direction(&self, study: StudyId) -> Result<Direction> {
        Ok(self.read().study(study)?.direction)
    }

    fn set_study_system_attr(&self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.write()
            .study_mut(study)?
            .system_attrs
            .insert(key.to_owned(), value);
        Ok(())
    }

    fn study_system_attrs(&self, study: StudyId) -> Result<BTreeMap<String, Value>> {
        Ok(self.read().study(study)?.system_attrs.clone())
    }

    fn create_trial(
        &self,
        study: StudyId,
        state: TrialState,
        system_attrs: BTreeMap<String, Value>,
    ) -> Result<Arc<FrozenTrial>> {
        rules::check_new_state(state)?;
        let mut inner = self.write();
        let id = TrialId(inner.trials.len() as u64);
        let record = inner.study_mut(study)?;
        let trial = rules::new_trial(
            id,
            record.trials.len() as u64,
            state,
            system_attrs,
            now_secs(),
        );
        if state == TrialState::Waiting {
            record.waiting.push_back(id);
        }
        record.trials.push(id);
        let trial = Arc::new(trial);
        inner.trials.push(TrialRecord {
            study,
            trial: Arc::clone(&trial),
        });
        Ok(trial)
    }

    fn pop_waiting_trial(&self, study: StudyId) -> Result<Option<Arc<FrozenTrial>>> {
        let mut inner = self.write();
        let Some(id) = inner.study_mut(study)?.waiting.pop_front() else {
            return Ok(None);
        };
        rules::start(inner.trial_mut(id)?, now_secs())?;
        Ok(Some(Arc::clone(&inner.trials[id.0 as usize].trial)))
    }

    fn set_trial_param(
        &self,
        trial: TrialId,
        name: &str,
        value: &ParamValue,
        distribution: &Distribution,
    ) -> Result<()> {
        let mut inner = self.write();
        let study = inner.record(trial)?.study;
        let existing = inner.study(study)?.param_distributions.get(name).cloned();
        let first = rules::set_param(
            inner.trial_mut(trial)?,
            existing.as_ref(),
            name,
            value,
            distribution,
        )?;
        if first {
            inner
                .study_mut(study)?
                .param_distributions
                .insert(name.to_owned(), distribution.clone());
        }
        Ok(())
    }

    fn set_trial_state_value(
        &self,
        trial: TrialId,
        state: TrialState,
        value: Option<f64>,
    ) -> Result<()> {
        let mut inner = self.write();
        rules::finish(inner.trial_mut(trial)?, state, value, now_secs())?;
        inner.heartbeats.remove(&trial);
        Ok(())
    }

    fn set_trial_intermediate_value(&self, trial: TrialId, step: u64, value: f64) -> Result<()> {
        self.write()
            .unfinished_mut(trial)?
            .intermediate_values
            .insert(step, value);
        Ok(())
    }

    fn set_trial_user_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()> {
        self.write()
            .unfinished_mut(trial)?
            .user_attrs
            .insert(key.to_owned(), value);
        Ok(())
    }

    fn set_trial_system_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()> {
        self.write()
            .unfinished_mut(trial)?
            .system_attrs
            .insert(key.to_owned(), value);
        Ok(())
    }

    fn study_ids(&self) -> Result<Vec<StudyId>> {
        let inner = self.read();
        Ok((0..inner.studies.len())
            .filter(|&i| inner.studies[i].is_some())
            .map(|i| StudyId(i as u64))
            .collect())
    }

    fn delete_study(&self, study: StudyId) -> Result<()> {
        let mut inner = self.write();
        let record = inner.study(study)?;
        let (name, trials) = (record.name.clone(), record.trials.clone());
        inner.names.remove(&name);
        for id in trials {
            inner.heartbeats.remove(&id);
        }
        inner.studies[study.0 as usize] = None;
        Ok(())
    }

    fn record_heartbeat(&self, trial: TrialId) -> Result<()> {
        let mut inner = self.write();
        let t = &inner.record(trial)?.trial;
        if t.state == TrialState::Running {
            inner.heartbeats.insert(trial, now_secs());
        }
        Ok(())
    }

    fn fail_stale_trials(&self, study: StudyId, grace_secs: f64) -> Result<Vec<Arc<FrozenTrial>>> {
        let mut inner = self.write();
        let now = now_secs();
        let stale: Vec<(TrialId, f64)> = inner
            .study(study)?
            .trials
            .iter()
            .filter_map(|id| inner.heartbeats.get(id).map(|&h| (*id, h)))
            .filter(|&(_, h)| h < now - grace_secs)
            .collect();
        let mut failed = Vec::with_capacity(stale.len());
        for (id, beat) in stale {
            rules::fail_stale(inner.trial_mut(id)?, beat, now)?;
            inner.heartbeats.remove(&id);
            failed.push(Arc::clone(&inner.trials[id.0 as usize].trial));
        }
        Ok(failed)
    }

    fn import_trial(&self, study: StudyId, trial: &FrozenTrial) -> Result<Arc<FrozenTrial>> {
        let mut inner = self.write();
        let id = TrialId(inner.trials.len() as u64);
        let record = inner.study_mut(study)?;
        let copy = Arc::new(rules::imported(trial, id, record.trials.len() as u64)?);
        for (name, d) in &copy.distributions {
            if let Some(existing) = record.param_distributions.get(name) {
                existing.check_compatible(name, d)?;
            }
        }
        for (name, d) in &copy.distributions {
            record
                .param_distributions
                .entry(name.clone())
                .or_insert_with(|| d.clone());
        }
        record.trials.push(id);
        inner.trials.push(TrialRecord {
            study,
            trial: Arc::clone(&copy),
        });
        Ok(copy)
    }

    fn get_trial(&self, trial: TrialId) -> Result<Arc<FrozenTrial>> {
        Ok(Arc::clone(&self.read().record(trial)?.trial))
    }

    fn get_all_trials(
        &self,
        study: StudyId,
        states: Option<&[TrialState]>,
    ) -> Result<Vec<Arc<FrozenTrial>>> {
        let inner = self.read();
        let record = inner.study(study)?;
        let mut out = Vec::with_capacity(record.trials.len());
        for id in &record.trials {
            let t = &inner.trials[id.0 as usize].trial;
            if states.is_none_or(|s| s.contains(&t.state)) {
                out.push(Arc::clone(t));
            }
        }
        Ok(out)
    }

    fn get_trial_by_number(&self, study: StudyId, number: u64) -> Result<Arc<FrozenTrial>> {
        let inner = self.read();
        let id = inner
            .study(study)?
            .trials
            .get(number as usize)
            .ok_or_else(|| Error::TrialNotFound(format!("number {number}")))?;
        Ok(Arc::clone(&inner.trials[id.0 as usize].trial))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_conformance_suite() {
        super::super::conformance::run_all(|| Arc::new(InMemoryStorage::new()));
    }
}
