//! A worker killed mid-trial (SIGKILL while its command sleeps): another worker fails the
//! orphaned trial through the heartbeat, re-runs it with the same parameters, finishes the
//! study, and every trial completed before the kill keeps its value.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, check_finished_except, export, gradus, sqlite_url};
use serde_json::Value;

/// Worker settings: beat every 0.2 s, fail a trial after 1 s of silence, retry it once.
const HEARTBEAT: [&str; 6] = [
    "--heartbeat",
    "0.2",
    "--grace-period",
    "1",
    "--retry-failed",
    "1",
];

fn worker(url: &str, n_trials: &str, script: &str, dir: &Path) -> std::process::Child {
    let mut args = vec![
        "worker",
        "--storage",
        url,
        "--study",
        "k",
        "--space",
        r#"{"x": {"float": [0, 10]}}"#,
        "--n-trials",
        n_trials,
        "--sampler",
        "random",
        "--seed",
        "11",
    ];
    args.extend(HEARTBEAT);
    args.extend(["--", "sh", "-c", script]);
    Command::new(bin())
        .args(&args)
        .env("KILL_TEST_DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_workers_trial_is_failed_and_retried_by_another() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "kill.db");
    gradus(&["study", "create", "--storage", &url, "--study", "k"]).ok();
    // Trial 2 writes its pid and sleeps; the others answer at once.
    let script = "if [ \"$GRADUS_TRIAL\" = 2 ]; then echo $$ > \"$KILL_TEST_DIR/pid.tmp\"; \
                  mv \"$KILL_TEST_DIR/pid.tmp\" \"$KILL_TEST_DIR/pid\"; exec sleep 30; fi; \
                  echo \"$GRADUS_PARAM_X\"";
    let mut doomed = worker(&url, "5", script, dir.path());
    let pid_file = dir.path().join("pid");
    let start = Instant::now();
    while !pid_file.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "trial 2 never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = export(&url, "k");
    assert_eq!(before.len(), 3);
    assert_eq!(before[2]["state"], "running");
    doomed.kill().unwrap(); // SIGKILL: no clean-up, no more heartbeats.
    doomed.wait().unwrap();
    let sleeper = std::fs::read_to_string(&pid_file).unwrap();
    let _ = Command::new("kill").args(["-9", sleeper.trim()]).status();

    // Past the grace period, the next worker's first ask fails trial 2 and queues its retry.
    std::thread::sleep(Duration::from_millis(1300));
    let mut rescuer = worker(&url, "3", "echo \"$GRADUS_PARAM_X\"", dir.path());
    assert!(rescuer.wait().unwrap().success());

    let after = export(&url, "k");
    assert_eq!(after.len(), 6, "3 before the kill, 3 by the second worker");
    for t in &before[..2] {
        let n = t["number"].as_u64().unwrap() as usize;
        assert_eq!(after[n]["state"], "complete");
        assert_eq!(after[n]["value"], t["value"], "trial {n} kept its value");
        assert_eq!(after[n]["params"], t["params"]);
    }
    let dead = &after[2];
    assert_eq!(dead["state"], "failed");
    let reason = dead["system_attrs"]["fail_reason"].as_str().unwrap();
    assert!(reason.starts_with("no heartbeat for"), "{reason}");
    let retries: Vec<&Value> = after
        .iter()
        .filter(|t| t["system_attrs"]["retried_from"] == 2)
        .collect();
    assert_eq!(retries.len(), 1, "one retry");
    assert_eq!(retries[0]["number"], 3, "the retry runs first");
    assert_eq!(retries[0]["state"], "complete");
    assert_eq!(
        retries[0]["params"], dead["params"],
        "with the same parameters"
    );
    check_finished_except(&url, "k", 6, &[2]);
}
