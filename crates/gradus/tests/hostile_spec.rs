//! Hostile spec files: any text, any value in any field, any search-space path. Parsing,
//! setting tuned values and building the model return `Ok` or an error with a position —
//! never a panic, an abort or an allocation sized by the file's numbers.

use std::path::Path;

use gradus::spec::{SpecFile, SpecPath};
use gradus::tune::{ParamValue, Params};
use proptest::prelude::*;

const SPEC: &str = r#"[data]
bundled = "iris"
scaling = "standard"
test_size = 0.2

[[model.layers]]
type = "dense"
units = 4
activation = "relu"
repeat = 1

[[model.layers]]
type = "dropout"
rate = 0.1

[[model.layers]]
type = "dense"
units = 3
activation = "softmax"

[compile]
optimizer = { algorithm = "adam", learning_rate = 0.01 }
loss = "sparse_categorical_crossentropy"

[fit]
epochs = 1
batch_size = 16
validation_split = 0.1

[tune]
n_trials = 2
[tune.space]
"model.layers[0].units" = { int = [1, 8] }
"#;

/// TOML values that break assumptions: extremes of every type.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("9223372036854775807".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("1099511627776".to_owned()),
        Just("nan".to_owned()),
        Just("inf".to_owned()),
        Just("-inf".to_owned()),
        Just("1e308".to_owned()),
        Just("5e-324".to_owned()),
        Just("\"\"".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("true".to_owned()),
        Just("1979-05-27T07:32:00Z".to_owned()),
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}").replace("NaN", "nan")),
        "[a-z_]{0,12}".prop_map(|s| format!("\"{s}\"")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(10), ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_or_fails_with_a_message(text in "\\PC{0,300}") {
        if let Err(e) = SpecFile::parse("h.toml", text) {
            prop_assert!(e.to_string().starts_with("h.toml"));
        }
    }

    #[test]
    fn any_value_in_any_field_is_checked(line in 0usize..40, value in hostile_value()) {
        // Replace the value of the line-th `key = value` line.
        let mut lines: Vec<String> = SPEC.lines().map(str::to_owned).collect();
        let keyed: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains(" = ")).collect();
        let i = keyed[line % keyed.len()];
        let key = lines[i].split(" = ").next().unwrap().to_owned();
        lines[i] = format!("{key} = {value}");
        let text = lines.join("\n");
        match SpecFile::parse("h.toml", text) {
            Err(e) => prop_assert!(e.line.is_some() || e.to_string().starts_with("h.toml"), "{e}"),
            Ok(file) => {
                // What parses must build (or refuse with an error) without panicking.
                let _ = file.spec.built_model(Path::new("."));
                let _ = file.with_params(&Params::from_iter([
                    ("model.layers[0].units", ParamValue::Int(3)),
                ]));
            }
        }
    }

    #[test]
    fn any_tuned_value_at_any_path_is_set_or_refused(
        path in "[a-z_.\\[\\]0-9]{0,30}",
        value in prop_oneof![
            any::<i64>().prop_map(ParamValue::Int),
            any::<f64>().prop_map(ParamValue::Float),
            any::<bool>().prop_map(ParamValue::Bool),
            "\\PC{0,8}".prop_map(ParamValue::Str),
        ],
    ) {
        let file = SpecFile::parse("h.toml", SPEC.to_owned()).unwrap();
        let _ = path.parse::<SpecPath>();
        if let Ok(spec) = file.with_params(&Params::from_iter([(path.as_str(), value)])) {
            let _ = spec.built_model(Path::new("."));
        }
    }
}
