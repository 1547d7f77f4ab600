//! [`Params`]: the typed view of one trial's or candidate's hyperparameters, printed as
//! plain values (`{lr: 0.035, optimizer: sgd}`).

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::param::ParamValue;

/// The hyperparameters of one candidate, read with typed getters.
///
/// A getter fails with an error naming the parameter and the names that exist when the
/// parameter is missing or of another kind; the `_or` getters return a default for a
/// missing parameter. Integers read as floats; integral floats read as integers.
///
/// ```
/// use gradus_tune::Params;
/// let p = Params::from_iter([("learning_rate", 0.01.into()), ("batch_size", 20.into())]);
/// assert_eq!(p.f64("learning_rate")?, 0.01);
/// assert_eq!(p.usize("batch_size")?, 20);
/// assert_eq!(p.usize_or("epochs", 50)?, 50);
/// assert_eq!(p.to_string(), "{batch_size: 20, learning_rate: 0.01}");
/// assert_eq!(
///     p.str("activation").unwrap_err().to_string(),
///     "parameter `activation`: missing; the candidate has batch_size, learning_rate"
/// );
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl<S: Into<String>> FromIterator<(S, ParamValue)> for Params {
    fn from_iter<I: IntoIterator<Item = (S, ParamValue)>>(iter: I) -> Params {
        Params(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        write!(f, "{{{}}}", parts.join(", "))
    }
}

impl Params {
    /// The raw value of `name`.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    fn missing(&self, name: &str) -> Error {
        let names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        Error::Param {
            name: name.into(),
            problem: format!("missing; the candidate has {}", names.join(", ")),
        }
    }

    fn typed<T>(
        &self,
        name: &str,
        kind: &str,
        read: impl Fn(&ParamValue) -> Option<T>,
    ) -> Result<T> {
        let v = self.get(name).ok_or_else(|| self.missing(name))?;
        read(v).ok_or_else(|| Error::Param {
            name: name.into(),
            problem: format!("expected {kind}, found {v}"),
        })
    }

    fn typed_or<T>(
        &self,
        name: &str,
        default: T,
        kind: &str,
        read: impl Fn(&ParamValue) -> Option<T>,
    ) -> Result<T> {
        match self.get(name) {
            None => Ok(default),
            Some(_) => self.typed(name, kind, read),
        }
    }

    /// A number as `f64`.
    pub fn f64(&self, name: &str) -> Result<f64> {
        self.typed(name, "a number", ParamValue::as_f64)
    }

    /// A number as `f32` (learning rates and other layer settings).
    pub fn f32(&self, name: &str) -> Result<f32> {
        Ok(self.f64(name)? as f32)
    }

    /// An integer.
    pub fn i64(&self, name: &str) -> Result<i64> {
        self.typed(name, "an integer", ParamValue::as_i64)
    }

    /// A non-negative integer (units, batch sizes, epochs).
    pub fn usize(&self, name: &str) -> Result<usize> {
        self.typed(name, "a non-negative integer", |v| {
            v.as_i64().and_then(|i| usize::try_from(i).ok())
        })
    }

    /// A string.
    pub fn str(&self, name: &str) -> Result<&str> {
        let v = self.get(name).ok_or_else(|| self.missing(name))?;
        match v {
            ParamValue::Str(s) => Ok(s),
            other => Err(Error::Param {
                name: name.into(),
                problem: format!("expected a string, found {other}"),
            }),
        }
    }

    /// A bool.
    pub fn bool(&self, name: &str) -> Result<bool> {
        self.typed(name, "a bool", |v| match v {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        })
    }

    /// [`Params::f64`], or `default` when absent.
    pub fn f64_or(&self, name: &str, default: f64) -> Result<f64> {
        self.typed_or(name, default, "a number", ParamValue::as_f64)
    }

    /// [`Params::f32`], or `default` when absent.
    pub fn f32_or(&self, name: &str, default: f32) -> Result<f32> {
        Ok(self.f64_or(name, default as f64)? as f32)
    }

    /// [`Params::usize`], or `default` when absent.
    pub fn usize_or(&self, name: &str, default: usize) -> Result<usize> {
        self.typed_or(name, default, "a non-negative integer", |v| {
            v.as_i64().and_then(|i| usize::try_from(i).ok())
        })
    }
}
