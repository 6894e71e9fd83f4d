//! Every error answer is JSON `{"status": "...", "error": "..."}` (the spec's `Status`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store_core::{ErrorKind, StoreError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: Option<String>,
}

#[derive(Serialize)]
struct StatusBody<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

impl ApiError {
    pub fn bad_request(error: impl Into<String>) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, error: Some(error.into()) }
    }

    pub fn not_found() -> Self {
        ApiError { status: StatusCode::NOT_FOUND, error: None }
    }

    pub fn with_status(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError { status, error: Some(error.into()) }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let status = match err.kind() {
            ErrorKind::InvalidArgument => StatusCode::BAD_REQUEST,
            ErrorKind::Unavailable | ErrorKind::Conflict => StatusCode::SERVICE_UNAVAILABLE,
            // Backend errors, and any kind a later store-core adds.
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %err, "store call failed");
        }
        ApiError { status, error: Some(err.to_string()) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status.canonical_reason().unwrap_or("Error");
        let body = StatusBody { status, error: self.error.as_deref() };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
