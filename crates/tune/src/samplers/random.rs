//! Uniform random search.

use super::{Sampler, SamplerContext};
use crate::distribution::Distribution;
use crate::distribution::grid::{grid_point, int_grid_point, int_steps, lerp, steps_in};
use crate::error::Result;
use crate::frozen_trial::FrozenTrial;
use crate::param::ParamValue;
use crate::rng::{TrialRng, below, below_inclusive, uniform01};

/// Draws every parameter independently and uniformly (scikit-learn's `RandomizedSearchCV`,
/// Optuna's `RandomSampler`).
///
/// Floats are uniform on `[low, high]`, or on `[ln low, ln high]` for log scales; stepped floats
/// and integers are uniform over their grid points; log integers are uniform on
/// `[ln(low − ½), ln(high + ½)]` and rounded (Optuna's transform); categoricals are uniform over
/// the choices. Any valid range works, up to `[−f64::MAX, f64::MAX]` and `[i64::MIN, i64::MAX]`
/// (widths that overflow are handled in halves or in `i128`).
///
/// With a seed, the draws are exactly reproducible:
///
/// ```
/// use gradus_tune::{OptimizeOptions, RandomSampler, Study};
///
/// let study = Study::builder().sampler(RandomSampler).seed(42).build()?;
/// study.optimize(|t| Ok(t.suggest_float("x", -1.0, 1.0)?.powi(2)), OptimizeOptions::n_trials(3))?;
/// let xs: Vec<f64> = study.trials()?.iter().map(|t| t.params["x"].as_f64().unwrap()).collect();
/// assert_eq!(xs, [-0.041562664857035525, 0.6720079029537225, 0.32026428598580203]);
/// assert_eq!(study.best_value()?, 0.001727455110018256);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomSampler;

impl Sampler for RandomSampler {
    fn sample_independent(
        &self,
        _ctx: &SamplerContext<'_>,
        _trial: &FrozenTrial,
        name: &str,
        distribution: &Distribution,
        rng: &mut TrialRng,
    ) -> Result<ParamValue> {
        Ok(sample_uniform(&*distribution.normalized(name)?, rng))
    }

    fn reads_trials(&self) -> bool {
        false
    }
}

/// One uniform draw from `distribution` (see [`RandomSampler`] for the exact law).
///
/// `distribution` should be valid ([`Distribution::validate`], as [`RandomSampler`] checks):
/// an invalid one gives an unspecified value (a categorical without choices gives `false`),
/// never a panic.
pub fn sample_uniform(distribution: &Distribution, rng: &mut TrialRng) -> ParamValue {
    match *distribution {
        Distribution::Float {
            low,
            high,
            log,
            step,
        } => {
            if low == high {
                return ParamValue::Float(low);
            }
            let x = match step {
                Some(s) => {
                    // At most 2^53 steps (validated), so the index is exact as u64 and f64;
                    // the floor (after rounding error) never passes an off-grid high.
                    let n = (steps_in(low, high, s) + 1e-9).floor() as u64;
                    grid_point(low, below_inclusive(rng, n) as f64, s)
                }
                None if log => {
                    let (a, b) = (low.ln(), high.ln());
                    (a + uniform01(rng) * (b - a)).exp()
                }
                None => lerp(low, high, uniform01(rng)),
            };
            // max / min rather than clamp: no panic even for an invalid low > high.
            ParamValue::Float(x.max(low).min(high))
        }
        Distribution::Int {
            low,
            high,
            log,
            step,
        } => {
            if low == high {
                return ParamValue::Int(low);
            }
            if log {
                let (a, b) = ((low as f64 - 0.5).ln(), (high as f64 + 0.5).ln());
                let x = (a + uniform01(rng) * (b - a)).exp().round() as i64;
                ParamValue::Int(x.max(low).min(high))
            } else {
                let k = below_inclusive(rng, int_steps(low, high, step));
                ParamValue::Int(int_grid_point(low, k, step))
            }
        }
        Distribution::Categorical { ref choices } => choices
            .get(below(rng, choices.len() as u64) as usize)
            .cloned()
            .unwrap_or(ParamValue::Bool(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rng_from_seed;

    fn draws(d: &Distribution, n: usize) -> Vec<ParamValue> {
        let mut rng = rng_from_seed(3);
        (0..n).map(|_| sample_uniform(d, &mut rng)).collect()
    }

    // Counting tests: with N draws over k equiprobable cells, each count is Binomial(N, 1/k);
    // its standard deviation is sqrt(N p (1-p)). A tolerance of 5 standard deviations fails
    // with probability < 1e-6 per cell for a correct sampler, while a sampler that favours a
    // cell by 10 % (or never draws an end point) misses it by far more.
    fn assert_uniform_counts(counts: &[usize], n: usize) {
        let p = 1.0 / counts.len() as f64;
        let sd = (n as f64 * p * (1.0 - p)).sqrt();
        for (i, &c) in counts.iter().enumerate() {
            let dev = (c as f64 - n as f64 * p).abs();
            assert!(
                dev < 5.0 * sd,
                "cell {i}: count {c}, expected {} ± {}",
                n as f64 * p,
                5.0 * sd
            );
        }
    }

    #[test]
    fn integers_with_step_hit_every_grid_point_equally() {
        let d = Distribution::int_step("n", 2, 10, 2).unwrap(); // 2, 4, 6, 8, 10
        let n = 20_000;
        let mut counts = [0usize; 5];
        for v in draws(&d, n) {
            let ParamValue::Int(i) = v else {
                panic!("ints must come back as ints")
            };
            assert!(i % 2 == 0 && (2..=10).contains(&i));
            counts[((i - 2) / 2) as usize] += 1;
        }
        assert_uniform_counts(&counts, n);
    }

    #[test]
    fn log_floats_are_uniform_in_log_space() {
        let d = Distribution::float_log("lr", 1e-4, 1.0).unwrap();
        let n = 20_000;
        let mut counts = [0usize; 4]; // decades [1e-4,1e-3), …, [1e-1,1]
        for v in draws(&d, n) {
            let x = v.as_f64().unwrap();
            assert!((1e-4..=1.0).contains(&x));
            counts[((x.log10() + 4.0).floor() as usize).min(3)] += 1;
        }
        assert_uniform_counts(&counts, n);
    }

    #[test]
    fn floats_cover_the_range_uniformly() {
        let d = Distribution::float("x", -2.0, 2.0).unwrap();
        let n = 20_000;
        let mut counts = [0usize; 8];
        for v in draws(&d, n) {
            let x = v.as_f64().unwrap();
            counts[(((x + 2.0) / 0.5).floor() as usize).min(7)] += 1;
        }
        assert_uniform_counts(&counts, n);
    }

    #[test]
    fn categoricals_return_the_choices_themselves() {
        let d = Distribution::categorical("act", vec!["relu".into(), "tanh".into(), "gelu".into()])
            .unwrap();
        let n = 9_000;
        let mut counts = [0usize; 3];
        for v in draws(&d, n) {
            let ParamValue::Str(s) = v else {
                panic!("strings must come back as strings")
            };
            counts[["relu", "tanh", "gelu"]
                .iter()
                .position(|c| *c == s)
                .unwrap()] += 1;
        }
        assert_uniform_counts(&counts, n);
    }

    #[test]
    fn log_ints_are_roughly_log_uniform_and_in_range() {
        // Mass of value v under the log-uniform law on [ln 0.5, ln 8.5]: ln((v+.5)/(v-.5))/ln 17.
        let d = Distribution::int_log("units", 1, 8).unwrap();
        let n = 40_000;
        let mut counts = [0usize; 8];
        for v in draws(&d, n) {
            counts[(v.as_i64().unwrap() - 1) as usize] += 1;
        }
        for (i, &c) in counts.iter().enumerate() {
            let v = (i + 1) as f64;
            let p = ((v + 0.5) / (v - 0.5)).ln() / 17f64.ln();
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (c as f64 - n as f64 * p).abs() < 5.0 * sd,
                "value {v}: {c} vs {}",
                n as f64 * p
            );
        }
    }
}
