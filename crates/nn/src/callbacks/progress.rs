//! [`ProgressLogger`]: the epoch progress bar, or one plain line per epoch.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use super::{Callback, Control, Logs, TrainBegin};
use crate::{Result, Sequential};

/// How much `fit` prints (Keras's `verbose`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verbosity {
    /// Nothing (`verbose=0`).
    Silent,
    /// A progress bar per epoch with the running loss and metrics (`verbose=1`); one line
    /// per epoch when standard output is not a terminal.
    #[default]
    ProgressBar,
    /// One line per epoch (`verbose=2`).
    EpochLine,
}

/// Prints training progress; `fit` adds it itself according to [`Verbosity`].
#[derive(Debug)]
pub struct ProgressLogger {
    bar_wanted: bool,
    bar: Option<ProgressBar>,
    epochs: usize,
    steps: usize,
    started: Instant,
    last_message: Instant,
}

impl ProgressLogger {
    /// A logger for the given verbosity; `None` for [`Verbosity::Silent`].
    pub fn new(verbosity: Verbosity) -> Option<ProgressLogger> {
        let bar_wanted = match verbosity {
            Verbosity::Silent => return None,
            Verbosity::ProgressBar => std::io::stdout().is_terminal(),
            Verbosity::EpochLine => false,
        };
        Some(ProgressLogger {
            bar_wanted,
            bar: None,
            epochs: 0,
            steps: 0,
            started: Instant::now(),
            last_message: Instant::now(),
        })
    }
}

/// `loss: 0.1234 - mae: 0.2000` from names and values.
fn format_values<'a>(pairs: impl Iterator<Item = (&'a str, f64)>) -> String {
    pairs
        .map(|(k, v)| format!("{k}: {v:.4}"))
        .collect::<Vec<_>>()
        .join(" - ")
}

impl Callback for ProgressLogger {
    fn on_train_begin(&mut self, info: &TrainBegin) -> Result<()> {
        self.epochs = info.epochs;
        self.steps = info.steps_per_epoch;
        Ok(())
    }

    fn on_epoch_begin(&mut self, epoch: usize) {
        self.started = Instant::now();
        if self.bar_wanted {
            println!("Epoch {}/{}", epoch + 1, self.epochs);
            let bar = ProgressBar::new(self.steps as u64);
            bar.set_style(
                ProgressStyle::with_template("{pos:>5}/{len} [{bar:30}] {elapsed_precise} {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            self.bar = Some(bar);
        }
    }

    fn on_batch_end(&mut self, _batch: usize, names: &[String], values: &[f64]) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if self.last_message.elapsed() > Duration::from_millis(100) {
                self.last_message = Instant::now();
                bar.set_message(format_values(
                    names.iter().map(String::as_str).zip(values.iter().copied()),
                ));
            }
        }
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, _model: &Sequential) -> Result<Control> {
        let text = format_values(
            logs.iter()
                .filter(|(k, _)| k.as_str() != "learning_rate")
                .map(|(k, v)| (k.as_str(), *v)),
        );
        let secs = self.started.elapsed().as_secs_f64();
        match self.bar.take() {
            Some(bar) => bar.finish_with_message(text),
            None => println!(
                "Epoch {}/{} - {}/{} - {secs:.2}s - {text}",
                epoch + 1,
                self.epochs,
                self.steps,
                self.steps
            ),
        }
        Ok(Control::Continue)
    }
}
