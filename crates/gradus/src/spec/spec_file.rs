//! [`Spec`] (the whole description of a training or tuning job) and [`SpecFile`] (a spec
//! read from a TOML file, checked, with positions for its errors).

use std::ops::Range;
use std::path::{Path, PathBuf};

use gradus_data::ImageDataGenerator;
use gradus_nn::FitOptions;
use gradus_tune::{Distribution, ParamValue, Params};
use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use super::spec_path::to_toml;
use super::{CompileSpec, DataSpec, ModelSpec, SpecError, SpecPath, TuneSpec};
use crate::{Error, Result};

/// Largest spec file read, in bytes.
pub const MAX_SPEC_BYTES: u64 = 16 << 20;

/// A training (and optionally tuning) job: data, model, compile and fit settings, and a
/// `[tune]` section. Every section refuses unknown keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// A name for runs and studies (default: the file's stem).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `[data]`.
    pub data: DataSpec,
    /// `[model]`.
    pub model: ModelSpec,
    /// `[compile]`.
    pub compile: CompileSpec,
    /// `[fit]`: Keras's `fit` arguments and `[[fit.callbacks]]`.
    #[serde(default)]
    pub fit: FitOptions,
    /// `[tune]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tune: Option<TuneSpec>,
}

/// A spec read from a file: the typed [`Spec`], the TOML text and table it came from (tuning
/// sets values by path in the table) and the file's folder, against which relative data
/// paths resolve.
#[derive(Clone, Debug)]
pub struct SpecFile {
    /// The file (or a name for text without one).
    pub path: PathBuf,
    /// The TOML text.
    pub text: String,
    /// The parsed TOML table.
    pub table: toml::Table,
    /// The checked spec.
    pub spec: Spec,
}

impl SpecFile {
    /// Reads and checks a spec file.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file; [`Error::Spec`] for anything wrong inside it.
    pub fn load(path: impl AsRef<Path>) -> Result<SpecFile> {
        let path = path.as_ref();
        let size = std::fs::metadata(path).map_err(Error::io(path))?.len();
        if size > MAX_SPEC_BYTES {
            return Err(SpecError::at(
                path,
                "",
                None,
                format!("{size} bytes is not a spec; spec files hold at most {MAX_SPEC_BYTES}"),
            )
            .into());
        }
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        Ok(SpecFile::parse(path, text)?)
    }

    /// Parses and checks spec text; `path` names it in errors and anchors relative paths.
    ///
    /// # Errors
    /// A [`SpecError`] with the line and column of the first problem: TOML syntax, an
    /// unknown key (with the nearest valid one), a wrong type, an impossible value, a search
    /// space path that leads nowhere.
    pub fn parse(path: impl Into<PathBuf>, text: String) -> Result<SpecFile, SpecError> {
        let path = path.into();
        let spec: Spec =
            toml::from_str(&text).map_err(|e| SpecError::from_toml(&path, &text, &e))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| SpecError::from_toml(&path, &text, &e))?;
        let file = SpecFile {
            path,
            text,
            table,
            spec,
        };
        file.check()?;
        Ok(file)
    }

    /// The folder relative data paths resolve against.
    pub fn base_dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    /// The spec's name, or the file's stem.
    pub fn name(&self) -> String {
        self.spec.name.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map_or("spec".into(), |s| s.to_string_lossy().into_owned())
        })
    }

    /// An error at the key or value the `keys` lead to (the nearest existing ancestor).
    pub fn error_at(&self, keys: &[&str], message: impl Into<String>) -> SpecError {
        SpecError::at(&self.path, &self.text, span_of(&self.text, keys), message)
    }

    /// The spec with each parameter's value set at its path (a tuning trial's spec).
    ///
    /// # Errors
    /// [`Error::Spec`] naming the path when the value cannot go there or makes the spec
    /// invalid.
    pub fn with_params(&self, params: &Params) -> Result<Spec> {
        if params.0.is_empty() {
            return Ok(self.spec.clone());
        }
        let mut table = self.table.clone();
        for (name, value) in &params.0 {
            let at = |m: String| self.error_at(&["tune", "space", name], m);
            let path: SpecPath = name.parse().map_err(at)?;
            path.set(&mut table, to_toml(value)).map_err(at)?;
        }
        Spec::deserialize(toml::Value::Table(table)).map_err(|e| {
            self.error_at(
                &["tune", "space"],
                format!("setting {params}: {}", e.message()),
            )
            .into()
        })
    }

    fn check(&self) -> Result<(), SpecError> {
        let s = &self.spec;
        let d = &s.data;
        let sources = [d.csv.is_some(), d.bundled.is_some(), d.images.is_some()];
        if sources.iter().filter(|&&s| s).count() != 1 {
            return Err(self.error_at(
                &["data"],
                "[data]: give exactly one of `csv = \"PATH\"` (relative to the spec), \
                 `bundled = \"NAME\"` (diabetes, iris, wine, breast_cancer, digits) and \
                 `[data.images]` with `directory = \"PATH\"`",
            ));
        }
        if let Some(Err(e)) = d.augmentation.as_ref().map(ImageDataGenerator::validate) {
            return Err(self.error_at(&["data", "augmentation"], e.to_string()));
        }
        if d.augmentation.is_some() && d.images.is_none() {
            return Err(self.error_at(
                &["data", "augmentation"],
                "[data.augmentation] applies to images: add [data.images] or remove it",
            ));
        }
        if !(0.0..1.0).contains(&d.test_size) {
            return Err(self.error_at(
                &["data", "test_size"],
                format!(
                    "data.test_size = {}: give a fraction in [0, 1)",
                    d.test_size
                ),
            ));
        }
        if let Err(e) = d.csv_options() {
            return Err(self.error_at(&["data", "delimiter"], e.to_string()));
        }
        if s.model.layers.is_empty() {
            return Err(self.error_at(
                &["model"],
                "[model] has no layers: add `[[model.layers]]` tables such as \
                 `type = \"dense\"`, `units = 1`",
            ));
        }
        if let Err(e) = s.compile.optimizer.validate() {
            return Err(self.error_at(&["compile", "optimizer"], e.to_string()));
        }
        if let Err(e) = s.fit.validate() {
            let field = match &e {
                gradus_nn::Error::Config { field, .. } => {
                    field.strip_prefix("FitOptions.").unwrap_or("").to_owned()
                }
                _ => String::new(),
            };
            return Err(self.error_at(&["fit", &field], e.to_string()));
        }
        if let Some(tune) = &s.tune {
            self.check_tune(tune)?;
        }
        Ok(())
    }

    fn check_tune(&self, tune: &TuneSpec) -> Result<(), SpecError> {
        if tune.n_trials == 0 {
            return Err(self.error_at(
                &["tune", "n_trials"],
                "tune.n_trials = 0: give at least 1 trial",
            ));
        }
        if tune.space.is_empty() {
            return Err(self.error_at(
                &["tune"],
                "[tune] has no search space: add `[tune.space]` with entries such as \
                 `\"compile.optimizer.learning_rate\" = { float = [1e-4, 0.1], log = true }`",
            ));
        }
        // Each path must take a value of its distribution: try the low end of each.
        for (name, dist) in &tune.space {
            let at = |m: String| self.error_at(&["tune", "space", name], m);
            let distribution = dist.to_distribution(name).map_err(|e| at(e.to_string()))?;
            let sample = match &distribution {
                Distribution::Float { low, .. } => ParamValue::Float(*low),
                Distribution::Int { low, .. } => ParamValue::Int(*low),
                Distribution::Categorical { choices } => choices[0].clone(),
            };
            let params = Params::from_iter([(name.as_str(), sample)]);
            if let Err(Error::Spec(e)) = self.with_params(&params) {
                return Err(at(e.message));
            }
        }
        Ok(())
    }
}

/// The span of the value at `keys` in `text`, or of the deepest ancestor that exists.
fn span_of(text: &str, keys: &[&str]) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = root.get_ref();
    for key in keys {
        let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref() == *key) else {
            break;
        };
        span = Some(k.span());
        match v.get_ref() {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    span
}

impl From<SpecError> for Error {
    fn from(e: SpecError) -> Error {
        Error::Spec(e)
    }
}

#[cfg(test)]
mod tests {
    use gradus_nn::{LayerConfig, Regularizer};
    use gradus_tune::{ParamValue, Params};

    use super::*;

    const SPEC: &str = r#"[data]
bundled = "iris"

[[model.layers]]
type = "dense"
units = 8
activation = "relu"

[[model.layers]]
type = "dropout"
rate = 0.1

[[model.layers]]
type = "dense"
units = 3
activation = "softmax"

[compile]
optimizer = "adam"
loss = "sparse_categorical_crossentropy"
"#;

    #[test]
    fn tuned_values_reach_units_rates_regularizers_depth_and_the_optimizer() {
        let file = SpecFile::parse("s.toml", SPEC.into()).unwrap();
        let params = Params::from_iter([
            ("model.layers[0].units", ParamValue::Int(32)),
            ("model.layers[0].repeat", ParamValue::Int(3)),
            ("model.layers[1].rate", ParamValue::Float(0.25)),
            (
                "model.layers[0].kernel_regularizer.l2.l2",
                ParamValue::Float(1e-3),
            ),
            ("compile.optimizer.learning_rate", ParamValue::Float(0.02)),
            ("fit.batch_size", ParamValue::Int(8)),
        ]);
        let spec = file.with_params(&params).unwrap();
        let layers = spec.model.layer_configs();
        assert_eq!(
            layers.len(),
            5,
            "three hidden Dense layers, Dropout, output"
        );
        let LayerConfig::Dense(d) = &layers[2] else {
            panic!("{layers:?}")
        };
        assert_eq!(d.units, 32);
        assert_eq!(d.kernel_regularizer, Some(Regularizer::l2(1e-3)));
        let LayerConfig::Dropout(dropout) = &layers[3] else {
            panic!("{layers:?}")
        };
        assert_eq!(dropout.rate, 0.25);
        assert_eq!(
            spec.compile.optimizer.resolved_learning_rate().at(0),
            0.02f32
        );
        assert_eq!(spec.fit.batch_size, 8);
        // The file's own spec is unchanged.
        assert_eq!(file.spec.model.layer_configs().len(), 3);
        let e = file
            .with_params(&Params::from_iter([(
                "model.layers[1].rate",
                ParamValue::Str("x".into()),
            )]))
            .unwrap_err();
        assert!(e.to_string().starts_with("s.toml:"), "{e}");
    }
}
