//! The PostgreSQL backend: one SQL statement per store call (never read-modify-write in Rust),
//! so several managers can share one database. Queries are checked at compile time against
//! the migrations; the offline data in `.sqlx/` lets builds run without a database.

mod certificate;
mod charge_station;
mod config;
mod error;
mod location;
mod ocpi;
mod rows;
mod token;
mod transaction;

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use store_core::{Clock, StoreError, StoreResult};

pub use config::{PgStoreConfig, redact_url};

/// The embedded, reversible migrations (also usable by `sqlx migrate run`).
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    clock: Arc<dyn Clock>,
}

impl PgStore {
    /// Connects a pool as `config` says. Connections are opened lazily, so this fails only on
    /// a bad configuration; `health()` tells whether the database answers.
    pub fn connect_lazy(config: &PgStoreConfig, clock: Arc<dyn Clock>) -> StoreResult<Self> {
        let pool = config.pool_options()?.connect_lazy_with(config.connect_options()?);
        Ok(PgStore { pool, clock })
    }

    /// Connects and checks that the database answers.
    pub async fn connect(config: &PgStoreConfig, clock: Arc<dyn Clock>) -> StoreResult<Self> {
        let store = Self::connect_lazy(config, clock)?;
        store.health().await?;
        Ok(store)
    }

    /// A store over an existing pool.
    pub fn from_pool(pool: PgPool, clock: Arc<dyn Clock>) -> Self {
        PgStore { pool, clock }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies every pending migration, under sqlx's advisory lock (safe with several replicas).
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|err| StoreError::Backend { operation: "migrate".into(), source: Box::new(err) })
    }

    /// One cheap round trip.
    pub async fn health(&self) -> StoreResult<()> {
        sqlx::query!("SELECT 1 AS one").fetch_one(&self.pool).await.map_err(|err| error::map("health", err))?;
        Ok(())
    }

    /// Waits for checked-out connections to return, then closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// usize counts as SQL bigint; anything beyond i64::MAX means "no limit".
fn sql_count(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
