//! General matrix multiplication over the `gemm` crate (AVX-512 kernels through its
//! `x86-v4` feature, chosen at run time by CPU detection).
//!
//! One trick on top of the crate: a transposed right operand whose row length is a multiple
//! of [`CONFLICT_ROW_LEN`] values is first copied into a per-thread buffer with padded rows
//! (see [`gemm`]).

use std::cell::{Cell, RefCell};

use crate::Tensor;

/// Row lengths (in values) that make a transposed right operand slow to pack: the `gemm`
/// crate gathers one value from each of 64 consecutive rows, and with a row stride that is a
/// multiple of 1 KiB those rows fall into the same few L1 cache sets and evict each other.
const CONFLICT_ROW_LEN: usize = 256;

/// Values added to each row of the padded copy: one cache line, which spreads consecutive
/// rows over different cache sets.
const ROW_PAD: usize = 16;

/// Fewest rows of the transposed operand (the product's `n`) for which the padded copy pays:
/// below one 64-row panel of the AVX-512 kernel there is nothing to gain (measured: no gain
/// at n = 10, a gain at n = 64).
const PAD_MIN_ROWS: usize = 64;

thread_local! {
    /// The padded copy of a transposed right operand; grows to the largest one this thread
    /// has multiplied and is reused after that, so a training step does not allocate.
    static PADDED_RHS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };

    /// Set while this thread runs one side of [`side_by_side`]: its products stay on it.
    static SINGLE_THREADED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `a` and `b` at the same time on the current rayon pool (`rayon::join`), each with
/// its GEMMs kept on the thread that runs it; on a one-thread pool, one after the other.
///
/// Two independent products side by side, each on one core, use two cores better than the
/// same products one after the other with each split across both cores: the `gemm` crate
/// reaches only 1.5–1.8× on two threads at the sizes of a dense layer's backward pass
/// (batch 128, 512 units). For that pass (`xᵀ·δ` beside `δ·Wᵀ`) this took W2's
/// hidden-layer backward from 920 to 850 µs on two threads (Zen 4; best of many runs).
pub fn side_by_side<RA: Send, RB: Send>(
    a: impl FnOnce() -> RA + Send,
    b: impl FnOnce() -> RB + Send,
) -> (RA, RB) {
    if rayon::current_num_threads() == 1 {
        return (a(), b());
    }
    rayon::join(|| single_threaded(a), || single_threaded(b))
}

/// Runs `f` with this thread's GEMMs kept on it.
pub(crate) fn single_threaded<R>(f: impl FnOnce() -> R) -> R {
    /// Restores the previous setting, also when `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SINGLE_THREADED.set(self.0);
        }
    }
    let _restore = Restore(SINGLE_THREADED.replace(true));
    f()
}

/// Whether an operand enters a product as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transpose {
    /// Use the matrix as stored.
    No,
    /// Use its transpose.
    Yes,
}

/// `c = op(a)·op(b) + beta·c` on row-major slices, where `op(a)` is `m × k` and `op(b)` is
/// `k × n`. With `Transpose::No`, `a` is stored `m × k`; with `Transpose::Yes` it is stored
/// `k × m` (likewise `b`: `k × n` or `n × k`). `beta` is 0 (overwrite) or 1 (accumulate).
///
/// Threads: the rayon pool the caller runs in; the crate keeps small products on one
/// thread.
///
/// When `b` is transposed (stored `n × k`) with `k` a multiple of 256 and `n ≥ 64`, it is
/// first copied into a per-thread buffer whose rows are padded by one cache line: the
/// copy costs one pass over `b` and makes the product 1.1× (k = 256, 768) to 1.6–1.8×
/// (k = 512, 1024) faster — measured at m = 128, n = 512 on one thread (Zen 4, AVX-512).
/// This is the input-gradient product `δ·Wᵀ` of a dense layer with 512 or 1024 units.
///
/// May be called from anywhere, including from inside the caller's own rayon tasks
/// (nested parallelism): the padded buffer is taken out of its thread-local slot for the
/// duration of the product.
///
/// # Panics
/// When a slice is shorter than its dimensions require (the products `m·k`, `k·n`, `m·n`
/// are computed with overflow checks, so no choice of dimensions reaches memory outside
/// the slices).
#[allow(clippy::too_many_arguments)]
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    ta: Transpose,
    b: &[f32],
    tb: Transpose,
    c: &mut [f32],
    beta: f32,
) {
    let fits =
        |len: usize, rows: usize, cols: usize| rows.checked_mul(cols).is_some_and(|n| n <= len);
    assert!(
        fits(a.len(), m, k),
        "gemm: lhs has {} values, needs {m}×{k}",
        a.len()
    );
    assert!(
        fits(b.len(), k, n),
        "gemm: rhs has {} values, needs {k}×{n}",
        b.len()
    );
    assert!(
        fits(c.len(), m, n),
        "gemm: out has {} values, needs {m}×{n}",
        c.len()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if beta == 0.0 {
            c[..m * n].fill(0.0);
        }
        return;
    }
    // (row stride, column stride) of op(x) as stored.
    let (a_rs, a_cs) = match ta {
        Transpose::No => (k as isize, 1),
        Transpose::Yes => (1, m as isize),
    };
    if tb == Transpose::Yes && k.is_multiple_of(CONFLICT_ROW_LEN) && n >= PAD_MIN_ROWS {
        let ld = k + ROW_PAD;
        // Taken out of the slot, not borrowed: the product below may run other rayon tasks
        // on this thread while it waits, and one of them may multiply too.
        let mut padded = PADDED_RHS.take();
        if padded.len() < n * ld {
            padded.resize(n * ld, 0.0);
        }
        for (dst, src) in padded.chunks_exact_mut(ld).zip(b.chunks_exact(k)).take(n) {
            dst[..k].copy_from_slice(src);
        }
        // SAFETY: `padded` holds n rows of `ld ≥ k` values, so (k−1)·1 + (n−1)·ld is
        // inside it; `a` and `c` are covered by the asserts above.
        unsafe { raw_gemm(m, k, n, a, a_rs, a_cs, &padded, 1, ld as isize, c, beta) }
        // Keep the larger buffer when a nested product put one back meanwhile.
        PADDED_RHS.with_borrow_mut(|slot| {
            if slot.len() < padded.len() {
                *slot = padded;
            }
        });
        return;
    }
    let (b_rs, b_cs) = match tb {
        Transpose::No => (n as isize, 1),
        Transpose::Yes => (1, k as isize),
    };
    // SAFETY: the asserts above guarantee that every index the strides reach,
    // (m−1)·rs + (k−1)·cs for a (and likewise for b, c), is inside its slice.
    unsafe { raw_gemm(m, k, n, a, a_rs, a_cs, b, b_rs, b_cs, c, beta) }
}

/// `c = op(a)·op(b) + beta·c` for row-major `c` (`m × n`) with `op(a)` and `op(b)` given
/// by (row stride, column stride) pairs.
///
/// # Safety
/// Every index `(m−1)·a_rs + (k−1)·a_cs` of `a` (and likewise `(k−1)·b_rs + (n−1)·b_cs`
/// of `b`) must be inside its slice, `c` must hold `m·n` values and `m, k, n > 0`.
#[allow(clippy::too_many_arguments)]
unsafe fn raw_gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    a_rs: isize,
    a_cs: isize,
    b: &[f32],
    b_rs: isize,
    b_cs: isize,
    c: &mut [f32],
    beta: f32,
) {
    // SAFETY: in bounds by this function's contract; `c` is a unique borrow, so it aliases
    // neither input.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            beta != 0.0,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            beta,
            1.0,
            false,
            false,
            false,
            if SINGLE_THREADED.get() {
                gemm::Parallelism::None
            } else {
                gemm::Parallelism::Rayon(0)
            },
        );
    }
}

/// `out = a·b` for `a: m × k`, `b: k × n` (both viewed as rows × row length); `out` is
/// resized to `m × n`.
///
/// # Panics
/// When `a.row_len() != b.rows()`.
pub fn matmul(a: &Tensor, b: &Tensor, out: &mut Tensor) {
    let (m, k, n) = (a.rows(), a.row_len(), b.row_len());
    assert_eq!(
        k,
        b.rows(),
        "matmul: a is {m}×{k} but b has {} rows",
        b.rows()
    );
    resize_2d(out, m, n);
    gemm(
        m,
        k,
        n,
        a.data(),
        Transpose::No,
        b.data(),
        Transpose::No,
        out.data_mut(),
        0.0,
    );
}

/// `out = aᵀ·b` for `a: k × m`, `b: k × n`; `out` is resized to `m × n`. This is the
/// weight-gradient product `xᵀ·δ` of a dense layer.
///
/// # Panics
/// When `a.rows() != b.rows()`.
pub fn matmul_tn(a: &Tensor, b: &Tensor, out: &mut Tensor) {
    let (k, m, n) = (a.rows(), a.row_len(), b.row_len());
    assert_eq!(
        k,
        b.rows(),
        "matmul_tn: a has {k} rows but b has {}",
        b.rows()
    );
    resize_2d(out, m, n);
    gemm(
        m,
        k,
        n,
        a.data(),
        Transpose::Yes,
        b.data(),
        Transpose::No,
        out.data_mut(),
        0.0,
    );
}

/// `out = a·bᵀ` for `a: m × k`, `b: n × k`; `out` is resized to `m × n`. This is the
/// input-gradient product `δ·Wᵀ` of a dense layer.
///
/// # Panics
/// When `a.row_len() != b.row_len()`.
pub fn matmul_nt(a: &Tensor, b: &Tensor, out: &mut Tensor) {
    let (m, k, n) = (a.rows(), a.row_len(), b.rows());
    assert_eq!(
        k,
        b.row_len(),
        "matmul_nt: a is {m}×{k} but b is {n}×{}",
        b.row_len()
    );
    resize_2d(out, m, n);
    gemm(
        m,
        k,
        n,
        a.data(),
        Transpose::No,
        b.data(),
        Transpose::Yes,
        out.data_mut(),
        0.0,
    );
}

fn resize_2d(out: &mut Tensor, m: usize, n: usize) {
    if out.dims() != [m, n] {
        out.resize(crate::Shape::new(&[m, n]).expect("rank 2"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;

    fn naive(m: usize, k: usize, n: usize, a: &[f32], b: &[f32]) -> Vec<f64> {
        let mut c = vec![0.0f64; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    c[i * n + j] += a[i * k + p] as f64 * b[p * n + j] as f64;
                }
            }
        }
        c
    }

    fn transpose(x: &[f32], rows: usize, cols: usize) -> Vec<f32> {
        let mut t = vec![0.0; x.len()];
        for r in 0..rows {
            for c in 0..cols {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        t
    }

    fn random(rng: &mut Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| rng.normal() as f32).collect()
    }

    #[test]
    fn all_three_forms_match_naive_product() {
        let mut rng = Rng::new(0);
        for &(m, k, n) in &[
            (1, 1, 1),
            (3, 5, 2),
            (17, 33, 9),
            (64, 128, 70),
            (130, 7, 257),
        ] {
            let a = random(&mut rng, m * k);
            let b = random(&mut rng, k * n);
            let want = naive(m, k, n, &a, &b);
            let check = |got: &[f32], label: &str| {
                for (g, w) in got.iter().zip(&want) {
                    assert!(
                        (*g as f64 - w).abs() < 1e-4 * (1.0 + w.abs()),
                        "{label} {m}x{k}x{n}"
                    );
                }
            };
            let ta = Tensor::from_vec(a.clone(), &[m, k]).unwrap();
            let tb = Tensor::from_vec(b.clone(), &[k, n]).unwrap();
            let mut out = Tensor::zeros(&[1]);
            matmul(&ta, &tb, &mut out);
            assert_eq!(out.dims(), &[m, n]);
            check(out.data(), "nn");
            let at = Tensor::from_vec(transpose(&a, m, k), &[k, m]).unwrap();
            matmul_tn(&at, &tb, &mut out);
            check(out.data(), "tn");
            let bt = Tensor::from_vec(transpose(&b, k, n), &[n, k]).unwrap();
            matmul_nt(&ta, &bt, &mut out);
            check(out.data(), "nt");
        }
    }

    #[test]
    fn padded_transposed_rhs_matches_naive_product() {
        // k a multiple of 256 and n ≥ 64: `b` goes through the padded copy, twice in a row
        // (the second time with a smaller n reusing the buffer), and with beta = 1.
        let mut rng = Rng::new(1);
        for &(m, k, n) in &[(5, 512, 70), (3, 256, 64)] {
            let a = random(&mut rng, m * k);
            let b = random(&mut rng, k * n);
            let want = naive(m, k, n, &a, &b);
            let bt = transpose(&b, k, n);
            let mut c = vec![1.0f32; m * n];
            gemm(m, k, n, &a, Transpose::No, &bt, Transpose::Yes, &mut c, 1.0);
            for (g, w) in c.iter().zip(&want) {
                assert!((*g as f64 - (w + 1.0)).abs() < 1e-3 * (1.0 + w.abs()));
            }
        }
    }

    #[test]
    fn side_by_side_runs_both_and_restores_threading() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (a, b) = pool.install(|| {
            side_by_side(
                || SINGLE_THREADED.get().then_some(1),
                || SINGLE_THREADED.get().then_some(2),
            )
        });
        assert_eq!((a, b), (Some(1), Some(2)));
        assert!(!pool.install(|| SINGLE_THREADED.get()));
        assert_eq!(side_by_side(|| 3, || 4), (3, 4));
    }

    #[test]
    fn nested_parallel_products_share_no_buffer() {
        // Padded products (k multiple of 256, n ≥ 64) of unequal sizes, large enough for
        // the GEMM crate to split them over the pool, from the caller's own rayon tasks on a
        // 4-thread pool: a thread that waits inside one product for a stolen piece steals
        // another task and multiplies again on the same thread. (With the buffer borrowed
        // across the product this panicked with "RefCell already borrowed" in every run.)
        let mut rng = Rng::new(2);
        let (k, n) = (256, 64);
        let b = random(&mut rng, k * n);
        let bt = transpose(&b, k, n);
        let sizes: Vec<usize> = (0..96).map(|i| 8 + (i * 37) % 120).collect();
        let inputs: Vec<Vec<f32>> = sizes.iter().map(|&m| random(&mut rng, m * k)).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let results: Vec<Vec<f32>> = pool.install(|| {
            let mut out = vec![Vec::new(); inputs.len()];
            rayon::scope(|s| {
                for (a, c) in inputs.iter().zip(out.iter_mut()) {
                    let bt = &bt;
                    s.spawn(move |_| {
                        let m = a.len() / k;
                        *c = vec![0.0f32; m * n];
                        gemm(m, k, n, a, Transpose::No, bt, Transpose::Yes, c, 0.0);
                    });
                }
            });
            out
        });
        for (a, c) in inputs.iter().zip(results) {
            let want = naive(a.len() / k, k, n, a, &b);
            for (g, w) in c.iter().zip(&want) {
                assert!((*g as f64 - w).abs() < 1e-3 * (1.0 + w.abs()));
            }
        }
    }

    #[test]
    #[should_panic(expected = "gemm: lhs has 0 values, needs 4294967296×4294967296")]
    fn overflowing_dimensions_are_caught() {
        // 2^32 · 2^32 wraps to 0 unchecked, which would pass an empty slice to the kernel.
        let mut c = [0.0f32; 1];
        gemm(
            1 << 32,
            1 << 32,
            1,
            &[],
            Transpose::No,
            &[],
            Transpose::No,
            &mut c,
            0.0,
        );
    }

    #[test]
    fn beta_one_accumulates() {
        let a = [1.0, 2.0];
        let b = [3.0, 4.0];
        let mut c = [10.0f32];
        gemm(1, 2, 1, &a, Transpose::No, &b, Transpose::No, &mut c, 1.0);
        assert_eq!(c, [21.0]);
        gemm(1, 0, 1, &a, Transpose::No, &b, Transpose::No, &mut c, 0.0);
        assert_eq!(c, [0.0]);
    }
}
