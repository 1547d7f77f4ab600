//! [`Activation`]: element-wise (and row-wise softmax) activation functions with their
//! derivatives, written side by side.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::names::{UnknownName, parse_name};

/// An activation function, as in `keras.activations`, with Keras's default parameters.
///
/// | name | formula `y = f(z)` | derivative `f'(z)` |
/// |---|---|---|
/// | `linear` | `z` | `1` |
/// | `relu` | `max(z, 0)` (NaN stays NaN, as in every activation) | `z > 0` |
/// | `sigmoid` | `1 / (1 + e^-z)` | `y (1 − y)` |
/// | `tanh` | `tanh z` | `1 − y²` |
/// | `softmax` | `e^z_i / Σ_j e^z_j` over the last axis | `∂y_i/∂z_j = y_i (δ_ij − y_j)` |
/// | `elu` (α = 1) | `z` if `z > 0`, else `α (e^z − 1)` | `1`, else `y + α` |
/// | `selu` | `λ·elu_α(z)`, λ = 1.0507009873554805, α = 1.6732632423543772 | `λ`, else `y + λα` |
/// | `gelu` | `z Φ(z)` (exact; `approximate` uses the tanh form) | `Φ(z) + z φ(z)` |
/// | `leaky_relu` (slope 0.2) | `z` if `z > 0`, else `slope·z` | `1`, else `slope` |
/// | `softplus` | `ln(1 + e^z)` | `sigmoid(z)` |
/// | `swish` (silu) | `z·sigmoid(z)` | `s + z s (1 − s)` |
///
/// In a spec it is written as its name (`"relu"`), or as a one-entry table to set a
/// parameter: `{ leaky_relu = { negative_slope = 0.1 } }`.
///
/// ```
/// use gradus_tensor::Activation;
/// let z = [-1.0f32, 0.0, 2.0];
/// let mut y = [0.0f32; 3];
/// Activation::Relu.forward(&z, &mut y, 3);
/// assert_eq!(y, [0.0, 0.0, 2.0]);
/// let act: Activation = "leaky_relu".parse().unwrap();
/// act.forward(&z, &mut y, 3);
/// assert_eq!(y, [-0.2, 0.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Activation {
    /// The identity.
    #[default]
    Linear,
    /// Rectified linear unit.
    Relu,
    /// Logistic sigmoid.
    Sigmoid,
    /// Hyperbolic tangent.
    Tanh,
    /// Softmax over the last axis (each row sums to 1).
    Softmax,
    /// Exponential linear unit.
    Elu {
        /// Saturation value for negative inputs (Keras default 1.0).
        alpha: f32,
    },
    /// Scaled exponential linear unit (self-normalising constants of Klambauer et al.).
    Selu,
    /// Gaussian error linear unit.
    Gelu {
        /// Use the tanh approximation instead of the exact `erf` form (Keras default false).
        approximate: bool,
    },
    /// Leaky rectified linear unit.
    LeakyRelu {
        /// Slope for negative inputs (Keras 3 default 0.2).
        negative_slope: f32,
    },
    /// `ln(1 + e^z)`.
    Softplus,
    /// `z·sigmoid(z)`, also called SiLU.
    Swish,
}

const SELU_ALPHA: f32 = 1.673_263_2;
const SELU_SCALE: f32 = 1.050_701;
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const GELU_CUBIC: f32 = 0.044_715;

#[inline]
fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[inline]
fn softplus(z: f32) -> f32 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

#[inline]
fn std_normal_cdf(z: f32) -> f32 {
    0.5 * (1.0 + libm::erff(z * std::f32::consts::FRAC_1_SQRT_2))
}

/// Evaluates `$body` with `$f` bound to the scalar function `f32 → f32` of an element-wise
/// activation (every one but linear and softmax, which callers handle first), so that each
/// loop is compiled with its function inlined.
macro_rules! elementwise {
    ($act:expr, $f:ident => $body:expr) => {
        match $act {
            Activation::Relu => {
                // Not `v.max(0.0)`, which turns NaN into 0 and hides it.
                let $f = |v: f32| if v > 0.0 || v.is_nan() { v } else { 0.0 };
                $body
            }
            Activation::Sigmoid => {
                let $f = sigmoid;
                $body
            }
            Activation::Tanh => {
                let $f = f32::tanh;
                $body
            }
            Activation::Elu { alpha } => {
                let $f = |v: f32| if v > 0.0 { v } else { alpha * v.exp_m1() };
                $body
            }
            Activation::Selu => {
                let $f = |v: f32| SELU_SCALE * if v > 0.0 { v } else { SELU_ALPHA * v.exp_m1() };
                $body
            }
            Activation::Gelu { approximate: false } => {
                let $f = |v: f32| v * std_normal_cdf(v);
                $body
            }
            Activation::Gelu { approximate: true } => {
                let $f = |v: f32| {
                    0.5 * v * (1.0 + (SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v)).tanh())
                };
                $body
            }
            Activation::LeakyRelu { negative_slope } => {
                let $f = |v: f32| if v > 0.0 { v } else { negative_slope * v };
                $body
            }
            Activation::Softplus => {
                let $f = softplus;
                $body
            }
            Activation::Swish => {
                let $f = |v: f32| v * sigmoid(v);
                $body
            }
            Activation::Linear | Activation::Softmax => {
                unreachable!("{} is not element-wise", $act)
            }
        }
    };
}

impl Activation {
    /// Every activation name with its default parameters, for help texts and errors.
    pub const NAMES: [&'static str; 11] = [
        "linear",
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "elu",
        "selu",
        "gelu",
        "leaky_relu",
        "softplus",
        "swish",
    ];

    /// Every activation with Keras's default parameters, plus GELU's tanh approximation:
    /// one of each code path, for tests and for listing the choices.
    pub const ALL: [Activation; 12] = [
        Activation::Linear,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softmax,
        Activation::Elu { alpha: 1.0 },
        Activation::Selu,
        Activation::Gelu { approximate: false },
        Activation::Gelu { approximate: true },
        Activation::LeakyRelu {
            negative_slope: 0.2,
        },
        Activation::Softplus,
        Activation::Swish,
    ];

    /// The activation's name as Keras spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
            Activation::Elu { .. } => "elu",
            Activation::Selu => "selu",
            Activation::Gelu { .. } => "gelu",
            Activation::LeakyRelu { .. } => "leaky_relu",
            Activation::Softplus => "softplus",
            Activation::Swish => "swish",
        }
    }

    /// True for the identity, whose output can share the input's buffer.
    pub fn is_linear(&self) -> bool {
        matches!(self, Activation::Linear)
    }

    /// `y = f(z)` for a row-major buffer with rows of `cols` values (`cols` matters only for
    /// softmax, which normalises each row). `z` and `y` have the same length.
    pub fn forward(&self, z: &[f32], y: &mut [f32], cols: usize) {
        debug_assert_eq!(z.len(), y.len());
        match *self {
            Activation::Linear => y.copy_from_slice(z),
            Activation::Softmax => {
                for (zr, yr) in z.chunks_exact(cols).zip(y.chunks_exact_mut(cols)) {
                    crate::ops::softmax_row(zr, yr);
                }
            }
            act => elementwise!(act, f => map(z, y, f)),
        }
    }

    /// `z += bias` on every row (rows of `bias.len()` values), then `y = f(z)`: a dense
    /// layer's bias and activation. Element-wise activations do both in one pass over `z`
    /// (the buffer is read and written once instead of twice); the result is the same as
    /// [`ops::add_row_vector`](crate::ops::add_row_vector) followed by
    /// [`Activation::forward`].
    pub fn forward_with_bias(&self, z: &mut [f32], bias: &[f32], y: &mut [f32]) {
        debug_assert_eq!(z.len(), y.len());
        match *self {
            Activation::Linear | Activation::Softmax => {
                crate::ops::add_row_vector(z, bias);
                self.forward(z, y, bias.len());
            }
            act => elementwise!(act, f => map_with_bias(z, bias, y, f)),
        }
    }

    /// Turns `grad` (∂L/∂y) into ∂L/∂z in place, given the forward's input `z` and output
    /// `y`. Each derivative uses whichever of `z` or `y` is cheaper.
    pub fn backward(&self, z: &[f32], y: &[f32], grad: &mut [f32], cols: usize) {
        debug_assert!(z.len() == grad.len() && y.len() == grad.len());
        match *self {
            Activation::Linear => {}
            Activation::Relu => scale_by(grad, y, |y| if y > 0.0 { 1.0 } else { 0.0 }),
            Activation::Sigmoid => scale_by(grad, y, |y| y * (1.0 - y)),
            Activation::Tanh => scale_by(grad, y, |y| 1.0 - y * y),
            Activation::Softmax => {
                for (yr, gr) in y.chunks_exact(cols).zip(grad.chunks_exact_mut(cols)) {
                    let dot: f32 = yr.iter().zip(gr.iter()).map(|(a, b)| a * b).sum();
                    for (g, &yv) in gr.iter_mut().zip(yr) {
                        *g = yv * (*g - dot);
                    }
                }
            }
            Activation::Elu { alpha } => {
                scale_by2(grad, z, y, |z, y| if z > 0.0 { 1.0 } else { y + alpha })
            }
            Activation::Selu => scale_by2(grad, z, y, |z, y| {
                if z > 0.0 {
                    SELU_SCALE
                } else {
                    y + SELU_SCALE * SELU_ALPHA
                }
            }),
            Activation::Gelu { approximate: false } => scale_by(grad, z, |v| {
                let pdf = (-0.5 * v * v).exp() * 0.398_942_3;
                std_normal_cdf(v) + v * pdf
            }),
            Activation::Gelu { approximate: true } => scale_by(grad, z, |v| {
                let t = (SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v)).tanh();
                0.5 * (1.0 + t)
                    + 0.5 * v * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * v * v)
            }),
            Activation::LeakyRelu { negative_slope } => {
                scale_by(grad, z, |v| if v > 0.0 { 1.0 } else { negative_slope })
            }
            Activation::Softplus => scale_by(grad, z, sigmoid),
            Activation::Swish => scale_by(grad, z, |v| {
                let s = sigmoid(v);
                s + v * s * (1.0 - s)
            }),
        }
    }

    /// The parameters that differ from this activation's defaults, for serialisation.
    fn params(&self) -> BTreeMap<&'static str, ParamValue> {
        let mut p = BTreeMap::new();
        match *self {
            Activation::Elu { alpha } if alpha != 1.0 => {
                p.insert("alpha", ParamValue::Float(alpha));
            }
            Activation::Gelu { approximate: true } => {
                p.insert("approximate", ParamValue::Bool(true));
            }
            Activation::LeakyRelu { negative_slope } if negative_slope != 0.2 => {
                p.insert("negative_slope", ParamValue::Float(negative_slope));
            }
            _ => {}
        }
        p
    }
}

#[inline]
fn map(z: &[f32], y: &mut [f32], f: impl Fn(f32) -> f32) {
    for (o, &v) in y.iter_mut().zip(z) {
        *o = f(v);
    }
}

/// `z += bias` row by row and `y = f(z)`, in one pass.
#[inline]
fn map_with_bias(z: &mut [f32], bias: &[f32], y: &mut [f32], f: impl Fn(f32) -> f32) {
    let cols = bias.len();
    for (zr, yr) in z.chunks_exact_mut(cols).zip(y.chunks_exact_mut(cols)) {
        for ((zv, yv), &b) in zr.iter_mut().zip(yr.iter_mut()).zip(bias) {
            *zv += b;
            *yv = f(*zv);
        }
    }
}

#[inline]
fn scale_by(grad: &mut [f32], src: &[f32], d: impl Fn(f32) -> f32) {
    for (g, &v) in grad.iter_mut().zip(src) {
        *g *= d(v);
    }
}

#[inline]
fn scale_by2(grad: &mut [f32], z: &[f32], y: &[f32], d: impl Fn(f32, f32) -> f32) {
    for ((g, &zv), &yv) in grad.iter_mut().zip(z).zip(y) {
        *g *= d(zv, yv);
    }
}

/// Error for an unknown activation name: the valid names, nearest first (see
/// [`UnknownName`]).
pub type ParseActivationError = UnknownName;

/// Every name [`Activation::from_str`] accepts, with its value (aliases after the canonical
/// name).
const TABLE: [(&str, Activation); 13] = [
    ("linear", Activation::Linear),
    ("identity", Activation::Linear),
    ("relu", Activation::Relu),
    ("sigmoid", Activation::Sigmoid),
    ("tanh", Activation::Tanh),
    ("softmax", Activation::Softmax),
    ("elu", Activation::Elu { alpha: 1.0 }),
    ("selu", Activation::Selu),
    ("gelu", Activation::Gelu { approximate: false }),
    (
        "leaky_relu",
        Activation::LeakyRelu {
            negative_slope: 0.2,
        },
    ),
    ("softplus", Activation::Softplus),
    ("swish", Activation::Swish),
    ("silu", Activation::Swish),
];

impl FromStr for Activation {
    type Err = ParseActivationError;

    /// Parses a Keras activation name (ASCII case ignored); parameters take Keras's
    /// defaults. `identity` is `linear`, `silu` is `swish`.
    ///
    /// # Errors
    /// [`UnknownName`] listing the valid names, nearest first.
    fn from_str(s: &str) -> Result<Activation, ParseActivationError> {
        parse_name("activation", s, &TABLE)
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
enum ParamValue {
    Bool(bool),
    Float(f32),
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr {
    Name(String),
    WithParams(BTreeMap<String, BTreeMap<String, ParamValue>>),
}

impl Serialize for Activation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let params = self.params();
        if params.is_empty() {
            s.serialize_str(self.name())
        } else {
            let inner = params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            Repr::WithParams(BTreeMap::from([(self.name().to_string(), inner)])).serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Activation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Activation, D::Error> {
        use serde::de::Error as _;
        let (name, params) = match Repr::deserialize(d)? {
            Repr::Name(n) => (n, BTreeMap::new()),
            Repr::WithParams(m) if m.len() == 1 => m.into_iter().next().expect("one entry"),
            Repr::WithParams(_) => {
                return Err(D::Error::custom(
                    "an activation table needs exactly one entry: its name",
                ));
            }
        };
        let mut act: Activation = name.parse().map_err(D::Error::custom)?;
        for (key, value) in params {
            match (&mut act, key.as_str(), value) {
                (Activation::Elu { alpha }, "alpha", ParamValue::Float(v)) => *alpha = v,
                (
                    Activation::LeakyRelu { negative_slope },
                    "negative_slope",
                    ParamValue::Float(v),
                ) => *negative_slope = v,
                (Activation::Gelu { approximate }, "approximate", ParamValue::Bool(v)) => {
                    *approximate = v
                }
                _ => {
                    return Err(D::Error::custom(format!(
                        "activation `{name}` has no parameter `{key}` of that type \
                         (elu takes alpha, leaky_relu negative_slope, gelu approximate)"
                    )));
                }
            }
        }
        Ok(act)
    }
}

#[cfg(test)]
#[allow(clippy::excessive_precision)] // golden values are pasted from NumPy
mod tests {
    use super::*;

    const ALL: [Activation; 12] = Activation::ALL;

    // Golden values from the reference formulas:
    // import numpy as np; from scipy.special import erf
    // z = np.array([-1.5, 0.5]); s = 1/(1+np.exp(-z))
    // elu = np.where(z>0, z, np.exp(z)-1); selu = 1.0507009873554805*np.where(z>0, z, 1.6732632423543772*(np.exp(z)-1))
    // gelu = z*0.5*(1+erf(z/np.sqrt(2))); gelu_t = 0.5*z*(1+np.tanh(np.sqrt(2/np.pi)*(z+0.044715*z**3)))
    // softplus = np.log1p(np.exp(z)); swish = z*s
    #[test]
    fn forward_golden_values() {
        let z = [-1.5f32, 0.5];
        let cases: [(Activation, [f32; 2]); 9] = [
            (Activation::Sigmoid, [0.182_425_52, 0.622_459_3]),
            (Activation::Tanh, [-0.905_148_3, 0.462_117_16]),
            (Activation::Elu { alpha: 1.0 }, [-0.776_869_84, 0.5]),
            (Activation::Selu, [-1.365_814_4, 0.525_350_5]),
            (
                Activation::Gelu { approximate: false },
                [-0.100_210_8, 0.345_731_23],
            ),
            (
                Activation::Gelu { approximate: true },
                [-0.100_428_42, 0.345_714_01],
            ),
            (Activation::Softplus, [0.201_413_28, 0.974_076_98]),
            (Activation::Swish, [-0.273_638_29, 0.311_229_67]),
            (
                Activation::LeakyRelu {
                    negative_slope: 0.2,
                },
                [-0.3, 0.5],
            ),
        ];
        for (act, want) in cases {
            let mut y = [0.0; 2];
            act.forward(&z, &mut y, 2);
            for (a, b) in y.iter().zip(want) {
                assert!((a - b).abs() < 1e-6, "{act}: {y:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn forward_with_bias_equals_bias_then_forward() {
        let z: Vec<f32> = vec![-2.1, -0.7, -0.05, 0.3, 0.9, 1.7, -1.2, 2.4];
        let bias = [0.25f32, -0.5, 1.0, 0.0];
        for act in ALL {
            let mut want_z = z.clone();
            crate::ops::add_row_vector(&mut want_z, &bias);
            let mut want_y = vec![0.0; z.len()];
            act.forward(&want_z, &mut want_y, bias.len());
            let (mut got_z, mut got_y) = (z.clone(), vec![0.0; z.len()]);
            act.forward_with_bias(&mut got_z, &bias, &mut got_y);
            assert_eq!(got_z, want_z, "{act}");
            assert_eq!(got_y, want_y, "{act}");
        }
    }

    #[test]
    fn softmax_rows_sum_to_one_and_are_stable() {
        let z = [1000.0f32, 1001.0, 1002.0, -5.0, 0.0, 5.0];
        let mut y = [0.0; 6];
        Activation::Softmax.forward(&z, &mut y, 3);
        // np.exp([0,1,2])/np.exp([0,1,2]).sum()
        let want = [0.090_030_57, 0.244_728_48, 0.665_240_94];
        for i in 0..3 {
            assert!((y[i] - want[i]).abs() < 1e-6);
        }
        assert!((y[3..].iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    /// Central differences in f64 of a scalar loss L = Σ w ⊙ f(z) against backward.
    #[test]
    fn backward_matches_finite_differences() {
        let z: Vec<f32> = vec![-2.1, -0.7, -0.05, 0.3, 0.9, 1.7, -1.2, 2.4];
        let w: Vec<f32> = vec![0.3, -1.1, 0.7, 0.2, -0.4, 0.9, 1.3, -0.6];
        let cols = 4;
        for act in ALL {
            let mut y = vec![0.0; z.len()];
            act.forward(&z, &mut y, cols);
            let mut g = w.clone();
            act.backward(&z, &y, &mut g, cols);
            for i in 0..z.len() {
                let h = 1e-3f32;
                let loss = |zi: f32| {
                    let mut zz = z.clone();
                    zz[i] = zi;
                    let mut yy = vec![0.0; z.len()];
                    act.forward(&zz, &mut yy, cols);
                    yy.iter().zip(&w).map(|(a, b)| (a * b) as f64).sum::<f64>()
                };
                let num = (loss(z[i] + h) - loss(z[i] - h)) / (2.0 * h as f64);
                let err = (num - g[i] as f64).abs() / (1e-3 + num.abs().max(g[i].abs() as f64));
                assert!(
                    err < 2e-3,
                    "{act} at {i}: numeric {num} vs analytic {}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn serde_round_trip_and_errors() {
        for act in ALL {
            let json = serde_json_like(&act);
            let back: Activation = serde_json_parse(&json);
            assert_eq!(back, act, "{json}");
        }
        let act: Activation = serde_json_parse(r#"{"leaky_relu":{"negative_slope":0.1}}"#);
        assert_eq!(
            act,
            Activation::LeakyRelu {
                negative_slope: 0.1
            }
        );
        let e = "relux".parse::<Activation>().unwrap_err().to_string();
        assert!(
            e.starts_with(r#"unknown activation "relux"; did you mean "relu"? valid: "relu", "#),
            "{e}"
        );
        let e = serde_json::from_str::<Activation>(r#""sigmoidd""#).unwrap_err();
        assert!(e.to_string().contains(r#"did you mean "sigmoid"?"#), "{e}");
    }

    /// Every name parses, and prints as its canonical name; aliases map to the canonical.
    #[test]
    fn names_round_trip() {
        for (name, act) in TABLE {
            let parsed: Activation = name.parse().unwrap();
            assert_eq!(parsed, act, "{name}");
            assert_eq!(parsed.to_string().parse::<Activation>().unwrap(), act);
            assert!(Activation::NAMES.contains(&parsed.to_string().as_str()));
        }
        for name in Activation::NAMES {
            assert_eq!(name.parse::<Activation>().unwrap().to_string(), name);
        }
        assert_eq!("silu".parse::<Activation>().unwrap().to_string(), "swish");
        assert_eq!(
            "identity".parse::<Activation>().unwrap().to_string(),
            "linear"
        );
        assert_eq!("ReLU".parse::<Activation>().unwrap(), Activation::Relu);
    }

    fn serde_json_like(a: &Activation) -> String {
        serde_json::to_string(a).unwrap()
    }

    fn serde_json_parse(s: &str) -> Activation {
        serde_json::from_str(s).unwrap()
    }
}
