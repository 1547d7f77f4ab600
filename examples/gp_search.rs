//! Gaussian-process Bayesian optimisation against TPE at the same budget: the course's model
//! (Dense relu → Dense 1, Adam, mean squared error) on the standardised diabetes data, tuning
//! the learning rate (log-uniform on [1e-4, 1]), the L2 strength (log-uniform on [1e-6, 1e-1])
//! and the hidden units (16 to 128), 30 candidates each scored by 3-fold cross-validation.
//!
//! `cargo run --release -p gradus --example gp_search`

// Only the data and the report are shared; this example builds its own model.
#[allow(dead_code)]
#[path = "course/mod.rs"]
mod course;

use gradus::SamplerSearchCv;
use gradus::prelude::*;

/// The course's model with the tuned width and L2 penalty; batch size 20, 30 epochs.
fn build(p: &Params) -> gradus::Result<Estimator> {
    let mut model = Sequential::new();
    model.add(
        Dense::new(p.usize("units")?)
            .activation(Activation::Relu)
            .kernel_regularizer(Regularizer::l2(p.f64("l2")?)),
    );
    model.add(Dense::new(1));
    model.compile(
        OptimizerConfig::adam(p.f64("learning_rate")?),
        LossConfig::mse(),
        &[],
    )?;
    let fit = FitConfig::new()
        .epochs(30)
        .batch_size(20)
        .seed(0)
        .verbose(Verbosity::Silent);
    Ok(Estimator::new(model, fit))
}

fn main() -> gradus::Result<()> {
    let (x, y) = course::diabetes()?;
    let space = SearchSpace::new()
        .float_log("learning_rate", 1e-4, 1.0)
        .float_log("l2", 1e-6, 1e-1)
        .int("units", 16, 128);
    for name in ["gp", "tpe"] {
        let start = std::time::Instant::now();
        let result = SamplerSearchCv::new(build, space.clone())
            .sampler(name.parse()?)
            .n_trials(30)
            .cv(KFold::new(3))
            .scoring(Scoring::NegMeanSquaredError)
            .seed(0)
            .fit(&x, &y)?;
        println!(
            "{name}: {} evaluations in {:.1} s",
            result.cv_results.len(),
            start.elapsed().as_secs_f64()
        );
        course::report(&result, 3);
    }
    Ok(())
}
