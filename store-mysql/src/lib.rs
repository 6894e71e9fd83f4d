//! The MariaDB / MySQL backend (InnoDB). Reads are single statements, which InnoDB answers from
//! one consistent view. Writes that touch one row are one upsert; merges and transaction writes
//! are one short transaction that first upserts the parent row, taking its lock, so that
//! writers of the same record (from any manager replica) run one after the other and no append
//! or increment is lost. Sessions run at READ COMMITTED, which takes no gap locks on plain
//! inserts, and a write InnoDB aborts as a deadlock victim or after a lock wait is run again
//! ([`retry`]). It only stores: the core's [`Store`] validates, traces and measures around it.

/// Runs one store call on a pooled connection, again if InnoDB aborted it without effect: the
/// connection goes back to the pool if the call left it usable, and is discarded otherwise
/// (also when the call's future is dropped mid-flight).
macro_rules! run {
    ($storage:expr, |$connection:ident| $call:expr) => {
        $crate::retry::retrying(|| async {
            let mut lease = $storage.pool.acquire().await?;
            let $connection: &mut sqlx::MySqlConnection = &mut lease;
            let result = $call.await;
            lease.settle(&result);
            result
        })
    };
}

mod certificate;
mod charge_station;
mod config;
mod error;
mod export;
mod location;
mod ocpi;
mod pool;
mod retry;
#[cfg(feature = "test-support")]
pub mod test_support;
mod token;
mod transaction;

use std::sync::Arc;

use sqlx::migrate::Migrator;
use sqlx::mysql::MySqlConnectOptions;
use store_core::{Clock, Storage, Store, StoreResult};
// Rows map to domain types in the code MySQL shares with SQLite.
use store_rows as rows;

pub use config::MySqlStoreConfig;
pub use pool::{ConnectionPool, Lease, MySqlConnect};
pub use store_pool::PoolStatus;

/// The embedded, reversible migrations (also usable by `sqlx migrate run`).
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The MySQL-family storage: a pool and the statements; [`MySqlStorage::into_store`] puts it
/// behind the core's layers.
#[derive(Debug, Clone)]
pub struct MySqlStorage {
    pool: ConnectionPool,
}

/// The MySQL-family engine: [`MySqlStorage`] behind the core's layers.
pub type MySqlStore = Store<MySqlStorage>;

impl Storage for MySqlStorage {
    fn backend_name(&self) -> &'static str {
        "mysql"
    }
}

impl MySqlStorage {
    /// A pool that connects on first use (so a manager can start before its database).
    pub fn connect_lazy(config: &MySqlStoreConfig) -> StoreResult<Self> {
        Self::connect_lazy_with(config, config.connect_options()?)
    }

    /// As [`MySqlStorage::connect_lazy`], with connect options of the caller's (tests point
    /// them at a scratch database).
    pub fn connect_lazy_with(config: &MySqlStoreConfig, options: MySqlConnectOptions) -> StoreResult<Self> {
        let connect = MySqlConnect::new(options, config.lock_wait_timeout_s()?);
        Ok(MySqlStorage { pool: ConnectionPool::new(connect, config.pool_settings()?) })
    }

    /// Connects one connection now, so that a wrong address or password is reported at start.
    pub async fn connect(config: &MySqlStoreConfig) -> StoreResult<Self> {
        let storage = Self::connect_lazy(config)?;
        storage.health().await?;
        Ok(storage)
    }

    /// The engine over this storage, whose generated timestamps come from `clock`.
    pub fn into_store(self, clock: Arc<dyn Clock>) -> MySqlStore {
        Store::new(self, clock)
    }

    /// The connection pool (its status for metrics; connections for tests and benchmarks).
    pub fn pool(&self) -> &ConnectionPool {
        &self.pool
    }

    /// Applies every pending migration. sqlx holds a named server lock (`GET_LOCK`) meanwhile,
    /// so replicas starting together apply each migration once.
    pub async fn migrate(&self) -> StoreResult<()> {
        let mut lease = self.pool.acquire().await.map_err(error::map)?;
        let result = MIGRATOR.run_direct(None, &mut *lease, false).await;
        // A failed migration may have stopped anywhere: the connection is not reused.
        if result.is_ok() {
            lease.keep();
        }
        result.map_err(error::migration)
    }

    /// One cheap statement.
    pub async fn health(&self) -> StoreResult<()> {
        run!(self, |connection| sqlx::query!("SELECT 1 AS one").fetch_one(connection)).await.map_err(error::map)?;
        Ok(())
    }

    /// Waits for checked-out connections to return, then closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// usize counts as SQL integers; anything beyond i64::MAX means "no limit".
fn sql_count(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
