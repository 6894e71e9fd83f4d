//! Health, metrics, the OpenAPI document, and JSON answers for unknown routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::breaker::HEALTH_TIMEOUT;
use super::error::ApiError;

/// MaEVe's spec (`api-spec.yaml`, Apache 2.0), as JSON.
const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// 200 when the backend answers its health check, 503 otherwise; within a second either way.
pub async fn health(State(state): State<AppState>) -> Response {
    if state.breaker.is_open() {
        return ApiError::unavailable("the store is unavailable").into_response();
    }
    match tokio::time::timeout(HEALTH_TIMEOUT, state.store.health()).await {
        Ok(Ok(())) => Json(json!({"status": "OK", "storage": state.store.name()})).into_response(),
        Ok(Err(err)) => {
            state.breaker.record(err.kind(), &state.store);
            let mut error = ApiError::from(err);
            error.status = StatusCode::SERVICE_UNAVAILABLE;
            error.error = Some("the store is unavailable".to_owned());
            error.into_response()
        }
        Err(_) => ApiError::unavailable(format!(
            "the store did not answer its health check within {} ms",
            HEALTH_TIMEOUT.as_millis()
        ))
        .into_response(),
    }
}

/// The Prometheus text exposition (`crate::metrics`).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(&state.store);
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

pub async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}

pub async fn not_found() -> ApiError {
    ApiError::with_status(StatusCode::NOT_FOUND, "no such route")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::with_status(StatusCode::METHOD_NOT_ALLOWED, "method not allowed on this route")
}
