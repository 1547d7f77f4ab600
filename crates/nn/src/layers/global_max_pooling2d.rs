//! [`GlobalMaxPooling2D`]: the maximum of each channel over the whole image.

use gradus_tensor::{Rng, Shape, Tensor, ops};

use super::GlobalPool2DConfig;
use super::global_average_pooling2d::pooled_shape;
use crate::layer::{GradFlow, Layer, Mode};
use crate::{LayerConfig, Result};

/// Global max pooling over channels-last images, as Keras `GlobalMaxPooling2D`.
///
/// Shapes: input `[n, h, w, c]`, output `[n, c]` (`[n, 1, 1, c]` with `keepdims`).
///
/// - forward: `y[n, c] = max_p x[n, p, c]`, remembering the winning pixel
///   ([`ops::global_max_pool`]);
/// - backward: `∂L/∂x[n, p, c] = ∂L/∂y[n, c]` at the winner, 0 elsewhere (ties go to the
///   first pixel in row-major order).
///
/// ```
/// use gradus_nn::{GlobalMaxPooling2D, GradFlow, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut pool = GlobalMaxPooling2D::new();
/// assert_eq!(pool.build(&[2, 2, 2], &mut Rng::new(0)).unwrap(), vec![2]);
/// let x = Tensor::from_vec(vec![1.0, 8.0, 7.0, 2.0, 3.0, 6.0, 5.0, 4.0], &[1, 2, 2, 2]).unwrap();
/// assert_eq!(pool.forward(&x, Mode::Infer).data(), &[7.0, 8.0]);
/// let g = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
/// let dx = pool.backward(&g, GradFlow::FULL);
/// assert_eq!(dx.data(), &[0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
/// ```
#[derive(Debug)]
pub struct GlobalMaxPooling2D {
    config: GlobalPool2DConfig,
    /// `(pixels, channels)`, once built.
    built: Option<(usize, usize)>,
    output: Tensor,
    /// Winning pixel of each output.
    argmax: Vec<u32>,
    input_shape: Shape,
    grad_input: Tensor,
}

impl GlobalMaxPooling2D {
    /// A layer with Keras's defaults.
    pub fn new() -> GlobalMaxPooling2D {
        GlobalMaxPooling2D::from_config(GlobalPool2DConfig::default())
    }

    /// A layer from its configuration.
    pub fn from_config(config: GlobalPool2DConfig) -> GlobalMaxPooling2D {
        GlobalMaxPooling2D {
            config,
            built: None,
            output: Tensor::zeros(&[0]),
            argmax: Vec::new(),
            input_shape: Shape::new(&[0]).expect("rank 1"),
            grad_input: Tensor::zeros(&[0]),
        }
    }

    /// Sets `keepdims`.
    pub fn keepdims(mut self, keepdims: bool) -> GlobalMaxPooling2D {
        self.config.keepdims = keepdims;
        self
    }
}

impl Default for GlobalMaxPooling2D {
    fn default() -> GlobalMaxPooling2D {
        GlobalMaxPooling2D::new()
    }
}

impl Layer for GlobalMaxPooling2D {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        let (pixels, channels, output) = self.config.shapes("GlobalMaxPooling2D", input)?;
        self.built = Some((pixels, channels));
        Ok(output)
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let (pixels, c) = self.built.expect("built");
        self.input_shape = *x.shape();
        self.output
            .resize(pooled_shape(x.rows(), c, self.config.keepdims));
        self.argmax.resize(self.output.len(), 0);
        ops::global_max_pool(
            x.data(),
            pixels,
            c,
            self.output.data_mut(),
            &mut self.argmax,
        );
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let (pixels, c) = self.built.expect("built");
        if flow.input_grad {
            self.grad_input.resize(self.input_shape);
            ops::global_max_pool_backward(
                grad_out.data(),
                &self.argmax,
                pixels,
                c,
                self.grad_input.data_mut(),
            );
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::GlobalMaxPooling2D(self.config.clone())
    }
}
