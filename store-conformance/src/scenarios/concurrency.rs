//! R7, R8: concurrent callers never lose an appended meter value, a counter increment or a
//! merged key.

use std::sync::Arc;

use store_core::*;

use crate::fixtures::*;
use crate::{Failure, Fixture, Outcome, check, check_eq};

pub const TASKS: usize = 8;
pub const CALLS_PER_TASK: usize = 200;

/// Runs `body(task)` on `tasks` tasks at once and joins them all.
pub(crate) async fn on_tasks<F, Fut>(tasks: usize, body: F) -> Outcome
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Outcome> + Send + 'static,
{
    let handles: Vec<_> = (0..tasks).map(|task| tokio::spawn(body(task))).collect();
    for handle in handles {
        handle.await.map_err(|err| Failure(format!("task panicked: {err}")))??;
    }
    Ok(())
}

/// Checks that `values` holds exactly `tasks * calls * 2` values and that each task's values
/// appear in its call order. Value `task * 1_000_000 + call * 2 + i` encodes its origin.
pub fn check_meter_values_in_call_order(values: &[MeterValue], tasks: usize, calls: usize) -> Outcome {
    check_eq!(values.len(), tasks * calls * 2, "meter values stored");
    let mut next = vec![0u64; tasks];
    for value in values {
        let encoded = value.sampled_values[0].value as u64;
        let (task, step) = ((encoded / 1_000_000) as usize, encoded % 1_000_000);
        check!(task < tasks && step == next[task], "task {task} value {step} out of order (expected {})", next[task]);
        next[task] += 1;
    }
    Ok(())
}

/// The same as [`concurrent_transaction_updates_lose_nothing`] against any engines: one task
/// set per engine, all on one transaction.
pub async fn hammer_one_transaction(engines: &[Arc<dyn Engine>], tasks_per_engine: usize) -> Outcome {
    let engines: Vec<Arc<dyn Engine>> = engines.to_vec();
    let count = engines.len() * tasks_per_engine;
    on_tasks(count, move |task| {
        let engine = engines[task / tasks_per_engine].clone();
        async move {
            for call in 0..CALLS_PER_TASK {
                let base = (task * 1_000_000 + call * 2) as f64;
                let values = [meter_value("t", &[base]), meter_value("t", &[base + 1.0])];
                engine.update_transaction("cs001", "tx1", &values).await?;
            }
            Ok(())
        }
    })
    .await
}

/// R8: 8 tasks × 200 updates with 2 meter values on one transaction keep all 3 200 values in
/// each task's call order and count exactly 1 600 updates.
pub async fn concurrent_transaction_updates_lose_nothing(f: Fixture) -> Outcome {
    hammer_one_transaction(std::slice::from_ref(&f.engine), TASKS).await?;
    let found = f.engine.find_transaction("cs001", "tx1").await?;
    let Some(transaction) = found else {
        return Err(Failure("transaction missing".into()));
    };
    check_eq!(transaction.updated_seq_no_count, (TASKS * CALLS_PER_TASK) as i64, "update counter");
    check_meter_values_in_call_order(&transaction.meter_values, TASKS, CALLS_PER_TASK)
}

/// Merges one distinct settings key per task into one station, from any engines.
pub async fn merge_settings_concurrently(engines: &[Arc<dyn Engine>], tasks: usize) -> Outcome {
    let engines: Vec<Arc<dyn Engine>> = engines.to_vec();
    on_tasks(tasks, move |task| {
        let engine = engines[task % engines.len()].clone();
        async move {
            let key = format!("key-{task:02}");
            let value = setting(&task.to_string(), ChargeStationSettingStatus::Pending, None);
            engine.update_charge_station_settings("cs001", &settings(&[(&key, value)])).await?;
            Ok(())
        }
    })
    .await
}

/// R7: 16 tasks merging distinct keys into one station leave every key present.
pub async fn concurrent_settings_merges_keep_every_key(f: Fixture) -> Outcome {
    merge_settings_concurrently(std::slice::from_ref(&f.engine), 16).await?;
    let found = f.engine.lookup_charge_station_settings("cs001").await?;
    let keys: Vec<String> = found.map(|s| s.settings.into_keys().collect()).unwrap_or_default();
    check_eq!(keys, (0..16).map(|task| format!("key-{task:02}")).collect::<Vec<_>>());
    Ok(())
}

/// R7: 16 tasks merging distinct certificate ids into one station leave every id present.
pub async fn concurrent_install_certificate_merges_keep_every_id(f: Fixture) -> Outcome {
    let engine = f.engine.clone();
    on_tasks(16, move |task| {
        let engine = engine.clone();
        async move {
            let cert = install_certificate(
                &format!("cert-{task:02}"),
                CertificateType::V2g,
                CertificateInstallationStatus::Pending,
                None,
            );
            engine.update_charge_station_install_certificates("cs001", &install_certificates(vec![cert])).await?;
            Ok(())
        }
    })
    .await?;
    let found = f.engine.lookup_charge_station_install_certificates("cs001").await?;
    let mut ids: Vec<String> =
        found.map(|r| r.certificates.into_iter().map(|c| c.certificate_id).collect()).unwrap_or_default();
    ids.sort();
    check_eq!(ids, (0..16).map(|task| format!("cert-{task:02}")).collect::<Vec<_>>());
    Ok(())
}
