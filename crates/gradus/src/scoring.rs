//! [`Scoring`]: how a cross-validation fold is scored (greater is better), scikit-learn's
//! scorer names.

use gradus_tensor::{Tensor, ops};
use serde::{Deserialize, Serialize};

/// A scikit-learn scorer: larger is better, so errors are negated.
///
/// | scorer | value |
/// |---|---|
/// | `neg_mean_squared_error` | `−mean((p − y)²)` |
/// | `neg_root_mean_squared_error` | `−√mean((p − y)²)` |
/// | `neg_mean_absolute_error` | `−mean(|p − y|)` |
/// | `r2` | `1 − SS_res/SS_tot`, averaged over output columns |
/// | `accuracy` | fraction of rows predicted right: `p > 0.5` for one output, the arg-max otherwise, against a class id or a one-hot row |
///
/// ```
/// use gradus::Scoring;
/// use gradus_tensor::Tensor;
/// let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
/// let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
/// assert_eq!(Scoring::NegMeanSquaredError.score(&p, &y), -0.375);
/// assert!((Scoring::R2.score(&p, &y) - 0.948_608_137).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// Negated mean squared error.
    #[default]
    NegMeanSquaredError,
    /// Negated root mean squared error.
    NegRootMeanSquaredError,
    /// Negated mean absolute error.
    NegMeanAbsoluteError,
    /// Coefficient of determination.
    R2,
    /// Classification accuracy.
    Accuracy,
}

impl Scoring {
    /// scikit-learn's name of the scorer.
    pub fn name(&self) -> &'static str {
        match self {
            Scoring::NegMeanSquaredError => "neg_mean_squared_error",
            Scoring::NegRootMeanSquaredError => "neg_root_mean_squared_error",
            Scoring::NegMeanAbsoluteError => "neg_mean_absolute_error",
            Scoring::R2 => "r2",
            Scoring::Accuracy => "accuracy",
        }
    }

    /// The score of predictions `pred` against targets `y` (same number of rows).
    pub fn score(&self, pred: &Tensor, y: &Tensor) -> f64 {
        let pairs = || {
            pred.data()
                .iter()
                .zip(y.data())
                .map(|(&p, &t)| (p as f64, t as f64))
        };
        let n = pred.len().max(1) as f64;
        match self {
            Scoring::NegMeanSquaredError => -pairs().map(|(p, t)| (p - t).powi(2)).sum::<f64>() / n,
            Scoring::NegRootMeanSquaredError => {
                -(pairs().map(|(p, t)| (p - t).powi(2)).sum::<f64>() / n).sqrt()
            }
            Scoring::NegMeanAbsoluteError => -pairs().map(|(p, t)| (p - t).abs()).sum::<f64>() / n,
            Scoring::R2 => r2(pred, y),
            Scoring::Accuracy => accuracy(pred, y),
        }
    }
}

fn r2(pred: &Tensor, y: &Tensor) -> f64 {
    let (rows, k) = (pred.rows(), pred.row_len());
    let mut total = 0.0;
    for c in 0..k {
        let col = |t: &Tensor, r: usize| t.row(r)[c] as f64;
        let mean = (0..rows).map(|r| col(y, r)).sum::<f64>() / rows as f64;
        let ss_tot: f64 = (0..rows).map(|r| (col(y, r) - mean).powi(2)).sum();
        let ss_res: f64 = (0..rows).map(|r| (col(y, r) - col(pred, r)).powi(2)).sum();
        // scikit-learn: a constant target scores 1 when predicted exactly, else 0.
        total += if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else if ss_res == 0.0 {
            1.0
        } else {
            0.0
        };
    }
    total / k.max(1) as f64
}

fn accuracy(pred: &Tensor, y: &Tensor) -> f64 {
    let rows = pred.rows();
    let correct = (0..rows)
        .filter(|&r| {
            let (p, t) = (pred.row(r), y.row(r));
            match (p.len(), t.len()) {
                (1, _) => (p[0] > 0.5) == (t[0] > 0.5),
                (_, 1) => ops::argmax(p) == t[0] as usize,
                _ => ops::argmax(p) == ops::argmax(t),
            }
        })
        .count();
    correct as f64 / rows.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    // from sklearn.metrics import *
    // y=[1,2,0,2]; p=[[.1,.8,.1],[.2,.2,.6],[.5,.3,.2],[.1,.6,.3]] -> accuracy 0.75
    // mean_absolute_error([3,-0.5,2,7],[2.5,0,2,8]) = 0.5; root_mean_squared_error = 0.6123724
    #[test]
    fn scorers() {
        let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
        let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
        assert_eq!(Scoring::NegMeanAbsoluteError.score(&p, &y), -0.5);
        assert!((Scoring::NegRootMeanSquaredError.score(&p, &y) + 0.612_372_435_7).abs() < 1e-9);
        let ids = Tensor::column(&[1.0, 2.0, 0.0, 2.0]);
        let probs = Tensor::from_rows(&[
            vec![0.1, 0.8, 0.1],
            vec![0.2, 0.2, 0.6],
            vec![0.5, 0.3, 0.2],
            vec![0.1, 0.6, 0.3],
        ])
        .unwrap();
        assert_eq!(Scoring::Accuracy.score(&probs, &ids), 0.75);
        let bin = Tensor::column(&[0.9, 0.2, 0.6]);
        assert!(
            (Scoring::Accuracy.score(&bin, &Tensor::column(&[1.0, 0.0, 0.0])) - 2.0 / 3.0).abs()
                < 1e-12
        );
        assert_eq!(
            Scoring::R2.score(&Tensor::column(&[1.0, 1.0]), &Tensor::column(&[1.0, 1.0])),
            1.0
        );
    }
}
