//! [`DataSpec`]: a spec's `[data]` — where the rows come from, which columns are the
//! target and the features, how they are scaled and how many rows are held out for testing.

use std::path::{Path, PathBuf};

use gradus_data::ImageDataGenerator;
use gradus_data::bundled::Bundled;
use gradus_data::{
    CsvOptions, Dataset, Features, MinMaxScaler, Scaler, SplitOptions, load_csv, one_hot, read_csv,
    train_test_split,
};
use gradus_nn::{LossConfig, Normalization};
use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use super::ImagesSpec;
use crate::{Error, Result};

/// How features are scaled. The statistics come from the training rows only and are kept
/// in the model as a first [`Normalization`] layer, so the saved model predicts from raw
/// features.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// Raw features.
    #[default]
    None,
    /// `(x − mean) / std` per column (scikit-learn's `StandardScaler`).
    Standard,
    /// `(x − min) / (max − min)` per column (scikit-learn's `MinMaxScaler`).
    MinMax,
}

/// Where the rows come from and how they are prepared (`[data]` in a spec).
///
/// Exactly one of `csv` (a path, relative to the spec file), `bundled` (a data set that
/// ships with gradus: `diabetes`, `iris`, `wine`, `breast_cancer`, `digits`) and `images`
/// (a folder of class sub-folders, see [`ImagesSpec`]; the CSV keys do not apply to it).
///
/// ```toml
/// [data]
/// csv = "data/houses.csv"
/// target = "price"
/// features = { except = ["id"] }
/// scaling = "standard"
/// test_size = 0.2
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    /// A CSV file with a header line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv: Option<PathBuf>,
    /// A bundled data set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundled: Option<Bundled>,
    /// A folder of images, one sub-folder per class (`[data.images]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<ImagesSpec>,
    /// Keras's `ImageDataGenerator` applied to the training images (`[data.augmentation]`;
    /// its standardization, such as `rescale`, also to validation and prediction images).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub augmentation: Option<ImageDataGenerator>,
    /// The target column (default: the bundled set's target, else `target`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The feature columns (default: all the others).
    pub features: Features,
    /// The CSV field separator, one character (default `,`).
    pub delimiter: char,
    /// How features are scaled (default none).
    pub scaling: Scaling,
    /// Fraction of rows held out as the test set, in `[0, 1)` (default 0.2; 0 keeps every
    /// row for training).
    pub test_size: f64,
    /// Keep the class proportions in both sides of the split (default: true when the loss
    /// is a classification loss).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stratify: Option<bool>,
    /// Seed of the test split's shuffle (default 0).
    pub seed: u64,
}

impl Default for DataSpec {
    fn default() -> DataSpec {
        DataSpec {
            csv: None,
            bundled: None,
            images: None,
            augmentation: None,
            target: None,
            features: Features::AllOthers,
            delimiter: ',',
            scaling: Scaling::None,
            test_size: 0.2,
            stratify: None,
            seed: 0,
        }
    }
}

/// Rows ready for training: the split, with targets in the form the loss needs.
#[derive(Clone, Debug)]
pub struct PreparedData {
    /// Training features, raw (`n_train × d`).
    pub x_train: Tensor,
    /// Training targets (`n_train × 1`, or one-hot `n_train × classes`).
    pub y_train: Tensor,
    /// Test features, raw (empty when `test_size` is 0).
    pub x_test: Tensor,
    /// Test targets.
    pub y_test: Tensor,
    /// The feature columns, in order.
    pub feature_names: Vec<String>,
    /// The target column.
    pub target_name: String,
}

impl DataSpec {
    /// The CSV options: target, features and delimiter.
    ///
    /// # Errors
    /// A delimiter that is not one ASCII character.
    pub fn csv_options(&self) -> Result<CsvOptions> {
        let target = match (&self.target, self.bundled) {
            (Some(t), _) => t.clone(),
            (None, Some(b)) => b.target().to_owned(),
            (None, None) => "target".to_owned(),
        };
        let delimiter = u8::try_from(self.delimiter)
            .ok()
            .filter(u8::is_ascii)
            .ok_or_else(|| {
                Error::Search(format!(
                    "data.delimiter `{}`: give one ASCII character such as \",\" or \";\"",
                    self.delimiter
                ))
            })?;
        let mut options = CsvOptions::new(target);
        options.features = self.features.clone();
        options.delimiter = delimiter;
        Ok(options)
    }

    /// The CSV file, resolved against `base` (the spec's folder), or the bundled set's.
    ///
    /// # Errors
    /// Neither or both of `csv` and `bundled`.
    pub fn csv_path(&self, base: &Path) -> Result<PathBuf> {
        match (&self.csv, self.bundled, &self.images) {
            (Some(p), None, None) => Ok(base.join(p)),
            (None, Some(b), None) => Ok(b.path()),
            _ => Err(Error::Search(
                "[data]: give exactly one of `csv = \"PATH\"` and `bundled = \"NAME\"` for \
                 tabular data"
                    .into(),
            )),
        }
    }

    /// Loads every row (a bundled set from memory, a CSV file from `base`).
    ///
    /// # Errors
    /// As [`DataSpec::csv_path`] and [`load_csv`].
    pub fn load(&self, base: &Path) -> Result<Dataset> {
        let options = self.csv_options()?;
        if let (None, Some(b)) = (&self.csv, self.bundled) {
            let source = format!("bundled data set `{b}`");
            return Ok(read_csv(b.csv_text().as_bytes(), source, &options)?);
        }
        Ok(load_csv(self.csv_path(base)?, &options)?)
    }

    /// Loads, splits and shapes the targets for `loss` (one-hot for categorical
    /// cross-entropy, with as many classes as the largest label + 1).
    ///
    /// # Errors
    /// As [`DataSpec::load`]; a `test_size` outside `[0, 1)`; labels that are not class ids
    /// for a categorical loss.
    pub fn prepare(&self, base: &Path, loss: &LossConfig) -> Result<PreparedData> {
        let data = self.load(base)?;
        let classification = is_classification(loss);
        if !(0.0..1.0).contains(&self.test_size) {
            return Err(Error::Search(format!(
                "data.test_size = {}: give a fraction in [0, 1)",
                self.test_size
            )));
        }
        let (x_train, y_train, x_test, y_test) = if self.test_size == 0.0 {
            let empty_x = Tensor::try_zeros(&[0, data.x.row_len()])?;
            let empty_y = Tensor::try_zeros(&[0, data.y.row_len()])?;
            (data.x, data.y, empty_x, empty_y)
        } else {
            let options = SplitOptions::new()
                .test_size(self.test_size)
                .seed(self.seed)
                .stratify(self.stratify.unwrap_or(classification));
            let s = train_test_split(&data.x, &data.y, options)?;
            (s.x_train, s.y_train, s.x_test, s.y_test)
        };
        let (y_train, y_test) = if matches!(loss, LossConfig::CategoricalCrossentropy { .. }) {
            let classes = y_train
                .data()
                .iter()
                .chain(y_test.data())
                .fold(0.0f32, |m, &v| m.max(v)) as usize
                + 1;
            (
                one_hot(&y_train, Some(classes))?,
                one_hot(&y_test, Some(classes))?,
            )
        } else {
            (y_train, y_test)
        };
        Ok(PreparedData {
            x_train,
            y_train,
            x_test,
            y_test,
            feature_names: data.feature_names,
            target_name: data.target_name,
        })
    }

    /// The first layer that applies [`DataSpec::scaling`] with statistics of `x_train`, if
    /// any scaling is asked for.
    ///
    /// # Errors
    /// Training rows the scaler cannot fit (none, or non-finite values).
    pub fn scaling_layer(&self, x_train: &Tensor) -> Result<Option<Normalization>> {
        Ok(match self.scaling {
            Scaling::None => None,
            Scaling::Standard => {
                let mut n = Normalization::new();
                n.adapt(x_train)?;
                Some(n)
            }
            Scaling::MinMax => {
                // (x − min) / (max − min) is Normalization with mean = min and
                // variance = (max − min)².
                let s = MinMaxScaler::fit(x_train)?;
                let (min, max) = (s.data_min(), s.data_max());
                let mean: Vec<f32> = min.iter().map(|&a| a as f32).collect();
                let var: Vec<f32> = min
                    .iter()
                    .zip(max)
                    .map(|(a, b)| ((b - a) * (b - a)) as f32)
                    .collect();
                Some(Normalization::with_stats(mean, var))
            }
        })
    }
}

/// Whether `loss` is a classification loss (its targets are class ids or one-hot rows).
pub fn is_classification(loss: &LossConfig) -> bool {
    matches!(
        loss,
        LossConfig::BinaryCrossentropy { .. }
            | LossConfig::CategoricalCrossentropy { .. }
            | LossConfig::SparseCategoricalCrossentropy { .. }
    )
}
