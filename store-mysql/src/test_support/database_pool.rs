//! Scratch databases kept for reuse: a suite that needs thousands of fresh, empty stores (the
//! conformance suite's model cases and concurrent histories) takes a migrated database, and
//! gives it back emptied by a few `DELETE`s instead of paying `CREATE DATABASE`, the migrations
//! and `DROP DATABASE` each time. (`TRUNCATE` is DDL in InnoDB: a table dropped and made again.)

use std::sync::{Arc, Mutex};

use futures_core::future::BoxFuture;
use sqlx::AssertSqlSafe;

use super::ScratchDatabase;
use crate::MySqlStore;

/// Empty scratch databases on the `MYSQL_URL` server, reused until [`DatabasePool::drain`].
#[derive(Debug)]
pub struct DatabasePool {
    prefix: String,
    idle: Mutex<Vec<ScratchDatabase>>,
}

impl DatabasePool {
    pub fn new(prefix: &str) -> Self {
        DatabasePool { prefix: prefix.to_owned(), idle: Mutex::new(Vec::new()) }
    }

    /// An empty database: one given back earlier (migrated, its rows deleted), or a new one
    /// (not migrated yet). Either way the caller migrates it: on a migrated database that only
    /// checks the recorded versions.
    pub async fn take(&self) -> Result<ScratchDatabase, String> {
        let recycled = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        match recycled {
            Some(database) => Ok(database),
            None => ScratchDatabase::create(&self.prefix).await,
        }
    }

    /// A migrated store on a database from this pool, and what closes it and gives the
    /// database back.
    pub async fn store(
        self: &Arc<Self>,
        clock: Arc<dyn store_core::Clock>,
        max_connections: u32,
    ) -> Result<(MySqlStore, BoxFuture<'static, ()>), String> {
        let database = self.take().await?;
        let store = match database.store(clock, max_connections).await {
            Ok(store) => store,
            Err(err) => {
                self.give_back(database).await;
                return Err(err);
            }
        };
        let storage = store.storage().clone();
        let pool = self.clone();
        let teardown = Box::pin(async move {
            storage.close().await;
            pool.give_back(database).await;
        });
        Ok((store, teardown))
    }

    /// Empties `database` (whose stores are closed) for the next [`DatabasePool::take`]; one
    /// that cannot be emptied is dropped instead.
    pub async fn give_back(&self, database: ScratchDatabase) {
        match empty(&database).await {
            Ok(()) => self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(database),
            Err(err) => {
                eprintln!("warning: dropping scratch database {} instead of reusing it: {err}", database.name);
                database.drop_now().await;
            }
        }
    }

    /// Drops every database in the pool.
    pub async fn drain(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        for database in idle {
            database.drop_now().await;
        }
    }
}

/// Deletes every row of every table but the migrations' record. Foreign keys are not checked
/// meanwhile (a session setting), so the order does not matter; the setting is restored.
async fn empty(database: &ScratchDatabase) -> Result<(), String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
         WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .bind(&database.name)
    .fetch_all(&database.admin)
    .await
    .map_err(|err| format!("listing its tables: {err}"))?;
    let mut script = vec!["SET FOREIGN_KEY_CHECKS = 0".to_owned()];
    // Names from the catalog of a database this pool made, never user data; identifiers
    // cannot be bound parameters.
    script.extend(tables.iter().map(|table| format!("DELETE FROM `{}`.`{table}`", database.name)));
    script.push("SET FOREIGN_KEY_CHECKS = 1".to_owned());
    let mut connection = database.admin.acquire().await.map_err(|err| format!("connecting: {err}"))?;
    for statement in script {
        sqlx::query(AssertSqlSafe(statement))
            .execute(&mut *connection)
            .await
            .map_err(|err| format!("deleting its rows: {err}"))?;
    }
    Ok(())
}
