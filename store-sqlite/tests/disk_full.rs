//! A full disk: writes fail as unavailable and store nothing, reads and the health check go on,
//! and once space returns the store writes again and its WAL is checkpointed, also across a
//! restart made while the disk was full. The disk is a 12 MiB tmpfs: mounted directly as root,
//! else in a user and mount namespace of this test's own (`unshare -rm`, re-running this test).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use store_core::*;
use store_sqlite::{SqliteStorage, SqliteStoreConfig, Synchronous};

const IN_NAMESPACE: &str = "MAEVE_DISK_FULL_IN_NAMESPACE";
/// Room the filler holds, freed when space returns: more than the WAL grows to between
/// checkpoints (1 000 pages, 4 MiB).
const FILLER_BYTES: usize = 6 << 20;

fn meter_values() -> Vec<MeterValue> {
    let sampled =
        SampledValue { context: None, location: None, measurand: None, phase: None, unit_of_measure: None, value: 1.5 };
    (0..20)
        .map(|_| MeterValue { timestamp: "2024-01-01T00:00:00Z".into(), sampled_values: vec![sampled.clone(); 4] })
        .collect()
}

fn token() -> Token {
    Token {
        country_code: "GB".into(),
        party_id: "TWK".into(),
        token_type: "RFID".into(),
        uid: "disk-full".into(),
        contract_id: "GBTWK012345678V".into(),
        visual_number: None,
        issuer: "Thoughtworks".into(),
        group_id: None,
        valid: true,
        language_code: None,
        cache_mode: CacheMode::Always,
        last_updated: String::new(),
    }
}

#[test]
fn a_full_disk_fails_writes_serves_reads_and_recovers_when_space_returns() {
    let is_root =
        Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    if is_root || std::env::var_os(IN_NAMESPACE).is_some() {
        let dir = tempfile::Builder::new().prefix("maeve-sqlite-disk-full-").tempdir().expect("temporary directory");
        let mount = Tmpfs::mount(dir.path());
        tokio::runtime::Runtime::new().unwrap().block_on(scenario(&mount.path));
        return;
    }
    // Not root: run this test again as root of a user and mount namespace of its own.
    let status = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "a_full_disk_fails_writes_serves_reads_and_recovers_when_space_returns", "--nocapture"])
        .env(IN_NAMESPACE, "1")
        .status()
        .unwrap_or_else(|err| {
            panic!("this test mounts a 12 MiB tmpfs: run it as root, or install util-linux's unshare ({err})")
        });
    assert!(
        status.success(),
        "the test failed inside `unshare -rm` (if unshare itself failed, run as root: unprivileged user namespaces may be off)"
    );
}

async fn scenario(fs: &Path) {
    let filler = fs.join("filler");
    std::fs::write(&filler, vec![7u8; FILLER_BYTES]).expect("filler");
    let config = SqliteStoreConfig { synchronous: Synchronous::Normal, ..SqliteStoreConfig::at(fs.join("maeve.db")) };
    let store = SqliteStorage::open(&config).await.expect("open").into_store(Arc::new(SystemClock));
    store.set_token(&token()).await.expect("token");

    let acknowledged = fill(&store).await;
    assert!(acknowledged > 0, "nothing was written before the disk was full");
    reads_are_served(&store, "on a full disk").await;

    // A restart while the disk is still full: the WAL cannot be checkpointed into the file.
    store.storage().close().await;
    let store = SqliteStorage::open(&config).await.expect("a restart on a full disk").into_store(Arc::new(SystemClock));
    reads_are_served(&store, "after a restart on a full disk").await;
    let err = store.update_transaction("cs", "still-full", &meter_values()).await.expect_err("a write on a full disk");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");

    // Space returns: the same store writes again, without a restart.
    std::fs::remove_file(&filler).expect("space returns");
    store.update_transaction("cs", "after", &meter_values()).await.expect("a write once space returned");
    for tx in 0..acknowledged {
        let found = store.find_transaction("cs", &format!("tx{tx}")).await.expect("read");
        let found = found.unwrap_or_else(|| panic!("tx{tx} was acknowledged and lost"));
        assert_eq!(found.meter_values.len(), meter_values().len(), "tx{tx}");
    }
    for refused in [format!("tx{acknowledged}"), "still-full".to_owned()] {
        assert!(
            store.find_transaction("cs", &refused).await.expect("read").is_none(),
            "failed write {refused} stored something"
        );
    }
    let wal = wal_bytes(&config.path);
    store.storage().close().await;
    assert_eq!(wal_bytes(&config.path), 0, "the WAL ({wal} bytes before close) was not checkpointed at close");
}

async fn reads_are_served(store: &store_sqlite::SqliteStore, when: &str) {
    let token = store.lookup_token("disk-full").await.unwrap_or_else(|err| panic!("a token read {when}: {err}"));
    assert_eq!(token.map(|t| t.uid), Some("disk-full".into()), "{when}");
    let tx = store.find_transaction("cs", "tx0").await.unwrap_or_else(|err| panic!("a transaction read {when}: {err}"));
    assert!(tx.is_some(), "tx0 {when}");
    store.storage().health().await.unwrap_or_else(|err| panic!("health {when}: reads are served: {err}"));
}

/// Writes transactions until the disk is full; how many were acknowledged.
async fn fill(store: &store_sqlite::SqliteStore) -> usize {
    for tx in 0..100_000 {
        match store.update_transaction("cs", &format!("tx{tx}"), &meter_values()).await {
            Ok(()) => {}
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::Unavailable, "a full disk is unavailable: {err}");
                return tx;
            }
        }
    }
    panic!("100 000 transactions did not fill a 12 MiB disk");
}

fn wal_bytes(path: &Path) -> u64 {
    std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0)
}

/// A 12 MiB tmpfs, unmounted on drop.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(at: &Path) -> Self {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs"])
            .arg(at)
            .status()
            .expect("mount");
        assert!(status.success(), "cannot mount a tmpfs at {}", at.display());
        Tmpfs { path: at.to_owned() }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
