//! The migrations are reversible: up → down → up on a fresh file, and down leaves no table or
//! index behind (only sqlx's own bookkeeping table).

use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;
use store_sqlite::MIGRATOR;
use store_sqlite::test_support::ScratchDir;

async fn schema_objects(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT type || ' ' || name FROM sqlite_schema WHERE tbl_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("listing schema objects")
}

#[tokio::test]
async fn up_down_up_leaves_nothing_behind() {
    let dir = ScratchDir::create("migrations").expect("scratch directory");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path()).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("open");
    MIGRATOR.run(&pool).await.expect("first up");
    let after_up = schema_objects(&pool).await;
    assert!(after_up.iter().any(|object| object == "table charging_transaction"), "{after_up:?}");
    MIGRATOR.undo(&pool, 0).await.expect("down");
    assert_eq!(schema_objects(&pool).await, Vec::<String>::new(), "down left objects behind");
    MIGRATOR.run(&pool).await.expect("second up");
    assert_eq!(schema_objects(&pool).await, after_up, "second up differs from the first");
    pool.close().await;
}
