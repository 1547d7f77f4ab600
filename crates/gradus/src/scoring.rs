//! [`Scoring`]: how a cross-validation fold is scored (greater is better), scikit-learn's
//! scorer names.

use gradus_nn::{LossConfig, Metric};
use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A scikit-learn scorer: larger is better, so errors are negated.
///
/// | scorer | value | predictions and targets |
/// |---|---|---|
/// | `neg_mean_squared_error` | `−mean((p − y)²)` | the same shape |
/// | `neg_root_mean_squared_error` | `−√mean((p − y)²)` | the same shape |
/// | `neg_mean_absolute_error` | `−mean(|p − y|)` | the same shape |
/// | `r2` | `1 − SS_res/SS_tot` per output column, averaged; a constant column scores 1 when predicted exactly, else 0 (scikit-learn) | the same shape |
/// | `accuracy` | fraction of rows predicted right | see below |
///
/// Accuracy turns the model's output into classes as Keras's accuracy metrics do: one
/// output is a probability (`p > 0.5` is class 1) against 0/1 targets; `k` outputs are
/// scores (the arg-max is the class) against class ids in `0..k` or one-hot rows of
/// `k` 0/1 values. Like scikit-learn ("can't handle a mix of continuous and multiclass
/// targets"), any other combination is an error: continuous targets, class ids beyond the
/// outputs, a regression scorer on predictions and targets of different shapes.
///
/// The values come from the metrics of `gradus_nn` ([`Metric`]), so a score and the
/// metric of the same name in a training log agree.
///
/// ```
/// use gradus::Scoring;
/// use gradus_tensor::Tensor;
/// let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
/// let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
/// assert_eq!(Scoring::NegMeanSquaredError.score(&p, &y).unwrap(), -0.375);
/// assert!((Scoring::R2.score(&p, &y).unwrap() - 0.948_608_137).abs() < 1e-9);
/// let e = Scoring::Accuracy.score(&p, &y).unwrap_err();
/// assert!(e.to_string().contains("can't handle a mix of continuous targets"));
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

/// What accuracy's targets are (scikit-learn's `type_of_target`, restricted to what a
/// network's outputs can be compared with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Targets {
    /// One column of 0/1.
    Binary,
    /// One column of integer class ids.
    ClassIds,
    /// Several columns of 0/1 with one 1 per row.
    OneHot,
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

    /// The score of predictions `pred` (the model's output) against targets `y`.
    ///
    /// # Errors
    /// [`Error::Scoring`] naming the scorer and the shapes when the rows differ, a
    /// regression scorer gets predictions and targets of different shapes, accuracy gets
    /// targets that are not classes of the predictions (see the type docs), or a value is
    /// NaN or infinite.
    pub fn score(&self, pred: &Tensor, y: &Tensor) -> Result<f64> {
        let fail = |reason: String| Error::Scoring {
            scoring: self.name(),
            reason,
        };
        if pred.rows() != y.rows() || pred.rows() == 0 {
            return Err(fail(format!(
                "predictions {:?} and targets {:?} need the same, non-zero number of rows",
                pred.dims(),
                y.dims()
            )));
        }
        for (t, what) in [(pred, "predictions"), (y, "targets")] {
            if let Some(i) = t.first_non_finite() {
                return Err(fail(format!(
                    "{what} hold {} at row {}, column {}",
                    t.data()[i],
                    i / t.row_len().max(1),
                    i % t.row_len().max(1)
                )));
            }
        }
        let (metric, loss) = match self {
            Scoring::NegMeanSquaredError => (Metric::Mse, LossConfig::mse()),
            Scoring::NegRootMeanSquaredError => (Metric::Rmse, LossConfig::mse()),
            Scoring::NegMeanAbsoluteError => (Metric::Mae, LossConfig::mse()),
            Scoring::R2 => (Metric::R2, LossConfig::mse()),
            Scoring::Accuracy => {
                let loss = match self.classes(pred.row_len(), y).map_err(fail)? {
                    Targets::Binary => LossConfig::binary_crossentropy(),
                    Targets::ClassIds => LossConfig::sparse_categorical_crossentropy(),
                    Targets::OneHot => LossConfig::categorical_crossentropy(),
                };
                (Metric::Accuracy, loss)
            }
        };
        if metric != Metric::Accuracy && pred.dims() != y.dims() {
            let hint = if y.row_len() == 1 && pred.row_len() > 1 {
                "; the targets look like class ids for a classifier's scores: use accuracy, \
                 or one-hot encode the targets"
            } else {
                "; the model needs one output per target column"
            };
            return Err(fail(format!(
                "compares predictions and targets value by value, but predictions are {:?} \
                 and targets {:?}{hint}",
                pred.dims(),
                y.dims()
            )));
        }
        let mut tracker = metric.tracker(&loss, pred.row_len());
        tracker.update(pred, y);
        let value = tracker.result();
        Ok(if metric.higher_is_better() {
            value
        } else {
            -value
        })
    }

    /// Checks, before any training, that `y` can be scored at all: accuracy needs class
    /// targets (0/1, integer ids or one-hot rows), not continuous values.
    ///
    /// # Errors
    /// [`Error::Scoring`] naming the first value that is not a class.
    pub fn check_targets(&self, y: &Tensor) -> Result<()> {
        if *self != Scoring::Accuracy {
            return Ok(());
        }
        let outputs = if y.row_len() == 1 {
            usize::MAX
        } else {
            y.row_len()
        };
        self.classes(outputs, y)
            .map(|_| ())
            .map_err(|reason| Error::Scoring {
                scoring: self.name(),
                reason,
            })
    }

    /// The kind of class targets `y` holds for a model with `outputs` outputs, or why it
    /// holds none.
    fn classes(&self, outputs: usize, y: &Tensor) -> std::result::Result<Targets, String> {
        let continuous = |i: usize| {
            format!(
                "can't handle a mix of continuous targets and class predictions: targets row \
                 {}, column {} holds {}, not a class; use a regression scorer (r2, \
                 neg_mean_squared_error) or class targets",
                i / y.row_len().max(1),
                i % y.row_len().max(1),
                y.data()[i]
            )
        };
        if let Some(i) = y.data().iter().position(|v| v.fract() != 0.0 || *v < 0.0) {
            return Err(continuous(i));
        }
        match (outputs, y.row_len()) {
            (1, 1) => match y.data().iter().position(|&v| v > 1.0) {
                None => Ok(Targets::Binary),
                Some(i) => Err(format!(
                    "targets row {i} holds class {} but the model has one output (a \
                     probability of class 1); give the last layer one unit per class",
                    y.data()[i]
                )),
            },
            (k, 1) => match y.data().iter().position(|&v| v as f64 >= k as f64) {
                None => Ok(Targets::ClassIds),
                Some(i) => Err(format!(
                    "targets row {i} holds class {} but the model has {k} outputs (classes \
                     0..{k})",
                    y.data()[i]
                )),
            },
            (k, cols) if k == cols || k == usize::MAX => {
                let bad = (0..y.rows()).find(|&r| {
                    let row = y.row(r);
                    row.iter().any(|&v| v > 1.0) || row.iter().filter(|&&v| v == 1.0).count() != 1
                });
                match bad {
                    None => Ok(Targets::OneHot),
                    Some(r) => Err(format!(
                        "targets row {r} is {:?}, not a one-hot row (one 1, the rest 0)",
                        y.row(r)
                    )),
                }
            }
            (k, cols) => Err(format!(
                "predictions have {k} columns but targets {cols}; targets need one column of \
                 class ids or {k} one-hot columns"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probs() -> Tensor {
        Tensor::from_rows(&[
            vec![0.1, 0.8, 0.1],
            vec![0.2, 0.2, 0.6],
            vec![0.5, 0.3, 0.2],
            vec![0.1, 0.6, 0.3],
        ])
        .unwrap()
    }

    // from sklearn.metrics import *
    // y=[1,2,0,2]; p=[[.1,.8,.1],[.2,.2,.6],[.5,.3,.2],[.1,.6,.3]] -> accuracy 0.75
    // mean_absolute_error([3,-0.5,2,7],[2.5,0,2,8]) = 0.5; root_mean_squared_error = 0.6123724
    // r2_score([[1,3],[1,5]], [[1,3.5],[1,4.5]]) = (1 + 0.75)/2 = 0.875 (a constant column
    // predicted exactly scores 1); r2_score([[1,3],[1,5]], [[1.5,3.5],[1,4.5]]) = (0 + 0.75)/2
    #[test]
    fn scorers() {
        let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0]);
        let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0]);
        assert_eq!(Scoring::NegMeanAbsoluteError.score(&p, &y).unwrap(), -0.5);
        let rmse = Scoring::NegRootMeanSquaredError.score(&p, &y).unwrap();
        assert!((rmse + 0.612_372_435_7).abs() < 1e-9);
        let ids = Tensor::column(&[1.0, 2.0, 0.0, 2.0]);
        assert_eq!(Scoring::Accuracy.score(&probs(), &ids).unwrap(), 0.75);
        let mut onehot = Tensor::zeros(&[4, 3]);
        for (r, &c) in ids.data().iter().enumerate() {
            onehot.row_mut(r)[c as usize] = 1.0;
        }
        assert_eq!(Scoring::Accuracy.score(&probs(), &onehot).unwrap(), 0.75);
        let bin = Tensor::column(&[0.9, 0.2, 0.6]);
        let acc = Scoring::Accuracy
            .score(&bin, &Tensor::column(&[1.0, 0.0, 0.0]))
            .unwrap();
        assert!((acc - 2.0 / 3.0).abs() < 1e-12);
        let same = Tensor::column(&[1.0, 1.0]);
        assert_eq!(Scoring::R2.score(&same, &same).unwrap(), 1.0);
        let y2 = Tensor::from_rows(&[vec![1.0, 3.0], vec![1.0, 5.0]]).unwrap();
        let p2 = Tensor::from_rows(&[vec![1.0, 3.5], vec![1.0, 4.5]]).unwrap();
        assert_eq!(Scoring::R2.score(&p2, &y2).unwrap(), 0.875);
        let off = Tensor::from_rows(&[vec![1.5, 3.5], vec![1.0, 4.5]]).unwrap();
        assert_eq!(Scoring::R2.score(&off, &y2).unwrap(), 0.375);
    }

    /// The issue's examples: a regression scorer on a classifier's scores against class ids
    /// (used to index out of bounds, or pair the wrong values), accuracy on continuous
    /// targets (used to threshold them and report 1.0).
    #[test]
    fn scoring_the_wrong_task_is_an_error() {
        let ids = Tensor::column(&[1.0, 2.0, 0.0, 2.0]);
        let e = Scoring::R2.score(&probs(), &ids).unwrap_err();
        assert_eq!(
            e.to_string(),
            "scoring `r2`: compares predictions and targets value by value, but predictions \
             are [4, 3] and targets [4, 1]; the targets look like class ids for a classifier's \
             scores: use accuracy, or one-hot encode the targets"
        );
        let e = Scoring::NegMeanSquaredError
            .score(&probs(), &ids)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("scoring `neg_mean_squared_error`: compares")
        );

        let y = Tensor::column(&[0.31, 0.42, 0.7]);
        let p = Tensor::column(&[0.3, 0.4, 0.7]);
        let e = Scoring::Accuracy.score(&p, &y).unwrap_err();
        assert_eq!(
            e.to_string(),
            "scoring `accuracy`: can't handle a mix of continuous targets and class \
             predictions: targets row 0, column 0 holds 0.31, not a class; use a regression \
             scorer (r2, neg_mean_squared_error) or class targets"
        );
        assert!(Scoring::Accuracy.check_targets(&y).is_err());
        assert!(Scoring::Accuracy.check_targets(&ids).is_ok());
        assert!(Scoring::R2.check_targets(&y).is_ok());

        let e = Scoring::Accuracy
            .score(&probs(), &Tensor::column(&[1.0, 2.0, 3.0, 0.0]))
            .unwrap_err();
        assert!(
            e.to_string().ends_with(
                "targets row 2 holds class 3 but the model has 3 outputs (classes 0..3)"
            ),
            "{e}"
        );
        let e = Scoring::Accuracy
            .score(&Tensor::column(&[0.2, 0.9]), &Tensor::column(&[0.0, 2.0]))
            .unwrap_err();
        assert!(e.to_string().contains("the model has one output"), "{e}");
        let e = Scoring::R2
            .score(
                &Tensor::column(&[f32::NAN, 1.0]),
                &Tensor::column(&[0.0, 2.0]),
            )
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "scoring `r2`: predictions hold NaN at row 0, column 0"
        );
        let e = Scoring::R2
            .score(&Tensor::column(&[1.0]), &Tensor::column(&[0.0, 2.0]))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("need the same, non-zero number of rows"),
            "{e}"
        );
    }
}
