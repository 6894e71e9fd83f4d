//! One async trait per upstream store and the `Engine` super-trait (R1). Method names are the
//! snake_case of the Go names; every backend implements every method.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreResult;
use crate::model::*;

#[async_trait]
pub trait ChargeStationAuthStore: Send + Sync {
    /// Upsert: fully replaces the record of `charge_station_id`.
    async fn set_charge_station_auth(&self, charge_station_id: &str, auth: &ChargeStationAuth) -> StoreResult<()>;
    async fn lookup_charge_station_auth(&self, charge_station_id: &str) -> StoreResult<Option<ChargeStationAuth>>;
}

#[async_trait]
pub trait ChargeStationSettingsStore: Send + Sync {
    /// Per-key merge into the record of `charge_station_id` (R7); `settings.charge_station_id`
    /// is ignored. An empty map on a new station creates an empty record.
    async fn update_charge_station_settings(
        &self,
        charge_station_id: &str,
        settings: &ChargeStationSettings,
    ) -> StoreResult<()>;
    async fn lookup_charge_station_settings(
        &self,
        charge_station_id: &str,
    ) -> StoreResult<Option<ChargeStationSettings>>;
    /// Records with ids strictly greater than `previous_charge_station_id` in byte order, at
    /// most `page_size` of them (R6).
    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        previous_charge_station_id: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>>;
    async fn delete_charge_station_settings(&self, charge_station_id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait ChargeStationRuntimeDetailsStore: Send + Sync {
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
pub trait ChargeStationInstallCertificatesStore: Send + Sync {
    /// Merge by certificate id (R7): new ids are appended, existing ids are replaced in place.
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
pub trait ChargeStationTriggerMessageStore: Send + Sync {
    async fn set_charge_station_trigger_message(
        &self,
        charge_station_id: &str,
        trigger_message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()>;
    async fn delete_charge_station_trigger_message(&self, charge_station_id: &str) -> StoreResult<()>;
    /// The stored trigger with `charge_station_id` set to the key.
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
pub trait TokenStore: Send + Sync {
    /// Upsert keyed by `token.uid`; `last_updated` is set from the store's clock.
    async fn set_token(&self, token: &Token) -> StoreResult<()>;
    async fn lookup_token(&self, token_uid: &str) -> StoreResult<Option<Token>>;
    /// Tokens ordered by uid (byte order), skipping `offset`, at most `limit`.
    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>>;
}

#[async_trait]
pub trait TransactionStore: Send + Sync {
    /// Every transaction, ordered by (charge-station id, transaction id).
    async fn transactions(&self) -> StoreResult<Vec<Transaction>>;
    async fn find_transaction(&self, charge_station_id: &str, transaction_id: &str)
    -> StoreResult<Option<Transaction>>;
    /// Atomic upsert per STORE_CONTRACT.md §2.7.
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
    /// Atomic upsert: appends `meter_values` and increments `updated_seq_no_count` by one.
    async fn update_transaction(
        &self,
        charge_station_id: &str,
        transaction_id: &str,
        meter_values: &[MeterValue],
    ) -> StoreResult<()>;
    /// Atomic upsert: appends, sets `ended_seq_no`; never changes an existing id token.
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
pub trait CertificateStore: Send + Sync {
    /// Stores `pem` byte-for-byte under [`certificate_key`](crate::certificate_key)`(pem)`.
    async fn set_certificate(&self, pem: &str) -> StoreResult<()>;
    async fn lookup_certificate(&self, certificate_hash: &str) -> StoreResult<Option<String>>;
    async fn delete_certificate(&self, certificate_hash: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait OcpiStore: Send + Sync {
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()>;
    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>>;
    async fn delete_registration_details(&self, token: &str) -> StoreResult<()>;
    /// Upsert keyed by (role, country code, party id).
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()>;
    async fn get_party_details(&self, role: &str, country_code: &str, party_id: &str)
    -> StoreResult<Option<OcpiParty>>;
    /// Parties with exactly this role, ordered by (country code, party id).
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>>;
}

#[async_trait]
pub trait LocationStore: Send + Sync {
    /// Upsert keyed by `location.id`; `last_updated` is set from the store's clock.
    async fn set_location(&self, location: &Location) -> StoreResult<()>;
    async fn lookup_location(&self, location_id: &str) -> StoreResult<Option<Location>>;
    /// Locations ordered by id (byte order), skipping `offset`, at most `limit`.
    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>>;
}

/// Deleting old transactions (R12: beside the contract; not part of [`Engine`]).
#[async_trait]
pub trait TransactionRetention: Send + Sync {
    /// Deletes at most `limit` transactions whose first `end_transaction` was applied (by the
    /// store's clock) before `ended_before`, each with all its meter values, atomically; never
    /// an open transaction. Deleting nothing means none is left, except any a concurrent
    /// call held at that moment (a later prune gets them).
    async fn prune_ended_transactions_batch(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned>;

    /// Every such transaction, in batches of [`PRUNE_BATCH_TRANSACTIONS`](crate::PRUNE_BATCH_TRANSACTIONS)
    /// until one deletes nothing: writers on other transactions are never held up for long,
    /// and a crash in between leaves whole transactions only. Idempotent.
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>) -> StoreResult<Pruned> {
        let mut pruned = Pruned::default();
        loop {
            let step = self.prune_ended_transactions_batch(ended_before, crate::PRUNE_BATCH_TRANSACTIONS).await?;
            if step.transactions == 0 {
                return Ok(pruned);
            }
            pruned += step;
        }
    }
}

/// Everything a backend provides; the manager holds an `Arc<dyn Engine>`.
pub trait Engine:
    ChargeStationAuthStore
    + ChargeStationSettingsStore
    + ChargeStationRuntimeDetailsStore
    + ChargeStationInstallCertificatesStore
    + ChargeStationTriggerMessageStore
    + TokenStore
    + TransactionStore
    + CertificateStore
    + OcpiStore
    + LocationStore
    + std::fmt::Debug
{
}

impl<T> Engine for T where
    T: ChargeStationAuthStore
        + ChargeStationSettingsStore
        + ChargeStationRuntimeDetailsStore
        + ChargeStationInstallCertificatesStore
        + ChargeStationTriggerMessageStore
        + TokenStore
        + TransactionStore
        + CertificateStore
        + OcpiStore
        + LocationStore
        + std::fmt::Debug
{
}
