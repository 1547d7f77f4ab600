//! [`Shape`]: the dimensions of a tensor, rank 1 to 4, stored inline.

use std::fmt;

use crate::Error;

/// Dimensions of a row-major tensor (rank 1 to 4), stored inline so that copying a shape
/// never allocates.
///
/// The first dimension is the batch (rows); [`Shape::row_len`] is the product of the others,
/// so every tensor can be viewed as a `rows × row_len` matrix.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    dims: [usize; 4],
    rank: u8,
}

impl Shape {
    /// The shape with the given dimensions.
    ///
    /// # Errors
    /// [`Error::Rank`] when `dims` is empty or has more than four entries.
    pub fn new(dims: &[usize]) -> Result<Shape, Error> {
        if dims.is_empty() || dims.len() > 4 {
            return Err(Error::Rank {
                shape: format!("{dims:?}"),
                rank: dims.len(),
            });
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
    pub fn with_rows(&self, rows: usize) -> Shape {
        let mut s = *self;
        s.dims[0] = rows;
        s
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
}
