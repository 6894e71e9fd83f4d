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
//!
//! In return, each method must be atomic and linearizable: however many callers (tasks, or
//! manager replicas sharing one database) run at once, every call takes effect at one instant
//! between its start and its end, and a list or lookup shows exactly the calls that took effect
//! before that instant. Competing calls never fail where running them one after another would
//! succeed: a backend that can abort a statement for a conflict (a deadlock, a serialization
//! failure) runs it again before reporting `conflict`. The conformance suite's
//! linearizability check tests this on concurrent histories.
//!
//! The methods return `impl Future + Send` (implement them with `async fn`): `Store<S>` is
//! generic over the storage, so these calls are static and allocate nothing; only the
//! `Engine` above them, which callers hold as a trait object, boxes its futures.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

pub trait ChargeStationAuthStorage: Send + Sync {
    fn set_charge_station_auth(
        &self,
        charge_station_id: &str,
        auth: &ChargeStationAuth,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_charge_station_auth(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ChargeStationAuth>>> + Send;
}

pub trait ChargeStationSettingsStorage: Send + Sync {
    fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ChargeStationSettings>>> + Send;
    fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Vec<ChargeStationSettings>>> + Send;
    fn delete_charge_station_settings(&self, charge_station_id: &str) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait ChargeStationRuntimeDetailsStorage: Send + Sync {
    fn set_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_charge_station_runtime_details(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ChargeStationRuntimeDetails>>> + Send;
}

pub trait ChargeStationInstallCertificatesStorage: Send + Sync {
    fn update_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_charge_station_install_certificates(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ChargeStationInstallCertificates>>> + Send;
    fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Vec<ChargeStationInstallCertificates>>> + Send;
}

pub trait ChargeStationTriggerMessageStorage: Send + Sync {
    fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn delete_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ChargeStationTriggerMessage>>> + Send;
    fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> impl Future<Output = StoreResult<Vec<ChargeStationTriggerMessage>>> + Send;
}

pub trait TokenStorage: Send + Sync {
    /// Upsert keyed by `token.uid`, storing `last_updated` instead of the token's own.
    fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_token(&self, token_uid: &str) -> impl Future<Output = StoreResult<Option<Token>>> + Send;
    fn list_tokens(&self, offset: usize, limit: usize) -> impl Future<Output = StoreResult<Vec<Token>>> + Send;
}

pub trait TransactionStorage: Send + Sync {
    fn transactions(&self) -> impl Future<Output = StoreResult<Vec<Transaction>>> + Send;
    fn find_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
    ) -> impl Future<Output = StoreResult<Option<Transaction>>> + Send;
    #[allow(clippy::too_many_arguments)]
    fn create_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        offline: bool,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// `ended_at` (the store's clock, in microseconds) is kept by the first end applied to
    /// the transaction and by no later call: what retention measures from.
    #[allow(clippy::too_many_arguments)]
    fn end_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        ended_at: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Retention (R12: a capability beside the contract, not a change to it).
pub trait RetentionStorage: Send + Sync {
    /// Deletes at most `limit` transactions whose first end was applied before `ended_before`,
    /// each with every one of its meter values, in one atomic step: a concurrent reader sees a
    /// transaction whole or not at all, and a write racing the deletion either lands before it
    /// (and is deleted with it) or after it (on a new, empty transaction). Never an open
    /// transaction. Returns what it deleted; fewer than `limit` transactions does not mean
    /// none are left (a backend may skip rows other calls hold).
    fn prune_ended_transactions(
        &self,
        ended_before: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Pruned>> + Send;
}

/// Export and import (R12: a capability beside the contract). Each `export_*` reads, in one
/// atomic step, at most `limit` records whose key sorts after `after` (byte order; from the
/// first when `None`), in key order. Settings, install certificates and trigger messages are
/// exported through their lookups and keyset lists.
pub trait ExportStorage: Send + Sync {
    fn export_charge_station_auth(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<(String, ChargeStationAuth)>>> + Send;
    fn export_charge_station_runtime_details(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<(String, ChargeStationRuntimeDetails)>>> + Send;
    fn export_tokens(&self, after: Option<&str>, limit: usize) -> impl Future<Output = StoreResult<Vec<Token>>> + Send;
    /// Each transaction with when its first end was applied. `after` is (charge station,
    /// transaction id).
    fn export_transactions(
        &self,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>>> + Send;
    /// (certificate hash, PEM) pairs.
    fn export_certificates(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<(String, String)>>> + Send;
    /// (registration token, registration) pairs.
    fn export_registrations(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<(String, OcpiRegistration)>>> + Send;
    /// `after` is (role, country code, party id).
    fn export_parties(
        &self,
        after: Option<(&str, &str, &str)>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<OcpiParty>>> + Send;
    fn export_locations(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<Location>>> + Send;
    /// Replaces the transaction keyed like `transaction` (and all its meter values) with it,
    /// atomically: its sequence numbers, meter values in order, and `ended_at` as given.
    fn import_transaction(
        &self,
        transaction: &Transaction,
        ended_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait CertificateStorage: Send + Sync {
    /// Stores `pem` byte-for-byte under `certificate_hash` (computed by the core, R9).
    fn set_certificate(&self, certificate_hash: &str, pem: &str) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_certificate(&self, certificate_hash: &str) -> impl Future<Output = StoreResult<Option<String>>> + Send;
    fn delete_certificate(&self, certificate_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait OcpiStorage: Send + Sync {
    fn set_registration_details(
        &self,
        token: &str,
        registration: &OcpiRegistration,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn get_registration_details(
        &self,
        token: &str,
    ) -> impl Future<Output = StoreResult<Option<OcpiRegistration>>> + Send;
    fn delete_registration_details(&self, token: &str) -> impl Future<Output = StoreResult<()>> + Send;
    fn set_party_details(&self, party: &OcpiParty) -> impl Future<Output = StoreResult<()>> + Send;
    fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> impl Future<Output = StoreResult<Option<OcpiParty>>> + Send;
    fn list_party_details_for_role(&self, role: &str) -> impl Future<Output = StoreResult<Vec<OcpiParty>>> + Send;
}

pub trait LocationStorage: Send + Sync {
    /// Upsert keyed by `location.id`, storing `last_updated` instead of the location's own.
    fn set_location(
        &self,
        location: &Location,
        last_updated: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn lookup_location(&self, location_id: &str) -> impl Future<Output = StoreResult<Option<Location>>> + Send;
    fn list_locations(&self, offset: usize, limit: usize) -> impl Future<Output = StoreResult<Vec<Location>>> + Send;
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
    + RetentionStorage
    + ExportStorage
    + std::fmt::Debug
    + 'static
{
    /// A short lower-case name: `memory`, `postgres`, …
    fn backend_name(&self) -> &'static str;
}

/// For SQL export reads, which select keys `>=` the cursor (so that `None` can start from the
/// smallest key, `""`, in the same statement) and fetch `limit + 1` rows: drops the first row
/// if it is the cursor's own (`is_cursor`), and keeps at most `limit`.
pub fn after_inclusive_cursor<T>(rows: Vec<T>, is_cursor: impl Fn(&T) -> bool, limit: usize) -> Vec<T> {
    let skip = usize::from(rows.first().is_some_and(is_cursor));
    rows.into_iter().skip(skip).take(limit).collect()
}
