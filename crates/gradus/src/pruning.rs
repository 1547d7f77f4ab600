//! [`PruningCallback`]: reports each epoch to a tuner trial and stops training when the
//! study's pruner says so (Optuna's `KerasPruningCallback`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gradus_nn::{Callback, Control, Logs, Sequential, TrainBegin};
use gradus_tune::{TrialError, TrialReporter};

/// A training callback for use inside a tuning objective (Optuna's
/// `KerasPruningCallback`): after each epoch it reports the monitored value (e.g.
/// `val_loss`) as the trial's intermediate value at step `epoch` and asks the study's
/// pruner; when the pruner says prune, it marks the trial pruned
/// ([`TrialReporter::prune`]) and stops training. The study then records the trial as
/// Pruned whatever the objective returns — there is nothing to remember to check.
///
/// ```no_run
/// use gradus::PruningCallback;
/// use gradus::nn::FitConfig;
/// # fn objective(trial: &mut gradus::tune::Trial) -> Result<f64, gradus::tune::TrialError> {
/// # let (mut model, x, y): (gradus::nn::Sequential, gradus::tensor::Tensor, gradus::tensor::Tensor) = unimplemented!();
/// let callback = PruningCallback::new(trial.reporter(), "val_loss");
/// let history = model.fit(&x, &y, FitConfig::new().validation_split(0.2).callback(callback))?;
/// Ok(history.last("val_loss").unwrap()) // recorded Pruned if the pruner stopped training
/// # }
/// ```
#[derive(Debug)]
pub struct PruningCallback {
    reporter: TrialReporter,
    monitor: String,
    pruned: Arc<AtomicBool>,
}

/// Tells, after training, whether a [`PruningCallback`] stopped it (from
/// [`PruningCallback::pruned`]); the study records the trial Pruned either way.
#[derive(Clone, Debug)]
pub struct Pruned(Arc<AtomicBool>);

impl Pruned {
    /// Whether the pruner stopped training.
    pub fn is_pruned(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(TrialError::Pruned)` when the pruner stopped training, to skip work after
    /// `fit` (an evaluation, a save) in a trial that is pruned anyway.
    pub fn check(&self) -> Result<(), TrialError> {
        if self.is_pruned() {
            Err(TrialError::Pruned)
        } else {
            Ok(())
        }
    }
}

impl PruningCallback {
    /// A callback reporting `monitor` to the trial behind `reporter`.
    pub fn new(reporter: TrialReporter, monitor: &str) -> PruningCallback {
        PruningCallback {
            reporter,
            monitor: monitor.into(),
            pruned: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A handle that tells, after training, whether this callback stopped it.
    pub fn pruned(&self) -> Pruned {
        Pruned(Arc::clone(&self.pruned))
    }
}

impl Callback for PruningCallback {
    fn on_train_begin(&mut self, info: &TrainBegin) -> gradus_nn::Result<()> {
        if info.higher_is_better(&self.monitor).is_none() {
            return Err(gradus_nn::Error::UnknownName {
                kind: "monitored quantity",
                name: self.monitor.clone(),
                context: " for PruningCallback".into(),
                available: info.keys_text(),
            });
        }
        Ok(())
    }

    fn on_epoch_end(
        &mut self,
        epoch: usize,
        logs: &Logs,
        _model: &Sequential,
    ) -> gradus_nn::Result<Control> {
        let Some(&value) = logs.get(&self.monitor) else {
            return Ok(Control::Continue);
        };
        let tune_error = |e: gradus_tune::Error| gradus_nn::Error::Config {
            field: "PruningCallback".into(),
            value: self.monitor.clone(),
            expected: format!("a reachable study storage ({e})"),
        };
        self.reporter
            .report(epoch as u64, value)
            .map_err(tune_error)?;
        if self.reporter.should_prune().map_err(tune_error)? {
            self.reporter.prune().map_err(tune_error)?;
            self.pruned.store(true, Ordering::SeqCst);
            return Ok(Control::Stop);
        }
        Ok(Control::Continue)
    }
}
