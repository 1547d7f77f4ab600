//! Tree-structured Parzen Estimator (TPE), as Optuna 5 implements it.
//!
//! - [`TpeSampler`]: the sampler; [`TpeConfig`]: its settings with Optuna 5's defaults,
//!   [`TpeConfig::hyperopt`] and [`TpeConfig::watanabe_recommended`] presets.
//! - The pieces, each pinned to Optuna's numbers by tests: [`Gamma`] (group split),
//!   [`Weighting`] (kernel weights), [`Bandwidth`] and [`MagicClip`] (kernel widths), the
//!   Parzen estimator (mixture of truncated-normal / discrete / categorical product kernels),
//!   the truncated normal, and the split of trials into good and bad groups.

mod cache;
mod config;
mod numerical;
mod parzen_estimator;
mod sampler;
mod split;
mod truncnorm;

pub use config::{Bandwidth, Gamma, MAX_EI_CANDIDATES, MagicClip, TpeConfig, TpeMode, Weighting};
pub use sampler::{RELATIVE_PARAMS_KEY, TpeSampler};
