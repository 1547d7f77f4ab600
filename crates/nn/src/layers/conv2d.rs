//! [`Conv2D`]: 2-D convolution over NHWC images, `y = activation(conv(x, W) + b)`.

use gradus_tensor::ops::{self, Conv2dGeometry, Conv2dGrads, OutputGrad, Padding, Window2d};
use gradus_tensor::{Activation, Rng, Shape, Tensor};
use serde::{Deserialize, Serialize};

use super::int_pair;
use crate::layer::{GradFlow, Layer, Mode};
use crate::layers::dims_text;
use crate::{CountArg, Error, Initializer, LayerConfig, Param, Regularizer, Result};

/// Configuration of a [`Conv2D`] layer; the defaults are Keras's (Keras has no default for
/// `filters` and `kernel_size`; here they are 1 and 3×3).
///
/// `kernel_size`, `strides` and `dilation_rate` are written as one number for both axes
/// (`kernel_size = 3`) or as `[height, width]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Conv2DConfig {
    /// Layer name (default: `conv2d`, `conv2d_1`, … in order of addition).
    pub name: Option<String>,
    /// Number of output channels.
    pub filters: usize,
    /// Window height and width.
    #[serde(with = "int_pair")]
    pub kernel_size: [usize; 2],
    /// Step between window positions (default 1×1).
    #[serde(with = "int_pair")]
    pub strides: [usize; 2],
    /// Border handling (default valid).
    pub padding: Padding,
    /// Step between the window's taps (default 1×1); above 1 only with strides of 1, as in
    /// Keras.
    #[serde(with = "int_pair")]
    pub dilation_rate: [usize; 2],
    /// Activation applied to `conv(x, W) + b` (default linear).
    pub activation: Activation,
    /// Whether to add a bias per filter (default true).
    pub use_bias: bool,
    /// Kernel initializer (default glorot_uniform, with `fan_in = kh·kw·c_in` and
    /// `fan_out = kh·kw·filters`).
    pub kernel_initializer: Initializer,
    /// Bias initializer (default zeros).
    pub bias_initializer: Initializer,
    /// Penalty on the kernel.
    pub kernel_regularizer: Option<Regularizer>,
    /// Penalty on the bias.
    pub bias_regularizer: Option<Regularizer>,
}

impl Default for Conv2DConfig {
    fn default() -> Conv2DConfig {
        Conv2DConfig {
            name: None,
            filters: 1,
            kernel_size: [3, 3],
            strides: [1, 1],
            padding: Padding::Valid,
            dilation_rate: [1, 1],
            activation: Activation::Linear,
            use_bias: true,
            kernel_initializer: Initializer::GlorotUniform,
            bias_initializer: Initializer::Zeros,
            kernel_regularizer: None,
            bias_regularizer: None,
        }
    }
}

/// 2-D convolution over channels-last images, as Keras `Conv2D`.
///
/// Shapes: input `[n, h, w, c_in]`, kernel `W: [kh, kw, c_in, filters]`, bias
/// `b: [filters]`, output `[n, oh, ow, filters]` with `oh, ow` from the
/// [`Window2d`] of `kernel_size`, `strides`, `dilation_rate` and `padding` (`valid`:
/// `⌊(h − (kh − 1)·d − 1)/s⌋ + 1`; `same`: `⌈h/s⌉`, padded with zeros, the odd pixel of
/// padding at the bottom / right as in Keras).
///
/// - forward: `z[n, p, f] = Σ_{i, j, c} x[n, src(p, i, j), c] · W[i, j, c, f] + b[f]`,
///   `y = act(z)` — im2col + one GEMM per chunk of images, bias and activation applied
///   to each chunk while it is in cache ([`ops::conv2d`]);
/// - backward: `δ = ∂L/∂y ⊙ act'(z)`, `∂L/∂W = colᵀ·δ`, `∂L/∂b = Σ_{n, p} δ`,
///   `∂L/∂x = col2im(δ·Wᵀ)`, chunk by chunk likewise ([`ops::conv2d_backward`]).
///
/// Softmax applies over the last axis (the filters), as in Keras.
///
/// ```
/// use gradus_nn::{Conv2D, GradFlow, Initializer, Layer, Mode};
/// use gradus_tensor::{Rng, Tensor};
/// // One 3×3 grey image, a 2×2 kernel of ones: each output sums a 2×2 block.
/// let mut conv = Conv2D::new(1, [2, 2]).kernel_initializer(Initializer::Ones);
/// assert_eq!(conv.build(&[3, 3, 1], &mut Rng::new(0)).unwrap(), vec![2, 2, 1]);
/// let x = Tensor::from_vec((1..=9).map(|v| v as f32).collect(), &[1, 3, 3, 1]).unwrap();
/// assert_eq!(conv.forward(&x, Mode::Infer).data(), &[12.0, 16.0, 24.0, 28.0]);
/// let g = Tensor::from_vec(vec![1.0, 0.0, 0.0, 0.0], &[1, 2, 2, 1]).unwrap();
/// let dx = conv.backward(&g, GradFlow::FULL);
/// assert_eq!(dx.data(), &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
/// assert_eq!(conv.params()[0].grad.data(), &[1.0, 2.0, 4.0, 5.0]);
/// ```
#[derive(Debug)]
pub struct Conv2D {
    config: Conv2DConfig,
    params: Vec<Param>,
    geometry: Option<Conv2dGeometry>,
    /// Copy of the last input (for ∂L/∂W).
    input: Tensor,
    /// Pre-activation `conv + b` (also the output when the activation is linear).
    z: Tensor,
    /// Output `act(z)` when the activation is not linear.
    y: Tensor,
    /// ∂L/∂z when the activation's derivative is applied here.
    delta: Tensor,
    grad_input: Tensor,
    /// Per-chunk kernel gradients (see [`ops::conv2d_backward`]).
    partials: Vec<f32>,
    /// A `filters` given to [`Conv2D::new`] that is not a count: reported by `build`.
    invalid_filters: Option<String>,
}

impl Conv2D {
    /// An unbuilt layer with `filters` output channels, a `kernel_size` window and Keras's
    /// other defaults. `filters` is any integer (a tuning trial suggests `i64`); a value
    /// below 1 is reported by `build`, as `invalid Conv2D.filters = -1: at least 1 filter`.
    pub fn new(filters: impl CountArg, kernel_size: [usize; 2]) -> Conv2D {
        let count = filters.to_count();
        let mut conv = Conv2D::from_config(Conv2DConfig {
            filters: count.unwrap_or(0),
            kernel_size,
            ..Conv2DConfig::default()
        });
        if count.is_none() {
            conv.invalid_filters = Some(filters.to_string());
        }
        conv
    }

    /// An unbuilt layer from its configuration.
    pub fn from_config(config: Conv2DConfig) -> Conv2D {
        let empty = || Tensor::zeros(&[0, 0]);
        Conv2D {
            config,
            params: Vec::new(),
            geometry: None,
            input: empty(),
            z: empty(),
            y: empty(),
            delta: empty(),
            grad_input: empty(),
            partials: Vec::new(),
            invalid_filters: None,
        }
    }

    /// Sets the strides.
    pub fn strides(mut self, strides: [usize; 2]) -> Conv2D {
        self.config.strides = strides;
        self
    }

    /// Sets the padding.
    pub fn padding(mut self, padding: Padding) -> Conv2D {
        self.config.padding = padding;
        self
    }

    /// Sets the dilation rate.
    pub fn dilation_rate(mut self, dilation: [usize; 2]) -> Conv2D {
        self.config.dilation_rate = dilation;
        self
    }

    /// Sets the activation.
    pub fn activation(mut self, activation: Activation) -> Conv2D {
        self.config.activation = activation;
        self
    }

    /// Sets whether a bias is added.
    pub fn use_bias(mut self, use_bias: bool) -> Conv2D {
        self.config.use_bias = use_bias;
        self
    }

    /// Sets the kernel initializer.
    pub fn kernel_initializer(mut self, init: Initializer) -> Conv2D {
        self.config.kernel_initializer = init;
        self
    }

    /// Sets the bias initializer.
    pub fn bias_initializer(mut self, init: Initializer) -> Conv2D {
        self.config.bias_initializer = init;
        self
    }

    /// Sets the kernel regularizer.
    pub fn kernel_regularizer(mut self, r: Regularizer) -> Conv2D {
        self.config.kernel_regularizer = Some(r);
        self
    }

    /// Sets the bias regularizer.
    pub fn bias_regularizer(mut self, r: Regularizer) -> Conv2D {
        self.config.bias_regularizer = Some(r);
        self
    }

    /// Sets the layer name.
    pub fn name(mut self, name: impl Into<String>) -> Conv2D {
        self.config.name = Some(name.into());
        self
    }

    fn output(&self) -> &Tensor {
        if self.config.activation.is_linear() {
            &self.z
        } else {
            &self.y
        }
    }

    /// Checks the sizes and returns the geometry for `input` (`[h, w, c]`).
    fn geometry_for(&self, input: &[usize]) -> Result<Conv2dGeometry> {
        let c = &self.config;
        if let Some(filters) = &self.invalid_filters {
            return Err(Error::config(
                "Conv2D.filters",
                filters,
                "at least 1 filter",
            ));
        }
        if c.filters == 0 {
            return Err(Error::config("Conv2D.filters", 0, "at least 1 filter"));
        }
        for (field, v) in [
            ("kernel_size", c.kernel_size),
            ("strides", c.strides),
            ("dilation_rate", c.dilation_rate),
        ] {
            if v.contains(&0) {
                return Err(Error::config(
                    format!("Conv2D.{field}"),
                    format!("{v:?}"),
                    "at least 1 on each axis",
                ));
            }
        }
        if c.strides != [1, 1] && c.dilation_rate != [1, 1] {
            return Err(Error::config(
                "Conv2D.dilation_rate",
                format!("{:?}", c.dilation_rate),
                format!(
                    "[1, 1] with strides {:?} (Keras allows strides > 1 or dilation > 1, \
                     not both)",
                    c.strides
                ),
            ));
        }
        let window = image_window(
            "Conv2D",
            input,
            c.kernel_size,
            c.strides,
            c.dilation_rate,
            c.padding,
        )?;
        Ok(Conv2dGeometry::new(window, input[2], c.filters)?)
    }
}

/// The window of a layer called `layer` over samples of shape `input`, which must be
/// `[h, w, c]`; errors name the layer and say what to change.
pub(crate) fn image_window(
    layer: &str,
    input: &[usize],
    kernel: [usize; 2],
    strides: [usize; 2],
    dilation: [usize; 2],
    padding: Padding,
) -> Result<Window2d> {
    let &[h, w, _] = input else {
        let hint = match input.len() {
            1 => {
                "; a 2-D input ([batch, features], e.g. after Dense or Flatten) has no image \
                  axes: reshape the data to [n, height, width, channels] and put image layers \
                  before Flatten"
            }
            2 => "; add a channels axis: reshape the data to [n, height, width, 1]",
            _ => "",
        };
        return Err(Error::Shape {
            context: layer.into(),
            expected: "input of shape [batch, height, width, channels]".into(),
            got: format!("[batch, {}]", dims_text(input)),
            hint: hint.into(),
        });
    };
    let extent = |a: usize| {
        (kernel[a] - 1)
            .saturating_mul(dilation[a])
            .saturating_add(1)
    };
    if padding == Padding::Valid && (extent(0) > h || extent(1) > w) {
        return Err(Error::Shape {
            context: layer.into(),
            expected: format!(
                "an image of at least {}×{} pixels (the {} window{} with padding valid)",
                extent(0),
                extent(1),
                int_pair::text(kernel),
                if dilation == [1, 1] { "" } else { ", dilated" },
            ),
            got: format!("[batch, {}]", dims_text(input)),
            hint: "; use padding \"same\" or a smaller window".into(),
        });
    }
    Ok(Window2d::new([h, w], kernel, strides, dilation, padding)?)
}

impl Layer for Conv2D {
    fn build(&mut self, input: &[usize], rng: &mut Rng) -> Result<Vec<usize>> {
        let c = &self.config;
        for (field, r) in [
            ("kernel_regularizer", c.kernel_regularizer),
            ("bias_regularizer", c.bias_regularizer),
        ] {
            if let Some(r) = r {
                r.validate(&format!("Conv2D.{field}"))?;
            }
        }
        let geometry = self.geometry_for(input)?;
        c.kernel_initializer.validate("Conv2D.kernel_initializer")?;
        c.bias_initializer.validate("Conv2D.bias_initializer")?;
        let [kh, kw] = c.kernel_size;
        let kernel = c
            .kernel_initializer
            .init(&[kh, kw, input[2], c.filters], rng)?;
        let mut params = vec![Param::trainable("kernel", kernel, c.kernel_regularizer)];
        if c.use_bias {
            let bias = c.bias_initializer.init(&[c.filters], rng)?;
            params.push(Param::trainable("bias", bias, c.bias_regularizer));
        }
        self.params = params;
        self.geometry = Some(geometry);
        let [oh, ow] = geometry.window().output();
        Ok(vec![oh, ow, c.filters])
    }

    fn forward<'a>(&'a mut self, x: &'a Tensor, _mode: Mode) -> &'a Tensor {
        let g = self.geometry.expect("built");
        let [oh, ow] = g.window().output();
        let out = Shape::new(&[x.rows(), oh, ow, g.filters()]).expect("checked at build");
        let act = self.config.activation;
        self.input.assign(x);
        self.z.resize(out);
        let y = if act.is_linear() {
            None
        } else {
            self.y.resize(out);
            Some(self.y.data_mut())
        };
        let bias = self.params.get(1).map(|b| b.value.data());
        let kernel = self.params[0].value.data();
        ops::conv2d(x.data(), kernel, bias, act, &g, self.z.data_mut(), y);
        self.output()
    }

    fn backward(&mut self, grad_out: &Tensor, flow: GradFlow) -> &Tensor {
        let g = self.geometry.expect("built");
        let act = self.config.activation;
        let out_grad = if act.is_linear() || flow.fused_activation {
            OutputGrad::Linear(grad_out.data())
        } else {
            self.delta.resize(*grad_out.shape());
            OutputGrad::Activated {
                dy: grad_out.data(),
                activation: act,
                z: self.z.data(),
                y: self.y.data(),
                delta: self.delta.data_mut(),
            }
        };
        let (kernel, rest) = self.params.split_first_mut().expect("built");
        let input = if flow.input_grad {
            self.grad_input.resize(*self.input.shape());
            Some(self.grad_input.data_mut())
        } else {
            None
        };
        let grads = Conv2dGrads {
            kernel: kernel.grad.data_mut(),
            bias: rest.first_mut().map(|b| b.grad.data_mut()),
            input,
        };
        ops::conv2d_backward(
            self.input.data(),
            kernel.value.data(),
            out_grad,
            &g,
            grads,
            &mut self.partials,
        );
        &self.grad_input
    }

    fn config(&self) -> LayerConfig {
        LayerConfig::Conv2D(self.config.clone())
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }

    fn output_activation(&self) -> Activation {
        self.config.activation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_configurations_and_inputs_name_the_value() {
        let build = |c: Conv2D, input: &[usize]| {
            let mut c = c;
            c.build(input, &mut Rng::new(0)).unwrap_err().to_string()
        };
        assert_eq!(
            build(Conv2D::new(0, [3, 3]), &[8, 8, 1]),
            "invalid Conv2D.filters = 0: at least 1 filter"
        );
        assert_eq!(
            build(Conv2D::new(4, [3, 0]), &[8, 8, 1]),
            "invalid Conv2D.kernel_size = [3, 0]: at least 1 on each axis"
        );
        assert_eq!(
            build(Conv2D::new(4, [3, 3]).strides([0, 1]), &[8, 8, 1]),
            "invalid Conv2D.strides = [0, 1]: at least 1 on each axis"
        );
        assert!(
            build(
                Conv2D::new(4, [3, 3]).strides([2, 2]).dilation_rate([2, 2]),
                &[8, 8, 1]
            )
            .starts_with("invalid Conv2D.dilation_rate = [2, 2]: [1, 1] with strides [2, 2]")
        );
        assert_eq!(
            build(Conv2D::new(4, [5, 5]), &[3, 4, 1]),
            "shape mismatch in Conv2D: expected an image of at least 5×5 pixels (the 5×5 \
             window with padding valid), got [batch, 3, 4, 1]; use padding \"same\" or a \
             smaller window"
        );
        assert!(build(Conv2D::new(4, [3, 3]), &[784]).starts_with(
            "shape mismatch in Conv2D: expected input of shape [batch, height, width, \
                 channels], got [batch, 784]; a 2-D input ([batch, features], e.g. after \
                 Dense or Flatten) has no image axes: reshape the data to [n, height, width, \
                 channels]"
        ));
        assert!(
            build(Conv2D::new(4, [3, 3]), &[28, 28])
                .ends_with("add a channels axis: reshape the data to [n, height, width, 1]")
        );
        // Same padding takes a window larger than the image.
        let mut c = Conv2D::new(2, [5, 5]).padding(Padding::Same);
        assert_eq!(
            c.build(&[3, 4, 1], &mut Rng::new(0)).unwrap(),
            vec![3, 4, 2]
        );
    }

    #[test]
    fn config_reads_ints_or_pairs() {
        let c: Conv2DConfig =
            serde_json::from_str(r#"{"filters": 8, "kernel_size": 5, "strides": [2, 1]}"#).unwrap();
        assert_eq!(
            (c.kernel_size, c.strides, c.dilation_rate),
            ([5, 5], [2, 1], [1, 1])
        );
        let text = serde_json::to_string(&c).unwrap();
        assert!(text.contains(r#""kernel_size":[5,5]"#), "{text}");
        assert_eq!(serde_json::from_str::<Conv2DConfig>(&text).unwrap(), c);
    }
}
