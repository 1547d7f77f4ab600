//! Charts of a tuning [`Study`], as Optuna's `plot_optimization_history` and `plot_slice`.

use std::collections::BTreeMap;

use gradus_plot::{AxisKind, Chart, Series};
use gradus_tune::{Direction, Distribution, FrozenTrial, ParamValue, Study, TrialState};

use crate::Result;

/// The complete trials with a value, in trial order.
fn complete(study: &Study) -> Result<Vec<std::sync::Arc<FrozenTrial>>> {
    let mut trials: Vec<_> = study
        .trials()?
        .into_iter()
        .filter(|t| t.state == TrialState::Complete && t.value.is_some())
        .collect();
    trials.sort_by_key(|t| t.number);
    Ok(trials)
}

/// Optuna's optimization history: each complete trial's value as a marker and the best
/// value so far as a line, against the trial number (integer ticks).
///
/// ```
/// use gradus::tune::{RandomSampler, Study, TrialError};
/// let study = Study::builder().sampler(RandomSampler).seed(1).build()?;
/// for v in [3.0, 1.0, 2.0] {
///     let trial = study.ask()?;
///     study.tell(trial, Ok::<f64, TrialError>(v))?;
/// }
/// let chart = gradus::plots::optimization_history(&study)?;
/// assert_eq!(chart.series[1].points, vec![(0.0, 3.0), (1.0, 1.0), (2.0, 1.0)]);
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// A storage error while reading the trials.
pub fn optimization_history(study: &Study) -> Result<Chart> {
    let mut values = Vec::new();
    let mut best_so_far = Vec::new();
    let mut best: Option<f64> = None;
    for t in complete(study)? {
        let Some(v) = t.value else { continue };
        let n = t.number as f64;
        values.push((n, v));
        let b = match (best, study.direction()) {
            (None, _) => v,
            (Some(b), Direction::Minimize) => b.min(v),
            (Some(b), Direction::Maximize) => b.max(v),
        };
        best = Some(b);
        best_so_far.push((n, b));
    }
    Ok(Chart::new("Optimization history")
        .x_label("trial")
        .x_axis(AxisKind::Integer)
        .y_label("objective value")
        .series(Series::points("objective value", values))
        .series(Series::line("best value", best_so_far)))
}

/// The x axis for a parameter's distribution: log for log scales, integer ticks for
/// integers, the choices for categorical parameters.
fn axis_of(distribution: &Distribution) -> AxisKind {
    match distribution {
        Distribution::Float { log: true, .. } | Distribution::Int { log: true, .. } => {
            AxisKind::Log
        }
        Distribution::Int { .. } => AxisKind::Integer,
        Distribution::Float { .. } => AxisKind::Linear,
        Distribution::Categorical { choices } => {
            AxisKind::Categorical(choices.iter().map(ToString::to_string).collect())
        }
    }
}

/// Optuna's `plot_slice`: one chart per parameter (by name), the objective value of each
/// complete trial against that trial's value of the parameter. The x axis follows the
/// parameter's distribution (of its last trial): logarithmic for log scales, integer ticks
/// for integers, the choices as labels for categorical parameters.
///
/// ```
/// use gradus::plot::AxisKind;
/// use gradus::tune::{RandomSampler, Study, TrialError};
/// let study = Study::builder().sampler(RandomSampler).seed(1).build()?;
/// for _ in 0..4 {
///     let mut trial = study.ask()?;
///     let lr = trial.suggest_float_log("lr", 1e-4, 1e-1)?;
///     let act = trial.suggest_categorical("activation", &["relu", "tanh"])?;
///     study.tell(trial, Ok::<f64, TrialError>(lr * if act == "relu" { 1.0 } else { 2.0 }))?;
/// }
/// let charts = gradus::plots::param_slices(&study)?;
/// assert_eq!(charts[0].0, "activation");
/// assert!(matches!(&charts[0].1.x_axis, AxisKind::Categorical(c) if c == &["relu", "tanh"]));
/// assert_eq!((charts[1].0.as_str(), &charts[1].1.x_axis), ("lr", &AxisKind::Log));
/// assert_eq!(charts[1].1.series[0].points.len(), 4);
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// A storage error while reading the trials.
pub fn param_slices(study: &Study) -> Result<Vec<(String, Chart)>> {
    let trials = complete(study)?;
    let mut axes: BTreeMap<&str, AxisKind> = BTreeMap::new();
    for t in &trials {
        for (name, d) in &t.distributions {
            axes.insert(name, axis_of(d));
        }
    }
    Ok(axes
        .into_iter()
        .map(|(name, mut axis)| {
            let points = trials
                .iter()
                .filter_map(|t| Some((position(&mut axis, t.params.get(name)?)?, t.value?)))
                .collect();
            let chart = Chart::new(name)
                .x_label(name)
                .x_axis(axis)
                .y_label("objective value")
                .series(Series::points("trials", points));
            (name.to_owned(), chart)
        })
        .collect())
}

/// Where `value` goes on `axis`: its index among the categories (a value not among them is
/// added), or the number itself; `None` for what the axis cannot show.
fn position(axis: &mut AxisKind, value: &ParamValue) -> Option<f64> {
    match axis {
        AxisKind::Categorical(names) => {
            let label = value.to_string();
            let i = match names.iter().position(|n| *n == label) {
                Some(i) => i,
                None => {
                    names.push(label);
                    names.len() - 1
                }
            };
            Some(i as f64)
        }
        AxisKind::Log => value.as_f64().filter(|v| *v > 0.0),
        _ => value.as_f64(),
    }
}
