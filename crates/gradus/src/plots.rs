//! Charts of what gradus produces: a training [`History`], a tuning [`Study`], predictions.
//!
//! Each function returns a [`Chart`] (data); call [`Chart::save_svg`] to write it.

use gradus_nn::History;
use gradus_plot::{Chart, Series};
use gradus_tensor::Tensor;
use gradus_tune::{Direction, Study, TrialState};

use crate::Result;

/// Learning curves: one line per key of `history` (e.g. `loss` and `val_loss`) against the
/// epoch (from 1). Keys missing from the history are skipped.
///
/// ```
/// use gradus::nn::History;
/// let mut h = History::default();
/// h.record(0, &[("loss".to_string(), 1.0), ("val_loss".to_string(), 1.2)].into_iter().collect());
/// h.record(1, &[("loss".to_string(), 0.5), ("val_loss".to_string(), 0.7)].into_iter().collect());
/// let chart = gradus::plots::learning_curves(&h, &["loss", "val_loss"]);
/// assert_eq!(chart.series.len(), 2);
/// assert_eq!(chart.series[1].points, vec![(1.0, 1.2), (2.0, 0.7)]);
/// ```
pub fn learning_curves(history: &History, keys: &[&str]) -> Chart {
    let mut chart = Chart::new("Learning curves")
        .x_label("epoch")
        .y_label(keys.join(", "));
    for key in keys {
        if let Some(values) = history.get(key) {
            let points = history
                .epoch
                .iter()
                .zip(values)
                .map(|(e, v)| ((e + 1) as f64, *v))
                .collect();
            chart = chart.series(Series::line(*key, points));
        }
    }
    chart
}

/// Optuna's optimization history: each complete trial's value as a marker and the best
/// value so far as a line, against the trial number.
///
/// # Errors
/// A storage error while reading the trials.
pub fn optimization_history(study: &Study) -> Result<Chart> {
    let trials = study.trials()?;
    let mut values = Vec::new();
    let mut best_so_far = Vec::new();
    let mut best: Option<f64> = None;
    for t in trials.iter().filter(|t| t.state == TrialState::Complete) {
        let Some(v) = t.value else { continue };
        let n = t.number as f64;
        values.push((n, v));
        best = Some(match (best, study.direction()) {
            (None, _) => v,
            (Some(b), Direction::Minimize) => b.min(v),
            (Some(b), Direction::Maximize) => b.max(v),
        });
        best_so_far.push((n, best.expect("set above")));
    }
    Ok(Chart::new("Optimization history")
        .x_label("trial")
        .y_label("objective value")
        .series(Series::points("objective value", values))
        .series(Series::line("best value", best_so_far)))
}

/// Predicted against actual values of the first output column, with the identity line
/// `y = x` that perfect predictions would lie on.
pub fn predicted_vs_actual(pred: &Tensor, actual: &Tensor) -> Chart {
    let points: Vec<(f64, f64)> = (0..pred.rows())
        .map(|r| (actual.row(r)[0] as f64, pred.row(r)[0] as f64))
        .collect();
    let lo = points
        .iter()
        .map(|p| p.0.min(p.1))
        .fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| p.0.max(p.1))
        .fold(f64::NEG_INFINITY, f64::max);
    Chart::new("Predicted vs actual")
        .x_label("actual")
        .y_label("predicted")
        .series(Series::points("test rows", points))
        .series(Series::line("y = x", vec![(lo, lo), (hi, hi)]))
}
