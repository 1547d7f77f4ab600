//! [`SplitOptions`]: how [`train_test_split`](crate::train_test_split) splits, as
//! scikit-learn's keyword arguments.

use serde::{Deserialize, Serialize};

/// scikit-learn's `train_test_split` keywords: `test_size` (default 0.25), `shuffle`
/// (default true) with its `seed` (scikit-learn's `random_state`), and `stratify` (keep each
/// class's share of the rows on both sides; needs integer class labels in `y`).
///
/// ```
/// use gradus_data::SplitOptions;
/// let o = SplitOptions::new().test_size(0.2).seed(42).stratify(true);
/// assert_eq!((o.test_size, o.seed, o.shuffle, o.stratify), (0.2, 42, true, true));
/// let from_spec: SplitOptions = serde_json::from_str(r#"{"test_size": 0.2, "seed": 42, "stratify": true}"#).unwrap();
/// assert_eq!(from_spec, o);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitOptions {
    /// Fraction of the rows in the test part, in (0, 1); `ceil(test_size · n)` rows.
    pub test_size: f64,
    /// Seed of the shuffle (ignored without `shuffle`).
    pub seed: u64,
    /// Shuffle before splitting; without it the last rows are the test part.
    pub shuffle: bool,
    /// Split each class in proportion (needs `shuffle`, as in scikit-learn).
    pub stratify: bool,
}

impl Default for SplitOptions {
    fn default() -> SplitOptions {
        SplitOptions {
            test_size: 0.25,
            seed: 0,
            shuffle: true,
            stratify: false,
        }
    }
}

impl SplitOptions {
    /// scikit-learn's defaults: a shuffled 75 / 25 split, seed 0.
    pub fn new() -> SplitOptions {
        SplitOptions::default()
    }

    /// Sets the test fraction.
    pub fn test_size(mut self, test_size: f64) -> SplitOptions {
        self.test_size = test_size;
        self
    }

    /// Sets the shuffle seed.
    pub fn seed(mut self, seed: u64) -> SplitOptions {
        self.seed = seed;
        self
    }

    /// Shuffles or not.
    pub fn shuffle(mut self, shuffle: bool) -> SplitOptions {
        self.shuffle = shuffle;
        self
    }

    /// Stratifies by the class labels in `y` or not.
    pub fn stratify(mut self, stratify: bool) -> SplitOptions {
        self.stratify = stratify;
        self
    }
}
