//! [`storage_from_url`]: a storage named by a URL, as the command line and specs name them.

use std::sync::Arc;
use std::time::Duration;

use super::{
    InMemoryStorage, PostgresStorage, SqliteDurability, SqliteOptions, SqliteStorage, Storage,
};
use crate::error::{Error, Result};

/// The forms [`storage_from_url`] accepts, for error messages.
const FORMS: &str = "memory:, sqlite:///ABSOLUTE/PATH.db, sqlite://RELATIVE/PATH.db or \
                     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE";

/// Opens the storage a URL names:
///
/// | URL | storage |
/// |---|---|
/// | `memory:` | a new [`InMemoryStorage`] |
/// | `sqlite:///abs/path.db`, `sqlite://rel/path.db` | [`SqliteStorage`] (created if missing); `?durability=full` syncs every commit, `?timeout=SECS` sets the busy timeout |
/// | `postgres://user@host:port/db`, `postgresql://…` | [`PostgresStorage`]; `?schema=NAME` selects a schema |
///
/// ```
/// use gradus_tune::storage::storage_from_url;
/// let dir = tempfile::tempdir().unwrap();
/// let url = format!("sqlite://{}/study.db", dir.path().display());
/// let storage = storage_from_url(&url).unwrap();
/// assert!(storage.list_studies().unwrap().is_empty());
/// assert!(storage_from_url("mysql://x").is_err());
/// ```
///
/// # Errors
/// [`Error::InvalidConfig`] for a URL of another form or a bad option; what opening the
/// storage reports (an unreachable server, a foreign database).
pub fn storage_from_url(url: &str) -> Result<Arc<dyn Storage>> {
    let bad = |reason: String| Error::InvalidConfig {
        name: "storage URL",
        reason,
    };
    if url == "memory:" || url == "memory://" {
        return Ok(Arc::new(InMemoryStorage::new()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStorage::connect(url)?));
    }
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return Err(bad(format!("`{url}` is not a storage URL; use {FORMS}")));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(bad(format!("`{url}` names no file; use {FORMS}")));
    }
    let mut options = SqliteOptions::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("durability", "full")) => options.durability = SqliteDurability::Full,
            Some(("durability", "normal")) => options.durability = SqliteDurability::Normal,
            Some(("timeout", secs)) => match secs.parse::<f64>() {
                Ok(s) if (0.0..1e9).contains(&s) => {
                    options.busy_timeout = Duration::from_secs_f64(s)
                }
                _ => {
                    return Err(bad(format!(
                        "timeout `{secs}` in `{url}` is not a number of seconds"
                    )));
                }
            },
            _ => {
                return Err(bad(format!(
                    "unknown option `{pair}` in `{url}`; SQLite takes durability=normal|full and \
                     timeout=SECS"
                )));
            }
        }
    }
    Ok(Arc::new(SqliteStorage::open_with(path, &options)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend_or_say_what_is_accepted() {
        assert!(storage_from_url("memory:").is_ok());
        let e = storage_from_url("redis://localhost")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!(
                "invalid setting `storage URL`: `redis://localhost` is not a storage URL; use {FORMS}"
            )
        );
        assert!(storage_from_url("sqlite://").is_err());
        let dir = tempfile::tempdir().unwrap();
        let abs = format!(
            "sqlite://{}/a.db?durability=full&timeout=2",
            dir.path().display()
        );
        assert!(
            abs.starts_with("sqlite:///"),
            "an absolute path gives three slashes"
        );
        storage_from_url(&abs).unwrap();
        assert!(dir.path().join("a.db").exists());
        let e = storage_from_url(&format!("sqlite://{}/b.db?sync=1", dir.path().display()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown option `sync=1`"), "{e}");
    }
}
