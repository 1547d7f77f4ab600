//! [`Regularizer`]: L1 / L2 weight and activity penalties, exactly as Keras defines them.

use std::fmt;
use std::str::FromStr;

use gradus_tensor::names::{UnknownName, deserialize_name_or_table, parse_name};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::FloatArg;

/// A penalty on a weight tensor (or a layer's output), added to the loss.
///
/// As in Keras (`keras.regularizers`), there is **no ½ factor**:
///
/// | regularizer | penalty | gradient |
/// |---|---|---|
/// | `L1 { l1 }` | `l1 · Σ|w|` | `l1 · sign(w)` (0 at 0) |
/// | `L2 { l2 }` | `l2 · Σ w²` | `2 · l2 · w` |
/// | `L1L2 { l1, l2 }` | the sum of both | the sum of both |
///
/// A weight penalty is added once per batch, unscaled by batch or data-set size, and is
/// included in the reported `loss` and `val_loss`. For plain SGD, `L2 { l2: λ }` on every
/// weight equals PyTorch's `weight_decay = 2λ`. An activity penalty (on a layer's output)
/// is divided by the batch's row count, as Keras 3 does.
///
/// Names, with Keras 3's defaults: `l1` (0.01), `l2` (0.01), `l1_l2` or `l1l2` (both 0, as
/// Keras's `L1L2()`). In serde formats a regularizer is its name or a table
/// (`{ l2 = { l2 = 1e-4 } }`).
///
/// ```
/// use gradus_nn::Regularizer;
/// let r = Regularizer::L2 { l2: 0.01 };
/// assert!((r.penalty(&[1.0, -2.0]) - 0.05).abs() < 1e-8);
/// let mut g = [0.0f32; 2];
/// r.add_gradient(&[1.0, -2.0], &mut g);
/// assert_eq!(g, [0.02, -0.04]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Regularizer {
    /// `l1 · Σ|w|`.
    L1 {
        /// Strength (Keras default 0.01).
        l1: f32,
    },
    /// `l2 · Σ w²`.
    L2 {
        /// Strength (Keras default 0.01).
        l2: f32,
    },
    /// `l1 · Σ|w| + l2 · Σ w²`.
    L1L2 {
        /// L1 strength.
        l1: f32,
        /// L2 strength.
        l2: f32,
    },
}

impl Regularizer {
    /// Keras's `L1(l1)` (Keras's default strength is 0.01).
    pub fn l1(l1: impl FloatArg) -> Regularizer {
        Regularizer::L1 { l1: l1.to_f32() }
    }

    /// Keras's `L2(l2)` (Keras's default strength is 0.01).
    pub fn l2(l2: impl FloatArg) -> Regularizer {
        Regularizer::L2 { l2: l2.to_f32() }
    }

    /// Keras's `L1L2(l1, l2)`.
    pub fn l1_l2(l1: impl FloatArg, l2: impl FloatArg) -> Regularizer {
        Regularizer::L1L2 {
            l1: l1.to_f32(),
            l2: l2.to_f32(),
        }
    }

    /// Every name [`Regularizer::from_str`] accepts, with Keras 3's defaults.
    pub const NAMES: [(&'static str, Regularizer); 4] = [
        ("l1", Regularizer::L1 { l1: 0.01 }),
        ("l2", Regularizer::L2 { l2: 0.01 }),
        ("l1_l2", Regularizer::L1L2 { l1: 0.0, l2: 0.0 }),
        ("l1l2", Regularizer::L1L2 { l1: 0.0, l2: 0.0 }),
    ];

    /// The name: `l1`, `l2` or `l1_l2`.
    pub fn name(&self) -> &'static str {
        match self {
            Regularizer::L1 { .. } => "l1",
            Regularizer::L2 { .. } => "l2",
            Regularizer::L1L2 { .. } => "l1_l2",
        }
    }

    fn strengths(&self) -> (f32, f32) {
        match *self {
            Regularizer::L1 { l1 } => (l1, 0.0),
            Regularizer::L2 { l2 } => (0.0, l2),
            Regularizer::L1L2 { l1, l2 } => (l1, l2),
        }
    }

    /// Checks that the strengths are finite and non-negative.
    pub fn validate(&self, field: &str) -> crate::Result<()> {
        let (l1, l2) = self.strengths();
        for (name, v) in [("l1", l1), ("l2", l2)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(crate::Error::config(
                    format!("{field}.{name}"),
                    v,
                    "a finite strength ≥ 0",
                ));
            }
        }
        Ok(())
    }

    /// The penalty of `w`, accumulated in `f64`.
    pub fn penalty(&self, w: &[f32]) -> f64 {
        let (l1, l2) = self.strengths();
        let mut s1 = 0.0f64;
        let mut s2 = 0.0f64;
        for &v in w {
            s1 += v.abs() as f64;
            s2 += (v as f64) * (v as f64);
        }
        l1 as f64 * s1 + l2 as f64 * s2
    }

    /// Adds ∂penalty/∂w to `grad`.
    pub fn add_gradient(&self, w: &[f32], grad: &mut [f32]) {
        self.add_scaled_gradient(w, 1.0, grad);
    }

    /// Adds `scale · ∂penalty/∂w` to `grad` (an activity penalty divided by the batch's
    /// rows has `scale = 1/rows`).
    pub fn add_scaled_gradient(&self, w: &[f32], scale: f32, grad: &mut [f32]) {
        let (l1, l2) = self.strengths();
        let (l1, two_l2) = (scale * l1, scale * 2.0 * l2);
        for (g, &v) in grad.iter_mut().zip(w) {
            let sign = if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else {
                0.0
            };
            *g += l1 * sign + two_l2 * v;
        }
    }
}

impl FromStr for Regularizer {
    type Err = UnknownName;

    /// The regularizer with this name (ASCII case ignored) and Keras 3's defaults.
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<Regularizer, UnknownName> {
        parse_name("regularizer", s, &Regularizer::NAMES)
    }
}

impl fmt::Display for Regularizer {
    /// The name ([`Regularizer::name`]); strengths are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The table form, as earlier versions wrote it (and this one still does).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Repr {
    L1 { l1: f32 },
    L2 { l2: f32 },
    L1L2 { l1: f32, l2: f32 },
}

impl From<Repr> for Regularizer {
    fn from(r: Repr) -> Regularizer {
        match r {
            Repr::L1 { l1 } => Regularizer::L1 { l1 },
            Repr::L2 { l2 } => Regularizer::L2 { l2 },
            Repr::L1L2 { l1, l2 } => Regularizer::L1L2 { l1, l2 },
        }
    }
}

impl Serialize for Regularizer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Regularizer::L1 { l1 } => Repr::L1 { l1 },
            Regularizer::L2 { l2 } => Repr::L2 { l2 },
            Regularizer::L1L2 { l1, l2 } => Repr::L1L2 { l1, l2 },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Regularizer {
    /// A name (`"l2"`) or a table (`{"l2": {"l2": 0.001}}`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Regularizer, D::Error> {
        deserialize_name_or_table::<D, Regularizer, Repr>(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serde() {
        for (name, r) in Regularizer::NAMES {
            let parsed: Regularizer = name.parse().unwrap();
            assert_eq!(parsed, r, "{name}");
            assert_eq!(parsed.to_string().parse::<Regularizer>().unwrap(), r);
        }
        assert_eq!("l1l2".parse::<Regularizer>().unwrap().to_string(), "l1_l2");
        let e = "l3".parse::<Regularizer>().unwrap_err().to_string();
        assert!(
            e.starts_with("unknown regularizer \"l3\"; did you mean \"l1\"?"),
            "{e}"
        );
        let json = |s: &str| serde_json::from_str::<Regularizer>(s).unwrap();
        assert_eq!(json(r#""l2""#), Regularizer::l2(0.01));
        assert_eq!(
            json(r#"{"l1_l2":{"l1":0.1,"l2":0.2}}"#),
            Regularizer::l1_l2(0.1, 0.2)
        );
        assert_eq!(
            serde_json::to_string(&Regularizer::l2(0.5)).unwrap(),
            r#"{"l2":{"l2":0.5}}"#
        );
    }

    // w = np.array([0.5, -1.5, 0.0, 2.0]); 0.01*np.abs(w).sum() + 0.02*(w**2).sum()
    // -> 0.04 + 0.13 = 0.17; grad = 0.01*np.sign(w) + 2*0.02*w = [0.03, -0.07, 0.0, 0.09]
    #[test]
    fn l1_l2_penalty_and_gradient() {
        let w = [0.5f32, -1.5, 0.0, 2.0];
        let r = Regularizer::l1_l2(0.01, 0.02);
        assert!((r.penalty(&w) - 0.17).abs() < 1e-7);
        let mut g = [0.0f32; 4];
        r.add_gradient(&w, &mut g);
        for (a, b) in g.iter().zip([0.03f32, -0.07, 0.0, 0.09]) {
            assert!((a - b).abs() < 1e-7, "{g:?}");
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let w = [0.3f32, -0.8, 1.7];
        for r in [
            Regularizer::l1(0.1),
            Regularizer::l2(0.3),
            Regularizer::l1_l2(0.2, 0.05),
        ] {
            let mut g = [0.0f32; 3];
            r.add_gradient(&w, &mut g);
            for i in 0..3 {
                let h = 1e-3;
                let (mut a, mut b) = (w, w);
                a[i] += h;
                b[i] -= h;
                let num = (r.penalty(&a) - r.penalty(&b)) / (2.0 * h as f64);
                assert!(
                    (num - g[i] as f64).abs() < 1e-4,
                    "{r:?} {i}: {num} vs {}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn negative_strength_is_rejected() {
        let e = Regularizer::l2(-0.1)
            .validate("Dense.kernel_regularizer")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid Dense.kernel_regularizer.l2 = -0.1: a finite strength ≥ 0"
        );
    }
}
