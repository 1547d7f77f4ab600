//! The layers and [`LayerConfig`], the serialisable description of any of them.

mod activation_layer;
mod average_pooling2d;
mod batch_normalization;
mod conv2d;
mod dense;
mod dropout;
mod flatten;
mod global_average_pooling2d;
mod global_max_pooling2d;
mod int_pair;
mod max_pooling2d;
mod normalization;
mod pool2d_config;

pub use activation_layer::{ActivationConfig, ActivationLayer};
pub use average_pooling2d::AveragePooling2D;
pub use batch_normalization::{BatchNormalization, BatchNormalizationConfig};
pub use conv2d::{Conv2D, Conv2DConfig};
pub(crate) use dense::dims_text;
pub use dense::{Dense, DenseConfig};
pub use dropout::{Dropout, DropoutConfig};
pub use flatten::{Flatten, FlattenConfig};
pub use global_average_pooling2d::{GlobalAveragePooling2D, GlobalPool2DConfig};
pub use global_max_pooling2d::GlobalMaxPooling2D;
pub use max_pooling2d::MaxPooling2D;
pub use normalization::{NORMALIZATION_EPSILON, Normalization, NormalizationConfig};
pub use pool2d_config::Pool2DConfig;
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
    /// [`Conv2D`].
    #[serde(rename = "conv2d")]
    Conv2D(Conv2DConfig),
    /// [`MaxPooling2D`].
    #[serde(rename = "max_pooling2d")]
    MaxPooling2D(Pool2DConfig),
    /// [`AveragePooling2D`].
    #[serde(rename = "average_pooling2d")]
    AveragePooling2D(Pool2DConfig),
    /// [`GlobalAveragePooling2D`].
    #[serde(rename = "global_average_pooling2d")]
    GlobalAveragePooling2D(GlobalPool2DConfig),
    /// [`GlobalMaxPooling2D`].
    #[serde(rename = "global_max_pooling2d")]
    GlobalMaxPooling2D(GlobalPool2DConfig),
    /// [`Normalization`].
    Normalization(NormalizationConfig),
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
            LayerConfig::Conv2D(_) => "Conv2D",
            LayerConfig::MaxPooling2D(_) => "MaxPooling2D",
            LayerConfig::AveragePooling2D(_) => "AveragePooling2D",
            LayerConfig::GlobalAveragePooling2D(_) => "GlobalAveragePooling2D",
            LayerConfig::GlobalMaxPooling2D(_) => "GlobalMaxPooling2D",
            LayerConfig::Normalization(_) => "Normalization",
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
            LayerConfig::Conv2D(_) => "conv2d",
            LayerConfig::MaxPooling2D(_) => "max_pooling2d",
            LayerConfig::AveragePooling2D(_) => "average_pooling2d",
            LayerConfig::GlobalAveragePooling2D(_) => "global_average_pooling2d",
            LayerConfig::GlobalMaxPooling2D(_) => "global_max_pooling2d",
            LayerConfig::Normalization(_) => "normalization",
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
            LayerConfig::Conv2D(c) => c.name.as_deref(),
            LayerConfig::MaxPooling2D(c) | LayerConfig::AveragePooling2D(c) => c.name.as_deref(),
            LayerConfig::GlobalAveragePooling2D(c) | LayerConfig::GlobalMaxPooling2D(c) => {
                c.name.as_deref()
            }
            LayerConfig::Normalization(c) => c.name.as_deref(),
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
            LayerConfig::Conv2D(c) => &mut c.name,
            LayerConfig::MaxPooling2D(c) | LayerConfig::AveragePooling2D(c) => &mut c.name,
            LayerConfig::GlobalAveragePooling2D(c) | LayerConfig::GlobalMaxPooling2D(c) => {
                &mut c.name
            }
            LayerConfig::Normalization(c) => &mut c.name,
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
            LayerConfig::Conv2D(c) => Box::new(Conv2D::from_config(c)),
            LayerConfig::MaxPooling2D(c) => Box::new(MaxPooling2D::from_config(c)),
            LayerConfig::AveragePooling2D(c) => Box::new(AveragePooling2D::from_config(c)),
            LayerConfig::GlobalAveragePooling2D(c) => {
                Box::new(GlobalAveragePooling2D::from_config(c))
            }
            LayerConfig::GlobalMaxPooling2D(c) => Box::new(GlobalMaxPooling2D::from_config(c)),
            LayerConfig::Normalization(c) => Box::new(Normalization::from_config(c)),
        }
    }
}
