//! `gradus worker` processes sharing a study: 4 on one SQLite file and 8 on one PostgreSQL
//! database, 200 trials each; one-shot ask / tell loops in threads; what a trial's command
//! can do wrong; pruning from `report` lines.

mod common;

use std::thread;

use common::{check_finished, export, gradus, spawn, sqlite_url, unique};

/// The objective: the parameter itself, so the best value is the smallest x drawn.
const ECHO_X: &str = "echo \"$GRADUS_PARAM_X\"";
const SPACE_X: &str = r#"{"x": {"float": [-100, 100]}, "act": {"choice": ["relu", "tanh"]}}"#;

/// Runs `workers` worker processes of `per_worker` trials on `study` at once and waits.
fn run_workers(url: &str, study: &str, workers: usize, per_worker: usize) {
    let n = per_worker.to_string();
    let children: Vec<_> = (0..workers)
        .map(|i| {
            let seed = i.to_string();
            spawn(&[
                "worker",
                "--storage",
                url,
                "--study",
                study,
                "--space",
                SPACE_X,
                "--n-trials",
                &n,
                "--seed",
                &seed,
                "--",
                "sh",
                "-c",
                ECHO_X,
            ])
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "worker failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn four_workers_share_a_sqlite_study() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "shared.db");
    gradus(&["study", "create", "--storage", &url, "--study", "w"]).ok();
    run_workers(&url, "w", 4, 50);
    check_finished(&url, "w", 200);
}

#[test]
fn eight_workers_share_a_postgres_study() {
    let Some(url) = common::postgres() else {
        return;
    };
    let study = unique("cli-workers");
    gradus(&["study", "create", "--storage", &url, "--study", &study]).ok();
    run_workers(&url, &study, 8, 25);
    check_finished(&url, &study, 200);
    gradus(&["study", "delete", "--storage", &url, "--study", &study]).ok();
}

/// Threads that loop `study ask` / `study tell`, each call its own process.
#[test]
fn ask_tell_loops_in_threads_lose_no_trial() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "asktell.db");
    gradus(&["study", "create", "--storage", &url, "--study", "a"]).ok();
    thread::scope(|s| {
        for i in 0..4 {
            let url = &url;
            s.spawn(move || {
                for _ in 0..6 {
                    let seed = i.to_string();
                    let v = gradus(&[
                        "study",
                        "ask",
                        "--storage",
                        url,
                        "--study",
                        "a",
                        "--space",
                        SPACE_X,
                        "--sampler",
                        "random",
                        "--seed",
                        &seed,
                        "--json",
                    ])
                    .json();
                    let number = v["trial"].to_string();
                    let value = v["params"]["x"].to_string();
                    gradus(&[
                        "study",
                        "tell",
                        "--storage",
                        url,
                        "--study",
                        "a",
                        "--trial",
                        &number,
                        "--value",
                        &value,
                    ])
                    .ok();
                }
            });
        }
    });
    check_finished(&url, "a", 24);
}

/// A command that fails, prints garbage, or prints nothing fails its trial with the
/// reason; the worker goes on and exits 0. A command that cannot start ends the worker.
#[test]
fn failing_commands_fail_their_trials_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "fail.db");
    gradus(&["study", "create", "--storage", &url, "--study", "f"]).ok();
    let script = "case $GRADUS_TRIAL in \
        0) echo 'bad input' >&2; exit 3;; \
        1) echo 'loss: low';; \
        2) true;; \
        3) echo inf;; \
        *) read -r params; echo \"$params\" >&2; echo \"$GRADUS_STUDY $GRADUS_PARAM_X\" >&2; \
           echo 'report 0 1.5'; echo; echo \"$GRADUS_PARAM_X\";; esac";
    let run = gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "f",
        "--space",
        r#"{"x": {"int": [1, 9]}}"#,
        "--n-trials",
        "5",
        "--pruner",
        "none",
        "--",
        "sh",
        "-c",
        script,
    ]);
    let stdout = run.ok();
    assert!(stdout.contains("worker done: 5 trials"), "{stdout}");
    assert!(
        stdout.contains("(1 complete, 0 pruned, 4 failed)"),
        "{stdout}"
    );
    assert!(
        run.stderr.contains("bad input"),
        "stderr passes through: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("gradus worker: trial 1 failed: "),
        "{}",
        run.stderr
    );
    let trials = export(&url, "f");
    let reason = |i: usize| {
        trials[i]["system_attrs"]["fail_reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        reason(0),
        "`sh` exited with exit status: 3; the end of its stderr:\nbad input"
    );
    assert_eq!(
        reason(1),
        "the last line of `sh`'s stdout, `loss: low`, is not a finite number; print the \
         objective value as the last line"
    );
    assert_eq!(
        reason(2),
        "`sh` printed nothing on stdout; print the objective value as its last line"
    );
    assert!(reason(3).contains("`inf`, is not a finite number"));
    let x = trials[4]["params"]["x"].as_i64().unwrap();
    assert_eq!(trials[4]["state"], "complete");
    assert_eq!(trials[4]["value"].as_f64(), Some(x as f64));
    assert_eq!(trials[4]["intermediate_values"]["0"], 1.5);
    // The command read its parameters as JSON on stdin and saw the study's name.
    assert!(
        run.stderr.contains(&format!("{{\"x\":{x}}}\nf {x}\n")),
        "{}",
        run.stderr
    );

    let missing = gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "f",
        "--space",
        r#"{"x": {"int": [1, 9]}}"#,
        "--n-trials",
        "5",
        "--",
        "/nonexistent/objective",
    ]);
    missing.fails(
        2,
        &[
            "study `f` in sqlite://",
            "trial 5: cannot start `/nonexistent/objective`",
        ],
    );
    let trials = export(&url, "f");
    assert_eq!(trials.len(), 6, "one trial tried, none left Running");
    assert_eq!(trials[5]["state"], "failed");
}

/// With the median pruner, `report` lines worse than the median of earlier trials stop the
/// command (it is killed before it finishes) and the trial is Pruned with its last
/// intermediate value.
#[test]
fn reports_worse_than_the_median_are_pruned_and_killed() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "prune.db");
    gradus(&["study", "create", "--storage", &url, "--study", "p"]).ok();
    let done = dir.path().join("done");
    std::fs::create_dir(&done).unwrap();
    let script = format!(
        "echo \"report 0 $GRADUS_PARAM_X\"; sleep 0.3; echo \"report 1 $GRADUS_PARAM_X\"; \
         touch {}/$GRADUS_TRIAL; echo \"$GRADUS_PARAM_X\"",
        done.display()
    );
    gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "p",
        "--space",
        r#"{"x": {"float": [0, 1]}}"#,
        "--n-trials",
        "12",
        "--sampler",
        "random",
        "--seed",
        "3",
        "--",
        "sh",
        "-c",
        &script,
    ])
    .ok();
    let trials = export(&url, "p");
    let pruned: Vec<&serde_json::Value> =
        trials.iter().filter(|t| t["state"] == "pruned").collect();
    assert!(!pruned.is_empty(), "some trial is pruned: {trials:?}");
    for t in &trials[..5] {
        assert_eq!(
            t["state"], "complete",
            "the first 5 trials are never pruned"
        );
    }
    for t in pruned {
        let n = t["number"].as_u64().unwrap();
        assert!(n >= 5);
        assert_eq!(
            t["value"], t["params"]["x"],
            "a pruned trial keeps its last report"
        );
        assert_eq!(t["intermediate_values"].as_object().unwrap().len(), 1);
        assert!(
            !done.join(n.to_string()).exists(),
            "trial {n} was killed at step 0"
        );
    }
}
