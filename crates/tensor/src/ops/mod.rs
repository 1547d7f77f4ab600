//! The math kernels: GEMM, row-wise and column-wise reductions, softmax, moments,
//! [`vectorized`] for element-wise loops that gain from wider vector instructions, image
//! warps ([`warp_affine`]) and image value transforms, and NHWC image kernels: convolution
//! by im2col + GEMM ([`conv2d`]), windowed and global pooling, placed by a [`Window2d`].
//!
//! Kernels work on [`Tensor`](crate::Tensor)s or on plain row-major slices with an explicit
//! row length, write into caller-provided outputs and never allocate (GEMM's packing scratch
//! is the GEMM crate's own, and the padded copy of a transposed operand lives in a
//! per-thread buffer that only grows). Shape agreement between arguments is the caller's contract and
//! is checked with assertions: user-facing shape errors are reported earlier, when a model
//! is built.

mod conv;
mod gemm;
mod global_pool;
mod image;
mod pool;
mod reduce;
mod simd;
mod warp;
mod window;

pub use conv::{Conv2dGeometry, Conv2dGrads, OutputGrad, col2im, conv2d, conv2d_backward, im2col};
pub use gemm::{Transpose, gemm, matmul, matmul_nt, matmul_tn, side_by_side};
pub use global_pool::{
    global_avg_pool, global_avg_pool_backward, global_max_pool, global_max_pool_backward,
};
pub use image::{
    channel_mean_std, mean_std, min_max, scale_clamped, scale_shift, scale_shift_channels,
    shift_clamped,
};
pub use pool::{avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward};
pub use reduce::{
    add_row_vector, all_finite, argmax, axpy, column_moments, dot, log_softmax_row, logsumexp,
    softmax_row, sum_columns_into, sum_squares,
};
pub use simd::{unaligned_prefix, vectorized};
pub use warp::{AffineWarp, FillMode, Interpolation, warp_affine};
pub use window::{Padding, Window2d};
