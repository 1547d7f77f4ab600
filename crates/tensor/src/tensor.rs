//! [`Tensor`]: an owned, row-major `f32` array.

use std::fmt;

use crate::{Error, Shape};

/// An owned, row-major `f32` array of rank 1 to 4.
///
/// gradus treats the first dimension as the batch: a tensor is also a `rows × row_len`
/// matrix ([`Tensor::rows`], [`Tensor::row_len`], [`Tensor::row`]). Layers keep their outputs
/// in tensors and call [`Tensor::resize`] when the batch size changes; the buffer is only
/// reallocated when it has to grow.
///
/// ```
/// use gradus_tensor::Tensor;
/// let t = Tensor::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]).unwrap();
/// assert_eq!(t.dims(), &[3, 2]);
/// assert_eq!(t.row(1), &[3.0, 4.0]);
/// ```
#[derive(Clone, PartialEq)]
pub struct Tensor {
    data: Vec<f32>,
    shape: Shape,
}

impl Tensor {
    /// The most values a tensor allocated from a size may hold: 2³² (16 GiB of `f32`).
    ///
    /// Sizes that come from user numbers (layer units, input shapes in a saved model,
    /// batch sizes) are checked against it, so that an absurd size is an error instead of
    /// an aborted process. Tensors made from existing buffers ([`Tensor::from_vec`]) are
    /// only bound by [`Shape::MAX_LEN`].
    pub const MAX_ALLOC: usize = 1 << 32;

    /// A tensor of zeros, for sizes that come from user input.
    ///
    /// # Errors
    /// [`Error::Rank`] for a rank outside 1..=4; [`Error::TooLarge`] above
    /// [`Tensor::MAX_ALLOC`] values; [`Error::OutOfMemory`] when the system refuses the
    /// memory.
    ///
    /// ```
    /// use gradus_tensor::{Error, Tensor};
    /// assert_eq!(Tensor::try_zeros(&[2, 3]).unwrap().len(), 6);
    /// let e = Tensor::try_zeros(&[1_000_000, 1_000_000]).unwrap_err();
    /// assert!(matches!(e, Error::TooLarge { .. }));
    /// ```
    pub fn try_zeros(dims: &[usize]) -> Result<Tensor, Error> {
        let shape = Tensor::check_alloc(dims)?;
        let len = shape.len();
        // Ask first, so that a refusal is an error; then allocate zeroed memory, which the
        // system hands out lazily (a large tensor costs nothing until it is written).
        Vec::<f32>::new()
            .try_reserve_exact(len)
            .map_err(|_| Error::OutOfMemory {
                shape: format!("{dims:?}"),
                bytes: len * size_of::<f32>(),
            })?;
        Ok(Tensor {
            data: vec![0.0; len],
            shape,
        })
    }

    /// The shape `dims` if a tensor of it may be allocated: a valid [`Shape`] of at most
    /// [`Tensor::MAX_ALLOC`] values. Allocates nothing.
    ///
    /// # Errors
    /// As [`Tensor::try_zeros`], except out of memory.
    pub fn check_alloc(dims: &[usize]) -> Result<Shape, Error> {
        let len = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        if (1..=4).contains(&dims.len()) && len.is_none_or(|n| n > Tensor::MAX_ALLOC) {
            return Err(Error::too_large(dims, Tensor::MAX_ALLOC));
        }
        Shape::new(dims)
    }

    /// A tensor of zeros, for sizes fixed by the program.
    ///
    /// # Panics
    /// When [`Tensor::try_zeros`] fails (rank 0 or above 4, more than
    /// [`Tensor::MAX_ALLOC`] values, out of memory); sizes from user input go through
    /// `try_zeros`.
    pub fn zeros(dims: &[usize]) -> Tensor {
        Tensor::try_zeros(dims).unwrap_or_else(|e| panic!("Tensor::zeros: {e}"))
    }

    /// A tensor filled with `value`.
    ///
    /// # Panics
    /// As [`Tensor::zeros`].
    pub fn full(dims: &[usize], value: f32) -> Tensor {
        let mut t = Tensor::zeros(dims);
        t.data.fill(value);
        t
    }

    /// A tensor that takes ownership of `data`, laid out row-major in `dims`.
    ///
    /// # Errors
    /// [`Error::Length`] when `data.len()` is not the product of `dims`; [`Error::Rank`] for
    /// a rank outside 1..=4.
    pub fn from_vec(data: Vec<f32>, dims: &[usize]) -> Result<Tensor, Error> {
        let shape = Shape::new(dims)?;
        if shape.len() != data.len() {
            return Err(Error::Length {
                shape: format!("{dims:?}"),
                expected: shape.len(),
                got: data.len(),
            });
        }
        Ok(Tensor { data, shape })
    }

    /// A `rows.len() × rows[0].len()` matrix from a slice of rows.
    ///
    /// # Errors
    /// [`Error::Ragged`] when the rows differ in length.
    pub fn from_rows(rows: &[Vec<f32>]) -> Result<Tensor, Error> {
        let cols = rows.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(rows.len() * cols);
        for (i, r) in rows.iter().enumerate() {
            if r.len() != cols {
                return Err(Error::Ragged {
                    row: i,
                    expected: cols,
                    got: r.len(),
                });
            }
            data.extend_from_slice(r);
        }
        Tensor::from_vec(data, &[rows.len(), cols])
    }

    /// A column vector (`n × 1`) from a slice, the usual shape of regression targets.
    pub fn column(values: &[f32]) -> Tensor {
        Tensor {
            data: values.to_vec(),
            shape: Shape::new(&[values.len(), 1]).expect("rank 2"),
        }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        self.shape.dims()
    }

    /// Number of rows (the first dimension).
    pub fn rows(&self) -> usize {
        self.shape.rows()
    }

    /// Number of values per row (product of all dimensions but the first).
    pub fn row_len(&self) -> usize {
        self.shape.row_len()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True for a tensor with no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The values, row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// The values, row-major, mutable.
    pub fn data_mut(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Consumes the tensor and returns its buffer.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Row `i` as a slice of [`Tensor::row_len`] values.
    ///
    /// # Panics
    /// When `i ≥ rows` (as slice indexing does).
    pub fn row(&self, i: usize) -> &[f32] {
        let range = self.row_range(i, i.saturating_add(1));
        &self.data[range]
    }

    /// Row `i`, mutable.
    ///
    /// # Panics
    /// When `i ≥ rows`.
    pub fn row_mut(&mut self, i: usize) -> &mut [f32] {
        let range = self.row_range(i, i.saturating_add(1));
        &mut self.data[range]
    }

    /// The buffer range of rows `start..end`; the bounds check comes before any product, so
    /// an absurd index cannot wrap around to a valid range.
    fn row_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        assert!(
            start <= end && end <= self.rows(),
            "rows {start}..{end} of a tensor with {} rows",
            self.rows()
        );
        let n = self.row_len();
        start * n..end * n
    }

    /// Changes the shape to `shape`, keeping the allocation when it is large enough.
    /// The values are unspecified afterwards (old values where they fit, zeros beyond).
    ///
    /// Callers bound `shape` first (layers are built with [`Tensor::try_zeros`] and `fit`
    /// checks its batch buffers against [`Tensor::MAX_ALLOC`]); growing past the memory the
    /// system has aborts, as any `Vec` does.
    pub fn resize(&mut self, shape: Shape) {
        if self.shape != shape {
            self.data.resize(shape.len(), 0.0);
            self.shape = shape;
        }
    }

    /// Changes the number of rows, keeping the other dimensions and the allocation when it
    /// is large enough.
    pub fn resize_rows(&mut self, rows: usize) {
        self.resize(self.shape.with_rows(rows));
    }

    /// Reinterprets the buffer with new dimensions of the same total size.
    ///
    /// # Errors
    /// [`Error::Length`] when the element counts differ.
    pub fn reshape(&mut self, dims: &[usize]) -> Result<(), Error> {
        let shape = Shape::new(dims)?;
        if shape.len() != self.data.len() {
            return Err(Error::Length {
                shape: format!("{dims:?}"),
                expected: shape.len(),
                got: self.data.len(),
            });
        }
        self.shape = shape;
        Ok(())
    }

    /// Copies rows `indices` of `self` into `out`, resizing `out` to `indices.len()` rows.
    /// Used to gather mini-batches without allocating.
    ///
    /// # Panics
    /// When an index is not below `rows`.
    pub fn gather_rows_into(&self, indices: &[usize], out: &mut Tensor) {
        let n = self.row_len();
        out.resize(self.shape.with_rows(indices.len()));
        for (dst, &i) in out.data.chunks_exact_mut(n.max(1)).zip(indices) {
            dst.copy_from_slice(&self.data[self.row_range(i, i.saturating_add(1))]);
        }
    }

    /// A new tensor holding rows `indices` of `self`, in that order.
    ///
    /// # Panics
    /// When an index is not below `rows`.
    pub fn select_rows(&self, indices: &[usize]) -> Tensor {
        let mut out = Tensor {
            data: Vec::new(),
            shape: self.shape.with_rows(0),
        };
        self.gather_rows_into(indices, &mut out);
        out
    }

    /// A new tensor holding rows `start..end` of `self`.
    ///
    /// # Panics
    /// Unless `start ≤ end ≤ rows`.
    pub fn slice_rows(&self, start: usize, end: usize) -> Tensor {
        Tensor {
            data: self.data[self.row_range(start, end)].to_vec(),
            shape: self.shape.with_rows(end - start),
        }
    }

    /// Copies `other`'s shape and values into `self`, reusing `self`'s allocation.
    pub fn assign(&mut self, other: &Tensor) {
        self.resize(other.shape);
        self.data.copy_from_slice(&other.data);
    }

    /// Index of the first element that is NaN or infinite, if any.
    pub fn first_non_finite(&self) -> Option<usize> {
        self.data.iter().position(|v| !v.is_finite())
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 8;
        write!(f, "Tensor{} [", self.shape)?;
        for (i, v) in self.data.iter().take(SHOWN).enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{v}")?;
        }
        if self.data.len() > SHOWN {
            write!(f, ", … {} more", self.data.len() - SHOWN)?;
        }
        write!(f, "]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vec_checks_length() {
        let e = Tensor::from_vec(vec![1.0; 5], &[2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a tensor of shape [2, 3] needs 6 values, but 5 were given"
        );
    }

    #[test]
    fn ragged_rows_are_rejected() {
        let e = Tensor::from_rows(&[vec![1.0, 2.0], vec![3.0]]).unwrap_err();
        assert_eq!(
            e,
            Error::Ragged {
                row: 1,
                expected: 2,
                got: 1
            }
        );
    }

    #[test]
    fn resize_keeps_capacity() {
        let mut t = Tensor::zeros(&[4, 3]);
        let p = t.data().as_ptr();
        t.resize_rows(2);
        t.resize_rows(4);
        assert_eq!(t.data().as_ptr(), p);
        assert_eq!(t.dims(), &[4, 3]);
    }

    #[test]
    fn absurd_sizes_are_errors_not_aborts() {
        assert!(matches!(
            Tensor::try_zeros(&[1 << 20, 1 << 20]),
            Err(Error::TooLarge { limit, .. }) if limit == Tensor::MAX_ALLOC
        ));
        // 2^32 · 2^32 wraps to 0 unchecked; it must not become an empty tensor.
        let e = Tensor::from_vec(vec![], &[1 << 32, 1 << 32]).unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
        assert!(Tensor::try_zeros(&[]).is_err());
        assert_eq!(Tensor::try_zeros(&[0, 7]).unwrap().dims(), &[0, 7]);
    }

    #[test]
    #[should_panic(
        expected = "rows 9223372036854775808..9223372036854775809 of a tensor with 3 rows"
    )]
    fn a_wrapping_row_index_panics_instead_of_aliasing_row_0() {
        let t = Tensor::zeros(&[3, 2]);
        // (2^63) · 2 wraps to 0 without the bounds check.
        let _ = t.row(1 << 63);
    }

    #[test]
    fn gather_and_slice_rows() {
        let t = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[3, 2]).unwrap();
        assert_eq!(t.select_rows(&[2, 0]).data(), &[4.0, 5.0, 0.0, 1.0]);
        assert_eq!(t.slice_rows(1, 3).data(), &[2.0, 3.0, 4.0, 5.0]);
        let mut r = t.clone();
        r.reshape(&[6]).unwrap();
        assert!(r.reshape(&[4]).is_err());
        assert_eq!(t.first_non_finite(), None);
    }
}
