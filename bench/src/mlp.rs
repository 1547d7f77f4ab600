//! The `mlp` workloads: training speed of a multilayer perceptron on random data with a
//! learnable target, through the public `Sequential::fit` loop.
//!
//! - **W1**: 32 → Dense 64 relu → Dense 10, mean squared error, Adam, batch 32, 4096 rows.
//! - **W2**: 784 → Dense 512 relu → Dense 512 relu → Dense 10 softmax, sparse categorical
//!   cross-entropy (the fused softmax path), Adam, batch 128, 8192 rows.
//!
//! The targets come from a fixed random "teacher" (a linear map for W1, the arg-max of one
//! for W2), so that the loss falls and the numbers describe real training, not a model
//! fitting noise. `bench/pytorch_mlp.py` builds the same workloads in PyTorch.
//!
//! Timing: one `fit` call runs a warm-up epoch and then the measured epochs; a callback
//! records each epoch's wall time from `on_epoch_begin` to `on_epoch_end` (shuffling,
//! batch gathering, forward, loss, backward and the Adam update — everything `fit` does
//! per epoch). The result is the median epoch time divided by the steps per epoch.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::{Args, ValueEnum};
use gradus_nn::{
    Callback, Control, Dense, FitConfig, Logs, LossConfig, OptimizerConfig, Result, Sequential,
    Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor, ops};

/// Which network and data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Workload {
    /// 32 → 64 relu → 10, MSE, batch 32, 4096 rows.
    W1,
    /// 784 → 512 relu → 512 relu → 10 softmax cross-entropy, batch 128, 8192 rows.
    W2,
}

/// The shapes and sizes of a workload.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Input features.
    pub inputs: usize,
    /// Units of the hidden relu layers.
    pub hidden: &'static [usize],
    /// Outputs (regression targets or classes).
    pub outputs: usize,
    /// Rows per training step.
    pub batch: usize,
    /// Training rows per epoch.
    pub rows: usize,
}

impl Workload {
    /// The workload's shapes.
    pub fn spec(self) -> Spec {
        match self {
            Workload::W1 => Spec {
                inputs: 32,
                hidden: &[64],
                outputs: 10,
                batch: 32,
                rows: 4096,
            },
            Workload::W2 => Spec {
                inputs: 784,
                hidden: &[512, 512],
                outputs: 10,
                batch: 128,
                rows: 8192,
            },
        }
    }

    /// Its name in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "w1",
            Workload::W2 => "w2",
        }
    }

    /// `rows` rows of standard-normal inputs and their targets: `x·A` for W1 (10 columns),
    /// the class id `argmax(x·A)` for W2 (one column), with a random teacher `A` drawn
    /// from `seed`.
    pub fn data(self, rows: usize, seed: u64) -> (Tensor, Tensor) {
        let s = self.spec();
        let mut rng = Rng::new(seed);
        let mut normal = |n: usize, scale: f64| -> Vec<f32> {
            (0..n).map(|_| (rng.normal() * scale) as f32).collect()
        };
        let x = Tensor::from_vec(normal(rows * s.inputs, 1.0), &[rows, s.inputs])
            .expect("shape matches");
        let teacher = Tensor::from_vec(
            normal(s.inputs * s.outputs, 1.0 / (s.inputs as f64).sqrt()),
            &[s.inputs, s.outputs],
        )
        .expect("shape matches");
        let mut scores = Tensor::zeros(&[rows, s.outputs]);
        ops::matmul(&x, &teacher, &mut scores);
        let y = match self {
            Workload::W1 => scores,
            Workload::W2 => {
                let ids: Vec<f32> = (0..rows)
                    .map(|r| ops::argmax(scores.row(r)) as f32)
                    .collect();
                Tensor::column(&ids)
            }
        };
        (x, y)
    }

    /// The compiled, unbuilt model (Adam with Keras's defaults).
    ///
    /// # Errors
    /// Never for these fixed configurations; the `Result` is `compile`'s.
    pub fn model(self) -> Result<Sequential> {
        let s = self.spec();
        let mut model = Sequential::new();
        for &units in s.hidden {
            model.add(Dense::new(units).activation(Activation::Relu));
        }
        let loss = match self {
            Workload::W1 => {
                model.add(Dense::new(s.outputs));
                LossConfig::mse()
            }
            Workload::W2 => {
                model.add(Dense::new(s.outputs).activation(Activation::Softmax));
                LossConfig::sparse_categorical_crossentropy()
            }
        };
        model.compile(OptimizerConfig::adam(0.001), loss, &[])?;
        Ok(model)
    }
}

/// Arguments of `gradus-bench mlp`.
#[derive(Args, Debug)]
pub struct MlpArgs {
    /// The workload.
    #[arg(long, value_enum)]
    pub workload: Workload,
    /// Threads of the rayon pool the training loop runs in.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Measured epochs (after one warm-up epoch); the median is reported.
    #[arg(long, default_value_t = 7)]
    pub epochs: usize,
    /// Seed of the data, the initial weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// The result line of one run.
#[derive(Clone, Debug)]
pub struct MlpResult {
    /// Median microseconds per training step over the measured epochs.
    pub us_per_step: f64,
    /// Training loss of the last epoch.
    pub final_loss: f64,
}

/// Records the wall time of every epoch into a shared list.
pub(crate) struct EpochTimer {
    pub(crate) started: Option<Instant>,
    pub(crate) seconds: Arc<Mutex<Vec<f64>>>,
}

impl Callback for EpochTimer {
    fn on_epoch_begin(&mut self, _epoch: usize) {
        self.started = Some(Instant::now());
    }

    fn on_epoch_end(
        &mut self,
        _epoch: usize,
        _logs: &Logs,
        _model: &Sequential,
    ) -> Result<Control> {
        if let Some(t) = self.started.take() {
            let elapsed = t.elapsed().as_secs_f64();
            self.seconds.lock().expect("not poisoned").push(elapsed);
        }
        Ok(Control::Continue)
    }
}

/// Trains `workload` for one warm-up epoch plus `epochs` measured ones in the current
/// thread pool and returns the median time per step and the last epoch's loss.
///
/// # Errors
/// A training error from `fit` (none is expected on this data).
pub fn measure(workload: Workload, epochs: usize, seed: u64) -> anyhow::Result<MlpResult> {
    let spec = workload.spec();
    let (x, y) = workload.data(spec.rows, seed);
    let mut model = workload.model()?;
    let seconds = Arc::new(Mutex::new(Vec::new()));
    let timer = EpochTimer {
        started: None,
        seconds: Arc::clone(&seconds),
    };
    let config = FitConfig::new()
        .epochs(1 + epochs.max(1))
        .batch_size(spec.batch)
        .seed(seed)
        .verbose(Verbosity::Silent)
        .callback(timer);
    let history = model.fit(&x, &y, config)?;
    let mut measured = seconds.lock().expect("not poisoned")[1..].to_vec();
    measured.sort_by(f64::total_cmp);
    let median = measured[measured.len() / 2]; // the upper middle for an even count
    let steps = spec.rows.div_ceil(spec.batch);
    Ok(MlpResult {
        us_per_step: median * 1e6 / steps as f64,
        final_loss: history.last("loss").unwrap_or(f64::NAN),
    })
}

/// `gradus-bench mlp`: runs [`measure`] inside a rayon pool of `--threads` threads and
/// prints one JSON line.
///
/// # Errors
/// A zero thread count, a pool that cannot be built, or a training error.
pub fn run(args: &MlpArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.threads >= 1, "--threads must be at least 1");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()?;
    let result = pool.install(|| measure(args.workload, args.epochs, args.seed))?;
    // Written by hand to keep the documented key order; serde_json writes a NaN loss as
    // `null`.
    let line = format!(
        r#"{{"workload":"{}","threads":{},"us_per_step":{:.1},"final_loss":{}}}"#,
        args.workload.name(),
        args.threads,
        result.us_per_step,
        serde_json::to_string(&result.final_loss)?,
    );
    println!("{line}");
    Ok(())
}
