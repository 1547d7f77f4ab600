//! [`Sequential`]: a stack of layers with Keras's `compile` / `fit` / `evaluate` /
//! `predict`.

use gradus_tensor::{Activation, Rng, Tensor};

use crate::layers::dims_text;
use crate::{
    Error, Layer, LayerConfig, LossConfig, Metric, Mode, Optimizer, OptimizerConfig, Result,
    Weights,
};

/// Rows per forward pass in `predict` and `evaluate`.
pub(crate) const INFERENCE_BATCH: usize = 256;

/// What `compile` chose.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) optimizer: Optimizer,
    pub(crate) loss: LossConfig,
    pub(crate) metrics: Vec<Metric>,
}

/// Shapes fixed by `build`.
#[derive(Debug, Clone)]
pub(crate) struct Built {
    pub(crate) input: Vec<usize>,
    pub(crate) outputs: Vec<Vec<usize>>,
    pub(crate) seed: u64,
}

/// A linear stack of layers, as Keras's `Sequential`.
///
/// 1. [`add`](Sequential::add) layers;
/// 2. [`compile`](Sequential::compile) with an optimizer, a loss and metrics;
/// 3. [`fit`](Sequential::fit) — which builds the weights for `x`'s shape with
///    [`FitConfig::seed`](crate::FitConfig::seed) unless [`build`](Sequential::build) was
///    called — then [`evaluate`](Sequential::evaluate) and [`predict`](Sequential::predict).
///
/// ```
/// use gradus_nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, Verbosity};
/// use gradus_tensor::{Activation, Tensor};
/// // Learn y = 2x − 1.
/// let x = Tensor::column(&[-1.0, 0.0, 1.0, 2.0, 3.0, 4.0]);
/// let y = Tensor::column(&[-3.0, -1.0, 1.0, 3.0, 5.0, 7.0]);
/// let mut model = Sequential::new();
/// model.add(Dense::new(1));
/// model.compile(OptimizerConfig::sgd(0.05), LossConfig::mse(), &[]).unwrap();
/// let cfg = FitConfig::new().epochs(300).batch_size(6).verbose(Verbosity::Silent);
/// let history = model.fit(&x, &y, cfg).unwrap();
/// assert!(history.last("loss").unwrap() < 1e-4);
/// let p = model.predict(&Tensor::column(&[10.0])).unwrap();
/// assert!((p.data()[0] - 19.0).abs() < 0.05);
/// ```
pub struct Sequential {
    pub(crate) layers: Vec<Box<dyn Layer>>,
    pub(crate) names: Vec<String>,
    pub(crate) built: Option<Built>,
    pub(crate) compiled: Option<Compiled>,
    pub(crate) work: Workspace,
}

/// Buffers reused by every training step.
#[derive(Debug)]
pub(crate) struct Workspace {
    /// ∂loss/∂output of the batch.
    pub(crate) grad: Tensor,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace {
            grad: Tensor::zeros(&[0]),
        }
    }
}

impl Default for Sequential {
    fn default() -> Sequential {
        Sequential::new()
    }
}

impl std::fmt::Debug for Sequential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sequential")
            .field("layers", &self.names)
            .field("built", &self.built)
            .finish()
    }
}

impl Sequential {
    /// An empty model.
    pub fn new() -> Sequential {
        Sequential {
            layers: Vec::new(),
            names: Vec::new(),
            built: None,
            compiled: None,
            work: Workspace::default(),
        }
    }

    /// A model from layer configurations (e.g. a saved architecture or a spec).
    pub fn from_configs(configs: impl IntoIterator<Item = LayerConfig>) -> Sequential {
        let mut m = Sequential::new();
        for c in configs {
            m.add_boxed(c.into_layer());
        }
        m
    }

    /// Appends a layer. It is named after its configuration's `name`, or its type with a
    /// counter (`dense`, `dense_1`, …) as Keras does. Adding to a built model un-builds it:
    /// the next `build` or `fit` creates new weights.
    pub fn add(&mut self, layer: impl Layer + 'static) -> &mut Sequential {
        self.add_boxed(Box::new(layer))
    }

    /// Appends a boxed layer (see [`Sequential::add`]).
    pub fn add_boxed(&mut self, layer: Box<dyn Layer>) -> &mut Sequential {
        let config = layer.config();
        let name = match config.name() {
            Some(n) => n.to_string(),
            None => {
                // Keras's scheme (`dense`, `dense_1`, …), skipping names already taken.
                let stem = config.name_stem();
                (0..)
                    .map(|i| {
                        if i == 0 {
                            stem.to_string()
                        } else {
                            format!("{stem}_{i}")
                        }
                    })
                    .find(|n| !self.names.contains(n))
                    .expect("an unused name exists")
            }
        };
        self.layers.push(layer);
        self.names.push(name);
        self.built = None;
        self
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Layer>] {
        &self.layers
    }

    /// The layer names, in order.
    pub fn layer_names(&self) -> &[String] {
        &self.names
    }

    /// The layer configurations, with their resolved names.
    pub fn layer_configs(&self) -> Vec<LayerConfig> {
        self.layers
            .iter()
            .zip(&self.names)
            .map(|(l, n)| l.config().with_name(n.clone()))
            .collect()
    }

    /// Creates every layer's weights for samples of shape `input` (without the batch
    /// dimension), drawing layer `i`'s initial values from stream `i` of `seed`.
    ///
    /// # Errors
    /// A layer that cannot take its input shape (naming the layer), or an invalid layer
    /// configuration.
    pub fn build(&mut self, input: &[usize], seed: u64) -> Result<()> {
        if self.layers.is_empty() {
            return Err(Error::NotBuilt(
                "the model has no layers; add some first".into(),
            ));
        }
        for (i, name) in self.names.iter().enumerate() {
            if self.names[..i].contains(name) {
                return Err(Error::config(
                    "layer name",
                    name,
                    "a name used by one layer only (weights are saved by layer name)",
                ));
            }
        }
        if input.is_empty() || input.len() > 3 || input.contains(&0) {
            return Err(Error::Shape {
                context: "model input".into(),
                expected: "1 to 3 non-zero dimensions per sample".into(),
                got: format!("[{}]", dims_text(input)),
                hint: String::new(),
            });
        }
        Tensor::check_alloc(&[&[1], input].concat()).map_err(|e| Error::Shape {
            context: "model input".into(),
            expected: "a sample shape whose size fits in memory".into(),
            got: format!("[{}]", dims_text(input)),
            hint: format!(" ({e})"),
        })?;
        let mut shape = input.to_vec();
        let mut outputs = Vec::with_capacity(self.layers.len());
        for (i, (layer, name)) in self.layers.iter_mut().zip(&self.names).enumerate() {
            let mut rng = Rng::with_stream(seed, i as u64);
            shape = layer.build(&shape, &mut rng).map_err(|e| Error::Layer {
                layer: name.clone(),
                source: Box::new(e),
            })?;
            outputs.push(shape.clone());
        }
        self.built = Some(Built {
            input: input.to_vec(),
            outputs,
            seed,
        });
        Ok(())
    }

    /// Whether the weights exist.
    pub fn is_built(&self) -> bool {
        self.built.is_some()
    }

    /// The sample shape the model was built for.
    pub fn input_shape(&self) -> Option<&[usize]> {
        self.built.as_ref().map(|b| b.input.as_slice())
    }

    /// The shape of one output row.
    pub fn output_shape(&self) -> Option<&[usize]> {
        self.built
            .as_ref()
            .and_then(|b| b.outputs.last())
            .map(Vec::as_slice)
    }

    /// Chooses the optimizer, the loss and the metrics (Keras's `compile`). Compiling again
    /// starts a fresh optimizer state.
    ///
    /// # Errors
    /// An invalid optimizer or loss parameter.
    pub fn compile(
        &mut self,
        optimizer: impl Into<OptimizerConfig>,
        loss: LossConfig,
        metrics: &[Metric],
    ) -> Result<()> {
        loss.validate()?;
        let optimizer = optimizer.into().build()?;
        self.compiled = Some(Compiled {
            optimizer,
            loss,
            metrics: metrics.to_vec(),
        });
        Ok(())
    }

    /// The loss chosen by `compile`.
    pub fn loss(&self) -> Option<LossConfig> {
        self.compiled.as_ref().map(|c| c.loss)
    }

    /// The metrics chosen by `compile`.
    pub fn metrics(&self) -> &[Metric] {
        self.compiled.as_ref().map_or(&[], |c| c.metrics.as_slice())
    }

    /// The optimizer, once compiled.
    pub fn optimizer(&self) -> Option<&Optimizer> {
        self.compiled.as_ref().map(|c| &c.optimizer)
    }

    /// The learning rate of the next update, once compiled.
    pub fn learning_rate(&self) -> Option<f32> {
        self.optimizer().map(Optimizer::current_learning_rate)
    }

    /// The activation the last layer ends with (what a cross-entropy loss may fuse).
    pub(crate) fn head_activation(&self) -> Activation {
        self.layers
            .last()
            .map_or(Activation::Linear, |l| l.output_activation())
    }

    /// A copy of every parameter (Keras's `get_weights()`).
    pub fn get_weights(&self) -> Weights {
        Weights(
            self.layers
                .iter()
                .flat_map(|l| l.params().iter().map(|p| p.value.clone()))
                .collect(),
        )
    }

    /// Copies every parameter's value into `out`, reusing its tensors when they have the
    /// model's shapes (no allocation then).
    pub(crate) fn copy_weights_into(&self, out: &mut Weights) {
        let params = self.layers.iter().flat_map(|l| l.params());
        out.0
            .resize_with(params.clone().count(), || Tensor::zeros(&[0]));
        for (o, p) in out.0.iter_mut().zip(params) {
            o.assign(&p.value);
        }
    }

    /// Replaces every parameter's value. Nothing changes unless every tensor fits.
    ///
    /// # Errors
    /// When the number or the shapes of the tensors differ from the model's, or a value is
    /// NaN or infinite (naming the parameter and the index).
    pub fn set_weights(&mut self, weights: &Weights) -> Result<()> {
        let total = weights.len();
        let mut params = self
            .layers
            .iter()
            .zip(&self.names)
            .flat_map(|(l, name)| l.params().iter().map(move |p| (name, p)));
        for (i, w) in weights.0.iter().enumerate() {
            let Some((name, p)) = params.next() else {
                return Err(Error::shape(
                    "set_weights",
                    format!("{i} tensors (one per parameter)"),
                    format!("{total} tensors"),
                ));
            };
            if w.dims() != p.value.dims() {
                return Err(Error::shape(
                    format!("set_weights for {name}.{}", p.name),
                    format!("{:?}", p.value.dims()),
                    format!("{:?} (tensor {i})", w.dims()),
                ));
            }
            check_finite_weights(w, &format!("{name}.{}", p.name))?;
        }
        let expected = weights.len() + params.count();
        if expected != total {
            return Err(Error::shape(
                "set_weights",
                format!("{expected} tensors (one per parameter)"),
                format!("{total} tensors"),
            ));
        }
        let values = self
            .layers
            .iter_mut()
            .flat_map(|l| l.params_mut().iter_mut());
        for (p, w) in values.zip(&weights.0) {
            p.value.assign(w);
        }
        Ok(())
    }

    /// `(trainable, non-trainable)` parameter counts.
    pub fn count_params(&self) -> (usize, usize) {
        let mut counts = (0, 0);
        for p in self.layers.iter().flat_map(|l| l.params()) {
            if p.trainable {
                counts.0 += p.value.len();
            } else {
                counts.1 += p.value.len();
            }
        }
        counts
    }

    /// Checks that batches of `rows` rows fit through the model: every layer's output for
    /// them is a tensor of at most [`Tensor::MAX_ALLOC`] values.
    pub(crate) fn check_batch_fits(&self, rows: usize) -> Result<()> {
        let built = self.built.as_ref().expect("built");
        let sizes = std::iter::once(("input", &built.input))
            .chain(self.names.iter().map(String::as_str).zip(&built.outputs));
        for (name, sample) in sizes {
            Tensor::check_alloc(&[&[rows], sample.as_slice()].concat()).map_err(|e| {
                Error::Layer {
                    layer: name.into(),
                    source: Box::new(Error::Tensor(e)),
                }
            })?;
        }
        Ok(())
    }

    /// Checks that `x` holds samples of the model's input shape with finite values; builds
    /// the model for that shape with `seed` if it is not built.
    pub(crate) fn prepare_input(&mut self, x: &Tensor, what: &str, seed: u64) -> Result<()> {
        check_finite(x, what)?;
        let sample = &x.dims()[1..];
        match &self.built {
            None => self.build(sample, seed),
            Some(b) if b.input != sample => Err(Error::Shape {
                context: what.into(),
                expected: format!("[n, {}] (the model's input)", dims_text(&b.input)),
                got: format!("{:?}", x.dims()),
                hint: String::new(),
            }),
            Some(_) => Ok(()),
        }
    }
}

/// Runs every layer forward.
pub(crate) fn forward<'a>(
    layers: &'a mut [Box<dyn Layer>],
    x: &'a Tensor,
    mode: Mode,
) -> &'a Tensor {
    let mut out = x;
    for layer in layers.iter_mut() {
        out = layer.forward(out, mode);
    }
    out
}

/// Error for a parameter value that is NaN or infinite.
pub(crate) fn check_finite_weights(w: &Tensor, param: &str) -> Result<()> {
    match w.first_non_finite() {
        None => Ok(()),
        Some(i) => Err(Error::config(
            format!("weights of {param}"),
            format!("{} at index {i}", w.data()[i]),
            "finite values (a NaN or infinite weight makes every prediction NaN)",
        )),
    }
}

/// Errors for empty or non-finite data.
pub(crate) fn check_finite(t: &Tensor, what: &str) -> Result<()> {
    if t.rows() == 0 || t.row_len() == 0 {
        return Err(Error::shape(
            what,
            "at least one row and one column",
            format!("{:?}", t.dims()),
        ));
    }
    if let Some(i) = t.first_non_finite() {
        return Err(Error::NonFinite {
            what: what.into(),
            row: i / t.row_len(),
            column: i % t.row_len(),
            value: t.data()[i],
        });
    }
    Ok(())
}
