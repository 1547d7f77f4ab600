//! [`LossConfig`]: the serialisable choice of loss, its constructors with Keras's defaults
//! and its Keras names.

use std::fmt;
use std::str::FromStr;

use gradus_tensor::names::{UnknownName, deserialize_name_or_table, parse_name};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::FloatArg;

/// The choice of loss, built with an associated function per loss (Keras's defaults) or
/// parsed from its Keras name.
///
/// | constructor | name (aliases) | per-sample loss |
/// |---|---|---|
/// | [`mse()`](LossConfig::mse) | `mean_squared_error` (`mse`) | `mean((p − y)²)` |
/// | [`mae()`](LossConfig::mae) | `mean_absolute_error` (`mae`) | `mean(|p − y|)` |
/// | [`huber(δ)`](LossConfig::huber) | `huber` (δ = 1) | `½e²` if `|e| ≤ δ`, else `δ(|e| − ½δ)` |
/// | [`binary_crossentropy()`](LossConfig::binary_crossentropy) | `binary_crossentropy` (`bce`) | `−mean(y ln p + (1 − y) ln(1 − p))` |
/// | [`categorical_crossentropy()`](LossConfig::categorical_crossentropy) | `categorical_crossentropy` | `−Σ y ln p` over classes |
/// | [`sparse_categorical_crossentropy()`](LossConfig::sparse_categorical_crossentropy) | `sparse_categorical_crossentropy` | `−ln p[y]`, `y` a class id |
///
/// Cross-entropies take [`from_logits`](LossConfig::from_logits) and (binary and
/// categorical) [`label_smoothing`](LossConfig::label_smoothing), as Keras's constructors.
///
/// In serde formats a loss is its name (`loss = "mse"`) or, with options, a one-entry table
/// (`loss = { binary_crossentropy = { from_logits = true } }`); saved models write the
/// table form for losses with options, as earlier versions did.
///
/// ```
/// use gradus_nn::LossConfig;
/// let bce = LossConfig::binary_crossentropy().from_logits(true).label_smoothing(0.1);
/// assert_eq!(
///     bce,
///     LossConfig::BinaryCrossentropy { from_logits: true, label_smoothing: 0.1 }
/// );
/// assert_eq!("mse".parse::<LossConfig>().unwrap(), LossConfig::mse());
/// assert_eq!(LossConfig::mse().to_string(), "mean_squared_error");
/// let e = "binary_crossentropyy".parse::<LossConfig>().unwrap_err().to_string();
/// assert!(e.starts_with(
///     r#"unknown loss "binary_crossentropyy"; did you mean "binary_crossentropy"? valid: "#
/// ));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LossConfig {
    /// Mean squared error ([`LossConfig::mse`]).
    MeanSquaredError,
    /// Mean absolute error ([`LossConfig::mae`]).
    MeanAbsoluteError,
    /// Huber loss ([`LossConfig::huber`]).
    Huber {
        /// Where the loss turns from quadratic to linear (Keras default 1.0).
        delta: f32,
    },
    /// Binary cross-entropy (one or more independent sigmoid outputs, targets in [0, 1]);
    /// [`LossConfig::binary_crossentropy`].
    BinaryCrossentropy {
        /// Predictions are logits rather than probabilities.
        from_logits: bool,
        /// Targets become `y (1 − s) + s/2`.
        label_smoothing: f32,
    },
    /// Categorical cross-entropy (one-hot or probability targets);
    /// [`LossConfig::categorical_crossentropy`].
    CategoricalCrossentropy {
        /// Predictions are logits rather than probabilities.
        from_logits: bool,
        /// Targets become `y (1 − s) + s/k` for `k` classes.
        label_smoothing: f32,
    },
    /// Categorical cross-entropy with integer class-id targets (`[n, 1]`);
    /// [`LossConfig::sparse_categorical_crossentropy`].
    SparseCategoricalCrossentropy {
        /// Predictions are logits rather than probabilities.
        from_logits: bool,
    },
}

impl LossConfig {
    /// Keras `MeanSquaredError()`.
    pub const fn mse() -> LossConfig {
        LossConfig::MeanSquaredError
    }

    /// Keras `MeanAbsoluteError()`.
    pub const fn mae() -> LossConfig {
        LossConfig::MeanAbsoluteError
    }

    /// Keras `Huber(delta)` (Keras's default is `delta = 1.0`; the value is checked by
    /// `compile`: finite and > 0).
    pub fn huber(delta: impl FloatArg) -> LossConfig {
        LossConfig::Huber {
            delta: delta.to_f32(),
        }
    }

    /// Keras `BinaryCrossentropy()`: on probabilities, no label smoothing.
    pub const fn binary_crossentropy() -> LossConfig {
        LossConfig::BinaryCrossentropy {
            from_logits: false,
            label_smoothing: 0.0,
        }
    }

    /// Keras `CategoricalCrossentropy()`: on probabilities, no label smoothing.
    pub const fn categorical_crossentropy() -> LossConfig {
        LossConfig::CategoricalCrossentropy {
            from_logits: false,
            label_smoothing: 0.0,
        }
    }

    /// Keras `SparseCategoricalCrossentropy()`: on probabilities.
    pub const fn sparse_categorical_crossentropy() -> LossConfig {
        LossConfig::SparseCategoricalCrossentropy { from_logits: false }
    }

    /// Sets `from_logits` on a cross-entropy: the model outputs logits and the loss applies
    /// the sigmoid / softmax itself. Losses on values (mse, mae, huber) have no such option
    /// and are returned unchanged.
    pub const fn from_logits(self, from_logits: bool) -> LossConfig {
        match self {
            LossConfig::BinaryCrossentropy {
                label_smoothing, ..
            } => LossConfig::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            },
            LossConfig::CategoricalCrossentropy {
                label_smoothing, ..
            } => LossConfig::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            },
            LossConfig::SparseCategoricalCrossentropy { .. } => {
                LossConfig::SparseCategoricalCrossentropy { from_logits }
            }
            other => other,
        }
    }

    /// Sets label smoothing `s` on binary or categorical cross-entropy (checked by
    /// `compile`: in [0, 1]). Other losses have no such option (as in Keras) and are
    /// returned unchanged.
    pub fn label_smoothing(self, s: impl FloatArg) -> LossConfig {
        let label_smoothing = s.to_f32();
        match self {
            LossConfig::BinaryCrossentropy { from_logits, .. } => LossConfig::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            },
            LossConfig::CategoricalCrossentropy { from_logits, .. } => {
                LossConfig::CategoricalCrossentropy {
                    from_logits,
                    label_smoothing,
                }
            }
            other => other,
        }
    }

    /// Every name [`LossConfig::from_str`] accepts with its loss (Keras's defaults);
    /// aliases follow their canonical name.
    pub const NAMES: [(&'static str, LossConfig); 9] = [
        ("mean_squared_error", LossConfig::mse()),
        ("mse", LossConfig::mse()),
        ("mean_absolute_error", LossConfig::mae()),
        ("mae", LossConfig::mae()),
        ("huber", LossConfig::Huber { delta: 1.0 }),
        ("binary_crossentropy", LossConfig::binary_crossentropy()),
        ("bce", LossConfig::binary_crossentropy()),
        (
            "categorical_crossentropy",
            LossConfig::categorical_crossentropy(),
        ),
        (
            "sparse_categorical_crossentropy",
            LossConfig::sparse_categorical_crossentropy(),
        ),
    ];

    /// Keras's name of the loss (the canonical one: `mean_squared_error`, not `mse`).
    pub fn name(&self) -> &'static str {
        match self {
            LossConfig::MeanSquaredError => "mean_squared_error",
            LossConfig::MeanAbsoluteError => "mean_absolute_error",
            LossConfig::Huber { .. } => "huber",
            LossConfig::BinaryCrossentropy { .. } => "binary_crossentropy",
            LossConfig::CategoricalCrossentropy { .. } => "categorical_crossentropy",
            LossConfig::SparseCategoricalCrossentropy { .. } => "sparse_categorical_crossentropy",
        }
    }
}

impl FromStr for LossConfig {
    type Err = UnknownName;

    /// The loss with this Keras name (ASCII case ignored) and Keras's default options.
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<LossConfig, UnknownName> {
        parse_name("loss", s, &LossConfig::NAMES)
    }
}

impl fmt::Display for LossConfig {
    /// The canonical Keras name ([`LossConfig::name`]); options are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The table form of [`LossConfig`] as earlier versions serialised it (and still write).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Repr {
    #[serde(alias = "mse")]
    MeanSquaredError,
    #[serde(alias = "mae")]
    MeanAbsoluteError,
    Huber {
        #[serde(default = "one")]
        delta: f32,
    },
    BinaryCrossentropy {
        #[serde(default)]
        from_logits: bool,
        #[serde(default)]
        label_smoothing: f32,
    },
    CategoricalCrossentropy {
        #[serde(default)]
        from_logits: bool,
        #[serde(default)]
        label_smoothing: f32,
    },
    SparseCategoricalCrossentropy {
        #[serde(default)]
        from_logits: bool,
    },
}

fn one() -> f32 {
    1.0
}

impl From<Repr> for LossConfig {
    fn from(r: Repr) -> LossConfig {
        match r {
            Repr::MeanSquaredError => LossConfig::MeanSquaredError,
            Repr::MeanAbsoluteError => LossConfig::MeanAbsoluteError,
            Repr::Huber { delta } => LossConfig::Huber { delta },
            Repr::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            } => LossConfig::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            },
            Repr::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            } => LossConfig::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            },
            Repr::SparseCategoricalCrossentropy { from_logits } => {
                LossConfig::SparseCategoricalCrossentropy { from_logits }
            }
        }
    }
}

impl Serialize for LossConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let repr = match *self {
            LossConfig::MeanSquaredError => Repr::MeanSquaredError,
            LossConfig::MeanAbsoluteError => Repr::MeanAbsoluteError,
            LossConfig::Huber { delta } => Repr::Huber { delta },
            LossConfig::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            } => Repr::BinaryCrossentropy {
                from_logits,
                label_smoothing,
            },
            LossConfig::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            } => Repr::CategoricalCrossentropy {
                from_logits,
                label_smoothing,
            },
            LossConfig::SparseCategoricalCrossentropy { from_logits } => {
                Repr::SparseCategoricalCrossentropy { from_logits }
            }
        };
        repr.serialize(s)
    }
}

impl<'de> Deserialize<'de> for LossConfig {
    /// A name (`"mse"`, `"binary_crossentropy"`) or a one-entry table of a name and options.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LossConfig, D::Error> {
        deserialize_name_or_table::<D, LossConfig, Repr>(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name parses to its loss and prints as the canonical name, which parses back
    /// to the same loss.
    #[test]
    fn names_round_trip() {
        for (name, loss) in LossConfig::NAMES {
            let parsed: LossConfig = name.parse().unwrap();
            assert_eq!(parsed, loss, "{name}");
            let canonical = parsed.to_string();
            assert_eq!(canonical.parse::<LossConfig>().unwrap(), loss);
            assert_eq!(canonical, loss.name());
        }
        assert_eq!(
            "mse".parse::<LossConfig>().unwrap().to_string(),
            "mean_squared_error"
        );
        assert_eq!(
            "MAE".parse::<LossConfig>().unwrap().to_string(),
            "mean_absolute_error"
        );
        assert_eq!(
            "huber".parse::<LossConfig>().unwrap(),
            LossConfig::huber(1.0)
        );
    }

    #[test]
    fn unknown_names_list_the_nearest_first() {
        let e = "binary_crossentropyy".parse::<LossConfig>().unwrap_err();
        assert_eq!(e.valid[0], "binary_crossentropy");
        assert_eq!(e.valid.len(), LossConfig::NAMES.len());
        assert!(e.to_string().starts_with(
            "unknown loss \"binary_crossentropyy\"; did you mean \"binary_crossentropy\"? \
             valid: \"binary_crossentropy\", \"categorical_crossentropy\", "
        ));
        let e = "msee".parse::<LossConfig>().unwrap_err();
        assert_eq!(e.suggestion(), Some("mse"));
    }

    #[test]
    fn options_apply_to_the_losses_that_have_them() {
        let scce = LossConfig::sparse_categorical_crossentropy().from_logits(true);
        assert_eq!(
            scce,
            LossConfig::SparseCategoricalCrossentropy { from_logits: true }
        );
        assert_eq!(scce.label_smoothing(0.2), scce);
        let cce = LossConfig::categorical_crossentropy()
            .label_smoothing(0.1f64)
            .from_logits(true);
        assert_eq!(
            cce,
            LossConfig::CategoricalCrossentropy {
                from_logits: true,
                label_smoothing: 0.1
            }
        );
        assert_eq!(LossConfig::mse().from_logits(true), LossConfig::mse());
        assert_eq!(LossConfig::huber(2.0).to_string(), "huber");
    }

    /// Names and tables load; the table form written by earlier versions still loads and
    /// is what is written.
    #[test]
    fn serde_accepts_names_and_tables() {
        let json = |s: &str| serde_json::from_str::<LossConfig>(s);
        assert_eq!(json(r#""mse""#).unwrap(), LossConfig::mse());
        assert_eq!(json(r#""mean_squared_error""#).unwrap(), LossConfig::mse());
        assert_eq!(
            json(r#""binary_crossentropy""#).unwrap(),
            LossConfig::binary_crossentropy()
        );
        assert_eq!(
            json(r#"{"binary_crossentropy":{"from_logits":true,"label_smoothing":0.0}}"#).unwrap(),
            LossConfig::binary_crossentropy().from_logits(true)
        );
        assert_eq!(json(r#"{"huber":{}}"#).unwrap(), LossConfig::huber(1.0));
        assert_eq!(json(r#"{"mae":null}"#).unwrap(), LossConfig::mae());
        let e = json(r#""hubr""#).unwrap_err().to_string();
        assert!(e.contains("did you mean \"huber\"?"), "{e}");
        let e = json(r#"{"huber":{"delt":2.0}}"#).unwrap_err().to_string();
        assert!(e.contains("delt"), "{e}");
        assert!(json("3").is_err());
        for (_, loss) in LossConfig::NAMES {
            let text = serde_json::to_string(&loss.from_logits(true)).unwrap();
            assert_eq!(json(&text).unwrap(), loss.from_logits(true), "{text}");
        }
        assert_eq!(
            serde_json::to_string(&LossConfig::mse()).unwrap(),
            r#""mean_squared_error""#
        );
        assert_eq!(
            serde_json::to_string(&LossConfig::sparse_categorical_crossentropy()).unwrap(),
            r#"{"sparse_categorical_crossentropy":{"from_logits":false}}"#
        );
    }
}
