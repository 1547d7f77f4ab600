//! Hostile input to the image entry points: random and mutated file bytes, random options
//! (zero and huge target sizes), random arrays, and random folder layouts. Every call
//! returns `Ok` or `Err` — no panic, abort or hang — and every `Ok` keeps its promise
//! (the requested shape, values in 0..=255, listings of images only).

use std::path::PathBuf;

use gradus_data::bundled::BundledImage;
use gradus_data::image::{
    ClassMode, ColorMode, Image, ImageFolder, ImageFolderOptions, ImageOptions, Interpolation,
    MAX_IMAGE_PIXELS, PixelScaling, Subset, array_to_img, decode_img, load_img,
};
use gradus_tensor::{BatchKey, BatchSource, Tensor};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        timeout: 20_000,
        rng_seed: RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

/// Small valid files of every format, to mutate.
fn seeds() -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let px: Vec<u8> = (0..12 * 9 * 4).map(|i| (i * 53 % 251) as u8).collect();
    let img = Image::new(12, 9, ColorMode::Rgba, px).unwrap();
    let mut out = Vec::new();
    for ext in ["png", "jpg", "bmp", "gif", "tiff"] {
        let path = dir.path().join(format!("s.{ext}"));
        img.save(&path).unwrap();
        out.push(std::fs::read(path).unwrap());
    }
    out.push(b"P6\n3 2\n255\n".iter().copied().chain(0..18).collect());
    out.push(BundledImage::Flower.bytes()[..4096].to_vec());
    out
}

fn mode() -> impl Strategy<Value = ColorMode> {
    prop::sample::select(vec![ColorMode::Grayscale, ColorMode::Rgb, ColorMode::Rgba])
}

/// Sides: small, zero, and beyond the pixel limit whatever the other side.
fn side() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 1usize..40,
        1 => Just(0usize),
        1 => (1usize << 28)..(1usize << 40),
        1 => Just(usize::MAX),
    ]
}

fn options() -> impl Strategy<Value = ImageOptions> {
    (
        mode(),
        prop::option::of((side(), side())),
        prop::sample::select(vec![Interpolation::Nearest, Interpolation::Bilinear]),
        any::<bool>(),
    )
        .prop_map(
            |(color_mode, target_size, interpolation, keep_aspect_ratio)| ImageOptions {
                color_mode,
                target_size,
                interpolation,
                keep_aspect_ratio,
            },
        )
}

/// An `Ok` image has the requested size and mode.
fn check(img: &Image, opts: &ImageOptions) {
    assert_eq!(img.color_mode(), opts.color_mode);
    if let Some((h, w)) = opts.target_size {
        assert_eq!((img.height(), img.width()), (h, w));
    }
    assert_eq!(
        img.pixels().len(),
        img.width() * img.height() * img.channels()
    );
}

proptest! {
    #![proptest_config(config(256, 11))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), opts in options()) {
        if let Ok(img) = decode_img(&bytes, "random", &opts) {
            check(&img, &opts);
        }
    }

    #[test]
    fn mutated_files_never_panic(
        which in 0usize..7,
        cut in 0.0f64..=1.0,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        opts in options(),
    ) {
        let mut bytes = seeds().swap_remove(which);
        bytes.truncate((bytes.len() as f64 * cut) as usize + 1);
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.img");
        std::fs::write(&path, &bytes).unwrap();
        match load_img(&path, &opts) {
            Ok(img) => check(&img, &opts),
            Err(e) => {
                let e = e.to_string();
                // Bad files name themselves; bad options name the option.
                prop_assert!(e.contains("m.img") || e.contains("target_size") || e.contains("tensor of shape"), "{}", e);
            }
        }
    }

    #[test]
    fn random_options_on_a_real_image(opts in options()) {
        let bytes = BundledImage::China.bytes();
        let zero = opts.target_size.is_some_and(|(h, w)| h == 0 || w == 0);
        let huge = opts.target_size.is_some_and(|(h, w)| h.saturating_mul(w) as u64 > MAX_IMAGE_PIXELS);
        match decode_img(bytes, "china", &opts) {
            Ok(img) => {
                prop_assert!(!zero && !huge);
                check(&img, &opts);
            }
            Err(e) => prop_assert!(zero || huge, "{}", e),
        }
    }

    #[test]
    fn random_arrays_to_images(
        dims in prop::collection::vec(0usize..6, 1..5),
        values in prop::collection::vec(prop_oneof![any::<f32>(), -300.0f32..600.0], 0..200),
        min_max in any::<bool>(),
    ) {
        let n: usize = dims.iter().product();
        let data: Vec<f32> = values.iter().copied().cycle().take(if values.is_empty() { 0 } else { n }).collect();
        let Ok(x) = Tensor::from_vec(data, &dims) else { return Ok(()) };
        let scaling = if min_max { PixelScaling::MinMax } else { PixelScaling::Clip };
        if let Ok(img) = array_to_img(&x, scaling) {
            prop_assert_eq!(&[img.height(), img.width(), img.channels()][..], x.dims());
        }
    }
}

/// A folder entry: a class folder file, nested file, empty folder or junk.
#[derive(Clone, Debug)]
enum Entry {
    Image(usize, usize),
    Nested(usize, usize),
    Junk(usize),
    Text(usize),
    EmptyFolder(usize),
    TopFile,
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        4 => (0usize..4, 0usize..5).prop_map(|(c, i)| Entry::Image(c, i)),
        2 => (0usize..4, 0usize..5).prop_map(|(c, i)| Entry::Nested(c, i)),
        1 => (0usize..4).prop_map(Entry::Junk),
        1 => (0usize..4).prop_map(Entry::Text),
        1 => (0usize..4).prop_map(Entry::EmptyFolder),
        1 => Just(Entry::TopFile),
    ]
}

fn folder_options() -> impl Strategy<Value = ImageFolderOptions> {
    (
        prop_oneof![
            4 => (1usize..8, 1usize..8),
            1 => Just((0usize, 3usize)),
            1 => Just((1usize << 20, 1usize << 20)),
            1 => Just((usize::MAX, 2usize)),
        ],
        mode(),
        prop::sample::select(vec![
            ClassMode::Categorical,
            ClassMode::Binary,
            ClassMode::Sparse,
            ClassMode::Input,
            ClassMode::None,
        ]),
        prop_oneof![Just(0usize), 1usize..8, Just(usize::MAX)],
        prop_oneof![0.0f64..1.0, Just(-1.0), Just(1.0), Just(f64::NAN)],
        prop::option::of(prop::sample::select(vec![
            Subset::Training,
            Subset::Validation,
        ])),
        any::<u64>(),
    )
        .prop_map(
            |((h, w), color_mode, class_mode, batch_size, split, subset, seed)| {
                ImageFolderOptions {
                    target_size: (h, w),
                    color_mode,
                    class_mode,
                    batch_size,
                    validation_split: split,
                    subset,
                    seed,
                    ..ImageFolderOptions::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(config(64, 12))]

    #[test]
    fn random_folder_layouts(entries in prop::collection::vec(entry(), 0..14), opts in folder_options()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let png = {
            let p = root.join("seed.png");
            Image::new(3, 2, ColorMode::Rgb, (0..18).collect()).unwrap().save(&p).unwrap();
            let b = std::fs::read(&p).unwrap();
            std::fs::remove_file(p).unwrap();
            b
        };
        for e in &entries {
            let (path, bytes): (PathBuf, &[u8]) = match *e {
                Entry::Image(c, i) => (root.join(format!("c{c}/{i}.png")), &png),
                Entry::Nested(c, i) => (root.join(format!("c{c}/sub/{i}.PNG")), &png),
                Entry::Junk(c) => (root.join(format!("c{c}/junk.jpg")), b"junk"),
                Entry::Text(c) => (root.join(format!("c{c}/notes.txt")), b"text"),
                Entry::EmptyFolder(c) => {
                    std::fs::create_dir_all(root.join(format!("c{c}/empty"))).unwrap();
                    continue;
                }
                Entry::TopFile => (root.join("top.png"), &png),
            };
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let Ok(f) = ImageFolder::new(root, &opts) else { return Ok(()) };
        prop_assert!(!f.is_empty());
        prop_assert_eq!(f.filenames().len(), f.classes().len());
        prop_assert!(f.classes().iter().all(|&c| c < f.num_classes()));
        let only_images = f.filenames().iter().all(|p| {
            let ext = p.extension().unwrap().to_str().unwrap().to_ascii_lowercase();
            ext == "png" || ext == "jpg"
        });
        prop_assert!(only_images);
        let order = f.order(1);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..f.len()).collect::<Vec<_>>());
        // Fill the first batch if it is small enough to be worth it.
        let [h, w, c] = f.sample_shape()[..] else { unreachable!() };
        let n = f.batch_size().min(f.len());
        if n * h * w * c <= 1 << 16 {
            let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
            match f.fill(&order[..n], BatchKey::new(1, 0), &mut x, &mut y) {
                Ok(()) => {
                    prop_assert_eq!(x.dims(), &[n, h, w, c]);
                    prop_assert!(x.data().iter().all(|v| (0.0..=255.0).contains(v)));
                }
                Err(e) => prop_assert!(e.to_string().contains("junk.jpg"), "{}", e),
            }
        }
    }
}
