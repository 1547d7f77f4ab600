//! Names of [`Metric`]s: `FromStr` (gradus's log keys and Keras's names), `Display` (the
//! log key) and serde (name or table).

use std::fmt;
use std::str::FromStr;

use gradus_tensor::names::{UnknownName, deserialize_name_or_table, parse_name};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Metric;

impl Metric {
    /// Every fixed name [`Metric::from_str`] accepts with its metric: the log key first,
    /// then Keras's names. `top_<k>_accuracy` for any `k ≥ 1` is accepted too.
    pub const NAMES: [(&'static str, Metric); 20] = [
        ("mse", Metric::Mse),
        ("mean_squared_error", Metric::Mse),
        ("mae", Metric::Mae),
        ("mean_absolute_error", Metric::Mae),
        ("rmse", Metric::Rmse),
        ("root_mean_squared_error", Metric::Rmse),
        ("r2", Metric::R2),
        ("r2_score", Metric::R2),
        ("accuracy", Metric::Accuracy),
        ("acc", Metric::Accuracy),
        ("binary_accuracy", Metric::BinaryAccuracy),
        ("categorical_accuracy", Metric::CategoricalAccuracy),
        (
            "sparse_categorical_accuracy",
            Metric::SparseCategoricalAccuracy,
        ),
        ("top_5_accuracy", Metric::TopKAccuracy { k: 5 }),
        ("top_k_categorical_accuracy", Metric::TopKAccuracy { k: 5 }),
        (
            "sparse_top_k_categorical_accuracy",
            Metric::TopKAccuracy { k: 5 },
        ),
        ("precision", Metric::Precision),
        ("recall", Metric::Recall),
        ("f1", Metric::F1),
        ("f1_score", Metric::F1),
    ];
}

impl FromStr for Metric {
    type Err = UnknownName;

    /// The metric with this name (ASCII case ignored): a log key (`mse`, `top_3_accuracy`)
    /// or a Keras name (`mean_squared_error`, `top_k_categorical_accuracy` with `k = 5`).
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<Metric, UnknownName> {
        let lower = s.trim().to_ascii_lowercase();
        let k = lower
            .strip_prefix("top_")
            .and_then(|rest| rest.strip_suffix("_accuracy"))
            .and_then(|k| k.parse::<usize>().ok())
            .filter(|&k| k >= 1);
        match k {
            Some(k) => Ok(Metric::TopKAccuracy { k }),
            None => parse_name("metric", s, &Metric::NAMES),
        }
    }
}

impl fmt::Display for Metric {
    /// The log key ([`Metric::name`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The table form of [`Metric`], as earlier versions wrote it (and this one still does).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Repr {
    #[serde(alias = "mean_squared_error")]
    Mse,
    #[serde(alias = "mean_absolute_error")]
    Mae,
    #[serde(alias = "root_mean_squared_error")]
    Rmse,
    #[serde(alias = "r2_score")]
    R2,
    #[serde(alias = "acc")]
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKAccuracy {
        k: usize,
    },
    Precision,
    Recall,
    F1,
}

impl From<Repr> for Metric {
    fn from(r: Repr) -> Metric {
        match r {
            Repr::Mse => Metric::Mse,
            Repr::Mae => Metric::Mae,
            Repr::Rmse => Metric::Rmse,
            Repr::R2 => Metric::R2,
            Repr::Accuracy => Metric::Accuracy,
            Repr::BinaryAccuracy => Metric::BinaryAccuracy,
            Repr::CategoricalAccuracy => Metric::CategoricalAccuracy,
            Repr::SparseCategoricalAccuracy => Metric::SparseCategoricalAccuracy,
            Repr::TopKAccuracy { k } => Metric::TopKAccuracy { k },
            Repr::Precision => Metric::Precision,
            Repr::Recall => Metric::Recall,
            Repr::F1 => Metric::F1,
        }
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Metric::Mse => Repr::Mse,
            Metric::Mae => Repr::Mae,
            Metric::Rmse => Repr::Rmse,
            Metric::R2 => Repr::R2,
            Metric::Accuracy => Repr::Accuracy,
            Metric::BinaryAccuracy => Repr::BinaryAccuracy,
            Metric::CategoricalAccuracy => Repr::CategoricalAccuracy,
            Metric::SparseCategoricalAccuracy => Repr::SparseCategoricalAccuracy,
            Metric::TopKAccuracy { k } => Repr::TopKAccuracy { k },
            Metric::Precision => Repr::Precision,
            Metric::Recall => Repr::Recall,
            Metric::F1 => Repr::F1,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Metric {
    /// A name (`"mse"`, `"top_3_accuracy"`) or a table (`{"top_k_accuracy": {"k": 3}}`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        deserialize_name_or_table::<D, Metric, Repr>(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (name, metric) in Metric::NAMES {
            let parsed: Metric = name.parse().unwrap();
            assert_eq!(parsed, metric, "{name}");
            assert_eq!(parsed.to_string().parse::<Metric>().unwrap(), metric);
        }
        assert_eq!(
            "mean_squared_error".parse::<Metric>().unwrap().to_string(),
            "mse"
        );
        assert_eq!(
            "top_k_categorical_accuracy"
                .parse::<Metric>()
                .unwrap()
                .to_string(),
            "top_5_accuracy"
        );
        assert_eq!(
            "top_3_accuracy".parse::<Metric>().unwrap(),
            Metric::TopKAccuracy { k: 3 }
        );
        assert_eq!("F1_Score".parse::<Metric>().unwrap(), Metric::F1);
    }

    #[test]
    fn unknown_names_list_the_nearest_first() {
        let e = "accurracy".parse::<Metric>().unwrap_err();
        assert_eq!(e.suggestion(), Some("accuracy"));
        assert_eq!(e.valid.len(), Metric::NAMES.len());
        assert!(e.to_string().starts_with(
            "unknown metric \"accurracy\"; did you mean \"accuracy\"? valid: \"accuracy\", "
        ));
        let e = "top_0_accuracy".parse::<Metric>().unwrap_err();
        assert_eq!(e.suggestion(), Some("top_5_accuracy"));
    }

    #[test]
    fn serde_accepts_names_and_tables() {
        let json = |s: &str| serde_json::from_str::<Metric>(s);
        assert_eq!(json(r#""r2_score""#).unwrap(), Metric::R2);
        assert_eq!(
            json(r#""top_2_accuracy""#).unwrap(),
            Metric::TopKAccuracy { k: 2 }
        );
        assert_eq!(
            json(r#"{"top_k_accuracy":{"k":2}}"#).unwrap(),
            Metric::TopKAccuracy { k: 2 }
        );
        assert_eq!(serde_json::to_string(&Metric::Mae).unwrap(), r#""mae""#);
        let e = json(r#""prcision""#).unwrap_err().to_string();
        assert!(e.contains("did you mean \"precision\"?"), "{e}");
    }
}
