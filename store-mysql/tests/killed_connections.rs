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

/// A database that does not exist (1049) or a login the server refuses (1045, as for a wrong
/// password) means the service cannot reach its data: unavailable, like a server that is down,
/// never a backend error (which the manager answers 500).
#[tokio::test]
async fn a_missing_database_or_a_refused_login_is_unavailable() {
    let url = store_mysql::test_support::server_url().unwrap_or_else(|err| panic!("{err}"));
    let base = store_mysql::MySqlStoreConfig::from_url(url);
    let missing_database =
        store_mysql::MySqlStoreConfig { database: Some("maeve_no_such_database".to_owned()), ..base.clone() };
    let refused_login = store_mysql::MySqlStoreConfig {
        user: Some("maeve_no_such_user".to_owned()),
        password: Some("wrong".to_owned()),
        ..base
    };
    for (case, config) in [("missing database", missing_database), ("refused login", refused_login)] {
        let storage = store_mysql::MySqlStorage::connect_lazy(&config).expect("config is valid");
        let err = storage.health().await.expect_err(case);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{case}: {err}");
        let store = storage.into_store(Arc::new(SystemClock));
        let err = store.lookup_token("uid-1").await.expect_err(case);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{case}: {err}");
    }
}

/// An account the server knows but that may not use the database (1044, after a revoked grant)
/// is unavailable too.
#[tokio::test]
async fn an_account_without_access_to_the_database_is_unavailable() {
    let database = ScratchDatabase::create("no_access").await.unwrap_or_else(|err| panic!("{err}"));
    let admin_options = database.connect_options(&database.config(1)).expect("options");
    let admin = MySqlPoolOptions::new().max_connections(1).connect_with(admin_options).await.expect("admin");
    let user = format!("maeve_no_access_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'secret'")))
        .execute(&admin)
        .await
        .expect("create user");
    let config = store_mysql::MySqlStoreConfig {
        user: Some(user.clone()),
        password: Some("secret".to_owned()),
        ..database.config(1)
    };
    let storage = store_mysql::MySqlStorage::connect_lazy(&config).expect("config is valid");
    let outcome = storage.health().await;
    storage.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP USER '{user}'@'%'"))).execute(&admin).await.expect("drop user");
    admin.close().await;
    database.drop_now().await;
    let err = outcome.expect_err("no access");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}
