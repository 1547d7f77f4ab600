//! Pruners: stop unpromising trials early from their intermediate values.
//!
//! A [`Pruner`] answers one question — should this trial stop now? — from the study's trials
//! and the trial's reports. The objective asks with [`crate::Trial::should_prune`] after each
//! [`crate::Trial::report`] and returns `Err(TrialError::Pruned)` when told to.

mod hyperband;
mod median;
mod nop;
mod percentile;
mod successive_halving;

pub use hyperband::{HyperbandConfig, HyperbandPruner, MaxResource};
pub use median::MedianPruner;
pub use nop::NopPruner;
pub use percentile::{PercentileConfig, PercentilePruner};
pub use successive_halving::{MinResource, SuccessiveHalvingConfig, SuccessiveHalvingPruner};

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

/// Decides whether a running trial should stop.
pub trait Pruner: Send + Sync + fmt::Debug {
    /// True to prune `trial` (a fresh snapshot, with its reports so far).
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool>;
}
