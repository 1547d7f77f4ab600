//! [`CompileSpec`]: a spec's `[compile]` — Keras's `model.compile(optimizer, loss, metrics)`.

use gradus_nn::{LossConfig, Metric, OptimizerConfig, Sequential};
use serde::{Deserialize, Serialize};

use crate::Result;

/// Keras's `compile` arguments as data. Each is a Keras name (`optimizer = "adam"`,
/// `loss = "mse"`, `metrics = ["mae"]`) or, for options, a table
/// (`optimizer = { algorithm = "sgd", learning_rate = 0.1, momentum = 0.9 }`).
///
/// ```
/// use gradus::spec::CompileSpec;
/// let c: CompileSpec = toml::from_str("optimizer = \"sgd\"\nloss = \"mse\"\nmetrics = [\"mae\"]").unwrap();
/// assert_eq!(c.loss.to_string(), "mean_squared_error");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompileSpec {
    /// The optimizer (default `rmsprop`, as Keras).
    #[serde(default = "rmsprop")]
    pub optimizer: OptimizerConfig,
    /// The loss (required).
    pub loss: LossConfig,
    /// Metrics reported each epoch besides the loss.
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

fn rmsprop() -> OptimizerConfig {
    OptimizerConfig::rmsprop(0.001f32)
}

impl CompileSpec {
    /// Compiles `model` with these settings.
    ///
    /// # Errors
    /// An optimizer setting out of range, or a metric the loss cannot go with.
    pub fn compile(&self, model: &mut Sequential) -> Result<()> {
        model.compile(self.optimizer.clone(), self.loss, &self.metrics)?;
        Ok(())
    }
}
