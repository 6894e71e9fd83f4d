//! The pool under faults: an exhausted pool answers `unavailable` after the acquire timeout;
//! connections whose server sessions were terminated, or whose server restarted, are dropped,
//! and after at most one failed call the next calls succeed on new connections. The restart
//! runs on a throwaway server of its own, never the shared one.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use store_conformance::fixtures::token;
use store_core::*;
use store_postgres::test_support::{ScratchSchema, ThrowawayCluster};
use store_postgres::{PgStorage, PgStore, PgStoreConfig};

/// Calls after a fault: how many failed (each must be `unavailable`) before they all succeed.
async fn failures_before_recovery(store: &PgStore, calls: usize) -> Result<usize, String> {
    let mut failures = 0;
    for n in 0..calls {
        match store.lookup_token("uid-1").await {
            Ok(Some(_)) => {}
            Ok(None) => return Err(format!("call {n}: token uid-1 is missing")),
            Err(err) if err.kind() == ErrorKind::Unavailable && failures == n => failures += 1,
            Err(err) => return Err(format!("call {n} failed after a call had succeeded: {err}")),
        }
    }
    Ok(failures)
}

/// Server process ids of this pool's sessions.
async fn backend_pids(admin: &PgStore, application_name: &str) -> BTreeSet<i32> {
    let pool = admin.storage().pool();
    let mut connection = pool.acquire().await.expect("admin connection");
    let pids = sqlx::query_scalar::<_, i32>("SELECT pid FROM pg_stat_activity WHERE application_name = $1")
        .bind(application_name)
        .fetch_all(&mut *connection)
        .await;
    connection.settle(&pids);
    pids.expect("pg_stat_activity").into_iter().collect()
}

/// This pool's sessions once `wanted` holds of them: sessions a pool closed or a server
/// terminated leave `pg_stat_activity` a moment later. Fails after 10 s with what was seen.
async fn sessions_once(
    admin: &PgStore,
    application_name: &str,
    wanted: impl Fn(&BTreeSet<i32>) -> bool,
) -> Result<BTreeSet<i32>, String> {
    let mut seen = BTreeSet::new();
    for _ in 0..500 {
        seen = backend_pids(admin, application_name).await;
        if wanted(&seen) {
            return Ok(seen);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("sessions never got as expected; last seen {seen:?}"))
}

/// Opens `count` connections in the pool (held at once, then returned).
async fn warm(store: &PgStore, count: usize) {
    let mut held = Vec::new();
    for _ in 0..count {
        held.push(store.storage().pool().acquire().await.expect("warm connection"));
    }
    for lease in &mut held {
        lease.keep();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_pool_answers_unavailable_after_the_acquire_timeout() {
    let schema = ScratchSchema::create("pool_exhausted").await.unwrap_or_else(|err| panic!("{err}"));
    let config = PgStoreConfig { acquire_timeout_ms: 300, ..schema.config(2) };
    let store = schema.storage(&config).expect("storage").into_store(Arc::new(SystemClock));
    store.storage().migrate().await.expect("migrate");
    let outcome = async {
        let pool = store.storage().pool();
        let held = [pool.acquire().await.map_err(|e| e.to_string())?, pool.acquire().await.map_err(|e| e.to_string())?];
        let started = Instant::now();
        let err = store.lookup_token("uid-1").await.err().ok_or("a call got a connection from an exhausted pool")?;
        if err.kind() != ErrorKind::Unavailable {
            return Err(format!("an exhausted pool gave {err:?}, not unavailable"));
        }
        if started.elapsed() < Duration::from_millis(300) {
            return Err(format!("gave up after {:?}, before the 300 ms acquire timeout", started.elapsed()));
        }
        drop(held);
        store.set_token(&token("uid-1")).await.map_err(|e| format!("after the holders let go: {e}"))?;
        Ok::<(), String>(())
    }
    .await;
    store.storage().close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_sessions_cost_at_most_one_failed_call() {
    let schema = ScratchSchema::create("pool_terminated").await.unwrap_or_else(|err| panic!("{err}"));
    let application_name = schema.name.clone();
    let config = PgStoreConfig { application_name: application_name.clone(), ..schema.config(4) };
    let store = schema.storage(&config).expect("storage").into_store(Arc::new(SystemClock));
    let admin = schema.store(Arc::new(SystemClock), 1).await.expect("admin store");
    let outcome = async {
        store.set_token(&token("uid-1")).await.map_err(|e| e.to_string())?;
        for round in 0..3 {
            warm(&store, 4).await;
            let before = backend_pids(&admin, &application_name).await;
            if before.len() != 4 {
                return Err(format!("round {round}: {} sessions before terminating, not 4", before.len()));
            }
            let mut connection = admin.storage().pool().acquire().await.map_err(|e| e.to_string())?;
            let terminated = sqlx::query_scalar::<_, bool>(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            )
            .bind(&application_name)
            .fetch_all(&mut *connection)
            .await;
            connection.settle(&terminated);
            drop(connection);
            let terminated = terminated.map_err(|e| e.to_string())?;
            if terminated.len() != 4 || !terminated.iter().all(|done| *done) {
                return Err(format!("round {round}: terminated {terminated:?}"));
            }
            let failures = failures_before_recovery(&store, 20).await?;
            if failures > 1 {
                return Err(format!("round {round}: {failures} calls failed before the pool recovered"));
            }
            sessions_once(&admin, &application_name, |after| after.is_disjoint(&before))
                .await
                .map_err(|err| format!("round {round}: terminated sessions {before:?}: {err}"))?;
        }
        Ok::<(), String>(())
    }
    .await;
    store.storage().close().await;
    admin.storage().close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_costs_at_most_one_failed_call_and_no_committed_write() {
    let cluster = ThrowawayCluster::start("pool_restart").unwrap_or_else(|err| panic!("{err}"));
    let config = PgStoreConfig { max_connections: 4, ..PgStoreConfig::from_url(cluster.url()) };
    let storage = PgStorage::connect(&config).await.unwrap_or_else(|err| panic!("{err}"));
    storage.migrate().await.expect("migrate");
    let store = storage.into_store(Arc::new(SystemClock));
    store.set_token(&token("uid-1")).await.expect("token");
    for round in 0..2 {
        warm(&store, 4).await;
        cluster.restart().unwrap_or_else(|err| panic!("{err}"));
        let failures = failures_before_recovery(&store, 20).await.unwrap_or_else(|err| panic!("round {round}: {err}"));
        assert!(failures <= 1, "round {round}: {failures} calls failed before the pool recovered");
    }
    store.storage().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_whose_call_was_dropped_is_never_handed_out_again() {
    let schema = ScratchSchema::create("pool_dropped_call").await.unwrap_or_else(|err| panic!("{err}"));
    let store = schema.store(Arc::new(SystemClock), 1).await.expect("store");
    let pool = store.storage().pool().clone();
    let backend_pid = async || {
        let mut connection = pool.acquire().await.expect("connection");
        let pid = sqlx::query_scalar::<_, i32>("SELECT pg_backend_pid()").fetch_one(&mut *connection).await;
        connection.settle(&pid);
        pid.expect("pg_backend_pid")
    };
    let outcome = async {
        let first = backend_pid().await;
        if backend_pid().await != first {
            return Err("a connection whose call ended was not reused".to_owned());
        }
        let mut connection = pool.acquire().await.map_err(|e| e.to_string())?;
        let call = sqlx::query("SELECT pg_sleep(0.3)").execute(&mut *connection);
        if tokio::time::timeout(Duration::from_millis(50), call).await.is_ok() {
            return Err("the call finished before it was dropped".to_owned());
        }
        drop(connection);
        if pool.status().size != 0 {
            return Err(format!("the dropped call's connection is still pooled: {:?}", pool.status()));
        }
        let next = backend_pid().await;
        if next == first {
            return Err("the connection of a dropped call was handed out again".to_owned());
        }
        Ok::<(), String>(())
    }
    .await;
    store.storage().close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}

/// Waits up to 10 s for the pool to hold `size` connections.
async fn until_pool_size(store: &PgStore, size: usize) -> Result<(), String> {
    for _ in 0..1_000 {
        if store.storage().pool().status().size == size {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!("the pool never held {size} connections: {:?}", store.storage().pool().status()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_close_down_to_min_connections_and_old_ones_are_replaced() {
    let schema = ScratchSchema::create("pool_idle").await.unwrap_or_else(|err| panic!("{err}"));
    let application_name = schema.name.clone();
    let config = PgStoreConfig {
        application_name: application_name.clone(),
        min_connections: 2,
        idle_timeout_ms: 200,
        max_lifetime_ms: 1_000,
        ..schema.config(4)
    };
    let store = schema.storage(&config).expect("storage").into_store(Arc::new(SystemClock));
    let admin = schema.store(Arc::new(SystemClock), 1).await.expect("admin store");
    let outcome = async {
        store.set_token(&token("uid-1")).await.map_err(|e| e.to_string())?;
        // The first call started the background task, which opens up to min_connections.
        until_pool_size(&store, 2).await?;
        warm(&store, 4).await;
        until_pool_size(&store, 2).await?;
        let before = sessions_once(&admin, &application_name, |sessions| sessions.len() == 2).await?;
        // Past max_lifetime both are closed and replaced (min_connections stay open).
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        until_pool_size(&store, 2).await?;
        sessions_once(&admin, &application_name, |after| after.len() == 2 && after.is_disjoint(&before))
            .await
            .map_err(|err| format!("sessions before the lifetime ran out {before:?}: {err}"))?;
        Ok::<(), String>(())
    }
    .await;
    store.storage().close().await;
    admin.storage().close().await;
    schema.drop_now().await;
    outcome.unwrap_or_else(|err| panic!("{err}"));
}

/// A database that does not exist (3D000) or a role the server refuses (class 28, as for a wrong
/// password) means the service cannot reach its data: unavailable, like a server that is down,
/// never a backend error (which the manager answers 500).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_database_or_a_refused_role_is_unavailable() {
    let url = store_postgres::test_support::database_url().unwrap_or_else(|err| panic!("{err}"));
    let base = PgStoreConfig::from_url(url);
    let missing_database = PgStoreConfig { database: Some("maeve_no_such_database".to_owned()), ..base.clone() };
    let refused_role = PgStoreConfig { user: Some("maeve_no_such_role".to_owned()), ..base };
    for (case, config) in [("missing database", missing_database), ("refused role", refused_role)] {
        let storage = PgStorage::connect_lazy(&config).expect("config is valid");
        let err = storage.health().await.expect_err(case);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{case}: {err}");
        let store = storage.into_store(Arc::new(SystemClock));
        let err = store.lookup_token("uid-1").await.expect_err(case);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{case}: {err}");
    }
}
