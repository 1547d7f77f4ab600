//! Hyperband: several successive-halving brackets at once.

use super::successive_halving::{SuccessiveHalvingConfig, halving_decision};
use super::{Pruner, PrunerContext};
use crate::error::{Error, Result};
use crate::frozen_trial::FrozenTrial;
use serde::{Deserialize, Serialize};

/// Study system attribute that remembers the estimated maximum resource.
pub const MAX_RESOURCE_KEY: &str = "hyperband:max_resource";

/// The largest resource (steps) a trial uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxResource {
    /// The first Complete trial's `last_step + 1` (Optuna), kept in the study's system
    /// attributes so that every worker builds the same brackets.
    #[default]
    Auto,
    /// A fixed number of steps.
    Value(u64),
}

/// Settings of [`HyperbandPruner`] (Optuna's defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HyperbandConfig {
    /// Resource of the first rung (1).
    pub min_resource: u64,
    /// Largest resource (Auto).
    pub max_resource: MaxResource,
    /// η (3).
    pub reduction_factor: u64,
    /// Trials a rung needs before it promotes anyone (0).
    pub bootstrap_count: usize,
}

impl Default for HyperbandConfig {
    fn default() -> Self {
        HyperbandConfig {
            min_resource: 1,
            max_resource: MaxResource::Auto,
            reduction_factor: 3,
            bootstrap_count: 0,
        }
    }
}

/// Hyperband (Li et al. 2018) as Optuna's `HyperbandPruner`.
///
/// With `B = ⌊log_η(max_resource / min_resource)⌋ + 1` brackets, bracket `b` is a
/// successive-halving pruner with `min_early_stopping_rate = b`, and gets a trial budget
/// `⌈B · η^s / (s + 1)⌉`, `s = B − 1 − b`. A trial's bracket is
/// `crc32("{study_name}_{number}") mod Σ budgets`, walked through the budgets — the same hash
/// as Optuna, so the same trial lands in the same bracket. A trial only competes with the
/// trials of its own bracket. Unlike Optuna, the sampler is not restricted to the bracket's
/// trials. No decision until `max_resource` is known.
#[derive(Clone, Debug, Default)]
pub struct HyperbandPruner {
    config: HyperbandConfig,
}

impl HyperbandPruner {
    /// A pruner with validated settings.
    pub fn new(config: HyperbandConfig) -> Result<Self> {
        let bad = |name, reason: &str| {
            Err(Error::InvalidConfig {
                name,
                reason: reason.into(),
            })
        };
        if config.min_resource < 1 {
            return bad("min_resource", "must be at least 1");
        }
        if config.reduction_factor < 2 {
            return bad("reduction_factor", "must be at least 2");
        }
        match config.max_resource {
            MaxResource::Value(m) if m < config.min_resource => {
                return bad("max_resource", "must be at least min_resource");
            }
            MaxResource::Auto if config.bootstrap_count > 0 => {
                return bad(
                    "bootstrap_count",
                    "bootstrap_count > 0 needs a fixed max_resource, not Auto",
                );
            }
            _ => {}
        }
        Ok(HyperbandPruner { config })
    }

    fn max_resource(&self, ctx: &PrunerContext<'_>) -> Result<Option<u64>> {
        if let MaxResource::Value(v) = self.config.max_resource {
            return Ok(Some(v));
        }
        // As Optuna: one more than the last step of the completed trials.
        ctx.auto_resource(MAX_RESOURCE_KEY, |last| last.saturating_add(1))
    }

    /// The trial budgets of the brackets for a maximum resource (each saturated at
    /// `u64::MAX`; at most 65 brackets, as `η ≥ 2`).
    pub fn budgets(&self, max_resource: u64) -> Vec<u64> {
        let eta = self.config.reduction_factor as f64;
        let ratio = max_resource as f64 / self.config.min_resource as f64;
        let n = ((ratio.ln() / eta.ln()).floor() as i64)
            .saturating_add(1)
            .clamp(1, 65) as u64;
        (0..n)
            .map(|b| {
                let s = (n - 1 - b) as i32;
                (n as f64 * eta.powi(s) / (s + 1) as f64).ceil() as u64
            })
            .collect()
    }

    /// The bracket of trial `number` in study `study_name` (0 for empty `budgets`).
    pub fn bracket(&self, budgets: &[u64], study_name: &str, number: u64) -> usize {
        let total = budgets
            .iter()
            .fold(0u64, |a, &b| a.saturating_add(b))
            .max(1);
        let mut n = u64::from(crc32(format!("{study_name}_{number}").as_bytes())) % total;
        for (b, &budget) in budgets.iter().enumerate() {
            if n < budget {
                return b;
            }
            n -= budget;
        }
        budgets.len().saturating_sub(1)
    }
}

/// CRC-32 (IEEE, as Python's `binascii.crc32`).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

impl Pruner for HyperbandPruner {
    fn prune(&self, ctx: &PrunerContext<'_>, trial: &FrozenTrial) -> Result<bool> {
        let Some(max_resource) = self.max_resource(ctx)? else {
            return Ok(false);
        };
        let budgets = self.budgets(max_resource);
        let b = self.bracket(&budgets, ctx.study_name, trial.number);
        let same: Vec<&FrozenTrial> = ctx
            .trials
            .iter()
            .filter(|t| self.bracket(&budgets, ctx.study_name, t.number) == b)
            .map(|t| &**t)
            .collect();
        let sh = SuccessiveHalvingConfig {
            min_resource: super::MinResource::Value(self.config.min_resource),
            reduction_factor: self.config.reduction_factor,
            min_early_stopping_rate: b as u32,
            bootstrap_count: self.config.bootstrap_count,
        };
        halving_decision(ctx, &same, trial, self.config.min_resource, &sh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Python: import binascii; binascii.crc32(b"s_0"), binascii.crc32(b"123456789")
    #[test]
    fn crc32_matches_python() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    // Optuna HyperbandPruner(min_resource=1, max_resource=81, reduction_factor=3):
    //   n_brackets = floor(log(81, 3)) + 1 = 5 (math.log(81, 3) = 4.0)
    //   budgets s=4..0: ceil(5·81/5)=81, ceil(5·27/4)=34, ceil(5·9/3)=15, ceil(5·3/2)=8, ceil(5/1)=5
    #[test]
    fn budgets_match_optuna() {
        let p = HyperbandPruner::new(HyperbandConfig {
            max_resource: MaxResource::Value(81),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.budgets(81), vec![81, 34, 15, 8, 5]);
        assert_eq!(p.budgets(1), vec![1]);
        assert_eq!(p.budgets(100), vec![81, 34, 15, 8, 5]);
    }

    // Python: [binascii.crc32(f"hb_{i}".encode()) % 143 for i in range(14)] walked through the
    // budgets [81, 34, 15, 8, 5] gives the brackets of trials 0..14 of study "hb".
    #[test]
    fn brackets_follow_the_crc_of_name_and_number() {
        let p = HyperbandPruner::default();
        let budgets = p.budgets(81);
        let got: Vec<usize> = (0..14).map(|i| p.bracket(&budgets, "hb", i)).collect();
        assert_eq!(got, EXPECTED_BRACKETS);
    }
    const EXPECTED_BRACKETS: [usize; 14] = [0, 1, 0, 3, 0, 0, 0, 1, 1, 1, 1, 0, 3, 3];
}
