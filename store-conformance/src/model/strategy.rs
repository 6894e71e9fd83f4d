//! Random operations over small key spaces, so that keys collide and merges, replaces and
//! deletes meet existing records. Now and then a string carries a NUL.

use chrono::{DateTime, TimeZone, Utc};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union};
use store_core::*;

use super::op::Op;
use crate::fixtures::*;

/// One of `keys`, or rarely the first key with a NUL inside.
pub(crate) fn key(keys: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        20 => select(keys).prop_map(str::to_owned),
        1 => select(keys).prop_map(|k| format!("{k}\0")),
    ]
    .boxed()
}

pub(crate) fn station() -> BoxedStrategy<String> {
    key(&["a", "B", "a b", "é", ""])
}

pub(crate) fn text() -> BoxedStrategy<String> {
    key(&["", "x", "X y", "ü"])
}

pub(crate) fn optional_text() -> BoxedStrategy<Option<String>> {
    proptest::option::of(text()).boxed()
}

pub(crate) fn instant() -> BoxedStrategy<Option<DateTime<Utc>>> {
    prop_oneof![
        4 => Just(None),
        4 => (-62_000_000_000i64..100_000_000_000, 0u32..1_000_000_000)
            .prop_map(|(secs, nanos)| Utc.timestamp_opt(secs, nanos).single()),
        1 => Just(Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single()),
        1 => Just(Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).single()),
    ]
    .boxed()
}

pub(crate) fn page_size() -> BoxedStrategy<usize> {
    prop_oneof![6 => 0usize..5, 1 => Just(usize::MAX)].boxed()
}

pub(crate) fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        3 => select(&[0.0, -0.0, 1.5, f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX][..]),
        1 => any::<u64>().prop_map(f64::from_bits),
    ]
    .boxed()
}

pub(crate) fn sampled_value() -> BoxedStrategy<SampledValue> {
    let unit =
        proptest::option::of((text(), any::<i64>()).prop_map(|(unit, multiplier)| UnitOfMeasure { unit, multiplier }));
    (optional_text(), optional_text(), optional_text(), optional_text(), unit, float())
        .prop_map(|(context, location, measurand, phase, unit_of_measure, value)| SampledValue {
            context,
            location,
            measurand,
            phase,
            unit_of_measure,
            value,
        })
        .boxed()
}

pub(crate) fn meter_values() -> BoxedStrategy<Vec<MeterValue>> {
    vec((vec(sampled_value(), 0..3), key(&["2024-01-01T00:00:00Z", "2024-01-01T01:00:00.5+01:00", ""])), 0..3)
        .prop_map(|values| {
            values.into_iter().map(|(sampled_values, timestamp)| MeterValue { sampled_values, timestamp }).collect()
        })
        .boxed()
}

pub(crate) fn seq_no() -> BoxedStrategy<i64> {
    prop_oneof![-1i64..4, any::<i64>()].boxed()
}

pub(crate) fn auth() -> BoxedStrategy<ChargeStationAuth> {
    (select(SecurityProfile::ALL.to_vec()), text(), any::<bool>())
        .prop_map(|(security_profile, base64_sha256_password, invalid_username_allowed)| ChargeStationAuth {
            security_profile,
            base64_sha256_password,
            invalid_username_allowed,
        })
        .boxed()
}

pub(crate) fn settings() -> BoxedStrategy<ChargeStationSettings> {
    let setting = (text(), select(ChargeStationSettingStatus::ALL), instant())
        .prop_map(|(value, status, send_after)| ChargeStationSetting { value, status, send_after });
    (text(), btree_map(key(&["k1", "K/2;x", "k 3"]), setting, 0..=2))
        .prop_map(|(charge_station_id, settings)| ChargeStationSettings { charge_station_id, settings })
        .boxed()
}

pub(crate) fn install_certificates() -> BoxedStrategy<ChargeStationInstallCertificates> {
    let certificate = (
        select(CertificateType::ALL),
        key(&["c1", "c2", "C3"]),
        text(),
        select(CertificateInstallationStatus::ALL),
        instant(),
    )
        .prop_map(|(certificate_type, certificate_id, certificate_data, status, send_after)| {
            ChargeStationInstallCertificate {
                certificate_type,
                certificate_id,
                certificate_data,
                certificate_installation_status: status,
                send_after,
            }
        });
    (text(), vec(certificate, 0..4))
        .prop_map(|(charge_station_id, certificates)| ChargeStationInstallCertificates {
            charge_station_id,
            certificates,
        })
        .boxed()
}

pub(crate) fn trigger() -> BoxedStrategy<ChargeStationTriggerMessage> {
    (text(), select(TriggerMessage::ALL), select(TriggerStatus::ALL), instant())
        .prop_map(|(charge_station_id, trigger_message, trigger_status, send_after)| ChargeStationTriggerMessage {
            charge_station_id,
            trigger_message,
            trigger_status,
            send_after,
        })
        .boxed()
}

pub(crate) fn token() -> BoxedStrategy<Token> {
    let names = (text(), text(), text(), key(&["u1", "U1", "u 2", "é"]), text());
    let rest =
        (optional_text(), text(), optional_text(), any::<bool>(), optional_text(), select(CacheMode::ALL), text());
    (names, rest)
        .prop_map(
            |(
                (country_code, party_id, token_type, uid, contract_id),
                (visual_number, issuer, group_id, valid, language_code, cache_mode, last_updated),
            )| Token {
                country_code,
                party_id,
                token_type,
                uid,
                contract_id,
                visual_number,
                issuer,
                group_id,
                valid,
                language_code,
                cache_mode,
                last_updated,
            },
        )
        .boxed()
}

pub(crate) fn pem() -> BoxedStrategy<String> {
    prop_oneof![
        select(&[CERT1, CERT2, CERT3][..]).prop_map(str::to_owned),
        Just(format!("junk before\n{CERT2}{CERT1}trailing")),
        Just(PUBLIC_KEY.to_owned()),
        Just("not a pem".to_owned()),
        Just(format!("{CERT3}\0")),
    ]
    .boxed()
}

pub(crate) fn certificate_hash() -> BoxedStrategy<String> {
    prop_oneof![
        select(&[CERT1_KEY, CERT2_KEY, CERT3_KEY][..]).prop_map(str::to_owned),
        Just(format!("{CERT1_KEY}=")),
        key(&["", "unknown"]),
    ]
    .boxed()
}

pub(crate) fn role() -> BoxedStrategy<String> {
    key(&["EMSP", "CPO"])
}

pub(crate) fn country_code() -> BoxedStrategy<String> {
    key(&["GB", "NL", "G:B"])
}

pub(crate) fn party_id() -> BoxedStrategy<String> {
    key(&["TWK", "X:Y"])
}

pub(crate) fn party() -> BoxedStrategy<OcpiParty> {
    (country_code(), party_id(), role(), text(), text())
        .prop_map(|(country_code, party_id, role, url, token)| OcpiParty { country_code, party_id, role, url, token })
        .boxed()
}

pub(crate) fn location_id() -> BoxedStrategy<String> {
    key(&["l1", "L2", "l 3"])
}

pub(crate) fn location() -> BoxedStrategy<Location> {
    let connector = (text(), text(), any::<i32>(), any::<i32>(), text()).prop_map(
        |(format, id, max_amperage, max_voltage, last_updated)| Connector {
            format,
            id,
            max_amperage,
            max_voltage,
            power_type: "AC_1_PHASE".into(),
            standard: "IEC_62196_T2".into(),
            last_updated,
        },
    );
    let evse =
        (vec(connector, 0..3), optional_text(), text(), text()).prop_map(|(connectors, evse_id, status, uid)| Evse {
            connectors,
            evse_id,
            status,
            uid,
            last_updated: "2024-01-01T00:00:00.1+02:00".into(),
        });
    (location_id(), proptest::option::of(vec(evse, 0..3)), text(), text())
        .prop_map(|(id, evses, name, city)| Location { evses, name, city, ..crate::fixtures::location(&id, None) })
        .boxed()
}

pub(crate) fn registration() -> BoxedStrategy<OcpiRegistration> {
    select(OcpiRegistrationStatus::ALL).prop_map(|status| OcpiRegistration { status }).boxed()
}

pub(crate) fn registration_token() -> BoxedStrategy<String> {
    key(&["r1", "R1"])
}

pub(crate) fn transaction_id() -> BoxedStrategy<String> {
    key(&["t1", "t-2"])
}

/// `set_charge_station_runtime_details` on the given stations with any version.
pub(crate) fn set_runtime_details(cs: BoxedStrategy<String>) -> BoxedStrategy<Op> {
    (cs, text())
        .prop_map(|(cs, ocpp_version)| Op::SetRuntimeDetails {
            cs,
            details: ChargeStationRuntimeDetails { ocpp_version },
        })
        .boxed()
}

/// `create_transaction` on the given keys with any values.
pub(crate) fn create_transaction(cs: BoxedStrategy<String>, tx: BoxedStrategy<String>) -> BoxedStrategy<Op> {
    (cs, tx, text(), text(), meter_values(), seq_no(), any::<bool>())
        .prop_map(|(cs, tx, id_token, token_type, meter_values, seq_no, offline)| Op::CreateTransaction {
            cs,
            tx,
            id_token,
            token_type,
            meter_values,
            seq_no,
            offline,
        })
        .boxed()
}

/// `update_transaction` on the given keys with any meter values.
pub(crate) fn update_transaction(cs: BoxedStrategy<String>, tx: BoxedStrategy<String>) -> BoxedStrategy<Op> {
    (cs, tx, meter_values()).prop_map(|(cs, tx, meter_values)| Op::UpdateTransaction { cs, tx, meter_values }).boxed()
}

/// `end_transaction` on the given keys with any values.
pub(crate) fn end_transaction(cs: BoxedStrategy<String>, tx: BoxedStrategy<String>) -> BoxedStrategy<Op> {
    (cs, tx, text(), text(), meter_values(), seq_no())
        .prop_map(|(cs, tx, id_token, token_type, meter_values, seq_no)| Op::EndTransaction {
            cs,
            tx,
            id_token,
            token_type,
            meter_values,
            seq_no,
        })
        .boxed()
}

/// Any operation of the store API.
pub fn op() -> BoxedStrategy<Op> {
    let arms: Vec<(u32, BoxedStrategy<Op>)> = vec![
        (1, (1i64..5_000_000).prop_map(|millis| Op::AdvanceClock { millis }).boxed()),
        (1, (station(), auth()).prop_map(|(cs, auth)| Op::SetAuth { cs, auth }).boxed()),
        (1, station().prop_map(|cs| Op::LookupAuth { cs }).boxed()),
        (3, (station(), settings()).prop_map(|(cs, settings)| Op::UpdateSettings { cs, settings }).boxed()),
        (3, station().prop_map(|cs| Op::LookupSettings { cs }).boxed()),
        (1, (page_size(), station()).prop_map(|(page_size, after)| Op::ListSettings { page_size, after }).boxed()),
        (1, station().prop_map(|cs| Op::DeleteSettings { cs }).boxed()),
        (1, set_runtime_details(station())),
        (1, station().prop_map(|cs| Op::LookupRuntimeDetails { cs }).boxed()),
        (
            3,
            (station(), install_certificates())
                .prop_map(|(cs, certificates)| Op::UpdateInstallCertificates { cs, certificates })
                .boxed(),
        ),
        (3, station().prop_map(|cs| Op::LookupInstallCertificates { cs }).boxed()),
        (
            1,
            (page_size(), station())
                .prop_map(|(page_size, after)| Op::ListInstallCertificates { page_size, after })
                .boxed(),
        ),
        (1, (station(), trigger()).prop_map(|(cs, trigger)| Op::SetTrigger { cs, trigger }).boxed()),
        (1, station().prop_map(|cs| Op::DeleteTrigger { cs }).boxed()),
        (1, station().prop_map(|cs| Op::LookupTrigger { cs }).boxed()),
        (1, (page_size(), station()).prop_map(|(page_size, after)| Op::ListTriggers { page_size, after }).boxed()),
        (3, token().prop_map(|token| Op::SetToken { token }).boxed()),
        (3, key(&["u1", "U1", "u 2", "é"]).prop_map(|uid| Op::LookupToken { uid }).boxed()),
        (1, (page_size(), page_size()).prop_map(|(offset, limit)| Op::ListTokens { offset, limit }).boxed()),
        (1, Just(Op::Transactions).boxed()),
        (3, (station(), transaction_id()).prop_map(|(cs, tx)| Op::FindTransaction { cs, tx }).boxed()),
        (3, create_transaction(station(), transaction_id())),
        (3, update_transaction(station(), transaction_id())),
        (3, end_transaction(station(), transaction_id())),
        (1, pem().prop_map(|pem| Op::SetCertificate { pem }).boxed()),
        (1, certificate_hash().prop_map(|hash| Op::LookupCertificate { hash }).boxed()),
        (1, certificate_hash().prop_map(|hash| Op::DeleteCertificate { hash }).boxed()),
        (
            1,
            (registration_token(), registration())
                .prop_map(|(token, registration)| Op::SetRegistration { token, registration })
                .boxed(),
        ),
        (1, registration_token().prop_map(|token| Op::GetRegistration { token }).boxed()),
        (1, registration_token().prop_map(|token| Op::DeleteRegistration { token }).boxed()),
        (1, party().prop_map(|party| Op::SetParty { party }).boxed()),
        (
            1,
            (role(), country_code(), party_id())
                .prop_map(|(role, country_code, party_id)| Op::GetParty { role, country_code, party_id })
                .boxed(),
        ),
        (1, role().prop_map(|role| Op::ListParties { role }).boxed()),
        (1, location().prop_map(|location| Op::SetLocation { location }).boxed()),
        (1, location_id().prop_map(|id| Op::LookupLocation { id }).boxed()),
        (1, (page_size(), page_size()).prop_map(|(offset, limit)| Op::ListLocations { offset, limit }).boxed()),
        // Often exactly now: a transaction ended at this very instant must be kept.
        (
            1,
            prop_oneof![Just(0i64), -5_000_000i64..5_000_000]
                .prop_map(|offset_millis| Op::PruneEndedTransactions { offset_millis })
                .boxed(),
        ),
    ];
    Union::new_weighted(arms).boxed()
}
