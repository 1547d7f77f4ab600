//! [`Space`]: the search space of `--space`, a JSON object from parameter names to
//! distributions.
//!
//! ```json
//! {"lr":    {"float": [1e-5, 1], "log": true},
//!  "x":     {"float": [-5, 5], "step": 0.5},
//!  "units": {"int": [16, 256], "step": 16},
//!  "depth": {"int": [1, 64], "log": true},
//!  "act":   {"choice": ["relu", "tanh", 1, 2.5, true]}}
//! ```
//!
//! Each parameter has exactly one of `float` / `int` (inclusive `[LOW, HIGH]`, bounds in
//! natural space also for `log`) or `choice` (a list of strings, numbers and booleans), and
//! optionally `log` (bool) and `step` (a positive number; not with `log`). `--space @FILE`
//! reads the object from a file. Parameters are suggested in name order.

use std::collections::BTreeMap;

use gradus::tune::{Distribution, DistributionSpec, ParamValue, Trial};
use serde::Deserialize;
use serde_json::Value;

use crate::exit::{CliError, Result};

/// The parameters of a study, in name order, with their distributions.
#[derive(Clone, Debug, PartialEq)]
pub struct Space {
    params: Vec<(String, Distribution)>,
}

impl Space {
    /// Parses `--space`: a JSON object, or `@PATH` of a file holding one.
    ///
    /// # Errors
    /// A usage error naming the file, the parameter and the key at fault.
    pub fn from_arg(arg: &str) -> Result<Space> {
        match arg.strip_prefix('@') {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::usage(format!("--space @{path}: cannot read the file: {e}"))
                })?;
                Space::parse(&text).map_err(|e| e.context(format!("--space @{path}")))
            }
            None => Space::parse(arg).map_err(|e| e.context("--space")),
        }
    }

    /// Parses the JSON text of a space.
    ///
    /// # Errors
    /// A usage error naming the parameter and what is wrong with it.
    pub fn parse(text: &str) -> Result<Space> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            CliError::usage(format!(
                "not valid JSON ({e}); give an object such as \
                 '{{\"lr\": {{\"float\": [1e-5, 1], \"log\": true}}}}'"
            ))
        })?;
        let Value::Object(map) = value else {
            return Err(CliError::usage(format!(
                "expected a JSON object from parameter names to distributions, got {}",
                kind(&value)
            )));
        };
        if map.is_empty() {
            return Err(CliError::usage(
                "the space has no parameter; give at least one",
            ));
        }
        let params = map
            .iter()
            .map(|(name, spec)| {
                distribution(name, spec)
                    .map(|d| (name.clone(), d))
                    .map_err(|e| e.context(format!("parameter `{name}`")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Space { params })
    }

    /// The parameters and their distributions, in name order.
    pub fn params(&self) -> &[(String, Distribution)] {
        &self.params
    }

    /// Asks `trial` for every parameter, in name order.
    ///
    /// # Errors
    /// What the trial reports: a distribution that conflicts with the one the study's
    /// earlier trials used for the name (a usage error), a storage failure.
    pub fn suggest(&self, trial: &mut Trial) -> Result<BTreeMap<String, ParamValue>> {
        let mut values = BTreeMap::new();
        for (name, d) in &self.params {
            let v = trial.suggest(name, d.clone())?;
            values.insert(name.clone(), v);
        }
        Ok(values)
    }
}

/// One parameter's distribution from its JSON object: the tuner's own
/// [`DistributionSpec`] (the form spec files use too), then validated.
fn distribution(name: &str, spec: &Value) -> Result<Distribution> {
    if name.is_empty() {
        return Err(CliError::usage("a parameter needs a non-empty name"));
    }
    if !spec.is_object() {
        return Err(CliError::usage(format!(
            "expected an object with `float`, `int` or `choice`, and optionally `log` and \
             `step`, got {}",
            kind(spec)
        )));
    }
    let spec = DistributionSpec::deserialize(spec).map_err(|e| CliError::usage(e.to_string()))?;
    Ok(spec.to_distribution(name)?)
}

/// A JSON value's kind, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_space_parses_in_name_order() {
        let s = Space::parse(
            r#"{"lr": {"float": [1e-5, 1], "log": true}, "units": {"int": [16, 256]},
                "act": {"choice": ["relu", "tanh", 3, 0.5, false]},
                "x": {"float": [-5, 5], "step": 0.5}, "k": {"int": [1, 64], "log": true},
                "w": {"int": [0, 10], "step": 3}}"#,
        )
        .unwrap();
        let names: Vec<&str> = s.params().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["act", "k", "lr", "units", "w", "x"]);
        let d = |i: usize| s.params()[i].1.clone();
        assert_eq!(
            d(0),
            Distribution::Categorical {
                choices: vec![
                    "relu".into(),
                    "tanh".into(),
                    ParamValue::Int(3),
                    ParamValue::Float(0.5),
                    ParamValue::Bool(false)
                ]
            }
        );
        assert_eq!(d(1), Distribution::int_log("k", 1, 64).unwrap());
        assert_eq!(d(2), Distribution::float_log("lr", 1e-5, 1.0).unwrap());
        // 0..10 by 3 ends at 9, as Optuna lowers it.
        assert_eq!(
            d(4),
            Distribution::Int {
                low: 0,
                high: 9,
                log: false,
                step: 3
            }
        );
        assert_eq!(d(5), Distribution::float_step("x", -5.0, 5.0, 0.5).unwrap());
    }

    #[test]
    fn bad_spaces_name_the_parameter_and_the_fix() {
        let cases = [
            (
                "[1, 2]",
                "expected a JSON object from parameter names to distributions, got a list",
            ),
            ("{}", "the space has no parameter"),
            ("{\"lr\": ", "not valid JSON"),
            (
                "{\"lr\": 3}",
                "parameter `lr`: expected an object with `float`",
            ),
            (
                "{\"lr\": {\"floot\": [0, 1]}}",
                "parameter `lr`: unknown field `floot`, expected one of `float`, `int`, `choice`",
            ),
            (
                "{\"lr\": {\"float\": [0]}}",
                "parameter `lr`: invalid length 1, expected an array of length 2",
            ),
            (
                "{\"n\": {\"int\": [0.5, 3]}}",
                "parameter `n`: invalid type: floating point `0.5`, expected i64",
            ),
            (
                "{\"n\": {\"int\": [1, 3], \"float\": [0, 1]}}",
                "parameter `n`: give exactly one of `float = [low, high]`, `int = [low, high]`",
            ),
            (
                "{\"n\": {\"log\": true}}",
                "give exactly one of `float = [low, high]`",
            ),
            (
                "{\"lr\": {\"float\": [1, 0]}}",
                "parameter `lr`: parameter `lr`: low (1) is greater than high (0); swap the bounds",
            ),
            (
                "{\"lr\": {\"float\": [0, 1], \"log\": true}}",
                "a log scale needs low > 0",
            ),
            (
                "{\"lr\": {\"float\": [0, 1], \"log\": \"yes\"}}",
                "invalid type: string \"yes\", expected a boolean",
            ),
            (
                "{\"x\": {\"float\": [0, 1], \"step\": 0}}",
                "step must be positive and finite, got 0",
            ),
            ("{\"x\": {\"choice\": []}}", "the choice list is empty"),
            (
                "{\"x\": {\"choice\": [null]}}",
                "a parameter value: a string, a number or a boolean",
            ),
            (
                "{\"x\": {\"choice\": [1], \"log\": true}}",
                "`log` and `step` do not apply to a choice",
            ),
            (
                "{\"\": {\"int\": [1, 2]}}",
                "a parameter needs a non-empty name",
            ),
        ];
        for (text, expected) in cases {
            let e = Space::parse(text).unwrap_err();
            assert_eq!(e.kind(), crate::exit::Kind::Usage, "{text}");
            assert!(e.to_string().contains(expected), "{text}: {e}");
        }
        let e = Space::from_arg("@/nonexistent/space.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--space @/nonexistent/space.json: cannot read the file"),
            "{e}"
        );
    }
}
