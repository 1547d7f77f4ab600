//! Ranges at the ends of `f64` and `i64`: every sampler proposes members of the range, TPE
//! included once it takes over from its random start-up (regressions of issue 6, where these
//! ranges passed validation and then panicked in the truncated normal).

use gradus_tune::samplers::tpe::{MagicClip, TpeConfig};
use gradus_tune::{
    Error, NopPruner, OptimizeOptions, RandomSampler, Sampler, Study, TpeSampler, Trial,
    TrialError, TrialState,
};

const N: usize = 30;

/// Runs `N` trials of `objective` (which returns the suggested value and its loss) and returns
/// the suggested values; every trial must complete.
fn run<T: Copy + Send>(
    sampler: impl Sampler + 'static,
    objective: impl Fn(&mut Trial) -> Result<(T, f64), TrialError> + Sync,
) -> Vec<T> {
    let study = Study::builder()
        .sampler(sampler)
        .pruner(NopPruner)
        .seed(7)
        .build()
        .unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    study
        .optimize(
            |t| {
                let (v, loss) = objective(t)?;
                seen.lock().unwrap().push(v);
                Ok(loss)
            },
            OptimizeOptions::n_trials(N),
        )
        .unwrap();
    let trials = study.trials().unwrap();
    assert_eq!(trials.len(), N);
    for t in &trials {
        assert_eq!(t.state, TrialState::Complete, "{:?}", t.fail_reason());
    }
    seen.into_inner().unwrap()
}

fn tpe() -> TpeSampler {
    TpeSampler::default()
}

#[test]
fn tpe_searches_the_whole_float_line() {
    let xs = run(tpe(), |t| {
        let x = t.suggest_float("x", -f64::MAX, f64::MAX)?;
        Ok((x, (x / f64::MAX - 0.25).abs()))
    });
    assert!(xs.iter().all(|x| x.is_finite()), "{xs:?}");
    // TPE (trials 10..30) concentrates around the optimum 0.25·MAX.
    let late: Vec<f64> = xs[N - 10..].iter().map(|x| x / f64::MAX).collect();
    let near = late.iter().filter(|x| (*x - 0.25).abs() < 0.25).count();
    assert!(near >= 5, "{late:?}");
}

#[test]
fn random_search_spreads_over_the_whole_float_line() {
    let xs = run(RandomSampler, |t| {
        let x = t.suggest_float("x", -f64::MAX, f64::MAX)?;
        Ok((x, 0.0))
    });
    // Before, low + u·(high − low) overflowed to +∞ and was clamped: every draw was f64::MAX.
    assert!(
        xs.iter().all(|x| x.is_finite() && x.abs() < f64::MAX),
        "{xs:?}"
    );
    assert!(xs.iter().any(|x| *x < 0.0) && xs.iter().any(|x| *x > 0.0));
}

#[test]
fn tpe_searches_int_ranges_of_2_pow_63_and_more() {
    let (lo, hi) = (-(1i64 << 62), (1i64 << 62) - 1);
    let ns = run(tpe(), move |t| {
        let n = t.suggest_int("n", lo, hi)?;
        Ok((n, (n as f64 - 1e18).abs()))
    });
    assert!(ns.iter().all(|n| (lo..=hi).contains(n)), "{ns:?}");
    let full = run(tpe(), |t| {
        let n = t.suggest_int("n", i64::MIN, i64::MAX)?;
        Ok((n, (n as f64).abs()))
    });
    assert!(full.iter().any(|n| *n < 0) && full.iter().any(|n| *n > 0));
}

#[test]
fn tpe_searches_log_ints_up_to_i64_max() {
    let ns = run(tpe(), |t| {
        let n = t.suggest_int_log("n", 1, i64::MAX)?;
        Ok((n, ((n as f64).log10() - 9.0).abs()))
    });
    assert!(ns.iter().all(|n| *n >= 1), "{ns:?}");
    let late = &ns[N - 10..];
    assert!(
        late.iter()
            .filter(|n| ((**n as f64).log10() - 9.0).abs() < 4.0)
            .count()
            >= 5,
        "{late:?}"
    );
}

// Ints beyond 2^53 are no f64: the proposal must be snapped to the grid in integer arithmetic.
#[test]
fn stepped_ints_beyond_2_pow_53_stay_on_their_grid() {
    let odd = run(tpe(), |t| {
        let n = t.suggest_int_step("n", 1, i64::MAX, 2)?;
        Ok((n, (n as f64 - 4e18).abs()))
    });
    assert!(odd.iter().all(|n| n % 2 == 1), "{odd:?}");
    let random = run(RandomSampler, |t| {
        let n = t.suggest_int_step("n", i64::MIN, i64::MAX, 3)?;
        Ok((n, 0.0))
    });
    assert!(
        random
            .iter()
            .all(|n| (i128::from(*n) - i128::from(i64::MIN)) % 3 == 0)
    );
}

#[test]
fn stepped_floats_over_the_whole_line_stay_on_their_grid() {
    let step = 1e306;
    for xs in [
        run(tpe(), move |t| {
            let x = t.suggest_float_step("x", -f64::MAX, f64::MAX, step)?;
            Ok((x, x.abs()))
        }),
        run(RandomSampler, move |t| {
            let x = t.suggest_float_step("x", -f64::MAX, f64::MAX, step)?;
            Ok((x, 0.0))
        }),
    ] {
        for x in xs {
            let k = (x / 2.0 + f64::MAX / 2.0) / (step / 2.0);
            assert!(x.is_finite() && (k - k.round()).abs() < 1e-6, "{x} ({k})");
        }
    }
}

#[test]
fn a_float_grid_of_more_than_2_pow_53_points_is_refused_with_the_fix() {
    let study = Study::builder().build().unwrap();
    let mut t = study.ask().unwrap();
    let e = t.suggest_float_step("x", 0.0, 1e10, 1e-10).unwrap_err();
    assert!(matches!(e, Error::TooManySteps { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "parameter `x`: step 0.0000000001 divides [0, 10000000000] into more than 2^53 points, \
         which floats cannot tell apart; use a step of at least 0.0000011102230246251565 or no step"
    );
}

#[test]
fn tiny_ranges_keep_positive_kernels() {
    let sub = run(tpe(), |t| {
        let x = t.suggest_float("x", 0.0, 5e-324)?;
        Ok((x, x))
    });
    assert!(sub.iter().all(|x| (0.0..=5e-324).contains(x)), "{sub:?}");
    // Without the magic clip the bandwidth floor 1e-12 exceeds this range of 2.2e-16: Optuna
    // (numpy's clip) then takes the range; `f64::clamp` used to panic.
    let off = TpeConfig {
        magic_clip: MagicClip::Off,
        ..TpeConfig::default()
    };
    let hi = 1.0 + f64::EPSILON;
    let xs = run(TpeSampler::new(off).unwrap(), move |t| {
        let x = t.suggest_float("x", 1.0, hi)?;
        Ok((x, x))
    });
    assert!(xs.iter().all(|x| (1.0..=hi).contains(x)), "{xs:?}");
}

// Ints beyond 2^53 used to make a detour through f64 between the sampler and the trial: an
// enqueued 2^62 + 1 came back as 2^62.
#[test]
fn ints_beyond_2_pow_53_come_back_exactly() {
    let study = Study::builder().sampler(RandomSampler).build().unwrap();
    let big = (1i64 << 62) + 1;
    study
        .enqueue_trial([("n".to_string(), big.into())].into())
        .unwrap();
    let mut t = study.ask().unwrap();
    assert_eq!(t.suggest_int("n", 0, i64::MAX).unwrap(), big);
    assert_eq!(study.trials().unwrap()[0].params["n"], big.into());
}

// `Distribution` is a public enum: a literal skips the constructors' checks, so `suggest`
// validates it (an empty choice list used to index out of bounds, NaN bounds to panic in clamp).
#[test]
fn literal_distributions_are_validated_before_sampling() {
    use gradus_tune::Distribution;
    let study = Study::builder().sampler(RandomSampler).build().unwrap();
    let mut t = study.ask().unwrap();
    let e = t
        .suggest("c", Distribution::Categorical { choices: vec![] })
        .unwrap_err();
    assert!(matches!(e, Error::EmptyChoices { .. }), "{e}");
    let bad = Distribution::Float {
        low: 1.0,
        high: f64::NAN,
        log: false,
        step: None,
    };
    let e = t.suggest("x", bad).unwrap_err();
    assert!(matches!(e, Error::NonFiniteBound { .. }), "{e}");
    let e = t
        .suggest(
            "n",
            Distribution::Int {
                low: 3,
                high: 1,
                log: false,
                step: 1,
            },
        )
        .unwrap_err();
    assert!(matches!(e, Error::LowGreaterThanHigh { .. }), "{e}");
    // A literal's off-grid high is lowered as the constructor lowers it (random search drew
    // the clamped, off-grid 0 here); the trial records the normalised distribution.
    let (low, step) = (-8.193827370745389, 5.403077569423034);
    let literal = Distribution::Float {
        low,
        high: 0.0,
        log: false,
        step: Some(step),
    };
    for seed in 0..20 {
        let study = Study::builder()
            .sampler(RandomSampler)
            .seed(seed)
            .build()
            .unwrap();
        let mut t = study.ask().unwrap();
        let x = t.suggest("x", literal.clone()).unwrap().as_f64().unwrap();
        assert!(x == low || x == low + step, "{x}");
        let recorded = &study.trials().unwrap()[0].distributions["x"];
        assert_eq!(
            *recorded,
            Distribution::float_step("x", low, 0.0, step).unwrap()
        );
    }
}
