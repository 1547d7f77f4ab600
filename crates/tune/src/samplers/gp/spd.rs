//! The Cholesky factor and the inverse of a symmetric positive definite matrix in reused
//! buffers (faer's in-place routines): the MAP fit factorises a covariance at every
//! evaluation, so nothing is allocated once the buffers have grown.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::llt::{factor, inverse};
use faer::{Mat, Par};

/// Buffers for `C = LLᵀ` and `C⁻¹` of one size `n`.
pub(crate) struct SpdInverse {
    l: Mat<f64>,
    inv: Mat<f64>,
    mem: MemBuffer,
}

impl Default for SpdInverse {
    fn default() -> Self {
        SpdInverse {
            l: Mat::new(),
            inv: Mat::new(),
            mem: MemBuffer::new(StackReq::EMPTY),
        }
    }
}

impl std::fmt::Debug for SpdInverse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpdInverse")
            .field("n", &self.l.nrows())
            .finish_non_exhaustive()
    }
}

impl SpdInverse {
    /// Makes the buffers `n × n`. The matrix to factorise is then filled column by column
    /// through [`SpdInverse::column_mut`].
    pub(crate) fn prepare(&mut self, n: usize) {
        if self.l.nrows() != n {
            self.l = Mat::zeros(n, n);
            self.inv = Mat::zeros(n, n);
            let req = factor::cholesky_in_place_scratch::<f64>(n, Par::Seq, Default::default())
                .or(inverse::inverse_scratch::<f64>(n, Par::Seq));
            self.mem = MemBuffer::new(req);
        }
    }

    /// Column `k` of the matrix to factorise (length `n`): [`SpdInverse::factor`] reads rows
    /// `k..n` of it (the lower triangle); the other rows are unspecified.
    pub(crate) fn column_mut(&mut self, k: usize) -> &mut [f64] {
        self.l.col_as_slice_mut(k)
    }

    /// Factorises the lower triangle written through [`SpdInverse::column_mut`] in place.
    /// Returns `Σᵢ ln Lᵢᵢ = ½ ln det C`, or `None` when an entry is not finite or `C` is not
    /// (numerically) positive definite.
    pub(crate) fn factor(&mut self) -> Option<f64> {
        let n = self.l.nrows();
        if n == 0 {
            return Some(0.0);
        }
        for k in 0..n {
            if self
                .l
                .col(k)
                .subrows(k, n - k)
                .iter()
                .any(|v| !v.is_finite())
            {
                return None;
            }
        }
        factor::cholesky_in_place(
            self.l.as_mut(),
            Default::default(),
            Par::Seq,
            MemStack::new(&mut self.mem),
            Default::default(),
        )
        .ok()?;
        let half_logdet: f64 = (0..n).map(|i| self.l[(i, i)].ln()).sum();
        half_logdet.is_finite().then_some(half_logdet)
    }

    /// Forms the lower triangle of `C⁻¹ = L⁻ᵀL⁻¹` after a successful [`SpdInverse::factor`].
    pub(crate) fn invert(&mut self) {
        if self.l.nrows() == 0 {
            return;
        }
        inverse::inverse(
            self.inv.as_mut(),
            self.l.as_ref(),
            Par::Seq,
            MemStack::new(&mut self.mem),
        );
    }

    /// The Cholesky factor `L` after a successful [`SpdInverse::factor`], with zeros above
    /// the diagonal.
    pub(crate) fn factor_lower(&self) -> Mat<f64> {
        let n = self.l.nrows();
        Mat::from_fn(n, n, |i, k| if i >= k { self.l[(i, k)] } else { 0.0 })
    }

    /// Column `k` of `C⁻¹` after [`SpdInverse::invert`]: rows `k..n` (the lower
    /// triangle) are set, the others unspecified.
    pub(crate) fn inverse_column(&self, k: usize) -> &[f64] {
        self.inv.col_as_slice(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_and_log_determinant_of_a_small_matrix() {
        // C = [[4, 2], [2, 3]]: det 8, C⁻¹ = [[3, −2], [−2, 4]] / 8.
        let mut s = SpdInverse::default();
        s.prepare(2);
        s.column_mut(0).copy_from_slice(&[4.0, 2.0]);
        s.column_mut(1).copy_from_slice(&[f64::NAN, 3.0]); // the upper triangle is not read
        let h = s.factor().unwrap();
        assert!((h - 0.5 * 8f64.ln()).abs() < 1e-15);
        s.invert();
        let lower = [s.inverse_column(0), &s.inverse_column(1)[1..]].concat();
        for (got, want) in lower.iter().zip([3.0, -2.0, 4.0]) {
            assert!((got - want / 8.0).abs() < 1e-15, "{lower:?}");
        }
        let l = s.factor_lower();
        assert_eq!((l[(0, 0)], l[(0, 1)]), (2.0, 0.0));
    }

    #[test]
    fn refuses_indefinite_and_non_finite_matrices() {
        let mut s = SpdInverse::default();
        s.prepare(2);
        s.column_mut(0).copy_from_slice(&[1.0, 2.0]);
        s.column_mut(1).copy_from_slice(&[0.0, 1.0]);
        assert!(s.factor().is_none());
        s.column_mut(0).copy_from_slice(&[1.0, f64::NAN]);
        s.column_mut(1).copy_from_slice(&[0.0, 1.0]);
        assert!(s.factor().is_none());
        // The empty matrix: ln det = 0, nothing to invert.
        let mut e = SpdInverse::default();
        e.prepare(0);
        assert_eq!(e.factor(), Some(0.0));
        e.invert();
    }
}
