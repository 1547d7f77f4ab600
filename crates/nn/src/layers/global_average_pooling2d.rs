//! [`GlobalAveragePooling2D`]: the mean of each channel over the whole image.

use gradus_tensor::{Rng, Shape, Tensor, ops};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::layers::dims_text;
use crate::{Error, LayerConfig, Result};

/// Configuration of [`GlobalAveragePooling2D`] and
/// [`GlobalMaxPooling2D`](super::GlobalMaxPooling2D); the defaults are Keras's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct GlobalPool2DConfig {
    /// Layer name (default: `global_average_pooling2d`, `global_max_pooling2d`, … with a
    /// counter).
    pub name: Option<String>,
    /// Keep the spatial axes, as size 1: output `[n, 1, 1, c]` instead of `[n, c]`
    /// (default false).
    pub keepdims: bool,
}

impl GlobalPool2DConfig {
    /// Checks that samples are `[h, w, c]` images; returns `(pixels, channels)` and the
    /// output shape.
    pub(crate) fn shapes(
        &self,
        layer: &str,
        input: &[usize],
    ) -> Result<(usize, usize, Vec<usize>)> {
        let &[h, w, c] = input else {
            return Err(Error::Shape {
                context: layer.into(),
                expected: "input of shape [batch, height, width, channels]".into(),
                got: format!("[batch, {}]", dims_text(input)),
                hint: "; global pooling reduces the image axes of a [n, height, width, \
                       channels] input"
                    .into(),
            });
        };
        let pixels = h
            .checked_mul(w)
            .filter(|&p| p > 0 && c > 0 && p <= Tensor::MAX_ALLOC)
            .ok_or_else(|| {
                Error::shape(
                    layer,
                    format!("a non-empty image of at most {} pixels", Tensor::MAX_ALLOC),
                    format!("[batch, {}]", dims_text(input)),
                )
            })?;
        let output = if self.keepdims {
            vec![1, 1, c]
        } else {
            vec![c]
        };
        Ok((pixels, c, output))
    }
}

/// Global average pooling over channels-last images, as Keras `GlobalAveragePooling2D`.
///
/// Shapes: input `[n, h, w, c]`, output `[n, c]` (`[n, 1, 1, c]` with `keepdims`).
///
/// - forward: `y[n, c] = (1/(h·w)) Σ_p x[n, p, c]` ([`ops::global_avg_pool`]);
/// - backward: `∂L/∂x[n, p, c] = ∂L/∂y[n, c] / (h·w)`.
///
/// ```
/// use gradus_nn::{GlobalAveragePooling2D, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut pool = GlobalAveragePooling2D::new();
/// assert_eq!(pool.build(&[2, 2, 2], &mut Rng::new(0)).unwrap(), vec![2]);
/// let x = Tensor::from_vec((1..=8).map(|v| v as f32).collect(), &[1, 2, 2, 2]).unwrap();
/// assert_eq!(pool.forward(&x, Mode::Infer).data(), &[4.0, 5.0]);
/// ```
#[derive(Debug)]
pub struct GlobalAveragePooling2D {
    config: GlobalPool2DConfig,
    /// `(pixels, channels)`, once built.
    built: Option<(usize, usize)>,
    output: Tensor,
    input_shape: Shape,
    grad_input: Tensor,
}

impl GlobalAveragePooling2D {
    /// A layer with Keras's defaults.
    pub fn new() -> GlobalAveragePooling2D {
        GlobalAveragePooling2D::from_config(GlobalPool2DConfig::default())
    }

    /// A layer from its configuration.
    pub fn from_config(config: GlobalPool2DConfig) -> GlobalAveragePooling2D {
        GlobalAveragePooling2D {
            config,
            built: None,
            output: Tensor::zeros(&[0]),
            input_shape: Shape::new(&[0]).expect("rank 1"),
            grad_input: Tensor::zeros(&[0]),
        }
    }

    /// Sets `keepdims`.
    pub fn keepdims(mut self, keepdims: bool) -> GlobalAveragePooling2D {
        self.config.keepdims = keepdims;
        self
    }
}

impl Default for GlobalAveragePooling2D {
    fn default() -> GlobalAveragePooling2D {
        GlobalAveragePooling2D::new()
    }
}

/// `[n, c]` or `[n, 1, 1, c]`.
pub(crate) fn pooled_shape(rows: usize, channels: usize, keepdims: bool) -> Shape {
    let dims: &[usize] = if keepdims {
        &[rows, 1, 1, channels]
    } else {
        &[rows, channels]
    };
    Shape::new(dims).expect("smaller than the input")
}

impl Layer for GlobalAveragePooling2D {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        let (pixels, channels, output) = self.config.shapes("GlobalAveragePooling2D", input)?;
        self.built = Some((pixels, channels));
        Ok(output)
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let (pixels, c) = self.built.expect("built");
        self.input_shape = *x.shape();
        self.output
            .resize(pooled_shape(x.rows(), c, self.config.keepdims));
        ops::global_avg_pool(x.data(), pixels, c, self.output.data_mut());
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let (pixels, c) = self.built.expect("built");
        if flow.input_grad {
            self.grad_input.resize(self.input_shape);
            ops::global_avg_pool_backward(grad_out.data(), pixels, c, self.grad_input.data_mut());
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::GlobalAveragePooling2D(self.config.clone())
    }
}
