//! Learning curves: a training [`History`] against the epoch, on an integer axis.

use gradus_nn::History;
use gradus_plot::{AxisKind, Chart, Series};

/// The line of `key` against the epoch (from 1), if the history has it.
fn curve(history: &History, key: &str) -> Option<Series> {
    let values = history.get(key)?;
    let points = history
        .epoch
        .iter()
        .zip(values)
        .map(|(e, v)| ((e + 1) as f64, *v))
        .collect();
    Some(Series::line(key, points))
}

/// Learning curves: one line per key of `history` (e.g. `loss` and `val_loss`) against the
/// epoch (from 1, integer ticks). Keys missing from the history are skipped.
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
    let chart = Chart::new("Learning curves")
        .x_label("epoch")
        .x_axis(AxisKind::Integer)
        .y_label(keys.join(", "));
    keys.iter()
        .filter_map(|key| curve(history, key))
        .fold(chart, Chart::series)
}

/// One chart per metric, as Keras users draw them: `loss` with `val_loss`, `accuracy` with
/// `val_accuracy`, …, each against the epoch (integer ticks), named by the metric. `loss`
/// comes first, then the other metrics by name; a `val_` key without its training metric
/// gets a chart of its own.
///
/// ```
/// use gradus::nn::History;
/// let mut h = History::default();
/// let logs = |l: f64, a: f64| {
///     [("loss", l), ("val_loss", l + 0.1), ("accuracy", a), ("val_accuracy", a - 0.25)]
///         .into_iter()
///         .map(|(k, v)| (k.to_string(), v))
///         .collect()
/// };
/// h.record(0, &logs(1.0, 0.5));
/// h.record(1, &logs(0.6, 0.75));
/// let charts = gradus::plots::learning_curves_by_metric(&h);
/// let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(names, ["loss", "accuracy"]);
/// let accuracy = &charts[1].1;
/// assert_eq!(accuracy.series[0].name, "accuracy");
/// assert_eq!(accuracy.series[1].points, vec![(1.0, 0.25), (2.0, 0.5)]);
/// ```
pub fn learning_curves_by_metric(history: &History) -> Vec<(String, Chart)> {
    let has = |key: &str| history.history.contains_key(key);
    // Training metrics, and `val_` keys without their training metric under their own name.
    let mut metrics: Vec<&str> = history
        .history
        .keys()
        .map(String::as_str)
        .filter(|k| k.strip_prefix("val_").is_none_or(|m| !has(m)))
        .collect();
    metrics.sort_by_key(|m| (*m != "loss", *m));
    metrics
        .into_iter()
        .map(|metric| {
            let chart = Chart::new(metric)
                .x_label("epoch")
                .x_axis(AxisKind::Integer)
                .y_label(metric);
            let val = format!("val_{metric}");
            let chart = [metric, val.as_str()]
                .into_iter()
                .filter_map(|key| curve(history, key))
                .fold(chart, Chart::series);
            (metric.to_owned(), chart)
        })
        .collect()
}
