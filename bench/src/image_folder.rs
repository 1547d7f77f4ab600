//! Image-folder loading speed: one pass over a folder of JPEGs through
//! `gradus_data::image::ImageFolder` (list, then read, decode, convert and resize every
//! batch), the work Keras's `flow_from_directory` does per epoch. `bench/compare_images.py`
//! runs Keras on the same folder (`bench/compare-images.sh`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use gradus::data::image::{ClassMode, ImageFolder, ImageFolderOptions, Interpolation};
use gradus_tensor::{BatchKey, BatchSource, Tensor};

/// Arguments of `image-folder`.
#[derive(Args, Debug)]
pub struct ImageFolderArgs {
    /// The folder: one sub-folder of images per class.
    #[arg(long)]
    dir: PathBuf,
    /// Target height and width.
    #[arg(long, num_args = 2, default_values_t = [224, 224])]
    target: Vec<usize>,
    /// Images per batch.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Resampling filter.
    #[arg(long, value_enum, default_value_t = Filter::Nearest)]
    interpolation: Filter,
    /// Threads decoding a batch.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Passes to time; the fastest is reported.
    #[arg(long, default_value_t = 3)]
    passes: usize,
}

/// The resampling filters.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Filter {
    /// Keras's default.
    Nearest,
    /// Bilinear (antialiased when shrinking).
    Bilinear,
}

/// Times `passes` passes and prints one JSON line with the fastest.
pub fn run(args: &ImageFolderArgs) -> Result<()> {
    let [h, w] = args.target[..] else {
        bail!("--target takes a height and a width");
    };
    let options = ImageFolderOptions::default()
        .with_target_size(h, w)
        .with_batch_size(args.batch)
        .with_class_mode(ClassMode::Categorical)
        .with_interpolation(match args.interpolation {
            Filter::Nearest => Interpolation::Nearest,
            Filter::Bilinear => Interpolation::Bilinear,
        });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let (folder, list_s) = pool.install(|| {
        let start = Instant::now();
        ImageFolder::new(&args.dir, &options).map(|f| (f, start.elapsed().as_secs_f64()))
    })?;
    let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
    let mut best = f64::INFINITY;
    let mut checksum = 0.0f64;
    for pass in 0..args.passes.max(1) {
        let start = Instant::now();
        let order = folder.order(pass);
        pool.install(|| -> Result<()> {
            for (b, samples) in order.chunks(folder.batch_size()).enumerate() {
                folder
                    .fill(samples, BatchKey::new(pass, b), &mut x, &mut y)
                    .map_err(|e| anyhow::anyhow!(e))?;
                checksum += f64::from(x.data()[0]);
            }
            Ok(())
        })?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    let line = serde_json::json!({
        "workload": "image_folder",
        "engine": "gradus",
        "images": folder.len(),
        "target": [h, w],
        "batch": args.batch,
        "interpolation": format!("{:?}", args.interpolation).to_lowercase(),
        "threads": args.threads,
        "list_seconds": list_s,
        "seconds_per_pass": best,
        "images_per_second": folder.len() as f64 / best,
        "checksum": checksum,
    });
    println!("{line}");
    Ok(())
}
