//! §2.5 trigger messages: one per station, read back with the key as its station id (R4).

use store_core::TriggerMessage::*;
use store_core::TriggerStatus::*;
use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

fn with_id(id: &str, message: &ChargeStationTriggerMessage) -> ChargeStationTriggerMessage {
    ChargeStationTriggerMessage { charge_station_id: id.to_owned(), ..message.clone() }
}

/// R5: absent is `None`; deleting an absent trigger succeeds.
pub async fn trigger_lookup_absent_is_none_and_delete_is_idempotent(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.lookup_charge_station_trigger_message("cs001").await?, None);
    e.delete_charge_station_trigger_message("cs001").await?;
    e.set_charge_station_trigger_message("cs001", &trigger(Heartbeat, Pending, None)).await?;
    e.delete_charge_station_trigger_message("cs001").await?;
    e.delete_charge_station_trigger_message("cs001").await?;
    check_eq!(e.lookup_charge_station_trigger_message("cs001").await?, None);
    Ok(())
}

/// R4, §2.5: set replaces the station's one trigger; reads carry the key as station id, whatever
/// the writer put there.
pub async fn trigger_set_replaces_and_station_id_comes_from_key(f: Fixture) -> Outcome {
    let e = &f.engine;
    e.set_charge_station_trigger_message("cs001", &trigger(BootNotification, Pending, Some(instant(9)))).await?;
    let mut second = trigger(SignV2gCertificate, NotImplemented, None);
    second.charge_station_id = "some-other-id".into();
    e.set_charge_station_trigger_message("cs001", &second).await?;
    check_eq!(e.lookup_charge_station_trigger_message("cs001").await?, Some(with_id("cs001", &second)));
    check_eq!(e.lookup_charge_station_trigger_message("some-other-id").await?, None);
    Ok(())
}

/// R6: list pages every trigger by station id, exclusive cursor, no status/SendAfter filter,
/// each with its station id filled in.
pub async fn trigger_list_pages_with_station_ids(f: Fixture) -> Outcome {
    let e = &f.engine;
    let messages = [
        ("cs2", trigger(StatusNotification, Accepted, Some(instant(3_600_000)))),
        ("cs1", trigger(Heartbeat, Rejected, None)),
        ("CS3", trigger(MeterValues, Pending, None)),
    ];
    for (id, message) in &messages {
        e.set_charge_station_trigger_message(id, message).await?;
    }
    check_eq!(
        e.list_charge_station_trigger_messages(2, "").await?,
        vec![with_id("CS3", &messages[2].1), with_id("cs1", &messages[1].1)]
    );
    check_eq!(e.list_charge_station_trigger_messages(2, "cs1").await?, vec![with_id("cs2", &messages[0].1)]);
    check_eq!(e.list_charge_station_trigger_messages(2, "cs2").await?, vec![]);
    e.delete_charge_station_trigger_message("cs1").await?;
    check_eq!(
        e.list_charge_station_trigger_messages(5, "cs1").await?,
        vec![with_id("cs2", &messages[0].1)],
        "deleted cursor"
    );
    Ok(())
}
