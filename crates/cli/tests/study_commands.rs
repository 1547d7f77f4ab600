//! Every `gradus study` command's happy path, its `--json` output parsed, and `--help`.

mod common;

use std::collections::BTreeMap;

use common::{export, gradus, sqlite_url};
use gradus::tune::{Distribution, ParamValue, Study, TpeSampler, TrialError};
use serde_json::Value;

const SPACE: &str = r#"{"lr": {"float": [1e-5, 1], "log": true}, "units": {"int": [16, 256]},
    "act": {"choice": ["relu", "tanh"]}, "x": {"float": [-5, 5], "step": 0.5},
    "k": {"int": [2, 64], "log": true}, "w": {"int": [0, 100], "step": 10}}"#;

fn ask(url: &str, study: &str, seed: &str) -> (u64, BTreeMap<String, Value>) {
    let v = gradus(&[
        "study",
        "ask",
        "--storage",
        url,
        "--study",
        study,
        "--space",
        SPACE,
        "--seed",
        seed,
        "--json",
    ])
    .json();
    let params: BTreeMap<String, Value> = serde_json::from_value(v["params"].clone()).unwrap();
    (v["trial"].as_u64().unwrap(), params)
}

#[test]
fn create_ask_tell_best_list_show_export_copy_delete() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "s.db");
    let url = url.as_str();
    let out = gradus(&[
        "study",
        "create",
        "--storage",
        url,
        "--study",
        "s",
        "--direction",
        "maximize",
    ]);
    assert!(
        out.ok().starts_with("created study `s` in sqlite://"),
        "{out:?}"
    );
    gradus(&[
        "study",
        "create",
        "--storage",
        url,
        "--study",
        "s",
        "--direction",
        "maximize",
    ])
    .fails(2, &["study `s` in sqlite://", "already exists"]);
    gradus(&[
        "study",
        "create",
        "--storage",
        url,
        "--study",
        "s",
        "--direction",
        "maximize",
        "--skip-if-exists",
    ])
    .ok();
    gradus(&[
        "study",
        "create",
        "--storage",
        url,
        "--study",
        "s",
        "--skip-if-exists",
    ])
    .fails(2, &["exists with direction maximize, not minimize"]);

    // Three trials: complete, failed, pruned; the typed parameters fit the space.
    let mut asked = Vec::new();
    for n in 0..3u64 {
        let (number, params) = ask(url, "s", "7");
        assert_eq!(number, n);
        let lr = params["lr"].as_f64().unwrap();
        assert!((1e-5..=1.0).contains(&lr), "{lr}");
        let units = params["units"].as_i64().expect("an int stays an int");
        assert!((16..=256).contains(&units));
        assert!(["relu", "tanh"].contains(&params["act"].as_str().unwrap()));
        let x = params["x"].as_f64().unwrap();
        assert!((-5.0..=5.0).contains(&x) && (x * 2.0).fract() == 0.0, "{x}");
        assert!((2..=64).contains(&params["k"].as_i64().unwrap()));
        assert_eq!(params["w"].as_i64().unwrap() % 10, 0);
        asked.push(params);
    }
    let told = gradus(&[
        "study",
        "tell",
        "--storage",
        url,
        "--study",
        "s",
        "--trial",
        "0",
        "--value",
        "-0.25",
        "--json",
    ])
    .json();
    assert_eq!(
        told,
        serde_json::json!({"trial": 0, "state": "complete", "value": -0.25})
    );
    let out = gradus(&[
        "study",
        "tell",
        "--storage",
        url,
        "--study",
        "s",
        "--trial",
        "1",
        "--state",
        "failed",
    ]);
    assert_eq!(out.ok(), "trial 1: FAIL -\n");
    gradus(&[
        "study",
        "tell",
        "--storage",
        url,
        "--study",
        "s",
        "--trial",
        "2",
        "--state",
        "pruned",
    ])
    .ok();

    let best = gradus(&["study", "best", "--storage", url, "--study", "s", "--json"]).json();
    assert_eq!(best["trial"], 0);
    assert_eq!(best["value"], -0.25);
    assert_eq!(serde_json::to_value(&asked[0]).unwrap(), best["params"]);
    let text = gradus(&["study", "best", "--storage", url, "--study", "s"]);
    assert!(
        text.ok().starts_with("trial 0: value -0.25 act="),
        "{text:?}"
    );

    let list = gradus(&["study", "list", "--storage", url, "--json"]).json();
    assert_eq!(
        list,
        serde_json::json!([{"name": "s", "direction": "maximize", "n_trials": 3,
            "n_complete": 1, "best_value": -0.25, "best_trial": 0}])
    );
    let table = gradus(&["study", "list", "--storage", url]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(
        lines[0],
        "name  direction  trials  complete  best value  best trial"
    );
    assert_eq!(lines[1], "s     maximize   3       1         -0.25       0");

    let show = gradus(&["study", "show", "--storage", url, "--study", "s", "--json"]).json();
    let states: Vec<&str> = show["trials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["complete", "failed", "pruned"]);
    assert_eq!(show["direction"], "maximize");
    assert_eq!(
        show["trials"][1]["fail_reason"],
        "marked failed with `gradus study tell --state failed`"
    );
    assert!(show["trials"][0]["duration"].as_f64().unwrap() >= 0.0);
    let table = gradus(&["study", "show", "--storage", url, "--study", "s"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[1].starts_with("number  state     value  duration_s  params"),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("0       COMPLETE  -0.25  "),
        "{lines:?}"
    );
    assert!(lines[3].contains("FAIL"));

    // Export: CSV to a file, JSON to stdout.
    let csv = dir.path().join("trials.csv");
    let run = gradus(&[
        "study",
        "export",
        "--storage",
        url,
        "--study",
        "s",
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.ok(), "");
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0],
        "number,value,state,datetime_start,datetime_complete,duration,params_act,params_k,\
         params_lr,params_units,params_w,params_x,fail_reason"
    );
    assert!(rows[1].starts_with("0,-0.25,COMPLETE,"), "{}", rows[1]);
    let trials = export(url, "s");
    assert_eq!(trials.len(), 3);
    assert_eq!(trials[2]["state"], "pruned");

    // Copy into another file, and within the same one under a new name.
    let other = sqlite_url(dir.path(), "other.db");
    let out = gradus(&[
        "study", "copy", "--from", url, "--to", &other, "--study", "s",
    ]);
    assert!(
        out.ok()
            .starts_with("copied 3 finished trials of study `s`"),
        "{out:?}"
    );
    let copied = gradus(&["study", "list", "--storage", &other, "--json"]).json();
    assert_eq!(copied[0]["n_trials"], 3);
    assert_eq!(copied[0]["best_value"], -0.25);
    gradus(&["study", "copy", "--from", url, "--to", url, "--study", "s"]).fails(
        2,
        &[
            "study `s` in sqlite://",
            "already exists; name the copy with --to-study",
        ],
    );
    gradus(&[
        "study",
        "copy",
        "--from",
        url,
        "--to",
        url,
        "--study",
        "s",
        "--to-study",
        "s2",
    ])
    .ok();
    let names: Vec<Value> = gradus(&["study", "list", "--storage", url, "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, ["s", "s2"]);

    let out = gradus(&["study", "delete", "--storage", url, "--study", "s"]);
    assert!(
        out.ok().starts_with("deleted study `s`") && out.stdout.ends_with("(3 trials)\n"),
        "{out:?}"
    );
    gradus(&["study", "delete", "--storage", url, "--study", "s"])
        .fails(2, &["study `s`", "does not exist"]);
    assert_eq!(
        gradus(&["study", "list", "--storage", url, "--json"]).json()[0]["name"],
        "s2"
    );
}

/// A `study ask` process reads the stored trials, so TPE proposes exactly what an
/// in-process study with the same seed and history proposes — past its random start-up.
#[test]
fn one_shot_asks_give_tpe_the_whole_history() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "tpe.db");
    gradus(&["study", "create", "--storage", &url, "--study", "t"]).ok();
    let space = r#"{"x": {"float": [-10, 10]}, "n": {"int": [1, 8]}}"#;
    let objective = |x: f64, n: i64| (x - 2.0).powi(2) + n as f64;
    let study = Study::builder()
        .sampler(TpeSampler::default())
        .seed(5)
        .build()
        .unwrap();
    let trials = 16;
    for _ in 0..trials {
        let v = gradus(&[
            "study",
            "ask",
            "--storage",
            &url,
            "--study",
            "t",
            "--space",
            space,
            "--seed",
            "5",
            "--json",
        ])
        .json();
        let (x, n) = (
            v["params"]["x"].as_f64().unwrap(),
            v["params"]["n"].as_i64().unwrap(),
        );
        let mut trial = study.ask().unwrap();
        let local = (
            trial
                .suggest("n", Distribution::int("n", 1, 8).unwrap())
                .unwrap(),
            trial
                .suggest("x", Distribution::float("x", -10.0, 10.0).unwrap())
                .unwrap(),
        );
        assert_eq!(
            local,
            (ParamValue::Int(n), ParamValue::Float(x)),
            "trial {}",
            v["trial"]
        );
        let value = objective(x, n);
        study.tell(trial, Ok::<f64, TrialError>(value)).unwrap();
        let number = v["trial"].to_string();
        gradus(&[
            "study",
            "tell",
            "--storage",
            &url,
            "--study",
            "t",
            "--trial",
            &number,
            "--value",
            &value.to_string(),
        ])
        .ok();
    }
    assert!(
        trials > TpeSampler::default().config().n_startup_trials,
        "past the random start-up"
    );
}

#[test]
fn every_command_explains_itself() {
    let top = gradus(&["--help"]);
    for word in ["study", "worker", "Exit codes"] {
        assert!(top.ok().contains(word), "{word}: {}", top.stdout);
    }
    let commands: [&[&str]; 10] = [
        &["study", "create"],
        &["study", "ask"],
        &["study", "tell"],
        &["study", "best"],
        &["study", "list"],
        &["study", "show"],
        &["study", "export"],
        &["study", "delete"],
        &["study", "copy"],
        &["worker"],
    ];
    for c in commands {
        let mut args = c.to_vec();
        args.push("--help");
        let run = assert_cmd::Command::new(common::bin())
            .args(&args)
            .assert()
            .success();
        let help = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
        assert!(
            help.contains("Usage: gradus") && help.contains("--help"),
            "{help}"
        );
    }
    let worker = gradus(&["worker", "--help"]);
    for word in [
        "GRADUS_PARAM_",
        "report STEP VALUE",
        "--n-trials",
        "--retry-failed",
        "Optuna",
    ] {
        assert!(worker.ok().contains(word), "{word}");
    }
    gradus(&[
        "study",
        "tell",
        "--storage",
        "memory:",
        "--study",
        "s",
        "--trial",
        "0",
    ])
    .fails(2, &["--value"]);
}
