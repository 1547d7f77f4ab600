//! `gradus demo tuning`: manual search, then the specs of `examples/specs/tuning/` — grid
//! search, random search and TPE — each printing `Best: <score> using <params>`.

use gradus::Params;
use gradus::spec::{SpecFile, TuneRun};
use gradus::tune::ParamValue;
use serde_json::{Value, json};

use crate::exit::Result;

/// The specs, embedded: (title, file name, text).
pub const SPECS: [(&str, &str, &str); 3] = [
    (
        "Grid search (3 × 3, cv=3)",
        "grid.toml",
        include_str!("../../../../../examples/specs/tuning/grid.toml"),
    ),
    (
        "Random search (n_iter 5, cv=3)",
        "random.toml",
        include_str!("../../../../../examples/specs/tuning/random.toml"),
    ),
    (
        "TPE (50 evaluations, cv=3)",
        "tpe.toml",
        include_str!("../../../../../examples/specs/tuning/tpe.toml"),
    ),
];

/// Runs the four searches.
pub fn run() -> Result<(String, Value)> {
    let mut text = String::new();
    let mut results = Vec::new();
    // Manual search: a few configurations picked by hand, scored as the searches score.
    let grid = SpecFile::parse("examples/specs/tuning/grid.toml", SPECS[0].2.into())?;
    text.push_str("Manual search (3 hand-picked configurations, cv=3)\n");
    let mut best: Option<(f64, Params)> = None;
    for (lr, batch) in [(0.001, 20), (0.01, 20), (0.1, 10)] {
        let params = Params::from_iter([
            ("compile.optimizer.learning_rate", ParamValue::Float(lr)),
            ("fit.batch_size", ParamValue::Int(batch)),
        ]);
        let score = grid.score(&params)?;
        text.push_str(&format!("  {score:.6} with: {params}\n"));
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, params));
        }
    }
    let (score, params) = best.expect("three configurations");
    text.push_str(&format!("Best: {score:.6} using {params}\n\n"));
    results.push(json!({"search": "manual", "best_score": score, "best_params": params.0}));
    for (title, name, source) in SPECS {
        let file = SpecFile::parse(format!("examples/specs/tuning/{name}"), source.into())?;
        let study = file.tune(TuneRun::default())?;
        let best = study.best_trial()?;
        let params = Params(best.params.clone());
        let score = best.value.unwrap_or(f64::NAN);
        text.push_str(&format!(
            "{title}: {} trials\nBest: {score:.6} using {params}\n\n",
            study.trials()?.len()
        ));
        results.push(
            json!({"search": name.trim_end_matches(".toml"), "best_score": score,
                            "best_params": best.params}),
        );
    }
    text.push_str(
        "Scores are negated mean squared errors of the progression (higher is better).\n",
    );
    Ok((text, json!({ "results": results })))
}
