//! A CNN training step allocates nothing once its buffers have grown: counted with a
//! global allocator that sees every allocation of the process (rayon's workers included).
//!
//! `fit` itself allocates a fixed amount per call and per epoch (the shuffled order, the
//! logs, the history), so the test compares one epoch of 2 steps with one epoch of 8 steps
//! on the same warmed-up model: any allocation per step shows up as a difference.
//!
//! One exception is not gradus's to remove: the `gemm` crate allocates a packing buffer
//! inside some products (`gemm-common`'s `MemBuffer::new`, a `malloc` of tens of KiB
//! that the system allocator serves from its free lists). While counting, each allocation's
//! backtrace is taken, and those made inside `gemm_common` / `dyn_stack` are counted apart.

use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gradus_nn::{
    Conv2D, Dense, FitConfig, Flatten, LossConfig, MaxPooling2D, OptimizerConfig, Padding,
    Sequential, Verbosity,
};
use gradus_tensor::{Activation, Rng, Tensor};

/// Counts allocations (and reallocations) while [`COUNTING`] is set, then forwards to the
/// system allocator.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Allocations made by gradus (and std) code.
static OWN: AtomicUsize = AtomicUsize::new(0);
/// Allocations made inside the `gemm` crate.
static GEMM: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set while this thread classifies an allocation (which allocates itself).
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Counts one allocation as the gemm crate's or as gradus's own.
fn count() {
    if !COUNTING.load(Ordering::SeqCst) || INSIDE.get() {
        return;
    }
    INSIDE.set(true);
    let trace = Backtrace::force_capture().to_string();
    let counter = if trace.contains("gemm_common") || trace.contains("dyn_stack") {
        &GEMM
    } else {
        &OWN
    };
    counter.fetch_add(1, Ordering::SeqCst);
    INSIDE.set(false);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds as it does for `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const BATCH: usize = 16;

fn data(steps: usize) -> (Tensor, Tensor) {
    let mut rng = Rng::new(steps as u64);
    let n = steps * BATCH;
    let x = (0..n * 14 * 14).map(|_| rng.normal() as f32).collect();
    let y: Vec<f32> = (0..n).map(|_| rng.below(3) as f32).collect();
    (
        Tensor::from_vec(x, &[n, 14, 14, 1]).unwrap(),
        Tensor::column(&y),
    )
}

/// `(own, gemm)` allocations of one epoch of `fit`.
fn allocations_of(model: &mut Sequential, (x, y): &(Tensor, Tensor)) -> (usize, usize) {
    let cfg = FitConfig::new()
        .batch_size(BATCH)
        .verbose(Verbosity::Silent);
    let before = (OWN.load(Ordering::SeqCst), GEMM.load(Ordering::SeqCst));
    COUNTING.store(true, Ordering::SeqCst);
    model.fit(x, y, cfg).unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    (
        OWN.load(Ordering::SeqCst) - before.0,
        GEMM.load(Ordering::SeqCst) - before.1,
    )
}

#[test]
fn cnn_training_steps_allocate_nothing() {
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut m = Sequential::new();
            m.add(Conv2D::new(8, [3, 3]).activation(Activation::Relu));
            m.add(MaxPooling2D::new([2, 2]));
            m.add(
                Conv2D::new(16, [3, 3])
                    .padding(Padding::Same)
                    .activation(Activation::Relu),
            );
            m.add(MaxPooling2D::new([2, 2]));
            m.add(Flatten::new());
            m.add(Dense::new(3).activation(Activation::Softmax));
            m.compile(
                OptimizerConfig::adam(0.001),
                LossConfig::sparse_categorical_crossentropy(),
                &[],
            )
            .unwrap();
            let (short, long) = (data(2), data(8));
            // Warm up: every buffer (and every worker's scratch) grows to its size.
            let cfg = FitConfig::new()
                .epochs(3)
                .batch_size(BATCH)
                .verbose(Verbosity::Silent);
            m.fit(&long.0, &long.1, cfg).unwrap();
            let (a, _) = allocations_of(&mut m, &short);
            let (b, gemm) = allocations_of(&mut m, &long);
            assert_eq!(a, b, "{threads} threads: 6 more steps allocated {}", b - a);
            assert!(a > 0, "the counter counts (fit allocates per call)");
            eprintln!("{threads} threads: {a} allocations per fit call, {gemm} in the gemm crate");
        });
    }
}
