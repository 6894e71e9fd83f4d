//! `sqlite-append-meter-values FILE STATION TRANSACTION COUNT`: appends COUNT meter values to
//! one transaction of the SQLite database in FILE, one `update_transaction` call each, from
//! several tasks. tests/two_processes.rs runs two of these at once on one file.

use std::process::ExitCode;
use std::sync::Arc;

use store_core::{MeterValue, SampledValue, SystemClock, TransactionStore};
use store_sqlite::{SqliteStorage, SqliteStoreConfig};

const TASKS: usize = 4;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, station, transaction, count] = args.as_slice() else {
        eprintln!("usage: sqlite-append-meter-values FILE STATION TRANSACTION COUNT");
        return ExitCode::FAILURE;
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("COUNT must be a number, not {count:?}");
        return ExitCode::FAILURE;
    };
    let storage = match SqliteStorage::open(&SqliteStoreConfig::at(path)).await {
        Ok(storage) => storage,
        Err(err) => {
            eprintln!("cannot open {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let store = Arc::new(storage.clone().into_store(Arc::new(SystemClock)));
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let (store, station, transaction) = (store.clone(), station.clone(), transaction.clone());
            tokio::spawn(async move {
                for i in (task..count).step_by(TASKS) {
                    let value = MeterValue {
                        timestamp: format!("{}-{i}", std::process::id()),
                        sampled_values: vec![SampledValue {
                            context: None,
                            location: None,
                            measurand: None,
                            phase: None,
                            unit_of_measure: None,
                            value: i as f64,
                        }],
                    };
                    store.update_transaction(&station, &transaction, &[value]).await?;
                }
                Ok::<(), store_core::StoreError>(())
            })
        })
        .collect();
    let mut failed = false;
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                eprintln!("append failed: {err}");
                failed = true;
            }
            Err(err) => {
                eprintln!("task failed: {err}");
                failed = true;
            }
        }
    }
    storage.close().await;
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
