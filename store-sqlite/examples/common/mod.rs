//! SQLite (a fresh migrated database file per instance) and memory as the conformance suite
//! sees them.

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};
use store_sqlite::test_support::scratch_store;

pub fn sqlite() -> impl Backend + 'static {
    FnBackend::new("sqlite", |clock| async move {
        let (store, teardown) = scratch_store("conformance", clock).await?;
        Ok(Instance::with_teardown(Arc::new(store), teardown))
    })
}

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}
