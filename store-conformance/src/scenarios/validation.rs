//! R10: a NUL anywhere in any argument is an invalid-argument error naming the field, and
//! nothing is stored. Also R3's range of storable instants.

use chrono::{TimeZone, Utc};
use store_core::CertificateInstallationStatus::Pending as CertPending;
use store_core::CertificateType::V2g;
use store_core::ChargeStationSettingStatus::Pending;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq, check_invalid};

const NUL_ID: &str = "cs\u{0}01";

/// R10: NUL in a station-id argument of every charge-station store is rejected; nothing stored.
pub async fn nul_rejected_in_charge_station_ids(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_invalid!(
        e.set_charge_station_auth(NUL_ID, &auth(SecurityProfile::TlsWithBasicAuth, "")).await,
        "charge_station_id"
    );
    check_invalid!(e.lookup_charge_station_auth(NUL_ID).await, "charge_station_id");
    check_invalid!(e.update_charge_station_settings(NUL_ID, &settings(&[])).await, "charge_station_id");
    check_invalid!(e.lookup_charge_station_settings(NUL_ID).await, "charge_station_id");
    check_invalid!(e.list_charge_station_settings(5, NUL_ID).await, "previous_charge_station_id");
    check_invalid!(e.delete_charge_station_settings(NUL_ID).await, "charge_station_id");
    let details = ChargeStationRuntimeDetails { ocpp_version: "1.6".into() };
    check_invalid!(e.set_charge_station_runtime_details(NUL_ID, &details).await, "charge_station_id");
    check_invalid!(e.lookup_charge_station_runtime_details(NUL_ID).await, "charge_station_id");
    check_invalid!(
        e.update_charge_station_install_certificates(NUL_ID, &install_certificates(vec![])).await,
        "charge_station_id"
    );
    check_invalid!(e.lookup_charge_station_install_certificates(NUL_ID).await, "charge_station_id");
    check_invalid!(e.list_charge_station_install_certificates(5, NUL_ID).await, "previous_charge_station_id");
    let message = trigger(TriggerMessage::Heartbeat, TriggerStatus::Pending, None);
    check_invalid!(e.set_charge_station_trigger_message(NUL_ID, &message).await, "charge_station_id");
    check_invalid!(e.lookup_charge_station_trigger_message(NUL_ID).await, "charge_station_id");
    check_invalid!(e.delete_charge_station_trigger_message(NUL_ID).await, "charge_station_id");
    check_invalid!(e.list_charge_station_trigger_messages(5, NUL_ID).await, "previous_charge_station_id");
    check_eq!(e.list_charge_station_settings(10, "").await?, vec![], "nothing stored");
    check_eq!(e.list_charge_station_install_certificates(10, "").await?, vec![], "nothing stored");
    check_eq!(e.list_charge_station_trigger_messages(10, "").await?, vec![], "nothing stored");
    Ok(())
}

/// R10: NUL inside a value (setting key or value, certificate data, password, version) is
/// rejected naming the nested field; nothing of the call is stored.
pub async fn nul_rejected_in_charge_station_values(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_invalid!(
        e.set_charge_station_auth("cs", &auth(SecurityProfile::TlsWithBasicAuth, "p\0w")).await,
        "base64_sha256_password"
    );
    let bad_key = settings(&[("ok", setting("1", Pending, None)), ("k\0", setting("2", Pending, None))]);
    check_invalid!(e.update_charge_station_settings("cs", &bad_key).await, "settings.settings");
    let bad_value = settings(&[("a", setting("1", Pending, None)), ("b", setting("2\0", Pending, None))]);
    check_invalid!(e.update_charge_station_settings("cs", &bad_value).await, "settings.settings[\"b\"].value");
    let mut bad_cert = install_certificate("c2", V2g, CertPending, None);
    bad_cert.certificate_data.push('\0');
    let certs = install_certificates(vec![install_certificate("c1", V2g, CertPending, None), bad_cert]);
    check_invalid!(
        e.update_charge_station_install_certificates("cs", &certs).await,
        "certificates.certificates[1].certificate_data"
    );
    let details = ChargeStationRuntimeDetails { ocpp_version: "1.6\0".into() };
    check_invalid!(e.set_charge_station_runtime_details("cs", &details).await, "ocpp_version");
    check_eq!(e.lookup_charge_station_auth("cs").await?, None);
    check_eq!(e.lookup_charge_station_settings("cs").await?, None, "no key of the call stored");
    check_eq!(e.lookup_charge_station_install_certificates("cs").await?, None, "no certificate of the call stored");
    check_eq!(e.lookup_charge_station_runtime_details("cs").await?, None);
    Ok(())
}

/// R10: NUL in token fields, transaction arguments and nested meter values is rejected.
pub async fn nul_rejected_in_tokens_and_transactions(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mut bad = token("uid");
    bad.group_id = Some("g\0".into());
    check_invalid!(e.set_token(&bad).await, "token.group_id");
    check_invalid!(e.set_token(&token("u\0id")).await, "token.uid");
    check_invalid!(e.lookup_token("u\0id").await, "token_uid");
    check_eq!(e.list_tokens(0, 10).await?, vec![], "no token stored");
    let mut mv = meter_value("t", &[1.0, 2.0]);
    mv.sampled_values[1].phase = Some("L1\0".into());
    let good = meter_value("t", &[1.0]);
    check_invalid!(
        e.create_transaction("cs", "tx", "id", "t", &[good.clone(), mv.clone()], 1, false).await,
        "meter_values[1].sampled_values[1].phase"
    );
    check_invalid!(e.update_transaction("cs", "tx", &[mv.clone()]).await, "meter_values[0].sampled_values[1].phase");
    check_invalid!(e.end_transaction("cs", "tx", "id", "t", &[mv], 1).await, "meter_values");
    check_invalid!(e.create_transaction("c\0s", "tx", "id", "t", &[], 1, false).await, "charge_station_id");
    check_invalid!(e.update_transaction("cs", "t\0x", &[]).await, "transaction_id");
    check_invalid!(e.end_transaction("cs", "tx", "i\0d", "t", &[], 1).await, "id_token");
    check_invalid!(e.create_transaction("cs", "tx", "id", "t\0", &[], 1, false).await, "token_type");
    check_invalid!(e.find_transaction("cs", "t\0x").await, "transaction_id");
    let mut bad_timestamp = good.clone();
    bad_timestamp.timestamp = "2024\0".into();
    check_invalid!(e.update_transaction("cs", "tx", &[bad_timestamp]).await, "meter_values[0].timestamp");
    let mut bad_unit = good;
    bad_unit.sampled_values[0].unit_of_measure = Some(UnitOfMeasure { unit: "W\0h".into(), multiplier: 0 });
    check_invalid!(e.update_transaction("cs", "tx", &[bad_unit]).await, "unit_of_measure.unit");
    check_eq!(e.transactions().await?, vec![], "no transaction stored");
    Ok(())
}

/// R10: NUL in certificate, OCPI and location arguments (down to connectors) is rejected.
pub async fn nul_rejected_in_certificates_ocpi_and_locations(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_invalid!(e.set_certificate(&format!("{CERT1}\0")).await, "pem");
    check_invalid!(e.lookup_certificate("k\0").await, "certificate_hash");
    check_invalid!(e.delete_certificate("k\0").await, "certificate_hash");
    check_eq!(e.lookup_certificate(CERT1_KEY).await?, None, "no certificate stored");
    let registration = OcpiRegistration { status: OcpiRegistrationStatus::Pending };
    check_invalid!(e.set_registration_details("t\0", &registration).await, "token");
    check_invalid!(e.get_registration_details("t\0").await, "token");
    check_invalid!(e.delete_registration_details("t\0").await, "token");
    check_invalid!(e.set_party_details(&party("EMSP", "GB", "T\0WK")).await, "party.party_id");
    check_invalid!(e.get_party_details("EMSP\0", "GB", "TWK").await, "role");
    check_invalid!(e.get_party_details("EMSP", "G\0B", "TWK").await, "country_code");
    check_invalid!(e.get_party_details("EMSP", "GB", "\0").await, "party_id");
    check_invalid!(e.list_party_details_for_role("\0").await, "role");
    check_eq!(e.list_party_details_for_role("EMSP").await?, vec![], "no party stored");
    let mut connector_nul = connector("1");
    connector_nul.standard = "IEC\0".into();
    let loc = location("loc", Some(vec![evse("1", vec![connector("0"), connector_nul])]));
    check_invalid!(e.set_location(&loc).await, "location.evses[0].connectors[1].standard");
    let mut evse_nul = evse("1", vec![]);
    evse_nul.evse_id = Some("\0".into());
    check_invalid!(e.set_location(&location("loc", Some(vec![evse_nul]))).await, "location.evses[0].evse_id");
    let mut coordinates_nul = location("loc", None);
    coordinates_nul.coordinates.latitude = "51\u{0}".into();
    check_invalid!(e.set_location(&coordinates_nul).await, "location.coordinates.latitude");
    check_invalid!(e.lookup_location("l\0oc").await, "location_id");
    check_eq!(e.list_locations(0, 10).await?, vec![], "no location stored");
    Ok(())
}

/// R3: send_after is truncated (not rounded) to microseconds by every backend; `None` and the
/// earliest and latest storable instants round-trip.
pub async fn send_after_truncated_to_microseconds(f: Fixture) -> Outcome {
    let e = &f.engine;
    let with_nanos = Utc.timestamp_opt(1_700_000_000, 999_999_999).unwrap();
    let truncated = Utc.timestamp_opt(1_700_000_000, 999_999_000).unwrap();
    let before_epoch = Utc.timestamp_opt(-86_400, 1_999).unwrap();
    let before_epoch_truncated = Utc.timestamp_opt(-86_400, 1_000).unwrap();
    let earliest = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    let latest = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    let cases = [
        (Some(with_nanos), Some(truncated)),
        (Some(before_epoch), Some(before_epoch_truncated)),
        (Some(earliest), Some(earliest)),
        (Some(latest), Some(latest)),
        (None, None),
    ];
    for (n, (given, stored)) in cases.into_iter().enumerate() {
        let id = format!("cs{n}");
        e.update_charge_station_settings(&id, &settings(&[("k", setting("v", Pending, given))])).await?;
        let found = e.lookup_charge_station_settings(&id).await?;
        check_eq!(found.and_then(|s| s.settings.get("k").map(|v| v.send_after)), Some(stored), "setting {n}");
        e.update_charge_station_install_certificates(
            &id,
            &install_certificates(vec![install_certificate("c", V2g, CertPending, given)]),
        )
        .await?;
        let found = e.lookup_charge_station_install_certificates(&id).await?;
        check_eq!(found.map(|r| r.certificates[0].send_after), Some(stored), "install certificate {n}");
        e.set_charge_station_trigger_message(&id, &trigger(TriggerMessage::Heartbeat, TriggerStatus::Pending, given))
            .await?;
        let found = e.lookup_charge_station_trigger_message(&id).await?;
        check_eq!(found.map(|t| t.send_after), Some(stored), "trigger {n}");
    }
    Ok(())
}

/// R3: an instant outside years 1 to 9999 is rejected naming the field; nothing is stored.
pub async fn send_after_outside_storable_range_rejected(f: Fixture) -> Outcome {
    let e = &f.engine;
    let too_late = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
    let too_early = Utc.with_ymd_and_hms(0, 12, 31, 23, 59, 59).unwrap();
    check_invalid!(
        e.update_charge_station_settings("cs", &settings(&[("k", setting("v", Pending, Some(too_late)))])).await,
        "send_after"
    );
    let certs = install_certificates(vec![install_certificate("c", V2g, CertPending, Some(too_early))]);
    check_invalid!(e.update_charge_station_install_certificates("cs", &certs).await, "send_after");
    let message = trigger(TriggerMessage::Heartbeat, TriggerStatus::Pending, Some(too_late));
    check_invalid!(e.set_charge_station_trigger_message("cs", &message).await, "send_after");
    check_eq!(e.lookup_charge_station_settings("cs").await?, None);
    check_eq!(e.lookup_charge_station_install_certificates("cs").await?, None);
    check_eq!(e.lookup_charge_station_trigger_message("cs").await?, None);
    Ok(())
}

/// R10, §7.15: keys up to 800 bytes are accepted on write; a longer key is an invalid argument
/// on every backend (so no backend fails where another succeeds), and nothing is stored.
pub async fn keys_longer_than_the_limit_rejected_on_write(f: Fixture) -> Outcome {
    let e = &f.engine;
    let longest = "k".repeat(store_core::validate::MAX_KEY_BYTES);
    let too_long = format!("{longest}k");
    let mut long_party = party(&longest, &longest, &longest);
    e.set_party_details(&long_party).await?;
    check_eq!(e.get_party_details(&longest, &longest, &longest).await?, Some(long_party.clone()), "longest keys");
    e.create_transaction(&longest, &longest, "", "", &[], 0, false).await?;
    check_eq!(e.transactions().await?.len(), 1, "transaction with the longest keys");
    long_party.party_id = too_long.clone();
    check_invalid!(e.set_party_details(&long_party).await, "party.party_id");
    check_invalid!(e.set_token(&token(&too_long)).await, "token.uid");
    check_invalid!(e.set_location(&location(&too_long, None)).await, "location.id");
    check_invalid!(e.update_transaction("cs", &too_long, &[]).await, "transaction_id");
    check_invalid!(e.update_charge_station_settings(&too_long, &settings(&[])).await, "charge_station_id");
    let long_setting_key = settings(&[(too_long.as_str(), setting("v", Pending, None))]);
    check_invalid!(e.update_charge_station_settings("cs", &long_setting_key).await, "settings.settings.<key>");
    let certs = install_certificates(vec![install_certificate(&too_long, V2g, CertPending, None)]);
    check_invalid!(e.update_charge_station_install_certificates("cs", &certs).await, "certificate_id");
    let registration = OcpiRegistration { status: OcpiRegistrationStatus::Pending };
    check_invalid!(e.set_registration_details(&too_long, &registration).await, "token");
    check_eq!(e.lookup_token(&too_long).await?, None, "a lookup of a long key is not an error");
    check_eq!(e.find_transaction("cs", &too_long).await?, None, "a find with a long key is not an error");
    check_eq!(e.list_tokens(0, 10).await?, vec![], "no token stored");
    check_eq!(e.lookup_charge_station_settings("cs").await?, None, "no settings stored");
    check_eq!(e.transactions().await?.len(), 1, "no transaction stored");
    Ok(())
}
