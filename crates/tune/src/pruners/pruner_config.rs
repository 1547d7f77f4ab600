//! [`PrunerConfig`]: the choice of pruner as data, for spec files and command lines.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::{
    HyperbandConfig, HyperbandPruner, MedianPruner, NopPruner, PercentileConfig, PercentilePruner,
    Pruner, SuccessiveHalvingConfig, SuccessiveHalvingPruner,
};
use crate::error::{Error, Result};
use crate::names;

/// Which pruner a study uses, with its settings: `{ type = "median", n_warmup_steps = 5 }`
/// in TOML, `"median"`, `"none"`, … as a string ([`FromStr`] and serde, Optuna's defaults). An
/// unknown kind is an error listing the valid ones nearest first. Build it
/// with [`PrunerConfig::build`] and hand the result to
/// [`StudyBuilder::pruner`](crate::StudyBuilder::pruner).
///
/// ```
/// use gradus_tune::pruners::PrunerConfig;
/// let c: PrunerConfig = "hyperband".parse()?;
/// assert_eq!(c.to_string(), "hyperband");
/// let c: PrunerConfig = serde_json::from_str(r#"{"type": "median", "n_startup_trials": 3}"#).unwrap();
/// let study = gradus_tune::Study::builder().pruner(c.build()?).seed(0).build()?;
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrunerConfig {
    /// Never prune ([`NopPruner`]).
    None,
    /// Below the median of the other trials at the same step ([`MedianPruner`]; the
    /// `percentile` field is ignored).
    Median(PercentileConfig),
    /// Below a percentile of the other trials ([`PercentilePruner`]).
    Percentile(PercentileConfig),
    /// Asynchronous successive halving ([`SuccessiveHalvingPruner`]).
    SuccessiveHalving(SuccessiveHalvingConfig),
    /// Hyperband ([`HyperbandPruner`]).
    Hyperband(HyperbandConfig),
}

/// The derived serde form of [`PrunerConfig`], read once its `type` is known to be valid.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Tagged {
    None,
    Median(PercentileConfig),
    Percentile(PercentileConfig),
    SuccessiveHalving(SuccessiveHalvingConfig),
    Hyperband(HyperbandConfig),
}

impl From<Tagged> for PrunerConfig {
    fn from(t: Tagged) -> PrunerConfig {
        match t {
            Tagged::None => PrunerConfig::None,
            Tagged::Median(c) => PrunerConfig::Median(c),
            Tagged::Percentile(c) => PrunerConfig::Percentile(c),
            Tagged::SuccessiveHalving(c) => PrunerConfig::SuccessiveHalving(c),
            Tagged::Hyperband(c) => PrunerConfig::Hyperband(c),
        }
    }
}

impl<'de> Deserialize<'de> for PrunerConfig {
    /// A table with `type` (one of [`PrunerConfig::NAMES`]) and the settings, or a name that
    /// [`FromStr`] accepts.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        names::deserialize_tagged::<D, PrunerConfig, Tagged>(d, "pruner", &Self::NAMES)
    }
}

impl Default for PrunerConfig {
    /// The median pruner with Optuna's defaults (Optuna's default pruner).
    fn default() -> Self {
        PrunerConfig::Median(PercentileConfig::default())
    }
}

impl PrunerConfig {
    /// The names [`FromStr`] and [`fmt::Display`] use.
    pub const NAMES: [&'static str; 5] = [
        "none",
        "median",
        "percentile",
        "successive_halving",
        "hyperband",
    ];

    /// The pruner.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for settings the pruner refuses.
    pub fn build(&self) -> Result<Box<dyn Pruner>> {
        Ok(match self {
            PrunerConfig::None => Box::new(NopPruner),
            PrunerConfig::Median(c) => Box::new(MedianPruner::new(c.clone())?),
            PrunerConfig::Percentile(c) => Box::new(PercentilePruner::new(c.clone())?),
            PrunerConfig::SuccessiveHalving(c) => {
                Box::new(SuccessiveHalvingPruner::new(c.clone())?)
            }
            PrunerConfig::Hyperband(c) => Box::new(HyperbandPruner::new(c.clone())?),
        })
    }

    /// The kind's name, one of [`PrunerConfig::NAMES`].
    pub fn name(&self) -> &'static str {
        match self {
            PrunerConfig::None => "none",
            PrunerConfig::Median(_) => "median",
            PrunerConfig::Percentile(_) => "percentile",
            PrunerConfig::SuccessiveHalving(_) => "successive_halving",
            PrunerConfig::Hyperband(_) => "hyperband",
        }
    }
}

impl fmt::Display for PrunerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PrunerConfig {
    type Err = Error;

    /// One of [`PrunerConfig::NAMES`] (`nop` and `-` for `none` too), with default settings.
    fn from_str(s: &str) -> Result<Self> {
        Ok(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "none" | "nop" => PrunerConfig::None,
                "median" => PrunerConfig::default(),
                "percentile" => PrunerConfig::Percentile(PercentileConfig::default()),
                "successive_halving" => PrunerConfig::SuccessiveHalving(Default::default()),
                "hyperband" => PrunerConfig::Hyperband(Default::default()),
                _ => return Err(names::unknown("pruner", s, &Self::NAMES)),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_build() {
        for name in PrunerConfig::NAMES {
            let c: PrunerConfig = name.parse().unwrap();
            assert_eq!(c.to_string(), name);
            assert!(c.build().is_ok(), "{name}");
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<PrunerConfig>(&json).unwrap(), c);
        }
        let e = "medain".parse::<PrunerConfig>().unwrap_err().to_string();
        assert!(
            e.contains("unknown pruner `medain`; did you mean `median`? valid: median, "),
            "{e}"
        );
        let e = "hyperbnd".parse::<PrunerConfig>().unwrap_err().to_string();
        assert!(e.contains("valid: hyperband, "), "{e}");
        let e = serde_json::from_str::<PrunerConfig>(r#"{"type": "percentil", "percentile": 30}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("did you mean `percentile`? valid: percentile, "),
            "{e}"
        );
        assert_eq!(
            serde_json::from_str::<PrunerConfig>(r#""hyperband""#).unwrap(),
            PrunerConfig::Hyperband(Default::default())
        );
    }

    #[test]
    fn invalid_settings_are_errors_at_build() {
        let c: PrunerConfig =
            serde_json::from_str(r#"{"type": "percentile", "percentile": 150}"#).unwrap();
        assert!(c.build().unwrap_err().to_string().contains("percentile"));
    }
}
