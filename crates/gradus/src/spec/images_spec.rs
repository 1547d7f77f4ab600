//! [`ImagesSpec`]: a spec's `[data.images]` — a folder with one sub-folder of images per
//! class, read as Keras's `flow_from_directory`, augmented by `[data.augmentation]`.

use std::path::{Path, PathBuf};

use gradus_data::ImageDataGenerator;
use gradus_data::image::{ImageFolder, ImageFolderOptions, Subset};
use gradus_nn::FitOptions;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::{Table, Value};

use crate::Result;

/// Images for training: `directory` (relative to the spec) with one sub-folder per class,
/// and Keras's `flow_from_directory` options — `target_size`, `color_mode`, `classes`,
/// `class_mode`, `interpolation`, `keep_aspect_ratio`, `follow_links` and
/// `validation_split` (default 0.2: the first 20 % of each class, in sorted order, are the
/// validation and test images). Batch size, shuffling and seed come from `[fit]`.
///
/// ```toml
/// [data.images]
/// directory = "photos"
/// target_size = [64, 64]
/// class_mode = "sparse"
/// validation_split = 0.2
///
/// [data.augmentation]     # Keras's ImageDataGenerator, applied to the training images
/// rotation_range = 20
/// horizontal_flip = true
/// rescale = 0.00392156862745098
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ImagesSpec {
    /// The folder of class sub-folders.
    pub directory: PathBuf,
    /// How the folder is read (`subset`, `batch_size`, `shuffle` and `seed` are set per use).
    pub options: ImageFolderOptions,
}

impl<'de> Deserialize<'de> for ImagesSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ImagesSpec, D::Error> {
        use serde::de::Error;
        let mut table = Table::deserialize(d)?;
        let directory = match table.remove("directory") {
            Some(Value::String(s)) => PathBuf::from(s),
            _ => {
                return Err(D::Error::custom(
                    "[data.images] needs `directory = \"PATH\"`, a folder with one \
                     sub-folder of images per class",
                ));
            }
        };
        for fixed in ["subset", "batch_size", "shuffle", "seed"] {
            if table.contains_key(fixed) {
                return Err(D::Error::custom(format!(
                    "[data.images]: `{fixed}` is set by gradus (batch size, shuffling and seed \
                     come from [fit]); remove it"
                )));
            }
        }
        if !table.contains_key("validation_split") {
            table.insert("validation_split".into(), Value::Float(0.2));
        }
        let options = ImageFolderOptions::deserialize(Value::Table(table))
            .map_err(|e| D::Error::custom(format!("[data.images]: {}", e.message())))?;
        Ok(ImagesSpec { directory, options })
    }
}

impl Serialize for ImagesSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut value = Value::try_from(&self.options).map_err(S::Error::custom)?;
        if let Value::Table(t) = &mut value {
            for fixed in ["subset", "batch_size", "shuffle", "seed"] {
                t.remove(fixed);
            }
            t.insert(
                "directory".into(),
                Value::String(self.directory.display().to_string()),
            );
        }
        value.serialize(s)
    }
}

/// The training and validation sources of an image spec.
pub struct ImageSources {
    /// Augmented training images (the `training` subset, or every image).
    pub train: gradus_data::Augmented<ImageFolder>,
    /// Validation images, standardized but not augmented (`None` without a split).
    pub validation: Option<gradus_data::Augmented<ImageFolder>>,
}

impl ImagesSpec {
    /// The folder, resolved against `base` (the spec's folder).
    pub fn directory(&self, base: &Path) -> PathBuf {
        base.join(&self.directory)
    }

    /// Options for one use of the folder.
    pub fn options_for(&self, subset: Option<Subset>, fit: &FitOptions) -> ImageFolderOptions {
        let mut o = self.options.clone();
        o.subset = subset;
        o.batch_size = fit.batch_size;
        o.shuffle = fit.shuffle && subset != Some(Subset::Validation);
        o.seed = fit.seed;
        if subset.is_none() {
            o.validation_split = 0.0;
        }
        o
    }

    /// The sources `fit` trains and validates on: the training subset through
    /// `augmentation`, the validation subset through its standardization only.
    ///
    /// # Errors
    /// A folder that cannot be listed or holds no images; a bad option.
    pub fn sources(
        &self,
        base: &Path,
        augmentation: &ImageDataGenerator,
        fit: &FitOptions,
    ) -> Result<ImageSources> {
        let dir = self.directory(base);
        let split = self.options.validation_split > 0.0;
        let subset = split.then_some(Subset::Training);
        let train = augmentation.flow_from_directory(&dir, &self.options_for(subset, fit))?;
        let validation = if split {
            let options = self.options_for(Some(Subset::Validation), fit);
            Some(standardizing(augmentation).flow_from_directory(&dir, &options)?)
        } else {
            None
        };
        Ok(ImageSources { train, validation })
    }
}

/// The standardization of `g` (rescale, sample- and feature-wise centring and
/// normalisation) without its random transforms: what evaluation and prediction apply.
pub fn standardizing(g: &ImageDataGenerator) -> ImageDataGenerator {
    ImageDataGenerator {
        featurewise_center: g.featurewise_center,
        samplewise_center: g.samplewise_center,
        featurewise_std_normalization: g.featurewise_std_normalization,
        samplewise_std_normalization: g.samplewise_std_normalization,
        rescale: g.rescale,
        featurewise_stats: g.featurewise_stats.clone(),
        ..ImageDataGenerator::default()
    }
}
