//! The GP sampler: Optuna 5's `GPSampler` for one objective.

use super::acquisition::LogEi;
use super::config::{GpConfig, GpNoise};
use super::marginal::{FitState, TrainingData, fit};
use super::optimize_acqf::{AcqfOptions, optimize};
use super::search_space::Coord;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::frozen_trial::{FrozenTrial, StudyId};
use crate::param::ParamValue;
use crate::rng::{TrialRng, mix64};
use crate::samplers::random::sample_uniform;
use crate::samplers::search_space::intersection_search_space;
use crate::samplers::{Sampler, SamplerContext, record_proposal};
use crate::trial_state::TrialState;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// System attribute in which a Running trial shares its relative parameters, so that other
/// workers can treat it as a pending point.
pub const RELATIVE_PARAMS_KEY: &str = "gp:relative_params";

/// Gaussian-process Bayesian optimisation with Optuna 5's defaults ([`GpConfig::default`]).
///
/// Per proposal:
/// 1. Fewer than `n_startup_trials` Complete trials: nothing is proposed jointly and each
///    parameter is drawn quasi-randomly (trial `t`'s `j`-th parameter is coordinate `j` of
///    point `t` of a scrambled Sobol sequence seeded by the study, so the start-up trials fill
///    the space evenly). Parameters outside the GP's space later on (new or conditional ones)
///    are drawn uniformly ([`sample_uniform`], the independent sampler).
/// 2. The space is the intersection of the Complete trials' distributions (single values
///    dropped); each parameter is one coordinate ([`Coord`]: `[0, 1]`, log scales in log space,
///    grids widened by half a step, categoricals by index with a Hamming kernel).
/// 3. Complete trials with a finite value are the data; values are turned into "larger is
///    better" by the direction's sign and standardised, `(y − mean)/max(std, 1e-10)`.
/// 4. A Matérn-5/2 ARD GP is fitted by MAP (Optuna's priors, L-BFGS from the previous
///    optimum, then from the defaults); Running trials whose parameters cover the space are
///    added as pending points with the posterior mean as value (kriging believer).
/// 5. Log EI against the best standardised value is maximised by a Sobol sweep and local
///    searches from the best trial and the sweep's best points; the winner is rounded onto
///    grids and choices.
///
/// Deliberate differences from Optuna: the start-up trials are quasi-random (Optuna's are
/// uniform); the sweep's Sobol seed and the roulette draw from the trial's own stream
/// (reproducible per trial with parallel workers); Complete trials with a non-finite value are
/// left out (Optuna clips ±∞ to the finite extremes); running trials enter as kriging-believer
/// points (Optuna 5 uses Monte-Carlo q-log-EI); the hyperparameter and acquisition optimisers
/// are a projected L-BFGS ([`super::lbfgs`]) rather than SciPy's L-BFGS-B, and the MAP fit
/// keeps L-BFGS's curvature pairs from one trial to the next (the optimum is the same, it is
/// reached in fewer evaluations).
///
/// ```
/// use gradus_tune::{GpSampler, OptimizeOptions, Study};
/// let study = Study::builder().sampler(GpSampler::default()).seed(3).build()?;
/// study.optimize(
///     |t| Ok((t.suggest_float("x", -3.0, 3.0)? - 1.0).powi(2)),
///     OptimizeOptions::n_trials(16),
/// )?;
/// assert!(study.best_value()? < 0.05);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct GpSampler {
    config: GpConfig,
    cache: Mutex<GpCache>,
}

/// What the previous fit of the study left for the next ([`FitState`]).
#[derive(Debug, Default)]
struct GpCache {
    study: Option<StudyId>,
    fit: FitState,
}

impl Clone for GpSampler {
    fn clone(&self) -> Self {
        GpSampler {
            config: self.config.clone(),
            cache: Mutex::default(),
        }
    }
}

impl GpSampler {
    /// A sampler with the given settings.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] for a setting out of range ([`GpConfig::validate`]).
    pub fn new(config: GpConfig) -> Result<Self> {
        config.validate()?;
        Ok(GpSampler {
            config,
            cache: Mutex::default(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &GpConfig {
        &self.config
    }

    fn cache(&self) -> MutexGuard<'_, GpCache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The parameters of a Running trial: its own, plus those it was proposed.
    fn running_params(t: &FrozenTrial) -> BTreeMap<String, ParamValue> {
        let mut params: BTreeMap<String, ParamValue> = t
            .system_attrs
            .get(RELATIVE_PARAMS_KEY)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        params.extend(t.params.iter().map(|(k, v)| (k.clone(), v.clone())));
        params
    }

    fn propose(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        space: &BTreeMap<String, Distribution>,
        rng: &mut TrialRng,
    ) -> Option<BTreeMap<String, ParamValue>> {
        let coords: Vec<Coord> = space.values().map(Coord::new).collect();
        let d = coords.len();
        let row = |params: &BTreeMap<String, ParamValue>, out: &mut Vec<f64>| -> bool {
            let start = out.len();
            for ((name, dist), c) in space.iter().zip(&coords) {
                match params.get(name).and_then(|v| c.normalize(dist, v)) {
                    Some(u) => out.push(u),
                    None => {
                        out.truncate(start);
                        return false;
                    }
                }
            }
            true
        };
        let (mut x, mut y, mut pending) = (Vec::new(), Vec::new(), Vec::new());
        for t in ctx.trials {
            match t.state {
                TrialState::Complete => {
                    let Some(v) = t.value.filter(|v| v.is_finite()) else {
                        continue;
                    };
                    if row(&t.params, &mut x) {
                        y.push(-ctx.direction.to_loss(v));
                    }
                }
                TrialState::Running if t.number != trial.number => {
                    row(&Self::running_params(t), &mut pending);
                }
                _ => {}
            }
        }
        if y.is_empty() {
            return None;
        }
        standardize(&mut y);
        let categorical: Vec<bool> = coords.iter().map(Coord::is_categorical).collect();
        let data = TrainingData {
            x: &x,
            y: &y,
            categorical: &categorical,
        };
        let mut state = {
            let mut cache = self.cache();
            if cache.study != Some(ctx.study_id) {
                *cache = GpCache {
                    study: Some(ctx.study_id),
                    fit: FitState::default(),
                };
            }
            cache.fit.clone()
        };
        let fit_noise = self.config.noise == GpNoise::Fitted;
        let gp = fit(&data, fit_noise, &mut state);
        self.cache().fit = state;
        let gp = gp?;
        let believer = gp.with_pending(&pending);
        let gp = believer.as_ref().unwrap_or(&gp);
        let (best_i, threshold) = y.iter().enumerate().fold(
            (0, f64::NEG_INFINITY),
            |a, (i, &v)| if v > a.1 { (i, v) } else { a },
        );
        let acqf = LogEi { gp, threshold };
        let opts = AcqfOptions {
            n_preliminary: self.config.n_preliminary_samples,
            n_local_search: self.config.n_local_search,
            ..AcqfOptions::default()
        };
        let warm_x = x.get(best_i * d..(best_i + 1) * d);
        let (best, _) = optimize(&acqf, &coords, warm_x, &opts, rng);
        space
            .iter()
            .zip(&coords)
            .zip(&best)
            .map(|(((name, dist), c), &u)| Some((name.clone(), c.unnormalize(dist, u)?)))
            .collect()
    }
}

/// `y ← (y − mean)/max(std, 1e-10)` with the population standard deviation (numpy's).
fn standardize(y: &mut [f64]) {
    let n = y.len() as f64;
    // Scale first so that huge values do not overflow the sums.
    let scale = y
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let mean = y.iter().map(|v| v / scale).sum::<f64>() / n;
    let var = y.iter().map(|v| (v / scale - mean).powi(2)).sum::<f64>() / n;
    let std = var.sqrt() * scale;
    for v in y.iter_mut() {
        *v = (*v - mean * scale) / std.max(1e-10);
    }
}

impl Sampler for GpSampler {
    fn sample_relative(
        &self,
        ctx: &SamplerContext<'_>,
        trial: &FrozenTrial,
        rng: &mut TrialRng,
    ) -> Result<BTreeMap<String, ParamValue>> {
        let n_complete = ctx
            .trials
            .iter()
            .filter(|t| t.state == TrialState::Complete)
            .count();
        if n_complete < self.config.n_startup_trials {
            return Ok(BTreeMap::new());
        }
        let space = intersection_search_space(ctx.trials, false);
        if space.is_empty() {
            return Ok(BTreeMap::new());
        }
        for (name, d) in &space {
            d.validate(name)?;
        }
        let Some(params) = self.propose(ctx, trial, &space, rng) else {
            return Ok(BTreeMap::new());
        };
        record_proposal(ctx, trial, RELATIVE_PARAMS_KEY, &params)?;
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
        let d = distribution.normalized(name)?;
        // Counted as `sample_relative` counts them, so the start-up ends for both at once.
        let n_complete = ctx
            .trials
            .iter()
            .filter(|t| t.state == TrialState::Complete)
            .count();
        if n_complete < self.config.n_startup_trials
            && let Some(v) = startup_value(&d, ctx.study_seed, trial.number, trial.params.len())
        {
            return Ok(v);
        }
        Ok(sample_uniform(&d, rng))
    }
}

/// The value of a start-up trial: parameter number `position` (in the order the objective
/// suggests them) of trial `number` is coordinate `position` of point `number` of a scrambled
/// Sobol sequence (Burley's Owen scrambling, seeded by the study seed), mapped into the
/// distribution as the acquisition sweep maps its points. So the start-up trials fill the
/// space evenly, and a seed repeats them. `None` past the sequence's 256 dimensions or 2¹⁶
/// points (the caller then draws uniformly).
fn startup_value(
    d: &Distribution,
    study_seed: u64,
    number: u64,
    position: usize,
) -> Option<ParamValue> {
    let dim = u32::try_from(position)
        .ok()
        .filter(|&j| j < sobol_burley::NUM_DIMENSIONS)?;
    // The generator's limit: it panics in debug builds from point 2¹⁶ on.
    let index = u32::try_from(number).ok().filter(|&i| i < 1 << 16)?;
    let seed = mix64(study_seed ^ 0x6770_5f73_7461_7274) as u32;
    let u = f64::from(sobol_burley::sample(index, dim, seed));
    let c = Coord::new(d);
    let mut grid = Vec::new();
    c.grid(&mut grid);
    c.unnormalize(d, c.from_unit(u, &grid))
}

#[cfg(test)]
mod startup_tests {
    use super::*;

    #[test]
    fn start_up_values_are_members_and_stop_at_the_generator_limits() {
        let dists = [
            Distribution::float("x", -3.0, 5.0).unwrap(),
            Distribution::float_log("lr", 1e-5, 1e-1).unwrap(),
            Distribution::int("n", 1, 7).unwrap(),
            Distribution::int_step("u", 8, 512, 8).unwrap(),
            Distribution::categorical("c", vec!["a".into(), "b".into(), 3.into()]).unwrap(),
        ];
        for (j, d) in dists.iter().enumerate() {
            for number in [0, 1, 5, 65_535] {
                let v = startup_value(d, 11, number, j).unwrap();
                assert!(d.contains_value(&v), "{v} not in {d}");
            }
            assert_eq!(startup_value(d, 11, 1 << 16, j), None);
            assert_eq!(startup_value(d, 11, u64::MAX, j), None);
        }
        assert_eq!(startup_value(&dists[0], 11, 3, 256), None);
        // Another study seed, other points.
        assert_ne!(
            startup_value(&dists[0], 11, 3, 0),
            startup_value(&dists[0], 12, 3, 0)
        );
    }
}
