//! [`StratifiedKFold`]: k folds that keep each class's share, with scikit-learn's fold
//! assignment.

use std::collections::HashMap;

use gradus_tensor::{Rng, Tensor};
use serde::{Deserialize, Serialize};

use crate::splitter::{check_k, folds_from_assignment};
use crate::{Error, Fold, Result, Splitter};

/// What to do when a class has fewer members than `n_splits` (so some test folds hold none
/// of it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallClasses {
    /// Return [`Error::Splitter`] naming the class and its count. The default: scikit-learn
    /// only warns here, and gradus has no warning channel, so it refuses rather than score
    /// folds that silently miss a class.
    #[default]
    Reject,
    /// Proceed and return exactly scikit-learn's folds (what it does after its warning).
    Allow,
}

/// Stratified k-fold cross-validation: each test fold gets (as near as possible) the same
/// share of every class.
///
/// The fold assignment is scikit-learn's `StratifiedKFold._make_test_folds`: classes are
/// numbered in order of first appearance; the per-fold count of each class comes from dealing
/// the class-sorted labels round-robin over the folds; then each class's rows, in data order,
/// are given to folds 0, 1, … in blocks of those counts. Without `shuffle` the folds are
/// identical to scikit-learn's. With `shuffle` each class's block sequence is permuted by a
/// seeded [`Rng`] (scikit-learn's algorithm with gradus's generator: the same seed gives the
/// same folds, but not numpy's).
///
/// Errors (not warnings) as documented on [`SmallClasses`]; when every class has fewer
/// members than `n_splits` it is an error in either mode, as in scikit-learn.
///
/// ```
/// use gradus_data::{Splitter, StratifiedKFold};
/// use gradus_tensor::Tensor;
/// // sklearn: [t.tolist() for _, t in StratifiedKFold(2).split(y, y)]
/// let y = Tensor::column(&[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
/// let folds = StratifiedKFold::new(2).split(8, Some(&y)).unwrap();
/// assert_eq!(folds[0].test, [0, 1, 4, 5]);
/// assert_eq!(folds[1].test, [2, 3, 6, 7]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StratifiedKFold {
    /// Number of folds, at least 2 (default 5).
    pub n_splits: usize,
    /// Permute each class's fold blocks (default `false`).
    pub shuffle: bool,
    /// Seed of the permutation; ignored without `shuffle`.
    pub seed: u64,
    /// Policy for classes smaller than `n_splits`.
    pub small_classes: SmallClasses,
}

impl Default for StratifiedKFold {
    /// `n_splits = 5`, no shuffling, seed 0, small classes rejected.
    fn default() -> StratifiedKFold {
        StratifiedKFold {
            n_splits: 5,
            shuffle: false,
            seed: 0,
            small_classes: SmallClasses::Reject,
        }
    }
}

impl StratifiedKFold {
    /// `n_splits` folds, unshuffled.
    pub fn new(n_splits: usize) -> StratifiedKFold {
        StratifiedKFold {
            n_splits,
            ..StratifiedKFold::default()
        }
    }

    /// The same folds with each class's blocks permuted by `seed`.
    pub fn shuffled(self, seed: u64) -> StratifiedKFold {
        StratifiedKFold {
            shuffle: true,
            seed,
            ..self
        }
    }

    /// The same splitter with another small-class policy.
    pub fn with_small_classes(self, small_classes: SmallClasses) -> StratifiedKFold {
        StratifiedKFold {
            small_classes,
            ..self
        }
    }

    /// `test_fold[i]`: the fold whose test set holds row `i`.
    fn test_folds(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<usize>> {
        check_k("StratifiedKFold", self.n_splits, n_samples)?;
        let (encoded, labels) = encode_classes(n_samples, y, "StratifiedKFold")?;
        let k = self.n_splits;
        let mut counts = vec![0usize; labels.len()];
        for &c in &encoded {
            counts[c] += 1;
        }
        if counts.iter().all(|&c| c < k) {
            return Err(splitter_error(format!(
                "n_splits={k} cannot be greater than the number of members in each class \
                 (the largest class has {}); lower n_splits",
                counts.iter().max().copied().unwrap_or(0)
            )));
        }
        let smallest = counts.iter().enumerate().min_by_key(|&(_, c)| c);
        if let Some((small, &min)) = smallest.filter(|&(_, &min)| min < k)
            && self.small_classes == SmallClasses::Reject
        {
            // n_splits = 1 is no cross-validation, so a one-member class cannot be fixed there.
            let fix = if min >= 2 {
                format!("lower n_splits to {min}")
            } else {
                "merge or drop the class".to_owned()
            };
            return Err(splitter_error(format!(
                "class {} has only {min} members, fewer than n_splits={k}, so some test folds \
                 would hold none of it; {fix} or set small_classes = \"allow\" to accept \
                 scikit-learn's folds",
                labels[small]
            )));
        }
        // Positions p of the class-sorted labels dealt round-robin: fold i gets every p with
        // p % k == i. Class c occupies positions start..start + counts[c].
        let below = |x: usize, i: usize| x / k + usize::from(i < x % k);
        let mut rng = Rng::new(self.seed);
        let mut blocks: Vec<Vec<usize>> = Vec::with_capacity(counts.len());
        let mut start = 0;
        for &count in &counts {
            let mut folds = Vec::with_capacity(count);
            for i in 0..k {
                let n = below(start + count, i) - below(start, i);
                folds.extend(std::iter::repeat_n(i, n));
            }
            if self.shuffle {
                rng.shuffle(&mut folds);
            }
            blocks.push(folds);
            start += count;
        }
        let mut next = vec![0usize; counts.len()];
        Ok(encoded
            .iter()
            .map(|&c| {
                next[c] += 1;
                blocks[c][next[c] - 1]
            })
            .collect())
    }
}

impl Splitter for StratifiedKFold {
    fn split(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<Fold>> {
        let test_fold = self.test_folds(n_samples, y)?;
        Ok(folds_from_assignment(&test_fold, self.n_splits))
    }

    fn n_splits(&self) -> usize {
        self.n_splits
    }
}

fn splitter_error(message: String) -> Error {
    Error::Splitter {
        splitter: "StratifiedKFold",
        message,
    }
}

/// Class ids in order of first appearance, and the label of each id; `who` names the
/// caller in errors.
pub(crate) fn encode_classes(
    n_samples: usize,
    y: Option<&Tensor>,
    who: &'static str,
) -> Result<(Vec<usize>, Vec<f32>)> {
    let splitter_error = |message: String| Error::Splitter {
        splitter: who,
        message,
    };
    let y = y.ok_or_else(|| {
        splitter_error("needs the class labels y to stratify; pass Some(&y)".to_owned())
    })?;
    if y.rows() != n_samples {
        return Err(splitter_error(format!(
            "y has {} rows but n_samples is {n_samples}; pass one label per sample",
            y.rows()
        )));
    }
    if y.row_len() != 1 {
        return Err(Error::LabelShape {
            dims: y.dims().to_vec(),
        });
    }
    // Keyed by the bits of the (whole, finite) value, with -0 as 0: distinct labels stay
    // distinct however large (an integer cast would merge 1e19 and 2e19).
    let mut ids: HashMap<u32, usize> = HashMap::new();
    let mut labels = Vec::new();
    let mut encoded = Vec::with_capacity(n_samples);
    for (row, &v) in y.data().iter().enumerate() {
        if !v.is_finite() || v.fract() != 0.0 {
            return Err(Error::InvalidLabel {
                row,
                value: v,
                reason: format!(
                    "{who} needs integer class labels to stratify (this looks like a \
                     continuous target); use KFold or an unstratified split for regression"
                ),
            });
        }
        let id = *ids.entry((v + 0.0).to_bits()).or_insert_with(|| {
            labels.push(v);
            labels.len() - 1
        });
        encoded.push(id);
    }
    Ok((encoded, labels))
}
