//! The PostgreSQL backend: one SQL statement per store call (never read-modify-write in Rust),
//! so several managers can share one database. Queries are checked at compile time against
//! the migrations; the offline data in `.sqlx/` lets builds run without a database. It only
//! stores: the core's [`Store`] validates, traces and measures around it.

/// Runs `$statement` (an expression whose future runs the store call's statements on
/// `$connection`) on a connection from `$pool`, again while PostgreSQL aborts it without effect
/// (each run takes a connection afresh). A connection goes back to the pool only if its run ended
/// and left it usable: a dropped call discards it. Behind a transaction pooler the call runs in
/// an explicit transaction, so that all its round trips (sqlx prepares in one and executes in
/// the next) stay on one server connection. (Macros, not methods taking a closure: a closure's
/// future borrowing the connection it is given cannot be proved `Send`; and each `query!`
/// expansion has a record type of its own, so the statement is expanded once.)
macro_rules! on_pool {
    ($storage:expr, $pool:expr, |$connection:ident| $statement:expr) => {
        $crate::retry::retrying(|| async {
            let mut lease = $pool.acquire().await?;
            let result = async {
                let mut transaction = None;
                let $connection: &mut sqlx::PgConnection = if $storage.transaction_pooling() {
                    &mut *transaction.insert(sqlx::Connection::begin(&mut *lease).await?)
                } else {
                    &mut lease
                };
                let result = $statement.await;
                match (transaction, result) {
                    (Some(transaction), Ok(value)) => transaction.commit().await.map(|()| value),
                    (Some(transaction), Err(err)) => {
                        let _ = transaction.rollback().await;
                        Err(err)
                    }
                    (None, result) => result,
                }
            }
            .await;
            lease.settle(&result);
            result
        })
    };
}

/// Runs one store call on the primary (see [`on_pool!`]); with replicas configured, it counts
/// as a write for read-your-writes while it runs.
macro_rules! run {
    ($storage:expr, |$connection:ident| $statement:expr) => {
        async {
            let _write = $storage.begin_write();
            run_on_primary!($storage, |$connection| $statement).await
        }
    };
}

/// Runs one read-only statement (a lookup or a list) like [`run!`], on a replica when one may
/// serve it (see `replica.rs`), else, or when the replica fails, on the primary.
macro_rules! read {
    ($storage:expr, |$connection:ident| $statement:expr) => {
        async {
            let mut replica = $storage.replicas().and_then(|replicas| Some((replicas, replicas.for_read()?)));
            loop {
                let pool = replica.map_or($storage.pool(), |(_, replica)| replica.pool());
                let result = on_pool!($storage, pool, |$connection| $statement).await;
                match (replica, result) {
                    (Some((replicas, _)), Ok(value)) => {
                        replicas.served();
                        break Ok(value);
                    }
                    (Some((replicas, failed)), Err(err)) => {
                        replicas.failed(failed, &err);
                        replica = None;
                    }
                    (None, result) => break result,
                }
            }
        }
    };
}

/// A read on the primary: [`run!`] without counting as a write.
macro_rules! run_on_primary {
    ($storage:expr, |$connection:ident| $statement:expr) => {
        on_pool!($storage, $storage.pool(), |$connection| $statement)
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
mod replica;
mod retry;
mod rows;
#[cfg(feature = "test-support")]
pub mod test_support;
mod token;
mod transaction;

use std::sync::Arc;

use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use store_core::{Clock, Storage, Store, StoreError, StoreResult};

pub use config::{PgStoreConfig, redact_url};
pub use pool::{ConnectionPool, Lease, PgConnect};
pub use replica::{ReadRoutes, ReplicaSettings};
use replica::{Replicas, WriteGuard};
pub use store_pool::PoolStatus;

/// The embedded, reversible migrations (also usable by `sqlx migrate run`).
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL storage: a pool and the statements; [`PgStorage::into_store`] puts it
/// behind the core's layers.
#[derive(Debug, Clone)]
pub struct PgStorage {
    pool: ConnectionPool,
    replicas: Option<Arc<Replicas>>,
    transaction_pooling: bool,
}

/// The PostgreSQL engine: [`PgStorage`] behind the core's layers.
pub type PgStore = Store<PgStorage>;

impl Storage for PgStorage {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }
}

impl PgStorage {
    /// A pool as `config` says. Connections are opened when calls need them, so this fails only
    /// on a bad configuration; `health()` tells whether the database answers.
    pub fn connect_lazy(config: &PgStoreConfig) -> StoreResult<Self> {
        let storage = Self::connect_lazy_with(config, config.connect_options()?)?;
        let replicas = config.replica_connect_options()?;
        if replicas.is_empty() {
            return Ok(storage);
        }
        storage.with_replicas(config, replicas)
    }

    /// A pool sized and timed as `config` says, whose connections use `options` (tests and
    /// benchmarks change server settings or go through a proxy).
    pub fn connect_lazy_with(config: &PgStoreConfig, options: PgConnectOptions) -> StoreResult<Self> {
        Ok(PgStorage {
            pool: ConnectionPool::new(PgConnect::new(options), config.pool_settings()?),
            replicas: None,
            transaction_pooling: config.transaction_pooling,
        })
    }

    /// This storage reading from the streaming replicas `replicas` (connect options and a name
    /// for logs, without a password) when read-your-writes allows, pooled and polled as
    /// `config` says.
    pub fn with_replicas(self, config: &PgStoreConfig, replicas: Vec<(PgConnectOptions, String)>) -> StoreResult<Self> {
        let settings = config.pool_settings()?;
        let pools = replicas
            .into_iter()
            .map(|(options, name)| (ConnectionPool::new(PgConnect::new(options), settings.clone()), name))
            .collect();
        let routing = Replicas::new(self.pool.clone(), pools, config.replica_settings()?);
        Ok(PgStorage { replicas: Some(Arc::new(routing)), ..self })
    }

    /// Where reads went, when replicas are configured.
    pub fn read_routes(&self) -> Option<ReadRoutes> {
        self.replicas.as_ref().map(|replicas| replicas.routes())
    }

    /// Whether a read starting now would go to a replica: the routing decision every lookup and
    /// list makes, without the read (for health pages and for measuring the decision's cost).
    pub fn would_read_from_replica(&self) -> bool {
        self.replicas.as_ref().is_some_and(|replicas| replicas.would_choose())
    }

    /// Whether every call runs in an explicit transaction (`transaction_pooling`).
    fn transaction_pooling(&self) -> bool {
        self.transaction_pooling
    }

    fn replicas(&self) -> Option<&Arc<Replicas>> {
        self.replicas.as_ref()
    }

    fn begin_write(&self) -> Option<WriteGuard<'_>> {
        self.replicas.as_ref().map(|replicas| replicas.begin_write())
    }

    /// Connects and checks that the database answers.
    pub async fn connect(config: &PgStoreConfig) -> StoreResult<Self> {
        let storage = Self::connect_lazy(config)?;
        storage.health().await?;
        Ok(storage)
    }

    /// The engine over this storage, whose generated timestamps come from `clock`.
    pub fn into_store(self, clock: Arc<dyn Clock>) -> PgStore {
        Store::new(self, clock)
    }

    pub fn pool(&self) -> &ConnectionPool {
        &self.pool
    }

    /// Applies every pending migration, under sqlx's advisory lock (safe with several replicas).
    pub async fn migrate(&self) -> StoreResult<()> {
        if self.transaction_pooling {
            // The lock is held by a session: through a transaction pooler, it would be taken on
            // one server connection and released on another, and stay taken.
            return Err(StoreError::invalid_argument(
                "postgres config transaction_pooling",
                "migrations need a direct connection to the server (they hold a session-level advisory lock): \
                 run them with `cargo xtask migrate up --database-url <server>` or from a config without transaction_pooling",
            ));
        }
        let _write = self.begin_write();
        let mut lease = self.pool.acquire().await.map_err(error::map)?;
        let result = MIGRATOR.run_direct(None, &mut *lease, false).await;
        if result.is_ok() {
            lease.keep();
        }
        result.map_err(error::migration)
    }

    /// One cheap round trip.
    pub async fn health(&self) -> StoreResult<()> {
        run_on_primary!(self, |connection| sqlx::query!("SELECT 1 AS one").fetch_one(connection))
            .await
            .map_err(error::map)?;
        Ok(())
    }

    /// Closes idle connections now and the others as their calls end.
    pub async fn close(&self) {
        if let Some(replicas) = &self.replicas {
            replicas.close().await;
        }
        self.pool.close().await;
    }
}

/// usize counts as SQL bigint; anything beyond i64::MAX means "no limit".
fn sql_count(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
