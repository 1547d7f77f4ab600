//! [`Splitter`]: the one trait every cross-validation scheme implements, and [`Fold`], the
//! pair of index sets it yields.

use gradus_tensor::Tensor;

use crate::{Error, Result};

/// One train/test partition of the rows `0..n_samples`, as row indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fold {
    /// Rows to fit on.
    pub train: Vec<usize>,
    /// Rows to score on.
    pub test: Vec<usize>,
}

/// A cross-validation scheme: turns a number of samples (and, for stratified schemes, the
/// targets) into a list of [`Fold`]s.
///
/// Implementations are plain, serde-configurable values ([`KFold`](crate::KFold),
/// [`StratifiedKFold`](crate::StratifiedKFold), [`ShuffleSplit`](crate::ShuffleSplit),
/// or the [`CrossValidation`](crate::CrossValidation) enum over them), so `cross_val_score`
/// and the search-with-CV types can take `&dyn Splitter`. Splitting is a pure function of
/// the configuration (including its seed) and the inputs.
///
/// ```
/// use gradus_data::{KFold, Splitter};
/// let cv: &dyn Splitter = &KFold::new(3);
/// let folds = cv.split(7, None).unwrap();
/// let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
/// assert_eq!(sizes, [3, 2, 2]);
/// assert_eq!(cv.n_splits(), 3);
/// ```
pub trait Splitter {
    /// The folds for `n_samples` rows. `y` (one label per row) is required by stratified
    /// splitters and ignored by the others.
    ///
    /// # Errors
    /// When the configuration does not fit the data (too few samples or classes for the
    /// number of splits, a missing or malformed `y`), or for more than 2¹⁶ folds or folds
    /// holding more than 2²⁸ row indices in all (`n_splits × n_samples`; leave-one-out over
    /// 20 000 samples).
    fn split(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<Fold>>;

    /// How many folds [`Splitter::split`] returns.
    fn n_splits(&self) -> usize;
}

impl<S: Splitter + ?Sized> Splitter for &S {
    fn split(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<Fold>> {
        (**self).split(n_samples, y)
    }

    fn n_splits(&self) -> usize {
        (**self).n_splits()
    }
}

impl<S: Splitter + ?Sized> Splitter for Box<S> {
    fn split(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<Fold>> {
        (**self).split(n_samples, y)
    }

    fn n_splits(&self) -> usize {
        (**self).n_splits()
    }
}

/// Most row indices a splitter returns over all its folds (2²⁸, 2 GiB): each fold lists
/// every sample once, so `n_splits × n_samples` indices are built at once.
pub(crate) const MAX_FOLD_INDICES: usize = 1 << 28;

/// Most folds a splitter returns (2¹⁶): each fold costs two allocations however few its
/// samples, so millions of folds of three samples would take seconds and gigabytes.
pub(crate) const MAX_SPLITS: usize = 1 << 16;

/// Checks `n_splits` against scikit-learn's rules for k-fold schemes: at least 2, and at most
/// one per sample; and the folds' size against [`MAX_FOLD_INDICES`].
pub(crate) fn check_k(splitter: &'static str, n_splits: usize, n_samples: usize) -> Result<()> {
    let error = |message| Err(Error::Splitter { splitter, message });
    if n_splits < 2 {
        return error(format!(
            "k-fold cross-validation needs at least one train/test split: \
             set n_splits to 2 or more (got {n_splits})"
        ));
    }
    if n_samples < 2 {
        return error(format!(
            "needs at least 2 samples, one to train on and one to test, got {n_samples}"
        ));
    }
    if n_splits > n_samples {
        return error(format!(
            "cannot have n_splits={n_splits} greater than the number of samples \
             ({n_samples}); use at most {n_samples} splits"
        ));
    }
    check_total(splitter, n_splits, n_samples)
}

/// Checks that there are at most [`MAX_SPLITS`] folds, holding at most [`MAX_FOLD_INDICES`]
/// row indices in all.
pub(crate) fn check_total(splitter: &'static str, n_splits: usize, n_samples: usize) -> Result<()> {
    if n_splits > MAX_SPLITS {
        return Err(Error::Splitter {
            splitter,
            message: format!("n_splits={n_splits} is more than {MAX_SPLITS} folds; lower n_splits"),
        });
    }
    if crate::alloc::product_within(n_splits, n_samples, MAX_FOLD_INDICES).is_none() {
        return Err(Error::Splitter {
            splitter,
            message: format!(
                "n_splits={n_splits} folds of {n_samples} samples would hold more than \
                 {MAX_FOLD_INDICES} row indices in all (2 GiB); lower n_splits"
            ),
        });
    }
    Ok(())
}

/// Folds from a test-fold assignment (`test_fold[i]` is the fold whose test set holds row
/// `i`): fold `k` tests the rows assigned to `k` and trains on the rest, both ascending, as
/// scikit-learn's boolean-mask splitters return them.
pub(crate) fn folds_from_assignment(test_fold: &[usize], n_splits: usize) -> Vec<Fold> {
    (0..n_splits)
        .map(|k| {
            let (test, train) = (0..test_fold.len()).partition(|&i| test_fold[i] == k);
            Fold { train, test }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_bounds() {
        assert!(check_k("KFold", 2, 2).is_ok());
        let e = check_k("KFold", 1, 10).unwrap_err().to_string();
        assert_eq!(
            e,
            "KFold: k-fold cross-validation needs at least one train/test split: \
             set n_splits to 2 or more (got 1)"
        );
        let e = check_k("KFold", 5, 4).unwrap_err().to_string();
        assert!(
            e.contains("n_splits=5 greater than the number of samples (4)"),
            "{e}"
        );
        let e = check_k("KFold", 2, 1).unwrap_err().to_string();
        assert_eq!(
            e,
            "KFold: needs at least 2 samples, one to train on and one to test, got 1"
        );
    }

    #[test]
    fn fold_indices_are_bounded() {
        // Leave-one-out over 16384 samples is 2^28 indices: the most allowed.
        assert!(check_k("KFold", 1 << 14, 1 << 14).is_ok());
        let e = check_k("KFold", 20_000, 20_000).unwrap_err().to_string();
        assert_eq!(
            e,
            "KFold: n_splits=20000 folds of 20000 samples would hold more than 268435456 \
             row indices in all (2 GiB); lower n_splits"
        );
        // Found by tests/hostile.rs: 30 million folds of 3 samples took 3 GB and seconds.
        let e = check_total("ShuffleSplit", 30_252_298, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ShuffleSplit: n_splits=30252298 is more than 65536 folds; lower n_splits"
        );
        assert!(check_total("ShuffleSplit", 1 << 16, 3).is_ok());
        assert!(check_total("ShuffleSplit", usize::MAX, 3).is_err());
        assert!(check_k("KFold", usize::MAX, usize::MAX).is_err());
    }

    #[test]
    fn assignment_to_folds() {
        let folds = folds_from_assignment(&[1, 0, 1, 2, 0], 3);
        assert_eq!(
            folds[0],
            Fold {
                train: vec![0, 2, 3],
                test: vec![1, 4]
            }
        );
        assert_eq!(folds[1].test, [0, 2]);
        assert_eq!(folds[2].train, [0, 1, 2, 4]);
    }

    #[test]
    fn references_and_boxes_are_splitters() {
        fn count(cv: impl Splitter) -> usize {
            cv.split(6, None).unwrap().len()
        }
        let boxed: Box<dyn Splitter> = Box::new(crate::KFold::new(3));
        assert_eq!(count(&boxed), 3);
        assert_eq!(count(boxed), 3);
        let dynamic: &dyn Splitter = &crate::ShuffleSplit::new(4, 0.5, 0);
        assert_eq!(count(dynamic), 4);
    }
}
