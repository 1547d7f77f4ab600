//! [`Metric`]: what `fit` and `evaluate` report besides the loss, accumulated over an epoch.

use gradus_tensor::{Tensor, ops};

use crate::LossConfig;

/// A metric, as in `keras.metrics`. Its log key is [`Metric::name`] (`val_` prefixed on
/// validation data).
///
/// Values accumulate over all batches of an epoch (Keras's stateful metrics): counts and
/// sums are kept, so the epoch value is exact over all samples, not a mean of batch means.
///
/// `Accuracy` picks the binary, categorical or sparse form from the loss, as Keras's
/// `"accuracy"` string does.
///
/// A metric parses from its name ([`Metric::name`], also Keras's long names such as
/// `mean_squared_error`, `r2_score`, `f1_score`, `top_k_categorical_accuracy`; see
/// [`Metric::NAMES`]) and prints as its name; in serde formats it is its name, or
/// `{ top_k_accuracy = { k = 3 } }`.
///
/// ```
/// use gradus_nn::{LossConfig, Metric};
/// use gradus_tensor::Tensor;
/// let mut m = Metric::R2.tracker(&LossConfig::mse(), 1);
/// m.update(&Tensor::column(&[2.5, 0.0, 2.0, 8.0]), &Tensor::column(&[3.0, -0.5, 2.0, 7.0]));
/// assert!((m.result() - 0.948_608_137).abs() < 1e-9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// Mean squared error.
    Mse,
    /// Mean absolute error.
    Mae,
    /// Root mean squared error (square root of the epoch's mean squared error).
    Rmse,
    /// Coefficient of determination `1 − SS_res/SS_tot`, averaged over output columns; a
    /// constant column counts 1 when predicted exactly, else 0 (scikit-learn).
    R2,
    /// Accuracy in the form the loss implies.
    Accuracy,
    /// Fraction of values where `pred > 0.5` equals the target.
    BinaryAccuracy,
    /// Fraction of rows where the arg-max of prediction and one-hot target agree.
    CategoricalAccuracy,
    /// Fraction of rows where the prediction's arg-max is the target class id.
    SparseCategoricalAccuracy,
    /// Fraction of rows whose true class is among the `k` largest predictions.
    TopKAccuracy {
        /// How many top predictions count (Keras default 5).
        k: usize,
    },
    /// Binary precision `TP / (TP + FP)` at threshold 0.5.
    Precision,
    /// Binary recall `TP / (TP + FN)` at threshold 0.5.
    Recall,
    /// Binary F1 `2PR / (P + R)` at threshold 0.5.
    F1,
}

/// The form an accuracy-like metric takes for the targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Targets {
    Binary,
    OneHot,
    ClassIds,
}

impl Metric {
    /// The log key (`mse`, `accuracy`, `top_5_accuracy`, …).
    pub fn name(&self) -> String {
        match self {
            Metric::Mse => "mse".into(),
            Metric::Mae => "mae".into(),
            Metric::Rmse => "rmse".into(),
            Metric::R2 => "r2".into(),
            Metric::Accuracy => "accuracy".into(),
            Metric::BinaryAccuracy => "binary_accuracy".into(),
            Metric::CategoricalAccuracy => "categorical_accuracy".into(),
            Metric::SparseCategoricalAccuracy => "sparse_categorical_accuracy".into(),
            Metric::TopKAccuracy { k } => format!("top_{k}_accuracy"),
            Metric::Precision => "precision".into(),
            Metric::Recall => "recall".into(),
            Metric::F1 => "f1".into(),
        }
    }

    /// Whether larger values are better (for callbacks in `auto` mode).
    pub fn higher_is_better(&self) -> bool {
        !matches!(self, Metric::Mse | Metric::Mae | Metric::Rmse)
    }

    /// A fresh accumulator for a model with `outputs` values per row trained with `loss`.
    pub fn tracker(&self, loss: &LossConfig, outputs: usize) -> MetricTracker {
        let targets = match (self, loss) {
            (Metric::BinaryAccuracy | Metric::Precision | Metric::Recall | Metric::F1, _) => {
                Targets::Binary
            }
            (Metric::CategoricalAccuracy, _) => Targets::OneHot,
            (Metric::SparseCategoricalAccuracy, _) => Targets::ClassIds,
            (_, LossConfig::SparseCategoricalCrossentropy { .. }) => Targets::ClassIds,
            (_, LossConfig::CategoricalCrossentropy { .. }) => Targets::OneHot,
            (_, LossConfig::BinaryCrossentropy { .. }) => Targets::Binary,
            _ if outputs == 1 => Targets::Binary,
            _ => Targets::OneHot,
        };
        let columns = if *self == Metric::R2 { outputs } else { 0 };
        MetricTracker {
            metric: *self,
            targets,
            sums: [0.0; 4],
            r2: vec![[0.0; 3]; columns],
        }
    }
}

/// Accumulates one metric over the batches of an epoch.
#[derive(Clone, Debug)]
pub struct MetricTracker {
    metric: Metric,
    targets: Targets,
    /// Metric-specific sums: (sum, count) or confusion counts (tp, fp, fn, _).
    sums: [f64; 4],
    /// R²: per output column (mean of y, Σ(y − ȳ)², Σ(y − p)²).
    r2: Vec<[f64; 3]>,
}

impl MetricTracker {
    /// The metric tracked.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Clears the accumulated values.
    pub fn reset(&mut self) {
        self.sums = [0.0; 4];
        self.r2.iter_mut().for_each(|c| *c = [0.0; 3]);
    }

    /// Adds a batch of predictions and targets.
    pub fn update(&mut self, pred: &Tensor, target: &Tensor) {
        let s = &mut self.sums;
        match self.metric {
            Metric::Mse | Metric::Rmse | Metric::Mae => {
                let abs = self.metric == Metric::Mae;
                for (&p, &y) in pred.data().iter().zip(target.data()) {
                    let e = (p - y) as f64;
                    s[0] += if abs { e.abs() } else { e * e };
                }
                s[1] += pred.len() as f64;
            }
            Metric::R2 => {
                let k = self.r2.len().max(1);
                let rows = pred
                    .data()
                    .chunks_exact(k)
                    .zip(target.data().chunks_exact(k));
                for (pr, yr) in rows {
                    s[1] += 1.0;
                    for ((c, &p), &y) in self.r2.iter_mut().zip(pr).zip(yr) {
                        // Welford: a constant column keeps Σ(y − ȳ)² exactly 0.
                        let (p, y) = (p as f64, y as f64);
                        let delta = y - c[0];
                        c[0] += delta / s[1];
                        c[1] += delta * (y - c[0]);
                        c[2] += (y - p) * (y - p);
                    }
                }
            }
            Metric::Precision | Metric::Recall | Metric::F1 => {
                for (&p, &y) in pred.data().iter().zip(target.data()) {
                    match (p > 0.5, y > 0.5) {
                        (true, true) => s[0] += 1.0,
                        (true, false) => s[1] += 1.0,
                        (false, true) => s[2] += 1.0,
                        (false, false) => {}
                    }
                }
            }
            Metric::TopKAccuracy { k } => {
                for r in 0..pred.rows() {
                    let (p, y) = (pred.row(r), target.row(r));
                    let class = match self.targets {
                        Targets::ClassIds => y[0] as usize,
                        _ => ops::argmax(y),
                    };
                    // A class id beyond the outputs is never among the top k.
                    let hit = p
                        .get(class)
                        .is_some_and(|&pc| p.iter().filter(|&&v| v > pc).count() < k);
                    s[0] += f64::from(u8::from(hit));
                }
                s[1] += pred.rows() as f64;
            }
            Metric::Accuracy
            | Metric::BinaryAccuracy
            | Metric::CategoricalAccuracy
            | Metric::SparseCategoricalAccuracy => match self.targets {
                Targets::Binary => {
                    for (&p, &y) in pred.data().iter().zip(target.data()) {
                        s[0] += f64::from(u8::from((p > 0.5) == (y > 0.5)));
                    }
                    s[1] += pred.len() as f64;
                }
                Targets::OneHot | Targets::ClassIds => {
                    for r in 0..pred.rows() {
                        let class = match self.targets {
                            Targets::ClassIds => target.row(r)[0] as usize,
                            _ => ops::argmax(target.row(r)),
                        };
                        s[0] += f64::from(u8::from(ops::argmax(pred.row(r)) == class));
                    }
                    s[1] += pred.rows() as f64;
                }
            },
        }
    }

    /// The metric over everything added since the last reset (0 when nothing was added).
    pub fn result(&self) -> f64 {
        let s = &self.sums;
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        match self.metric {
            Metric::Rmse => ratio(s[0], s[1]).sqrt(),
            Metric::R2 => {
                let per_column: f64 = self
                    .r2
                    .iter()
                    .map(|c| {
                        let ss_tot = c[1];
                        // scikit-learn: a constant column scores 1 when predicted exactly.
                        if ss_tot > 0.0 {
                            1.0 - c[2] / ss_tot
                        } else if c[2] == 0.0 {
                            1.0
                        } else {
                            0.0
                        }
                    })
                    .sum();
                ratio(per_column, self.r2.len() as f64)
            }
            Metric::Precision => ratio(s[0], s[0] + s[1]),
            Metric::Recall => ratio(s[0], s[0] + s[2]),
            Metric::F1 => {
                let (p, r) = (ratio(s[0], s[0] + s[1]), ratio(s[0], s[0] + s[2]));
                ratio(2.0 * p * r, p + r)
            }
            _ => ratio(s[0], s[1]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(metric: Metric, loss: LossConfig, pred: &Tensor, y: &Tensor) -> f64 {
        let mut t = metric.tracker(&loss, pred.row_len());
        // Two batches, to check accumulation across batches.
        let h = pred.rows() / 2;
        t.update(&pred.slice_rows(0, h), &y.slice_rows(0, h));
        t.update(&pred.slice_rows(h, pred.rows()), &y.slice_rows(h, y.rows()));
        t.result()
    }

    // from sklearn.metrics import *; y=[1,0,1,1,0,1]; p=[0.9,0.6,0.4,0.8,0.2,0.7]
    // yhat=[int(v>0.5) for v in p]; precision_score(y,yhat)=0.75, recall_score=0.75,
    // f1_score=0.75, accuracy_score=4/6
    #[test]
    fn binary_metrics() {
        let y = Tensor::column(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
        let p = Tensor::column(&[0.9, 0.6, 0.4, 0.8, 0.2, 0.7]);
        let bce = LossConfig::binary_crossentropy();
        assert_eq!(run(Metric::Precision, bce, &p, &y), 0.75);
        assert_eq!(run(Metric::Recall, bce, &p, &y), 0.75);
        assert_eq!(run(Metric::F1, bce, &p, &y), 0.75);
        assert!((run(Metric::Accuracy, bce, &p, &y) - 4.0 / 6.0).abs() < 1e-12);
    }

    // sklearn: r2_score([3,-0.5,2,7,4,1],[2.5,0,2,8,4.5,1.5]) = 0.9409594095940959;
    // mean_squared_error = 0.375*4/6+... -> ((.25+.25+0+1+.25+.25)/6) = 0.33333, mae = 0.5
    #[test]
    fn regression_metrics_accumulate_over_batches() {
        let y = Tensor::column(&[3.0, -0.5, 2.0, 7.0, 4.0, 1.0]);
        let p = Tensor::column(&[2.5, 0.0, 2.0, 8.0, 4.5, 1.5]);
        let mse = LossConfig::mse();
        assert!((run(Metric::Mse, mse, &p, &y) - 1.0 / 3.0).abs() < 1e-12);
        assert!((run(Metric::Rmse, mse, &p, &y) - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((run(Metric::Mae, mse, &p, &y) - 0.5).abs() < 1e-12);
        assert!((run(Metric::R2, mse, &p, &y) - 0.940_959_409_594).abs() < 1e-9);
    }

    #[test]
    fn categorical_sparse_and_top_k() {
        let p = Tensor::from_rows(&[
            vec![0.1, 0.6, 0.3],
            vec![0.5, 0.2, 0.3],
            vec![0.2, 0.3, 0.5],
            vec![0.4, 0.35, 0.25],
        ])
        .unwrap();
        let ids = Tensor::column(&[1.0, 2.0, 2.0, 2.0]);
        let mut onehot = Tensor::zeros(&[4, 3]);
        for r in 0..4 {
            onehot.row_mut(r)[ids.data()[r] as usize] = 1.0;
        }
        let scce = LossConfig::sparse_categorical_crossentropy();
        let cce = LossConfig::categorical_crossentropy();
        assert_eq!(run(Metric::Accuracy, scce, &p, &ids), 0.5);
        assert_eq!(run(Metric::Accuracy, cce, &p, &onehot), 0.5);
        // Row 1: class 2 is 2nd of 3; row 3: class 2 is 3rd.
        assert_eq!(run(Metric::TopKAccuracy { k: 2 }, scce, &p, &ids), 0.75);
        assert_eq!(run(Metric::TopKAccuracy { k: 2 }, cce, &p, &onehot), 0.75);
        assert_eq!(Metric::TopKAccuracy { k: 2 }.name(), "top_2_accuracy");
    }
}
