//! [`TrialReporter`]: reports and pruning decisions for a running trial, from code that
//! cannot borrow the [`Trial`](crate::Trial) (a training callback, another thread).

use std::sync::Arc;

use crate::error::Result;
use crate::frozen_trial::{PRUNED_KEY, TrialId};
use crate::guard::guarded;
use crate::pruners::PrunerContext;
use crate::study::StudyShared;

/// An owned, cloneable handle on a running trial with the two calls a training loop needs:
/// [`report`](TrialReporter::report) an intermediate value and ask
/// [`should_prune`](TrialReporter::should_prune). Get one from
/// [`Trial::reporter`](crate::Trial::reporter); it is `Send + Sync + 'static`, so it can
/// live inside a boxed callback.
///
/// ```
/// use gradus_tune::{OptimizeOptions, Study};
/// let study = Study::builder().seed(0).build()?;
/// study.optimize(|trial| {
///     let reporter = trial.reporter();
///     let handle = std::thread::spawn(move || reporter.report(0, 1.5));
///     handle.join().unwrap()?;
///     Ok(1.5)
/// }, OptimizeOptions::n_trials(1))?;
/// assert_eq!(study.trials()?[0].intermediate_values[&0], 1.5);
/// # Ok::<(), gradus_tune::Error>(())
/// ```
#[derive(Clone)]
pub struct TrialReporter {
    pub(crate) shared: Arc<StudyShared>,
    pub(crate) id: TrialId,
}

impl TrialReporter {
    /// The trial's storage id.
    pub fn id(&self) -> TrialId {
        self.id
    }

    /// Reports an intermediate value (e.g. the validation loss after epoch `step`). A step
    /// already reported is ignored, as in Optuna. NaN is allowed (pruners treat it as worst).
    pub fn report(&self, step: u64, value: f64) -> Result<()> {
        let me = self.shared.storage.get_trial(self.id)?;
        if me.intermediate_values.contains_key(&step) {
            return Ok(());
        }
        self.shared
            .storage
            .set_trial_intermediate_value(self.id, step, value)
    }

    /// Asks the study's pruner whether the trial should stop now. A pruner that panics makes
    /// this an [`Error::Panicked`](crate::Error::Panicked).
    pub fn should_prune(&self) -> Result<bool> {
        let s = &self.shared;
        let trials = s.storage.get_all_trials(s.study_id, None)?;
        let me = s.storage.get_trial(self.id)?;
        let ctx = PrunerContext {
            storage: &*s.storage,
            study_id: s.study_id,
            study_name: &s.name,
            direction: s.direction,
            trials: &trials,
        };
        guarded(
            "pruner",
            || format!("deciding on trial {}", me.number),
            || s.pruner.prune(&ctx, &me),
        )
    }

    /// Marks the trial as pruned: when its objective then returns `Ok(value)`, the study
    /// records it Pruned (value: its last finite intermediate value, as for
    /// `Err(TrialError::Pruned)`), so code that stops training on the pruner's word — a
    /// training callback — cannot leave a half-trained trial recorded as Complete. The mark
    /// is stored with the trial, so it holds across threads and processes.
    ///
    /// ```
    /// use gradus_tune::{OptimizeOptions, Study, TrialState};
    /// let study = Study::builder().seed(0).build()?;
    /// study.optimize(|trial| {
    ///     let reporter = trial.reporter();
    ///     reporter.report(0, 0.7)?;
    ///     reporter.prune()?; // e.g. inside a callback that then stops training
    ///     Ok(0.7) // the objective does not need to know
    /// }, OptimizeOptions::n_trials(1))?;
    /// assert_eq!(study.trials()?[0].state, TrialState::Pruned);
    /// # Ok::<(), gradus_tune::Error>(())
    /// ```
    pub fn prune(&self) -> Result<()> {
        self.shared
            .storage
            .set_trial_system_attr(self.id, PRUNED_KEY, true.into())
    }
}

impl std::fmt::Debug for TrialReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrialReporter")
            .field("id", &self.id)
            .finish()
    }
}
