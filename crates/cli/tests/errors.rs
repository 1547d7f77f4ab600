//! Bad storages and bad input: a clear message on stderr that names the file, URL, study or
//! parameter, exit code 2 (bad input) or 1 (runtime), nothing on stdout, and every file
//! byte for byte as it was.

mod common;

use std::path::Path;

use common::{gradus, sqlite_url};

const SPACE: &str = r#"{"x": {"float": [0, 1]}}"#;

/// Every command that opens `url`, run against it, must fail with `code` and mention
/// `parts`, leaving `file` (when given) unchanged.
fn refused_everywhere(url: &str, file: Option<&Path>, code: i32, parts: &[&str]) {
    let before = file.map(|f| std::fs::read(f).unwrap());
    let runs: [&[&str]; 7] = [
        &["study", "create", "--storage", url, "--study", "s"],
        &["study", "list", "--storage", url, "--json"],
        &["study", "show", "--storage", url, "--study", "s"],
        &[
            "study",
            "ask",
            "--storage",
            url,
            "--study",
            "s",
            "--space",
            SPACE,
            "--json",
        ],
        &[
            "study",
            "export",
            "--storage",
            url,
            "--study",
            "s",
            "--format",
            "json",
        ],
        &["study", "delete", "--storage", url, "--study", "s"],
        &[
            "worker",
            "--storage",
            url,
            "--study",
            "s",
            "--space",
            SPACE,
            "--n-trials",
            "1",
            "--",
            "echo",
            "1",
        ],
    ];
    for args in runs {
        gradus(args).fails(code, parts);
        if let (Some(f), Some(before)) = (file, &before) {
            assert_eq!(
                &std::fs::read(f).unwrap(),
                before,
                "{args:?} changed {}",
                f.display()
            );
        }
    }
}

/// Bytes from a seeded xorshift generator, never a SQLite header.
fn random_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn a_corrupt_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.db");
    std::fs::write(&path, random_bytes(8192, 42)).unwrap();
    let shown = path.display().to_string();
    refused_everywhere(
        &sqlite_url(dir.path(), "corrupt.db"),
        Some(&path),
        2,
        &[&shown, "not a SQLite database"],
    );
}

#[test]
fn a_foreign_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5);")
        .unwrap();
    drop(c);
    let shown = path.display().to_string();
    refused_everywhere(
        &sqlite_url(dir.path(), "app.db"),
        Some(&path),
        2,
        &[
            &shown,
            "is not a gradus study database (it has tables invoices",
            "nothing was changed",
        ],
    );
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "newer.db");
    let path = dir.path().join("newer.db");
    gradus(&["study", "create", "--storage", &url, "--study", "s"]).ok();
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute(
        "UPDATE gradus_meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    // Fold the write-ahead log into the file, so that the bytes compared are the database.
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .unwrap();
    drop(c);
    refused_everywhere(
        &url,
        Some(&path),
        2,
        &[
            "schema version 99, newer than this build's 1",
            "upgrade gradus",
        ],
    );
}

#[test]
fn an_unreachable_server_is_a_runtime_error() {
    let url = "postgres://postgres@127.0.0.1:1/x";
    gradus(&["study", "list", "--storage", url]).fails(
        1,
        &[
            "cannot reach postgres://postgres@127.0.0.1:1/x",
            "check that the server is running",
        ],
    );
    let secret = "postgres://me:hunter2@127.0.0.1:1/x";
    let e = gradus(&["study", "best", "--storage", secret, "--study", "s"]);
    assert!(
        !e.fails(1, &["postgres://me:***@127.0.0.1:1/x"])
            .contains("hunter2")
    );
}

#[test]
fn bad_urls_are_usage_errors() {
    gradus(&["study", "list", "--storage", "mysql://h/db"]).fails(
        2,
        &["`mysql://h/db` is not a storage URL; use memory:, sqlite:///"],
    );
    gradus(&["study", "list", "--storage", "sqlite://"]).fails(2, &["names no file"]);
    gradus(&["study", "list", "--storage", "postgres://u:pw@h:port/db"])
        .fails(2, &["`postgres://u:***@h:port/db` is not a PostgreSQL URL"]);
    gradus(&["study", "list", "--storage", "sqlite:///tmp/x.db?sync=1"])
        .fails(2, &["unknown option `sync=1`"]);
}

#[test]
fn unknown_studies_trials_and_bad_values_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "s.db");
    let path = dir.path().join("s.db");
    gradus(&["study", "create", "--storage", &url, "--study", "s"]).ok();
    let before = std::fs::read(&path).unwrap();
    let stderr = gradus(&["study", "show", "--storage", &url, "--study", "nope"])
        .fails(
            2,
            &[
                "study `nope` in sqlite://",
                "does not exist; create it with `gradus study create",
            ],
        )
        .to_owned();
    assert!(stderr.starts_with("gradus: error: "), "{stderr}");
    gradus(&[
        "study",
        "tell",
        "--storage",
        &url,
        "--study",
        "s",
        "--trial",
        "4",
        "--value",
        "1",
    ])
    .fails(2, &["study `s`", "trial 4", "does not exist"]);
    gradus(&[
        "study",
        "tell",
        "--storage",
        &url,
        "--study",
        "s",
        "--trial",
        "0",
        "--value",
        "nan",
    ])
    .fails(2, &["--value NaN is not a finite number"]);
    gradus(&["study", "best", "--storage", &url, "--study", "s"])
        .fails(1, &["study `s`", "has no complete trial yet"]);
    gradus(&[
        "study",
        "export",
        "--storage",
        &url,
        "--study",
        "s",
        "--format",
        "xml",
    ])
    .fails(2, &["invalid value 'xml'"]);
    gradus(&[
        "study",
        "copy",
        "--from",
        &url,
        "--to",
        &sqlite_url(dir.path(), "c.db"),
        "--study",
        "nope",
    ])
    .fails(2, &["study `nope`", "does not exist"]);
    assert!(
        !dir.path().join("c.db").exists()
            || gradus(&[
                "study",
                "list",
                "--storage",
                &sqlite_url(dir.path(), "c.db"),
                "--json"
            ])
            .json()
                == serde_json::json!([])
    );
    gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        SPACE,
        "--heartbeat",
        "90",
        "--",
        "true",
    ])
    .fails(
        2,
        &[
            "heartbeat",
            "must be positive and shorter than the grace period",
        ],
    );
    gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        SPACE,
        "--heartbeat",
        "0",
        "--",
        "true",
    ])
    .fails(2, &["not a positive number of seconds"]);
    // Reading and failing commands wrote nothing (the WAL aside, the file is unchanged).
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn bad_spaces_are_usage_errors_that_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "s.db");
    let path = dir.path().join("s.db");
    gradus(&["study", "create", "--storage", &url, "--study", "s"]).ok();
    let before = std::fs::read(&path).unwrap();
    let cases = [
        ("{\"x\": ", "--space: not valid JSON"),
        ("[]", "--space: expected a JSON object"),
        (
            r#"{"lr": {"float": [1, 0.1]}}"#,
            "--space: parameter `lr`: parameter `lr`: low (1) is greater than high (0.1); swap the bounds",
        ),
        (
            r#"{"n": {"int": [1, 2.5]}}"#,
            "--space: parameter `n`: invalid type: floating point `2.5`, expected i64",
        ),
        (
            r#"{"a": {"choice": ["x"], "step": 1}}"#,
            "`log` and `step` do not apply to a choice",
        ),
    ];
    for (space, message) in cases {
        gradus(&[
            "study",
            "ask",
            "--storage",
            &url,
            "--study",
            "s",
            "--space",
            space,
        ])
        .fails(2, &[message]);
        gradus(&[
            "worker",
            "--storage",
            &url,
            "--study",
            "s",
            "--space",
            space,
            "--",
            "true",
        ])
        .fails(2, &[message]);
    }
    gradus(&[
        "worker",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        r#"{"a-b": {"int": [1, 2]}, "a_b": {"int": [1, 2]}}"#,
        "--",
        "true",
    ])
    .fails(
        2,
        &["parameters `a-b` and `a_b` both become GRADUS_PARAM_A_B"],
    );
    let missing = dir.path().join("missing.json");
    let arg = format!("@{}", missing.display());
    gradus(&[
        "study",
        "ask",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        &arg,
    ])
    .fails(2, &[&arg, "cannot read the file"]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "no trial was created"
    );
    assert_eq!(common::export(&url, "s").len(), 0);
    // A space that conflicts with the study's: the trial it started is failed, not left running.
    gradus(&[
        "study",
        "ask",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        SPACE,
    ])
    .ok();
    gradus(&[
        "study",
        "ask",
        "--storage",
        &url,
        "--study",
        "s",
        "--space",
        r#"{"x": {"int": [0, 1]}}"#,
    ])
    .fails(
        2,
        &[
            "trial 1",
            "parameter `x` is float [0, 1] in this study but was suggested as int",
        ],
    );
    let trials = common::export(&url, "s");
    assert_eq!(trials[1]["state"], "failed");
}
