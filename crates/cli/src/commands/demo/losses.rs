//! `gradus demo mse` and `gradus demo cross-entropy`: the course's loss formulas, computed
//! by hand and by the library's losses.

use gradus::nn::{
    BinaryCrossentropy, CategoricalCrossentropy, CrossentropyInput, Loss, MeanSquaredError,
};
use gradus::tensor::Tensor;
use serde_json::{Value, json};

use crate::exit::Result;

/// `mse`: `((3 − 2.5)² + (−0.5 − 0)² + (2 − 2)² + (7 − 8)²) / 4 = 0.375`.
pub fn mse() -> Result<(String, Value)> {
    let y_true = [3.0f32, -0.5, 2.0, 7.0];
    let y_pred = [2.5f32, 0.0, 2.0, 8.0];
    let mse = MeanSquaredError.compute(&Tensor::column(&y_pred), &Tensor::column(&y_true), None);
    let text = format!(
        "y_true = {y_true:?}\ny_pred = {y_pred:?}\nMSE = (1/n) Σ (y_true − y_pred)²\n\
         Mean Squared Error: {mse}\n"
    );
    Ok((text, json!({ "mse": mse })))
}

/// `cross-entropy`: binary cross-entropy `−(1/n) Σ [y log p + (1 − y) log(1 − p)]` and
/// categorical cross-entropy `−(1/n) Σ Σ_c y_c log p_c`, each by the formula (in `f64`)
/// and by the library's loss.
pub fn cross_entropy() -> Result<(String, Value)> {
    let y = [1.0f32, 0.0, 1.0, 1.0];
    let p = [0.9f32, 0.1, 0.8, 0.6];
    let by_formula = -y
        .iter()
        .zip(&p)
        .map(|(&y, &p)| {
            let (y, p) = (f64::from(y), f64::from(p));
            y * p.ln() + (1.0 - y) * (1.0 - p).ln()
        })
        .sum::<f64>()
        / y.len() as f64;
    let bce = BinaryCrossentropy {
        input: CrossentropyInput::Probabilities,
        label_smoothing: 0.0,
    };
    let by_library = bce.compute(&Tensor::column(&p), &Tensor::column(&y), None);

    let yc = [[1.0f32, 0.0, 0.0], [0.0, 1.0, 0.0]];
    let pc = [[0.7f32, 0.2, 0.1], [0.1, 0.6, 0.3]];
    let cat_formula = -yc
        .iter()
        .zip(&pc)
        .map(|(y, p)| {
            y.iter()
                .zip(p)
                .map(|(&y, &p)| f64::from(y) * f64::from(p).ln())
                .sum::<f64>()
        })
        .sum::<f64>()
        / yc.len() as f64;
    let rows = |m: &[[f32; 3]; 2]| Tensor::from_rows(&m.map(|r| r.to_vec())).expect("2 × 3");
    let cce = CategoricalCrossentropy {
        input: CrossentropyInput::Probabilities,
        label_smoothing: 0.0,
    };
    let cat_library = cce.compute(&rows(&pc), &rows(&yc), None);
    let text = format!(
        "Binary cross-entropy  −(1/n) Σ [y·log p + (1 − y)·log(1 − p)]\n\
         y = {y:?}, p = {p:?}\n\
         by the formula: {by_formula:.6}\n\
         by gradus:      {by_library:.6}\n\n\
         Categorical cross-entropy  −(1/n) Σ Σ_c y_c·log p_c\n\
         y = {yc:?}, p = {pc:?}\n\
         by the formula: {cat_formula:.6}\n\
         by gradus:      {cat_library:.6}\n"
    );
    Ok((
        text,
        json!({
            "binary": { "formula": by_formula, "library": by_library },
            "categorical": { "formula": cat_formula, "library": cat_library },
        }),
    ))
}
