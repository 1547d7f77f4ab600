//! Training end to end: quality on real held-out data, reproducibility, the gradient
//! descent flavours, validation, callbacks inside `fit`, and errors for bad input.

use gradus_data::{Scaler, SplitOptions, StandardScaler, bundled, train_test_split};
use gradus_nn::{
    BatchKey, BatchNormalization, Dense, Divergence, Dropout, EarlyStopping, Error, FitConfig,
    Layer, LossConfig, Metric, Mode, OptimizerConfig, ReduceLrOnPlateau, Regularizer, Sequential,
    Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};

fn quiet() -> FitConfig {
    FitConfig::new().verbose(Verbosity::Silent)
}

/// Standardised diabetes features and targets, split 80/20 with seed 0.
fn diabetes() -> (Tensor, Tensor, Tensor, Tensor) {
    let d = bundled::diabetes().unwrap();
    let s = train_test_split(&d.x, &d.y, SplitOptions::new().test_size(0.2)).unwrap();
    let xs = StandardScaler::fit(&s.x_train).unwrap();
    let ys = StandardScaler::fit(&s.y_train).unwrap();
    (
        xs.transform(&s.x_train).unwrap(),
        ys.transform(&s.y_train).unwrap(),
        xs.transform(&s.x_test).unwrap(),
        ys.transform(&s.y_test).unwrap(),
    )
}

#[test]
fn diabetes_regression_reaches_r2_045_on_held_out_data() {
    let (xtr, ytr, xte, yte) = diabetes();
    let mut model = Sequential::new();
    model.add(
        Dense::new(16)
            .activation(Activation::Relu)
            .kernel_regularizer(Regularizer::l2(1e-3)),
    );
    model.add(Dense::new(1));
    model
        .compile(
            OptimizerConfig::adam(0.005),
            LossConfig::mse(),
            &[Metric::R2, Metric::Mae],
        )
        .unwrap();
    let stop = EarlyStopping::new("val_loss")
        .patience(10)
        .restore_best_weights(true);
    let history = model
        .fit(
            &xtr,
            &ytr,
            quiet()
                .epochs(300)
                .batch_size(32)
                .validation_split(0.2)
                .seed(1)
                .callback(stop),
        )
        .unwrap();
    assert!(
        history.epochs_run() < 300,
        "early stopping should end training"
    );
    let test = model.evaluate(&xte, &yte).unwrap();
    assert!(test["r2"] >= 0.45, "test R² {}", test["r2"]);
}

#[test]
fn digits_classification_reaches_accuracy_096_on_held_out_data() {
    let d = bundled::digits().unwrap();
    let s = train_test_split(&d.x, &d.y, SplitOptions::new().test_size(0.2)).unwrap();
    let scaler = StandardScaler::fit(&s.x_train).unwrap();
    let (xtr, xte) = (
        scaler.transform(&s.x_train).unwrap(),
        scaler.transform(&s.x_test).unwrap(),
    );
    let mut model = Sequential::new();
    model.add(Dense::new(128).activation(Activation::Relu));
    model.add(Dropout::new(0.2));
    model.add(Dense::new(10).activation(Activation::Softmax));
    model
        .compile(
            OptimizerConfig::adam(1e-3),
            LossConfig::sparse_categorical_crossentropy(),
            &[Metric::Accuracy],
        )
        .unwrap();
    model
        .fit(&xtr, &s.y_train, quiet().epochs(30).batch_size(32).seed(3))
        .unwrap();
    let test = model.evaluate(&xte, &s.y_test).unwrap();
    assert!(
        test["accuracy"] >= 0.96,
        "test accuracy {}",
        test["accuracy"]
    );
    // predict agrees with evaluate's accuracy.
    let p = model.predict(&xte).unwrap();
    let correct = (0..p.rows())
        .filter(|&r| gradus_tensor::ops::argmax(p.row(r)) == s.y_test.data()[r] as usize)
        .count();
    assert!((correct as f64 / p.rows() as f64 - test["accuracy"]).abs() < 1e-12);
}

fn small_model(seed_layers: bool) -> Sequential {
    let mut m = Sequential::new();
    m.add(Dense::new(8).activation(Activation::Relu));
    m.add(Dropout::new(0.3));
    m.add(BatchNormalization::new());
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[])
        .unwrap();
    if seed_layers {
        m.build(&[3], 5).unwrap();
    }
    m
}

fn toy(n: usize, seed: u64) -> (Tensor, Tensor) {
    let mut rng = Rng::new(seed);
    let x = Tensor::from_vec((0..n * 3).map(|_| rng.normal() as f32).collect(), &[n, 3]).unwrap();
    let y: Vec<f32> = (0..n).map(|i| x.row(i)[0] * 2.0 - x.row(i)[2]).collect();
    (x, Tensor::column(&y))
}

#[test]
fn same_seed_gives_bit_identical_weights_and_another_seed_does_not() {
    let (x, y) = toy(64, 0);
    let train = |seed| {
        let mut m = small_model(false);
        m.fit(&x, &y, quiet().epochs(3).batch_size(8).seed(seed))
            .unwrap();
        m.get_weights()
    };
    let a = train(7);
    assert_eq!(a, train(7));
    assert_ne!(a, train(8));
}

#[test]
fn batch_size_chooses_full_batch_mini_batch_or_stochastic_descent() {
    let (x, y) = toy(20, 1);
    for (batch, steps_per_epoch) in [(20, 1), (1000, 1), (6, 4), (1, 20)] {
        let mut m = small_model(true);
        m.fit(&x, &y, quiet().epochs(3).batch_size(batch)).unwrap();
        assert_eq!(
            m.optimizer().unwrap().state().iterations,
            3 * steps_per_epoch,
            "batch {batch}"
        );
    }
}

#[test]
fn validation_split_holds_out_the_last_rows() {
    let (x, y) = toy(40, 2);
    let run = |cfg: FitConfig| {
        let mut m = small_model(true);
        m.fit(&x, &y, cfg.epochs(4).batch_size(8).shuffle(false))
            .unwrap()
    };
    let split = run(quiet().validation_split(0.25));
    let explicit_x = x.slice_rows(0, 30);
    let explicit_y = y.slice_rows(0, 30);
    let mut m = small_model(true);
    let data = m
        .fit(
            &explicit_x,
            &explicit_y,
            quiet()
                .epochs(4)
                .batch_size(8)
                .shuffle(false)
                .validation_data(x.slice_rows(30, 40), y.slice_rows(30, 40)),
        )
        .unwrap();
    assert_eq!(split.get("val_loss"), data.get("val_loss"));
    assert_eq!(split.get("loss"), data.get("loss"));
}

/// Penalties are part of `loss` and `val_loss`: with L2 on the kernel, evaluate's loss is
/// the data loss plus `l2·Σw²`.
#[test]
fn regularization_penalty_is_reported_in_the_loss() {
    let (x, y) = toy(30, 3);
    let mut m = Sequential::new();
    m.add(Dense::new(1).kernel_regularizer(Regularizer::l2(0.5)));
    m.compile(
        OptimizerConfig::sgd(0.01),
        LossConfig::mse(),
        &[Metric::Mse],
    )
    .unwrap();
    m.build(&[3], 0).unwrap();
    let logs = m.evaluate(&x, &y).unwrap();
    let w = m.get_weights();
    let penalty: f64 = 0.5
        * w.0[0]
            .data()
            .iter()
            .map(|v| (*v as f64).powi(2))
            .sum::<f64>();
    assert!(
        (logs["loss"] - (logs["mse"] + penalty)).abs() < 1e-5,
        "{logs:?} penalty {penalty}"
    );
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let (xtr, ytr, _, _) = diabetes();
    let mut m = Sequential::new();
    m.add(Dense::new(64).activation(Activation::Relu));
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::adam(0.02), LossConfig::mse(), &[])
        .unwrap();
    let history = m
        .fit(
            &xtr,
            &ytr,
            quiet()
                .epochs(200)
                .batch_size(16)
                .validation_split(0.25)
                .callback(
                    EarlyStopping::new("val_loss")
                        .patience(3)
                        .restore_best_weights(true),
                ),
        )
        .unwrap();
    let stopped = history.stopped_epoch.expect("overfits and stops");
    let best = history.best_epoch("val_loss", false).unwrap();
    assert_eq!(stopped, best + 3);
    let n = xtr.rows();
    let split = (n as f64 * 0.75).floor() as usize;
    let val = m
        .evaluate(&xtr.slice_rows(split, n), &ytr.slice_rows(split, n))
        .unwrap();
    let best_val = history.get("val_loss").unwrap()[best];
    assert!(
        (val["loss"] - best_val).abs() < 1e-5,
        "{} vs {best_val}",
        val["loss"]
    );
}

#[test]
fn reduce_lr_on_plateau_lowers_the_logged_learning_rate() {
    let (x, y) = toy(32, 4);
    let mut m = small_model(true);
    // min_delta 10 makes every epoch after the first a plateau: patience 2 reduces after
    // epochs 2 and 4 (from 0); the log holds the rate each epoch trained with, as Keras.
    let cb = ReduceLrOnPlateau::new("loss")
        .patience(2)
        .factor(0.5)
        .min_delta(10.0);
    let h = m.fit(&x, &y, quiet().epochs(5).callback(cb)).unwrap();
    let lr: Vec<f64> = h
        .get("learning_rate")
        .unwrap()
        .iter()
        .map(|v| (v * 1e4).round() / 1e4)
        .collect();
    assert_eq!(lr, vec![0.01, 0.01, 0.01, 0.005, 0.005]);
}

/// Fusing softmax with cross-entropy trains exactly like computing the loss from logits.
#[test]
fn fused_softmax_matches_training_from_logits() {
    let d = bundled::iris().unwrap();
    let x = StandardScaler::fit(&d.x).unwrap().transform(&d.x).unwrap();
    let train = |act: Activation, from_logits: bool| {
        let mut m = Sequential::new();
        m.add(Dense::new(8).activation(Activation::Tanh));
        m.add(Dense::new(3).activation(act));
        let loss = LossConfig::sparse_categorical_crossentropy().from_logits(from_logits);
        m.compile(OptimizerConfig::adam(0.01), loss, &[]).unwrap();
        m.fit(&x, &d.y, quiet().epochs(5).batch_size(16).seed(2))
            .unwrap();
        m.get_weights()
    };
    let fused = train(Activation::Softmax, false);
    let logits = train(Activation::Linear, true);
    for (a, b) in fused.0.iter().zip(&logits.0) {
        for (u, v) in a.data().iter().zip(b.data()) {
            assert!((u - v).abs() < 1e-4, "{u} vs {v}");
        }
    }
}

/// BatchNormalization's moving statistics after two training batches, from the formula
/// m ← 0.99·m + 0.01·μ_batch (and the biased batch variance).
#[test]
fn batch_norm_moving_statistics_follow_the_formula() {
    let mut bn = BatchNormalization::new();
    bn.build(&[2], &mut Rng::new(0)).unwrap();
    let b1 = Tensor::from_rows(&[vec![1.0, 10.0], vec![3.0, 14.0]]).unwrap();
    let b2 = Tensor::from_rows(&[vec![0.0, 2.0], vec![4.0, 2.0], vec![8.0, 2.0]]).unwrap();
    bn.forward(&b1, Mode::Train(BatchKey::default()));
    bn.forward(&b2, Mode::Train(BatchKey::default()));
    // means (2, 12) then (4, 2); variances (1, 4) then (32/3, 0)
    let mean = [
        0.99 * (0.01 * 2.0) + 0.01 * 4.0,
        0.99 * (0.01 * 12.0) + 0.01 * 2.0,
    ];
    let var = [
        0.99 * (0.99 + 0.01 * 1.0) + 0.01 * (32.0 / 3.0),
        0.99 * (0.99 + 0.01 * 4.0),
    ];
    let p = bn.params();
    for j in 0..2 {
        assert!((p[2].value.data()[j] as f64 - mean[j]).abs() < 1e-6);
        assert!((p[3].value.data()[j] as f64 - var[j]).abs() < 1e-6);
    }
    // Inference uses them: y = (x − m)/√(v + ε) with γ = 1, β = 0.
    let x = Tensor::from_rows(&[vec![1.0, 1.0]]).unwrap();
    let y = bn.forward(&x, Mode::Infer).data().to_vec();
    assert!((y[0] as f64 - (1.0 - mean[0]) / (var[0] + 1e-3).sqrt()).abs() < 1e-5);
}

#[test]
fn bad_input_gets_errors_that_name_the_problem() {
    let (x, y) = toy(10, 5);
    let mut m = small_model(false);

    let e = m.fit(&x, &y.slice_rows(0, 9), quiet()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "shape mismatch in y: expected 10 rows, as x, got 9 rows; x and y need one row per sample"
    );

    let mut bad = x.clone();
    bad.data_mut()[7] = f32::NAN;
    let e = m.fit(&bad, &y, quiet()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x has a non-finite value (NaN) at row 2, column 1; clean or impute the data before training"
    );

    let e = m.fit(&x, &y, quiet().batch_size(0)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid FitOptions.batch_size = 0: at least 1"),
        "{e}"
    );

    m.build(&[3], 0).unwrap();
    let e = m.fit(&Tensor::zeros(&[10, 4]), &y, quiet()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "shape mismatch in x: expected [n, 3] (the model's input), got [10, 4]"
    );

    let mut neg = Sequential::new();
    neg.add(Dropout::new(-0.2));
    let e = neg.build(&[3], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "layer `dropout`: invalid Dropout.rate = -0.2: a rate in [0, 1]"
    );

    let mut flat = Sequential::new();
    flat.add(Dense::new(4));
    flat.add(Dense::new(2));
    let e = flat.build(&[8, 8], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "layer `dense`: shape mismatch in Dense: expected input of shape [batch, features], got [batch, 8, 8]; add a Flatten layer before it"
    );

    let e = m
        .compile(OptimizerConfig::sgd(-1.0), LossConfig::mse(), &[])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid optimizer.learning_rate = -1: a finite rate ≥ 0"
    );

    let mut uncompiled = Sequential::new();
    uncompiled.add(Dense::new(1));
    assert!(matches!(
        uncompiled.fit(&x, &y, quiet()),
        Err(Error::NotCompiled("fit"))
    ));

    let e = small_model(true)
        .fit(&x, &y, quiet().callback(EarlyStopping::new("val_loss")))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("val_ keys need validation_split or validation_data"),
        "{e}"
    );
}

/// Snapshots the weights at each epoch end.
struct Snapshots(std::sync::Arc<std::sync::Mutex<Vec<gradus_nn::Weights>>>);

impl gradus_nn::Callback for Snapshots {
    fn on_epoch_end(
        &mut self,
        _epoch: usize,
        _logs: &gradus_nn::Logs,
        model: &Sequential,
    ) -> gradus_nn::Result<gradus_nn::Control> {
        self.0.lock().unwrap().push(model.get_weights());
        Ok(gradus_nn::Control::Continue)
    }
}

/// As Keras's TerminateOnNaN, but the model is reset to its weights from the start of the
/// epoch whose loss became non-finite (the end of the last complete epoch), the error
/// carries the history of the completed epochs, and `predict` stays finite.
#[test]
fn a_diverging_loss_stops_with_an_error_the_history_and_the_last_finite_weights() {
    let (x, y) = toy(16, 6);
    let mut m = Sequential::new();
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::sgd(1e6), LossConfig::mse(), &[])
        .unwrap();
    let snaps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let e = m
        .fit(
            &x,
            &y,
            quiet()
                .epochs(50)
                .batch_size(16)
                .callback(Snapshots(snaps.clone())),
        )
        .unwrap_err();
    let Error::Diverged {
        cause: Divergence::Loss(value),
        epoch,
        batch,
        history,
    } = &e
    else {
        panic!("{e}");
    };
    assert_eq!(*batch, 0);
    assert!(!value.is_finite());
    let snaps = snaps.lock().unwrap();
    assert!(*epoch >= 1 && *epoch == snaps.len(), "{e}");
    assert_eq!(history.epoch, (0..*epoch).collect::<Vec<_>>());
    assert_eq!(history.stopped_epoch, Some(*epoch));
    assert!(history.get("loss").unwrap().iter().all(|l| l.is_finite()));
    assert_eq!(&m.get_weights(), snaps.last().unwrap());
    assert!(m.predict(&x).unwrap().first_non_finite().is_none());
    assert_eq!(
        e.to_string(),
        format!(
            "the loss became {value} at epoch {epoch}, batch 0; training stopped and the model \
             is back at its weights from the start of that epoch. Lower the learning rate, \
             scale the inputs or clip gradients (clipnorm)"
        )
    );
}

/// An update that overflows (a finite gradient times a learning rate of f32::MAX) leaves the
/// model at the weights it had when the epoch started, not at infinities, and clears the
/// optimizer's slots.
#[test]
fn an_update_that_overflows_restores_the_epochs_starting_weights() {
    let (x, y) = toy(8, 2);
    let mut m = Sequential::new();
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::sgd(f32::MAX), LossConfig::mse(), &[])
        .unwrap();
    m.build(&[3], 0).unwrap();
    let start = m.get_weights();
    let e = m.fit(&x, &y, quiet().epochs(3).batch_size(4)).unwrap_err();
    let Error::Diverged {
        cause: Divergence::Weights(v),
        epoch: 0,
        batch: 0,
        ..
    } = e
    else {
        panic!("{e}");
    };
    assert!(!v.is_finite());
    assert_eq!(m.get_weights(), start);
    assert!(m.optimizer().unwrap().state().slots.is_empty());
}

/// A NaN weight is refused by `set_weights` (and leaves the model unchanged), and a NaN
/// input to a hidden ReLU reaches the output instead of becoming 0.
#[test]
fn nan_weights_are_refused_and_relu_propagates_nan() {
    let mut m = Sequential::new();
    m.add(Dense::new(2).activation(Activation::Relu));
    m.add(Dense::new(1));
    m.build(&[2], 0).unwrap();
    let before = m.get_weights();
    let mut w = before.clone();
    w.0[2].data_mut()[1] = f32::NAN;
    let e = m.set_weights(&w).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid weights of dense_1.kernel = NaN at index 1: finite values (a NaN or infinite weight makes every prediction NaN)"
    );
    assert_eq!(m.get_weights(), before);
    let mut short = before.clone();
    short.0.pop();
    assert!(m.set_weights(&short).is_err());
    assert_eq!(m.get_weights(), before);

    // Through the layers directly: a NaN kernel value in the hidden ReLU layer.
    let mut d = Dense::new(1).activation(Activation::Relu);
    d.build(&[1], &mut Rng::new(0)).unwrap();
    d.params_mut()[0].value.data_mut()[0] = f32::NAN;
    let one = Tensor::column(&[1.0]);
    let out = d.forward(&one, Mode::Infer);
    assert!(out.data()[0].is_nan());
}

#[test]
fn dropout_is_off_in_predict() {
    let mut m = Sequential::new();
    m.add(Dense::new(4).activation(Activation::Relu));
    m.add(Dropout::new(0.5));
    m.add(Dense::new(1));
    m.build(&[2], 1).unwrap();
    let x = Tensor::full(&[3, 2], 1.0);
    let a = m.predict(&x).unwrap();
    assert_eq!(a, m.predict(&x).unwrap());
    assert_eq!(a.row(0), a.row(2));
    let layers: &[Box<dyn Layer>] = m.layers();
    assert_eq!(layers.len(), 3);
}
