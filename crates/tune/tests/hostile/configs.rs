//! The written forms a spec file or command line hands the tuner: `DistributionSpec`,
//! `SamplerConfig`, `PrunerConfig` (from any JSON or name), `iso8601` of any float and the
//! trials table of any study. Each gives `Ok` or `Err`, never a panic or a hang, and an `Ok`
//! keeps its promise.

use gradus_tune::pruners::PrunerConfig;
use gradus_tune::samplers::SamplerConfig;
use gradus_tune::{DistributionSpec, OptimizeOptions, Study, iso8601};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::strategies::{any_f64, any_i64, any_value};
use crate::{config, within};

/// Any JSON number, string, bool or null, or a small list of them.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any_f64().prop_map(|v| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)),
        any_i64().prop_map(|v| json!(v)),
        any::<bool>().prop_map(Value::Bool),
        "[a-z_]{0,12}".prop_map(Value::String),
        prop::sample::select(
            &[
                "random",
                "tpe",
                "grid",
                "gp",
                "none",
                "median",
                "percentile",
                "successive_halving",
                "hyperband",
                "auto",
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Null),
    ];
    prop_oneof![
        3 => leaf.clone(),
        1 => prop::collection::vec(leaf, 0..4).prop_map(Value::Array),
    ]
}

/// An object with some of `keys`, each holding any JSON.
fn object_of(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(keys), any_json()), 0..5).prop_map(|pairs| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn distribution_specs_of_any_json(
        spec in object_of(&["float", "int", "choice", "log", "step", "lg"]),
    ) {
        within(move || {
            if let Ok(s) = serde_json::from_value::<DistributionSpec>(spec)
                && let Ok(d) = s.to_distribution("x")
            {
                // What validates written back and read again is the same distribution.
                let back = DistributionSpec::from(&d).to_distribution("x");
                prop_assert_eq!(back.ok(), Some(d));
            }
            Ok(())
        })?;
    }

    #[test]
    fn bounded_specs_of_any_numbers(
        lo in any_f64(), hi in any_f64(), ilo in any_i64(), ihi in any_i64(),
        step in proptest::option::of(any_f64()), log in any::<bool>(),
        choices in prop::collection::vec(any_value(), 0..4),
    ) {
        within(move || {
            for spec in [
                DistributionSpec { float: Some([lo, hi]), log, step, ..Default::default() },
                DistributionSpec { int: Some([ilo, ihi]), log, step, ..Default::default() },
                DistributionSpec { choice: Some(choices.clone()), ..Default::default() },
            ] {
                let _ = spec.to_distribution("x");
            }
            Ok(())
        })?;
    }

    #[test]
    fn sampler_and_pruner_configs_of_any_json_or_name(
        sampler in object_of(&["type", "n_startup_trials", "n_ei_candidates", "grid", "prior_weight"]),
        pruner in object_of(&["type", "percentile", "n_startup_trials", "n_warmup_steps",
            "interval_steps", "min_resource", "reduction_factor", "max_resource"]),
        name in "[a-z_ -]{0,20}",
    ) {
        within(move || {
            if let Ok(c) = serde_json::from_value::<SamplerConfig>(sampler) {
                let _ = c.build();
            }
            if let Ok(c) = serde_json::from_value::<PrunerConfig>(pruner) {
                let _ = c.build();
            }
            if let Ok(c) = name.parse::<SamplerConfig>() {
                prop_assert!(c.build().is_ok());
                prop_assert_eq!(c.to_string().parse::<SamplerConfig>().ok(), Some(c));
            }
            if let Ok(c) = name.parse::<PrunerConfig>() {
                prop_assert!(c.build().is_ok());
                prop_assert_eq!(c.to_string().parse::<PrunerConfig>().ok(), Some(c));
            }
            Ok(())
        })?;
    }

    #[test]
    fn iso8601_of_any_seconds(secs in any_f64()) {
        if let Some(text) = iso8601(secs) {
            prop_assert!(text.ends_with('Z') && text.contains('T'), "{}", text);
        }
    }
}

/// The table and the exports of a study whose values and parameters are extreme.
#[test]
fn tables_and_exports_of_extreme_trials() {
    let study = Study::builder().seed(0).build().unwrap();
    let values = [f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 0.0, 1e300, f64::NAN];
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", -f64::MAX, f64::MAX)?;
                let _ = t.suggest_categorical("c", &["", "a b", "ü\"'"])?;
                Ok(values[t.number() as usize % values.len()] + 0.0 * x)
            },
            OptimizeOptions::n_trials(12),
        )
        .unwrap();
    let table = study.trials_table().unwrap().to_string();
    assert_eq!(table.lines().count(), 13, "{table}");
    assert!(study.trials_json().is_ok());
    assert!(study.write_trials_csv(Vec::new()).is_ok());
}
