//! MariaDB/MySQL (a fresh migrated database per instance) and memory as the conformance suite
//! sees them.

#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};
use store_mysql::test_support::scratch_store;

pub fn mysql() -> impl Backend + 'static {
    FnBackend::new("mysql", |clock| async move {
        let (store, teardown) = scratch_store("conformance", clock).await?;
        Ok(Instance::with_teardown(Arc::new(store), teardown))
    })
}

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}
