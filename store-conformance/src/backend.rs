//! How the suite obtains fresh engines from a backend.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use futures::future::BoxFuture;
use store_core::{Clock, Engine, ExportImport, TestClock, TransactionRetention};

/// A fresh, empty engine, its retention and export capabilities (the same store), and what
/// to do to clean it up.
pub struct Instance {
    pub engine: Arc<dyn Engine>,
    pub retention: Arc<dyn TransactionRetention>,
    pub export: Arc<dyn ExportImport>,
    pub teardown: Option<BoxFuture<'static, ()>>,
}

impl Instance {
    pub fn new<S: Engine + TransactionRetention + ExportImport + 'static>(store: Arc<S>) -> Self {
        Instance { engine: store.clone(), retention: store.clone(), export: store, teardown: None }
    }

    pub fn with_teardown<S: Engine + TransactionRetention + ExportImport + 'static>(
        store: Arc<S>,
        teardown: BoxFuture<'static, ()>,
    ) -> Self {
        Instance { engine: store.clone(), retention: store.clone(), export: store, teardown: Some(teardown) }
    }
}

impl fmt::Debug for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance").field("engine", &self.engine).finish_non_exhaustive()
    }
}

/// A storage backend under test.
#[async_trait]
pub trait Backend: Send + Sync {
    fn name(&self) -> String;

    /// A new engine that shares no data with any other instance, whose generated timestamps
    /// come from `clock`. Failing to get one (no database, say) is an error naming the cause.
    async fn instance(&self, clock: Arc<dyn Clock>) -> Result<Instance, String>;
}

/// What a scenario gets: a fresh engine, its retention and export capabilities and the test
/// clock it reads.
#[derive(Clone)]
pub struct Fixture {
    pub engine: Arc<dyn Engine>,
    pub retention: Arc<dyn TransactionRetention>,
    pub export: Arc<dyn ExportImport>,
    pub clock: Arc<TestClock>,
}

impl fmt::Debug for Fixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fixture").field("engine", &self.engine).field("clock", &self.clock).finish_non_exhaustive()
    }
}

/// Where every test clock starts: a time with nanoseconds, so truncation is always exercised.
pub fn clock_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 13, 58, 55).unwrap() + chrono::Duration::nanoseconds(123_456_789)
}

/// A backend given by its name and a function that makes a fresh instance: how a backend
/// crate plugs into the suite without the suite naming it.
pub struct FnBackend<F> {
    name: &'static str,
    make: F,
}

impl<F, Fut> FnBackend<F>
where
    F: Fn(Arc<dyn Clock>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Instance, String>> + Send,
{
    pub fn new(name: &'static str, make: F) -> Self {
        FnBackend { name, make }
    }
}

impl<F> fmt::Debug for FnBackend<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnBackend").field("name", &self.name).finish_non_exhaustive()
    }
}

#[async_trait]
impl<F, Fut> Backend for FnBackend<F>
where
    F: Fn(Arc<dyn Clock>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Instance, String>> + Send,
{
    fn name(&self) -> String {
        self.name.to_owned()
    }

    async fn instance(&self, clock: Arc<dyn Clock>) -> Result<Instance, String> {
        (self.make)(clock).await
    }
}

pub(crate) fn new_clock() -> Arc<TestClock> {
    Arc::new(TestClock::new(clock_start()))
}
