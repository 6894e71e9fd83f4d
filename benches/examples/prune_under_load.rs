//! `cargo run --release -p benches --example prune_under_load -- [BACKEND…] [--transactions N] [--one-batch]`:
//! loads N ended transactions of 100 meter values each (default 10 000: a million values), then
//! measures `update_transaction` latency on other transactions by 4 writers, first alone, then
//! while the whole lot is pruned as maeve-manager does it (batches of 500, paced), or in one
//! batch with `--one-batch`. Prints p50/p99 of both phases and their ratio (target: p99
//! during ≤ 2× before) and the prune's rate. Backends: memory, postgres (DATABASE_URL), sqlite,
//! mysql (MYSQL_URL); default postgres.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::future::BoxFuture;
use manager::ConfiguredStore;
use store_conformance::fixtures::meter_value;
use store_core::SystemClock;

const VALUES_PER_TRANSACTION: usize = 100;
const WRITERS: usize = 4;
const LOADERS: usize = 8;
const BEFORE: Duration = Duration::from_secs(3);
const WRITER_PAUSE: Duration = Duration::from_millis(1);

struct Subject {
    store: ConfiguredStore,
    teardown: Option<BoxFuture<'static, ()>>,
}

async fn open(backend: &str) -> Result<Subject, String> {
    let clock = Arc::new(SystemClock);
    let (store, teardown) = match backend {
        "memory" => (ConfiguredStore::Memory(Arc::new(store_memory::memory_store(clock))), None),
        "postgres" => {
            let schema = store_postgres::test_support::ScratchSchema::create("prune_load").await?;
            let store = schema.store_as_configured(clock, 16).await?;
            let storage = store.storage().clone();
            let teardown: BoxFuture<'static, ()> = Box::pin(async move {
                storage.close().await;
                schema.drop_now().await;
            });
            (ConfiguredStore::Postgres(Arc::new(store)), Some(teardown))
        }
        "sqlite" => {
            let (store, teardown) = store_sqlite::test_support::scratch_store("prune_load", clock).await?;
            (ConfiguredStore::Sqlite(Arc::new(store)), Some(teardown))
        }
        "mysql" => {
            let (store, teardown) = store_mysql::test_support::scratch_store("prune_load", clock).await?;
            (ConfiguredStore::Mysql(Arc::new(store)), Some(teardown))
        }
        other => return Err(format!("unknown backend {other:?}: memory, postgres, sqlite or mysql")),
    };
    Ok(Subject { store, teardown })
}

async fn load(store: &ConfiguredStore, transactions: usize) -> Result<(), String> {
    let values: Vec<_> =
        (0..VALUES_PER_TRANSACTION).map(|n| meter_value("2024-01-01T00:00:00Z", &[n as f64])).collect();
    let values = Arc::new(values);
    let tasks: Vec<_> = (0..LOADERS)
        .map(|loader| {
            let (store, values) = (store.clone(), values.clone());
            tokio::spawn(async move {
                let engine = store.engine();
                for n in (loader..transactions).step_by(LOADERS) {
                    let tx = format!("tx{n:07}");
                    engine
                        .end_transaction("cs-old", &tx, "id", "ISO14443", &values, 1)
                        .await
                        .map_err(|err| err.to_string())?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|err| err.to_string())??;
    }
    Ok(())
}

/// Runs the writers until `stop`, returning every call's latency.
fn writers(
    store: &ConfiguredStore,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Result<Vec<Duration>, String>>> {
    (0..WRITERS)
        .map(|writer| {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let engine = store.engine();
                let value = [meter_value("2024-01-01T00:00:00Z", &[1.0])];
                let mut latencies = Vec::new();
                let mut call = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let tx = format!("open-{writer}-{}", call % 16);
                    let started = Instant::now();
                    engine.update_transaction("cs-live", &tx, &value).await.map_err(|err| err.to_string())?;
                    latencies.push(started.elapsed());
                    call += 1;
                    // A steady load (about 1 000 calls/s per writer at most), not a saturating
                    // one: what is measured is what the prune does to it.
                    tokio::time::sleep(WRITER_PAUSE).await;
                }
                Ok(latencies)
            })
        })
        .collect()
}

async fn collect(
    handles: Vec<tokio::task::JoinHandle<Result<Vec<Duration>, String>>>,
) -> Result<Vec<Duration>, String> {
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.map_err(|err| err.to_string())??);
    }
    all.sort();
    Ok(all)
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default()
}

async fn measure(backend: &str, transactions: usize, paced: bool) -> Result<(), String> {
    let subject = open(backend).await?;
    let loading = Instant::now();
    load(&subject.store, transactions).await?;
    let load_time = loading.elapsed();

    let stop = Arc::new(AtomicBool::new(false));
    let running = writers(&subject.store, &stop);
    tokio::time::sleep(BEFORE).await;
    stop.store(true, Ordering::Relaxed);
    let before = collect(running).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let running = writers(&subject.store, &stop);
    let pruning = Instant::now();
    let pruned = if paced {
        manager::retention::prune_paced(&subject.store, Utc::now()).await
    } else {
        subject.store.prune_ended_transactions_batch(Utc::now(), usize::MAX).await
    }
    .map_err(|err| err.to_string())?;
    let prune_time = pruning.elapsed();
    stop.store(true, Ordering::Relaxed);
    let during = collect(running).await?;

    let (p50_before, p99_before) = (quantile(&before, 0.5), quantile(&before, 0.99));
    let (p50_during, p99_during) = (quantile(&during, 0.5), quantile(&during, 0.99));
    println!(
        "{backend} ({}): loaded {} transactions × {VALUES_PER_TRANSACTION} values in {:.1} s; pruned {} transactions and {} meter values in {:.2} s ({:.0} values/s); \
         writers' update_transaction p50 {:.2} → {:.2} ms, p99 {:.2} → {:.2} ms (p99 ratio {:.2}×; {} calls before, {} during)",
        if paced { "paced batches, as maeve-manager prunes" } else { "one batch" },
        transactions,
        load_time.as_secs_f64(),
        pruned.transactions,
        pruned.meter_values,
        prune_time.as_secs_f64(),
        pruned.meter_values as f64 / prune_time.as_secs_f64(),
        p50_before.as_secs_f64() * 1e3,
        p50_during.as_secs_f64() * 1e3,
        p99_before.as_secs_f64() * 1e3,
        p99_during.as_secs_f64() * 1e3,
        p99_during.as_secs_f64() / p99_before.as_secs_f64(),
        before.len(),
        during.len(),
    );
    if pruned.transactions != transactions as u64
        || pruned.meter_values != (transactions * VALUES_PER_TRANSACTION) as u64
    {
        return Err(format!("{backend}: pruned {pruned:?}, expected every loaded transaction"));
    }
    if let Some(teardown) = subject.teardown {
        teardown.await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let mut backends = Vec::new();
    let mut transactions = 10_000;
    let mut paced = true;
    while let Some(arg) = args.next() {
        if arg == "--one-batch" {
            paced = false;
        } else if arg == "--transactions" {
            transactions = args.next().and_then(|n| n.parse().ok()).unwrap_or(transactions);
        } else {
            backends.push(arg);
        }
    }
    if backends.is_empty() {
        backends.push("postgres".to_owned());
    }
    for backend in &backends {
        if let Err(err) = measure(backend, transactions, paced).await {
            eprintln!("prune_under_load: {err}");
            return std::process::ExitCode::FAILURE;
        }
    }
    std::process::ExitCode::SUCCESS
}
