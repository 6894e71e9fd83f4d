//! PostgreSQL (an empty migrated schema per instance, from a pool the caller drains) and memory
//! as the conformance suite sees them.

#![allow(dead_code)] // each example uses its own part

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};
use store_postgres::test_support::SchemaPool;
use store_postgres::{PgStoreConfig, ReadRoutes};

pub fn postgres(pool: Arc<SchemaPool>) -> impl Backend + 'static {
    FnBackend::new("postgres", move |clock| {
        let pool = pool.clone();
        async move {
            let schema = pool.take().await?;
            let store = schema.store(clock, 8).await;
            let (store, teardown) = pool.with_teardown(schema, store).await?;
            Ok(Instance::with_teardown(Arc::new(store), teardown))
        }
    })
}

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}

/// PostgreSQL reading from a streaming replica when read-your-writes allows: an empty schema
/// per instance from `pool` (on the primary, made [`SchemaPool::with_replica`]), read through
/// `replica_url` too. Each instance adds where its reads went to `routes`.
pub fn postgres_with_replica(
    pool: Arc<SchemaPool>,
    replica_url: String,
    routes: Arc<std::sync::Mutex<ReadRoutes>>,
) -> impl Backend + 'static {
    FnBackend::new("postgres+replica", move |clock| {
        let (pool, replica_url, routes) = (pool.clone(), replica_url.clone(), routes.clone());
        async move {
            let schema = pool.take().await?;
            // Polled often, so that a replica catches up within a scenario and serves reads.
            let config = PgStoreConfig { replica_poll_ms: 2, ..schema.config(8) };
            let store = schema.store_with_replica(clock, &config, &replica_url).await;
            let (store, teardown) = pool.with_teardown(schema, store).await?;
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

/// PostgreSQL through PgBouncer in transaction pooling mode: an empty schema and its role per
/// instance from `pool` (made [`SchemaPool::with_roles`]), every store call through
/// `pooler_url` as that role.
pub fn postgres_through_pgbouncer(pool: Arc<SchemaPool>, pooler_url: String) -> impl Backend + 'static {
    FnBackend::new("postgres+pgbouncer", move |clock| {
        let (pool, pooler_url) = (pool.clone(), pooler_url.clone());
        async move {
            let schema = pool.take().await?;
            let config = PgStoreConfig::pgbouncer_transaction_mode(schema.config(8));
            let store = schema.store_through_pooler(clock, &config, &pooler_url).await;
            let (store, teardown) = pool.with_teardown(schema, store).await?;
            Ok(Instance::with_teardown(Arc::new(store), teardown))
        }
    })
}
