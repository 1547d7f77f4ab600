//! Exhaustive grid search.

use super::grid_order::GridOrder;
use super::{Sampler, SamplerContext};
use crate::distribution::{Distribution, check_finite};
use crate::error::{Error, Result};
use crate::frozen_trial::{FIXED_PARAMS_KEY, FrozenTrial};
use crate::param::ParamValue;
use crate::rng::TrialRng;
use crate::trial_state::TrialState;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// System attribute holding the index (in product order) of a trial's grid point.
pub const GRID_ID_KEY: &str = "grid_id";

/// Evaluates every point of the Cartesian product of the given values exactly once, in an
/// order shuffled with the study's seed (scikit-learn's `GridSearchCV`, Optuna's `GridSampler`).
///
/// Points are numbered in product order (the last name, in sorted order, varying fastest; see
/// [`GridSampler::point`]). The visiting order is a seeded bijection of the numbers, computed
/// position by position ([`GridSampler::visiting_order`]): a 4-round Feistel network over the
/// smallest domain of `2^(2h) ≥ n` numbers, keyed by the study's seed and cycle-walked back
/// into `0..n`. Nothing is materialised, so a grid of 6.6·10¹¹ points takes O(1) memory and its
/// first points come at once; every process sharing the study computes the same order.
///
/// When a trial starts, the sampler claims the first point (in the seeded order) that no
/// Running or finished trial holds and records it in the trial's `grid_id` system attribute;
/// claiming happens under the study's ask lock, so parallel workers of one process never share a
/// point. When every point is claimed the sampler reports itself exhausted and the study stops.
/// Failed trials keep their point (as in Optuna). Workers in *other processes* sharing a storage
/// may race for the last points; a trial that finds none unclaimed re-evaluates a point (the
/// first one still running, else the first one) — Optuna's behaviour.
///
/// Suggesting a name the grid lacks is [`Error::NotInGrid`]. Grid values are used even when
/// outside the suggested range, with a warning through the `log` crate (Optuna's words), but
/// their kind must fit.
///
/// ```
/// use gradus_tune::{GridSampler, OptimizeOptions, ParamValue, Study};
/// use std::collections::BTreeMap;
///
/// let grid = BTreeMap::from([
///     ("lr".to_string(), vec![ParamValue::from(0.001), 0.01.into(), 0.1.into()]),
///     ("batch".to_string(), vec![ParamValue::from(10), 20.into()]),
/// ]);
/// let study = Study::builder().sampler(GridSampler::new(grid)?).seed(0).build()?;
/// let summary = study.optimize(|t| {
///     let lr = t.suggest_float_log("lr", 1e-3, 0.1)?;
///     let batch = t.suggest_categorical("batch", &[10, 20])?;
///     Ok(lr * batch as f64)
/// }, OptimizeOptions::n_trials(100))?;
/// assert_eq!(summary.n_trials, 6); // every point once, then the grid is exhausted
/// assert_eq!(study.best_value()?, 0.01);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct GridSampler {
    names: Vec<String>,
    values: Vec<Vec<ParamValue>>,
    n_points: usize,
}

impl GridSampler {
    /// A grid from parameter names to their values. Its number of points, the product of the
    /// value counts, must fit a `usize`; float values must be finite ([`Error::NonFiniteValue`]:
    /// trials record them as JSON).
    pub fn new(grid: BTreeMap<String, Vec<ParamValue>>) -> Result<Self> {
        if grid.is_empty() {
            return Err(Error::EmptyGrid {
                name: String::new(),
            });
        }
        let mut n_points = 1usize;
        for (name, values) in &grid {
            if values.is_empty() {
                return Err(Error::EmptyGrid { name: name.clone() });
            }
            check_finite(name, values)?;
            n_points = n_points
                .checked_mul(values.len())
                .ok_or_else(|| Error::InvalidConfig {
                    name: "grid",
                    reason: format!(
                        "the grid has more than {} points (the product of the value counts \
                         overflows at `{name}`); split the search into several grids",
                        usize::MAX
                    ),
                })?;
        }
        let (names, values) = grid.into_iter().unzip();
        Ok(GridSampler {
            names,
            values,
            n_points,
        })
    }

    /// The number of points of the grid.
    pub fn len(&self) -> usize {
        self.n_points
    }

    /// Whether the grid has no point (never true: construction rejects empty grids).
    pub fn is_empty(&self) -> bool {
        self.n_points == 0
    }

    /// The parameter values of point `id` (product order, last name varying fastest); `None`
    /// for `id ≥ len()`.
    pub fn point(&self, id: usize) -> Option<BTreeMap<String, ParamValue>> {
        if id >= self.n_points {
            return None;
        }
        let mut rest = id;
        let mut out = BTreeMap::new();
        for (name, values) in self.names.iter().zip(&self.values).rev() {
            let len = values.len();
            out.insert(name.clone(), values.get(rest % len)?.clone());
            rest /= len;
        }
        Some(out)
    }

    /// The point ids in the order a study seeded `study_seed` visits them (lazily: each step
    /// costs O(1)). See the [type docs](GridSampler) for the permutation.
    pub fn visiting_order(&self, study_seed: u64) -> impl Iterator<Item = usize> + '_ {
        let order = GridOrder::new(self.n_points as u64, study_seed);
        (0..self.n_points as u64).map(move |p| order.at(p) as usize)
    }

    /// Grid ids held by finished trials and by running ones (ids outside the grid ignored).
    fn claimed(&self, trials: &[Arc<FrozenTrial>]) -> (BTreeSet<usize>, BTreeSet<usize>) {
        let (mut finished, mut running) = (BTreeSet::new(), BTreeSet::new());
        for t in trials {
            let Some(id) = grid_id(t).filter(|&id| id < self.n_points) else {
                continue;
            };
            if t.state.is_finished() {
                finished.insert(id);
            } else if t.state == TrialState::Running {
                running.insert(id);
            }
        }
        (finished, running)
    }

    /// The point of a trial that holds grid id `id`; an error for an id beyond the grid (a
    /// storage shared with a study of another grid).
    fn point_of(&self, trial: &FrozenTrial, id: usize) -> Result<BTreeMap<String, ParamValue>> {
        self.point(id).ok_or_else(|| Error::InvalidConfig {
            name: "grid",
            reason: format!(
                "trial {} holds grid point {id}, but this grid has {} points; a study keeps \
                 one grid (start another study for another grid)",
                trial.number, self.n_points
            ),
        })
    }
}

/// The grid id recorded in a trial's system attributes.
fn grid_id(t: &FrozenTrial) -> Option<usize> {
    let id = t.system_attrs.get(GRID_ID_KEY)?.as_u64()?;
    usize::try_from(id).ok()
}

impl Sampler for GridSampler {
    fn sample_relative(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        _rng: &mut TrialRng,
    ) -> Result<BTreeMap<String, ParamValue>> {
        if trial.system_attrs.contains_key(FIXED_PARAMS_KEY) {
            return Ok(BTreeMap::new());
        }
        if let Some(id) = grid_id(trial) {
            return self.point_of(trial, id);
        }
        let (finished, running) = self.claimed(ctx.trials);
        let order = GridOrder::new(self.n_points as u64, ctx.study_seed);
        // The first unclaimed position, walking the order lazily: with k < n ids taken, one of
        // the first k + 1 positions is free, so the walk never visits more than k + 1.
        let first_free = |taken: &dyn Fn(usize) -> bool, n_taken: usize| {
            if n_taken >= self.n_points {
                return None;
            }
            (0..self.n_points as u64)
                .map(|p| order.at(p) as usize)
                .find(|&i| !taken(i))
        };
        let n_claimed = finished.union(&running).count();
        let id = first_free(
            &|i| finished.contains(&i) || running.contains(&i),
            n_claimed,
        )
        .or_else(|| first_free(&|i| finished.contains(&i), finished.len()))
        .unwrap_or(order.at(0) as usize);
        ctx.storage
            .set_trial_system_attr(trial.id, GRID_ID_KEY, (id as u64).into())?;
        self.point_of(trial, id)
    }

    fn sample_independent(
        &self,
        _ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        _rng: &mut TrialRng,
    ) -> Result<ParamValue> {
        if !self.names.iter().any(|n| n == name) {
            return Err(Error::NotInGrid {
                name: name.into(),
                known: self.names.join(", "),
            });
        }
        let Some(id) = grid_id(trial) else {
            return Err(Error::InvalidConfig {
                name: "enqueue_trial",
                reason: format!(
                    "trial {} was enqueued without `{name}`; with a GridSampler an enqueued \
                     trial must fix every parameter it suggests",
                    trial.number
                ),
            });
        };
        let mut point = self.point_of(trial, id)?;
        let value = point.remove(name).ok_or_else(|| Error::NotInGrid {
            name: name.into(),
            known: self.names.join(", "),
        })?;
        if distribution.to_internal(&value).is_some() && !distribution.contains_value(&value) {
            // Optuna's words (GridSampler.sample_independent).
            log::warn!(
                "The value `{value}` is out of range of the parameter `{name}`. The value will \
                 be used but the actual distribution is: `{distribution}`."
            );
        }
        Ok(value)
    }

    fn is_exhausted(&self, ctx: &SamplerContext<'_>) -> Result<bool> {
        let (finished, running) = self.claimed(ctx.trials);
        Ok(finished.union(&running).count() >= self.n_points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> GridSampler {
        GridSampler::new(BTreeMap::from([
            (
                "a".to_string(),
                vec![ParamValue::Int(1), ParamValue::Int(2)],
            ),
            ("b".to_string(), vec!["x".into(), "y".into(), "z".into()]),
        ]))
        .unwrap()
    }

    #[test]
    fn points_enumerate_the_product() {
        let g = grid();
        assert_eq!(g.len(), 6);
        let all: BTreeSet<String> = (0..6).map(|i| format!("{:?}", g.point(i))).collect();
        assert_eq!(all.len(), 6, "every id maps to a distinct point");
        let p = g.point(4).unwrap();
        assert_eq!(
            (&p["a"], &p["b"]),
            (&ParamValue::Int(2), &ParamValue::from("y"))
        );
        assert_eq!(g.point(6), None);
    }

    #[test]
    fn order_is_a_seeded_permutation() {
        let g = grid();
        let a: Vec<usize> = g.visiting_order(1).collect();
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        assert_eq!(g.visiting_order(1).collect::<Vec<_>>(), a);
        // 6! = 720 orders: some seed among a few must give another order.
        assert!((2..10).any(|s| g.visiting_order(s).collect::<Vec<_>>() != a));
    }

    #[test]
    fn empty_grids_are_errors() {
        assert!(matches!(
            GridSampler::new(BTreeMap::new()),
            Err(Error::EmptyGrid { .. })
        ));
        let e = GridSampler::new(BTreeMap::from([("a".to_string(), vec![])])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "grid parameter `a` has no values; give at least one value per parameter"
        );
    }
}
