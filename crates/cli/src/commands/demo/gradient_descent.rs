//! `gradus demo linreg` and `gradus demo gd-variants`: linear regression by gradient
//! descent on the course's data, y = 4 + 3x + noise.

use std::path::Path;

use gradus::nn::{Dense, FitConfig, History, LossConfig, OptimizerConfig, Sequential, Verbosity};
use gradus::plot::{AxisKind, Chart, Series};
use gradus::tensor::{Rng, Tensor};
use serde_json::{Value, json};

use super::save_figure;
use crate::exit::Result;

/// Points of the course's data set.
pub const N: usize = 100;

/// The course's data: `x ~ U(0, 2)`, `y = 4 + 3x + ε`, `ε ~ N(0, 1)`, 100 points, seeded.
pub fn data() -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(42);
    let x: Vec<f64> = (0..N).map(|_| 2.0 * rng.uniform()).collect();
    let y = x.iter().map(|&x| 4.0 + 3.0 * x + rng.normal()).collect();
    (x, y)
}

/// The least-squares line `(θ₀, θ₁)`: the normal equation `θ = (XᵀX)⁻¹Xᵀy` of the design
/// matrix `[1, x]`, in closed form.
pub fn least_squares(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let slope = sxy / sxx;
    (my - slope * mx, slope)
}

/// Fits `y ≈ θ₀ + θ₁x` (a Dense layer of one unit, mean squared error, plain SGD) with
/// `batch_size` rows per step; returns `(θ₀, θ₁)` and the loss of each epoch.
fn gradient_descent(
    x: &[f64],
    y: &[f64],
    learning_rate: f64,
    epochs: usize,
    batch_size: usize,
) -> Result<((f64, f64), History)> {
    let col = |v: &[f64]| Tensor::column(&v.iter().map(|&a| a as f32).collect::<Vec<_>>());
    let mut model = Sequential::new();
    model.add(Dense::new(1));
    model
        .compile(OptimizerConfig::sgd(learning_rate), LossConfig::mse(), &[])
        .map_err(gradus::Error::from)?;
    let fit = FitConfig::new()
        .epochs(epochs)
        .batch_size(batch_size)
        .shuffle(batch_size < x.len())
        .seed(0)
        .verbose(Verbosity::Silent);
    let history = model
        .fit(&col(x), &col(y), fit)
        .map_err(gradus::Error::from)?;
    let w = model.get_weights();
    let theta = (f64::from(w.0[1].data()[0]), f64::from(w.0[0].data()[0]));
    Ok((theta, history))
}

/// `linreg`: full-batch gradient descent, learning rate 0.1, 1000 iterations; prints θ next
/// to the least-squares solution and draws `linreg.png` (blue points, red fitted line).
pub fn linreg(out: &Path) -> Result<(String, Value)> {
    let (x, y) = data();
    let (theta, _) = gradient_descent(&x, &y, 0.1, 1000, N)?;
    let ls = least_squares(&x, &y);
    let mut chart = gradus::plots::fitted_line(&x, &y, |x| theta.0 + theta.1 * x)?;
    chart.title = "Linear regression by gradient descent".into();
    chart.series[1].name = format!("y = {:.3} + {:.3}x", theta.0, theta.1);
    let figure = save_figure(out, "linreg", chart)?;
    let text = format!(
        "y = 4 + 3x + noise, {N} points; full-batch gradient descent, learning rate 0.1, \
         1000 iterations\n\
         θ (gradient descent): θ₀ = {:.4}, θ₁ = {:.4}\n\
         θ (least squares):    θ₀ = {:.4}, θ₁ = {:.4}\n\
         figure: {}\n",
        theta.0,
        theta.1,
        ls.0,
        ls.1,
        figure.display()
    );
    Ok((
        text,
        json!({
            "theta": [theta.0, theta.1],
            "least_squares": [ls.0, ls.1],
            "figure": figure.display().to_string(),
        }),
    ))
}

/// `gd-variants`: batch (all 100 rows per step), stochastic (1) and mini-batch (32)
/// gradient descent for 50 epochs each, with one figure of their loss curves.
pub fn variants(out: &Path) -> Result<(String, Value)> {
    let (x, y) = data();
    let ls = least_squares(&x, &y);
    let mut chart = Chart::new("Batch, stochastic and mini-batch gradient descent")
        .x_label("epoch")
        .y_label("mean squared error")
        .x_axis(AxisKind::Integer)
        .log_y(true);
    let mut text = format!(
        "{:<28} {:>6} {:>8} {:>8} {:>10}\n",
        "variant", "steps", "θ₀", "θ₁", "final loss"
    );
    let mut results = Vec::new();
    for (name, batch, lr) in [
        ("batch (100 rows per step)", N, 0.1),
        ("stochastic (1 row)", 1, 0.01),
        ("mini-batch (32 rows)", 32, 0.05),
    ] {
        let epochs = 50;
        let (theta, history) = gradient_descent(&x, &y, lr, epochs, batch)?;
        let losses = history.get("loss").unwrap_or_default().to_vec();
        let steps = epochs * N.div_ceil(batch);
        text.push_str(&format!(
            "{name:<28} {steps:>6} {:>8.4} {:>8.4} {:>10.4}\n",
            theta.0,
            theta.1,
            losses.last().copied().unwrap_or(f64::NAN)
        ));
        chart = chart.series(Series::line(
            name,
            losses
                .iter()
                .enumerate()
                .map(|(e, &l)| ((e + 1) as f64, l))
                .collect(),
        ));
        results.push(
            json!({"variant": name, "batch_size": batch, "learning_rate": lr,
                            "theta": [theta.0, theta.1], "loss": losses}),
        );
    }
    let figure = save_figure(out, "gd_variants", chart)?;
    text.push_str(&format!(
        "least squares: θ₀ = {:.4}, θ₁ = {:.4}\nfigure: {}\n",
        ls.0,
        ls.1,
        figure.display()
    ));
    Ok((
        text,
        json!({ "variants": results, "least_squares": [ls.0, ls.1],
                "figure": figure.display().to_string() }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_descent_reaches_the_least_squares_line() {
        let (x, y) = data();
        let ls = least_squares(&x, &y);
        assert!(
            (ls.0 - 4.0).abs() < 0.5 && (ls.1 - 3.0).abs() < 0.5,
            "{ls:?}"
        );
        let (theta, _) = gradient_descent(&x, &y, 0.1, 1000, N).unwrap();
        assert!(
            (theta.0 - ls.0).abs() < 0.05 && (theta.1 - ls.1).abs() < 0.05,
            "{theta:?} vs {ls:?}"
        );
    }
}
