//! [`SqlStorage`]: the [`Storage`] contract on a SQL database, written once for every
//! [`Driver`] (SQLite, PostgreSQL).
//!
//! - **One transaction per call.** Every write reads the rows it changes inside its
//!   transaction (locking them where the database can: `FOR UPDATE`), applies the contract's
//!   rules ([`super::rules`]) and writes them back; a crash at any point leaves the trial as
//!   it was or as it is after the whole call, never half-written.
//! - **Trial numbers** are allocated by incrementing `studies.next_number` in the
//!   transaction that inserts the trial, which locks the study row: numbers are dense and
//!   committed in order, which the [`TrialCache`] relies on.
//! - **Atomic pop**: the oldest Waiting row is taken with `FOR UPDATE SKIP LOCKED` (PostgreSQL)
//!   or under SQLite's single writer.
//! - **Reads** of a study's trials fetch only the trials this process has not seen finished.
//! - **Schema**: checked (and created or migrated) when the storage opens; see
//!   [`schema`].

pub(crate) mod cache;
pub(crate) mod document;
pub(crate) mod postgres;
pub(crate) mod schema;
pub(crate) mod sqlite;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use self::cache::{TrialCache, Unseen};
use self::document::{decode, decode_map, encode, encode_map, state_name};
use self::schema::Dialect;
use super::{Storage, rules};
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::frozen_trial::{FrozenTrial, StudyId, TrialId, now_secs};
use crate::param::ParamValue;
use crate::trial_state::{Direction, TrialState};

/// A value bound to a statement parameter (`$1`, `$2`, … in the statements below).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// A value read from a row.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    Int(i64),
    Real(f64),
    Text(String),
    Null,
}

impl Cell {
    fn int(&self) -> Result<i64> {
        match self {
            Cell::Int(v) => Ok(*v),
            other => Err(Error::Storage(format!(
                "expected an integer column, read {other:?}"
            ))),
        }
    }

    fn real(&self) -> Result<Option<f64>> {
        match self {
            Cell::Real(v) => Ok(Some(*v)),
            Cell::Int(v) => Ok(Some(*v as f64)),
            Cell::Null => Ok(None),
            other => Err(Error::Storage(format!(
                "expected a number column, read {other:?}"
            ))),
        }
    }

    fn text(&self) -> Result<&str> {
        match self {
            Cell::Text(v) => Ok(v),
            other => Err(Error::Storage(format!(
                "expected a text column, read {other:?}"
            ))),
        }
    }
}

/// What a driver reports when a statement fails.
#[derive(Debug)]
pub(crate) enum SqlError {
    /// A unique constraint was violated (a study name taken concurrently).
    Unique(String),
    /// Anything else, with the driver's message.
    Other(String),
    /// A contract error raised inside the transaction (it rolls back).
    Contract(Error),
}

impl From<Error> for SqlError {
    fn from(e: Error) -> SqlError {
        SqlError::Contract(e)
    }
}

/// One open transaction.
pub(crate) trait Tx {
    /// Rows of a query.
    fn query(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> std::result::Result<Vec<Vec<Cell>>, SqlError>;
    /// Rows changed by a statement.
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<u64, SqlError>;
    /// Runs an `INSERT` and returns the new row's `id_column`.
    fn insert(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        id_column: &str,
    ) -> std::result::Result<i64, SqlError>;
}

/// A connection to one database.
pub(crate) trait Driver: Send + Sync + fmt::Debug + 'static {
    /// The SQL flavour.
    fn dialect(&self) -> Dialect;
    /// The database as errors name it (a path, or a URL without its password).
    fn location(&self) -> &str;
    /// Runs `f` in one transaction (a write transaction when `write`), committing when it
    /// returns `Ok`; retries when the database is busy or the connection was lost before
    /// the transaction began.
    fn transaction(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> std::result::Result<(), SqlError>,
    ) -> std::result::Result<(), SqlError>;
}

/// The [`Storage`] logic on a SQL database reached through a [`Driver`];
/// [`SqliteStorage`](super::SqliteStorage) and [`PostgresStorage`](super::PostgresStorage)
/// wrap it.
#[derive(Debug)]
pub(crate) struct SqlStorage {
    driver: Box<dyn Driver>,
    cache: TrialCache,
}

/// Implements [`Storage`] for a wrapper whose field `inner` is a [`SqlStorage`].
macro_rules! delegate_storage {
    ($t:ty) => {
        impl $crate::storage::Storage for $t {
            fn create_study(
                &self,
                name: &str,
                direction: $crate::Direction,
            ) -> $crate::Result<$crate::StudyId> {
                self.inner.create_study(name, direction)
            }
            fn study_id_from_name(&self, name: &str) -> $crate::Result<$crate::StudyId> {
                self.inner.study_id_from_name(name)
            }
            fn study_name(&self, study: $crate::StudyId) -> $crate::Result<String> {
                self.inner.study_name(study)
            }
            fn study_direction(&self, study: $crate::StudyId) -> $crate::Result<$crate::Direction> {
                self.inner.study_direction(study)
            }
            fn set_study_system_attr(
                &self,
                study: $crate::StudyId,
                key: &str,
                value: serde_json::Value,
            ) -> $crate::Result<()> {
                self.inner.set_study_system_attr(study, key, value)
            }
            fn study_system_attrs(
                &self,
                study: $crate::StudyId,
            ) -> $crate::Result<std::collections::BTreeMap<String, serde_json::Value>> {
                self.inner.study_system_attrs(study)
            }
            fn create_trial(
                &self,
                study: $crate::StudyId,
                state: $crate::TrialState,
                system_attrs: std::collections::BTreeMap<String, serde_json::Value>,
            ) -> $crate::Result<std::sync::Arc<$crate::FrozenTrial>> {
                self.inner.create_trial(study, state, system_attrs)
            }
            fn pop_waiting_trial(
                &self,
                study: $crate::StudyId,
            ) -> $crate::Result<Option<std::sync::Arc<$crate::FrozenTrial>>> {
                self.inner.pop_waiting_trial(study)
            }
            fn set_trial_param(
                &self,
                trial: $crate::TrialId,
                name: &str,
                value: &$crate::ParamValue,
                distribution: &$crate::Distribution,
            ) -> $crate::Result<()> {
                self.inner.set_trial_param(trial, name, value, distribution)
            }
            fn set_trial_state_value(
                &self,
                trial: $crate::TrialId,
                state: $crate::TrialState,
                value: Option<f64>,
            ) -> $crate::Result<()> {
                self.inner.set_trial_state_value(trial, state, value)
            }
            fn set_trial_intermediate_value(
                &self,
                trial: $crate::TrialId,
                step: u64,
                value: f64,
            ) -> $crate::Result<()> {
                self.inner.set_trial_intermediate_value(trial, step, value)
            }
            fn set_trial_user_attr(
                &self,
                trial: $crate::TrialId,
                key: &str,
                value: serde_json::Value,
            ) -> $crate::Result<()> {
                self.inner.set_trial_user_attr(trial, key, value)
            }
            fn set_trial_system_attr(
                &self,
                trial: $crate::TrialId,
                key: &str,
                value: serde_json::Value,
            ) -> $crate::Result<()> {
                self.inner.set_trial_system_attr(trial, key, value)
            }
            fn get_trial(
                &self,
                trial: $crate::TrialId,
            ) -> $crate::Result<std::sync::Arc<$crate::FrozenTrial>> {
                self.inner.get_trial(trial)
            }
            fn get_all_trials(
                &self,
                study: $crate::StudyId,
                states: Option<&[$crate::TrialState]>,
            ) -> $crate::Result<Vec<std::sync::Arc<$crate::FrozenTrial>>> {
                self.inner.get_all_trials(study, states)
            }
            fn get_trial_by_number(
                &self,
                study: $crate::StudyId,
                number: u64,
            ) -> $crate::Result<std::sync::Arc<$crate::FrozenTrial>> {
                self.inner.get_trial_by_number(study, number)
            }
            fn study_ids(&self) -> $crate::Result<Vec<$crate::StudyId>> {
                self.inner.study_ids()
            }
            fn delete_study(&self, study: $crate::StudyId) -> $crate::Result<()> {
                self.inner.delete_study(study)
            }
            fn record_heartbeat(&self, trial: $crate::TrialId) -> $crate::Result<()> {
                self.inner.record_heartbeat(trial)
            }
            fn fail_stale_trials(
                &self,
                study: $crate::StudyId,
                grace_secs: f64,
            ) -> $crate::Result<Vec<std::sync::Arc<$crate::FrozenTrial>>> {
                self.inner.fail_stale_trials(study, grace_secs)
            }
            fn import_trial(
                &self,
                study: $crate::StudyId,
                trial: &$crate::FrozenTrial,
            ) -> $crate::Result<std::sync::Arc<$crate::FrozenTrial>> {
                self.inner.import_trial(study, trial)
            }
        }
    };
}
pub(crate) use delegate_storage;

/// Rewrites a statement written for PostgreSQL (`$n` parameters, `{for_update}` and
/// `{skip_locked}` markers) for `dialect`.
fn dialect_sql(dialect: Dialect, sql: &str) -> String {
    match dialect {
        Dialect::Postgres => sql
            .replace("{for_update}", " FOR UPDATE")
            .replace("{skip_locked}", " FOR UPDATE SKIP LOCKED"),
        Dialect::Sqlite => sql
            .replace("{for_update}", "")
            .replace("{skip_locked}", "")
            .replace('$', "?"),
    }
}

/// A trial row: `trial_id, number, state, body`.
const TRIAL_COLUMNS: &str = "trial_id, number, state, body";

fn trial_of(row: &[Cell]) -> Result<FrozenTrial> {
    decode(
        TrialId(row[0].int()? as u64),
        row[1].int()? as u64,
        row[2].text()?,
        row[3].text()?,
    )
}

/// An id as a database integer.
fn id_arg(id: u64) -> Result<i64> {
    i64::try_from(id).map_err(|_| Error::TrialNotFound(format!("id {id}")))
}

/// The statements, on one transaction of one storage.
struct Ops<'t> {
    tx: &'t mut dyn Tx,
    dialect: Dialect,
}

impl Ops<'_> {
    fn query(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> std::result::Result<Vec<Vec<Cell>>, SqlError> {
        self.tx.query(&dialect_sql(self.dialect, sql), args)
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<u64, SqlError> {
        self.tx.execute(&dialect_sql(self.dialect, sql), args)
    }

    /// The study's name, or [`Error::StudyNotFound`]; with `lock`, its row is locked.
    fn study(&mut self, study: StudyId, lock: bool) -> std::result::Result<String, SqlError> {
        let sql = if lock {
            "SELECT name FROM studies WHERE study_id = $1{for_update}"
        } else {
            "SELECT name FROM studies WHERE study_id = $1"
        };
        let rows = self.query(sql, &[Arg::Int(id_arg(study.0)?)])?;
        match rows.first() {
            Some(r) => Ok(r[0].text()?.to_owned()),
            None => Err(Error::StudyNotFound(format!("id {}", study.0)).into()),
        }
    }

    /// The trial with id `trial` (locked) and its study.
    fn trial(&mut self, trial: TrialId) -> std::result::Result<(StudyId, FrozenTrial), SqlError> {
        let rows = self.query(
            &format!(
                "SELECT {TRIAL_COLUMNS}, study_id FROM trials WHERE trial_id = $1{{for_update}}"
            ),
            &[Arg::Int(id_arg(trial.0)?)],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| Error::TrialNotFound(format!("id {}", trial.0)))?;
        Ok((StudyId(row[4].int()? as u64), trial_of(row)?))
    }

    /// Writes `t` back; the heartbeat is cleared once the trial is finished.
    fn put(&mut self, t: &FrozenTrial) -> std::result::Result<(), SqlError> {
        let body = encode(t);
        let sql = if t.state.is_finished() {
            "UPDATE trials SET state = $1, body = $2, heartbeat = NULL WHERE trial_id = $3"
        } else {
            "UPDATE trials SET state = $1, body = $2 WHERE trial_id = $3"
        };
        self.execute(
            sql,
            &[
                Arg::Text(state_name(t.state)),
                Arg::Text(&body),
                Arg::Int(id_arg(t.id.0)?),
            ],
        )?;
        Ok(())
    }

    /// Inserts `t` as the study's next trial, allocating its number under the study row's
    /// lock; returns it with its id and number.
    fn insert(
        &mut self,
        study: StudyId,
        mut t: FrozenTrial,
    ) -> std::result::Result<FrozenTrial, SqlError> {
        let sid = id_arg(study.0)?;
        let rows = self.query(
            "SELECT next_number FROM studies WHERE study_id = $1{for_update}",
            &[Arg::Int(sid)],
        )?;
        let number = rows
            .first()
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", study.0)))?[0]
            .int()?;
        t.number = number as u64;
        let body = encode(&t);
        let sql = dialect_sql(
            self.dialect,
            "INSERT INTO trials (study_id, number, state, body) VALUES ($1, $2, $3, $4)",
        );
        let id = self.tx.insert(
            &sql,
            &[
                Arg::Int(sid),
                Arg::Int(number),
                Arg::Text(state_name(t.state)),
                Arg::Text(&body),
            ],
            "trial_id",
        )?;
        t.id = TrialId(id as u64);
        self.execute(
            "UPDATE studies SET next_number = next_number + 1 WHERE study_id = $1",
            &[Arg::Int(sid)],
        )?;
        Ok(t)
    }

    /// A JSON column of the study row (locked with `lock`).
    fn study_map<T: for<'de> serde::Deserialize<'de>>(
        &mut self,
        study: StudyId,
        column: &str,
        lock: bool,
    ) -> std::result::Result<BTreeMap<String, T>, SqlError> {
        let lock = if lock { "{for_update}" } else { "" };
        let rows = self.query(
            &format!("SELECT name, {column} FROM studies WHERE study_id = $1{lock}"),
            &[Arg::Int(id_arg(study.0)?)],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| Error::StudyNotFound(format!("id {}", study.0)))?;
        Ok(decode_map(row[0].text()?, column, row[1].text()?)?)
    }

    fn set_study_map<T: serde::Serialize>(
        &mut self,
        study: StudyId,
        column: &str,
        map: &BTreeMap<String, T>,
    ) -> std::result::Result<(), SqlError> {
        let text = encode_map(map);
        self.execute(
            &format!("UPDATE studies SET {column} = $1 WHERE study_id = $2"),
            &[Arg::Text(&text), Arg::Int(id_arg(study.0)?)],
        )?;
        Ok(())
    }

    /// Records the distributions of parameters the study has not seen, after checking the
    /// others against the study's.
    fn add_distributions(
        &mut self,
        study: StudyId,
        new: &BTreeMap<String, Distribution>,
    ) -> std::result::Result<(), SqlError> {
        let known: BTreeMap<String, Distribution> =
            self.study_map(study, "param_distributions", false)?;
        if new.keys().all(|k| known.contains_key(k)) {
            for (name, d) in new {
                known[name].check_compatible(name, d)?;
            }
            return Ok(());
        }
        // A new name: re-read under the study row's lock, so two writers do not lose each
        // other's additions.
        let mut known: BTreeMap<String, Distribution> =
            self.study_map(study, "param_distributions", true)?;
        for (name, d) in new {
            match known.get(name) {
                Some(existing) => existing.check_compatible(name, d)?,
                None => {
                    known.insert(name.clone(), d.clone());
                }
            }
        }
        self.set_study_map(study, "param_distributions", &known)
    }

    /// The rows of `study` that `unseen` asks for, in number order.
    fn unseen(
        &mut self,
        study: StudyId,
        unseen: &Unseen,
    ) -> std::result::Result<Vec<FrozenTrial>, SqlError> {
        // Two range scans of the (study_id, number) index: an `OR` of both conditions
        // would make SQLite read every row of the study.
        let listed = if unseen.open.is_empty() {
            String::new()
        } else {
            let numbers: Vec<String> = unseen.open.iter().map(u64::to_string).collect();
            format!(
                "SELECT {TRIAL_COLUMNS} FROM trials WHERE study_id = $1 AND number IN ({}) \
                 UNION ALL ",
                numbers.join(", ")
            )
        };
        let rows = self.query(
            &format!(
                "{listed}SELECT {TRIAL_COLUMNS} FROM trials WHERE study_id = $1 \
                 AND number >= $2 ORDER BY number"
            ),
            &[Arg::Int(id_arg(study.0)?), Arg::Int(id_arg(unseen.from)?)],
        )?;
        Ok(rows
            .iter()
            .map(|r| trial_of(r))
            .collect::<Result<Vec<_>>>()?)
    }
}

impl SqlStorage {
    pub(crate) fn new(driver: impl Driver) -> Result<SqlStorage> {
        let storage = SqlStorage {
            driver: Box::new(driver),
            cache: TrialCache::default(),
        };
        let (dialect, location) = (
            storage.driver.dialect(),
            storage.driver.location().to_owned(),
        );
        storage.write(|ops| schema::prepare(ops, dialect, &location))?;
        Ok(storage)
    }

    /// Runs `f` in a transaction and converts what fails into a contract error.
    fn run<T>(
        &self,
        write: bool,
        mut f: impl FnMut(&mut Ops<'_>) -> std::result::Result<T, SqlError>,
    ) -> Result<T> {
        let dialect = self.driver.dialect();
        let mut out = None;
        let result = self.driver.transaction(write, &mut |tx| {
            let mut ops = Ops { tx, dialect };
            out = Some(f(&mut ops)?);
            Ok(())
        });
        match result {
            Ok(()) => Ok(out.expect("the transaction ran")),
            Err(SqlError::Contract(e)) => Err(e),
            Err(SqlError::Unique(m) | SqlError::Other(m)) => {
                Err(Error::Storage(format!("{}: {m}", self.driver.location())))
            }
        }
    }

    fn write<T>(
        &self,
        f: impl FnMut(&mut Ops<'_>) -> std::result::Result<T, SqlError>,
    ) -> Result<T> {
        self.run(true, f)
    }

    fn read<T>(
        &self,
        f: impl FnMut(&mut Ops<'_>) -> std::result::Result<T, SqlError>,
    ) -> Result<T> {
        self.run(false, f)
    }

    /// Applies `change` to a trial in one write transaction.
    fn modify(
        &self,
        trial: TrialId,
        change: impl Fn(&mut FrozenTrial) -> Result<()>,
    ) -> Result<()> {
        self.write(|ops| {
            let (_, mut t) = ops.trial(trial)?;
            change(&mut t)?;
            ops.put(&t)
        })
    }
}

impl schema::Executor for Ops<'_> {
    fn tables(&mut self) -> std::result::Result<Vec<String>, SqlError> {
        let sql = match self.dialect {
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Dialect::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema()"
            }
        };
        self.query(sql, &[])?
            .iter()
            .map(|r| Ok(r[0].text()?.to_owned()))
            .collect()
    }

    fn meta(&mut self, key: &str) -> std::result::Result<Option<String>, SqlError> {
        let rows = self.query(
            "SELECT value FROM gradus_meta WHERE key = $1",
            &[Arg::Text(key)],
        )?;
        rows.first()
            .map(|r| Ok(r[0].text()?.to_owned()))
            .transpose()
    }

    fn execute_batch(&mut self, sql: &str) -> std::result::Result<(), SqlError> {
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            self.tx.execute(statement, &[])?;
        }
        Ok(())
    }
}

impl Storage for SqlStorage {
    fn create_study(&self, name: &str, direction: Direction) -> Result<StudyId> {
        self.write(|ops| {
            let taken = ops.query(
                "SELECT study_id FROM studies WHERE name = $1",
                &[Arg::Text(name)],
            )?;
            if !taken.is_empty() {
                return Err(Error::DuplicatedStudy(name.to_owned()).into());
            }
            let sql = dialect_sql(
                ops.dialect,
                "INSERT INTO studies (name, direction, system_attrs, param_distributions, \
                 next_number) VALUES ($1, $2, '{}', '{}', 0)",
            );
            let inserted = ops.tx.insert(
                &sql,
                &[
                    Arg::Text(name),
                    Arg::Text(schema::direction_name(direction)),
                ],
                "study_id",
            );
            match inserted {
                Ok(id) => Ok(StudyId(id as u64)),
                // Another process created it between our check and our insert.
                Err(SqlError::Unique(_)) => Err(Error::DuplicatedStudy(name.to_owned()).into()),
                Err(e) => Err(e),
            }
        })
    }

    fn study_id_from_name(&self, name: &str) -> Result<StudyId> {
        self.read(|ops| {
            let rows = ops.query(
                "SELECT study_id FROM studies WHERE name = $1",
                &[Arg::Text(name)],
            )?;
            match rows.first() {
                Some(r) => Ok(StudyId(r[0].int()? as u64)),
                None => Err(Error::StudyNotFound(name.to_owned()).into()),
            }
        })
    }

    fn study_name(&self, study: StudyId) -> Result<String> {
        self.read(|ops| ops.study(study, false))
    }

    fn study_direction(&self, study: StudyId) -> Result<Direction> {
        self.read(|ops| {
            let rows = ops.query(
                "SELECT direction FROM studies WHERE study_id = $1",
                &[Arg::Int(id_arg(study.0)?)],
            )?;
            let row = rows
                .first()
                .ok_or_else(|| Error::StudyNotFound(format!("id {}", study.0)))?;
            Ok(schema::parse_direction(row[0].text()?)?)
        })
    }

    fn set_study_system_attr(&self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.write(|ops| {
            let mut attrs: BTreeMap<String, Value> = ops.study_map(study, "system_attrs", true)?;
            attrs.insert(key.to_owned(), value.clone());
            ops.set_study_map(study, "system_attrs", &attrs)
        })
    }

    fn study_system_attrs(&self, study: StudyId) -> Result<BTreeMap<String, Value>> {
        self.read(|ops| ops.study_map(study, "system_attrs", false))
    }

    fn create_trial(
        &self,
        study: StudyId,
        state: TrialState,
        system_attrs: BTreeMap<String, Value>,
    ) -> Result<Arc<FrozenTrial>> {
        rules::check_new_state(state)?;
        self.write(|ops| {
            let t = rules::new_trial(TrialId(0), 0, state, system_attrs.clone(), now_secs());
            ops.insert(study, t)
        })
        .map(Arc::new)
    }

    fn pop_waiting_trial(&self, study: StudyId) -> Result<Option<Arc<FrozenTrial>>> {
        self.write(|ops| {
            ops.study(study, false)?;
            let rows = ops.query(
                &format!(
                    "SELECT {TRIAL_COLUMNS} FROM trials WHERE study_id = $1 AND state = 'waiting' \
                     ORDER BY number LIMIT 1{{skip_locked}}"
                ),
                &[Arg::Int(id_arg(study.0)?)],
            )?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let mut t = trial_of(row)?;
            rules::start(&mut t, now_secs())?;
            ops.put(&t)?;
            Ok(Some(Arc::new(t)))
        })
    }

    fn set_trial_param(
        &self,
        trial: TrialId,
        name: &str,
        value: &ParamValue,
        distribution: &Distribution,
    ) -> Result<()> {
        self.write(|ops| {
            let (study, mut t) = ops.trial(trial)?;
            let known: BTreeMap<String, Distribution> =
                ops.study_map(study, "param_distributions", false)?;
            let first = rules::set_param(&mut t, known.get(name), name, value, distribution)?;
            if first {
                ops.add_distributions(
                    study,
                    &BTreeMap::from([(name.to_owned(), distribution.clone())]),
                )?;
            }
            ops.put(&t)
        })
    }

    fn set_trial_state_value(
        &self,
        trial: TrialId,
        state: TrialState,
        value: Option<f64>,
    ) -> Result<()> {
        self.modify(trial, |t| rules::finish(t, state, value, now_secs()))
    }

    fn set_trial_intermediate_value(&self, trial: TrialId, step: u64, value: f64) -> Result<()> {
        self.modify(trial, |t| {
            rules::check_unfinished(t)?;
            t.intermediate_values.insert(step, value);
            Ok(())
        })
    }

    fn set_trial_user_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()> {
        self.modify(trial, |t| {
            rules::check_unfinished(t)?;
            t.user_attrs.insert(key.to_owned(), value.clone());
            Ok(())
        })
    }

    fn set_trial_system_attr(&self, trial: TrialId, key: &str, value: Value) -> Result<()> {
        self.modify(trial, |t| {
            rules::check_unfinished(t)?;
            t.system_attrs.insert(key.to_owned(), value.clone());
            Ok(())
        })
    }

    fn get_trial(&self, trial: TrialId) -> Result<Arc<FrozenTrial>> {
        self.read(|ops| {
            let rows = ops.query(
                &format!("SELECT {TRIAL_COLUMNS} FROM trials WHERE trial_id = $1"),
                &[Arg::Int(id_arg(trial.0)?)],
            )?;
            let row = rows
                .first()
                .ok_or_else(|| Error::TrialNotFound(format!("id {}", trial.0)))?;
            Ok(Arc::new(trial_of(row)?))
        })
    }

    fn get_all_trials(
        &self,
        study: StudyId,
        states: Option<&[TrialState]>,
    ) -> Result<Vec<Arc<FrozenTrial>>> {
        let mut cache = self.cache.lock();
        let unseen = cache.entry(study).or_default().unseen();
        let rows = self.read(|ops| {
            ops.study(study, false)?;
            ops.unseen(study, &unseen)
        });
        match rows {
            Ok(rows) => {
                let known = cache.entry(study).or_default();
                known.update(rows);
                Ok(known.snapshot(states))
            }
            Err(e) => {
                cache.remove(&study);
                Err(e)
            }
        }
    }

    fn get_trial_by_number(&self, study: StudyId, number: u64) -> Result<Arc<FrozenTrial>> {
        self.read(|ops| {
            ops.study(study, false)?;
            let rows = ops.query(
                &format!("SELECT {TRIAL_COLUMNS} FROM trials WHERE study_id = $1 AND number = $2"),
                &[Arg::Int(id_arg(study.0)?), Arg::Int(id_arg(number)?)],
            )?;
            let row = rows
                .first()
                .ok_or_else(|| Error::TrialNotFound(format!("number {number}")))?;
            Ok(Arc::new(trial_of(row)?))
        })
    }

    fn study_ids(&self) -> Result<Vec<StudyId>> {
        self.read(|ops| {
            ops.query("SELECT study_id FROM studies ORDER BY study_id", &[])?
                .iter()
                .map(|r| Ok(StudyId(r[0].int()? as u64)))
                .collect()
        })
    }

    fn delete_study(&self, study: StudyId) -> Result<()> {
        self.write(|ops| {
            ops.study(study, true)?;
            let id = Arg::Int(id_arg(study.0)?);
            ops.execute("DELETE FROM trials WHERE study_id = $1", &[id])?;
            ops.execute("DELETE FROM studies WHERE study_id = $1", &[id])?;
            Ok(())
        })?;
        self.cache.forget(study);
        Ok(())
    }

    fn record_heartbeat(&self, trial: TrialId) -> Result<()> {
        self.write(|ops| {
            let changed = ops.execute(
                "UPDATE trials SET heartbeat = $1 WHERE trial_id = $2 AND state = 'running'",
                &[Arg::Real(now_secs()), Arg::Int(id_arg(trial.0)?)],
            )?;
            if changed == 0 {
                ops.trial(trial)?;
            }
            Ok(())
        })
    }

    fn fail_stale_trials(&self, study: StudyId, grace_secs: f64) -> Result<Vec<Arc<FrozenTrial>>> {
        self.write(|ops| {
            ops.study(study, false)?;
            let now = now_secs();
            let rows = ops.query(
                &format!(
                    "SELECT {TRIAL_COLUMNS}, heartbeat FROM trials WHERE study_id = $1 \
                     AND state = 'running' AND heartbeat IS NOT NULL AND heartbeat < $2 \
                     ORDER BY number{{skip_locked}}"
                ),
                &[Arg::Int(id_arg(study.0)?), Arg::Real(now - grace_secs)],
            )?;
            let mut failed = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut t = trial_of(row)?;
                let beat = row[4].real()?.unwrap_or(now);
                rules::fail_stale(&mut t, beat, now)?;
                ops.put(&t)?;
                failed.push(Arc::new(t));
            }
            Ok(failed)
        })
    }

    fn import_trial(&self, study: StudyId, trial: &FrozenTrial) -> Result<Arc<FrozenTrial>> {
        let copy = rules::imported(trial, TrialId(0), 0)?;
        self.write(|ops| {
            ops.study(study, false)?;
            ops.add_distributions(study, &copy.distributions)?;
            ops.insert(study, copy.clone())
        })
        .map(Arc::new)
    }
}
