//! Training a [`Spec`]: prepare its data, build and compile its model, fit it, score it on
//! the held-out test rows.

use std::path::Path;

use gradus_nn::{Callback, FitConfig, History, Logs, Sequential};
use gradus_tensor::Tensor;

use super::{DataSpec, PreparedData, Spec};
use crate::Result;

/// What [`Spec::train`] returns.
pub struct Trained {
    /// The trained model (with the scaling layer first, if the spec scales).
    pub model: Sequential,
    /// The training history.
    pub history: History,
    /// The data it was trained and tested on.
    pub data: PreparedData,
    /// The loss and metrics on the test rows (empty when `test_size` is 0).
    pub test: Logs,
}

impl Spec {
    /// The compiled, unbuilt model for training rows `x_train`: the scaling layer (with
    /// statistics of `x_train`) when [`DataSpec::scaling`] asks for one, then the layers.
    ///
    /// # Errors
    /// Training rows the scaler cannot fit; a compile setting out of range.
    pub fn build_model(&self, x_train: &Tensor) -> Result<Sequential> {
        let mut model = Sequential::new();
        if let Some(layer) = DataSpec::scaling_layer(&self.data, x_train)? {
            model.add(layer);
        }
        for config in self.model.layer_configs() {
            model.add_boxed(config.into_layer());
        }
        self.compile.compile(&mut model)?;
        Ok(model)
    }

    /// Prepares the data (relative paths against `base`), builds the model, fits it with
    /// `[fit]` plus `callbacks`, and evaluates it on the test rows.
    ///
    /// # Errors
    /// What loading, building, compiling, fitting or evaluating reports.
    pub fn train(&self, base: &Path, callbacks: Vec<Box<dyn Callback>>) -> Result<Trained> {
        let data = self.data.prepare(base, &self.compile.loss)?;
        self.train_on(data, callbacks)
    }

    /// [`Spec::train`] on data already prepared.
    ///
    /// # Errors
    /// As [`Spec::train`].
    pub fn train_on(
        &self,
        data: PreparedData,
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
            data,
            test,
        })
    }
}
