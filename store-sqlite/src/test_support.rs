//! Test support (feature `test-support`): a migrated store in a database file of its own, in a
//! temporary directory removed afterwards, so tests are isolated and can run in parallel. Used
//! by this crate's tests and by the manager's and the benchmarks'; it knows nothing of the
//! conformance suite.

use std::path::PathBuf;
use std::sync::Arc;

use futures_core::future::BoxFuture;
use store_core::Clock;
use tempfile::TempDir;

use crate::{SqliteStorage, SqliteStore, SqliteStoreConfig, Synchronous};

/// A temporary directory for database files, removed with everything in it on drop.
#[derive(Debug)]
pub struct ScratchDir {
    dir: TempDir,
}

impl ScratchDir {
    pub fn create(prefix: &str) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("maeve-sqlite-{prefix}-"))
            .tempdir()
            .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
        Ok(ScratchDir { dir })
    }

    /// The database file of this directory.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("maeve.db")
    }

    /// Configuration for the file. Commits skip the fsync of the WAL (`synchronous = normal`):
    /// test data need not survive a power loss, and thousands of generated cases get cheap.
    pub fn config(&self) -> SqliteStoreConfig {
        SqliteStoreConfig { synchronous: Synchronous::Normal, ..SqliteStoreConfig::at(self.path()) }
    }

    /// A migrated store on the file.
    pub async fn store(&self, clock: Arc<dyn Clock>) -> Result<SqliteStore, String> {
        let storage = SqliteStorage::open(&self.config()).await.map_err(|err| err.to_string())?;
        Ok(storage.into_store(clock))
    }
}

/// A migrated store on a fresh file, and what closes it and removes the file: the engine of one
/// test.
pub async fn scratch_store(
    prefix: &str,
    clock: Arc<dyn Clock>,
) -> Result<(SqliteStore, BoxFuture<'static, ()>), String> {
    let dir = ScratchDir::create(prefix)?;
    let store = dir.store(clock).await?;
    let storage = store.storage().clone();
    let teardown = Box::pin(async move {
        storage.close().await;
        drop(dir);
    });
    Ok((store, teardown))
}
