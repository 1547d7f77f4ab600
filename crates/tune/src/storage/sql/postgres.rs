//! [`PostgresStorage`]: a study in a PostgreSQL database, shared by any number of worker
//! processes on any number of machines.
//!
//! - **Concurrency.** Rows are read with `FOR UPDATE` before they are changed; trial numbers
//!   are allocated under the study row's lock; the oldest Waiting trial is taken with
//!   `FOR UPDATE SKIP LOCKED`, so two workers never pop the same trial. Schema creation is
//!   serialized by an advisory lock.
//! - **Connection loss.** Before a transaction, a closed connection is re-opened with
//!   backoff (0.1 s doubling, 6 attempts) and then reported as an error naming the server. A
//!   transaction that fails because the connection dropped before its commit was sent is
//!   retried on a new connection (the server rolled it back); one that drops during the
//!   commit is reported, since it may or may not have been applied. A trial is never
//!   half-written: each call is one transaction.
//! - **Schemas.** `?schema=NAME` in the URL puts the tables in that PostgreSQL schema
//!   (created if missing), e.g. one per test or per project.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, NoTls, Statement};

use super::schema::Dialect;
use super::{Arg, Cell, Driver, SqlError, SqlStorage, Tx, delegate_storage};
use crate::error::{Error, Result};

/// Connection attempts before a lost server is reported.
const CONNECT_ATTEMPTS: u32 = 6;

/// Statements kept prepared per connection. The storage's statements are a few dozen; the
/// ones that list trial numbers vary, and past this many are prepared for one use.
const MAX_STATEMENTS: usize = 64;

/// An open connection and the statements prepared on it (each saves a round trip per use).
struct Connection {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// The PostgreSQL driver: one connection, used by one thread at a time.
struct Postgres {
    /// The URL given to the client (without gradus's own parameters).
    url: String,
    /// The URL without its password, for errors.
    location: String,
    schema: Option<String>,
    client: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("location", &self.location)
            .field("schema", &self.schema)
            .finish()
    }
}

/// A [`Storage`](crate::storage::Storage) in a PostgreSQL database, shared by any number of
/// processes on any number of machines; see the module docs of `gradus_tune::storage`.
#[derive(Debug)]
pub struct PostgresStorage {
    inner: SqlStorage,
}

delegate_storage!(PostgresStorage);

impl PostgresStorage {
    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/db`, also
    /// `postgresql://`; `?schema=NAME` selects a PostgreSQL schema) and checks or creates
    /// the study tables.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a URL that is not a PostgreSQL URL; [`Error::Storage`]
    /// naming the server when it cannot be reached; [`Error::IncompatibleDatabase`] when the
    /// database holds another program's tables or a newer schema (nothing is changed then).
    pub fn connect(url: &str) -> Result<PostgresStorage> {
        let (url, schema) = split_schema(url)?;
        let location = redact_url(&url);
        if let Err(e) = url.parse::<postgres::Config>() {
            return Err(Error::InvalidConfig {
                name: "storage URL",
                reason: format!(
                    "`{location}` is not a PostgreSQL URL ({e}); use \
                     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
                ),
            });
        }
        let driver = Postgres {
            url,
            location,
            schema,
            client: Mutex::new(None),
        };
        drop(driver.client()?);
        Ok(PostgresStorage {
            inner: SqlStorage::new(driver)?,
        })
    }
}

/// The URL without `schema=…`, and the schema.
fn split_schema(url: &str) -> Result<(String, Option<String>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let mut schema = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("schema", name)) => {
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(Error::InvalidConfig {
                        name: "storage URL",
                        reason: format!(
                            "invalid schema `{name}` in the storage URL: use letters, digits \
                             and _"
                        ),
                    });
                }
                schema = Some(name.to_owned());
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, schema))
}

/// The URL with its password replaced by `***`, for messages and logs:
/// `postgres://u:secret@h/db` becomes `postgres://u:***@h/db`; URLs without a password are
/// returned as they are.
///
/// ```
/// use gradus_tune::storage::redact_url;
/// assert_eq!(redact_url("postgres://u:pw@h:5432/db"), "postgres://u:***@h:5432/db");
/// assert_eq!(redact_url("sqlite:///tmp/s.db"), "sqlite:///tmp/s.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl Postgres {
    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An open connection, re-opened with backoff if it was lost.
    fn client(&self) -> Result<MutexGuard<'_, Option<Connection>>> {
        let mut guard = self.lock();
        if guard.as_ref().is_some_and(|c| !c.client.is_closed()) {
            return Ok(guard);
        }
        *guard = None;
        let mut delay = Duration::from_millis(100);
        let mut last = String::new();
        for attempt in 1..=CONNECT_ATTEMPTS {
            match self.open() {
                Ok(c) => {
                    *guard = Some(c);
                    return Ok(guard);
                }
                Err(e) => last = e,
            }
            if attempt < CONNECT_ATTEMPTS {
                std::thread::sleep(delay);
                delay *= 2;
            }
        }
        Err(Error::Storage(format!(
            "cannot reach {} after {CONNECT_ATTEMPTS} attempts: {last}; check that the server \
             is running and the URL is right",
            self.location
        )))
    }

    fn open(&self) -> std::result::Result<Connection, String> {
        let mut client = Client::connect(&self.url, NoTls).map_err(|e| e.to_string())?;
        if let Some(schema) = &self.schema {
            client
                .batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
                ))
                .map_err(|e| e.to_string())?;
        }
        Ok(Connection {
            client,
            statements: HashMap::new(),
        })
    }
}

fn sql_error(e: &postgres::Error) -> SqlError {
    let text = match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.to_string(),
    };
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        SqlError::Unique(text)
    } else {
        SqlError::Other(text)
    }
}

fn params<'a>(args: &'a [Arg<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    args.iter()
        .map(|a| match a {
            Arg::Int(v) => v as &(dyn ToSql + Sync),
            Arg::Real(v) => v as &(dyn ToSql + Sync),
            Arg::Text(v) => v as &(dyn ToSql + Sync),
        })
        .collect()
}

/// Statements on a transaction (writes) or on the connection itself (reads).
struct PgTx<'a, C: GenericClient> {
    client: &'a mut C,
    statements: &'a mut HashMap<String, Statement>,
}

impl<C: GenericClient> PgTx<'_, C> {
    /// The prepared statement of `sql`, prepared now if it is not yet.
    fn statement(&mut self, sql: &str) -> std::result::Result<Statement, SqlError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(|e| sql_error(&e))?;
        if self.statements.len() < MAX_STATEMENTS {
            self.statements.insert(sql.to_owned(), s.clone());
        }
        Ok(s)
    }
}

impl<C: GenericClient> Tx for PgTx<'_, C> {
    fn query(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> std::result::Result<Vec<Vec<Cell>>, SqlError> {
        let statement = self.statement(sql)?;
        let rows = self
            .client
            .query(&statement, &params(args))
            .map_err(|e| sql_error(&e))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_();
                        let cell = if *ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i)
                                .map(|v| v.map_or(Cell::Null, Cell::Int))
                        } else if *ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)
                                .map(|v| v.map_or(Cell::Null, |v| Cell::Int(v.into())))
                        } else if *ty == Type::FLOAT8 {
                            row.try_get::<_, Option<f64>>(i)
                                .map(|v| v.map_or(Cell::Null, Cell::Real))
                        } else {
                            row.try_get::<_, Option<String>>(i)
                                .map(|v| v.map_or(Cell::Null, Cell::Text))
                        };
                        cell.map_err(|e| sql_error(&e))
                    })
                    .collect()
            })
            .collect()
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<u64, SqlError> {
        let statement = self.statement(sql)?;
        self.client
            .execute(&statement, &params(args))
            .map_err(|e| sql_error(&e))
    }

    fn insert(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        id: &str,
    ) -> std::result::Result<i64, SqlError> {
        let statement = self.statement(&format!("{sql} RETURNING {id}"))?;
        let row = self
            .client
            .query_one(&statement, &params(args))
            .map_err(|e| sql_error(&e))?;
        row.try_get::<_, i64>(0).map_err(|e| sql_error(&e))
    }
}

impl Driver for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn location(&self) -> &str {
        &self.location
    }

    /// A write runs in a transaction; a read runs its statements on the connection (each
    /// sees the committed state when it runs), which saves the BEGIN and COMMIT round trips:
    /// the storage's reads need no snapshot shared between their statements.
    fn transaction(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> std::result::Result<(), SqlError>,
    ) -> std::result::Result<(), SqlError> {
        let mut retried = false;
        loop {
            let mut guard = self.client()?;
            let conn = guard.as_mut().expect("connected");
            let mut committing = false;
            let result = if write {
                let statements = &mut conn.statements;
                conn.client
                    .transaction()
                    .map_err(|e| sql_error(&e))
                    .and_then(|mut tx| {
                        f(&mut PgTx {
                            client: &mut tx,
                            statements,
                        })?;
                        committing = true;
                        tx.commit().map_err(|e| sql_error(&e))
                    })
            } else {
                f(&mut PgTx {
                    client: &mut conn.client,
                    statements: &mut conn.statements,
                })
            };
            if result.is_err() {
                // Forget statements that a failed transaction may have left unusable.
                conn.statements.clear();
            }
            let lost = conn.client.is_closed();
            match result {
                Err(_) if lost && !committing && !retried => {
                    // The server rolled the transaction back with the connection: run it
                    // again on a new one.
                    *guard = None;
                    retried = true;
                }
                Err(e) if lost => {
                    *guard = None;
                    let what = if committing {
                        "while committing; the change may or may not have been applied"
                    } else {
                        "twice in a row; nothing was applied"
                    };
                    return Err(SqlError::Other(format!(
                        "the connection was lost {what} ({})",
                        match e {
                            SqlError::Other(m) | SqlError::Unique(m) => m,
                            SqlError::Contract(e) => e.to_string(),
                        }
                    )));
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_schema_parameter_and_password_in_errors() {
        let (url, schema) =
            split_schema("postgres://u:secret@h:5432/db?schema=t1&connect_timeout=3").unwrap();
        assert_eq!(url, "postgres://u:secret@h:5432/db?connect_timeout=3");
        assert_eq!(schema.as_deref(), Some("t1"));
        assert_eq!(
            redact_url(&url),
            "postgres://u:***@h:5432/db?connect_timeout=3"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert!(matches!(
            split_schema("postgres://h/db?schema=x;drop"),
            Err(Error::InvalidConfig { .. })
        ));
        let e = PostgresStorage::connect("postgres://u:secret@h:port/db").unwrap_err();
        assert!(matches!(e, Error::InvalidConfig { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("`postgres://u:***@h:port/db` is not a PostgreSQL URL"),
            "{e}"
        );
        assert!(!e.contains("secret"), "{e}");
    }
}

/// Tests against the server named by `GRADUS_TEST_POSTGRES_URL` (skipped when it is unset;
/// failing when it is set but unreachable). Each storage gets its own schema.
#[cfg(test)]
mod server_tests {
    use super::*;
    use crate::storage::{Storage, conformance};
    use std::sync::Arc;

    /// The test server's URL, or `None` (with a note) when tests should skip it.
    pub(crate) fn server() -> Option<String> {
        match std::env::var("GRADUS_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                eprintln!("GRADUS_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped");
                None
            }
        }
    }

    /// A fresh schema on the test server.
    fn fresh(url: &str, tag: &str) -> String {
        let schema = format!(
            "gradus_test_{tag}_{}_{}",
            std::process::id(),
            crate::rng::entropy_seed() % 1_000_000_000
        );
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}schema={schema}")
    }

    #[test]
    fn passes_the_conformance_suite() {
        let Some(url) = server() else { return };
        conformance::run_all(|| Arc::new(PostgresStorage::connect(&fresh(&url, "c")).unwrap()));
        let (base, _) = split_schema(&url).unwrap();
        let mut c = Client::connect(&base, NoTls).unwrap();
        let prefix = format!("gradus_test_c_{}_%", std::process::id());
        for row in c
            .query(
                "SELECT schema_name::text FROM information_schema.schemata WHERE schema_name LIKE $1",
                &[&prefix],
            )
            .unwrap()
        {
            let name: String = row.get(0);
            c.batch_execute(&format!("DROP SCHEMA {name} CASCADE")).unwrap();
        }
    }

    #[test]
    fn an_unreachable_server_is_a_clear_error() {
        let e = PostgresStorage::connect("postgres://nobody:pw@127.0.0.1:1/none?connect_timeout=1")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("storage error: cannot reach postgres://nobody:***@127.0.0.1:1/none"),
            "{e}"
        );
    }

    #[test]
    fn foreign_and_newer_schemas_are_refused_untouched() {
        let Some(url) = server() else { return };
        let url = fresh(&url, "f");
        let s = PostgresStorage::connect(&url).unwrap();
        s.create_study("keep", crate::Direction::Minimize).unwrap();
        drop(s);
        let (base, schema) = split_schema(&url).unwrap();
        let schema = schema.unwrap();
        let mut c = Client::connect(&base, NoTls).unwrap();
        c.batch_execute(&format!(
            "UPDATE {schema}.gradus_meta SET value = '7' WHERE key = 'schema_version'"
        ))
        .unwrap();
        let e = PostgresStorage::connect(&url).unwrap_err().to_string();
        assert!(
            e.contains("has schema version 7, newer than this build's 1"),
            "{e}"
        );
        let foreign = format!("{schema}_x");
        c.batch_execute(&format!(
            "CREATE SCHEMA {foreign}; CREATE TABLE {foreign}.alembic_version (v text)"
        ))
        .unwrap();
        let e = PostgresStorage::connect(&format!("{base}?schema={foreign}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is not a gradus study database (it has tables alembic_version"),
            "{e}"
        );
        c.batch_execute(&format!(
            "DROP SCHEMA {schema} CASCADE; DROP SCHEMA {foreign} CASCADE"
        ))
        .unwrap();
    }

    /// Eight threads with their own connections create trials in one study at once: every
    /// number once, and every waiting trial popped once.
    #[test]
    fn concurrent_connections_allocate_and_pop_once() {
        let Some(url) = server() else { return };
        let url = fresh(&url, "p");
        let first = PostgresStorage::connect(&url).unwrap();
        let study = first.create_study("s", crate::Direction::Minimize).unwrap();
        for _ in 0..40 {
            first
                .create_trial(study, crate::TrialState::Waiting, Default::default())
                .unwrap();
        }
        let popped: Vec<u64> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let url = url.clone();
                    scope.spawn(move || {
                        let s = PostgresStorage::connect(&url).unwrap();
                        let mut mine = Vec::new();
                        while let Some(t) = s.pop_waiting_trial(study).unwrap() {
                            mine.push(t.number);
                            s.create_trial(study, crate::TrialState::Running, Default::default())
                                .unwrap();
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let mut popped = popped;
        popped.sort_unstable();
        assert_eq!(
            popped,
            (0..40).collect::<Vec<_>>(),
            "each waiting trial popped once"
        );
        let numbers: Vec<u64> = first
            .get_all_trials(study, None)
            .unwrap()
            .iter()
            .map(|t| t.number)
            .collect();
        assert_eq!(
            numbers,
            (0..80).collect::<Vec<_>>(),
            "numbers dense and unique"
        );
        let (base, schema) = split_schema(&url).unwrap();
        Client::connect(&base, NoTls)
            .unwrap()
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", schema.unwrap()))
            .unwrap();
    }
}
