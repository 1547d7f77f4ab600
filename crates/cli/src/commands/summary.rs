//! `gradus summary SPEC`: the model of a spec, built for its data, without training.

use gradus::spec::SpecFile;
use serde_json::json;

use crate::cli::SummaryArgs;
use crate::exit::Result;
use crate::output::{print, print_json};

/// `gradus summary`: Keras's `model.summary()` of the spec's model, built for the number
/// of features its data has.
///
/// # Errors
/// A bad spec or data (exit 2).
pub fn run(args: &SummaryArgs) -> Result<()> {
    let file = SpecFile::load(&args.spec)?;
    let model = file.spec.built_model(file.base_dir())?;
    let input = model.input_shape().unwrap_or_default().to_vec();
    let (trainable, non_trainable) = model.count_params();
    if args.output.json {
        let layers: Vec<_> = model
            .layer_names()
            .iter()
            .zip(model.layer_configs())
            .map(|(name, c)| json!({"name": name, "type": c.type_name()}))
            .collect();
        return print_json(&json!({
            "input_shape": input,
            "output_shape": model.output_shape(),
            "layers": layers,
            "trainable_params": trainable,
            "non_trainable_params": non_trainable,
        }));
    }
    print(&model.summary())
}
