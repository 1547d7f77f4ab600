//! Pruning below a percentile of the other trials at the same step.

use super::{Pruner, PrunerContext};
use crate::error::{Error, Result};
use crate::frozen_trial::FrozenTrial;
use crate::trial_state::{Direction, TrialState};
use serde::{Deserialize, Serialize};

/// Settings of [`PercentilePruner`] (Optuna's defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PercentileConfig {
    /// Keep the trials in the top `percentile` percent (0–100).
    pub percentile: f64,
    /// No pruning until this many trials are Complete (5).
    pub n_startup_trials: usize,
    /// No pruning before this step (0).
    pub n_warmup_steps: u64,
    /// Check every this many steps after the warm-up (1).
    pub interval_steps: u64,
    /// No pruning unless at least this many Complete trials reported the step (1).
    pub n_min_trials: usize,
}

impl Default for PercentileConfig {
    fn default() -> Self {
        PercentileConfig {
            percentile: 50.0,
            n_startup_trials: 5,
            n_warmup_steps: 0,
            interval_steps: 1,
            n_min_trials: 1,
        }
    }
}

/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the
/// Complete trials' values at the current step (Optuna's `PercentilePruner`).
///
/// At step `s` (the trial's last report): no decision before `n_startup_trials` Complete trials,
/// before `n_warmup_steps`, or when `s` is not the first report in its interval
/// (`n_warmup_steps + k·interval_steps`). A trial whose reports are all NaN is pruned. The
/// percentile (numpy's linear interpolation, NaN ignored) is taken over the Complete trials that
/// reported step `s` — at least `n_min_trials` of them; when maximizing, the `100 − p`
/// percentile. Prune when the trial's best value is strictly worse.
#[derive(Clone, Debug)]
pub struct PercentilePruner {
    config: PercentileConfig,
}

impl PercentilePruner {
    /// A pruner with validated settings.
    pub fn new(config: PercentileConfig) -> Result<Self> {
        let bad = |name, reason: String| Err(Error::InvalidConfig { name, reason });
        if !(0.0..=100.0).contains(&config.percentile) {
            return bad(
                "percentile",
                format!("must be in [0, 100], got {}", config.percentile),
            );
        }
        if config.interval_steps < 1 {
            return bad("interval_steps", "must be at least 1".into());
        }
        if config.n_min_trials < 1 {
            return bad("n_min_trials", "must be at least 1".into());
        }
        Ok(PercentilePruner { config })
    }

    /// The settings.
    pub fn config(&self) -> &PercentileConfig {
        &self.config
    }
}

/// Optuna's `_is_first_in_interval_step`.
fn is_first_in_interval(
    step: u64,
    steps: impl Iterator<Item = u64>,
    warmup: u64,
    interval: u64,
) -> bool {
    let nearest_lower = (step - warmup) / interval * interval + warmup;
    let second_last = steps.filter(|&s| s != step).max();
    second_last.is_none_or(|s| s < nearest_lower)
}

/// numpy's `nanpercentile(values, q)` with linear interpolation; NaN when no finite value.
pub(crate) fn nan_percentile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let t = pos - lo as f64;
    let (a, b) = (v[lo], v[hi]);
    // numpy's _lerp: a + (b - a)·t, computed from the nearer end for t ≥ 0.5.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

impl Pruner for PercentilePruner {
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool> {
        let c = &self.config;
        let complete: Vec<&FrozenTrial> = ctx
            .trials
            .iter()
            .filter(|t| t.state == TrialState::Complete)
            .map(|t| &**t)
            .collect();
        if complete.is_empty() || complete.len() < c.n_startup_trials {
            return Ok(false);
        }
        let Some(step) = trial.last_step() else {
            return Ok(false);
        };
        if step < c.n_warmup_steps {
            return Ok(false);
        }
        if !is_first_in_interval(
            step,
            trial.intermediate_values.keys().copied(),
            c.n_warmup_steps,
            c.interval_steps,
        ) {
            return Ok(false);
        }
        let values = trial
            .intermediate_values
            .values()
            .copied()
            .filter(|v| !v.is_nan());
        let best = match ctx.direction {
            Direction::Minimize => values.fold(f64::NAN, f64::min),
            Direction::Maximize => values.fold(f64::NAN, f64::max),
        };
        if best.is_nan() {
            return Ok(true);
        }
        let at_step: Vec<f64> = complete
            .iter()
            .filter_map(|t| t.intermediate_values.get(&step).copied())
            .collect();
        if at_step.len() < c.n_min_trials {
            return Ok(false);
        }
        let q = match ctx.direction {
            Direction::Minimize => c.percentile,
            Direction::Maximize => 100.0 - c.percentile,
        };
        let p = nan_percentile(&at_step, q);
        if p.is_nan() {
            return Ok(false);
        }
        Ok(match ctx.direction {
            Direction::Maximize => best < p,
            Direction::Minimize => best > p,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::frozen_trial::TrialId;
    use crate::storage::InMemoryStorage;
    use crate::trial_state::Direction;
    use std::sync::Arc;

    pub(crate) fn trial(
        number: u64,
        state: TrialState,
        reports: &[(u64, f64)],
    ) -> Arc<FrozenTrial> {
        let mut t = FrozenTrial::new(TrialId(number), number, state);
        t.intermediate_values = reports.iter().copied().collect();
        Arc::new(t)
    }

    pub(crate) fn decide(
        p: &dyn Pruner,
        dir: Direction,
        trials: &[Arc<FrozenTrial>],
        t: &FrozenTrial,
    ) -> bool {
        let storage = InMemoryStorage::new();
        let ctx = PrunerContext {
            storage: &storage,
            study_id: crate::frozen_trial::StudyId(0),
            study_name: "s",
            direction: dir,
            trials,
        };
        p.prune(&ctx, t).unwrap()
    }

    // numpy: np.nanpercentile([1, 2, 3, 4], 25) = 1.75; ([5, nan, 1], 50) = 3.0; ([2], 90) = 2.0
    #[test]
    fn percentile_matches_numpy() {
        assert_eq!(nan_percentile(&[4.0, 1.0, 3.0, 2.0], 25.0), 1.75);
        assert_eq!(nan_percentile(&[5.0, f64::NAN, 1.0], 50.0), 3.0);
        assert_eq!(nan_percentile(&[2.0], 90.0), 2.0);
        assert!(nan_percentile(&[f64::NAN], 50.0).is_nan());
    }

    // Five complete trials reported 1, 2, 3, 4, 5 at step 1. The 25th percentile (minimize) is
    // 2.0; a trial whose best value so far is 2.5 is pruned, 2.0 is not (strictly worse only).
    // Maximizing uses the 75th percentile, 4.0: 3.9 is pruned, 4.0 is kept.
    #[test]
    fn prunes_strictly_worse_than_the_percentile() {
        let done: Vec<_> = (0..5)
            .map(|i| trial(i, TrialState::Complete, &[(1, (i + 1) as f64)]))
            .collect();
        let p = PercentilePruner::new(PercentileConfig {
            percentile: 25.0,
            ..Default::default()
        })
        .unwrap();
        let mut all = done.clone();
        let cur = trial(5, TrialState::Running, &[(0, 9.0), (1, 2.5)]);
        all.push(cur.clone());
        assert!(decide(&p, Direction::Minimize, &all, &cur));
        let cur = trial(5, TrialState::Running, &[(0, 2.0), (1, 9.0)]);
        assert!(
            !decide(&p, Direction::Minimize, &all, &cur),
            "the best value over steps counts"
        );
        let cur = trial(5, TrialState::Running, &[(1, 3.9)]);
        assert!(decide(&p, Direction::Maximize, &all, &cur));
        let cur = trial(5, TrialState::Running, &[(1, 4.0)]);
        assert!(!decide(&p, Direction::Maximize, &all, &cur));
    }

    #[test]
    fn startup_warmup_interval_and_min_trials_hold_back() {
        let done: Vec<_> = (0..5)
            .map(|i| trial(i, TrialState::Complete, &[(4, 1.0), (6, 1.0)]))
            .collect();
        let bad = trial(9, TrialState::Running, &[(4, 5.0)]);
        let base = PercentileConfig {
            percentile: 50.0,
            ..Default::default()
        };
        let p = PercentilePruner::new(base.clone()).unwrap();
        assert!(decide(&p, Direction::Minimize, &done, &bad));
        assert!(
            !decide(&p, Direction::Minimize, &done[..4], &bad),
            "4 < n_startup_trials = 5"
        );
        let p = PercentilePruner::new(PercentileConfig {
            n_warmup_steps: 5,
            ..base.clone()
        })
        .unwrap();
        assert!(
            !decide(&p, Direction::Minimize, &done, &bad),
            "step 4 < warm-up 5"
        );
        // Interval 3 from warm-up 0: checks at steps 0, 3, 6. Step 4 after a report at step 3
        // is not the first report of its interval; after a report at step 2 it is.
        let p = PercentilePruner::new(PercentileConfig {
            interval_steps: 3,
            ..base.clone()
        })
        .unwrap();
        let t = trial(9, TrialState::Running, &[(3, 5.0), (4, 5.0)]);
        assert!(!decide(&p, Direction::Minimize, &done, &t));
        let t = trial(9, TrialState::Running, &[(2, 5.0), (4, 5.0)]);
        assert!(decide(&p, Direction::Minimize, &done, &t));
        let p = PercentilePruner::new(PercentileConfig {
            n_min_trials: 6,
            ..base
        })
        .unwrap();
        assert!(
            !decide(&p, Direction::Minimize, &done, &bad),
            "only 5 trials reported step 4"
        );
        let nan = trial(9, TrialState::Running, &[(4, f64::NAN)]);
        let p = PercentilePruner::new(PercentileConfig::default()).unwrap();
        assert!(
            decide(&p, Direction::Minimize, &done, &nan),
            "all-NaN reports are pruned"
        );
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(
            PercentilePruner::new(PercentileConfig {
                percentile: 120.0,
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            PercentilePruner::new(PercentileConfig {
                interval_steps: 0,
                ..Default::default()
            })
            .is_err()
        );
    }
}
