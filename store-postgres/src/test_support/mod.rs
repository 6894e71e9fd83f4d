//! Test support (feature `test-support`): scratch schemas in the database named by
//! `DATABASE_URL`, migrated with the embedded migrations and dropped afterwards, so tests are
//! isolated and can run in parallel. Used by this crate's tests and by the manager's and the
//! benchmarks'; it knows nothing of the conformance suite.

mod cluster;
mod pgbouncer;
mod schema_pool;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_core::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};
use store_core::Clock;

use crate::{PgStorage, PgStore, PgStoreConfig, redact_url};

pub use cluster::ThrowawayCluster;
pub use pgbouncer::ThrowawayPgBouncer;
pub use schema_pool::SchemaPool;

/// What to tell someone whose PostgreSQL tests cannot find a database.
pub const NO_DATABASE_HELP: &str = "DATABASE_URL is not set. The PostgreSQL tests need a server where this user may \
     create schemas, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (TLS handshakes make every test schema slow). `cargo xtask db up` starts a \
     throwaway cluster from the local PostgreSQL binaries and prints the URL; .ci/run does this by itself.";

/// `DATABASE_URL`, or an error that says how to get a database.
pub fn database_url() -> Result<String, String> {
    std::env::var("DATABASE_URL").map_err(|_| NO_DATABASE_HELP.to_owned())
}

/// A schema name no other test uses.
pub fn unique_schema(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{prefix}_{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), nanos % 1_000_000_000)
}

/// A scratch schema with its own pool (whose `search_path` is the schema), dropped by
/// [`ScratchSchema::drop_now`].
#[derive(Debug, Clone)]
pub struct ScratchSchema {
    pub name: String,
    pub url: String,
    admin: PgPool,
    /// A login role of the schema's name whose `search_path` is the schema, made by
    /// [`ScratchSchema::create_with_role`].
    role: bool,
}

impl ScratchSchema {
    /// Creates an empty schema in the `DATABASE_URL` database.
    pub async fn create(prefix: &str) -> Result<Self, String> {
        Self::create_on(database_url()?, prefix).await
    }

    /// Creates an empty schema in the database at `url`.
    pub async fn create_on(url: String, prefix: &str) -> Result<Self, String> {
        let admin_options = PgStoreConfig::from_url(url.clone())
            .connect_options()
            .map_err(|err| err.to_string())?
            .options([("synchronous_commit", "off")]);
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(admin_options)
            .await
            .map_err(|err| format!("cannot connect to {}: {err}\n{NO_DATABASE_HELP}", redact_url(&url)))?;
        let name = unique_schema(prefix);
        // The name is generated above, never user data; identifiers cannot be bound parameters.
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA \"{name}\"")))
            .execute(&admin)
            .await
            .map_err(|err| format!("cannot create schema {name}: {err}"))?;
        Ok(ScratchSchema { name, url, admin, role: false })
    }

    /// Creates an empty schema in the database at `url`, and a login role of the same name
    /// that owns it and whose `search_path` is it: sessions as that role use the schema with no
    /// startup parameter and no `SET`, as a connection pooler in transaction mode requires.
    pub async fn create_with_role(url: String, prefix: &str) -> Result<Self, String> {
        let mut schema = Self::create_on(url, prefix).await?;
        schema.role = true;
        let name = &schema.name;
        for sql in [
            format!("CREATE ROLE \"{name}\" LOGIN"),
            format!("ALTER SCHEMA \"{name}\" OWNER TO \"{name}\""),
            format!("ALTER ROLE \"{name}\" SET search_path = \"{name}\""),
        ] {
            // The name is generated, never user data; identifiers cannot be bound parameters.
            if let Err(err) = sqlx::query(AssertSqlSafe(sql)).execute(&schema.admin).await {
                let err = format!("cannot set up role {name}: {err}");
                schema.drop_now().await;
                return Err(err);
            }
        }
        Ok(schema)
    }

    /// A migrated store on this schema (made by [`ScratchSchema::create_with_role`]) whose
    /// connections go through a pooler at `pooler_url` as the schema's role, configured by
    /// `config` (`statement_cache_capacity` 0). Migrations run on a direct connection: they
    /// hold a session-level advisory lock, which transaction pooling cannot keep.
    pub async fn store_through_pooler(
        &self,
        clock: Arc<dyn Clock>,
        config: &PgStoreConfig,
        pooler_url: &str,
    ) -> Result<PgStore, String> {
        let direct = PgStoreConfig { user: Some(self.name.clone()), ..PgStoreConfig::from_url(self.url.clone()) };
        let migrator =
            PgStorage::connect_lazy(&PgStoreConfig { max_connections: 1, ..direct }).map_err(|err| err.to_string())?;
        let migrated = self.migrate(&migrator).await;
        migrator.close().await;
        migrated?;
        let config =
            PgStoreConfig { url: Some(pooler_url.to_owned()), user: Some(self.name.clone()), ..config.clone() };
        Ok(PgStorage::connect_lazy(&config).map_err(|err| err.to_string())?.into_store(clock))
    }

    /// Store configuration whose connections use this schema.
    pub fn config(&self, max_connections: u32) -> PgStoreConfig {
        PgStoreConfig { max_connections, ..PgStoreConfig::from_url(self.url.clone()) }
    }

    /// Options of connections whose `search_path` is this schema. Commits do not wait for the
    /// WAL flush: test data need not survive a server crash, and DDL per schema gets cheap.
    pub fn connect_options(&self, config: &PgStoreConfig) -> Result<PgConnectOptions, String> {
        Ok(config
            .connect_options()
            .map_err(|err| err.to_string())?
            .options([("search_path", self.name.as_str()), ("synchronous_commit", "off")]))
    }

    /// Storage (not migrated) on this schema, pooled as `config` says.
    pub fn storage(&self, config: &PgStoreConfig) -> Result<PgStorage, String> {
        PgStorage::connect_lazy_with(config, self.connect_options(config)?).map_err(|err| err.to_string())
    }

    /// Options of connections whose `search_path` is this schema, with the server's own
    /// commit settings: what benchmarks measure, as production would see it.
    pub fn connect_options_as_configured(&self, config: &PgStoreConfig) -> Result<PgConnectOptions, String> {
        Ok(config.connect_options().map_err(|err| err.to_string())?.options([("search_path", self.name.as_str())]))
    }

    /// A store on this schema, migrated first, whose connections keep the server's own commit
    /// settings (see [`ScratchSchema::connect_options_as_configured`]).
    pub async fn store_as_configured(&self, clock: Arc<dyn Clock>, max_connections: u32) -> Result<PgStore, String> {
        self.store(clock.clone(), 1).await?.storage().close().await;
        let config = self.config(max_connections);
        let options = self.connect_options_as_configured(&config)?;
        Ok(PgStorage::connect_lazy_with(&config, options).map_err(|err| err.to_string())?.into_store(clock))
    }

    /// A migrated store on this schema that reads from the streaming replica at `replica_url`
    /// (through this schema too) when read-your-writes allows, configured by `config`, with the
    /// server's own commit settings.
    pub async fn store_with_replica(
        &self,
        clock: Arc<dyn Clock>,
        config: &PgStoreConfig,
        replica_url: &str,
    ) -> Result<PgStore, String> {
        // The server's own commit settings: an asynchronous commit reaches a replica only
        // when the WAL writer flushes it, up to `wal_writer_delay` later.
        let options = self.connect_options_as_configured(config)?;
        let storage = PgStorage::connect_lazy_with(config, options).map_err(|err| err.to_string())?;
        self.migrate(&storage).await?;
        let replica_config = PgStoreConfig { url: Some(replica_url.to_owned()), ..config.clone() };
        let replica = (self.connect_options(&replica_config)?, redact_url(replica_url));
        Ok(storage.with_replicas(config, vec![replica]).map_err(|err| err.to_string())?.into_store(clock))
    }

    /// A migrated store on this schema.
    pub async fn store(&self, clock: Arc<dyn Clock>, max_connections: u32) -> Result<PgStore, String> {
        let storage = self.storage(&self.config(max_connections))?;
        self.migrate(&storage).await?;
        Ok(storage.into_store(clock))
    }

    /// Applies the migrations through `storage`, whose connections use this schema.
    async fn migrate(&self, storage: &PgStorage) -> Result<(), String> {
        storage.migrate().await.map_err(|err| format!("migrating schema {}: {err}", self.name))
    }

    pub async fn drop_now(self) {
        let sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name);
        if let Err(err) = sqlx::query(AssertSqlSafe(sql)).execute(&self.admin).await {
            eprintln!("warning: could not drop test schema {}: {err}", self.name);
        }
        if self.role {
            let sql = format!("DROP ROLE IF EXISTS \"{}\"", self.name);
            if let Err(err) = sqlx::query(AssertSqlSafe(sql)).execute(&self.admin).await {
                eprintln!("warning: could not drop test role {}: {err}", self.name);
            }
        }
        self.admin.close().await;
    }
}

/// A migrated store on a fresh schema, and what removes both: the engine of one test.
pub async fn scratch_store(prefix: &str, clock: Arc<dyn Clock>) -> Result<(PgStore, BoxFuture<'static, ()>), String> {
    let schema = ScratchSchema::create(prefix).await?;
    let store = schema.store(clock, 8).await;
    with_teardown(schema, store).await
}

/// `store`, made on `schema`, and what closes it and drops the schema; when making the store
/// failed, the schema is dropped at once.
pub async fn with_teardown(
    schema: ScratchSchema,
    store: Result<PgStore, String>,
) -> Result<(PgStore, BoxFuture<'static, ()>), String> {
    closing_then(store, Box::pin(async move { schema.drop_now().await })).await
}

/// `store` and what closes it and then runs `release` (which drops or gives back the schema it
/// was made on); when making the store failed, `release` runs at once.
pub(crate) async fn closing_then(
    store: Result<PgStore, String>,
    release: BoxFuture<'static, ()>,
) -> Result<(PgStore, BoxFuture<'static, ()>), String> {
    let store = match store {
        Ok(store) => store,
        Err(err) => {
            release.await;
            return Err(err);
        }
    };
    let storage = store.storage().clone();
    let teardown = Box::pin(async move {
        storage.close().await;
        release.await;
    });
    Ok((store, teardown))
}
