//! `GET /metrics` in the Prometheus text format: the core's per backend × operation store
//! metrics, the HTTP requests by route template, the connection pool's state, and where reads
//! went when read replicas are configured.
//!
//! Each service has its own recorder (not the process-wide one), so that several services in one
//! process (the tests) count only their own calls. Store metrics are registered against it when
//! the store is opened ([`Metrics::recording`]); HTTP metrics and pool gauges are written to it
//! as they happen.

use std::fmt;
use std::time::Duration;

use metrics::Label;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::store::ConfiguredStore;

/// Requests, labelled `method`, `route` (the template, e.g. `/api/v0/token/{tokenUid}`, never
/// the path: paths carry ids) and `status`.
pub const HTTP_REQUESTS_TOTAL: &str = "maeve_http_requests_total";
/// Latency of requests in seconds, labelled `method` and `route`.
pub const HTTP_REQUEST_DURATION_SECONDS: &str = "maeve_http_request_duration_seconds";
/// Open connections of the store's pool, labelled `backend`.
pub const POOL_CONNECTIONS: &str = "maeve_store_pool_connections";
/// Open connections nobody holds.
pub const POOL_IDLE_CONNECTIONS: &str = "maeve_store_pool_idle_connections";
/// The pool's limit.
pub const POOL_MAX_CONNECTIONS: &str = "maeve_store_pool_max_connections";
/// Calls waiting for a connection.
pub const POOL_WAITING_CALLS: &str = "maeve_store_pool_waiting_calls";

/// Reads of a PostgreSQL store with read replicas, labelled `backend` and `served_by`
/// (`replica` or `primary`).
pub const REPLICA_READS_TOTAL: &str = "maeve_store_replica_reads_total";
/// Replica reads that failed and were answered by the primary, labelled `backend`.
pub const REPLICA_FAILURES_TOTAL: &str = "maeve_store_replica_failures_total";

/// `route` of a request no route matched.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Upper bounds of the latency buckets, in seconds: from an in-memory call (tens of µs) to the
/// request timeout's range.
const LATENCY_BUCKETS_SECONDS: [f64; 16] =
    [0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0];

/// How often histogram samples are folded into their buckets when nobody scrapes; without it
/// they would pile up between scrapes.
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS_SECONDS)
            .expect("the latency buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        Metrics { recorder, handle }
    }

    /// Runs `register` with this service's recorder as the one the `metrics` macros use, e.g.
    /// `metrics.recording(|| store.with_metrics())`.
    pub fn recording<T>(&self, register: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(&self.recorder, register)
    }

    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = Label::new("method", method.to_owned());
        let route = Label::new("route", route.to_owned());
        let status = Label::new("status", status.to_string());
        self.recording(|| {
            metrics::counter!(HTTP_REQUESTS_TOTAL, vec![method.clone(), route.clone(), status]).increment(1);
            metrics::histogram!(HTTP_REQUEST_DURATION_SECONDS, vec![method, route]).record(elapsed.as_secs_f64());
        });
    }

    /// The text exposition, with the pool's gauges and the replica read counts read now.
    pub fn render(&self, store: &ConfiguredStore) -> String {
        if let Some(reads) = store.replica_reads() {
            let backend = store.name();
            self.recording(|| {
                metrics::counter!(REPLICA_READS_TOTAL, "backend" => backend, "served_by" => "replica")
                    .absolute(reads.replica);
                metrics::counter!(REPLICA_READS_TOTAL, "backend" => backend, "served_by" => "primary")
                    .absolute(reads.primary);
                metrics::counter!(REPLICA_FAILURES_TOTAL, "backend" => backend).absolute(reads.replica_failures);
            });
        }
        if let Some(pool) = store.pool_status() {
            let backend = store.name();
            self.recording(|| {
                metrics::gauge!(POOL_CONNECTIONS, "backend" => backend).set(pool.size as f64);
                metrics::gauge!(POOL_IDLE_CONNECTIONS, "backend" => backend).set(pool.idle as f64);
                metrics::gauge!(POOL_MAX_CONNECTIONS, "backend" => backend).set(pool.max_size as f64);
                metrics::gauge!(POOL_WAITING_CALLS, "backend" => backend).set(pool.waiting as f64);
            });
        }
        self.handle.render()
    }

    pub fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }
}
