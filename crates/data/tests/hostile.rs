//! Hostile arguments to every public entry point but CSV parsing (see `hostile_csv.rs`):
//! random and extreme sizes, fractions, seeds, labels, values and shapes. Every call returns
//! `Ok` or `Err` within a time limit, and every `Ok` keeps its promise (folds partition the
//! rows, one-hot rows hold one 1 at the label, scaled fit data is finite).

use gradus_data::{
    CrossValidation, Dataset, Fold, KFold, MinMaxOptions, MinMaxScaler, Scaler, ShuffleSplit,
    SmallClasses, SplitOptions, Splitter, StandardScaler, StratifiedKFold, bundled, decode_one_hot,
    one_hot, split_indices, train_test_split,
};
use gradus_tensor::Tensor;
use proptest::prelude::*;
use serde_json::json;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        timeout: 10_000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    }
}

/// Small counts, and counts far beyond any data (more than 2³² rows or classes).
fn count() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 0usize..40,
        1 => (1usize << 40)..usize::MAX,
        1 => Just(usize::MAX),
    ]
}

/// Split counts: small, near the 2²⁸-index bound, and absurd.
fn n_splits() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 0usize..12,
        1 => (1usize << 20)..(1usize << 30),
        1 => Just(usize::MAX),
    ]
}

/// Every kind of `f64`, and fractions in and around (0, 1).
fn fraction() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        0.0f64..1.0,
        prop::sample::select(vec![0.0, 1.0, -0.0, f64::MIN_POSITIVE, 1.0 - f64::EPSILON]),
    ]
}

/// Every kind of `f32` (NaN, infinities, subnormals), small integers and extremes.
fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<f32>(),
        -1e3f32..1e3,
        (0u8..6).prop_map(f32::from),
        prop::sample::select(vec![f32::MAX, f32::MIN, 1e9, 1e20, -0.0, f32::NAN]),
    ]
}

/// A tensor of rank 1 to 3 with random values, or an empty one whose rows are huge.
fn tensor() -> impl Strategy<Value = Tensor> {
    let filled = (0usize..7, 0usize..4, 1usize..3, any::<bool>()).prop_flat_map(
        |(rows, cols, depth, flat)| {
            let dims = match (flat, depth) {
                (true, _) => vec![rows * cols],
                (false, 1) => vec![rows, cols],
                (false, _) => vec![rows, cols, depth],
            };
            let len: usize = dims.iter().product();
            prop::collection::vec(value(), len)
                .prop_map(move |data| Tensor::from_vec(data, &dims).unwrap())
        },
    );
    let empty_wide = prop::sample::select(vec![1usize << 40, gradus_tensor::Shape::MAX_LEN])
        .prop_map(|cols| Tensor::zeros(&[0, cols]));
    prop_oneof![6 => filled, 1 => empty_wide]
}

/// A column of labels: small class ids mostly, any value sometimes.
fn labels() -> impl Strategy<Value = Tensor> {
    let label = prop_oneof![8 => (0u8..5).prop_map(f32::from), 1 => value()];
    prop::collection::vec(label, 0..30).prop_map(|v| Tensor::column(&v))
}

/// Any finite `f64` (what JSON can hold).
fn finite() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |v| v.is_finite())
}

/// Checks that `z`, mapped from `x`, is finite wherever `x` is.
fn assert_finite_where_finite(z: &Tensor, x: &Tensor) {
    let bad = z
        .data()
        .iter()
        .zip(x.data())
        .position(|(z, x)| x.is_finite() && !z.is_finite());
    assert_eq!(bad, None, "{x:?} → {z:?}");
}

/// Checks that `fold` splits `0..n` into disjoint train and test rows.
fn assert_partition(fold: &Fold, n: usize) {
    let mut seen = vec![false; n];
    for &i in fold.train.iter().chain(&fold.test) {
        assert!(i < n && !seen[i], "row {i} of {n} twice or out of range");
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s), "a row is in neither side");
}

/// Checks k-fold output: `k` partitions, each row tested exactly once.
fn assert_k_folds(folds: &[Fold], k: usize, n: usize) {
    assert_eq!(folds.len(), k);
    let mut tested = vec![0; n];
    for f in folds {
        assert_partition(f, n);
        f.test.iter().for_each(|&i| tested[i] += 1);
    }
    assert!(tested.iter().all(|&t| t == 1));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hold_out_splits(
        n in count(), t in fraction(), seed in any::<u64>(), shuffle in any::<bool>(),
    ) {
        if let Ok(fold) = split_indices(n, t, seed, shuffle) {
            prop_assert_eq!(fold.test.len(), (t * n as f64).ceil() as usize);
            assert_partition(&fold, n);
        }
    }

    #[test]
    fn train_test_split_of_any_tensors(
        x in tensor(), y in tensor(), t in fraction(), seed in any::<u64>(),
        shuffle in any::<bool>(), stratify in any::<bool>(),
    ) {
        let options = SplitOptions::new()
            .test_size(t)
            .seed(seed)
            .shuffle(shuffle)
            .stratify(stratify);
        if let Ok(s) = train_test_split(&x, &y, options) {
            prop_assert_eq!(s.x_train.rows() + s.x_test.rows(), x.rows());
            prop_assert_eq!(s.y_test.rows(), s.x_test.rows());
            prop_assert_eq!(s.x_test.rows(), (t * x.rows() as f64).ceil() as usize);
        }
    }

    #[test]
    fn stratified_splits_of_any_labels(
        y in labels(), t in fraction(), seed in any::<u64>(),
    ) {
        let x = Tensor::column(&(0..y.rows()).map(|i| i as f32).collect::<Vec<_>>());
        let options = SplitOptions::new().test_size(t).seed(seed).stratify(true);
        if let Ok(s) = train_test_split(&x, &y, options) {
            // Each class's test share is within one row of its proportional share.
            let n = y.rows() as f64;
            let n_test = s.y_test.rows() as f64;
            let mut classes: Vec<f32> = y.data().to_vec();
            classes.sort_by(f32::total_cmp);
            classes.dedup();
            for c in classes {
                let total = y.data().iter().filter(|&&v| v == c).count() as f64;
                let test = s.y_test.data().iter().filter(|&&v| v == c).count() as f64;
                prop_assert!((test - n_test * total / n).abs() < 1.0 + 1e-9, "class {c}");
            }
            let mut rows: Vec<f32> = s.x_train.data().iter().chain(s.x_test.data()).copied().collect();
            rows.sort_by(f32::total_cmp);
            prop_assert!(rows.iter().enumerate().all(|(i, &v)| v == i as f32));
        }
    }

    #[test]
    fn k_fold_splitters(
        k in n_splits(), n in count(), seed in any::<u64>(), shuffle in any::<bool>(),
        y in labels(), allow in any::<bool>(),
    ) {
        let kfold = KFold { n_splits: k, shuffle, seed };
        if let Ok(folds) = kfold.split(n, None) {
            assert_k_folds(&folds, k, n);
            prop_assert_eq!(kfold.fold_sizes(n).unwrap().iter().sum::<usize>(), n);
        }
        let small_classes = if allow { SmallClasses::Allow } else { SmallClasses::Reject };
        let stratified = StratifiedKFold { n_splits: k, shuffle, seed, small_classes };
        for n in [n, y.rows()] {
            if let Ok(folds) = stratified.split(n, Some(&y)) {
                assert_k_folds(&folds, k, n);
            }
        }
    }

    #[test]
    fn shuffle_split(k in n_splits(), n in count(), t in fraction(), seed in any::<u64>()) {
        let cv = CrossValidation::from(ShuffleSplit::new(k, t, seed));
        if let Ok(folds) = cv.split(n, None) {
            prop_assert_eq!(folds.len(), k);
            folds.iter().for_each(|f| assert_partition(f, n));
        }
    }

    /// Splitter configs as a spec would give them, with any numbers.
    #[test]
    fn splitter_configs_from_json(
        k in any::<u64>(), seed in any::<u64>(), t in finite(), n in count(), y in labels(),
    ) {
        let configs = [
            json!({"kind": "k_fold", "n_splits": k, "shuffle": true, "seed": seed}),
            json!({"kind": "stratified_k_fold", "n_splits": k, "small_classes": "allow"}),
            json!({"kind": "shuffle_split", "n_splits": k, "test_size": t, "seed": seed}),
        ];
        for config in configs {
            let cv: CrossValidation = serde_json::from_value(config).unwrap();
            prop_assert_eq!(cv.n_splits() as u64, k);
            if let Ok(folds) = cv.split(n, Some(&y)) {
                prop_assert_eq!(folds.len() as u64, k);
            }
        }
    }

    #[test]
    fn one_hot_and_back(y in labels(), k in prop::option::of(count()), scores in tensor()) {
        if let Ok(encoded) = one_hot(&y, k) {
            let classes = encoded.row_len();
            prop_assert_eq!(encoded.dims(), &[y.rows(), classes]);
            for (r, &label) in y.data().iter().enumerate() {
                let row = encoded.row(r);
                prop_assert_eq!(row.iter().sum::<f32>(), 1.0);
                prop_assert_eq!(row[label as usize], 1.0);
            }
            if classes <= 1 << 24 {
                prop_assert_eq!(decode_one_hot(&encoded).unwrap(), y.clone());
            }
        }
        // Arbitrary tensors (rank 1 to 3, empty, huge rows) as labels and as scores.
        let _ = one_hot(&scores, k);
        if let Ok(ids) = decode_one_hot(&scores) {
            prop_assert_eq!(ids.dims(), &[scores.rows(), 1]);
            prop_assert!(ids.data().iter().all(|&i| (i as usize) < scores.row_len()));
        }
    }

    /// Fitted on any values (NaN, infinities, extremes, constant columns, no rows), the
    /// scalers' transform of their fit data is finite (and within the range for min-max).
    #[test]
    fn scalers_on_any_values(
        x in tensor(), other in tensor(), low in value(), high in value(), clip in any::<bool>(),
    ) {
        if let Ok((s, z)) = StandardScaler::fit_transform(&x) {
            prop_assert!(z.first_non_finite().is_none(), "{:?}", z);
            let _ = s.inverse_transform(&z);
            let _ = s.transform(&other);
        }
        if let Ok((m, z)) = MinMaxScaler::fit_transform(&x) {
            prop_assert!(z.data().iter().all(|v| (-1e-3..=1.001).contains(v)), "{:?}", z);
            let _ = m.inverse_transform(&other);
        }
        let options = MinMaxOptions { feature_range: (f64::from(low), f64::from(high)), clip };
        if let Ok(m) = MinMaxScaler::fit_with(options, &x) {
            for z in [m.transform(&other), m.inverse_transform(&other)].into_iter().flatten() {
                assert_finite_where_finite(&z, &other);
            }
        }
    }

    /// Saved scalers with any finite statistics: loading checks them, and what loads maps
    /// finite values to finite values or returns an error.
    #[test]
    fn scalers_from_saved_statistics(
        (a, b, c, d) in (finite(), finite(), finite(), finite()), x in tensor(),
    ) {
        let standard = json!({
            "options": {"with_mean": true, "with_std": true},
            "mean": [a], "var": [b], "scale": [c], "n_samples_seen": 3,
        });
        if let Ok(s) = serde_json::from_value::<StandardScaler>(standard) {
            for z in [s.transform(&x), s.inverse_transform(&x)].into_iter().flatten() {
                assert_finite_where_finite(&z, &x);
            }
        }
        let min_max = json!({
            "options": {"feature_range": [0.0, 1.0], "clip": false},
            "data_min": [a], "data_max": [b], "scale": [c], "min": [d],
        });
        if let Ok(m) = serde_json::from_value::<MinMaxScaler>(min_max) {
            for z in [m.transform(&x), m.inverse_transform(&x)].into_iter().flatten() {
                assert_finite_where_finite(&z, &x);
            }
        }
    }

    #[test]
    fn datasets(
        x in tensor(), y in tensor(), indices in prop::collection::vec(0usize..12, 0..12),
        t in fraction(), seed in any::<u64>(),
    ) {
        let names = (0..x.row_len().min(8)).map(|i| format!("f{i}")).collect();
        let _ = Dataset::new(x.clone(), y.clone(), names, "t".into());
        if let Ok(d) = Dataset::unnamed(x, y) {
            let picked = d.select(&indices);
            prop_assert_eq!(picked.is_ok(), indices.iter().all(|&i| i < d.n_samples()));
            if let Ok((train, test)) = d.split(t, seed) {
                prop_assert_eq!(train.n_samples() + test.n_samples(), d.n_samples());
            }
        }
    }

    #[test]
    fn bundled_names(name in "[a-z_]{0,14}") {
        let known = bundled::Bundled::ALL.iter().any(|b| b.name() == name);
        prop_assert_eq!(bundled::load(&name).is_ok(), known);
    }
}
