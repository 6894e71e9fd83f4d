//! The PostgreSQL backend: one SQL statement per store call (never read-modify-write in Rust),
//! so several managers can share one database. Queries are checked at compile time against
//! the migrations; the offline data in `.sqlx/` lets builds run without a database. It only
//! stores: the core's [`Store`] validates, traces and measures around it.

mod certificate;
mod charge_station;
mod config;
mod error;
mod location;
mod ocpi;
mod retry;
mod rows;
#[cfg(feature = "test-support")]
pub mod test_support;
mod token;
mod transaction;

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use store_core::{Clock, Storage, Store, StoreResult};

pub use config::{PgStoreConfig, redact_url};

/// The embedded, reversible migrations (also usable by `sqlx migrate run`).
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL storage: a pool and the statements; [`PgStorage::into_store`] puts it
/// behind the core's layers.
#[derive(Debug, Clone)]
pub struct PgStorage {
    pool: PgPool,
}

/// The PostgreSQL engine: [`PgStorage`] behind the core's layers.
pub type PgStore = Store<PgStorage>;

impl Storage for PgStorage {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }
}

impl PgStorage {
    /// Connects a pool as `config` says. Connections are opened lazily, so this fails only on
    /// a bad configuration; `health()` tells whether the database answers.
    pub fn connect_lazy(config: &PgStoreConfig) -> StoreResult<Self> {
        let pool = config.pool_options()?.connect_lazy_with(config.connect_options()?);
        Ok(PgStorage { pool })
    }

    /// Connects and checks that the database answers.
    pub async fn connect(config: &PgStoreConfig) -> StoreResult<Self> {
        let storage = Self::connect_lazy(config)?;
        storage.health().await?;
        Ok(storage)
    }

    /// Storage over an existing pool.
    pub fn from_pool(pool: PgPool) -> Self {
        PgStorage { pool }
    }

    /// The engine over this storage, whose generated timestamps come from `clock`.
    pub fn into_store(self, clock: Arc<dyn Clock>) -> PgStore {
        Store::new(self, clock)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies every pending migration, under sqlx's advisory lock (safe with several replicas).
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(error::migration)
    }

    /// One cheap round trip.
    pub async fn health(&self) -> StoreResult<()> {
        sqlx::query!("SELECT 1 AS one").fetch_one(&self.pool).await.map_err(error::map)?;
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
