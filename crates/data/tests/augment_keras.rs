//! `keras_compat(true)` against Keras 3 itself: `apply_affine_transform` (SciPy's
//! `affine_transform` per channel) and `ImageDataGenerator.apply_transform`, `fit` and
//! `standardize`.
//!
//! Goldens from `bench/keras_goldens/augment.py` (Keras 3.15.1, SciPy 1.17.1), in
//! `bench/keras_goldens/augment/`; rerun from `bench/` with
//! `KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/augment.py`. Every case keeps
//! its sampled positions at least 1e-6 from a point where the fill mode jumps, so a match
//! does not hinge on rounding.

use gradus_data::{ImageDataGenerator, TransformParams};
use gradus_tensor::Tensor;
use gradus_tensor::ops::{FillMode, Interpolation};
use serde::Deserialize;

const INPUT: &[u8] = include_bytes!("../../../bench/keras_goldens/augment/input.npy");
const OUTPUTS: &[u8] = include_bytes!("../../../bench/keras_goldens/augment/outputs.npy");
const CASES: &str = include_str!("../../../bench/keras_goldens/augment/cases.json");
const BRIGHTNESS: &str = include_str!("../../../bench/keras_goldens/augment/brightness.json");
const STANDARDIZE: &str = include_str!("../../../bench/keras_goldens/augment/standardize.json");

fn npy(bytes: &[u8]) -> (Vec<usize>, Vec<f32>) {
    let file = npyz::NpyFile::new(bytes).expect("npy header");
    let shape = file.shape().iter().map(|&d| d as usize).collect();
    (shape, file.into_vec::<f32>().expect("f32 data"))
}

#[derive(Deserialize)]
struct Case {
    name: String,
    params: TransformParams,
    fill_mode: FillMode,
    cval: f32,
    order: Interpolation,
}

#[derive(Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn keras_compat_matches_keras_apply_transform_to_1e_4() {
    let (shape, input) = npy(INPUT);
    assert_eq!(shape, [16, 16, 3]);
    let image = Tensor::from_vec(input, &shape).unwrap();
    let (out_shape, outputs) = npy(OUTPUTS);
    let cases: Cases = serde_json::from_str(CASES).unwrap();
    assert_eq!(out_shape, [cases.cases.len(), 16, 16, 3]);
    assert_eq!(cases.cases.len(), 40);
    let mut seen = std::collections::BTreeSet::new();
    for (case, want) in cases.cases.iter().zip(outputs.chunks_exact(16 * 16 * 3)) {
        let g = ImageDataGenerator::new()
            .keras_compat(true)
            .fill_mode(case.fill_mode)
            .cval(case.cval)
            .interpolation_order(case.order);
        let got = g.apply_transform(&image, &case.params).unwrap();
        let d = max_abs_diff(got.data(), want);
        assert!(
            d < 1e-4,
            "{} / {:?} / order {:?}: max |gradus − Keras| = {d}",
            case.name,
            case.fill_mode,
            case.order
        );
        // The image really changed (a test that cannot fail is no test).
        assert!(max_abs_diff(want, image.data()) > 0.05, "{}", case.name);
        seen.insert((case.name.clone(), format!("{:?}", case.fill_mode)));
    }
    // Rotation, shift, shear, zoom and their combination, in every fill mode.
    for name in ["rotation", "shift", "shear", "zoom", "combined", "far"] {
        for mode in ["Constant", "Nearest", "Reflect", "Wrap"] {
            assert!(seen.contains(&(name.into(), mode.into())), "{name} {mode}");
        }
    }
}

#[test]
fn default_geometry_equals_keras_on_square_images() {
    // Keras's two bugs only show on non-square images (and in how the shifts are drawn).
    let (shape, input) = npy(INPUT);
    let image = Tensor::from_vec(input, &shape).unwrap();
    let cases: Cases = serde_json::from_str(CASES).unwrap();
    for case in &cases.cases {
        let g = ImageDataGenerator::new()
            .fill_mode(case.fill_mode)
            .cval(case.cval)
            .interpolation_order(case.order);
        let exact = g.apply_transform(&image, &case.params).unwrap();
        let keras = g
            .keras_compat(true)
            .apply_transform(&image, &case.params)
            .unwrap();
        assert!(
            max_abs_diff(exact.data(), keras.data()) < 1e-5,
            "{}",
            case.name
        );
    }
}

#[derive(Deserialize)]
struct Brightness {
    shape: Vec<usize>,
    input: Vec<f32>,
    outputs: std::collections::BTreeMap<String, Vec<f32>>,
}

#[test]
fn brightness_is_keras_without_the_uint8_rounding() {
    let b: Brightness = serde_json::from_str(BRIGHTNESS).unwrap();
    let image = Tensor::from_vec(b.input.clone(), &b.shape).unwrap();
    let g = ImageDataGenerator::new().keras_compat(true);
    for (factor, want) in &b.outputs {
        let factor: f64 = factor.parse().unwrap();
        let p = TransformParams {
            brightness: Some(factor),
            ..TransformParams::default()
        };
        let got = g.apply_transform(&image, &p).unwrap();
        // Keras truncates x·b to an integer (PIL), gradus keeps the fraction.
        let d = max_abs_diff(got.data(), want);
        assert!(d < 1.0, "brightness {factor}: {d}");
        for ((g, w), x) in got.data().iter().zip(want).zip(&b.input) {
            assert_eq!(
                *w,
                (x * factor as f32).floor().min(255.0),
                "Keras's own rule"
            );
            assert!((g - (x * factor as f32).min(255.0)).abs() < 1e-4);
        }
    }
}

#[derive(Deserialize)]
struct Standardize {
    shape: Vec<usize>,
    input: Vec<f32>,
    rescale: f32,
    mean: Vec<f32>,
    std: Vec<f32>,
    output: Vec<f32>,
}

#[test]
fn fit_and_standardize_match_keras() {
    let s: Standardize = serde_json::from_str(STANDARDIZE).unwrap();
    let x = Tensor::from_vec(s.input.clone(), &s.shape).unwrap();
    let g = ImageDataGenerator::new()
        .featurewise_center(true)
        .featurewise_std_normalization(true)
        .samplewise_center(true)
        .samplewise_std_normalization(true)
        .rescale(s.rescale)
        .fit(&x)
        .unwrap();
    let stats = g.featurewise_stats.as_ref().unwrap();
    assert!(
        max_abs_diff(&stats.mean, &s.mean) < 1e-6,
        "{stats:?} vs {:?}",
        s.mean
    );
    assert!(
        max_abs_diff(&stats.std, &s.std) < 1e-6,
        "{stats:?} vs {:?}",
        s.std
    );
    let mut y = x.clone();
    g.standardize(&mut y).unwrap();
    let d = max_abs_diff(y.data(), &s.output);
    // Values of order 1/std ≈ 3.5: f32 rounding of Keras's in-place steps.
    assert!(d < 1e-4, "standardize: max diff {d}");
    assert!(max_abs_diff(y.data(), x.data()) > 1.0);
}
