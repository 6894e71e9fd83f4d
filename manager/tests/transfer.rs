//! `maeve-manager export`, `import` and `copy`: every record moves between backends unchanged,
//! store-generated fields included; importing twice changes nothing; a file cut short is
//! refused; the export file is private to its owner.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use chrono::TimeZone;
use manager::config::Config;
use manager::{ConfiguredStore, Metrics};
use store_core::export::{copy, export_records};
use store_core::*;

fn meter_value(timestamp: &str, values: &[f64]) -> MeterValue {
    MeterValue {
        sampled_values: values
            .iter()
            .map(|value| SampledValue {
                context: Some("Sample.Periodic".to_owned()),
                location: None,
                measurand: Some("Energy.Active.Import.Register".to_owned()),
                phase: None,
                unit_of_measure: Some(UnitOfMeasure { unit: "Wh".to_owned(), multiplier: 3 }),
                value: *value,
            })
            .collect(),
        timestamp: timestamp.to_owned(),
    }
}

fn token(uid: &str) -> Token {
    Token {
        country_code: "GB".to_owned(),
        party_id: "TWK".to_owned(),
        token_type: "RFID".to_owned(),
        uid: uid.to_owned(),
        contract_id: "GBTWK012345678V".to_owned(),
        visual_number: None,
        issuer: "Thoughtworks".to_owned(),
        group_id: Some("group".to_owned()),
        valid: true,
        language_code: None,
        cache_mode: CacheMode::Always,
        last_updated: String::new(),
    }
}

/// A few records of several kinds, some written "yesterday" by the clock.
async fn populate(engine: &dyn Engine, clock: &TestClock) {
    let auth = ChargeStationAuth {
        security_profile: SecurityProfile::TlsWithClientSideCertificates,
        base64_sha256_password: "c2VjcmV0".to_owned(),
        invalid_username_allowed: false,
    };
    engine.set_charge_station_auth("cs001", &auth).await.unwrap();
    for n in 0..3 {
        engine.set_token(&token(&format!("uid{n}"))).await.unwrap();
        clock.advance(chrono::Duration::seconds(7));
    }
    let values = [meter_value("2024-01-01T00:00:00+01:00", &[f64::NAN, -0.0, 0.1]), meter_value("t", &[])];
    engine.create_transaction("cs001", "tx1", "id", "ISO14443", &values, 1, true).await.unwrap();
    engine.end_transaction("cs001", "tx1", "id", "ISO14443", &values[..1], 5).await.unwrap();
    engine.update_transaction("cs002", "open", &values).await.unwrap();
    let registration = OcpiRegistration { status: OcpiRegistrationStatus::Pending };
    engine.set_registration_details("registration-secret", &registration).await.unwrap();
}

fn sqlite_config(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let database = dir.join(format!("{name}.db"));
    std::fs::write(&path, format!("[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npath = {database:?}\n")).unwrap();
    path
}

async fn exported(config_path: &Path) -> Vec<Record> {
    let config = Config::load(config_path).expect("config loads");
    let store = ConfiguredStore::open(&config.storage, &Metrics::new()).await.expect("store opens");
    let records = export_records(store.transfer()).await.expect("export");
    store.close().await;
    records
}

fn run(args: &[&str], paths: &[&Path]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_maeve-manager"));
    command.args(args).env_remove("DATABASE_URL");
    for path in paths {
        command.arg(path);
    }
    command.output().expect("maeve-manager runs")
}

fn succeeded(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "maeve-manager failed: {stderr}");
    stderr
}

#[tokio::test]
async fn export_import_and_copy_move_every_record_unchanged_between_sqlite_and_mariadb() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let source = sqlite_config(dir.path(), "source");
    {
        let clock = Arc::new(TestClock::new(chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()));
        let config = Config::load(&source).unwrap();
        let store_config =
            store_sqlite::SqliteStoreConfig { path: config.storage.sqlite.path.clone(), ..Default::default() };
        let storage = store_sqlite::SqliteStorage::open(&store_config).await.expect("sqlite opens");
        let store = storage.into_store(clock.clone());
        populate(&store, &clock).await;
        store.storage().close().await;
    }
    let original = exported(&source).await;
    assert_eq!(original.len(), 7, "{original:#?}");

    // export to a file: private, complete, and the same records on stdout.
    let file = dir.path().join("export.jsonl");
    let stderr = succeeded(&run(&["export", "-c"], &[&source, Path::new("--to"), &file]));
    assert!(stderr.contains("exported 7 records (12 with meter values)"), "{stderr}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "an export holds credentials");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(r#"{"format":"maeve-store-export","version":1,"source":"sqlite","#), "{text}");
    assert!(text.ends_with("{\"end\":{\"records\":7}}\n"), "{text}");
    let stdout = run(&["export", "-c"], &[&source]);
    succeeded(&stdout);
    let body = |text: &str| text.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(body(&String::from_utf8_lossy(&stdout.stdout)), body(&text));

    // import into MariaDB (migrated first, as the config says), twice: nothing changes.
    let mariadb = store_mysql::test_support::ScratchDatabase::create("manager_transfer").await.expect("MariaDB");
    let target = dir.path().join("mariadb.toml");
    let url = format!("{}/{}", mariadb.server_url.trim_end_matches('/'), mariadb.name);
    std::fs::write(
        &target,
        format!("[storage]\ntype = \"mysql\"\n[storage.mysql]\nurl = {url:?}\nrun_migrations = true\n"),
    )
    .unwrap();
    for _ in 0..2 {
        let stderr = succeeded(&run(&["import", "-c"], &[&target, Path::new("--from"), &file]));
        assert!(stderr.contains("imported 7 records"), "{stderr}");
        assert_eq!(exported(&target).await, original);
    }

    // copy on into a new SQLite file.
    let copied = sqlite_config(dir.path(), "copied");
    let stderr = succeeded(&run(&["copy", "--from"], &[&target, Path::new("--to"), &copied]));
    assert!(stderr.contains("copied 7 records"), "{stderr}");
    assert_eq!(exported(&copied).await, original);

    // a file cut short is refused, naming why.
    let cut = dir.path().join("cut.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n")).unwrap();
    let refused = run(&["import", "-c"], &[&copied, Path::new("--from"), &cut]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cut short"), "{refused:?}");
    mariadb.drop_now().await;
}

#[tokio::test]
async fn copy_moves_every_record_from_memory_through_postgres_mariadb_and_sqlite() {
    let clock = Arc::new(TestClock::new(chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()));
    let memory = store_memory::memory_store(clock.clone());
    populate(&memory, &clock).await;
    let original = export_records(&memory).await.unwrap();
    clock.advance(chrono::Duration::days(30));

    let (postgres, drop_postgres) =
        store_postgres::test_support::scratch_store("manager_copy", clock.clone()).await.expect("PostgreSQL");
    let (mariadb, drop_mariadb) =
        store_mysql::test_support::scratch_store("manager_copy", clock.clone()).await.expect("MariaDB");
    let dir = tempfile::tempdir().unwrap();
    let sqlite_config = store_sqlite::SqliteStoreConfig { path: dir.path().join("copy.db"), ..Default::default() };
    let sqlite = store_sqlite::SqliteStorage::open(&sqlite_config).await.unwrap().into_store(clock.clone());

    let hops: [(&dyn ExportImport, &dyn ExportImport); 3] =
        [(&memory, &postgres), (&postgres, &mariadb), (&mariadb, &sqlite)];
    for (from, to) in hops {
        let moved = copy(from, to, |_| {})
            .await
            .unwrap_or_else(|err| panic!("{} to {}: {err}", from.source_name(), to.source_name()));
        assert_eq!(moved.records, original.len() as u64);
        assert_eq!(export_records(to).await.unwrap(), original, "after copying into {}", to.source_name());
    }
    sqlite.storage().close().await;
    drop_postgres.await;
    drop_mariadb.await;
}
