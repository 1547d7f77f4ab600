//! What the course's search examples (`grid_search`, `random_search`, `tpe_search`) share:
//! the diabetes data, standardised, and the course's model.

use gradus::SearchResult;
use gradus::prelude::*;

/// The diabetes features and target, each standardised (mean 0, variance 1).
pub fn diabetes() -> gradus::Result<(Tensor, Tensor)> {
    let data = bundled::diabetes()?;
    let x = StandardScaler::fit(&data.x)?.transform(&data.x)?;
    let y = StandardScaler::fit(&data.y)?.transform(&data.y)?;
    Ok((x, y))
}

/// The course's model: Dense 64 relu → Dense 1, Adam with the candidate's learning rate,
/// mean squared error, 30 epochs with the candidate's batch size.
pub fn build(p: &Params) -> gradus::Result<Estimator> {
    let mut model = Sequential::new();
    model.add(Dense::new(64).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(
        OptimizerConfig::adam(p.f64("learning_rate")?),
        LossConfig::mse(),
        &[],
    )?;
    let fit = FitConfig::new()
        .epochs(30)
        .batch_size(p.usize("batch_size")?)
        .seed(0)
        .verbose(Verbosity::Silent);
    Ok(Estimator::new(model, fit))
}

/// Prints `Best: <score> using <params>`, then up to `limit` candidates, best first.
pub fn report(result: &SearchResult, limit: usize) {
    println!(
        "Best: {:.6} using {}",
        result.best_score, result.best_params
    );
    let mut ranked: Vec<_> = result.cv_results.iter().collect();
    ranked.sort_by_key(|c| c.rank_test_score);
    for c in ranked.iter().take(limit) {
        println!(
            "{:.6} ({:.6}) with: {}",
            c.mean_test_score, c.std_test_score, c.params
        );
    }
}
