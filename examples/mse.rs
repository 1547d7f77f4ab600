//! The course's mean squared error example: the loss of four predictions.
//!
//! `cargo run --release -p gradus --example mse` prints `Mean Squared Error: 0.375`.

use gradus::nn::{Loss, MeanSquaredError};
use gradus::tensor::Tensor;

fn main() {
    let y_true = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
    let y_pred = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
    // ((3 − 2.5)² + (−0.5 − 0)² + (2 − 2)² + (7 − 8)²) / 4 = (0.25 + 0.25 + 0 + 1) / 4
    let mse = MeanSquaredError.compute(&y_pred, &y_true, None);
    println!("Mean Squared Error: {mse}");
}
