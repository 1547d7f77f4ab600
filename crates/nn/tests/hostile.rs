//! Hostile sizes, values and configurations for gradus-nn's public entry points: layer
//! construction and `build`, `compile`, `fit`, `evaluate`, `predict`, `set_weights`, and
//! model files. Every call returns `Ok` or `Err` — never panics, aborts or hangs.
//!
//! Sizes are either small or just over `Tensor::MAX_ALLOC` once multiplied (never in
//! between), so the accepted cases allocate little and the rejected ones allocate nothing.

use gradus_nn::{
    AveragePooling2D, BatchNormalization, BatchNormalizationConfig, Conv2D, Conv2DConfig, Dense,
    Dropout, DropoutConfig, Error, FitConfig, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D,
    GlobalPool2DConfig, Initializer, LossConfig, MaxPooling2D, Metric, OptimizerConfig, Padding,
    Pool2DConfig, Regularizer, Sequential, Verbosity, Weights,
};
use gradus_tensor::{Activation, Tensor};
use proptest::prelude::*;

/// A size: small, or so large that any product with it exceeds the allocation limit.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 1usize..6,
        1 => Just(0usize),
        1 => Just(Tensor::MAX_ALLOC + 1),
        1 => Just(1usize << 62),
        1 => Just(usize::MAX),
    ]
}

fn float() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -2.0f32..2.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(f32::MAX),
        1 => Just(-1.0f32),
        1 => Just(1.0f32),
        1 => Just(0.0f32),
    ]
}

/// Mostly an ordinary value, sometimes a hostile one, so that calls get past validation
/// often enough to exercise training too.
fn mostly<T: std::fmt::Debug + Clone + 'static>(
    ordinary: impl Strategy<Value = T> + 'static,
    hostile: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![6 => ordinary, 1 => hostile].boxed()
}

fn regularizer() -> impl Strategy<Value = Option<Regularizer>> {
    prop_oneof![
        Just(None),
        float().prop_map(|v| Some(Regularizer::l1(v))),
        (float(), float()).prop_map(|(a, b)| Some(Regularizer::l1_l2(a, b))),
    ]
}

fn initializer() -> impl Strategy<Value = Initializer> {
    prop_oneof![
        Just(Initializer::GlorotUniform),
        Just(Initializer::HeNormal),
        float().prop_map(|value| Initializer::Constant { value }),
        (float(), float())
            .prop_map(|(minval, maxval)| Initializer::RandomUniform { minval, maxval }),
        (float(), float()).prop_map(|(mean, stddev)| Initializer::RandomNormal { mean, stddev }),
    ]
}

fn activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(Activation::ALL.to_vec())
}

#[derive(Debug, Clone)]
enum L {
    Dense(
        usize,
        Activation,
        Option<Regularizer>,
        Option<Regularizer>,
        Initializer,
    ),
    Dropout(f32),
    Norm(f32, f32, Initializer),
    Flatten,
    Act(Activation),
}

fn layer() -> impl Strategy<Value = L> {
    prop_oneof![
        3 => (
            mostly(1usize..5, size()),
            activation(),
            mostly(Just(None), regularizer()),
            mostly(Just(None), regularizer()),
            mostly(Just(Initializer::GlorotUniform), initializer()),
        )
            .prop_map(|(u, a, k, r, i)| L::Dense(u, a, k, r, i)),
        1 => mostly(0.0f32..0.9, float()).prop_map(L::Dropout),
        1 => (mostly(Just(0.99f32), float()), mostly(Just(1e-3f32), float()), initializer())
            .prop_map(|(m, e, i)| L::Norm(m, e, i)),
        1 => Just(L::Flatten),
        1 => activation().prop_map(L::Act),
    ]
}

fn model(layers: &[L]) -> Sequential {
    let mut m = Sequential::new();
    for l in layers {
        match l.clone() {
            L::Dense(units, act, kr, ar, init) => {
                let mut d = Dense::new(units).activation(act).kernel_initializer(init);
                if let Some(r) = kr {
                    d = d.kernel_regularizer(r);
                }
                if let Some(r) = ar {
                    d = d.activity_regularizer(r);
                }
                m.add(d);
            }
            L::Dropout(rate) => {
                m.add(Dropout::from_config(DropoutConfig {
                    rate,
                    ..DropoutConfig::default()
                }));
            }
            L::Norm(momentum, epsilon, init) => {
                m.add(BatchNormalization::from_config(BatchNormalizationConfig {
                    momentum,
                    epsilon,
                    gamma_initializer: init,
                    ..BatchNormalizationConfig::default()
                }));
            }
            L::Flatten => {
                m.add(Flatten::new());
            }
            L::Act(a) => {
                m.add(gradus_nn::ActivationLayer::new(a));
            }
        }
    }
    m
}

fn optimizer() -> impl Strategy<Value = OptimizerConfig> {
    (
        0usize..3,
        mostly(1e-4f32..1.0, float()),
        mostly(Just(None), prop::option::of(float())),
        mostly(Just(None), prop::option::of(float())),
    )
        .prop_map(|(kind, lr, clip, wd)| {
            let mut c = match kind {
                0 => OptimizerConfig::sgd(lr),
                1 => OptimizerConfig::adam(lr),
                _ => OptimizerConfig::adamw(lr),
            };
            c.clipnorm = clip;
            c.weight_decay = wd;
            c
        })
}

fn loss() -> impl Strategy<Value = LossConfig> {
    prop_oneof![
        6 => Just(LossConfig::mse()),
        1 => Just(LossConfig::sparse_categorical_crossentropy()),
        1 => Just(LossConfig::categorical_crossentropy()),
        1 => Just(LossConfig::binary_crossentropy()),
        1 => float().prop_map(|s| LossConfig::categorical_crossentropy().from_logits(true).label_smoothing(s)),
        1 => float().prop_map(LossConfig::huber),
    ]
}

/// A `rows × cols` tensor: mostly ordinary values, sometimes with hostile ones mixed in.
fn tensor(rows: usize, cols: usize) -> impl Strategy<Value = Tensor> {
    mostly(
        prop::collection::vec(-2.0f32..2.0, rows * cols),
        prop::collection::vec(float(), rows * cols),
    )
    .prop_map(move |v| Tensor::from_vec(v, &[rows, cols]).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    })]

    /// Build, compile, fit, evaluate and predict with random layers, sizes, values and
    /// options: each is `Ok` or `Err`; after a successful fit, predictions have the output
    /// shape; after a failed one, the weights are still finite.
    #[test]
    fn random_models_and_options_never_panic(
        layers in prop::collection::vec(layer(), 0..4),
        input in prop::collection::vec(size(), 0..4),
        opt in optimizer(),
        loss in loss(),
        epochs in mostly(1usize..3, 0usize..5),
        batch in mostly(1usize..9, size()),
        split in mostly(prop_oneof![Just(0.0f32), Just(0.25f32)], float()),
        initial in mostly(Just(0usize), 0usize..4),
        seed in any::<u64>(),
        data in (1usize..12, 1usize..5).prop_flat_map(|(r, c)| tensor(r, c)),
        (x, y) in (2usize..12, 1usize..3).prop_flat_map(|(r, c)| (tensor(r, 3), tensor(r, c))),
    ) {
        // The last layer fits y's columns (usually), so that training runs.
        let mut layers = layers;
        layers.push(L::Dense(y.row_len(), Activation::Linear, None, None, Initializer::GlorotUniform));
        let mut m = model(&layers);
        let _ = m.build(&input, seed);
        let mut m = model(&layers);
        let metrics = [
            Metric::Mse,
            Metric::Rmse,
            Metric::Mae,
            Metric::R2,
            Metric::Accuracy,
            Metric::BinaryAccuracy,
            Metric::CategoricalAccuracy,
            Metric::SparseCategoricalAccuracy,
            Metric::TopKAccuracy { k: 2 },
            Metric::Precision,
            Metric::Recall,
            Metric::F1,
        ];
        let _ = m.compile(opt, loss, &metrics);
        let cfg = FitConfig::new()
            .epochs(epochs)
            .batch_size(batch)
            .validation_split(split)
            .initial_epoch(initial)
            .seed(seed)
            .verbose(Verbosity::Silent);
        match m.fit(&x, &y, cfg) {
            Ok(_) => {
                let p = m.predict(&x).unwrap();
                prop_assert_eq!(p.rows(), x.rows());
            }
            Err(Error::Diverged { .. }) => {
                for w in m.get_weights().0 {
                    prop_assert!(w.first_non_finite().is_none());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = m.evaluate(&x, &y);
        let _ = m.predict(&data);
        let _ = m.evaluate(&data, &data);
    }

    /// `set_weights` with tensors of random shapes and values: either the weights are
    /// replaced by finite ones of the right shapes, or nothing changes.
    #[test]
    fn set_weights_is_all_or_nothing(
        shapes in prop::collection::vec(prop::collection::vec(1usize..5, 1..3), 0..6),
        values in prop::collection::vec(float(), 64),
    ) {
        let mut m = Sequential::new();
        m.add(Dense::new(3));
        m.add(Dense::new(2));
        m.build(&[4], 0).unwrap();
        let before = m.get_weights();
        let w = Weights(shapes.iter().map(|dims| {
            let n: usize = dims.iter().product();
            Tensor::from_vec(values.iter().cycle().take(n).copied().collect(), dims).unwrap()
        }).collect());
        match m.set_weights(&w) {
            Ok(()) => {
                prop_assert_eq!(m.get_weights(), w);
                prop_assert!(m.get_weights().0.iter().all(|t| t.first_non_finite().is_none()));
            }
            Err(_) => prop_assert_eq!(m.get_weights(), before),
        }
    }

    /// A saved model whose `model.json` gets random bytes spliced in: loading gives a model
    /// or an error.
    #[test]
    fn mangled_model_files_load_or_fail_cleanly(
        at in 0usize..2000,
        len in 0usize..20,
        bytes in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Sequential::new();
        m.add(Dense::new(3).activation(Activation::Relu));
        m.add(Dense::new(1));
        m.compile(OptimizerConfig::adam(0.01), LossConfig::mse(), &[]).unwrap();
        m.build(&[2], 0).unwrap();
        m.save(dir.path()).unwrap();
        let path = dir.path().join("model.json");
        let mut text = std::fs::read(&path).unwrap();
        let at = at.min(text.len());
        let end = (at + len).min(text.len());
        text.splice(at..end, bytes);
        std::fs::write(&path, text).unwrap();
        if let Ok(mut loaded) = Sequential::load(dir.path()) {
            let _ = loaded.predict(&Tensor::full(&[2, 2], 1.0));
        }
    }
}

/// The examples of the hardening issue.
#[test]
fn absurd_layer_sizes_are_errors() {
    // 4 · 2^62 wraps to 0 in unchecked arithmetic: the layer used to build with no weights.
    let mut m = Sequential::new();
    m.add(Dense::new(1usize << 62));
    let e = m.build(&[4], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "layer `dense`: a tensor of shape [4, 4611686018427387904] would hold \
         18446744073709551616 values, more than the limit of 4294967296; use smaller \
         dimensions (fewer units, inputs or rows per batch)"
    );
    // Dense(1e6) → Dense(1e6): 10^12 kernel values.
    let mut m = Sequential::new();
    m.add(Dense::new(1_000_000));
    m.add(Dense::new(1_000_000));
    let e = m.build(&[1], 0).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("layer `dense_1`: a tensor of shape [1000000, 1000000]"),
        "{e}"
    );
    // Batches that do not fit: 2^20 units on 2^13 rows per batch is 2^33 values.
    let mut m = Sequential::new();
    m.add(Dense::new(1 << 20));
    m.add(Dense::new(1));
    m.compile(OptimizerConfig::sgd(0.1), LossConfig::mse(), &[])
        .unwrap();
    let x = Tensor::zeros(&[1 << 13, 1]);
    let y = Tensor::zeros(&[1 << 13, 1]);
    let cfg = FitConfig::new()
        .batch_size(1 << 13)
        .verbose(Verbosity::Silent);
    let e = m.fit(&x, &y, cfg).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("layer `dense`: a tensor of shape [8192, 1048576] would hold"),
        "{e}"
    );
}

#[test]
fn hostile_initializer_parameters_are_errors() {
    for (init, field) in [
        (Initializer::Constant { value: f32::NAN }, "value"),
        (
            Initializer::RandomUniform {
                minval: 1.0,
                maxval: -1.0,
            },
            "minval",
        ),
        (
            Initializer::RandomNormal {
                mean: 0.0,
                stddev: -1.0,
            },
            "stddev",
        ),
    ] {
        let mut m = Sequential::new();
        m.add(Dense::new(2).kernel_initializer(init));
        let e = m.build(&[2], 0).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "layer `dense`: invalid Dense.kernel_initializer.{field} = "
            )),
            "{e}"
        );
    }
}

/// A source that lies: wrong lengths, orders that are not permutations, batches of the
/// wrong size or shape, NaN, failures.
#[derive(Debug, Clone)]
struct Liar {
    len: usize,
    batch: usize,
    sample: Vec<usize>,
    target: Option<Vec<usize>>,
    order_len: usize,
    order_max: usize,
    rows_delta: usize,
    cols: usize,
    value: f32,
    fail: bool,
}

impl gradus_nn::BatchSource for Liar {
    fn len(&self) -> usize {
        self.len
    }
    fn batch_size(&self) -> usize {
        self.batch
    }
    fn sample_shape(&self) -> Vec<usize> {
        self.sample.clone()
    }
    fn target_shape(&self) -> Option<Vec<usize>> {
        self.target.clone()
    }
    fn order(&self, _pass: usize) -> Vec<usize> {
        (0..self.order_len)
            .map(|i| i % self.order_max.max(1))
            .collect()
    }
    fn fill(
        &self,
        samples: &[usize],
        _key: gradus_nn::BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), gradus_nn::SourceError> {
        if self.fail {
            return Err("cannot read".into());
        }
        let rows = samples.len() + self.rows_delta;
        *x = Tensor::full(&[rows, self.cols], self.value);
        *y = Tensor::full(&[rows, 1], self.value);
        Ok(())
    }
    fn prefetch(&self) -> usize {
        self.batch % 3
    }
}

fn liar() -> impl Strategy<Value = Liar> {
    (
        (mostly(1usize..20, 0usize..3), mostly(1usize..6, 0usize..2)),
        mostly(Just(vec![2usize]), prop::collection::vec(0usize..4, 0..3)),
        mostly(
            Just(Some(vec![1usize])),
            prop::option::of(prop::collection::vec(0usize..3, 0..3)),
        ),
        (0usize..25, 0usize..25, mostly(Just(0usize), 0usize..3)),
        mostly(Just(2usize), 0usize..4),
        mostly(-1.0f32..1.0, float()),
        mostly(Just(false), any::<bool>()),
    )
        .prop_map(
            |(
                (len, batch),
                sample,
                target,
                (order_len, order_max, rows_delta),
                cols,
                value,
                fail,
            )| Liar {
                len,
                batch,
                sample,
                target,
                order_len,
                order_max,
                rows_delta,
                cols,
                value,
                fail,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    })]

    /// fit_source, evaluate_source and predict_source on lying sources: `Ok` or `Err`.
    #[test]
    fn lying_sources_are_errors(source in liar(), epochs in 1usize..3, steps in prop::option::of(1usize..5)) {
        let mut m = Sequential::new();
        m.add(Dense::new(1));
        m.compile(OptimizerConfig::sgd(0.01), LossConfig::mse(), &[Metric::Mae]).unwrap();
        let mut cfg = FitConfig::new().epochs(epochs).verbose(Verbosity::Silent);
        cfg.options.steps_per_epoch = steps;
        if let Ok(h) = m.fit_source(&source, Some(&source), cfg) {
            prop_assert_eq!(h.epoch.len(), epochs);
        }
        if m.is_built() {
            let _ = m.evaluate_source(&source);
            if let Ok(p) = m.predict_source(&source) {
                prop_assert_eq!(p.rows(), source.len);
            }
        }
    }
}

// ---- Image layers ---------------------------------------------------------------------

/// An image layer (or one that also takes images) with mostly ordinary, sometimes hostile
/// sizes.
#[derive(Debug, Clone)]
enum Img {
    Conv(Conv2DConfig),
    MaxPool(Pool2DConfig),
    AvgPool(Pool2DConfig),
    GlobalAvg(bool),
    GlobalMax(bool),
    Norm,
    Drop(f32),
    Flatten,
    Dense(usize),
}

fn pair() -> BoxedStrategy<[usize; 2]> {
    mostly(
        (1usize..4, 1usize..4).prop_map(|(a, b)| [a, b]),
        (size(), size()).prop_map(|(a, b)| [a, b]),
    )
}

fn padding() -> impl Strategy<Value = Padding> {
    prop_oneof![Just(Padding::Valid), Just(Padding::Same)]
}

fn pool_config() -> impl Strategy<Value = Pool2DConfig> {
    (pair(), prop::option::of(pair()), padding()).prop_map(|(p, s, padding)| Pool2DConfig {
        pool_size: p,
        strides: s,
        padding,
        ..Pool2DConfig::default()
    })
}

fn image_layer() -> impl Strategy<Value = Img> {
    prop_oneof![
        4 => (
            mostly(1usize..4, size()),
            pair(),
            pair(),
            mostly(Just([1, 1]), pair()),
            padding(),
            activation(),
            mostly(Just(None), regularizer()),
            mostly(Just(Initializer::GlorotUniform), initializer()),
        )
            .prop_map(|(filters, kernel_size, strides, dilation_rate, padding, activation, r, init)| {
                Img::Conv(Conv2DConfig {
                    filters,
                    kernel_size,
                    strides,
                    dilation_rate,
                    padding,
                    activation,
                    kernel_regularizer: r,
                    kernel_initializer: init,
                    ..Conv2DConfig::default()
                })
            }),
        2 => pool_config().prop_map(Img::MaxPool),
        1 => pool_config().prop_map(Img::AvgPool),
        1 => any::<bool>().prop_map(Img::GlobalAvg),
        1 => any::<bool>().prop_map(Img::GlobalMax),
        1 => Just(Img::Norm),
        1 => (0.0f32..0.9).prop_map(Img::Drop),
        1 => Just(Img::Flatten),
        1 => mostly(1usize..5, size()).prop_map(Img::Dense),
    ]
}

fn image_model(layers: &[Img]) -> Sequential {
    let mut m = Sequential::new();
    for l in layers {
        match l.clone() {
            Img::Conv(c) => m.add(Conv2D::from_config(c)),
            Img::MaxPool(c) => m.add(MaxPooling2D::from_config(c)),
            Img::AvgPool(c) => m.add(AveragePooling2D::from_config(c)),
            Img::GlobalAvg(keepdims) => {
                m.add(GlobalAveragePooling2D::from_config(GlobalPool2DConfig {
                    keepdims,
                    ..GlobalPool2DConfig::default()
                }))
            }
            Img::GlobalMax(keepdims) => m.add(GlobalMaxPooling2D::new().keepdims(keepdims)),
            Img::Norm => m.add(BatchNormalization::new()),
            Img::Drop(rate) => m.add(Dropout::new(rate)),
            Img::Flatten => m.add(Flatten::new()),
            Img::Dense(units) => m.add(Dense::new(units)),
        };
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        rng_seed: proptest::test_runner::RngSeed::Fixed(7),
        ..ProptestConfig::default()
    })]

    /// Random stacks of convolution, pooling and other layers on random image shapes,
    /// with hostile sizes now and then: `build` on any input shape, then compile, fit,
    /// evaluate and predict on small images — each `Ok` or `Err`, never a panic; a model
    /// that trains predicts one row per image, and a diverged one keeps finite weights.
    #[test]
    fn random_image_models_never_panic(
        first in image_layer().prop_filter("a convolution", |l| matches!(l, Img::Conv(_))),
        layers in prop::collection::vec(image_layer(), 0..4),
        input in prop::collection::vec(size(), 0..4),
        (h, w, c) in (2usize..9, 2usize..9, 1usize..4),
        rows in 1usize..6,
        values in mostly(prop::collection::vec(-2.0f32..2.0, 64), prop::collection::vec(float(), 64)),
        opt in mostly(Just(OptimizerConfig::adam(0.01)), optimizer()),
        batch in mostly(1usize..5, size()),
        seed in any::<u64>(),
    ) {
        let mut layers = [vec![first], layers].concat();
        layers.push(Img::Flatten);
        layers.push(Img::Dense(2));
        let _ = image_model(&layers).build(&input, seed);
        let mut m = image_model(&layers);
        m.compile(opt, LossConfig::mse(), &[Metric::Mae]).unwrap_or(());
        let take = |n: usize| -> Vec<f32> { values.iter().cycle().take(n).copied().collect() };
        let x = Tensor::from_vec(take(rows * h * w * c), &[rows, h, w, c]).unwrap();
        let y = Tensor::from_vec(take(rows * 2), &[rows, 2]).unwrap();
        let cfg = FitConfig::new().epochs(2).batch_size(batch).seed(seed).verbose(Verbosity::Silent);
        match m.fit(&x, &y, cfg) {
            Ok(_) => {
                let p = m.predict(&x).unwrap();
                prop_assert_eq!(p.dims(), &[rows, 2]);
                let saved = tempfile::tempdir().unwrap();
                m.save(saved.path()).unwrap();
                let mut loaded = Sequential::load(saved.path()).unwrap();
                prop_assert_eq!(loaded.get_weights(), m.get_weights());
                let q = loaded.predict(&x).unwrap();
                prop_assert!(p.data().iter().zip(q.data()).all(|(a, b)| a == b || a.is_nan() && b.is_nan()));
            }
            Err(Error::Diverged { .. }) => {
                for t in m.get_weights().0 {
                    prop_assert!(t.first_non_finite().is_none());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = m.evaluate(&x, &y);
        let _ = m.predict(&x);
        let _ = m.summary();
    }
}

/// The errors the convolution issue asks for, through a model: they name the layer, the
/// value and the fix.
#[test]
fn image_layer_errors_name_the_value() {
    let build = |layers: Vec<Img>, input: &[usize]| {
        image_model(&layers)
            .build(input, 0)
            .unwrap_err()
            .to_string()
    };
    let conv = |filters, k: usize| Conv2DConfig {
        filters,
        kernel_size: [k, k],
        ..Conv2DConfig::default()
    };
    assert_eq!(
        build(vec![Img::Conv(conv(8, 5))], &[3, 4, 1]),
        "layer `conv2d`: shape mismatch in Conv2D: expected an image of at least 5×5 pixels \
         (the 5×5 window with padding valid), got [batch, 3, 4, 1]; use padding \"same\" or \
         a smaller window"
    );
    let e = build(vec![Img::Flatten, Img::Conv(conv(8, 3))], &[28, 28, 1]);
    assert!(
        e.starts_with(
            "layer `conv2d`: shape mismatch in Conv2D: expected input of shape [batch, height, \
             width, channels], got [batch, 784]; a 2-D input ([batch, features], e.g. after \
             Dense or Flatten) has no image axes"
        ),
        "{e}"
    );
    assert_eq!(
        build(vec![Img::Conv(conv(0, 3))], &[8, 8, 1]),
        "layer `conv2d`: invalid Conv2D.filters = 0: at least 1 filter"
    );
    assert_eq!(
        build(vec![Img::Conv(conv(4, 0))], &[8, 8, 1]),
        "layer `conv2d`: invalid Conv2D.kernel_size = [0, 0]: at least 1 on each axis"
    );
    let pool = |p: [usize; 2], s: Option<[usize; 2]>| Pool2DConfig {
        pool_size: p,
        strides: s,
        ..Pool2DConfig::default()
    };
    assert_eq!(
        build(vec![Img::MaxPool(pool([0, 2], None))], &[8, 8, 1]),
        "layer `max_pooling2d`: invalid MaxPooling2D.pool_size = [0, 2]: at least 1 on each axis"
    );
    assert_eq!(
        build(vec![Img::AvgPool(pool([2, 2], Some([1, 0])))], &[8, 8, 1]),
        "layer `average_pooling2d`: invalid AveragePooling2D.strides = [1, 0]: at least 1 on \
         each axis"
    );
    assert!(build(vec![Img::GlobalMax(false)], &[10]).starts_with(
        "layer `global_max_pooling2d`: shape mismatch in GlobalMaxPooling2D: expected \
             input of shape [batch, height, width, channels], got [batch, 10]"
    ));
    // 2^17 filters on a 2^16-pixel image: the output would exceed the allocation limit.
    let e = build(
        vec![Img::Conv(Conv2DConfig {
            filters: 1 << 17,
            kernel_size: [1, 1],
            ..Conv2DConfig::default()
        })],
        &[256, 256, 1],
    );
    assert!(
        e.starts_with("layer `conv2d`: a tensor of shape [256, 256, 131072]"),
        "{e}"
    );
}
