//! Study-level behaviour: typed suggestions, errors, reproducibility, failures, enqueue,
//! ask / tell, callbacks and stops, parallel workers, export.

use gradus_tune::{
    Control, Direction, Error, FrozenTrial, GridSampler, MedianPruner, NopPruner, OptimizeOptions,
    ParamValue, RandomSampler, StopReason, Study, StudyCallback, TpeSampler, TrialError,
    TrialState,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

fn random_study(seed: u64) -> Study {
    Study::builder()
        .sampler(RandomSampler)
        .pruner(NopPruner)
        .seed(seed)
        .build()
        .unwrap()
}

#[test]
fn suggestions_are_typed() {
    let study = random_study(1);
    let mut t = study.ask().unwrap();
    let batch = t.suggest_categorical("batch", &[10, 20, 30]).unwrap();
    let act: String = t.suggest_categorical("act", &["relu", "tanh"]).unwrap();
    let flag: bool = t.suggest_categorical("flag", &[true, false]).unwrap();
    let units: i64 = t.suggest_int_log("units", 8, 512).unwrap();
    let lr: f64 = t.suggest_float_log("lr", 1e-5, 1.0).unwrap();
    let drop = t.suggest_float_step("drop", 0.0, 0.5, 0.1).unwrap();
    let k = t.suggest_int_step("k", 1, 9, 2).unwrap();
    assert!([10, 20, 30].contains(&batch));
    assert!(act == "relu" || act == "tanh");
    let _ = flag;
    assert!((8..=512).contains(&units));
    assert!((1e-5..=1.0).contains(&lr));
    assert!(((drop * 10.0).round() - drop * 10.0).abs() < 1e-9 && (0.0..=0.5).contains(&drop));
    assert!(k % 2 == 1 && (1..=9).contains(&k));
    // The same name and distribution gives the same value again.
    assert_eq!(
        t.suggest_categorical("batch", &[10, 20, 30]).unwrap(),
        batch
    );
    let rec = study.tell(t, Ok(1.0)).unwrap();
    assert_eq!(rec.params["act"], ParamValue::Str(act));
    assert_eq!(rec.params["units"], ParamValue::Int(units));
    assert_eq!(rec.params["batch"], ParamValue::Int(batch));
}

#[test]
fn impossible_ranges_and_inconsistent_names_are_errors() {
    let study = random_study(1);
    let mut t = study.ask().unwrap();
    let msg = |e: Error| e.to_string();
    assert!(
        msg(t.suggest_float("x", 1.0, 0.0).unwrap_err())
            .contains("low (1) is greater than high (0)")
    );
    assert!(
        msg(t.suggest_float_log("lr", 0.0, 1.0).unwrap_err()).contains("log scale needs low > 0")
    );
    assert!(
        msg(t.suggest_int_step("n", 0, 4, 5).unwrap_err())
            .contains("step 5 is larger than the range")
    );
    assert!(
        msg(t.suggest_float_step("d", 0.0, 1.0, -0.1).unwrap_err())
            .contains("step must be positive")
    );
    let empty: [&str; 0] = [];
    assert!(
        msg(t.suggest_categorical("act", &empty).unwrap_err()).contains("choice list is empty")
    );
    t.suggest_float("x", 0.0, 1.0).unwrap();
    let e = t.suggest_float("x", 0.0, 2.0).unwrap_err();
    assert!(matches!(e, Error::InconsistentDistribution { .. }), "{e}");
    assert!(msg(e).contains("already suggested in trial 0 as float [0, 1], now as float [0, 2]"));
    assert!(t.suggest_int("x", 0, 1).is_err());
}

fn params_and_values(study: &Study) -> Vec<(BTreeMap<String, ParamValue>, Option<f64>)> {
    study
        .trials()
        .unwrap()
        .iter()
        .map(|t| (t.params.clone(), t.value))
        .collect()
}

fn mixed_objective(t: &mut gradus_tune::Trial) -> Result<f64, TrialError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let n = t.suggest_int("n", 1, 6)?;
    let act = t.suggest_categorical("act", &["relu", "tanh", "gelu"])?;
    let extra = if act == "tanh" {
        t.suggest_float_log("lr", 1e-4, 1.0)?
    } else {
        0.0
    };
    Ok(x * x + (n as f64 - 3.0).abs() + extra)
}

#[test]
fn a_seeded_study_with_one_worker_is_exactly_reproducible() {
    for sampler in 0..2 {
        let run = |seed| {
            let b = Study::builder().seed(seed).pruner(NopPruner);
            let study = if sampler == 0 {
                b.sampler(TpeSampler::default())
            } else {
                b.sampler(RandomSampler)
            }
            .build()
            .unwrap();
            study
                .optimize(mixed_objective, OptimizeOptions::n_trials(30))
                .unwrap();
            params_and_values(&study)
        };
        let a = run(42);
        assert_eq!(a.len(), 30);
        assert_eq!(a, run(42), "same seed, same trials");
        assert_ne!(a, run(43), "another seed, other trials");
    }
}

#[test]
fn failures_nan_and_panics_fail_the_trial_and_the_study_goes_on() {
    let study = random_study(5);
    let summary = study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                match t.number() % 4 {
                    1 => Err(TrialError::msg("diverged")),
                    2 => Ok(f64::NAN),
                    3 => panic!("boom"),
                    _ => Ok(x),
                }
            },
            OptimizeOptions::n_trials(8),
        )
        .unwrap();
    assert_eq!(
        summary,
        gradus_tune::OptimizeSummary {
            n_trials: 8,
            stop_reason: StopReason::NTrials
        }
    );
    let trials = study.trials().unwrap();
    let states: Vec<TrialState> = trials.iter().map(|t| t.state).collect();
    use TrialState::{Complete as C, Failed as F};
    assert_eq!(states, vec![C, F, F, F, C, F, F, F]);
    assert_eq!(trials[1].fail_reason(), Some("diverged"));
    assert_eq!(trials[2].fail_reason(), Some("the objective returned NaN"));
    assert_eq!(
        trials[3].fail_reason(),
        Some("the objective panicked: boom")
    );
    assert_eq!(trials[1].value, None);
    assert_eq!(
        trials[1].params.len(),
        1,
        "a failed trial keeps its parameters"
    );
    let best = study.best_trial().unwrap();
    assert!(best.number == 0 || best.number == 4);
}

#[test]
fn enqueued_trials_run_first_with_their_parameters() {
    let study = random_study(2);
    study
        .enqueue_trial(BTreeMap::from([
            ("x".to_string(), ParamValue::Float(0.25)),
            ("act".into(), "gelu".into()),
        ]))
        .unwrap();
    study
        .enqueue_trial(BTreeMap::from([("x".to_string(), ParamValue::Int(1))]))
        .unwrap();
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                let act = t.suggest_categorical("act", &["relu", "gelu"])?;
                Ok(x + if act == "gelu" { 1.0 } else { 0.0 })
            },
            OptimizeOptions::n_trials(3),
        )
        .unwrap();
    let t = study.trials().unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(t[0].params["x"], ParamValue::Float(0.25));
    assert_eq!(t[0].params["act"], ParamValue::from("gelu"));
    assert_eq!(t[0].value, Some(1.25));
    assert_eq!(
        t[1].params["x"],
        ParamValue::Float(1.0),
        "an int enqueued for a float converts"
    );
    assert!(t.iter().all(|t| t.state == TrialState::Complete));
    // A value of the wrong kind is an error at suggestion time, recorded as a failure.
    study
        .enqueue_trial(BTreeMap::from([("x".to_string(), "high".into())]))
        .unwrap();
    study
        .optimize(
            |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
            OptimizeOptions::n_trials(1),
        )
        .unwrap();
    let last = study.trials().unwrap().pop().unwrap();
    assert_eq!(last.state, TrialState::Failed);
    assert!(
        last.fail_reason()
            .unwrap()
            .contains("value high does not fit float [0, 1]"),
        "{:?}",
        last.fail_reason()
    );
}

#[test]
fn ask_and_tell_drive_an_external_loop() {
    let study = Study::builder()
        .direction(Direction::Maximize)
        .sampler(RandomSampler)
        .seed(3)
        .build()
        .unwrap();
    let mut a = study.ask().unwrap();
    let mut b = study.ask().unwrap();
    assert_eq!((a.number(), b.number()), (0, 1));
    let xa = a.suggest_float("x", 0.0, 1.0).unwrap();
    b.suggest_float("x", 0.0, 1.0).unwrap();
    b.report(0, 0.3).unwrap();
    b.report(1, 0.2).unwrap();
    b.report(1, 99.0).unwrap(); // ignored: step 1 was reported
    let rb = study.tell(b, Err(TrialError::Pruned)).unwrap();
    assert_eq!(
        (rb.state, rb.value),
        (TrialState::Pruned, Some(0.2)),
        "pruned trials keep their last report"
    );
    let ra = study.tell(a, Ok(xa)).unwrap();
    assert_eq!(ra.state, TrialState::Complete);
    assert_eq!(study.best_value().unwrap(), xa);
    assert!(
        matches!(
            study.tell_number(0, Ok(1.0)),
            Err(Error::TrialFinished { .. })
        ),
        "finished trials are immutable"
    );
}

#[test]
fn best_queries_need_a_complete_trial() {
    let study = random_study(1);
    assert!(matches!(study.best_trial(), Err(Error::NoCompleteTrial)));
    assert!(matches!(study.best_value(), Err(Error::NoCompleteTrial)));
}

#[test]
fn the_grid_visits_every_point_once_in_a_seeded_order_and_stops() {
    let grid = || {
        GridSampler::new(BTreeMap::from([
            (
                "lr".to_string(),
                vec![ParamValue::from(0.001), 0.01.into(), 0.1.into()],
            ),
            ("batch".to_string(), vec![ParamValue::from(10), 20.into()]),
        ]))
        .unwrap()
    };
    let run = |seed, n_jobs| {
        let study = Study::builder().sampler(grid()).seed(seed).build().unwrap();
        let summary = study
            .optimize(
                |t| {
                    let lr = t.suggest_float_log("lr", 1e-3, 0.1)?;
                    let batch = t.suggest_categorical("batch", &[10, 20])?;
                    Ok(lr * batch as f64)
                },
                OptimizeOptions::n_trials(50).n_jobs(n_jobs),
            )
            .unwrap();
        assert_eq!(summary.stop_reason, StopReason::Exhausted);
        assert_eq!(summary.n_trials, 6);
        study
            .trials()
            .unwrap()
            .iter()
            .map(|t| format!("{:?}", t.params))
            .collect::<Vec<_>>()
    };
    let a = run(0, 1);
    assert_eq!(
        a.iter().collect::<BTreeSet<_>>().len(),
        6,
        "each point exactly once"
    );
    assert_eq!(a, run(0, 1), "the order is seeded");
    assert!(
        (1..6).any(|s| run(s, 1) != a),
        "other seeds give other orders"
    );
    let par = run(0, 2);
    assert_eq!(
        par.iter().collect::<BTreeSet<_>>().len(),
        6,
        "also with parallel workers"
    );
}

#[test]
fn parameters_missing_from_the_grid_are_errors() {
    let g = GridSampler::new(BTreeMap::from([(
        "a".to_string(),
        vec![ParamValue::Int(1)],
    )]))
    .unwrap();
    let study = Study::builder().sampler(g).seed(0).build().unwrap();
    let mut t = study.ask().unwrap();
    assert_eq!(t.suggest_int("a", 0, 5).unwrap(), 1);
    let e = t.suggest_float("b", 0.0, 1.0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "parameter `b` is not in the grid; add it to the GridSampler's grid (grid parameters: a)"
    );
}

struct StopAfter(u64);
impl StudyCallback for StopAfter {
    fn after_trial(&mut self, _: &Study, t: &FrozenTrial) -> Control {
        if t.number + 1 >= self.0 {
            Control::Stop
        } else {
            Control::Continue
        }
    }
}

#[test]
fn callbacks_see_every_trial_and_can_stop_the_study() {
    let study = random_study(4);
    let mut seen = Vec::new();
    let summary = study
        .optimize_with_callbacks(
            |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
            OptimizeOptions::n_trials(100),
            vec![
                Box::new(|_: &Study, t: &FrozenTrial| {
                    seen.push(t.number);
                    Control::Continue
                }),
                Box::new(StopAfter(7)),
            ],
        )
        .unwrap();
    assert_eq!(
        summary,
        gradus_tune::OptimizeSummary {
            n_trials: 7,
            stop_reason: StopReason::Callback
        }
    );
    assert_eq!(seen, (0..7).collect::<Vec<_>>());
}

#[test]
fn patience_stops_after_n_trials_without_improvement() {
    let study = random_study(4);
    // Values 5, 4, 3, 3.5, 3.2, 9, … : the best (3) is trial 2; patience 3 stops after trial 5.
    let values = [5.0, 4.0, 3.0, 3.5, 3.2, 9.0, 1.0, 0.0];
    let summary = study
        .optimize(
            |t| Ok(values[t.number() as usize]),
            OptimizeOptions::n_trials(8).patience(3),
        )
        .unwrap();
    assert_eq!(
        summary,
        gradus_tune::OptimizeSummary {
            n_trials: 6,
            stop_reason: StopReason::Patience
        }
    );
}

#[test]
fn the_timeout_stops_new_trials() {
    let study = random_study(4);
    let summary = study
        .optimize(
            |t| {
                std::thread::sleep(Duration::from_millis(20));
                Ok(t.suggest_float("x", 0.0, 1.0)?)
            },
            OptimizeOptions::default().timeout(Duration::from_millis(100)),
        )
        .unwrap();
    assert_eq!(summary.stop_reason, StopReason::Timeout);
    assert!((1..=6).contains(&summary.n_trials), "{summary:?}");
}

#[test]
fn parallel_workers_run_single_threaded_math_and_keep_every_trial() {
    let study = Study::builder().seed(9).pruner(NopPruner).build().unwrap();
    let summary = study
        .optimize(
            |t| {
                assert_eq!(
                    rayon::current_num_threads(),
                    1,
                    "each worker runs in a one-thread pool"
                );
                mixed_objective(t)
            },
            OptimizeOptions::n_trials(40).n_jobs(2),
        )
        .unwrap();
    assert_eq!(summary.n_trials, 40);
    let trials = study.trials().unwrap();
    assert_eq!(trials.len(), 40);
    assert!(trials.iter().all(|t| t.state == TrialState::Complete));
    let numbers: BTreeSet<u64> = trials.iter().map(|t| t.number).collect();
    assert_eq!(numbers, (0..40).collect());
    assert!(OptimizeOptions::n_trials(1).n_jobs(0).n_jobs == 0);
    assert!(
        study
            .optimize(mixed_objective, OptimizeOptions::n_trials(1).n_jobs(0))
            .is_err()
    );
    assert!(
        study
            .optimize(mixed_objective, OptimizeOptions::n_trials(2).n_jobs(-1))
            .is_ok()
    );
}

#[test]
fn the_median_pruner_prunes_bad_learning_curves() {
    let study = Study::builder()
        .sampler(RandomSampler)
        .pruner(MedianPruner::default())
        .seed(11)
        .build()
        .unwrap();
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                for step in 0..10 {
                    let v = x + 1.0 / (step + 1) as f64;
                    t.report(step, v)?;
                    if t.should_prune()? {
                        return Err(TrialError::Pruned);
                    }
                }
                Ok(x)
            },
            OptimizeOptions::n_trials(30),
        )
        .unwrap();
    let trials = study.trials().unwrap();
    let pruned: Vec<_> = trials
        .iter()
        .filter(|t| t.state == TrialState::Pruned)
        .collect();
    assert!(
        trials[..5].iter().all(|t| t.state == TrialState::Complete),
        "5 start-up trials run to the end"
    );
    assert!(
        pruned.len() >= 5,
        "about half of the later trials are worse than the median: {}",
        pruned.len()
    );
    // Every pruned trial was worse than the median of the complete ones at its last step.
    for p in &pruned {
        let step = p.last_step().unwrap();
        assert!(p.value.unwrap() > 0.0 + 1.0 / (step + 1) as f64);
    }
}

#[test]
fn the_constant_liar_shares_running_proposals() {
    let study = Study::builder().seed(1).pruner(NopPruner).build().unwrap();
    study
        .optimize(
            |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
            OptimizeOptions::n_trials(10),
        )
        .unwrap();
    let mut running = study.ask().unwrap();
    let rec = study.storage().get_trial(running.id()).unwrap();
    let shared = rec
        .system_attrs
        .get(gradus_tune::samplers::tpe::RELATIVE_PARAMS_KEY)
        .expect("relative params shared");
    let x = running.suggest_float("x", 0.0, 1.0).unwrap();
    assert_eq!(
        shared["x"].as_f64(),
        Some(x),
        "the shared proposal is the value the trial uses"
    );
}

#[test]
fn trials_export_as_csv_and_json() {
    let study = random_study(8);
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                t.set_user_attr("note", "hi")?;
                if t.number() == 1 {
                    Err(TrialError::msg("bad, \"quoted\""))
                } else {
                    Ok(x)
                }
            },
            OptimizeOptions::n_trials(2),
        )
        .unwrap();
    let mut csv = Vec::new();
    study.write_trials_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,value,state,datetime_start,datetime_complete,duration,params_x,user_attrs_note,fail_reason"
    );
    assert!(
        lines[1].starts_with("0,") && lines[1].contains(",COMPLETE,") && lines[1].ends_with(",hi,")
    );
    assert!(
        lines[2].starts_with("1,,FAIL,") && lines[2].ends_with(r#",hi,"bad, ""quoted""""#),
        "{}",
        lines[2]
    );
    let json: serde_json::Value = serde_json::from_str(&study.trials_json().unwrap()).unwrap();
    assert_eq!(json[0]["state"], "complete");
    assert_eq!(json[1]["system_attrs"]["fail_reason"], "bad, \"quoted\"");
    // Times are ISO 8601 UTC, to the millisecond, in both exports.
    let t0 = study.trials().unwrap()[0].clone();
    let iso = gradus_tune::iso8601(t0.datetime_start.unwrap()).unwrap();
    assert_eq!(json[0]["datetime_start"], iso.as_str());
    assert!(iso.ends_with('Z') && iso.contains('T'), "{iso}");
    assert!(lines[1].contains(&format!(",{iso},")), "{}", lines[1]);
    assert_eq!(json[0]["params"]["x"], t0.params["x"].as_f64().unwrap());
}

#[test]
fn studies_share_a_storage_by_name() {
    let storage: std::sync::Arc<dyn gradus_tune::Storage> =
        std::sync::Arc::new(gradus_tune::InMemoryStorage::new());
    let a = Study::builder()
        .name("s")
        .storage(storage.clone())
        .sampler(RandomSampler)
        .seed(1)
        .build()
        .unwrap();
    a.optimize(
        |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
        OptimizeOptions::n_trials(3),
    )
    .unwrap();
    assert!(matches!(
        Study::builder().name("s").storage(storage.clone()).build(),
        Err(Error::DuplicatedStudy(_))
    ));
    let b = Study::builder()
        .name("s")
        .storage(storage)
        .load_if_exists(true)
        .sampler(RandomSampler)
        .seed(2)
        .build()
        .unwrap();
    b.optimize(
        |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
        OptimizeOptions::n_trials(2),
    )
    .unwrap();
    assert_eq!(a.trials().unwrap().len(), 5);
    assert_eq!(
        b.trials()
            .unwrap()
            .iter()
            .map(|t| t.number)
            .collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
}

#[test]
fn a_panicking_callback_in_a_worker_is_an_error_and_keeps_finished_trials() {
    let study = random_study(6);
    let result = study.optimize_with_callbacks(
        |t| Ok(t.suggest_float("x", 0.0, 1.0)?),
        OptimizeOptions::n_trials(10).n_jobs(2),
        vec![Box::new(|_: &Study, t: &FrozenTrial| {
            if t.number >= 3 {
                panic!("callback bug");
            }
            Control::Continue
        })],
    );
    assert!(matches!(result, Err(Error::WorkerPanicked)), "{result:?}");
    let done = study
        .trials()
        .unwrap()
        .iter()
        .filter(|t| t.state == TrialState::Complete)
        .count();
    assert!(done >= 4, "trials finished before the panic stay: {done}");
}
