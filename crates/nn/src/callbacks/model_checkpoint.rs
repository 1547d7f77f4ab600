//! [`ModelCheckpoint`]: save the model every epoch or whenever it improves.

use super::{Callback, Control, Logs, Monitor, MonitorMode, TrainBegin};
use crate::{Error, Result, Sequential};

/// Saves the model (architecture, weights and optimizer state; see
/// [`Sequential::save`]) at the end of epochs, as Keras's `ModelCheckpoint`.
///
/// The path may contain placeholders filled from the epoch (counted from 1, as Keras) and
/// the logs: `{epoch}`, `{epoch:02d}`, `{val_loss:.4f}`. With `save_best_only`, the model
/// is saved only when the monitored value is strictly better than the best so far (or than
/// `initial_value_threshold`).
///
/// ```no_run
/// use gradus_nn::ModelCheckpoint;
/// let cb = ModelCheckpoint::new("checkpoints/model-{epoch:02d}-{val_loss:.3f}")
///     .monitor("val_loss")
///     .save_best_only(true);
/// # let _ = cb;
/// ```
#[derive(Debug, Clone)]
pub struct ModelCheckpoint {
    path: String,
    monitor: Monitor,
    save_best_only: bool,
    initial_value_threshold: Option<f64>,
    verbose: bool,
    best: Option<f64>,
    saved: Vec<String>,
}

impl ModelCheckpoint {
    /// Saves to `path` (a directory per save; placeholders allowed) every epoch.
    pub fn new(path: impl Into<String>) -> ModelCheckpoint {
        ModelCheckpoint {
            path: path.into(),
            monitor: Monitor::new("val_loss", MonitorMode::Auto, 0.0),
            save_best_only: false,
            initial_value_threshold: None,
            verbose: false,
            best: None,
            saved: Vec::new(),
        }
    }

    /// The quantity compared with `save_best_only` (default `val_loss`).
    pub fn monitor(mut self, key: &str) -> ModelCheckpoint {
        self.monitor = Monitor::new(key, self.monitor.mode, 0.0);
        self
    }

    /// Direction of improvement.
    pub fn mode(mut self, mode: MonitorMode) -> ModelCheckpoint {
        self.monitor = Monitor::new(self.monitor.key.clone(), mode, 0.0);
        self
    }

    /// Save only when the monitored value improves.
    pub fn save_best_only(mut self, yes: bool) -> ModelCheckpoint {
        self.save_best_only = yes;
        self
    }

    /// The value to beat before the first save.
    pub fn initial_value_threshold(mut self, value: f64) -> ModelCheckpoint {
        self.initial_value_threshold = Some(value);
        self
    }

    /// Print a line for each save.
    pub fn verbose(mut self, verbose: bool) -> ModelCheckpoint {
        self.verbose = verbose;
        self
    }

    /// The paths saved so far, in order.
    pub fn saved(&self) -> &[String] {
        &self.saved
    }
}

impl Callback for ModelCheckpoint {
    fn on_train_begin(&mut self, info: &TrainBegin) -> Result<()> {
        if self.save_best_only {
            self.monitor.resolve(info, "ModelCheckpoint")?;
        }
        self.best = self.initial_value_threshold;
        let mut sample = Logs::new();
        for (k, _) in &info.log_keys {
            sample.insert(k.clone(), 0.0);
        }
        format_path(&self.path, 1, &sample)?;
        Ok(())
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &Sequential) -> Result<Control> {
        if self.save_best_only {
            let Some(&current) = logs.get(&self.monitor.key) else {
                return Ok(Control::Continue);
            };
            if !self.monitor.beats(current, self.best, 0.0) {
                return Ok(Control::Continue);
            }
            self.best = Some(current);
        }
        let path = format_path(&self.path, epoch + 1, logs)?;
        model.save(&path)?;
        if self.verbose {
            println!("Epoch {}: saving model to {path}", epoch + 1);
        }
        self.saved.push(path);
        Ok(Control::Continue)
    }
}

/// Fills `{epoch}`, `{epoch:02d}`, `{key}` and `{key:.Nf}` placeholders.
fn format_path(pattern: &str, epoch: usize, logs: &Logs) -> Result<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
            Error::config(
                "ModelCheckpoint path",
                pattern,
                "balanced `{…}` placeholders",
            )
        })?;
        let field = &rest[open + 1..close];
        let (name, spec) = field.split_once(':').unwrap_or((field, ""));
        let value = if name == "epoch" {
            epoch as f64
        } else {
            *logs.get(name).ok_or_else(|| Error::UnknownName {
                kind: "ModelCheckpoint path placeholder",
                name: name.into(),
                context: String::new(),
                available: format!(
                    "epoch, {}",
                    logs.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            })?
        };
        let text = if let Some(width) = spec.strip_suffix('d') {
            let width: usize = width.trim_start_matches('0').parse().unwrap_or(0);
            format!("{:0width$}", value as i64)
        } else if let Some(prec) = spec.strip_prefix('.').and_then(|s| s.strip_suffix('f')) {
            let prec: usize = prec.parse().unwrap_or(6);
            format!("{value:.prec$}")
        } else if name == "epoch" {
            format!("{epoch}")
        } else {
            format!("{value}")
        };
        out.push_str(&text);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let logs = Logs::from([("val_loss".to_string(), 0.123_456)]);
        assert_eq!(
            format_path("m-{epoch:02d}-{val_loss:.3f}", 7, &logs).unwrap(),
            "m-07-0.123"
        );
        assert_eq!(format_path("m{epoch}", 12, &logs).unwrap(), "m12");
        let e = format_path("m-{acc}", 1, &logs).unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown ModelCheckpoint path placeholder `acc`; available: epoch, val_loss"
        );
    }
}
