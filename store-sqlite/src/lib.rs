//! The SQLite backend: an embedded, persistent store in one file (WAL journal). Every store call
//! is one statement or one short write transaction begun with `BEGIN IMMEDIATE`, which takes
//! SQLite's write lock before reading anything, so a merge or an append never reads a state
//! another writer (a task here, or another process on the same file) is changing. Writes share
//! one connection, so tasks of this process queue for it in order instead of polling the lock;
//! processes wait for each other with the busy timeout. Reads are single statements on their
//! own connections and see the last committed state. It only stores: the core's [`Store`]
//! validates, traces and measures around it.

mod certificate;
mod charge_station;
mod config;
mod error;
mod export;
mod file_identity;
mod location;
mod ocpi;
#[cfg(feature = "test-support")]
pub mod test_support;
mod token;
mod transaction;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
use sqlx::{Sqlite, Transaction};
use store_core::{Clock, ErrorKind, Storage, Store, StoreError, StoreResult};

use crate::file_identity::FileIdentity;

// Rows map to domain types in the code SQLite shares with MySQL.
use store_rows as rows;

pub use config::{DEFAULT_PATH, SqliteStoreConfig, Synchronous};

/// The embedded, reversible migrations (also usable by `sqlx migrate run`).
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The SQLite storage: one writing connection, a pool of reading ones, and the statements;
/// [`SqliteStorage::into_store`] puts it behind the core's layers.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    path: PathBuf,
    file: FileIdentity,
    writer: SqlitePool,
    readers: SqlitePool,
}

/// The SQLite engine: [`SqliteStorage`] behind the core's layers.
pub type SqliteStore = Store<SqliteStorage>;

impl Storage for SqliteStorage {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
}

impl SqliteStorage {
    /// Opens (creating if missing) the database file and applies every pending migration.
    pub async fn open(config: &SqliteStoreConfig) -> StoreResult<Self> {
        if let Some(parent) = config.path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| {
                StoreError::new(ErrorKind::Unavailable, format!("cannot create directory {}", parent.display()))
                    .with_source(err)
            })?;
        }
        create_private(&config.path)?;
        let options = config.connect_options();
        // Connections are kept for the life of the store: opening one reads the schema, and
        // each keeps its prepared statements.
        let writer = connect_writer(config, options.clone()).await?;
        let file = FileIdentity::of(&config.path).map_err(|err| {
            StoreError::new(ErrorKind::Unavailable, format!("cannot read SQLite database {}", config.path.display()))
                .with_source(err)
        })?;
        migrate(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(config.max_readers.max(1))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(options.pragma("query_only", "ON"));
        Ok(SqliteStorage { path: config.path.clone(), file, writer, readers })
    }

    /// The engine over this storage, whose generated timestamps come from `clock`.
    pub fn into_store(self, clock: Arc<dyn Clock>) -> SqliteStore {
        Store::new(self, clock)
    }

    /// The file this storage opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One cheap statement on a reading connection, and the path still leads to the file opened.
    pub async fn health(&self) -> StoreResult<()> {
        self.file.check(&self.path)?;
        sqlx::query!("SELECT 1 AS one").fetch_one(&self.readers).await.map_err(error::map)?;
        Ok(())
    }

    /// Waits for checked-out connections to return, then closes every connection (the last
    /// one checkpoints the WAL into the database file).
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }

    /// The writing connection's pool, if the path still leads to the file opened: a write into
    /// a removed file would be acknowledged and lost.
    fn writer(&self) -> StoreResult<&SqlitePool> {
        self.file.check(&self.path)?;
        Ok(&self.writer)
    }

    /// A write transaction holding SQLite's write lock from its first statement on.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.writer()?.begin_with("BEGIN IMMEDIATE").await.map_err(error::map)
    }
}

/// Creates the database file readable and writable by its owner only, if it does not exist:
/// it holds password hashes and OCPI tokens. SQLite gives the `-wal` and `-shm` files it creates
/// the mode of the database file. An existing file keeps the mode its owner gave it.
fn create_private(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => {
            Err(StoreError::new(ErrorKind::Unavailable, format!("cannot create SQLite database {}", path.display()))
                .with_source(err))
        }
    }
}

/// The writing connection. A connection is replaced when it comes out of the pool still counting
/// an open transaction: when SQLite rolls a transaction back by itself (a COMMIT that found the
/// disk full), sqlx's ROLLBACK fails and its count stays at one, and every later `BEGIN` on that
/// connection would fail, so the store would refuse writes until a restart. Connecting switches the file to WAL, and on a new file (still in
/// rollback-journal mode) another process or store switching it at the same moment can make
/// SQLite answer "busy" at once instead of waiting out the busy timeout (it refuses to let two
/// readers wait for each other's write lock). Connecting changes nothing else, so it is tried
/// again until the busy timeout has passed.
async fn connect_writer(config: &SqliteStoreConfig, options: SqliteConnectOptions) -> StoreResult<SqlitePool> {
    let deadline = Instant::now() + Duration::from_millis(config.busy_timeout_ms);
    let mut pause = Duration::from_millis(1);
    loop {
        let connected = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .before_acquire(|connection, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(connection)) })
            })
            .connect_with(options.clone())
            .await;
        match connected {
            Ok(writer) => return Ok(writer),
            Err(err) if error::is_busy(&err) && Instant::now() < deadline => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_OPEN_RETRY_PAUSE);
            }
            Err(err) => return Err(error::opening(&config.path, err)),
        }
    }
}

const MAX_OPEN_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Applies pending migrations holding the write lock, so that processes opening a new file at
/// the same moment apply them once: the others wait, then find them applied. (sqlx's own
/// migration lock does nothing on SQLite; each migration runs in a savepoint of this
/// transaction.)
async fn migrate(writer: &SqlitePool) -> StoreResult<()> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await.map_err(error::map)?;
    let connection: &mut SqliteConnection = &mut tx;
    MIGRATOR.run_direct(None, connection, false).await.map_err(error::migration)?;
    tx.commit().await.map_err(error::map)
}

/// usize counts as SQL integers; anything beyond i64::MAX means "no limit".
fn sql_count(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
