//! The study: one optimization, its settings, and the ask / tell interface.

use crate::distribution::check_finite;
use crate::error::{Error, Result, TrialError};
use crate::frozen_trial::{FAIL_REASON_KEY, FIXED_PARAMS_KEY, FrozenTrial, PRUNED_KEY, StudyId};
use crate::guard::guarded;
use crate::heartbeat::{Heartbeat, HeartbeatConfig};
use crate::param::ParamValue;
use crate::params::Params;
use crate::pruners::{MedianPruner, Pruner};
use crate::rng::{entropy_seed, trial_rng};
use crate::samplers::{Sampler, SamplerContext, TpeSampler};
use crate::storage::{InMemoryStorage, Storage};
use crate::trial::Trial;
use crate::trial_state::{Direction, TrialState};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a study and its trials share.
#[derive(Debug)]
pub(crate) struct StudyShared {
    pub(crate) storage: Arc<dyn Storage>,
    pub(crate) sampler: Box<dyn Sampler>,
    pub(crate) pruner: Box<dyn Pruner>,
    pub(crate) study_id: StudyId,
    pub(crate) name: String,
    pub(crate) direction: Direction,
    pub(crate) seed: u64,
    /// Serializes trial creation with the sampler's relative draw within this process, so that a
    /// grid point is claimed once and the constant liar sees every earlier proposal.
    pub(crate) ask_lock: Mutex<()>,
    /// Heartbeats of this process's running trials, when the study uses them.
    pub(crate) heartbeat: Option<Heartbeat>,
}

impl StudyShared {
    /// The trials the sampler sees: all of them, or none for a sampler that does not read
    /// them.
    pub(crate) fn sampler_trials(&self) -> Result<Vec<Arc<FrozenTrial>>> {
        if self.sampler.reads_trials() {
            self.storage.get_all_trials(self.study_id, None)
        } else {
            Ok(Vec::new())
        }
    }

    /// What the sampler sees of this study, with `trials` as the snapshot of its trials.
    pub(crate) fn sampler_context<'a>(
        &'a self,
        trials: &'a [Arc<FrozenTrial>],
    ) -> SamplerContext<'a> {
        SamplerContext {
            storage: &*self.storage,
            study_id: self.study_id,
            direction: self.direction,
            study_seed: self.seed,
            trials,
        }
    }
}

/// An optimization: a direction, a sampler, a pruner, a seed and a storage holding the trials.
///
/// Build one with [`Study::builder`]; defaults are Optuna's: minimize, [`TpeSampler`] with
/// Optuna 5's settings, [`MedianPruner`], a fresh [`InMemoryStorage`], a random seed. Run it with
/// [`Study::optimize`] or drive it with [`Study::ask`] / [`Study::tell`].
///
/// ```
/// use gradus_tune::{RandomSampler, Study, TrialError};
///
/// let study = Study::builder().sampler(RandomSampler).seed(7).build()?;
/// for _ in 0..3 {
///     let mut trial = study.ask()?;
///     let x = trial.suggest_float("x", 0.0, 1.0)?;
///     study.tell(trial, Ok::<f64, TrialError>(x))?;
/// }
/// assert_eq!(study.trials()?.len(), 3);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Study {
    pub(crate) shared: Arc<StudyShared>,
}

/// Builder of a [`Study`].
#[derive(Debug, Default)]
pub struct StudyBuilder {
    name: Option<String>,
    direction: Direction,
    sampler: Option<Box<dyn Sampler>>,
    pruner: Option<Box<dyn Pruner>>,
    seed: Option<u64>,
    storage: Option<Arc<dyn Storage>>,
    load_if_exists: bool,
    heartbeat: Option<Duration>,
    grace_period: Option<Duration>,
    retries: u32,
}

impl StudyBuilder {
    /// The study's name in the storage (default: `no-name-<random hex>`). Hyperband hashes it
    /// into bracket ids; name the study to make those reproducible.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Minimize (default) or maximize.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    /// The sampler (default: [`TpeSampler`] with Optuna 5's settings).
    pub fn sampler(mut self, sampler: impl Sampler + 'static) -> Self {
        self.sampler = Some(Box::new(sampler));
        self
    }

    /// The pruner (default: [`MedianPruner`]).
    pub fn pruner(mut self, pruner: impl Pruner + 'static) -> Self {
        self.pruner = Some(Box::new(pruner));
        self
    }

    /// The seed from which every trial's random stream derives (default: random).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The storage (default: a new [`InMemoryStorage`]). Share one storage between studies,
    /// threads, or — with a database backend — processes.
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.storage = Some(storage);
        self
    }

    /// Join the study of the same name when the storage already has it (default: error).
    pub fn load_if_exists(mut self, yes: bool) -> Self {
        self.load_if_exists = yes;
        self
    }

    /// Send a heartbeat for each running trial every `interval` from a background thread, so
    /// that when this process dies its trials are failed by the next worker that asks (after
    /// the [grace period](Self::grace_period)) instead of staying Running for ever (default:
    /// no heartbeat, as Optuna).
    pub fn heartbeat(mut self, interval: Duration) -> Self {
        self.heartbeat = Some(interval);
        self
    }

    /// How old a running trial's last heartbeat may be before another worker fails it
    /// (default 60 s; must exceed the heartbeat interval).
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.grace_period = Some(grace);
        self
    }

    /// Re-run a trial failed for lack of heartbeats up to `n` times with the same parameters
    /// (system attributes `retried_from`, `original_trial`, `retry_count`; default 0).
    pub fn retry_failed(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// Loads the existing study of this name (resuming it: numbering continues after its
    /// last trial); its direction is the stored one.
    ///
    /// # Errors
    /// [`Error::StudyNotFound`] when the storage has no study of this name (or no name was
    /// given).
    pub fn load(mut self) -> Result<Study> {
        let storage = self
            .storage
            .clone()
            .unwrap_or_else(|| Arc::new(InMemoryStorage::new()));
        let name = self.name.clone().ok_or_else(|| {
            Error::StudyNotFound("(no name given: call `name` before `load`)".into())
        })?;
        let id = storage.study_id_from_name(&name)?;
        self.direction = storage.study_direction(id)?;
        self.storage = Some(storage);
        self.load_if_exists = true;
        self.build()
    }

    /// Creates (or loads) the study in the storage.
    pub fn build(self) -> Result<Study> {
        let storage = self
            .storage
            .unwrap_or_else(|| Arc::new(InMemoryStorage::new()));
        let name = self
            .name
            .unwrap_or_else(|| format!("no-name-{:016x}", entropy_seed()));
        let study_id = match storage.create_study(&name, self.direction) {
            Ok(id) => id,
            Err(Error::DuplicatedStudy(_)) if self.load_if_exists => {
                storage.study_id_from_name(&name)?
            }
            Err(e) => return Err(e),
        };
        let direction = storage.study_direction(study_id)?;
        let heartbeat = match self.heartbeat {
            Some(interval) => {
                let grace_period = self.grace_period.unwrap_or(Duration::from_secs(60));
                if interval.is_zero() || grace_period <= interval {
                    return Err(Error::InvalidConfig {
                        name: "heartbeat",
                        reason: format!(
                            "the interval ({interval:?}) must be positive and shorter than the \
                             grace period ({grace_period:?})"
                        ),
                    });
                }
                Some(Heartbeat::new(
                    HeartbeatConfig {
                        interval,
                        grace_period,
                        retries: self.retries,
                    },
                    Arc::clone(&storage),
                ))
            }
            None => None,
        };
        Ok(Study {
            shared: Arc::new(StudyShared {
                storage,
                sampler: self
                    .sampler
                    .unwrap_or_else(|| Box::new(TpeSampler::default())),
                pruner: self
                    .pruner
                    .unwrap_or_else(|| Box::new(MedianPruner::default())),
                study_id,
                name,
                direction,
                seed: self.seed.unwrap_or_else(entropy_seed),
                ask_lock: Mutex::new(()),
                heartbeat,
            }),
        })
    }
}

impl Study {
    /// A builder with Optuna's defaults.
    pub fn builder() -> StudyBuilder {
        StudyBuilder::default()
    }

    /// The study's name.
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// The study's id in its storage.
    pub fn id(&self) -> StudyId {
        self.shared.study_id
    }

    /// The direction.
    pub fn direction(&self) -> Direction {
        self.shared.direction
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.shared.seed
    }

    /// The storage.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.shared.storage
    }

    /// Starts a trial: the oldest enqueued (Waiting) trial if any, else a new one — unless the
    /// sampler is exhausted ([`Error::SearchSpaceExhausted`]). The sampler's relative proposal
    /// is made here; when it fails (an error, or a panic: [`Error::Panicked`]) or the
    /// enqueued parameters cannot be read, the trial is marked Failed with the reason and the
    /// error is returned.
    pub fn ask(&self) -> Result<Trial> {
        let s = &*self.shared;
        let _guard = s.ask_lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = &s.heartbeat {
            h.reap(s.study_id)?;
        }
        let frozen = match s.storage.pop_waiting_trial(s.study_id)? {
            Some(t) => t,
            None => {
                let trials = s.sampler_trials()?;
                let ctx = self.shared.sampler_context(&trials);
                let exhausted = guarded(
                    "sampler",
                    || "checking whether it is exhausted".into(),
                    || s.sampler.is_exhausted(&ctx),
                )?;
                if exhausted {
                    return Err(Error::SearchSpaceExhausted);
                }
                s.storage
                    .create_trial(s.study_id, TrialState::Running, BTreeMap::new())?
            }
        };
        if let Some(h) = &s.heartbeat {
            h.started(frozen.id)?;
        }
        let mut rng = trial_rng(s.seed, frozen.number);
        let started = fixed_params(&frozen).and_then(|fixed| {
            let trials = s.sampler_trials()?;
            let ctx = self.shared.sampler_context(&trials);
            let relative = guarded(
                "sampler",
                || format!("making the relative proposal of trial {}", frozen.number),
                || s.sampler.sample_relative(&ctx, &frozen, &mut rng),
            )?;
            Ok((fixed, relative))
        });
        let (fixed, relative) = match started {
            Ok(r) => r,
            Err(e) => {
                // Do not leave a Running trial behind.
                let _ = s.storage.set_trial_system_attr(
                    frozen.id,
                    FAIL_REASON_KEY,
                    e.to_string().into(),
                );
                let _ = s
                    .storage
                    .set_trial_state_value(frozen.id, TrialState::Failed, None);
                return Err(e);
            }
        };
        Ok(Trial {
            shared: Arc::clone(&self.shared),
            id: frozen.id,
            number: frozen.number,
            rng,
            relative,
            fixed,
            params: BTreeMap::new(),
        })
    }

    /// Finishes a trial from [`Study::ask`] with the objective's outcome: `Ok(value)` →
    /// Complete (NaN → Failed), `Err(TrialError::Pruned)` → Pruned (its value is the last
    /// finite intermediate value, as in Optuna), any other error → Failed with the message
    /// recorded ([`FrozenTrial::fail_reason`]). A trial marked by
    /// [`TrialReporter::prune`](crate::TrialReporter::prune) that returns `Ok` is Pruned.
    /// Returns the finished record.
    pub fn tell(&self, trial: Trial, outcome: Result<f64, TrialError>) -> Result<Arc<FrozenTrial>> {
        self.tell_number(trial.number, outcome)
    }

    /// [`Study::tell`] by trial number, for loops that keep numbers rather than trials.
    pub fn tell_number(
        &self,
        number: u64,
        outcome: Result<f64, TrialError>,
    ) -> Result<Arc<FrozenTrial>> {
        let s = &*self.shared;
        let t = s.storage.get_trial_by_number(s.study_id, number)?;
        let fail = |reason: String| -> Result<()> {
            s.storage
                .set_trial_system_attr(t.id, FAIL_REASON_KEY, reason.into())?;
            s.storage
                .set_trial_state_value(t.id, TrialState::Failed, None)
        };
        let marked = t.system_attrs.get(PRUNED_KEY) == Some(&serde_json::Value::Bool(true));
        let outcome = match outcome {
            Ok(_) if marked => Err(TrialError::Pruned),
            other => other,
        };
        match outcome {
            Ok(v) if v.is_nan() => fail("the objective returned NaN".into())?,
            Ok(v) => s
                .storage
                .set_trial_state_value(t.id, TrialState::Complete, Some(v))?,
            Err(TrialError::Pruned) => {
                let last = t
                    .intermediate_values
                    .values()
                    .next_back()
                    .copied()
                    .filter(|v| !v.is_nan());
                s.storage
                    .set_trial_state_value(t.id, TrialState::Pruned, last)?
            }
            Err(TrialError::Failed(e)) => fail(e.to_string())?,
        }
        if let Some(h) = &s.heartbeat {
            h.finished(t.id);
        }
        s.storage.get_trial(t.id)
    }

    /// Queues a trial with fixed parameters (Waiting); the next [`Study::ask`] runs it. Its
    /// parameters are used when suggested (values are converted to the suggested distribution;
    /// a kind that does not fit is an error at suggestion time); others are sampled.
    ///
    /// NaN and ±∞ are refused ([`Error::NonFiniteValue`]): storages record values as JSON,
    /// which has neither.
    pub fn enqueue_trial(&self, params: BTreeMap<String, ParamValue>) -> Result<()> {
        for (name, v) in &params {
            check_finite(name, [v])?;
        }
        let attrs = BTreeMap::from([(FIXED_PARAMS_KEY.to_owned(), serde_json::to_value(&params)?)]);
        self.shared
            .storage
            .create_trial(self.shared.study_id, TrialState::Waiting, attrs)?;
        Ok(())
    }

    /// All trials, in number order.
    pub fn trials(&self) -> Result<Vec<Arc<FrozenTrial>>> {
        self.shared
            .storage
            .get_all_trials(self.shared.study_id, None)
    }

    /// The best Complete trial; [`Error::NoCompleteTrial`] before there is one.
    pub fn best_trial(&self) -> Result<Arc<FrozenTrial>> {
        self.shared.storage.get_best_trial(self.shared.study_id)
    }

    /// The best value.
    pub fn best_value(&self) -> Result<f64> {
        self.best_trial()?.value.ok_or(Error::NoCompleteTrial)
    }

    /// The parameters of the best trial, with typed getters; they print as plain values
    /// (`{lr: 0.035, optimizer: sgd}`).
    pub fn best_params(&self) -> Result<Params> {
        Ok(Params(self.best_trial()?.params.clone()))
    }
}

/// The parameters fixed by [`Study::enqueue_trial`] for `trial` (none for a trial not enqueued).
fn fixed_params(trial: &FrozenTrial) -> Result<BTreeMap<String, ParamValue>> {
    match trial.system_attrs.get(FIXED_PARAMS_KEY) {
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| Error::InvalidConfig {
            name: "enqueue_trial",
            reason: format!(
                "trial {} has unreadable enqueued parameters ({e}); enqueue a map from names to \
                 numbers, strings or bools",
                trial.number
            ),
        }),
        None => Ok(BTreeMap::new()),
    }
}
