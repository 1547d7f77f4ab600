//! A `gradus tune` killed mid-study: the next run resumes the same study, and its trials
//! continue the numbering after every trial the killed run started.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, gradus, gradus_in};

const SPEC: &str = r#"name = "slow"

[data]
bundled = "diabetes"
scaling = "standard"

[[model.layers]]
type = "dense"
units = 32
activation = "relu"

[[model.layers]]
type = "dense"
units = 1

[compile]
optimizer = "adam"
loss = "mse"

[fit]
epochs = 40
batch_size = 8

[tune]
sampler = "random"
pruner = "none"
n_trials = 10000

[tune.space]
"compile.optimizer.learning_rate" = { float = [1e-4, 0.1], log = true }
"#;

#[test]
fn a_killed_tune_is_resumed_and_numbering_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("slow.toml"), SPEC).unwrap();
    let mut child = Command::new(bin())
        .args(["tune", "slow.toml", "-q"])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let db = d.join("runs/slow-tune/study.db");
    let url = format!("sqlite://{}", db.display());
    let start = Instant::now();
    let complete = |url: &str| {
        let out = gradus(&["study", "list", "--storage", url, "--json"]);
        (out.code == 0)
            .then(|| serde_json::from_str::<serde_json::Value>(&out.stdout).ok())
            .flatten()
            .and_then(|v| v[0]["n_complete"].as_u64())
            .unwrap_or(0)
    };
    while start.elapsed() < Duration::from_secs(120) && !(db.exists() && complete(&url) >= 3) {
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(complete(&url) >= 3, "no 3 trials after 2 minutes");
    let started = gradus(&["study", "list", "--storage", &url, "--json"]).json()[0]["n_trials"]
        .as_u64()
        .unwrap();
    let v = gradus_in(d, &["tune", "slow.toml", "--n-trials", "2", "--json"]).json();
    assert_eq!(v["trials"].as_u64().unwrap(), started + 2, "{v}");
    assert!(v["complete"].as_u64().unwrap() >= 5, "{v}");
    let csv = std::fs::read_to_string(d.join("runs/slow-tune/trials.csv")).unwrap();
    let numbers: Vec<u64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (0..started + 2).collect::<Vec<_>>());
}
