//! The `cnn` workload: training speed of a small convolutional network on 28×28 grey
//! images, through the public `Sequential::fit` loop.
//!
//! 28×28×1 → Conv2D 32 3×3 relu → MaxPooling2D 2 → Conv2D 64 3×3 relu → MaxPooling2D 2 →
//! Flatten → Dense 10 softmax, sparse categorical cross-entropy (the fused softmax path),
//! Adam (1e-3), batch 64, 1024 rows per epoch (16 steps).
//!
//! The images are standard normal and the class is the arg-max of a fixed random linear
//! "teacher" of the pixels, so the loss falls and the numbers describe real training.
//! `bench/pytorch_cnn.py` builds the same workload in PyTorch.
//!
//! Timing as in [`mlp`](crate::mlp): one `fit` call runs a warm-up epoch and then the
//! measured epochs; the result is the median epoch time divided by the steps per epoch.

use std::sync::{Arc, Mutex};

use clap::Args;
use gradus_nn::{
    Conv2D, Dense, FitConfig, Flatten, LossConfig, MaxPooling2D, OptimizerConfig, Result,
    Sequential, Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor, ops};

use crate::mlp::EpochTimer;

/// Image side (28 × 28 pixels, one channel).
pub const SIDE: usize = 28;
/// Classes.
pub const CLASSES: usize = 10;
/// Rows per training step.
pub const BATCH: usize = 64;
/// Training rows per epoch.
pub const ROWS: usize = 1024;

/// `rows` standard-normal `[28, 28, 1]` images and their class ids (one column),
/// `argmax(x·A / 28)` for a random teacher `A` drawn from `seed`.
pub fn data(rows: usize, seed: u64) -> (Tensor, Tensor) {
    let pixels = SIDE * SIDE;
    let mut rng = Rng::new(seed);
    let mut normal = |n: usize, scale: f64| -> Vec<f32> {
        (0..n).map(|_| (rng.normal() * scale) as f32).collect()
    };
    let flat = Tensor::from_vec(normal(rows * pixels, 1.0), &[rows, pixels]).expect("shape");
    let teacher = Tensor::from_vec(
        normal(pixels * CLASSES, 1.0 / SIDE as f64),
        &[pixels, CLASSES],
    )
    .expect("shape");
    let mut scores = Tensor::zeros(&[rows, CLASSES]);
    ops::matmul(&flat, &teacher, &mut scores);
    let ids: Vec<f32> = (0..rows)
        .map(|r| ops::argmax(scores.row(r)) as f32)
        .collect();
    let x = Tensor::from_vec(flat.into_vec(), &[rows, SIDE, SIDE, 1]).expect("shape");
    (x, Tensor::column(&ids))
}

/// The compiled, unbuilt model (Adam with Keras's defaults).
///
/// # Errors
/// Never for this fixed configuration; the `Result` is `compile`'s.
pub fn model() -> Result<Sequential> {
    let mut m = Sequential::new();
    m.add(Conv2D::new(32, [3, 3]).activation(Activation::Relu));
    m.add(MaxPooling2D::new([2, 2]));
    m.add(Conv2D::new(64, [3, 3]).activation(Activation::Relu));
    m.add(MaxPooling2D::new([2, 2]));
    m.add(Flatten::new());
    m.add(Dense::new(CLASSES).activation(Activation::Softmax));
    m.compile(
        OptimizerConfig::adam(0.001),
        LossConfig::sparse_categorical_crossentropy(),
        &[],
    )?;
    Ok(m)
}

/// Arguments of `gradus-bench cnn`.
#[derive(Args, Debug)]
pub struct CnnArgs {
    /// Threads of the rayon pool the training loop runs in.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Measured epochs of 16 steps (after one warm-up epoch); the median is reported.
    #[arg(long, default_value_t = 7)]
    pub epochs: usize,
    /// Seed of the data, the initial weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Trains the workload for one warm-up epoch plus `epochs` measured ones in the current
/// thread pool; returns the median µs per step and the last epoch's loss.
///
/// # Errors
/// A training error from `fit` (none is expected on this data).
pub fn measure(epochs: usize, seed: u64) -> anyhow::Result<(f64, f64)> {
    let (x, y) = data(ROWS, seed);
    let mut model = model()?;
    let seconds = Arc::new(Mutex::new(Vec::new()));
    let timer = EpochTimer {
        started: None,
        seconds: Arc::clone(&seconds),
    };
    let config = FitConfig::new()
        .epochs(1 + epochs.max(1))
        .batch_size(BATCH)
        .seed(seed)
        .verbose(Verbosity::Silent)
        .callback(timer);
    let history = model.fit(&x, &y, config)?;
    let mut measured = seconds.lock().expect("not poisoned")[1..].to_vec();
    measured.sort_by(f64::total_cmp);
    let median = measured[measured.len() / 2];
    let steps = ROWS.div_ceil(BATCH);
    Ok((
        median * 1e6 / steps as f64,
        history.last("loss").unwrap_or(f64::NAN),
    ))
}

/// `gradus-bench cnn`: runs [`measure`] inside a rayon pool of `--threads` threads and
/// prints one JSON line.
///
/// # Errors
/// A zero thread count, a pool that cannot be built, or a training error.
pub fn run(args: &CnnArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.threads >= 1, "--threads must be at least 1");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let (us, loss) = pool.install(|| measure(args.epochs, args.seed))?;
    println!(
        r#"{{"workload":"cnn","threads":{},"us_per_step":{:.1},"final_loss":{}}}"#,
        args.threads,
        us,
        serde_json::to_string(&loss)?,
    );
    Ok(())
}
