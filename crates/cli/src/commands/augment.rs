//! `gradus augment IMAGE --n N --out DIR`: Keras's `ImageDataGenerator(...).flow` on one
//! image, written as files, plus a grid of them.

use std::path::{Path, PathBuf};

use gradus::data::bundled::BundledImage;
use gradus::data::image::{ImageOptions, load_img, save_img};
use gradus::data::{FlowOptions, ImageDataGenerator};
use gradus::tensor::ops::FillMode;
use gradus::tensor::{BatchSource, Tensor};
use serde_json::json;

use crate::cli::{AugmentArgs, FillModeArg};
use crate::exit::{CliError, Result};
use crate::output::{print, print_json};

/// Most images one call writes.
pub const MAX_IMAGES: usize = 1000;

/// The generator the flags describe.
pub fn generator(args: &AugmentArgs) -> ImageDataGenerator {
    let mut g = ImageDataGenerator::new()
        .rotation_range(args.rotation_range)
        .width_shift_range(args.width_shift_range)
        .height_shift_range(args.height_shift_range)
        .shear_range(args.shear_range)
        .zoom_range(args.zoom_range)
        .horizontal_flip(args.horizontal_flip)
        .vertical_flip(args.vertical_flip)
        .cval(args.cval)
        .fill_mode(match args.fill_mode {
            FillModeArg::Nearest => FillMode::Nearest,
            FillModeArg::Constant => FillMode::Constant,
            FillModeArg::Reflect => FillMode::Reflect,
            FillModeArg::Wrap => FillMode::Wrap,
        });
    if let Some(&[lo, hi]) = args.brightness_range.as_deref() {
        g = g.brightness_range(lo, hi);
    }
    g
}

/// The image an argument names: a file, or `bundled:china` / `bundled:flower`.
///
/// # Errors
/// An unknown bundled name or an unreadable file (exit 2).
pub fn load_image(name: &str) -> Result<Tensor> {
    let image = match name.strip_prefix("bundled:") {
        Some("china") => BundledImage::China.array(),
        Some("flower") => BundledImage::Flower.array(),
        Some(other) => {
            return Err(CliError::usage(format!(
                "no bundled image `{other}`; the bundled images are bundled:china and \
                 bundled:flower"
            )));
        }
        None => load_img(name, &ImageOptions::default()).and_then(|i| i.to_array()),
    };
    Ok(image.map_err(gradus::Error::from)?)
}

/// Writes `n` augmented copies of `image` (`h × w × c`) as `DIR/augmented_I.png` and a grid
/// of them as `DIR/grid.png`; returns the paths. Copy `i` is draw `i` of Keras's
/// `flow(x, batch_size=1)` with `seed`.
///
/// # Errors
/// An image the generator cannot transform (exit 2); a file that cannot be written (exit 1).
pub fn write_augmented(
    image: &Tensor,
    g: &ImageDataGenerator,
    n: usize,
    seed: u64,
    out: &Path,
    cols: usize,
) -> Result<Vec<PathBuf>> {
    let mut x = image.clone();
    let mut dims = vec![1];
    dims.extend_from_slice(image.dims());
    x.reshape(&dims).map_err(gradus::Error::from)?;
    let options = FlowOptions {
        batch_size: 1,
        shuffle: false,
        seed,
    };
    let flow = g.flow(&x, None, options).map_err(gradus::Error::from)?;
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::runtime(format!("cannot create {}: {e}", out.display())))?;
    let mut written: Vec<PathBuf> = Vec::new();
    let mut images = Vec::with_capacity(n * image.len());
    for i in 0..n {
        let (mut batch, _) = flow
            .batch(i, 0)
            .map_err(|e| CliError::from(gradus::Error::Source(e)))?;
        batch.reshape(image.dims()).map_err(gradus::Error::from)?;
        let path = out.join(format!("augmented_{i}.png"));
        save_img(&path, &batch).map_err(gradus::Error::from)?;
        written.push(path);
        images.extend_from_slice(batch.data());
    }
    let mut dims = vec![n];
    dims.extend_from_slice(image.dims());
    let images = Tensor::from_vec(images, &dims).map_err(gradus::Error::from)?;
    let grid = out.join("grid.png");
    gradus::plots::image_grid(&images, cols)?
        .save(&grid)
        .map_err(|e| CliError::runtime(e.to_string()))?;
    written.push(grid);
    Ok(written)
}

/// `gradus augment`.
///
/// # Errors
/// Bad flags or image (exit 2); a file that cannot be written (exit 1).
pub fn run(args: &AugmentArgs) -> Result<()> {
    if args.n == 0 || args.n > MAX_IMAGES {
        return Err(CliError::usage(format!(
            "--n {}: give from 1 to {MAX_IMAGES} images",
            args.n
        )));
    }
    let g = generator(args);
    g.validate().map_err(gradus::Error::from)?;
    let image = load_image(&args.image)?;
    let written = write_augmented(&image, &g, args.n, args.seed, &args.out, args.cols)?;
    if args.json {
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        return print_json(&json!({ "files": files }));
    }
    let lines: Vec<String> = written
        .iter()
        .map(|p| format!("wrote {}\n", p.display()))
        .collect();
    print(&lines.concat())
}
