//! Sample values for scenarios and the model: small builders with the fields that matter as
//! arguments and the rest filled with recognisable text.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use store_core::*;

use crate::backend::clock_start;

/// Self-signed test certificates and their keys, computed with openssl (see testdata/README.md).
pub const CERT1: &str = include_str!("../testdata/cert1.pem");
pub const CERT2: &str = include_str!("../testdata/cert2.pem");
pub const CERT3: &str = include_str!("../testdata/cert3.pem");
pub const CERT1_KEY: &str = "e_FL_FNHuaXov9jOMqC7S8RMzTShyv7bL38kzqLzsjc";
pub const CERT2_KEY: &str = "PgR_pVKocIUFk1E_VwuiOhH5zHW9p0i1u-KNt2O9GYI";
pub const CERT3_KEY: &str = "FIovD67iJoi1sXhnGDDNOo1B4YPrWgkpj0_FJo8WO3U";
/// A PEM block that is not a certificate.
pub const PUBLIC_KEY: &str = include_str!("../testdata/public-key.pem");

/// An instant with microsecond digits (stored unchanged by every backend), `offset_ms` after
/// the clock start.
pub fn instant(offset_ms: i64) -> DateTime<Utc> {
    clock_start().trunc_subsecs(6) + Duration::milliseconds(offset_ms)
}

pub fn auth(security_profile: SecurityProfile, password: &str) -> ChargeStationAuth {
    ChargeStationAuth {
        security_profile,
        base64_sha256_password: password.to_owned(),
        invalid_username_allowed: security_profile == SecurityProfile::TlsWithBasicAuth,
    }
}

pub fn setting(
    value: &str,
    status: ChargeStationSettingStatus,
    send_after: Option<DateTime<Utc>>,
) -> ChargeStationSetting {
    ChargeStationSetting { value: value.to_owned(), status, send_after }
}

pub fn settings(entries: &[(&str, ChargeStationSetting)]) -> ChargeStationSettings {
    ChargeStationSettings {
        charge_station_id: "ignored-by-the-store".to_owned(),
        settings: entries.iter().map(|(key, value)| ((*key).to_owned(), value.clone())).collect(),
    }
}

pub fn install_certificate(
    certificate_id: &str,
    certificate_type: CertificateType,
    status: CertificateInstallationStatus,
    send_after: Option<DateTime<Utc>>,
) -> ChargeStationInstallCertificate {
    ChargeStationInstallCertificate {
        certificate_type,
        certificate_id: certificate_id.to_owned(),
        certificate_data: format!("-----BEGIN CERTIFICATE-----\n{certificate_id}\n-----END CERTIFICATE-----\n"),
        certificate_installation_status: status,
        send_after,
    }
}

pub fn install_certificates(certificates: Vec<ChargeStationInstallCertificate>) -> ChargeStationInstallCertificates {
    ChargeStationInstallCertificates { charge_station_id: "ignored-by-the-store".to_owned(), certificates }
}

pub fn trigger(
    message: TriggerMessage,
    status: TriggerStatus,
    send_after: Option<DateTime<Utc>>,
) -> ChargeStationTriggerMessage {
    ChargeStationTriggerMessage {
        charge_station_id: String::new(),
        trigger_message: message,
        trigger_status: status,
        send_after,
    }
}

pub fn token(uid: &str) -> Token {
    Token {
        country_code: "GB".to_owned(),
        party_id: "TWK".to_owned(),
        token_type: "RFID".to_owned(),
        uid: uid.to_owned(),
        contract_id: "GBTWK012345678V".to_owned(),
        visual_number: Some("visual".to_owned()),
        issuer: "Thoughtworks".to_owned(),
        group_id: None,
        valid: true,
        language_code: Some(String::new()),
        cache_mode: CacheMode::AllowedOffline,
        last_updated: "caller value that the store ignores".to_owned(),
    }
}

pub fn sampled_value(value: f64) -> SampledValue {
    SampledValue {
        context: Some("Sample.Periodic".to_owned()),
        location: None,
        measurand: Some("Energy.Active.Import.Register".to_owned()),
        phase: Some(String::new()),
        unit_of_measure: Some(UnitOfMeasure { unit: "Wh".to_owned(), multiplier: 1 }),
        value,
    }
}

pub fn meter_value(timestamp: &str, values: &[f64]) -> MeterValue {
    MeterValue {
        sampled_values: values.iter().map(|value| sampled_value(*value)).collect(),
        timestamp: timestamp.to_owned(),
    }
}

pub fn party(role: &str, country_code: &str, party_id: &str) -> OcpiParty {
    OcpiParty {
        country_code: country_code.to_owned(),
        party_id: party_id.to_owned(),
        role: role.to_owned(),
        url: format!("https://{party_id}.example/ocpi/versions"),
        token: format!("token-{role}-{country_code}-{party_id}"),
    }
}

pub fn connector(id: &str) -> Connector {
    Connector {
        format: "SOCKET".to_owned(),
        id: id.to_owned(),
        max_amperage: 32,
        max_voltage: -230,
        power_type: "AC_3_PHASE".to_owned(),
        standard: "IEC_62196_T2".to_owned(),
        last_updated: "2023-01-02T03:04:05.678+01:00".to_owned(),
    }
}

pub fn evse(uid: &str, connectors: Vec<Connector>) -> Evse {
    Evse {
        connectors,
        evse_id: Some(format!("GB*TWK*E{uid}")),
        status: "AVAILABLE".to_owned(),
        uid: uid.to_owned(),
        last_updated: "2023-01-02T03:04:05Z".to_owned(),
    }
}

pub fn location(id: &str, evses: Option<Vec<Evse>>) -> Location {
    Location {
        address: "1 Main Street".to_owned(),
        city: "London".to_owned(),
        coordinates: GeoLocation { latitude: "51.5072".to_owned(), longitude: "-0.1276".to_owned() },
        country: "GBR".to_owned(),
        evses,
        id: id.to_owned(),
        last_updated: "caller value that the store ignores".to_owned(),
        name: format!("Location {id}"),
        parking_type: "ON_STREET".to_owned(),
        postal_code: "SW1A 1AA".to_owned(),
    }
}

/// The token the store should hold after `set_token(&token(uid))` at `now`.
pub fn stored_token(token: &Token, now: DateTime<Utc>) -> Token {
    Token { last_updated: time::format_last_updated(now), ..token.clone() }
}

/// The location the store should hold after `set_location(location)` at `now`.
pub fn stored_location(location: &Location, now: DateTime<Utc>) -> Location {
    Location { last_updated: time::format_last_updated(now), ..location.clone() }
}
