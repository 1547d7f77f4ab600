//! Image augmentation with Keras's `ImageDataGenerator` semantics.
//!
//! # Design
//!
//! - **Config is data.** [`ImageDataGenerator`] holds Keras's constructor arguments with
//!   Keras's defaults (serde, builder methods); [`ShiftRange`] and [`ZoomRange`] keep
//!   Keras's float / integer / list forms. [`fit`](ImageDataGenerator::fit) returns a copy
//!   with the feature-wise statistics ([`FeaturewiseStats`]).
//! - **The deterministic step is public.** [`TransformParams`] is Keras's parameter
//!   dictionary; [`ImageDataGenerator::random_transform_params`] draws it from a seeded
//!   [`Rng`](gradus_tensor::Rng) in Keras's order and
//!   [`ImageDataGenerator::apply_transform`] applies it: one affine warp (rotation, shift,
//!   shear and zoom in a single resampling, flips folded in) by
//!   [`warp_affine`](gradus_tensor::ops::warp_affine) with SciPy `ndimage`'s fill modes,
//!   then the value transforms. `standardize` follows, as in Keras's iterators.
//! - **Correct by default, Keras on request.** Keras 3 swaps the width and height shifts and
//!   centres rotation, shear and zoom wrongly on non-square images; gradus does not, and
//!   `keras_compat(true)` reproduces Keras (checked against Keras 3's own
//!   `apply_affine_transform` to 1e-4 per pixel: `tests/augment_keras.rs`, goldens from
//!   `bench/keras_goldens/augment.py`).
//! - **Batches are keyed, not streamed.** [`ImageDataGenerator::flow`] (in-memory images)
//!   and [`ImageDataGenerator::augment`] (any [`BatchSource`](gradus_tensor::BatchSource),
//!   e.g. a folder of images: Keras's `flow_from_directory`) return an [`Augmented`]
//!   source whose batch `i` of pass `e` depends on (seed, `e`, `i`) alone, augmented in
//!   parallel over images with the same result for any thread count.
//! - **Left out:** ZCA whitening (refused with an error), `preprocessing_function`,
//!   `channels_first`, `validation_split`, interpolation orders above 1.

mod apply;
mod augmented;
mod draw;
mod flow;
mod generator;
mod shift_range;
mod standardize;
mod transform_params;
mod zoom_range;

pub use augmented::Augmented;
pub use flow::FlowOptions;
pub use generator::ImageDataGenerator;
pub use shift_range::{MAX_SHIFT, ShiftRange};
pub use standardize::{FeaturewiseStats, FitOptions};
pub use transform_params::{Centre, TransformParams};
pub use zoom_range::{MAX_ZOOM, ZoomRange};

use crate::Error;

/// [`Error::Invalid`] for `field = value`, with what is expected.
pub(crate) fn invalid(field: &str, value: impl std::fmt::Display, expected: &str) -> Error {
    Error::Invalid {
        field: field.to_owned(),
        value: value.to_string(),
        expected: expected.to_owned(),
    }
}

/// `[height, width, channels]` from the dimensions of one image.
///
/// # Errors
/// [`Error::Invalid`] naming `what` for another rank.
pub(crate) fn image_shape(dims: &[usize], what: &str) -> Result<[usize; 3], Error> {
    match *dims {
        [h, w, c] => Ok([h, w, c]),
        _ => Err(invalid(
            what,
            format!("shape {dims:?}"),
            "an image as [height, width, channels] (channels last; 1 for grayscale)",
        )),
    }
}
