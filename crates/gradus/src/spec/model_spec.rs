//! [`ModelSpec`] and [`LayerSpec`]: a spec's `[model]`, the layers of a `Sequential`.

use gradus_nn::{LayerConfig, Sequential};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::{Table, Value};

/// Most copies of one layer a `repeat` may ask for.
pub const MAX_REPEAT: usize = 1024;

/// The model of a spec: its layers, first to last (`[[model.layers]]` tables).
///
/// ```toml
/// [[model.layers]]
/// type = "dense"
/// units = 64
/// activation = "relu"
/// repeat = 2          # two such layers: tune `model.layers[0].repeat` for the depth
///
/// [[model.layers]]
/// type = "dense"
/// units = 1
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The layers.
    pub layers: Vec<LayerSpec>,
}

impl ModelSpec {
    /// The layer configurations with each repeated as asked.
    pub fn layer_configs(&self) -> Vec<LayerConfig> {
        self.layers
            .iter()
            .flat_map(|l| std::iter::repeat_n(l.layer.clone(), l.repeat))
            .collect()
    }

    /// An unbuilt, uncompiled model of these layers.
    pub fn build(&self) -> Sequential {
        Sequential::from_configs(self.layer_configs())
    }
}

/// One `[[model.layers]]` entry: a layer configuration (`type = "dense"` and the layer's
/// Keras arguments) and how many copies of it to stack (`repeat`, default 1, at most
/// [`MAX_REPEAT`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSpec {
    /// The layer.
    pub layer: LayerConfig,
    /// Copies of it, one after the other.
    pub repeat: usize,
}

impl From<LayerConfig> for LayerSpec {
    fn from(layer: LayerConfig) -> LayerSpec {
        LayerSpec { layer, repeat: 1 }
    }
}

impl<'de> Deserialize<'de> for LayerSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LayerSpec, D::Error> {
        use serde::de::Error;
        let mut table = Table::deserialize(d)?;
        let repeat = match table.remove("repeat") {
            None => 1,
            Some(Value::Integer(n)) if (1..=MAX_REPEAT as i64).contains(&n) => n as usize,
            Some(v) => {
                return Err(D::Error::custom(format!(
                    "layer `repeat` = {v}: give a number of copies from 1 to {MAX_REPEAT}"
                )));
            }
        };
        let kind = table
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        let layer = LayerConfig::deserialize(Value::Table(table))
            .map_err(|e| D::Error::custom(format!("layer of type `{kind}`: {}", e.message())))?;
        Ok(LayerSpec { layer, repeat })
    }
}

impl Serialize for LayerSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut value = Value::try_from(&self.layer).map_err(S::Error::custom)?;
        if let (Value::Table(t), true) = (&mut value, self.repeat != 1) {
            t.insert("repeat".into(), Value::Integer(self.repeat as i64));
        }
        value.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_stacks_copies_and_round_trips() {
        let m: ModelSpec = toml::from_str(
            "[[layers]]\ntype = \"dense\"\nunits = 8\nactivation = \"relu\"\nrepeat = 3\n\
             [[layers]]\ntype = \"dense\"\nunits = 1\n",
        )
        .unwrap();
        assert_eq!(m.layer_configs().len(), 4);
        let text = toml::to_string(&m).unwrap();
        assert_eq!(toml::from_str::<ModelSpec>(&text).unwrap(), m);
        assert!(text.contains("repeat = 3"), "{text}");
    }

    #[test]
    fn bad_layers_name_the_type_and_the_field() {
        for (doc, want) in [
            (
                "[[layers]]\ntype = \"dense\"\nunit = 8\n",
                "layer of type `dense`: unknown field `unit`",
            ),
            (
                "[[layers]]\ntype = \"dense\"\nunits = 8\nrepeat = 0\n",
                "layer `repeat` = 0",
            ),
            ("[[layers]]\ntype = \"dens\"\n", "unknown variant `dens`"),
        ] {
            let e = toml::from_str::<ModelSpec>(doc).unwrap_err();
            assert!(e.message().contains(want), "{doc}: {e}");
            assert!(e.span().is_some(), "{doc}: the error has a position");
        }
    }
}
