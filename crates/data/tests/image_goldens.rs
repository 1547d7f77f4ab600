//! gradus's image loading against Keras 3 + Pillow, from the goldens of
//! `bench/image_goldens/keras_images.py` (the JSON records the versions).
//!
//! Resizes and colour conversions of lossless inputs must match **exactly**; decoded JPEG
//! pixels may differ by a few units (see `bundled_photos_decode_like_pillow`).

use std::path::Path;

use gradus_data::bundled::BundledImage;
use gradus_data::image::{
    ColorMode, Image, ImageFolder, ImageFolderOptions, ImageOptions, Interpolation, PixelScaling,
    Subset, array_to_img, load_img,
};
use gradus_tensor::Tensor;
use serde_json::Value;

fn goldens() -> Value {
    serde_json::from_str(include_str!(
        "../../../bench/image_goldens/keras_images.json"
    ))
    .expect("valid JSON")
}

/// The script's `synthetic_rgb`: `(37x + 91y + 53c + 11·(xy mod 7)) mod 256`.
fn synthetic_rgb(h: usize, w: usize) -> Image {
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                px.push(((x * 37 + y * 91 + c * 53 + (x * y) % 7 * 11) % 256) as u8);
            }
        }
    }
    Image::new(w, h, ColorMode::Rgb, px).unwrap()
}

/// The script's `synthetic_rgba`: the RGB above with alpha `(29x + 67y) mod 256`, forced to
/// 0 where `(x + y) mod 5 = 0` and to 255 where it is 1.
fn synthetic_rgba(h: usize, w: usize) -> Image {
    let rgb = synthetic_rgb(h, w);
    let mut px = Vec::new();
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(rgb.pixel(x, y));
            px.push(match (x + y) % 5 {
                0 => 0,
                1 => 255,
                _ => ((x * 29 + y * 67) % 256) as u8,
            });
        }
    }
    Image::new(w, h, ColorMode::Rgba, px).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn color_mode(name: &str) -> ColorMode {
    serde_json::from_value(Value::String(name.into())).unwrap()
}

#[test]
fn resizes_and_conversions_match_keras_exactly() {
    let g = goldens();
    let r = &g["resize"];
    let (h, w) = (
        r["height"].as_u64().unwrap() as usize,
        r["width"].as_u64().unwrap() as usize,
    );
    let dir = tempfile::tempdir().unwrap();
    let rgb = dir.path().join("rgb.png");
    let rgba = dir.path().join("rgba.png");
    synthetic_rgb(h, w).save(&rgb).unwrap();
    synthetic_rgba(h, w).save(&rgba).unwrap();
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4 * 2 * 2 * 9);
    let mut failures = Vec::new();
    for case in cases {
        let size = &case["target_size"];
        let opts = ImageOptions {
            color_mode: color_mode(case["color_mode"].as_str().unwrap()),
            target_size: Some((
                size[0].as_u64().unwrap() as usize,
                size[1].as_u64().unwrap() as usize,
            )),
            interpolation: serde_json::from_value(case["interpolation"].clone()).unwrap(),
            keep_aspect_ratio: case["keep_aspect_ratio"].as_bool().unwrap(),
        };
        let path = if case["source"] == "rgb" { &rgb } else { &rgba };
        let img = load_img(path, &opts).unwrap();
        let shape: Vec<usize> = case["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(img.to_array().unwrap().dims(), shape, "{case}");
        if hex(img.pixels()) != case["pixels"].as_str().unwrap() {
            failures.push(format!("{opts:?} from {}", case["source"]));
        }
    }
    assert!(failures.is_empty(), "differ from Keras: {failures:#?}");
}

/// The JPEG decoders differ: Pillow uses libjpeg-turbo, gradus zune-jpeg (through the
/// `image` crate). Both implement the standard's inverse DCT within its accuracy bounds but
/// round differently, so a value may differ by a few units. Measured over every pixel of
/// both photos (gradus's decode saved as PNG, compared in NumPy with Keras's): at most 3,
/// about 1% of the values differ at all, mean absolute difference 0.013; resized to 64 × 96
/// bilinear, at most 1. The tolerances below (4 per value, 0.25 on channel means) leave room
/// for a decoder update and still catch any real error (a wrong colour conversion, an
/// off-by-one resize, a transposed image: all move values by tens).
#[test]
fn bundled_photos_decode_like_pillow() {
    const PIXEL_TOLERANCE: f32 = 4.0;
    const MEAN_TOLERANCE: f64 = 0.25;
    let g = goldens();
    let mut worst = 0.0f32;
    for photo in BundledImage::ALL {
        for (label, opts) in [
            ("rgb", ImageOptions::default()),
            (
                "grayscale",
                ImageOptions::default().with_color_mode(ColorMode::Grayscale),
            ),
            (
                "rgb_64x96_bilinear",
                ImageOptions::default()
                    .with_target_size(64, 96)
                    .with_interpolation(Interpolation::Bilinear),
            ),
            (
                "rgb_50x50_nearest_keep",
                ImageOptions::default()
                    .with_target_size(50, 50)
                    .with_keep_aspect_ratio(true),
            ),
        ] {
            let golden = &g["photos"][photo.name()][label];
            let x = photo.load(&opts).unwrap().to_array().unwrap();
            let dims: Vec<usize> = golden["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(x.dims(), dims, "{} {label}", photo.name());
            let c = dims[2];
            for s in golden["samples"].as_array().unwrap() {
                let (y, xx) = (
                    s["y"].as_u64().unwrap() as usize,
                    s["x"].as_u64().unwrap() as usize,
                );
                for ch in 0..c {
                    let want = s["value"][ch].as_f64().unwrap() as f32;
                    let got = x.data()[(y * dims[1] + xx) * c + ch];
                    let d = (got - want).abs();
                    worst = worst.max(d);
                    assert!(
                        d <= PIXEL_TOLERANCE,
                        "{} {label} at ({y}, {xx}, {ch}): {got} vs Keras {want}",
                        photo.name()
                    );
                }
            }
            for ch in 0..c {
                let mean = x.data()[ch..]
                    .iter()
                    .step_by(c)
                    .map(|&v| f64::from(v))
                    .sum::<f64>()
                    / (dims[0] * dims[1]) as f64;
                let want = golden["mean"][ch].as_f64().unwrap();
                assert!(
                    (mean - want).abs() <= MEAN_TOLERANCE,
                    "{} {label} channel {ch} mean {mean} vs Keras {want}",
                    photo.name()
                );
            }
        }
    }
    eprintln!("largest sampled difference from Pillow: {worst}");
}

#[test]
fn min_max_scaling_matches_keras_array_to_img() {
    let g = goldens();
    let case = &g["array_to_img_scale"];
    let values: Vec<f32> = case["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    let x = Tensor::from_vec(values, &[3, 4, 3]).unwrap();
    let img = array_to_img(&x, PixelScaling::MinMax).unwrap();
    assert_eq!(hex(img.pixels()), case["pixels"].as_str().unwrap());
}

fn write_tree(root: &Path, files: &[Value]) {
    for f in files {
        let path = root.join(f.as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"not read by the listing").unwrap();
    }
}

#[test]
fn folder_listing_matches_keras_flow_from_directory() {
    let g = goldens();
    let d = &g["directory"];
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), d["tree"].as_array().unwrap());
    for case in d["cases"].as_array().unwrap() {
        let mut opts = ImageFolderOptions::default().with_target_size(4, 4);
        if let Some(classes) = case["classes"].as_array() {
            opts = opts.with_classes(classes.iter().map(|c| c.as_str().unwrap()));
        }
        opts.validation_split = case["validation_split"].as_f64().unwrap();
        opts.subset = serde_json::from_value::<Option<Subset>>(case["subset"].clone()).unwrap();
        let folder = ImageFolder::new(dir.path(), &opts).unwrap();
        let indices: Value = serde_json::to_value(folder.class_indices()).unwrap();
        assert_eq!(indices, case["class_indices"], "{case}");
        let names: Vec<String> = folder
            .filenames()
            .iter()
            .map(|p| p.to_str().unwrap().to_owned())
            .collect();
        let want: Vec<String> = serde_json::from_value(case["filenames"].clone()).unwrap();
        assert_eq!(names, want, "{case}");
        let labels: Vec<usize> = serde_json::from_value(case["labels"].clone()).unwrap();
        assert_eq!(folder.classes(), labels, "{case}");
    }
}
