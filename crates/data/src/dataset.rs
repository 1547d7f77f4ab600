//! [`Dataset`]: features and targets with their column names; [`FeatureMatrix`]: features
//! alone, for prediction.

use gradus_tensor::Tensor;

use crate::alloc::try_filled;
use crate::split::{split_indices, validate_rows};
use crate::{Error, Result};

/// A supervised data set: `x` (`n × d` features) and `y` (`n × k` targets, `k = 1` when loaded
/// from CSV), with the names of the columns they came from.
///
/// The fields are public so that a dataset can be taken apart (`let Dataset { x, y, .. } =
/// data;`); [`Dataset::new`] checks that rows and names agree, and the methods that split
/// a dataset re-check it.
///
/// ```
/// # fn main() -> Result<(), gradus_data::Error> {
/// use gradus_data::Dataset;
/// use gradus_tensor::Tensor;
/// let x = Tensor::from_rows(&[vec![1.0, 10.0], vec![2.0, 20.0], vec![3.0, 30.0]])?;
/// let y = Tensor::column(&[0.5, 1.5, 2.5]);
/// let data = Dataset::new(x, y, vec!["a".into(), "b".into()], "t".into())?;
/// assert_eq!((data.n_samples(), data.n_features()), (3, 2));
/// let picked = data.select(&[2, 0])?;
/// assert_eq!(picked.x.data(), &[3.0, 30.0, 1.0, 10.0]);
/// assert_eq!(picked.y.data(), &[2.5, 0.5]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Features, one row per sample.
    pub x: Tensor,
    /// Targets, one row per sample.
    pub y: Tensor,
    /// One name per column of `x`.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
}

impl Dataset {
    /// A dataset from its parts.
    ///
    /// # Errors
    /// [`Error::RowMismatch`] when `x` and `y` differ in rows; [`Error::NameCount`] when
    /// `feature_names` is not one name per column of `x`.
    pub fn new(
        x: Tensor,
        y: Tensor,
        feature_names: Vec<String>,
        target_name: String,
    ) -> Result<Dataset> {
        validate_rows(&x, &y)?;
        if feature_names.len() != x.row_len() {
            return Err(Error::NameCount {
                names: feature_names.len(),
                columns: x.row_len(),
            });
        }
        Ok(Dataset {
            x,
            y,
            feature_names,
            target_name,
        })
    }

    /// A dataset with generated names `x0, x1, …` and target `y`.
    ///
    /// # Errors
    /// [`Error::RowMismatch`] when `x` and `y` differ in rows; [`Error::TooLarge`] for more
    /// than 2³² names or names that do not fit in memory (an `x` of shape `[0, 2⁴⁰]` has no
    /// values but would need 2⁴⁰ names).
    pub fn unnamed(x: Tensor, y: Tensor) -> Result<Dataset> {
        validate_rows(&x, &y)?;
        let d = x.row_len();
        let mut names = try_filled(
            d,
            String::new(),
            || format!("Dataset::unnamed: a list of {d} feature names"),
            "give x one column per feature",
        )?;
        for (i, name) in names.iter_mut().enumerate() {
            *name = format!("x{i}");
        }
        Dataset::new(x, y, names, "y".to_owned())
    }

    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.x.rows()
    }

    /// Number of features (columns of `x`).
    pub fn n_features(&self) -> usize {
        self.x.row_len()
    }

    /// The samples at `indices`, in that order (a cross-validation fold, a bootstrap sample).
    ///
    /// # Errors
    /// [`Error::RowIndex`] for an index at or beyond [`Dataset::n_samples`] (indices from
    /// this crate's splitters run on this data never are); [`Error::RowMismatch`] when the
    /// public fields were changed so that `x` and `y` differ in rows.
    pub fn select(&self, indices: &[usize]) -> Result<Dataset> {
        validate_rows(&self.x, &self.y)?;
        let rows = self.n_samples();
        if let Some(&index) = indices.iter().find(|&&i| i >= rows) {
            return Err(Error::RowIndex { index, rows });
        }
        Ok(Dataset {
            x: self.x.select_rows(indices),
            y: self.y.select_rows(indices),
            feature_names: self.feature_names.clone(),
            target_name: self.target_name.clone(),
        })
    }

    /// Splits into `(train, test)` with a shuffled, seeded split as
    /// [`train_test_split`](crate::train_test_split) with `shuffle = true`: the test set has
    /// `ceil(test_size · n)` samples.
    ///
    /// ```
    /// # fn main() -> Result<(), gradus_data::Error> {
    /// let data = gradus_data::bundled::iris()?;
    /// let (train, test) = data.split(0.2, 42)?;
    /// assert_eq!((train.n_samples(), test.n_samples()), (120, 30));
    /// assert_eq!(test.feature_names, data.feature_names);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`train_test_split`](crate::train_test_split).
    pub fn split(&self, test_size: f64, seed: u64) -> Result<(Dataset, Dataset)> {
        validate_rows(&self.x, &self.y)?;
        let fold = split_indices(self.n_samples(), test_size, seed, true)?;
        Ok((self.select(&fold.train)?, self.select(&fold.test)?))
    }
}

/// Feature columns without targets, as loaded for prediction by
/// [`load_csv_features`](crate::load_csv_features).
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMatrix {
    /// Features, one row per sample.
    pub x: Tensor,
    /// One name per column of `x`.
    pub feature_names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_rows_and_names() {
        let x = Tensor::zeros(&[3, 2]);
        let e = Dataset::new(x.clone(), Tensor::zeros(&[2, 1]), vec![], "y".into()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x has 3 rows but y has 2; features and targets need one row per sample"
        );
        let e = Dataset::new(
            x.clone(),
            Tensor::zeros(&[3, 1]),
            vec!["a".into()],
            "y".into(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "1 feature names were given for 2 columns; give one name per column"
        );
        let d = Dataset::unnamed(x, Tensor::zeros(&[3, 1])).unwrap();
        assert_eq!(d.feature_names, ["x0", "x1"]);
        assert_eq!(d.target_name, "y");
        let wide = Tensor::zeros(&[0, 1 << 60]);
        let e = Dataset::unnamed(wide, Tensor::zeros(&[0, 1])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Dataset::unnamed: a list of 1152921504606846976 feature names is too large; give \
             x one column per feature"
        );
    }

    #[test]
    fn select_checks_its_indices() {
        let y = Tensor::column(&[10.0, 11.0, 12.0]);
        let d = Dataset::unnamed(Tensor::zeros(&[3, 2]), y).unwrap();
        assert_eq!(d.select(&[2, 2, 0]).unwrap().y.data(), &[12.0, 12.0, 10.0]);
        assert_eq!(d.select(&[]).unwrap().n_samples(), 0);
        let e = d.select(&[0, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row index 3 is out of range for 3 samples; pass indices below 3 (from \
             splitting this dataset, not another one)"
        );
        // Fields changed after construction are re-checked instead of panicking.
        let mut broken = d.clone();
        broken.y = Tensor::column(&[1.0]);
        assert!(matches!(
            broken.select(&[0]),
            Err(Error::RowMismatch { .. })
        ));
        assert!(broken.split(0.5, 1).is_err());
    }

    #[test]
    fn split_is_seeded_and_partitions_the_rows() {
        let x = Tensor::from_vec((0..20).map(|v| v as f32).collect(), &[10, 2]).unwrap();
        let y = Tensor::column(&(0..10).map(|v| v as f32).collect::<Vec<_>>());
        let d = Dataset::unnamed(x, y).unwrap();
        let (train, test) = d.split(0.25, 3).unwrap();
        assert_eq!((train.n_samples(), test.n_samples()), (7, 3));
        let mut seen: Vec<f32> = train
            .y
            .data()
            .iter()
            .chain(test.y.data())
            .copied()
            .collect();
        // Rows stay intact: column 0 of x is twice the target.
        for (i, &t) in train.y.data().iter().enumerate() {
            assert_eq!(train.x.row(i)[0], 2.0 * t);
        }
        seen.sort_by(f32::total_cmp);
        assert_eq!(seen, (0..10).map(|v| v as f32).collect::<Vec<_>>());
        assert_eq!(d.split(0.25, 3).unwrap(), (train.clone(), test));
        assert_ne!(d.split(0.25, 4).unwrap().0, train);
    }
}
