//! [`SamplerConfig`]: the choice of sampler as data, for spec files and command lines.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::{GpConfig, GpSampler, GridSampler, RandomSampler, Sampler, TpeConfig, TpeSampler};
use crate::error::{Error, Result};
use crate::names;
use crate::param::ParamValue;

/// Which sampler a study uses, with its settings: `{ type = "tpe", n_startup_trials = 20 }`
/// in TOML, `"tpe"` / `"random"` / `"gp"` as a string ([`FromStr`] and serde, defaults). An unknown
/// kind is an error listing the valid ones nearest first (`unknown sampler `tpee`; did you
/// mean `tpe`? valid: tpe, gp, random`). Build it with
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    /// Gaussian-process Bayesian optimisation ([`GpSampler`]; Optuna 5's defaults).
    Gp(GpConfig),
}

/// The derived serde form of [`SamplerConfig`], read once its `type` is known to be valid.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Tagged {
    Random,
    Tpe(TpeConfig),
    Grid {
        grid: BTreeMap<String, Vec<ParamValue>>,
    },
    Gp(GpConfig),
}

impl From<Tagged> for SamplerConfig {
    fn from(t: Tagged) -> SamplerConfig {
        match t {
            Tagged::Random => SamplerConfig::Random,
            Tagged::Tpe(c) => SamplerConfig::Tpe(c),
            Tagged::Grid { grid } => SamplerConfig::Grid { grid },
            Tagged::Gp(c) => SamplerConfig::Gp(c),
        }
    }
}

impl<'de> Deserialize<'de> for SamplerConfig {
    /// A table with `type` (one of [`SamplerConfig::KINDS`]) and the settings, or a name
    /// that [`FromStr`] accepts.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        names::deserialize_tagged::<D, SamplerConfig, Tagged>(d, "sampler", &Self::KINDS)
    }
}

impl Default for SamplerConfig {
    /// TPE with Optuna 5's defaults (Optuna's default sampler).
    fn default() -> Self {
        SamplerConfig::Tpe(TpeConfig::default())
    }
}

impl SamplerConfig {
    /// The names [`FromStr`] accepts.
    pub const NAMES: [&'static str; 3] = ["random", "tpe", "gp"];

    /// The kinds the serde form's `type` takes: [`SamplerConfig::NAMES`] and `grid`.
    pub const KINDS: [&'static str; 4] = ["random", "tpe", "grid", "gp"];

    /// The sampler.
    ///
    /// # Errors
    /// What the sampler's constructor refuses: an empty grid ([`Error::EmptyGrid`]), a TPE or
    /// GP setting out of range ([`Error::InvalidConfig`]).
    pub fn build(&self) -> Result<Box<dyn Sampler>> {
        Ok(match self {
            SamplerConfig::Random => Box::new(RandomSampler),
            SamplerConfig::Tpe(c) => Box::new(TpeSampler::new(c.clone())?),
            SamplerConfig::Grid { grid } => Box::new(GridSampler::new(grid.clone())?),
            SamplerConfig::Gp(c) => Box::new(GpSampler::new(c.clone())?),
        })
    }

    /// The kind's name: `random`, `tpe`, `grid` or `gp`.
    pub fn name(&self) -> &'static str {
        match self {
            SamplerConfig::Random => "random",
            SamplerConfig::Tpe(_) => "tpe",
            SamplerConfig::Grid { .. } => "grid",
            SamplerConfig::Gp(_) => "gp",
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

    /// `random`, `tpe` or `gp`, with default settings (a grid needs its values: use serde).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "random" => Ok(SamplerConfig::Random),
            "tpe" => Ok(SamplerConfig::default()),
            "gp" => Ok(SamplerConfig::Gp(GpConfig::default())),
            "grid" => Err(Error::InvalidConfig {
                name: "sampler",
                reason: "a grid sampler needs its grid: give `{ type = \"grid\", grid = { ... } }`"
                    .into(),
            }),
            _ => Err(names::unknown("sampler", s, &Self::NAMES)),
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
        assert!(
            e.ends_with("unknown sampler `tpee`; did you mean `tpe`? valid: tpe, gp, random"),
            "{e}"
        );
        let e = "randon".parse::<SamplerConfig>().unwrap_err().to_string();
        assert!(e.ends_with("valid: random, tpe, gp"), "{e}");
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
        let typo =
            serde_json::from_str::<SamplerConfig>(r#"{"n_startup_trials": 5, "type": "tpee"}"#);
        let e = typo.unwrap_err().to_string();
        assert!(
            e.contains("did you mean `tpe`? valid: tpe, gp, grid, random"),
            "{e}"
        );
        let untyped = serde_json::from_str::<SamplerConfig>(r#"{"n_startup_trials": 5}"#);
        assert!(
            untyped
                .unwrap_err()
                .to_string()
                .contains("give its kind as `type`")
        );
        // The tag may follow the settings, and a bare name is the default settings.
        let c: SamplerConfig =
            serde_json::from_str(r#"{"n_startup_trials": 5, "type": "tpe"}"#).unwrap();
        let SamplerConfig::Tpe(tpe) = &c else {
            unreachable!()
        };
        assert_eq!(tpe.n_startup_trials, 5);
        assert_eq!(
            serde_json::from_str::<SamplerConfig>(r#""random""#).unwrap(),
            SamplerConfig::Random
        );
        let gp: SamplerConfig = serde_json::from_str(
            r#"{"type": "gp", "n_startup_trials": 4, "noise": "deterministic"}"#,
        )
        .unwrap();
        let SamplerConfig::Gp(c) = &gp else {
            unreachable!()
        };
        assert_eq!(
            (c.n_startup_trials, c.noise),
            (4, crate::samplers::GpNoise::Deterministic)
        );
        assert!(gp.build().is_ok());
        let empty: SamplerConfig = serde_json::from_str(r#"{"type": "grid", "grid": {}}"#).unwrap();
        assert!(empty.build().is_err());
    }
}
