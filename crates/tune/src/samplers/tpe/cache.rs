//! What the TPE sampler derives from finished trials and keeps between proposals.
//!
//! Finished trials never change, so their observation rows, the intersection search space of
//! the finished prefix of the study, and per-dimension sorted orders (which the bandwidth rule
//! needs) are computed once and updated incrementally; a proposal then costs O(n) copies
//! instead of a re-parse and re-sort of the whole history.

use super::parzen_estimator::Pool;
use super::sampler::RELATIVE_PARAMS_KEY;
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, StudyId};
use crate::param::ParamValue;
use crate::trial_state::TrialState;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Search spaces whose observations are cached at once (the joint space plus the
/// one-parameter spaces of independently sampled names).
pub(crate) const MAX_CACHED_SPACES: usize = 64;

/// Observations of the finished trials over one search space.
#[derive(Debug, Default)]
pub(crate) struct SpaceData {
    /// By trial number: not computed yet / the trial lacks a parameter / its row.
    rows: Vec<Option<Option<Box<[f64]>>>>,
    /// Per dimension, `(value, trial number)` of every cached row, ascending: the sorted
    /// order that the bandwidth rule needs, maintained by insertion instead of re-sorting.
    sorted: Vec<Vec<(f64, u32)>>,
}

/// The observations of one group of trials, ready for a Parzen estimator.
pub(crate) struct Observations {
    /// `cols[d][i]`: value of observation `i` in dimension `d`.
    pub(crate) cols: Vec<Vec<f64>>,
    /// Index (into the group) of the trial behind each observation.
    pub(crate) kept: Vec<usize>,
    /// `orders[d]`: observation indices by ascending value (ties by index).
    pub(crate) orders: Vec<Vec<u32>>,
}

/// Data derived from finished trials (immutable), kept between proposals.
#[derive(Debug, Default)]
pub(crate) struct TpeCache {
    study: Option<StudyId>,
    /// All trials numbered below `cursor` are finished and folded into `prefix_space`.
    cursor: u64,
    prefix_space: Option<BTreeMap<String, Distribution>>,
    /// Observations of finished trials, per search space (keyed by its description).
    pub(crate) spaces: HashMap<String, SpaceData>,
    /// Spare buffers for the estimators.
    pub(crate) pool: Pool,
}

impl TpeCache {
    pub(crate) fn for_study(&mut self, study: StudyId) -> &mut Self {
        if self.study != Some(study) {
            *self = TpeCache {
                study: Some(study),
                ..TpeCache::default()
            };
        }
        self
    }

    /// Optuna's cached `IntersectionSearchSpace(include_pruned=True)`, single values dropped.
    pub(crate) fn search_space(
        &mut self,
        trials: &[Arc<FrozenTrial>],
    ) -> BTreeMap<String, Distribution> {
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

/// The observations of `trials` over `space` (internal representation), with their sorted
/// orders. Running trials contribute the parameters shared under [`RELATIVE_PARAMS_KEY`] as
/// well. Finished trials' rows come from (and go to) `data`, indexed by trial number: every
/// number must be below `n_study_trials` (storages number trials 0, 1, 2, … densely), which
/// bounds the memory the index takes.
pub(crate) fn observations(
    trials: &[&FrozenTrial],
    space: &[(&str, &Distribution)],
    data: &mut SpaceData,
    pool: &mut Pool,
    n_study_trials: usize,
) -> Result<Observations> {
    let limit = n_study_trials.min(u32::MAX as usize);
    if let Some(t) = trials.iter().find(|t| t.number >= limit as u64) {
        return Err(Error::Storage(format!(
            "trial number {} is not below the study's {n_study_trials} trials (or 2^32); a \
             storage must number a study's trials 0, 1, 2, … densely",
            t.number
        )));
    }
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
    Ok(Observations { cols, kept, orders })
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
