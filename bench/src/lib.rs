//! Workloads shared by the `gradus-bench` binary and the criterion benches in `benches/`.
//!
//! Each module defines a workload once (shapes, data, model), so that the binary's JSON
//! numbers and the criterion numbers measure the same thing.
#![forbid(unsafe_code)]

pub mod cnn;
pub mod mlp;
