//! Charge-station registration, settings, certificates to install, auth lookup and triggers.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store_core::*;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::extract::{Body, Id};
use super::validate;

/// csId path parameters are at most 28 characters.
type CsId = Id<28>;

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargeStationAuthBody {
    security_profile: i64,
    #[serde(rename = "base64SHA256Password", default, skip_serializing_if = "Option::is_none")]
    base64_sha256_password: Option<String>,
    #[serde(default)]
    invalid_username_allowed: Option<bool>,
}

pub async fn register(
    State(state): State<AppState>,
    Id(cs_id): CsId,
    Body(body): Body<ChargeStationAuthBody>,
) -> ApiResult<StatusCode> {
    let security_profile = i16::try_from(body.security_profile)
        .ok()
        .and_then(SecurityProfile::from_i16)
        .ok_or_else(|| ApiError::bad_request(format!("securityProfile {} is not 0, 1 or 2", body.security_profile)))?;
    let password = body.base64_sha256_password.unwrap_or_default();
    validate::max_length("base64SHA256Password", &password, 64)?;
    let auth = ChargeStationAuth {
        security_profile,
        base64_sha256_password: password,
        invalid_username_allowed: body.invalid_username_allowed.unwrap_or(false),
    };
    state.store.engine().set_charge_station_auth(&cs_id, &auth).await?;
    Ok(StatusCode::CREATED)
}

pub async fn lookup_auth(State(state): State<AppState>, Id(cs_id): CsId) -> ApiResult<Json<ChargeStationAuthBody>> {
    let auth = state.store.engine().lookup_charge_station_auth(&cs_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(ChargeStationAuthBody {
        security_profile: auth.security_profile.as_i16().into(),
        base64_sha256_password: Some(auth.base64_sha256_password).filter(|password| !password.is_empty()),
        invalid_username_allowed: Some(auth.invalid_username_allowed),
    }))
}

/// Each key becomes a Pending setting, to be sent as soon as possible.
pub async fn reconfigure(
    State(state): State<AppState>,
    Id(cs_id): CsId,
    Body(body): Body<BTreeMap<String, String>>,
) -> ApiResult<StatusCode> {
    let mut settings = ChargeStationSettings { charge_station_id: cs_id.clone(), settings: BTreeMap::new() };
    for (key, value) in body {
        validate::max_length(&format!("setting {key:?}"), &value, 1000)?;
        let setting = ChargeStationSetting { value, status: ChargeStationSettingStatus::Pending, send_after: None };
        settings.settings.insert(key, setting);
    }
    state.store.engine().update_charge_station_settings(&cs_id, &settings).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct InstallCertificatesBody {
    certificates: Vec<InstallCertificateBody>,
}

#[derive(Debug, Deserialize)]
struct InstallCertificateBody {
    #[serde(rename = "type")]
    certificate_type: String,
    certificate: String,
    #[serde(default)]
    status: Option<String>,
}

/// The certificate types the API spec accepts for installation on a station.
const INSTALLABLE_TYPES: [CertificateType; 4] =
    [CertificateType::V2g, CertificateType::Mo, CertificateType::Mf, CertificateType::Csms];

pub async fn install_certificates(
    State(state): State<AppState>,
    Id(cs_id): CsId,
    Body(body): Body<InstallCertificatesBody>,
) -> ApiResult<StatusCode> {
    let mut certificates = Vec::with_capacity(body.certificates.len());
    for (index, certificate) in body.certificates.into_iter().enumerate() {
        let field = |name: &str| format!("certificates[{index}].{name}");
        let certificate_type =
            validate::one_of_values(&field("type"), &certificate.certificate_type, &INSTALLABLE_TYPES)?;
        let status = match &certificate.status {
            Some(status) => validate::any_of(&field("status"), status)?,
            None => CertificateInstallationStatus::Pending,
        };
        let certificate_id = install_certificate_id(&certificate.certificate)
            .map_err(|err| ApiError::bad_request(format!("{}: {err}", field("certificate"))))?;
        certificates.push(ChargeStationInstallCertificate {
            certificate_type,
            certificate_id,
            certificate_data: certificate.certificate,
            certificate_installation_status: status,
            send_after: None,
        });
    }
    let certificates = ChargeStationInstallCertificates { charge_station_id: cs_id.clone(), certificates };
    state.store.engine().update_charge_station_install_certificates(&cs_id, &certificates).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct TriggerBody {
    trigger: String,
}

/// The triggers the API spec lets a caller request (a subset of what a station can be sent).
const TRIGGERS: [TriggerMessage; 5] = [
    TriggerMessage::BootNotification,
    TriggerMessage::StatusNotification,
    TriggerMessage::SignV2gCertificate,
    TriggerMessage::SignChargingStationCertificate,
    TriggerMessage::SignCombinedCertificate,
];

/// Replaces the station's trigger with a Pending one, to be sent as soon as possible.
pub async fn trigger(
    State(state): State<AppState>,
    Id(cs_id): CsId,
    Body(body): Body<TriggerBody>,
) -> ApiResult<StatusCode> {
    let trigger_message = validate::one_of_values("trigger", &body.trigger, &TRIGGERS)?;
    let message = ChargeStationTriggerMessage {
        charge_station_id: cs_id.clone(),
        trigger_message,
        trigger_status: TriggerStatus::Pending,
        send_after: None,
    };
    state.store.engine().set_charge_station_trigger_message(&cs_id, &message).await?;
    Ok(StatusCode::OK)
}
