//! The `augment-flow` workload: images per second out of `ImageDataGenerator::flow` with
//! the course's augmentation — `rotation_range=20, width_shift_range=0.2,
//! height_shift_range=0.2, shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
//! fill_mode='nearest'` (bilinear) — on 64 random 256×256×3 images in batches of 32.
//! `bench/keras_augment.py` runs the same in Keras 3; `bench/compare-keras-augment.sh`
//! runs both and reports the ratio.
//!
//! Timing: one epoch is every batch of a pass through `BatchSource::fill` (gather, draw,
//! warp, flips, into reused buffers); a warm-up epoch, then the median of the measured
//! epochs (the fastest epoch is reported too: on a busy machine it shows the undisturbed
//! speed). Threads: the work runs inside a rayon pool of `--threads` threads.

use std::time::Instant;

use clap::Args;
use gradus_data::{FlowOptions, ImageDataGenerator};
use gradus_tensor::ops::FillMode;
use gradus_tensor::{BatchKey, BatchSource, Rng, Tensor};

/// Arguments of `augment-flow`.
#[derive(Args, Debug)]
pub struct FlowArgs {
    /// Images in the data set.
    #[arg(long, default_value_t = 64)]
    pub images: usize,
    /// Height and width of each image.
    #[arg(long, default_value_t = 256)]
    pub size: usize,
    /// Images per batch.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Measured epochs (after one warm-up epoch).
    #[arg(long, default_value_t = 5)]
    pub epochs: usize,
    /// Threads of the rayon pool.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

/// The course's generator.
pub fn course_generator() -> ImageDataGenerator {
    ImageDataGenerator::new()
        .rotation_range(20.0)
        .width_shift_range(0.2)
        .height_shift_range(0.2)
        .shear_range(0.2)
        .zoom_range(0.2)
        .horizontal_flip(true)
        .fill_mode(FillMode::Nearest)
}

/// Runs `augment-flow`.
pub fn run(args: &FlowArgs) -> anyhow::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    pool.install(|| measure(args))
}

fn measure(args: &FlowArgs) -> anyhow::Result<()> {
    let dims = [args.images, args.size, args.size, 3];
    let mut x = Tensor::try_zeros(&dims)?;
    let mut rng = Rng::new(0);
    x.data_mut()
        .iter_mut()
        .for_each(|v| *v = 255.0 * rng.uniform_f32());
    let labels: Vec<f32> = (0..args.images).map(|i| (i % 10) as f32).collect();
    let y = Tensor::column(&labels);
    let options = FlowOptions {
        batch_size: args.batch_size,
        shuffle: true,
        seed: 0,
    };
    let flow = course_generator().flow(&x, Some(&y), options)?;
    let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
    let mut times = Vec::with_capacity(args.epochs);
    let mut checksum = 0.0f64;
    for epoch in 0..=args.epochs {
        let start = Instant::now();
        let order = flow.order(epoch);
        for (i, samples) in order.chunks(flow.batch_size()).enumerate() {
            flow.fill(samples, BatchKey::new(epoch, i), &mut bx, &mut by)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            checksum += bx.data()[0] as f64;
        }
        if epoch > 0 {
            times.push(start.elapsed().as_secs_f64());
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let line = serde_json::json!({
        "workload": "augment_flow",
        "engine": "gradus",
        "images": args.images,
        "height": args.size,
        "width": args.size,
        "channels": 3,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "epochs": args.epochs,
        "median_ms_per_epoch": median * 1e3,
        "images_per_s": args.images as f64 / median,
        "best_ms_per_epoch": times[0] * 1e3,
        "checksum": checksum,
    });
    println!("{line}");
    Ok(())
}
