//! Pruning below the median.

use super::percentile::{PercentileConfig, PercentilePruner};
use super::{Pruner, PrunerContext};
use crate::error::Result;
use crate::frozen_trial::FrozenTrial;

/// Prunes a trial whose best intermediate value is worse than the median of the Complete
/// trials' values at the same step — [`PercentilePruner`] at 50 %, Optuna's `MedianPruner`
/// (`n_startup_trials = 5`, `n_warmup_steps = 0`, `interval_steps = 1`, `n_min_trials = 1`).
#[derive(Clone, Debug)]
pub struct MedianPruner {
    inner: PercentilePruner,
}

impl MedianPruner {
    /// A median pruner; `config.percentile` is ignored (always 50).
    pub fn new(config: PercentileConfig) -> Result<Self> {
        Ok(MedianPruner {
            inner: PercentilePruner::new(PercentileConfig {
                percentile: 50.0,
                ..config
            })?,
        })
    }
}

impl Default for MedianPruner {
    fn default() -> Self {
        MedianPruner {
            inner: PercentilePruner::new(PercentileConfig::default()).expect("defaults are valid"),
        }
    }
}

impl Pruner for MedianPruner {
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool> {
        self.inner.prune(ctx, trial)
    }
}

#[cfg(test)]
mod tests {
    use super::super::percentile::tests::{decide, trial};
    use super::*;
    use crate::trial_state::{Direction, TrialState};

    // Complete trials reported 1, 2, 3, 4, 10 at step 0: the median is 3.
    #[test]
    fn prunes_above_the_median_when_minimizing() {
        let mut all: Vec<_> = [1.0, 2.0, 3.0, 4.0, 10.0]
            .iter()
            .enumerate()
            .map(|(i, v)| trial(i as u64, TrialState::Complete, &[(0, *v)]))
            .collect();
        let p = MedianPruner::default();
        let worse = trial(5, TrialState::Running, &[(0, 3.5)]);
        let equal = trial(6, TrialState::Running, &[(0, 3.0)]);
        all.push(worse.clone());
        assert!(decide(&p, Direction::Minimize, &all, &worse));
        assert!(!decide(&p, Direction::Minimize, &all, &equal));
        assert!(
            !decide(&p, Direction::Maximize, &all, &worse),
            "3.5 beats the median when maximizing"
        );
        // A pruned or running trial's reports never count, only Complete ones.
        all.push(trial(7, TrialState::Pruned, &[(0, 100.0)]));
        assert!(decide(&p, Direction::Minimize, &all, &worse));
    }
}
