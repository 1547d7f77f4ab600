//! [`AveragePooling2D`]: the mean of each window, per channel.

use gradus_tensor::ops::{self, Window2d};
use gradus_tensor::{Rng, Shape, Tensor};

use super::Pool2DConfig;
use crate::layer::{GradFlow, Layer, Mode};
use crate::{LayerConfig, Result};

/// Average pooling over channels-last images, as Keras `AveragePooling2D`.
///
/// Shapes: input `[n, h, w, c]`, output `[n, oh, ow, c]` with `oh, ow` as for a
/// convolution with `kernel_size = pool_size` (see [`Pool2DConfig`]).
///
/// - forward: `y[n, p, c] = (1/|W_p|) Σ_{q ∈ W_p} x[n, q, c]`, with `W_p` the window's
///   pixels inside the image (padding is not counted, as in Keras) ([`ops::avg_pool2d`]);
/// - backward: `∂L/∂x[n, q, c] = Σ_{p : q ∈ W_p} ∂L/∂y[n, p, c] / |W_p|`.
///
/// ```
/// use gradus_nn::{AveragePooling2D, GradFlow, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut pool = AveragePooling2D::new([2, 2]);
/// assert_eq!(pool.build(&[2, 4, 1], &mut Rng::new(0)).unwrap(), vec![1, 2, 1]);
/// let x = Tensor::from_vec(vec![1.0, 5.0, 2.0, 0.0, 3.0, 4.0, 8.0, 1.0], &[1, 2, 4, 1]).unwrap();
/// assert_eq!(pool.forward(&x, Mode::Infer).data(), &[3.25, 2.75]);
/// let g = Tensor::from_vec(vec![4.0, 8.0], &[1, 1, 2, 1]).unwrap();
/// let dx = pool.backward(&g, GradFlow::FULL);
/// assert_eq!(dx.data(), &[1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0]);
/// ```
#[derive(Debug)]
pub struct AveragePooling2D {
    config: Pool2DConfig,
    /// Window and channels, once built.
    built: Option<(Window2d, usize)>,
    output: Tensor,
    input_shape: Shape,
    grad_input: Tensor,
}

impl AveragePooling2D {
    /// A layer with `pool_size` windows and Keras's other defaults (strides = pool size,
    /// valid padding).
    pub fn new(pool_size: [usize; 2]) -> AveragePooling2D {
        AveragePooling2D::from_config(Pool2DConfig::new(pool_size))
    }

    /// A layer from its configuration.
    pub fn from_config(config: Pool2DConfig) -> AveragePooling2D {
        AveragePooling2D {
            config,
            built: None,
            output: Tensor::zeros(&[0]),
            input_shape: Shape::new(&[0]).expect("rank 1"),
            grad_input: Tensor::zeros(&[0]),
        }
    }

    /// Sets the strides.
    pub fn strides(mut self, strides: [usize; 2]) -> AveragePooling2D {
        self.config.strides = Some(strides);
        self
    }

    /// Sets the padding.
    pub fn padding(mut self, padding: gradus_tensor::ops::Padding) -> AveragePooling2D {
        self.config.padding = padding;
        self
    }

    /// Sets the layer name.
    pub fn name(mut self, name: impl Into<String>) -> AveragePooling2D {
        self.config.name = Some(name.into());
        self
    }
}

impl Layer for AveragePooling2D {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        let (window, output) = self.config.window("AveragePooling2D", input)?;
        self.built = Some((window, input[2]));
        Ok(output)
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let (w, c) = self.built.expect("built");
        let [oh, ow] = w.output();
        self.input_shape = *x.shape();
        self.output
            .resize(Shape::new(&[x.rows(), oh, ow, c]).expect("checked at build"));
        ops::avg_pool2d(x.data(), &w, c, self.output.data_mut());
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let (w, c) = self.built.expect("built");
        if !flow.input_grad {
            return &self.grad_input;
        }
        self.grad_input.resize(self.input_shape);
        ops::avg_pool2d_backward(grad_out.data(), &w, c, self.grad_input.data_mut());
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::AveragePooling2D(self.config.clone())
    }
}
