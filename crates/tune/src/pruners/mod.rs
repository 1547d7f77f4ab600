//! Pruners: stop unpromising trials early from their intermediate values.
//!
//! A [`Pruner`] answers one question — should this trial stop now? — from the study's trials
//! and the trial's reports. The objective asks with [`crate::Trial::should_prune`] after each
//! [`crate::Trial::report`] and returns `Err(TrialError::Pruned)` when told to.

mod hyperband;
mod median;
mod nop;
mod percentile;
mod pruner_config;
mod successive_halving;

pub use hyperband::{HyperbandConfig, HyperbandPruner, MAX_RESOURCE_KEY, MaxResource};
pub use median::MedianPruner;
pub use nop::NopPruner;
pub use percentile::{PercentileConfig, PercentilePruner};
pub use pruner_config::PrunerConfig;
pub use successive_halving::{
    MIN_RESOURCE_KEY, MinResource, SuccessiveHalvingConfig, SuccessiveHalvingPruner,
};

use crate::error::Result;
use crate::frozen_trial::{FrozenTrial, StudyId};
use crate::storage::Storage;
use crate::trial_state::Direction;
use std::fmt;
use std::sync::Arc;

/// What a pruner may look at: the study (name, direction, storage for bookkeeping) and a
/// snapshot of its trials taken when the question was asked.
#[derive(Clone, Copy)]
pub struct PrunerContext<'a> {
    /// The storage (pruners that keep rungs write system attributes).
    pub storage: &'a dyn Storage,
    /// The study.
    pub study_id: StudyId,
    /// The study's name (Hyperband hashes it into bracket ids).
    pub study_name: &'a str,
    /// The study's direction.
    pub direction: Direction,
    /// All trials of the study, in number order.
    pub trials: &'a [Arc<FrozenTrial>],
}

impl PrunerContext<'_> {
    /// A study-wide resource bound that "auto" settings derive once and keep: the value
    /// stored in the study's system attribute `key` if there is one; otherwise
    /// `derive(last step)` of the longest Complete trial, stored under `key` so that every
    /// worker uses the same value afterwards; `None` while no trial has completed.
    pub(crate) fn auto_resource(
        &self,
        key: &str,
        derive: impl Fn(u64) -> u64,
    ) -> Result<Option<u64>> {
        let stored = self.storage.study_system_attrs(self.study_id)?;
        if let Some(v) = stored.get(key).and_then(serde_json::Value::as_u64) {
            return Ok(Some(v));
        }
        let last = self
            .trials
            .iter()
            .filter(|t| t.state == crate::trial_state::TrialState::Complete)
            .filter_map(|t| t.last_step())
            .max();
        let Some(last) = last else { return Ok(None) };
        let v = derive(last);
        self.storage
            .set_study_system_attr(self.study_id, key, v.into())?;
        Ok(Some(v))
    }
}

/// Decides whether a running trial should stop.
pub trait Pruner: Send + Sync + fmt::Debug {
    /// True to prune `trial` (a fresh snapshot, with its reports so far).
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool>;
}

/// A boxed pruner (what [`PrunerConfig::build`] returns) is a pruner.
impl Pruner for Box<dyn Pruner> {
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool> {
        (**self).prune(ctx, trial)
    }
}
