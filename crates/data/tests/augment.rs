//! `ImageDataGenerator` in gradus's default (correct) geometry, checked geometrically on
//! non-square images, and its batch sources: determinism across thread counts and runs,
//! agreement with `apply_transform`, and composition with any `BatchSource`.

use gradus_data::{FlowOptions, ImageDataGenerator, ShiftRange, TransformParams};
use gradus_tensor::ops::FillMode;
use gradus_tensor::{BatchKey, BatchSource, Rng, SourceError, Tensor};

/// An `h × w × 1` image, zero but for a 1 at `(r, c)`.
fn one_hot(h: usize, w: usize, r: usize, c: usize) -> Tensor {
    let mut t = Tensor::zeros(&[h, w, 1]);
    t.data_mut()[r * w + c] = 1.0;
    t
}

/// Where the (single) maximum of an `h × w × 1` image is.
fn peak(t: &Tensor) -> (usize, usize) {
    let w = t.dims()[1];
    let (i, _) =
        t.data().iter().enumerate().fold(
            (0, f32::MIN),
            |(bi, bv), (i, &v)| if v > bv { (i, v) } else { (bi, bv) },
        );
    (i / w, i % w)
}

fn constant() -> ImageDataGenerator {
    ImageDataGenerator::new()
        .fill_mode(FillMode::Constant)
        .interpolation_order(gradus_tensor::ops::Interpolation::Nearest)
}

#[test]
fn a_quarter_turn_keeps_the_exact_centre_of_a_non_square_image() {
    let turn = TransformParams {
        theta: 90.0,
        ..TransformParams::default()
    };
    for (h, w) in [(5, 9), (9, 5), (3, 11)] {
        let (cr, cc) = (h / 2, w / 2);
        let out = constant()
            .apply_transform(&one_hot(h, w, cr, cc), &turn)
            .unwrap();
        assert_eq!(out.data()[cr * w + cc], 1.0, "{h}×{w}: the centre stays");
        assert_eq!(out.data().iter().sum::<f32>(), 1.0);
        // Counter-clockwise: the pixel right of the centre goes above it.
        let out = constant()
            .apply_transform(&one_hot(h, w, cr, cc + 1), &turn)
            .unwrap();
        assert_eq!(peak(&out), (cr - 1, cc), "{h}×{w}");
    }
    // Keras 3 turns a 5 × 9 image about the wrong point: the centre pixel lands at (2, 0).
    let keras = constant().keras_compat(true);
    let out = keras.apply_transform(&one_hot(5, 9, 2, 4), &turn).unwrap();
    assert_eq!(peak(&out), (2, 0));
    assert_eq!(out.data().iter().sum::<f32>(), 1.0);
}

#[test]
fn zoom_and_shear_are_centred_on_non_square_images() {
    for params in [
        TransformParams {
            zx: 0.5,
            zy: 0.5,
            ..TransformParams::default()
        },
        TransformParams {
            zx: 1.7,
            zy: 0.6,
            ..TransformParams::default()
        },
        TransformParams {
            shear: 25.0,
            ..TransformParams::default()
        },
        TransformParams {
            theta: 37.0,
            zx: 0.8,
            ..TransformParams::default()
        },
    ] {
        let out = constant()
            .apply_transform(&one_hot(7, 13, 3, 6), &params)
            .unwrap();
        assert_eq!(out.data()[3 * 13 + 6], 1.0, "{params:?}");
    }
    // Even sizes: the centre lies between pixels, so a half turn maps (r, c) to
    // (h − 1 − r, w − 1 − c) exactly.
    let half = TransformParams {
        theta: 180.0,
        ..TransformParams::default()
    };
    let out = constant()
        .apply_transform(&one_hot(4, 10, 0, 1), &half)
        .unwrap();
    assert_eq!(peak(&out), (3, 8));
}

#[test]
fn a_width_shift_moves_content_along_the_width() {
    // Shifts of exactly ±2 pixels (a list of choices, in pixels since 2 ≥ 1).
    let x = one_hot(5, 9, 2, 4);
    let wide = constant().width_shift_range(vec![2.0]);
    let tall = constant().height_shift_range(vec![2.0]);
    for seed in 0..8 {
        let p = wide
            .random_transform_params(&mut Rng::new(seed), [5, 9, 1])
            .unwrap();
        assert_eq!((p.tx.abs(), p.ty), (2.0, 0.0));
        let (r, c) = peak(&wide.apply_transform(&x, &p).unwrap());
        assert_eq!((r, c.abs_diff(4)), (2, 2), "along the row");
        let p = tall
            .random_transform_params(&mut Rng::new(seed), [5, 9, 1])
            .unwrap();
        let (r, c) = peak(&tall.apply_transform(&x, &p).unwrap());
        assert_eq!((r.abs_diff(2), c), (2, 4), "along the column");
    }
    // Fractions scale with the named side: 0.5 of the width is up to 4.5 px.
    let frac = ImageDataGenerator::new().width_shift_range(0.5);
    let mut rng = Rng::new(3);
    let max = (0..500)
        .map(|_| {
            frac.random_transform_params(&mut rng, [5, 9, 1])
                .unwrap()
                .tx
                .abs()
        })
        .fold(0.0, f64::max);
    assert!(max > 4.0 && max < 4.5, "{max}");
    // Keras 3 moves it along the column instead (keras-team/keras#17398).
    let keras = wide.keras_compat(true);
    let p = keras
        .random_transform_params(&mut Rng::new(1), [5, 9, 1])
        .unwrap();
    let (r, c) = peak(&keras.apply_transform(&x, &p).unwrap());
    assert_eq!((r.abs_diff(2), c), (2, 4));
    // Positive tx moves the content left, positive ty up.
    let left = TransformParams {
        tx: 3.0,
        ty: 1.0,
        ..TransformParams::default()
    };
    assert_eq!(
        peak(&constant().apply_transform(&x, &left).unwrap()),
        (1, 1)
    );
}

/// 10 random 12 × 10 × 3 images in 0..255 with their indices as targets.
fn data() -> (Tensor, Tensor) {
    let mut rng = Rng::new(42);
    let v = (0..10 * 12 * 10 * 3)
        .map(|_| 255.0 * rng.uniform_f32())
        .collect();
    let y: Vec<f32> = (0..10).map(|i| i as f32).collect();
    (
        Tensor::from_vec(v, &[10, 12, 10, 3]).unwrap(),
        Tensor::column(&y),
    )
}

fn everything() -> ImageDataGenerator {
    ImageDataGenerator::new()
        .rotation_range(20.0)
        .width_shift_range(0.2)
        .height_shift_range(ShiftRange::Integer(3))
        .shear_range(10.0)
        .zoom_range(0.2)
        .channel_shift_range(20.0)
        .brightness_range(0.7, 1.3)
        .horizontal_flip(true)
        .vertical_flip(true)
        .fill_mode(FillMode::Reflect)
        .samplewise_center(true)
        .rescale(1.0 / 255.0)
}

/// Every batch of `epochs` passes, filled in order.
fn all_batches<S: BatchSource>(s: &S, epochs: usize) -> Vec<(Vec<f32>, Vec<f32>)> {
    let (mut x, mut y) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
    let mut out = Vec::new();
    for epoch in 0..epochs {
        let order = s.order(epoch);
        for (i, samples) in order.chunks(s.batch_size()).enumerate() {
            s.fill(samples, BatchKey::new(epoch, i), &mut x, &mut y)
                .unwrap();
            out.push((x.data().to_vec(), y.data().to_vec()));
        }
    }
    out
}

#[test]
fn same_seed_same_batches_with_1_and_4_threads() {
    let (x, y) = data();
    let opts = FlowOptions {
        batch_size: 4,
        shuffle: true,
        seed: 9,
    };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| all_batches(&everything().flow(&x, Some(&y), opts).unwrap(), 2))
    };
    let one = run(1);
    assert_eq!(one.len(), 6);
    assert_eq!(one, run(4), "bit-identical batches");
    // Another seed gives other batches; the epochs differ from each other.
    let other = FlowOptions { seed: 10, ..opts };
    let b = all_batches(&everything().flow(&x, Some(&y), other).unwrap(), 1);
    assert_ne!(one[0].0, b[0].0);
    assert_ne!(one[0].0, one[3].0);
}

#[test]
fn a_batch_depends_on_its_key_alone() {
    let (x, y) = data();
    let flow = everything()
        .flow(
            &x,
            Some(&y),
            FlowOptions {
                batch_size: 3,
                ..FlowOptions::default()
            },
        )
        .unwrap();
    let all = all_batches(&flow, 2);
    // Batch 1 of epoch 1, asked for first by a fresh source (a resumed run).
    let fresh = everything()
        .flow(
            &x,
            Some(&y),
            FlowOptions {
                batch_size: 3,
                ..FlowOptions::default()
            },
        )
        .unwrap();
    let order = fresh.order(1);
    let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
    fresh
        .fill(&order[3..6], BatchKey::new(1, 1), &mut bx, &mut by)
        .unwrap();
    assert_eq!((bx.data().to_vec(), by.data().to_vec()), all[4 + 1]);
}

#[test]
fn flow_batches_are_apply_transform_then_standardize() {
    let (x, y) = data();
    let g = everything();
    let flow = g
        .flow(
            &x,
            Some(&y),
            FlowOptions {
                batch_size: 4,
                shuffle: true,
                seed: 5,
            },
        )
        .unwrap();
    let order = flow.order(0);
    let key = BatchKey::new(0, 1);
    let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
    flow.fill(&order[4..8], key, &mut bx, &mut by).unwrap();
    assert_eq!(bx.dims(), &[4, 12, 10, 3]);
    for j in 0..4 {
        let sample = order[4 + j];
        assert_eq!(by.data()[j], sample as f32);
        let image = Tensor::from_vec(x.row(sample).to_vec(), &[12, 10, 3]).unwrap();
        let params = flow.transform_params(key, j);
        let mut want = g.apply_transform(&image, &params).unwrap();
        g.standardize(&mut want).unwrap();
        assert_eq!(bx.row(j), want.data(), "sample {j}");
        // Sample-wise centring: each image has mean ~0.
        let mean = want.data().iter().map(|&v| v as f64).sum::<f64>() / want.len() as f64;
        assert!(mean.abs() < 1e-5);
    }
}

/// A procedural source: image `i` is `i` everywhere, its target `i`.
struct Flat;

impl BatchSource for Flat {
    fn len(&self) -> usize {
        6
    }
    fn batch_size(&self) -> usize {
        4
    }
    fn sample_shape(&self) -> Vec<usize> {
        vec![3, 5, 2]
    }
    fn target_shape(&self) -> Option<Vec<usize>> {
        Some(vec![1])
    }
    fn order(&self, _pass: usize) -> Vec<usize> {
        (0..6).rev().collect()
    }
    fn fill(
        &self,
        samples: &[usize],
        _key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), SourceError> {
        let v: Vec<f32> = samples
            .iter()
            .flat_map(|&s| std::iter::repeat_n(s as f32, 30))
            .collect();
        *x = Tensor::from_vec(v, &[samples.len(), 3, 5, 2])?;
        *y = Tensor::column(&samples.iter().map(|&s| s as f32).collect::<Vec<_>>());
        Ok(())
    }
}

#[test]
fn augment_wraps_any_source() {
    let g = ImageDataGenerator::new().rotation_range(45.0).rescale(2.0);
    let aug = g.augment(Flat).unwrap().seed(3);
    assert_eq!(
        (aug.len(), aug.batches(), aug.order(0)),
        (6, 2, vec![5, 4, 3, 2, 1, 0])
    );
    assert_eq!(aug.sample_shape(), [3, 5, 2]);
    let batches = all_batches(&aug, 1);
    // A constant image stays constant under any warp with nearest fill; rescaled by 2.
    assert!(batches[0].0[..30].iter().all(|&v| v == 10.0));
    assert_eq!(batches[1].1, [1.0, 0.0]);
    assert_eq!(batches, all_batches(&g.augment(Flat).unwrap().seed(3), 1));
    // Wrong sample ranks and missing statistics are errors at construction.
    let flat = Tensor::zeros(&[4, 6]);
    let e = g
        .augment(gradus_tensor::TensorSource::new(&flat, None, 2).unwrap())
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("invalid source sample shape = shape [6]"),
        "{e}"
    );
    let e = ImageDataGenerator::new()
        .featurewise_center(true)
        .augment(Flat)
        .unwrap_err();
    assert!(e.to_string().contains("fit(&sample_images) first"), "{e}");
}

#[test]
fn flow_rejects_bad_input_with_the_fix() {
    let (x, y) = data();
    let g = ImageDataGenerator::new();
    let flat = Tensor::zeros(&[4, 6]);
    let e = g
        .flow(&flat, None, FlowOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("[n, height, width, channels]"), "{e}");
    let short = Tensor::column(&[1.0]);
    assert!(g.flow(&x, Some(&short), FlowOptions::default()).is_err());
    let zero = FlowOptions {
        batch_size: 0,
        ..FlowOptions::default()
    };
    assert!(g.flow(&x, Some(&y), zero).is_err());
    // Feature-wise standardization after fit: each channel of the data has mean ~0.
    let fitted = g
        .featurewise_center(true)
        .featurewise_std_normalization(true)
        .fit(&x)
        .unwrap();
    let flow = fitted
        .flow(
            &x,
            None,
            FlowOptions {
                batch_size: 10,
                shuffle: false,
                seed: 0,
            },
        )
        .unwrap();
    let batch = &all_batches(&flow, 1)[0].0;
    for c in 0..3 {
        let vals: Vec<f64> = batch.iter().skip(c).step_by(3).map(|&v| v as f64).collect();
        let mean = vals.iter().sum::<f64>() / vals.len() as f64;
        let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / vals.len() as f64;
        assert!(
            mean.abs() < 1e-4 && (var - 1.0).abs() < 1e-3,
            "channel {c}: {mean} {var}"
        );
    }
}

/// `flow_from_directory` is the folder source, augmented: the same files, targets and
/// shapes, with the generator's transforms (a horizontal flip of every image here).
#[test]
fn flow_from_directory_augments_the_folder_source() {
    use gradus_data::image::{ClassMode, ImageFolder, ImageFolderOptions, save_img};
    let dir = tempfile::tempdir().unwrap();
    for (class, value) in [("a", 10.0f32), ("b", 200.0)] {
        std::fs::create_dir(dir.path().join(class)).unwrap();
        for i in 0..3 {
            let mut img = Tensor::full(&[4, 6, 3], value);
            img.data_mut()[0] = 0.0; // top-left pixel, channel 0: moves under a flip
            save_img(dir.path().join(class).join(format!("{i}.png")), &img).unwrap();
        }
    }
    let options = ImageFolderOptions {
        class_mode: ClassMode::Sparse,
        batch_size: 4,
        ..ImageFolderOptions::default()
    }
    .with_target_size(4, 6);
    let flip = ImageDataGenerator::new()
        .horizontal_flip(true)
        .keras_compat(false);
    let flow = flip.flow_from_directory(dir.path(), &options).unwrap();
    let folder = ImageFolder::new(dir.path(), &options).unwrap();
    assert_eq!(flow.len(), 6);
    assert_eq!(flow.source().class_indices(), folder.class_indices());
    let order = flow.order(0);
    assert_eq!(order, folder.order(0), "the folder's seeded order");
    let (mut x, mut y) = (Tensor::zeros(&[0]), Tensor::zeros(&[0]));
    let (mut fx, mut fy) = (Tensor::zeros(&[0]), Tensor::zeros(&[0]));
    flow.fill(&order[..4], BatchKey::new(0, 0), &mut x, &mut y)
        .unwrap();
    folder
        .fill(&order[..4], BatchKey::new(0, 0), &mut fx, &mut fy)
        .unwrap();
    assert_eq!(x.dims(), &[4, 4, 6, 3]);
    assert_eq!(y, fy, "targets pass through");
    for i in 0..4 {
        let params = flow.transform_params(BatchKey::new(0, 0), i);
        let mut image = fx.select_rows(&[i]);
        image.reshape(&[4, 6, 3]).unwrap();
        let want = flip.apply_transform(&image, &params).unwrap();
        assert_eq!(x.select_rows(&[i]).data(), want.data(), "image {i}");
    }
}
