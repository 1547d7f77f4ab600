//! The main job: tune, train and evaluate a neural network on the bundled diabetes data set,
//! and write plots.
//!
//! 1. Split the data 80/20 and standardise features and target on the training rows.
//! 2. Tune the learning rate, width, L2 strength and batch size with TPE (Optuna 5's
//!    default algorithm), scoring each candidate by 3-fold cross-validated MSE, with
//!    candidates evaluated in parallel on all cores.
//! 3. Train the best configuration with early stopping on a validation split.
//! 4. Report the test R² and RMSE, and write three SVG charts: the learning curves, the
//!    optimization history and predicted vs actual progression.
//!
//! `cargo run --release -p gradus --example quickstart [output-dir]` (default
//! `target/quickstart`).

use std::path::PathBuf;
use std::time::Instant;

use gradus::prelude::*;

/// A two-layer network from a candidate's parameters (the `epochs` come from the caller).
fn network(p: &Params) -> gradus::Result<Sequential> {
    let mut model = Sequential::new();
    let l2 = Regularizer::l2(p.f64("l2")?);
    model.add(
        Dense::new(p.usize("units")?)
            .activation(Activation::Relu)
            .kernel_regularizer(l2),
    );
    model.add(Dense::new(1));
    model.compile(
        OptimizerConfig::adam(p.f64("learning_rate")?),
        LossConfig::mse(),
        &[Metric::Mae],
    )?;
    Ok(model)
}

fn main() -> gradus::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/quickstart"));
    std::fs::create_dir_all(&out).map_err(gradus::Error::io(&out))?;

    // 1. Data.
    let data = bundled::diabetes()?;
    let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2))?;
    let (x_scaler, y_scaler) = (
        StandardScaler::fit(&split.x_train)?,
        StandardScaler::fit(&split.y_train)?,
    );
    let x_train = x_scaler.transform(&split.x_train)?;
    let y_train = y_scaler.transform(&split.y_train)?;
    let x_test = x_scaler.transform(&split.x_test)?;
    println!(
        "diabetes: {} training rows, {} test rows, {} features",
        x_train.rows(),
        x_test.rows(),
        x_train.row_len()
    );

    // 2. Tuning.
    let space = SearchSpace::new()
        .float_log("learning_rate", 1e-4, 1e-1)
        .categorical("units", &[8, 16, 32, 64])
        .float_log("l2", 1e-5, 1e-1)
        .categorical("batch_size", &[16, 32, 64]);
    let build = |p: &Params| -> gradus::Result<Estimator> {
        let fit = FitConfig::new()
            .epochs(40)
            .batch_size(p.usize("batch_size")?)
            .seed(0)
            .verbose(Verbosity::Silent);
        Ok(Estimator::new(network(p)?, fit))
    };
    let start = Instant::now();
    let search = TpeSearchCv::new(build, space)
        .max_evals(40)
        .cv(KFold {
            n_splits: 3,
            shuffle: true,
            seed: 0,
        })
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .refit(false)
        .seed(0)
        .fit(&x_train, &y_train)?;
    println!(
        "TPE: {} candidates in {:.1} s; best CV MSE {:.4} (standardised target) with {}",
        search.cv_results.len(),
        start.elapsed().as_secs_f64(),
        -search.best_score,
        search.best_params
    );

    // 3. Final training with early stopping.
    let best = &search.best_params;
    let mut model = network(best)?;
    let fit = FitConfig::new()
        .epochs(500)
        .batch_size(best.usize("batch_size")?)
        .validation_split(0.2)
        .seed(0)
        .verbose(Verbosity::Silent)
        .callback(
            EarlyStopping::new("val_loss")
                .patience(20)
                .restore_best_weights(true),
        );
    let history = model.fit(&x_train, &y_train, fit)?;
    println!(
        "final model: {} epochs, best val_loss at epoch {}",
        history.epochs_run(),
        history.best_epoch("val_loss", false).unwrap_or(0) + 1
    );
    println!("{}", model.summary());

    // 4. Test metrics in the target's units, and plots.
    let pred = y_scaler.inverse_transform(&model.predict(&x_test)?)?;
    let r2 = Scoring::R2.score(&pred, &split.y_test)?;
    let rmse = -Scoring::NegRootMeanSquaredError.score(&pred, &split.y_test)?;
    println!("test R² = {r2:.3}, RMSE = {rmse:.1} (disease progression units)");

    let charts = [
        (
            "learning_curves.png",
            gradus::plots::learning_curves(&history, &["loss", "val_loss"]),
        ),
        (
            "optimization_history.png",
            gradus::plots::optimization_history(&search.study)?,
        ),
        (
            "predicted_vs_actual.png",
            gradus::plots::predicted_vs_actual(&pred, &split.y_test),
        ),
    ];
    for (name, chart) in charts {
        let path = out.join(name);
        chart.save(&path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
