//! Hostile input to every public entry point of the augmentation: random and extreme
//! transform parameters (NaN, infinities, huge angles and shifts, zero and negative zooms),
//! shapes (a single pixel, very wide strips, empty images), generator configurations and
//! batch requests. Every call returns `Ok` or an error naming the field, never panics, and
//! every `Ok` keeps its promise (the output has the input's shape and finite values).

use gradus_data::{
    Centre, FitOptions, FlowOptions, ImageDataGenerator, ShiftRange, TransformParams, ZoomRange,
};
use gradus_tensor::ops::{FillMode, Interpolation, warp_affine};
use gradus_tensor::{BatchKey, BatchSource, Rng, SourceError, Tensor};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        timeout: 10_000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(17),
        ..ProptestConfig::default()
    }
}

/// Any `f64`: ordinary, special and extreme.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -50.0f64..50.0,
        1 => any::<f64>(),
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e9, -1e9, 1.5e9, 1e300, f64::MAX,
            f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
    ]
}

fn params() -> impl Strategy<Value = TransformParams> {
    (
        prop::array::uniform6(number()),
        any::<(bool, bool)>(),
        prop::option::of(number()),
        prop::option::of(number()),
    )
        .prop_map(
            |([theta, tx, ty, shear, zx, zy], (fh, fv), cs, b)| TransformParams {
                theta,
                tx,
                ty,
                shear,
                zx,
                zy,
                flip_horizontal: fh,
                flip_vertical: fv,
                channel_shift_intensity: cs,
                brightness: b,
            },
        )
}

/// Image shapes from one pixel to wide strips, and empty ones.
fn shape() -> impl Strategy<Value = [usize; 3]> {
    prop_oneof![
        4 => (1usize..6, 1usize..6, 1usize..5).prop_map(|(h, w, c)| [h, w, c]),
        1 => prop::sample::select(vec![[1, 1, 1], [1, 3000, 1], [3000, 1, 2], [0, 4, 3], [4, 4, 0]]),
    ]
}

fn image(shape: [usize; 3], seed: u64) -> Tensor {
    let mut rng = Rng::new(seed);
    let len = shape.iter().product();
    let v = (0..len).map(|_| 255.0 * rng.uniform_f32()).collect();
    Tensor::from_vec(v, &shape).unwrap()
}

/// A range setting: mostly valid (0..50), sometimes anything.
fn range() -> impl Strategy<Value = f64> {
    prop_oneof![6 => 0.0f64..50.0, 1 => number()]
}

fn shift_range() -> impl Strategy<Value = ShiftRange> {
    prop_oneof![
        2 => prop_oneof![0.0f64..1.0, range()].prop_map(ShiftRange::Uniform),
        1 => any::<u32>().prop_map(ShiftRange::Integer),
        1 => prop::collection::vec(number(), 0..4).prop_map(ShiftRange::Choices),
    ]
}

fn generator() -> impl Strategy<Value = ImageDataGenerator> {
    let ranges = (range(), range(), range(), shift_range(), shift_range());
    let zoom = prop_oneof![
        3 => (0.0f64..1.0).prop_map(ZoomRange::Factor),
        3 => (0.0f64..1.0, 1.0f64..3.0).prop_map(|(a, b)| ZoomRange::Range([a, b])),
        1 => number().prop_map(ZoomRange::Factor),
        1 => (number(), number()).prop_map(|(a, b)| ZoomRange::Range([a, b])),
    ];
    let modes = (
        prop::sample::select(vec![
            FillMode::Constant,
            FillMode::Nearest,
            FillMode::Reflect,
            FillMode::Wrap,
        ]),
        prop::sample::select(vec![Interpolation::Nearest, Interpolation::Bilinear]),
        any::<[bool; 7]>(),
    );
    let values = (
        prop_oneof![
            2 => Just(None),
            2 => (0.0f64..1.0, 1.0f64..2.0).prop_map(Some),
            1 => (number(), number()).prop_map(Some),
        ],
        prop_oneof![
            2 => Just(None),
            2 => Just(Some(1.0 / 255.0)),
            1 => any::<f32>().prop_map(Some),
        ],
        prop_oneof![3 => -1.0f32..1.0, 1 => any::<f32>()],
    );
    (ranges, zoom, modes, values).prop_map(
        |((rot, shear, chan, ws, hs), zoom, (fill, order, flags), (bright, rescale, cval))| {
            ImageDataGenerator {
                rotation_range: rot,
                shear_range: shear,
                channel_shift_range: chan,
                width_shift_range: ws,
                height_shift_range: hs,
                zoom_range: zoom,
                fill_mode: fill,
                interpolation_order: order,
                horizontal_flip: flags[0],
                vertical_flip: flags[1],
                keras_compat: flags[2],
                samplewise_center: flags[3],
                samplewise_std_normalization: flags[4],
                featurewise_center: flags[5],
                featurewise_std_normalization: flags[6],
                brightness_range: bright.map(|(a, b)| [a, b]),
                rescale,
                cval,
                ..ImageDataGenerator::default()
            }
        },
    )
}

proptest! {
    #![proptest_config(config())]

    /// Any parameters on any shape: an image of the same shape, or an error that names the
    /// parameter at fault.
    #[test]
    fn apply_transform_takes_any_params(p in params(), shape in shape(), seed in any::<u64>(),
                                        compat in any::<bool>(), order in 0u8..2) {
        let g = ImageDataGenerator::new()
            .keras_compat(compat)
            .interpolation_order(Interpolation::try_from(order).unwrap());
        let x = image(shape, seed);
        match g.apply_transform(&x, &p) {
            Ok(y) => {
                prop_assert!(p.validate().is_ok());
                prop_assert_eq!(y.dims(), x.dims());
                prop_assert!(y.first_non_finite().is_none());
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("invalid TransformParams."), "{}", msg);
                prop_assert!(p.validate().is_err());
            }
        }
    }

    /// Any configuration: valid ones draw valid parameters and transform, flow and
    /// standardize; invalid ones are refused with the field's name.
    #[test]
    fn generators_are_valid_or_refused(g in generator(), shape in shape(), seed in any::<u64>()) {
        let x = image(shape, seed);
        match g.validate() {
            Err(e) => {
                prop_assert!(e.to_string().starts_with("invalid "), "{}", e);
                prop_assert!(g.random_transform_params(&mut Rng::new(seed), shape).is_err());
            }
            Ok(()) => {
                let p = g.random_transform_params(&mut Rng::new(seed), shape).unwrap();
                prop_assert!(p.validate().is_ok(), "{:?}", p);
                let y = g.apply_transform(&x, &p).unwrap();
                prop_assert_eq!(y.dims(), x.dims());
                let mut batch = Tensor::from_vec(x.data().repeat(2), &[2, shape[0], shape[1], shape[2]]).unwrap();
                let fitted = g.fit(&batch);
                let g = fitted.unwrap_or(g);
                let flow = g.flow(&batch, None, FlowOptions { batch_size: 2, shuffle: true, seed });
                if let Ok(flow) = flow {
                    let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
                    flow.fill(&[1, 0], BatchKey::new(0, 0), &mut bx, &mut by).unwrap();
                    prop_assert_eq!(bx.dims(), batch.dims());
                    prop_assert!(flow.fill(&[2], BatchKey::new(0, 1), &mut bx, &mut by).is_err());
                }
                let _ = g.standardize(&mut batch);
            }
        }
    }

    /// Batch sizes from 0 to usize::MAX, any seeds and keys, and sample indices beyond the
    /// data.
    #[test]
    fn flow_takes_any_batching(batch_size in prop_oneof![0usize..5, Just(usize::MAX)],
                               seed in any::<u64>(), epoch in any::<usize>(), index in any::<usize>(),
                               sample in 0usize..8) {
        let x = image([3, 4, 2], seed).data().repeat(4);
        let x = Tensor::from_vec(x, &[4, 3, 4, 2]).unwrap();
        let g = ImageDataGenerator::new().rotation_range(30.0).zoom_range(0.3).horizontal_flip(true);
        match g.flow(&x, None, FlowOptions { batch_size, shuffle: true, seed }) {
            Err(_) => prop_assert_eq!(batch_size, 0),
            Ok(flow) => {
                prop_assert_eq!(flow.batches(), 4usize.div_ceil(batch_size));
                let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
                let r = flow.fill(&[sample], BatchKey::new(epoch, index), &mut bx, &mut by);
                prop_assert_eq!(r.is_ok(), sample < 4);
            }
        }
    }

    /// fit with hostile values, shapes and round counts.
    #[test]
    fn fit_takes_anything(vals in prop::collection::vec(prop_oneof![any::<f32>(), -1e3f32..1e3], 0..24),
                          n in 0usize..3, rounds in prop_oneof![0usize..3, Just(usize::MAX), Just(1usize << 40)],
                          augment in any::<bool>()) {
        let per = vals.len() / n.max(1);
        let dims = [n, 1, per, 1];
        let x = Tensor::from_vec(vals[..n * per].to_vec(), &dims).unwrap();
        let g = ImageDataGenerator::new().featurewise_std_normalization(true).rotation_range(10.0);
        let opts = FitOptions { augment, rounds, seed: 1 };
        if let Ok(fitted) = g.fit_with(&x, opts) {
            let stats = fitted.featurewise_stats.unwrap();
            prop_assert!(stats.validate().is_ok());
            prop_assert!(n > 0 && rounds > 0);
        }
    }

    /// Configurations from arbitrary JSON numbers: deserialized or refused, never a panic.
    #[test]
    fn configs_from_json(rot in number(), zoom in number(), shift in number(), order in any::<i64>()) {
        let json = format!(
            r#"{{"rotation_range": {rot:?}, "zoom_range": {zoom:?}, "width_shift_range": {shift:?}, "interpolation_order": {order}}}"#
        );
        if let Ok(g) = serde_json::from_str::<ImageDataGenerator>(&json) {
            prop_assert!((0..=1).contains(&order));
            let _ = g.validate();
        }
    }
}

/// A source that lies about its samples: wrong shapes, errors, or nothing at all.
struct Liar {
    shape: Vec<usize>,
    filled: Vec<usize>,
    fail: bool,
}

impl BatchSource for Liar {
    fn len(&self) -> usize {
        3
    }
    fn batch_size(&self) -> usize {
        2
    }
    fn sample_shape(&self) -> Vec<usize> {
        self.shape.clone()
    }
    fn target_shape(&self) -> Option<Vec<usize>> {
        None
    }
    fn order(&self, _pass: usize) -> Vec<usize> {
        vec![0, 1, 2]
    }
    fn fill(
        &self,
        _s: &[usize],
        _k: BatchKey,
        x: &mut Tensor,
        _y: &mut Tensor,
    ) -> Result<(), SourceError> {
        if self.fail {
            return Err("unreadable".into());
        }
        *x = Tensor::try_zeros(&self.filled)?;
        Ok(())
    }
}

proptest! {
    #![proptest_config(config())]

    /// `warp` on any parameters and image size gives a matrix that `warp_affine` takes
    /// without panicking, whatever it holds.
    #[test]
    fn any_params_give_a_usable_warp(p in params(), h in prop_oneof![0usize..5, Just(usize::MAX)],
                                     w in prop_oneof![0usize..5, Just(1usize << 40)],
                                     keras in any::<bool>()) {
        let centre = if keras { Centre::Keras } else { Centre::Exact };
        let warp = p.warp(h, w, centre, FillMode::Reflect, 0.5, Interpolation::Bilinear);
        let src = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut dst = [0.0f32; 6];
        warp_affine(&src, &mut dst, [2, 3, 1], &warp);
        prop_assert!(dst.iter().all(|v| *v == 0.5 || (1.0..=6.0).contains(v)));
    }

    /// Ranges drawn from directly, unvalidated: no panic.
    #[test]
    fn unvalidated_ranges_draw_without_panicking(r in shift_range(), z in (number(), number()),
                                                 size in any::<usize>(), seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let _ = r.draw(&mut rng, size);
        let _ = ZoomRange::Range([z.0, z.1]).draw(&mut rng);
        let _ = ZoomRange::Factor(z.0).draw(&mut rng);
    }

    /// Sources with the wrong sample rank are refused; batches of the wrong shape or
    /// failed reads are errors of `fill`.
    #[test]
    fn lying_sources_are_errors(shape in prop::collection::vec(0usize..4, 0..5),
                                filled in prop::collection::vec(0usize..4, 1..5), fail in any::<bool>()) {
        let g = ImageDataGenerator::new().rotation_range(10.0).samplewise_std_normalization(true);
        let liar = Liar { shape: shape.clone(), filled: filled.clone(), fail };
        match g.augment(liar) {
            Err(e) => {
                prop_assert!(shape.len() != 3);
                prop_assert!(e.to_string().starts_with("invalid source sample shape"), "{}", e);
            }
            Ok(aug) => {
                let (mut x, mut y) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
                let r = aug.fill(&[0, 1], BatchKey::new(0, 0), &mut x, &mut y);
                let right = filled.len() == 4 && filled[0] == 2 && filled[1..] == shape[..];
                prop_assert_eq!(r.is_ok(), right && !fail);
            }
        }
    }

    /// `standardize` on tensors of any rank and shape.
    #[test]
    fn standardize_takes_any_tensor(dims in prop::collection::vec(0usize..4, 1..5),
                                    samplewise in any::<bool>(), seed in any::<u64>()) {
        let len = dims.iter().product();
        let mut rng = Rng::new(seed);
        let v: Vec<f32> = (0..len).map(|_| rng.uniform_f32()).collect();
        let mut x = Tensor::from_vec(v, &dims).unwrap();
        let g = ImageDataGenerator::new().samplewise_std_normalization(samplewise).rescale(2.0);
        let r = g.standardize(&mut x);
        prop_assert_eq!(r.is_ok(), dims.len() == 3 || dims.len() == 4);
        prop_assert!(x.first_non_finite().is_none());
    }
}

/// The configuration strategy reaches the valid branch often enough to test it.
#[test]
fn the_generator_strategy_is_mostly_valid() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let valid = (0..400)
        .filter(|_| {
            let g = generator().new_tree(&mut runner).unwrap().current();
            g.validate().is_ok()
        })
        .count();
    assert!(valid > 80, "{valid} of 400 valid");
}
