//! Hostile sizes and values for the image kernels of gradus-tensor: `Window2d::new` and
//! `Conv2dGeometry::new` take any numbers and return `Ok` or `Err` (never panic, wrap or
//! allocate), and the convolution and pooling kernels take any values (NaN, infinities)
//! on any geometry they accept, from a fixed seed.

use gradus_tensor::ops::{self, Conv2dGeometry, Conv2dGrads, OutputGrad, Padding, Window2d};
use gradus_tensor::{Activation, Rng, Tensor};
use proptest::prelude::*;

/// A size from every class: zero, small, near the allocation limit, huge.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => 1usize..6,
        1 => Just(0usize),
        1 => Just(1usize << 16),
        1 => Just(Tensor::MAX_ALLOC),
        1 => Just(Tensor::MAX_ALLOC + 1),
        1 => Just(usize::MAX),
        1 => any::<usize>(),
    ]
}

fn pair() -> impl Strategy<Value = [usize; 2]> {
    (size(), size()).prop_map(|(a, b)| [a, b])
}

fn padding() -> impl Strategy<Value = Padding> {
    prop_oneof![Just(Padding::Valid), Just(Padding::Same)]
}

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        6 => -2.0f32..2.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(f32::MAX),
    ]
}

/// A small geometry the kernels accept.
fn small_window() -> impl Strategy<Value = Window2d> {
    (
        (1usize..7, 1usize..7),
        (1usize..4, 1usize..4),
        (1usize..3, 1usize..3),
        (1usize..3, 1usize..3),
        padding(),
    )
        .prop_filter_map("the window fits", |(i, k, s, d, p)| {
            Window2d::new([i.0, i.1], [k.0, k.1], [s.0, s.1], [d.0, d.1], p).ok()
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(7),
        ..ProptestConfig::default()
    })]

    /// Accepted windows have outputs of at least one pixel, sizes within the allocation
    /// limit and sources inside the image; anything else is an error.
    #[test]
    fn window_new_is_checked(input in pair(), kernel in pair(), strides in pair(),
                             dilation in pair(), padding in padding()) {
        let Ok(w) = Window2d::new(input, kernel, strides, dilation, padding) else {
            return Ok(());
        };
        let [oh, ow] = w.output();
        prop_assert!(oh >= 1 && ow >= 1);
        prop_assert!(w.output_pixels() <= Tensor::MAX_ALLOC);
        prop_assert!(w.input_pixels() <= Tensor::MAX_ALLOC);
        for (axis, out) in [(0, oh - 1), (1, ow - 1), (0, 0), (1, 0)] {
            for tap in [0, w.kernel()[axis] - 1] {
                if let Some(i) = w.source(axis, out, tap) {
                    prop_assert!(i < w.input()[axis]);
                }
            }
        }
        if padding == Padding::Valid {
            prop_assert!(w.pad_before() == [0, 0]);
        }
    }

    /// Channel and filter counts of any size: an error, or a geometry whose per-image
    /// sizes fit the allocation limit.
    #[test]
    fn conv_geometry_is_checked(window in small_window(), c in size(), f in size()) {
        if let Ok(g) = Conv2dGeometry::new(window, c, f) {
            prop_assert!(g.input_len() <= Tensor::MAX_ALLOC);
            prop_assert!(g.output_len() <= Tensor::MAX_ALLOC);
            prop_assert!(g.kernel_len() <= Tensor::MAX_ALLOC);
        }
    }

    /// The kernels on random geometries and hostile values: outputs of the right length,
    /// NaN inputs give NaN outputs somewhere (never a panic), gradients of the right length.
    #[test]
    fn image_kernels_take_any_values(window in small_window(), n in 0usize..4,
                                     (c, f) in (1usize..4, 1usize..4),
                                     vals in prop::collection::vec(value(), 64),
                                     seed in any::<u64>()) {
        let g = Conv2dGeometry::new(window, c, f).unwrap();
        let mut rng = Rng::new(seed);
        let mut draw = |len: usize| -> Vec<f32> {
            (0..len).map(|_| vals[rng.below(vals.len())]).collect()
        };
        let x = draw(n * g.input_len());
        let k = draw(g.kernel_len());
        let dy = draw(n * g.output_len());
        let b = draw(f);
        let (mut z, mut y) = (vec![0.0; n * g.output_len()], vec![0.0; n * g.output_len()]);
        let act = Activation::ALL[(seed % Activation::ALL.len() as u64) as usize];
        ops::conv2d(&x, &k, Some(&b), act, &g, &mut z, Some(&mut y));
        let (mut kg, mut bg, mut dx, mut partials) =
            (vec![0.0; k.len()], vec![0.0; f], vec![0.0; x.len()], Vec::new());
        let mut delta = vec![0.0; dy.len()];
        let out_grad = OutputGrad::Activated { dy: &dy, activation: act, z: &z, y: &y, delta: &mut delta };
        let grads = Conv2dGrads { kernel: &mut kg, bias: Some(&mut bg), input: Some(&mut dx) };
        ops::conv2d_backward(&x, &k, out_grad, &g, grads, &mut partials);
        let grads = Conv2dGrads { kernel: &mut kg, bias: None, input: None };
        ops::conv2d_backward(&x, &k, OutputGrad::Linear(&dy), &g, grads, &mut partials);

        let pooled = n * window.output_pixels() * c;
        let (mut p, mut arg) = (vec![0.0; pooled], vec![0u32; pooled]);
        let dp = draw(pooled);
        ops::max_pool2d(&x, &window, c, &mut p, &mut arg);
        if x.iter().any(|v| v.is_nan()) && n > 0 {
            // A NaN wins its windows; with stride and dilation 1 every pixel is in one.
            let dense = window.strides() == [1, 1] && window.dilation() == [1, 1];
            prop_assert!(!dense || p.iter().any(|v| v.is_nan()));
        }
        prop_assert!(arg.iter().all(|&a| (a as usize) < window.taps()));
        ops::max_pool2d_backward(&dp, &arg, &window, c, &mut dx);
        ops::avg_pool2d(&x, &window, c, &mut p);
        ops::avg_pool2d_backward(&dp, &window, c, &mut dx);

        let pixels = window.input_pixels();
        let (mut gp, mut garg) = (vec![0.0; n * c], vec![0u32; n * c]);
        let dg = draw(n * c);
        ops::global_avg_pool(&x, pixels, c, &mut gp);
        ops::global_avg_pool_backward(&dg, pixels, c, &mut dx);
        ops::global_max_pool(&x, pixels, c, &mut gp, &mut garg);
        prop_assert!(garg.iter().all(|&a| (a as usize) < pixels));
        ops::global_max_pool_backward(&dg, &garg, pixels, c, &mut dx);
    }
}
