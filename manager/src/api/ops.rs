//! Health, the OpenAPI document, and JSON answers for unknown routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::error::ApiError;

/// MaEVe's spec (`api-spec.yaml`, Apache 2.0), as JSON.
const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// 200 when the backend answers its health check, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> Response {
    match state.store.health().await {
        Ok(()) => Json(json!({"status": "OK", "storage": state.store.name()})).into_response(),
        Err(err) => ApiError::with_status(StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response(),
    }
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
