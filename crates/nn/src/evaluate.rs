//! Inference over tensors or a [`BatchSource`]: `evaluate`, `evaluate_source`, `predict`,
//! `predict_source`, and the per-batch checks that sources get.

use gradus_tensor::{BatchSource, Tensor, TensorSource};

use crate::callbacks::Logs;
use crate::feed::{Feed, FeedPlan, Order};
use crate::fit::{BatchCheck, no_check};
use crate::layers::dims_text;
use crate::sequential::{INFERENCE_BATCH, check_finite, forward};
use crate::{Error, LossConfig, MetricTracker, Mode, Result, Sequential};

impl Sequential {
    /// Loss (with regularization penalties) and metrics of the model on `(x, y)` in
    /// inference mode (Keras's `evaluate`), keyed `loss`, `mse`, ….
    ///
    /// # Errors
    /// An uncompiled or unbuilt model, or data that does not fit it.
    pub fn evaluate(&mut self, x: &Tensor, y: &Tensor) -> Result<Logs> {
        let loss = self.compiled_loss("evaluate")?;
        let seed = self.built_seed("evaluate")?;
        if x.rows() != y.rows() {
            return Err(Error::shape(
                "y",
                format!("{} rows, as x", x.rows()),
                format!("{} rows", y.rows()),
            ));
        }
        self.prepare_input(x, "x", seed)?;
        check_finite(y, "y")?;
        loss.check_target(self.outputs(), y, "y")?;
        let source = TensorSource::new(x, Some(y), INFERENCE_BATCH)?;
        self.evaluate_all(&source, &no_check)
    }

    /// Loss and metrics over one pass of `source` in inference mode (Keras's `evaluate` on a
    /// `PyDataset`), batches filled ahead as in [`Sequential::fit_source`].
    ///
    /// # Errors
    /// An uncompiled or unbuilt model, a source whose samples or targets do not fit it, or
    /// [`Error::Source`] for a batch the source fails to fill or fills wrongly.
    pub fn evaluate_source(&mut self, source: &dyn BatchSource) -> Result<Logs> {
        let loss = self.compiled_loss("evaluate_source")?;
        let seed = self.built_seed("evaluate_source")?;
        self.prepare_source(source, "source", Some(loss), seed)?;
        let check = self.batch_check(Some(loss));
        self.evaluate_all(source, &check)
    }

    /// The model's output for `x` in inference mode (dropout off, batch normalisation on its
    /// moving statistics), computed in batches.
    ///
    /// # Errors
    /// An unbuilt model, or `x` with the wrong shape or non-finite values.
    pub fn predict(&mut self, x: &Tensor) -> Result<Tensor> {
        let seed = self.built_seed("predict")?;
        self.prepare_input(x, "x", seed)?;
        let source = TensorSource::new(x, None, INFERENCE_BATCH)?;
        self.predict_all(&source, &no_check)
    }

    /// The model's output for every sample of `source`, row `i` for sample `i` (whatever
    /// order the source shuffles into for training), in inference mode. Targets, if the
    /// source has them, are ignored.
    ///
    /// # Errors
    /// An unbuilt model, samples that do not fit it, or [`Error::Source`].
    pub fn predict_source(&mut self, source: &dyn BatchSource) -> Result<Tensor> {
        let seed = self.built_seed("predict_source")?;
        self.prepare_source(source, "source", None, seed)?;
        let check = self.batch_check(None);
        self.predict_all(source, &check)
    }

    fn evaluate_all(&mut self, source: &dyn BatchSource, check: BatchCheck<'_>) -> Result<Logs> {
        let mut trackers = self.trackers();
        let plan = FeedPlan {
            source,
            steps: 0..source.batches(),
            order: Order::Samples,
            check,
        };
        self.in_pool(|model| model.evaluate_plan(plan, &mut trackers))
    }

    fn predict_all(&mut self, source: &dyn BatchSource, check: BatchCheck<'_>) -> Result<Tensor> {
        let mut dims = vec![source.len()];
        dims.extend(self.output_shape().expect("built"));
        let mut out = Tensor::try_zeros(&dims)?;
        let width = out.row_len();
        let plan = FeedPlan {
            source,
            steps: 0..source.batches(),
            order: Order::Samples,
            check,
        };
        self.in_pool(|model| {
            std::thread::scope(|scope| {
                let mut feed = Feed::start(scope, plan);
                let mut start = 0;
                while let Some(batch) = feed.next_batch() {
                    let (x, _) = batch?;
                    let y = forward(&mut model.layers, x, Mode::Infer);
                    let end = start + y.rows();
                    out.data_mut()[start * width..end * width].copy_from_slice(y.data());
                    start = end;
                }
                Ok::<(), Error>(())
            })
        })?;
        Ok(out)
    }

    /// Loss (with penalties) and metrics over the batches of `plan`, in inference mode; the
    /// loss is the mean over samples.
    pub(crate) fn evaluate_plan(
        &mut self,
        plan: FeedPlan<'_>,
        trackers: &mut [MetricTracker],
    ) -> Result<Logs> {
        let head = self.head_activation();
        let Sequential {
            layers, compiled, ..
        } = self;
        let compiled = compiled.as_ref().expect("compiled");
        let built = compiled.loss.build(head);
        trackers.iter_mut().for_each(MetricTracker::reset);
        let weight_penalty: f64 = layers
            .iter()
            .flat_map(|l| l.params())
            .map(|p| p.penalty())
            .sum();
        let (mut loss_sum, mut seen) = (0.0f64, 0usize);
        std::thread::scope(|scope| {
            let mut feed = Feed::start(scope, plan);
            while let Some(batch) = feed.next_batch() {
                let (x, y) = batch?;
                let out = forward(layers, x, Mode::Infer);
                let data_loss = built.loss.compute(out, y, None);
                for t in trackers.iter_mut() {
                    t.update(out, y);
                }
                let activity: f64 = layers.iter().map(|l| l.activity_penalty()).sum();
                loss_sum += (data_loss + weight_penalty + activity) * x.rows() as f64;
                seen += x.rows();
            }
            Ok::<(), Error>(())
        })?;
        let mut logs = Logs::new();
        logs.insert("loss".into(), loss_sum / seen.max(1) as f64);
        for t in trackers.iter() {
            logs.insert(t.metric().name(), t.result());
        }
        Ok(logs)
    }

    /// Fresh trackers for the compiled metrics.
    pub(crate) fn trackers(&self) -> Vec<MetricTracker> {
        let compiled = self.compiled.as_ref().expect("compiled");
        let outputs = self.outputs();
        compiled
            .metrics
            .iter()
            .map(|m| m.tracker(&compiled.loss, outputs))
            .collect()
    }

    /// Values per output row.
    pub(crate) fn outputs(&self) -> usize {
        self.output_shape().expect("built").iter().product()
    }

    /// The seed the model was built with, or the error for calling `what` before `build`.
    fn built_seed(&self, what: &str) -> Result<u64> {
        match &self.built {
            Some(b) => Ok(b.seed),
            None => Err(Error::NotBuilt(format!(
                "call `fit` or `build` before `{what}`"
            ))),
        }
    }

    /// Checks that `source` has samples of the model's input shape (building the model for
    /// them with `seed` if it is not built), batches that fit in memory, and — when `loss`
    /// is given — targets of a shape the loss accepts.
    pub(crate) fn prepare_source(
        &mut self,
        source: &dyn BatchSource,
        what: &str,
        loss: Option<LossConfig>,
        seed: u64,
    ) -> Result<()> {
        if source.is_empty() || source.batch_size() == 0 {
            return Err(Error::shape(
                what,
                "at least one sample and a batch size of at least 1",
                format!(
                    "{} samples in batches of {}",
                    source.len(),
                    source.batch_size()
                ),
            ));
        }
        let sample = source.sample_shape();
        match &self.built {
            None => self.build(&sample, seed)?,
            Some(b) if b.input != sample => {
                return Err(Error::Shape {
                    context: what.into(),
                    expected: format!(
                        "samples of shape [{}] (the model's input)",
                        dims_text(&b.input)
                    ),
                    got: format!("[{}]", dims_text(&sample)),
                    hint: String::new(),
                });
            }
            Some(_) => {}
        }
        self.check_batch_fits(source.batch_size().min(source.len()))?;
        if let Some(loss) = loss {
            let Some(target) = source.target_shape() else {
                return Err(Error::shape(
                    what,
                    "targets (a source for training or evaluation needs them)",
                    "a source without targets",
                ));
            };
            let empty = Tensor::try_zeros(&[&[0], target.as_slice()].concat())?;
            loss.check_target(self.outputs(), &empty, &format!("targets of the {what}"))?;
        }
        Ok(())
    }

    /// The check a source's batches get: input shape and finiteness, and with `loss` the
    /// targets' shape, finiteness and values (class ids in range, probabilities in [0, 1]).
    pub(crate) fn batch_check(
        &self,
        loss: Option<LossConfig>,
    ) -> impl Fn(&Tensor, &Tensor) -> Result<()> + Sync + use<> {
        let input = self.input_shape().expect("built").to_vec();
        let outputs = self.outputs();
        move |x: &Tensor, y: &Tensor| {
            if &x.dims()[1..] != input.as_slice() {
                return Err(Error::Source {
                    what: "filled batch".into(),
                    source: format!(
                        "samples of shape {:?}, but the model's input is {input:?}",
                        &x.dims()[1..]
                    )
                    .into(),
                });
            }
            check_finite(x, "x from the batch source")?;
            if let Some(loss) = loss {
                if y.rows() != x.rows() {
                    return Err(Error::shape(
                        "y from the batch source",
                        format!("{} rows, as x", x.rows()),
                        format!("{} rows", y.rows()),
                    ));
                }
                check_finite(y, "y from the batch source")?;
                loss.check_target(outputs, y, "y from the batch source")?;
            }
            Ok(())
        }
    }
}
