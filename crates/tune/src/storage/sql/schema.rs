//! The database schema of the SQL backends, its version, and the check every connection
//! makes before touching a database.
//!
//! Table `gradus_meta` holds `format = gradus-tune` and `schema_version`. An empty database
//! gets the current schema; a gradus database of an older version is migrated step by step
//! (one transaction); a newer version, or a database with other tables and no
//! `gradus_meta` (another program's), is refused without being changed.

use super::SqlError;
use crate::error::{Error, Result};
use crate::trial_state::Direction;

/// The value of `format` in `gradus_meta`.
pub(crate) const FORMAT: &str = "gradus-tune";
/// The schema version this build writes.
pub(crate) const VERSION: u32 = 1;

/// The SQL flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// What the schema check needs from a transaction.
pub(crate) trait Executor {
    /// The names of the user tables in the database (or schema).
    fn tables(&mut self) -> std::result::Result<Vec<String>, SqlError>;
    /// A value of `gradus_meta`.
    fn meta(&mut self, key: &str) -> std::result::Result<Option<String>, SqlError>;
    /// Runs `;`-separated statements.
    fn execute_batch(&mut self, sql: &str) -> std::result::Result<(), SqlError>;
}

/// Version 1: studies and trials, one JSON document per trial.
fn create_v1(dialect: Dialect) -> String {
    let (id, real) = match dialect {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "REAL"),
        Dialect::Postgres => ("BIGSERIAL PRIMARY KEY", "DOUBLE PRECISION"),
    };
    format!(
        "CREATE TABLE gradus_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO gradus_meta (key, value) VALUES ('format', '{FORMAT}'), ('schema_version', '1');
         CREATE TABLE studies (
             study_id {id},
             name TEXT NOT NULL UNIQUE,
             direction TEXT NOT NULL,
             system_attrs TEXT NOT NULL,
             param_distributions TEXT NOT NULL,
             next_number BIGINT NOT NULL
         );
         CREATE TABLE trials (
             trial_id {id},
             study_id BIGINT NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE,
             number BIGINT NOT NULL,
             state TEXT NOT NULL,
             heartbeat {real},
             body TEXT NOT NULL,
             UNIQUE (study_id, number)
         );
         CREATE INDEX trials_by_state ON trials (study_id, state, number);"
    )
}

/// Makes the database ready for this build, or explains why it cannot be used.
/// `location` names it in errors (a file path or a URL without its password).
pub(crate) fn prepare(
    ex: &mut impl Executor,
    dialect: Dialect,
    location: &str,
) -> std::result::Result<(), SqlError> {
    if dialect == Dialect::Postgres {
        // Two processes opening an empty database at once: one creates the tables, the
        // other then finds them.
        ex.execute_batch("SELECT pg_advisory_xact_lock(7355608)")?;
    }
    let tables = ex.tables()?;
    if !tables.iter().any(|t| t == "gradus_meta") {
        if !tables.is_empty() {
            let mut shown = tables.clone();
            shown.sort();
            shown.truncate(5);
            return Err(Error::IncompatibleDatabase(format!(
                "{location} is not a gradus study database (it has tables {} and no \
                 gradus_meta); nothing was changed — use a new file or database",
                shown.join(", ")
            ))
            .into());
        }
        return ex.execute_batch(&create_v1(dialect));
    }
    let format = ex.meta("format")?.unwrap_or_default();
    if format != FORMAT {
        return Err(Error::IncompatibleDatabase(format!(
            "{location} holds `{format}` data, not `{FORMAT}`; nothing was changed"
        ))
        .into());
    }
    let version: u32 = ex
        .meta("schema_version")?
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            SqlError::from(Error::IncompatibleDatabase(format!(
                "{location} has no readable schema_version in gradus_meta; nothing was changed"
            )))
        })?;
    if version > VERSION {
        return Err(Error::IncompatibleDatabase(format!(
            "{location} has schema version {version}, newer than this build's {VERSION}; \
             upgrade gradus (nothing was changed)"
        ))
        .into());
    }
    // Migrations from older versions go here, one step per version, in this transaction.
    Ok(())
}

/// A direction's name in the `studies.direction` column.
pub(crate) fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Minimize => "minimize",
        Direction::Maximize => "maximize",
    }
}

/// The direction stored as `name`.
pub(crate) fn parse_direction(name: &str) -> Result<Direction> {
    match name {
        "minimize" => Ok(Direction::Minimize),
        "maximize" => Ok(Direction::Maximize),
        other => Err(Error::Storage(format!(
            "a study has the unknown direction `{other}`; the database was changed by another \
             program"
        ))),
    }
}
