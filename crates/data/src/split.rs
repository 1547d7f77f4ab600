//! Hold-out splits: [`train_test_split`] with scikit-learn's sizes, and [`split_indices`] for
//! callers that only need the row indices.

use gradus_tensor::{Rng, Tensor};

use crate::alloc::try_range;
use crate::stratified_kfold::encode_classes;
use crate::{Error, Fold, Result, SplitOptions};

/// The four parts of a train/test split, named so they cannot be swapped by accident.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainTestSplit {
    /// Training features.
    pub x_train: Tensor,
    /// Test features.
    pub x_test: Tensor,
    /// Training targets.
    pub y_train: Tensor,
    /// Test targets.
    pub y_test: Tensor,
}

/// Splits `x` and `y` row-wise into a training and a test part, with scikit-learn's meaning:
/// the test part has `n_test = ceil(test_size · n)` rows and the training part the other
/// `n − n_test`.
///
/// With `shuffle` the rows are drawn by a seeded permutation (the same seed gives the same
/// split; the test rows are the permutation's first `n_test`, the training rows the rest, both
/// in permutation order, as scikit-learn). Without it the first `n − n_test` rows train and the
/// last `n_test` test, and `seed` is ignored.
///
/// With `stratify`, each class of `y` (integer labels, one column) gets
/// `floor(n_test · n_c / n)` test rows, and the rows left over go to the classes with the
/// largest remainders (ties: the class seen first), so both parts keep the classes'
/// proportions as scikit-learn's `StratifiedShuffleSplit` does; each class's rows are
/// drawn by the seeded permutation and both parts are then shuffled.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::{SplitOptions, train_test_split};
/// use gradus_tensor::Tensor;
/// let x = Tensor::from_vec((0..10).map(|v| v as f32).collect(), &[10, 1])?;
/// let y = x.clone();
/// // sklearn: train_test_split(X, y, test_size=0.25, shuffle=False) → 7 train, 3 test rows.
/// let s = train_test_split(&x, &y, SplitOptions::new().shuffle(false))?;
/// assert_eq!(s.x_train.data(), &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// assert_eq!(s.y_test.data(), &[7.0, 8.0, 9.0]);
/// let s = train_test_split(&x, &y, SplitOptions::new().seed(42))?;
/// assert_eq!((s.x_train.rows(), s.x_test.rows()), (7, 3));
/// assert_eq!(s.x_test, s.y_test);
/// // Stratified: 6 of class 0 and 4 of class 1 → the 5 test rows hold 3 and 2.
/// let labels = Tensor::column(&[0., 0., 0., 0., 0., 0., 1., 1., 1., 1.]);
/// let s = train_test_split(&x, &labels, SplitOptions::new().test_size(0.5).stratify(true))?;
/// assert_eq!(s.y_test.data().iter().filter(|&&c| c == 1.0).count(), 2);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::RowMismatch`] when `x` and `y` differ in rows; [`Error::TestSize`] for a
/// `test_size` outside (0, 1); [`Error::EmptySide`] when a side would get no rows; with
/// `stratify`, [`Error::Splitter`] without `shuffle` or for a class with fewer than 2 rows,
/// and the label errors of [`StratifiedKFold`](crate::StratifiedKFold).
pub fn train_test_split(x: &Tensor, y: &Tensor, options: SplitOptions) -> Result<TrainTestSplit> {
    validate_rows(x, y)?;
    let fold = if options.stratify {
        stratified_indices(y, options)?
    } else {
        split_indices(x.rows(), options.test_size, options.seed, options.shuffle)?
    };
    Ok(TrainTestSplit {
        x_train: x.select_rows(&fold.train),
        x_test: x.select_rows(&fold.test),
        y_train: y.select_rows(&fold.train),
        y_test: y.select_rows(&fold.test),
    })
}

/// The rows of a stratified split of the labels `y` (see [`train_test_split`]).
fn stratified_indices(y: &Tensor, options: SplitOptions) -> Result<Fold> {
    let n = y.rows();
    let bad = |message: String| Error::Splitter {
        splitter: "train_test_split",
        message,
    };
    if !options.shuffle {
        return Err(bad(
            "stratify needs shuffle (as in scikit-learn); set shuffle to true".into(),
        ));
    }
    let (_, n_test) = split_sizes(n, options.test_size)?;
    let (classes, labels) = encode_classes(n, Some(y), "train_test_split")?;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
    for (row, &c) in classes.iter().enumerate() {
        members[c].push(row);
    }
    if let Some((c, _)) = members.iter().enumerate().find(|(_, m)| m.len() < 2) {
        return Err(bad(format!(
            "class {} has only {} row; stratifying needs at least 2 rows per class",
            labels[c],
            members[c].len()
        )));
    }
    // Largest remainders: floor shares first, then one more row for the largest fractions.
    let mut take: Vec<usize> = members.iter().map(|m| m.len() * n_test / n).collect();
    let mut by_remainder: Vec<usize> = (0..members.len()).collect();
    by_remainder.sort_by_key(|&c| std::cmp::Reverse((members[c].len() * n_test) % n));
    let mut left = n_test - take.iter().sum::<usize>();
    for c in by_remainder {
        if left == 0 {
            break;
        }
        take[c] += 1;
        left -= 1;
    }
    let mut rng = Rng::new(options.seed);
    let (mut train, mut test) = (Vec::with_capacity(n - n_test), Vec::with_capacity(n_test));
    for (rows, k) in members.iter_mut().zip(take) {
        rng.shuffle(rows);
        test.extend_from_slice(&rows[..k]);
        train.extend_from_slice(&rows[k..]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok(Fold { train, test })
}

/// The row indices of [`train_test_split`] for `n_samples` rows, as a [`Fold`].
///
/// ```
/// let fold = gradus_data::split_indices(5, 0.3, 0, false).unwrap();
/// assert_eq!(fold.train, [0, 1, 2]); // n_test = ceil(0.3 · 5) = 2
/// assert_eq!(fold.test, [3, 4]);
/// ```
///
/// # Errors
/// As [`train_test_split`], and [`Error::TooLarge`] for more than 2³² samples or when
/// their indices do not fit in memory.
pub fn split_indices(n_samples: usize, test_size: f64, seed: u64, shuffle: bool) -> Result<Fold> {
    let (n_train, n_test) = split_sizes(n_samples, test_size)?;
    let mut order = try_range(
        n_samples,
        || format!("split_indices: a permutation of {n_samples} rows"),
        "pass the number of rows of the data (at most 2^32)",
    )?;
    if shuffle {
        // The same draws as `Rng::permutation`.
        Rng::new(seed).shuffle(&mut order);
    } else {
        order.rotate_left(n_train);
    }
    let train = order.split_off(n_test);
    Ok(Fold { train, test: order })
}

/// `(n_train, n_test)` for a fraction `test_size` of `n_samples`, as scikit-learn's
/// `_validate_shuffle_split`: `n_test = ceil(test_size · n)`, `n_train = n − n_test`.
pub(crate) fn split_sizes(n_samples: usize, test_size: f64) -> Result<(usize, usize)> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::TestSize { test_size });
    }
    let n_test = (test_size * n_samples as f64).ceil() as usize;
    let n_train = n_samples - n_test.min(n_samples);
    let empty = |side| Error::EmptySide {
        n_samples,
        test_size,
        side,
    };
    if n_test == 0 {
        return Err(empty("test"));
    }
    if n_train == 0 {
        return Err(empty("train"));
    }
    Ok((n_train, n_test))
}

/// Checks that `x` and `y` have one row per sample each.
pub(crate) fn validate_rows(x: &Tensor, y: &Tensor) -> Result<()> {
    if x.rows() != y.rows() {
        return Err(Error::RowMismatch {
            x_rows: x.rows(),
            y_rows: y.rows(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // from math import ceil
    // from sklearn.model_selection._split import _validate_shuffle_split
    // for n, t in [(10, .25), (442, .2), (150, .33), (3, .5), (7, .01)]:
    //     print(n, t, _validate_shuffle_split(n, t, None))
    // → (7, 3) (353, 89) (100, 50) (1, 2) (6, 1)
    #[test]
    fn sizes_match_scikit_learn() {
        let cases = [
            (10, 0.25, (7, 3)),
            (442, 0.2, (353, 89)),
            (150, 0.33, (100, 50)),
            (3, 0.5, (1, 2)),
            (7, 0.01, (6, 1)),
        ];
        for (n, t, want) in cases {
            assert_eq!(split_sizes(n, t).unwrap(), want, "n={n} test_size={t}");
        }
    }

    #[test]
    fn bad_sizes_are_errors() {
        for t in [
            0.0,
            1.0,
            -0.1,
            1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let e = split_sizes(10, t).unwrap_err();
            assert!(matches!(e, Error::TestSize { .. }), "{t}: {e}");
        }
        assert_eq!(
            split_sizes(10, f64::NAN).unwrap_err().to_string(),
            "test_size must lie strictly between 0 and 1, got NaN; use e.g. 0.2 for a 20% test set"
        );
        assert_eq!(
            split_sizes(10, -f64::INFINITY).unwrap_err().to_string(),
            "test_size must lie strictly between 0 and 1, got -inf; use e.g. 0.2 for a 20% test set"
        );
        // Extreme counts and fractions: no overflow. (1 − 2⁻⁵³) · 2⁶⁴ = 2⁶⁴ − 2048 test rows.
        assert_eq!(
            split_sizes(usize::MAX, 1.0 - f64::EPSILON / 2.0).unwrap(),
            (2047, usize::MAX - 2047)
        );
        let e = split_sizes(3, 1.0 - f64::EPSILON / 2.0).unwrap_err();
        assert!(matches!(e, Error::EmptySide { side: "train", .. }), "{e}");
        let e = split_sizes(1, 0.5).unwrap_err().to_string();
        assert_eq!(
            e,
            "with 1 samples and test_size 0.5 the train set would be empty; \
             use more samples or another test_size"
        );
        assert!(matches!(
            split_sizes(0, 0.5),
            Err(Error::EmptySide { side: "test", .. })
        ));
    }

    #[test]
    fn absurd_sample_counts_are_errors_not_aborts() {
        let e = split_indices(usize::MAX, 0.5, 0, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "split_indices: a permutation of 18446744073709551615 rows is too large; pass the \
             number of rows of the data (at most 2^32)"
        );
        assert!(matches!(
            split_indices(1 << 61, 0.5, 0, false),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn shuffled_split_is_a_seeded_partition() {
        let a = split_indices(100, 0.2, 7, true).unwrap();
        assert_eq!((a.train.len(), a.test.len()), (80, 20));
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(a, split_indices(100, 0.2, 7, true).unwrap());
        assert_ne!(a.test, split_indices(100, 0.2, 8, true).unwrap().test);
        // Shuffled: the test rows are not simply the last 20.
        assert_ne!(a.test, (80..100).collect::<Vec<_>>());
    }

    #[test]
    fn row_mismatch_is_an_error() {
        let e = train_test_split(
            &Tensor::zeros(&[4, 2]),
            &Tensor::zeros(&[5, 1]),
            SplitOptions::new().test_size(0.5),
        )
        .unwrap_err();
        assert!(matches!(
            e,
            Error::RowMismatch {
                x_rows: 4,
                y_rows: 5
            }
        ));
    }

    // scikit-learn 1.9.1 (any random_state): from sklearn.model_selection import train_test_split
    // y = [0]*6 + [1]*3 + [2]*11; _, _, _, yt = train_test_split(y, y, test_size=0.3,
    //     stratify=y, random_state=0); print(sorted(yt))   → [0, 0, 1, 2, 2, 2]
    // (counts 2, 1, 3 of 6 test rows: floor shares 1, 0, 3 plus the two largest remainders)
    #[test]
    fn stratified_counts_match_scikit_learn_and_errors_name_the_fix() {
        let labels: Vec<f32> = [vec![0.0; 6], vec![1.0; 3], vec![2.0; 11]].concat();
        let y = Tensor::column(&labels);
        let x = Tensor::column(&(0..20).map(|v| v as f32).collect::<Vec<_>>());
        let options = SplitOptions::new().test_size(0.3).stratify(true);
        let s = train_test_split(&x, &y, options).unwrap();
        let count = |t: &Tensor, c: f32| t.data().iter().filter(|&&v| v == c).count();
        assert_eq!(
            [0.0, 1.0, 2.0].map(|c| count(&s.y_test, c)),
            [2, 1, 3],
            "test part"
        );
        assert_eq!([0.0, 1.0, 2.0].map(|c| count(&s.y_train, c)), [4, 2, 8]);
        // Same seed, same split; x rows follow their labels.
        assert_eq!(s, train_test_split(&x, &y, options).unwrap());
        for (xv, yv) in s.x_test.data().iter().zip(s.y_test.data()) {
            assert_eq!(labels[*xv as usize], *yv);
        }
        let e = train_test_split(&x, &y, options.shuffle(false)).unwrap_err();
        assert!(e.to_string().contains("stratify needs shuffle"), "{e}");
        let lonely = Tensor::column(&[0.0, 0.0, 0.0, 1.0]);
        let e = train_test_split(&Tensor::zeros(&[4, 1]), &lonely, options).unwrap_err();
        assert!(e.to_string().contains("class 1 has only 1 row"), "{e}");
        let continuous = Tensor::column(&[0.5, 1.5, 0.5, 1.5]);
        let e = train_test_split(&Tensor::zeros(&[4, 1]), &continuous, options).unwrap_err();
        assert!(e.to_string().contains("integer class labels"), "{e}");
    }
}
