//! What SQLite cannot store natively comes back exactly (R2, R3, R13): NaN (with its payload),
//! ±Inf and -0.0 as meter values; instants at both ends of years 1–9999 with microseconds. The conformance suite covers the common cases; these add NaN
//! payloads and the extreme instants.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use store_core::*;
use store_sqlite::test_support::ScratchDir;

fn sampled(value: f64) -> SampledValue {
    SampledValue { context: None, location: None, measurand: None, phase: None, unit_of_measure: None, value }
}

#[tokio::test]
async fn nan_payloads_infinities_and_negative_zero_survive_bit_for_bit() {
    let dir = ScratchDir::create("encodings").expect("scratch directory");
    let store = dir.store(Arc::new(SystemClock)).await.expect("store");
    let payload_nan = f64::from_bits(0x7ff8_0000_dead_beef);
    let values = [f64::NAN, -f64::NAN, payload_nan, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, f64::MIN_POSITIVE];
    let meter_value =
        MeterValue { timestamp: "2024-01-01T00:00:00.123+01:00".into(), sampled_values: values.map(sampled).to_vec() };
    store.update_transaction("cs", "tx", std::slice::from_ref(&meter_value)).await.expect("append");
    let found = store.find_transaction("cs", "tx").await.expect("find").expect("exists");
    let bits: Vec<u64> = found.meter_values[0].sampled_values.iter().map(|s| s.value.to_bits()).collect();
    assert_eq!(bits, values.map(f64::to_bits).to_vec());
    assert_eq!(found.meter_values[0].timestamp, meter_value.timestamp);
    store.storage().close().await;
}

#[tokio::test]
async fn instants_keep_microseconds_from_year_1_to_9999() {
    let dir = ScratchDir::create("instants").expect("scratch directory");
    let store = dir.store(Arc::new(SystemClock)).await.expect("store");
    let first: DateTime<Utc> = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    let last: DateTime<Utc> =
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap() + chrono::Duration::microseconds(999_999);
    for (station, instant) in [("first", first), ("last", last)] {
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
    store.storage().close().await;
}
