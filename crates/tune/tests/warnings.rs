//! Values used although outside the suggested range are announced through the `log` crate, in
//! Optuna's words (issue 6: they were returned without a word). A small logger captures the
//! records; each test looks only at the records naming its own parameters, so the tests may
//! run in parallel.

use gradus_tune::{GridSampler, OptimizeOptions, ParamValue, RandomSampler, Study};
use log::{Level, LevelFilter, Log, Metadata, Record};
use std::collections::BTreeMap;
use std::sync::{Mutex, Once};

/// Every record logged in this test binary.
static RECORDS: Mutex<Vec<(Level, String)>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &Record<'_>) {
        let mut records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
        records.push((record.level(), record.args().to_string()));
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

/// Installs the capturing logger (once per test binary).
fn capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&CAPTURE).expect("no other logger in this test binary");
        log::set_max_level(LevelFilter::Trace);
    });
}

/// The warnings that mention the parameter `name` (written `name` with its quotes or ticks).
fn warnings_about(name: &str) -> Vec<String> {
    let records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    records
        .iter()
        .filter(|(level, msg)| {
            *level == Level::Warn
                && (msg.contains(&format!("`{name}`")) || msg.contains(&format!("'{name}'")))
        })
        .map(|(_, msg)| msg.clone())
        .collect()
}

#[test]
fn grid_values_outside_the_range_are_used_with_optunas_warning() {
    capture();
    let grid = BTreeMap::from([(
        "grid_lr".to_string(),
        vec![ParamValue::from(0.5), ParamValue::from(5.0)],
    )]);
    let study = Study::builder()
        .sampler(GridSampler::new(grid).unwrap())
        .seed(0)
        .build()
        .unwrap();
    study
        .optimize(
            |t| Ok(t.suggest_float("grid_lr", 0.0, 1.0)?),
            OptimizeOptions::n_trials(2),
        )
        .unwrap();
    let mut used: Vec<f64> = study
        .trials()
        .unwrap()
        .iter()
        .map(|t| t.value.unwrap())
        .collect();
    used.sort_by(f64::total_cmp);
    assert_eq!(used, [0.5, 5.0], "the grid value is used as given");
    assert_eq!(
        warnings_about("grid_lr"),
        [
            "The value `5` is out of range of the parameter `grid_lr`. The value will be used but \
          the actual distribution is: `float [0, 1]`."
        ]
    );
}

#[test]
fn enqueued_values_outside_the_range_are_used_with_optunas_warning() {
    capture();
    let study = Study::builder()
        .sampler(RandomSampler)
        .seed(0)
        .build()
        .unwrap();
    let enqueue = |params: &[(&str, ParamValue)]| {
        let params = params.iter().map(|(k, v)| (k.to_string(), v.clone()));
        study.enqueue_trial(params.collect()).unwrap();
    };
    enqueue(&[
        ("enq_far", 20.0.into()),
        ("enq_in", 3.0.into()),
        ("enq_one", 5.into()),
        ("enq_off_grid", 3.into()),
    ]);
    let mut t = study.ask().unwrap();
    assert_eq!(t.suggest_float("enq_far", 0.0, 10.0).unwrap(), 20.0);
    assert_eq!(t.suggest_float("enq_in", 0.0, 10.0).unwrap(), 3.0);
    // As in Optuna, an enqueued value wins over a single-valued range.
    assert_eq!(t.suggest_int("enq_one", 1, 1).unwrap(), 5);
    assert_eq!(t.suggest_int_step("enq_off_grid", 0, 10, 2).unwrap(), 3);
    assert_eq!(
        warnings_about("enq_far"),
        ["Fixed parameter 'enq_far' with value 20 is out of range for distribution float [0, 10]."]
    );
    assert!(warnings_about("enq_in").is_empty());
    assert_eq!(
        warnings_about("enq_one"),
        ["Fixed parameter 'enq_one' with value 5 is out of range for distribution int [1, 1]."]
    );
    assert_eq!(
        warnings_about("enq_off_grid"),
        [
            "Fixed parameter 'enq_off_grid' with value 3 is out of range for distribution int \
             [0, 10] step 2."
        ]
    );
}
