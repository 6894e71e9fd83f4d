//! A caller may give up on a store call at any moment (a request timeout drops its future).
//! The multi-statement writes (a transaction write, a settings merge) are cancelled at each of
//! their await points in turn; afterwards every cancelled call happened whole or not at all, no
//! session of the store is left inside a transaction, and no connection is lost to the pool.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use sqlx::mysql::MySqlPoolOptions;
use store_conformance::fixtures::{meter_value, setting, settings};
use store_core::ChargeStationSettingStatus::Pending;
use store_core::*;
use store_mysql::test_support::ScratchDatabase;

const POOL_SIZE: u32 = 2;
/// Await points a call may pass before it is surely done.
const MAX_WAITS: u32 = 40;

/// Polls `call` until it completes or has been left waiting `waits` + 1 times, then drops it
/// (None): a cancellation exactly at its (waits + 1)-th await point.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_writes_leave_no_half_write_no_open_transaction_and_no_lost_connection() {
    let database = ScratchDatabase::create("cancel").await.unwrap_or_else(|err| panic!("{err}"));
    let store = database.store(Arc::new(SystemClock), POOL_SIZE).await.expect("store");
    let admin_options = database.connect_options(&database.config(1)).expect("options");
    let admin = MySqlPoolOptions::new().max_connections(1).connect_with(admin_options).await.expect("admin");

    let mut completed = 0;
    for waits in 0..MAX_WAITS {
        let value = vec![meter_value("2024-05-06T13:58:55Z", &[f64::from(waits)])];
        if let Some(result) = dropped_after_waits(store.update_transaction("cs", "tx", &value), waits).await {
            result.expect("an uncancelled append succeeds");
            completed += 1;
        }
        let both = settings(&[
            ("a", setting(&waits.to_string(), Pending, None)),
            ("b", setting(&waits.to_string(), Pending, None)),
        ]);
        if let Some(result) = dropped_after_waits(store.update_charge_station_settings("cs", &both), waits).await {
            result.expect("an uncancelled merge succeeds");
        }
    }
    assert!(completed > 0, "no append ran to completion within {MAX_WAITS} await points");
    assert!(completed < MAX_WAITS, "no append was cancelled");

    // Whole or nothing: every counted update has its one value, and both keys of a merge moved
    // together.
    let transaction = store.find_transaction("cs", "tx").await.expect("find").expect("some append happened");
    assert_eq!(transaction.updated_seq_no_count, transaction.meter_values.len() as i64);
    if let Some(found) = store.lookup_charge_station_settings("cs").await.expect("lookup") {
        let values: Vec<&str> = found.settings.values().map(|setting| setting.value.as_str()).collect();
        assert!(values.windows(2).all(|pair| pair[0] == pair[1]), "a merge was half applied: {values:?}");
    }

    // The server rolls back a dropped connection's transaction when it sees the socket close.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.innodb_trx t
             JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
             WHERE p.db = DATABASE() AND p.id <> CONNECTION_ID()",
        )
        .fetch_one(&admin)
        .await
        .expect("open transactions");
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} sessions of the store stay inside a transaction");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = store.storage().pool().status();
    assert!(status.size <= POOL_SIZE as usize, "{status:?}");
    for _ in 0..2 * POOL_SIZE {
        store.lookup_token("absent").await.expect("every connection slot is usable again");
    }
    admin.close().await;
    store.storage().close().await;
    database.drop_now().await;
}
