//! [`ParamGrid`] and [`SearchSpace`]: what a search draws its candidates from.

use std::collections::BTreeMap;

use gradus_tune::{Choice, Distribution, DistributionSpec, ParamValue, Trial};
use serde::{Deserialize, Serialize};

use crate::{Params, Result};

/// Values to try for each parameter; a grid search tries their whole Cartesian product
/// (scikit-learn's `param_grid`).
///
/// ```
/// use gradus::ParamGrid;
/// let grid = ParamGrid::new().param("learning_rate", &[0.001, 0.01, 0.1]).param("batch_size", &[10, 20]);
/// assert_eq!(grid.len(), 6);
/// // In a spec file or JSON: a map from names to their values.
/// let same: ParamGrid = serde_json::from_str(
///     r#"{"learning_rate": [0.001, 0.01, 0.1], "batch_size": [10, 20]}"#).unwrap();
/// assert_eq!(same, grid);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParamGrid(pub BTreeMap<String, Vec<ParamValue>>);

impl ParamGrid {
    /// An empty grid.
    pub fn new() -> ParamGrid {
        ParamGrid::default()
    }

    /// Adds a parameter with its values (numbers, strings or bools).
    pub fn param<C: Choice>(mut self, name: &str, values: &[C]) -> ParamGrid {
        self.0
            .insert(name.into(), values.iter().map(Choice::to_param).collect());
        self
    }

    /// Number of points in the grid, saturating at `usize::MAX`.
    pub fn len(&self) -> usize {
        if self.0.is_empty() {
            0
        } else {
            // Saturating: a grid of more than usize::MAX points is not an overflow.
            self.0.values().map(Vec::len).fold(1, usize::saturating_mul)
        }
    }

    /// True when the grid has no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn suggest(&self, trial: &mut Trial) -> gradus_tune::Result<Params> {
        let mut params = Params::default();
        for (name, values) in &self.0 {
            let v = trial.suggest(name, Distribution::categorical(name, values.clone())?)?;
            params.0.insert(name.clone(), v);
        }
        Ok(params)
    }
}

/// Distributions to sample each parameter from (scikit-learn's `param_distributions`,
/// hyperopt's space), with bounds in natural units also for log scales; integers stay
/// integers and categorical parameters return their values.
///
/// Invalid ranges (low > high, a log range with low ≤ 0, an empty choice) are reported by
/// the search that uses the space, naming the parameter.
///
/// ```
/// use gradus::SearchSpace;
/// let space = SearchSpace::new()
///     .float_log("learning_rate", (-5.0f64).exp(), 1.0)
///     .categorical("batch_size", &[10, 20, 30])
///     .int("units", 8, 64);
/// assert_eq!(space.len(), 3);
/// // In a spec file or JSON: a map from names to [`DistributionSpec`]s, validated on reading.
/// let same: SearchSpace = serde_json::from_str(r#"{
///     "learning_rate": {"float": [0.006737946999085467, 1.0], "log": true},
///     "batch_size": {"choice": [10, 20, 30]},
///     "units": {"int": [8, 64]}
/// }"#).unwrap();
/// assert_eq!(same, space);
/// assert!(serde_json::from_str::<SearchSpace>(r#"{"lr": {"float": [1, 0]}}"#).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, DistributionSpec>",
    into = "BTreeMap<String, DistributionSpec>"
)]
pub struct SearchSpace {
    params: BTreeMap<String, Distribution>,
    error: Option<String>,
}

impl TryFrom<BTreeMap<String, DistributionSpec>> for SearchSpace {
    type Error = gradus_tune::Error;

    fn try_from(specs: BTreeMap<String, DistributionSpec>) -> gradus_tune::Result<SearchSpace> {
        let params = specs
            .iter()
            .map(|(name, spec)| Ok((name.clone(), spec.to_distribution(name)?)))
            .collect::<gradus_tune::Result<_>>()?;
        Ok(SearchSpace {
            params,
            error: None,
        })
    }
}

impl From<SearchSpace> for BTreeMap<String, DistributionSpec> {
    fn from(space: SearchSpace) -> Self {
        space
            .params
            .iter()
            .map(|(name, d)| (name.clone(), DistributionSpec::from(d)))
            .collect()
    }
}

impl SearchSpace {
    /// The parameters and their distributions.
    pub fn params(&self) -> &BTreeMap<String, Distribution> {
        &self.params
    }

    /// An empty space.
    pub fn new() -> SearchSpace {
        SearchSpace::default()
    }

    fn with(mut self, name: &str, d: gradus_tune::Result<Distribution>) -> SearchSpace {
        match d {
            Ok(d) => {
                self.params.insert(name.into(), d);
            }
            Err(e) => {
                self.error.get_or_insert(e.to_string());
            }
        }
        self
    }

    /// A float uniform on `[low, high]`.
    pub fn float(self, name: &str, low: f64, high: f64) -> SearchSpace {
        self.with(name, Distribution::float(name, low, high))
    }

    /// A float log-uniform on `[low, high]` (`low > 0`).
    pub fn float_log(self, name: &str, low: f64, high: f64) -> SearchSpace {
        self.with(name, Distribution::float_log(name, low, high))
    }

    /// A float on the grid `low, low + step, …, ≤ high`.
    pub fn float_step(self, name: &str, low: f64, high: f64, step: f64) -> SearchSpace {
        self.with(name, Distribution::float_step(name, low, high, step))
    }

    /// An integer uniform on `[low, high]`.
    pub fn int(self, name: &str, low: i64, high: i64) -> SearchSpace {
        self.with(name, Distribution::int(name, low, high))
    }

    /// An integer log-uniform on `[low, high]` (`low ≥ 1`).
    pub fn int_log(self, name: &str, low: i64, high: i64) -> SearchSpace {
        self.with(name, Distribution::int_log(name, low, high))
    }

    /// One of `choices` (numbers, strings or bools).
    pub fn categorical<C: Choice>(self, name: &str, choices: &[C]) -> SearchSpace {
        let d = Distribution::categorical(name, choices.iter().map(Choice::to_param).collect());
        self.with(name, d)
    }

    /// A hyperopt expression ([`hp`](crate::hp)), as hyperopt's space dict entry
    /// `{'lr': hp.loguniform('lr', -5, 0)}` is written `.param("lr", hp::loguniform(-5.0, 0.0))`.
    pub fn param(self, name: &str, expr: crate::hp::Expr) -> SearchSpace {
        self.with(name, expr.to_distribution(name))
    }

    /// Any distribution of the tuner, checked and normalised as
    /// [`Distribution::validated`] does.
    pub fn distribution(self, name: &str, d: Distribution) -> SearchSpace {
        self.with(name, d.validated(name))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// True without parameters.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The first invalid range given to the builder, if any.
    pub(crate) fn check(&self) -> Result<()> {
        match &self.error {
            Some(e) => Err(crate::Error::Search(format!("invalid search space: {e}"))),
            None if self.params.is_empty() => Err(crate::Error::Search(
                "the search space has no parameter".into(),
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn suggest(&self, trial: &mut Trial) -> gradus_tune::Result<Params> {
        let mut params = Params::default();
        for (name, d) in &self.params {
            params
                .0
                .insert(name.clone(), trial.suggest(name, d.clone())?);
        }
        Ok(params)
    }
}
