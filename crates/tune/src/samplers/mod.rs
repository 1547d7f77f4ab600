//! Samplers: where the next parameters come from.
//!
//! A [`Sampler`] sees the study's trials (through [`SamplerContext`]) and draws from the
//! trial's own seeded generator. Two kinds of draws, as in Optuna:
//!
//! - [`Sampler::sample_relative`] runs once when a trial starts and may propose several
//!   parameters jointly (multivariate TPE, a grid point). Parameters it proposes are used when
//!   the objective suggests them with a distribution that contains the value.
//! - [`Sampler::sample_independent`] proposes one parameter when the objective suggests a name
//!   the relative draw did not cover.
//!
//! [`Sampler::is_exhausted`] lets a finite sampler (the grid) end a study.

pub mod gp;
mod grid;
mod grid_order;
mod random;
mod sampler_config;
pub(crate) mod search_space;
pub mod tpe;

pub use gp::{GpConfig, GpNoise, GpSampler};
pub use grid::{GRID_ID_KEY, GridSampler};
pub use random::{RandomSampler, sample_uniform};
pub use sampler_config::SamplerConfig;
pub use search_space::intersection_search_space;
pub use tpe::{TpeConfig, TpeSampler};

use crate::distribution::Distribution;
use crate::error::Result;
use crate::frozen_trial::{FrozenTrial, StudyId};
use crate::param::ParamValue;
use crate::rng::TrialRng;
use crate::storage::Storage;
use crate::trial_state::Direction;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a sampler may look at: the study's storage, direction, seed and a snapshot of its trials.
#[derive(Clone, Copy)]
pub struct SamplerContext<'a> {
    /// The storage (for samplers that record bookkeeping in system attributes).
    pub storage: &'a dyn Storage,
    /// The study.
    pub study_id: StudyId,
    /// The study's direction.
    pub direction: Direction,
    /// The study's seed (for orders that must be the same for every trial, like the grid's).
    pub study_seed: u64,
    /// All trials of the study, in number order, as of the call (empty for a sampler whose
    /// [`Sampler::reads_trials`] is `false`).
    pub trials: &'a [Arc<FrozenTrial>],
}

/// Records the parameters a sampler proposed jointly for `trial` in its system attribute `key`,
/// so that other workers can treat the Running trial as a pending point (TPE's constant liar,
/// the GP's kriging believer).
pub(crate) fn record_proposal(
    ctx: &SamplerContext<'_>,
    trial: &FrozenTrial,
    key: &str,
    params: &BTreeMap<String, ParamValue>,
) -> Result<()> {
    ctx.storage
        .set_trial_system_attr(trial.id, key, serde_json::to_value(params)?)
}

/// Proposes parameter values. See the [module docs](self).
pub trait Sampler: Send + Sync + fmt::Debug {
    /// Proposes values for several parameters at once when `trial` starts. The default proposes
    /// nothing (every parameter is then sampled independently).
    fn sample_relative(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        rng: &mut TrialRng,
    ) -> Result<BTreeMap<String, ParamValue>> {
        let _ = (ctx, trial, rng);
        Ok(BTreeMap::new())
    }

    /// Proposes a value for one parameter.
    fn sample_independent(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        rng: &mut TrialRng,
    ) -> Result<ParamValue>;

    /// True when the sampler has nothing left to propose; the study then stops. Default: never.
    fn is_exhausted(&self, ctx: &SamplerContext<'_>) -> Result<bool> {
        let _ = ctx;
        Ok(false)
    }

    /// Whether the sampler looks at [`SamplerContext::trials`] (default: yes). A sampler that
    /// never does (random) returns `false`, and the study then hands it an empty list instead
    /// of reading every trial for each suggestion — a cost that grows with the study.
    fn reads_trials(&self) -> bool {
        true
    }
}

/// A boxed sampler (what [`SamplerConfig::build`] returns) is a sampler.
impl Sampler for Box<dyn Sampler> {
    fn sample_relative(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        rng: &mut TrialRng,
    ) -> Result<BTreeMap<String, ParamValue>> {
        (**self).sample_relative(ctx, trial, rng)
    }

    fn sample_independent(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        rng: &mut TrialRng,
    ) -> Result<ParamValue> {
        (**self).sample_independent(ctx, trial, name, distribution, rng)
    }

    fn is_exhausted(&self, ctx: &SamplerContext<'_>) -> Result<bool> {
        (**self).is_exhausted(ctx)
    }

    fn reads_trials(&self) -> bool {
        (**self).reads_trials()
    }
}
