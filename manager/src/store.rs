//! The store the configuration selected, from the backends the cargo features compiled in.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use store_core::{Engine, ExportImport, Pruned, Storage, Store, StoreResult, TransactionRetention};

use crate::config::{StorageConfig, StorageType};
use crate::metrics::Metrics;

#[cfg(not(any(feature = "memory", feature = "postgres", feature = "sqlite", feature = "mysql")))]
compile_error!(
    "maeve-manager needs at least one backend: enable the `sqlite`, `postgres`, `mysql` or `memory` feature"
);

/// How many connections a pool holds and how many calls wait for one (store-pool's
/// `PoolStatus`, which a build without a server backend does not compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub size: usize,
    pub idle: usize,
    pub waiting: usize,
    pub max_size: usize,
}

// PostgreSQL and MySQL share store-pool's type.
#[cfg(all(feature = "mysql", not(feature = "postgres")))]
use store_mysql::PoolStatus as ServerPoolStatus;
#[cfg(feature = "postgres")]
use store_postgres::PoolStatus as ServerPoolStatus;

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl From<ServerPoolStatus> for PoolStatus {
    fn from(status: ServerPoolStatus) -> Self {
        PoolStatus { size: status.size, idle: status.idle, waiting: status.waiting, max_size: status.max_size }
    }
}

/// Where reads went on a PostgreSQL store with read replicas (store-postgres's `ReadRoutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaReads {
    /// Reads a replica answered.
    pub replica: u64,
    /// Reads the primary answered: no replica fresh enough or usable, or the replica failed.
    pub primary: u64,
    /// Replica reads that failed (the primary answered them).
    pub replica_failures: u64,
}

#[derive(Clone)]
pub enum ConfiguredStore {
    #[cfg(feature = "memory")]
    Memory(Arc<store_memory::MemoryStore>),
    #[cfg(feature = "postgres")]
    Postgres(Arc<store_postgres::PgStore>),
    #[cfg(feature = "sqlite")]
    Sqlite(Arc<store_sqlite::SqliteStore>),
    #[cfg(feature = "mysql")]
    Mysql(Arc<store_mysql::MySqlStore>),
}

/// `store`, counting and timing its calls in `metrics`.
fn with_metrics<S: Storage>(metrics: &Metrics, store: Store<S>) -> Store<S> {
    metrics.recording(|| store.with_metrics())
}

impl fmt::Debug for ConfiguredStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ConfiguredStore {
    /// Opens the configured backend, or explains which cargo feature it needs. Its calls are
    /// counted and timed in `metrics`.
    pub async fn open(config: &StorageConfig, metrics: &Metrics) -> Result<Self, String> {
        match config.storage_type {
            StorageType::InMemory => Self::in_memory(metrics),
            StorageType::Postgres => Self::postgres(config, metrics).await,
            StorageType::Sqlite => Self::sqlite(config, metrics).await,
            StorageType::Mysql => Self::mysql(config, metrics).await,
        }
    }

    #[cfg(feature = "sqlite")]
    async fn sqlite(config: &StorageConfig, metrics: &Metrics) -> Result<Self, String> {
        let settings = &config.sqlite;
        // Opening creates the file if missing and always applies pending migrations. A new file
        // is said at warn level: after a lost volume it is the first sign of an empty store.
        let created = !settings.path.exists();
        let storage =
            store_sqlite::SqliteStorage::open(settings).await.map_err(|err| format!("[storage.sqlite]: {err}"))?;
        let path = std::path::absolute(storage.path()).unwrap_or_else(|_| storage.path().to_owned());
        if created {
            tracing::warn!(path = %path.display(), "no SQLite database at this path: created an empty one");
        }
        tracing::info!(path = %path.display(), synchronous = ?settings.synchronous, "SQLite database opened");
        Ok(ConfiguredStore::Sqlite(Arc::new(with_metrics(
            metrics,
            storage.into_store(Arc::new(store_core::SystemClock)),
        ))))
    }

    #[cfg(not(feature = "sqlite"))]
    async fn sqlite(_: &StorageConfig, _: &Metrics) -> Result<Self, String> {
        Err("storage type \"sqlite\" is not compiled in: build maeve-manager with `--features sqlite`".to_owned())
    }

    #[cfg(feature = "memory")]
    fn in_memory(metrics: &Metrics) -> Result<Self, String> {
        let store = with_metrics(metrics, store_memory::memory_store(Arc::new(store_core::SystemClock)));
        Ok(ConfiguredStore::Memory(Arc::new(store)))
    }

    #[cfg(not(feature = "memory"))]
    fn in_memory(_: &Metrics) -> Result<Self, String> {
        Err("storage type \"in_memory\" is not compiled in: build maeve-manager with `--features memory`".to_owned())
    }

    #[cfg(feature = "postgres")]
    async fn postgres(config: &StorageConfig, metrics: &Metrics) -> Result<Self, String> {
        let settings = &config.postgres;
        let storage = store_postgres::PgStorage::connect_lazy(&settings.store)
            .map_err(|err| format!("[storage.postgres]: {err}"))?;
        if settings.run_migrations {
            storage.migrate().await.map_err(|err| format!("running migrations: {err}"))?;
        }
        if let Err(err) = storage.health().await {
            // Start anyway: the database may come up later; /health reports it meanwhile.
            tracing::warn!(error = %err, "PostgreSQL is not answering yet");
        }
        Ok(ConfiguredStore::Postgres(Arc::new(with_metrics(
            metrics,
            storage.into_store(Arc::new(store_core::SystemClock)),
        ))))
    }

    #[cfg(not(feature = "postgres"))]
    async fn postgres(_: &StorageConfig, _: &Metrics) -> Result<Self, String> {
        Err("storage type \"postgres\" is not compiled in: build maeve-manager with `--features postgres`".to_owned())
    }

    #[cfg(feature = "mysql")]
    async fn mysql(config: &StorageConfig, metrics: &Metrics) -> Result<Self, String> {
        let settings = &config.mysql;
        let storage = store_mysql::MySqlStorage::connect_lazy(&settings.store)
            .map_err(|err| format!("[storage.mysql]: {err}"))?;
        if settings.run_migrations {
            storage.migrate().await.map_err(|err| format!("running migrations: {err}"))?;
        }
        if let Err(err) = storage.health().await {
            // Start anyway: the database may come up later; /health reports it meanwhile.
            tracing::warn!(error = %err, "MariaDB/MySQL is not answering yet");
        }
        Ok(ConfiguredStore::Mysql(Arc::new(with_metrics(
            metrics,
            storage.into_store(Arc::new(store_core::SystemClock)),
        ))))
    }

    #[cfg(not(feature = "mysql"))]
    async fn mysql(_: &StorageConfig, _: &Metrics) -> Result<Self, String> {
        Err("storage type \"mysql\" is not compiled in: build maeve-manager with `--features mysql`".to_owned())
    }

    pub fn engine(&self) -> &dyn Engine {
        match self {
            #[cfg(feature = "memory")]
            ConfiguredStore::Memory(store) => store.as_ref(),
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.as_ref(),
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(store) => store.as_ref(),
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => store.as_ref(),
        }
    }

    /// Export and import of every record (R12).
    pub fn transfer(&self) -> &dyn ExportImport {
        match self {
            #[cfg(feature = "memory")]
            ConfiguredStore::Memory(store) => store.as_ref(),
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.as_ref(),
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(store) => store.as_ref(),
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => store.as_ref(),
        }
    }

    /// The `[storage] type` that selected it.
    pub fn name(&self) -> &'static str {
        match self {
            #[cfg(feature = "memory")]
            ConfiguredStore::Memory(_) => "in_memory",
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(_) => "postgres",
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(_) => "sqlite",
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(_) => "mysql",
        }
    }

    /// The connection pool's state, for the backends that pool connections to a server.
    pub fn pool_status(&self) -> Option<PoolStatus> {
        match self {
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => Some(PoolStatus::from(store.storage().pool().status())),
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => Some(PoolStatus::from(store.storage().pool().status())),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Where reads went, for a PostgreSQL store with `replica_urls`.
    pub fn replica_reads(&self) -> Option<ReplicaReads> {
        match self {
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.storage().read_routes().map(|routes| ReplicaReads {
                replica: routes.replica,
                primary: routes.primary,
                replica_failures: routes.replica_failures,
            }),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Deletes at most `limit` transactions ended before `ended_before`, with their meter
    /// values (one atomic batch).
    pub async fn prune_ended_transactions_batch(
        &self,
        ended_before: DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Pruned> {
        match self {
            #[cfg(feature = "memory")]
            ConfiguredStore::Memory(store) => store.prune_ended_transactions_batch(ended_before, limit).await,
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.prune_ended_transactions_batch(ended_before, limit).await,
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(store) => store.prune_ended_transactions_batch(ended_before, limit).await,
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => store.prune_ended_transactions_batch(ended_before, limit).await,
        }
    }

    /// One cheap check that the backend answers.
    pub async fn health(&self) -> StoreResult<()> {
        match self {
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.storage().health().await,
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(store) => store.storage().health().await,
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => store.storage().health().await,
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        }
    }

    pub async fn close(&self) {
        match self {
            #[cfg(feature = "postgres")]
            ConfiguredStore::Postgres(store) => store.storage().close().await,
            #[cfg(feature = "sqlite")]
            ConfiguredStore::Sqlite(store) => store.storage().close().await,
            #[cfg(feature = "mysql")]
            ConfiguredStore::Mysql(store) => store.storage().close().await,
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_memory_opens_and_is_healthy() {
        let config = StorageConfig { storage_type: StorageType::InMemory, ..StorageConfig::default() };
        let result = ConfiguredStore::open(&config, &Metrics::new()).await;
        if cfg!(feature = "memory") {
            let store = result.expect("in-memory store");
            assert_eq!(store.name(), "in_memory");
            assert!(store.health().await.is_ok());
        } else {
            assert!(result.unwrap_err().contains("--features memory"));
        }
    }

    #[cfg(not(feature = "postgres"))]
    #[tokio::test]
    async fn postgres_without_the_feature_fails_naming_it() {
        let config = StorageConfig { storage_type: StorageType::Postgres, ..StorageConfig::default() };
        let err = ConfiguredStore::open(&config, &Metrics::new()).await.unwrap_err();
        assert!(err.contains("\"postgres\" is not compiled in") && err.contains("--features postgres"), "{err}");
    }

    #[cfg(not(feature = "sqlite"))]
    #[tokio::test]
    async fn sqlite_without_the_feature_fails_naming_it() {
        let config = StorageConfig { storage_type: StorageType::Sqlite, ..StorageConfig::default() };
        let err = ConfiguredStore::open(&config, &Metrics::new()).await.unwrap_err();
        assert!(err.contains("\"sqlite\" is not compiled in") && err.contains("--features sqlite"), "{err}");
    }

    #[cfg(not(feature = "mysql"))]
    #[tokio::test]
    async fn mysql_without_the_feature_fails_naming_it() {
        let config = StorageConfig { storage_type: StorageType::Mysql, ..StorageConfig::default() };
        let err = ConfiguredStore::open(&config, &Metrics::new()).await.unwrap_err();
        assert!(err.contains("\"mysql\" is not compiled in") && err.contains("--features mysql"), "{err}");
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_creates_its_file_and_directory_and_is_healthy() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("new/dir/maeve.db");
        let config = StorageConfig {
            storage_type: StorageType::Sqlite,
            sqlite: store_sqlite::SqliteStoreConfig::at(&path),
            ..StorageConfig::default()
        };
        let store = ConfiguredStore::open(&config, &Metrics::new()).await.expect("sqlite store");
        assert_eq!(store.name(), "sqlite");
        assert!(store.health().await.is_ok());
        store.close().await;
        assert!(path.exists());
    }
}
