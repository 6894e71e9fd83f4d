//! Connections the server kills (`KILL`, as a failover or an operator would) cost at most one
//! failed call, reported as unavailable, and the store serves the next call on a new connection.

use std::sync::Arc;

use sqlx::mysql::MySqlPoolOptions;
use store_core::{ErrorKind, SystemClock, TokenStore};
use store_mysql::test_support::ScratchDatabase;

#[tokio::test]
async fn a_killed_connection_fails_at_most_one_call_then_the_store_recovers() {
    let database = ScratchDatabase::create("killed").await.unwrap_or_else(|err| panic!("{err}"));
    let store = database.store(Arc::new(SystemClock), 4).await.expect("store");
    let admin_options = database.connect_options(&database.config(1)).expect("options");
    let admin = MySqlPoolOptions::new().max_connections(1).connect_with(admin_options).await.expect("admin");

    for round in 0..3 {
        assert!(store.lookup_token("absent").await.expect("before the kill").is_none());
        let killed = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
        )
        .fetch_all(&admin)
        .await
        .expect("listing the store's connections");
        assert!(!killed.is_empty(), "round {round}: the store holds a connection");
        for id in killed {
            sqlx::query("KILL CONNECTION ?").bind(id).execute(&admin).await.expect("kill");
        }
        match store.lookup_token("absent").await {
            Ok(found) => assert!(found.is_none()),
            Err(err) => assert_eq!(err.kind(), ErrorKind::Unavailable, "round {round}: {err}"),
        }
        assert!(store.lookup_token("absent").await.expect("the call after the failure").is_none());
    }
    admin.close().await;
    store.storage().close().await;
    database.drop_now().await;
}
