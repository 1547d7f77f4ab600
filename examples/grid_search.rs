//! The course's grid search, scikit-learn style: learning_rate ∈ {0.001, 0.01, 0.1} ×
//! batch_size ∈ {10, 20}, 3-fold cross-validation, all cores (`n_jobs = -1`), on the
//! diabetes data set. Prints `Best: <score> using <params>` and every candidate.
//!
//! `cargo run --release -p gradus --example grid_search`

use gradus::prelude::*;

/// The course's model: Dense 64 relu → Dense 1, Adam, mean squared error.
fn build(p: &Params) -> gradus::Result<Estimator> {
    let mut model = Sequential::new();
    model.add(Dense::new(64).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(
        OptimizerConfig::adam(p.f32("learning_rate")?),
        LossConfig::MeanSquaredError,
        &[],
    )?;
    let fit = FitConfig::new()
        .epochs(30)
        .batch_size(p.usize("batch_size")?)
        .seed(0)
        .verbose(Verbosity::Silent);
    Ok(Estimator::new(model, fit))
}

fn main() -> gradus::Result<()> {
    let data = bundled::diabetes()?;
    let x = StandardScaler::fit(&data.x)?.transform(&data.x)?;
    let y = StandardScaler::fit(&data.y)?.transform(&data.y)?;
    let grid = ParamGrid::new()
        .param("learning_rate", &[0.001, 0.01, 0.1])
        .param("batch_size", &[10, 20]);
    let result = GridSearchCv::new(build, grid)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .fit(&x, &y)?;
    println!(
        "Best: {:.6} using {}",
        result.best_score, result.best_params
    );
    for c in &result.cv_results {
        println!(
            "{:.6} ({:.6}) with: {}",
            c.mean_test_score, c.std_test_score, c.params
        );
    }
    Ok(())
}
