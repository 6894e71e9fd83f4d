//! Test support (feature `test-support`): scratch databases on the server named by `MYSQL_URL`,
//! migrated with the embedded migrations and dropped afterwards, so tests are isolated and can
//! run in parallel. Used by this crate's tests and by the manager's and the benchmarks'; it
//! knows nothing of the conformance suite.

mod database_pool;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_core::future::BoxFuture;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{AssertSqlSafe, MySqlPool};
use store_core::{Clock, redact_url};

use crate::{MySqlStorage, MySqlStore, MySqlStoreConfig};

pub use database_pool::DatabasePool;

/// What to tell someone whose MySQL tests cannot find a server.
pub const NO_SERVER_HELP: &str = "MYSQL_URL is not set. The MariaDB/MySQL tests need a server where this user may \
     create databases, e.g. MYSQL_URL=mysql://root@127.0.0.1:3306 (Debian: `apt-get install mariadb-server`, then \
     `service mariadb start`); .ci/run does this by itself.";

/// `MYSQL_URL`, or an error that says how to get a server.
pub fn server_url() -> Result<String, String> {
    std::env::var("MYSQL_URL").map_err(|_| NO_SERVER_HELP.to_owned())
}

/// A database name no other test uses (MySQL allows 64 characters).
fn unique_database(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let prefix: String = prefix.chars().filter(char::is_ascii_alphanumeric).take(20).collect();
    format!("maeve_{prefix}_{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), nanos % 1_000_000_000)
}

/// A scratch database, dropped by [`ScratchDatabase::drop_now`].
#[derive(Debug, Clone)]
pub struct ScratchDatabase {
    pub name: String,
    pub server_url: String,
    admin: MySqlPool,
}

impl ScratchDatabase {
    /// Creates an empty database on the `MYSQL_URL` server.
    pub async fn create(prefix: &str) -> Result<Self, String> {
        Self::create_named(unique_database(prefix), false).await
    }

    /// Creates an empty database named `name` on the `MYSQL_URL` server, replacing one of that
    /// name. For offline query data, which records the database's name in every column it
    /// describes: codegen needs the same name each time.
    pub async fn create_fixed(name: &str) -> Result<Self, String> {
        Self::create_named(name.to_owned(), true).await
    }

    async fn create_named(name: String, replace: bool) -> Result<Self, String> {
        let server_url = server_url()?;
        let admin_options =
            MySqlStoreConfig::from_url(server_url.clone()).connect_options().map_err(|err| err.to_string())?;
        let admin = MySqlPoolOptions::new()
            .max_connections(1)
            .connect_with(admin_options)
            .await
            .map_err(|err| format!("cannot connect to {}: {err}\n{NO_SERVER_HELP}", redact_url(&server_url)))?;
        if replace {
            sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{name}`")))
                .execute(&admin)
                .await
                .map_err(|err| format!("cannot drop database {name}: {err}"))?;
        }
        // The name is generated here or a constant of codegen's, never user data; identifiers
        // cannot be bound parameters.
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")))
            .execute(&admin)
            .await
            .map_err(|err| format!("cannot create database {name}: {err}"))?;
        Ok(ScratchDatabase { name, server_url, admin })
    }

    /// Store configuration whose connections use this database.
    pub fn config(&self, max_connections: u32) -> MySqlStoreConfig {
        MySqlStoreConfig {
            max_connections,
            database: Some(self.name.clone()),
            ..MySqlStoreConfig::from_url(self.server_url.clone())
        }
    }

    /// Options of connections to this database.
    pub fn connect_options(&self, config: &MySqlStoreConfig) -> Result<MySqlConnectOptions, String> {
        config.connect_options().map_err(|err| err.to_string())
    }

    /// A migrated store on this database.
    pub async fn store(&self, clock: Arc<dyn Clock>, max_connections: u32) -> Result<MySqlStore, String> {
        let config = self.config(max_connections);
        let storage = MySqlStorage::connect_lazy(&config).map_err(|err| err.to_string())?;
        storage.migrate().await.map_err(|err| format!("migrating database {}: {err}", self.name))?;
        Ok(storage.into_store(clock))
    }

    pub async fn drop_now(self) {
        let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
        if let Err(err) = sqlx::query(AssertSqlSafe(sql)).execute(&self.admin).await {
            eprintln!("warning: could not drop test database {}: {err}", self.name);
        }
        self.admin.close().await;
    }
}

/// A migrated store on a fresh database, and what removes both: the engine of one test.
pub async fn scratch_store(
    prefix: &str,
    clock: Arc<dyn Clock>,
) -> Result<(MySqlStore, BoxFuture<'static, ()>), String> {
    let database = ScratchDatabase::create(prefix).await?;
    let store = match database.store(clock, 8).await {
        Ok(store) => store,
        Err(err) => {
            database.drop_now().await;
            return Err(err);
        }
    };
    let storage = store.storage().clone();
    let teardown = Box::pin(async move {
        storage.close().await;
        database.drop_now().await;
    });
    Ok((store, teardown))
}
