//! `cargo build --release --bin maeve-manager && cargo run --release -p benches --example export_import -- SOURCE.toml TARGET.toml [--transactions N]`:
//! fills the (empty) store of SOURCE.toml with N ended transactions of 100 meter values each
//! (default 10 000: a million values), then times `maeve-manager export` of it to a file and
//! `maeve-manager import` of that file into the (empty) store of TARGET.toml, each under
//! `/usr/bin/time` for its peak RSS, and checks that the target's export equals the source's.
//! Prints records/s (meter values counted as records) and peak RSS per step.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use manager::config::Config;
use manager::{ConfiguredStore, Metrics};
use store_conformance::fixtures::meter_value;
use store_core::export::export_records;
use store_core::{Record, Transaction};

const VALUES_PER_TRANSACTION: usize = 100;

fn transaction(n: usize) -> Record {
    let meter_values = (0..VALUES_PER_TRANSACTION)
        .map(|v| meter_value(&format!("2024-01-01T00:{:02}:{:02}Z", v / 60, v % 60), &[v as f64 * 1.5, n as f64]))
        .collect();
    let transaction = Transaction {
        charge_station_id: format!("cs{:04}", n % 1000),
        transaction_id: format!("tx{n:06}"),
        id_token: "04A1B2C3".to_owned(),
        token_type: "ISO14443".to_owned(),
        meter_values,
        start_seq_no: 1,
        ended_seq_no: 2,
        updated_seq_no_count: VALUES_PER_TRANSACTION as i64,
        offline: false,
    };
    Record::Transaction { transaction, ended_at: Some(chrono::Utc::now()) }
}

async fn open(path: &Path) -> Result<ConfiguredStore, String> {
    let config = Config::load(path)?;
    ConfiguredStore::open(&config.storage, &Metrics::new()).await
}

/// Runs maeve-manager under `/usr/bin/time`; returns seconds and peak RSS in MiB.
fn timed(args: &[&str]) -> Result<(f64, f64), String> {
    let manager = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("maeve-manager")))
        .filter(|path| path.exists())
        .ok_or("build maeve-manager first: cargo build --release --bin maeve-manager")?;
    let output = Command::new("/usr/bin/time")
        .args(["-f", "TIMED %e %M"])
        .arg(manager)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .map_err(|err| format!("/usr/bin/time: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("maeve-manager {args:?} failed: {stderr}"));
    }
    let line = stderr.lines().find_map(|line| line.strip_prefix("TIMED ")).ok_or("no timing")?;
    let mut parts = line.split_whitespace().map(|part| part.parse::<f64>().unwrap_or(0.0));
    Ok((parts.next().unwrap_or(0.0), parts.next().unwrap_or(0.0) / 1024.0))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let transactions = match args.iter().position(|arg| arg == "--transactions") {
        Some(at) => args.get(at + 1).and_then(|n| n.parse().ok()).ok_or("--transactions N")?,
        None => 10_000,
    };
    let [source, target] = [0, 1].map(|i| args.get(i).map(PathBuf::from));
    let (Some(source), Some(target)) = (source, target) else { return Err("usage: SOURCE.toml TARGET.toml".into()) };

    let store = Arc::new(open(&source).await?);
    let started = Instant::now();
    futures::stream::iter(0..transactions)
        .map(|n| {
            let store = store.clone();
            async move { store.transfer().import_record(&transaction(n)).await }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map_err(|err| err.to_string())?;
    let records = (transactions * (VALUES_PER_TRANSACTION + 1)) as f64;
    println!("loaded {transactions} transactions in {:.1} s", started.elapsed().as_secs_f64());
    let original = export_records(store.transfer()).await.map_err(|err| err.to_string())?;
    let name = store.name();
    store.close().await;

    let file = std::env::temp_dir().join(format!("maeve-export-{name}.jsonl"));
    let file_text = file.to_string_lossy().into_owned();
    let (seconds, rss) = timed(&["export", "-c", &source.to_string_lossy(), "--to", &file_text])?;
    let size = std::fs::metadata(&file).map(|meta| meta.len()).unwrap_or(0) as f64 / 1e6;
    println!("{name}: export {seconds:.1} s, {:.0} records/s, peak RSS {rss:.0} MiB, {size:.0} MB", records / seconds);
    let (seconds, rss) = timed(&["import", "-c", &target.to_string_lossy(), "--from", &file_text])?;
    println!("{name}: import {seconds:.1} s, {:.0} records/s, peak RSS {rss:.0} MiB", records / seconds);

    let store = open(&target).await?;
    let copied = export_records(store.transfer()).await.map_err(|err| err.to_string())?;
    store.close().await;
    let _ = std::fs::remove_file(&file);
    if copied != original {
        return Err(format!("{name}: the target's export differs from the source's"));
    }
    println!("{name}: the target's export equals the source's ({} records)", original.len());
    Ok(())
}
