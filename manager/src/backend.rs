//! The storage backend, chosen at start from those the cargo features compiled in.

use std::fmt;
use std::sync::Arc;

use store_core::{Engine, StoreResult};

use crate::config::{StorageConfig, StorageType};

#[derive(Clone)]
pub enum Backend {
    #[cfg(feature = "memory")]
    Memory(Arc<store_memory::MemoryStore>),
    #[cfg(feature = "postgres")]
    Postgres(store_postgres::PgStore),
    /// Any other engine (tests): always healthy, nothing to close.
    Other(Arc<dyn Engine>),
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Backend {
    /// Opens the configured backend, or explains which cargo feature it needs.
    pub async fn open(config: &StorageConfig) -> Result<Self, String> {
        match config.storage_type {
            StorageType::InMemory => Self::in_memory(),
            StorageType::Postgres => Self::postgres(config).await,
        }
    }

    #[cfg(feature = "memory")]
    fn in_memory() -> Result<Self, String> {
        Ok(Backend::Memory(Arc::new(store_memory::MemoryStore::default())))
    }

    #[cfg(not(feature = "memory"))]
    fn in_memory() -> Result<Self, String> {
        Err("storage type \"in_memory\" is not compiled in: build maeve-manager with `--features memory`".to_owned())
    }

    #[cfg(feature = "postgres")]
    async fn postgres(config: &StorageConfig) -> Result<Self, String> {
        let settings = &config.postgres;
        let store = store_postgres::PgStore::connect_lazy(&settings.store, Arc::new(store_core::SystemClock))
            .map_err(|err| format!("[storage.postgres]: {err}"))?;
        if settings.run_migrations {
            store.migrate().await.map_err(|err| format!("running migrations: {err}"))?;
        }
        if let Err(err) = store.health().await {
            // Start anyway: the database may come up later; /health reports it meanwhile.
            tracing::warn!(error = %err, "PostgreSQL is not answering yet");
        }
        Ok(Backend::Postgres(store))
    }

    #[cfg(not(feature = "postgres"))]
    async fn postgres(_: &StorageConfig) -> Result<Self, String> {
        Err("storage type \"postgres\" is not compiled in: build maeve-manager with `--features postgres`".to_owned())
    }

    pub fn engine(&self) -> Arc<dyn Engine> {
        match self {
            #[cfg(feature = "memory")]
            Backend::Memory(store) => store.clone(),
            #[cfg(feature = "postgres")]
            Backend::Postgres(store) => Arc::new(store.clone()),
            Backend::Other(engine) => engine.clone(),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            #[cfg(feature = "memory")]
            Backend::Memory(_) => "in_memory",
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => "postgres",
            Backend::Other(_) => "other",
        }
    }

    /// One cheap check that the backend answers.
    pub async fn health(&self) -> StoreResult<()> {
        match self {
            #[cfg(feature = "postgres")]
            Backend::Postgres(store) => store.health().await,
            _ => Ok(()),
        }
    }

    pub async fn close(&self) {
        #[cfg(feature = "postgres")]
        if let Backend::Postgres(store) = self {
            store.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_memory_opens_and_is_healthy() {
        let config = StorageConfig::default();
        let result = Backend::open(&config).await;
        if cfg!(feature = "memory") {
            let backend = result.expect("in-memory backend");
            assert_eq!(backend.name(), "in_memory");
            assert!(backend.health().await.is_ok());
        } else {
            assert!(result.unwrap_err().contains("--features memory"));
        }
    }

    #[cfg(not(feature = "postgres"))]
    #[tokio::test]
    async fn postgres_without_the_feature_fails_naming_it() {
        let config = StorageConfig { storage_type: StorageType::Postgres };
        let err = Backend::open(&config).await.unwrap_err();
        assert!(err.contains("\"postgres\" is not compiled in") && err.contains("--features postgres"), "{err}");
    }
}
