//! The course's grid search, scikit-learn style: learning_rate ∈ {0.001, 0.01, 0.1} ×
//! batch_size ∈ {10, 20}, 3-fold cross-validation, all cores (`n_jobs = -1`), on the
//! diabetes data set. Prints `Best: <score> using <params>` and every candidate.
//!
//! `cargo run --release -p gradus --example grid_search`

#[path = "course/mod.rs"]
mod course;

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let (x, y) = course::diabetes()?;
    let grid = ParamGrid::new()
        .param("learning_rate", &[0.001, 0.01, 0.1])
        .param("batch_size", &[10, 20]);
    let result = GridSearchCv::new(course::build, grid)
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError)
        .n_jobs(-1)
        .fit(&x, &y)?;
    course::report(&result, result.cv_results.len());
    Ok(())
}
