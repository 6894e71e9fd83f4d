//! Where MariaDB/MySQL differ from the contract, each value comes back exactly (R2, R3, R6, R13):
//! keys that a text collation would fold together ("a", "A", "a ", "á"), order by bytes, an
//! 800-byte key in a three-part primary key, 4-byte UTF-8, a 1 MB value, NaN (with its payload),
//! ±Inf and -0.0, instants at both ends of years 1–9999 with microseconds. The conformance suite
//! covers the common cases; these pin the server-specific ones.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use store_core::*;
use store_mysql::MySqlStore;
use store_mysql::test_support::ScratchDatabase;

async fn with_store<F, Fut>(prefix: &str, test: F)
where
    F: FnOnce(MySqlStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let database = ScratchDatabase::create(prefix).await.unwrap_or_else(|err| panic!("{err}"));
    let store = database.store(Arc::new(SystemClock), 4).await.expect("store");
    test(store.clone()).await;
    store.storage().close().await;
    database.drop_now().await;
}

fn token(uid: &str, contract_id: &str) -> Token {
    Token {
        country_code: "GB".into(),
        party_id: "TWK".into(),
        token_type: "RFID".into(),
        uid: uid.into(),
        contract_id: contract_id.into(),
        visual_number: None,
        issuer: "issuer".into(),
        group_id: None,
        valid: true,
        language_code: None,
        cache_mode: CacheMode::Always,
        last_updated: String::new(),
    }
}

fn sampled(value: f64) -> SampledValue {
    SampledValue { context: None, location: None, measurand: None, phase: None, unit_of_measure: None, value }
}

#[tokio::test]
async fn keys_differing_in_case_accent_or_trailing_space_are_distinct_and_order_by_bytes() {
    with_store("collation", |store| async move {
        let uids = ["a", "A", "a ", "á", "b", "Z", "ä"];
        for (index, uid) in uids.iter().enumerate() {
            store.set_token(&token(uid, &format!("contract-{index}"))).await.expect("set");
        }
        for (index, uid) in uids.iter().enumerate() {
            let found = store.lookup_token(uid).await.expect("lookup").expect("each key is its own record");
            assert_eq!(found.contract_id, format!("contract-{index}"), "uid {uid:?}");
        }
        let listed: Vec<String> = store.list_tokens(0, 100).await.expect("list").into_iter().map(|t| t.uid).collect();
        let mut by_bytes: Vec<String> = uids.iter().map(|uid| uid.to_string()).collect();
        by_bytes.sort();
        assert_eq!(listed, by_bytes);
    })
    .await;
}

#[tokio::test]
async fn keys_of_800_bytes_fit_every_primary_key() {
    with_store("long_keys", |store| async move {
        let long = |c: char| c.to_string().repeat(200); // 4-byte characters: 800 bytes
        let (role, country, party) = (long('𝄞'), long('😀'), long('🚗'));
        let party_details = OcpiParty {
            role: role.clone(),
            country_code: country.clone(),
            party_id: party.clone(),
            url: "https://example.com".into(),
            token: "t".into(),
        };
        store.set_party_details(&party_details).await.expect("three 800-byte key parts");
        let found = store.get_party_details(&role, &country, &party).await.expect("get").expect("exists");
        assert_eq!(found, party_details);

        let (station, transaction) = ("⚡".repeat(266) + "xx", "x".repeat(800));
        store.update_transaction(&station, &transaction, &[]).await.expect("800-byte key parts");
        assert!(store.find_transaction(&station, &transaction).await.expect("find").is_some());
        // A longer key on a read is not an error; it finds nothing.
        assert!(store.lookup_token(&"k".repeat(801)).await.expect("lookup").is_none());
    })
    .await;
}

#[tokio::test]
async fn four_byte_utf8_and_one_megabyte_values_round_trip() {
    with_store("big_values", |store| async move {
        let big = "🔌⚡".repeat(1 << 17); // 1 MiB of 4-byte and 3-byte characters
        let mut stored = token("emoji-🔌", &big);
        stored.visual_number = Some("🚗".into());
        store.set_token(&stored).await.expect("set");
        let found = store.lookup_token("emoji-🔌").await.expect("lookup").expect("exists");
        assert_eq!(found.contract_id, big);
        assert_eq!(found.visual_number.as_deref(), Some("🚗"));
    })
    .await;
}

#[tokio::test]
async fn nan_payloads_infinities_and_negative_zero_survive_bit_for_bit() {
    with_store("floats", |store| async move {
        let payload_nan = f64::from_bits(0x7ff8_0000_dead_beef);
        let values = [f64::NAN, -f64::NAN, payload_nan, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, f64::MIN_POSITIVE];
        let meter_value = MeterValue {
            timestamp: "2024-01-01T00:00:00.123+01:00".into(),
            sampled_values: values.map(sampled).to_vec(),
        };
        store.update_transaction("cs", "tx", std::slice::from_ref(&meter_value)).await.expect("append");
        let found = store.find_transaction("cs", "tx").await.expect("find").expect("exists");
        let bits: Vec<u64> = found.meter_values[0].sampled_values.iter().map(|s| s.value.to_bits()).collect();
        assert_eq!(bits, values.map(f64::to_bits).to_vec());
        assert_eq!(found.meter_values[0].timestamp, meter_value.timestamp);
    })
    .await;
}

#[tokio::test]
async fn instants_keep_microseconds_from_year_1_to_9999() {
    with_store("instants", |store| async move {
        let first: DateTime<Utc> = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        let last: DateTime<Utc> =
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap() + chrono::Duration::microseconds(999_999);
        let after_2038: DateTime<Utc> = Utc.with_ymd_and_hms(2100, 6, 1, 12, 0, 0).unwrap();
        for (station, instant) in [("first", first), ("last", last), ("after-2038", after_2038)] {
            let trigger = ChargeStationTriggerMessage {
                charge_station_id: station.into(),
                trigger_message: TriggerMessage::BootNotification,
                trigger_status: TriggerStatus::Pending,
                send_after: Some(instant),
            };
            store.set_charge_station_trigger_message(station, &trigger).await.expect("set");
            let found = store.lookup_charge_station_trigger_message(station).await.expect("lookup").expect("exists");
            assert_eq!(found.send_after, Some(instant));
        }
    })
    .await;
}
