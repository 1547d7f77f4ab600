//! [`ProgressBar`]: Optuna's `show_progress_bar` — trials done, best value so far, elapsed.

use std::time::Duration;

use crate::callback::{Control, StudyCallback};
use crate::frozen_trial::FrozenTrial;
use crate::study::Study;
use crate::trial_state::TrialState;

/// A study callback that draws a progress bar on stderr: trials finished (out of
/// `n_trials` when known), the best value so far with its trial, and the elapsed time.
/// [`OptimizeOptions::show_progress_bar`](crate::OptimizeOptions::show_progress_bar) adds
/// one; it draws nothing when stderr is not a terminal.
#[derive(Debug)]
pub struct ProgressBar {
    bar: indicatif::ProgressBar,
    best: Option<(f64, u64)>,
}

impl ProgressBar {
    /// A bar for `n_trials` trials (`None`: a spinner that counts).
    pub fn new(n_trials: Option<usize>) -> ProgressBar {
        let bar = match n_trials {
            Some(n) => indicatif::ProgressBar::new(n as u64),
            None => indicatif::ProgressBar::new_spinner(),
        };
        let template = if n_trials.is_some() {
            "{elapsed_precise} [{bar:30}] {pos}/{len} trials  {msg}"
        } else {
            "{elapsed_precise} {spinner} {pos} trials  {msg}"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(250));
        ProgressBar { bar, best: None }
    }

    /// The line after `trial`: best value so far and its trial number.
    fn message(&self) -> String {
        match self.best {
            Some((v, n)) => format!("best value {v:.6} (trial {n})"),
            None => "no complete trial yet".into(),
        }
    }
}

impl StudyCallback for ProgressBar {
    fn after_trial(&mut self, study: &Study, trial: &FrozenTrial) -> Control {
        if trial.state == TrialState::Complete
            && let Some(v) = trial.value
            && self
                .best
                .is_none_or(|(b, _)| study.direction().is_better(v, b))
        {
            self.best = Some((v, trial.number));
        }
        self.bar.inc(1);
        self.bar.set_message(self.message());
        Control::Continue
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.bar.finish();
    }
}
