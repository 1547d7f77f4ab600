//! The course's Bayesian optimisation with TPE (hyperopt's `fmin(tpe.suggest)`):
//! learning_rate log-uniform on [e^-5, e^0], batch_size ∈ {10, 20, 30}, 50 evaluations of
//! the 3-fold cross-validated mean squared error on the diabetes data set.
//!
//! Unlike hyperopt, the best parameters are the values themselves — the batch size is 10,
//! 20 or 30, not an index into the choices — and the log range takes natural bounds.
//!
//! `cargo run --release -p gradus --example tpe_search`

#[path = "course/mod.rs"]
mod course;

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let (x, y) = course::diabetes()?;
    let space = SearchSpace::new()
        .float_log("learning_rate", (-5.0f64).exp(), 1.0)
        .categorical("batch_size", &[10, 20, 30]);
    let result = TpeSearchCv::new(course::build, space)
        .max_evals(50)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .seed(0)
        .fit(&x, &y)?;
    println!("{} evaluations; the five best:", result.cv_results.len());
    course::report(&result, 5);
    Ok(())
}
