//! Regression on the diabetes data set: a small MLP on standardised features, early
//! stopping on a validation split, and the R² on held-out rows.
//!
//! `cargo run --release -p gradus --example diabetes`

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let data = bundled::diabetes()?;
    let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2))?;
    // Scalers are fitted on the training rows only.
    let x_scaler = StandardScaler::fit(&split.x_train)?;
    let y_scaler = StandardScaler::fit(&split.y_train)?;
    let (x_train, x_test) = (
        x_scaler.transform(&split.x_train)?,
        x_scaler.transform(&split.x_test)?,
    );
    let y_train = y_scaler.transform(&split.y_train)?;

    let mut model = Sequential::new();
    model.add(
        Dense::new(32)
            .activation(Activation::Relu)
            .kernel_regularizer(Regularizer::l2(1e-3)),
    );
    model.add(Dense::new(16).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(
        OptimizerConfig::adam(0.003),
        LossConfig::mse(),
        &[Metric::Mae, Metric::R2],
    )?;
    model.build(&[data.n_features()], 0)?;
    println!("{}", model.summary());

    let fit = FitConfig::new()
        .epochs(300)
        .batch_size(32)
        .validation_split(0.2)
        .seed(0)
        .verbose(Verbosity::Silent)
        .callback(
            EarlyStopping::new("val_loss")
                .patience(15)
                .restore_best_weights(true),
        );
    let history = model.fit(&x_train, &y_train, fit)?;
    println!(
        "trained {} epochs (best val_loss {:.4} at epoch {})",
        history.epochs_run(),
        history
            .get("val_loss")
            .unwrap()
            .iter()
            .cloned()
            .fold(f64::INFINITY, f64::min),
        history.best_epoch("val_loss", false).unwrap() + 1
    );

    // Predictions back in the target's units.
    let pred = y_scaler.inverse_transform(&model.predict(&x_test)?)?;
    let r2 = Scoring::R2.score(&pred, &split.y_test)?;
    let rmse = -Scoring::NegRootMeanSquaredError.score(&pred, &split.y_test)?;
    println!(
        "test R² = {r2:.3}, RMSE = {rmse:.1} (target mean {:.1})",
        mean(split.y_test.data())
    );
    Ok(())
}

fn mean(v: &[f32]) -> f64 {
    v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64
}
