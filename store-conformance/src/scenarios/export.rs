//! Export and import (R12, a capability beside the contract): an export lists every record of
//! every store with its store-generated fields; importing it stores each record exactly as
//! exported; importing twice changes nothing; an invalid record stores nothing.

use chrono::Duration;
use store_core::export::{Moved, TransferError, export_records, export_to, import_from};
use store_core::time::format_last_updated;
use store_core::*;

use super::transaction::expected;
use crate::fixtures::*;
use crate::{Failure, Fixture, Outcome, check, check_eq, check_invalid};

/// One record of every kind, written one clock step apart; returns the export they must make.
async fn populate(f: &Fixture, prefix: &str) -> Result<Vec<Record>, Failure> {
    let e = &f.engine;
    let cs = format!("{prefix}cs");
    let step = || f.clock.advance(Duration::milliseconds(1_500));
    let auth = auth(SecurityProfile::TlsWithBasicAuth, "c2VjcmV0");
    e.set_charge_station_auth(&cs, &auth).await?;
    let one_setting = settings(&[("HeartbeatInterval", setting("60", ChargeStationSettingStatus::Pending, None))]);
    e.update_charge_station_settings(&cs, &one_setting).await?;
    let details = ChargeStationRuntimeDetails { ocpp_version: "2.0.1".to_owned() };
    e.set_charge_station_runtime_details(&cs, &details).await?;
    let certificate =
        install_certificate("v2g", CertificateType::V2g, CertificateInstallationStatus::Pending, Some(instant(250)));
    e.update_charge_station_install_certificates(&cs, &install_certificates(vec![certificate.clone()])).await?;
    let message = trigger(TriggerMessage::BootNotification, TriggerStatus::Pending, Some(instant(500)));
    e.set_charge_station_trigger_message(&cs, &message).await?;
    let token = token(&format!("{prefix}uid"));
    e.set_token(&token).await?;
    let token_written = f.clock.now();
    step();
    let tx = format!("{prefix}tx");
    let values = [meter_value("2024-01-01T00:00:00Z", &[-0.0, f64::NAN, 1.5]), meter_value("t2", &[f64::INFINITY])];
    e.create_transaction(&cs, &tx, "id", "ISO14443", &values[..1], 3, true).await?;
    e.update_transaction(&cs, &tx, &values[1..]).await?;
    e.end_transaction(&cs, &tx, "id", "ISO14443", &[], 9).await?;
    let ended_at = time::truncate_to_micros(f.clock.now());
    step();
    e.end_transaction(&cs, &tx, "id", "ISO14443", &[], 10).await?;
    let open = format!("{prefix}open");
    e.update_transaction(&cs, &open, &[]).await?;
    e.set_certificate(CERT1).await?;
    let registration = OcpiRegistration { status: OcpiRegistrationStatus::Registered };
    let registration_token = format!("{prefix}registration-token");
    e.set_registration_details(&registration_token, &registration).await?;
    let party = party("CPO", "GB", &format!("{prefix}TWK"));
    e.set_party_details(&party).await?;
    step();
    let location = location(&format!("{prefix}loc"), Some(vec![evse("1", vec![connector("1")])]));
    e.set_location(&location).await?;
    let location_written = f.clock.now();
    step();

    let ended = Transaction {
        id_token: "id".to_owned(),
        token_type: "ISO14443".to_owned(),
        meter_values: values.to_vec(),
        start_seq_no: 3,
        ended_seq_no: 10,
        updated_seq_no_count: 1,
        offline: true,
        ..expected(&cs, &tx)
    };
    let open_transaction = Transaction { updated_seq_no_count: 1, ..expected(&cs, &open) };
    let trigger_stored = ChargeStationTriggerMessage { charge_station_id: cs.clone(), ..message };
    Ok(vec![
        Record::ChargeStationAuth { charge_station_id: cs.clone(), auth },
        Record::ChargeStationSettings(ChargeStationSettings { charge_station_id: cs.clone(), ..one_setting }),
        Record::ChargeStationRuntimeDetails { charge_station_id: cs.clone(), details },
        Record::ChargeStationInstallCertificates(ChargeStationInstallCertificates {
            charge_station_id: cs.clone(),
            certificates: vec![certificate],
        }),
        Record::ChargeStationTriggerMessage(trigger_stored),
        Record::Token(stored_token(&token, token_written)),
        Record::Transaction { transaction: open_transaction, ended_at: None },
        Record::Transaction { transaction: ended, ended_at: Some(ended_at) },
        Record::Certificate { certificate_hash: CERT1_KEY.to_owned(), pem: CERT1.to_owned() },
        Record::OcpiRegistration { token: registration_token, registration },
        Record::OcpiParty(party),
        Record::Location(stored_location(&location, location_written)),
    ])
}

/// The same records under other keys (as if they had been written elsewhere).
fn rekeyed(records: &[Record], prefix: &str) -> Vec<Record> {
    records
        .iter()
        .cloned()
        .map(|record| match record {
            Record::ChargeStationAuth { charge_station_id, auth } => {
                Record::ChargeStationAuth { charge_station_id: format!("{prefix}{charge_station_id}"), auth }
            }
            Record::ChargeStationSettings(mut settings) => {
                settings.charge_station_id.insert_str(0, prefix);
                Record::ChargeStationSettings(settings)
            }
            Record::ChargeStationRuntimeDetails { charge_station_id, details } => Record::ChargeStationRuntimeDetails {
                charge_station_id: format!("{prefix}{charge_station_id}"),
                details,
            },
            Record::ChargeStationInstallCertificates(mut certificates) => {
                certificates.charge_station_id.insert_str(0, prefix);
                Record::ChargeStationInstallCertificates(certificates)
            }
            Record::ChargeStationTriggerMessage(mut message) => {
                message.charge_station_id.insert_str(0, prefix);
                Record::ChargeStationTriggerMessage(message)
            }
            Record::Token(mut token) => {
                token.uid.insert_str(0, prefix);
                Record::Token(token)
            }
            Record::Transaction { mut transaction, ended_at } => {
                transaction.charge_station_id.insert_str(0, prefix);
                Record::Transaction { transaction, ended_at }
            }
            Record::OcpiRegistration { token, registration } => {
                Record::OcpiRegistration { token: format!("{prefix}{token}"), registration }
            }
            Record::OcpiParty(mut party) => {
                party.party_id.insert_str(0, prefix);
                Record::OcpiParty(party)
            }
            Record::Location(mut location) => {
                location.id.insert_str(0, prefix);
                Record::Location(location)
            }
            // Keyed by its content: the same certificate is the same record.
            certificate @ Record::Certificate { .. } => certificate,
        })
        .collect()
}

/// Every store's records, in kind order then key order, with `last_updated` and `ended_at` as
/// the store generated them.
pub async fn export_lists_every_record_with_its_store_generated_fields(f: Fixture) -> Outcome {
    let expected = populate(&f, "").await?;
    check_eq!(export_records(f.export.as_ref()).await?, expected);
    Ok(())
}

/// Imported records are stored as they were exported, store-generated fields included (the
/// clock has moved on since), and read back through the ordinary lookups.
pub async fn import_stores_each_record_exactly_as_exported(f: Fixture) -> Outcome {
    let original = populate(&f, "a-").await?;
    f.clock.advance(Duration::days(3));
    let copies = rekeyed(&original, "b-");
    for record in &copies {
        f.export.import_record(record).await?;
    }
    let mut expected: Vec<Record> = original.iter().chain(&copies).cloned().collect();
    expected.sort_by(|a, b| (a.kind(), a.key()).cmp(&(b.kind(), b.key())));
    expected.dedup();
    check_eq!(export_records(f.export.as_ref()).await?, expected);
    let token = f.engine.lookup_token("b-a-uid").await?;
    let original_token = original.iter().find_map(|record| match record {
        Record::Token(token) => Some(token.clone()),
        _ => None,
    });
    check_eq!(token.map(|t| t.last_updated), original_token.map(|t| t.last_updated));
    check_eq!(f.engine.find_transaction("b-a-cs", "a-tx").await?.map(|t| t.meter_values.len()), Some(2));
    Ok(())
}

/// Importing a store's own export, once or twice, changes nothing; an export written to JSON
/// Lines reads back record for record, and its trailer counts them.
pub async fn importing_an_export_twice_changes_nothing(f: Fixture) -> Outcome {
    let expected = populate(&f, "").await?;
    let mut file = Vec::new();
    let exported = export_to(f.export.as_ref(), f.clock.now(), &mut file, |_| {}).await.map_err(transfer)?;
    check_eq!(exported.records, expected.len() as u64);
    check_eq!(exported.weight, expected.len() as u64 + 2, "weight counts the two meter values");
    let text = String::from_utf8(file.clone()).map_err(|err| Failure(err.to_string()))?;
    check!(text.starts_with("{\"format\":\"maeve-store-export\",\"version\":1,"), "header: {text:.80}");
    check!(text.ends_with(&format!("{{\"end\":{{\"records\":{}}}}}\n", expected.len())), "trailer: {text}");
    f.clock.advance(Duration::days(1));
    for _ in 0..2 {
        let imported = import_from(f.export.as_ref(), &mut file.as_slice(), |_| {}).await.map_err(transfer)?;
        check_eq!(imported, Moved { records: exported.records, weight: exported.weight });
        check_eq!(export_records(f.export.as_ref()).await?, expected.clone());
    }
    Ok(())
}

fn transfer(err: TransferError) -> Failure {
    Failure(format!("transfer failed: {err}"))
}

/// Pages cover every record once, however small, the record keyed `""` included.
pub async fn export_pages_cover_every_record_once(f: Fixture) -> Outcome {
    let e = &f.engine;
    for cs in ["", "a", "b", "c"] {
        e.update_charge_station_settings(cs, &settings(&[])).await?;
        e.set_charge_station_auth(cs, &auth(SecurityProfile::UnsecuredTransportWithBasicAuth, cs)).await?;
        e.update_transaction(cs, "", &[]).await?;
        e.update_transaction(cs, "x", &[]).await?;
    }
    for kind in [RecordKind::ChargeStationSettings, RecordKind::ChargeStationAuth, RecordKind::Transaction] {
        let mut keys = Vec::new();
        let mut after: Option<Record> = None;
        loop {
            let page = f.export.export_page(kind, after.as_ref(), 1).await?;
            check!(page.len() <= 1, "a page of limit 1 held {}", page.len());
            let Some(record) = page.into_iter().next() else { break };
            keys.push(record.key().map(str::to_owned));
            after = Some(record);
        }
        let expected: Vec<[String; 3]> = match kind {
            RecordKind::Transaction => ["", "a", "b", "c"]
                .iter()
                .flat_map(|cs| {
                    [[cs.to_string(), String::new(), String::new()], [cs.to_string(), "x".into(), String::new()]]
                })
                .collect(),
            _ => ["", "a", "b", "c"].iter().map(|cs| [cs.to_string(), String::new(), String::new()]).collect(),
        };
        check_eq!(keys, expected, "keys of {kind:?}");
    }
    Ok(())
}

/// A record that fails the checks of the write it stands for is rejected, naming the field,
/// and nothing of it is stored.
pub async fn import_rejects_an_invalid_record_and_stores_nothing(f: Fixture) -> Outcome {
    let bad_token = Token { last_updated: "yesterday".to_owned(), ..token("uid") };
    check_invalid!(f.export.import_record(&Record::Token(bad_token)).await, "last_updated");
    let nul = Token { last_updated: format_last_updated(f.clock.now()), ..token("u\0id") };
    check_invalid!(f.export.import_record(&Record::Token(nul)).await, "uid");
    let wrong_hash = Record::Certificate { certificate_hash: CERT2_KEY.to_owned(), pem: CERT1.to_owned() };
    check_invalid!(f.export.import_record(&wrong_hash).await, "certificate_hash");
    let transaction = Transaction { meter_values: vec![meter_value("t\0", &[1.0])], ..expected("cs", "tx") };
    check_invalid!(f.export.import_record(&Record::Transaction { transaction, ended_at: None }).await, "meter_values");
    let too_late = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 10_000, 1, 1, 0, 0, 0).unwrap();
    let transaction = expected("cs", "tx");
    check_invalid!(
        f.export.import_record(&Record::Transaction { transaction, ended_at: Some(too_late) }).await,
        "ended_at"
    );
    check_eq!(export_records(f.export.as_ref()).await?, vec![]);
    Ok(())
}

/// A file that is not an export, is of another version, or was cut short is refused with the
/// line that shows it.
pub async fn import_refuses_a_file_that_is_not_a_whole_export(f: Fixture) -> Outcome {
    let header = format!(
        "{{\"format\":\"maeve-store-export\",\"version\":1,\"source\":\"x\",\"exported_at\":\"{}\"}}",
        f.clock.now().to_rfc3339()
    );
    let token_line = serde_json::to_string(&Record::Token(stored_token(&token("uid"), f.clock.now())))
        .map_err(|err| Failure(err.to_string()))?;
    let cases = [
        (String::new(), "line 1"),
        ("{\"format\":\"maeve-store-export\",\"version\":2,\"source\":\"x\",\"exported_at\":\"2024-01-01T00:00:00Z\"}\n".to_owned(), "version 2"),
        (format!("{header}\n{{\"tokn\":{{}}}}\n"), "line 2"),
        (format!("{header}\n{token_line}\n"), "cut short"),
        (format!("{header}\n{token_line}\n{{\"end\":{{\"records\":2}}}}\n"), "line 3"),
    ];
    for (input, names) in cases {
        match import_from(f.export.as_ref(), &mut input.as_bytes(), |_| {}).await {
            Err(err) => check!(err.to_string().contains(names), "{input:?}: error {err} does not name {names:?}"),
            Ok(moved) => return Err(Failure(format!("{input:?} was imported: {moved:?}"))),
        }
    }
    Ok(())
}
