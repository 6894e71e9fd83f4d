//! The migrations are reversible: up → down → up on a scratch database, and down leaves no
//! table, type or sequence behind (only sqlx's own bookkeeping table).

use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};
use store_postgres::test_support::{database_url, unique_schema};
use store_postgres::{MIGRATOR, PgStoreConfig};

async fn objects_in_public_schema(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT relkind::text || ' ' || relname FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE '\\_sqlx\\_migrations%'
         UNION ALL
         SELECT 'type ' || typname FROM pg_type
         WHERE typnamespace = 'public'::regnamespace AND typname NOT LIKE '\\_sqlx\\_migrations' AND typname NOT LIKE '\\_\\_sqlx\\_migrations'
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("listing schema objects")
}

#[tokio::test]
async fn up_down_up_leaves_nothing_behind() {
    let url = database_url().unwrap_or_else(|help| panic!("{help}"));
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("connecting to DATABASE_URL");
    let database = unique_schema("maeve_migrations");
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{database}\""))).execute(&admin).await.expect("create db");

    let options = PgStoreConfig::from_url(url.clone()).connect_options().expect("options").database(&database);
    let pool = PgPoolOptions::new().max_connections(1).connect_with(options).await.expect("connect scratch db");
    let outcome = async {
        MIGRATOR.run(&pool).await.expect("first up");
        let after_up = objects_in_public_schema(&pool).await;
        assert!(after_up.iter().any(|object| object == "r charging_transaction"), "{after_up:?}");
        MIGRATOR.undo(&pool, 0).await.expect("down");
        assert_eq!(objects_in_public_schema(&pool).await, Vec::<String>::new(), "down left objects behind");
        MIGRATOR.run(&pool).await.expect("second up");
        assert_eq!(objects_in_public_schema(&pool).await, after_up, "second up differs from the first");
    };
    outcome.await;
    pool.close().await;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE \"{database}\" WITH (FORCE)")))
        .execute(&admin)
        .await
        .expect("drop db");
}
