//! A sampler or pruner that fails — with an error or a panic — fails the call that ran it,
//! never the process, and leaves no trial Running behind (issue 6: a panic in `ask` killed
//! `optimize`).

use gradus_tune::pruners::PrunerContext;
use gradus_tune::rng::TrialRng;
use gradus_tune::{
    Distribution, Error, FIXED_PARAMS_KEY, FrozenTrial, OptimizeOptions, ParamValue, Pruner,
    RandomSampler, Sampler, SamplerContext, Study, TrialState,
};
use std::collections::BTreeMap;

/// A sampler with a bug in the chosen method.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Faulty {
    Relative,
    Independent,
    Exhausted,
}

impl Sampler for Faulty {
    fn sample_relative(
        &self,
        _: &SamplerContext<'_>,
        _: &FrozenTrial,
        _: &mut TrialRng,
    ) -> gradus_tune::Result<BTreeMap<String, ParamValue>> {
        if *self == Faulty::Relative {
            let empty: Vec<f64> = Vec::new();
            let _ = empty[std::hint::black_box(0)];
        }
        Ok(BTreeMap::new())
    }

    fn sample_independent(
        &self,
        _: &SamplerContext<'_>,
        _: &FrozenTrial,
        _: &str,
        _: &Distribution,
        _: &mut TrialRng,
    ) -> gradus_tune::Result<ParamValue> {
        assert!(*self != Faulty::Independent, "min > max, or either was NaN");
        Ok(ParamValue::Float(0.5))
    }

    fn is_exhausted(&self, _: &SamplerContext<'_>) -> gradus_tune::Result<bool> {
        if *self == Faulty::Exhausted {
            panic!("exhausted check failed");
        }
        Ok(false)
    }
}

fn study(sampler: impl Sampler + 'static) -> Study {
    Study::builder().sampler(sampler).seed(0).build().unwrap()
}

fn objective(t: &mut gradus_tune::Trial) -> Result<f64, gradus_tune::TrialError> {
    Ok(t.suggest_float("x", 0.0, 1.0)?)
}

#[test]
fn a_panic_in_the_relative_proposal_fails_the_trial_and_ask() {
    let s = study(Faulty::Relative);
    let e = s.ask().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Panicked {
                component: "sampler",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "the sampler panicked while making the relative proposal of trial 0: index out of \
         bounds: the len is 0 but the index is 0 (a bug in the sampler; report it with this \
         message, and use another sampler meanwhile)"
    );
    let t = &s.trials().unwrap()[0];
    assert_eq!(t.state, TrialState::Failed);
    assert_eq!(t.fail_reason(), Some(e.to_string().as_str()));
    // optimize ends with the error instead of unwinding; nothing is left Running.
    let e = s
        .optimize(objective, OptimizeOptions::n_trials(5))
        .unwrap_err();
    assert!(matches!(e, Error::Panicked { .. }), "{e}");
    let trials = s.trials().unwrap();
    assert_eq!(trials.len(), 2);
    assert!(trials.iter().all(|t| t.state == TrialState::Failed));
}

#[test]
fn a_panic_in_an_independent_proposal_fails_that_trial_only() {
    let s = study(Faulty::Independent);
    let summary = s.optimize(objective, OptimizeOptions::n_trials(3)).unwrap();
    assert_eq!(summary.n_trials, 3);
    for t in s.trials().unwrap() {
        assert_eq!(t.state, TrialState::Failed);
        assert_eq!(
            t.fail_reason().unwrap(),
            format!(
                "the sampler panicked while proposing `x` (float [0, 1]) for trial {}: min > \
                 max, or either was NaN (a bug in the sampler; report it with this message, and \
                 use another sampler meanwhile)",
                t.number
            )
        );
    }
}

#[test]
fn a_panic_in_the_exhaustion_check_creates_no_trial() {
    let s = study(Faulty::Exhausted);
    let e = s.ask().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the sampler panicked while checking whether it is exhausted"),
        "{e}"
    );
    assert!(s.trials().unwrap().is_empty());
}

#[derive(Debug)]
struct FaultyPruner;

impl Pruner for FaultyPruner {
    fn prune(&self, _: &PrunerContext<'_>, _: &FrozenTrial) -> gradus_tune::Result<bool> {
        panic!("rung index overflow")
    }
}

#[test]
fn a_panicking_pruner_is_an_error_from_should_prune() {
    let s = Study::builder()
        .sampler(RandomSampler)
        .pruner(FaultyPruner)
        .build()
        .unwrap();
    let mut t = s.ask().unwrap();
    t.report(0, 1.0).unwrap();
    let e = t.should_prune().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Panicked {
                component: "pruner",
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("deciding on trial 0: rung index overflow")
    );
}

// JSON has no NaN or infinity: an enqueued NaN used to be stored as null, and the next ask
// then failed to read it and left the popped trial Running for ever.
#[test]
fn non_finite_enqueued_values_are_refused() {
    let s = study(RandomSampler);
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = s
            .enqueue_trial(BTreeMap::from([("x".to_string(), ParamValue::Float(v))]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "parameter `x`: {v} is not a finite number, and storages record values as JSON, \
                 which has no NaN or infinity; use a finite number (or a string)"
            )
        );
    }
    assert!(s.trials().unwrap().is_empty());
}

#[test]
fn unreadable_enqueued_parameters_fail_their_trial_not_the_next() {
    let s = study(RandomSampler);
    s.storage()
        .create_trial(
            s.id(),
            TrialState::Waiting,
            BTreeMap::from([(FIXED_PARAMS_KEY.to_string(), "not a map".into())]),
        )
        .unwrap();
    let e = s.ask().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid setting `enqueue_trial`: trial 0 has unreadable enqueued"),
        "{e}"
    );
    assert_eq!(s.trials().unwrap()[0].state, TrialState::Failed);
    let t = s.ask().unwrap();
    assert_eq!(t.number(), 1);
}
