//! [`copy_study`]: a study's finished trials from one storage into another.

use super::Storage;
use crate::error::Result;

/// Copies study `from_name` of `from` into a new study `to_name` of `to` (which may be the
/// same storage): its direction, its study attributes and every finished trial in number
/// order, with their parameters, values, intermediate values, attributes and times.
/// Waiting and Running trials are not copied (they belong to the workers of the source).
/// Returns the number of trials copied.
///
/// ```
/// use gradus_tune::storage::{InMemoryStorage, Storage, copy_study};
/// use gradus_tune::{Direction, TrialState};
/// let a = InMemoryStorage::new();
/// let id = a.create_study("s", Direction::Maximize).unwrap();
/// let t = a.create_trial(id, TrialState::Running, Default::default()).unwrap();
/// a.set_trial_state_value(t.id, TrialState::Complete, Some(2.0)).unwrap();
/// let b = InMemoryStorage::new();
/// assert_eq!(copy_study(&a, "s", &b, "s-copy").unwrap(), 1);
/// let copy = b.study_id_from_name("s-copy").unwrap();
/// assert_eq!(b.get_best_trial(copy).unwrap().value, Some(2.0));
/// ```
///
/// # Errors
/// An unknown source study, a target name that is taken
/// ([`Error::DuplicatedStudy`](crate::Error::DuplicatedStudy)), or a storage error.
pub fn copy_study(
    from: &dyn Storage,
    from_name: &str,
    to: &dyn Storage,
    to_name: &str,
) -> Result<usize> {
    let source = from.study_id_from_name(from_name)?;
    let direction = from.study_direction(source)?;
    let attrs = from.study_system_attrs(source)?;
    let trials = from.get_all_trials(source, None)?;
    let target = to.create_study(to_name, direction)?;
    for (key, value) in attrs {
        to.set_study_system_attr(target, &key, value)?;
    }
    let mut copied = 0;
    for t in trials.iter().filter(|t| t.state.is_finished()) {
        to.import_trial(target, t)?;
        copied += 1;
    }
    Ok(copied)
}
