//! [`Normalization`]: feature-wise standardisation with statistics from the data
//! (`adapt`), as Keras's `keras.layers.Normalization`.

use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{Error, LayerConfig, Param, Result};

/// Keras's `backend.epsilon()`: the smallest standard deviation divided by.
pub const NORMALIZATION_EPSILON: f32 = 1e-7;

/// Configuration of a [`Normalization`] layer; the defaults are Keras's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizationConfig {
    /// Layer name (default: `normalization`, `normalization_1`, …).
    pub name: Option<String>,
    /// A fixed mean per feature (one value broadcasts to every feature); set together with
    /// `variance`. Unset: the mean comes from [`Normalization::adapt`] (or is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Vec<f32>>,
    /// A fixed variance per feature (one value broadcasts), each finite and ≥ 0; set
    /// together with `mean`. Unset: from `adapt` (or 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance: Option<Vec<f32>>,
    /// Apply the inverse transformation `x·max(√var, ε) + mean` (default false).
    pub invert: bool,
}

/// Standardises each feature (the last axis) with a mean and variance learnt from data
/// by [`adapt`](Normalization::adapt) or given by the user, as Keras's
/// `Normalization(axis=-1)`.
///
/// With `d_j = max(√var_j, ε)`, `ε = 1e-7` (Keras's `backend.epsilon()`, applied to the
/// standard deviation as Keras does), for every position `i` of feature `j`:
/// - forward: `y_i = (x_i − mean_j) · (1/d_j)`, or with `invert`, `y_i = mean_j + x_i·d_j`;
/// - backward: `∂L/∂x_i = ∂L/∂y_i · (1/d_j)` (`· d_j` with `invert`). Nothing is trained.
///
/// The division is a multiplication by the rounded reciprocal `1/d_j`, as Keras computes
/// it on its JAX backend (XLA rewrites the division so): given the same statistics the
/// output equals Keras's bit for bit (a true division differs from it in the last bit for
/// about a third of the values).
///
/// Shapes: any input `[n, …, features]`; output the same; `mean` and `variance` are
/// non-trainable weights of shape `[features]`, saved with the model (as
/// `"<layer>/mean"` and `"<layer>/variance"`) so that a loaded model normalises raw
/// features exactly as before.
///
/// `adapt` computes the population mean and variance (divided by `n`, as NumPy's `var`)
/// over every position but the last axis, in `f64`, rounded to `f32`. Adapt before adding
/// the layer to a model; building (also by `fit`) keeps the adapted values.
///
/// ```
/// use gradus_nn::{Layer, Mode, Normalization};
/// use gradus_tensor::{Rng, Tensor};
/// let data = Tensor::from_rows(&[vec![1.0, 10.0], vec![3.0, 30.0]]).unwrap();
/// let mut norm = Normalization::new();
/// norm.adapt(&data).unwrap(); // mean [2, 20], variance [1, 100]
/// norm.build(&[2], &mut Rng::new(0)).unwrap();
/// let x = Tensor::from_rows(&[vec![4.0, 0.0]]).unwrap();
/// assert_eq!(norm.forward(&x, Mode::Infer).data(), &[2.0, -2.0]);
/// ```
///
/// # Errors
/// `adapt` on data without rows, with a NaN or infinite value, whose variance overflows
/// `f32`, with another feature count than the built layer, or on a layer with a fixed
/// mean; `build` with a mean and variance not given together, of another length than the
/// features (or 1), or not finite (a negative variance).
#[derive(Debug)]
pub struct Normalization {
    config: NormalizationConfig,
    /// `[mean, variance]` once built.
    params: Vec<Param>,
    /// Statistics from `adapt`, used by the next `build`.
    adapted: Option<(Vec<f32>, Vec<f32>)>,
    /// Per feature, from the weights at each forward pass: `max(√var, ε)` with `invert`,
    /// else its reciprocal.
    scale: Vec<f32>,
    output: Tensor,
    grad_input: Tensor,
}

impl Normalization {
    /// A layer to be adapted, with Keras's defaults.
    pub fn new() -> Normalization {
        Normalization::from_config(NormalizationConfig::default())
    }

    /// A layer from its configuration.
    pub fn from_config(config: NormalizationConfig) -> Normalization {
        Normalization {
            config,
            params: Vec::new(),
            adapted: None,
            scale: Vec::new(),
            output: Tensor::zeros(&[0]),
            grad_input: Tensor::zeros(&[0]),
        }
    }

    /// A layer with a fixed mean and variance per feature (Keras's
    /// `Normalization(mean=…, variance=…)`); one value each broadcasts to every feature.
    /// Checked by `build`.
    pub fn with_stats(mean: impl Into<Vec<f32>>, variance: impl Into<Vec<f32>>) -> Normalization {
        Normalization::from_config(NormalizationConfig {
            mean: Some(mean.into()),
            variance: Some(variance.into()),
            ..NormalizationConfig::default()
        })
    }

    /// Sets whether the inverse transformation is applied.
    pub fn invert(mut self, invert: bool) -> Normalization {
        self.config.invert = invert;
        self
    }

    /// Sets the layer name.
    pub fn name(mut self, name: impl Into<String>) -> Normalization {
        self.config.name = Some(name.into());
        self
    }

    /// Computes each feature's population mean and variance over every row (and every
    /// position but the last axis) of `data`, shape `[n, …, features]`.
    ///
    /// # Errors
    /// See the type's docs; on error the layer is unchanged.
    pub fn adapt(&mut self, data: &Tensor) -> Result<()> {
        let what = "Normalization.adapt data";
        if self.config.mean.is_some() || self.config.variance.is_some() {
            return Err(Error::config(
                "Normalization.adapt",
                "a layer with a fixed mean and variance",
                "a layer made without mean and variance (Normalization::new) to adapt",
            ));
        }
        let features = *data.dims().last().unwrap_or(&0);
        if data.dims().len() < 2 || data.is_empty() {
            return Err(Error::shape(
                what,
                "[n, …, features] with at least one row and one feature",
                format!("{:?}", data.dims()),
            ));
        }
        if let Some(p) = self.params.first()
            && p.value.len() != features
        {
            return Err(Error::shape(
                what,
                format!("{} features (the layer is built for them)", p.value.len()),
                format!("{:?}", data.dims()),
            ));
        }
        if let Some(i) = data.first_non_finite() {
            return Err(Error::NonFinite {
                what: what.into(),
                row: i / data.row_len(),
                column: i % data.row_len(),
                value: data.data()[i],
            });
        }
        let (mean, variance) = moments(data.data(), features);
        if let Some(j) = variance.iter().position(|v| !v.is_finite()) {
            return Err(Error::config(
                format!("Normalization.adapt variance of feature {j}"),
                "a value beyond f32 (±3.4e38)",
                "data whose squared spread fits in f32; scale the feature down first",
            ));
        }
        if let [m, v] = self.params.as_mut_slice() {
            m.value.data_mut().copy_from_slice(&mean);
            v.value.data_mut().copy_from_slice(&variance);
        }
        self.adapted = Some((mean, variance));
        Ok(())
    }

    /// The mean and variance to build with: adapted, else a previous build's weights,
    /// else the configured ones (broadcast), else 0 and 1.
    fn initial_stats(&self, features: usize) -> Result<(Vec<f32>, Vec<f32>)> {
        if let Some((m, v)) = &self.adapted
            && m.len() == features
        {
            return Ok((m.clone(), v.clone()));
        }
        if let [m, v] = self.params.as_slice()
            && m.value.len() == features
        {
            return Ok((m.value.data().to_vec(), v.value.data().to_vec()));
        }
        match (&self.config.mean, &self.config.variance) {
            (None, None) if self.adapted.is_some() => Err(Error::shape(
                "Normalization",
                format!(
                    "inputs with {} features (the data it was adapted to)",
                    self.adapted.as_ref().map_or(0, |(m, _)| m.len())
                ),
                format!("{features} features"),
            )),
            (None, None) => Ok((vec![0.0; features], vec![1.0; features])),
            (Some(m), Some(v)) => Ok((
                broadcast("mean", m, features)?,
                broadcast("variance", v, features)?,
            )),
            _ => Err(Error::config(
                "Normalization.mean and variance",
                "only one of them",
                "both (a fixed mean and variance) or neither (adapt to data)",
            )),
        }
    }
}

impl Default for Normalization {
    fn default() -> Normalization {
        Normalization::new()
    }
}

/// `values` as one value per feature: as given, or one value repeated.
fn broadcast(field: &str, values: &[f32], features: usize) -> Result<Vec<f32>> {
    let out = match values.len() {
        1 => vec![values[0]; features],
        n if n == features => values.to_vec(),
        n => {
            return Err(Error::config(
                format!("Normalization.{field}"),
                format!("{n} values"),
                format!("one value per feature ({features}) or one for all"),
            ));
        }
    };
    let bad = |v: f32| !v.is_finite() || (field == "variance" && v < 0.0);
    if let Some(&v) = out.iter().find(|&&v| bad(v)) {
        let expected = match field {
            "variance" => "finite variances ≥ 0",
            _ => "finite values",
        };
        return Err(Error::config(format!("Normalization.{field}"), v, expected));
    }
    Ok(out)
}

/// Population mean and variance of each of the `features` columns of row-major `data`,
/// two passes in `f64`, rounded to `f32`.
fn moments(data: &[f32], features: usize) -> (Vec<f32>, Vec<f32>) {
    let n = (data.len() / features) as f64;
    let mut sum = vec![0.0f64; features];
    for row in data.chunks_exact(features) {
        for (s, &v) in sum.iter_mut().zip(row) {
            *s += v as f64;
        }
    }
    let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
    let mut squares = vec![0.0f64; features];
    for row in data.chunks_exact(features) {
        for ((s, &m), &v) in squares.iter_mut().zip(&mean).zip(row) {
            *s += (v as f64 - m).powi(2);
        }
    }
    (
        mean.iter().map(|&m| m as f32).collect(),
        squares.iter().map(|&s| (s / n) as f32).collect(),
    )
}

impl Layer for Normalization {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        let features = *input.last().unwrap_or(&0);
        if features == 0 {
            return Err(Error::shape(
                "Normalization",
                "inputs with at least one feature",
                format!("{input:?}"),
            ));
        }
        let (mean, variance) = self.initial_stats(features)?;
        self.params = vec![
            Param::state("mean", Tensor::from_vec(mean, &[features])?),
            Param::state("variance", Tensor::from_vec(variance, &[features])?),
        ];
        self.scale = vec![0.0; features];
        Ok(input.to_vec())
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let [mean, variance] = self.params.as_slice() else {
            unreachable!("Normalization is built before forward")
        };
        // Keras: maximum(sqrt(variance), epsilon()), in f32; divided by through its
        // reciprocal, as XLA does.
        let invert = self.config.invert;
        for (s, &v) in self.scale.iter_mut().zip(variance.value.data()) {
            let d = v.sqrt().max(NORMALIZATION_EPSILON);
            *s = if invert { d } else { 1.0 / d };
        }
        let n = self.scale.len();
        self.output.resize(*x.shape());
        let rows = self
            .output
            .data_mut()
            .chunks_exact_mut(n)
            .zip(x.data().chunks_exact(n));
        let mean = mean.value.data();
        if invert {
            for (out, xr) in rows {
                for j in 0..n {
                    out[j] = mean[j] + xr[j] * self.scale[j];
                }
            }
        } else {
            for (out, xr) in rows {
                for j in 0..n {
                    out[j] = (xr[j] - mean[j]) * self.scale[j];
                }
            }
        }
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        if !flow.input_grad {
            return &self.grad_input;
        }
        let n = self.scale.len();
        self.grad_input.resize(*grad_out.shape());
        let rows = self
            .grad_input
            .data_mut()
            .chunks_exact_mut(n)
            .zip(grad_out.data().chunks_exact(n));
        for (gi, go) in rows {
            for j in 0..n {
                gi[j] = go[j] * self.scale[j];
            }
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Normalization(self.config.clone())
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: &[Vec<f32>]) -> Tensor {
        Tensor::from_rows(rows).unwrap()
    }

    // np.mean / np.var of [[1, -2], [2, 0], [6, 5]] over axis 0:
    // mean [3, 1], var [4.666666666666667, 8.666666666666666]
    #[test]
    fn adapt_is_the_population_mean_and_variance() {
        let mut norm = Normalization::new();
        norm.adapt(&t(&[vec![1.0, -2.0], vec![2.0, 0.0], vec![6.0, 5.0]]))
            .unwrap();
        norm.build(&[2], &mut Rng::new(0)).unwrap();
        assert_eq!(norm.params()[0].value.data(), &[3.0, 1.0]);
        assert_eq!(norm.params()[1].value.data(), &[4.666_666_7f32, 8.666_667]);
        assert!(norm.params().iter().all(|p| !p.trainable));
    }

    #[test]
    fn fixed_stats_broadcast_and_epsilon_guards_a_zero_variance() {
        let mut norm = Normalization::with_stats([1.0], [0.0]);
        norm.build(&[3], &mut Rng::new(0)).unwrap();
        let y = norm
            .forward(&t(&[vec![1.0, 2.0, 0.0]]), Mode::Infer)
            .clone();
        // (x − 1) / max(√0, 1e-7)
        assert_eq!(y.data(), &[0.0, 1e7, -1e7]);
        let mut inv = Normalization::with_stats([1.0, 2.0], [4.0, 9.0]).invert(true);
        inv.build(&[2], &mut Rng::new(0)).unwrap();
        let y = inv.forward(&t(&[vec![0.5, -1.0]]), Mode::Infer).clone();
        assert_eq!(y.data(), &[2.0, -1.0]);
        let g = inv.backward(&t(&[vec![1.0, 1.0]]), GradFlow::FULL);
        assert_eq!(g.data(), &[2.0, 3.0]);
    }

    #[test]
    fn bad_data_and_stats_are_errors() {
        let mut norm = Normalization::new();
        let e = norm.adapt(&Tensor::zeros(&[0, 3])).unwrap_err().to_string();
        assert!(
            e.starts_with("shape mismatch in Normalization.adapt data"),
            "{e}"
        );
        let e = norm
            .adapt(&t(&[vec![1.0, f32::NAN]]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("non-finite value (NaN) at row 0, column 1"),
            "{e}"
        );
        let e = norm
            .adapt(&t(&[vec![3e38], vec![-3e38]]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("variance of feature 0"), "{e}");
        assert!(norm.adapted.is_none());
        let mut fixed = Normalization::with_stats([0.0, 1.0], [1.0, -1.0]);
        let e = fixed.build(&[2], &mut Rng::new(0)).unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid Normalization.variance = -1: finite variances ≥ 0"
        );
        let e = fixed.adapt(&t(&[vec![1.0, 2.0]])).unwrap_err().to_string();
        assert!(e.contains("fixed mean"), "{e}");
        let mut three = Normalization::with_stats([0.0; 3], [1.0; 3]);
        let e = three.build(&[2], &mut Rng::new(0)).unwrap_err().to_string();
        assert!(e.contains("3 values: one value per feature (2)"), "{e}");
        let mut adapted = Normalization::new();
        adapted.adapt(&t(&[vec![1.0, 2.0]])).unwrap();
        assert!(adapted.build(&[3], &mut Rng::new(0)).is_err());
    }
}
