//! Cross-validation of one candidate: [`cross_validate`] and [`cross_val_score`].

use std::time::Instant;

use gradus_data::{CrossValidation, Fold};
use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::{BuildEstimator, Error, Params, Result, Scoring};

/// How [`cross_validate`] and [`cross_val_score`] split and score: scikit-learn's `cv` and
/// `scoring` keywords (defaults: 5 unshuffled folds, negated mean squared error), serde for
/// a spec file.
///
/// ```
/// use gradus::{CvOptions, Scoring};
/// use gradus::data::{CrossValidation, StratifiedKFold};
/// let o = CvOptions::new().cv(StratifiedKFold::new(3)).scoring(Scoring::Accuracy);
/// let same: CvOptions = serde_json::from_str(
///     r#"{"cv": {"kind": "stratified_k_fold", "n_splits": 3}, "scoring": "accuracy"}"#).unwrap();
/// assert_eq!(same, o);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CvOptions {
    /// The folds.
    pub cv: CrossValidation,
    /// The score of each fold's predictions.
    pub scoring: Scoring,
}

impl CvOptions {
    /// The defaults: 5 unshuffled folds, negated mean squared error.
    pub fn new() -> CvOptions {
        CvOptions::default()
    }

    /// Sets the folds (any splitter that converts into [`CrossValidation`]).
    pub fn cv(mut self, cv: impl Into<CrossValidation>) -> CvOptions {
        self.cv = cv.into();
        self
    }

    /// Sets the scoring.
    pub fn scoring(mut self, scoring: Scoring) -> CvOptions {
        self.scoring = scoring;
        self
    }
}

/// Per-fold results of [`cross_validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct CvResult {
    /// The score on each fold's test rows.
    pub test_scores: Vec<f64>,
    /// Seconds spent fitting on each fold.
    pub fit_times: Vec<f64>,
}

impl CvResult {
    /// Mean test score.
    pub fn mean(&self) -> f64 {
        mean(&self.test_scores)
    }

    /// Population standard deviation of the test scores (as scikit-learn's `std_test_score`).
    pub fn std(&self) -> f64 {
        std(&self.test_scores)
    }
}

pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub(crate) fn std(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

/// The folds of `cv` for `(x, y)`; `y` is the stratification label for stratified
/// splitters.
pub(crate) fn folds(cv: &CrossValidation, x: &Tensor, y: &Tensor) -> Result<Vec<Fold>> {
    if x.rows() != y.rows() {
        return Err(Error::Search(format!(
            "x has {} rows but y has {}; they need one row per sample",
            x.rows(),
            y.rows()
        )));
    }
    Ok(cv.splitter().split(x.rows(), Some(y))?)
}

/// Fits a fresh estimator for `params` on each fold's training rows and scores its
/// predictions on the fold's test rows (scikit-learn's `cross_validate`).
pub(crate) fn cross_validate_folds(
    estimator: &dyn BuildEstimator,
    params: &Params,
    x: &Tensor,
    y: &Tensor,
    folds: &[Fold],
    scoring: Scoring,
) -> Result<CvResult> {
    let mut result = CvResult {
        test_scores: Vec::with_capacity(folds.len()),
        fit_times: Vec::with_capacity(folds.len()),
    };
    for fold in folds {
        let mut est = estimator.build(params)?;
        let start = Instant::now();
        est.model.fit(
            &x.select_rows(&fold.train),
            &y.select_rows(&fold.train),
            est.fit,
        )?;
        result.fit_times.push(start.elapsed().as_secs_f64());
        let pred = est.model.predict(&x.select_rows(&fold.test))?;
        result
            .test_scores
            .push(scoring.score(&pred, &y.select_rows(&fold.test))?);
    }
    Ok(result)
}

/// Cross-validates the estimator built from `params`: per-fold test scores and fit times.
///
/// # Errors
/// A splitter that does not fit the data, targets the scorer cannot score (checked before
/// any training), a failing estimator builder, a training error, or predictions the scorer
/// cannot compare with the targets ([`Error::Scoring`]).
pub fn cross_validate(
    estimator: &dyn BuildEstimator,
    params: &Params,
    x: &Tensor,
    y: &Tensor,
    options: CvOptions,
) -> Result<CvResult> {
    options.scoring.check_targets(y)?;
    let folds = folds(&options.cv, x, y)?;
    cross_validate_folds(estimator, params, x, y, &folds, options.scoring)
}

/// The test score of each fold (scikit-learn's `cross_val_score`).
///
/// ```
/// use gradus::{CvOptions, Estimator, Params, Scoring, cross_val_score};
/// use gradus::data::KFold;
/// use gradus::nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, Verbosity};
/// use gradus::tensor::Tensor;
/// let x = Tensor::column(&(0..30).map(|i| i as f32 / 10.0).collect::<Vec<_>>());
/// let y = Tensor::column(&(0..30).map(|i| 2.0 * i as f32 / 10.0 + 1.0).collect::<Vec<_>>());
/// let build = |p: &Params| -> gradus::Result<Estimator> {
///     let mut m = Sequential::new();
///     m.add(Dense::new(1));
///     m.compile(OptimizerConfig::sgd(p.f64("lr")?), LossConfig::mse(), &[])?;
///     Ok(Estimator::new(m, FitConfig::new().epochs(200).batch_size(10).verbose(Verbosity::Silent)))
/// };
/// let params = Params::from_iter([("lr", 0.05.into())]);
/// let options = CvOptions::new().cv(KFold::new(3).shuffled(0)).scoring(Scoring::R2);
/// let scores = cross_val_score(&build, &params, &x, &y, options)?;
/// assert_eq!(scores.len(), 3);
/// assert!(scores.iter().all(|&s| s > 0.99), "{scores:?}");
/// # Ok::<(), gradus::Error>(())
/// ```
///
/// # Errors
/// As [`cross_validate`].
pub fn cross_val_score(
    estimator: &dyn BuildEstimator,
    params: &Params,
    x: &Tensor,
    y: &Tensor,
    options: CvOptions,
) -> Result<Vec<f64>> {
    Ok(cross_validate(estimator, params, x, y, options)?.test_scores)
}
