//! The kernels of one numerical dimension of the Parzen estimator: truncated normals in
//! transformed space, their bandwidths by the neighbour rule and the magic clip, and draws
//! from them.
//!
//! The transformed space is `t(x) = ln x` for log scales and `t(x) = s·x` otherwise, where the
//! scale `s` is a power of two chosen from the largest bound magnitude `m`: `2⁻⁶⁴` when
//! `m > 2¹⁰⁰⁰` (so that widths such as `f64::MAX − (−f64::MAX)`, half steps and sums stay
//! finite), `2⁹⁶⁰` when `0 < m < 2⁻⁹⁰⁰` (so that kernel widths do not underflow), else 1.
//! Multiplying by a power of two is exact, so with `s = 1` — every ordinary range — the
//! arithmetic is bit for bit Optuna's, and otherwise it is Optuna's kernels rescaled.
//! Bandwidths are clipped as numpy's `clip(σ, σ_min, range)` (the range wins when the clip's
//! floor exceeds it) and kept above `range · 2⁻⁶⁰`, so that every `1/σ` and every
//! standardized bound `(b − μ)/σ` is finite.

use super::config::{Bandwidth, TpeConfig};
use super::parzen_estimator::Pool;
use super::truncnorm::{LN_SQRT_2PI, log_gauss_mass, ppf};
use crate::distribution::Distribution;
use crate::distribution::grid::{grid_point, steps_in};

/// The smallest bandwidth relative to the range, `2⁻⁶⁰`: far below any magic clip, and high
/// enough that `range / σ` stays below 2⁶¹.
const MIN_RELATIVE_SIGMA: f64 = 1.0 / (1u64 << 60) as f64;

/// The scale `s` of a linear dimension with bounds `low`, `high` (see the module docs).
fn linear_scale(low: f64, high: f64) -> f64 {
    let m = low.abs().max(high.abs());
    if m > 2f64.powi(1000) {
        2f64.powi(-64)
    } else if m > 0.0 && m < 2f64.powi(-900) {
        2f64.powi(960)
    } else {
        1.0
    }
}

/// Truncated (log-)normal kernels of one numerical dimension, in transformed space.
#[derive(Debug)]
pub(crate) struct Numerical {
    pub(crate) mus: Vec<f64>,
    pub(crate) sigmas: Vec<f64>,
    pub(crate) inv_sigmas: Vec<f64>,
    /// `1 / (σ √2)`, so that `((x − μ) · half_inv)² = ((x − μ)/σ)² / 2`.
    pub(crate) half_inv: Vec<f64>,
    /// Continuous: `−ln σ − ln √(2π) − ln Z`; discrete: `−ln Z`, Z the mass of `[low, high]`.
    pub(crate) log_norm: Vec<f64>,
    /// Transformed bounds (widened by half a step for discrete dimensions, then ln for log).
    pub(crate) low: f64,
    pub(crate) high: f64,
    pub(crate) log: bool,
    pub(crate) step: Option<f64>,
    /// The scale `s` of a linear dimension (1 for log scales).
    pub(crate) scale: f64,
    dist_low: f64,
    dist_high: f64,
}

impl Numerical {
    pub(crate) fn new(
        obs: &[f64],
        d: &Distribution,
        config: &TpeConfig,
        order: Option<&[u32]>,
        pool: &mut Pool,
    ) -> Self {
        let (dist_low, dist_high, log, step) = match *d {
            Distribution::Float {
                low,
                high,
                log,
                step,
            } => (low, high, log, step),
            Distribution::Int {
                low,
                high,
                log,
                step,
            } => (low as f64, high as f64, log, Some(step as f64)),
            Distribution::Categorical { .. } => {
                unreachable!("categorical dimensions take Categorical")
            }
        };
        let half = step.map_or(0.0, |s| s / 2.0);
        let scale = if log {
            1.0
        } else {
            linear_scale(dist_low, dist_high)
        };
        let (low, high) = if log {
            ((dist_low - half).ln(), (dist_high + half).ln())
        } else {
            (
                dist_low * scale - half * scale,
                dist_high * scale + half * scale,
            )
        };
        let mut mus = pool.take(obs.len() + 1);
        // Observations outside the range (an enqueued or grid value used with a warning) are
        // clamped into it, as the kernels' truncation assumes.
        mus.extend(obs.iter().map(|&o| {
            let o = o.max(dist_low).min(dist_high);
            if log { o.ln() } else { o * scale }
        }));
        // A single-valued range never gets here (samplers return its value); should one, the
        // kernels stay finite.
        let range = (high - low).max(f64::MIN_POSITIVE);
        let n_obs = mus.len();
        let prior_mu = 0.5 * (low + high);
        let (min_sigma, max_sigma) = (config.magic_clip.min_sigma(n_obs, range), range);
        let mut sigmas = match config.bandwidth {
            Bandwidth::Optuna => neighbour_bandwidths(&mus, low, high, false, order, pool),
            Bandwidth::Hyperopt => {
                let mut with_prior = pool.take(n_obs + 1);
                with_prior.extend_from_slice(&mus);
                with_prior.push(prior_mu);
                // The prior (index n_obs) joins the order at its place; ties put it last.
                let order = order.map(|o| {
                    let at = o.partition_point(|&i| with_prior[i as usize] <= prior_mu);
                    let mut v = o.to_vec();
                    v.insert(at, n_obs as u32);
                    v
                });
                let mut s =
                    neighbour_bandwidths(&with_prior, low, high, true, order.as_deref(), pool);
                s.pop();
                pool.put(with_prior);
                s
            }
        };
        let floor = max_sigma * MIN_RELATIVE_SIGMA;
        sigmas
            .iter_mut()
            .for_each(|s| *s = s.max(min_sigma).min(max_sigma).max(floor));
        mus.push(prior_mu);
        sigmas.push(range);
        // One pass for the per-component constants. Most bandwidths sit at the clip, so ln σ
        // repeats: it is computed once per run of equal σ.
        let n_kernels = mus.len();
        let (mut inv_sigmas, mut half_inv, mut log_norm) = (
            pool.take(n_kernels),
            pool.take(n_kernels),
            pool.take(n_kernels),
        );
        // Most bandwidths sit at a clip, so ln σ repeats: the clips' logarithms are computed
        // once, other values once per run of equal σ.
        let mut last = (f64::NAN, 0.0);
        let (ln_min, ln_max) = (min_sigma.ln(), max_sigma.ln());
        for (&mu, &s) in mus.iter().zip(&sigmas) {
            let inv = 1.0 / s;
            inv_sigmas.push(inv);
            half_inv.push(inv * std::f64::consts::FRAC_1_SQRT_2);
            let log_z = log_gauss_mass((low - mu) * inv, (high - mu) * inv);
            log_norm.push(if step.is_some() {
                -log_z
            } else {
                let ln_s = if s == min_sigma {
                    ln_min
                } else if s == max_sigma {
                    ln_max
                } else {
                    if s != last.0 {
                        last = (s, s.ln());
                    }
                    last.1
                };
                -ln_s - LN_SQRT_2PI - log_z
            });
        }
        Numerical {
            mus,
            sigmas,
            inv_sigmas,
            half_inv,
            log_norm,
            low,
            high,
            log,
            step,
            scale,
            dist_low,
            dist_high,
        }
    }

    /// `t(x)`: an internal value in the kernels' space.
    pub(crate) fn transform(&self, x: f64) -> f64 {
        if self.log { x.ln() } else { x * self.scale }
    }

    /// A draw from component `k` with uniform quantile `q`, back in internal (natural) space.
    pub(crate) fn sample(&self, k: usize, q: f64) -> f64 {
        let (mu, s) = (self.mus[k], self.sigmas[k]);
        let z = ppf(q, (self.low - mu) / s, (self.high - mu) / s);
        // max / min: a clamp that cannot panic, equal to `clamp` on these ordered bounds.
        let t = (mu + s * z).max(self.low).min(self.high);
        let x = if self.log { t.exp() } else { t / self.scale };
        let x = match self.step {
            Some(step) => grid_point(
                self.dist_low,
                steps_in(self.dist_low, x, step).round(),
                step,
            ),
            None => x,
        };
        x.max(self.dist_low).min(self.dist_high)
    }
}

/// The neighbour bandwidth rule: sort, add `low` / `high` as sentinels,
/// `σᵢ = max(xᵢ − xᵢ₋₁, xᵢ₊₁ − xᵢ)`; unless `consider_endpoints`, with two or more points the
/// first and last use their inner neighbour only. Returned in the input order.
pub(crate) fn neighbour_bandwidths(
    mus: &[f64],
    low: f64,
    high: f64,
    consider_endpoints: bool,
    order: Option<&[u32]>,
    pool: &mut Pool,
) -> Vec<f64> {
    let n = mus.len();
    let owned;
    let order: &[u32] = match order {
        Some(o) => o,
        None => {
            // Sort (value, index) as integers: the f64 bits mapped to an order-preserving u64.
            let key = |m: f64| {
                let b = m.to_bits();
                if b >> 63 == 1 { !b } else { b | (1 << 63) }
            };
            let mut pairs: Vec<(u64, u32)> = mus
                .iter()
                .enumerate()
                .map(|(i, &m)| (key(m), i as u32))
                .collect();
            pairs.sort_unstable();
            owned = pairs.into_iter().map(|(_, i)| i).collect::<Vec<u32>>();
            &owned
        }
    };
    let at = |i: usize| -> f64 {
        // Sorted values with sentinels: 0 → low, 1..=n → points, n + 1 → high.
        if i == 0 {
            low
        } else if i == n + 1 {
            high
        } else {
            mus[order[i - 1] as usize]
        }
    };
    let mut out = pool.take(n + 1);
    out.resize(n, 0.0);
    for i in 0..n {
        let s = i + 1;
        let mut sigma = (at(s) - at(s - 1)).max(at(s + 1) - at(s));
        if !consider_endpoints && n >= 2 {
            if i == 0 {
                sigma = at(2) - at(1);
            } else if i == n - 1 {
                sigma = at(n) - at(n - 1);
            }
        }
        out[order[i] as usize] = sigma;
    }
    out
}
