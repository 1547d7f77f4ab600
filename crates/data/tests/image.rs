//! Image files and folders with real pixels: exact round trips, every format, the errors
//! for bad files and options, and `ImageFolder`'s listing, subsets, order and batches.

use std::collections::HashSet;

use gradus_data::Error;
use gradus_data::bundled::{self, BundledImage};
use gradus_data::image::{
    ClassMode, ColorMode, Image, ImageFolder, ImageFolderOptions, ImageOptions, Interpolation,
    PixelScaling, Subset, array_to_img, decode_img, img_to_array, load_img, save_img,
};
use gradus_tensor::{BatchKey, BatchSource, Tensor};

/// A `w × h` image whose every value differs from its neighbours'.
fn pattern(w: usize, h: usize, mode: ColorMode) -> Image {
    let c = mode.channels();
    let px = (0..w * h * c)
        .map(|i| ((i * 97 + i / 7) % 256) as u8)
        .collect();
    Image::new(w, h, mode, px).unwrap()
}

#[test]
fn png_round_trips_exactly_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [ColorMode::Grayscale, ColorMode::Rgb, ColorMode::Rgba] {
        let img = pattern(13, 7, mode);
        let path = dir.path().join(format!("{mode:?}.PNG"));
        img.save(&path).unwrap();
        let opts = ImageOptions::default().with_color_mode(mode);
        assert_eq!(load_img(&path, &opts).unwrap(), img, "{mode:?}");
        // Through arrays: img_to_array, then save_img (clip) and back.
        let x = img_to_array(&img).unwrap();
        assert_eq!(x.dims(), &[7, 13, mode.channels()]);
        let path2 = dir.path().join(format!("{mode:?}-array.png"));
        save_img(&path2, &x).unwrap();
        assert_eq!(load_img(&path2, &opts).unwrap().to_array().unwrap(), x);
    }
}

#[test]
fn lossless_formats_round_trip_and_jpeg_stays_close() {
    let dir = tempfile::tempdir().unwrap();
    let img = pattern(9, 6, ColorMode::Rgb);
    for ext in ["bmp", "tif", "tiff"] {
        let path = dir.path().join(format!("a.{ext}"));
        img.save(&path).unwrap();
        assert_eq!(
            load_img(&path, &ImageOptions::default()).unwrap(),
            img,
            "{ext}"
        );
    }
    let grey = pattern(9, 6, ColorMode::Grayscale);
    for ext in ["png", "bmp", "tiff", "gif"] {
        let path = dir.path().join(format!("g.{ext}"));
        grey.save(&path).unwrap();
        let opts = ImageOptions::default().with_color_mode(ColorMode::Grayscale);
        // GIF holds ≤ 256 colours: a grey image has ≤ 256 values, so it is exact too.
        assert_eq!(load_img(&path, &opts).unwrap(), grey, "{ext}");
    }
    // JPEG is lossy: a smooth image comes back within a few units.
    let smooth: Vec<u8> = (0..32 * 32 * 3)
        .map(|i| (i / 3 % 32 * 4 + i / 96) as u8)
        .collect();
    let smooth = Image::new(32, 32, ColorMode::Rgb, smooth).unwrap();
    let path = dir.path().join("s.jpg");
    smooth.save(&path).unwrap();
    let back = load_img(&path, &ImageOptions::default()).unwrap();
    let worst = (smooth.pixels().iter().zip(back.pixels()))
        .map(|(&a, &b)| a.abs_diff(b))
        .max()
        .unwrap();
    assert!((1..=12).contains(&worst), "JPEG error {worst}");
    // RGBA to JPEG drops alpha (as Keras); the colour survives approximately.
    let rgba = Image::new(1, 1, ColorMode::Rgba, vec![200, 100, 50, 7]).unwrap();
    let path = dir.path().join("a.jpeg");
    rgba.save(&path).unwrap();
    let back = load_img(&path, &ImageOptions::default()).unwrap();
    assert!(
        back.pixels()
            .iter()
            .zip([200u8, 100, 50])
            .all(|(&a, b)| a.abs_diff(b) <= 3)
    );
}

#[test]
fn colour_conversions_follow_pillow() {
    let rgba = Image::new(2, 1, ColorMode::Rgba, vec![255, 0, 0, 10, 0, 0, 255, 255]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.png");
    rgba.save(&path).unwrap();
    let load = |mode| load_img(&path, &ImageOptions::default().with_color_mode(mode)).unwrap();
    // Alpha is dropped, not blended; grey is 601-2 luma in Pillow's fixed point.
    assert_eq!(load(ColorMode::Rgb).pixels(), &[255, 0, 0, 0, 0, 255]);
    assert_eq!(load(ColorMode::Grayscale).pixels(), &[76, 29]);
    let grey = Image::new(1, 1, ColorMode::Grayscale, vec![77]).unwrap();
    grey.save(&path).unwrap();
    assert_eq!(load(ColorMode::Rgb).pixels(), &[77, 77, 77]);
    assert_eq!(load(ColorMode::Rgba).pixels(), &[77, 77, 77, 255]);
}

#[test]
fn nearest_and_bilinear_resize_known_cases() {
    // 2 × 1 black-white, upscaled to 4 × 1.
    let img = Image::new(2, 1, ColorMode::Grayscale, vec![0, 200]).unwrap();
    let bytes = png_bytes(&img);
    let opts = ImageOptions::default()
        .with_color_mode(ColorMode::Grayscale)
        .with_target_size(1, 4);
    assert_eq!(
        decode_img(&bytes, "m", &opts).unwrap().pixels(),
        &[0, 0, 200, 200]
    );
    let bilinear = opts.with_interpolation(Interpolation::Bilinear);
    // Centres at 0.25, 0.75, 1.25, 1.75 of input pixels (0.5, 1.5): weights 1, ¾·0 + ¼·200, …
    assert_eq!(
        decode_img(&bytes, "m", &bilinear).unwrap().pixels(),
        &[0, 50, 150, 200]
    );
    // Shrinking widens the triangle to the scale (antialiasing): 4 → 1 weighs the pixels
    // ⅝, ⅞, ⅞, ⅝, so the mean is 175/3 = 58.3 (Pillow gives 58 as well).
    let img = Image::new(4, 1, ColorMode::Grayscale, vec![0, 100, 100, 0]).unwrap();
    let one = opts
        .with_target_size(1, 1)
        .with_interpolation(Interpolation::Bilinear);
    assert_eq!(
        decode_img(&png_bytes(&img), "m", &one).unwrap().pixels(),
        &[58]
    );
}

fn png_bytes(img: &Image) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.png");
    img.save(&path).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn bad_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let opts = ImageOptions::default();
    let good_png = png_bytes(&pattern(16, 16, ColorMode::Rgb));
    let jpg = BundledImage::China.bytes();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "trunc.png",
            good_png[..good_png.len() / 2].to_vec(),
            "cannot decode the image",
        ),
        (
            "head.png",
            good_png[..20].to_vec(),
            "cannot decode the image",
        ),
        (
            "trunc.jpg",
            jpg[..jpg.len() / 3].to_vec(),
            "cannot decode the image",
        ),
        ("text.jpg", b"hello, world".to_vec(), "not a PNG, JPEG"),
        ("empty.png", Vec::new(), "the file is empty"),
        (
            "pic.webp",
            b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0".to_vec(),
            "WebP images are not supported",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = write(name, &bytes);
        let e = load_img(&path, &opts).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains(message), "{name}: {e}");
    }
    // Every format, cut after its header.
    let img = pattern(40, 30, ColorMode::Rgb);
    for ext in ["png", "jpg", "bmp", "gif", "tiff"] {
        let path = dir.path().join(format!("whole.{ext}"));
        img.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let cut = write(&format!("cut.{ext}"), &bytes[..bytes.len() * 2 / 3]);
        let e = load_img(&cut, &opts);
        assert!(matches!(e, Err(Error::BadImage { .. })), "{ext}: {e:?}");
    }
    let missing = dir.path().join("nope.png");
    let e = load_img(&missing, &opts).unwrap_err();
    assert!(matches!(e, Error::FileNotFound { .. }), "{e}");
    let e = load_img(dir.path(), &opts).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
}

#[test]
fn bad_options_are_errors_before_any_work() {
    let path = BundledImage::Flower.path();
    for (h, w) in [(0, 5), (5, 0), (0, 0)] {
        let e = load_img(&path, &ImageOptions::default().with_target_size(h, w)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "target_size = ({h}, {w}): an image needs at least 1 row and 1 column; give \
                 the (height, width) to resize to, e.g. (224, 224)"
            )
        );
    }
    let e = load_img(
        &path,
        &ImageOptions::default().with_target_size(1 << 20, 1 << 20),
    );
    let e = e.unwrap_err().to_string();
    assert!(
        e.starts_with("target_size = (1048576, 1048576), 1099511627776 pixels, is too large"),
        "{e}"
    );
    let e = array_to_img(&Tensor::zeros(&[2, 2]), PixelScaling::Clip).unwrap_err();
    assert!(
        e.to_string().contains("shape [height, width, channels]"),
        "{e}"
    );
    let e = array_to_img(&Tensor::zeros(&[2, 2, 2]), PixelScaling::Clip).unwrap_err();
    assert!(
        e.to_string().contains("1 (greyscale), 3 (RGB) or 4 (RGBA)"),
        "{e}"
    );
    let mut x = Tensor::zeros(&[2, 3, 1]);
    x.data_mut()[4] = f32::NAN;
    let e = array_to_img(&x, PixelScaling::Clip).unwrap_err();
    assert!(
        e.to_string().contains("the value at [1, 1, 0] is NaN"),
        "{e}"
    );
    let e = save_img("/tmp/x.webp", &Tensor::zeros(&[1, 1, 3])).unwrap_err();
    assert!(e.to_string().contains("the extension `webp`"), "{e}");
}

#[test]
fn bundled_photos_and_digit_images() {
    let china = bundled::china().unwrap();
    assert_eq!(china.dims(), &[427, 640, 3]);
    assert!(
        china
            .data()
            .iter()
            .all(|&v| (0.0..=255.0).contains(&v) && v.fract() == 0.0)
    );
    assert_ne!(china, bundled::flower().unwrap());
    for photo in BundledImage::ALL {
        let from_file = load_img(photo.path(), &ImageOptions::default()).unwrap();
        assert_eq!(from_file.to_array().unwrap(), photo.array().unwrap());
    }
    let images = bundled::digits_images().unwrap();
    let flat = bundled::digits().unwrap();
    assert_eq!(images.x.dims(), &[1797, 8, 8, 1]);
    assert_eq!(images.x.data(), flat.x.data());
    assert_eq!(images.y, flat.y);
}

/// A folder of `classes`, each with `n` 3 × 2 PNGs whose pixels are all `class · 10 + i`.
fn folder(classes: &[(&str, usize)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (k, &(class, n)) in classes.iter().enumerate() {
        std::fs::create_dir(dir.path().join(class)).unwrap();
        for i in 0..n {
            let v = (k * 10 + i) as f32;
            save_img(
                dir.path().join(class).join(format!("{i}.png")),
                &Tensor::full(&[2, 3, 3], v),
            )
            .unwrap();
        }
    }
    dir
}

fn opts() -> ImageFolderOptions {
    ImageFolderOptions::default()
        .with_target_size(2, 3)
        .with_batch_size(4)
}

#[test]
fn folder_batches_hold_the_listed_images_and_targets() {
    let dir = folder(&[("a", 3), ("b", 4), ("c", 2)]);
    let mut x = Tensor::zeros(&[1]);
    for mode in [
        ClassMode::Categorical,
        ClassMode::Sparse,
        ClassMode::Input,
        ClassMode::None,
    ] {
        let f = ImageFolder::new(dir.path(), &opts().with_class_mode(mode)).unwrap();
        assert_eq!((f.len(), f.batches(), f.num_classes()), (9, 3, 3));
        let order = f.order(0);
        for (b, samples) in order.chunks(f.batch_size()).enumerate() {
            let mut y = Tensor::zeros(&[1]);
            f.fill(samples, BatchKey::new(0, b), &mut x, &mut y)
                .unwrap();
            assert_eq!(x.dims(), &[samples.len(), 2, 3, 3]);
            for (row, &s) in samples.iter().enumerate() {
                let name = f.filenames()[s].to_str().unwrap().to_owned();
                let class = f.classes()[s];
                let i: f32 = name[2..name.len() - 4].parse().unwrap();
                let value = class as f32 * 10.0 + i;
                assert!(x.row(row).iter().all(|&v| v == value), "{name}");
                match mode {
                    ClassMode::Categorical => {
                        let mut hot = vec![0.0; 3];
                        hot[class] = 1.0;
                        assert_eq!(y.row(row), hot);
                    }
                    ClassMode::Sparse => assert_eq!(y.row(row), &[class as f32]),
                    ClassMode::Input => assert_eq!(y.row(row), x.row(row)),
                    _ => assert_eq!(y.dims(), &[1]),
                }
            }
        }
        assert_eq!(
            f.target_shape(),
            match mode {
                ClassMode::Categorical => Some(vec![3]),
                ClassMode::Sparse => Some(vec![1]),
                ClassMode::Input => Some(vec![2, 3, 3]),
                _ => None,
            }
        );
    }
    let e = ImageFolder::new(dir.path(), &opts().with_class_mode(ClassMode::Binary)).unwrap_err();
    assert!(
        e.to_string()
            .contains("binary needs exactly 2 classes, found 3 (a, b, c)"),
        "{e}"
    );
    let f = ImageFolder::new(
        dir.path(),
        &opts()
            .with_class_mode(ClassMode::Binary)
            .with_classes(["c", "a"]),
    )
    .unwrap();
    let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
    f.fill(&[0, 1, 2, 3, 4], BatchKey::default(), &mut x, &mut y)
        .unwrap();
    assert_eq!(y.data(), &[0.0, 0.0, 1.0, 1.0, 1.0]);
    assert_eq!(f.image(2).unwrap().data()[0], 0.0); // a/0.png, class id 1 now
}

#[test]
fn subsets_partition_each_class_without_overlap() {
    let dir = folder(&[("a", 10), ("b", 7), ("c", 1)]);
    for split in [0.1, 0.25, 0.5, 0.9] {
        let train =
            ImageFolder::new(dir.path(), &opts().with_subset(split, Subset::Training)).unwrap();
        let val = match ImageFolder::new(dir.path(), &opts().with_subset(split, Subset::Validation))
        {
            Ok(v) => v.filenames().to_vec(),
            Err(Error::NoImages { subset, .. }) => {
                assert_eq!(subset, "validation");
                Vec::new()
            }
            Err(e) => panic!("{e}"),
        };
        let t: HashSet<_> = train.filenames().iter().cloned().collect();
        let v: HashSet<_> = val.iter().cloned().collect();
        assert!(t.is_disjoint(&v), "split {split}");
        assert_eq!(t.len() + v.len(), 18, "split {split}");
        // The first ⌊split · n⌋ files of each class, in sorted order, are validation.
        let a_val = val.iter().filter(|p| p.starts_with("a")).count();
        assert_eq!(a_val, (split * 10.0) as usize);
    }
    let e = ImageFolder::new(dir.path(), &opts().with_subset(0.05, Subset::Validation))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no images found in the validation subset"),
        "{e}"
    );
    for bad in [-0.1, 1.0, f64::NAN, f64::INFINITY] {
        let e = ImageFolder::new(dir.path(), &opts().with_subset(bad, Subset::Training));
        assert!(matches!(e, Err(Error::InvalidOption(_))), "{bad}");
    }
}

#[test]
fn shuffled_order_is_a_function_of_seed_and_pass() {
    let dir = folder(&[("a", 6), ("b", 6)]);
    let f = ImageFolder::new(dir.path(), &opts().with_shuffle(Some(5))).unwrap();
    let g = ImageFolder::new(dir.path(), &opts().with_shuffle(Some(5))).unwrap();
    let h = ImageFolder::new(dir.path(), &opts().with_shuffle(Some(6))).unwrap();
    let sorted: Vec<usize> = (0..12).collect();
    let mut seen = HashSet::new();
    for pass in 0..4 {
        let o = f.order(pass);
        assert_eq!(o, g.order(pass));
        assert_ne!(o, h.order(pass));
        let mut s = o.clone();
        s.sort_unstable();
        assert_eq!(s, sorted);
        seen.insert(o);
    }
    assert_eq!(seen.len(), 4, "every pass has its own order");
    let fixed = ImageFolder::new(dir.path(), &opts().with_shuffle(None)).unwrap();
    assert_eq!(fixed.order(3), sorted);
}

#[test]
fn batches_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("photos")).unwrap();
    for photo in BundledImage::ALL {
        let path = dir
            .path()
            .join("photos")
            .join(format!("{}.jpg", photo.name()));
        std::fs::write(path, photo.bytes()).unwrap();
    }
    let options = opts()
        .with_target_size(33, 47)
        .with_interpolation(Interpolation::Bilinear)
        .with_keep_aspect_ratio(true);
    let f = ImageFolder::new(dir.path(), &options).unwrap();
    let batch = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
            f.fill(&[1, 0, 1], BatchKey::default(), &mut x, &mut y)
                .unwrap();
            x
        })
    };
    let one = batch(1);
    assert_eq!(one, batch(3));
    assert_eq!(one.row(0), one.row(2));
    let flower = load_img(
        dir.path().join("photos/flower.jpg"),
        &options.image_options(),
    )
    .unwrap();
    assert_eq!(one.row(0), flower.to_array().unwrap().data());
}

#[test]
fn folder_errors_name_the_folder_and_the_fix() {
    let dir = folder(&[("a", 2)]);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("empty/notes.txt"), b"x").unwrap();
    let e = ImageFolder::new(dir.path(), &opts())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the class folder `empty` holds no image files"),
        "{e}"
    );
    assert!(
        e.contains(&dir.path().join("empty").display().to_string()),
        "{e}"
    );

    let none = tempfile::tempdir().unwrap();
    std::fs::write(none.path().join("loose.png"), b"x").unwrap();
    let e = ImageFolder::new(none.path(), &opts())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no images found; put the images in one sub-folder per class"),
        "{e}"
    );

    let e = ImageFolder::new(none.path().join("missing"), &opts()).unwrap_err();
    assert!(matches!(e, Error::FileNotFound { .. }), "{e}");
    let e = ImageFolder::new(dir.path(), &opts().with_classes(["a", "zz"])).unwrap_err();
    assert!(
        matches!(&e, Error::FileNotFound { file } if file.ends_with("zz")),
        "{e}"
    );
    for bad in ["..", "a/b", ""] {
        let e = ImageFolder::new(dir.path(), &opts().with_classes([bad])).unwrap_err();
        assert!(e.to_string().contains("is not a sub-folder name"), "{e}");
    }
    let e = ImageFolder::new(dir.path(), &opts().with_target_size(0, 3)).unwrap_err();
    assert!(e.to_string().starts_with("target_size = (0, 3)"), "{e}");
    let e = ImageFolder::new(dir.path(), &opts().with_batch_size(0)).unwrap_err();
    assert!(e.to_string().starts_with("batch_size = 0"), "{e}");
    let huge = opts()
        .with_batch_size(1 << 20)
        .with_target_size(1 << 10, 1 << 10);
    assert!(matches!(
        ImageFolder::new(dir.path(), &huge),
        Err(Error::Tensor(_))
    ));

    // A file that breaks after listing: the batch fails naming it.
    let f = ImageFolder::new(dir.path(), &opts().with_classes(["a"])).unwrap();
    std::fs::write(dir.path().join("a/1.png"), b"broken").unwrap();
    let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
    let e = f
        .fill(&[0, 1], BatchKey::default(), &mut x, &mut y)
        .unwrap_err()
        .to_string();
    assert!(e.contains("1.png: cannot decode the image"), "{e}");
    let e = f
        .fill(&[7], BatchKey::default(), &mut x, &mut y)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row index 7 is out of range for 2 samples"),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn links_and_special_files() {
    use std::os::unix::fs::symlink;
    let dir = folder(&[("a", 2)]);
    let a = dir.path().join("a");
    let outside = tempfile::tempdir().unwrap();
    save_img(outside.path().join("o.png"), &Tensor::zeros(&[2, 3, 3])).unwrap();
    // A link back to the class folder (a cycle), a link to a folder outside, a broken link,
    // a link to an image file and a named pipe.
    symlink(&a, a.join("loop")).unwrap();
    symlink(outside.path(), a.join("ext")).unwrap();
    symlink(a.join("missing.png"), a.join("broken.png")).unwrap();
    symlink(a.join("0.png"), a.join("z.png")).unwrap();
    let fifo = a.join("pipe.png");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let names = |follow| {
        let mut o = opts();
        o.follow_links = follow;
        let f = ImageFolder::new(dir.path(), &o).unwrap();
        f.filenames()
            .iter()
            .map(|p| p.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(false), ["a/0.png", "a/1.png", "a/z.png"]);
    // Following links enters `ext` but not the cycle back to `a`.
    assert_eq!(
        names(true),
        ["a/0.png", "a/1.png", "a/z.png", "a/ext/o.png"]
    );
}
