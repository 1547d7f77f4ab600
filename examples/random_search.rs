//! The course's random search: 5 candidates (`n_iter = 5`) drawn from a log-uniform learning
//! rate and a choice of batch sizes, 3-fold cross-validation scored by
//! neg_mean_squared_error, on the diabetes data set.
//!
//! `cargo run --release -p gradus --example random_search`

use gradus::prelude::*;

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
    let space = SearchSpace::new()
        .float_log("learning_rate", 1e-4, 1e-1)
        .categorical("batch_size", &[10, 20, 30]);
    let result = RandomizedSearchCv::new(build, space)
        .n_iter(5)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .seed(42)
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
