//! Keras names for optimizers: `FromStr`, `Display` and serde (name or table) for
//! [`Algorithm`] and [`OptimizerConfig`].

use std::fmt;
use std::str::FromStr;

use gradus_tensor::names::{UnknownName, deserialize_name_or_table, parse_name};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Adagrad, Adam, Algorithm, LearningRate, OptimizerConfig, Rmsprop, Sgd};

impl Algorithm {
    /// Every name [`Algorithm::from_str`] accepts, with the rule's Keras defaults.
    pub const NAMES: [(&'static str, Algorithm); 5] = [
        (
            "sgd",
            Algorithm::Sgd(Sgd {
                momentum: 0.0,
                nesterov: false,
            }),
        ),
        ("adam", Algorithm::Adam(Adam::KERAS)),
        ("adamw", Algorithm::AdamW(Adam::KERAS)),
        ("rmsprop", Algorithm::Rmsprop(Rmsprop::KERAS)),
        ("adagrad", Algorithm::Adagrad(Adagrad::KERAS)),
    ];

    /// Keras's name of the rule (`sgd`, `adam`, `adamw`, `rmsprop`, `adagrad`).
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::Sgd(_) => "sgd",
            Algorithm::Adam(_) => "adam",
            Algorithm::AdamW(_) => "adamw",
            Algorithm::Rmsprop(_) => "rmsprop",
            Algorithm::Adagrad(_) => "adagrad",
        }
    }
}

impl FromStr for Algorithm {
    type Err = UnknownName;

    /// The rule with this Keras name (ASCII case ignored: `RMSprop` works) and its defaults.
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<Algorithm, UnknownName> {
        parse_name("optimizer", s, &Algorithm::NAMES)
    }
}

impl fmt::Display for Algorithm {
    /// The rule's name; its options are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OptimizerConfig {
    type Err = UnknownName;

    /// The optimizer with this Keras name and every Keras default (learning rate 0.01 for
    /// `sgd`, 0.001 for the others; AdamW's weight decay 0.004).
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<OptimizerConfig, UnknownName> {
        s.parse().map(OptimizerConfig::new)
    }
}

impl fmt::Display for OptimizerConfig {
    /// The rule's name (`adam`); learning rate and options are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.algorithm.fmt(f)
    }
}

/// The table form of [`Algorithm`], as earlier versions wrote it (and this one still does).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AlgorithmRepr {
    Sgd(Sgd),
    Adam(Adam),
    #[serde(rename = "adamw")]
    AdamW(Adam),
    Rmsprop(Rmsprop),
    Adagrad(Adagrad),
}

impl From<AlgorithmRepr> for Algorithm {
    fn from(r: AlgorithmRepr) -> Algorithm {
        match r {
            AlgorithmRepr::Sgd(x) => Algorithm::Sgd(x),
            AlgorithmRepr::Adam(x) => Algorithm::Adam(x),
            AlgorithmRepr::AdamW(x) => Algorithm::AdamW(x),
            AlgorithmRepr::Rmsprop(x) => Algorithm::Rmsprop(x),
            AlgorithmRepr::Adagrad(x) => Algorithm::Adagrad(x),
        }
    }
}

impl Serialize for Algorithm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Algorithm::Sgd(x) => AlgorithmRepr::Sgd(x),
            Algorithm::Adam(x) => AlgorithmRepr::Adam(x),
            Algorithm::AdamW(x) => AlgorithmRepr::AdamW(x),
            Algorithm::Rmsprop(x) => AlgorithmRepr::Rmsprop(x),
            Algorithm::Adagrad(x) => AlgorithmRepr::Adagrad(x),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Algorithm {
    /// A name (`"adam"`) or a one-entry table (`{ adam = { beta_1 = 0.8 } }`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Algorithm, D::Error> {
        deserialize_name_or_table::<D, Algorithm, AlgorithmRepr>(d)
    }
}

/// The table form of [`OptimizerConfig`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigRepr {
    algorithm: Algorithm,
    #[serde(default)]
    learning_rate: Option<LearningRate>,
    #[serde(default)]
    weight_decay: Option<f32>,
    #[serde(default)]
    clipnorm: Option<f32>,
    #[serde(default)]
    clipvalue: Option<f32>,
    #[serde(default)]
    global_clipnorm: Option<f32>,
}

impl From<ConfigRepr> for OptimizerConfig {
    fn from(r: ConfigRepr) -> OptimizerConfig {
        OptimizerConfig {
            algorithm: r.algorithm,
            learning_rate: r.learning_rate,
            weight_decay: r.weight_decay,
            clipnorm: r.clipnorm,
            clipvalue: r.clipvalue,
            global_clipnorm: r.global_clipnorm,
        }
    }
}

impl<'de> Deserialize<'de> for OptimizerConfig {
    /// A name with every default (`"adam"`) or the full table.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OptimizerConfig, D::Error> {
        deserialize_name_or_table::<D, OptimizerConfig, ConfigRepr>(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name parses to the rule's Keras defaults and prints as itself.
    #[test]
    fn names_round_trip() {
        for (name, algorithm) in Algorithm::NAMES {
            let parsed: OptimizerConfig = name.parse().unwrap();
            assert_eq!(parsed, OptimizerConfig::new(algorithm));
            assert_eq!(parsed.to_string(), name);
            assert_eq!(
                algorithm.to_string().parse::<Algorithm>().unwrap(),
                algorithm
            );
        }
        assert_eq!(
            "adam".parse::<Algorithm>().unwrap(),
            Algorithm::Adam(Adam::default())
        );
        assert_eq!(
            "sgd".parse::<Algorithm>().unwrap(),
            Algorithm::Sgd(Sgd::default())
        );
        assert_eq!(
            "RMSprop".parse::<Algorithm>().unwrap(),
            Algorithm::Rmsprop(Rmsprop::default())
        );
        assert_eq!(
            "adagrad".parse::<Algorithm>().unwrap(),
            Algorithm::Adagrad(Adagrad::default())
        );
        let rates: Vec<f32> = Algorithm::NAMES
            .iter()
            .map(|(n, _)| n.parse::<OptimizerConfig>().unwrap())
            .map(|c| c.resolved_learning_rate().at(0))
            .collect();
        assert_eq!(rates, [0.01, 0.001, 0.001, 0.001, 0.001]);
        let adamw: OptimizerConfig = "adamw".parse().unwrap();
        assert_eq!(adamw.algorithm.default_weight_decay(), Some(0.004));
    }

    #[test]
    fn unknown_names_list_the_nearest_first() {
        let e = "adamm".parse::<OptimizerConfig>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown optimizer \"adamm\"; did you mean \"adam\"? valid: \"adam\", \"adamw\", \
             \"adagrad\", \"sgd\", \"rmsprop\""
        );
    }

    #[test]
    fn serde_accepts_names_and_tables() {
        let json = |s: &str| serde_json::from_str::<OptimizerConfig>(s);
        assert_eq!(
            json(r#""adam""#).unwrap(),
            OptimizerConfig::from(Adam::default())
        );
        assert_eq!(
            json(r#"{"algorithm":"sgd","learning_rate":0.1}"#).unwrap(),
            OptimizerConfig::sgd(0.1)
        );
        let old = r#"{"algorithm":{"rmsprop":{"rho":0.8}},"clipnorm":1.0}"#;
        let c = json(old).unwrap();
        assert_eq!(
            c,
            OptimizerConfig::from(Rmsprop {
                rho: 0.8,
                ..Rmsprop::default()
            })
            .clipnorm(1.0)
        );
        assert_eq!(json(&serde_json::to_string(&c).unwrap()).unwrap(), c);
        let e = json(r#""sgdd""#).unwrap_err().to_string();
        assert!(e.contains("did you mean \"sgd\"?"), "{e}");
        let e = json(r#"{"algorithm":"adma"}"#).unwrap_err().to_string();
        assert!(e.contains("did you mean \"adam\"?"), "{e}");
        assert!(json(r#"{"algorithm":"adam","lr":0.1}"#).is_err());
        assert!(json("1").is_err());
    }
}
