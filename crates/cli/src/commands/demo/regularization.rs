//! `gradus demo regularization`: the six specs of `examples/specs/regularization/`,
//! trained one after the other.

use std::path::Path;

use gradus::nn::Verbosity;
use gradus::spec::SpecFile;
use serde_json::{Value, json};

use crate::exit::Result;

/// The specs, embedded: (file name, text).
pub const SPECS: [(&str, &str); 6] = [
    (
        "baseline.toml",
        include_str!("../../../../../examples/specs/regularization/baseline.toml"),
    ),
    (
        "l1.toml",
        include_str!("../../../../../examples/specs/regularization/l1.toml"),
    ),
    (
        "l2.toml",
        include_str!("../../../../../examples/specs/regularization/l2.toml"),
    ),
    (
        "dropout.toml",
        include_str!("../../../../../examples/specs/regularization/dropout.toml"),
    ),
    (
        "batch_norm.toml",
        include_str!("../../../../../examples/specs/regularization/batch_norm.toml"),
    ),
    (
        "early_stopping.toml",
        include_str!("../../../../../examples/specs/regularization/early_stopping.toml"),
    ),
];

/// Trains each spec and reports its last and best validation loss, test accuracy and
/// epochs.
pub fn run() -> Result<(String, Value)> {
    let mut text = format!(
        "breast cancer, 284 training rows (20 % of them for validation), Dense 64 → sigmoid, \
         Adam 0.01, 100 epochs\n\n{:<16} {:>9} {:>9} {:>9} {:>7}\n",
        "spec", "val_loss", "best", "test acc", "epochs"
    );
    let mut rows = Vec::new();
    for (name, source) in SPECS {
        let file = SpecFile::parse(
            format!("examples/specs/regularization/{name}"),
            source.into(),
        )?;
        let mut spec = file.spec.clone();
        spec.fit.verbose = Verbosity::Silent;
        let trained = spec.train(Path::new("."), Vec::new())?;
        let val = trained.history.get("val_loss").unwrap_or_default();
        let last = val.last().copied().unwrap_or(f64::NAN);
        let best = val.iter().copied().fold(f64::INFINITY, f64::min);
        let acc = trained.test.get("accuracy").copied().unwrap_or(f64::NAN);
        let epochs = trained.history.epochs_run();
        let stem = name.trim_end_matches(".toml");
        text.push_str(&format!(
            "{stem:<16} {last:>9.4} {best:>9.4} {acc:>9.4} {epochs:>7}\n"
        ));
        rows.push(
            json!({"spec": name, "val_loss": last, "best_val_loss": best,
                         "test_accuracy": acc, "epochs": epochs}),
        );
    }
    text.push_str(
        "\nThe baseline over-fits: its validation loss climbs from its best. The penalties \
         and dropout keep it lower;\nearly stopping ends training near the best epoch and \
         restores those weights.\n",
    );
    Ok((text, json!({ "results": rows })))
}
