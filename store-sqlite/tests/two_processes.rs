//! Two processes open one new database file at the same moment (both apply the migrations, once)
//! and append to one transaction at the same time, each from several tasks: every meter value is
//! there exactly once and the counter counts every call.

use std::process::Command;
use std::sync::Arc;

use store_core::{SystemClock, TransactionStore};
use store_sqlite::test_support::ScratchDir;
use store_sqlite::{SqliteStorage, SqliteStoreConfig};

const APPENDER: &str = env!("CARGO_BIN_EXE_sqlite-append-meter-values");
const PER_PROCESS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_appending_to_one_transaction_lose_nothing() {
    let dir = ScratchDir::create("two_processes").expect("scratch directory");
    let path = dir.path();
    let appenders: Vec<_> = (0..2)
        .map(|_| {
            Command::new(APPENDER)
                .arg(&path)
                .args(["cs1", "tx1", &PER_PROCESS.to_string()])
                .spawn()
                .expect("start an appender")
        })
        .collect();
    for appender in appenders {
        let output = appender.wait_with_output().expect("appender");
        assert!(output.status.success(), "an appender failed: {}", output.status);
    }
    let storage = SqliteStorage::open(&SqliteStoreConfig::at(&path)).await.expect("open");
    let store = storage.clone().into_store(Arc::new(SystemClock));
    let transaction = store.find_transaction("cs1", "tx1").await.expect("find").expect("the transaction exists");
    assert_eq!(transaction.updated_seq_no_count, 2 * PER_PROCESS as i64);
    assert_eq!(transaction.meter_values.len(), 2 * PER_PROCESS);
    let mut stamps: Vec<&str> = transaction.meter_values.iter().map(|value| value.timestamp.as_str()).collect();
    stamps.sort_unstable();
    stamps.dedup();
    assert_eq!(stamps.len(), 2 * PER_PROCESS, "each appended value exactly once");
    storage.close().await;
}
