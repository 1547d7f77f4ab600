//! GEMM crate choice, by measurement: `gemm` (x86-v4 kernels) against `matrixmultiply` on the
//! products of the W1 and W2 training workloads and a square 512³ product, single-threaded
//! (run inside a one-thread rayon pool).
//!
//! `cargo bench -p gradus-tensor --bench gemm`

use criterion::{Criterion, criterion_group, criterion_main};
use gradus_tensor::Rng;
use gradus_tensor::ops::{Transpose, gemm};

fn bench(c: &mut Criterion) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut rng = Rng::new(0);
    // (label, m, k, n): W1 forward 32×32·32×64, W2 forward 128×784·784×512, hidden 128×512·512×512.
    for &(label, m, k, n) in &[
        ("w1_fwd", 32, 32, 64),
        ("w2_fwd1", 128, 784, 512),
        ("w2_fwd2", 128, 512, 512),
        ("square512", 512, 512, 512),
    ] {
        let a: Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32).collect();
        let mut out = vec![0.0f32; m * n];
        let mut group = c.benchmark_group(label);
        group.bench_function("gemm", |bch| {
            pool.install(|| {
                bch.iter(|| gemm(m, k, n, &a, Transpose::No, &b, Transpose::No, &mut out, 0.0))
            })
        });
        group.bench_function("matrixmultiply", |bch| {
            bch.iter(|| unsafe {
                matrixmultiply::sgemm(
                    m,
                    k,
                    n,
                    1.0,
                    a.as_ptr(),
                    k as isize,
                    1,
                    b.as_ptr(),
                    n as isize,
                    1,
                    0.0,
                    out.as_mut_ptr(),
                    n as isize,
                    1,
                )
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
