//! The training loop: `fit` on tensors and `fit_source` on a [`BatchSource`].
//!
//! Both run the same loop over a [`Feed`]: `fit(x, y)` trains on a [`TensorSource`] of the
//! rows a validation split leaves (shuffled per epoch with the seed, filled inline), a
//! source of images is filled ahead on a background thread. Each epoch runs its steps,
//! evaluates the validation source, and applies the callbacks' decisions.

use std::sync::Arc;

use gradus_tensor::{BatchSource, Tensor, TensorSource};

use crate::callbacks::{Callback, CallbackConfig, Control, Logs, ProgressLogger, TrainBegin};
use crate::feed::{Feed, FeedPlan, Order};
use crate::sequential::check_finite;
use crate::train_step::train_step;
use crate::{
    BatchKey, Divergence, Error, FitConfig, FitOptions, History, LossConfig, MetricTracker, Result,
    Sequential,
};

/// Validation inputs and targets, shared with the caller.
type Validation = (Arc<Tensor>, Arc<Tensor>);

/// What a feed checks in each batch it hands out (shapes, values, targets); in-memory
/// tensors are checked once up front instead.
pub(crate) type BatchCheck<'a> = &'a (dyn Fn(&Tensor, &Tensor) -> Result<()> + Sync);

/// Accepts every batch (data checked before training).
pub(crate) fn no_check(_: &Tensor, _: &Tensor) -> Result<()> {
    Ok(())
}

/// Where one training run takes its batches from.
struct Sources<'a> {
    train: &'a dyn BatchSource,
    validation: Option<&'a dyn BatchSource>,
    /// Checks each batch of either source.
    check: BatchCheck<'a>,
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
    pub fn fit(&mut self, x: &Tensor, y: &Tensor, mut config: FitConfig) -> Result<History> {
        config.options.validate()?;
        let loss = self.compiled_loss("fit")?;
        let given = config.validation_data.take();
        let (train_rows, validation) = self.check_data(x, y, &config.options, given, loss)?;
        let o = &config.options;
        let train = TensorSource::new(x, Some(y), o.batch_size)?
            .first_rows(train_rows)
            .shuffle(o.shuffle)
            .seed(o.seed);
        let validation = match &validation {
            Some((vx, vy)) => Some(TensorSource::new(vx, Some(vy), o.batch_size)?),
            None => None,
        };
        let sources = Sources {
            train: &train,
            validation: validation.as_ref().map(|v| v as &dyn BatchSource),
            check: &no_check,
        };
        self.in_pool(|model| model.train(sources, config))
    }

    /// Trains the model on batches from `source` (Keras's `fit` on a `PyDataset` or an
    /// `ImageDataGenerator` flow), validating on `validation` (or on
    /// [`FitConfig::validation_data`]) after each epoch. An epoch is one pass over the
    /// source, or [`FitConfig::steps_per_epoch`] batches taken across passes; the source's
    /// batch size and shuffling apply, not `FitOptions.batch_size` / `shuffle`. Batches are
    /// prepared ahead on a background thread ([`BatchSource::prefetch`]); their content
    /// depends on the source's seed only, so results do not depend on threads or timing.
    ///
    /// ```
    /// use gradus_nn::{Dense, FitConfig, LossConfig, OptimizerConfig, Sequential, TensorSource,
    ///     Verbosity};
    /// use gradus_tensor::Tensor;
    /// let x = Tensor::column(&[-1.0, 0.0, 1.0, 2.0, 3.0, 4.0]);
    /// let y = Tensor::column(&[-3.0, -1.0, 1.0, 3.0, 5.0, 7.0]);
    /// let mut model = Sequential::new();
    /// model.add(Dense::new(1));
    /// model.compile(OptimizerConfig::sgd(0.05), LossConfig::mse(), &[]).unwrap();
    /// let source = TensorSource::new(&x, Some(&y), 6).unwrap();
    /// let cfg = FitConfig::new().epochs(300).verbose(Verbosity::Silent);
    /// let history = model.fit_source(&source, None, cfg).unwrap();
    /// assert!(history.last("loss").unwrap() < 1e-4);
    /// ```
    ///
    /// # Errors
    /// As [`Sequential::fit`]; also a source without samples or targets, samples of another
    /// shape than the model's input, `validation_split` (which needs tensors), and
    /// [`Error::Source`] when the source fails to fill a batch or fills one that does not
    /// fit (wrong shape, NaN, a class id out of range).
    pub fn fit_source(
        &mut self,
        source: &dyn BatchSource,
        validation: Option<&dyn BatchSource>,
        mut config: FitConfig,
    ) -> Result<History> {
        config.options.validate()?;
        let loss = self.compiled_loss("fit_source")?;
        if config.options.validation_split > 0.0 {
            return Err(Error::config(
                "FitOptions.validation_split",
                config.options.validation_split,
                "0 with a batch source (it splits tensors); pass a validation source",
            ));
        }
        self.prepare_source(source, "training source", Some(loss), config.options.seed)?;
        let validation_data = config.validation_data.take();
        let tensors = match &validation_data {
            Some((vx, vy)) if validation.is_none() => {
                Some(TensorSource::new(vx, Some(vy), source.batch_size())?)
            }
            _ => None,
        };
        let validation = validation.or(tensors.as_ref().map(|v| v as &dyn BatchSource));
        if let Some(v) = validation {
            self.prepare_source(v, "validation source", Some(loss), config.options.seed)?;
        }
        let check = self.batch_check(Some(loss));
        let sources = Sources {
            train: source,
            validation,
            check: &check,
        };
        self.in_pool(|model| model.train(sources, config))
    }

    /// The compiled loss, or the error for calling `what` before `compile`.
    pub(crate) fn compiled_loss(&self, what: &'static str) -> Result<LossConfig> {
        Ok(self.compiled.as_ref().ok_or(Error::NotCompiled(what))?.loss)
    }

    /// Runs `f` inside the rayon pool (see `gradus_tensor`'s thread notes).
    pub(crate) fn in_pool<R: Send>(&mut self, f: impl FnOnce(&mut Sequential) -> R + Send) -> R {
        if rayon::current_thread_index().is_some() {
            f(self)
        } else {
            rayon::scope(|_| f(self))
        }
    }

    /// Checks `x`, `y` and the validation settings; returns the number of training rows and
    /// the validation tensors.
    fn check_data(
        &mut self,
        x: &Tensor,
        y: &Tensor,
        config: &FitOptions,
        given: Option<Validation>,
        loss: LossConfig,
    ) -> Result<(usize, Option<Validation>)> {
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
        let outputs = self.outputs();
        loss.check_target(outputs, y, "y")?;
        let n = x.rows();
        match given {
            Some((vx, vy)) => {
                self.prepare_input(&vx, "validation x", config.seed)?;
                check_finite(&vy, "validation y")?;
                if vx.rows() != vy.rows() {
                    return Err(Error::shape(
                        "validation y",
                        format!("{} rows, as validation x", vx.rows()),
                        format!("{} rows", vy.rows()),
                    ));
                }
                loss.check_target(outputs, &vy, "validation y")?;
                Ok((n, Some((vx, vy))))
            }
            None if config.validation_split > 0.0 => {
                let split = (n as f64 * (1.0 - config.validation_split as f64)).floor() as usize;
                if split == 0 || split == n {
                    return Err(Error::config(
                        "FitOptions.validation_split",
                        config.validation_split,
                        format!("a fraction that leaves rows on both sides of {n} rows"),
                    ));
                }
                Ok((
                    split,
                    Some((
                        Arc::new(x.slice_rows(split, n)),
                        Arc::new(y.slice_rows(split, n)),
                    )),
                ))
            }
            None => Ok((n, None)),
        }
    }

    fn train(&mut self, sources: Sources<'_>, config: FitConfig) -> Result<History> {
        let FitConfig {
            options:
                FitOptions {
                    epochs,
                    verbose,
                    initial_epoch,
                    steps_per_epoch,
                    validation_steps,
                    callbacks: configured,
                    ..
                },
            callbacks: user_callbacks,
            ..
        } = config;
        let mut callbacks: Vec<Box<dyn Callback>> = Vec::new();
        if let Some(p) = ProgressLogger::new(verbose) {
            callbacks.push(Box::new(p));
        }
        callbacks.extend(configured.iter().map(CallbackConfig::build));
        callbacks.extend(user_callbacks);

        let compiled = self.compiled.as_ref().expect("compiled");
        let metrics = compiled.metrics.clone();
        let mut trackers = self.trackers();
        let mut log_keys: Vec<(String, bool)> = vec![("loss".into(), false)];
        log_keys.extend(metrics.iter().map(|m| (m.name(), m.higher_is_better())));
        if sources.validation.is_some() {
            let val: Vec<_> = log_keys
                .iter()
                .map(|(k, h)| (format!("val_{k}"), *h))
                .collect();
            log_keys.extend(val);
        }
        log_keys.push(("learning_rate".into(), false));
        let steps = steps_per_epoch.unwrap_or_else(|| sources.train.batches());
        let info = TrainBegin {
            epochs,
            initial_epoch,
            steps_per_epoch: steps,
            samples: match steps_per_epoch {
                Some(s) => s.saturating_mul(sources.train.batch_size()),
                None => sources.train.len(),
            },
            log_keys,
        };
        for cb in callbacks.iter_mut() {
            cb.on_train_begin(&info)?;
        }

        let mut names: Vec<String> = vec!["loss".into()];
        names.extend(metrics.iter().map(|m| m.name()));
        // The weights at the start of the epoch, restored if training diverges; one buffer,
        // refilled each epoch.
        let mut epoch_start = self.get_weights();
        let history = std::thread::scope(|scope| {
            let mut history = History::default();
            // Global steps: epoch e's step i is step e·steps + i, so a resumed run takes the
            // same batches (each epoch one pass when steps_per_epoch is not set).
            let plan = FeedPlan {
                source: sources.train,
                steps: initial_epoch.saturating_mul(steps)..epochs.saturating_mul(steps),
                order: Order::Source,
                check: sources.check,
            };
            let mut feed = Feed::start(scope, plan);
            for epoch in initial_epoch..epochs {
                for cb in callbacks.iter_mut() {
                    cb.on_epoch_begin(epoch);
                }
                self.copy_weights_into(&mut epoch_start);
                let epoch_logs = self.run_epoch(
                    &mut feed,
                    steps,
                    epoch,
                    &mut trackers,
                    &names,
                    &mut callbacks,
                );
                let mut logs = match epoch_logs {
                    Ok(logs) => logs,
                    // As Keras's TerminateOnNaN: stop, but end training normally (callbacks
                    // may close files or restore the best weights) and hand back the history.
                    Err(Error::Diverged {
                        cause,
                        epoch,
                        batch,
                        ..
                    }) => {
                        self.set_weights(&epoch_start)?;
                        if let Divergence::Weights(_) = cause {
                            let compiled = self.compiled.as_mut().expect("compiled");
                            compiled.optimizer.clear_slots();
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
                if let Some(v) = sources.validation {
                    let plan = FeedPlan {
                        source: v,
                        steps: 0..validation_steps.unwrap_or_else(|| v.batches()),
                        order: Order::Source,
                        check: sources.check,
                    };
                    for (k, value) in self.evaluate_plan(plan, &mut trackers)? {
                        logs.insert(format!("val_{k}"), value);
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
                    let compiled = self.compiled.as_mut().expect("compiled");
                    compiled.optimizer.set_learning_rate(lr)?;
                }
                if stop {
                    history.stopped_epoch = Some(epoch);
                    break;
                }
            }
            Ok(history)
        })?;
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

    /// One epoch of `steps` training steps from `feed`; returns `loss` and the metrics.
    fn run_epoch(
        &mut self,
        feed: &mut Feed<'_>,
        steps: usize,
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
        for batch in 0..steps {
            let (x, y) = feed.next_batch().ok_or_else(|| {
                Error::NotBuilt("the batch source ended before the last step".into())
            })??;
            let loss = train_step(
                layers,
                built.loss.as_ref(),
                built.fused,
                &mut compiled.optimizer,
                x,
                y,
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
            loss_sum += loss * x.rows() as f64;
            seen += x.rows();
            running[0] = loss_sum / seen.max(1) as f64;
            for (r, t) in running[1..].iter_mut().zip(trackers.iter()) {
                *r = t.result();
            }
            for cb in callbacks.iter_mut() {
                cb.on_batch_end(batch, names, &running);
            }
        }
        Ok(names.iter().cloned().zip(running).collect())
    }
}
