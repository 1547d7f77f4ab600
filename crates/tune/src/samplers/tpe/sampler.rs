//! The TPE sampler: Optuna 5's `TPESampler`.

use super::config::{TpeConfig, TpeMode, Weighting};
use super::parzen_estimator::ParzenEstimator;
use super::split::split_trials;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::frozen_trial::FrozenTrial;
use crate::param::ParamValue;
use crate::rng::TrialRng;
use crate::samplers::random::sample_uniform;
use crate::samplers::search_space::intersection_search_space;
use crate::samplers::{Sampler, SamplerContext};
use crate::trial_state::TrialState;
use std::collections::BTreeMap;

/// System attribute in which a Running trial shares its relative parameters (constant liar).
pub const RELATIVE_PARAMS_KEY: &str = "tpe:relative_params";

/// Tree-structured Parzen Estimator, with Optuna 5's defaults ([`TpeConfig::default`]).
///
/// Per proposal:
/// 1. Fewer than `n_startup_trials` finished (Complete + Pruned) trials: uniform random.
/// 2. Multivariate mode: the search space is the intersection of the finished trials'
///    distributions (pruned included, single values dropped); other names are sampled by the
///    same algorithm on a one-parameter space when suggested.
/// 3. Trials used: Complete, Pruned, and — with the constant liar — the other Running trials
///    (with the parameters they suggested or were proposed). `n` = the non-Running ones;
///    `n_below = gamma(n)`; [`split`](super::split) puts them in the good and bad groups.
/// 4. Only trials with every parameter of the space are observations. Two Parzen estimators
///    `l(x)` (good) and `g(x)` (bad) are built; 24 candidates are drawn from `l(x)` and the one
///    with the largest `ln l(x) − ln g(x)` wins.
///
/// Deliberate differences from Optuna: candidates are drawn from the trial's own stream
/// (seeded by study seed and trial number) rather than one sampler-wide generator, so parallel
/// and resumed studies stay reproducible per trial; the constant liar's relative parameters are
/// stored as one JSON object instead of 2045-character chunks; truncated-normal draws are
/// clamped into the bounds after the inverse CDF.
#[derive(Clone, Debug, Default)]
pub struct TpeSampler {
    config: TpeConfig,
}

impl TpeSampler {
    /// A sampler with the given settings (validated).
    pub fn new(config: TpeConfig) -> Result<Self> {
        config.validate()?;
        Ok(TpeSampler { config })
    }

    /// The settings.
    pub fn config(&self) -> &TpeConfig {
        &self.config
    }

    fn n_finished(ctx: &SamplerContext<'_>) -> usize {
        ctx.trials
            .iter()
            .filter(|t| matches!(t.state, TrialState::Complete | TrialState::Pruned))
            .count()
    }

    /// One TPE proposal for the parameters `space`.
    fn propose(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        space: &[(&str, &Distribution)],
        rng: &mut TrialRng,
    ) -> Result<Vec<ParamValue>> {
        let c = &self.config;
        let trials: Vec<&FrozenTrial> = ctx
            .trials
            .iter()
            .map(|t| &**t)
            .filter(|t| match t.state {
                TrialState::Complete | TrialState::Pruned => true,
                TrialState::Running => c.constant_liar && t.number != trial.number,
                _ => false,
            })
            .collect();
        let n = trials
            .iter()
            .filter(|t| t.state != TrialState::Running)
            .count();
        let (below, above) = split_trials(&trials, c.gamma.n_below(n), ctx.direction);

        let (cols_below, obs_below) = observations(&below, space);
        let (cols_above, obs_above) = observations(&above, space);
        let (w_below, prior_below) = match c.weighting {
            Weighting::OldDecay => (Weighting::old_decay(obs_below.len()), c.prior_weight),
            Weighting::Uniform => (vec![1.0; obs_below.len()], c.prior_weight),
            Weighting::ExpectedImprovement => ei_weights(ctx, &below, &obs_below, c.prior_weight),
        };
        let w_above = match c.weighting {
            Weighting::OldDecay => Weighting::old_decay(obs_above.len()),
            _ => vec![1.0; obs_above.len()],
        };
        let dists: Vec<&Distribution> = space.iter().map(|(_, d)| *d).collect();
        let l = ParzenEstimator::new(&cols_below, &dists, &w_below, prior_below, c);
        let g = ParzenEstimator::new(&cols_above, &dists, &w_above, c.prior_weight, c);

        let candidates = l.sample(rng, c.n_ei_candidates);
        let ll = l.log_pdf(&candidates);
        let lg = g.log_pdf(&candidates);
        let mut best = 0;
        let mut best_score = f64::NEG_INFINITY;
        for (i, (a, b)) in ll.iter().zip(&lg).enumerate() {
            let score = a - b;
            if score > best_score {
                best = i;
                best_score = score;
            }
        }
        Ok(dists
            .iter()
            .zip(&candidates)
            .map(|(d, col)| d.from_internal(col[best]))
            .collect())
    }
}

/// The observation matrix of `trials` over `space`, column-major, in internal representation;
/// with the indices (into `trials`) of the trials that have every parameter of the space.
/// Running trials contribute the parameters shared under [`RELATIVE_PARAMS_KEY`] as well.
fn observations(
    trials: &[&FrozenTrial],
    space: &[(&str, &Distribution)],
) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(trials.len()); space.len()];
    let mut kept = Vec::with_capacity(trials.len());
    let mut row = vec![0.0; space.len()];
    'trials: for (i, t) in trials.iter().enumerate() {
        let relative = match t.state {
            TrialState::Running => t
                .system_attrs
                .get(RELATIVE_PARAMS_KEY)
                .and_then(|v| v.as_object()),
            _ => None,
        };
        for (slot, (name, dist)) in row.iter_mut().zip(space) {
            let value = match t.params.get(*name) {
                Some(v) => dist.to_internal(v),
                None => relative
                    .and_then(|r| r.get(*name))
                    .and_then(|v| serde_json::from_value::<ParamValue>(v.clone()).ok())
                    .and_then(|v| dist.to_internal(&v)),
            };
            match value {
                Some(x) if x.is_finite() => *slot = x,
                _ => continue 'trials,
            }
        }
        for (col, &x) in cols.iter_mut().zip(&row) {
            col.push(x);
        }
        kept.push(i);
    }
    (cols, kept)
}

/// Watanabe's EI weights for the good group: `max(1e-12, y* − yᵢ)` with `y*` the best loss among
/// the finished trials outside the good group; prior weight = their mean. Uniform when no `y*`.
fn ei_weights(
    ctx: &SamplerContext<'_>,
    below: &[&FrozenTrial],
    kept: &[usize],
    prior_weight: f64,
) -> (Vec<f64>, f64) {
    let loss = |t: &FrozenTrial| t.value.map(|v| ctx.direction.to_loss(v));
    let threshold = ctx
        .trials
        .iter()
        .filter(|t| matches!(t.state, TrialState::Complete | TrialState::Pruned))
        .filter(|t| !below.iter().any(|b| b.number == t.number))
        .filter_map(|t| loss(t))
        .fold(f64::INFINITY, f64::min);
    if !threshold.is_finite() || kept.is_empty() {
        return (vec![1.0; kept.len()], prior_weight);
    }
    let w: Vec<f64> = kept
        .iter()
        .map(|&i| (threshold - loss(below[i]).unwrap_or(threshold)).max(1e-12))
        .collect();
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    (w, mean)
}

impl Sampler for TpeSampler {
    fn sample_relative(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        rng: &mut TrialRng,
    ) -> Result<BTreeMap<String, ParamValue>> {
        if self.config.mode != TpeMode::Multivariate
            || Self::n_finished(ctx) < self.config.n_startup_trials
        {
            return Ok(BTreeMap::new());
        }
        let space = intersection_search_space(ctx.trials, true);
        if space.is_empty() {
            return Ok(BTreeMap::new());
        }
        let space_refs: Vec<(&str, &Distribution)> =
            space.iter().map(|(n, d)| (n.as_str(), d)).collect();
        let values = self.propose(ctx, trial, &space_refs, rng)?;
        let params: BTreeMap<String, ParamValue> = space.into_keys().zip(values).collect();
        if self.config.constant_liar {
            ctx.storage.set_trial_system_attr(
                trial.id,
                RELATIVE_PARAMS_KEY,
                serde_json::to_value(&params)?,
            )?;
        }
        Ok(params)
    }

    fn sample_independent(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        rng: &mut TrialRng,
    ) -> Result<ParamValue> {
        if Self::n_finished(ctx) < self.config.n_startup_trials {
            return Ok(sample_uniform(distribution, rng));
        }
        let mut v = self.propose(ctx, trial, &[(name, distribution)], rng)?;
        Ok(v.pop().unwrap_or_else(|| sample_uniform(distribution, rng)))
    }
}
