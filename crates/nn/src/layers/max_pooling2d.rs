//! [`MaxPooling2D`]: the maximum of each window, per channel.

use gradus_tensor::ops::{self, Window2d};
use gradus_tensor::{Rng, Shape, Tensor};

use super::Pool2DConfig;
use crate::layer::{GradFlow, Layer, Mode};
use crate::{LayerConfig, Result};

/// Max pooling over channels-last images, as Keras `MaxPooling2D`.
///
/// Shapes: input `[n, h, w, c]`, output `[n, oh, ow, c]` with `oh, ow` as for a
/// convolution with `kernel_size = pool_size` (see [`Pool2DConfig`]).
///
/// - forward: `y[n, p, c] = max` of `x[n, q, c]` over the window's pixels `q` inside the
///   image (padding never wins), remembering the winner ([`ops::max_pool2d`]);
/// - backward: `∂L/∂x[n, q, c] = Σ ∂L/∂y[n, p, c]` over the windows `p` that `q` won (ties
///   go to the first maximum in row-major order).
///
/// ```
/// use gradus_nn::{GradFlow, Layer, MaxPooling2D, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut pool = MaxPooling2D::new([2, 2]);
/// assert_eq!(pool.build(&[2, 4, 1], &mut Rng::new(0)).unwrap(), vec![1, 2, 1]);
/// let x = Tensor::from_vec(vec![1.0, 5.0, 2.0, 0.0, 3.0, 4.0, 8.0, 1.0], &[1, 2, 4, 1]).unwrap();
/// assert_eq!(pool.forward(&x, Mode::Infer).data(), &[5.0, 8.0]);
/// let g = Tensor::from_vec(vec![1.0, 2.0], &[1, 1, 2, 1]).unwrap();
/// let dx = pool.backward(&g, GradFlow::FULL);
/// assert_eq!(dx.data(), &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0]);
/// ```
#[derive(Debug)]
pub struct MaxPooling2D {
    config: Pool2DConfig,
    /// Window and channels, once built.
    built: Option<(Window2d, usize)>,
    output: Tensor,
    /// Offset of each output's winner within its image.
    argmax: Vec<u32>,
    input_shape: Shape,
    grad_input: Tensor,
}

impl MaxPooling2D {
    /// A layer with `pool_size` windows and Keras's other defaults (strides = pool size,
    /// valid padding).
    pub fn new(pool_size: [usize; 2]) -> MaxPooling2D {
        MaxPooling2D::from_config(Pool2DConfig::new(pool_size))
    }

    /// A layer from its configuration.
    pub fn from_config(config: Pool2DConfig) -> MaxPooling2D {
        MaxPooling2D {
            config,
            built: None,
            output: Tensor::zeros(&[0]),
            argmax: Vec::new(),
            input_shape: Shape::new(&[0]).expect("rank 1"),
            grad_input: Tensor::zeros(&[0]),
        }
    }

    /// Sets the strides.
    pub fn strides(mut self, strides: [usize; 2]) -> MaxPooling2D {
        self.config.strides = Some(strides);
        self
    }

    /// Sets the padding.
    pub fn padding(mut self, padding: gradus_tensor::ops::Padding) -> MaxPooling2D {
        self.config.padding = padding;
        self
    }

    /// Sets the layer name.
    pub fn name(mut self, name: impl Into<String>) -> MaxPooling2D {
        self.config.name = Some(name.into());
        self
    }
}

impl Layer for MaxPooling2D {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        let (window, output) = self.config.window("MaxPooling2D", input)?;
        self.built = Some((window, input[2]));
        Ok(output)
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let (w, c) = self.built.expect("built");
        let [oh, ow] = w.output();
        self.input_shape = *x.shape();
        self.output
            .resize(Shape::new(&[x.rows(), oh, ow, c]).expect("checked at build"));
        self.argmax.resize(self.output.len(), 0);
        ops::max_pool2d(x.data(), &w, c, self.output.data_mut(), &mut self.argmax);
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let (w, c) = self.built.expect("built");
        if !flow.input_grad {
            return &self.grad_input;
        }
        self.grad_input.resize(self.input_shape);
        ops::max_pool2d_backward(
            grad_out.data(),
            &self.argmax,
            &w,
            c,
            self.grad_input.data_mut(),
        );
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::MaxPooling2D(self.config.clone())
    }
}
