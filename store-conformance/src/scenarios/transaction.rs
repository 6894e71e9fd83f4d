//! §2.7 transactions: every cell of the create/update/end table, composite keys, bit-exact
//! meter values (R8, R2).

use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check, check_eq};

/// The record with only its key: every other field empty, zero or false.
pub(super) fn expected(cs: &str, tx: &str) -> Transaction {
    Transaction {
        charge_station_id: cs.to_owned(),
        transaction_id: tx.to_owned(),
        id_token: String::new(),
        token_type: String::new(),
        meter_values: vec![],
        start_seq_no: 0,
        ended_seq_no: 0,
        updated_seq_no_count: 0,
        offline: false,
    }
}

/// R5: absent is `None`; `transactions()` on an empty store is empty.
pub async fn transaction_find_absent_is_none(f: Fixture) -> Outcome {
    check_eq!(f.engine.find_transaction("cs001", "tx1").await?, None);
    check_eq!(f.engine.transactions().await?, vec![]);
    Ok(())
}

/// §2.7 create, absent record: every field from the arguments, counters zero.
pub async fn transaction_create_new_record(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv = vec![meter_value("2024-01-01T00:00:00.123+01:00", &[1.0, 2.5])];
    e.create_transaction("cs001", "tx1", "idtok", "ISO14443", &mv, 7, true).await?;
    let want = Transaction {
        id_token: "idtok".into(),
        token_type: "ISO14443".into(),
        meter_values: mv,
        start_seq_no: 7,
        offline: true,
        ..expected("cs001", "tx1")
    };
    check_eq!(e.find_transaction("cs001", "tx1").await?, Some(want));
    e.create_transaction("cs001", "tx2", "", "", &[], 0, false).await?;
    check_eq!(e.find_transaction("cs001", "tx2").await?, Some(expected("cs001", "tx2")), "no meter values");
    Ok(())
}

/// §2.7 create, existing record: id token, type, start seq and offline replaced; meter values
/// appended; ended seq and update count kept.
pub async fn transaction_create_existing_appends_and_keeps_counters(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv1 = meter_value("t1", &[1.0]);
    let mv2 = meter_value("t2", &[2.0]);
    let mv3 = meter_value("t3", &[3.0]);
    e.create_transaction("cs001", "tx1", "a", "A", std::slice::from_ref(&mv1), 1, false).await?;
    e.update_transaction("cs001", "tx1", std::slice::from_ref(&mv2)).await?;
    e.end_transaction("cs001", "tx1", "z", "Z", &[], 9).await?;
    e.create_transaction("cs001", "tx1", "b", "B", std::slice::from_ref(&mv3), -1, true).await?;
    let want = Transaction {
        id_token: "b".into(),
        token_type: "B".into(),
        meter_values: vec![mv1, mv2, mv3],
        start_seq_no: -1,
        ended_seq_no: 9,
        updated_seq_no_count: 1,
        offline: true,
        ..expected("cs001", "tx1")
    };
    check_eq!(e.find_transaction("cs001", "tx1").await?, Some(want));
    Ok(())
}

/// §2.7 update, absent record: empty tokens, the given meter values, update count 1.
pub async fn transaction_update_new_record_counts_one(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv = vec![meter_value("t", &[4.0]), meter_value("u", &[])];
    e.update_transaction("cs001", "tx1", &mv).await?;
    check_eq!(
        e.find_transaction("cs001", "tx1").await?,
        Some(Transaction { meter_values: mv, updated_seq_no_count: 1, ..expected("cs001", "tx1") })
    );
    Ok(())
}

/// §2.7 update, existing record: appends in call order and counts one per call, even with no
/// meter values; nothing else changes.
pub async fn transaction_update_existing_appends_and_counts_every_call(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv: Vec<MeterValue> = (0..4).map(|n| meter_value(&format!("t{n}"), &[n as f64])).collect();
    e.create_transaction("cs001", "tx1", "id", "RFID", &mv[..1], 3, true).await?;
    e.update_transaction("cs001", "tx1", &mv[1..3]).await?;
    e.update_transaction("cs001", "tx1", &[]).await?;
    e.update_transaction("cs001", "tx1", &mv[3..]).await?;
    let want = Transaction {
        id_token: "id".into(),
        token_type: "RFID".into(),
        meter_values: mv,
        start_seq_no: 3,
        updated_seq_no_count: 3,
        offline: true,
        ..expected("cs001", "tx1")
    };
    check_eq!(e.find_transaction("cs001", "tx1").await?, Some(want));
    Ok(())
}

/// §2.7 end, absent record: id token, type, meter values and ended seq from the arguments.
pub async fn transaction_end_new_record(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv = vec![meter_value("t", &[5.0])];
    e.end_transaction("cs001", "tx1", "id", "eMAID", &mv, -1).await?;
    let want = Transaction {
        id_token: "id".into(),
        token_type: "eMAID".into(),
        meter_values: mv,
        ended_seq_no: -1,
        ..expected("cs001", "tx1")
    };
    check_eq!(e.find_transaction("cs001", "tx1").await?, Some(want));
    Ok(())
}

/// §2.7 end, existing record: appends and sets ended seq; never changes the id token or type.
pub async fn transaction_end_existing_keeps_id_token(f: Fixture) -> Outcome {
    let e = &f.engine;
    let mv1 = meter_value("t1", &[1.0]);
    let mv2 = meter_value("t2", &[2.0, 3.0]);
    e.create_transaction("cs001", "tx1", "start-id", "ISO14443", std::slice::from_ref(&mv1), 2, false).await?;
    e.update_transaction("cs001", "tx1", &[]).await?;
    e.end_transaction("cs001", "tx1", "other-id", "Central", std::slice::from_ref(&mv2), 12).await?;
    e.end_transaction("cs001", "tx1", "third-id", "Local", &[], 13).await?;
    let want = Transaction {
        id_token: "start-id".into(),
        token_type: "ISO14443".into(),
        meter_values: vec![mv1, mv2],
        start_seq_no: 2,
        ended_seq_no: 13,
        updated_seq_no_count: 1,
        ..expected("cs001", "tx1")
    };
    check_eq!(e.find_transaction("cs001", "tx1").await?, Some(want));
    Ok(())
}

/// §2.7, §3.12: the key is the pair (station, transaction); ids that would collide when
/// joined with `-` or `:` stay apart. `transactions()` lists all in key order.
pub async fn transaction_keys_are_composite_and_listed_in_order(f: Fixture) -> Outcome {
    let e = &f.engine;
    let keys = [("a-b", "c"), ("a", "b-c"), ("a:b", "c"), ("a", "b:c"), ("B", "z"), ("a", "")];
    for (n, (cs, tx)) in keys.iter().enumerate() {
        e.create_transaction(cs, tx, &format!("id{n}"), "", &[], n as i64, false).await?;
    }
    let all = e.transactions().await?;
    let listed: Vec<(String, String, String)> =
        all.into_iter().map(|t| (t.charge_station_id, t.transaction_id, t.id_token)).collect();
    let want: Vec<(String, String, String)> =
        [("B", "z", 4), ("a", "", 5), ("a", "b-c", 1), ("a", "b:c", 3), ("a-b", "c", 0), ("a:b", "c", 2)]
            .into_iter()
            .map(|(cs, tx, n)| (cs.to_owned(), tx.to_owned(), format!("id{n}")))
            .collect();
    check_eq!(listed, want);
    Ok(())
}

/// R2: sampled values are `f64` and round-trip bit-exactly (NaN, ±Inf, -0.0, extremes);
/// optional fields keep `None` apart from `Some("")`; timestamps are verbatim.
pub async fn meter_values_roundtrip_bit_exactly(f: Fixture) -> Outcome {
    let e = &f.engine;
    let specials =
        [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, f64::MIN_POSITIVE / 2.0, f64::MAX, 0.1];
    let mut mv = meter_value("2024-05-06T13:58:55.123456789+05:30", &specials);
    mv.sampled_values[0].context = None;
    mv.sampled_values[0].measurand = Some(String::new());
    mv.sampled_values[1].unit_of_measure = None;
    mv.sampled_values[2].unit_of_measure = Some(UnitOfMeasure { unit: String::new(), multiplier: -3 });
    let odd_timestamp = meter_value(" not a timestamp ", &[]);
    e.update_transaction("cs001", "tx1", &[mv.clone(), odd_timestamp.clone()]).await?;
    let found = e.find_transaction("cs001", "tx1").await?;
    check_eq!(found.as_ref().map(|t| t.meter_values.clone()), Some(vec![mv, odd_timestamp]));
    let bits: Vec<u64> =
        found.iter().flat_map(|t| t.meter_values[0].sampled_values.iter().map(|s| s.value.to_bits())).collect();
    check!(bits == specials.map(f64::to_bits), "value bits differ: {bits:x?}");
    Ok(())
}
