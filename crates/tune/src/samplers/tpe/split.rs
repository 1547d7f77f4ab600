//! Splitting the trials into the good group `l(x)` and the bad group `g(x)`.

use crate::frozen_trial::FrozenTrial;
use crate::trial_state::{Direction, TrialState};

/// Optuna's `_split_trials` for one objective: Complete trials sorted by value fill the good
/// group first (`n_below` of them); remaining good slots go to Pruned trials ranked by
/// `(−last step, last intermediate value)` (direction-aware; NaN ranks last; a pruned trial with
/// no report ranks after all that reported); Running trials are always bad (the constant liar).
/// Ties go to the lower trial number (Python's stable sorts). Both groups come back in
/// trial-number order.
///
/// O(n): the good Complete trials are found by selection, not by sorting all of them, and the
/// groups are read off the input in its order (`trials` must be in number order).
pub(crate) fn split_trials<'a>(
    trials: &[&'a FrozenTrial],
    n_below: usize,
    direction: Direction,
) -> (Vec<&'a FrozenTrial>, Vec<&'a FrozenTrial>) {
    let by_key = |a: &(f64, f64, u64), b: &(f64, f64, u64)| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
    };
    let mut complete: Vec<(f64, f64, u64)> = Vec::new();
    let mut pruned: Vec<(f64, f64, u64)> = Vec::new();
    for t in trials {
        match t.state {
            TrialState::Complete => complete.push((
                direction.to_loss(t.value.unwrap_or(f64::NAN)),
                0.0,
                t.number,
            )),
            TrialState::Pruned => {
                let (step, value) = pruned_key(t, direction);
                pruned.push((step, value, t.number));
            }
            _ => {}
        }
    }
    // n_below may be huge (a cap of usize::MAX means "no cap"); no more than all trials fit.
    let n_below = n_below.min(trials.len());
    let mut good = Vec::with_capacity(n_below);
    for group in [&mut complete, &mut pruned] {
        let k = (n_below - good.len()).min(group.len());
        if k == 0 {
            continue;
        }
        if k < group.len() {
            group.select_nth_unstable_by(k - 1, by_key);
        }
        good.extend(group[..k].iter().map(|e| e.2));
    }
    good.sort_unstable();
    let mut below = Vec::with_capacity(good.len());
    let mut above = Vec::with_capacity(trials.len().saturating_sub(good.len()));
    for &t in trials {
        if good.binary_search(&t.number).is_ok() {
            below.push(t);
        } else {
            above.push(t);
        }
    }
    (below, above)
}

/// Optuna's `_get_pruned_trial_score`: smaller is better.
fn pruned_key(t: &FrozenTrial, direction: Direction) -> (f64, f64) {
    match t.intermediate_values.iter().next_back() {
        None => (1.0, 0.0),
        Some((&step, &v)) if v.is_nan() => (-(step as f64), f64::INFINITY),
        Some((&step, &v)) => (-(step as f64), direction.to_loss(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen_trial::TrialId;

    fn t(
        number: u64,
        state: TrialState,
        value: Option<f64>,
        reports: &[(u64, f64)],
    ) -> FrozenTrial {
        let mut t = FrozenTrial::new(TrialId(number), number, state);
        t.value = value;
        t.intermediate_values = reports.iter().copied().collect();
        t
    }

    fn numbers(v: &[&FrozenTrial]) -> Vec<u64> {
        v.iter().map(|t| t.number).collect()
    }

    // Hand-computed from Optuna's rules: complete values 0:5, 1:1, 3:3, 6:1 (minimize) ->
    // sorted 1, 6, 3, 0 (stable on the tie). With n_below = 3 the good group is {1, 6, 3}.
    // With n_below = 6, two pruned slots: pruned keys 2:(-4, 0.5), 4:(-9, 7.0), 5:(-9, NaN→inf),
    // 7:(1, 0) -> order 4, 5, 2, 7 -> {4, 5} join; running 8 is always above.
    #[test]
    fn complete_then_pruned_fill_the_good_group() {
        let trials = [
            t(0, TrialState::Complete, Some(5.0), &[]),
            t(1, TrialState::Complete, Some(1.0), &[]),
            t(2, TrialState::Pruned, Some(0.5), &[(0, 0.9), (4, 0.5)]),
            t(3, TrialState::Complete, Some(3.0), &[]),
            t(4, TrialState::Pruned, Some(7.0), &[(9, 7.0)]),
            t(5, TrialState::Pruned, None, &[(9, f64::NAN)]),
            t(6, TrialState::Complete, Some(1.0), &[]),
            t(7, TrialState::Pruned, None, &[]),
            t(8, TrialState::Running, None, &[]),
        ];
        let refs: Vec<&FrozenTrial> = trials.iter().collect();
        let (below, above) = split_trials(&refs, 3, Direction::Minimize);
        assert_eq!(numbers(&below), vec![1, 3, 6]);
        assert_eq!(numbers(&above), vec![0, 2, 4, 5, 7, 8]);
        let (below, above) = split_trials(&refs, 6, Direction::Minimize);
        assert_eq!(numbers(&below), vec![0, 1, 3, 4, 5, 6]);
        assert_eq!(numbers(&above), vec![2, 7, 8]);
        // Maximizing flips the order of values: best complete are 0 (5) and 3 (3).
        let (below, _) = split_trials(&refs, 2, Direction::Maximize);
        assert_eq!(numbers(&below), vec![0, 3]);
    }
}
