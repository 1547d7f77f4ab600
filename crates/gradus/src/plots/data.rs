//! Charts of data against a model: the course's data with a fitted line, and predicted
//! against actual values.

use gradus_plot::{Chart, Rgb, Series};
use gradus_tensor::Tensor;

use crate::Result;

/// How many points draw the fitted curve.
const CURVE_POINTS: usize = 200;

/// The course's figure: the data `(x[i], y[i])` as blue markers and the fitted model `line`
/// as a red curve over the data's x range (sampled at 200 points, so any function draws).
///
/// ```
/// use gradus::plot::{Rgb, SeriesKind};
/// let (x, y) = ([1.0, 2.0, 3.0], [2.0, 4.1, 5.9]);
/// let theta = [0.0, 2.0];
/// let chart = gradus::plots::fitted_line(&x, &y, |x| theta[0] + theta[1] * x)?;
/// assert_eq!(chart.series[0].color, Some(Rgb::BLUE));
/// assert_eq!(chart.series[1].kind, SeriesKind::Line);
/// assert_eq!(chart.series[1].points[0], (1.0, 2.0));
/// assert!(gradus::plots::fitted_line(&x, &y[..2], |x| x).is_err());
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// `x` and `y` of different lengths.
pub fn fitted_line(x: &[f64], y: &[f64], line: impl Fn(f64) -> f64) -> Result<Chart> {
    if x.len() != y.len() {
        return Err(gradus_tensor::Error::Invalid {
            what: "y",
            value: format!("{} values", y.len()),
            expected: format!("as many values as x ({})", x.len()),
        }
        .into());
    }
    let finite = || x.iter().copied().filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let curve = if lo <= hi {
        let step = (hi - lo) / (CURVE_POINTS - 1) as f64;
        (0..CURVE_POINTS)
            .map(|i| lo + step * i as f64)
            .map(|x| (x, line(x)))
            .collect()
    } else {
        Vec::new()
    };
    let data = x.iter().copied().zip(y.iter().copied()).collect();
    Ok(Chart::new("Data and fitted line")
        .x_label("x")
        .y_label("y")
        .series(Series::points("data", data).color(Rgb::BLUE))
        .series(Series::line("fitted line", curve).color(Rgb::RED)))
}

/// Predicted against actual values of the first output column, with the identity line
/// `y = x` that perfect predictions would lie on.
pub fn predicted_vs_actual(pred: &Tensor, actual: &Tensor) -> Chart {
    let points: Vec<(f64, f64)> = (0..pred.rows().min(actual.rows()))
        .filter_map(|r| {
            let first = |t: &Tensor| t.row(r).first().map(|v| f64::from(*v));
            Some((first(actual)?, first(pred)?))
        })
        .collect();
    let finite = || {
        points
            .iter()
            .flat_map(|p| [p.0, p.1])
            .filter(|v| v.is_finite())
    };
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    Chart::new("Predicted vs actual")
        .x_label("actual")
        .y_label("predicted")
        .series(Series::points("test rows", points))
        .series(Series::line("y = x", vec![(lo, lo), (hi, hi)]))
}
