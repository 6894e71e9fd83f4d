//! PostgreSQL (a fresh migrated schema per instance) and memory as the conformance suite sees
//! them.

#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};
use store_postgres::test_support::{ScratchSchema, scratch_store, with_teardown};
use store_postgres::{PgStoreConfig, ReadRoutes};

pub fn postgres() -> impl Backend + 'static {
    FnBackend::new("postgres", |clock| async move {
        let (store, teardown) = scratch_store("conformance", clock).await?;
        Ok(Instance::with_teardown(Arc::new(store), teardown))
    })
}

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}

/// PostgreSQL reading from a streaming replica when read-your-writes allows: a fresh schema
/// per instance on `primary_url`, read through `replica_url` too. Each instance adds where its
/// reads went to `routes`.
pub fn postgres_with_replica(
    primary_url: String,
    replica_url: String,
    routes: Arc<std::sync::Mutex<ReadRoutes>>,
) -> impl Backend + 'static {
    FnBackend::new("postgres+replica", move |clock| {
        let (primary_url, replica_url, routes) = (primary_url.clone(), replica_url.clone(), routes.clone());
        async move {
            let schema = ScratchSchema::create_on(primary_url, "conformance").await?;
            // Polled often, so that a replica catches up within a scenario and serves reads.
            let config = PgStoreConfig { replica_poll_ms: 2, ..schema.config(8) };
            let store = schema.store_with_replica(clock, &config, &replica_url).await;
            let (store, teardown) = with_teardown(schema, store).await?;
            let storage = store.storage().clone();
            let teardown = Box::pin(async move {
                if let Some(seen) = storage.read_routes() {
                    let mut total = routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    total.replica += seen.replica;
                    total.primary += seen.primary;
                    total.replica_failures += seen.replica_failures;
                }
                teardown.await;
            });
            Ok(Instance::with_teardown(Arc::new(store), teardown))
        }
    })
}

/// PostgreSQL through PgBouncer in transaction pooling mode: a fresh schema and role per
/// instance on the server at `server_url`, every store call through `pooler_url` as that role.
pub fn postgres_through_pgbouncer(server_url: String, pooler_url: String) -> impl Backend + 'static {
    FnBackend::new("postgres+pgbouncer", move |clock| {
        let (server_url, pooler_url) = (server_url.clone(), pooler_url.clone());
        async move {
            let schema = ScratchSchema::create_with_role(server_url, "conformance").await?;
            let config = PgStoreConfig::pgbouncer_transaction_mode(schema.config(8));
            let store = schema.store_through_pooler(clock, &config, &pooler_url).await;
            let (store, teardown) = with_teardown(schema, store).await?;
            Ok(Instance::with_teardown(Arc::new(store), teardown))
        }
    })
}
