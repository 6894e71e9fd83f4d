//! The store traits for [`Store`]: each method names its operation and key, states its
//! checks, and hands the normalised arguments to the backend's storage. Nothing else.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Store, normalise};
use crate::certificate::certificate_key;
use crate::error::StoreResult;
use crate::model::*;
use crate::operation::Operation as Op;
use crate::storage::Storage;
use crate::store::*;
use crate::time::truncate_to_micros;
use crate::validate::{self, argument, key};

#[async_trait]
impl<S: Storage> ChargeStationAuthStore for Store<S> {
    async fn set_charge_station_auth(&self, cs: &str, auth: &ChargeStationAuth) -> StoreResult<()> {
        let checked = validate::charge_station_write(cs, "auth", auth);
        self.call(Op::SetChargeStationAuth, &[cs], checked, |()| self.storage.set_charge_station_auth(cs, auth)).await
    }

    async fn lookup_charge_station_auth(&self, cs: &str) -> StoreResult<Option<ChargeStationAuth>> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::LookupChargeStationAuth, &[cs], checked, |()| self.storage.lookup_charge_station_auth(cs)).await
    }
}

#[async_trait]
impl<S: Storage> ChargeStationSettingsStore for Store<S> {
    async fn update_charge_station_settings(&self, cs: &str, settings: &ChargeStationSettings) -> StoreResult<()> {
        let checked = validate::charge_station_write(cs, "settings", settings).map(|()| normalise::settings(settings));
        self.call(Op::UpdateChargeStationSettings, &[cs], checked, |settings| async move {
            self.storage.update_charge_station_settings(cs, &settings).await
        })
        .await
    }

    async fn lookup_charge_station_settings(&self, cs: &str) -> StoreResult<Option<ChargeStationSettings>> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::LookupChargeStationSettings, &[cs], checked, |()| self.storage.lookup_charge_station_settings(cs))
            .await
    }

    async fn list_charge_station_settings(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationSettings>> {
        let checked = argument("previous_charge_station_id", after);
        self.call(Op::ListChargeStationSettings, &[], checked, |()| {
            self.storage.list_charge_station_settings(page_size, after)
        })
        .await
    }

    async fn delete_charge_station_settings(&self, cs: &str) -> StoreResult<()> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::DeleteChargeStationSettings, &[cs], checked, |()| self.storage.delete_charge_station_settings(cs))
            .await
    }
}

#[async_trait]
impl<S: Storage> ChargeStationRuntimeDetailsStore for Store<S> {
    async fn set_charge_station_runtime_details(
        &self,
        cs: &str,
        details: &ChargeStationRuntimeDetails,
    ) -> StoreResult<()> {
        let checked = validate::charge_station_write(cs, "details", details);
        self.call(Op::SetChargeStationRuntimeDetails, &[cs], checked, |()| {
            self.storage.set_charge_station_runtime_details(cs, details)
        })
        .await
    }

    async fn lookup_charge_station_runtime_details(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::LookupChargeStationRuntimeDetails, &[cs], checked, |()| {
            self.storage.lookup_charge_station_runtime_details(cs)
        })
        .await
    }
}

#[async_trait]
impl<S: Storage> ChargeStationInstallCertificatesStore for Store<S> {
    async fn update_charge_station_install_certificates(
        &self,
        cs: &str,
        certificates: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        let checked = validate::charge_station_write(cs, "certificates", certificates)
            .map(|()| normalise::install_certificates(certificates));
        self.call(Op::UpdateChargeStationInstallCertificates, &[cs], checked, |certificates| async move {
            self.storage.update_charge_station_install_certificates(cs, &certificates).await
        })
        .await
    }

    async fn lookup_charge_station_install_certificates(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::LookupChargeStationInstallCertificates, &[cs], checked, |()| {
            self.storage.lookup_charge_station_install_certificates(cs)
        })
        .await
    }

    async fn list_charge_station_install_certificates(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        let checked = argument("previous_charge_station_id", after);
        self.call(Op::ListChargeStationInstallCertificates, &[], checked, |()| {
            self.storage.list_charge_station_install_certificates(page_size, after)
        })
        .await
    }
}

#[async_trait]
impl<S: Storage> ChargeStationTriggerMessageStore for Store<S> {
    async fn set_charge_station_trigger_message(
        &self,
        cs: &str,
        message: &ChargeStationTriggerMessage,
    ) -> StoreResult<()> {
        let checked = validate::charge_station_write(cs, "trigger_message", message)
            .map(|()| normalise::trigger_message(message));
        self.call(Op::SetChargeStationTriggerMessage, &[cs], checked, |message| async move {
            self.storage.set_charge_station_trigger_message(cs, &message).await
        })
        .await
    }

    async fn delete_charge_station_trigger_message(&self, cs: &str) -> StoreResult<()> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::DeleteChargeStationTriggerMessage, &[cs], checked, |()| {
            self.storage.delete_charge_station_trigger_message(cs)
        })
        .await
    }

    async fn lookup_charge_station_trigger_message(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        let checked = argument("charge_station_id", cs);
        self.call(Op::LookupChargeStationTriggerMessage, &[cs], checked, |()| {
            self.storage.lookup_charge_station_trigger_message(cs)
        })
        .await
    }

    async fn list_charge_station_trigger_messages(
        &self,
        page_size: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        let checked = argument("previous_charge_station_id", after);
        self.call(Op::ListChargeStationTriggerMessages, &[], checked, |()| {
            self.storage.list_charge_station_trigger_messages(page_size, after)
        })
        .await
    }
}

#[async_trait]
impl<S: Storage> TokenStore for Store<S> {
    async fn set_token(&self, token: &Token) -> StoreResult<()> {
        let checked = argument("token", token);
        let last_updated = self.last_updated();
        self.call(Op::SetToken, &[&token.uid], checked, |()| self.storage.set_token(token, last_updated)).await
    }

    async fn lookup_token(&self, uid: &str) -> StoreResult<Option<Token>> {
        let checked = argument("token_uid", uid);
        self.call(Op::LookupToken, &[uid], checked, |()| self.storage.lookup_token(uid)).await
    }

    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        self.call(Op::ListTokens, &[], Ok(()), |()| self.storage.list_tokens(offset, limit)).await
    }
}

#[async_trait]
impl<S: Storage> TransactionStore for Store<S> {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        self.call(Op::Transactions, &[], Ok(()), |()| self.storage.transactions()).await
    }

    async fn find_transaction(&self, cs: &str, tx: &str) -> StoreResult<Option<Transaction>> {
        let checked = validate::transaction_read(cs, tx);
        self.call(Op::FindTransaction, &[cs, tx], checked, |()| self.storage.find_transaction(cs, tx)).await
    }

    async fn create_transaction(
        &self,
        cs: &str,
        tx: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
        offline: bool,
    ) -> StoreResult<()> {
        let checked = validate::transaction_write(cs, tx, id_token, token_type, meter_values);
        self.call(Op::CreateTransaction, &[cs, tx], checked, |()| {
            self.storage.create_transaction(cs, tx, id_token, token_type, meter_values, seq_no, offline)
        })
        .await
    }

    async fn update_transaction(&self, cs: &str, tx: &str, meter_values: &[MeterValue]) -> StoreResult<()> {
        let checked = validate::transaction_write(cs, tx, "", "", meter_values);
        self.call(Op::UpdateTransaction, &[cs, tx], checked, |()| self.storage.update_transaction(cs, tx, meter_values))
            .await
    }

    async fn end_transaction(
        &self,
        cs: &str,
        tx: &str,
        id_token: &str,
        token_type: &str,
        meter_values: &[MeterValue],
        seq_no: i64,
    ) -> StoreResult<()> {
        let checked = validate::transaction_write(cs, tx, id_token, token_type, meter_values);
        let ended_at = truncate_to_micros(self.clock.now());
        self.call(Op::EndTransaction, &[cs, tx], checked, |()| {
            self.storage.end_transaction(cs, tx, id_token, token_type, meter_values, seq_no, ended_at)
        })
        .await
    }
}

/// Transactions deleted per atomic step of a prune: with ~100 meter values each, a step
/// deletes ~10 000 rows, which a SQL backend does in tens of milliseconds (SQLite holds its
/// one write lock that long; maeve-manager's paced prune adapts the size to ~5 ms).
pub const PRUNE_BATCH_TRANSACTIONS: usize = 100;

#[async_trait]
impl<S: Storage> TransactionRetention for Store<S> {
    async fn prune_ended_transactions_batch(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        // Instants are stored in microseconds (R3), so that is what the comparison sees.
        let checked = argument("ended_before", &ended_before).map(|()| truncate_to_micros(ended_before));
        self.call(Op::PruneEndedTransactions, &[], checked, |ended_before| {
            self.storage.prune_ended_transactions(ended_before, limit)
        })
        .await
    }
}

#[async_trait]
impl<S: Storage> CertificateStore for Store<S> {
    async fn set_certificate(&self, pem: &str) -> StoreResult<()> {
        let hash = argument("pem", pem).and_then(|()| certificate_key(pem));
        self.call(Op::SetCertificate, &[], hash, |hash| async move { self.storage.set_certificate(&hash, pem).await })
            .await
    }

    async fn lookup_certificate(&self, hash: &str) -> StoreResult<Option<String>> {
        let checked = argument("certificate_hash", hash);
        self.call(Op::LookupCertificate, &[hash], checked, |()| self.storage.lookup_certificate(hash)).await
    }

    async fn delete_certificate(&self, hash: &str) -> StoreResult<()> {
        let checked = argument("certificate_hash", hash);
        self.call(Op::DeleteCertificate, &[hash], checked, |()| self.storage.delete_certificate(hash)).await
    }
}

#[async_trait]
impl<S: Storage> OcpiStore for Store<S> {
    // Registration tokens are credentials: `Operation::key_is_secret` keeps them out of errors.
    async fn set_registration_details(&self, token: &str, registration: &OcpiRegistration) -> StoreResult<()> {
        let checked = key("token", token);
        self.call(Op::SetRegistrationDetails, &[token], checked, |()| {
            self.storage.set_registration_details(token, registration)
        })
        .await
    }

    async fn get_registration_details(&self, token: &str) -> StoreResult<Option<OcpiRegistration>> {
        let checked = argument("token", token);
        self.call(Op::GetRegistrationDetails, &[token], checked, |()| self.storage.get_registration_details(token))
            .await
    }

    async fn delete_registration_details(&self, token: &str) -> StoreResult<()> {
        let checked = argument("token", token);
        self.call(Op::DeleteRegistrationDetails, &[token], checked, |()| {
            self.storage.delete_registration_details(token)
        })
        .await
    }

    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        let checked = argument("party", party);
        let key = [party.role.as_str(), &party.country_code, &party.party_id];
        self.call(Op::SetPartyDetails, &key, checked, |()| self.storage.set_party_details(party)).await
    }

    async fn get_party_details(
        &self,
        role: &str,
        country_code: &str,
        party_id: &str,
    ) -> StoreResult<Option<OcpiParty>> {
        let checked = argument("role", role)
            .and_then(|()| argument("country_code", country_code))
            .and_then(|()| argument("party_id", party_id));
        self.call(Op::GetPartyDetails, &[role, country_code, party_id], checked, |()| {
            self.storage.get_party_details(role, country_code, party_id)
        })
        .await
    }

    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        let checked = argument("role", role);
        self.call(Op::ListPartyDetailsForRole, &[role], checked, |()| self.storage.list_party_details_for_role(role))
            .await
    }
}

#[async_trait]
impl<S: Storage> LocationStore for Store<S> {
    async fn set_location(&self, location: &Location) -> StoreResult<()> {
        let checked = argument("location", location);
        let last_updated = self.last_updated();
        self.call(Op::SetLocation, &[&location.id], checked, |()| self.storage.set_location(location, last_updated))
            .await
    }

    async fn lookup_location(&self, id: &str) -> StoreResult<Option<Location>> {
        let checked = argument("location_id", id);
        self.call(Op::LookupLocation, &[id], checked, |()| self.storage.lookup_location(id)).await
    }

    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        self.call(Op::ListLocations, &[], Ok(()), |()| self.storage.list_locations(offset, limit)).await
    }
}
