//! TPE settings: Optuna 5's defaults, hyperopt's gamma and Watanabe's recommended preset.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How many of the `n` finished trials form the "good" group `l(x)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gamma {
    /// `min(ceil(beta · n), cap)` — Optuna's `default_gamma` is `Linear { beta: 0.1, cap: 25 }`.
    Linear {
        /// Fraction of trials in the good group.
        beta: f64,
        /// Upper bound of the good group's size.
        cap: usize,
    },
    /// `min(ceil(beta · √n), cap)` — hyperopt's split is `Sqrt { beta: 0.25, cap: 25 }`.
    Sqrt {
        /// Scale of √n.
        beta: f64,
        /// Upper bound of the good group's size.
        cap: usize,
    },
}

impl Gamma {
    /// The size of the good group among `n` finished trials, computed in `f64` as Optuna does.
    ///
    /// ```
    /// use gradus_tune::samplers::tpe::Gamma;
    /// let optuna = Gamma::Linear { beta: 0.1, cap: 25 };
    /// assert_eq!([0, 1, 10, 11, 30, 100, 1000].map(|n| optuna.n_below(n)), [0, 1, 1, 2, 3, 10, 25]);
    /// let hyperopt = Gamma::Sqrt { beta: 0.25, cap: 25 };
    /// assert_eq!([1, 16, 17, 100, 20000].map(|n| hyperopt.n_below(n)), [1, 1, 2, 3, 25]);
    /// ```
    pub fn n_below(&self, n: usize) -> usize {
        let (x, cap) = match *self {
            Gamma::Linear { beta, cap } => (beta * n as f64, cap),
            Gamma::Sqrt { beta, cap } => (beta * (n as f64).sqrt(), cap),
        };
        (x.ceil().max(0.0) as usize).min(cap)
    }
}

/// The weights of the observation kernels (the prior kernel gets [`TpeConfig::prior_weight`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Optuna's `default_weights` in both groups: 1 for fewer than 25 observations, else a
    /// ramp `linspace(1/n, 1, n − 25)` over the oldest followed by 25 ones (older trials count
    /// less). With the default gamma only `g(x)` ever has 25 or more observations.
    OldDecay,
    /// All observations weigh 1.
    Uniform,
    /// Watanabe's "EI" weighting: a good observation with loss `y` weighs
    /// `max(1e-12, y* − y)`, `y*` being the best loss outside the good group; the prior weighs
    /// their mean; the bad group is uniform. Falls back to uniform when no such `y*` exists.
    ExpectedImprovement,
}

impl Weighting {
    /// Optuna's `default_weights(n)` (the [`Weighting::OldDecay`] ramp).
    ///
    /// ```
    /// use gradus_tune::samplers::tpe::Weighting;
    /// assert_eq!(Weighting::old_decay(3), vec![1.0, 1.0, 1.0]);
    /// let w = Weighting::old_decay(28);
    /// assert_eq!(&w[..3], &[1.0 / 28.0, 0.5178571428571429, 1.0]);
    /// assert_eq!(w.len(), 28);
    /// ```
    pub fn old_decay(n: usize) -> Vec<f64> {
        if n < 25 {
            return vec![1.0; n];
        }
        let mut w = linspace(1.0 / n as f64, 1.0, n - 25);
        w.extend(std::iter::repeat_n(1.0, 25));
        w
    }
}

/// numpy's `linspace(start, stop, num)` (same arithmetic, last point exact).
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    match num {
        0 => vec![],
        1 => vec![start],
        _ => {
            let step = (stop - start) / (num - 1) as f64;
            let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
            v[num - 1] = stop;
            v
        }
    }
}

/// How kernel bandwidths come from the observations (in each dimension, in transformed space).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bandwidth {
    /// Optuna 5: sort the observations, put `low` and `high` as sentinels at both ends,
    /// `σᵢ = max(xᵢ − xᵢ₋₁, xᵢ₊₁ − xᵢ)`; with two or more observations the first and last use
    /// their inner neighbour only (`consider_endpoints = False`). The prior is not a neighbour.
    Optuna,
    /// hyperopt / Watanabe: the prior mean is inserted among the observations and the domain
    /// ends are ordinary sentinels (`consider_endpoints = True`).
    Hyperopt,
}

/// The lower clip of bandwidths ("magic clip"); the upper clip is always the range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MagicClip {
    /// `σ ≥ 1e-12`.
    Off,
    /// `σ ≥ range · max(min_factor, (n_obs + 2)^(−exponent))`. Optuna:
    /// `exponent = 1, min_factor = 0.01`, i.e. `range / min(100, n_obs + 2)`; Watanabe's
    /// recommendation: `exponent = 2, min_factor = 0.03`.
    On {
        /// α in `(n_obs + 2)^(−α)`.
        exponent: f64,
        /// Floor of the factor.
        min_factor: f64,
    },
}

impl MagicClip {
    /// The smallest allowed bandwidth for `n_obs` observations over `range`.
    pub fn min_sigma(&self, n_obs: usize, range: f64) -> f64 {
        match *self {
            MagicClip::Off => 1e-12,
            MagicClip::On {
                exponent,
                min_factor,
            } => range * min_factor.max(((n_obs + 2) as f64).powf(-exponent)),
        }
    }
}

/// Joint or per-parameter modelling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TpeMode {
    /// One mixture of product kernels over the intersection search space (Optuna 5's default
    /// for one objective); other parameters fall back to per-parameter TPE.
    #[default]
    Multivariate,
    /// Independent one-dimensional estimators per parameter (Optuna 4's default, hyperopt).
    Univariate,
}

/// The most candidates a proposal may draw: 2^20. Each is drawn, stored and scored against
/// every kernel, so larger counts only exhaust memory and time.
pub const MAX_EI_CANDIDATES: usize = 1 << 20;

/// Settings of [`super::TpeSampler`]. `Default` is Optuna 5's `TPESampler()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TpeConfig {
    /// Finished (Complete + Pruned) trials sampled at random before TPE starts (10).
    pub n_startup_trials: usize,
    /// Candidates drawn from `l(x)` per proposal (24; at most [`MAX_EI_CANDIDATES`]).
    pub n_ei_candidates: usize,
    /// Joint or per-parameter modelling (multivariate).
    pub mode: TpeMode,
    /// Treat Running trials as bad observations (the constant liar, Optuna 5 default: on), so
    /// parallel workers propose different points.
    pub constant_liar: bool,
    /// Size of the good group.
    pub gamma: Gamma,
    /// Kernel weights.
    pub weighting: Weighting,
    /// Weight of the prior kernel before normalisation (1.0).
    pub prior_weight: f64,
    /// Bandwidth rule.
    pub bandwidth: Bandwidth,
    /// Lower bandwidth clip.
    pub magic_clip: MagicClip,
}

impl Default for TpeConfig {
    fn default() -> Self {
        TpeConfig {
            n_startup_trials: 10,
            n_ei_candidates: 24,
            mode: TpeMode::Multivariate,
            constant_liar: true,
            gamma: Gamma::Linear { beta: 0.1, cap: 25 },
            weighting: Weighting::OldDecay,
            prior_weight: 1.0,
            bandwidth: Bandwidth::Optuna,
            magic_clip: MagicClip::On {
                exponent: 1.0,
                min_factor: 0.01,
            },
        }
    }
}

impl TpeConfig {
    /// Optuna's `TPESampler.hyperopt_parameters()`: 20 start-up trials and hyperopt's
    /// `min(ceil(0.25 √n), 25)` split; everything else as Optuna 5.
    pub fn hyperopt() -> Self {
        TpeConfig {
            n_startup_trials: 20,
            gamma: Gamma::Sqrt {
                beta: 0.25,
                cap: 25,
            },
            ..Self::default()
        }
    }

    /// The setting Watanabe (2023, arXiv:2304.11127) recommends, as OptunaHub's
    /// `tpe_tutorial` sampler ships it: linear gamma with β = 0.15, EI weights, hyperopt's
    /// bandwidth rule, magic clip with α = 2 and a 0.03 floor, multivariate.
    pub fn watanabe_recommended() -> Self {
        TpeConfig {
            gamma: Gamma::Linear {
                beta: 0.15,
                cap: 25,
            },
            weighting: Weighting::ExpectedImprovement,
            bandwidth: Bandwidth::Hyperopt,
            magic_clip: MagicClip::On {
                exponent: 2.0,
                min_factor: 0.03,
            },
            ..Self::default()
        }
    }

    /// The same settings in univariate mode.
    pub fn univariate(self) -> Self {
        TpeConfig {
            mode: TpeMode::Univariate,
            ..self
        }
    }

    /// Checks the ranges of the settings.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_EI_CANDIDATES).contains(&self.n_ei_candidates) {
            return Err(Error::InvalidConfig {
                name: "n_ei_candidates",
                reason: format!(
                    "must be between 1 and {MAX_EI_CANDIDATES} (each proposal draws and scores \
                     every candidate), got {}",
                    self.n_ei_candidates
                ),
            });
        }
        if !(self.prior_weight > 0.0 && self.prior_weight.is_finite()) {
            return Err(Error::InvalidConfig {
                name: "prior_weight",
                reason: format!("must be positive and finite, got {}", self.prior_weight),
            });
        }
        let beta = match self.gamma {
            Gamma::Linear { beta, .. } | Gamma::Sqrt { beta, .. } => beta,
        };
        if !(beta > 0.0 && beta.is_finite()) {
            return Err(Error::InvalidConfig {
                name: "gamma",
                reason: format!("beta must be positive, got {beta}"),
            });
        }
        if let MagicClip::On {
            exponent,
            min_factor,
        } = self.magic_clip
            && !(exponent >= 0.0 && (0.0..=1.0).contains(&min_factor))
        {
            return Err(Error::InvalidConfig {
                name: "magic_clip",
                reason: format!(
                    "needs exponent ≥ 0 and min_factor in [0, 1], got {exponent}, {min_factor}"
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Python (optuna 5.0.0 in bench/.venv-optuna):
    //   from optuna.samplers._tpe.sampler import default_gamma, hyperopt_default_gamma, default_weights
    //   [default_gamma(n) for n in (10, 29, 30, 31, 249, 250, 251)]        -> [1, 3, 3, 4, 25, 25, 25]
    //   [hyperopt_default_gamma(n) for n in (15, 16, 17, 144, 145, 9999)] -> [1, 1, 2, 3, 4, 25]
    #[test]
    fn gamma_matches_optuna() {
        let g = TpeConfig::default().gamma;
        assert_eq!(
            [10, 29, 30, 31, 249, 250, 251].map(|n| g.n_below(n)),
            [1, 3, 3, 4, 25, 25, 25]
        );
        let h = TpeConfig::hyperopt().gamma;
        assert_eq!(
            [15, 16, 17, 144, 145, 9999].map(|n| h.n_below(n)),
            [1, 1, 2, 3, 4, 25]
        );
        let w = TpeConfig::watanabe_recommended().gamma;
        assert_eq!([10, 20, 100, 1000].map(|n| w.n_below(n)), [2, 3, 15, 25]);
    }

    // default_weights(30) -> linspace(1/30, 1, 5) ++ ones(25):
    //   [0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0, 1.0, ...]
    #[test]
    fn old_decay_weights_match_optuna() {
        let w = Weighting::old_decay(30);
        assert_eq!(w.len(), 30);
        assert_eq!(
            &w[..6],
            &[
                0.03333333333333333,
                0.275,
                0.5166666666666667,
                0.7583333333333333,
                1.0,
                1.0
            ]
        );
        assert_eq!(Weighting::old_decay(25), vec![1.0; 25]);
        assert_eq!(Weighting::old_decay(26)[0], 1.0 / 26.0);
        assert!(Weighting::old_decay(0).is_empty());
    }

    #[test]
    fn magic_clip_matches_both_formulas() {
        let optuna = TpeConfig::default().magic_clip;
        assert_eq!(optuna.min_sigma(3, 10.0), 10.0 / 5.0);
        assert_eq!(optuna.min_sigma(500, 10.0), 10.0 / 100.0);
        let w = TpeConfig::watanabe_recommended().magic_clip;
        assert_eq!(w.min_sigma(2, 1.0), 1.0 / 16.0);
        assert_eq!(w.min_sigma(10, 1.0), 0.03);
    }

    #[test]
    fn bad_settings_are_rejected() {
        let c = TpeConfig {
            prior_weight: 0.0,
            ..TpeConfig::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("prior_weight")
        );
        assert!(
            TpeConfig {
                n_ei_candidates: 0,
                ..TpeConfig::default()
            }
            .validate()
            .is_err()
        );
        assert!(TpeConfig::watanabe_recommended().validate().is_ok());
    }
}
