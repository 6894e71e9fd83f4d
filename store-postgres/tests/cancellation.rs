//! A caller may give up on a store call at any moment (a request timeout drops its future). Every
//! kind of write is cancelled at points spread over its whole run, and then the store must go
//! on as if the cancelled calls had either happened whole or not at all: no half-written
//! transaction, no connection left inside a transaction, no connection lost to the pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use store_conformance::fixtures::{
    CERT1, CERT2, CERT3, auth, install_certificate, install_certificates, location, meter_value, party, setting,
    settings, token, trigger,
};
use store_core::ChargeStationSettingStatus::Pending;
use store_core::*;
use store_postgres::test_support::ScratchSchema;
use store_postgres::{ConnectionPool, PgStoreConfig};

const POOL_SIZE: u32 = 4;

/// Cancellation points per kind of write, spread evenly from 0 to 1.5× the time the same call
/// takes uncancelled (measured first, so the spread follows the machine's load): they land
/// before the pool hands out a connection, while a statement is on the wire, while a
/// transaction is open, and after the call is done.
const CANCELLATIONS: u32 = 80;

/// Waits a call may make before it is surely done: a store call takes a connection and runs one
/// statement, so it waits a handful of times.
const MAX_WAITS: u32 = 50;
/// Sweeps over the waits per kind of write, at most.
const SWEEPS: u32 = 20;

/// Polls `call` until it completes or has been left waiting `waits` + 1 times, then drops it
/// (None): a cancellation exactly at its (waits + 1)-th await point, whatever the timer's grain.
async fn dropped_after_waits<F: Future>(call: F, waits: u32) -> Option<F::Output> {
    let mut call = std::pin::pin!(call);
    let mut left = waits;
    std::future::poll_fn(|cx| match call.as_mut().poll(cx) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending if left == 0 => Poll::Ready(None),
        Poll::Pending => {
            left -= 1;
            Poll::Pending
        }
    })
    .await
}

type Write = Box<dyn Fn(Arc<dyn Engine>, u64) -> Pin<Box<dyn Future<Output = StoreResult<()>> + Send>> + Send + Sync>;

fn writes() -> Vec<(&'static str, Write)> {
    fn write<F, Fut>(call: F) -> Write
    where
        F: Fn(Arc<dyn Engine>, u64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = StoreResult<()>> + Send + 'static,
    {
        Box::new(move |engine, n| Box::pin(call(engine, n)))
    }
    vec![
        (
            "set_charge_station_auth",
            write(|e, n| async move {
                e.set_charge_station_auth(&format!("cs{}", n % 4), &auth(SecurityProfile::TlsWithBasicAuth, "pw")).await
            }),
        ),
        (
            "update_charge_station_settings",
            write(|e, n| async move {
                let one = settings(&[(&format!("k{}", n % 3), setting("v", Pending, None))]);
                e.update_charge_station_settings(&format!("cs{}", n % 4), &one).await
            }),
        ),
        (
            "update_charge_station_install_certificates",
            write(|e, n| async move {
                let id = format!("c{}", n % 3);
                let one = install_certificate(&id, CertificateType::V2g, CertificateInstallationStatus::Pending, None);
                let certificates = install_certificates(vec![one]);
                e.update_charge_station_install_certificates(&format!("cs{}", n % 4), &certificates).await
            }),
        ),
        (
            "set_charge_station_trigger_message",
            write(|e, n| async move {
                e.set_charge_station_trigger_message(
                    &format!("cs{}", n % 4),
                    &trigger(TriggerMessage::BootNotification, TriggerStatus::Pending, None),
                )
                .await
            }),
        ),
        ("set_token", write(|e, n| async move { e.set_token(&token(&format!("uid{}", n % 4))).await })),
        (
            "create_transaction",
            write(|e, n| async move {
                e.create_transaction("cs0", &format!("created{}", n % 4), "tok", "RFID", &one_value(n), 1, false).await
            }),
        ),
        // One transaction takes every append, so that a half-applied one shows in its counts.
        (
            "update_transaction",
            write(|e, n| async move { e.update_transaction("cs0", "appended", &one_value(n)).await }),
        ),
        (
            "end_transaction",
            write(|e, n| async move {
                e.end_transaction("cs0", &format!("ended{}", n % 4), "tok", "RFID", &one_value(n), n as i64).await
            }),
        ),
        (
            "set_certificate",
            write(|e, n| async move { e.set_certificate([CERT1, CERT2, CERT3][n as usize % 3]).await }),
        ),
        (
            "set_party_details",
            write(|e, n| async move { e.set_party_details(&party("CPO", "GB", &format!("P{}", n % 4))).await }),
        ),
        ("set_location", write(|e, n| async move { e.set_location(&location(&format!("loc{}", n % 4), None)).await })),
    ]
}

fn one_value(n: u64) -> Vec<MeterValue> {
    vec![meter_value("2024-05-06T13:58:55Z", &[n as f64])]
}

/// Sessions of this test's pool that sit inside a transaction.
async fn sessions_in_transaction(admin: &ConnectionPool, application_name: &str) -> Vec<(i32, String)> {
    let mut connection = admin.acquire().await.expect("admin connection");
    let sessions = sqlx::query_as::<_, (i32, String)>(
        "SELECT pid, state FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'",
    )
    .bind(application_name)
    .fetch_all(&mut *connection)
    .await;
    connection.settle(&sessions);
    sessions.expect("pg_stat_activity")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelled_writes_leave_no_half_write_no_open_transaction_and_no_lost_connection() {
    let schema = ScratchSchema::create("cancellation").await.unwrap_or_else(|err| panic!("{err}"));
    schema.store(Arc::new(SystemClock), 1).await.expect("migrate").storage().close().await;
    let application_name = schema.name.clone();
    let config = PgStoreConfig { application_name: application_name.clone(), ..schema.config(POOL_SIZE) };
    let store = schema.storage(&config).expect("storage").into_store(Arc::new(SystemClock));
    let pool = store.storage().pool().clone();
    let engine: Arc<dyn Engine> = Arc::new(store.clone());
    let admin_storage = schema.storage(&schema.config(1)).expect("admin storage");
    let admin = admin_storage.pool().clone();

    let outcome = async {
        let mut completed_appends = 0;
        let mut cancelled = 0;
        for (name, call) in writes() {
            let started = std::time::Instant::now();
            call(engine.clone(), 0).await.map_err(|err| format!("{name}: {err}"))?;
            completed_appends += usize::from(name == "update_transaction");
            let full = started.elapsed();
            // At each point where the call waits (for a connection, for the server), in turn,
            // until it no longer waits that often. A call can also finish without waiting, when
            // the server answers before the driver first looks: then the sweep is run again.
            let mut cancelled_here = 0;
            for sweep in 0..SWEEPS {
                for waits in 0..MAX_WAITS {
                    let n = 1 + u64::from(sweep * MAX_WAITS + waits);
                    match dropped_after_waits(call(engine.clone(), n), waits).await {
                        Some(Ok(())) => {
                            completed_appends += usize::from(name == "update_transaction");
                            break;
                        }
                        Some(Err(err)) => return Err(format!("{name} #{n} failed instead of finishing: {err}")),
                        None => cancelled_here += 1,
                    }
                }
                if cancelled_here > 0 {
                    break;
                }
            }
            // A call the server answers before the driver first looks for the answer cannot be
            // cancelled at all; on a loaded machine some kinds do that every time.
            println!("{name}: cancelled at {cancelled_here} waits");
            cancelled += cancelled_here;
            // ... and after a time, which also lands inside the I/O the waits stand for.
            for n in 1..=CANCELLATIONS {
                let limit = full.mul_f64(1.5 * f64::from(n - 1) / f64::from(CANCELLATIONS));
                match tokio::time::timeout(limit, call(engine.clone(), 10_000 + u64::from(n))).await {
                    Ok(Ok(())) => completed_appends += usize::from(name == "update_transaction"),
                    Ok(Err(err)) => return Err(format!("{name} #{n} failed instead of finishing: {err}")),
                    Err(_elapsed) => cancelled += 1,
                }
            }
        }
        if cancelled == 0 {
            return Err("no call was cancelled: the test tested nothing".to_owned());
        }

        // Every cancelled append happened whole or not at all.
        let appended = engine.find_transaction("cs0", "appended").await.map_err(|e| e.to_string())?;
        let appended = appended.ok_or("the first, uncancelled append is missing")?;
        if appended.meter_values.len() as i64 != appended.updated_seq_no_count {
            return Err(format!(
                "{} meter values but {} counted appends: an append was cut in half",
                appended.meter_values.len(),
                appended.updated_seq_no_count
            ));
        }
        if appended.meter_values.len() < completed_appends {
            return Err(format!("{completed_appends} appends returned Ok, {} stored", appended.meter_values.len()));
        }

        // Every kind of write still works and reads back what it wrote.
        for (name, call) in writes() {
            call(engine.clone(), 1_000).await.map_err(|err| format!("{name} after the cancellations: {err}"))?;
        }
        let stored = engine.lookup_token("uid0").await.map_err(|e| e.to_string())?;
        if stored.map(|t| t.uid) != Some("uid0".to_owned()) {
            return Err("token uid0 not readable after the cancellations".to_owned());
        }
        let after = engine.find_transaction("cs0", "appended").await.map_err(|e| e.to_string())?.ok_or("gone")?;
        if after.updated_seq_no_count != appended.updated_seq_no_count + 1
            || after.meter_values.len() != appended.meter_values.len() + 1
        {
            return Err(format!("one more append gave {after:?}, before it {appended:?}"));
        }

        // No session of the pool is left inside a transaction (give released connections a
        // moment to finish their clean-up first).
        tokio::time::sleep(Duration::from_millis(500)).await;
        let open = sessions_in_transaction(&admin, &application_name).await;
        if !open.is_empty() {
            return Err(format!("sessions left inside a transaction: {open:?}"));
        }

        // No connection was lost: the whole pool can be held at once.
        let mut held = Vec::new();
        for _ in 0..POOL_SIZE {
            let connection = tokio::time::timeout(Duration::from_secs(10), pool.acquire())
                .await
                .map_err(|_| format!("only {} of {POOL_SIZE} connections could be acquired", held.len()))?
                .map_err(|err| err.to_string())?;
            held.push(connection);
        }
        drop(held);
        Ok::<(), String>(())
    }
    .await;
    store.storage().close().await;
    admin.close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}
