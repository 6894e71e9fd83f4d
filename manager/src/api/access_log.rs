//! The access log: one line per request under the target `access` (method, route template,
//! status, latency, request id). The route template, never the path: paths carry token uids and
//! charge station ids. Whether the lines are written is the log filter's choice (`[log]
//! access_log`, or `RUST_LOG=access=info`).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::RequestId;

pub async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let request_id = request.extensions().get::<RequestId>().cloned();
    let response = next.run(request).await;
    tracing::info!(
        target: "access",
        method = %method,
        route = route.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        request_id = request_id.as_ref().and_then(|id| id.header_value().to_str().ok()),
    );
    response
}
