//! Bad specs: each kind of mistake exits with code 2 and a message naming the file, the
//! line and, for a misspelt key, the nearest valid one.

mod common;

use common::gradus_in;

const GOOD: &str = r#"[data]
bundled = "diabetes"

[[model.layers]]
type = "dense"
units = 1

[compile]
optimizer = "adam"
loss = "mse"

[fit]
epochs = 2

[tune]
n_trials = 2
[tune.space]
"fit.batch_size" = { choice = [16, 32] }
"#;

fn fails(spec: &str, parts: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), spec).unwrap();
    for command in ["fit", "summary", "tune"] {
        gradus_in(dir.path(), &[command, "s.toml", "-q"]).fails(2, parts);
    }
}

#[test]
fn the_good_spec_trains() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), GOOD).unwrap();
    gradus_in(dir.path(), &["fit", "s.toml", "-q"]).ok();
}

#[test]
fn misspelt_keys_name_the_line_and_the_nearest_key() {
    fails(
        &GOOD.replace("epochs = 2", "epoch = 2"),
        &[
            "s.toml:13:1: unknown field `epoch`",
            "did you mean `epochs`?",
        ],
    );
    fails(
        &GOOD.replace("units = 1", "unit = 1"),
        &[
            "s.toml:4:1:",
            "layer of type `dense`: unknown field `unit`",
            "did you mean `units`?",
        ],
    );
    fails(
        &GOOD.replace("[compile]", "[compiel]"),
        &["s.toml:8:2:", "did you mean `compile`?"],
    );
}

#[test]
fn wrong_types_and_impossible_values_name_the_line() {
    fails(
        &GOOD.replace("epochs = 2", "epochs = \"two\""),
        &["s.toml:13:10:", "invalid type"],
    );
    fails(
        &GOOD.replace("epochs = 2", "epochs = 2\nbatch_size = 0"),
        &["s.toml:14:1:", "batch_size"],
    );
    fails(
        &GOOD.replace(
            "bundled = \"diabetes\"",
            "bundled = \"diabetes\"\ntest_size = 1.5",
        ),
        &["s.toml:3:1:", "test_size = 1.5", "[0, 1)"],
    );
    fails(
        &GOOD.replace("loss = \"mse\"", "loss = \"mse2\""),
        &["s.toml:10:8:", "mse"],
    );
    fails(
        &GOOD.replace("bundled = \"diabetes\"", "bundled = \"diabetis\""),
        &["s.toml:2:11:", "did you mean `diabetes`?"],
    );
    fails(
        &GOOD.replace("[data]\n", "[data]\ncsv = \"x.csv\"\n"),
        &["s.toml:1:2:", "exactly one of"],
    );
    fails("[data\n", &["s.toml:1:6: unclosed table"]);
}

#[test]
fn search_space_paths_must_lead_somewhere() {
    fails(
        &GOOD.replace("\"fit.batch_size\"", "\"fit.batch_sise\""),
        &[
            "s.toml:18:1:",
            "unknown field `batch_sise`",
            "did you mean `batch_size`?",
        ],
    );
    fails(
        &GOOD.replace("\"fit.batch_size\"", "\"model.layers[3].units\""),
        &["s.toml:18:1:", "`model.layers` has 1 elements"],
    );
    fails(
        &GOOD.replace("{ choice = [16, 32] }", "{ float = [1, 0] }"),
        &["s.toml:18:1:", "fit.batch_size"],
    );
}
