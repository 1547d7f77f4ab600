//! Pruners fed extreme settings and reports: overflowing rung steps, brackets and resources,
//! infinite values (issue 6: u32 / u64 sums that wrapped or panicked, infinities lost as JSON
//! null).

use gradus_tune::pruners::{
    HyperbandConfig, MAX_RESOURCE_KEY, MaxResource, MinResource, SuccessiveHalvingConfig,
};
use gradus_tune::{
    Direction, HyperbandPruner, Pruner, RandomSampler, Study, SuccessiveHalvingPruner, TrialError,
};

fn study(direction: Direction, pruner: impl Pruner + 'static) -> Study {
    Study::builder()
        .direction(direction)
        .sampler(RandomSampler)
        .pruner(pruner)
        .name("extremes")
        .build()
        .unwrap()
}

/// Starts a trial, reports `value` at `step` and returns whether it should be pruned.
fn report(study: &Study, step: u64, value: f64) -> bool {
    let mut t = study.ask().unwrap();
    t.report(step, value).unwrap();
    let prune = t.should_prune().unwrap();
    study
        .tell(
            t,
            if prune {
                Err(TrialError::Pruned)
            } else {
                Ok(value)
            },
        )
        .unwrap();
    prune
}

// min_early_stopping_rate + rung overflowed u32 once a trial held a completed rung: in release
// builds it wrapped to a small exponent and the trial was pushed through rung after rung.
#[test]
fn a_huge_early_stopping_rate_reaches_no_rung() {
    let p = SuccessiveHalvingPruner::new(SuccessiveHalvingConfig {
        min_resource: MinResource::Value(1),
        reduction_factor: 2,
        min_early_stopping_rate: u32::MAX,
        bootstrap_count: 0,
    })
    .unwrap();
    let s = study(Direction::Minimize, p);
    assert!(!report(&s, u64::MAX, 5.0));
    let mut t = s.ask().unwrap();
    s.storage()
        .set_trial_system_attr(t.id(), "completed_rung_0", 1.0.into())
        .unwrap();
    t.report(10, 1.0).unwrap();
    assert!(!t.should_prune().unwrap());
    let rungs = |i: usize| {
        let trials = s.trials().unwrap();
        let attrs = &trials[i].system_attrs;
        attrs
            .keys()
            .filter(|k| k.starts_with("completed_rung"))
            .count()
    };
    assert_eq!(
        (rungs(0), rungs(1)),
        (0, 1),
        "no rung beyond the one set by hand"
    );
}

// A rung value of +∞ used to be stored as null and then ignored: the trial behind it was
// promoted alone although the other (maximizing) trial had the infinitely better value.
#[test]
fn infinite_rung_values_keep_their_rank() {
    let p = SuccessiveHalvingPruner::new(SuccessiveHalvingConfig {
        min_resource: MinResource::Value(1),
        reduction_factor: 2,
        ..Default::default()
    })
    .unwrap();
    let s = study(Direction::Maximize, p);
    assert!(!report(&s, 1, f64::INFINITY));
    assert!(report(&s, 1, 5.0), "5 ranks below +inf");
    let first = &s.trials().unwrap()[0];
    assert_eq!(first.system_attrs["completed_rung_0"], f64::MAX);
}

// Budgets reach u64::MAX for η = 2 and max_resource = u64::MAX: their sum overflowed, and
// `budget as i64` turned them negative.
#[test]
fn hyperband_brackets_stay_valid_for_the_largest_resources() {
    let p = HyperbandPruner::new(HyperbandConfig {
        min_resource: 1,
        max_resource: MaxResource::Value(u64::MAX),
        reduction_factor: 2,
        bootstrap_count: 0,
    })
    .unwrap();
    let budgets = p.budgets(u64::MAX);
    assert_eq!(budgets.len(), 65);
    assert_eq!(budgets[0], u64::MAX);
    // The CRC is below 2^32, far below the first budget: every trial lands in bracket 0.
    assert!((0..200).all(|i| p.bracket(&budgets, "extremes", i) == 0));
    assert_eq!(p.bracket(&[], "extremes", 0), 0);
    let s = study(Direction::Minimize, p);
    for (i, v) in [f64::NAN, f64::INFINITY, -f64::INFINITY, 1.0]
        .into_iter()
        .enumerate()
    {
        report(&s, u64::MAX - i as u64, v);
    }
}

// Auto max_resource is the last step + 1: a report at step u64::MAX overflowed to 0.
#[test]
fn hyperband_auto_resource_saturates() {
    let s = study(Direction::Minimize, HyperbandPruner::default());
    assert!(!report(&s, u64::MAX, 1.0));
    report(&s, 3, 2.0);
    let attrs = s.storage().study_system_attrs(s.id()).unwrap();
    assert_eq!(attrs[MAX_RESOURCE_KEY], u64::MAX);
}
