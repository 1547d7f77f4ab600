//! [`TrialCache`]: what a database backend remembers of each study's trials, so that reading
//! a study of 10 000 trials costs a query for the few that can still change.
//!
//! Finished trials never change (the storage contract), so their snapshots are kept for
//! good. A read asks the database only for the trials this process has not seen finished:
//! numbers above the highest one seen, and the known numbers still Waiting or Running (Optuna's
//! `_CachedStorage` idea). Trial numbers are allocated inside the transaction that inserts
//! the trial, one transaction at a time per study, so a reader never sees number `n + 1`
//! committed before `n`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::frozen_trial::{FrozenTrial, StudyId};
use crate::trial_state::TrialState;

/// Known numbers that are still open beyond which a read asks for every number from the
/// smallest open one instead of listing them (keeps statements short).
const MAX_LISTED: usize = 256;

/// The trials of one study that this process has read.
#[derive(Debug, Default)]
pub(crate) struct StudyTrials {
    by_number: BTreeMap<u64, Arc<FrozenTrial>>,
    /// The numbers of the Waiting and Running trials among them: what a read must fetch
    /// again (kept apart so that finding them costs nothing per finished trial).
    open: BTreeSet<u64>,
}

/// Which rows a read must fetch: numbers `>= from`, and the numbers in `open` (all below
/// `from`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unseen {
    pub(crate) from: u64,
    pub(crate) open: Vec<u64>,
}

impl StudyTrials {
    /// The rows to fetch to be up to date.
    pub(crate) fn unseen(&self) -> Unseen {
        let from = self.by_number.keys().next_back().map_or(0, |n| n + 1);
        let open: Vec<u64> = self.open.iter().copied().collect();
        if open.len() > MAX_LISTED {
            Unseen {
                from: open[0],
                open: Vec::new(),
            }
        } else {
            Unseen { from, open }
        }
    }

    /// Takes in freshly read rows.
    pub(crate) fn update(&mut self, rows: impl IntoIterator<Item = FrozenTrial>) {
        for t in rows {
            if t.state.is_finished() {
                self.open.remove(&t.number);
            } else {
                self.open.insert(t.number);
            }
            self.by_number.insert(t.number, Arc::new(t));
        }
    }

    /// The trials in number order, optionally only those in `states`.
    pub(crate) fn snapshot(&self, states: Option<&[TrialState]>) -> Vec<Arc<FrozenTrial>> {
        self.by_number
            .values()
            .filter(|t| states.is_none_or(|s| s.contains(&t.state)))
            .cloned()
            .collect()
    }
}

/// The per-study caches of one storage object.
#[derive(Debug, Default)]
pub(crate) struct TrialCache {
    studies: Mutex<HashMap<StudyId, StudyTrials>>,
}

impl TrialCache {
    /// The cache, locked (a panic while it was held leaves at worst stale open trials,
    /// which the next read refreshes).
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<StudyId, StudyTrials>> {
        self.studies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets a study (deleted).
    pub(crate) fn forget(&self, study: StudyId) {
        self.lock().remove(&study);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen_trial::TrialId;

    fn trial(number: u64, state: TrialState) -> FrozenTrial {
        FrozenTrial::new(TrialId(number + 100), number, state)
    }

    #[test]
    fn reads_only_new_and_open_trials() {
        let mut c = StudyTrials::default();
        assert_eq!(
            c.unseen(),
            Unseen {
                from: 0,
                open: vec![]
            }
        );
        c.update([
            trial(0, TrialState::Complete),
            trial(1, TrialState::Running),
            trial(2, TrialState::Failed),
            trial(3, TrialState::Waiting),
        ]);
        assert_eq!(
            c.unseen(),
            Unseen {
                from: 4,
                open: vec![1, 3]
            }
        );
        c.update([trial(1, TrialState::Complete)]);
        assert_eq!(c.unseen().open, vec![3]);
        assert_eq!(c.snapshot(Some(&[TrialState::Complete])).len(), 2);
        let many: Vec<FrozenTrial> = (4..400).map(|n| trial(n, TrialState::Waiting)).collect();
        c.update(many);
        assert_eq!(
            c.unseen(),
            Unseen {
                from: 3,
                open: vec![]
            },
            "many open trials: read from the first one on"
        );
    }
}
