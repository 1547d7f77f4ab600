//! [`Heartbeat`]: a study's background thread that tells the storage its trials are alive,
//! and the retry of trials whose worker died.
//!
//! Optuna's heartbeat, made explicit: a worker records a heartbeat when it starts a trial
//! and every `interval` while the trial runs (one thread per study object, for all its
//! running trials); the next worker that asks for a trial fails every Running trial whose
//! heartbeat is older than the grace period ([`Storage::fail_stale_trials`], atomic, so
//! two workers never fail or retry the same trial) and, with `retry_failed(n)`, enqueues a
//! copy with the same parameters, recording where it came from (Optuna's
//! `RetryFailedTrialCallback`).

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::Result;
use crate::frozen_trial::{FIXED_PARAMS_KEY, FrozenTrial, StudyId, TrialId};
use crate::storage::Storage;
use crate::trial_state::TrialState;

/// System attribute of a retry: the number of the trial it repeats.
pub const RETRIED_FROM_KEY: &str = "retried_from";
/// System attribute of a retry: the number of the first trial of its chain.
pub const ORIGINAL_TRIAL_KEY: &str = "original_trial";
/// System attribute of a retry: how many times the original has been retried, counting
/// this one.
pub const RETRY_COUNT_KEY: &str = "retry_count";

/// Heartbeat settings of a study (see [`StudyBuilder::heartbeat`](crate::StudyBuilder::heartbeat)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeartbeatConfig {
    /// Time between two heartbeats of a running trial.
    pub interval: Duration,
    /// Age of the last heartbeat after which a Running trial is failed (default 60 s).
    pub grace_period: Duration,
    /// How many times a failed trial is re-run with the same parameters (default 0).
    pub retries: u32,
}

/// State shared with the background thread.
#[derive(Debug)]
struct Shared {
    storage: Arc<dyn Storage>,
    running: Mutex<HashSet<TrialId>>,
    /// Set to stop the thread; the condition variable wakes it.
    stop: Mutex<bool>,
    wake: Condvar,
}

/// The heartbeat of one study object: its settings and its thread (stopped on drop).
#[derive(Debug)]
pub(crate) struct Heartbeat {
    config: HeartbeatConfig,
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Heartbeat {
    pub(crate) fn new(config: HeartbeatConfig, storage: Arc<dyn Storage>) -> Heartbeat {
        Heartbeat {
            config,
            shared: Arc::new(Shared {
                storage,
                running: Mutex::new(HashSet::new()),
                stop: Mutex::new(false),
                wake: Condvar::new(),
            }),
            thread: Mutex::new(None),
        }
    }

    /// A trial of this process started: beat now, and keep beating until it finishes.
    pub(crate) fn started(&self, trial: TrialId) -> Result<()> {
        self.shared.storage.record_heartbeat(trial)?;
        self.shared
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(trial);
        self.ensure_thread();
        Ok(())
    }

    /// A trial of this process finished.
    pub(crate) fn finished(&self, trial: TrialId) {
        self.shared
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&trial);
    }

    /// Fails the study's trials whose worker stopped beating and enqueues their retries.
    /// Returns the failed trials.
    pub(crate) fn reap(&self, study: StudyId) -> Result<Vec<Arc<FrozenTrial>>> {
        let storage = &self.shared.storage;
        let failed = storage.fail_stale_trials(study, self.config.grace_period.as_secs_f64())?;
        for t in &failed {
            if let Some(attrs) = retry_attrs(t, self.config.retries)? {
                storage.create_trial(study, TrialState::Waiting, attrs)?;
            }
        }
        Ok(failed)
    }

    fn ensure_thread(&self) {
        let mut thread = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        if thread.is_some() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let interval = self.config.interval;
        *thread = std::thread::Builder::new()
            .name("gradus-heartbeat".into())
            .spawn(move || beat(&shared, interval))
            .ok();
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_all();
        if let Some(t) = self
            .thread
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = t.join();
        }
    }
}

/// The thread: every `interval`, a heartbeat for each running trial, until stopped.
fn beat(shared: &Shared, interval: Duration) {
    let mut stop = shared.stop.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let (guard, _) = shared
            .wake
            .wait_timeout(stop, interval)
            .unwrap_or_else(|e| e.into_inner());
        stop = guard;
        if *stop {
            return;
        }
        let running: Vec<TrialId> = shared
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .collect();
        for id in running {
            // A failed beat (a storage briefly unreachable) is retried at the next interval;
            // if the storage stays away, the trial is failed by others, as it should be.
            let _ = shared.storage.record_heartbeat(id);
        }
    }
}

/// The system attributes of the retry of `failed`, or `None` when its chain has used its
/// `retries`.
fn retry_attrs(
    failed: &FrozenTrial,
    retries: u32,
) -> Result<Option<BTreeMap<String, serde_json::Value>>> {
    let done = failed
        .system_attrs
        .get(RETRY_COUNT_KEY)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if done >= u64::from(retries) {
        return Ok(None);
    }
    let original = failed
        .system_attrs
        .get(ORIGINAL_TRIAL_KEY)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(failed.number);
    Ok(Some(BTreeMap::from([
        (
            FIXED_PARAMS_KEY.to_owned(),
            serde_json::to_value(&failed.params)?,
        ),
        (RETRIED_FROM_KEY.to_owned(), failed.number.into()),
        (ORIGINAL_TRIAL_KEY.to_owned(), original.into()),
        (RETRY_COUNT_KEY.to_owned(), (done + 1).into()),
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_count_along_the_chain() {
        let mut t = FrozenTrial::new(TrialId(9), 4, TrialState::Failed);
        t.params.insert("x".into(), crate::ParamValue::Float(0.5));
        let first = retry_attrs(&t, 2).unwrap().unwrap();
        assert_eq!(first[RETRIED_FROM_KEY], 4);
        assert_eq!(first[ORIGINAL_TRIAL_KEY], 4);
        assert_eq!(first[RETRY_COUNT_KEY], 1);
        assert_eq!(first[FIXED_PARAMS_KEY], serde_json::json!({"x": 0.5}));
        let mut retry = FrozenTrial::new(TrialId(12), 7, TrialState::Failed);
        retry.system_attrs = first;
        let second = retry_attrs(&retry, 2).unwrap().unwrap();
        assert_eq!(
            (
                second[RETRIED_FROM_KEY].clone(),
                second[ORIGINAL_TRIAL_KEY].clone()
            ),
            (7.into(), 4.into())
        );
        retry.system_attrs = second;
        assert!(
            retry_attrs(&retry, 2).unwrap().is_none(),
            "two retries used"
        );
        assert!(retry_attrs(&t, 0).unwrap().is_none());
    }
}
