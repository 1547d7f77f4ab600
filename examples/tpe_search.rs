//! The course's Bayesian optimisation with TPE (hyperopt's `fmin(tpe.suggest)`):
//! learning_rate log-uniform on [e^-5, e^0], batch_size ∈ {10, 20, 30}, 50 evaluations of
//! the 3-fold cross-validated mean squared error on the diabetes data set.
//!
//! Unlike hyperopt, the best parameters are the values themselves — the batch size is 10,
//! 20 or 30, not an index into the choices — and the log range takes natural bounds.
//!
//! `cargo run --release -p gradus --example tpe_search`

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
        .float_log("learning_rate", (-5.0f64).exp(), 1.0)
        .categorical("batch_size", &[10, 20, 30]);
    let result = TpeSearchCv::new(build, space)
        .max_evals(50)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .seed(0)
        .fit(&x, &y)?;
    println!(
        "Best: {:.6} using {}",
        result.best_score, result.best_params
    );
    let mut ranked: Vec<_> = result.cv_results.iter().collect();
    ranked.sort_by_key(|c| c.rank_test_score);
    println!("top 5 of {}:", ranked.len());
    for c in ranked.iter().take(5) {
        println!(
            "  {:.6} ({:.6}) with: {}",
            c.mean_test_score, c.std_test_score, c.params
        );
    }
    Ok(())
}
