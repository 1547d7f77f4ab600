//! [`EarlyStopping`]: stop when a monitored quantity stops improving, Keras 3 semantics.

use super::{Callback, Control, Logs, Monitor, MonitorMode, TrainBegin};
use crate::{Result, Sequential, Weights};

/// Stops training when the monitored quantity has not improved for `patience` epochs,
/// exactly as Keras 3's `EarlyStopping` (defaults: `val_loss`, `min_delta` 0, `patience` 0,
/// `auto` mode, no baseline, no restore, `start_from_epoch` 0).
///
/// Each epoch `e` (skipped while the value is missing or `e < start_from_epoch`):
/// 1. with `restore_best_weights` and nothing saved yet, the current weights are saved;
/// 2. `wait += 1`;
/// 3. if the value improves on `best` by more than `|min_delta|`, `best` and `best_epoch`
///    are set (and the weights snapshot), and `wait` resets to 0 — only if there is no
///    `baseline` or the value also beats it; no stop check follows;
/// 4. otherwise, if `wait ≥ patience` and `e > 0`, training stops.
///
/// `best` changes only on a real improvement, so sub-`min_delta` gains are never recorded.
/// `baseline` is not the initial `best`; it only decides whether `wait` resets. With
/// `restore_best_weights`, the best weights are restored when training ends — always, as in
/// Keras 3 (Keras 2 restored only when this callback stopped training).
///
/// ```
/// use gradus_nn::EarlyStopping;
/// let es = EarlyStopping::new("val_loss").patience(3).restore_best_weights(true);
/// assert_eq!(es.stopped_epoch(), None);
/// ```
#[derive(Debug, Clone)]
pub struct EarlyStopping {
    monitor: Monitor,
    patience: usize,
    baseline: Option<f64>,
    restore_best_weights: bool,
    start_from_epoch: usize,
    verbose: bool,
    // State, reset when training begins.
    wait: usize,
    best: Option<f64>,
    best_epoch: Option<usize>,
    best_weights: Option<Weights>,
    stopped_epoch: Option<usize>,
}

impl EarlyStopping {
    /// Watches `monitor` (e.g. `val_loss`) with Keras's defaults.
    pub fn new(monitor: &str) -> EarlyStopping {
        EarlyStopping {
            monitor: Monitor::new(monitor, MonitorMode::Auto, 0.0),
            patience: 0,
            baseline: None,
            restore_best_weights: false,
            start_from_epoch: 0,
            verbose: false,
            wait: 0,
            best: None,
            best_epoch: None,
            best_weights: None,
            stopped_epoch: None,
        }
    }

    /// Epochs without improvement before stopping.
    pub fn patience(mut self, patience: usize) -> EarlyStopping {
        self.patience = patience;
        self
    }

    /// Minimum change that counts as an improvement.
    pub fn min_delta(mut self, min_delta: f64) -> EarlyStopping {
        self.monitor.min_delta = min_delta.abs();
        self
    }

    /// Direction of improvement.
    pub fn mode(mut self, mode: MonitorMode) -> EarlyStopping {
        self.monitor = Monitor::new(self.monitor.key.clone(), mode, self.monitor.min_delta);
        self
    }

    /// A value the quantity must beat for `wait` to reset.
    pub fn baseline(mut self, baseline: f64) -> EarlyStopping {
        self.baseline = Some(baseline);
        self
    }

    /// Restore the weights of the best epoch when training ends.
    pub fn restore_best_weights(mut self, restore: bool) -> EarlyStopping {
        self.restore_best_weights = restore;
        self
    }

    /// Ignore epochs before this one (warm-up).
    pub fn start_from_epoch(mut self, epoch: usize) -> EarlyStopping {
        self.start_from_epoch = epoch;
        self
    }

    /// Print "Epoch N: early stopping" and the restore message, as Keras's `verbose=1`.
    pub fn verbose(mut self, verbose: bool) -> EarlyStopping {
        self.verbose = verbose;
        self
    }

    /// The epoch (from 0) at which this callback stopped training, if it did.
    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped_epoch
    }

    /// The epoch (from 0) with the best value so far.
    pub fn best_epoch(&self) -> Option<usize> {
        self.best_epoch
    }

    /// The best value so far.
    pub fn best(&self) -> Option<f64> {
        self.best
    }

    /// The per-epoch rule on a value, given a way to snapshot the weights. Returns whether
    /// to stop. Public so that the exact Keras traces can be checked without a model.
    pub fn observe(&mut self, epoch: usize, current: f64, snapshot: impl Fn() -> Weights) -> bool {
        if epoch < self.start_from_epoch {
            return false;
        }
        if self.restore_best_weights && self.best_weights.is_none() {
            self.best_weights = Some(snapshot());
        }
        self.wait += 1;
        if self.monitor.is_improvement(current, self.best) {
            self.best = Some(current);
            self.best_epoch = Some(epoch);
            if self.restore_best_weights {
                self.best_weights = Some(snapshot());
            }
            if self.baseline.is_none() || self.monitor.is_improvement(current, self.baseline) {
                self.wait = 0;
            }
            return false;
        }
        if self.wait >= self.patience && epoch > 0 {
            self.stopped_epoch = Some(epoch);
            return true;
        }
        false
    }
}

impl Callback for EarlyStopping {
    fn on_train_begin(&mut self, info: &TrainBegin) -> Result<()> {
        self.monitor.resolve(info, "EarlyStopping")?;
        self.wait = 0;
        self.best = None;
        self.best_epoch = None;
        self.best_weights = None;
        self.stopped_epoch = None;
        Ok(())
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &Sequential) -> Result<Control> {
        let Some(&current) = logs.get(&self.monitor.key) else {
            return Ok(Control::Continue);
        };
        if self.observe(epoch, current, || model.get_weights()) {
            if self.verbose {
                println!("Epoch {}: early stopping", epoch + 1);
            }
            return Ok(Control::Stop);
        }
        Ok(Control::Continue)
    }

    fn on_train_end(&mut self, _model: &Sequential) -> Result<Option<Weights>> {
        if !self.restore_best_weights {
            return Ok(None);
        }
        if self.verbose
            && let Some(best) = self.best_epoch
        {
            println!(
                "Restoring model weights from the end of the best epoch: {}.",
                best + 1
            );
        }
        Ok(self.best_weights.take())
    }
}

#[cfg(test)]
mod tests {
    use gradus_tensor::Tensor;

    use super::*;

    /// Runs the rule over `values`; returns (epochs run, stopped epoch, restored epoch).
    /// Each snapshot is tagged with the epoch it was taken at.
    fn trace(mut es: EarlyStopping, values: &[f64]) -> (usize, Option<usize>, Option<usize>) {
        es.monitor.resolve(&info(), "test").unwrap();
        let mut run = 0;
        for (epoch, &v) in values.iter().enumerate() {
            run += 1;
            let tag = epoch as f32;
            if es.observe(epoch, v, || Weights(vec![Tensor::full(&[1], tag)])) {
                break;
            }
        }
        let restored = es.best_weights.map(|w| w.0[0].data()[0] as usize);
        (run, es.stopped_epoch, restored)
    }

    fn info() -> TrainBegin {
        TrainBegin {
            epochs: 100,
            initial_epoch: 0,
            steps_per_epoch: 1,
            samples: 1,
            log_keys: vec![("loss".into(), false), ("val_loss".into(), false)],
        }
    }

    fn tail(start: &[f64]) -> Vec<f64> {
        let mut v = start.to_vec();
        let last = *v.last().unwrap();
        v.extend((1..20).map(|i| last + 0.01 * i as f64));
        v
    }

    // The traces of shared/reference/keras-semantics.md, Appendix B.
    #[test]
    fn patience_three_stops_after_epoch_four_and_restores_one() {
        let es = EarlyStopping::new("val_loss")
            .patience(3)
            .restore_best_weights(true);
        assert_eq!(trace(es, &tail(&[1.0, 0.8, 0.81])), (5, Some(4), Some(1)));
    }

    #[test]
    fn min_delta_ignores_tiny_improvements() {
        let es = EarlyStopping::new("val_loss")
            .patience(3)
            .min_delta(0.01)
            .restore_best_weights(true);
        let values = [1.0, 0.8, 0.799, 0.798, 0.797, 0.796, 0.795];
        assert_eq!(trace(es, &values), (5, Some(4), Some(1)));
    }

    #[test]
    fn baseline_keeps_waiting_while_improving() {
        let es = EarlyStopping::new("val_loss")
            .patience(2)
            .baseline(0.5)
            .restore_best_weights(true);
        let values = [1.0, 0.9, 0.8, 0.7, 0.6, 0.65, 0.66];
        assert_eq!(trace(es, &values), (6, Some(5), Some(4)));
    }

    #[test]
    fn patience_zero_never_stops_at_epoch_zero() {
        let es = EarlyStopping::new("val_loss");
        assert_eq!(trace(es, &[1.0, 1.1, 1.2]), (2, Some(1), None));
        let es = EarlyStopping::new("val_loss");
        assert_eq!(trace(es, &[1.0, 0.9, 0.8, 0.85]), (4, Some(3), None));
    }

    #[test]
    fn start_from_epoch_ignores_warm_up() {
        let es = EarlyStopping::new("val_loss")
            .patience(1)
            .start_from_epoch(3);
        // Epochs 0–2 ignored; best 2.0 at epoch 3, no improvement at 4 -> stop at 4.
        assert_eq!(
            trace(es, &[1.0, 0.5, 0.4, 2.0, 2.1, 0.1]),
            (5, Some(4), None)
        );
    }

    #[test]
    fn unknown_monitor_is_an_error() {
        let mut es = EarlyStopping::new("val_acc");
        let e = es.on_train_begin(&info()).unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown monitored quantity `val_acc` for EarlyStopping; available: loss, val_loss (val_ keys need validation_split or validation_data)"
        );
    }
}
