//! The activity regularizer against Keras 3: `regularizer(output) / batch_rows` added to
//! the loss, in `evaluate`, in `fit`'s reported loss and in its gradient.
//!
//! Golden values from Keras 3.15.1 (JAX 0.10.2 backend, float32), produced by
//! `bench/keras_goldens/activity_regularizer.py` (numbers in
//! `bench/keras_goldens/activity_regularizer.json`; rerun from `bench/` with
//! `KERAS_BACKEND=jax .venv-keras/bin/python keras_goldens/activity_regularizer.py`).
//! The script builds the same two models from the literal weights below, then runs
//! `evaluate(batch_size=5)`, one epoch of `fit(batch_size=5, shuffle=False)` and one of
//! `fit(batch_size=3, shuffle=False)` with `SGD(0.1)`, each from the initial weights.
//! Keras's `Layer.__call__` divides the penalty by `ops.shape(output)[0]`; without that
//! division the losses differ by 0.055 (case A) and 0.32 (case B).
#![allow(clippy::excessive_precision)]

use gradus_nn::{
    Dense, FitConfig, LossConfig, OptimizerConfig, Regularizer, Sequential, Verbosity, Weights,
};
use gradus_tensor::{Activation, Tensor};

const X: [f32; 20] = [
    0.5, -1.0, 1.5, 2.0, 1.0, 0.0, -0.5, 0.3, -1.2, 0.8, 0.4, -0.6, 0.3, 0.9, -1.1, 0.2, 2.0, -0.3,
    0.6, -1.4,
];
const KERNEL1: [f32; 12] = [
    0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -0.15, 0.25, -0.35,
];
const BIAS1: [f32; 3] = [0.05, -0.05, 0.1];

const A_FIT_BS5_WEIGHTS: [f64; 19] = [
    0.07886455208063126,
    -0.17666152119636536,
    0.2752911448478699,
    -0.3882223963737488,
    0.48510676622390747,
    -0.5825278162956238,
    0.6955772638320923,
    -0.7976729273796082,
    0.9004029035568237,
    -0.1487320065498352,
    0.2537032663822174,
    -0.3586720824241638,
    0.05372079089283943,
    -0.058663204312324524,
    0.11382553726434708,
    0.10742790997028351,
    -0.19223302602767944,
    0.28393495082855225,
    0.09425224363803864,
];
const A_FIT_BS3_WEIGHTS: [f64; 19] = [
    0.05908406153321266,
    -0.1566721796989441,
    0.2563760280609131,
    -0.3784807026386261,
    0.47328194975852966,
    -0.5691098570823669,
    0.6896166205406189,
    -0.7932417392730713,
    0.8981714844703674,
    -0.14345386624336243,
    0.2525365948677063,
    -0.3621348440647125,
    0.05428847298026085,
    -0.06333116441965103,
    0.12308361381292343,
    -0.007602864410728216,
    -0.05921103060245514,
    0.14119474589824677,
    0.06303184479475021,
];
const B_FIT_BS5_WEIGHTS: [f64; 27] = [
    0.10034340620040894,
    -0.21906912326812744,
    0.3056703507900238,
    -0.39987412095069885,
    0.5010398030281067,
    -0.6032693982124329,
    0.6998441219329834,
    -0.7847167253494263,
    0.905231237411499,
    -0.15069103240966797,
    0.24081796407699585,
    -0.3478241562843323,
    0.05002787709236145,
    -0.05149883031845093,
    0.10479635745286942,
    0.2208932489156723,
    -0.309155136346817,
    0.3882618844509125,
    -0.5061455965042114,
    0.5843476057052612,
    -0.07820194959640503,
    0.33142003417015076,
    0.08596304059028625,
    -0.21738307178020477,
    0.052573204040527344,
    -0.015141581185162067,
    -0.03743162378668785,
];
const B_FIT_BS3_WEIGHTS: [f64; 27] = [
    0.1019885316491127,
    -0.2338164895772934,
    0.3137638568878174,
    -0.400002658367157,
    0.49562913179397583,
    -0.6060959100723267,
    0.7001650929450989,
    -0.7670676112174988,
    0.9100127220153809,
    -0.15214306116104126,
    0.23334018886089325,
    -0.34939292073249817,
    0.05075455829501152,
    -0.05928011238574982,
    0.11015057563781738,
    0.2411339432001114,
    -0.3183559477329254,
    0.3772219717502594,
    -0.5134230852127075,
    0.5609119534492493,
    -0.04748886078596115,
    0.36446455121040344,
    0.07066863775253296,
    -0.23513320088386536,
    0.05811087787151337,
    -0.03852441534399986,
    -0.019586466252803802,
];

/// Case A: `Dense(3, tanh, activity_regularizer=L2(0.01))` → `Dense(1)`, mse.
fn case_a() -> (Sequential, Tensor) {
    let mut m = Sequential::new();
    m.add(
        Dense::new(3)
            .activation(Activation::Tanh)
            .activity_regularizer(Regularizer::l2(0.01)),
    );
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::sgd(0.1), LossConfig::mse(), &[])
        .unwrap();
    m.build(&[4], 0).unwrap();
    let w = Weights(vec![
        Tensor::from_vec(KERNEL1.to_vec(), &[4, 3]).unwrap(),
        Tensor::from_vec(BIAS1.to_vec(), &[3]).unwrap(),
        Tensor::from_vec(vec![0.2, -0.3, 0.4], &[3, 1]).unwrap(),
        Tensor::from_vec(vec![0.1], &[1]).unwrap(),
    ]);
    m.set_weights(&w).unwrap();
    (m, Tensor::column(&[0.5, -0.2, 1.0, 0.3, -0.7]))
}

/// Case B: `Dense(3, relu, activity_regularizer=L1(0.05))` →
/// `Dense(3, softmax, activity_regularizer=L2(0.02))`, sparse categorical cross-entropy
/// (fused with the softmax in gradus, so this also checks the fused backward path).
fn case_b() -> (Sequential, Tensor) {
    let mut m = Sequential::new();
    m.add(
        Dense::new(3)
            .activation(Activation::Relu)
            .activity_regularizer(Regularizer::l1(0.05)),
    );
    m.add(
        Dense::new(3)
            .activation(Activation::Softmax)
            .activity_regularizer(Regularizer::l2(0.02)),
    );
    m.compile(
        OptimizerConfig::sgd(0.1),
        LossConfig::sparse_categorical_crossentropy(),
        &[],
    )
    .unwrap();
    m.build(&[4], 0).unwrap();
    let w = Weights(vec![
        Tensor::from_vec(KERNEL1.to_vec(), &[4, 3]).unwrap(),
        Tensor::from_vec(BIAS1.to_vec(), &[3]).unwrap(),
        Tensor::from_vec(
            vec![0.2, -0.3, 0.4, -0.5, 0.6, -0.1, 0.3, 0.1, -0.2],
            &[3, 3],
        )
        .unwrap(),
        Tensor::from_vec(vec![0.05, 0.0, -0.05], &[3]).unwrap(),
    ]);
    m.set_weights(&w).unwrap();
    (m, Tensor::column(&[0.0, 2.0, 1.0, 2.0, 0.0]))
}

fn x() -> Tensor {
    Tensor::from_vec(X.to_vec(), &[5, 4]).unwrap()
}

fn flat(m: &Sequential) -> Vec<f32> {
    m.get_weights()
        .0
        .iter()
        .flat_map(|t| t.data().to_vec())
        .collect()
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-6, "{what}: {got} vs Keras {want}");
}

/// Evaluate, then one epoch of fit with batch sizes 5 and 3 from the initial weights.
fn check(case: fn() -> (Sequential, Tensor), golden: [f64; 3], bs5: &[f64], bs3: &[f64]) {
    let (mut m, y) = case();
    assert_close(
        m.evaluate(&x(), &y).unwrap()["loss"],
        golden[0],
        "evaluate loss",
    );
    for (batch, loss, weights) in [(5, golden[1], bs5), (3, golden[2], bs3)] {
        let (mut m, y) = case();
        let cfg = FitConfig::new()
            .epochs(1)
            .batch_size(batch)
            .shuffle(false)
            .verbose(Verbosity::Silent);
        let h = m.fit(&x(), &y, cfg).unwrap();
        assert_close(
            h.last("loss").unwrap(),
            loss,
            &format!("fit loss, batch {batch}"),
        );
        let got = flat(&m);
        assert_eq!(got.len(), weights.len());
        for (i, (&g, &w)) in got.iter().zip(weights).enumerate() {
            assert_close(g as f64, w, &format!("weight {i} after fit, batch {batch}"));
        }
    }
}

#[test]
fn tanh_layer_with_l2_activity_penalty_matches_keras() {
    check(
        case_a,
        [0.9526160955429077, 0.9526160955429077, 0.8848215341567993],
        &A_FIT_BS5_WEIGHTS,
        &A_FIT_BS3_WEIGHTS,
    );
}

#[test]
fn relu_and_softmax_layers_with_activity_penalties_match_keras() {
    check(
        case_b,
        [1.060011863708496, 1.060011863708496, 1.0509188175201416],
        &B_FIT_BS5_WEIGHTS,
        &B_FIT_BS3_WEIGHTS,
    );
}
