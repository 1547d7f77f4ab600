//! [`FitConfig`] and the training loop: `fit`, `evaluate`, and one training step.

use gradus_tensor::{Rng, Tensor, ops};

use crate::callbacks::{Callback, Control, Logs, ProgressLogger, TrainBegin, Verbosity};
use crate::sequential::{INFERENCE_BATCH, check_finite, forward};
use crate::{
    BatchKey, Divergence, Error, GradFlow, History, Layer, Loss, LossConfig, MetricTracker, Mode,
    Optimizer, Result, Sequential,
};

/// Stream id of epoch 0's shuffle (layers use streams 0, 1, … of the same seed; epoch `e`
/// uses `SHUFFLE_STREAM − e`).
const SHUFFLE_STREAM: u64 = u64::MAX;

/// How `fit` trains, as Keras's `fit` arguments.
///
/// `batch_size` chooses the gradient-descent flavour: a value ≥ the number of training rows
/// is full-batch gradient descent, 1 is stochastic gradient descent, anything between is
/// mini-batch.
///
/// ```
/// use gradus_nn::{EarlyStopping, FitConfig, Verbosity};
/// let cfg = FitConfig::new()
///     .epochs(100)
///     .batch_size(16)
///     .validation_split(0.2)
///     .seed(42)
///     .callback(EarlyStopping::new("val_loss").patience(3))
///     .verbose(Verbosity::Silent);
/// assert_eq!(cfg.batch_size, 16);
/// ```
pub struct FitConfig {
    /// Index of the last epoch (exclusive), as Keras (default 1).
    pub epochs: usize,
    /// Rows per gradient step (default 32).
    pub batch_size: usize,
    /// Shuffle the training rows before each epoch (default true). Epoch `e`'s order is a
    /// function of `(seed, e)`, so resuming with `initial_epoch` repeats it exactly.
    pub shuffle: bool,
    /// Seed of the shuffling and, when `fit` builds the model, of the initial weights and
    /// dropout masks (default 0).
    pub seed: u64,
    /// Fraction of rows held out for validation, taken from the **end** of `x` and `y`
    /// before any shuffling, as Keras (default 0).
    pub validation_split: f32,
    /// Validation data; takes precedence over `validation_split`.
    pub validation_data: Option<(Tensor, Tensor)>,
    /// Callbacks, run in order after the progress logger.
    pub callbacks: Vec<Box<dyn Callback>>,
    /// How much to print (default: a progress bar).
    pub verbose: Verbosity,
    /// Epoch to start at, when resuming (default 0).
    pub initial_epoch: usize,
}

impl Default for FitConfig {
    fn default() -> FitConfig {
        FitConfig {
            epochs: 1,
            batch_size: 32,
            shuffle: true,
            seed: 0,
            validation_split: 0.0,
            validation_data: None,
            callbacks: Vec::new(),
            verbose: Verbosity::ProgressBar,
            initial_epoch: 0,
        }
    }
}

impl FitConfig {
    /// Keras's defaults.
    pub fn new() -> FitConfig {
        FitConfig::default()
    }

    /// Sets the number of epochs.
    pub fn epochs(mut self, epochs: usize) -> FitConfig {
        self.epochs = epochs;
        self
    }

    /// Sets the batch size.
    pub fn batch_size(mut self, batch_size: usize) -> FitConfig {
        self.batch_size = batch_size;
        self
    }

    /// Sets shuffling.
    pub fn shuffle(mut self, shuffle: bool) -> FitConfig {
        self.shuffle = shuffle;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> FitConfig {
        self.seed = seed;
        self
    }

    /// Holds out the last `fraction` of the rows for validation.
    pub fn validation_split(mut self, fraction: f32) -> FitConfig {
        self.validation_split = fraction;
        self
    }

    /// Validates on `(x, y)` after each epoch.
    pub fn validation_data(mut self, x: Tensor, y: Tensor) -> FitConfig {
        self.validation_data = Some((x, y));
        self
    }

    /// Adds a callback.
    pub fn callback(mut self, callback: impl Callback + 'static) -> FitConfig {
        self.callbacks.push(Box::new(callback));
        self
    }

    /// Sets the verbosity.
    pub fn verbose(mut self, verbose: Verbosity) -> FitConfig {
        self.verbose = verbose;
        self
    }

    /// Sets the first epoch index (to resume a run).
    pub fn initial_epoch(mut self, epoch: usize) -> FitConfig {
        self.initial_epoch = epoch;
        self
    }

    fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(Error::config(
                "FitConfig.batch_size",
                0,
                "at least 1 (1 is SGD; ≥ the number of rows is full-batch gradient descent)",
            ));
        }
        if !(0.0..1.0).contains(&self.validation_split) {
            return Err(Error::config(
                "FitConfig.validation_split",
                self.validation_split,
                "a fraction in [0, 1)",
            ));
        }
        if self.initial_epoch > self.epochs {
            return Err(Error::config(
                "FitConfig.initial_epoch",
                self.initial_epoch,
                format!("at most epochs = {}", self.epochs),
            ));
        }
        Ok(())
    }
}

/// Training and validation data after splitting.
struct Data<'a> {
    x: &'a Tensor,
    y: &'a Tensor,
    train_rows: usize,
    validation: Option<(Tensor, Tensor)>,
}

impl Sequential {
    /// Trains the model (Keras's `fit`): builds it for `x`'s shape if needed, then runs
    /// epochs of shuffled mini-batches, validating after each epoch and running the
    /// callbacks, whose decisions it applies.
    ///
    /// Runs inside the rayon pool (see `gradus_tensor`'s thread notes).
    ///
    /// # Errors
    /// Invalid configuration, data that does not fit the model or loss (naming the row,
    /// column or shape), batches too large for memory, a callback error, or
    /// [`Error::Diverged`] when a batch's loss or an updated weight is NaN or infinite:
    /// training stops (as with Keras's `TerminateOnNaN`), the model is reset to its weights
    /// from the start of that epoch (see [`Divergence`](crate::Divergence)), the callbacks'
    /// end of training runs (and may restore other weights), and the error carries the
    /// history of the completed epochs.
    pub fn fit(&mut self, x: &Tensor, y: &Tensor, config: FitConfig) -> Result<History> {
        config.validate()?;
        let loss = self
            .compiled
            .as_ref()
            .ok_or(Error::NotCompiled("fit"))?
            .loss;
        let data = self.check_data(x, y, &config, loss)?;
        if rayon::current_thread_index().is_some() {
            self.train(data, config)
        } else {
            rayon::scope(|_| self.train(data, config))
        }
    }

    fn check_data<'a>(
        &mut self,
        x: &'a Tensor,
        y: &'a Tensor,
        config: &FitConfig,
        loss: LossConfig,
    ) -> Result<Data<'a>> {
        if x.rows() != y.rows() {
            return Err(Error::Shape {
                context: "y".into(),
                expected: format!("{} rows, as x", x.rows()),
                got: format!("{} rows", y.rows()),
                hint: "; x and y need one row per sample".into(),
            });
        }
        self.prepare_input(x, "x", config.seed)?;
        self.check_batch_fits(config.batch_size.min(x.rows()))?;
        check_finite(y, "y")?;
        let outputs: usize = self.output_shape().expect("built").iter().product();
        loss.check_target(outputs, y, "y")?;
        let n = x.rows();
        let (train_rows, validation) = match &config.validation_data {
            Some((vx, vy)) => {
                let seed = config.seed;
                self.prepare_input(vx, "validation x", seed)?;
                check_finite(vy, "validation y")?;
                if vx.rows() != vy.rows() {
                    return Err(Error::shape(
                        "validation y",
                        format!("{} rows, as validation x", vx.rows()),
                        format!("{} rows", vy.rows()),
                    ));
                }
                loss.check_target(outputs, vy, "validation y")?;
                (n, Some((vx.clone(), vy.clone())))
            }
            None if config.validation_split > 0.0 => {
                let split = (n as f64 * (1.0 - config.validation_split as f64)).floor() as usize;
                if split == 0 || split == n {
                    return Err(Error::config(
                        "FitConfig.validation_split",
                        config.validation_split,
                        format!("a fraction that leaves rows on both sides of {n} rows"),
                    ));
                }
                (
                    split,
                    Some((x.slice_rows(split, n), y.slice_rows(split, n))),
                )
            }
            None => (n, None),
        };
        Ok(Data {
            x,
            y,
            train_rows,
            validation,
        })
    }

    fn train(&mut self, data: Data<'_>, config: FitConfig) -> Result<History> {
        let FitConfig {
            epochs,
            batch_size,
            shuffle,
            seed,
            verbose,
            initial_epoch,
            callbacks: user_callbacks,
            ..
        } = config;
        let mut callbacks: Vec<Box<dyn Callback>> = Vec::new();
        if let Some(p) = ProgressLogger::new(verbose) {
            callbacks.push(Box::new(p));
        }
        callbacks.extend(user_callbacks);

        let compiled = self.compiled.as_ref().expect("compiled");
        let loss_config = compiled.loss;
        let metrics = compiled.metrics.clone();
        let outputs: usize = self.output_shape().expect("built").iter().product();
        let mut trackers: Vec<MetricTracker> = metrics
            .iter()
            .map(|m| m.tracker(&loss_config, outputs))
            .collect();
        let mut log_keys: Vec<(String, bool)> = vec![("loss".into(), false)];
        log_keys.extend(metrics.iter().map(|m| (m.name(), m.higher_is_better())));
        if data.validation.is_some() {
            let val: Vec<_> = log_keys
                .iter()
                .map(|(k, h)| (format!("val_{k}"), *h))
                .collect();
            log_keys.extend(val);
        }
        log_keys.push(("learning_rate".into(), false));
        let steps = data.train_rows.div_ceil(batch_size);
        let info = TrainBegin {
            epochs,
            initial_epoch,
            steps_per_epoch: steps,
            samples: data.train_rows,
            log_keys,
        };
        for cb in callbacks.iter_mut() {
            cb.on_train_begin(&info)?;
        }

        let mut order: Vec<usize> = (0..data.train_rows).collect();
        let mut history = History::default();
        let mut names: Vec<String> = vec!["loss".into()];
        names.extend(metrics.iter().map(|m| m.name()));
        // The weights at the start of the epoch, restored if training diverges; one buffer,
        // refilled each epoch.
        let mut epoch_start = self.get_weights();
        for epoch in initial_epoch..epochs {
            for cb in callbacks.iter_mut() {
                cb.on_epoch_begin(epoch);
            }
            self.copy_weights_into(&mut epoch_start);
            if shuffle {
                // Each epoch's order depends on (seed, epoch) only, so a run resumed with
                // `initial_epoch` sees the same batches as an uninterrupted one.
                order.iter_mut().enumerate().for_each(|(i, o)| *o = i);
                Rng::with_stream(seed, SHUFFLE_STREAM - epoch as u64).shuffle(&mut order);
            }
            let epoch_logs = self.run_epoch(
                &data,
                &order,
                batch_size,
                epoch,
                &mut trackers,
                &names,
                &mut callbacks,
            );
            let mut logs = match epoch_logs {
                Ok(logs) => logs,
                // As Keras's TerminateOnNaN: stop, but end training normally (callbacks may
                // close files or restore the best weights) and hand back the history.
                Err(Error::Diverged {
                    cause,
                    epoch,
                    batch,
                    ..
                }) => {
                    self.set_weights(&epoch_start)?;
                    if let Divergence::Weights(_) = cause {
                        self.compiled
                            .as_mut()
                            .expect("compiled")
                            .optimizer
                            .clear_slots();
                    }
                    history.stopped_epoch = Some(epoch);
                    self.end_training(&mut callbacks)?;
                    return Err(Error::Diverged {
                        cause,
                        epoch,
                        batch,
                        history: Box::new(history),
                    });
                }
                Err(e) => return Err(e),
            };
            if let Some((vx, vy)) = &data.validation {
                for (k, v) in self.evaluate_batches(vx, vy, batch_size, &mut trackers)? {
                    logs.insert(format!("val_{k}"), v);
                }
            }
            logs.insert(
                "learning_rate".into(),
                self.learning_rate().unwrap_or(0.0) as f64,
            );
            history.record(epoch, &logs);
            let mut stop = false;
            let mut new_lr = None;
            for cb in callbacks.iter_mut() {
                match cb.on_epoch_end(epoch, &logs, self)? {
                    Control::Continue => {}
                    Control::Stop => stop = true,
                    Control::SetLearningRate(lr) => new_lr = Some(lr),
                }
            }
            if let Some(lr) = new_lr {
                self.compiled
                    .as_mut()
                    .expect("compiled")
                    .optimizer
                    .set_learning_rate(lr)?;
            }
            if stop {
                history.stopped_epoch = Some(epoch);
                break;
            }
        }
        self.end_training(&mut callbacks)?;
        Ok(history)
    }

    /// Runs every callback's `on_train_end`, applying the weights they hand back.
    fn end_training(&mut self, callbacks: &mut [Box<dyn Callback>]) -> Result<()> {
        for cb in callbacks.iter_mut() {
            if let Some(w) = cb.on_train_end(self)? {
                self.set_weights(&w)?;
            }
        }
        Ok(())
    }

    /// One epoch of training steps; returns `loss` and the metrics.
    #[allow(clippy::too_many_arguments)]
    fn run_epoch(
        &mut self,
        data: &Data<'_>,
        order: &[usize],
        batch_size: usize,
        epoch: usize,
        trackers: &mut [MetricTracker],
        names: &[String],
        callbacks: &mut [Box<dyn Callback>],
    ) -> Result<Logs> {
        let head = self.head_activation();
        let Sequential {
            layers,
            compiled,
            work,
            ..
        } = self;
        let compiled = compiled.as_mut().expect("compiled");
        let built = compiled.loss.build(head);
        trackers.iter_mut().for_each(MetricTracker::reset);
        let mut running = vec![0.0; names.len()];
        let (mut loss_sum, mut seen) = (0.0f64, 0usize);
        for (batch, idx) in order.chunks(batch_size).enumerate() {
            data.x.gather_rows_into(idx, &mut work.x);
            data.y.gather_rows_into(idx, &mut work.y);
            let loss = train_step(
                layers,
                built.loss.as_ref(),
                built.fused,
                &mut compiled.optimizer,
                &work.x,
                &work.y,
                &mut work.grad,
                trackers,
                BatchKey::new(epoch, batch),
            )
            .map_err(|cause| Error::Diverged {
                cause,
                epoch,
                batch,
                history: Box::default(),
            })?;
            loss_sum += loss * idx.len() as f64;
            seen += idx.len();
            running[0] = loss_sum / seen as f64;
            for (r, t) in running[1..].iter_mut().zip(trackers.iter()) {
                *r = t.result();
            }
            for cb in callbacks.iter_mut() {
                cb.on_batch_end(batch, names, &running);
            }
        }
        Ok(names.iter().cloned().zip(running).collect())
    }

    /// Loss (with regularization penalties) and metrics of the model on `(x, y)` in
    /// inference mode (Keras's `evaluate`), keyed `loss`, `mse`, ….
    ///
    /// # Errors
    /// An uncompiled or unbuilt model, or data that does not fit it.
    pub fn evaluate(&mut self, x: &Tensor, y: &Tensor) -> Result<Logs> {
        let compiled = self
            .compiled
            .as_ref()
            .ok_or(Error::NotCompiled("evaluate"))?;
        let loss = compiled.loss;
        let metrics = compiled.metrics.clone();
        let Some(built) = &self.built else {
            return Err(Error::NotBuilt(
                "call `fit` or `build` before `evaluate`".into(),
            ));
        };
        let seed = built.seed;
        if x.rows() != y.rows() {
            return Err(Error::shape(
                "y",
                format!("{} rows, as x", x.rows()),
                format!("{} rows", y.rows()),
            ));
        }
        self.prepare_input(x, "x", seed)?;
        check_finite(y, "y")?;
        let outputs: usize = self.output_shape().expect("built").iter().product();
        loss.check_target(outputs, y, "y")?;
        let mut trackers: Vec<MetricTracker> =
            metrics.iter().map(|m| m.tracker(&loss, outputs)).collect();
        self.evaluate_batches(x, y, INFERENCE_BATCH, &mut trackers)
    }

    fn evaluate_batches(
        &mut self,
        x: &Tensor,
        y: &Tensor,
        batch_size: usize,
        trackers: &mut [MetricTracker],
    ) -> Result<Logs> {
        let head = self.head_activation();
        let Sequential {
            layers,
            compiled,
            work,
            ..
        } = self;
        let compiled = compiled.as_ref().expect("compiled");
        let built = compiled.loss.build(head);
        trackers.iter_mut().for_each(MetricTracker::reset);
        let weight_penalty: f64 = layers
            .iter()
            .flat_map(|l| l.params())
            .map(|p| p.penalty())
            .sum();
        let mut loss_sum = 0.0f64;
        let rows: Vec<usize> = (0..x.rows()).collect();
        for idx in rows.chunks(batch_size) {
            x.gather_rows_into(idx, &mut work.x);
            y.gather_rows_into(idx, &mut work.y);
            let out = forward(layers, &work.x, Mode::Infer);
            let data_loss = built.loss.compute(out, &work.y, None);
            for t in trackers.iter_mut() {
                t.update(out, &work.y);
            }
            let activity: f64 = layers.iter().map(|l| l.activity_penalty()).sum();
            loss_sum += (data_loss + weight_penalty + activity) * idx.len() as f64;
        }
        let mut logs = Logs::new();
        logs.insert("loss".into(), loss_sum / x.rows() as f64);
        for t in trackers.iter() {
            logs.insert(t.metric().name(), t.result());
        }
        Ok(logs)
    }
}

/// One training step on a batch: forward, loss, backward, regularizer gradients, update.
/// Returns the batch loss including regularization penalties (what Keras reports).
/// Allocates nothing once the buffers have grown to the batch size.
///
/// A non-finite loss stops the step before the backward pass (the weights stay as they
/// were); an update that leaves a weight non-finite (from a non-finite gradient, or an
/// overflow) is reported after it. Either is the `Err`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_step(
    layers: &mut [Box<dyn Layer>],
    loss: &dyn Loss,
    fused: bool,
    optimizer: &mut Optimizer,
    x: &Tensor,
    y: &Tensor,
    grad: &mut Tensor,
    trackers: &mut [MetricTracker],
    key: BatchKey,
) -> std::result::Result<f64, Divergence> {
    let out = forward(layers, x, Mode::Train(key));
    let data_loss = loss.compute(out, y, Some(grad));
    for t in trackers.iter_mut() {
        t.update(out, y);
    }
    let mut penalty = 0.0;
    for layer in layers.iter() {
        penalty += layer.activity_penalty();
        penalty += layer.params().iter().map(|p| p.penalty()).sum::<f64>();
    }
    let total = data_loss + penalty;
    if !total.is_finite() {
        return Err(Divergence::Loss(total));
    }
    let n = layers.len();
    let mut g: &Tensor = grad;
    for (i, layer) in layers.iter_mut().enumerate().rev() {
        let flow = GradFlow {
            fused_activation: fused && i + 1 == n,
            input_grad: i > 0,
        };
        g = layer.backward(g, flow);
    }
    let mut sum_squares = 0.0;
    for p in layers
        .iter_mut()
        .flat_map(|l| l.params_mut())
        .filter(|p| p.trainable)
    {
        p.add_penalty_gradient();
        if optimizer.needs_global_norm() {
            sum_squares += ops::sum_squares(p.grad.data());
        }
    }
    let scale = optimizer.global_clip_scale(sum_squares);
    let trainable = layers
        .iter_mut()
        .flat_map(|l| l.params_mut())
        .filter(|p| p.trainable);
    let mut finite = true;
    for (index, p) in trainable.enumerate() {
        finite &= optimizer.update(index, p, scale);
    }
    if !finite {
        let value = layers
            .iter()
            .flat_map(|l| l.params())
            .flat_map(|p| p.value.data())
            .find(|v| !v.is_finite())
            .map_or(f64::NAN, |&v| f64::from(v));
        return Err(Divergence::Weights(value));
    }
    optimizer.finish_step();
    Ok(total)
}
