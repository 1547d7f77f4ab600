//! The conformance suite every [`Storage`] backend must pass.
//!
//! Call [`run_all`] from a test of the backend with a factory that returns a fresh, empty
//! storage each time (for a database: a new temporary file or schema):
//!
//! ```
//! use gradus_tune::storage::{conformance, InMemoryStorage};
//! use std::sync::Arc;
//!
//! conformance::run_all(|| Arc::new(InMemoryStorage::new()));
//! ```
//!
//! Each check is also public, to run them as separate tests. Checks panic (`assert!`) with a
//! message naming the broken rule of the contract in [`crate::storage`].

use super::Storage;
use crate::distribution::Distribution;
use crate::error::Error;
use crate::param::ParamValue;
use crate::trial_state::{Direction, TrialState};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Runs every check, each on a fresh storage from `make`.
pub fn run_all(make: impl Fn() -> Arc<dyn Storage>) {
    studies(&*make());
    trial_numbers_are_dense_per_study(&*make());
    concurrent_creation_allocates_unique_numbers(make());
    waiting_trials_pop_in_order_and_once(make());
    params_and_distribution_compatibility(&*make());
    state_transitions(&*make());
    finished_trials_are_immutable(&*make());
    intermediate_values_and_attributes(&*make());
    snapshots_do_not_change(&*make());
    queries(&*make());
    unknown_ids_are_errors(&*make());
    studies_are_listed_and_deleted(&*make());
    stale_trials_fail_after_their_grace_period(&*make());
    finished_trials_import_into_another_study(&*make());
    non_finite_values_round_trip(&*make());
}

fn float01() -> Distribution {
    Distribution::float("x", 0.0, 1.0).expect("valid distribution")
}

/// Studies are created once per name, found by name, and keep their direction and attributes.
pub fn studies(s: &dyn Storage) {
    let a = s.create_study("a", Direction::Minimize).unwrap();
    let b = s.create_study("b", Direction::Maximize).unwrap();
    assert_ne!(a, b, "two studies must get two ids");
    assert!(
        matches!(
            s.create_study("a", Direction::Minimize),
            Err(Error::DuplicatedStudy(_))
        ),
        "a second study with a taken name must be DuplicatedStudy"
    );
    assert_eq!(s.study_id_from_name("b").unwrap(), b);
    assert!(matches!(
        s.study_id_from_name("zzz"),
        Err(Error::StudyNotFound(_))
    ));
    assert_eq!(s.study_name(a).unwrap(), "a");
    assert_eq!(s.study_direction(a).unwrap(), Direction::Minimize);
    assert_eq!(s.study_direction(b).unwrap(), Direction::Maximize);
    s.set_study_system_attr(a, "k", json!(3)).unwrap();
    s.set_study_system_attr(a, "k", json!(4)).unwrap();
    assert_eq!(s.study_system_attrs(a).unwrap().get("k"), Some(&json!(4)));
    assert!(
        s.study_system_attrs(b).unwrap().is_empty(),
        "study attributes are per study"
    );
}

/// Numbers are 0, 1, 2, … per study; ids are unique across studies.
pub fn trial_numbers_are_dense_per_study(s: &dyn Storage) {
    let a = s.create_study("a", Direction::Minimize).unwrap();
    let b = s.create_study("b", Direction::Minimize).unwrap();
    let mut ids = BTreeSet::new();
    for i in 0..3u64 {
        let ta = s
            .create_trial(a, TrialState::Running, BTreeMap::new())
            .unwrap();
        let tb = s
            .create_trial(b, TrialState::Waiting, BTreeMap::new())
            .unwrap();
        assert_eq!(
            (ta.number, tb.number),
            (i, i),
            "trial numbers must count per study from 0"
        );
        assert!(
            ids.insert(ta.id) && ids.insert(tb.id),
            "trial ids must be unique"
        );
        assert_eq!(ta.state, TrialState::Running);
        assert!(
            ta.datetime_start.is_some(),
            "a Running trial has a start time"
        );
        assert_eq!(tb.state, TrialState::Waiting);
    }
    assert!(
        s.create_trial(a, TrialState::Complete, BTreeMap::new())
            .is_err(),
        "trials are created Running or Waiting only"
    );
}

/// Trials created from many threads at once get distinct, dense numbers.
pub fn concurrent_creation_allocates_unique_numbers(s: Arc<dyn Storage>) {
    let study = s.create_study("c", Direction::Minimize).unwrap();
    let numbers: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let s = Arc::clone(&s);
                scope.spawn(move || {
                    (0..25)
                        .map(|_| {
                            s.create_trial(study, TrialState::Running, BTreeMap::new())
                                .unwrap()
                                .number
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let set: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(
        set.len(),
        100,
        "concurrent create_trial must never hand out a number twice"
    );
    assert_eq!(set.iter().next_back(), Some(&99), "numbers must be dense");
}

/// Waiting trials are popped oldest first, each by exactly one worker, and become Running.
pub fn waiting_trials_pop_in_order_and_once(s: Arc<dyn Storage>) {
    let study = s.create_study("w", Direction::Minimize).unwrap();
    assert!(
        s.pop_waiting_trial(study).unwrap().is_none(),
        "no waiting trial: pop gives None"
    );
    let first = s
        .create_trial(
            study,
            TrialState::Waiting,
            BTreeMap::from([("fixed_params".to_owned(), json!({"x": 0.5}))]),
        )
        .unwrap();
    s.create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let popped = s
        .pop_waiting_trial(study)
        .unwrap()
        .expect("one trial waits");
    assert_eq!(popped.id, first.id, "the oldest waiting trial pops first");
    assert_eq!(popped.state, TrialState::Running);
    assert!(
        popped.datetime_start.is_some(),
        "a popped trial gets a start time"
    );
    assert_eq!(
        popped.system_attrs.get("fixed_params"),
        Some(&json!({"x": 0.5}))
    );
    assert!(s.pop_waiting_trial(study).unwrap().is_none());

    for _ in 0..60 {
        s.create_trial(study, TrialState::Waiting, BTreeMap::new())
            .unwrap();
    }
    let popped: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let s = Arc::clone(&s);
                scope.spawn(move || {
                    let mut got = Vec::new();
                    while let Some(t) = s.pop_waiting_trial(study).unwrap() {
                        got.push(t.number);
                    }
                    got
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let set: BTreeSet<u64> = popped.iter().copied().collect();
    assert_eq!(popped.len(), 60, "every waiting trial is popped");
    assert_eq!(set.len(), 60, "no waiting trial may be popped twice");
    assert_eq!(
        s.get_n_trials(study, Some(&[TrialState::Waiting])).unwrap(),
        0
    );
}

/// Parameters must fit their distribution; a name keeps its kind across trials.
pub fn params_and_distribution_compatibility(s: &dyn Storage) {
    let study = s.create_study("p", Direction::Minimize).unwrap();
    let t0 = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_param(t0.id, "x", &ParamValue::Float(0.25), &float01())
        .unwrap();
    let act = Distribution::categorical("act", vec!["relu".into(), "tanh".into()]).unwrap();
    s.set_trial_param(t0.id, "act", &"tanh".into(), &act)
        .unwrap();
    assert!(
        matches!(
            s.set_trial_param(t0.id, "y", &"relu".into(), &float01()),
            Err(Error::IncompatibleValue { .. })
        ),
        "a string is not a float"
    );
    let t = s.get_trial(t0.id).unwrap();
    assert_eq!(t.params.get("x"), Some(&ParamValue::Float(0.25)));
    assert_eq!(t.params.get("act"), Some(&ParamValue::from("tanh")));
    assert_eq!(t.distributions.get("act"), Some(&act));

    let t1 = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let wider = Distribution::float("x", 0.0, 10.0).unwrap();
    s.set_trial_param(t1.id, "x", &ParamValue::Float(5.0), &wider)
        .expect("a new range for the same name is allowed");
    let int = Distribution::int("act", 0, 3).unwrap();
    assert!(
        matches!(
            s.set_trial_param(t1.id, "act", &ParamValue::Int(1), &int),
            Err(Error::IncompatibleDistribution { .. })
        ),
        "a name keeps its kind across trials"
    );
    let other = Distribution::categorical("act", vec!["relu".into(), "gelu".into()]).unwrap();
    assert!(
        s.set_trial_param(t1.id, "act", &"relu".into(), &other)
            .is_err(),
        "a categorical name keeps its choices"
    );
}

/// Only Running trials finish; Complete needs a value; Failed keeps none.
pub fn state_transitions(s: &dyn Storage) {
    let study = s.create_study("s", Direction::Minimize).unwrap();
    let w = s
        .create_trial(study, TrialState::Waiting, BTreeMap::new())
        .unwrap();
    assert!(
        s.set_trial_state_value(w.id, TrialState::Complete, Some(1.0))
            .is_err(),
        "a Waiting trial cannot finish before it runs"
    );
    let r = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    assert!(
        s.set_trial_state_value(r.id, TrialState::Complete, None)
            .is_err(),
        "Complete needs a value"
    );
    assert!(
        s.set_trial_state_value(r.id, TrialState::Running, None)
            .is_err()
    );
    s.set_trial_state_value(r.id, TrialState::Complete, Some(2.5))
        .unwrap();
    let t = s.get_trial(r.id).unwrap();
    assert_eq!((t.state, t.value), (TrialState::Complete, Some(2.5)));
    assert!(t.datetime_complete.is_some() && t.duration().unwrap() >= 0.0);
    let f = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_state_value(f.id, TrialState::Failed, Some(1.0))
        .unwrap();
    assert_eq!(
        s.get_trial(f.id).unwrap().value,
        None,
        "Failed trials carry no value"
    );
    let p = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_state_value(p.id, TrialState::Pruned, Some(0.5))
        .unwrap();
    assert_eq!(
        s.get_trial(p.id).unwrap().value,
        Some(0.5),
        "Pruned trials keep a value"
    );
}

/// Every write to a finished trial is [`Error::TrialFinished`].
pub fn finished_trials_are_immutable(s: &dyn Storage) {
    let study = s.create_study("i", Direction::Minimize).unwrap();
    let t = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_state_value(t.id, TrialState::Complete, Some(1.0))
        .unwrap();
    let finished = |r: crate::error::Result<()>| matches!(r, Err(Error::TrialFinished { .. }));
    assert!(finished(s.set_trial_state_value(
        t.id,
        TrialState::Failed,
        None
    )));
    assert!(finished(s.set_trial_param(
        t.id,
        "x",
        &ParamValue::Float(0.1),
        &float01()
    )));
    assert!(finished(s.set_trial_intermediate_value(t.id, 0, 1.0)));
    assert!(finished(s.set_trial_user_attr(t.id, "k", json!(1))));
    assert!(finished(s.set_trial_system_attr(t.id, "k", json!(1))));
    assert_eq!(s.get_trial(t.id).unwrap().value, Some(1.0));
}

/// Intermediate values overwrite per step; attributes are per trial.
pub fn intermediate_values_and_attributes(s: &dyn Storage) {
    let study = s.create_study("v", Direction::Minimize).unwrap();
    let t = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let u = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_intermediate_value(t.id, 3, 0.5).unwrap();
    s.set_trial_intermediate_value(t.id, 1, 0.7).unwrap();
    s.set_trial_intermediate_value(t.id, 3, 0.4).unwrap();
    s.set_trial_intermediate_value(t.id, 5, f64::NAN).unwrap();
    s.set_trial_user_attr(t.id, "note", json!("hi")).unwrap();
    s.set_trial_system_attr(t.id, "completed_rung_0", json!(0.4))
        .unwrap();
    let got = s.get_trial(t.id).unwrap();
    assert_eq!(got.intermediate_values.len(), 3);
    assert_eq!(
        got.intermediate_values[&3], 0.4,
        "a step reported again is overwritten"
    );
    assert!(
        got.intermediate_values[&5].is_nan(),
        "NaN intermediate values are kept"
    );
    assert_eq!(got.last_step(), Some(5));
    assert_eq!(got.user_attrs.get("note"), Some(&json!("hi")));
    assert_eq!(got.system_attrs.get("completed_rung_0"), Some(&json!(0.4)));
    let other = s.get_trial(u.id).unwrap();
    assert!(other.user_attrs.is_empty() && other.intermediate_values.is_empty());
}

/// A snapshot read before a write does not see the write.
pub fn snapshots_do_not_change(s: &dyn Storage) {
    let study = s.create_study("n", Direction::Minimize).unwrap();
    let t = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let before = s.get_trial(t.id).unwrap();
    let all_before = s.get_all_trials(study, None).unwrap();
    s.set_trial_intermediate_value(t.id, 0, 1.0).unwrap();
    s.set_trial_state_value(t.id, TrialState::Complete, Some(1.0))
        .unwrap();
    assert!(
        before.intermediate_values.is_empty() && before.state == TrialState::Running,
        "a snapshot must not change after later writes"
    );
    assert_eq!(all_before[0].state, TrialState::Running);
    assert_eq!(s.get_trial(t.id).unwrap().state, TrialState::Complete);
}

/// Filters by state, lookups by number, and the direction-aware best trial.
pub fn queries(s: &dyn Storage) {
    for (name, direction, want) in [
        ("min", Direction::Minimize, 1.0),
        ("max", Direction::Maximize, 3.0),
    ] {
        let study = s.create_study(name, direction).unwrap();
        assert!(matches!(
            s.get_best_trial(study),
            Err(Error::NoCompleteTrial)
        ));
        for v in [2.0, 1.0, 3.0, 1.0] {
            let t = s
                .create_trial(study, TrialState::Running, BTreeMap::new())
                .unwrap();
            s.set_trial_state_value(t.id, TrialState::Complete, Some(v))
                .unwrap();
        }
        let pruned = s
            .create_trial(study, TrialState::Running, BTreeMap::new())
            .unwrap();
        s.set_trial_state_value(pruned.id, TrialState::Pruned, Some(-100.0))
            .unwrap();
        s.create_trial(study, TrialState::Running, BTreeMap::new())
            .unwrap();
        s.create_trial(study, TrialState::Waiting, BTreeMap::new())
            .unwrap();
        let best = s.get_best_trial(study).unwrap();
        assert_eq!(
            best.value,
            Some(want),
            "best of {name} ignores pruned values"
        );
        if direction == Direction::Minimize {
            assert_eq!(best.number, 1, "ties go to the lowest number");
        }
        assert_eq!(s.get_n_trials(study, None).unwrap(), 7);
        assert_eq!(
            s.get_n_trials(study, Some(&[TrialState::Complete]))
                .unwrap(),
            4
        );
        assert_eq!(
            s.get_n_trials(study, Some(&[TrialState::Running, TrialState::Waiting]))
                .unwrap(),
            2
        );
        let numbers: Vec<u64> = s
            .get_all_trials(study, None)
            .unwrap()
            .iter()
            .map(|t| t.number)
            .collect();
        assert_eq!(
            numbers,
            (0..7).collect::<Vec<_>>(),
            "trials come in number order"
        );
        assert_eq!(s.get_trial_by_number(study, 4).unwrap().id, pruned.id);
        assert!(s.get_trial_by_number(study, 99).is_err());
    }
}

/// Unknown studies and trials are errors, not panics.
pub fn unknown_ids_are_errors(s: &dyn Storage) {
    use crate::frozen_trial::{StudyId, TrialId};
    assert!(s.study_name(StudyId(999)).is_err());
    assert!(s.get_all_trials(StudyId(999), None).is_err());
    assert!(
        s.create_trial(StudyId(999), TrialState::Running, BTreeMap::new())
            .is_err()
    );
    assert!(matches!(
        s.get_trial(TrialId(999)),
        Err(Error::TrialNotFound(_))
    ));
    assert!(
        s.set_trial_intermediate_value(TrialId(999), 0, 1.0)
            .is_err()
    );
}

/// `list_studies` reports every study with its counts and best value; `delete_study` removes
/// a study and its trials and frees its name, leaving the others alone.
pub fn studies_are_listed_and_deleted(s: &dyn Storage) {
    let a = s.create_study("a", Direction::Minimize).unwrap();
    let b = s.create_study("b", Direction::Maximize).unwrap();
    for v in [3.0, 5.0] {
        let t = s
            .create_trial(b, TrialState::Running, BTreeMap::new())
            .unwrap();
        s.set_trial_state_value(t.id, TrialState::Complete, Some(v))
            .unwrap();
    }
    let t = s
        .create_trial(a, TrialState::Running, BTreeMap::new())
        .unwrap();
    let list = s.list_studies().unwrap();
    let names: Vec<&str> = list.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["a", "b"], "studies are listed in creation order");
    assert_eq!(
        (list[0].n_trials, list[0].n_complete, list[0].best_value),
        (1, 0, None)
    );
    assert_eq!(
        (list[1].n_trials, list[1].best_value, list[1].best_trial),
        (2, Some(5.0), Some(1)),
        "the best of a maximized study is its largest value"
    );
    s.delete_study(a).unwrap();
    assert!(matches!(
        s.study_id_from_name("a"),
        Err(Error::StudyNotFound(_))
    ));
    assert!(
        s.get_all_trials(a, None).is_err(),
        "a deleted study is gone"
    );
    assert!(s.get_trial(t.id).is_err(), "so are its trials");
    assert!(s.delete_study(a).is_err(), "deleting twice is an error");
    assert_eq!(s.study_ids().unwrap(), vec![b]);
    let again = s.create_study("a", Direction::Minimize).unwrap();
    assert_ne!(again, a, "ids are never reused");
    assert_eq!(s.get_n_trials(b, None).unwrap(), 2);
}

/// A Running trial whose heartbeat is older than the grace period is failed once, with the
/// reason; trials without heartbeats, fresh ones and finished ones are left alone.
pub fn stale_trials_fail_after_their_grace_period(s: &dyn Storage) {
    let study = s.create_study("hb", Direction::Minimize).unwrap();
    let beating = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let silent = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    let done = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.record_heartbeat(beating.id).unwrap();
    s.record_heartbeat(done.id).unwrap();
    s.set_trial_state_value(done.id, TrialState::Complete, Some(1.0))
        .unwrap();
    assert!(
        s.fail_stale_trials(study, 60.0).unwrap().is_empty(),
        "a fresh heartbeat is not stale"
    );
    std::thread::sleep(std::time::Duration::from_millis(30));
    let failed = s.fail_stale_trials(study, 0.01).unwrap();
    assert_eq!(
        failed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![beating.id],
        "only the Running trial with an old heartbeat fails"
    );
    let t = s.get_trial(beating.id).unwrap();
    assert_eq!(t.state, TrialState::Failed);
    assert!(t.fail_reason().unwrap().starts_with("no heartbeat for"));
    assert!(
        s.fail_stale_trials(study, 0.01).unwrap().is_empty(),
        "failed once"
    );
    assert_eq!(s.get_trial(silent.id).unwrap().state, TrialState::Running);
    assert_eq!(s.get_trial(done.id).unwrap().value, Some(1.0));
    // Heartbeats of trials that are not Running are ignored.
    s.record_heartbeat(done.id).unwrap();
}

/// A finished trial copied into another study keeps its data under the next number there.
pub fn finished_trials_import_into_another_study(s: &dyn Storage) {
    let from = s.create_study("from", Direction::Minimize).unwrap();
    let to = s.create_study("to", Direction::Minimize).unwrap();
    let t = s
        .create_trial(from, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_param(t.id, "x", &ParamValue::Float(0.25), &float01())
        .unwrap();
    s.set_trial_intermediate_value(t.id, 3, 0.5).unwrap();
    s.set_trial_user_attr(t.id, "u", json!([1, 2])).unwrap();
    s.set_trial_state_value(t.id, TrialState::Complete, Some(0.125))
        .unwrap();
    s.create_trial(to, TrialState::Running, BTreeMap::new())
        .unwrap();
    let original = s.get_trial(t.id).unwrap();
    let copy = s.import_trial(to, &original).unwrap();
    assert_eq!(copy.number, 1, "the next number of the target study");
    assert_ne!(copy.id, original.id);
    let stored = s.get_trial(copy.id).unwrap();
    assert_eq!(stored.value, Some(0.125));
    assert_eq!(stored.params, original.params);
    assert_eq!(stored.intermediate_values, original.intermediate_values);
    assert_eq!(stored.user_attrs, original.user_attrs);
    assert_eq!(stored.datetime_complete, original.datetime_complete);
    let running = s
        .create_trial(from, TrialState::Running, BTreeMap::new())
        .unwrap();
    assert!(
        s.import_trial(to, &running).is_err(),
        "only finished trials are imported"
    );
}

/// Infinite objective values and NaN / infinite intermediate values survive a round trip.
pub fn non_finite_values_round_trip(s: &dyn Storage) {
    let study = s.create_study("inf", Direction::Minimize).unwrap();
    let t = s
        .create_trial(study, TrialState::Running, BTreeMap::new())
        .unwrap();
    s.set_trial_intermediate_value(t.id, 0, f64::NAN).unwrap();
    s.set_trial_intermediate_value(t.id, 1, f64::INFINITY)
        .unwrap();
    s.set_trial_intermediate_value(t.id, 2, f64::NEG_INFINITY)
        .unwrap();
    s.set_trial_state_value(t.id, TrialState::Complete, Some(f64::NEG_INFINITY))
        .unwrap();
    let back = s.get_trial(t.id).unwrap();
    assert_eq!(back.value, Some(f64::NEG_INFINITY));
    assert!(back.intermediate_values[&0].is_nan());
    assert_eq!(back.intermediate_values[&1], f64::INFINITY);
    assert_eq!(back.intermediate_values[&2], f64::NEG_INFINITY);
}
