//! MariaDB/MySQL (an empty migrated database per instance, from a pool the caller drains) and memory as the conformance suite
//! sees them.

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};
use store_mysql::test_support::DatabasePool;

pub fn mysql(pool: Arc<DatabasePool>) -> impl Backend + 'static {
    FnBackend::new("mysql", move |clock| {
        let pool = pool.clone();
        async move {
            let (store, teardown) = pool.store(clock, 8).await?;
            Ok(Instance::with_teardown(Arc::new(store), teardown))
        }
    })
}

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}
