//! The error type of gradus-tensor.

/// What went wrong when building or combining tensors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A buffer does not hold as many values as the shape asks for.
    #[error("a tensor of shape {shape} needs {expected} values, but {got} were given")]
    Length {
        /// The requested shape, e.g. `[2, 3]`.
        shape: String,
        /// Product of the dimensions.
        expected: usize,
        /// Length of the buffer.
        got: usize,
    },
    /// A shape has no dimensions or more than four.
    #[error("tensors have rank 1 to 4, but shape {shape} has rank {rank}")]
    Rank {
        /// The offending shape.
        shape: String,
        /// Its rank.
        rank: usize,
    },
    /// Rows of different lengths were given for one matrix.
    #[error("row {row} has {got} values but row 0 has {expected}; every row needs the same length")]
    Ragged {
        /// Index of the first row whose length differs.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of the offending row.
        got: usize,
    },
    /// A shape describes more values than a tensor may hold: the product overflows, or a
    /// new allocation would exceed [`Tensor::MAX_ALLOC`](crate::Tensor::MAX_ALLOC).
    #[error(
        "a tensor of shape {shape} would hold {elements} values, more than the limit of \
         {limit}; use smaller dimensions (fewer units, inputs or rows per batch)"
    )]
    TooLarge {
        /// The requested shape, e.g. `[1000000, 1000000]`.
        shape: String,
        /// The exact product of the dimensions (it may not fit in `usize`).
        elements: String,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// An argument outside what the function accepts.
    #[error("invalid {what} = {value}: {expected}")]
    Invalid {
        /// The argument, e.g. `batch_size`.
        what: &'static str,
        /// The value given, as text.
        value: String,
        /// What is accepted.
        expected: String,
    },
    /// The system could not provide the memory for a tensor within the limit.
    #[error(
        "out of memory: a tensor of shape {shape} needs {bytes} bytes; use smaller \
         dimensions or free memory"
    )]
    OutOfMemory {
        /// The requested shape.
        shape: String,
        /// Bytes requested.
        bytes: usize,
    },
}

impl Error {
    /// [`Error::TooLarge`] for `dims` against `limit`, with the exact product (as text,
    /// since it may overflow `usize`).
    pub(crate) fn too_large(dims: &[usize], limit: usize) -> Error {
        let exact = dims
            .iter()
            .try_fold(1u128, |acc, &d| acc.checked_mul(d as u128));
        let elements = match exact {
            Some(n) => n.to_string(),
            None => format!("{:.3e}", dims.iter().map(|&d| d as f64).product::<f64>()),
        };
        Error::TooLarge {
            shape: format!("{dims:?}"),
            elements,
            limit,
        }
    }
}
