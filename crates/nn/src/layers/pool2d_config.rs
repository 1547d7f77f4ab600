//! [`Pool2DConfig`]: the configuration shared by [`MaxPooling2D`](super::MaxPooling2D) and
//! [`AveragePooling2D`](super::AveragePooling2D).

use gradus_tensor::ops::{Padding, Window2d};
use serde::{Deserialize, Serialize};

use super::conv2d::image_window;
use super::int_pair;
use crate::{Error, Result};

/// Configuration of a 2-D pooling layer; the defaults are Keras's.
///
/// `pool_size` and `strides` are written as one number for both axes (`pool_size = 3`) or
/// as `[height, width]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pool2DConfig {
    /// Layer name (default: `max_pooling2d`, `average_pooling2d`, … with a counter).
    pub name: Option<String>,
    /// Window height and width (default 2×2).
    #[serde(with = "int_pair")]
    pub pool_size: [usize; 2],
    /// Step between windows (default: `pool_size`, non-overlapping windows).
    #[serde(with = "int_pair::option", skip_serializing_if = "Option::is_none")]
    pub strides: Option<[usize; 2]>,
    /// Border handling (default valid). With `same`, window taps in the padding are
    /// ignored: never the max, not counted in the average.
    pub padding: Padding,
}

impl Default for Pool2DConfig {
    fn default() -> Pool2DConfig {
        Pool2DConfig {
            name: None,
            pool_size: [2, 2],
            strides: None,
            padding: Padding::Valid,
        }
    }
}

impl Pool2DConfig {
    /// A configuration with the given window and Keras's other defaults.
    pub fn new(pool_size: [usize; 2]) -> Pool2DConfig {
        Pool2DConfig {
            pool_size,
            ..Pool2DConfig::default()
        }
    }

    /// The strides in effect (`pool_size` unless set).
    pub fn effective_strides(&self) -> [usize; 2] {
        self.strides.unwrap_or(self.pool_size)
    }

    /// Checks the sizes for samples of shape `input` (`[h, w, c]`) and returns the window
    /// and the output shape; errors name `layer`'s field.
    pub(crate) fn window(&self, layer: &str, input: &[usize]) -> Result<(Window2d, Vec<usize>)> {
        for (field, v) in [
            ("pool_size", self.pool_size),
            ("strides", self.effective_strides()),
        ] {
            if v.contains(&0) {
                return Err(Error::config(
                    format!("{layer}.{field}"),
                    format!("{v:?}"),
                    "at least 1 on each axis",
                ));
            }
        }
        let window = image_window(
            layer,
            input,
            self.pool_size,
            self.effective_strides(),
            [1, 1],
            self.padding,
        )?;
        let [oh, ow] = window.output();
        Ok((window, vec![oh, ow, input[2]]))
    }
}
