//! Hostile matrices, shapes and values for the image kernels: `warp_affine` and the value
//! transforms. Every call finishes without panicking or reading outside the image, and
//! every output pixel is `cval` or a convex combination of input pixels.

use gradus_tensor::ops::{
    AffineWarp, FillMode, Interpolation, channel_mean_std, mean_std, min_max, scale_clamped,
    scale_shift, scale_shift_channels, shift_clamped, warp_affine,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 400,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    }
}

/// Matrix entries: ordinary, tiny, huge, infinite and NaN.
fn entry() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -3.0f64..3.0,
        2 => -40.0f64..40.0,
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 1e12, -1e12, 1e300, -1e300, f64::MAX,
            f64::MIN, f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
    ]
}

/// Shapes from a single pixel to very wide or tall strips.
fn shape() -> impl Strategy<Value = [usize; 3]> {
    prop_oneof![
        (1usize..7, 1usize..7, 1usize..6).prop_map(|(h, w, c)| [h, w, c]),
        prop::sample::select(vec![
            [1, 1, 1],
            [1, 2000, 1],
            [2000, 1, 3],
            [2, 700, 2],
            [0, 5, 3],
            [5, 0, 1]
        ]),
    ]
}

fn fill() -> impl Strategy<Value = FillMode> {
    prop::sample::select(vec![
        FillMode::Constant,
        FillMode::Nearest,
        FillMode::Reflect,
        FillMode::Wrap,
    ])
}

fn order() -> impl Strategy<Value = Interpolation> {
    prop::sample::select(vec![Interpolation::Nearest, Interpolation::Bilinear])
}

proptest! {
    #![proptest_config(config())]

    /// Any matrix on any shape: no panic, and each output pixel is `cval` or lies within
    /// the range of the input values.
    #[test]
    fn warps_stay_in_the_image(shape in shape(), m in prop::array::uniform6(entry()),
                               fill in fill(), order in order(), cval in -5.0f32..5.0,
                               seed in any::<u64>()) {
        let len = shape.iter().product::<usize>();
        let mut rng = gradus_tensor::Rng::new(seed);
        let src: Vec<f32> = (0..len).map(|_| rng.uniform_f32()).collect();
        let mut dst = vec![f32::NAN; len];
        let warp = AffineWarp {
            matrix: [[m[0], m[1], m[2]], [m[3], m[4], m[5]]],
            fill,
            cval,
            interpolation: order,
        };
        warp_affine(&src, &mut dst, shape, &warp);
        for &v in &dst {
            prop_assert!(v == cval || (0.0..=1.0).contains(&v), "{v} ({warp:?}, {shape:?})");
        }
    }

    /// The identity and integer translations inside the image copy exactly.
    #[test]
    fn identity_copies(shape in shape(), fill in fill(), order in order()) {
        let len = shape.iter().product::<usize>();
        let src: Vec<f32> = (0..len).map(|v| v as f32).collect();
        let mut dst = vec![0.0; len];
        let warp = AffineWarp {
            matrix: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            fill,
            cval: -1.0,
            interpolation: order,
        };
        warp_affine(&src, &mut dst, shape, &warp);
        prop_assert_eq!(dst, src);
    }

    /// The value transforms take any bounds and values without panicking.
    #[test]
    fn value_kernels_take_anything(vals in prop::collection::vec(any::<f32>(), 0..40),
                                   a in any::<f32>(), b in any::<f32>(), c in any::<f32>(),
                                   channels in 1usize..5) {
        let mut x = vals.clone();
        shift_clamped(&mut x, a, b, c);
        scale_clamped(&mut x, a, b, c);
        scale_shift(&mut x, a, b);
        let (lo, hi) = min_max(&vals);
        prop_assert!(vals.iter().all(|v| v.is_nan() || (lo <= *v && *v <= hi)));
        let n = vals.len() / channels * channels;
        let mut y = vals[..n].to_vec();
        let (s, t) = (vec![a; channels], vec![b; channels]);
        scale_shift_channels(&mut y, &s, &t);
        let (mut mean, mut std) = (vec![0.0; channels], vec![0.0; channels]);
        channel_mean_std(&vals[..n], &mut mean, &mut std);
        let finite = vals[..n].iter().all(|v| v.is_finite());
        prop_assert!(!finite || mean.iter().chain(&std).all(|v| v.is_finite()));
        let (m, sd) = mean_std(&vals);
        prop_assert!(!vals.iter().all(|v| v.is_finite()) || (m.is_finite() && sd.is_finite()));
    }
}
