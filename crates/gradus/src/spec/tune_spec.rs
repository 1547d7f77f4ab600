//! [`TuneSpec`]: a spec's `[tune]` — the study, the sampler, the pruner, how each trial is
//! scored and the search space over the spec's own values.

use std::collections::BTreeMap;

use gradus_data::CrossValidation;
use gradus_tune::{DistributionSpec, PrunerConfig, SamplerConfig};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::Scoring;

/// How trials are scored: cross-validation folds on the training rows (an integer `k` for
/// k folds — stratified for a classification loss, as scikit-learn's `cv=k` — or a splitter
/// table such as `{ kind = "k_fold", n_splits = 5, shuffle = true, seed = 0 }`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CvSpec {
    /// `k` folds.
    Folds(usize),
    /// A splitter.
    Splitter(CrossValidation),
}

/// The `[tune]` section of a spec.
///
/// Each trial sets the values of `space` — whose keys are paths into the spec
/// ([`SpecPath`](super::SpecPath)) — trains the model and scores it:
/// - with `cv`, by the mean cross-validated `scoring` on the training rows (maximised, as
///   scikit-learn's scores; Optuna-style pruning after each fold);
/// - without, by the last epoch's `monitor` (default `val_loss`; minimised for losses and
///   errors, maximised for accuracies), with `fit.validation_split` or 20 % of the training
///   rows held out, and pruning after each epoch.
///
/// ```toml
/// [tune]
/// sampler = "tpe"            # or "random", "gp", "grid", or { type = "tpe", n_startup_trials = 5 }
/// pruner = "median"          # or "none", "hyperband", …
/// n_trials = 30
/// cv = 3
/// scoring = "neg_mean_squared_error"
///
/// [tune.space]
/// "compile.optimizer.learning_rate" = { float = [1e-4, 1e-1], log = true }
/// "fit.batch_size" = { choice = [16, 32, 64] }
/// "model.layers[0].units" = { int = [8, 128], log = true }
/// "model.layers[0].repeat" = { int = [1, 3] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuneSpec {
    /// The sampler (default TPE with Optuna's defaults; `gp` is Gaussian-process Bayesian
    /// optimisation). `grid` tries every combination of the space's `choice` values and
    /// stepped ranges.
    #[serde(deserialize_with = "sampler_name_or_table")]
    pub sampler: SamplerConfig,
    /// The pruner (default `median`).
    pub pruner: PrunerConfig,
    /// Cross-validation folds; unset: a hold-out validation set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvSpec>,
    /// The score with `cv` (default: `accuracy` for a classification loss, else
    /// `neg_mean_squared_error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    /// The epoch log key scored without `cv` (default `val_loss`).
    pub monitor: String,
    /// Trials to run in this invocation (default 20).
    pub n_trials: usize,
    /// Trials at once; −1 means one per core (default 1).
    pub n_jobs: i32,
    /// Stop starting trials after this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
    /// Where the study lives: `sqlite:///PATH.db`, `postgres://…` or `memory:` (default:
    /// `study.db` in the tuning run's folder, so a second run resumes the study).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    /// The study's name (default: the spec's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub study: Option<String>,
    /// Seed of the sampler (default 0).
    pub seed: u64,
    /// Spec paths and the distributions their values are drawn from.
    pub space: BTreeMap<String, DistributionSpec>,
}

impl Default for TuneSpec {
    fn default() -> TuneSpec {
        TuneSpec {
            sampler: SamplerConfig::default(),
            pruner: PrunerConfig::default(),
            cv: None,
            scoring: None,
            monitor: "val_loss".to_owned(),
            n_trials: 20,
            n_jobs: 1,
            timeout: None,
            storage: None,
            study: None,
            seed: 0,
            space: BTreeMap::new(),
        }
    }
}

/// A sampler by name or table (the tuner's serde form); the bare name `grid` is a grid
/// sampler whose grid comes from the space.
fn sampler_name_or_table<'de, D: Deserializer<'de>>(d: D) -> Result<SamplerConfig, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::String(name) if name == "grid" => Ok(SamplerConfig::Grid {
            grid: BTreeMap::new(),
        }),
        other => SamplerConfig::deserialize(other).map_err(|e| D::Error::custom(e.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samplers_and_pruners_are_names_or_tables() {
        let t: TuneSpec = toml::from_str(
            "sampler = \"random\"\npruner = { type = \"median\", n_startup_trials = 3 }\ncv = 3\n",
        )
        .unwrap();
        assert_eq!(t.sampler, SamplerConfig::Random);
        assert_eq!(t.pruner.to_string(), "median");
        assert_eq!(t.cv, Some(CvSpec::Folds(3)));
        let e = toml::from_str::<TuneSpec>("sampler = \"tpee\"\n").unwrap_err();
        assert!(e.message().contains("tpe"), "{e}");
        assert_eq!(e.span(), Some(10..16), "{e:?}");
        let e = toml::from_str::<TuneSpec>("n_trial = 3\n").unwrap_err();
        assert!(e.message().contains("unknown field `n_trial`"), "{e}");
    }
}
