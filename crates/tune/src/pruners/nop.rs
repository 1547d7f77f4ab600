//! The pruner that never prunes.

use super::{Pruner, PrunerContext};
use crate::error::Result;
use crate::frozen_trial::FrozenTrial;

/// Never prunes (Optuna's `NopPruner`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NopPruner;

impl Pruner for NopPruner {
    fn prune(&self, _ctx: &PrunerContext<'_>, _trial: &FrozenTrial) -> Result<bool> {
        Ok(false)
    }
}
