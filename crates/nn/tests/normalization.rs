//! The `Normalization` layer against Keras 3, saved and loaded inside a model, and under
//! hostile data.
//!
//! Goldens from `bench/keras_goldens/normalization.py` (Keras 3.15.1, JAX backend, CPU) in
//! `bench/keras_goldens/normalization.json`; rerun from `bench/` with
//! `KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/normalization.py > keras_goldens/normalization.json`.

use gradus_nn::{
    Dense, FitConfig, Layer, LossConfig, Metric, Mode, Normalization, OptimizerConfig, Sequential,
    Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};
use proptest::prelude::*;
use serde_json::Value;

const GOLDENS: &str = include_str!("../../../bench/keras_goldens/normalization.json");

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn tensor(case: &Value, values: &str, shape: &str) -> Tensor {
    let dims: Vec<usize> = case[shape]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect();
    Tensor::from_vec(floats(&case[values]), &dims).unwrap()
}

fn run(layer: &mut Normalization, x: &Tensor) -> Vec<f32> {
    layer.build(&x.dims()[1..], &mut Rng::new(0)).unwrap();
    layer.forward(x, Mode::Infer).data().to_vec()
}

/// `a` and `b` agree to `rel` relative to each value (and `abs` near zero).
fn assert_close(label: &str, a: &[f32], b: &[f32], rel: f32, abs: f32) {
    assert_eq!(a.len(), b.len(), "{label}");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= abs + rel * y.abs(),
            "{label}[{i}]: {x} vs Keras {y}"
        );
    }
}

/// Keras's statistics come from float32 NumPy sums; ours are f64 rounded to f32, so they
/// agree to float32 rounding. Given the same statistics the forward pass is the same f32
/// operations as Keras's (the reciprocal multiplication XLA makes of the division), bit
/// for bit.
#[test]
fn adapt_and_call_match_keras() {
    let g: Value = serde_json::from_str(GOLDENS).unwrap();
    assert_eq!(
        g["epsilon"].as_f64().unwrap() as f32,
        gradus_nn::NORMALIZATION_EPSILON
    );
    let c = &g["adapt_2d"];
    let x = tensor(c, "x", "shape");
    let (mean, variance) = (floats(&c["mean"]), floats(&c["variance"]));
    let mut norm = Normalization::new();
    norm.adapt(&x).unwrap();
    norm.build(&[5], &mut Rng::new(0)).unwrap();
    let p = norm.params();
    assert_close("mean", p[0].value.data(), &mean, 1e-6, 1e-6);
    assert_close("variance", p[1].value.data(), &variance, 1e-4, 1e-9);
    // The constant column: variance exactly 0, so the epsilon path is taken.
    assert_eq!(p[1].value.data()[2], 0.0);

    let x_new = tensor(c, "x_new", "new_shape");
    let y = floats(&c["y"]);
    let ours = norm.forward(&x_new, Mode::Infer).data().to_vec();
    assert_close("adapted forward", &ours, &y, 1e-4, 1e-3);
    let mut same_stats = Normalization::with_stats(mean.clone(), variance.clone());
    assert_eq!(
        run(&mut same_stats, &x_new),
        y,
        "forward with Keras's statistics"
    );

    let mut inv = Normalization::with_stats(mean, variance).invert(true);
    let y_inv = run(&mut inv, &Tensor::from_vec(y, x_new.dims()).unwrap());
    assert_eq!(
        y_inv,
        floats(&c["y_invert"]),
        "invert with Keras's statistics"
    );

    let c = &g["adapt_4d"];
    let img = tensor(c, "x", "shape");
    let mut norm4 = Normalization::new();
    norm4.adapt(&img).unwrap();
    let y4 = run(&mut norm4, &img);
    assert_close(
        "4-D mean",
        norm4.params()[0].value.data(),
        &floats(&c["mean"]),
        1e-6,
        1e-6,
    );
    assert_close(
        "4-D variance",
        norm4.params()[1].value.data(),
        &floats(&c["variance"]),
        1e-5,
        0.0,
    );
    assert_close("4-D forward", &y4, &floats(&c["y"]), 1e-5, 1e-6);

    let c = &g["fixed"];
    let mut fixed = Normalization::with_stats([3.0], [2.0]);
    assert_eq!(run(&mut fixed, &tensor(c, "x", "shape")), floats(&c["y"]));
}

fn data() -> (Tensor, Tensor) {
    let mut rng = Rng::new(4);
    let scales = [1.0, 100.0, 0.01];
    let x: Vec<f32> = (0..60 * 3)
        .map(|i| (rng.normal() * scales[i % 3] + 50.0) as f32)
        .collect();
    let x = Tensor::from_vec(x, &[60, 3]).unwrap();
    let y: Vec<f32> = (0..60)
        .map(|i| {
            let r = x.row(i);
            (r[0] - 50.0) - 0.01 * (r[1] - 50.0) + 30.0 * (r[2] - 50.0)
        })
        .collect();
    (x, Tensor::column(&y))
}

/// Acceptance: a model that starts with an adapted Normalization layer predicts from raw
/// features, and after save and load predicts exactly (bit for bit) as before.
#[test]
fn a_saved_and_loaded_model_normalizes_raw_features_exactly() {
    let (x, y) = data();
    let mut norm = Normalization::new();
    norm.adapt(&x).unwrap();
    let mut m = Sequential::new();
    m.add(norm);
    m.add(Dense::new(8).activation(Activation::Tanh));
    m.add(Dense::new(1));
    m.compile(
        OptimizerConfig::adam(0.01),
        LossConfig::mse(),
        &[Metric::Mae],
    )
    .unwrap();
    let quiet = FitConfig::new().epochs(30).verbose(Verbosity::Silent);
    let history = m.fit(&x, &y, quiet).unwrap();
    // Normalized inputs make this regression easy; raw ones (scales 0.01 to 100) do not.
    assert!(history.last("loss").unwrap() < 0.5 * history.get("loss").unwrap()[0]);
    // fit built the model and kept the adapted statistics.
    let stats = &m.layers()[0].params()[0];
    assert!(
        (stats.value.data()[0] - 50.0).abs() < 0.5,
        "{:?}",
        stats.value.data()
    );
    let before = m.predict(&x).unwrap();

    let dir = tempfile::tempdir().unwrap();
    m.save(dir.path()).unwrap();
    let json = std::fs::read_to_string(dir.path().join("model.json")).unwrap();
    assert!(json.contains("\"type\": \"normalization\""), "{json}");
    let mut loaded = Sequential::load(dir.path()).unwrap();
    assert_eq!(loaded.get_weights(), m.get_weights());
    let after = loaded.predict(&x).unwrap();
    let bits = |t: &Tensor| t.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&after), bits(&before));
    assert_eq!(m.count_params().1, 6, "mean and variance are non-trainable");
}

/// Fixed statistics are part of the configuration and survive a save too.
#[test]
fn fixed_statistics_are_saved_in_the_configuration() {
    let mut m = Sequential::new();
    m.add(Normalization::with_stats([1.0, 2.0], [4.0, 16.0]).invert(true));
    m.build(&[2], 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    m.save(dir.path()).unwrap();
    let mut loaded = Sequential::load(dir.path()).unwrap();
    let x = Tensor::from_rows(&[vec![1.0, 1.0]]).unwrap();
    assert_eq!(loaded.predict(&x).unwrap().data(), &[3.0, 6.0]);
    assert_eq!(loaded.layer_configs(), m.layer_configs());
}

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -1e3f32..1e3,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::MAX),
        1 => Just(-f32::MAX),
        1 => Just(0.0f32),
    ]
}

proptest! {
    /// Any data: adapt succeeds with finite statistics, or is an error that leaves the
    /// layer as it was; the built layer's output is finite on finite input when it
    /// succeeded.
    #[test]
    fn adapt_on_hostile_data(rows in 0usize..5, cols in 1usize..4,
                             values in prop::collection::vec(value(), 0..20)) {
        let n = rows * cols;
        prop_assume!(values.len() >= n);
        let x = Tensor::from_vec(values[..n].to_vec(), &[rows, cols]).unwrap();
        let mut norm = Normalization::new();
        match norm.adapt(&x) {
            Ok(()) => {
                prop_assert!(rows > 0 && x.first_non_finite().is_none());
                norm.build(&[cols], &mut Rng::new(0)).unwrap();
                for p in norm.params() {
                    prop_assert!(p.value.first_non_finite().is_none());
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(
                    rows == 0 || x.first_non_finite().is_some() || text.contains("variance"),
                    "{}", text
                );
                // Unadapted: builds with mean 0 and variance 1.
                norm.build(&[cols], &mut Rng::new(0)).unwrap();
                prop_assert!(norm.params()[1].value.data().iter().all(|&v| v == 1.0));
            }
        }
    }

    /// Any user statistics: build accepts finite means and finite variances ≥ 0 (one
    /// value, or one per feature), and rejects everything else.
    #[test]
    fn hostile_fixed_statistics(mean in prop::collection::vec(value(), 0..4),
                                variance in prop::collection::vec(value(), 0..4),
                                features in 1usize..4) {
        let ok = |v: &[f32], var: bool| {
            (v.len() == 1 || v.len() == features)
                && v.iter().all(|x| x.is_finite() && (!var || *x >= 0.0))
        };
        let valid = ok(&mean, false) && ok(&variance, true);
        let mut norm = Normalization::with_stats(mean, variance);
        prop_assert_eq!(norm.build(&[features], &mut Rng::new(0)).is_ok(), valid);
    }
}
