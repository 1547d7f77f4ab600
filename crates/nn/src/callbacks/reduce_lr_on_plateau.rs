//! [`ReduceLrOnPlateau`]: lower the learning rate when a quantity stops improving.

use super::{Callback, Control, Logs, Monitor, MonitorMode, TrainBegin};
use crate::{Error, Result, Sequential};

/// Multiplies the learning rate by `factor` when the monitored quantity has not improved
/// by more than `min_delta` for `patience` epochs, as Keras's `ReduceLROnPlateau`
/// (defaults: `val_loss`, factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0).
///
/// Each epoch: during cooldown the counter decreases and `wait` resets; an improvement sets
/// `best` and resets `wait`; otherwise (outside cooldown) `wait += 1`, and at
/// `wait ≥ patience`, if `lr > min_lr`, the rate becomes `max(lr·factor, min_lr)`, the
/// cooldown starts and `wait` resets. `auto` mode takes the direction from the quantity
/// (Keras looks for "acc" in the name).
///
/// ```
/// use gradus_nn::ReduceLrOnPlateau;
/// let cb = ReduceLrOnPlateau::new("val_loss").factor(0.5).patience(2).min_lr(1e-5);
/// # let _ = cb;
/// ```
#[derive(Debug, Clone)]
pub struct ReduceLrOnPlateau {
    monitor: Monitor,
    factor: f32,
    patience: usize,
    cooldown: usize,
    min_lr: f32,
    verbose: bool,
    best: Option<f64>,
    wait: usize,
    cooldown_counter: usize,
}

impl ReduceLrOnPlateau {
    /// Watches `monitor` with Keras's defaults.
    pub fn new(monitor: &str) -> ReduceLrOnPlateau {
        ReduceLrOnPlateau {
            monitor: Monitor::new(monitor, MonitorMode::Auto, 1e-4),
            factor: 0.1,
            patience: 10,
            cooldown: 0,
            min_lr: 0.0,
            verbose: false,
            best: None,
            wait: 0,
            cooldown_counter: 0,
        }
    }

    /// Factor the rate is multiplied by, in `(0, 1)`.
    pub fn factor(mut self, factor: f32) -> ReduceLrOnPlateau {
        self.factor = factor;
        self
    }

    /// Epochs without improvement before reducing.
    pub fn patience(mut self, patience: usize) -> ReduceLrOnPlateau {
        self.patience = patience;
        self
    }

    /// Minimum change that counts as an improvement.
    pub fn min_delta(mut self, min_delta: f64) -> ReduceLrOnPlateau {
        self.monitor.min_delta = min_delta.abs();
        self
    }

    /// Epochs to wait after a reduction before counting again.
    pub fn cooldown(mut self, cooldown: usize) -> ReduceLrOnPlateau {
        self.cooldown = cooldown;
        self
    }

    /// Lower bound of the rate.
    pub fn min_lr(mut self, min_lr: f32) -> ReduceLrOnPlateau {
        self.min_lr = min_lr;
        self
    }

    /// Direction of improvement.
    pub fn mode(mut self, mode: MonitorMode) -> ReduceLrOnPlateau {
        self.monitor = Monitor::new(self.monitor.key.clone(), mode, self.monitor.min_delta);
        self
    }

    /// Print each reduction, as Keras's `verbose=1`.
    pub fn verbose(mut self, verbose: bool) -> ReduceLrOnPlateau {
        self.verbose = verbose;
        self
    }

    /// The rule on a value and the current rate; returns the new rate if it changes.
    pub fn observe(&mut self, current: f64, lr: f32) -> Option<f32> {
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.wait = 0;
        }
        if self.monitor.is_improvement(current, self.best) {
            self.best = Some(current);
            self.wait = 0;
            return None;
        }
        if self.cooldown_counter > 0 {
            return None;
        }
        self.wait += 1;
        if self.wait >= self.patience && lr > self.min_lr {
            self.cooldown_counter = self.cooldown;
            self.wait = 0;
            return Some((lr * self.factor).max(self.min_lr));
        }
        None
    }
}

impl Callback for ReduceLrOnPlateau {
    fn on_train_begin(&mut self, info: &TrainBegin) -> Result<()> {
        if !(self.factor > 0.0 && self.factor < 1.0) {
            return Err(Error::config(
                "ReduceLrOnPlateau.factor",
                self.factor,
                "a factor in (0, 1)",
            ));
        }
        self.monitor.resolve(info, "ReduceLrOnPlateau")?;
        self.best = None;
        self.wait = 0;
        self.cooldown_counter = 0;
        Ok(())
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &Sequential) -> Result<Control> {
        let (Some(&current), Some(lr)) = (logs.get(&self.monitor.key), model.learning_rate())
        else {
            return Ok(Control::Continue);
        };
        match self.observe(current, lr) {
            Some(new) => {
                if self.verbose {
                    println!(
                        "Epoch {}: ReduceLROnPlateau reducing learning rate to {new}.",
                        epoch + 1
                    );
                }
                Ok(Control::SetLearningRate(new))
            }
            None => Ok(Control::Continue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(cb: ReduceLrOnPlateau) -> ReduceLrOnPlateau {
        let mut cb = cb;
        let info = TrainBegin {
            epochs: 1,
            initial_epoch: 0,
            steps_per_epoch: 1,
            samples: 1,
            log_keys: vec![("val_loss".into(), false)],
        };
        cb.on_train_begin(&info).unwrap();
        cb
    }

    // Transcription of Keras's on_epoch_end: values 1.0, 0.9, then flat at 0.9 with
    // patience 2, factor 0.5, cooldown 1: reductions at epochs 3, 5 and 7.
    #[test]
    fn reduces_after_patience_with_cooldown() {
        let mut cb = resolved(
            ReduceLrOnPlateau::new("val_loss")
                .factor(0.5)
                .patience(2)
                .cooldown(1),
        );
        let mut lr = 0.1f32;
        let mut changes = Vec::new();
        for (epoch, v) in [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
            .into_iter()
            .enumerate()
        {
            if let Some(new) = cb.observe(v, lr) {
                lr = new;
                changes.push((epoch, new));
            }
        }
        assert_eq!(changes, vec![(3, 0.05), (5, 0.025), (7, 0.0125)]);
    }

    #[test]
    fn respects_min_lr_and_min_delta() {
        let mut cb = resolved(ReduceLrOnPlateau::new("val_loss").patience(1).min_lr(0.05));
        assert_eq!(cb.observe(1.0, 0.1), None);
        // 0.99995 is not better than 1.0 − 1e-4: a plateau.
        assert_eq!(cb.observe(0.999_95, 0.1), Some(0.05));
        assert_eq!(cb.observe(0.999_95, 0.05), None);
    }
}
