//! Scratch schemas kept for reuse: a suite that needs thousands of fresh, empty stores (the
//! conformance suite's model cases and concurrent histories) takes a migrated schema, and gives
//! it back emptied by a few `DELETE`s instead of paying `CREATE SCHEMA`, the migrations and
//! `DROP SCHEMA` each time (≈60–75 ms of DDL against ≈2 ms). `TRUNCATE` would reset more but
//! costs 100–200 ms on 14 tables, more than the DDL it replaces.

use std::sync::{Arc, Mutex};

use futures_core::future::BoxFuture;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Row};

use super::ScratchSchema;
use crate::{PgStore, PgStoreConfig, redact_url};

/// Empty scratch schemas on one server, each made the same way, reused until [`SchemaPool::drain`].
#[derive(Debug)]
pub struct SchemaPool {
    url: String,
    prefix: String,
    with_role: bool,
    /// A streaming replica the stores read from: a schema goes back to the pool only once the
    /// replica has replayed its emptying, or a new store could read the old rows there.
    replica: Option<PgPool>,
    idle: Mutex<Vec<ScratchSchema>>,
}

impl SchemaPool {
    /// Schemas in the database at `url` ([`ScratchSchema::create_on`]).
    pub fn new(url: String, prefix: &str) -> Self {
        SchemaPool { url, prefix: prefix.to_owned(), with_role: false, replica: None, idle: Mutex::new(Vec::new()) }
    }

    /// Schemas with a login role each ([`ScratchSchema::create_with_role`]).
    pub fn with_roles(url: String, prefix: &str) -> Self {
        SchemaPool { with_role: true, ..Self::new(url, prefix) }
    }

    /// Schemas whose stores also read from the streaming replica at `replica_url`.
    pub fn with_replica(url: String, prefix: &str, replica_url: &str) -> Result<Self, String> {
        let options =
            PgStoreConfig::from_url(replica_url.to_owned()).connect_options().map_err(|err| err.to_string())?;
        let replica = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
        Ok(SchemaPool { replica: Some(replica), ..Self::new(url, prefix) })
    }

    /// An empty schema: one given back earlier (migrated, its rows deleted), or a new one (not
    /// migrated yet). Either way the caller migrates it: on a migrated schema that only checks
    /// the recorded versions.
    pub async fn take(&self) -> Result<ScratchSchema, String> {
        let recycled = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        match recycled {
            Some(schema) => Ok(schema),
            None if self.with_role => ScratchSchema::create_with_role(self.url.clone(), &self.prefix).await,
            None => ScratchSchema::create_on(self.url.clone(), &self.prefix).await,
        }
    }

    /// Empties `schema` (whose stores are closed) for the next [`SchemaPool::take`]; a schema
    /// that cannot be emptied is dropped instead.
    pub async fn give_back(&self, schema: ScratchSchema) {
        match self.empty(&schema).await {
            Ok(()) => self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(schema),
            Err(err) => {
                eprintln!("warning: dropping scratch schema {} instead of reusing it: {err}", schema.name);
                schema.drop_now().await;
            }
        }
    }

    /// `store`, made on `schema` (taken from this pool), and what closes it and gives the
    /// schema back; when making the store failed, the schema goes back at once.
    pub async fn with_teardown(
        self: &Arc<Self>,
        schema: ScratchSchema,
        store: Result<PgStore, String>,
    ) -> Result<(PgStore, BoxFuture<'static, ()>), String> {
        let pool = self.clone();
        super::closing_then(store, Box::pin(async move { pool.give_back(schema).await })).await
    }

    /// Drops every schema in the pool (and its role).
    pub async fn drain(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        for schema in idle {
            schema.drop_now().await;
        }
        if let Some(replica) = &self.replica {
            replica.close().await;
        }
    }

    /// Deletes every row of every table but the migrations' record, referencing tables first.
    async fn empty(&self, schema: &ScratchSchema) -> Result<(), String> {
        let tables = sqlx::query(
            "SELECT c.relname::text AS name, \
                    ARRAY(SELECT f.confrelid::regclass::text FROM pg_constraint f \
                          WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid <> c.oid) AS parents \
             FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' \
             AND c.relname <> '_sqlx_migrations'",
        )
        .bind(format!("\"{}\"", schema.name))
        .fetch_all(&schema.admin)
        .await
        .map_err(|err| format!("listing its tables: {err}"))?;
        let tables: Vec<(String, Vec<String>)> = tables
            .iter()
            .map(|row| {
                // `regclass::text` qualifies a name only when it is not on the search path.
                let parents: Vec<String> = row.get("parents");
                let parents = parents.iter().map(|name| unqualified(name).to_owned()).collect();
                (row.get("name"), parents)
            })
            .collect();
        // The scratch schemas' admin sessions commit asynchronously; with a replica to wait for,
        // the deletes are flushed at once so that it can replay them without the WAL writer's
        // delay (200 ms by default).
        let commit = if self.replica.is_some() { "on" } else { "off" };
        let mut deletes = vec![format!("SET synchronous_commit = {commit}")];
        deletes.extend(
            referencing_first(tables)?.iter().map(|table| format!("DELETE FROM \"{}\".\"{table}\"", schema.name)),
        );
        // Names from the catalog of a schema this pool made, never user data; identifiers
        // cannot be bound parameters.
        sqlx::raw_sql(AssertSqlSafe(deletes.join(";\n")))
            .execute(&schema.admin)
            .await
            .map_err(|err| format!("deleting its rows: {err}"))?;
        if let Some(replica) = &self.replica {
            self.wait_for_replica(schema, replica).await?;
        }
        Ok(())
    }

    /// Waits (up to 30 s) until the replica has replayed everything the primary has written.
    async fn wait_for_replica(&self, schema: &ScratchSchema, replica: &PgPool) -> Result<(), String> {
        let written: String = sqlx::query_scalar("SELECT pg_current_wal_insert_lsn()::text")
            .fetch_one(&schema.admin)
            .await
            .map_err(|err| format!("reading the primary's WAL position: {err}"))?;
        for _ in 0..15_000 {
            let replayed: bool = sqlx::query_scalar("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn")
                .bind(&written)
                .fetch_one(replica)
                .await
                .map_err(|err| format!("reading the replica's replay position ({}): {err}", redact_url(&self.url)))?;
            if replayed {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        Err(format!("the replica did not replay {written} within 30 s"))
    }
}

/// `name` without a schema qualification.
fn unqualified(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name).trim_matches('"')
}

/// The tables in an order where each comes before every table it references (`(table,
/// parents)` pairs), so deleting in it never trips a foreign key.
fn referencing_first(mut tables: Vec<(String, Vec<String>)>) -> Result<Vec<String>, String> {
    let mut order = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        // A table no remaining table references can go now.
        let free = tables.iter().position(|(name, _)| !tables.iter().any(|(_, parents)| parents.contains(name)));
        let Some(free) = free else { return Err(format!("foreign keys form a cycle among {tables:?}")) };
        order.push(tables.remove(free).0);
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referencing_tables_come_before_the_tables_they_reference() {
        let tables = vec![
            ("charging_transaction".to_owned(), vec![]),
            ("meter_value".to_owned(), vec!["charging_transaction".to_owned()]),
            ("token".to_owned(), vec![]),
        ];
        let order = referencing_first(tables).unwrap();
        let position = |name: &str| order.iter().position(|table| table == name).unwrap();
        assert!(position("meter_value") < position("charging_transaction"));
        assert_eq!(order.len(), 3);
    }

    #[test]
    fn a_cycle_is_an_error_not_a_loop() {
        let tables = vec![("a".to_owned(), vec!["b".to_owned()]), ("b".to_owned(), vec!["a".to_owned()])];
        assert!(referencing_first(tables).is_err());
    }

    #[test]
    fn qualified_names_lose_their_schema() {
        assert_eq!(unqualified("\"conformance_1\".charging_transaction"), "charging_transaction");
        assert_eq!(unqualified("token"), "token");
    }
}
