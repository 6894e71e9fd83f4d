//! R7, R8 under competing writers: every call is atomic (as if run alone, in some order
//! consistent with real time), so competing writes on one record never fail, and a list never
//! shows a later write while missing an earlier completed one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use store_core::*;

use super::concurrency::on_tasks;
use crate::fixtures::*;
use crate::{Failure, Fixture, Outcome, check, check_eq};

/// Tasks and calls per task of each race: 10 000 competing calls.
const RACERS: usize = 4;
const CALLS_PER_RACER: usize = 2_500;

/// R7: merges and deletes of one station's settings, 4 tasks × 2 500 calls at once (half of
/// each), all succeed; merges that follow see only their own keys plus later merges'.
pub async fn concurrent_settings_merges_and_deletes_never_fail(f: Fixture) -> Outcome {
    let engine = f.engine.clone();
    on_tasks(RACERS, move |task| {
        let engine = engine.clone();
        async move {
            for call in 0..CALLS_PER_RACER {
                if (task + call) % 2 == 0 {
                    let value = setting(&call.to_string(), ChargeStationSettingStatus::Pending, None);
                    let merged = settings(&[(&format!("key-{task}"), value.clone()), ("shared", value)]);
                    engine.update_charge_station_settings("cs001", &merged).await?;
                } else {
                    engine.delete_charge_station_settings("cs001").await?;
                }
            }
            Ok(())
        }
    })
    .await?;
    f.engine.delete_charge_station_settings("cs001").await?;
    let value = setting("last", ChargeStationSettingStatus::Accepted, None);
    f.engine.update_charge_station_settings("cs001", &settings(&[("after", value)])).await?;
    let found = f.engine.lookup_charge_station_settings("cs001").await?;
    let keys: Vec<String> = found.map(|s| s.settings.into_keys().collect()).unwrap_or_default();
    check_eq!(keys, vec!["after".to_owned()], "keys after delete then merge");
    Ok(())
}

/// R7: merges of the same two certificate ids in opposite orders into one station, 4 tasks ×
/// 2 500 calls at once, all succeed, and both ids keep the positions they were first given.
pub async fn concurrent_install_certificate_merges_in_opposite_orders_never_fail(f: Fixture) -> Outcome {
    let certificate = |id: &str, data: &str| {
        let mut certificate =
            install_certificate(id, CertificateType::V2g, CertificateInstallationStatus::Pending, None);
        certificate.certificate_data = data.to_owned();
        certificate
    };
    let first = install_certificates(vec![certificate("c1", "first"), certificate("c2", "first")]);
    f.engine.update_charge_station_install_certificates("cs001", &first).await?;
    let engine = f.engine.clone();
    on_tasks(RACERS, move |task| {
        let engine = engine.clone();
        async move {
            for call in 0..CALLS_PER_RACER {
                let data = format!("{task}-{call}");
                let (a, b) = if task % 2 == 0 { ("c1", "c2") } else { ("c2", "c1") };
                let merge = install_certificates(vec![certificate(a, &data), certificate(b, &data)]);
                engine.update_charge_station_install_certificates("cs001", &merge).await?;
            }
            Ok(())
        }
    })
    .await?;
    let found = f.engine.lookup_charge_station_install_certificates("cs001").await?;
    let certificates = found.map(|r| r.certificates).unwrap_or_default();
    let ids: Vec<&str> = certificates.iter().map(|c| c.certificate_id.as_str()).collect();
    check_eq!(ids, vec!["c1", "c2"], "certificate ids in first-given order");
    check_eq!(&certificates[0].certificate_data, &certificates[1].certificate_data, "both ids from the last merge");
    Ok(())
}

/// Whether `listed` is exactly the first `listed.len()` of `written` (the ids a writer wrote,
/// one completed call after another, in list order).
fn check_prefix(what: &str, listed: &[String], written: &[String]) -> Outcome {
    for (position, id) in listed.iter().enumerate() {
        check!(
            written.get(position) == Some(id),
            "{what} listed {} ids; it shows {id:?} but not {:?}, whose write completed before the list began",
            listed.len(),
            written.get(position)
        );
    }
    Ok(())
}

/// R6 under concurrency: while one task writes tokens, settings and trigger messages with
/// ascending ids one completed call after another, lists on two other tasks always show a
/// prefix of what was written, never a later write without an earlier one.
pub async fn concurrent_lists_never_skip_an_earlier_write(f: Fixture) -> Outcome {
    const WRITES: usize = 300;
    let ids: Arc<Vec<String>> = Arc::new((0..WRITES).map(|i| format!("w{i:03}")).collect());
    let writing = Arc::new(AtomicBool::new(true));
    let (engine, written, flag) = (f.engine.clone(), ids.clone(), writing.clone());
    let writer = tokio::spawn(async move {
        let outcome: Outcome = async {
            for id in written.iter() {
                engine.set_token(&token(id)).await?;
                let value = setting("v", ChargeStationSettingStatus::Pending, None);
                engine.update_charge_station_settings(id, &settings(&[("k", value)])).await?;
                let message = trigger(TriggerMessage::BootNotification, TriggerStatus::Pending, None);
                engine.set_charge_station_trigger_message(id, &message).await?;
            }
            Ok(())
        }
        .await;
        flag.store(false, Ordering::SeqCst);
        outcome
    });
    let readers = {
        let (engine, written) = (f.engine.clone(), ids.clone());
        on_tasks(2, move |_| {
            let (engine, written, writing) = (engine.clone(), written.clone(), writing.clone());
            async move {
                while writing.load(Ordering::SeqCst) {
                    // An in-memory call never suspends: without this, readers could keep every
                    // worker thread and the writer would never run.
                    tokio::task::yield_now().await;
                    let tokens: Vec<String> =
                        engine.list_tokens(0, usize::MAX).await?.into_iter().map(|t| t.uid).collect();
                    check_prefix("list_tokens", &tokens, &written)?;
                    let stations: Vec<String> = engine
                        .list_charge_station_settings(usize::MAX, "")
                        .await?
                        .into_iter()
                        .map(|s| s.charge_station_id)
                        .collect();
                    check_prefix("list_charge_station_settings", &stations, &written)?;
                    let triggers: Vec<String> = engine
                        .list_charge_station_trigger_messages(usize::MAX, "")
                        .await?
                        .into_iter()
                        .map(|t| t.charge_station_id)
                        .collect();
                    check_prefix("list_charge_station_trigger_messages", &triggers, &written)?;
                }
                Ok(())
            }
        })
    };
    let read = readers.await;
    writer.await.map_err(|err| Failure(format!("writer panicked: {err}")))??;
    read
}
