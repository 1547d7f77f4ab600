//! The Parzen estimator: a weighted mixture of product kernels over the search space.
//!
//! One component per observation plus the prior component. Numerical dimensions use a
//! truncated normal per component (in log space for log parameters; for integers and stepped
//! floats the kernel is the mass of `[x − step/2, x + step/2]`), categorical dimensions a
//! smoothed one-hot row. In multivariate mode all dimensions share the component index (joint
//! density); univariate mode builds one estimator per parameter. Data live in flat `f64`
//! vectors, and the log-densities of all candidates against all components are computed in
//! tight loops over the components.

use super::config::TpeConfig;
use super::numerical::Numerical;
use super::truncnorm::log_gauss_mass;
use crate::distribution::Distribution;
use crate::rng::{TrialRng, uniform01};

/// Spare `f64` buffers, so that building estimators proposal after proposal reuses memory
/// instead of growing and trimming the heap (which costs page faults at 1000 trials).
#[derive(Debug, Default)]
pub(crate) struct Pool(Vec<Vec<f64>>);

impl Pool {
    /// An empty buffer with room for `cap` values.
    pub(crate) fn take(&mut self, cap: usize) -> Vec<f64> {
        let mut v = self.0.pop().unwrap_or_default();
        v.clear();
        v.reserve(cap);
        v
    }

    /// Returns a buffer (the pool keeps at most 256).
    pub(crate) fn put(&mut self, v: Vec<f64>) {
        if self.0.len() < 256 && v.capacity() > 0 {
            self.0.push(v);
        }
    }
}

/// The mixture; see the [module docs](self).
#[derive(Debug)]
pub(crate) struct ParzenEstimator {
    n_kernels: usize,
    log_weights: Vec<f64>,
    /// Per component: its log-weight plus the log-normalisers of all continuous dimensions,
    /// so that evaluating a point only adds `−((x − μ)/σ)² / 2` per continuous dimension.
    base: Vec<f64>,
    cum_weights: Vec<f64>,
    dims: Vec<DimKernels>,
}

#[derive(Debug)]
enum DimKernels {
    Numerical(Numerical),
    Categorical(Categorical),
}

/// Categorical kernels: row `k` holds component `k`'s probabilities of the choices.
#[derive(Debug)]
pub(crate) struct Categorical {
    n_choices: usize,
    pub(crate) probs: Vec<f64>,
    log_probs: Vec<f64>,
}

impl ParzenEstimator {
    /// Builds the mixture from `columns[d][i]`, the internal value of observation `i` in
    /// dimension `d` (numbers; choice indices), with observation weights `weights` (not yet
    /// normalised) and the prior's weight `prior_weight`. `orders[d]`, when given, lists the
    /// observations by ascending value in dimension `d` (ties by index), saving the sorts.
    pub(crate) fn new(
        columns: &[Vec<f64>],
        space: &[&Distribution],
        weights: &[f64],
        prior_weight: f64,
        config: &TpeConfig,
        orders: Option<&[Vec<u32>]>,
        pool: &mut Pool,
    ) -> Self {
        let n_obs = weights.len();
        let mut w = pool.take(n_obs + 1);
        if n_obs == 0 {
            w.push(1.0);
        } else {
            w.extend_from_slice(weights);
            w.push(prior_weight);
        }
        let total: f64 = w.iter().sum();
        if total.is_finite() && total > 0.0 {
            w.iter_mut().for_each(|x| *x /= total);
        } else {
            // Weights that overflow their sum: fall back to equal weights.
            let n = w.len() as f64;
            w.iter_mut().for_each(|x| *x = 1.0 / n);
        }
        let mut log_weights = pool.take(w.len());
        log_weights.extend(w.iter().map(|x| x.ln()));
        let mut acc = 0.0;
        let mut cum_weights = pool.take(w.len());
        cum_weights.extend(w.iter().map(|x| {
            acc += x;
            acc
        }));
        if let Some(last) = cum_weights.last_mut() {
            *last = 1.0;
        }
        let dims: Vec<DimKernels> = space
            .iter()
            .zip(columns)
            .enumerate()
            .map(|(i, (d, obs))| match d {
                Distribution::Categorical { choices } => {
                    DimKernels::Categorical(Categorical::new(obs, choices.len(), prior_weight))
                }
                _ => DimKernels::Numerical(Numerical::new(
                    obs,
                    d,
                    config,
                    orders.map(|o| o[i].as_slice()),
                    pool,
                )),
            })
            .collect();
        let mut base = pool.take(w.len());
        base.extend_from_slice(&log_weights);
        for dim in &dims {
            if let DimKernels::Numerical(num) = dim
                && num.step.is_none()
            {
                base.iter_mut()
                    .zip(&num.log_norm)
                    .for_each(|(b, n)| *b += n);
            }
        }
        let n_kernels = w.len();
        pool.put(w);
        ParzenEstimator {
            n_kernels,
            log_weights,
            base,
            cum_weights,
            dims,
        }
    }

    /// Gives the estimator's buffers back to `pool`.
    pub(crate) fn recycle(self, pool: &mut Pool) {
        for v in [self.log_weights, self.base, self.cum_weights] {
            pool.put(v);
        }
        for dim in self.dims {
            if let DimKernels::Numerical(n) = dim {
                for v in [n.mus, n.sigmas, n.inv_sigmas, n.half_inv, n.log_norm] {
                    pool.put(v);
                }
            }
        }
    }

    /// The normalised component weights.
    #[cfg(test)]
    pub(crate) fn weights(&self) -> Vec<f64> {
        self.log_weights.iter().map(|l| l.exp()).collect()
    }

    /// The kernels of dimension `d`, when numerical.
    #[cfg(test)]
    pub(crate) fn numerical(&self, d: usize) -> Option<&Numerical> {
        match &self.dims[d] {
            DimKernels::Numerical(n) => Some(n),
            DimKernels::Categorical(_) => None,
        }
    }

    /// The kernels of dimension `d`, when categorical.
    #[cfg(test)]
    pub(crate) fn categorical(&self, d: usize) -> Option<&Categorical> {
        match &self.dims[d] {
            DimKernels::Categorical(c) => Some(c),
            DimKernels::Numerical(_) => None,
        }
    }

    /// Draws `n` points: pick a component by weight, then each dimension from that component.
    /// Returns `out[d][c]`, internal values (stepped values on their grid).
    pub(crate) fn sample(&self, rng: &mut TrialRng, n: usize) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::with_capacity(n); self.dims.len()];
        for _ in 0..n {
            let u = uniform01(rng);
            let k = self
                .cum_weights
                .partition_point(|&c| c <= u)
                .min(self.n_kernels - 1);
            for (d, dim) in self.dims.iter().enumerate() {
                let x = match dim {
                    DimKernels::Numerical(num) => num.sample(k, uniform01(rng)),
                    DimKernels::Categorical(cat) => cat.sample(k, uniform01(rng)),
                };
                out[d].push(x);
            }
        }
        out
    }

    /// The mixture's log-density at each point `x[d][c]`.
    ///
    /// Per point, a row of per-component log-terms starts from `base` (log-weights plus the
    /// continuous normalisers); every dimension then adds a term ≤ 0 (`−z²/2`, a log cell mass
    /// relative to the truncation mass, or a log probability), so a component's partial sum
    /// only decreases. After the first dimension the best component's full value `F` is
    /// computed, and components whose partial sum is already below `F − 50` are dropped: their
    /// final terms would be below the maximum by more than 50, which the log-sum-exp skips
    /// anyway. The result is the same as evaluating every component in every dimension, at a
    /// fraction of the cost when there are many components (most are far from any point).
    pub(crate) fn log_pdf(&self, x: &[Vec<f64>]) -> Vec<f64> {
        let n = x.first().map_or(0, Vec::len);
        let mut row = vec![0.0; self.n_kernels];
        let mut alive: Vec<u32> = Vec::with_capacity(self.n_kernels);
        let mut point: Vec<Coord> = Vec::with_capacity(self.dims.len());
        // Discrete terms per distinct value (candidates often repeat on a grid).
        let mut seen: Vec<Vec<(f64, Vec<f64>)>> = vec![Vec::new(); self.dims.len()];
        // Candidates come from one mixture and tend to be alike: once pruning fails to drop
        // three quarters of the components, the remaining candidates go straight to dense loops.
        let mut try_prune = self.n_kernels >= 64;
        (0..n)
            .map(|c| {
                point.clear();
                for (dim, xs) in self.dims.iter().zip(x) {
                    match dim.coord(xs[c]) {
                        Some(p) => point.push(p),
                        None => return f64::NEG_INFINITY,
                    }
                }
                row.copy_from_slice(&self.base);
                let Some((first, rest)) = self.dims.split_first() else {
                    return log_sum_exp(&row);
                };
                first.add_all(point[0], &mut row, &mut seen[0]);
                if !try_prune {
                    for ((dim, &p), seen) in rest.iter().zip(&point[1..]).zip(&mut seen[1..]) {
                        dim.add_all(p, &mut row, seen);
                    }
                    return log_sum_exp(&row);
                }
                let Some((best, &partial)) =
                    row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))
                else {
                    return f64::NEG_INFINITY;
                };
                let full = rest
                    .iter()
                    .zip(&point[1..])
                    .fold(partial, |acc, (dim, &p)| acc + dim.term(p, best));
                let threshold = full - 50.0;
                let survivors = row.iter().filter(|&&r| r >= threshold).count();
                if survivors * 4 > self.n_kernels {
                    // Most components are still in: dense loops beat gathering.
                    try_prune = false;
                    for ((dim, &p), seen) in rest.iter().zip(&point[1..]).zip(&mut seen[1..]) {
                        dim.add_all(p, &mut row, seen);
                    }
                    return log_sum_exp(&row);
                }
                alive.clear();
                alive.extend((0..self.n_kernels as u32).filter(|&j| row[j as usize] >= threshold));
                for (dim, &p) in rest.iter().zip(&point[1..]) {
                    dim.add_some(p, &alive, &mut row);
                    alive.retain(|&j| row[j as usize] >= threshold);
                }
                let m = alive
                    .iter()
                    .map(|&j| row[j as usize])
                    .fold(f64::NEG_INFINITY, f64::max);
                if m == f64::NEG_INFINITY {
                    return m;
                }
                let mut sum = 0.0;
                for &j in &alive {
                    let d = row[j as usize] - m;
                    if d > -50.0 {
                        sum += d.exp();
                    }
                }
                m + sum.ln()
            })
            .collect()
    }
}

/// A point's coordinate in one dimension, prepared for the kernels of that dimension.
#[derive(Clone, Copy, Debug)]
enum Coord {
    /// Transformed value (ln for log scales), inside the bounds.
    Continuous(f64),
    /// Transformed cell `[x − step/2, x + step/2]`.
    Discrete(f64, f64),
    /// Choice index.
    Categorical(usize),
}

impl DimKernels {
    /// The coordinate of `xi`; `None` when a continuous value lies outside the bounds (density 0).
    fn coord(&self, xi: f64) -> Option<Coord> {
        match self {
            DimKernels::Numerical(num) => match num.step {
                None => {
                    let tol = 1e-12 * (1.0 + num.low.abs().max(num.high.abs()));
                    let x = num.transform(xi);
                    (x >= num.low - tol && x <= num.high + tol)
                        .then(|| Coord::Continuous(x.max(num.low).min(num.high)))
                }
                Some(step) => Some(if num.log {
                    Coord::Discrete((xi - step / 2.0).ln(), (xi + step / 2.0).ln())
                } else {
                    let (x, half) = (xi * num.scale, step / 2.0 * num.scale);
                    Coord::Discrete(x - half, x + half)
                }),
            },
            DimKernels::Categorical(_) => Some(Coord::Categorical(xi as usize)),
        }
    }

    /// Component `j`'s log-term at `p` (≤ 0).
    fn term(&self, p: Coord, j: usize) -> f64 {
        match (self, p) {
            (DimKernels::Numerical(num), Coord::Continuous(x)) => {
                let z = (x - num.mus[j]) * num.half_inv[j];
                -z * z
            }
            (DimKernels::Numerical(num), Coord::Discrete(left, right)) => {
                let (mu, inv) = (num.mus[j], num.inv_sigmas[j]);
                log_gauss_mass((left - mu) * inv, (right - mu) * inv) + num.log_norm[j]
            }
            (DimKernels::Categorical(cat), Coord::Categorical(idx)) => {
                cat.log_probs[j * cat.n_choices + idx]
            }
            _ => f64::NEG_INFINITY,
        }
    }

    /// Adds every component's log-term at `p` (tight loops; discrete terms are kept in `seen`
    /// per distinct value).
    fn add_all(&self, p: Coord, row: &mut [f64], seen: &mut Vec<(f64, Vec<f64>)>) {
        match (self, p) {
            (DimKernels::Numerical(num), Coord::Continuous(x)) => {
                let k = row.len();
                let (mus, half_inv) = (&num.mus[..k], &num.half_inv[..k]);
                for j in 0..k {
                    let z = (x - mus[j]) * half_inv[j];
                    row[j] -= z * z;
                }
            }
            (_, Coord::Discrete(left, _)) => {
                let pos = match seen.iter().position(|(v, _)| *v == left) {
                    Some(i) => i,
                    None => {
                        seen.push((left, (0..row.len()).map(|j| self.term(p, j)).collect()));
                        seen.len() - 1
                    }
                };
                for (r, t) in row.iter_mut().zip(&seen[pos].1) {
                    *r += t;
                }
            }
            _ => {
                for (j, r) in row.iter_mut().enumerate() {
                    *r += self.term(p, j);
                }
            }
        }
    }

    /// Adds the log-terms at `p` of the components in `alive` only.
    fn add_some(&self, p: Coord, alive: &[u32], row: &mut [f64]) {
        match (self, p) {
            (DimKernels::Numerical(num), Coord::Continuous(x)) => {
                for &j in alive {
                    let z = (x - num.mus[j as usize]) * num.half_inv[j as usize];
                    row[j as usize] -= z * z;
                }
            }
            _ => {
                for &j in alive {
                    row[j as usize] += self.term(p, j as usize);
                }
            }
        }
    }
}

/// ln Σ exp(rᵢ). Terms below the maximum by more than 50 are skipped: each is < 2e-22 of the
/// largest, so even 10⁶ of them move the result by less than 1e-15 — and in a 1000-component
/// mixture most components are that far from any given point, so this skips most `exp` calls.
fn log_sum_exp(row: &[f64]) -> f64 {
    let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    let mut sum = 0.0;
    for &r in row {
        let d = r - m;
        if d > -50.0 {
            sum += d.exp();
        }
    }
    m + sum.ln()
}

impl Categorical {
    fn new(obs: &[f64], n_choices: usize, prior_weight: f64) -> Self {
        let probs = if obs.is_empty() {
            vec![1.0 / n_choices as f64; n_choices]
        } else {
            let n_kernels = obs.len() + 1;
            let mut p = vec![prior_weight / n_kernels as f64; n_kernels * n_choices];
            for (i, &o) in obs.iter().enumerate() {
                if let Some(p) = p.get_mut(i * n_choices + o as usize) {
                    *p += 1.0;
                }
            }
            for row in p.chunks_exact_mut(n_choices) {
                let sum: f64 = row.iter().sum();
                if sum > 0.0 {
                    row.iter_mut().for_each(|x| *x /= sum);
                }
            }
            p
        };
        let log_probs = probs.iter().map(|p| p.ln()).collect();
        Categorical {
            n_choices,
            probs,
            log_probs,
        }
    }

    fn sample(&self, k: usize, u: f64) -> f64 {
        let row = &self.probs[k * self.n_choices..(k + 1) * self.n_choices];
        let mut cum = 0.0;
        for (i, p) in row.iter().enumerate().take(self.n_choices - 1) {
            cum += p;
            if cum >= u {
                return i as f64;
            }
        }
        (self.n_choices - 1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol * y.abs().max(1.0), "{a:?} vs {b:?}");
        }
    }

    fn est(obs: &[f64], d: &Distribution, config: &TpeConfig) -> ParzenEstimator {
        ParzenEstimator::new(
            &[obs.to_vec()],
            &[d],
            &vec![1.0; obs.len()],
            1.0,
            config,
            None,
            &mut Pool::default(),
        )
    }

    // Golden values from Optuna 5.0.0's own class (bench/.venv-optuna):
    //   from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
    //   from optuna.samplers._tpe.sampler import default_weights
    //   import optuna.distributions as D, numpy as np
    //   P = _ParzenEstimatorParameters(1.0, True, False, default_weights, True)
    //   pe = _ParzenEstimator({"x": np.array([2., 9., 3., 5.])}, {"x": D.FloatDistribution(0, 10)}, P)
    //   d = pe._mixture_distribution.distributions[0]; d.mu, d.sigma, pe._mixture_distribution.weights
    //   -> mu [2, 9, 3, 5, 5], sigma [1, 4, 2, 4, 10], weights [0.2]*5
    #[test]
    fn bandwidths_follow_optunas_neighbour_rule_and_magic_clip() {
        let d = Distribution::float("x", 0.0, 10.0).unwrap();
        let pe = est(&[2.0, 9.0, 3.0, 5.0], &d, &TpeConfig::default());
        let n = pe.numerical(0).unwrap();
        close(&n.mus, &[2.0, 9.0, 3.0, 5.0, 5.0], 0.0);
        // Raw neighbour sigmas [1, 4, 2, 4] all exceed the clip 10 / min(100, 6) = 1.667 but the first.
        close(&n.sigmas, &[1.6666666666666667, 4.0, 2.0, 4.0, 10.0], 1e-15);
        close(&pe.weights(), &[0.2; 5], 1e-15);
        // One observation: both sentinels count; sigma = max(2 - 0, 10 - 2) = 8.
        let pe = est(&[2.0], &d, &TpeConfig::default());
        close(&pe.numerical(0).unwrap().sigmas, &[8.0, 10.0], 0.0);
    }

    // pe = _ParzenEstimator({"n": np.array([1., 4., 4., 10.])}, {"n": D.IntDistribution(1, 10, log=True)}, P)
    //   -> mu = log([1, 4, 4, 10]) ++ [0.5*(log .5 + log 10.5)],
    //      sigma [1.3862943611198906, 1.3862943611198906, 0.9162907318741553, 0.9162907318741553, 3.044522437723423]
    #[test]
    fn log_int_kernels_live_in_log_space_with_half_step_padding() {
        let d = Distribution::int_log("n", 1, 10).unwrap();
        let pe = est(&[1.0, 4.0, 4.0, 10.0], &d, &TpeConfig::default());
        let n = pe.numerical(0).unwrap();
        let prior = 0.5 * (0.5f64.ln() + 10.5f64.ln());
        close(
            &n.mus,
            &[0.0, 4f64.ln(), 4f64.ln(), 10f64.ln(), prior],
            1e-15,
        );
        close(
            &n.sigmas,
            &[
                1.3862943611198906,
                1.3862943611198906,
                0.9162907318741553,
                0.9162907318741553,
                3.044522437723423,
            ],
            1e-13,
        );
    }

    // pe = _ParzenEstimator({"c": np.array([0., 2., 2.])}, {"c": D.CategoricalDistribution(["a","b","c"])}, P)
    //   pe._mixture_distribution.distributions[0].weights
    //   -> prior_weight/4 = 0.25 on every choice, +1 on the observed one, rows normalised (sum 1.75):
    //      [[5/7, 1/7, 1/7], [1/7, 1/7, 5/7], [1/7, 1/7, 5/7], [1/3, 1/3, 1/3]]
    #[test]
    fn categorical_kernel_matches_optuna() {
        let d = Distribution::categorical("c", vec!["a".into(), "b".into(), "c".into()]).unwrap();
        let pe = est(&[0.0, 2.0, 2.0], &d, &TpeConfig::default());
        let p = &pe.categorical(0).unwrap().probs;
        let (hi, lo) = (0.7142857142857143, 0.14285714285714285);
        close(
            p,
            &[
                hi,
                lo,
                lo,
                lo,
                lo,
                hi,
                lo,
                lo,
                hi,
                1.0 / 3.0,
                1.0 / 3.0,
                1.0 / 3.0,
            ],
            1e-15,
        );
    }

    // Watanabe preset (OptunaHub tpe_tutorial `_bandwidth_hyperopt` + `_clip_bandwidth`,
    // b_magic_exponent=2, min_bandwidth_factor=0.03) on x = [2, 9, 3, 5] in [0, 10]:
    //   mus_with_prior = [2, 9, 3, 5, 5]; sorted with endpoints [0, 2, 3, 5, 5(prior), 9, 10]
    //   σ = max(left gap, right gap), ends included: 2->2, 3->2, 5->2, 5(prior)->4, 9->4;
    //   clip min = 10 * max(0.03, 1/6**2) = 0.3 -> [2, 4, 2, 2] and the prior gets 10.
    //   numpy check (/tmp/refenv): the tutorial's _bandwidth_hyperopt + _clip_bandwidth give
    //   [2, 4, 2, 2, 10].
    #[test]
    fn watanabe_bandwidths_insert_the_prior_and_keep_endpoints() {
        let d = Distribution::float("x", 0.0, 10.0).unwrap();
        let pe = est(
            &[2.0, 9.0, 3.0, 5.0],
            &d,
            &TpeConfig::watanabe_recommended(),
        );
        close(
            &pe.numerical(0).unwrap().sigmas,
            &[2.0, 4.0, 2.0, 2.0, 10.0],
            0.0,
        );
    }

    // x = np.array([0.5, 3.0, 7.5]); optuna's pe.log_pdf({"x": x}) for the estimator of the
    // first test:
    //   -> [-2.391649540053917, -1.9538121393820433, -2.5725946986147123]
    #[test]
    fn continuous_log_pdf_matches_optuna() {
        let d = Distribution::float("x", 0.0, 10.0).unwrap();
        let pe = est(&[2.0, 9.0, 3.0, 5.0], &d, &TpeConfig::default());
        close(
            &pe.log_pdf(&[vec![0.5, 3.0, 7.5]]),
            &[-2.391649540053917, -1.9538121393820433, -2.5725946986147123],
            1e-12,
        );
    }

    // pe = _ParzenEstimator({"n": np.array([2., 4., 4.]), "c": np.array([1., 0., 1.])},
    //                       {"n": D.IntDistribution(0, 6, step=2), "c": D.CategoricalDistribution([True, False])}, P)
    // pe.log_pdf({"n": np.array([0., 4., 6.]), "c": np.array([1., 0., 0.])})
    //   -> [-2.367915434717913, -1.9019483439112983, -2.3282810421870437]
    #[test]
    fn discrete_and_categorical_joint_log_pdf_matches_optuna() {
        let n = Distribution::int_step("n", 0, 6, 2).unwrap();
        let c = Distribution::categorical("c", vec![true.into(), false.into()]).unwrap();
        let pe = ParzenEstimator::new(
            &[vec![2.0, 4.0, 4.0], vec![1.0, 0.0, 1.0]],
            &[&n, &c],
            &[1.0; 3],
            1.0,
            &TpeConfig::default(),
            None,
            &mut Pool::default(),
        );
        let got = pe.log_pdf(&[vec![0.0, 4.0, 6.0], vec![1.0, 0.0, 0.0]]);
        close(
            &got,
            &[-2.367915434717913, -1.9019483439112983, -2.3282810421870437],
            1e-12,
        );
    }

    #[test]
    fn presorted_orders_give_the_same_bandwidths_as_sorting() {
        let obs: Vec<f64> = vec![0.3, -2.0, 0.3, 4.5, 1.0, -2.0, 7.0];
        let mut order: Vec<u32> = (0..obs.len() as u32).collect();
        order.sort_by(|&a, &b| obs[a as usize].total_cmp(&obs[b as usize]).then(a.cmp(&b)));
        for rule in [TpeConfig::default(), TpeConfig::watanabe_recommended()] {
            let d = Distribution::float("x", -5.0, 10.0).unwrap();
            let w = vec![1.0; obs.len()];
            let a = ParzenEstimator::new(
                std::slice::from_ref(&obs),
                &[&d],
                &w,
                1.0,
                &rule,
                None,
                &mut Pool::default(),
            );
            let b = ParzenEstimator::new(
                std::slice::from_ref(&obs),
                &[&d],
                &w,
                1.0,
                &rule,
                Some(&[order.clone()]),
                &mut Pool::default(),
            );
            assert_eq!(
                a.numerical(0).unwrap().sigmas,
                b.numerical(0).unwrap().sigmas
            );
        }
    }

    /// Every component in every dimension, then the log-sum-exp: what `log_pdf` must equal.
    fn brute_force_log_pdf(pe: &ParzenEstimator, x: &[Vec<f64>]) -> Vec<f64> {
        (0..x[0].len())
            .map(|c| {
                let mut row = pe.base.clone();
                for (dim, xs) in pe.dims.iter().zip(x) {
                    let Some(p) = dim.coord(xs[c]) else {
                        return f64::NEG_INFINITY;
                    };
                    for (j, r) in row.iter_mut().enumerate() {
                        *r += dim.term(p, j);
                    }
                }
                let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                m + row.iter().map(|r| (r - m).exp()).sum::<f64>().ln()
            })
            .collect()
    }

    // The pruned evaluation drops components more than 50 below the best one; with 400 random
    // components in a mixed 4-D space it must agree with the brute force to rounding.
    #[test]
    fn pruned_log_pdf_equals_brute_force() {
        let x = Distribution::float("x", -5.0, 5.0).unwrap();
        let y = Distribution::float_log("y", 1e-3, 10.0).unwrap();
        let n = Distribution::int_step("n", 0, 20, 2).unwrap();
        let c = Distribution::categorical("c", vec!["a".into(), "b".into(), "c".into()]).unwrap();
        let mut rng = crate::rng::rng_from_seed(4);
        let mut u = || crate::rng::uniform01(&mut rng);
        let k = 400;
        let cols = vec![
            (0..k).map(|_| -5.0 + 10.0 * u()).collect::<Vec<f64>>(),
            (0..k).map(|_| 10f64.powf(-3.0 + 4.0 * u())).collect(),
            (0..k).map(|_| 2.0 * (u() * 11.0).floor()).collect(),
            (0..k).map(|_| (u() * 3.0).floor()).collect(),
        ];
        let weights: Vec<f64> = (0..k).map(|i| 0.1 + i as f64 / k as f64).collect();
        let pe = ParzenEstimator::new(
            &cols,
            &[&x, &y, &n, &c],
            &weights,
            1.0,
            &TpeConfig::default(),
            None,
            &mut Pool::default(),
        );
        let mut rng = crate::rng::rng_from_seed(5);
        let pts = pe.sample(&mut rng, 64);
        let (fast, slow) = (pe.log_pdf(&pts), brute_force_log_pdf(&pe, &pts));
        for (a, b) in fast.iter().zip(&slow) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
        }
        // A point outside a continuous range has density 0.
        assert_eq!(
            pe.log_pdf(&[vec![6.0], vec![1.0], vec![2.0], vec![0.0]]),
            vec![f64::NEG_INFINITY]
        );
    }

    #[test]
    fn samples_stay_in_bounds_and_on_the_grid() {
        let n = Distribution::int_log("n", 1, 100).unwrap();
        let x = Distribution::float_step("x", -1.0, 1.0, 0.25).unwrap();
        let pe = ParzenEstimator::new(
            &[vec![3.0, 50.0], vec![-1.0, 0.5]],
            &[&n, &x],
            &[1.0, 1.0],
            1.0,
            &TpeConfig::default(),
            None,
            &mut Pool::default(),
        );
        let mut rng = crate::rng::rng_from_seed(9);
        let s = pe.sample(&mut rng, 2000);
        for (&a, &b) in s[0].iter().zip(&s[1]) {
            assert!(a.fract() == 0.0 && (1.0..=100.0).contains(&a), "{a}");
            assert!((-1.0..=1.0).contains(&b) && (b * 4.0).fract() == 0.0, "{b}");
        }
        assert!(pe.log_pdf(&s).iter().all(|l| l.is_finite()));
    }
}
