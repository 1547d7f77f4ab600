//! The grid sampler's order is computed position by position, never materialised (issue 6: a
//! grid of 6.6·10¹¹ points shuffled a vector of all its ids and aborted on the allocation).

use gradus_tune::samplers::GRID_ID_KEY;
use gradus_tune::{Error, GridSampler, ParamValue, Study, TrialState};
use std::collections::{BTreeMap, BTreeSet};

/// A grid with `counts[i]` integer values for parameter `p{i}`.
fn grid(counts: &[usize]) -> GridSampler {
    let grid = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            (
                format!("p{i}"),
                (0..n as i64).map(ParamValue::Int).collect(),
            )
        })
        .collect();
    GridSampler::new(grid).unwrap()
}

/// Asks `n` trials of a study over `grid` seeded `seed`; returns their points and grid ids.
fn first_points(grid: GridSampler, seed: u64, n: usize) -> (Vec<Vec<i64>>, Vec<u64>) {
    let names: Vec<String> = (0..4).map(|i| format!("p{i}")).collect();
    let study = Study::builder().sampler(grid).seed(seed).build().unwrap();
    let mut points = Vec::new();
    for _ in 0..n {
        let mut t = study.ask().unwrap();
        let p: Vec<i64> = names
            .iter()
            .map(|name| t.suggest_int(name, 0, 999).unwrap())
            .collect();
        study.tell(t, Ok(0.0)).unwrap();
        points.push(p);
    }
    let ids = study
        .trials()
        .unwrap()
        .iter()
        .map(|t| t.system_attrs[GRID_ID_KEY].as_u64().unwrap())
        .collect();
    (points, ids)
}

#[test]
fn a_grid_of_6_6e11_points_costs_o1_memory_and_yields_distinct_points_in_seeded_order() {
    let counts = [660, 1000, 1000, 1000];
    let g = grid(&counts);
    assert_eq!(g.len(), 660_000_000_000);
    let expected: Vec<u64> = g.visiting_order(5).take(30).map(|i| i as u64).collect();
    let (points, ids) = first_points(g, 5, 30);
    assert_eq!(ids, expected, "trials visit the documented order");
    assert_eq!(
        points.iter().collect::<BTreeSet<_>>().len(),
        30,
        "distinct points"
    );
    assert_eq!(
        first_points(grid(&counts), 5, 30).0,
        points,
        "same seed, same order"
    );
    assert_ne!(
        first_points(grid(&counts), 6, 30).0,
        points,
        "another seed, another order"
    );
    // Point ids decode in product order, the last name fastest.
    for (p, id) in points.iter().zip(&ids) {
        let decoded = ((p[0] * 1000 + p[1]) * 1000 + p[2]) * 1000 + p[3];
        assert_eq!(decoded as u64, *id);
    }
}

#[test]
fn a_small_grid_is_visited_as_a_seeded_permutation() {
    let run = |seed| {
        let g = grid(&[3, 4]);
        let order: Vec<u64> = g.visiting_order(seed).map(|i| i as u64).collect();
        let study = Study::builder().sampler(g).seed(seed).build().unwrap();
        study
            .optimize(
                |t| Ok((t.suggest_int("p0", 0, 2)? + t.suggest_int("p1", 0, 3)?) as f64),
                gradus_tune::OptimizeOptions::n_trials(100),
            )
            .unwrap();
        let ids: Vec<u64> = study
            .trials()
            .unwrap()
            .iter()
            .map(|t| t.system_attrs[GRID_ID_KEY].as_u64().unwrap())
            .collect();
        assert_eq!(ids, order);
        ids
    };
    let a = run(3);
    assert_eq!(
        a.iter().copied().collect::<BTreeSet<_>>(),
        (0..12).collect()
    );
    assert_eq!(run(3), a);
    assert!((4..10).any(|s| run(s) != a));
}

#[test]
fn a_grid_beyond_usize_is_refused_with_the_fix() {
    let grid: BTreeMap<String, Vec<ParamValue>> = (0..64)
        .map(|i| {
            (
                format!("p{i:02}"),
                vec![ParamValue::Int(0), ParamValue::Int(1)],
            )
        })
        .collect();
    let e = GridSampler::new(grid).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "invalid setting `grid`: the grid has more than {} points (the product of the value \
             counts overflows at `p63`); split the search into several grids",
            usize::MAX
        )
    );
}

// Trials record grid values as JSON, which has no NaN or infinity.
#[test]
fn non_finite_grid_values_are_refused() {
    let grid = BTreeMap::from([("lr".to_string(), vec![0.1.into(), f64::NAN.into()])]);
    let e = GridSampler::new(grid).unwrap_err();
    assert!(matches!(e, Error::NonFiniteValue { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("parameter `lr`: NaN is not a finite number")
    );
}

// A storage shared with a study of a larger grid: the id is refused, not wrapped around.
#[test]
fn a_grid_id_beyond_the_grid_is_an_error() {
    let study = Study::builder().sampler(grid(&[2, 2])).build().unwrap();
    study
        .storage()
        .create_trial(
            study.id(),
            TrialState::Waiting,
            BTreeMap::from([(GRID_ID_KEY.to_string(), 99.into())]),
        )
        .unwrap();
    let e = study.ask().unwrap_err();
    assert!(
        matches!(e, Error::InvalidConfig { name: "grid", .. }),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("trial 0 holds grid point 99, but this grid has 4")
    );
    assert_eq!(study.trials().unwrap()[0].state, TrialState::Failed);
}
