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
}
