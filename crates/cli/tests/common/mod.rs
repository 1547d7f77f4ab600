//! What the command-line tests share: running `gradus`, storages to run it on.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The built `gradus` binary.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin!("gradus").to_path_buf()
}

/// What a finished `gradus` run left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit code 0 and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Asserts exit code 0 and parses stdout as exactly one JSON document.
    pub fn json(&self) -> Value {
        let out = self.ok();
        assert!(
            out.ends_with('\n') && out.trim_end().lines().count() == 1,
            "one line of JSON: {out:?}"
        );
        serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }

    /// Asserts exit code `code`, an empty stdout, and a stderr containing every one of
    /// `parts`; returns stderr.
    pub fn fails(&self, code: i32, parts: &[&str]) -> &str {
        assert_eq!(self.code, code, "{self:#?}");
        assert_eq!(self.stdout, "", "{self:#?}");
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "stderr lacks {p:?}: {}",
                self.stderr
            );
        }
        &self.stderr
    }
}

/// Runs `gradus ARGS` to completion.
pub fn gradus(args: &[&str]) -> Run {
    run(Command::new(bin()).args(args))
}

/// Runs `gradus ARGS` to completion in the working directory `dir`.
pub fn gradus_in(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(bin()).args(args).current_dir(dir))
}

fn run(command: &mut Command) -> Run {
    let out = command.stdin(Stdio::null()).output().expect("gradus runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Starts `gradus ARGS` in the background (stdout and stderr discarded unless asked).
pub fn spawn(args: &[&str]) -> Child {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gradus starts")
}

/// `sqlite://` URL of `file` in `dir`.
pub fn sqlite_url(dir: &Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

/// The test PostgreSQL server (schema `gradus_cli_tests`), or `None` with a note when
/// `GRADUS_TEST_POSTGRES_URL` is unset (tests then skip it; a set but unreachable server
/// fails them).
pub fn postgres() -> Option<String> {
    match std::env::var("GRADUS_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let sep = if url.contains('?') { '&' } else { '?' };
            Some(format!("{url}{sep}schema=gradus_cli_tests"))
        }
        _ => {
            eprintln!("GRADUS_TEST_POSTGRES_URL is not set: PostgreSQL CLI tests skipped");
            None
        }
    }
}

/// A study name no other run uses.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// The study's trials as `study export --format json` gives them.
pub fn export(url: &str, study: &str) -> Vec<Value> {
    let run = gradus(&[
        "study",
        "export",
        "--storage",
        url,
        "--study",
        study,
        "--format",
        "json",
    ]);
    match serde_json::from_str(run.ok()) {
        Ok(Value::Array(trials)) => trials,
        other => panic!("export is not a JSON array: {other:?}"),
    }
}

/// Checks a study that workers finished: `n` trials numbered 0..n, each once, all in
/// `Complete` state, and `study best` equal to the minimum of their values.
pub fn check_finished(url: &str, study: &str, n: usize) {
    check_finished_except(url, study, n, &[]);
}

/// [`check_finished`] where the trials numbered in `failed` are Failed instead.
pub fn check_finished_except(url: &str, study: &str, n: usize, failed: &[u64]) {
    let trials = export(url, study);
    let number = |t: &Value| t["number"].as_u64().unwrap();
    let mut numbers: Vec<u64> = trials.iter().map(number).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (0..n as u64).collect::<Vec<_>>(),
        "every number once"
    );
    for t in &trials {
        let expected = if failed.contains(&number(t)) {
            "failed"
        } else {
            "complete"
        };
        assert_eq!(t["state"], expected, "{t}");
    }
    let (min_number, min) = trials
        .iter()
        .filter(|t| t["state"] == "complete")
        .map(|t| (number(t), t["value"].as_f64().unwrap()))
        .fold((0, f64::INFINITY), |b, c| if c.1 < b.1 { c } else { b });
    let best = gradus(&[
        "study",
        "best",
        "--storage",
        url,
        "--study",
        study,
        "--json",
    ])
    .json();
    assert_eq!(best["value"].as_f64(), Some(min));
    assert_eq!(best["trial"].as_u64(), Some(min_number));
}
