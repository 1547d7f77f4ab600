//! The course's random search: 5 candidates (`n_iter = 5`) drawn from a log-uniform learning
//! rate and a choice of batch sizes, 3-fold cross-validation scored by
//! neg_mean_squared_error, on the diabetes data set.
//!
//! `cargo run --release -p gradus --example random_search`

#[path = "course/mod.rs"]
mod course;

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let (x, y) = course::diabetes()?;
    let space = SearchSpace::new()
        .float_log("learning_rate", 1e-4, 1e-1)
        .categorical("batch_size", &[10, 20, 30]);
    let result = RandomizedSearchCv::new(course::build, space)
        .n_iter(5)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .seed(42)
        .fit(&x, &y)?;
    course::report(&result, result.cv_results.len());
    Ok(())
}
