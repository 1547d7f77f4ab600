//! Typed parameter values and the typed choices of categorical parameters.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A parameter value as a trial records it: a float, an integer, a string or a bool.
///
/// Serialized untagged, so JSON exports show plain values (`0.01`, `32`, `"relu"`, `true`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "a parameter value: a string, a number or a boolean"
)]
pub enum ParamValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
}

impl ParamValue {
    /// The value as a float, for numeric values (integers convert exactly up to 2^53).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            ParamValue::Float(x) => Some(x),
            ParamValue::Int(i) => Some(i as f64),
            _ => None,
        }
    }

    /// The value as an integer, for integers and integral floats.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ParamValue::Int(i) => Some(i),
            ParamValue::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(x as i64),
            _ => None,
        }
    }

    /// Equality that treats NaN as equal to NaN (grid and choice matching).
    pub fn same_as(&self, other: &ParamValue) -> bool {
        match (self, other) {
            (ParamValue::Float(a), ParamValue::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => self == other,
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Str(s) => write!(f, "{s}"),
        }
    }
}

macro_rules! from_impls {
    ($($t:ty => $variant:ident as $conv:ty),* $(,)?) => {$(
        impl From<$t> for ParamValue {
            fn from(v: $t) -> Self {
                ParamValue::$variant(v as $conv)
            }
        }
    )*};
}
from_impls!(f64 => Float as f64, f32 => Float as f64, i64 => Int as i64, i32 => Int as i64,
    u32 => Int as i64, u8 => Int as i64);

impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        ParamValue::Bool(v)
    }
}
impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Str(v.to_owned())
    }
}
impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Str(v)
    }
}

/// A type whose values can be the choices of [`crate::Trial::suggest_categorical`].
///
/// The suggestion returns `Self::Output` — the choice itself, never its index: `&[10, 20, 30]`
/// gives an integer, `&["relu", "tanh"]` a `String`, `&[true, false]` a `bool`.
pub trait Choice {
    /// The type handed back to the caller.
    type Output;
    /// The choice as a recorded value.
    fn to_param(&self) -> ParamValue;
    /// Converts a recorded value back; `None` when the kinds do not match.
    fn from_param(value: &ParamValue) -> Option<Self::Output>;
}

macro_rules! int_choice {
    ($($t:ty),*) => {$(
        impl Choice for $t {
            type Output = $t;
            fn to_param(&self) -> ParamValue {
                ParamValue::Int(*self as i64)
            }
            fn from_param(value: &ParamValue) -> Option<$t> {
                match value {
                    ParamValue::Int(i) => <$t>::try_from(*i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_choice!(i64);

impl Choice for f64 {
    type Output = f64;
    fn to_param(&self) -> ParamValue {
        ParamValue::Float(*self)
    }
    fn from_param(value: &ParamValue) -> Option<f64> {
        value.as_f64()
    }
}

impl Choice for bool {
    type Output = bool;
    fn to_param(&self) -> ParamValue {
        ParamValue::Bool(*self)
    }
    fn from_param(value: &ParamValue) -> Option<bool> {
        match value {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl Choice for &str {
    type Output = String;
    fn to_param(&self) -> ParamValue {
        ParamValue::Str((*self).to_owned())
    }
    fn from_param(value: &ParamValue) -> Option<String> {
        match value {
            ParamValue::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl Choice for String {
    type Output = String;
    fn to_param(&self) -> ParamValue {
        ParamValue::Str(self.clone())
    }
    fn from_param(value: &ParamValue) -> Option<String> {
        <&str as Choice>::from_param(value)
    }
}

impl Choice for ParamValue {
    type Output = ParamValue;
    fn to_param(&self) -> ParamValue {
        self.clone()
    }
    fn from_param(value: &ParamValue) -> Option<ParamValue> {
        Some(value.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_untagged_and_round_trips() {
        let values = vec![
            ParamValue::Float(0.5),
            ParamValue::Int(3),
            ParamValue::Str("relu".into()),
            ParamValue::Bool(true),
        ];
        let json = serde_json::to_string(&values).unwrap();
        assert_eq!(json, r#"[0.5,3,"relu",true]"#);
        let back: Vec<ParamValue> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, values);
    }

    #[test]
    fn choices_convert_back_to_their_own_type() {
        assert_eq!(<i64 as Choice>::from_param(&ParamValue::Int(20)), Some(20));
        assert_eq!(
            <&str as Choice>::from_param(&ParamValue::Str("tanh".into())),
            Some("tanh".into())
        );
        assert_eq!(<bool as Choice>::from_param(&ParamValue::Int(1)), None);

        assert_eq!(ParamValue::Float(3.0).as_i64(), Some(3));
        assert_eq!(ParamValue::Float(3.5).as_i64(), None);
        assert!(ParamValue::Float(f64::NAN).same_as(&ParamValue::Float(f64::NAN)));
    }
}
