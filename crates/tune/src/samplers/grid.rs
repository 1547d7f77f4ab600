//! Exhaustive grid search.

use super::{Sampler, SamplerContext};
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FIXED_PARAMS_KEY, FrozenTrial};
use crate::param::ParamValue;
use crate::rng::{TrialRng, below, rng_from_seed};
use crate::trial_state::TrialState;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// System attribute holding the index (in product order) of a trial's grid point.
pub const GRID_ID_KEY: &str = "grid_id";

/// Evaluates every point of the Cartesian product of the given values exactly once, in an
/// order shuffled with the study's seed (scikit-learn's `GridSearchCV`, Optuna's `GridSampler`).
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
#[derive(Debug)]
pub struct GridSampler {
    names: Vec<String>,
    values: Vec<Vec<ParamValue>>,
    n_points: usize,
    /// The shuffled order for the last seed seen (a cache: recomputable from the seed).
    order: Mutex<Option<(u64, Arc<Vec<usize>>)>>,
}

impl GridSampler {
    /// A grid from parameter names to their values.
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
            n_points = n_points
                .checked_mul(values.len())
                .ok_or_else(|| Error::InvalidConfig {
                    name: "grid",
                    reason: "the grid has more points than fit in memory".into(),
                })?;
        }
        let (names, values) = grid.into_iter().unzip();
        Ok(GridSampler {
            names,
            values,
            n_points,
            order: Mutex::new(None),
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

    /// The parameter values of point `id` (product order, last name varying fastest).
    pub fn point(&self, id: usize) -> BTreeMap<String, ParamValue> {
        let mut rest = id;
        let mut out = BTreeMap::new();
        for (name, values) in self.names.iter().zip(&self.values).rev() {
            out.insert(name.clone(), values[rest % values.len()].clone());
            rest /= values.len();
        }
        out
    }

    /// The visiting order for a study seed: a Fisher–Yates shuffle of the point ids.
    fn order(&self, seed: u64) -> Arc<Vec<usize>> {
        let mut cache = self.order.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((s, order)) = cache.as_ref()
            && *s == seed
        {
            return Arc::clone(order);
        }
        let mut rng = rng_from_seed(seed ^ 0x6772_6964); // "grid"
        let mut order: Vec<usize> = (0..self.n_points).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, below(&mut rng, i as u64 + 1) as usize);
        }
        let order = Arc::new(order);
        *cache = Some((seed, Arc::clone(&order)));
        order
    }

    /// Grid ids held by finished trials and by running ones.
    fn claimed(trials: &[Arc<FrozenTrial>]) -> (BTreeSet<usize>, BTreeSet<usize>) {
        let (mut finished, mut running) = (BTreeSet::new(), BTreeSet::new());
        for t in trials {
            let Some(id) = t.system_attrs.get(GRID_ID_KEY).and_then(|v| v.as_u64()) else {
                continue;
            };
            if t.state.is_finished() {
                finished.insert(id as usize);
            } else if t.state == TrialState::Running {
                running.insert(id as usize);
            }
        }
        (finished, running)
    }
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
        if let Some(id) = trial.system_attrs.get(GRID_ID_KEY).and_then(|v| v.as_u64()) {
            return Ok(self.point(id as usize));
        }
        let (finished, running) = Self::claimed(ctx.trials);
        let order = self.order(ctx.study_seed);
        let free = |taken: &dyn Fn(usize) -> bool| order.iter().copied().find(|&i| !taken(i));
        let id = free(&|i| finished.contains(&i) || running.contains(&i))
            .or_else(|| free(&|i| finished.contains(&i)))
            .unwrap_or(order[0]);
        ctx.storage
            .set_trial_system_attr(trial.id, GRID_ID_KEY, (id as u64).into())?;
        Ok(self.point(id))
    }

    fn sample_independent(
        &self,
        _ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        _rng: &mut TrialRng,
    ) -> Result<ParamValue> {
        let Some(k) = self.names.iter().position(|n| n == name) else {
            return Err(Error::NotInGrid {
                name: name.into(),
                known: self.names.join(", "),
            });
        };
        let Some(id) = trial.system_attrs.get(GRID_ID_KEY).and_then(|v| v.as_u64()) else {
            return Err(Error::InvalidConfig {
                name: "enqueue_trial",
                reason: format!(
                    "trial {} was enqueued without `{name}`; with a GridSampler an enqueued \
                     trial must fix every parameter it suggests",
                    trial.number
                ),
            });
        };
        let value = self
            .point(id as usize)
            .remove(&self.names[k])
            .unwrap_or(ParamValue::Bool(false));
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
        let (finished, running) = Self::claimed(ctx.trials);
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
        assert_eq!(g.point(4)["a"], ParamValue::Int(2));
        assert_eq!(g.point(4)["b"], ParamValue::from("y"));
    }

    #[test]
    fn order_is_a_seeded_permutation() {
        let g = grid();
        let a = g.order(1);
        let mut sorted = (*a).clone();
        sorted.sort();
        assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        assert_eq!(*g.order(1), *a);
        // 6! = 720 orders: some seed among a few must give another order.
        assert!((2..10).any(|s| *g.order(s) != *a));
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
