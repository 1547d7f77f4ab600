//! Studies: pruners with hostile reports, `optimize` with extreme options and the exports,
//! TPE settings of any magnitude.

use crate::strategies::{Boxed, BoxedPruner, any_f64, sampler};
use crate::{config, no_panic, within};
use gradus_tune::pruners::{
    HyperbandConfig, MaxResource, MinResource, PercentileConfig, SuccessiveHalvingConfig,
};
use gradus_tune::samplers::tpe::{Bandwidth, Gamma, MagicClip, TpeConfig, Weighting};
use gradus_tune::{
    HyperbandPruner, MedianPruner, NopPruner, OptimizeOptions, PercentilePruner, Pruner,
    RandomSampler, Study, SuccessiveHalvingPruner, TpeSampler, TrialError,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use std::time::Duration;

proptest! {
    #![proptest_config(config())]

    // Every pruner with extreme settings and hostile reports (NaN, ±inf, steps up to u64::MAX).
    #[test]
    fn pruners_are_total(
        kind in 0u8..5,
        n in any::<u64>(),
        factor in prop_oneof![2u64..5, any::<u64>()],
        rate in prop_oneof![0u32..3, any::<u32>()],
        percentile in any_f64(),
        reports in vec(vec((prop_oneof![0u64..10, any::<u64>()], any_f64()), 0..4), 1..8),
    ) {
        within(move || {
            let pruner: Box<dyn Pruner> = match kind {
                0 => Box::new(MedianPruner::default()),
                1 => match PercentilePruner::new(PercentileConfig {
                    percentile,
                    n_startup_trials: (n % 3) as usize,
                    n_warmup_steps: n % 4,
                    interval_steps: n % 3 + 1,
                    n_min_trials: 1,
                }) {
                    Ok(p) => Box::new(p),
                    Err(_) => return Ok(()),
                },
                2 => match SuccessiveHalvingPruner::new(SuccessiveHalvingConfig {
                    min_resource: if n % 2 == 0 { MinResource::Auto } else { MinResource::Value(n) },
                    reduction_factor: factor,
                    min_early_stopping_rate: rate,
                    bootstrap_count: 0,
                }) {
                    Ok(p) => Box::new(p),
                    Err(_) => return Ok(()),
                },
                3 => match HyperbandPruner::new(HyperbandConfig {
                    min_resource: n % 5 + 1,
                    max_resource: if n % 2 == 0 { MaxResource::Auto } else { MaxResource::Value(n) },
                    reduction_factor: factor,
                    bootstrap_count: 0,
                }) {
                    Ok(p) => Box::new(p),
                    Err(_) => return Ok(()),
                },
                _ => Box::new(NopPruner),
            };
            let study = Study::builder()
                .sampler(RandomSampler)
                .pruner(BoxedPruner(pruner))
                .build()
                .unwrap();
            for trial_reports in reports {
                let mut t = study.ask().unwrap();
                let mut pruned = false;
                for (step, value) in trial_reports {
                    t.report(step, value).unwrap();
                    let decision = t.should_prune();
                    no_panic(&decision)?;
                    pruned |= decision.unwrap_or(false);
                }
                let outcome = if pruned { Err(TrialError::Pruned) } else { Ok(n as f64) };
                study.tell(t, outcome).unwrap();
            }
            Ok(())
        })?;
    }

    // optimize with extreme options and objectives returning NaN, ±inf, errors or panics;
    // then both exports.
    #[test]
    fn optimize_and_export_are_total(
        n_trials in 0usize..12,
        n_jobs in select(vec![-5, -1, 0, 1, 2, 3, 1024, 1025, i32::MAX, i32::MIN]),
        timeout in select(vec![None, Some(Duration::ZERO), Some(Duration::MAX)]),
        patience in prop_oneof![Just(None), (0usize..3).prop_map(Some)],
        outcomes in vec(any_f64(), 1..6),
        kind in 0u8..7,
    ) {
        within(move || {
            let study = Study::builder().sampler(Boxed(sampler(kind))).seed(1).build().unwrap();
            let options = OptimizeOptions { n_trials: Some(n_trials), timeout, n_jobs, patience, show_progress_bar: false };
            let run = study.optimize(
                |t| {
                    let x = t.suggest_float("x", -f64::MAX, f64::MAX)?;
                    let i = t.number() as usize % outcomes.len();
                    match (outcomes[i], i % 3) {
                        (v, 0) if v.is_nan() => panic!("objective bug"),
                        (v, 1) if v.is_nan() => Err(TrialError::msg("diverged")),
                        (v, _) => Ok(v * x.signum()),
                    }
                },
                options,
            );
            no_panic(&run)?;
            prop_assert_eq!(run.is_err(), !(1..=1024).contains(&n_jobs) && n_jobs != -1);
            let json = study.trials_json().unwrap();
            prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
            let mut csv = Vec::new();
            study.write_trials_csv(&mut csv).unwrap();
            Ok(())
        })?;
    }

    // TPE settings of any magnitude: refused by `new`, or a sampler that proposes members.
    #[test]
    fn tpe_configs_are_validated_or_work(
        n_ei in prop_oneof![1usize..30, any::<usize>()],
        beta in any_f64(),
        cap in prop_oneof![0usize..30, Just(usize::MAX)],
        prior_weight in any_f64(),
        exponent in any_f64(),
        min_factor in any_f64(),
        flags in (any::<bool>(), any::<bool>(), 0u8..3),
    ) {
        within(move || {
            let config = TpeConfig {
                n_startup_trials: 3,
                n_ei_candidates: n_ei,
                gamma: if flags.0 { Gamma::Linear { beta, cap } } else { Gamma::Sqrt { beta, cap } },
                weighting: [Weighting::OldDecay, Weighting::Uniform, Weighting::ExpectedImprovement]
                    [flags.2 as usize],
                prior_weight,
                bandwidth: if flags.1 { Bandwidth::Optuna } else { Bandwidth::Hyperopt },
                magic_clip: MagicClip::On { exponent, min_factor },
                ..TpeConfig::default()
            };
            let Ok(tpe) = TpeSampler::new(config) else { return Ok(()) };
            let study = Study::builder().sampler(tpe).seed(2).build().unwrap();
            for i in 0..8 {
                let mut t = study.ask().map_err(|e| TestCaseError::fail(e.to_string()))?;
                let x = t.suggest_float("x", -1.0, 1.0);
                let n = t.suggest_int("n", 0, 1 << 60);
                no_panic(&x)?;
                no_panic(&n)?;
                prop_assert!(x.as_ref().is_ok_and(|x| (-1.0..=1.0).contains(x)));
                prop_assert!(n.as_ref().is_ok_and(|n| (0..=1 << 60).contains(n)));
                study.tell(t, Ok(f64::from(i % 3))).unwrap();
            }
            Ok(())
        })?;
    }
}
