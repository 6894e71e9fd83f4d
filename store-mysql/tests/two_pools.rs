//! Several managers, one database: two independent pools (8 tasks each) hammer one transaction
//! and one settings record at once, and nothing is lost.

use std::sync::Arc;

use store_conformance::scenarios::concurrency::{
    CALLS_PER_TASK, check_meter_values_in_call_order, hammer_one_transaction, merge_settings_concurrently,
};
use store_core::{Engine, SystemClock};
use store_mysql::test_support::ScratchDatabase;

const TASKS_PER_POOL: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_pools_lose_no_meter_value_no_increment_and_no_setting() {
    let database = ScratchDatabase::create("two_pools").await.unwrap_or_else(|err| panic!("{err}"));
    let first = database.store(Arc::new(SystemClock), 8).await.expect("first replica");
    let second = database.store(Arc::new(SystemClock), 8).await.expect("second replica");
    let replicas: [Arc<dyn Engine>; 2] = [Arc::new(first.clone()), Arc::new(second.clone())];

    let outcome = async {
        hammer_one_transaction(&replicas, TASKS_PER_POOL).await.map_err(|f| f.0)?;
        let transaction = replicas[0].find_transaction("cs001", "tx1").await.map_err(|e| e.to_string())?;
        let transaction = transaction.ok_or("transaction missing")?;
        let tasks = replicas.len() * TASKS_PER_POOL;
        assert_eq!(transaction.updated_seq_no_count, (tasks * CALLS_PER_TASK) as i64);
        check_meter_values_in_call_order(&transaction.meter_values, tasks, CALLS_PER_TASK).map_err(|f| f.0)?;

        merge_settings_concurrently(&replicas, 32).await.map_err(|f| f.0)?;
        let settings = replicas[1].lookup_charge_station_settings("cs001").await.map_err(|e| e.to_string())?;
        let keys: Vec<String> = settings.map(|s| s.settings.into_keys().collect()).unwrap_or_default();
        assert_eq!(keys, (0..32).map(|task| format!("key-{task:02}")).collect::<Vec<_>>());
        Ok::<(), String>(())
    }
    .await;
    first.storage().close().await;
    second.storage().close().await;
    database.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}
