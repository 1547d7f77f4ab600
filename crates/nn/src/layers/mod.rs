//! The layers and [`LayerConfig`], the serialisable description of any of them.

mod activation_layer;
mod batch_normalization;
mod dense;
mod dropout;
mod flatten;

pub use activation_layer::{ActivationConfig, ActivationLayer};
pub use batch_normalization::{BatchNormalization, BatchNormalizationConfig};
pub(crate) use dense::dims_text;
pub use dense::{Dense, DenseConfig};
pub use dropout::{Dropout, DropoutConfig};
pub use flatten::{Flatten, FlattenConfig};
use serde::{Deserialize, Serialize};

use crate::Layer;

/// The configuration of any built-in layer: what a saved model's architecture and a TOML
/// spec's `[[layers]]` entries hold (`type = "dense"`, then the layer's fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LayerConfig {
    /// [`Dense`].
    Dense(DenseConfig),
    /// [`ActivationLayer`].
    Activation(ActivationConfig),
    /// [`Dropout`].
    Dropout(DropoutConfig),
    /// [`BatchNormalization`].
    BatchNormalization(BatchNormalizationConfig),
    /// [`Flatten`].
    Flatten(FlattenConfig),
}

impl LayerConfig {
    /// The layer type as Keras names it in `summary()` (`Dense`, `Dropout`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerConfig::Dense(_) => "Dense",
            LayerConfig::Activation(_) => "Activation",
            LayerConfig::Dropout(_) => "Dropout",
            LayerConfig::BatchNormalization(_) => "BatchNormalization",
            LayerConfig::Flatten(_) => "Flatten",
        }
    }

    /// The default name stem (`dense`, `batch_normalization`, …).
    pub fn name_stem(&self) -> &'static str {
        match self {
            LayerConfig::Dense(_) => "dense",
            LayerConfig::Activation(_) => "activation",
            LayerConfig::Dropout(_) => "dropout",
            LayerConfig::BatchNormalization(_) => "batch_normalization",
            LayerConfig::Flatten(_) => "flatten",
        }
    }

    /// The layer's name, if one was set.
    pub fn name(&self) -> Option<&str> {
        match self {
            LayerConfig::Dense(c) => c.name.as_deref(),
            LayerConfig::Activation(c) => c.name.as_deref(),
            LayerConfig::Dropout(c) => c.name.as_deref(),
            LayerConfig::BatchNormalization(c) => c.name.as_deref(),
            LayerConfig::Flatten(c) => c.name.as_deref(),
        }
    }

    /// The same configuration with `name` set.
    pub fn with_name(mut self, name: String) -> LayerConfig {
        let slot = match &mut self {
            LayerConfig::Dense(c) => &mut c.name,
            LayerConfig::Activation(c) => &mut c.name,
            LayerConfig::Dropout(c) => &mut c.name,
            LayerConfig::BatchNormalization(c) => &mut c.name,
            LayerConfig::Flatten(c) => &mut c.name,
        };
        *slot = Some(name);
        self
    }

    /// An unbuilt layer from this configuration.
    pub fn into_layer(self) -> Box<dyn Layer> {
        match self {
            LayerConfig::Dense(c) => Box::new(Dense::from_config(c)),
            LayerConfig::Activation(c) => Box::new(ActivationLayer::from_config(c)),
            LayerConfig::Dropout(c) => Box::new(Dropout::from_config(c)),
            LayerConfig::BatchNormalization(c) => Box::new(BatchNormalization::from_config(c)),
            LayerConfig::Flatten(c) => Box::new(Flatten::from_config(c)),
        }
    }
}
