//! Hostile names and hyperparameter values for gradus-nn's name parsers (`FromStr` and
//! serde of losses, optimizers, metrics, initializers, regularizers) and for the
//! constructors that take a tuning suggestion (`Dense::new(i64)`, `Dropout::new(f64)`,
//! `OptimizerConfig::sgd(f64)`, …): every call returns `Ok` or `Err`, never panics.

use std::str::FromStr;

use gradus_nn::{
    Conv2D, Dense, Dropout, Initializer, Layer, LossConfig, Metric, OptimizerConfig, Regularizer,
};
use gradus_tensor::Rng;
use gradus_tensor::names::UnknownName;
use proptest::prelude::*;

/// Parses `name` as `T`: on success its printed name parses back to a value with the same
/// name; on failure the error lists the valid names nearest first.
fn check<T>(name: &str, kind: &str) -> Result<(), TestCaseError>
where
    T: FromStr<Err = UnknownName> + ToString,
{
    match name.parse::<T>() {
        Ok(v) => {
            let printed = v.to_string();
            let again = printed
                .parse::<T>()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again.to_string(), printed);
        }
        Err(e) => {
            prop_assert_eq!(&e.kind, kind);
            prop_assert!(!e.valid.is_empty());
            let d: Vec<usize> = e
                .valid
                .iter()
                .map(|v| gradus_tensor::names::distance(name, v))
                .collect();
            prop_assert!(d.windows(2).all(|w| w[0] <= w[1]), "{:?}", d);
            let prefix = format!("unknown {kind} ");
            prop_assert!(e.to_string().starts_with(&prefix));
        }
    }
    Ok(())
}

fn suggestion_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "[a-z_0-9]{0,20}",
        "(top_[0-9]{1,25}_accuracy)",
        Just("binary_crossentropyy".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_name_parses_or_lists_the_names(name in suggestion_like()) {
        check::<LossConfig>(&name, "loss")?;
        check::<OptimizerConfig>(&name, "optimizer")?;
        check::<Metric>(&name, "metric")?;
        check::<Initializer>(&name, "initializer")?;
        check::<Regularizer>(&name, "regularizer")?;
        // The same text as a serde string.
        let json = serde_json::to_string(&name).unwrap();
        let _ = serde_json::from_str::<LossConfig>(&json);
        let _ = serde_json::from_str::<OptimizerConfig>(&json);
        let _ = serde_json::from_str::<Metric>(&json);
        let _ = serde_json::from_str::<Initializer>(&json);
        let _ = serde_json::from_str::<Regularizer>(&json);
    }

    /// Integer suggestions of any sign and size: `build` succeeds (small counts) or names
    /// the field and the value given.
    #[test]
    fn integer_suggestions_build_or_name_the_value(units in prop_oneof![
        -3i64..8, Just(i64::MIN), Just(i64::MAX), Just(1i64 << 40), any::<i64>(),
    ]) {
        match Dense::new(units).build(&[3], &mut Rng::new(0)) {
            Ok(out) => prop_assert_eq!(out, vec![units as usize]),
            Err(e) if units < 1 => {
                prop_assert_eq!(e.to_string(), format!("invalid Dense.units = {units}: at least 1 unit"));
            }
            Err(e) => prop_assert!(units >= 1 << 20, "{}", e),
        }
        match Conv2D::new(units, [1, 1]).build(&[2, 2, 1], &mut Rng::new(0)) {
            Ok(_) => prop_assert!(units >= 1),
            Err(e) if units < 1 => {
                let field = format!("Conv2D.filters = {units}");
                prop_assert!(e.to_string().contains(&field));
            }
            Err(_) => {}
        }
    }

    /// Float suggestions of any value: accepted when in range, else an error on `build` /
    /// `validate` / `compile`.
    #[test]
    fn float_suggestions_are_validated(v in prop_oneof![
        -2.0f64..2.0, Just(f64::NAN), Just(f64::INFINITY), Just(1e300), Just(-1e-300),
    ]) {
        let dropout = Dropout::new(v).build(&[3], &mut Rng::new(0));
        prop_assert_eq!(dropout.is_ok(), (0.0..=1.0).contains(&(v as f32)));
        let sgd = OptimizerConfig::sgd(v).validate();
        prop_assert_eq!(sgd.is_ok(), (v as f32).is_finite() && v as f32 >= 0.0);
        let _ = OptimizerConfig::adam(v).weight_decay(v).clipnorm(v).validate();
        let _ = Regularizer::l1_l2(v, v).validate("r");
        let huber = LossConfig::huber(v).validate();
        prop_assert_eq!(huber.is_ok(), (v as f32).is_finite() && v as f32 > 0.0);
        let _ = LossConfig::binary_crossentropy().label_smoothing(v).validate();
    }
}
