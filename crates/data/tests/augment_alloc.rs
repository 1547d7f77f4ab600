//! An augmented batch source allocates nothing once its buffers have grown: after the
//! first batches, `fill` (gather, draw, warp, value transforms, standardization, in
//! parallel) makes no heap allocation. Counted by a global allocator; one test per binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gradus_data::{FlowOptions, ImageDataGenerator};
use gradus_tensor::ops::FillMode;
use gradus_tensor::{BatchKey, BatchSource, Rng, Tensor};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is an
// atomic and allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn steady_state_batches_allocate_nothing() {
    let mut rng = Rng::new(1);
    let v = (0..12 * 20 * 16 * 3)
        .map(|_| 255.0 * rng.uniform_f32())
        .collect();
    let x = Tensor::from_vec(v, &[12, 20, 16, 3]).unwrap();
    let y = Tensor::column(&[0.0; 12]);
    let g = ImageDataGenerator::new()
        .rotation_range(20.0)
        .width_shift_range(0.2)
        .height_shift_range(vec![1.0, 2.0])
        .zoom_range(0.2)
        .channel_shift_range(10.0)
        .brightness_range(0.8, 1.2)
        .horizontal_flip(true)
        .fill_mode(FillMode::Reflect)
        .samplewise_std_normalization(true)
        .featurewise_center(true)
        .fit(&x)
        .unwrap();
    let flow = g
        .flow(
            &x,
            Some(&y),
            FlowOptions {
                batch_size: 4,
                shuffle: true,
                seed: 3,
            },
        )
        .unwrap();
    // One worker: with two, whichever worker first gets a share of the work after the warm-up
    // grows its own buffers then (or rayon grows a deque), so the count depended on timing
    // (2 allocations in one CI run out of many). The steady state of one worker is the claim.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| {
        let order = flow.order(0);
        let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
        let mut fill = |i: usize| {
            let samples = &order[i * 4..(i + 1) * 4];
            flow.fill(samples, BatchKey::new(0, i), &mut bx, &mut by)
                .unwrap();
        };
        fill(0); // grows the buffers
        COUNTING.store(true, Ordering::SeqCst);
        for i in 0..3 {
            fill(i);
        }
        COUNTING.store(false, Ordering::SeqCst);
    });
    assert_eq!(ALLOCATIONS.load(Ordering::SeqCst), 0);
}
