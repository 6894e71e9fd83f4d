//! §2.2 charge-station settings: per-key merge (R7), keyset paging (R6).

use store_core::ChargeStationSettingStatus::*;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check, check_eq};

/// R5: a lookup of an absent station is `None`.
pub async fn settings_lookup_absent_is_none(f: Fixture) -> Outcome {
    check_eq!(f.engine.lookup_charge_station_settings("cs001").await?, None);
    Ok(())
}

/// R7: update merges per key; a key's value, status and send_after are replaced together and
/// other keys are untouched. The record is keyed by the argument, not the input's id.
pub async fn settings_update_merges_per_key(f: Fixture) -> Outcome {
    let e = &f.engine;
    let key_16 = "HeartbeatInterval";
    let key_201 = "OCPPCommCtrlr;1;2/HeartbeatInterval;Actual";
    e.update_charge_station_settings(
        "cs001",
        &settings(&[(key_16, setting("60", Pending, Some(instant(5)))), (key_201, setting("30", Accepted, None))]),
    )
    .await?;
    e.update_charge_station_settings("cs001", &settings(&[(key_16, setting("90", RebootRequired, None))])).await?;
    let found = e.lookup_charge_station_settings("cs001").await?;
    let expected = ChargeStationSettings {
        charge_station_id: "cs001".into(),
        settings: [
            (key_16.to_owned(), setting("90", RebootRequired, None)),
            (key_201.to_owned(), setting("30", Accepted, None)),
        ]
        .into(),
    };
    check_eq!(found, Some(expected), "merged record");
    check_eq!(e.lookup_charge_station_settings("ignored-by-the-store").await?, None, "input id is ignored");
    Ok(())
}

/// R7: an empty map on a new station creates an empty record that lookup and list show.
pub async fn settings_empty_update_creates_empty_record(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.update_charge_station_settings("cs001", &settings(&[])).await?;
    let empty = ChargeStationSettings { charge_station_id: "cs001".into(), settings: Default::default() };
    check_eq!(e.lookup_charge_station_settings("cs001").await?, Some(empty.clone()));
    check_eq!(e.list_charge_station_settings(10, "").await?, vec![empty]);
    Ok(())
}

/// §2.2: delete removes every key of the station; deleting again (or an absent one) succeeds.
pub async fn settings_delete_removes_record_and_is_idempotent(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.update_charge_station_settings("cs001", &settings(&[("a", setting("1", Pending, None))])).await?;
    e.update_charge_station_settings("cs002", &settings(&[("a", setting("1", Pending, None))])).await?;
    e.delete_charge_station_settings("cs001").await?;
    e.delete_charge_station_settings("cs001").await?;
    e.delete_charge_station_settings("never-existed").await?;
    check_eq!(e.lookup_charge_station_settings("cs001").await?, None);
    check!(e.lookup_charge_station_settings("cs002").await?.is_some(), "other station deleted too");
    e.update_charge_station_settings("cs001", &settings(&[("b", setting("2", Pending, None))])).await?;
    let found = e.lookup_charge_station_settings("cs001").await?.map(|s| s.settings.into_keys().collect::<Vec<_>>());
    check_eq!(found, Some(vec!["b".to_owned()]), "keys from before the delete came back");
    Ok(())
}

/// R6: list returns every record (no status filter) in byte order of id, strictly after the
/// cursor, at most page_size; a deleted cursor continues after it; `""` starts at the first.
pub async fn settings_list_pages_in_byte_order_with_exclusive_cursor(f: Fixture) -> Outcome {
    let e = &f.engine;
    let ids = ["é", "a", "B", "cs  7", "cs 10", "a b", "Z"];
    for (n, id) in ids.iter().enumerate() {
        let status = if n % 2 == 0 { Accepted } else { Pending };
        e.update_charge_station_settings(id, &settings(&[("k", setting(id, status, None))])).await?;
    }
    let list_ids = |page: Vec<ChargeStationSettings>| page.into_iter().map(|s| s.charge_station_id).collect::<Vec<_>>();
    check_eq!(list_ids(e.list_charge_station_settings(3, "").await?), vec!["B", "Z", "a"]);
    check_eq!(list_ids(e.list_charge_station_settings(3, "a").await?), vec!["a b", "cs  7", "cs 10"]);
    check_eq!(list_ids(e.list_charge_station_settings(3, "cs 10").await?), vec!["é"]);
    check_eq!(list_ids(e.list_charge_station_settings(3, "é").await?), Vec::<String>::new());
    check_eq!(list_ids(e.list_charge_station_settings(0, "").await?), Vec::<String>::new(), "page size 0");
    e.delete_charge_station_settings("a b").await?;
    check_eq!(
        list_ids(e.list_charge_station_settings(2, "a b").await?),
        vec!["cs  7", "cs 10"],
        "a deleted cursor continues after itself"
    );
    check_eq!(list_ids(e.list_charge_station_settings(2, "b").await?), vec!["cs  7", "cs 10"], "absent cursor");
    let page = e.list_charge_station_settings(1, "cs  7").await?;
    check_eq!(
        page,
        vec![ChargeStationSettings {
            charge_station_id: "cs 10".into(),
            settings: [("k".to_owned(), setting("cs 10", Accepted, None))].into()
        }],
        "listed records are whole"
    );
    Ok(())
}

/// §4, §7.15: setting keys with OCPP 2.0.1 separators, long station ids and 1 MB values survive.
pub async fn settings_long_ids_and_large_values_roundtrip(f: Fixture) -> Outcome {
    let e = &f.engine;
    let long_id = "x".repeat(300);
    let large_value = "v".repeat(1 << 20);
    let key = "SecurityCtrlr/BasicAuthPassword;Actual";
    e.update_charge_station_settings(&long_id, &settings(&[(key, setting(&large_value, Pending, None))])).await?;
    let found = e.lookup_charge_station_settings(&long_id).await?;
    check_eq!(
        found.and_then(|s| s.settings.get(key).map(|v| v.value.len())),
        Some(large_value.len()),
        "large value length"
    );
    Ok(())
}
