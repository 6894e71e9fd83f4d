//! The REST API of `maeve/api-spec.yaml` under `/api/v0`, plus `/health` and the spec itself.

mod certificate;
mod charge_station;
pub mod emaid;
mod error;
mod extract;
mod location;
mod ops;
mod registration;
mod token;
mod validate;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use store_core::{Clock, SystemClock};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, ApiResult};

use crate::store::ConfiguredStore;

/// Largest request body accepted (a certificate chain or a location fits easily); larger → 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct AppState {
    pub store: ConfiguredStore,
    /// The write time of nested `last_updated` fields the API fills in.
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(store: ConfiguredStore) -> Self {
        AppState { store, clock: Arc::new(SystemClock) }
    }
}

pub fn router(state: AppState) -> Router {
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
        .route("/location/{locationId}", post(location::register));
    Router::new()
        .nest("/api/v0", api)
        .route("/health", get(ops::health))
        .route("/api/openapi.json", get(ops::openapi))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // One structured line per request at info: method, path, status, latency. Bodies (which
        // may carry tokens or password hashes) are never logged.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}
