//! Gaussian-process Bayesian optimisation, as Optuna 5's `GPSampler` does it.
//!
//! - [`GpSampler`]: the sampler; [`GpConfig`]: its settings with Optuna 5's defaults;
//!   [`GpNoise`]: fitted or fixed (deterministic objective) noise.
//! - The pieces, each tested against finite differences, direct formulas and Optuna's
//!   numbers: the Matérn-5/2 ARD kernel with a Hamming term ([`kernel`]), the prior on its
//!   hyperparameters ([`prior`]), the GP posterior ([`gp_model`]), the MAP fit of the
//!   hyperparameters ([`marginal`]), log expected improvement ([`acquisition`]), its
//!   optimisation over mixed spaces ([`optimize_acqf`]) with a projected L-BFGS ([`lbfgs`]),
//!   and the mapping of parameters to coordinates ([`search_space`]); the Cholesky factor and
//!   inverse in reused buffers (`spd`).

pub mod acquisition;
mod config;
pub mod gp_model;
pub mod kernel;
pub mod lbfgs;
pub mod marginal;
pub mod optimize_acqf;
pub mod prior;
mod sampler;
pub mod search_space;
mod spd;

pub use config::{GpConfig, GpNoise, MAX_PRELIMINARY_SAMPLES};
pub use sampler::{GpSampler, RELATIVE_PARAMS_KEY};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod goldens;
