//! The math kernels: GEMM, row-wise and column-wise reductions, softmax, moments.
//!
//! Kernels work on [`Tensor`](crate::Tensor)s or on plain row-major slices with an explicit
//! row length, write into caller-provided outputs and never allocate (GEMM's packing scratch
//! is the GEMM crate's own). Shape agreement between arguments is the caller's contract and
//! is checked with assertions: user-facing shape errors are reported earlier, when a model
//! is built.

mod gemm;
mod reduce;

pub use gemm::{Transpose, gemm, matmul, matmul_nt, matmul_tn};
pub use reduce::{
    add_row_vector, argmax, axpy, column_moments, dot, log_softmax_row, logsumexp, softmax_row,
    sum_columns_into, sum_squares,
};
