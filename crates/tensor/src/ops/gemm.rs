//! General matrix multiplication over the `gemm` crate (AVX-512 kernels through its
//! `x86-v4` feature, chosen at run time by CPU detection).

use crate::Tensor;

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
/// # Panics
/// When a slice is shorter than its dimensions require.
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
    assert!(
        a.len() >= m * k,
        "gemm: lhs has {} values, needs {m}×{k}",
        a.len()
    );
    assert!(
        b.len() >= k * n,
        "gemm: rhs has {} values, needs {k}×{n}",
        b.len()
    );
    assert!(
        c.len() >= m * n,
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
    let (b_rs, b_cs) = match tb {
        Transpose::No => (n as isize, 1),
        Transpose::Yes => (1, k as isize),
    };
    // SAFETY: the asserts above guarantee that every index the strides reach,
    // (m−1)·rs + (k−1)·cs for a (and likewise for b, c), is inside its slice; `c` is a
    // unique borrow, so it aliases neither input.
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
            gemm::Parallelism::Rayon(0),
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
