//! The database file is its owner's alone, and the store notices when its path stops leading to
//! the file it opened (a removed directory, a file restored over it): writes and the health check
//! fail as unavailable, naming the path, instead of being acknowledged into a deleted file.

use std::sync::Arc;

use store_core::*;
use store_sqlite::test_support::ScratchDir;

fn meter_value() -> MeterValue {
    let sampled =
        SampledValue { context: None, location: None, measurand: None, phase: None, unit_of_measure: None, value: 1.0 };
    MeterValue { timestamp: "2024-01-01T00:00:00Z".into(), sampled_values: vec![sampled] }
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_its_wal_and_shm_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = ScratchDir::create("private").expect("scratch directory");
    let store = dir.store(Arc::new(SystemClock)).await.expect("store");
    store.update_transaction("cs", "tx", &[meter_value()]).await.expect("write");
    let database = dir.path();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", database.display());
        let mode = std::fs::metadata(&path).unwrap_or_else(|err| panic!("{path}: {err}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{path} has mode {:o}", mode & 0o777);
    }
    store.storage().close().await;
}

#[tokio::test]
async fn a_removed_database_fails_writes_and_health_naming_its_path() {
    let dir = ScratchDir::create("removed").expect("scratch directory");
    let store = dir.store(Arc::new(SystemClock)).await.expect("store");
    store.update_transaction("cs", "tx", &[meter_value()]).await.expect("write before");
    let database = dir.path();
    std::fs::remove_dir_all(database.parent().unwrap()).expect("remove the directory");

    let err = store.update_transaction("cs", "tx", &[meter_value()]).await.expect_err("a write into a removed file");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.to_string().contains(&database.display().to_string()), "the error names the path: {err}");
    assert!(err.to_string().contains("was removed"), "{err}");
    let trigger = ChargeStationTriggerMessage {
        charge_station_id: "cs".into(),
        trigger_message: TriggerMessage::Heartbeat,
        trigger_status: TriggerStatus::Pending,
        send_after: None,
    };
    let err = store.set_charge_station_trigger_message("cs", &trigger).await.expect_err("a one-statement write");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    let err = store.storage().health().await.expect_err("health of a removed file");
    assert!(err.to_string().contains("was removed"), "{err}");
    store.storage().close().await;
}

#[tokio::test]
async fn a_database_replaced_while_open_fails_writes_and_health() {
    let dir = ScratchDir::create("replaced").expect("scratch directory");
    let store = dir.store(Arc::new(SystemClock)).await.expect("store");
    store.update_transaction("cs", "tx", &[meter_value()]).await.expect("write before");
    let database = dir.path();
    let restored = database.with_file_name("restored.db");
    std::fs::copy(&database, &restored).expect("copy");
    std::fs::rename(&restored, &database).expect("restore over the open file");

    let err = store.update_transaction("cs", "tx", &[meter_value()]).await.expect_err("a write after a restore");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.to_string().contains("was replaced"), "{err}");
    assert!(store.storage().health().await.is_err(), "health after a restore over the open file");
    store.storage().close().await;
}
