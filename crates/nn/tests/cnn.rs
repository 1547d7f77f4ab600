//! Convolutional models through `Sequential`: Keras's summary of a small CNN, save / load
//! of every image layer's configuration and weights, a CNN that learns a spatial task, and
//! Keras's initializer fans for convolution kernels.

use gradus_nn::{
    AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout, FitConfig, Flatten,
    GlobalAveragePooling2D, GlobalMaxPooling2D, Initializer, Layer, LayerConfig, LossConfig,
    MaxPooling2D, Metric, OptimizerConfig, Padding, Pool2DConfig, Sequential, Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};

/// The model of `gradus-bench cnn`.
fn mnist_cnn() -> Sequential {
    let mut m = Sequential::new();
    m.add(Conv2D::new(32, [3, 3]).activation(Activation::Relu));
    m.add(MaxPooling2D::new([2, 2]));
    m.add(Conv2D::new(64, [3, 3]).activation(Activation::Relu));
    m.add(MaxPooling2D::new([2, 2]));
    m.add(Flatten::new());
    m.add(Dense::new(10).activation(Activation::Softmax));
    m
}

/// Keras 3's `model.summary()` for the same model on `(28, 28, 1)` inputs lists these
/// names, types, output shapes and counts (320 = 3·3·1·32 + 32, 18,496 = 3·3·32·64 + 64,
/// 16,010 = 1600·10 + 10).
#[test]
fn summary_matches_keras() {
    let mut m = mnist_cnn();
    m.build(&[28, 28, 1], 0).unwrap();
    let s = m.summary();
    for line in [
        "│ conv2d (Conv2D)              │ (None, 26, 26, 32) │     320 │",
        "│ max_pooling2d (MaxPooling2D) │ (None, 13, 13, 32) │       0 │",
        "│ conv2d_1 (Conv2D)            │ (None, 11, 11, 64) │  18,496 │",
        "│ max_pooling2d_1 (MaxPooling2D) │ (None, 5, 5, 64)   │       0 │",
        "│ flatten (Flatten)            │ (None, 1600)       │       0 │",
        "│ dense (Dense)                │ (None, 10)         │  16,010 │",
    ] {
        let cells: Vec<&str> = line.split('│').map(str::trim).collect();
        assert!(
            s.lines().any(|l| {
                let got: Vec<&str> = l.split('│').map(str::trim).collect();
                got == cells
            }),
            "missing {line} in\n{s}"
        );
    }
    assert!(s.contains(" Total params: 34,826 (136.04 KB)"), "{s}");
}

fn every_image_layer() -> Sequential {
    let mut m = Sequential::new();
    m.add(
        Conv2D::new(4, [3, 2])
            .padding(Padding::Same)
            .strides([2, 1])
            .activation(Activation::Tanh)
            .kernel_initializer(Initializer::HeNormal),
    );
    m.add(BatchNormalization::new());
    m.add(MaxPooling2D::from_config(Pool2DConfig {
        strides: Some([1, 1]),
        padding: Padding::Same,
        ..Pool2DConfig::new([2, 2])
    }));
    m.add(Conv2D::new(3, [2, 2]).dilation_rate([2, 2]).use_bias(false));
    m.add(AveragePooling2D::new([1, 2]));
    m.add(Dropout::new(0.2));
    m.add(GlobalAveragePooling2D::new().keepdims(true));
    m.add(Flatten::new());
    m.add(Dense::new(2));
    m.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[])
        .unwrap();
    m
}

fn images(n: usize, h: usize, w: usize, c: usize, seed: u64) -> Tensor {
    let mut rng = Rng::new(seed);
    let v = (0..n * h * w * c).map(|_| rng.normal() as f32).collect();
    Tensor::from_vec(v, &[n, h, w, c]).unwrap()
}

#[test]
fn save_and_load_round_trip_every_image_layer() {
    let dir = tempfile::tempdir().unwrap();
    let x = images(12, 8, 7, 2, 1);
    let y = images(12, 1, 1, 2, 2);
    let y = Tensor::from_vec(y.data().to_vec(), &[12, 2]).unwrap();
    let mut m = every_image_layer();
    let cfg = FitConfig::new()
        .epochs(2)
        .batch_size(5)
        .verbose(Verbosity::Silent);
    m.fit(&x, &y, cfg).unwrap();
    m.save(dir.path()).unwrap();
    let mut loaded = Sequential::load(dir.path()).unwrap();
    assert_eq!(loaded.layer_configs(), m.layer_configs());
    assert_eq!(loaded.get_weights(), m.get_weights());
    assert_eq!(loaded.predict(&x).unwrap(), m.predict(&x).unwrap());
    assert_eq!(loaded.summary(), m.summary());
    let json = std::fs::read_to_string(dir.path().join("model.json")).unwrap();
    for name in [
        "\"conv2d\"",
        "\"max_pooling2d\"",
        "\"average_pooling2d\"",
        "\"global_average_pooling2d\"",
    ] {
        assert!(json.contains(name), "{name} in {json}");
    }
}

/// Layer configurations in a spec: Keras's int-or-pair sizes, snake_case names.
#[test]
fn configs_parse_from_keras_like_json() {
    let layers: Vec<LayerConfig> = serde_json::from_str(
        r#"[
            {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same",
             "activation": "relu", "kernel_regularizer": {"l2": {"l2": 0.001}}},
            {"type": "max_pooling2d", "pool_size": 2},
            {"type": "average_pooling2d", "pool_size": [3, 1], "strides": 1},
            {"type": "global_max_pooling2d", "keepdims": false},
            {"type": "dense", "units": 3}
        ]"#,
    )
    .unwrap();
    let LayerConfig::Conv2D(c) = &layers[0] else {
        panic!("{:?}", layers[0])
    };
    assert_eq!((c.kernel_size, c.padding), ([3, 3], Padding::Same));
    let LayerConfig::AveragePooling2D(p) = &layers[2] else {
        panic!("{:?}", layers[2])
    };
    assert_eq!((p.pool_size, p.effective_strides()), ([3, 1], [1, 1]));
    let mut m = Sequential::from_configs(layers);
    m.build(&[9, 9, 1], 0).unwrap();
    assert_eq!(
        m.layer_names(),
        [
            "conv2d",
            "max_pooling2d",
            "average_pooling2d",
            "global_max_pooling2d",
            "dense"
        ]
    );
    assert_eq!(m.output_shape(), Some(&[3][..]));
    let bad = serde_json::from_str::<Vec<LayerConfig>>(r#"[{"type": "conv2d", "filter": 8}]"#);
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("unknown field `filter`")
    );
}

/// 8×8 images holding one bright horizontal or vertical bar in noise: a tiny CNN with
/// global max pooling learns the orientation (a dense layer on the raw pixels could too,
/// but not with 4 + 2 filters' worth of weights).
#[test]
fn a_cnn_learns_bar_orientation() {
    let (n, side) = (256, 8);
    let mut rng = Rng::new(5);
    let mut x = Tensor::zeros(&[n, side, side, 1]);
    let mut labels = Vec::new();
    for (i, image) in x.data_mut().chunks_exact_mut(side * side).enumerate() {
        for v in image.iter_mut() {
            *v = 0.3 * rng.normal() as f32;
        }
        let vertical = i % 2;
        let at = rng.below(side);
        for t in 0..side {
            let (r, c) = if vertical == 1 { (t, at) } else { (at, t) };
            image[r * side + c] += 1.0;
        }
        labels.push(vertical as f32);
    }
    let y = Tensor::column(&labels);
    let mut m = Sequential::new();
    m.add(
        Conv2D::new(4, [3, 3])
            .padding(Padding::Same)
            .activation(Activation::Relu),
    );
    m.add(GlobalMaxPooling2D::new());
    m.add(Dense::new(2).activation(Activation::Softmax));
    m.compile(
        OptimizerConfig::adam(0.05),
        LossConfig::sparse_categorical_crossentropy(),
        &[Metric::SparseCategoricalAccuracy],
    )
    .unwrap();
    let cfg = FitConfig::new()
        .epochs(30)
        .batch_size(32)
        .validation_split(0.25)
        .seed(3)
        .verbose(Verbosity::Silent);
    let h = m.fit(&x, &y, cfg).unwrap();
    let acc = h.last("val_sparse_categorical_accuracy").unwrap();
    assert!(acc > 0.95, "validation accuracy {acc}");
}

/// Keras's fans for a `[kh, kw, c_in, filters]` kernel: `fan_in = kh·kw·c_in`,
/// `fan_out = kh·kw·filters`, so glorot_uniform draws from `±√(6 / (9·1 + 9·32))`.
#[test]
fn kernel_initializer_uses_convolution_fans() {
    let mut conv = Conv2D::new(32, [3, 3]);
    conv.build(&[28, 28, 1], &mut Rng::new(0)).unwrap();
    let kernel = &conv.params()[0].value;
    assert_eq!(kernel.dims(), &[3, 3, 1, 32]);
    let limit = (6.0f32 / (9.0 + 9.0 * 32.0)).sqrt();
    let largest = kernel.data().iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(
        largest <= limit && largest > 0.95 * limit,
        "{largest} vs {limit}"
    );
    assert_eq!(conv.params()[1].value.data(), &[0.0; 32]);
}
