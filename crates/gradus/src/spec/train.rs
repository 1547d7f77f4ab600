//! Training a [`Spec`]: prepare its data, build and compile its model, fit it, score it on
//! the held-out test rows (or validation images).

use std::path::Path;

use gradus_nn::{Callback, FitConfig, History, Logs, Sequential};
use gradus_tensor::{BatchSource, Tensor};

use super::{PreparedData, Spec};
use crate::Result;

/// What [`Spec::train`] returns.
pub struct Trained {
    /// The trained model (with the scaling layer first, if the spec scales).
    pub model: Sequential,
    /// The training history.
    pub history: History,
    /// Training and test rows (or images).
    pub rows: (usize, usize),
    /// The shape of one input sample (`[features]`, or `[height, width, channels]`).
    pub input_shape: Vec<usize>,
    /// The loss and metrics on the test rows or validation images (empty without any).
    pub test: Logs,
}

impl Spec {
    /// The compiled, unbuilt model for training rows `x_train`: the scaling layer (with
    /// statistics of `x_train`) when [`DataSpec::scaling`](super::DataSpec::scaling) asks for one, then the layers.
    ///
    /// # Errors
    /// Training rows the scaler cannot fit; a compile setting out of range.
    pub fn build_model(&self, x_train: &Tensor) -> Result<Sequential> {
        let mut model = Sequential::new();
        if let Some(layer) = self.data.scaling_layer(x_train)? {
            model.add(layer);
        }
        self.add_layers(&mut model)?;
        Ok(model)
    }

    fn add_layers(&self, model: &mut Sequential) -> Result<()> {
        for config in self.model.layer_configs() {
            model.add_boxed(config.into_layer());
        }
        self.compile.compile(model)
    }

    /// Prepares the data (relative paths against `base`), builds the model, fits it with
    /// `[fit]` plus `callbacks`, and evaluates it on the test rows — or, for
    /// `[data.images]`, fits on the augmented training images, validates on the validation
    /// images each epoch and evaluates on them.
    ///
    /// # Errors
    /// What loading, building, compiling, fitting or evaluating reports.
    pub fn train(&self, base: &Path, callbacks: Vec<Box<dyn Callback>>) -> Result<Trained> {
        match &self.data.images {
            Some(images) => {
                let augmentation = self.data.augmentation.clone().unwrap_or_default();
                let sources = images.sources(base, &augmentation, &self.fit)?;
                let mut model = Sequential::new();
                self.add_layers(&mut model)?;
                let mut config = FitConfig::from(self.fit.clone());
                config.callbacks.extend(callbacks);
                let validation = sources.validation.as_ref().map(|v| v as &dyn BatchSource);
                let history = model.fit_source(&sources.train, validation, config)?;
                let test = match &sources.validation {
                    Some(v) => model.evaluate_source(v)?,
                    None => Logs::new(),
                };
                Ok(Trained {
                    model,
                    history,
                    rows: (
                        sources.train.len(),
                        sources.validation.as_ref().map_or(0, |v| v.len()),
                    ),
                    input_shape: sources.train.sample_shape(),
                    test,
                })
            }
            None => {
                let data = self.data.prepare(base, &self.compile.loss)?;
                self.train_on(&data, callbacks)
            }
        }
    }

    /// [`Spec::train`] on tabular data already prepared.
    ///
    /// # Errors
    /// As [`Spec::train`].
    pub fn train_on(
        &self,
        data: &PreparedData,
        callbacks: Vec<Box<dyn Callback>>,
    ) -> Result<Trained> {
        let mut model = self.build_model(&data.x_train)?;
        let mut config = FitConfig::from(self.fit.clone());
        config.callbacks.extend(callbacks);
        let history = model.fit(&data.x_train, &data.y_train, config)?;
        let test = if data.x_test.rows() > 0 {
            model.evaluate(&data.x_test, &data.y_test)?
        } else {
            Logs::new()
        };
        Ok(Trained {
            model,
            history,
            rows: (data.x_train.rows(), data.x_test.rows()),
            input_shape: data.x_train.dims()[1..].to_vec(),
            test,
        })
    }

    /// The compiled model, built for its input: the tabular data's feature count (loaded
    /// from `base`), or the images' `[height, width, channels]`.
    ///
    /// # Errors
    /// As [`Spec::train`] before fitting.
    pub fn built_model(&self, base: &Path) -> Result<Sequential> {
        let (mut model, input) = match &self.data.images {
            Some(images) => {
                let mut model = Sequential::new();
                self.add_layers(&mut model)?;
                let o = &images.options;
                let (h, w) = o.target_size;
                (model, vec![h, w, o.color_mode.channels()])
            }
            None => {
                let data = self.data.prepare(base, &self.compile.loss)?;
                let input = data.x_train.dims()[1..].to_vec();
                (self.build_model(&data.x_train)?, input)
            }
        };
        model.build(&input, self.fit.seed)?;
        Ok(model)
    }
}
