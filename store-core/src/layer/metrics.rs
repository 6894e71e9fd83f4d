//! Per backend × operation metrics through the `metrics` facade: handles are registered once,
//! so a call only bumps them.

use std::time::Duration;

use metrics::{Counter, Histogram};

use crate::error::ErrorKind;
use crate::operation::Operation;

/// Store calls, labelled `backend` and `operation`.
pub const CALLS_TOTAL: &str = "maeve_store_calls_total";
/// Failed store calls, labelled `backend`, `operation` and `kind` (an [`ErrorKind::as_str`]).
pub const ERRORS_TOTAL: &str = "maeve_store_errors_total";
/// Latency of store calls in seconds, labelled `backend` and `operation`.
pub const CALL_DURATION_SECONDS: &str = "maeve_store_call_duration_seconds";

struct Handles {
    calls: Counter,
    errors: [Counter; ErrorKind::ALL.len()],
    duration: Histogram,
}

/// One set of handles per operation, indexed by [`Operation::index`].
pub(super) struct OperationMetrics {
    by_operation: Vec<Handles>,
}

impl OperationMetrics {
    pub(super) fn register(backend: &'static str) -> Self {
        let by_operation = Operation::ALL
            .iter()
            .map(|operation| {
                let operation = operation.as_str();
                Handles {
                    calls: metrics::counter!(CALLS_TOTAL, "backend" => backend, "operation" => operation),
                    errors: ErrorKind::ALL.map(|kind| {
                        metrics::counter!(
                            ERRORS_TOTAL,
                            "backend" => backend,
                            "operation" => operation,
                            "kind" => kind.as_str()
                        )
                    }),
                    duration: metrics::histogram!(CALL_DURATION_SECONDS, "backend" => backend, "operation" => operation),
                }
            })
            .collect();
        OperationMetrics { by_operation }
    }

    pub(super) fn record(&self, operation: Operation, error: Option<ErrorKind>, elapsed: Duration) {
        let handles = &self.by_operation[operation.index()];
        handles.calls.increment(1);
        if let Some(kind) = error {
            handles.errors[kind.index()].increment(1);
        }
        handles.duration.record(elapsed.as_secs_f64());
    }
}
