//! What a backend implements: storage and nothing else. The core's [`Store`](crate::Store)
//! wraps any [`Storage`] and is the only way to get an [`Engine`](crate::Engine) from it; it
//! validates (R3, R9, R10, R13), normalises, traces, adds error context and records metrics
//! before and after each of these methods, so every method here may assume:
//!
//! - every string is free of NUL, and every key of a write is at most
//!   [`MAX_KEY_BYTES`](crate::validate::MAX_KEY_BYTES);
//! - every instant is within years 1–9999, and `send_after` is already truncated to
//!   microseconds;
//! - `last_updated` arguments come from the store's clock, in whole seconds;
//! - certificate keys are already computed from valid X.509 certificates (R9).
//!
//! A backend's errors need only a kind and a cause; the operation and key are added above it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait ChargeStationAuthStorage: Send + Sync {
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()>;
    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>>;
}

#[async_trait]
pub trait ChargeStationSettingsStorage: Send + Sync {
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()>;
    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>>;
    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>>;
    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait ChargeStationRuntimeDetailsStorage: Send + Sync {
    async fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()>;
    async fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>>;
}

#[async_trait]
pub trait ChargeStationInstallCertificatesStorage: Send + Sync {
    async fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()>;
    async fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>>;
    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>>;
}

#[async_trait]
pub trait ChargeStationTriggerMessageStorage: Send + Sync {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()>;
    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()>;
    async fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>>;
    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>>;
}

#[async_trait]
pub trait TokenStorage: Send + Sync {
    /// Upsert keyed by `token.uid`, storing `last_updated` instead of the token's own.
    async fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> StoreResult<()>;
    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>>;
    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>>;
}

#[async_trait]
pub trait TransactionStorage: Send + Sync {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>>;
    async fn find_transaction(&self, charge_station_id: &str, transaction_id: &str)
    -> StoreResult<Option<Transaction>>;
    #[allow(clippy::too_many_arguments)]
    async fn create_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        offline: bool,
    ) -> StoreResult<()>;
    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()>;
    async fn end_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait CertificateStorage: Send + Sync {
    /// Stores `pem` byte-for-byte under `certificate_hash` (computed by the core, R9).
    async fn set_certificate(&self, certificate_hash: &str, pem: &str) -> StoreResult<()>;
    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>>;
    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait OcpiStorage: Send + Sync {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()>;
    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>>;
    async fn delete_registration_details(&self, token: &str) -> StoreResult<()>;
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()>;
    async fn get_party_details(&self, role: &str, country_code: &str, party_id: &str)
    -> StoreResult<Option<OcpiParty>>;
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>>;
}

#[async_trait]
pub trait LocationStorage: Send + Sync {
    /// Upsert keyed by `location.id`, storing `last_updated` instead of the location's own.
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()>;
    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>>;
    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>>;
}

/// Every storage trait, plus the name that spans, errors and metrics give the backend.
pub trait Storage:
    ChargeStationAuthStorage
    + ChargeStationSettingsStorage
    + ChargeStationRuntimeDetailsStorage
    + ChargeStationInstallCertificatesStorage
    + ChargeStationTriggerMessageStorage
    + TokenStorage
    + TransactionStorage
    + CertificateStorage
    + OcpiStorage
    + LocationStorage
    + std::fmt::Debug
    + 'static
{
    /// A short lower-case name: `memory`, `postgres`, …
    fn backend_name(&self) -> &'static str;
}
