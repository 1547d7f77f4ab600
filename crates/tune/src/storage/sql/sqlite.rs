//! [`SqliteStorage`]: a study in one SQLite file (bundled SQLite), shared by the processes
//! of one machine.
//!
//! - **Concurrency.** WAL journal: readers never block the writer. A write transaction
//!   begins `IMMEDIATE` (it takes the write lock up front, so two writers never deadlock
//!   upgrading a read lock); a writer that finds the lock taken waits up to the busy timeout,
//!   and a transaction that still fails with "database is locked" is retried with backoff.
//! - **Durability.** [`SqliteDurability::Normal`] (default) is `synchronous=NORMAL` in WAL
//!   mode: a committed trial survives a killed process; the last commits may be lost on
//!   power loss or an OS crash. [`SqliteDurability::Full`] syncs every commit to the disk:
//!   it survives power loss and costs a disk flush per write.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::schema::Dialect;
use super::{Arg, Cell, Driver, SqlError, SqlStorage, Tx, delegate_storage};
use crate::error::{Error, Result};

/// How hard a commit tries to reach the disk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqliteDurability {
    /// `synchronous=NORMAL`: survives a killed process; may lose the last commits on power
    /// loss.
    #[default]
    Normal,
    /// `synchronous=FULL`: a disk flush per commit; survives power loss.
    Full,
}

/// Options of [`SqliteStorage::open_with`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqliteOptions {
    /// Durability of commits (default [`SqliteDurability::Normal`]).
    pub durability: SqliteDurability,
    /// How long a writer waits for another process's write lock before its transaction is
    /// retried (default 30 s).
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            durability: SqliteDurability::Normal,
            busy_timeout: Duration::from_secs(30),
        }
    }
}

/// Attempts of a transaction that still finds the database locked after the busy timeout.
const BUSY_ATTEMPTS: u32 = 5;

/// The SQLite driver: one connection, used by one thread at a time.
#[derive(Debug)]
struct Sqlite {
    location: String,
    conn: Mutex<Connection>,
}

/// A [`Storage`](crate::storage::Storage) in a SQLite database file; see the module docs of
/// `gradus_tune::storage` and [`SqliteOptions`].
///
/// ```
/// use gradus_tune::storage::{SqliteStorage, Storage};
/// use gradus_tune::Direction;
/// let dir = tempfile::tempdir().unwrap();
/// let s = SqliteStorage::open(dir.path().join("study.db")).unwrap();
/// let id = s.create_study("demo", Direction::Minimize).unwrap();
/// assert_eq!(s.study_name(id).unwrap(), "demo");
/// ```
#[derive(Debug)]
pub struct SqliteStorage {
    inner: SqlStorage,
    path: PathBuf,
}

delegate_storage!(SqliteStorage);

impl SqliteStorage {
    /// Opens (creating if needed) the study database at `path` with default options.
    ///
    /// # Errors
    /// [`Error::IncompatibleDatabase`] naming the file when it is not a SQLite database,
    /// belongs to another program, or has a newer schema — nothing is changed then;
    /// [`Error::Storage`] when it cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage> {
        SqliteStorage::open_with(path, &SqliteOptions::default())
    }

    /// Opens the database at `path` with `options`.
    ///
    /// # Errors
    /// As [`SqliteStorage::open`].
    pub fn open_with(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<SqliteStorage> {
        let path = path.as_ref().to_path_buf();
        let location = format!("sqlite {}", path.display());
        let err = |e: rusqlite::Error| {
            let message = format!("{location}: {}", describe(&e));
            if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
                Error::IncompatibleDatabase(message)
            } else {
                Error::Storage(message)
            }
        };
        let conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(options.busy_timeout).map_err(err)?;
        // Reading the schema is the first check that the file is a database at all.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .map_err(err)?;
        let sync = match options.durability {
            SqliteDurability::Normal => "NORMAL",
            SqliteDurability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", sync).map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err)?;
        // Switch to WAL only once the file is known to be ours (the schema check passed).
        let inner = SqlStorage::new(Sqlite {
            location: location.clone(),
            conn: Mutex::new(conn),
        })?;
        let wal = Connection::open(&path).map_err(err)?;
        wal.busy_timeout(options.busy_timeout).map_err(err)?;
        wal.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        Ok(SqliteStorage { inner, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Sqlite {
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A driver error with a hint for the usual causes.
fn describe(e: &rusqlite::Error) -> String {
    let hint = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "; it is not a SQLite database: point the storage at a new file or a gradus study \
             database"
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "; another process held the database past the busy timeout"
        }
        Some(ErrorCode::CannotOpen) => "; check that the directory exists and is writable",
        Some(ErrorCode::ReadOnly) => "; the file or its directory is read-only",
        _ => "",
    };
    format!("{e}{hint}")
}

fn sql_error(e: rusqlite::Error) -> SqlError {
    match e.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => SqlError::Unique(describe(&e)),
        _ => SqlError::Other(describe(&e)),
    }
}

fn is_busy(e: &SqlError) -> bool {
    matches!(e, SqlError::Other(m) if m.contains("database is locked") || m.contains("database is busy"))
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Arg::Int(v) => ToSqlOutput::Owned(SqlValue::Integer(v)),
            Arg::Real(v) => ToSqlOutput::Owned(SqlValue::Real(v)),
            Arg::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

struct SqliteTx<'a, 'c>(&'a rusqlite::Transaction<'c>);

impl Tx for SqliteTx<'_, '_> {
    fn query(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> std::result::Result<Vec<Vec<Cell>>, SqlError> {
        let mut stmt = self.0.prepare_cached(sql).map_err(sql_error)?;
        let n = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(args.iter()))
            .map_err(sql_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sql_error)? {
            let mut cells = Vec::with_capacity(n);
            for i in 0..n {
                cells.push(match row.get_ref(i).map_err(sql_error)? {
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Null => Cell::Null,
                    ValueRef::Blob(_) => {
                        return Err(SqlError::Other(format!("column {i} holds a blob")));
                    }
                });
            }
            out.push(cells);
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<u64, SqlError> {
        let mut stmt = self.0.prepare_cached(sql).map_err(sql_error)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(args.iter()))
            .map_err(sql_error)?;
        Ok(n as u64)
    }

    fn insert(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        _id: &str,
    ) -> std::result::Result<i64, SqlError> {
        self.execute(sql, args)?;
        Ok(self.0.last_insert_rowid())
    }
}

impl Driver for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn location(&self) -> &str {
        &self.location
    }

    fn transaction(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> std::result::Result<(), SqlError>,
    ) -> std::result::Result<(), SqlError> {
        let behavior = if write {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        let mut conn = self.conn();
        let mut attempt = 1;
        loop {
            let result = conn
                .transaction_with_behavior(behavior)
                .map_err(sql_error)
                .and_then(|tx| {
                    f(&mut SqliteTx(&tx))?;
                    tx.commit().map_err(sql_error)
                });
            match result {
                Err(e) if is_busy(&e) && attempt < BUSY_ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(10 << attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{Storage, conformance};
    use crate::trial_state::Direction;
    use std::sync::Arc;

    #[test]
    fn passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        conformance::run_all(|| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Arc::new(SqliteStorage::open(dir.path().join(format!("s{n}.db"))).unwrap())
        });
    }

    /// A file that is not a database, one of another program, and a newer schema are refused
    /// without being changed.
    #[test]
    fn foreign_corrupt_and_newer_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.db");
        std::fs::write(
            &text,
            "these are not the trials you are looking for\n".repeat(100),
        )
        .unwrap();
        let before = std::fs::read(&text).unwrap();
        let e = SqliteStorage::open(&text).unwrap_err();
        assert!(matches!(e, Error::IncompatibleDatabase(_)), "{e:?}");
        let e = e.to_string();
        assert!(e.contains("it is not a SQLite database"), "{e}");
        assert_eq!(std::fs::read(&text).unwrap(), before, "nothing written");

        let foreign = dir.path().join("optuna.db");
        let c = Connection::open(&foreign).unwrap();
        c.execute_batch(
            "CREATE TABLE studies (study_id INTEGER); CREATE TABLE alembic_version (v TEXT);",
        )
        .unwrap();
        drop(c);
        let e = SqliteStorage::open(&foreign).unwrap_err();
        assert!(matches!(e, Error::IncompatibleDatabase(_)), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("is not a gradus study database (it has tables alembic_version, studies"),
            "{e}"
        );

        let newer = dir.path().join("newer.db");
        let s = SqliteStorage::open(&newer).unwrap();
        s.create_study("keep", Direction::Minimize).unwrap();
        drop(s);
        let c = Connection::open(&newer).unwrap();
        c.execute(
            "UPDATE gradus_meta SET value = '99' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
        drop(c);
        let e = SqliteStorage::open(&newer).unwrap_err();
        assert!(matches!(e, Error::IncompatibleDatabase(_)), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("has schema version 99, newer than this build's 1"),
            "{e}"
        );
        let c = Connection::open(&newer).unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM studies WHERE name = 'keep'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "the study is still there");
    }

    /// Two storage objects on one file (as two processes would be) see each other's
    /// trials, and the cache of one picks up what the other finished.
    #[test]
    fn two_connections_share_one_study() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let a = SqliteStorage::open(&path).unwrap();
        let b = SqliteStorage::open(&path).unwrap();
        let study = a.create_study("s", Direction::Minimize).unwrap();
        let t = a
            .create_trial(study, crate::TrialState::Running, Default::default())
            .unwrap();
        assert_eq!(b.get_all_trials(study, None).unwrap().len(), 1);
        b.set_trial_state_value(t.id, crate::TrialState::Complete, Some(2.0))
            .unwrap();
        let seen = a.get_all_trials(study, None).unwrap();
        assert_eq!(seen[0].value, Some(2.0));
        assert_eq!(b.get_best_trial(study).unwrap().value, Some(2.0));
    }
}
