//! Where the database file is and how it is opened: WAL, the `synchronous` level, the busy
//! timeout, and how many connections read.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

/// The file the manager uses when its config names none.
pub const DEFAULT_PATH: &str = "maeve.db";

/// How much a commit waits for the disk (SQLite's `PRAGMA synchronous`, in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// The WAL is synced on every commit: an acknowledged write survives a process crash and a
    /// power loss or OS crash.
    #[default]
    Full,
    /// The WAL is synced only at checkpoints: an acknowledged write survives a process crash;
    /// a power loss may roll back the last commits, never corrupt the file.
    Normal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SqliteStoreConfig {
    /// The database file, created (with its directory's `-wal` and `-shm` companions) if absent.
    pub path: PathBuf,
    pub synchronous: Synchronous,
    /// How long a write waits for another process's write lock before failing as unavailable.
    pub busy_timeout_ms: u64,
    /// Connections that serve reads; writes have one connection of their own.
    pub max_readers: u32,
}

impl Default for SqliteStoreConfig {
    fn default() -> Self {
        SqliteStoreConfig {
            path: PathBuf::from(DEFAULT_PATH),
            synchronous: Synchronous::Full,
            busy_timeout_ms: 5_000,
            max_readers: 4,
        }
    }
}

impl SqliteStoreConfig {
    pub fn at(path: impl Into<PathBuf>) -> Self {
        SqliteStoreConfig { path: path.into(), ..SqliteStoreConfig::default() }
    }

    /// Options every connection shares. Foreign keys are on (sqlx's default) so that deleting a
    /// record deletes its rows.
    pub(crate) fn connect_options(&self) -> SqliteConnectOptions {
        let synchronous = match self.synchronous {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        };
        SqliteConnectOptions::new()
            .filename(&self.path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_millis(self.busy_timeout_ms))
            .foreign_keys(true)
    }
}
