//! Tuning a [`SpecFile`]: a study whose trials set the search space's values in the spec,
//! train, and score.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use gradus_data::{CrossValidation, KFold, StratifiedKFold, decode_one_hot};
use gradus_nn::{FitConfig, LossConfig, Verbosity};
use gradus_tune::samplers::SamplerConfig;
use gradus_tune::storage::Storage;
use gradus_tune::{
    Direction, Distribution, OptimizeOptions, ParamValue, Params, Study, Trial, TrialError,
};

use super::{CvSpec, PreparedData, Spec, SpecFile, TuneSpec, is_classification};
use crate::cross_val::{folds, mean};
use crate::{Error, PruningCallback, Result, Scoring};

/// Most points a `grid` sampler enumerates from one integer or stepped range.
pub const MAX_GRID_POINTS: usize = 10_000;

/// How [`SpecFile::tune`] runs, beyond the spec.
#[derive(Clone, Default)]
pub struct TuneRun {
    /// Where the study lives (default: in memory).
    pub storage: Option<Arc<dyn Storage>>,
    /// Trials to run, in place of `tune.n_trials`.
    pub n_trials: Option<usize>,
    /// Show a progress bar over trials with the best value so far.
    pub show_progress_bar: bool,
}

impl SpecFile {
    /// The `[tune]` section.
    ///
    /// # Errors
    /// [`Error::Spec`] when the spec has none.
    pub fn tune_spec(&self) -> Result<&TuneSpec> {
        self.spec.tune.as_ref().ok_or_else(|| {
            self.error_at(
                &[],
                "the spec has no [tune] section: add one with a [tune.space] of spec paths",
            )
            .into()
        })
    }

    /// Whether the study maximises: cross-validation scores are maximised (scikit-learn's
    /// scorers are greater-is-better); a monitored log key is minimised when it is a loss or
    /// an error and maximised otherwise.
    ///
    /// # Errors
    /// As [`SpecFile::tune_spec`].
    pub fn direction(&self) -> Result<Direction> {
        let t = self.tune_spec()?;
        if t.cv.is_some() {
            return Ok(Direction::Maximize);
        }
        let key = t.monitor.trim_start_matches("val_");
        let lower_is_better = ["loss", "mse", "mae", "rmse", "error"]
            .iter()
            .any(|s| key.ends_with(s));
        Ok(if lower_is_better {
            Direction::Minimize
        } else {
            Direction::Maximize
        })
    }

    /// Runs (or, in a storage that has it, resumes) the spec's study and returns it: each
    /// trial draws the search space's values, sets them in the spec, trains and scores (see
    /// [`TuneSpec`]).
    ///
    /// # Errors
    /// No `[tune]` section; a sampler, pruner or storage that cannot be set up; data that
    /// cannot be loaded. A failing trial is recorded as failed, not returned.
    pub fn tune(&self, run: TuneRun) -> Result<Study> {
        let t = self.tune_spec()?;
        let mut builder = Study::builder()
            .name(t.study.clone().unwrap_or_else(|| self.name()))
            .direction(self.direction()?)
            .sampler(self.sampler(t)?.build()?)
            .pruner(t.pruner.build()?)
            .seed(t.seed)
            .load_if_exists(true);
        if let Some(storage) = run.storage {
            builder = builder.storage(storage);
        }
        let study = builder.build()?;
        let data = self.tabular_data()?;
        let mut options = OptimizeOptions::n_trials(run.n_trials.unwrap_or(t.n_trials))
            .n_jobs(t.n_jobs)
            .show_progress_bar(run.show_progress_bar);
        if let Some(s) = t.timeout {
            options = options.timeout(Duration::try_from_secs_f64(s).map_err(|_| {
                self.error_at(
                    &["tune", "timeout"],
                    format!("tune.timeout = {s}: give a number of seconds ≥ 0"),
                )
            })?);
        }
        study.optimize(|trial| self.trial(trial, t, data.as_ref()), options)?;
        Ok(study)
    }

    /// The sampler, with a `grid` sampler's grid taken from the space when it has none.
    fn sampler(&self, t: &TuneSpec) -> Result<SamplerConfig> {
        match &t.sampler {
            SamplerConfig::Grid { grid } if grid.is_empty() => {
                let mut grid = BTreeMap::new();
                for (name, d) in &t.space {
                    let d = d.to_distribution(name)?;
                    let values = grid_values(&d).ok_or_else(|| {
                        self.error_at(
                            &["tune", "space", name],
                            format!(
                                "the grid sampler needs a finite set of values for `{name}`: \
                                 give `choice = [...]`, a `step`, or an int range of at most \
                                 {MAX_GRID_POINTS} values"
                            ),
                        )
                    })?;
                    grid.insert(name.clone(), values);
                }
                Ok(SamplerConfig::Grid { grid })
            }
            other => Ok(other.clone()),
        }
    }

    /// One trial: draw, set, train, score.
    fn trial(
        &self,
        trial: &mut Trial,
        t: &TuneSpec,
        data: Option<&PreparedData>,
    ) -> Result<f64, TrialError> {
        let mut params = Params::default();
        for (name, d) in &t.space {
            let value = trial.suggest(name, d.to_distribution(name)?)?;
            params.0.insert(name.clone(), value);
        }
        self.evaluate(&params, t, data, Some(trial))
    }

    /// The objective value of `params` (values for some or all of the space's paths) as a
    /// trial would score it, without a study: manual search, or checking a configuration.
    ///
    /// # Errors
    /// No `[tune]` section; a value that does not fit its path; what loading, training or
    /// scoring reports.
    pub fn score(&self, params: &Params) -> Result<f64> {
        let t = self.tune_spec()?;
        let data = self.tabular_data()?;
        self.evaluate(params, t, data.as_ref(), None)
            .map_err(|e| match e {
                TrialError::Pruned => Error::Search("pruned".into()),
                TrialError::Failed(e) => match e.downcast::<Error>() {
                    Ok(e) => *e,
                    Err(e) => Error::Search(e.to_string()),
                },
            })
    }

    fn evaluate(
        &self,
        params: &Params,
        t: &TuneSpec,
        data: Option<&PreparedData>,
        trial: Option<&mut Trial>,
    ) -> Result<f64, TrialError> {
        let mut spec = self.with_params(params)?;
        spec.fit.verbose = Verbosity::Silent;
        let own;
        let data = match data {
            Some(d)
                if spec.data == self.spec.data && spec.compile.loss == self.spec.compile.loss =>
            {
                Some(d)
            }
            Some(_) => {
                own = spec.data.prepare(self.base_dir(), &spec.compile.loss)?;
                Some(&own)
            }
            None => None,
        };
        match (&t.cv, data) {
            (Some(cv), Some(data)) => cross_validate(&spec, trial, cv, t.scoring, data),
            (Some(_), None) => Err(TrialError::msg(
                "tune.cv needs tabular data; image specs are scored on their validation \
                 images (remove `cv`)",
            )),
            (None, data) => hold_out(&spec, self.base_dir(), trial, &t.monitor, data),
        }
    }

    /// The prepared tabular data (`None` for images).
    fn tabular_data(&self) -> Result<Option<PreparedData>> {
        if self.spec.data.images.is_some() {
            return Ok(None);
        }
        Ok(Some(
            self.spec
                .data
                .prepare(self.base_dir(), &self.spec.compile.loss)?,
        ))
    }
}

/// Mean cross-validated score, reported after each fold for pruning.
fn cross_validate(
    spec: &Spec,
    mut trial: Option<&mut Trial>,
    cv: &CvSpec,
    scoring: Option<Scoring>,
    data: &PreparedData,
) -> Result<f64, TrialError> {
    let loss = &spec.compile.loss;
    let classification = is_classification(loss);
    let scoring = scoring.unwrap_or(if classification {
        Scoring::Accuracy
    } else {
        Scoring::NegMeanSquaredError
    });
    let cv = match cv {
        CvSpec::Folds(k) if classification => CrossValidation::from(StratifiedKFold::new(*k)),
        CvSpec::Folds(k) => CrossValidation::from(KFold::new(*k)),
        CvSpec::Splitter(s) => *s,
    };
    let (x, y) = (&data.x_train, &data.y_train);
    let labels = if matches!(loss, LossConfig::CategoricalCrossentropy { .. }) {
        decode_one_hot(y).map_err(Error::from)?
    } else {
        y.clone()
    };
    let mut scores = Vec::new();
    for (k, fold) in folds(&cv, x, &labels)?.iter().enumerate() {
        let x_train = x.select_rows(&fold.train);
        let mut model = spec.build_model(&x_train)?;
        let config = FitConfig::from(spec.fit.clone());
        model.fit(&x_train, &y.select_rows(&fold.train), config)?;
        let pred = model.predict(&x.select_rows(&fold.test))?;
        scores.push(scoring.score(&pred, &y.select_rows(&fold.test))?);
        if let Some(trial) = trial.as_deref_mut() {
            trial.report(k as u64, mean(&scores))?;
            if trial.should_prune()? {
                return Err(TrialError::Pruned);
            }
        }
    }
    Ok(mean(&scores))
}

/// The last epoch's `monitor`, with a validation split and pruning after each epoch.
fn hold_out(
    spec: &Spec,
    base: &std::path::Path,
    trial: Option<&mut Trial>,
    monitor: &str,
    data: Option<&PreparedData>,
) -> Result<f64, TrialError> {
    let mut spec = spec.clone();
    if spec.fit.validation_split == 0.0 && data.is_some() {
        spec.fit.validation_split = 0.2;
    }
    let mut callbacks: Vec<Box<dyn gradus_nn::Callback>> = Vec::new();
    if let Some(trial) = trial {
        callbacks.push(Box::new(PruningCallback::new(trial.reporter(), monitor)));
    }
    let trained = match data {
        Some(data) => spec.train_on(data, callbacks)?,
        None => spec.train(base, callbacks)?,
    };
    trained.history.last(monitor).ok_or_else(|| {
        TrialError::msg(format!(
            "tune.monitor `{monitor}` is not in the training logs ({}); pick one of them",
            trained
                .history
                .history
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The finite set of values of `d`, if it has one of at most [`MAX_GRID_POINTS`].
fn grid_values(d: &Distribution) -> Option<Vec<ParamValue>> {
    match d {
        Distribution::Categorical { choices } => Some(choices.clone()),
        Distribution::Int {
            low, high, step, ..
        } => {
            let n = (i128::from(*high) - i128::from(*low)) / i128::from(*step) + 1;
            (n <= MAX_GRID_POINTS as i128).then(|| {
                (0..n as i64)
                    .map(|i| ParamValue::Int(low + i * step))
                    .collect()
            })
        }
        Distribution::Float {
            low,
            high,
            step: Some(step),
            ..
        } => {
            let n = ((high - low) / step).round() + 1.0;
            (n <= MAX_GRID_POINTS as f64)
                .then_some(n as usize)
                .map(|n| {
                    (0..n)
                        .map(|i| ParamValue::Float(low + i as f64 * step))
                        .collect()
                })
        }
        Distribution::Float { .. } => None,
    }
}
