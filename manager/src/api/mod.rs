//! The REST API of `maeve/api-spec.yaml` under `/api/v0`, plus `/health` and the spec itself.

mod access_log;
pub mod breaker;
mod certificate;
mod charge_station;
pub mod emaid;
mod error;
mod extract;
mod http_metrics;
mod keep_alive;
mod limits;
mod location;
mod ops;
mod registration;
mod token;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use store_core::{Clock, SystemClock};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

pub use breaker::Breaker;
pub use error::{ApiError, ApiResult};

use crate::config::ApiConfig;
use crate::metrics::Metrics;
use crate::store::ConfiguredStore;

/// Largest request body accepted (a certificate chain or a location fits easily); larger → 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: ConfiguredStore,
    /// The write time of nested `last_updated` fields the API fills in.
    pub clock: Arc<dyn Clock>,
    pub breaker: Arc<Breaker>,
    pub limits: Arc<ApiConfig>,
    /// What `/metrics` shows: the store's calls when it was opened with these metrics, and
    /// every request.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// With the default limits of `[api]`.
    pub fn new(store: ConfiguredStore) -> Self {
        AppState::with_limits(store, ApiConfig::default())
    }

    /// With metrics of its own: requests only, unless the store was opened with them.
    pub fn with_limits(store: ConfiguredStore, limits: ApiConfig) -> Self {
        AppState::with_metrics(store, limits, Arc::default())
    }

    /// With the metrics `store` was opened with ([`ConfiguredStore::open`]).
    pub fn with_metrics(store: ConfiguredStore, limits: ApiConfig, metrics: Arc<Metrics>) -> Self {
        AppState { store, clock: Arc::new(SystemClock), breaker: Arc::default(), limits: Arc::new(limits), metrics }
    }
}

pub fn router(state: AppState) -> Router {
    let limits = state.limits.clone();
    let api = Router::new()
        .route("/cs/{csId}", post(charge_station::register))
        .route("/cs/{csId}/reconfigure", post(charge_station::reconfigure))
        .route("/cs/{csId}/certificates", post(charge_station::install_certificates))
        .route("/cs/{csId}/auth", get(charge_station::lookup_auth))
        .route("/cs/{csId}/trigger", post(charge_station::trigger))
        .route("/token", post(token::set).get(token::list))
        .route("/token/{tokenUid}", get(token::lookup))
        .route("/certificate", post(certificate::upload))
        .route("/certificate/{certificateHash}", get(certificate::lookup).delete(certificate::delete))
        .route("/register", post(registration::register_party))
        .route("/location/{locationId}", post(location::register))
        .route_layer(from_fn_with_state(state.clone(), breaker::fail_fast));
    // Layers wrap each route (and the fallbacks); the last added runs first.
    let max_head = limits.max_header_bytes;
    let retry_after = Duration::from_secs(limits.retry_after_s);
    let in_progress = Arc::new(Semaphore::new(limits.max_concurrent_requests));
    Router::new()
        .nest("/api/v0", api)
        .route("/health", get(ops::health))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_millis(limits.body_read_timeout_ms)))
        // Never an unbounded queue: a request beyond the limit is answered 503 at once.
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(limits::shed_or_timed_out))
                .load_shed()
                .layer(GlobalConcurrencyLimitLayer::with_semaphore(in_progress))
                .timeout(Duration::from_millis(limits.request_timeout_ms)),
        )
        .layer(from_fn(move |request, next| limits::limit_head(max_head, request, next)))
        .layer(from_fn(access_log::access_log))
        .layer(from_fn_with_state(state.metrics.clone(), http_metrics::record))
        .layer(from_fn(move |request, next| error::render_errors(retry_after, request, next)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outermost: it sees every answer, including those made before the body was read.
        .layer(from_fn(keep_alive::close_unless_body_read))
        .with_state(state)
}
