//! Hostile shapes and values for the facade's scorers and searches: every call returns
//! `Ok` or `Err`, never panics.

use gradus::prelude::*;
use gradus::{Error, Estimator, Result as GResult};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -3.0f32..3.0,
        2 => (0u8..4).prop_map(f32::from),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(1e30f32),
        1 => Just(-1.0f32),
    ]
}

fn tensor() -> impl Strategy<Value = Tensor> {
    (1usize..6, 1usize..4).prop_flat_map(|(r, c)| {
        prop::collection::vec(value(), r * c)
            .prop_map(move |v| Tensor::from_vec(v, &[r, c]).unwrap())
    })
}

fn scoring() -> impl Strategy<Value = Scoring> {
    prop::sample::select(vec![
        Scoring::NegMeanSquaredError,
        Scoring::NegRootMeanSquaredError,
        Scoring::NegMeanAbsoluteError,
        Scoring::R2,
        Scoring::Accuracy,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    })]

    /// Any predictions against any targets: a finite score (accuracy in [0, 1]) or an
    /// error naming the scorer.
    #[test]
    fn scorers_score_or_explain(s in scoring(), pred in tensor(), y in tensor()) {
        match s.score(&pred, &y) {
            Ok(v) => {
                prop_assert!(v.is_finite(), "{v}");
                prop_assert_eq!(pred.rows(), y.rows());
                if s == Scoring::Accuracy {
                    prop_assert!((0.0..=1.0).contains(&v));
                } else {
                    prop_assert_eq!(pred.dims(), y.dims());
                }
            }
            Err(e) => prop_assert!(
                e.to_string().starts_with(&format!("scoring `{}`: ", s.name())),
                "{e}"
            ),
        }
        let _ = s.check_targets(&y);
    }
}

fn build(p: &Params) -> GResult<Estimator> {
    let mut m = Sequential::new();
    m.add(Dense::new(3).activation(Activation::Softmax));
    m.compile(
        OptimizerConfig::adam(p.f32_or("learning_rate", 0.01)?),
        LossConfig::sparse_categorical_crossentropy(),
        &[],
    )?;
    Ok(Estimator::new(
        m,
        FitConfig::new().epochs(2).verbose(Verbosity::Silent),
    ))
}

fn iris() -> (Tensor, Tensor) {
    let d = bundled::iris().unwrap();
    (d.x, d.y)
}

/// The examples of the hardening issue: searches with no candidates, and scorers for the
/// wrong task, fail up front with errors that say what to change.
#[test]
fn empty_searches_and_wrong_scorers_are_errors() {
    let (x, y) = iris();
    let space = SearchSpace::new().float_log("learning_rate", 1e-3, 1e-1);
    let e = RandomizedSearchCv::new(build, space.clone())
        .n_iter(0)
        .fit(&x, &y)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "search: RandomizedSearchCv.n_iter is 0; evaluate at least 1 candidate"
    );
    let e = TpeSearchCv::new(build, space.clone())
        .max_evals(0)
        .fit(&x, &y)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "search: TpeSearchCv.max_evals is 0; evaluate at least 1 candidate"
    );

    // R² of a 3-class softmax against class ids: every candidate fails with the reason.
    let e = RandomizedSearchCv::new(build, space.clone())
        .n_iter(1)
        .cv(KFold::new(3))
        .scoring(Scoring::R2)
        .fit(&x, &y)
        .unwrap_err();
    assert!(
        e.to_string().contains("scoring `r2`: compares predictions and targets value by value, but predictions are [50, 3] and targets [50, 1]"),
        "{e}"
    );
    // Accuracy on a continuous (standardised) target: refused before any training.
    let d = bundled::diabetes().unwrap();
    let y = StandardScaler::fit(&d.y).unwrap().transform(&d.y).unwrap();
    let e = RandomizedSearchCv::new(build, space)
        .n_iter(1)
        .scoring(Scoring::Accuracy)
        .fit(&d.x, &y)
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Scoring {
                scoring: "accuracy",
                ..
            }
        ),
        "{e}"
    );
}

/// A grid's size saturates instead of wrapping (10^20 points would wrap to a small number).
#[test]
fn huge_grids_count_without_overflow() {
    let values: Vec<f64> = (0..10).map(f64::from).collect();
    let grid = (0..20).fold(ParamGrid::new(), |g, i| g.param(&format!("p{i}"), &values));
    assert_eq!(grid.len(), usize::MAX);
    let grid = (0..11).fold(ParamGrid::new(), |g, i| g.param(&format!("p{i}"), &values));
    assert_eq!(grid.len(), 100_000_000_000);
}
