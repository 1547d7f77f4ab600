//! Study callbacks: see each finished trial, and decide whether the study goes on.

use crate::frozen_trial::FrozenTrial;
use crate::study::Study;
use serde::{Deserialize, Serialize};

/// A callback's decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Control {
    /// Keep optimizing.
    #[default]
    Continue,
    /// Stop the study after the trials that are running now.
    Stop,
}

/// Called after each trial of [`Study::optimize_with_callbacks`] finishes, one call at a time
/// (never concurrently, also with parallel workers). Closures
/// `FnMut(&Study, &FrozenTrial) -> Control` implement it.
pub trait StudyCallback: Send {
    /// Sees the finished trial; returns whether the study goes on.
    fn after_trial(&mut self, study: &Study, trial: &FrozenTrial) -> Control;
}

impl<F: FnMut(&Study, &FrozenTrial) -> Control + Send> StudyCallback for F {
    fn after_trial(&mut self, study: &Study, trial: &FrozenTrial) -> Control {
        self(study, trial)
    }
}
