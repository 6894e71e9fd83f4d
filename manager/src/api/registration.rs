//! OCPI party registration.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use store_core::{OcpiRegistration, OcpiRegistrationStatus};

use super::error::{ApiError, ApiResult};
use super::extract::Body;
use super::{AppState, validate};

#[derive(Debug, Deserialize)]
pub struct RegistrationBody {
    token: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Without `url`, stores the token as pending (the default) or registered. With `url`, MaEVe
/// would start the OCPI credentials exchange itself; this service has no OCPI client.
pub async fn register_party(
    State(state): State<AppState>,
    Body(body): Body<RegistrationBody>,
) -> ApiResult<StatusCode> {
    validate::max_length("token", &body.token, 64)?;
    let status = match body.status.as_deref() {
        None => OcpiRegistrationStatus::Pending,
        Some(status) => match validate::one_of("status", status, &["PENDING", "REGISTERED"])? {
            "REGISTERED" => OcpiRegistrationStatus::Registered,
            _ => OcpiRegistrationStatus::Pending,
        },
    };
    if body.url.is_some() {
        return Err(ApiError::with_status(
            StatusCode::NOT_IMPLEMENTED,
            "outbound OCPI registration (a request with `url`) is not supported by this service; \
             register the token without `url` and let the party start the credentials exchange",
        ));
    }
    state.store.engine().set_registration_details(&body.token, &OcpiRegistration { status }).await?;
    Ok(StatusCode::CREATED)
}
