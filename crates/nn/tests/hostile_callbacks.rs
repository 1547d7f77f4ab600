//! Callbacks given as data (`CallbackConfig`, what a spec's `[[fit.callbacks]]` holds) with
//! hostile values — any monitor key, patience, delta, factor, bound or baseline: `fit` is
//! `Ok` or an error, never a panic or a hang.

use gradus_nn::{
    CallbackConfig, Dense, EarlyStoppingConfig, FitConfig, FitOptions, LossConfig, MonitorMode,
    OptimizerConfig, ReduceLrOnPlateauConfig, Sequential, Verbosity,
};
use gradus_tensor::Tensor;
use proptest::prelude::*;

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-1.0),
        Just(1e300),
        -10.0f64..10.0,
    ]
}

fn callback() -> impl Strategy<Value = CallbackConfig> {
    let monitor = prop_oneof![
        Just("loss".to_owned()),
        Just("val_loss".to_owned()),
        Just("nope".to_owned()),
        Just(String::new()),
    ];
    let mode = prop_oneof![
        Just(MonitorMode::Auto),
        Just(MonitorMode::Min),
        Just(MonitorMode::Max)
    ];
    prop_oneof![
        (
            monitor.clone(),
            float(),
            any::<usize>(),
            mode.clone(),
            proptest::option::of(float()),
            any::<bool>(),
            any::<usize>()
        )
            .prop_map(
                |(monitor, min_delta, patience, mode, baseline, restore, start)| {
                    CallbackConfig::EarlyStopping(EarlyStoppingConfig {
                        monitor,
                        min_delta,
                        patience,
                        mode,
                        baseline,
                        restore_best_weights: restore,
                        start_from_epoch: start,
                        verbose: false,
                    })
                }
            ),
        (
            monitor,
            float(),
            any::<usize>(),
            mode,
            float(),
            any::<usize>(),
            float()
        )
            .prop_map(
                |(monitor, factor, patience, mode, min_delta, cooldown, min_lr)| {
                    CallbackConfig::ReduceLrOnPlateau(ReduceLrOnPlateauConfig {
                        monitor,
                        factor: factor as f32,
                        patience,
                        mode,
                        min_delta,
                        cooldown,
                        min_lr: min_lr as f32,
                        verbose: false,
                    })
                }
            ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        rng_seed: proptest::test_runner::RngSeed::Fixed(12),
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_callback_configs_fit_or_fail_cleanly(
        callbacks in prop::collection::vec(callback(), 0..3),
    ) {
        let x = Tensor::column(&(0..12).map(|i| i as f32 / 4.0).collect::<Vec<_>>());
        let y = Tensor::column(&(0..12).map(|i| i as f32 / 2.0 + 1.0).collect::<Vec<_>>());
        let mut m = Sequential::new();
        m.add(Dense::new(1));
        m.compile(OptimizerConfig::sgd(0.05f32), LossConfig::mse(), &[]).unwrap();
        let options = FitOptions {
            epochs: 4,
            batch_size: 4,
            validation_split: 0.25,
            verbose: Verbosity::Silent,
            callbacks,
            ..FitOptions::default()
        };
        match m.fit(&x, &y, FitConfig::from(options)) {
            Ok(h) => prop_assert!(h.epochs_run() <= 4),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
