//! The TPE sampler: Optuna 5's `TPESampler`.

use super::config::{TpeConfig, TpeMode, Weighting};
use super::parzen_estimator::{ParzenEstimator, Pool};
use super::split::split_trials;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::frozen_trial::FrozenTrial;
use crate::frozen_trial::StudyId;
use crate::param::ParamValue;
use crate::rng::TrialRng;
use crate::samplers::random::sample_uniform;
use crate::samplers::{Sampler, SamplerContext};
use crate::trial_state::TrialState;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

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
///
/// Finished trials never change, so the sampler caches what it derives from them (the
/// intersection search space of the finished prefix of trials, as Optuna does, and each finished
/// trial's observation row): a proposal then costs O(n) copies of cached rows plus the kernel
/// arithmetic, not a re-parse of the whole history. The cache is keyed by study and rebuilt when
/// the sampler meets another study.
#[derive(Debug, Default)]
pub struct TpeSampler {
    config: TpeConfig,
    cache: Mutex<TpeCache>,
}

impl Clone for TpeSampler {
    fn clone(&self) -> Self {
        TpeSampler {
            config: self.config.clone(),
            cache: Mutex::default(),
        }
    }
}

/// Observations of the finished trials over one search space.
#[derive(Debug, Default)]
struct SpaceData {
    /// By trial number: not computed yet / the trial lacks a parameter / its row.
    rows: Vec<Option<Option<Box<[f64]>>>>,
    /// Per dimension, `(value, trial number)` of every cached row, ascending: the sorted
    /// order that the bandwidth rule needs, maintained by insertion instead of re-sorting.
    sorted: Vec<Vec<(f64, u32)>>,
}

/// The observations of one group of trials, ready for a Parzen estimator.
struct Observations {
    /// `cols[d][i]`: value of observation `i` in dimension `d`.
    cols: Vec<Vec<f64>>,
    /// Index (into the group) of the trial behind each observation.
    kept: Vec<usize>,
    /// `orders[d]`: observation indices by ascending value (ties by index).
    orders: Vec<Vec<u32>>,
}

/// Data derived from finished trials (immutable), kept between proposals.
#[derive(Debug, Default)]
struct TpeCache {
    study: Option<StudyId>,
    /// All trials numbered below `cursor` are finished and folded into `prefix_space`.
    cursor: u64,
    prefix_space: Option<BTreeMap<String, Distribution>>,
    /// Observations of finished trials, per search space (keyed by its description).
    spaces: HashMap<String, SpaceData>,
    /// Spare buffers for the estimators.
    pool: Pool,
}

impl TpeCache {
    fn for_study(&mut self, study: StudyId) -> &mut Self {
        if self.study != Some(study) {
            *self = TpeCache {
                study: Some(study),
                ..TpeCache::default()
            };
        }
        self
    }

    /// Optuna's cached `IntersectionSearchSpace(include_pruned=True)`, single values dropped.
    fn search_space(&mut self, trials: &[Arc<FrozenTrial>]) -> BTreeMap<String, Distribution> {
        let start = trials.partition_point(|t| t.number < self.cursor);
        let mut rest = &trials[start..];
        while let Some((t, tail)) = rest.split_first() {
            if !t.state.is_finished() {
                break;
            }
            intersect(&mut self.prefix_space, t);
            self.cursor = t.number + 1;
            rest = tail;
        }
        let mut space = self.prefix_space.clone();
        for t in rest.iter().filter(|t| t.state.is_finished()) {
            intersect(&mut space, t);
        }
        let mut space = space.unwrap_or_default();
        space.retain(|_, d| !d.is_single());
        space
    }
}

fn intersect(space: &mut Option<BTreeMap<String, Distribution>>, t: &FrozenTrial) {
    if !matches!(t.state, TrialState::Complete | TrialState::Pruned) {
        return;
    }
    match space {
        None => *space = Some(t.distributions.clone()),
        Some(s) => {
            if s.len() == t.distributions.len() && s.iter().eq(t.distributions.iter()) {
                return;
            }
            s.retain(|name, d| t.distributions.get(name) == Some(d));
        }
    }
}

impl TpeSampler {
    /// A sampler with the given settings (validated).
    pub fn new(config: TpeConfig) -> Result<Self> {
        config.validate()?;
        Ok(TpeSampler {
            config,
            cache: Mutex::default(),
        })
    }

    fn cache(&self) -> MutexGuard<'_, TpeCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
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

        let (below_obs, above_obs, mut pool) = {
            let mut cache = self.cache();
            let cache = cache.for_study(ctx.study_id);
            let mut pool = std::mem::take(&mut cache.pool);
            let data = cache.spaces.entry(format!("{space:?}")).or_default();
            (
                observations(&below, space, data, &mut pool),
                observations(&above, space, data, &mut pool),
                pool,
            )
        };
        let (obs_below, obs_above) = (&below_obs.kept, &above_obs.kept);
        let (w_below, prior_below) = match c.weighting {
            Weighting::OldDecay => (Weighting::old_decay(obs_below.len()), c.prior_weight),
            Weighting::Uniform => (vec![1.0; obs_below.len()], c.prior_weight),
            Weighting::ExpectedImprovement => ei_weights(ctx, &below, obs_below, c.prior_weight),
        };
        let w_above = match c.weighting {
            Weighting::OldDecay => Weighting::old_decay(obs_above.len()),
            _ => vec![1.0; obs_above.len()],
        };
        let dists: Vec<&Distribution> = space.iter().map(|(_, d)| *d).collect();
        let l = ParzenEstimator::new(
            &below_obs.cols,
            &dists,
            &w_below,
            prior_below,
            c,
            Some(&below_obs.orders),
            &mut pool,
        );
        let g = ParzenEstimator::new(
            &above_obs.cols,
            &dists,
            &w_above,
            c.prior_weight,
            c,
            Some(&above_obs.orders),
            &mut pool,
        );

        let candidates = l.sample(rng, c.n_ei_candidates);
        let ll = l.log_pdf(&candidates);
        let lg = g.log_pdf(&candidates);
        l.recycle(&mut pool);
        g.recycle(&mut pool);
        for col in below_obs.cols.into_iter().chain(above_obs.cols) {
            pool.put(col);
        }
        self.cache().for_study(ctx.study_id).pool = pool;
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

/// The observations of `trials` over `space` (internal representation), with their sorted
/// orders. Running trials contribute the parameters shared under [`RELATIVE_PARAMS_KEY`] as
/// well. Finished trials' rows come from (and go to) `data`.
fn observations(
    trials: &[&FrozenTrial],
    space: &[(&str, &Distribution)],
    data: &mut SpaceData,
    pool: &mut Pool,
) -> Observations {
    let dims = space.len();
    if data.sorted.len() != dims {
        data.sorted = vec![Vec::new(); dims];
    }
    let mut cols: Vec<Vec<f64>> = (0..dims).map(|_| pool.take(trials.len())).collect();
    let mut kept = Vec::with_capacity(trials.len());
    let max_number = trials
        .iter()
        .map(|t| t.number as usize + 1)
        .max()
        .unwrap_or(0);
    let mut pos = vec![u32::MAX; max_number];
    let mut fresh = Vec::new();
    for (i, t) in trials.iter().enumerate() {
        let obs_index = kept.len() as u32;
        let n = t.number as usize;
        let fresh_row;
        let row: &[f64] = if t.state.is_finished() {
            if data.rows.len() <= n {
                data.rows.resize(n + 1, None);
            }
            if data.rows[n].is_none() {
                let r = observation(t, space);
                if let Some(r) = &r {
                    for (sorted, &x) in data.sorted.iter_mut().zip(r.iter()) {
                        let at = sorted.partition_point(|&(v, num)| {
                            v.total_cmp(&x).then(num.cmp(&(n as u32))).is_lt()
                        });
                        sorted.insert(at, (x, n as u32));
                    }
                }
                data.rows[n] = Some(r);
            }
            match data.rows[n].as_ref().and_then(|r| r.as_deref()) {
                Some(r) => {
                    pos[n] = obs_index;
                    r
                }
                None => continue,
            }
        } else {
            match observation(t, space) {
                Some(r) => {
                    fresh.push(obs_index);
                    fresh_row = r;
                    &fresh_row
                }
                None => continue,
            }
        };
        for (col, &x) in cols.iter_mut().zip(row) {
            col.push(x);
        }
        kept.push(i);
    }
    let orders = (0..dims)
        .map(|d| {
            let col = &cols[d];
            let mut order: Vec<u32> = Vec::with_capacity(kept.len());
            order.extend(
                data.sorted[d].iter().filter_map(|&(_, num)| {
                    pos.get(num as usize).copied().filter(|&p| p != u32::MAX)
                }),
            );
            for &f in &fresh {
                let x = col[f as usize];
                let at = order
                    .partition_point(|&o| col[o as usize].total_cmp(&x).then(o.cmp(&f)).is_lt());
                order.insert(at, f);
            }
            order
        })
        .collect();
    Observations { cols, kept, orders }
}

/// One trial's internal values over `space`, if it has them all.
fn observation(t: &FrozenTrial, space: &[(&str, &Distribution)]) -> Option<Box<[f64]>> {
    let relative = match t.state {
        TrialState::Running => t
            .system_attrs
            .get(RELATIVE_PARAMS_KEY)
            .and_then(|v| v.as_object()),
        _ => None,
    };
    space
        .iter()
        .map(|(name, dist)| {
            let x = match t.params.get(*name) {
                Some(v) => dist.to_internal(v),
                None => relative
                    .and_then(|r| r.get(*name))
                    .and_then(|v| serde_json::from_value::<ParamValue>(v.clone()).ok())
                    .and_then(|v| dist.to_internal(&v)),
            }?;
            x.is_finite().then_some(x)
        })
        .collect()
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
        let space = self
            .cache()
            .for_study(ctx.study_id)
            .search_space(ctx.trials);
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
