//! Counts and times every request by method, route template and status (`crate::metrics`).
//! Outside the request limits, so requests they refuse are counted too.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::{Metrics, UNMATCHED_ROUTE};

pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let response = next.run(request).await;
    metrics.record_request(
        method.as_str(),
        route.as_deref().unwrap_or(UNMATCHED_ROUTE),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
