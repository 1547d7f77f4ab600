//! Heartbeats: a trial whose worker stops beating is failed by the next worker and re-run
//! with the same parameters; studies load by name and resume their numbering.

use std::sync::Arc;
use std::time::Duration;

use gradus_tune::storage::{SqliteStorage, Storage, copy_study, storage_from_url};
use gradus_tune::{
    Direction, ORIGINAL_TRIAL_KEY, RETRIED_FROM_KEY, RandomSampler, Study, TrialError, TrialState,
};

fn storage() -> (tempfile::TempDir, Arc<dyn Storage>) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStorage::open(dir.path().join("s.db")).unwrap();
    (dir, Arc::new(s))
}

fn worker(storage: &Arc<dyn Storage>) -> Study {
    Study::builder()
        .name("hb")
        .storage(Arc::clone(storage))
        .sampler(RandomSampler)
        .heartbeat(Duration::from_millis(40))
        .grace_period(Duration::from_millis(400))
        .retry_failed(1)
        .load_if_exists(true)
        .seed(1)
        .build()
        .unwrap()
}

#[test]
fn a_dead_workers_trial_fails_and_is_retried_with_its_parameters() {
    let (_dir, storage) = storage();
    let dead = worker(&storage);
    let mut t = dead.ask().unwrap();
    let x = t.suggest_float("x", 0.0, 1.0).unwrap();
    // The worker dies: its heartbeat thread stops, the trial stays Running.
    drop(t);
    drop(dead);
    let alive = worker(&storage);
    let mut other = alive.ask().unwrap();
    assert_eq!(
        other.number(),
        1,
        "within the grace period nothing is failed"
    );
    other.suggest_float("x", 0.0, 1.0).unwrap();
    // Heartbeats keep the live worker's trial running past the grace period.
    std::thread::sleep(Duration::from_millis(600));
    let mut retry = alive.ask().unwrap();
    let trials = alive.trials().unwrap();
    assert_eq!(trials[0].state, TrialState::Failed);
    assert!(
        trials[0]
            .fail_reason()
            .unwrap()
            .starts_with("no heartbeat for")
    );
    assert_eq!(trials[1].state, TrialState::Running, "still beating");
    assert_eq!(retry.number(), 2);
    assert_eq!(
        retry.suggest_float("x", 0.0, 1.0).unwrap(),
        x,
        "same parameters"
    );
    let frozen = &alive.trials().unwrap()[2];
    assert_eq!(frozen.system_attrs[RETRIED_FROM_KEY], 0);
    assert_eq!(frozen.system_attrs[ORIGINAL_TRIAL_KEY], 0);
    alive.tell(retry, Ok::<f64, TrialError>(x)).unwrap();
    alive.tell(other, Ok::<f64, TrialError>(0.5)).unwrap();
    assert_eq!(alive.trials().unwrap().len(), 3);
}

#[test]
fn studies_load_by_name_list_copy_and_delete() {
    let (dir, storage) = storage();
    let e = Study::builder()
        .name("missing")
        .storage(Arc::clone(&storage))
        .load()
        .unwrap_err();
    assert!(
        e.to_string().contains("study `missing` does not exist"),
        "{e}"
    );
    let s = Study::builder()
        .name("s")
        .direction(Direction::Maximize)
        .storage(Arc::clone(&storage))
        .sampler(RandomSampler)
        .build()
        .unwrap();
    for v in [1.0, 3.0] {
        let t = s.ask().unwrap();
        s.tell(t, Ok::<f64, TrialError>(v)).unwrap();
    }
    drop(s);
    // Another process resumes it: the numbering continues, the direction is the stored one.
    let again = storage_from_url(&format!("sqlite://{}/s.db", dir.path().display())).unwrap();
    let resumed = Study::builder()
        .name("s")
        .storage(Arc::clone(&again))
        .load()
        .unwrap();
    assert_eq!(resumed.direction(), Direction::Maximize);
    assert_eq!(resumed.ask().unwrap().number(), 2);
    let list = again.list_studies().unwrap();
    assert_eq!(
        (list[0].name.as_str(), list[0].n_trials, list[0].best_value),
        ("s", 3, Some(3.0))
    );
    let memory = storage_from_url("memory:").unwrap();
    assert_eq!(
        copy_study(&*again, "s", &*memory, "s").unwrap(),
        2,
        "finished trials only"
    );
    let copy = memory.study_id_from_name("s").unwrap();
    assert_eq!(memory.get_best_trial(copy).unwrap().value, Some(3.0));
    again
        .delete_study(again.study_id_from_name("s").unwrap())
        .unwrap();
    assert!(again.list_studies().unwrap().is_empty());
}
