//! Finite-difference gradient checks for every layer, activation, loss (fused or not) and
//! regularizer, over random shapes (proptest, fixed seed).
//!
//! Each check compares the analytic gradient of a scalar `L` with central differences at
//! steps `h` and `h/2`, combined by Richardson extrapolation, with `L` accumulated in `f64`.
//! `h = 1e-2` for single layers and `4e-2` for batch normalisation and whole networks,
//! where the f32 rounding of `L` would otherwise dominate the quotient. The relative error
//! `‖num − ana‖ / max(‖num‖, ‖ana‖, 1e-2)` must be below 1e-3; the floor makes the check
//! absolute where terms cancel to a tiny gradient.
//!
//! Elements whose quotient changes between `h` and `h/2` by more than 0.1 % straddle a
//! kink (ReLU at 0, ELU's second derivative at 0) and are left out of both norms.
//! Penalties inside these checks are L2 (smooth); the L1 gradient `l1·sign(w)` is checked
//! away from 0 in the regularizer's unit tests.

use gradus_nn::{
    ActivationLayer, AveragePooling2D, BatchKey, BatchNormalization, Conv2D, Dense, Dropout,
    Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, GradFlow, Initializer, Layer, LossConfig,
    MaxPooling2D, Mode, Normalization, Padding, Param, Pool2DConfig, Regularizer,
};
use gradus_tensor::{Activation, Rng, Tensor};
use proptest::prelude::*;

const ACTIVATIONS: [Activation; 12] = Activation::ALL;

/// Floor of the relative error's denominator (see the module docs).
const GRADIENT_FLOOR: f64 = 1e-2;

/// Relative error between numeric and analytic gradients of `f` at `x`, skipping kinks.
fn relative_error(x: &[f32], analytic: &[f32], h: f32, f: &mut dyn FnMut(&[f32]) -> f64) -> f64 {
    let (mut diff, mut num_norm, mut ana_norm) = (0.0f64, 0.0f64, 0.0f64);
    for i in 0..x.len() {
        let mut quotient = |h: f32| {
            let mut a = x.to_vec();
            a[i] += h;
            let mut b = x.to_vec();
            b[i] -= h;
            (f(&a) - f(&b)) / (2.0 * h as f64)
        };
        let full = quotient(h);
        let half = quotient(h / 2.0);
        if (full - half).abs() > 1e-3 * (full.abs().max(half.abs()) + 1e-2) {
            continue;
        }
        // Richardson extrapolation: the h² terms of the two quotients cancel.
        let num = (4.0 * half - full) / 3.0;
        let ana = analytic[i] as f64;
        diff += (num - ana).powi(2);
        num_norm += num * num;
        ana_norm += ana * ana;
    }
    diff.sqrt() / num_norm.sqrt().max(ana_norm.sqrt()).max(GRADIENT_FLOOR)
}

fn tensor(values: &[f32], dims: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), dims).unwrap()
}

/// `L = Σ w ⊙ layer(x) + activity penalty`; checks ∂L/∂x and every trainable ∂L/∂param.
/// `make` builds a fresh layer with fixed weights, so that every evaluation is the same
/// function (dropout masks included).
fn check_layer(label: &str, make: &dyn Fn() -> Box<dyn Layer>, x: &Tensor, w: &[f32], h: f32) {
    let mode = Mode::Train(BatchKey::default());
    let sample = &x.dims()[1..];
    let mut layer = make();
    layer.build(sample, &mut Rng::new(7)).unwrap();
    let y = layer.forward(x, mode).clone();
    assert_eq!(y.len(), w.len(), "{label}: weights for the loss");
    let g = tensor(w, y.dims());
    let grad_x = layer.backward(&g, GradFlow::FULL).clone();
    let params: Vec<Param> = layer.params().to_vec();

    let loss = |layer: &mut Box<dyn Layer>, x: &Tensor| -> f64 {
        let y = layer.forward(x, mode);
        let s: f64 = y
            .data()
            .iter()
            .zip(w)
            .map(|(a, b)| *a as f64 * *b as f64)
            .sum();
        s + layer.activity_penalty()
    };
    let mut eval_x = |xs: &[f32]| {
        let mut l = make();
        l.build(sample, &mut Rng::new(7)).unwrap();
        loss(&mut l, &tensor(xs, x.dims()))
    };
    let err = relative_error(x.data(), grad_x.data(), h, &mut eval_x);
    assert!(err < 1e-3, "{label}: ∂L/∂x relative error {err}");

    for (pi, p) in params.iter().enumerate().filter(|(_, p)| p.trainable) {
        let mut eval_p = |vs: &[f32]| {
            let mut l = make();
            l.build(sample, &mut Rng::new(7)).unwrap();
            l.params_mut()[pi].value.data_mut().copy_from_slice(vs);
            loss(&mut l, x)
        };
        let err = relative_error(p.value.data(), p.grad.data(), h, &mut eval_p);
        assert!(err < 1e-3, "{label}: ∂L/∂{} relative error {err}", p.name);
    }
}

fn values(n: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(-2.0f32..2.0, n)
}

proptest! {
    // A fixed seed: the same cases on every run.
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_126),
        ..ProptestConfig::default()
    })]

    #[test]
    fn dense_with_every_activation(
        (rows, fan_in, units) in (1usize..4, 1usize..5, 1usize..5),
        act in 0usize..ACTIVATIONS.len(),
        regularized in any::<bool>(),
        seed in 0u64..1000,
    ) {
        let mut rng = Rng::new(seed);
        let x: Vec<f32> = (0..rows * fan_in).map(|_| rng.uniform_range(-2.0, 2.0) as f32).collect();
        let w: Vec<f32> = (0..rows * units).map(|_| rng.uniform_range(-1.0, 1.0) as f32).collect();
        let activation = ACTIVATIONS[act];
        let make = move || -> Box<dyn Layer> {
            let mut d = Dense::new(units).activation(activation).bias_initializer(Initializer::random_normal());
            if regularized {
                d = d.activity_regularizer(Regularizer::l2(0.02));
            }
            Box::new(d)
        };
        check_layer(&format!("Dense {activation}"), &make, &tensor(&x, &[rows, fan_in]), &w, 1e-2);
    }

    #[test]
    fn activation_layers(x in values(12), w in values(12), act in 0usize..ACTIVATIONS.len()) {
        let activation = ACTIVATIONS[act];
        let make = move || -> Box<dyn Layer> { Box::new(ActivationLayer::new(activation)) };
        check_layer(&format!("Activation {activation}"), &make, &tensor(&x, &[3, 4]), &w, 1e-2);
    }

    #[test]
    fn batch_normalization_training_mode((rows, cols) in (3usize..8, 1usize..4), seed in 0u64..1000) {
        let mut rng = Rng::new(seed);
        let x: Vec<f32> = (0..rows * cols).map(|_| rng.normal() as f32).collect();
        let w: Vec<f32> = (0..rows * cols).map(|_| rng.normal() as f32).collect();
        // The step must be small against the batch's spread, or the quotient measures
        // curvature: keep batches whose columns have a standard deviation ≥ 0.5.
        let xt = tensor(&x, &[rows, cols]);
        for c in 0..cols {
            let col: Vec<f64> = (0..rows).map(|r| xt.row(r)[c] as f64).collect();
            let mean = col.iter().sum::<f64>() / rows as f64;
            let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / rows as f64;
            prop_assume!(var >= 0.25);
        }
        let make = || -> Box<dyn Layer> {
            Box::new(BatchNormalization::from_config(gradus_nn::BatchNormalizationConfig {
                gamma_initializer: Initializer::Constant { value: 1.5 },
                beta_initializer: Initializer::Constant { value: -0.3 },
                ..Default::default()
            }))
        };
        check_layer("BatchNormalization", &make, &xt, &w, 4e-2);
    }

    #[test]
    fn dropout_with_a_fixed_mask(x in values(20), w in values(20), rate in 0.0f32..0.9) {
        let make = move || -> Box<dyn Layer> { Box::new(Dropout::new(rate).seed(11)) };
        check_layer("Dropout", &make, &tensor(&x, &[4, 5]), &w, 1e-2);
    }

    /// Normalization trains nothing but must pass the input gradient: adapted statistics
    /// (4-D, per channel), fixed ones, inverted.
    #[test]
    fn normalization(x in values(24), w in values(24), stats in values(8), invert in any::<bool>()) {
        let xt = tensor(&x, &[2, 2, 2, 3]);
        let make = move || -> Box<dyn Layer> {
            let mut n = Normalization::new().invert(invert);
            n.adapt(&tensor(&stats[..6], &[2, 3])).unwrap();
            Box::new(n)
        };
        check_layer("Normalization adapted", &make, &xt, &w, 1e-2);
        let (m, v) = (x[0], 0.25 + x[1] * x[1]);
        let fixed = move || -> Box<dyn Layer> {
            Box::new(Normalization::with_stats([m], [v]).invert(invert))
        };
        check_layer("Normalization fixed", &fixed, &xt, &w, 1e-2);
    }

    #[test]
    fn flatten(x in values(24), w in values(24)) {
        let make = || -> Box<dyn Layer> { Box::new(Flatten::new()) };
        check_layer("Flatten", &make, &tensor(&x, &[2, 3, 4]), &w, 1e-2);
    }

    /// A whole network: Dense(tanh) → BatchNorm → Dense(head) with L1/L2 kernel penalties,
    /// trained against every loss; the head's activation is fused where the loss allows.
    #[test]
    fn network_with_every_loss(loss_index in 0usize..9, seed in 0u64..1000) {
        check_network(loss_index, seed);
    }
}

fn check_network(loss_index: usize, seed: u64) {
    let (rows, k) = (4, 3);
    let mut rng = Rng::new(seed);
    let x: Vec<f32> = (0..rows * 2).map(|_| rng.normal() as f32).collect();
    let onehot_ids: Vec<usize> = (0..rows).map(|_| rng.below(k)).collect();
    let mut onehot = Tensor::zeros(&[rows, k]);
    for (r, &c) in onehot_ids.iter().enumerate() {
        onehot.row_mut(r)[c] = 1.0;
    }
    let ids = Tensor::column(&onehot_ids.iter().map(|&c| c as f32).collect::<Vec<_>>());
    let probs = Tensor::from_vec(
        (0..rows * k).map(|_| rng.uniform() as f32).collect(),
        &[rows, k],
    )
    .unwrap();
    let real = Tensor::from_vec(
        (0..rows * k).map(|_| rng.normal() as f32).collect(),
        &[rows, k],
    )
    .unwrap();
    let cases: [(LossConfig, Activation, &Tensor); 9] = [
        (LossConfig::mse(), Activation::Linear, &real),
        (LossConfig::mae(), Activation::Tanh, &real),
        (LossConfig::huber(0.5), Activation::Linear, &real),
        (
            LossConfig::binary_crossentropy(),
            Activation::Sigmoid,
            &probs,
        ),
        (
            LossConfig::binary_crossentropy()
                .from_logits(true)
                .label_smoothing(0.1),
            Activation::Linear,
            &probs,
        ),
        (
            LossConfig::categorical_crossentropy(),
            Activation::Softmax,
            &onehot,
        ),
        (
            LossConfig::categorical_crossentropy()
                .from_logits(true)
                .label_smoothing(0.2),
            Activation::Linear,
            &onehot,
        ),
        (
            LossConfig::sparse_categorical_crossentropy(),
            Activation::Softmax,
            &ids,
        ),
        (
            LossConfig::categorical_crossentropy(),
            Activation::Sigmoid,
            &onehot,
        ),
    ];
    let (loss_config, head, target) = cases[loss_index];
    let make = || -> Vec<Box<dyn Layer>> {
        let mut layers: Vec<Box<dyn Layer>> = vec![
            Box::new(
                Dense::new(5)
                    .activation(Activation::Tanh)
                    .kernel_regularizer(Regularizer::l2(0.03)),
            ),
            Box::new(BatchNormalization::new()),
            Box::new(
                Dense::new(k)
                    .activation(head)
                    .kernel_regularizer(Regularizer::l2(0.02)),
            ),
        ];
        let mut shape = vec![2];
        for (i, l) in layers.iter_mut().enumerate() {
            shape = l
                .build(&shape, &mut Rng::with_stream(seed, i as u64))
                .unwrap();
        }
        layers
    };
    let built = loss_config.build(head);
    let xt = tensor(&x, &[rows, 2]);
    let total = |layers: &mut Vec<Box<dyn Layer>>| -> f64 {
        let mut out = xt.clone();
        for l in layers.iter_mut() {
            out = l.forward(&out, Mode::Train(BatchKey::default())).clone();
        }
        let penalty: f64 = layers
            .iter()
            .flat_map(|l| l.params())
            .map(Param::penalty)
            .sum();
        built.loss.compute(&out, target, None) + penalty
    };
    // Analytic: forward, loss gradient, backward (fused where the loss says), penalties.
    let mut layers = make();
    let mut out = xt.clone();
    for l in layers.iter_mut() {
        out = l.forward(&out, Mode::Train(BatchKey::default())).clone();
    }
    let mut g = Tensor::zeros(&[1]);
    built.loss.compute(&out, target, Some(&mut g));
    let n = layers.len();
    for i in (0..n).rev() {
        let flow = GradFlow {
            fused_activation: built.fused && i + 1 == n,
            input_grad: i > 0,
        };
        g = layers[i].backward(&g, flow).clone();
    }
    for p in layers.iter_mut().flat_map(|l| l.params_mut()) {
        if p.trainable {
            p.add_penalty_gradient();
        }
    }
    for li in 0..n {
        for (pi, p) in layers[li]
            .params()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.trainable)
        {
            let mut eval = |vs: &[f32]| {
                let mut fresh = make();
                fresh[li].params_mut()[pi]
                    .value
                    .data_mut()
                    .copy_from_slice(vs);
                total(&mut fresh)
            };
            let err = relative_error(p.value.data(), p.grad.data(), 4e-2, &mut eval);
            assert!(
                err < 1e-3,
                "{} / layer {li} {}: relative error {err}",
                loss_config.name(),
                p.name
            );
        }
    }
}

#[test]
fn fusion_is_used_where_it_applies() {
    assert!(
        LossConfig::categorical_crossentropy()
            .build(Activation::Softmax)
            .fused
    );
    assert!(
        LossConfig::sparse_categorical_crossentropy()
            .build(Activation::Softmax)
            .fused
    );
    assert!(
        LossConfig::binary_crossentropy()
            .build(Activation::Sigmoid)
            .fused
    );
    assert!(
        !LossConfig::categorical_crossentropy()
            .build(Activation::Sigmoid)
            .fused
    );
    assert!(!LossConfig::mse().build(Activation::Softmax).fused);
}

// ---- Image layers (NHWC) ------------------------------------------------------------

/// `n` standard-normal values from `rng`.
fn normals(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.normal() as f32).collect()
}

/// Checks a Conv2D on random `[batch, h, w, c_in]` images (the output weights of `L` too).
#[allow(clippy::too_many_arguments)]
fn check_conv(
    (batch, h, w, c_in): (usize, usize, usize, usize),
    filters: usize,
    kernel: [usize; 2],
    strides: [usize; 2],
    dilation: [usize; 2],
    padding: Padding,
    activation: Activation,
    seed: u64,
) {
    let make = move || -> Box<dyn Layer> {
        Box::new(
            Conv2D::new(filters, kernel)
                .strides(strides)
                .dilation_rate(dilation)
                .padding(padding)
                .activation(activation)
                .bias_initializer(Initializer::random_normal()),
        )
    };
    let mut probe = make();
    let out = probe.build(&[h, w, c_in], &mut Rng::new(7)).unwrap();
    let mut rng = Rng::new(seed);
    let x = normals(&mut rng, batch * h * w * c_in);
    let wl = normals(&mut rng, batch * out.iter().product::<usize>());
    let label = format!(
        "Conv2D {filters} {kernel:?} s{strides:?} d{dilation:?} {padding:?} {activation} on \
         [{batch}, {h}, {w}, {c_in}]"
    );
    check_layer(&label, &make, &tensor(&x, &[batch, h, w, c_in]), &wl, 1e-2);
}

/// The acceptance matrix: valid and same padding, stride 1 and 2, 1 and 3 input channels;
/// odd and even kernels (same padding with an even kernel or stride pads asymmetrically).
#[test]
fn conv2d_padding_stride_and_channels() {
    let mut seed = 0;
    for padding in [Padding::Valid, Padding::Same] {
        for stride in [1, 2] {
            for c_in in [1, 3] {
                for kernel in [[3, 3], [2, 3]] {
                    seed += 1;
                    check_conv(
                        (2, 6, 7, c_in),
                        3,
                        kernel,
                        [stride, stride],
                        [1, 1],
                        padding,
                        Activation::Tanh,
                        seed,
                    );
                }
            }
        }
    }
}

fn pool_case() -> impl Strategy<Value = (Pool2DConfig, usize, usize, usize)> {
    (
        (1usize..4, 1usize..4),
        prop::option::of((1usize..3, 1usize..3)),
        any::<bool>(),
        (2usize..7, 2usize..7, 1usize..4),
    )
        .prop_map(|((ph, pw), strides, same, (h, w, c))| {
            let config = Pool2DConfig {
                pool_size: [ph, pw],
                strides: strides.map(|(a, b)| [a, b]),
                padding: if same { Padding::Same } else { Padding::Valid },
                ..Pool2DConfig::default()
            };
            (config, h.max(ph), w.max(pw), c)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_207),
        ..ProptestConfig::default()
    })]

    /// Random Conv2D shapes: kernels 1–3 per axis, strides 1–2 or dilations 1–2,
    /// either padding, every activation.
    #[test]
    fn conv2d_random_shapes(
        (batch, h, w, c_in, filters) in (1usize..3, 3usize..7, 3usize..7, 1usize..4, 1usize..4),
        (kh, kw) in (1usize..4, 1usize..4),
        (s, dilated) in (1usize..3, any::<bool>()),
        same in any::<bool>(),
        act in 0usize..ACTIVATIONS.len(),
        seed in 0u64..1000,
    ) {
        let (strides, dilation) = if dilated { ([1, 1], [s, s]) } else { ([s, s], [1, 1]) };
        let padding = if same { Padding::Same } else { Padding::Valid };
        let extent = |k: usize| (k - 1) * dilation[0] + 1;
        prop_assume!(same || (extent(kh) <= h && extent(kw) <= w));
        check_conv((batch, h, w, c_in), filters, [kh, kw], strides, dilation, padding,
                   ACTIVATIONS[act], seed);
    }

    #[test]
    fn max_pooling2d((config, h, w, c) in pool_case(), seed in 0u64..1000) {
        let mut rng = Rng::new(seed);
        let x = normals(&mut rng, 2 * h * w * c);
        let mut probe = MaxPooling2D::from_config(config.clone());
        let out: usize = probe.build(&[h, w, c], &mut Rng::new(0)).unwrap().iter().product();
        let wl = normals(&mut rng, 2 * out);
        let make = move || -> Box<dyn Layer> { Box::new(MaxPooling2D::from_config(config.clone())) };
        check_layer("MaxPooling2D", &make, &tensor(&x, &[2, h, w, c]), &wl, 1e-2);
    }

    #[test]
    fn average_pooling2d((config, h, w, c) in pool_case(), seed in 0u64..1000) {
        let mut rng = Rng::new(seed);
        let x = normals(&mut rng, 2 * h * w * c);
        let mut probe = AveragePooling2D::from_config(config.clone());
        let out: usize = probe.build(&[h, w, c], &mut Rng::new(0)).unwrap().iter().product();
        let wl = normals(&mut rng, 2 * out);
        let make = move || -> Box<dyn Layer> {
            Box::new(AveragePooling2D::from_config(config.clone()))
        };
        check_layer("AveragePooling2D", &make, &tensor(&x, &[2, h, w, c]), &wl, 1e-2);
    }

    #[test]
    fn global_pooling2d((h, w, c) in (1usize..5, 1usize..5, 1usize..4), keepdims in any::<bool>(),
                        seed in 0u64..1000) {
        let mut rng = Rng::new(seed);
        let x = tensor(&normals(&mut rng, 3 * h * w * c), &[3, h, w, c]);
        let wl = normals(&mut rng, 3 * c);
        let make = move || -> Box<dyn Layer> {
            Box::new(GlobalAveragePooling2D::new().keepdims(keepdims))
        };
        check_layer("GlobalAveragePooling2D", &make, &x, &wl, 1e-2);
        let make = move || -> Box<dyn Layer> { Box::new(GlobalMaxPooling2D::new().keepdims(keepdims)) };
        check_layer("GlobalMaxPooling2D", &make, &x, &wl, 1e-2);
    }

    #[test]
    fn flatten_4d(x in values(48), w in values(48)) {
        let make = || -> Box<dyn Layer> { Box::new(Flatten::new()) };
        check_layer("Flatten 4-D", &make, &tensor(&x, &[2, 3, 2, 4]), &w, 1e-2);
    }

    /// Batch normalisation of `[n, h, w, c]` images normalises each channel over
    /// `n·h·w` values (Keras `axis=-1`).
    #[test]
    fn batch_normalization_4d((n, h, w, c) in (1usize..3, 2usize..4, 2usize..4, 1usize..4),
                              seed in 0u64..1000) {
        let mut rng = Rng::new(seed);
        let rows = n * h * w;
        let x = normals(&mut rng, rows * c);
        let wl = normals(&mut rng, rows * c);
        for ch in 0..c {
            let col: Vec<f64> = x.iter().skip(ch).step_by(c).map(|&v| v as f64).collect();
            let mean = col.iter().sum::<f64>() / rows as f64;
            let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / rows as f64;
            prop_assume!(var >= 0.25);
        }
        let make = || -> Box<dyn Layer> {
            Box::new(BatchNormalization::from_config(gradus_nn::BatchNormalizationConfig {
                gamma_initializer: Initializer::Constant { value: 1.5 },
                beta_initializer: Initializer::Constant { value: -0.3 },
                ..Default::default()
            }))
        };
        check_layer("BatchNormalization 4-D", &make, &tensor(&x, &[n, h, w, c]), &wl, 4e-2);
    }
}

/// Batch normalisation on images equals batch normalisation of the `[n·h·w, c]` matrix:
/// the channel axis is normalised over batch and pixels.
#[test]
fn batch_normalization_4d_is_per_channel() {
    let mut rng = Rng::new(3);
    let x = normals(&mut rng, 2 * 3 * 3 * 4);
    let run = |dims: &[usize]| {
        let mut bn = BatchNormalization::new();
        bn.build(&dims[1..], &mut Rng::new(0)).unwrap();
        let y = bn
            .forward(&tensor(&x, dims), Mode::Train(BatchKey::default()))
            .data()
            .to_vec();
        (y, bn.params()[2].value.data().to_vec())
    };
    assert_eq!(run(&[2, 3, 3, 4]), run(&[18, 4]));
}

/// A whole small CNN — Conv2D (same, tanh) → MaxPooling2D → BatchNormalization →
/// Conv2D (stride 2, relu, L2) → AveragePooling2D (same) → Flatten → Dense softmax — under
/// sparse categorical cross-entropy with the softmax fused: every parameter's gradient
/// from the full backward pass matches the loss's finite differences.
#[test]
fn cnn_network_gradients() {
    let (rows, classes) = (3, 3);
    let mut rng = Rng::new(11);
    let x = tensor(&normals(&mut rng, rows * 6 * 6 * 2), &[rows, 6, 6, 2]);
    let ids: Vec<f32> = (0..rows).map(|_| rng.below(classes) as f32).collect();
    let y = Tensor::column(&ids);
    let make = || -> Vec<Box<dyn Layer>> {
        let mut layers: Vec<Box<dyn Layer>> = vec![
            Box::new(
                Conv2D::new(3, [3, 3])
                    .padding(Padding::Same)
                    .activation(Activation::Tanh)
                    .bias_initializer(Initializer::random_normal()),
            ),
            Box::new(MaxPooling2D::new([2, 2])),
            Box::new(BatchNormalization::new()),
            Box::new(
                Conv2D::new(4, [2, 2])
                    .strides([2, 2])
                    .activation(Activation::Relu)
                    .kernel_regularizer(Regularizer::l2(0.02))
                    .bias_initializer(Initializer::Constant { value: 0.1 }),
            ),
            Box::new(AveragePooling2D::from_config(Pool2DConfig {
                padding: Padding::Same,
                ..Pool2DConfig::new([2, 2])
            })),
            Box::new(Flatten::new()),
            Box::new(Dense::new(classes).activation(Activation::Softmax)),
        ];
        let mut shape = vec![6, 6, 2];
        for (i, l) in layers.iter_mut().enumerate() {
            shape = l.build(&shape, &mut Rng::with_stream(5, i as u64)).unwrap();
        }
        layers
    };
    let built = LossConfig::sparse_categorical_crossentropy().build(Activation::Softmax);
    assert!(built.fused);
    let total = |layers: &mut Vec<Box<dyn Layer>>| -> f64 {
        let mut out = x.clone();
        for l in layers.iter_mut() {
            out = l.forward(&out, Mode::Train(BatchKey::default())).clone();
        }
        let penalty: f64 = layers
            .iter()
            .flat_map(|l| l.params())
            .map(Param::penalty)
            .sum();
        built.loss.compute(&out, &y, None) + penalty
    };
    let mut layers = make();
    let mut out = x.clone();
    for l in layers.iter_mut() {
        out = l.forward(&out, Mode::Train(BatchKey::default())).clone();
    }
    let mut g = Tensor::zeros(&[1]);
    built.loss.compute(&out, &y, Some(&mut g));
    let n = layers.len();
    for i in (0..n).rev() {
        let flow = GradFlow {
            fused_activation: i + 1 == n,
            input_grad: i > 0,
        };
        g = layers[i].backward(&g, flow).clone();
    }
    for p in layers.iter_mut().flat_map(|l| l.params_mut()) {
        if p.trainable {
            p.add_penalty_gradient();
        }
    }
    let mut checked = 0;
    for li in 0..n {
        for (pi, p) in layers[li]
            .params()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.trainable)
        {
            let mut eval = |vs: &[f32]| {
                let mut fresh = make();
                fresh[li].params_mut()[pi]
                    .value
                    .data_mut()
                    .copy_from_slice(vs);
                total(&mut fresh)
            };
            let err = relative_error(p.value.data(), p.grad.data(), 1e-2, &mut eval);
            assert!(err < 1e-3, "layer {li} {}: relative error {err}", p.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 8); // 2 conv kernels and biases, gamma, beta, dense kernel and bias
}
