//! Names of [`Initializer`]s: `FromStr` and `Display` with Keras's names, serde as a name
//! or a table.

use std::fmt;
use std::str::FromStr;

use gradus_tensor::names::{UnknownName, deserialize_name_or_table, parse_name};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Initializer;

impl Initializer {
    /// Every name [`Initializer::from_str`] accepts with its initializer (Keras's
    /// defaults); aliases follow their canonical name.
    pub const NAMES: [(&'static str, Initializer); 14] = [
        ("glorot_uniform", Initializer::GlorotUniform),
        ("glorot_normal", Initializer::GlorotNormal),
        ("he_uniform", Initializer::HeUniform),
        ("he_normal", Initializer::HeNormal),
        ("lecun_uniform", Initializer::LecunUniform),
        ("lecun_normal", Initializer::LecunNormal),
        ("zeros", Initializer::Zeros),
        ("zero", Initializer::Zeros),
        ("ones", Initializer::Ones),
        ("one", Initializer::Ones),
        (
            "random_uniform",
            Initializer::RandomUniform {
                minval: -0.05,
                maxval: 0.05,
            },
        ),
        (
            "uniform",
            Initializer::RandomUniform {
                minval: -0.05,
                maxval: 0.05,
            },
        ),
        (
            "random_normal",
            Initializer::RandomNormal {
                mean: 0.0,
                stddev: 0.05,
            },
        ),
        (
            "normal",
            Initializer::RandomNormal {
                mean: 0.0,
                stddev: 0.05,
            },
        ),
    ];

    /// Keras's name (`glorot_uniform`, `constant`, …); parameters are not part of it.
    pub fn name(&self) -> &'static str {
        match self {
            Initializer::GlorotUniform => "glorot_uniform",
            Initializer::GlorotNormal => "glorot_normal",
            Initializer::HeUniform => "he_uniform",
            Initializer::HeNormal => "he_normal",
            Initializer::LecunUniform => "lecun_uniform",
            Initializer::LecunNormal => "lecun_normal",
            Initializer::Zeros => "zeros",
            Initializer::Ones => "ones",
            Initializer::Constant { .. } => "constant",
            Initializer::RandomUniform { .. } => "random_uniform",
            Initializer::RandomNormal { .. } => "random_normal",
        }
    }
}

impl FromStr for Initializer {
    type Err = UnknownName;

    /// The initializer with this Keras name (ASCII case ignored) and Keras's defaults.
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first (`constant` is not among
    /// them: it needs a value).
    fn from_str(s: &str) -> Result<Initializer, UnknownName> {
        parse_name("initializer", s, &Initializer::NAMES)
    }
}

impl fmt::Display for Initializer {
    /// Keras's name ([`Initializer::name`]); parameters are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The table form of [`Initializer`], as earlier versions wrote it (and this one still
/// does).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Repr {
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Zeros,
    Ones,
    Constant { value: f32 },
    RandomUniform { minval: f32, maxval: f32 },
    RandomNormal { mean: f32, stddev: f32 },
}

impl From<Repr> for Initializer {
    fn from(r: Repr) -> Initializer {
        match r {
            Repr::GlorotUniform => Initializer::GlorotUniform,
            Repr::GlorotNormal => Initializer::GlorotNormal,
            Repr::HeUniform => Initializer::HeUniform,
            Repr::HeNormal => Initializer::HeNormal,
            Repr::LecunUniform => Initializer::LecunUniform,
            Repr::LecunNormal => Initializer::LecunNormal,
            Repr::Zeros => Initializer::Zeros,
            Repr::Ones => Initializer::Ones,
            Repr::Constant { value } => Initializer::Constant { value },
            Repr::RandomUniform { minval, maxval } => Initializer::RandomUniform { minval, maxval },
            Repr::RandomNormal { mean, stddev } => Initializer::RandomNormal { mean, stddev },
        }
    }
}

impl Serialize for Initializer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Initializer::GlorotUniform => Repr::GlorotUniform,
            Initializer::GlorotNormal => Repr::GlorotNormal,
            Initializer::HeUniform => Repr::HeUniform,
            Initializer::HeNormal => Repr::HeNormal,
            Initializer::LecunUniform => Repr::LecunUniform,
            Initializer::LecunNormal => Repr::LecunNormal,
            Initializer::Zeros => Repr::Zeros,
            Initializer::Ones => Repr::Ones,
            Initializer::Constant { value } => Repr::Constant { value },
            Initializer::RandomUniform { minval, maxval } => Repr::RandomUniform { minval, maxval },
            Initializer::RandomNormal { mean, stddev } => Repr::RandomNormal { mean, stddev },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Initializer {
    /// A name (`"he_normal"`, `"random_uniform"`) or a table
    /// (`{"constant": {"value": 0.5}}`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Initializer, D::Error> {
        deserialize_name_or_table::<D, Initializer, Repr>(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (name, init) in Initializer::NAMES {
            let parsed: Initializer = name.parse().unwrap();
            assert_eq!(parsed, init, "{name}");
            assert_eq!(parsed.to_string().parse::<Initializer>().unwrap(), init);
        }
        assert_eq!(
            "uniform".parse::<Initializer>().unwrap(),
            Initializer::random_uniform()
        );
        assert_eq!(
            "normal".parse::<Initializer>().unwrap(),
            Initializer::random_normal()
        );
        assert_eq!("zero".parse::<Initializer>().unwrap().to_string(), "zeros");
        assert_eq!(Initializer::Constant { value: 2.0 }.to_string(), "constant");
    }

    #[test]
    fn unknown_names_list_the_nearest_first() {
        let e = "he_normall".parse::<Initializer>().unwrap_err();
        assert_eq!(e.valid[0], "he_normal");
        assert!(e.to_string().starts_with(
            "unknown initializer \"he_normall\"; did you mean \"he_normal\"? valid: \"he_normal\", "
        ));
        let e = "constant".parse::<Initializer>().unwrap_err();
        assert!(!e.valid.contains(&"constant".to_string()));
    }

    #[test]
    fn serde_accepts_names_and_tables() {
        let json = |s: &str| serde_json::from_str::<Initializer>(s);
        assert_eq!(json(r#""he_normal""#).unwrap(), Initializer::HeNormal);
        assert_eq!(
            json(r#""random_normal""#).unwrap(),
            Initializer::random_normal()
        );
        assert_eq!(
            json(r#"{"constant":{"value":0.5}}"#).unwrap(),
            Initializer::Constant { value: 0.5 }
        );
        assert_eq!(
            json(r#"{"random_uniform":{"minval":-1.0,"maxval":1.0}}"#).unwrap(),
            Initializer::RandomUniform {
                minval: -1.0,
                maxval: 1.0
            }
        );
        assert_eq!(
            serde_json::to_string(&Initializer::Zeros).unwrap(),
            r#""zeros""#
        );
        assert!(json(r#"{"constant":{}}"#).is_err());
    }
}
