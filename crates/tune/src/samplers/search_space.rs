//! The intersection search space of a study.

use crate::distribution::Distribution;
use crate::frozen_trial::FrozenTrial;
use crate::trial_state::TrialState;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The parameters that every finished (Complete, and Pruned when `include_pruned`) trial
/// suggested with the same distribution, without single-valued ones — Optuna's
/// `IntersectionSearchSpace`. Names come sorted.
pub fn intersection_search_space(
    trials: &[Arc<FrozenTrial>],
    include_pruned: bool,
) -> BTreeMap<String, Distribution> {
    let mut space: Option<BTreeMap<String, Distribution>> = None;
    for t in trials {
        let counted =
            t.state == TrialState::Complete || (include_pruned && t.state == TrialState::Pruned);
        if !counted {
            continue;
        }
        match &mut space {
            None => space = Some(t.distributions.clone()),
            Some(s) => {
                s.retain(|name, d| t.distributions.get(name) == Some(d));
                if s.is_empty() {
                    break;
                }
            }
        }
    }
    let mut space = space.unwrap_or_default();
    space.retain(|_, d| !d.is_single());
    space
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen_trial::TrialId;

    fn trial(state: TrialState, dists: &[(&str, Distribution)]) -> Arc<FrozenTrial> {
        let mut t = FrozenTrial::new(TrialId(0), 0, state);
        for (n, d) in dists {
            t.distributions.insert((*n).into(), d.clone());
        }
        Arc::new(t)
    }

    #[test]
    fn keeps_common_equal_distributions_only() {
        let x = Distribution::float("x", 0.0, 1.0).unwrap();
        let x2 = Distribution::float("x", 0.0, 2.0).unwrap();
        let y = Distribution::int("y", 0, 3).unwrap();
        let one = Distribution::int("c", 1, 1).unwrap();
        let trials = vec![
            trial(
                TrialState::Complete,
                &[("x", x.clone()), ("y", y.clone()), ("c", one.clone())],
            ),
            trial(TrialState::Failed, &[("x", x2.clone())]),
            trial(TrialState::Pruned, &[("x", x.clone()), ("y", y.clone())]),
            trial(TrialState::Running, &[]),
        ];
        let s = intersection_search_space(&trials, true);
        assert_eq!(s.keys().collect::<Vec<_>>(), vec!["x", "y"]);
        let trials2 = [
            trials.clone(),
            vec![trial(TrialState::Complete, &[("x", x2), ("y", y)])],
        ]
        .concat();
        assert_eq!(
            intersection_search_space(&trials2, true)
                .keys()
                .collect::<Vec<_>>(),
            vec!["y"]
        );
        // Without pruned trials the single-valued `c` still drops out.
        assert_eq!(intersection_search_space(&trials[..1], false).len(), 2);
    }
}
