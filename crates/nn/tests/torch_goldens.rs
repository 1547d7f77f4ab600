//! Conv2D, MaxPooling2D and AveragePooling2D against PyTorch: forward outputs and the
//! gradients of `L = Σ w ⊙ y` with respect to the input (and the kernel and bias), on
//! random cases with valid and same padding, strides 1 and 2 (and mixed), even and odd
//! windows, dilation, 1 to 4 channels.
//!
//! Golden values from PyTorch 2.15 (CPU, float32), produced by `bench/torch_goldens.py`
//! (run `python3 bench/torch_goldens.py` from the repository root; it creates
//! `bench/.venv-torch` when torch is missing). The script's docs say how Keras's layout
//! and "same" padding map to PyTorch: NHWC ↔ NCHW transposes, the kernel from
//! `[kh, kw, c_in, filters]` to `[filters, c_in, kh, kw]`, and an explicit `F.pad` with
//! TensorFlow's split (the odd padding pixel after: bottom / right) before an unpadded
//! PyTorch call — zeros for the convolution, −∞ for max pooling, and window sums divided
//! by the count of real pixels for average pooling.

use gradus_nn::{
    AveragePooling2D, Conv2D, Conv2DConfig, GradFlow, Layer, MaxPooling2D, Mode, Padding,
    Pool2DConfig,
};
use gradus_tensor::{Rng, Tensor};
use serde_json::Value;

const GOLDENS: &str = include_str!("goldens/conv_pool.json");

fn floats(v: &Value, key: &str) -> Vec<f32> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn sizes(v: &Value, key: &str) -> Vec<usize> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn pair(v: &Value, key: &str) -> [usize; 2] {
    let s = sizes(v, key);
    [s[0], s[1]]
}

fn padding(v: &Value) -> Padding {
    match v["padding"].as_str().unwrap() {
        "valid" => Padding::Valid,
        "same" => Padding::Same,
        p => panic!("padding {p}"),
    }
}

/// Every value within `tol · (1 + |want|)`.
fn assert_close(label: &str, got: &[f32], want: &[f32], tol: f32) {
    assert_eq!(got.len(), want.len(), "{label}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{label}[{i}]: {g} vs PyTorch {w}"
        );
    }
}

/// Runs `layer` forward and backward (`∂L/∂y = w`) on the case's input; checks the output
/// shape and values and the input gradient.
fn run(label: &str, layer: &mut dyn Layer, case: &Value) {
    let dims = sizes(case, "x_shape");
    let x = Tensor::from_vec(floats(case, "x"), &dims).unwrap();
    let y = layer.forward(&x, Mode::Infer).clone();
    assert_eq!(
        y.dims(),
        &sizes(case, "y_shape")[..],
        "{label}: output shape"
    );
    assert_close(label, y.data(), &floats(case, "y"), 1e-5);
    let w = Tensor::from_vec(floats(case, "w"), y.dims()).unwrap();
    let dx = layer.backward(&w, GradFlow::FULL);
    assert_close(
        &format!("{label} ∂L/∂x"),
        dx.data(),
        &floats(case, "dx"),
        1e-5,
    );
}

fn cases(key: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(GOLDENS).unwrap();
    let cases = doc[key].as_array().unwrap().clone();
    assert!(cases.len() >= 5, "{key}: {} cases", cases.len());
    cases
}

#[test]
fn conv2d_matches_pytorch() {
    for (i, case) in cases("conv2d").iter().enumerate() {
        let config = Conv2DConfig {
            filters: case["filters"].as_u64().unwrap() as usize,
            kernel_size: pair(case, "kernel_size"),
            strides: pair(case, "strides"),
            padding: padding(case),
            dilation_rate: pair(case, "dilation_rate"),
            ..Conv2DConfig::default()
        };
        let label = format!("conv2d case {i} ({config:?})");
        let mut conv = Conv2D::from_config(config);
        conv.build(&sizes(case, "x_shape")[1..], &mut Rng::new(0))
            .unwrap();
        conv.params_mut()[0]
            .value
            .data_mut()
            .copy_from_slice(&floats(case, "kernel"));
        conv.params_mut()[1]
            .value
            .data_mut()
            .copy_from_slice(&floats(case, "bias"));
        run(&label, &mut conv, case);
        let grads = conv.params();
        let tol = 1e-4;
        assert_close(&label, grads[0].grad.data(), &floats(case, "dkernel"), tol);
        assert_close(&label, grads[1].grad.data(), &floats(case, "dbias"), tol);
    }
}

fn pool_config(case: &Value) -> Pool2DConfig {
    Pool2DConfig {
        pool_size: pair(case, "pool_size"),
        strides: Some(pair(case, "strides")),
        padding: padding(case),
        ..Pool2DConfig::default()
    }
}

#[test]
fn max_pooling2d_matches_pytorch() {
    for (i, case) in cases("max_pool2d").iter().enumerate() {
        let config = pool_config(case);
        let label = format!("max_pool2d case {i} ({config:?})");
        let mut pool = MaxPooling2D::from_config(config);
        pool.build(&sizes(case, "x_shape")[1..], &mut Rng::new(0))
            .unwrap();
        run(&label, &mut pool, case);
    }
}

#[test]
fn average_pooling2d_matches_pytorch() {
    for (i, case) in cases("avg_pool2d").iter().enumerate() {
        let config = pool_config(case);
        let label = format!("avg_pool2d case {i} ({config:?})");
        let mut pool = AveragePooling2D::from_config(config);
        pool.build(&sizes(case, "x_shape")[1..], &mut Rng::new(0))
            .unwrap();
        run(&label, &mut pool, case);
    }
}

/// The cases cover what the mapping has to get right: asymmetric "same" padding (an odd
/// total, the extra pixel after), for the convolution and for max pooling.
#[test]
fn goldens_include_asymmetric_same_padding() {
    let asymmetric = |c: &Value| {
        let p = sizes(c, "torch_pad_lrtb");
        p[0] != p[1] || p[2] != p[3]
    };
    assert!(cases("conv2d").iter().any(asymmetric));
    assert!(cases("max_pool2d").iter().any(asymmetric));
}
