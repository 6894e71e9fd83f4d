//! The migrations are reversible: up → down → up on a scratch database, and down leaves no
//! table behind (only sqlx's own bookkeeping table).

use sqlx::MySqlPool;
use sqlx::mysql::MySqlPoolOptions;
use store_mysql::MIGRATOR;
use store_mysql::test_support::ScratchDatabase;

async fn tables(pool: &MySqlPool) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT CAST(CONCAT(table_type, ' ', table_name) AS CHAR) FROM information_schema.tables
         WHERE table_schema = DATABASE() AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("listing tables")
}

#[tokio::test]
async fn up_down_up_leaves_nothing_behind() {
    let database = ScratchDatabase::create("migrations").await.unwrap_or_else(|err| panic!("{err}"));
    let options = database.connect_options(&database.config(1)).expect("options");
    let pool = MySqlPoolOptions::new().max_connections(1).connect_with(options).await.expect("connect");
    MIGRATOR.run(&pool).await.expect("first up");
    let after_up = tables(&pool).await;
    assert!(after_up.iter().any(|table| table == "BASE TABLE charging_transaction"), "{after_up:?}");
    MIGRATOR.undo(&pool, 0).await.expect("down");
    assert_eq!(tables(&pool).await, Vec::<String>::new(), "down left tables behind");
    MIGRATOR.run(&pool).await.expect("second up");
    assert_eq!(tables(&pool).await, after_up, "second up differs from the first");
    pool.close().await;
    database.drop_now().await;
}
