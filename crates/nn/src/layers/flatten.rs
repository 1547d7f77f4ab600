//! [`Flatten`]: reshapes `[n, d1, d2, …]` to `[n, d1·d2·…]`.

use gradus_tensor::{Rng, Shape, Tensor};
use serde::{Deserialize, Serialize};

use crate::layer::{GradFlow, Layer, Mode};
use crate::{LayerConfig, Result};

/// Configuration of a [`Flatten`] layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct FlattenConfig {
    /// Layer name (default: `flatten`, `flatten_1`, …).
    pub name: Option<String>,
}

/// Flattens every sample to one row, as Keras `Flatten`: `[n, d1, …, dk] → [n, d1·…·dk]`
/// (row-major, so the values keep their order). Backward restores the input shape.
///
/// ```
/// use gradus_nn::{Flatten, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// let mut f = Flatten::new();
/// assert_eq!(f.build(&[2, 3], &mut Rng::new(0)).unwrap(), vec![6]);
/// let x = Tensor::zeros(&[4, 2, 3]);
/// assert_eq!(f.forward(&x, Mode::Infer).dims(), &[4, 6]);
/// ```
#[derive(Debug)]
pub struct Flatten {
    config: FlattenConfig,
    input_shape: Shape,
    output: Tensor,
    grad_input: Tensor,
}

impl Flatten {
    /// A flatten layer.
    pub fn new() -> Flatten {
        Flatten::from_config(FlattenConfig::default())
    }

    /// A flatten layer from its configuration.
    pub fn from_config(config: FlattenConfig) -> Flatten {
        Flatten {
            config,
            input_shape: Shape::new(&[0]).expect("rank 1"),
            output: Tensor::zeros(&[0, 0]),
            grad_input: Tensor::zeros(&[0]),
        }
    }
}

impl Default for Flatten {
    fn default() -> Flatten {
        Flatten::new()
    }
}

impl Layer for Flatten {
    fn build(&mut self, input: &[usize], _rng: &mut Rng) -> Result<Vec<usize>> {
        // A batch of one such sample: Shape::new checks the product for overflow.
        let one = Shape::new(&[&[1], input].concat())?;
        Ok(vec![one.row_len()])
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        self.input_shape = *x.shape();
        if x.dims().len() == 2 {
            return x;
        }
        self.output
            .resize(Shape::new(&[x.rows(), x.row_len()]).expect("rank 2"));
        self.output.data_mut().copy_from_slice(x.data());
        &self.output
    }

    fn backward(&mut self, grad_out: &Tensor, _flow: GradFlow) -> &Tensor {
        self.grad_input.assign(grad_out);
        if self.input_shape.rank() > 2 {
            let dims = self.input_shape.with_rows(grad_out.rows());
            self.grad_input
                .reshape(dims.dims())
                .expect("same number of values");
        }
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Flatten(self.config.clone())
    }
}
