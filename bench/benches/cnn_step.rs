//! Criterion benchmark of one training step (forward, loss, backward, Adam update) of the
//! `cnn` workload (see `gradus_bench::cnn`), on 1 and 2 threads.
//!
//! As in `train_step`: each measurement runs `Sequential::fit` for whole epochs over
//! [`STEPS`] batches and divides by the steps, with the model built and warmed up outside
//! the measurement.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gradus_bench::cnn;
use gradus_nn::{FitConfig, Verbosity};

/// Batches per epoch of the benchmark's data set.
const STEPS: u64 = 4;

fn cnn_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("cnn_step");
    group.sample_size(10);
    let (x, y) = cnn::data(cnn::BATCH * STEPS as usize, 0);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let mut model = cnn::model().expect("model");
        let epochs = |n: u64| {
            FitConfig::new()
                .epochs(n as usize)
                .batch_size(cnn::BATCH)
                .verbose(Verbosity::Silent)
        };
        pool.install(|| model.fit(&x, &y, epochs(1)).expect("warm-up"));
        group.bench_function(BenchmarkId::new("cnn", format!("{threads}t")), |b| {
            b.iter_custom(|iters| {
                let n = iters.div_ceil(STEPS);
                let start = Instant::now();
                pool.install(|| black_box(model.fit(&x, &y, epochs(n)).expect("fit")));
                let per_step = start.elapsed().as_secs_f64() / (n * STEPS) as f64;
                Duration::from_secs_f64(per_step * iters as f64)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, cnn_step);
criterion_main!(benches);
