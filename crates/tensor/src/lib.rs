//! Tensors and math kernels for gradus.
//!
//! This crate is the only place in gradus that does arithmetic on whole arrays. It knows
//! nothing about layers, losses or training; it offers:
//!
//! - [`Tensor`]: a row-major `f32` array with a [`Shape`] of rank 1 to 4. A tensor owns its
//!   buffer; [`Tensor::resize`] reuses the allocation, so layers keep one buffer per output and
//!   a training step allocates nothing once the largest batch has been seen.
//! - [`ops`]: the three GEMM forms (`A·B`, `Aᵀ·B`, `A·Bᵀ`) over the [`gemm`] crate with its
//!   AVX-512 kernels, bias addition, element-wise [`Activation`]s with their derivatives,
//!   row reductions, a numerically stable softmax / log-softmax, and NHWC image kernels:
//!   convolution by im2col + GEMM with fused bias and activation, max / average / global
//!   pooling, all placed by a checked [`ops::Window2d`].
//! - [`BatchSource`]: the seam between data and training — batch `i` of pass `e`, filled
//!   into given tensors, keyed by a [`BatchKey`] for its random draws.
//! - [`Rng`]: a small seeded generator (xoshiro256++) with uniform, normal, truncated normal,
//!   Bernoulli and shuffle draws. Every random draw in gradus comes from an explicit `Rng`;
//!   [`Rng::with_stream`] derives independent, reproducible streams from one seed.
//!
//! - [`names`]: Keras names as users type them (`"relu"`, `"adam"`), with errors that list
//!   the valid names nearest first.
//! - With the `ndarray` feature, `From` / `TryFrom` between [`Tensor`] and `ndarray` arrays
//!   (`ArrayD<f32>`, `Array1` … `Array4`, views).
//!
//! # Threads
//!
//! Kernels parallelise through the current rayon pool: a GEMM large enough to gain uses
//! `rayon::current_num_threads()` threads, element-wise work splits only for large buffers.
//! Run a training loop inside the pool (`ThreadPool::install`) so that dispatch does not pay a
//! thread wake-up per operation; run it inside a one-thread pool for single-threaded math.
//!
//! ```
//! use gradus_tensor::{ops, Tensor};
//! let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
//! let b = Tensor::from_vec(vec![5.0, 6.0, 7.0, 8.0], &[2, 2]).unwrap();
//! let mut c = Tensor::zeros(&[2, 2]);
//! ops::matmul(&a, &b, &mut c);
//! assert_eq!(c.data(), &[19.0, 22.0, 43.0, 50.0]);
//! ```
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod activation;
mod batch_source;
mod error;
pub mod names;
#[cfg(feature = "ndarray")]
mod ndarray_interop;
pub mod ops;
mod rng;
mod shape;
mod tensor;
mod tensor_source;

pub use activation::Activation;
pub use batch_source::{BatchKey, BatchSource, SourceError};
pub use error::Error;
pub use rng::Rng;
pub use shape::Shape;
pub use tensor::Tensor;
pub use tensor_source::TensorSource;
