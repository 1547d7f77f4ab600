//! Criterion benchmark of one training step (forward, loss, backward, Adam update) of the
//! W1 and W2 networks (see `gradus_bench::mlp`), on 1 and 2 threads.
//!
//! A step is timed inside the real training loop: each measurement calls
//! `Sequential::fit` for whole epochs over a small data set of [`STEPS`] batches and
//! divides the time by the number of steps, so that `fit`'s per-call set-up (data checks,
//! callbacks, history) is amortised the way it is in a real run. The model is built and
//! warmed up once, outside the measurement.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gradus_bench::mlp::Workload;
use gradus_nn::{FitConfig, Verbosity};

/// Batches per epoch of the benchmark's data set.
const STEPS: u64 = 16;

fn train_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    for workload in [Workload::W1, Workload::W2] {
        let spec = workload.spec();
        let (x, y) = workload.data(spec.batch * STEPS as usize, 0);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            let mut model = workload.model().expect("model");
            let epochs = |n: u64| {
                FitConfig::new()
                    .epochs(n as usize)
                    .batch_size(spec.batch)
                    .verbose(Verbosity::Silent)
            };
            pool.install(|| model.fit(&x, &y, epochs(1)).expect("warm-up"));
            let id = BenchmarkId::new(workload.name(), format!("{threads}t"));
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    let n = iters.div_ceil(STEPS);
                    let start = Instant::now();
                    pool.install(|| black_box(model.fit(&x, &y, epochs(n)).expect("fit")));
                    let per_step = start.elapsed().as_secs_f64() / (n * STEPS) as f64;
                    Duration::from_secs_f64(per_step * iters as f64)
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, train_step);
criterion_main!(benches);
