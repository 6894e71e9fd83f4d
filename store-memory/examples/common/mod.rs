//! The in-memory backend as the conformance suite sees it.

use std::sync::Arc;

use store_conformance::{Backend, FnBackend, Instance};

pub fn memory() -> impl Backend + 'static {
    FnBackend::new("memory", |clock| async move { Ok(Instance::new(Arc::new(store_memory::memory_store(clock)))) })
}
