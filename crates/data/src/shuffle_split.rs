//! [`ShuffleSplit`]: independent random train/test splits (scikit-learn's `ShuffleSplit`).

use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::split::split_sizes;
use crate::splitter::check_total;
use crate::{Error, Fold, Result, Splitter};

/// Repeated random hold-out splits with scikit-learn's semantics.
///
/// Each of the `n_splits` splits draws a fresh permutation of the rows from one generator
/// seeded with `seed`; its first `ceil(test_size · n)` entries are the test rows and the rest
/// the training rows, both in permutation order (as scikit-learn). Test sets of different
/// splits may overlap. Unlike the k-fold schemes, `n_splits = 1` is allowed (a single
/// hold-out split), as in scikit-learn.
///
/// ```
/// use gradus_data::{ShuffleSplit, Splitter};
/// let cv = ShuffleSplit { n_splits: 3, test_size: 0.25, seed: 1 };
/// let folds = cv.split(10, None).unwrap();
/// assert_eq!(folds.len(), 3);
/// assert!(folds.iter().all(|f| f.test.len() == 3 && f.train.len() == 7));
/// assert_eq!(folds, cv.split(10, None).unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShuffleSplit {
    /// Number of splits, at least 1 (default 10).
    pub n_splits: usize,
    /// Fraction of rows in each test set, in (0, 1) (default 0.1).
    pub test_size: f64,
    /// Seed of the permutations.
    pub seed: u64,
}

impl Default for ShuffleSplit {
    /// `n_splits = 10`, `test_size = 0.1`, seed 0.
    fn default() -> ShuffleSplit {
        ShuffleSplit {
            n_splits: 10,
            test_size: 0.1,
            seed: 0,
        }
    }
}

impl ShuffleSplit {
    /// `n_splits` splits with test fraction `test_size` and seed `seed`.
    pub fn new(n_splits: usize, test_size: f64, seed: u64) -> ShuffleSplit {
        ShuffleSplit {
            n_splits,
            test_size,
            seed,
        }
    }
}

impl Splitter for ShuffleSplit {
    fn split(&self, n_samples: usize, _y: Option<&Tensor>) -> Result<Vec<Fold>> {
        if self.n_splits == 0 {
            return Err(Error::Splitter {
                splitter: "ShuffleSplit",
                message: "n_splits must be at least 1; use 1 for a single hold-out split"
                    .to_owned(),
            });
        }
        let (_, n_test) = split_sizes(n_samples, self.test_size)?;
        check_total("ShuffleSplit", self.n_splits, n_samples)?;
        let mut rng = Rng::new(self.seed);
        Ok((0..self.n_splits)
            .map(|_| {
                let mut perm = rng.permutation(n_samples);
                let train = perm.split_off(n_test);
                Fold { train, test: perm }
            })
            .collect())
    }

    fn n_splits(&self) -> usize {
        self.n_splits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // from sklearn.model_selection import ShuffleSplit
    // [(len(a), len(b)) for a, b in ShuffleSplit().split(range(442))][0]  → (397, 45)
    #[test]
    fn default_sizes_match_scikit_learn() {
        let folds = ShuffleSplit::default().split(442, None).unwrap();
        assert_eq!(folds.len(), 10);
        for f in &folds {
            assert_eq!((f.train.len(), f.test.len()), (397, 45));
            let mut all: Vec<usize> = f.train.iter().chain(&f.test).copied().collect();
            all.sort_unstable();
            assert_eq!(all, (0..442).collect::<Vec<_>>());
        }
        // Each split draws a new permutation.
        assert_ne!(folds[0].test, folds[1].test);
    }

    #[test]
    fn seeds_and_errors() {
        let a = ShuffleSplit::new(2, 0.5, 1).split(6, None).unwrap();
        assert_ne!(a, ShuffleSplit::new(2, 0.5, 2).split(6, None).unwrap());
        assert_eq!(
            ShuffleSplit::new(0, 0.5, 1)
                .split(6, None)
                .unwrap_err()
                .to_string(),
            "ShuffleSplit: n_splits must be at least 1; use 1 for a single hold-out split"
        );
        // A huge n_splits is an error at once, not a loop that never ends.
        let e = ShuffleSplit::new(usize::MAX, 0.5, 1)
            .split(6, None)
            .unwrap_err();
        assert!(e.to_string().contains("lower n_splits"), "{e}");
        assert!(ShuffleSplit::new(1, 1.5, 1).split(6, None).is_err());
        let e = ShuffleSplit::new(1, 0.5, 1).split(1, None).unwrap_err();
        assert!(matches!(e, Error::EmptySide { side: "train", .. }), "{e}");
        let cfg: ShuffleSplit = toml::from_str("n_splits = 3").unwrap();
        assert_eq!(cfg, ShuffleSplit::new(3, 0.1, 0));
    }
}
