//! [`SamplerConfig`]: the choice of sampler as data, for spec files and command lines.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{GridSampler, RandomSampler, Sampler, TpeConfig, TpeSampler};
use crate::error::{Error, Result};
use crate::param::ParamValue;

/// Which sampler a study uses, with its settings: `{ type = "tpe", n_startup_trials = 20 }`
/// in TOML, `"tpe"` / `"random"` as a string ([`FromStr`], defaults). Build it with
/// [`SamplerConfig::build`] and hand the result to
/// [`StudyBuilder::sampler`](crate::StudyBuilder::sampler).
///
/// ```
/// use gradus_tune::samplers::SamplerConfig;
/// let c: SamplerConfig = "tpe".parse()?;
/// assert_eq!(c, SamplerConfig::Tpe(Default::default()));
/// let c: SamplerConfig = serde_json::from_str(r#"{"type": "tpe", "n_startup_trials": 5}"#).unwrap();
/// let SamplerConfig::Tpe(tpe) = &c else { unreachable!() };
/// assert_eq!(tpe.n_startup_trials, 5);
/// let study = gradus_tune::Study::builder().sampler(c.build()?).seed(0).build()?;
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SamplerConfig {
    /// Independent uniform draws ([`RandomSampler`]).
    Random,
    /// Tree-structured Parzen estimator ([`TpeSampler`]; Optuna 5's defaults).
    Tpe(TpeConfig),
    /// Every point of a grid, in a seeded order ([`GridSampler`]).
    Grid {
        /// The values of each parameter.
        grid: BTreeMap<String, Vec<ParamValue>>,
    },
}

impl Default for SamplerConfig {
    /// TPE with Optuna 5's defaults (Optuna's default sampler).
    fn default() -> Self {
        SamplerConfig::Tpe(TpeConfig::default())
    }
}

impl SamplerConfig {
    /// The names [`FromStr`] accepts.
    pub const NAMES: [&'static str; 2] = ["random", "tpe"];

    /// The sampler.
    ///
    /// # Errors
    /// What the sampler's constructor refuses: an empty grid ([`Error::EmptyGrid`]), a TPE
    /// setting out of range ([`Error::InvalidConfig`]).
    pub fn build(&self) -> Result<Box<dyn Sampler>> {
        Ok(match self {
            SamplerConfig::Random => Box::new(RandomSampler),
            SamplerConfig::Tpe(c) => Box::new(TpeSampler::new(c.clone())?),
            SamplerConfig::Grid { grid } => Box::new(GridSampler::new(grid.clone())?),
        })
    }

    /// The kind's name: `random`, `tpe` or `grid`.
    pub fn name(&self) -> &'static str {
        match self {
            SamplerConfig::Random => "random",
            SamplerConfig::Tpe(_) => "tpe",
            SamplerConfig::Grid { .. } => "grid",
        }
    }
}

impl fmt::Display for SamplerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SamplerConfig {
    type Err = Error;

    /// `random` or `tpe`, with default settings (a grid needs its values: use serde).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "random" => Ok(SamplerConfig::Random),
            "tpe" => Ok(SamplerConfig::default()),
            "grid" => Err(Error::InvalidConfig {
                name: "sampler",
                reason: "a grid sampler needs its grid: give `{ type = \"grid\", grid = { ... } }`"
                    .into(),
            }),
            _ => Err(Error::InvalidConfig {
                name: "sampler",
                reason: format!("unknown sampler `{s}`; valid: {}", Self::NAMES.join(", ")),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for name in SamplerConfig::NAMES {
            let c: SamplerConfig = name.parse().unwrap();
            assert_eq!(c.to_string(), name);
            assert!(c.build().is_ok());
        }
        let e = "tpee".parse::<SamplerConfig>().unwrap_err().to_string();
        assert!(e.contains("random, tpe"), "{e}");
        assert!("grid".parse::<SamplerConfig>().is_err());
    }

    #[test]
    fn serde_forms() {
        let c: SamplerConfig = serde_json::from_str(r#"{"type": "random"}"#).unwrap();
        assert_eq!(c, SamplerConfig::Random);
        let c: SamplerConfig =
            serde_json::from_str(r#"{"type": "grid", "grid": {"x": [1, 2], "y": ["a"]}}"#).unwrap();
        assert!(c.build().is_ok());
        let back: SamplerConfig =
            serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        let bad = serde_json::from_str::<SamplerConfig>(r#"{"type": "annealing"}"#);
        assert!(bad.unwrap_err().to_string().contains("annealing"));
        let empty: SamplerConfig = serde_json::from_str(r#"{"type": "grid", "grid": {}}"#).unwrap();
        assert!(empty.build().is_err());
    }
}
