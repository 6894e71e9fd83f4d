//! The core's layer around every backend: [`Store`] turns any [`Storage`] into an
//! [`Engine`](crate::Engine), and each of its calls goes through [`Store::call`], which
//! validates, traces, adds error context and records metrics, once for all backends.

mod engine;
mod export;
mod metrics;
mod normalise;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, SubsecRound, Utc};
use tracing::Instrument;

use crate::clock::Clock;
use crate::error::StoreResult;
use crate::operation::Operation;
use crate::storage::Storage;

pub use self::engine::PRUNE_BATCH_TRANSACTIONS;
use self::metrics::OperationMetrics;
pub use self::metrics::{CALL_DURATION_SECONDS, CALLS_TOTAL, ERRORS_TOTAL};

/// The longest key text an error message repeats; longer keys are cut (and marked so).
const ERROR_KEY_CHARS: usize = 64;

/// A backend's storage wrapped in the core's layers: the only [`Engine`](crate::Engine) a
/// backend yields.
pub struct Store<S> {
    storage: S,
    clock: Arc<dyn Clock>,
    metrics: Option<Arc<OperationMetrics>>,
}

impl<S: Storage> Store<S> {
    /// `storage` behind the layers; generated timestamps (R4) come from `clock`.
    pub fn new(storage: S, clock: Arc<dyn Clock>) -> Self {
        Store { storage, clock, metrics: None }
    }

    /// Also records, per operation, calls, errors by kind and latency through the `metrics`
    /// facade, labelled with the backend and operation. Handles are registered now, with the
    /// recorder installed at this moment: install it first. Off by default, because timing
    /// every call costs more than the rest of the layer on the in-memory backend.
    pub fn with_metrics(mut self) -> Self {
        self.metrics = Some(Arc::new(OperationMetrics::register(self.storage.backend_name())));
        self
    }

    /// The backend itself, for what only it offers (migrations, health, closing a pool).
    /// Its storage methods skip every check of the layer: call them through the engine.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// Now, in whole seconds: the `last_updated` of tokens and locations (R4).
    fn last_updated(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(0)
    }

    /// Runs `work` on what the checks produced unless they failed, inside one span, and gives
    /// any error the operation and key as context.
    async fn call<V, T, F>(
        &self,
        operation: Operation,
        key: &[&str],
        checked: StoreResult<V>,
        work: impl FnOnce(V) -> F,
    ) -> StoreResult<T>
    where
        F: Future<Output = StoreResult<T>>,
    {
        let span = tracing::debug_span!(
            "store",
            backend = self.storage.backend_name(),
            operation = operation.as_str(),
            outcome = tracing::field::Empty,
        );
        let started = self.metrics.as_ref().map(|_| Instant::now());
        let result = match checked {
            Ok(checked) => work(checked).instrument(span.clone()).await,
            Err(err) => Err(err),
        };
        let error_kind = result.as_ref().err().map(|err| err.kind());
        span.record("outcome", error_kind.map_or("ok", |kind| kind.as_str()));
        if let (Some(metrics), Some(started)) = (&self.metrics, started) {
            metrics.record(operation, error_kind, started.elapsed());
        }
        result.map_err(|err| err.in_operation(operation, (!key.is_empty()).then(|| error_key(key))))
    }
}

/// `("cs001", "tx1")`: each part quoted and escaped, so control characters stay visible.
fn error_key(parts: &[&str]) -> String {
    let shown: Vec<String> = parts
        .iter()
        .map(|part| match part.char_indices().nth(ERROR_KEY_CHARS) {
            Some((cut, _)) => format!("{:?}…", &part[..cut]),
            None => format!("{part:?}"),
        })
        .collect();
    shown.join(", ")
}

/// A second handle on the same storage, when the storage is a handle itself (a pool).
impl<S: Clone> Clone for Store<S> {
    fn clone(&self) -> Self {
        Store { storage: self.storage.clone(), clock: self.clock.clone(), metrics: self.metrics.clone() }
    }
}

impl<S: Storage> fmt::Debug for Store<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("storage", &self.storage)
            .field("metrics", &self.metrics.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_keys_are_quoted_and_long_ones_cut() {
        assert_eq!(error_key(&["cs 1", "tx\0"]), r#""cs 1", "tx\0""#);
        let long = "é".repeat(100);
        assert_eq!(error_key(&[&long]), format!("{:?}…", "é".repeat(ERROR_KEY_CHARS)));
    }
}
