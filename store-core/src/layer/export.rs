//! [`ExportImport`] for [`Store`]: pages of each kind from the storage's export reads (or its
//! lookups and keyset lists), and imports checked like the writes they stand for.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Store, normalise};
use crate::certificate::certificate_key;
use crate::error::{StoreError, StoreResult};
use crate::export::{ExportImport, Record, RecordKind};
use crate::operation::Operation as Op;
use crate::storage::Storage;
use crate::validate::{self, argument, key};

/// `after`'s key as the storage's exclusive cursor: `None` from the first record.
fn cursor(after: Option<&Record>) -> Option<[&str; 3]> {
    after.map(Record::key)
}

/// A token's or location's `last_updated` as the instant the storage takes: the store writes
/// it as `YYYY-MM-DDTHH:MM:SSZ`, and only that text reads back unchanged.
fn last_updated(field: &'static str, text: &str) -> StoreResult<DateTime<Utc>> {
    let instant = DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|err| StoreError::invalid_argument(field, format!("{text:?} is not an RFC 3339 instant: {err}")))?;
    if crate::time::format_last_updated(instant) != text {
        return Err(StoreError::invalid_argument(field, format!("{text:?} is not in the form 2024-05-06T13:58:55Z")));
    }
    Ok(instant)
}

/// Puts the record keyed `""` (a valid id, which a keyset list never returns: its cursor is
/// exclusive and starts at `""`) before a first page, keeping at most `limit`.
fn with_empty_key<T>(empty: Option<T>, rest: Vec<T>, limit: usize) -> Vec<T> {
    let mut page: Vec<T> = empty.into_iter().chain(rest).collect();
    page.truncate(limit);
    page
}

impl<S: Storage> Store<S> {
    async fn read_page(&self, kind: RecordKind, after: Option<[&str; 3]>, limit: usize) -> StoreResult<Vec<Record>> {
        let storage = &self.storage;
        let first = after.map(|[id, _, _]| id);
        Ok(match kind {
            RecordKind::ChargeStationAuth => (storage.export_charge_station_auth(first, limit).await?)
                .into_iter()
                .map(|(charge_station_id, auth)| Record::ChargeStationAuth { charge_station_id, auth })
                .collect(),
            RecordKind::ChargeStationSettings => {
                let empty = if first.is_none() { storage.lookup_charge_station_settings("").await? } else { None };
                let rest = storage.list_charge_station_settings(limit, first.unwrap_or("")).await?;
                with_empty_key(empty, rest, limit).into_iter().map(Record::ChargeStationSettings).collect()
            }
            RecordKind::ChargeStationRuntimeDetails => (storage
                .export_charge_station_runtime_details(first, limit)
                .await?)
                .into_iter()
                .map(|(charge_station_id, details)| Record::ChargeStationRuntimeDetails { charge_station_id, details })
                .collect(),
            RecordKind::ChargeStationInstallCertificates => {
                let empty =
                    if first.is_none() { storage.lookup_charge_station_install_certificates("").await? } else { None };
                let rest = storage.list_charge_station_install_certificates(limit, first.unwrap_or("")).await?;
                with_empty_key(empty, rest, limit).into_iter().map(Record::ChargeStationInstallCertificates).collect()
            }
            RecordKind::ChargeStationTriggerMessage => {
                let empty =
                    if first.is_none() { storage.lookup_charge_station_trigger_message("").await? } else { None };
                let rest = storage.list_charge_station_trigger_messages(limit, first.unwrap_or("")).await?;
                with_empty_key(empty, rest, limit).into_iter().map(Record::ChargeStationTriggerMessage).collect()
            }
            RecordKind::Token => storage.export_tokens(first, limit).await?.into_iter().map(Record::Token).collect(),
            RecordKind::Transaction => (storage.export_transactions(after.map(|[cs, tx, _]| (cs, tx)), limit).await?)
                .into_iter()
                .map(|(transaction, ended_at)| Record::Transaction { transaction, ended_at })
                .collect(),
            RecordKind::Certificate => (storage.export_certificates(first, limit).await?)
                .into_iter()
                .map(|(certificate_hash, pem)| Record::Certificate { certificate_hash, pem })
                .collect(),
            RecordKind::OcpiRegistration => (storage.export_registrations(first, limit).await?)
                .into_iter()
                .map(|(token, registration)| Record::OcpiRegistration { token, registration })
                .collect(),
            RecordKind::OcpiParty => {
                (storage.export_parties(after.map(|[role, cc, id]| (role, cc, id)), limit).await?)
                    .into_iter()
                    .map(Record::OcpiParty)
                    .collect()
            }
            RecordKind::Location => {
                storage.export_locations(first, limit).await?.into_iter().map(Record::Location).collect()
            }
        })
    }

    async fn write_record(&self, record: &Record) -> StoreResult<()> {
        let storage = &self.storage;
        match record {
            Record::ChargeStationAuth { charge_station_id, auth } => {
                validate::charge_station_write(charge_station_id, "auth", auth)?;
                storage.set_charge_station_auth(charge_station_id, auth).await
            }
            Record::ChargeStationSettings(settings) => {
                let cs = &settings.charge_station_id;
                validate::charge_station_write(cs, "settings", settings)?;
                storage.update_charge_station_settings(cs, &normalise::settings(settings)).await
            }
            Record::ChargeStationRuntimeDetails { charge_station_id, details } => {
                validate::charge_station_write(charge_station_id, "details", details)?;
                storage.set_charge_station_runtime_details(charge_station_id, details).await
            }
            Record::ChargeStationInstallCertificates(certificates) => {
                let cs = &certificates.charge_station_id;
                validate::charge_station_write(cs, "certificates", certificates)?;
                storage
                    .update_charge_station_install_certificates(cs, &normalise::install_certificates(certificates))
                    .await
            }
            Record::ChargeStationTriggerMessage(message) => {
                let cs = &message.charge_station_id;
                validate::charge_station_write(cs, "trigger_message", message)?;
                storage.set_charge_station_trigger_message(cs, &normalise::trigger_message(message)).await
            }
            Record::Token(token) => {
                argument("token", token)?;
                storage.set_token(token, last_updated("token.last_updated", &token.last_updated)?).await
            }
            Record::Transaction { transaction, ended_at } => {
                let t = transaction;
                validate::transaction_write(
                    &t.charge_station_id,
                    &t.transaction_id,
                    &t.id_token,
                    &t.token_type,
                    &t.meter_values,
                )?;
                argument("ended_at", ended_at)?;
                let ended_at = ended_at.map(crate::time::truncate_to_micros);
                storage.import_transaction(t, ended_at).await
            }
            Record::Certificate { certificate_hash, pem } => {
                argument("pem", pem.as_str())?;
                let computed = certificate_key(pem)?;
                if &computed != certificate_hash {
                    return Err(StoreError::invalid_argument(
                        "certificate_hash",
                        format!("is not the hash of the PEM, which is {computed:?}"),
                    ));
                }
                storage.set_certificate(certificate_hash, pem).await
            }
            Record::OcpiRegistration { token, registration } => {
                key("token", token)?;
                storage.set_registration_details(token, registration).await
            }
            Record::OcpiParty(party) => {
                argument("party", party)?;
                storage.set_party_details(party).await
            }
            Record::Location(location) => {
                argument("location", location)?;
                storage.set_location(location, last_updated("location.last_updated", &location.last_updated)?).await
            }
        }
    }
}

#[async_trait]
impl<S: Storage> ExportImport for Store<S> {
    fn source_name(&self) -> &'static str {
        self.storage.backend_name()
    }

    async fn export_page(&self, kind: RecordKind, after: Option<&Record>, limit: usize) -> StoreResult<Vec<Record>> {
        let checked = match after {
            Some(record) if record.kind() != kind => Err(StoreError::invalid_argument(
                "after",
                format!("is a {:?} record, the page is of {kind:?}", record.kind()),
            )),
            _ => Ok(()),
        };
        let after = cursor(after);
        let limit = limit.max(1);
        self.call(Op::ExportRecords, &[], checked, |()| self.read_page(kind, after, limit)).await
    }

    async fn import_record(&self, record: &Record) -> StoreResult<()> {
        // A registration's key is its token, a credential: it stays out of errors.
        let parts = record.key();
        let shown: &[&str] = match record {
            Record::OcpiRegistration { .. } => &[],
            Record::Transaction { .. } => &parts[..2],
            Record::OcpiParty(_) => &parts[..],
            _ => &parts[..1],
        };
        self.call(Op::ImportRecord, shown, Ok(()), |()| self.write_record(record)).await
    }
}
