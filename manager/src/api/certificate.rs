//! Client certificates for mutual TLS offloaded to a load balancer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Body, Id};

#[derive(Debug, Deserialize, Serialize)]
pub struct CertificateBody {
    certificate: String,
}

pub async fn upload(State(state): State<AppState>, Body(body): Body<CertificateBody>) -> ApiResult<StatusCode> {
    state.store.engine().set_certificate(&body.certificate).await?;
    Ok(StatusCode::CREATED)
}

pub async fn lookup(State(state): State<AppState>, Id(hash): Id<64>) -> ApiResult<Json<CertificateBody>> {
    let certificate = state.store.engine().lookup_certificate(&hash).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(CertificateBody { certificate }))
}

/// Idempotent, as in MaEVe: deleting an unknown certificate is also 204.
pub async fn delete(State(state): State<AppState>, Id(hash): Id<64>) -> ApiResult<StatusCode> {
    state.store.engine().delete_certificate(&hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
