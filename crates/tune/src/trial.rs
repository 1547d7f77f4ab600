//! The live trial handed to the objective: define-by-run suggestions, reports, pruning.

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::TrialId;
use crate::guard::guarded;
use crate::param::{Choice, ParamValue};
use crate::reporter::TrialReporter;
use crate::rng::TrialRng;
use crate::study::StudyShared;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A trial being evaluated.
///
/// The objective receives `&mut Trial` and asks it for parameters as it needs them
/// (define-by-run): conditional search spaces are ordinary `if`s and `match`es. Each method
/// validates its range and returns a typed value — floats as `f64`, integers as `i64`,
/// categorical choices as themselves (never an index). Suggesting a name twice with the same
/// distribution returns the same value; with another distribution it is an error.
///
/// Where a value comes from, in order (Optuna's): the parameters of an enqueued trial
/// ([`crate::Study::enqueue_trial`]; used even outside the range, with a `log` warning, as
/// Optuna warns), the single value of a single-valued range, the sampler's relative proposal
/// made when the trial started (used when it lies in the requested distribution), else the
/// sampler's independent proposal. A sampler that panics makes the suggestion an
/// [`Error::Panicked`].
pub struct Trial {
    pub(crate) shared: Arc<StudyShared>,
    pub(crate) id: TrialId,
    pub(crate) number: u64,
    pub(crate) rng: TrialRng,
    pub(crate) relative: BTreeMap<String, ParamValue>,
    pub(crate) fixed: BTreeMap<String, ParamValue>,
    pub(crate) params: BTreeMap<String, (ParamValue, Distribution)>,
}

impl Trial {
    /// The trial's number in the study (0, 1, 2, …).
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The trial's storage id.
    pub fn id(&self) -> TrialId {
        self.id
    }

    /// A float uniform on `[low, high]`.
    pub fn suggest_float(&mut self, name: &str, low: f64, high: f64) -> Result<f64> {
        self.float(name, Distribution::float(name, low, high)?)
    }

    /// A float log-uniform on `[low, high]` (bounds in natural space, `low > 0`).
    pub fn suggest_float_log(&mut self, name: &str, low: f64, high: f64) -> Result<f64> {
        self.float(name, Distribution::float_log(name, low, high)?)
    }

    /// A float on the grid `low, low + step, …, ≤ high`.
    pub fn suggest_float_step(
        &mut self,
        name: &str,
        low: f64,
        high: f64,
        step: f64,
    ) -> Result<f64> {
        self.float(name, Distribution::float_step(name, low, high, step)?)
    }

    /// An integer uniform on `[low, high]`.
    pub fn suggest_int(&mut self, name: &str, low: i64, high: i64) -> Result<i64> {
        self.int(name, Distribution::int(name, low, high)?)
    }

    /// An integer on the grid `low, low + step, …, ≤ high`.
    pub fn suggest_int_step(&mut self, name: &str, low: i64, high: i64, step: i64) -> Result<i64> {
        self.int(name, Distribution::int_step(name, low, high, step)?)
    }

    /// An integer log-uniform on `[low, high]` (`low ≥ 1`).
    pub fn suggest_int_log(&mut self, name: &str, low: i64, high: i64) -> Result<i64> {
        self.int(name, Distribution::int_log(name, low, high)?)
    }

    /// One of `choices`, returned as its own type: `&[16, 32, 64]` gives an `i64`,
    /// `&["relu", "tanh"]` a `String`, `&[true, false]` a `bool`.
    ///
    /// ```
    /// use gradus_tune::{RandomSampler, Study};
    ///
    /// let study = Study::builder().sampler(RandomSampler).seed(7).build()?;
    /// let mut trial = study.ask()?;
    /// let batch: i64 = trial.suggest_categorical("batch", &[10, 20, 30])?;
    /// let act: String = trial.suggest_categorical("act", &["relu", "tanh"])?;
    /// let n: i64 = trial.suggest_int("n", 1, 8)?;
    /// assert_eq!((batch, act.as_str(), n), (10, "tanh", 8));
    /// # Ok::<(), gradus_tune::Error>(())
    /// ```
    pub fn suggest_categorical<C: Choice>(
        &mut self,
        name: &str,
        choices: &[C],
    ) -> Result<C::Output> {
        let d = Distribution::categorical(name, choices.iter().map(Choice::to_param).collect())?;
        let v = self.suggest(name, d.clone())?;
        C::from_param(&v).ok_or_else(|| Error::IncompatibleValue {
            name: name.into(),
            value: v.to_string(),
            distribution: d.to_string(),
        })
    }

    /// A value from any [`Distribution`]; one that does not come from the constructors (a
    /// literal, a deserialized one) is validated and normalised as they would build it first.
    pub fn suggest(&mut self, name: &str, distribution: Distribution) -> Result<ParamValue> {
        let distribution = match distribution.normalized(name)? {
            Cow::Owned(d) => d,
            Cow::Borrowed(_) => distribution,
        };
        if let Some((value, previous)) = self.params.get(name) {
            if *previous == distribution {
                return Ok(value.clone());
            }
            return Err(Error::InconsistentDistribution {
                name: name.into(),
                trial: self.number,
                previous: previous.to_string(),
                requested: distribution.to_string(),
            });
        }
        let drawn = self.draw(name, &distribution)?;
        let value = distribution
            .normalize(&drawn)
            .ok_or_else(|| Error::IncompatibleValue {
                name: name.into(),
                value: drawn.to_string(),
                distribution: distribution.to_string(),
            })?;
        self.shared
            .storage
            .set_trial_param(self.id, name, &value, &distribution)?;
        self.params
            .insert(name.to_owned(), (value.clone(), distribution));
        Ok(value)
    }

    fn draw(&mut self, name: &str, d: &Distribution) -> Result<ParamValue> {
        if let Some(v) = self.fixed.get(name) {
            if d.to_internal(v).is_some() && !d.contains_value(v) {
                // Optuna's words (Trial._is_fixed_param).
                log::warn!(
                    "Fixed parameter '{name}' with value {v} is out of range for distribution \
                     {d}."
                );
            }
            return Ok(v.clone());
        }
        if d.is_single() {
            return Ok(match d {
                Distribution::Float { low, .. } => ParamValue::Float(*low),
                Distribution::Int { low, .. } => ParamValue::Int(*low),
                Distribution::Categorical { choices } => choices[0].clone(),
            });
        }
        if let Some(v) = self.relative.get(name)
            && d.contains_value(v)
        {
            return Ok(v.clone());
        }
        let s = &self.shared;
        let trials = s.sampler_trials()?;
        let me = s.storage.get_trial(self.id)?;
        let rng = &mut self.rng;
        guarded(
            "sampler",
            || format!("proposing `{name}` ({d}) for trial {}", self.number),
            || {
                s.sampler
                    .sample_independent(&s.sampler_context(&trials), &me, name, d, rng)
            },
        )
    }

    fn float(&mut self, name: &str, d: Distribution) -> Result<f64> {
        let v = self.suggest(name, d)?;
        v.as_f64().ok_or_else(|| Error::IncompatibleValue {
            name: name.into(),
            value: v.to_string(),
            distribution: "float".into(),
        })
    }

    fn int(&mut self, name: &str, d: Distribution) -> Result<i64> {
        let v = self.suggest(name, d)?;
        v.as_i64().ok_or_else(|| Error::IncompatibleValue {
            name: name.into(),
            value: v.to_string(),
            distribution: "int".into(),
        })
    }

    /// Reports an intermediate value (e.g. the validation loss after epoch `step`). A step
    /// already reported is ignored, as in Optuna. NaN is allowed (pruners treat it as worst).
    pub fn report(&mut self, step: u64, value: f64) -> Result<()> {
        self.reporter().report(step, value)
    }

    /// Asks the study's pruner whether to stop now; when `true`, return
    /// `Err(TrialError::Pruned)` from the objective.
    pub fn should_prune(&self) -> Result<bool> {
        self.reporter().should_prune()
    }

    /// An owned handle for reporting and pruning from code that cannot borrow the trial,
    /// such as a training callback.
    pub fn reporter(&self) -> TrialReporter {
        TrialReporter {
            shared: Arc::clone(&self.shared),
            id: self.id,
        }
    }

    /// Sets a user attribute (any JSON value), kept with the trial.
    pub fn set_user_attr(&mut self, key: &str, value: impl Into<serde_json::Value>) -> Result<()> {
        self.shared
            .storage
            .set_trial_user_attr(self.id, key, value.into())
    }

    /// The parameters suggested so far.
    pub fn params(&self) -> BTreeMap<String, ParamValue> {
        self.params
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect()
    }
}

impl std::fmt::Debug for Trial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trial")
            .field("number", &self.number)
            .field("params", &self.params())
            .finish()
    }
}
