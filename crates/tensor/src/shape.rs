//! [`Shape`]: the dimensions of a tensor, rank 1 to 4, stored inline.

use std::fmt;

use crate::Error;

/// Dimensions of a row-major tensor (rank 1 to 4), stored inline so that copying a shape
/// never allocates.
///
/// The first dimension is the batch (rows); [`Shape::row_len`] is the product of the others,
/// so every tensor can be viewed as a `rows × row_len` matrix.
///
/// Invariant: the product of the dimensions, with zeros counted as ones, is at most
/// [`Shape::MAX_LEN`]. So [`Shape::len`], [`Shape::row_len`] and every index computed from
/// them fit in `usize` and in one Rust allocation, whatever the dimensions were.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    dims: [usize; 4],
    rank: u8,
}

impl Shape {
    /// The most elements a shape may describe: the largest `Vec<f32>` Rust can allocate
    /// (`isize::MAX` bytes). Allocating needs far less; see [`Tensor::MAX_ALLOC`](crate::Tensor::MAX_ALLOC).
    pub const MAX_LEN: usize = isize::MAX as usize / size_of::<f32>();

    /// The shape with the given dimensions.
    ///
    /// # Errors
    /// [`Error::Rank`] when `dims` is empty or has more than four entries;
    /// [`Error::TooLarge`] when the product of the dimensions (zeros counted as ones)
    /// exceeds [`Shape::MAX_LEN`].
    pub fn new(dims: &[usize]) -> Result<Shape, Error> {
        if dims.is_empty() || dims.len() > 4 {
            return Err(Error::Rank {
                shape: format!("{dims:?}"),
                rank: dims.len(),
            });
        }
        let span = dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d.max(1)));
        if span.is_none_or(|s| s > Shape::MAX_LEN) {
            return Err(Error::too_large(dims, Shape::MAX_LEN));
        }
        let mut d = [0; 4];
        d[..dims.len()].copy_from_slice(dims);
        Ok(Shape {
            dims: d,
            rank: dims.len() as u8,
        })
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        &self.dims[..self.rank as usize]
    }

    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.rank as usize
    }

    /// Number of elements (product of the dimensions).
    pub fn len(&self) -> usize {
        self.dims().iter().product()
    }

    /// True when some dimension is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first dimension: the number of rows (samples) of a batch.
    pub fn rows(&self) -> usize {
        self.dims[0]
    }

    /// The product of all dimensions but the first: the length of one row (sample).
    pub fn row_len(&self) -> usize {
        self.dims()[1..].iter().product()
    }

    /// The same shape with the first dimension replaced by `rows`.
    ///
    /// # Panics
    /// When `rows × row_len` exceeds [`Shape::MAX_LEN`] (no buffer could hold it); sizes
    /// from user input go through [`Shape::new`].
    pub fn with_rows(&self, rows: usize) -> Shape {
        let mut dims = *self;
        dims.dims[0] = rows;
        assert!(
            rows.checked_mul(self.row_len().max(1))
                .is_some_and(|n| n <= Shape::MAX_LEN),
            "Shape::with_rows: {rows} rows of {} values exceed Shape::MAX_LEN",
            self.row_len()
        );
        dims
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.dims())
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.dims())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_row_len() {
        let s = Shape::new(&[5, 2, 3]).unwrap();
        assert_eq!((s.rows(), s.row_len(), s.len(), s.rank()), (5, 6, 30, 3));
        assert_eq!(s.with_rows(2).dims(), &[2, 2, 3]);
        assert_eq!(format!("{s}"), "[5, 2, 3]");
    }

    #[test]
    fn rank_is_checked() {
        assert!(matches!(Shape::new(&[]), Err(Error::Rank { rank: 0, .. })));
        assert!(matches!(
            Shape::new(&[1, 1, 1, 1, 1]),
            Err(Error::Rank { rank: 5, .. })
        ));
    }

    #[test]
    fn overflowing_products_are_rejected() {
        // 2^32 · 2^32 wraps to 0 in unchecked arithmetic.
        let e = Shape::new(&[1 << 32, 1 << 32]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a tensor of shape [4294967296, 4294967296] would hold 18446744073709551616 \
             values, more than the limit of 2305843009213693951; use smaller dimensions \
             (fewer units, inputs or rows per batch)"
        );
        // A zero dimension does not hide a huge row length.
        assert!(Shape::new(&[0, 1 << 62]).is_err());
        assert!(Shape::new(&[usize::MAX, usize::MAX, 2, 2]).is_err());
        let s = Shape::new(&[0, 1 << 20]).unwrap();
        assert_eq!((s.len(), s.row_len()), (0, 1 << 20));
        assert_eq!(Shape::new(&[Shape::MAX_LEN]).unwrap().len(), Shape::MAX_LEN);
    }

    #[test]
    #[should_panic(expected = "exceed Shape::MAX_LEN")]
    fn with_rows_checks_the_product() {
        let _ = Shape::new(&[1, 1 << 40]).unwrap().with_rows(1 << 40);
    }
}
