//! Values: every suggestion is a member of its range or the error its constructor gives;
//! distributions, grids and enqueued values of any kind never panic.

use crate::strategies::{Boxed, any_f64, any_i64, any_spec, any_value, sampler};
use crate::{config, no_panic, within};
use gradus_tune::rng::rng_from_seed;
use gradus_tune::samplers::sample_uniform;
use gradus_tune::{Distribution, Error, GridSampler, NopPruner, ParamValue, RandomSampler, Study};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeMap;

proptest! {
    #![proptest_config(config())]

    // Ask / suggest / tell over two hostile parameters (a joint space once TPE starts):
    // each suggestion is a member of its range or the error its constructor gives.
    #[test]
    fn suggestions_are_members_of_their_range_or_errors(
        specs in (any_spec(), any_spec()),
        kind in 0u8..7,
        seed in any::<u64>(),
        losses in vec(prop_oneof![4 => -1e3..1e3f64, 1 => any_f64()], 8..14),
    ) {
        within(move || {
            let study = Study::builder()
                .sampler(Boxed(sampler(kind)))
                .pruner(NopPruner)
                .seed(seed)
                .build()
                .unwrap();
            for loss in losses {
                let mut t = study.ask().map_err(|e| TestCaseError::fail(e.to_string()))?;
                for (name, spec) in [("x", &specs.0), ("y", &specs.1)] {
                    let got = spec.suggest(&mut t, name);
                    no_panic(&got)?;
                    match (got, spec.distribution(name)) {
                        (Ok(v), Ok(d)) => prop_assert!(d.contains_value(&v), "{v} not in {d}"),
                        (Err(_), Err(_)) => {}
                        (got, d) => prop_assert!(false, "{name}: {got:?} vs {d:?}"),
                    }
                }
                study.tell(t, Ok(loss)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            Ok(())
        })?;
    }

    // Constructors, validation, display, serde, uniform draws and conversions.
    #[test]
    fn distributions_are_total(spec in any_spec(), xs in vec(any_f64(), 4), seed in any::<u64>()) {
        within(move || {
            let Ok(d) = spec.distribution("p") else { return Ok(()) };
            prop_assert!(d.validate("p").is_ok());
            let json = serde_json::to_string(&d).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Distribution>(&json).unwrap(), &d);
            let _ = d.to_string();
            let mut rng = rng_from_seed(seed);
            for x in xs {
                let v = sample_uniform(&d, &mut rng);
                prop_assert!(d.contains_value(&v), "{v} not in {d}");
                let _ = (d.contains(x), d.from_internal(x), d.to_internal(&v));
            }
            Ok(())
        })?;
    }

    // Distributions built as literals skip the constructors: `suggest` validates them, and
    // `sample_uniform` stays total even on invalid ones.
    #[test]
    fn literal_distributions_are_validated(
        raw in prop_oneof![
            (any_f64(), any_f64(), any::<bool>(), prop::option::of(any_f64())).prop_map(
                |(low, high, log, step)| Distribution::Float { low, high, log, step }
            ),
            (any_i64(), any_i64(), any::<bool>(), any_i64()).prop_map(
                |(low, high, log, step)| Distribution::Int { low, high, log, step }
            ),
            vec(any_value(), 0..3).prop_map(|choices| Distribution::Categorical { choices }),
        ],
        seed in any::<u64>(),
    ) {
        within(move || {
            let _ = sample_uniform(&raw, &mut rng_from_seed(seed));
            let study = Study::builder().sampler(RandomSampler).seed(seed).build().unwrap();
            let mut t = study.ask().unwrap();
            let got = t.suggest("p", raw.clone());
            no_panic(&got)?;
            match (got, raw.validate("p")) {
                (Ok(v), Ok(())) => prop_assert!(raw.contains_value(&v), "{v} not in {raw}"),
                (Err(_), Err(_)) => {}
                (got, valid) => prop_assert!(false, "{got:?} vs {valid:?}"),
            }
            Ok(())
        })?;
    }

    // Grids of any shape (including empty ones and products beyond usize) and hostile values,
    // suggested with hostile distributions.
    #[test]
    fn grids_are_total(
        counts in vec(0usize..4, 0..70),
        values in vec(any_value(), 4),
        specs in vec(any_spec(), 3),
        seed in any::<u64>(),
    ) {
        within(move || {
            let grid: BTreeMap<String, Vec<ParamValue>> = counts
                .iter()
                .enumerate()
                .map(|(i, &n)| (format!("p{i}"), values[..n].to_vec()))
                .collect();
            let Ok(g) = GridSampler::new(grid) else { return Ok(()) };
            let study = Study::builder().sampler(g).seed(seed).build().unwrap();
            for _ in 0..3 {
                let mut t = match study.ask() {
                    Ok(t) => t,
                    Err(Error::SearchSpaceExhausted) => break,
                    Err(e) => return Err(TestCaseError::fail(e.to_string())),
                };
                for (i, spec) in specs.iter().enumerate() {
                    no_panic(&spec.suggest(&mut t, &format!("p{i}")))?;
                }
                study.tell(t, Ok(1.0)).unwrap();
            }
            Ok(())
        })?;
    }

    // Enqueued hostile values meet hostile distributions: used as given (normalised to the
    // distribution's kind) or an error.
    #[test]
    fn enqueued_values_are_used_or_refused(value in any_value(), spec in any_spec()) {
        within(move || {
            let study = Study::builder().sampler(RandomSampler).build().unwrap();
            let queued = study.enqueue_trial(BTreeMap::from([("p".to_string(), value.clone())]));
            if let Err(e) = queued {
                prop_assert!(matches!(e, Error::NonFiniteValue { .. }), "{e}");
                prop_assert!(matches!(value, ParamValue::Float(x) if !x.is_finite()));
                return Ok(());
            }
            let mut t = study.ask().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let got = spec.suggest(&mut t, "p");
            no_panic(&got)?;
            if let (Ok(v), Ok(d)) = (got, spec.distribution("p")) {
                prop_assert_eq!(d.to_internal(&v), d.to_internal(&value));
            }
            Ok(())
        })?;
    }
}
