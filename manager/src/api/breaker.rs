//! Fail fast while the store is down. The first call that finds the store unavailable opens the
//! breaker; from then on API requests are answered 503 at once instead of each waiting out the
//! pool's acquire timeout, and one background probe asks the store's health check every
//! [`PROBE_INTERVAL`] until it answers, which closes the breaker. Nothing else closes it, so a
//! flood of requests never reaches a database that is down, and the first request after it is
//! back finds it within one probe interval.

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
}

impl Breaker {
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    /// Opens the breaker if `kind` says the store is unavailable, and starts the probe that
    /// closes it again.
    pub fn record(self: &Arc<Self>, kind: ErrorKind, store: &ConfiguredStore) {
        if kind != ErrorKind::Unavailable || self.open.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("store unavailable: answering 503 until its health check passes again");
        tokio::spawn(self.clone().probe(store.clone()));
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
