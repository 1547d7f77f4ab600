//! The in-memory storage: a lock around plain vectors, copy-on-write trial snapshots.

use super::Storage;
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
    studies: Vec<StudyRecord>,
    names: HashMap<String, StudyId>,
    trials: Vec<TrialRecord>,
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
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", id.0)))
    }

    fn study_mut(&mut self, id: StudyId) -> Result<&mut StudyRecord> {
        self.studies
            .get_mut(id.0 as usize)
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", id.0)))
    }

    fn record(&self, id: TrialId) -> Result<&TrialRecord> {
        self.trials
            .get(id.0 as usize)
            .ok_or_else(|| Error::TrialNotFound(format!("id {}", id.0)))
    }

    /// The trial for a write: must exist and not be finished.
    fn unfinished_mut(&mut self, id: TrialId) -> Result<&mut FrozenTrial> {
        let record = self
            .trials
            .get_mut(id.0 as usize)
            .ok_or_else(|| Error::TrialNotFound(format!("id {}", id.0)))?;
        if record.trial.state.is_finished() {
            return Err(Error::TrialFinished {
                number: record.trial.number,
                state: record.trial.state.to_string(),
            });
        }
        Ok(Arc::make_mut(&mut record.trial))
    }
}

impl Storage for InMemoryStorage {
    fn create_study(&self, name: &str, direction: Direction) -> Result<StudyId> {
        let mut inner = self.write();
        if inner.names.contains_key(name) {
            return Err(Error::DuplicatedStudy(name.to_owned()));
        }
        let id = StudyId(inner.studies.len() as u64);
        inner.studies.push(StudyRecord {
            name: name.to_owned(),
            direction,
            system_attrs: BTreeMap::new(),
            trials: Vec::new(),
            waiting: VecDeque::new(),
            param_distributions: BTreeMap::new(),
        });
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
        if !matches!(state, TrialState::Running | TrialState::Waiting) {
            return Err(Error::InvalidConfig {
                name: "state",
                reason: format!("a new trial is Running or Waiting, not {state}"),
            });
        }
        let mut inner = self.write();
        let id = TrialId(inner.trials.len() as u64);
        let record = inner.study_mut(study)?;
        let mut trial = FrozenTrial::new(id, record.trials.len() as u64, state);
        trial.system_attrs = system_attrs;
        if state == TrialState::Running {
            trial.datetime_start = Some(now_secs());
        } else {
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
        let trial = inner.unfinished_mut(id)?;
        trial.state = TrialState::Running;
        trial.datetime_start = Some(now_secs());
        Ok(Some(Arc::clone(&inner.trials[id.0 as usize].trial)))
    }

    fn set_trial_param(
        &self,
        trial: TrialId,
        name: &str,
        value: &ParamValue,
        distribution: &Distribution,
    ) -> Result<()> {
        if distribution.to_internal(value).is_none() {
            return Err(Error::IncompatibleValue {
                name: name.to_owned(),
                value: value.to_string(),
                distribution: distribution.to_string(),
            });
        }
        let mut inner = self.write();
        let study = inner.record(trial)?.study;
        if let Some(existing) = inner.study(study)?.param_distributions.get(name) {
            existing.check_compatible(name, distribution)?;
        }
        let t = inner.unfinished_mut(trial)?;
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
        inner
            .study_mut(study)?
            .param_distributions
            .entry(name.to_owned())
            .or_insert_with(|| distribution.clone());
        Ok(())
    }

    fn set_trial_state_value(
        &self,
        trial: TrialId,
        state: TrialState,
        value: Option<f64>,
    ) -> Result<()> {
        let mut inner = self.write();
        let t = inner.unfinished_mut(trial)?;
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
                t.datetime_complete = Some(now_secs());
            }
            TrialState::Running | TrialState::Waiting => {
                return Err(Error::InvalidConfig {
                    name: "trial state",
                    reason: format!(
                        "set_trial_state_value finishes trials; use pop_waiting_trial to start \
                         one (asked for {state})"
                    ),
                });
            }
        }
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
