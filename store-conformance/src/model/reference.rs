//! The executable reference model: the contract written as plain ordered maps, independent of
//! every backend's code. `String` orders by bytes, which is exactly R6's order.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

use chrono::{DateTime, Datelike, Duration, SubsecRound, Utc};
use store_core::*;

use super::op::{Observed, Op};
use crate::backend::clock_start;
use crate::fixtures::{CERT1, CERT1_KEY, CERT2, CERT2_KEY, CERT3, CERT3_KEY};

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    now: DateTime<Utc>,
    auth: BTreeMap<String, ChargeStationAuth>,
    settings: BTreeMap<String, BTreeMap<String, ChargeStationSetting>>,
    runtime_details: BTreeMap<String, ChargeStationRuntimeDetails>,
    install_certificates: BTreeMap<String, Vec<ChargeStationInstallCertificate>>,
    triggers: BTreeMap<String, ChargeStationTriggerMessage>,
    tokens: BTreeMap<String, Token>,
    transactions: BTreeMap<(String, String), Transaction>,
    /// When each ended transaction's first end was applied (microseconds).
    ended_at: BTreeMap<(String, String), DateTime<Utc>>,
    certificates: BTreeMap<String, String>,
    registrations: BTreeMap<String, OcpiRegistration>,
    /// Keyed by (role, country code, party id).
    parties: BTreeMap<(String, String, String), OcpiParty>,
    locations: BTreeMap<String, Location>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            now: clock_start(),
            auth: BTreeMap::new(),
            settings: BTreeMap::new(),
            runtime_details: BTreeMap::new(),
            install_certificates: BTreeMap::new(),
            triggers: BTreeMap::new(),
            tokens: BTreeMap::new(),
            transactions: BTreeMap::new(),
            ended_at: BTreeMap::new(),
            certificates: BTreeMap::new(),
            registrations: BTreeMap::new(),
            parties: BTreeMap::new(),
            locations: BTreeMap::new(),
        }
    }
}

/// R3: microseconds, truncated.
fn stored_instant(instant: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    instant.map(|instant| instant.trunc_subsecs(6))
}

fn storable(instant: Option<DateTime<Utc>>) -> bool {
    instant.is_none_or(|instant| (1..=9999).contains(&instant.year()))
}

/// R9 for the PEM texts the generator produces: which fixture certificate starts the text.
fn certificate_key(pem: &str) -> Option<&'static str> {
    let body = &pem[pem.find("-----BEGIN ")?..];
    [(CERT1, CERT1_KEY), (CERT2, CERT2_KEY), (CERT3, CERT3_KEY)]
        .into_iter()
        .find(|(cert, _)| body.starts_with(cert))
        .map(|(_, key)| key)
}

fn keyset<V: Clone, T>(
    map: &BTreeMap<String, V>,
    page_size: usize,
    after: &str,
    f: impl Fn(&String, &V) -> T,
) -> Vec<T> {
    map.range::<str, _>((Excluded(after), Unbounded)).take(page_size).map(|(k, v)| f(k, v)).collect()
}

fn window<V: Clone>(map: &BTreeMap<String, V>, offset: usize, limit: usize) -> Vec<V> {
    map.values().skip(offset).take(limit).cloned().collect()
}

fn new_transaction(cs: &str, tx: &str) -> Transaction {
    Transaction {
        charge_station_id: cs.to_owned(),
        transaction_id: tx.to_owned(),
        id_token: String::new(),
        token_type: String::new(),
        meter_values: Vec::new(),
        start_seq_no: 0,
        ended_seq_no: 0,
        updated_seq_no_count: 0,
        offline: false,
    }
}

impl Model {
    /// What the contract says `op` returns, updating the model as the store must.
    pub fn apply(&mut self, op: &Op) -> Observed {
        if op.contains_nul() {
            return Observed::Failed(ErrorKind::InvalidArgument);
        }
        let last_updated = self.now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        use Observed as O;
        match op {
            Op::AdvanceClock { millis } => {
                self.now += Duration::milliseconds(*millis);
                O::Done
            }
            Op::SetAuth { cs, auth } => {
                self.auth.insert(cs.clone(), auth.clone());
                O::Done
            }
            Op::LookupAuth { cs } => O::Auth(self.auth.get(cs).cloned()),
            Op::UpdateSettings { cs, settings } => {
                if !settings.settings.values().all(|s| storable(s.send_after)) {
                    return O::Failed(ErrorKind::InvalidArgument);
                }
                let stored = self.settings.entry(cs.clone()).or_default();
                for (key, setting) in &settings.settings {
                    let value =
                        ChargeStationSetting { send_after: stored_instant(setting.send_after), ..setting.clone() };
                    stored.insert(key.clone(), value);
                }
                O::Done
            }
            Op::LookupSettings { cs } => O::Settings(
                self.settings
                    .get(cs)
                    .map(|s| ChargeStationSettings { charge_station_id: cs.clone(), settings: s.clone() }),
            ),
            Op::ListSettings { page_size, after } => {
                O::SettingsPage(keyset(&self.settings, *page_size, after, |id, s| ChargeStationSettings {
                    charge_station_id: id.clone(),
                    settings: s.clone(),
                }))
            }
            Op::DeleteSettings { cs } => {
                self.settings.remove(cs);
                O::Done
            }
            Op::SetRuntimeDetails { cs, details } => {
                self.runtime_details.insert(cs.clone(), details.clone());
                O::Done
            }
            Op::LookupRuntimeDetails { cs } => O::RuntimeDetails(self.runtime_details.get(cs).cloned()),
            Op::UpdateInstallCertificates { cs, certificates } => {
                if !certificates.certificates.iter().all(|c| storable(c.send_after)) {
                    return O::Failed(ErrorKind::InvalidArgument);
                }
                let stored = self.install_certificates.entry(cs.clone()).or_default();
                for certificate in &certificates.certificates {
                    let value = ChargeStationInstallCertificate {
                        send_after: stored_instant(certificate.send_after),
                        ..certificate.clone()
                    };
                    match stored.iter().position(|c| c.certificate_id == value.certificate_id) {
                        Some(index) => stored[index] = value,
                        None => stored.push(value),
                    }
                }
                O::Done
            }
            Op::LookupInstallCertificates { cs } => {
                O::InstallCertificates(self.install_certificates.get(cs).map(|c| ChargeStationInstallCertificates {
                    charge_station_id: cs.clone(),
                    certificates: c.clone(),
                }))
            }
            Op::ListInstallCertificates { page_size, after } => {
                O::InstallCertificatesPage(keyset(&self.install_certificates, *page_size, after, |id, c| {
                    ChargeStationInstallCertificates { charge_station_id: id.clone(), certificates: c.clone() }
                }))
            }
            Op::SetTrigger { cs, trigger } => {
                if !storable(trigger.send_after) {
                    return O::Failed(ErrorKind::InvalidArgument);
                }
                let stored = ChargeStationTriggerMessage {
                    charge_station_id: cs.clone(),
                    send_after: stored_instant(trigger.send_after),
                    ..trigger.clone()
                };
                self.triggers.insert(cs.clone(), stored);
                O::Done
            }
            Op::DeleteTrigger { cs } => {
                self.triggers.remove(cs);
                O::Done
            }
            Op::LookupTrigger { cs } => O::Trigger(self.triggers.get(cs).cloned()),
            Op::ListTriggers { page_size, after } => {
                O::TriggerPage(keyset(&self.triggers, *page_size, after, |_, t| t.clone()))
            }
            Op::SetToken { token } => {
                self.tokens.insert(token.uid.clone(), Token { last_updated, ..token.clone() });
                O::Done
            }
            Op::LookupToken { uid } => O::Token(self.tokens.get(uid).cloned()),
            Op::ListTokens { offset, limit } => O::Tokens(window(&self.tokens, *offset, *limit)),
            Op::Transactions => O::Transactions(self.transactions.values().cloned().collect()),
            Op::FindTransaction { cs, tx } => O::Transaction(self.transactions.get(&(cs.clone(), tx.clone())).cloned()),
            Op::CreateTransaction { cs, tx, id_token, token_type, meter_values, seq_no, offline } => {
                let t = self.transactions.entry((cs.clone(), tx.clone())).or_insert_with(|| new_transaction(cs, tx));
                t.id_token = id_token.clone();
                t.token_type = token_type.clone();
                t.meter_values.extend(meter_values.iter().cloned());
                t.start_seq_no = *seq_no;
                t.offline = *offline;
                O::Done
            }
            Op::UpdateTransaction { cs, tx, meter_values } => {
                let t = self.transactions.entry((cs.clone(), tx.clone())).or_insert_with(|| new_transaction(cs, tx));
                t.meter_values.extend(meter_values.iter().cloned());
                t.updated_seq_no_count += 1;
                O::Done
            }
            Op::EndTransaction { cs, tx, id_token, token_type, meter_values, seq_no } => {
                let key = (cs.clone(), tx.clone());
                self.ended_at.entry(key.clone()).or_insert(self.now.trunc_subsecs(6));
                let t = self.transactions.entry(key).or_insert_with(|| Transaction {
                    id_token: id_token.clone(),
                    token_type: token_type.clone(),
                    ..new_transaction(cs, tx)
                });
                t.meter_values.extend(meter_values.iter().cloned());
                t.ended_seq_no = *seq_no;
                O::Done
            }
            Op::SetCertificate { pem } => match certificate_key(pem) {
                Some(key) => {
                    self.certificates.insert(key.to_owned(), pem.clone());
                    O::Done
                }
                None => O::Failed(ErrorKind::InvalidArgument),
            },
            Op::LookupCertificate { hash } => O::Certificate(self.certificates.get(hash).cloned()),
            Op::DeleteCertificate { hash } => {
                self.certificates.remove(hash);
                O::Done
            }
            Op::SetRegistration { token, registration } => {
                self.registrations.insert(token.clone(), registration.clone());
                O::Done
            }
            Op::GetRegistration { token } => O::Registration(self.registrations.get(token).cloned()),
            Op::DeleteRegistration { token } => {
                self.registrations.remove(token);
                O::Done
            }
            Op::SetParty { party } => {
                let key = (party.role.clone(), party.country_code.clone(), party.party_id.clone());
                self.parties.insert(key, party.clone());
                O::Done
            }
            Op::GetParty { role, country_code, party_id } => {
                O::Party(self.parties.get(&(role.clone(), country_code.clone(), party_id.clone())).cloned())
            }
            Op::ListParties { role } => {
                O::Parties(self.parties.iter().filter(|((r, _, _), _)| r == role).map(|(_, p)| p.clone()).collect())
            }
            Op::SetLocation { location } => {
                self.locations.insert(location.id.clone(), Location { last_updated, ..location.clone() });
                O::Done
            }
            Op::LookupLocation { id } => O::Location(self.locations.get(id).cloned()),
            Op::ListLocations { offset, limit } => O::Locations(window(&self.locations, *offset, *limit)),
            Op::PruneEndedTransactions { offset_millis } => {
                let ended_before = (self.now + Duration::milliseconds(*offset_millis)).trunc_subsecs(6);
                let doomed: Vec<_> =
                    self.ended_at.iter().filter(|(_, at)| **at < ended_before).map(|(key, _)| key.clone()).collect();
                let mut pruned = Pruned::default();
                for key in doomed {
                    self.ended_at.remove(&key);
                    if let Some(gone) = self.transactions.remove(&key) {
                        pruned.transactions += 1;
                        pruned.meter_values += gone.meter_values.len() as u64;
                    }
                }
                O::Pruned(pruned)
            }
        }
    }

    /// Every record the store must hold now, as an export lists them: kinds in
    /// [`RecordKind::ALL`]'s order, each in key order.
    pub fn export(&self) -> Vec<Record> {
        let auth = self
            .auth
            .iter()
            .map(|(cs, auth)| Record::ChargeStationAuth { charge_station_id: cs.clone(), auth: auth.clone() });
        let settings = self.settings.iter().map(|(cs, settings)| {
            Record::ChargeStationSettings(ChargeStationSettings {
                charge_station_id: cs.clone(),
                settings: settings.clone(),
            })
        });
        let runtime = self.runtime_details.iter().map(|(cs, details)| Record::ChargeStationRuntimeDetails {
            charge_station_id: cs.clone(),
            details: details.clone(),
        });
        let install = self.install_certificates.iter().map(|(cs, certificates)| {
            Record::ChargeStationInstallCertificates(ChargeStationInstallCertificates {
                charge_station_id: cs.clone(),
                certificates: certificates.clone(),
            })
        });
        let triggers = self.triggers.values().cloned().map(Record::ChargeStationTriggerMessage);
        let tokens = self.tokens.values().cloned().map(Record::Token);
        let transactions = self.transactions.iter().map(|(key, transaction)| Record::Transaction {
            transaction: transaction.clone(),
            ended_at: self.ended_at.get(key).copied(),
        });
        let certificates = self
            .certificates
            .iter()
            .map(|(hash, pem)| Record::Certificate { certificate_hash: hash.clone(), pem: pem.clone() });
        let registrations = self.registrations.iter().map(|(token, registration)| Record::OcpiRegistration {
            token: token.clone(),
            registration: registration.clone(),
        });
        let parties = self.parties.values().cloned().map(Record::OcpiParty);
        let locations = self.locations.values().cloned().map(Record::Location);
        auth.chain(settings)
            .chain(runtime)
            .chain(install)
            .chain(triggers)
            .chain(tokens)
            .chain(transactions)
            .chain(certificates)
            .chain(registrations)
            .chain(parties)
            .chain(locations)
            .collect()
    }
}
