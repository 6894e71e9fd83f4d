//! Fail fast while the store is down. A call that finds the store unavailable is evidence only
//! that its connection failed (a killed session, a connection the server closed), so it starts a
//! health check; only if that fails too does the breaker open. From then on API requests are
//! answered 503 at once instead of each waiting out the pool's acquire timeout, and one
//! background probe asks the store's health check every [`PROBE_INTERVAL`] until it answers,
//! which closes the breaker. Nothing else closes it, so a flood of requests never reaches a
//! database that is down, and the first request after it is back finds it within one probe
//! interval. A killed session thus costs the one call that was using it, not every client.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use store_core::ErrorKind;

use super::AppState;
use super::error::ApiError;
use crate::store::ConfiguredStore;

/// How often the probe asks a store that is down whether it is back.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(200);
/// How long a health check may take before it counts as failed: `/health` answers within a
/// second in every state.
pub const HEALTH_TIMEOUT: Duration = Duration::from_millis(800);

#[derive(Debug, Default)]
pub struct Breaker {
    open: AtomicBool,
    /// A health check confirming an unavailable call's evidence is under way.
    confirming: AtomicBool,
}

impl Breaker {
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    /// If `kind` says the store is unavailable, checks the store's health (one check at a time)
    /// and opens the breaker if that fails too.
    pub fn record(self: &Arc<Self>, kind: ErrorKind, store: &ConfiguredStore) {
        if kind != ErrorKind::Unavailable || self.is_open() || self.confirming.swap(true, Ordering::AcqRel) {
            return;
        }
        tokio::spawn(self.clone().confirm(store.clone()));
    }

    async fn confirm(self: Arc<Self>, store: ConfiguredStore) {
        let healthy = matches!(tokio::time::timeout(HEALTH_TIMEOUT, store.health()).await, Ok(Ok(())));
        let opened = !healthy && !self.open.swap(true, Ordering::AcqRel);
        self.confirming.store(false, Ordering::Release);
        if healthy {
            tracing::info!("a store call found its connection unavailable; the store's health check passes");
        } else if opened {
            tracing::warn!("store unavailable: answering 503 until its health check passes again");
            self.probe(store).await;
        }
    }

    async fn probe(self: Arc<Self>, store: ConfiguredStore) {
        let opened = Instant::now();
        loop {
            tokio::time::sleep(PROBE_INTERVAL).await;
            if let Ok(Ok(())) = tokio::time::timeout(HEALTH_TIMEOUT, store.health()).await {
                self.open.store(false, Ordering::Release);
                let down_ms = opened.elapsed().as_millis() as u64;
                tracing::info!(down_ms, "store available again");
                return;
            }
        }
    }
}

/// Middleware of the API routes: 503 at once while the breaker is open; a response carrying an
/// unavailable store error opens it.
pub async fn fail_fast(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.breaker.is_open() {
        return ApiError::unavailable("the store is unavailable; retry later").into_response();
    }
    let response = next.run(request).await;
    if let Some(kind) = response.extensions().get::<ApiError>().and_then(|error| error.kind) {
        state.breaker.record(kind, &state.store);
    }
    response
}
