//! Every error answer is JSON `{"status": "...", "error": "...", "request_id": "..."}` (the
//! spec's `Status`, plus the request id). The body says what the client did wrong, or that the
//! service is unavailable; what went wrong inside (the store's own text) goes only to the log,
//! under the same request id. [`render_errors`] is the one place that writes error bodies and
//! logs their details: for this module's errors and for answers made by middleware (timeouts,
//! load shedding) alike.

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store_core::{ErrorKind, StoreError};

use tower_http::request_id::RequestId;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// What the client is told.
    pub error: Option<String>,
    /// What only the log is told.
    detail: Option<String>,
    /// The store's error kind, when a store call failed.
    pub kind: Option<ErrorKind>,
}

#[derive(Serialize)]
struct StatusBody<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl ApiError {
    pub fn bad_request(error: impl Into<String>) -> Self {
        ApiError::with_status(StatusCode::BAD_REQUEST, error)
    }

    pub fn not_found() -> Self {
        ApiError { status: StatusCode::NOT_FOUND, error: None, detail: None, kind: None }
    }

    pub fn with_status(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError { status, error: Some(error.into()), detail: None, kind: None }
    }

    /// 503: the service cannot answer now; the client may retry after `Retry-After`.
    pub fn unavailable(error: impl Into<String>) -> Self {
        ApiError::with_status(StatusCode::SERVICE_UNAVAILABLE, error)
    }

    fn body<'a>(&'a self, request_id: Option<&'a str>) -> Json<StatusBody<'a>> {
        let status = self.status.canonical_reason().unwrap_or("Error");
        Json(StatusBody { status, error: self.error.as_deref(), request_id })
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let kind = err.kind();
        let (status, error) = match kind {
            // The message names the field and why it was refused; the key (which may be a token
            // uid) is left out. A value the database itself refused has no message of ours.
            ErrorKind::InvalidArgument if !err.message().is_empty() => (StatusCode::BAD_REQUEST, err.message()),
            ErrorKind::InvalidArgument => (StatusCode::BAD_REQUEST, "a value is too large or malformed for the store"),
            ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "the store is unavailable; retry later"),
            ErrorKind::Conflict => {
                (StatusCode::SERVICE_UNAVAILABLE, "the request conflicted with a concurrent one; retry it")
            }
            // Backend errors, and any kind a later store-core adds: a bug or a broken database.
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
        };
        ApiError { status, error: Some(error.to_owned()), detail: Some(detail(&err)), kind: Some(kind) }
    }
}

/// The operation, kind and cause of a store error, without its key: a token uid or a charge
/// station id is data, and stays out of the log.
fn detail(err: &StoreError) -> String {
    let mut text = err.kind().to_string();
    if let Some(operation) = err.operation() {
        text.push_str(&format!(" during {operation}"));
    }
    if !err.message().is_empty() {
        text.push_str(&format!(": {}", err.message()));
    }
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body(None)).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Middleware: gives every 4xx/5xx answer a JSON body with the request id, a `Retry-After` to
/// every 503, and logs what went wrong inside with the same id.
pub async fn render_errors(retry_after: Duration, request: Request, next: Next) -> Response {
    let request_id =
        request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).map(str::to_owned);
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    // Without one, an answer made by middleware (a timeout, say): its status says it all.
    let error =
        parts.extensions.remove::<ApiError>().unwrap_or(ApiError { status, error: None, detail: None, kind: None });
    let request_id = request_id.as_deref();
    let route = route.as_deref().unwrap_or("-");
    if let Some(detail) = &error.detail {
        if status.is_server_error() && error.kind.is_none_or(|kind| !kind.is_retryable()) {
            tracing::error!(request_id, route, status = status.as_u16(), detail, "request failed");
        } else if status.is_server_error() {
            tracing::warn!(request_id, route, status = status.as_u16(), detail, "request failed");
        } else {
            tracing::debug!(request_id, route, status = status.as_u16(), detail, "request refused");
        }
    }
    let body = serde_json::to_vec(&error.body(request_id).0).expect("a status body serialises");
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
    }
    parts.extensions.insert(error);
    Response::from_parts(parts, Body::from(body))
}
