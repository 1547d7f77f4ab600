//! Asynchronous successive halving (ASHA).

use super::{Pruner, PrunerContext};
use crate::error::{Error, Result};
use crate::frozen_trial::FrozenTrial;
use crate::trial_state::Direction;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Study system attribute that remembers the estimated minimum resource.
pub const MIN_RESOURCE_KEY: &str = "successive_halving:min_resource";

/// The resource (steps) of the first rung.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinResource {
    /// Estimated once from the first Complete trials: `max(last_step / 100, 1)`, then kept in
    /// the study's system attributes so every worker uses the same value.
    #[default]
    Auto,
    /// A fixed number of steps (≥ 1).
    Value(u64),
}

/// Settings of [`SuccessiveHalvingPruner`] (Optuna's defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuccessiveHalvingConfig {
    /// Resource of rung 0.
    pub min_resource: MinResource,
    /// η: rung `r` sits at `min_resource · η^(min_early_stopping_rate + r)`; the top `1/η` of a
    /// rung is promoted (4).
    pub reduction_factor: u64,
    /// s: skips the first `s` rungs (0).
    pub min_early_stopping_rate: u32,
    /// Trials a rung needs before it promotes anyone (0).
    pub bootstrap_count: usize,
}

impl Default for SuccessiveHalvingConfig {
    fn default() -> Self {
        SuccessiveHalvingConfig {
            min_resource: MinResource::Auto,
            reduction_factor: 4,
            min_early_stopping_rate: 0,
            bootstrap_count: 0,
        }
    }
}

/// Asynchronous successive halving (Li et al. 2020), as Optuna's `SuccessiveHalvingPruner`.
///
/// A trial at step `t`, having completed rungs `0..r` (system attributes `completed_rung_i`),
/// reaches rung `r` when `t ≥ min_resource · η^(s + r)`. It then records its current value as
/// `completed_rung_r` and competes with every trial that recorded that rung: with `n`
/// competitors (itself included) it survives when it ranks among the top `max(⌊n / η⌋, 1)`;
/// otherwise (or with at most `bootstrap_count` competitors, or a NaN value) it is pruned. A
/// survivor checks the next rung at once. No decision below the first rung, nor for rungs
/// whose step overflows `u64`. Rung values of ±∞ are recorded as ±`f64::MAX` (JSON has no
/// infinity), which keeps their rank among finite values.
#[derive(Clone, Debug, Default)]
pub struct SuccessiveHalvingPruner {
    config: SuccessiveHalvingConfig,
}

impl SuccessiveHalvingPruner {
    /// A pruner with validated settings.
    pub fn new(config: SuccessiveHalvingConfig) -> Result<Self> {
        if config.reduction_factor < 2 {
            return Err(Error::InvalidConfig {
                name: "reduction_factor",
                reason: format!("must be at least 2, got {}", config.reduction_factor),
            });
        }
        match config.min_resource {
            MinResource::Value(0) => {
                return Err(Error::InvalidConfig {
                    name: "min_resource",
                    reason: "must be at least 1".into(),
                });
            }
            MinResource::Auto if config.bootstrap_count > 0 => {
                return Err(Error::InvalidConfig {
                    name: "bootstrap_count",
                    reason: "bootstrap_count > 0 needs a fixed min_resource, not Auto".into(),
                });
            }
            _ => {}
        }
        Ok(SuccessiveHalvingPruner { config })
    }

    /// The settings.
    pub fn config(&self) -> &SuccessiveHalvingConfig {
        &self.config
    }

    fn min_resource(&self, ctx: &PrunerContext<'_>) -> Result<Option<u64>> {
        if let MinResource::Value(v) = self.config.min_resource {
            return Ok(Some(v));
        }
        // As Optuna: a hundredth of the completed trials' last step, at least 1.
        ctx.auto_resource(MIN_RESOURCE_KEY, |last| (last / 100).max(1))
    }
}

/// The rung loop shared with Hyperband: `competitors` are the trials to compare with.
pub(crate) fn halving_decision(
    ctx: &PrunerContext<'_>,
    competitors: &[&FrozenTrial],
    trial: &FrozenTrial,
    min_resource: u64,
    config: &SuccessiveHalvingConfig,
) -> Result<bool> {
    let Some((&step, &value)) = trial.intermediate_values.iter().next_back() else {
        return Ok(false);
    };
    let mut rung = 0u32;
    while trial.system_attrs.contains_key(&rung_key(rung)) {
        rung += 1;
    }
    loop {
        let promotion_step = config
            .min_early_stopping_rate
            .checked_add(rung)
            .and_then(|e| config.reduction_factor.checked_pow(e))
            .and_then(|p| p.checked_mul(min_resource));
        match promotion_step {
            Some(p) if step >= p => {}
            _ => return Ok(false),
        }
        if value.is_nan() {
            return Ok(true);
        }
        let key = rung_key(rung);
        ctx.storage
            .set_trial_system_attr(trial.id, &key, rung_value(value).into())?;
        let mut competing: Vec<f64> = competitors
            .iter()
            .filter(|t| t.id != trial.id)
            .filter_map(|t| t.system_attrs.get(&key).and_then(Value::as_f64))
            .collect();
        competing.push(value);
        if competing.len() <= config.bootstrap_count {
            return Ok(true);
        }
        if !promotable(
            value,
            &mut competing,
            config.reduction_factor,
            ctx.direction,
        ) {
            return Ok(true);
        }
        rung += 1;
    }
}

/// A rung value as the storage keeps it: JSON has no infinity, so ±∞ are recorded as
/// ±`f64::MAX` (they were lost as `null`, and the trial then competed with nobody).
fn rung_value(value: f64) -> f64 {
    value.clamp(-f64::MAX, f64::MAX)
}

fn rung_key(rung: u32) -> String {
    format!("completed_rung_{rung}")
}

/// Optuna's `_is_trial_promotable_to_next_rung`.
fn promotable(
    value: f64,
    competing: &mut [f64],
    reduction_factor: u64,
    direction: Direction,
) -> bool {
    let idx = (competing.len() / reduction_factor as usize).saturating_sub(1);
    competing.sort_by(f64::total_cmp);
    match direction {
        Direction::Maximize => value >= competing[competing.len() - 1 - idx],
        Direction::Minimize => value <= competing[idx],
    }
}

impl Pruner for SuccessiveHalvingPruner {
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool> {
        if trial.last_step().is_none() {
            return Ok(false);
        }
        let Some(min_resource) = self.min_resource(ctx)? else {
            return Ok(false);
        };
        let competitors: Vec<&FrozenTrial> = ctx.trials.iter().map(|t| &**t).collect();
        halving_decision(ctx, &competitors, trial, min_resource, &self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TrialState;
    use crate::storage::{InMemoryStorage, Storage};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    /// Runs one report of a live trial through the pruner against the storage's trials.
    fn report(
        s: &InMemoryStorage,
        p: &dyn Pruner,
        study: crate::StudyId,
        id: crate::TrialId,
        step: u64,
        v: f64,
    ) -> bool {
        s.set_trial_intermediate_value(id, step, v).unwrap();
        let trials = s.get_all_trials(study, None).unwrap();
        let t = s.get_trial(id).unwrap();
        let ctx = PrunerContext {
            storage: s,
            study_id: study,
            study_name: "s",
            direction: Direction::Minimize,
            trials: &trials,
        };
        p.prune(&ctx, &t).unwrap()
    }

    // Hand-computed: min_resource 1, η = 2, s = 0 -> rungs at steps 1, 2, 4, 8.
    // Trial A reports 1.0 at steps 1, 2, 4: alone in each rung, promoted (top max(⌊1/2⌋,1)=1).
    // Trial B reports 2.0 at step 1: rung 0 holds {1.0, 2.0}, top ⌊2/2⌋ = 1 is 1.0 -> pruned.
    // Trial C reports 0.5 at step 1 (rung 0 {1, 2, 0.5}: top 1 is 0.5 -> promoted), then 3.0 at
    // step 2: rung 1 {1.0, 3.0}, top 1 is 1.0 -> pruned.
    #[test]
    fn rungs_promote_the_top_fraction() {
        let s = InMemoryStorage::new();
        let study = s.create_study("s", Direction::Minimize).unwrap();
        let p = SuccessiveHalvingPruner::new(SuccessiveHalvingConfig {
            min_resource: MinResource::Value(1),
            reduction_factor: 2,
            ..Default::default()
        })
        .unwrap();
        let new = || {
            s.create_trial(study, TrialState::Running, BTreeMap::new())
                .unwrap()
                .id
        };
        let a = new();
        assert!(
            !report(&s, &p, study, a, 0, 1.0),
            "below the first rung: no decision"
        );
        for step in [1, 2, 4] {
            assert!(!report(&s, &p, study, a, step, 1.0));
        }
        let ta = s.get_trial(a).unwrap();
        assert_eq!(
            ta.system_attrs.keys().collect::<Vec<_>>(),
            vec!["completed_rung_0", "completed_rung_1", "completed_rung_2"]
        );
        let b = new();
        assert!(report(&s, &p, study, b, 1, 2.0));
        let c = new();
        assert!(!report(&s, &p, study, c, 1, 0.5));
        assert!(report(&s, &p, study, c, 2, 3.0));
        assert!(
            !report(&s, &p, study, c, 1, f64::NAN),
            "a step below the next rung decides nothing"
        );
    }

    #[test]
    fn auto_min_resource_is_estimated_once_and_stored() {
        let s = InMemoryStorage::new();
        let study = s.create_study("s", Direction::Minimize).unwrap();
        let p = SuccessiveHalvingPruner::default();
        let t = s
            .create_trial(study, TrialState::Running, BTreeMap::new())
            .unwrap()
            .id;
        assert!(
            !report(&s, &p, study, t, 500, 1.0),
            "no Complete trial: no estimate, no decision"
        );
        let done = s
            .create_trial(study, TrialState::Running, BTreeMap::new())
            .unwrap()
            .id;
        s.set_trial_intermediate_value(done, 349, 1.0).unwrap();
        s.set_trial_state_value(done, TrialState::Complete, Some(1.0))
            .unwrap();
        report(&s, &p, study, t, 501, 1.0);
        assert_eq!(
            s.study_system_attrs(study).unwrap()[MIN_RESOURCE_KEY],
            Value::from(3u64),
            "349 / 100 = 3"
        );
        let _ = Arc::new(0);
    }

    #[test]
    fn promotion_rule_matches_optuna() {
        // 8 competitors, η = 4: top ⌊8/4⌋ = 2 survive.
        let mut v = vec![5.0, 1.0, 7.0, 3.0, 2.0, 8.0, 6.0, 4.0];
        assert!(promotable(2.0, &mut v.clone(), 4, Direction::Minimize));
        assert!(!promotable(3.0, &mut v.clone(), 4, Direction::Minimize));
        assert!(promotable(7.0, &mut v.clone(), 4, Direction::Maximize));
        assert!(!promotable(6.0, &mut v, 4, Direction::Maximize));
    }

    #[test]
    fn bad_settings_are_errors() {
        let c = SuccessiveHalvingConfig {
            reduction_factor: 1,
            ..Default::default()
        };
        assert!(SuccessiveHalvingPruner::new(c).is_err());
        let c = SuccessiveHalvingConfig {
            bootstrap_count: 2,
            ..Default::default()
        };
        assert!(
            SuccessiveHalvingPruner::new(c)
                .unwrap_err()
                .to_string()
                .contains("bootstrap_count")
        );
    }
}
