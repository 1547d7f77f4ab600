//! [`DistributionSpec`]: the short written form of a [`Distribution`] used by spec files,
//! the command line and JSON (`{"float": [1e-5, 1], "log": true}`).

use serde::{Deserialize, Serialize};

use super::Distribution;
use crate::error::{Error, Result};
use crate::param::ParamValue;

/// A distribution as a person writes it: exactly one of `float = [low, high]`,
/// `int = [low, high]` or `choice = [values…]`, with `log` and `step` where they apply.
///
/// | written | distribution |
/// |---|---|
/// | `{"float": [1e-5, 1], "log": true}` | log-uniform float |
/// | `{"float": [-5, 5], "step": 0.5}` | float on a grid of step 0.5 |
/// | `{"int": [16, 256]}` | uniform integer (`"step": 16`, `"log": true` too) |
/// | `{"choice": ["relu", "tanh"]}` | categorical |
///
/// Unknown keys are refused (`deny_unknown_fields`); [`DistributionSpec::to_distribution`]
/// validates the rest.
///
/// ```
/// use gradus_tune::{Distribution, DistributionSpec};
/// let s: DistributionSpec = serde_json::from_str(r#"{"int": [16, 256], "step": 16}"#).unwrap();
/// assert_eq!(
///     s.to_distribution("units")?,
///     Distribution::Int { low: 16, high: 256, log: false, step: 16 }
/// );
/// assert_eq!(DistributionSpec::from(&s.to_distribution("units")?), s);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionSpec {
    /// `[low, high]` of a float.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub float: Option<[f64; 2]>,
    /// `[low, high]` of an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int: Option<[i64; 2]>,
    /// The values of a categorical parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Vec<ParamValue>>,
    /// Log scale (float and int).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub log: bool,
    /// Grid step (float: any positive number; int: a positive integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

impl DistributionSpec {
    /// The validated distribution; `name` names the parameter in errors.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the parameter when the spec gives none or several of
    /// `float`, `int` and `choice`, `log` or `step` on a choice, or a fractional or
    /// non-positive int step; the constructors' errors for a range they refuse.
    pub fn to_distribution(&self, name: &str) -> Result<Distribution> {
        let bad = |reason: String| Error::InvalidConfig {
            name: "search space",
            reason: format!("parameter `{name}`: {reason}"),
        };
        let kinds = [
            self.float.is_some(),
            self.int.is_some(),
            self.choice.is_some(),
        ];
        if kinds.iter().filter(|&&k| k).count() != 1 {
            return Err(bad(
                "give exactly one of `float = [low, high]`, `int = [low, high]` or \
                 `choice = [values]`"
                    .into(),
            ));
        }
        if let Some([low, high]) = self.float {
            return Distribution::Float {
                low,
                high,
                log: self.log,
                step: self.step,
            }
            .validated(name);
        }
        if let Some([low, high]) = self.int {
            let step = match self.step {
                None => 1,
                Some(s) if s >= 1.0 && s.fract() == 0.0 && s < 9.0e15 => s as i64,
                Some(s) => {
                    return Err(bad(format!(
                        "an int step must be a positive integer, got {s}"
                    )));
                }
            };
            return Distribution::Int {
                low,
                high,
                log: self.log,
                step,
            }
            .validated(name);
        }
        if self.log || self.step.is_some() {
            return Err(bad("`log` and `step` do not apply to a choice".into()));
        }
        Distribution::categorical(name, self.choice.clone().unwrap_or_default())
    }
}

impl From<&Distribution> for DistributionSpec {
    fn from(d: &Distribution) -> DistributionSpec {
        match d {
            Distribution::Float {
                low,
                high,
                log,
                step,
            } => DistributionSpec {
                float: Some([*low, *high]),
                log: *log,
                step: *step,
                ..Default::default()
            },
            Distribution::Int {
                low,
                high,
                log,
                step,
            } => DistributionSpec {
                int: Some([*low, *high]),
                log: *log,
                step: (*step != 1).then_some(*step as f64),
                ..Default::default()
            },
            Distribution::Categorical { choices } => DistributionSpec {
                choice: Some(choices.clone()),
                ..Default::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Distribution> {
        serde_json::from_str::<DistributionSpec>(json)
            .map_err(|e| Error::InvalidConfig {
                name: "x",
                reason: e.to_string(),
            })?
            .to_distribution("x")
    }

    #[test]
    fn every_written_form_round_trips() {
        for json in [
            r#"{"float":[0.00001,1.0],"log":true}"#,
            r#"{"float":[-5.0,5.0],"step":0.5}"#,
            r#"{"float":[0.0,1.0]}"#,
            r#"{"int":[16,256]}"#,
            r#"{"int":[16,256],"step":16.0}"#,
            r#"{"int":[1,1024],"log":true}"#,
            r#"{"choice":["relu","tanh",3,true,0.5]}"#,
        ] {
            let d = parse(json).unwrap();
            let back = serde_json::to_string(&DistributionSpec::from(&d)).unwrap();
            assert_eq!(back, json);
        }
    }

    #[test]
    fn mistakes_are_errors_naming_the_parameter() {
        for (json, needle) in [
            (r#"{}"#, "exactly one"),
            (r#"{"float":[0,1],"int":[0,1]}"#, "exactly one"),
            (r#"{"int":[0,10],"step":2.5}"#, "positive integer"),
            (r#"{"int":[0,10],"step":-1}"#, "positive integer"),
            (r#"{"choice":["a"],"log":true}"#, "do not apply"),
            (r#"{"float":[1,0]}"#, "x"),
            (r#"{"float":[0,1],"lg":true}"#, "unknown field `lg`"),
            (r#"{"choice":[]}"#, "x"),
        ] {
            let e = parse(json).unwrap_err().to_string();
            assert!(e.contains(needle) && e.contains('x'), "{json}: {e}");
        }
    }
}
