//! A statement PostgreSQL aborts as a deadlock victim had no effect; the store runs it again
//! instead of failing the call. The deadlock is made on purpose, with a second session that
//! locks one certificate row and then the station's record, which the store's merge holds.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{Connection, PgConnection};
use store_conformance::fixtures::{install_certificate, install_certificates};
use store_core::*;
use store_postgres::test_support::ScratchSchema;

fn certificate(id: &str, data: &str) -> ChargeStationInstallCertificate {
    let mut certificate = install_certificate(id, CertificateType::V2g, CertificateInstallationStatus::Pending, None);
    certificate.certificate_data = data.to_owned();
    certificate
}

/// Deadlocks made, at most, until the store's statement is the one PostgreSQL aborts.
const ATTEMPTS: usize = 5;

/// Waits until a session of `schema` is blocked on a lock.
async fn until_a_session_waits(admin: &mut PgConnection) {
    for _ in 0..500 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        )
        .fetch_one(&mut *admin)
        .await
        .expect("pg_stat_activity");
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the store's merge never waited for the other session's lock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlock_victim_is_run_again_and_succeeds() {
    let schema = ScratchSchema::create("deadlock_retry").await.unwrap_or_else(|err| panic!("{err}"));
    let store = Arc::new(schema.store(Arc::new(SystemClock), 2).await.expect("store"));
    let outcome = async {
        let options = schema.config(1).connect_options().map_err(|e| e.to_string())?;
        let in_schema = options.options([("search_path", schema.name.as_str())]);
        let mut other = PgConnection::connect_with(&in_schema).await.map_err(|e| e.to_string())?;
        let mut observer = PgConnection::connect_with(&in_schema).await.map_err(|e| e.to_string())?;
        for _attempt in 0..ATTEMPTS {
            let first = install_certificates(vec![certificate("c1", "old"), certificate("c2", "old")]);
            store.update_charge_station_install_certificates("cs001", &first).await.map_err(|e| e.to_string())?;
            // The other session holds c2 ...
            sqlx::query("BEGIN").execute(&mut other).await.map_err(|e| e.to_string())?;
            sqlx::query(
                "UPDATE charge_station_install_certificate SET certificate_data = 'other' WHERE certificate_id = 'c2'",
            )
            .execute(&mut other)
            .await
            .map_err(|e| e.to_string())?;
            // ... the store's merge locks the record and c1, then waits for c2 ...
            let merging = {
                let store = store.clone();
                tokio::spawn(async move {
                    let merge = install_certificates(vec![certificate("c1", "new"), certificate("c2", "new")]);
                    store.update_charge_station_install_certificates("cs001", &merge).await
                })
            };
            until_a_session_waits(&mut observer).await;
            // ... and the other session now wants the record: a cycle. The merge has waited
            // longer, so its deadlock check usually runs first and aborts it, and the other
            // session goes on; on a loaded machine the other one may be chosen instead (then
            // the merge just goes on, nothing is tested, and the attempt is made again).
            let other_went_on = sqlx::query(
                "SELECT 1 FROM charge_station_install_certificates WHERE charge_station_id = 'cs001' FOR UPDATE",
            )
            .execute(&mut other)
            .await
            .is_ok();
            let end = if other_went_on { "COMMIT" } else { "ROLLBACK" };
            sqlx::query(end).execute(&mut other).await.map_err(|e| e.to_string())?;
            let merged = merging.await.map_err(|e| e.to_string())?;
            if !other_went_on {
                merged.map_err(|e| format!("the merge failed although the other session was the victim: {e}"))?;
                continue;
            }
            merged.map_err(|e| format!("the deadlock victim was not run again: {e}"))?;
            let found = store.lookup_charge_station_install_certificates("cs001").await.map_err(|e| e.to_string())?;
            let data: Vec<String> =
                found.map(|r| r.certificates.into_iter().map(|c| c.certificate_data).collect()).unwrap_or_default();
            assert_eq!(data, ["new", "new"], "the merge ran again after the other session committed");
            return Ok(());
        }
        Err(format!("the other session was chosen as the deadlock victim {ATTEMPTS} times: nothing was tested"))
    }
    .await;
    store.storage().close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}
