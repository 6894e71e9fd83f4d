//! Limits on a request once hyper has parsed it: the size of its head (431), and the answers of
//! tower's load shedding and request timeout (503, so that clients retry).

use axum::BoxError;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// 431 when the request line and headers together exceed `max_bytes`. hyper's own limits are
/// set above this one, so that a head too large gets this JSON answer instead of hyper's bodiless
/// one.
pub async fn limit_head(max_bytes: usize, request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map_or(0, |target| target.as_str().len());
    let headers: usize = request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    let size = target + headers;
    if size > max_bytes {
        return ApiError::with_status(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request line and headers are {size} bytes, more than {max_bytes}"),
        )
        .into_response();
    }
    next.run(request).await
}

/// What tower's load-shedding and timeout layers fail with.
pub async fn shed_or_timed_out(err: BoxError) -> ApiError {
    if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::unavailable("too many requests in progress; retry later")
    } else if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::unavailable("the request took too long; retry later")
    } else {
        tracing::error!(error = %err, "request middleware failed");
        ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}
