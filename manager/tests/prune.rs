//! `maeve-manager prune`: deletes the ended transactions of the configured store, says how
//! many, and refuses an age it cannot read.

use std::process::Command;

use manager::config::Config;
use manager::{ConfiguredStore, Metrics};

#[tokio::test]
async fn prune_deletes_ended_transactions_of_the_configured_store() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config_path = dir.path().join("maeve.toml");
    let database = dir.path().join("maeve.db");
    std::fs::write(&config_path, format!("[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npath = {:?}\n", database))
        .expect("config");
    let config = Config::load(&config_path).expect("config loads");
    let store = ConfiguredStore::open(&config.storage, &Metrics::new()).await.expect("store");
    let engine = store.engine();
    engine.create_transaction("cs001", "ended", "id", "ISO14443", &[], 1, false).await.expect("create");
    engine.end_transaction("cs001", "ended", "id", "ISO14443", &[], 2).await.expect("end");
    engine.update_transaction("cs001", "open", &[]).await.expect("update");
    store.close().await;

    let binary = env!("CARGO_BIN_EXE_maeve-manager");
    let refused =
        Command::new(binary).args(["prune", "--ended-before", "soon", "-c"]).arg(&config_path).output().expect("runs");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--ended-before") && stderr.contains("\"soon\""), "{stderr}");

    // Ended a moment ago: not older than an hour, so kept.
    let kept =
        Command::new(binary).args(["prune", "--ended-before", "1h", "-c"]).arg(&config_path).output().expect("runs");
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    assert!(String::from_utf8_lossy(&kept.stdout).starts_with("pruned 0 transactions and 0 meter values"));

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let pruned = Command::new(binary)
        .args(["prune", "--ended-before", &tomorrow, "-c"])
        .arg(&config_path)
        .output()
        .expect("runs");
    assert!(pruned.status.success(), "{}", String::from_utf8_lossy(&pruned.stderr));
    let stdout = String::from_utf8_lossy(&pruned.stdout);
    assert!(stdout.starts_with("pruned 1 transactions and 0 meter values ended before"), "{stdout}");

    let store = ConfiguredStore::open(&config.storage, &Metrics::new()).await.expect("store");
    let left: Vec<String> =
        store.engine().transactions().await.expect("list").into_iter().map(|t| t.transaction_id).collect();
    assert_eq!(left, vec!["open".to_owned()]);
    store.close().await;
}
