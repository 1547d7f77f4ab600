//! The course's hyperopt snippet: `fmin(objective, space, algo=tpe.suggest, max_evals=50)`
//! with the learning rate `hp.loguniform(-5, 0)` (e^-5 to 1) and the batch size
//! `hp.choice([10, 20, 30])`; the objective is the 3-fold cross-validated mean squared error
//! of the course's model on the diabetes data set.
//!
//! Unlike hyperopt's `fmin`, which returns the index of the chosen batch size, the best
//! parameters are the values themselves.
//!
//! `cargo run --release -p gradus --example hyperopt_search`

#[path = "course/mod.rs"]
#[allow(dead_code)] // report() serves the cross-validated searches
mod course;

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let (x, y) = course::diabetes()?;
    let space = SearchSpace::new()
        .param("learning_rate", hp::loguniform(-5.0, 0.0))
        .param("batch_size", hp::choice(&[10, 20, 30]));
    let cv = CvOptions::new()
        .cv(KFold::new(3))
        .scoring(Scoring::NegMeanSquaredError);
    // The mean squared error, to be minimised (scikit-learn's score is its negation).
    let objective = |params: &Params| {
        let scores = cross_val_score(&course::build, params, &x, &y, cv)?;
        Ok(-scores.iter().sum::<f64>() / scores.len() as f64)
    };
    let best = fmin(objective, &space, Algo::Tpe, 50, 0)?;
    println!("Best: {:.6} using {}", best.best_loss, best.best_params);
    Ok(())
}
