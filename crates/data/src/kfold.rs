//! [`KFold`]: k consecutive folds, optionally over a seeded permutation (scikit-learn's
//! `KFold`).

use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::splitter::{check_k, folds_from_assignment};
use crate::{Fold, Result, Splitter};

/// K-fold cross-validation with scikit-learn's semantics.
///
/// The rows (in order, or permuted with `seed` when `shuffle`) are cut into `n_splits`
/// consecutive blocks; the first `n % n_splits` blocks get `n / n_splits + 1` rows, the others
/// `n / n_splits`. Fold `k` tests block `k` and trains on the rest; both index lists are
/// returned in ascending order, as scikit-learn returns them.
///
/// ```
/// use gradus_data::{KFold, Splitter};
/// // sklearn: [t.tolist() for _, t in KFold(3).split(range(8))]
/// let folds = KFold::new(3).split(8, None).unwrap();
/// assert_eq!(folds[0].test, [0, 1, 2]);
/// assert_eq!(folds[1].test, [3, 4, 5]);
/// assert_eq!(folds[2].test, [6, 7]);
/// assert_eq!(folds[2].train, [0, 1, 2, 3, 4, 5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KFold {
    /// Number of folds, at least 2 (default 5).
    pub n_splits: usize,
    /// Permute the rows before cutting them into blocks (default `false`).
    pub shuffle: bool,
    /// Seed of the permutation; ignored without `shuffle`.
    pub seed: u64,
}

impl Default for KFold {
    /// `n_splits = 5`, no shuffling, seed 0.
    fn default() -> KFold {
        KFold {
            n_splits: 5,
            shuffle: false,
            seed: 0,
        }
    }
}

impl KFold {
    /// `n_splits` folds over the rows in order.
    pub fn new(n_splits: usize) -> KFold {
        KFold {
            n_splits,
            ..KFold::default()
        }
    }

    /// The same folds over a permutation of the rows drawn with `seed`.
    pub fn shuffled(self, seed: u64) -> KFold {
        KFold {
            shuffle: true,
            seed,
            ..self
        }
    }

    /// The test-fold sizes for `n_samples` rows: `n / k + 1` for the first `n % k` folds,
    /// `n / k` for the others.
    ///
    /// ```
    /// use gradus_data::KFold;
    /// assert_eq!(KFold::new(4).fold_sizes(10).unwrap(), [3, 3, 2, 2]);
    /// assert!(KFold::new(4).fold_sizes(3).is_err()); // fewer samples than folds
    /// ```
    ///
    /// # Errors
    /// As [`Splitter::split`]: [`Error::Splitter`](crate::Error::Splitter) when `n_splits`
    /// is below 2, above `n_samples` or above 2¹⁶, or the folds would hold more than 2²⁸
    /// indices.
    pub fn fold_sizes(&self, n_samples: usize) -> Result<Vec<usize>> {
        check_k("KFold", self.n_splits, n_samples)?;
        let k = self.n_splits;
        Ok((0..k)
            .map(|i| n_samples / k + usize::from(i < n_samples % k))
            .collect())
    }
}

impl Splitter for KFold {
    fn split(&self, n_samples: usize, _y: Option<&Tensor>) -> Result<Vec<Fold>> {
        let sizes = self.fold_sizes(n_samples)?;
        let order: Vec<usize> = if self.shuffle {
            Rng::new(self.seed).permutation(n_samples)
        } else {
            (0..n_samples).collect()
        };
        let mut test_fold = vec![0; n_samples];
        let mut start = 0;
        for (k, size) in sizes.into_iter().enumerate() {
            for &row in &order[start..start + size] {
                test_fold[row] = k;
            }
            start += size;
        }
        Ok(folds_from_assignment(&test_fold, self.n_splits))
    }

    fn n_splits(&self) -> usize {
        self.n_splits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // from sklearn.model_selection import KFold
    // [len(t) for _, t in KFold(5).split(range(442))]   → [89, 89, 88, 88, 88]
    // [t.tolist() for _, t in KFold(4).split(range(10))]
    //   → [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    #[test]
    fn unshuffled_folds_match_scikit_learn() {
        let sizes: Vec<usize> = KFold::default()
            .split(442, None)
            .unwrap()
            .iter()
            .map(|f| f.test.len())
            .collect();
        assert_eq!(sizes, [89, 89, 88, 88, 88]);
        let tests: Vec<Vec<usize>> = KFold::new(4)
            .split(10, None)
            .unwrap()
            .into_iter()
            .map(|f| f.test)
            .collect();
        assert_eq!(
            tests,
            [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7], vec![8, 9]]
        );
    }

    #[test]
    fn shuffled_folds_partition_the_rows_and_are_seeded() {
        let cv = KFold::new(3).shuffled(11);
        let folds = cv.split(20, None).unwrap();
        let mut tested = [0; 20];
        for f in &folds {
            assert!(f.test.windows(2).all(|w| w[0] < w[1]), "ascending");
            assert_eq!(f.train.len() + f.test.len(), 20);
            assert!(f.train.iter().all(|i| !f.test.contains(i)));
            for &i in &f.test {
                tested[i] += 1;
            }
        }
        assert!(tested.iter().all(|&c| c == 1), "each row tested once");
        assert_eq!(
            folds.iter().map(|f| f.test.len()).collect::<Vec<_>>(),
            [7, 7, 6]
        );
        assert_eq!(folds, cv.split(20, None).unwrap());
        assert_ne!(folds, KFold::new(3).shuffled(12).split(20, None).unwrap());
        assert_ne!(folds[0].test, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn errors_and_config() {
        assert!(KFold::new(1).split(10, None).is_err());
        assert!(KFold::new(11).split(10, None).is_err());
        assert!(KFold::new(2).split(0, None).is_err());
        // Used to allocate usize::MAX fold sizes (and abort).
        let e = KFold::new(usize::MAX).fold_sizes(10).unwrap_err();
        assert!(
            e.to_string()
                .contains("greater than the number of samples (10)")
        );
        assert!(KFold::new(0).fold_sizes(10).is_err());
        let cv: KFold = serde_json::from_str(r#"{"n_splits": 3, "shuffle": true}"#).unwrap();
        assert_eq!(cv, KFold::new(3).shuffled(0));
        assert_eq!(cv.n_splits(), 3);
    }
}
