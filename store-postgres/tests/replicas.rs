//! Reads from a streaming replica, on a throwaway primary and replica of this test's own (the
//! shared server is never touched): read-your-writes holds while the replica lags, a stopped
//! replica leaves reads to the primary, and a replica past the lag bound is not read from.

use std::sync::Arc;
use std::time::{Duration, Instant};

use store_conformance::fixtures;
use store_core::{Clock, SystemClock, Token, TokenStore};
use store_postgres::test_support::{ScratchSchema, ThrowawayCluster};
use store_postgres::{PgStore, PgStoreConfig, ReadRoutes};

fn token(uid: &str, visual_number: &str) -> Token {
    Token { visual_number: Some(visual_number.into()), ..fixtures::token(uid) }
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A primary, a replica started with `settings`, and a schema on the primary.
async fn pair(name: &str, settings: &[&str]) -> (ThrowawayCluster, ThrowawayCluster, ScratchSchema) {
    let primary = ThrowawayCluster::start(&format!("{name}-primary")).expect("a throwaway primary");
    let replica = primary.start_replica(&format!("{name}-replica"), settings).expect("a replica of it");
    let schema = ScratchSchema::create_on(primary.url(), name).await.expect("a schema on the primary");
    (primary, replica, schema)
}

fn config(schema: &ScratchSchema, poll_ms: u64, max_lag_ms: u64) -> PgStoreConfig {
    PgStoreConfig { replica_poll_ms: poll_ms, max_replica_lag_ms: max_lag_ms, ..schema.config(4) }
}

fn routes(store: &PgStore) -> ReadRoutes {
    store.storage().read_routes().expect("replicas are configured")
}

/// Looks `uid` up until the replica answers, within `limit`.
async fn until_replica_serves(store: &PgStore, uid: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    let before = routes(store).replica;
    while routes(store).replica == before {
        assert!(Instant::now() < deadline, "the replica served no read within {limit:?}: {:?}", routes(store));
        store.lookup_token(uid).await.expect("lookup");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_then_read_never_misses_on_a_delayed_replica() {
    const DELAY_MS: u64 = 30;
    let (_primary, replica, schema) = pair("ryw", &[&format!("recovery_min_apply_delay={DELAY_MS}ms")]).await;
    // A lag bound far above the delay: the replica stays in use, and only read-your-writes can
    // keep a read from it.
    let store = schema.store_with_replica(clock(), &config(&schema, 2, 60_000), &replica.url()).await.unwrap();
    let mut misses = Vec::new();
    for i in 0..2_000u32 {
        let uid = format!("TOKEN{:02}", i % 20);
        let written = token(&uid, &i.to_string());
        store.set_token(&written).await.unwrap();
        // Most reads follow the write at once; some wait around the replica's delay, so that
        // the replica catches up just before, at or just after the read.
        // Now and then a pause well past the delay, so that even a loaded machine's replica
        // catches up sometimes.
        if i % 400 == 399 {
            tokio::time::sleep(Duration::from_millis(DELAY_MS * 10)).await;
        } else if i % 20 == 19 {
            tokio::time::sleep(Duration::from_millis(DELAY_MS - 10 + u64::from(i / 20 % 9) * 5)).await;
        }
        let read = store.lookup_token(&uid).await.unwrap().map(|token| token.visual_number);
        if read != Some(written.visual_number.clone()) {
            misses.push(format!("write {i} of {uid}: read back {read:?}"));
        }
    }
    let routes = routes(&store);
    assert!(
        misses.is_empty(),
        "{} reads missed the write before them, first: {:?}",
        misses.len(),
        &misses[..3.min(misses.len())]
    );
    assert!(routes.replica > 0, "the replica never served a read, so nothing was tested: {routes:?}");
    assert!(routes.primary > 0, "the primary never served a read: {routes:?}");
    eprintln!("2000 writes each read back: {routes:?}");
    store.storage().close().await;
    schema.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_replica_leaves_reads_to_the_primary() {
    let (_primary, replica, schema) = pair("stopped", &[]).await;
    let store = schema.store_with_replica(clock(), &config(&schema, 5, 60_000), &replica.url()).await.unwrap();
    store.set_token(&token("TOKEN", "1")).await.unwrap();
    until_replica_serves(&store, "TOKEN", Duration::from_secs(20)).await;

    replica.stop_server().unwrap();
    let before = routes(&store);
    for i in 0..200 {
        let found = store.lookup_token("TOKEN").await.unwrap_or_else(|err| panic!("read {i} failed: {err}"));
        assert_eq!(found.and_then(|token| token.visual_number).as_deref(), Some("1"));
        assert_eq!(store.list_tokens(0, 10).await.unwrap().len(), 1);
    }
    let after = routes(&store);
    assert_eq!(after.replica, before.replica, "a stopped replica served reads: {after:?}");
    assert!(after.primary >= before.primary + 400, "{before:?} → {after:?}");

    replica.start_server().unwrap();
    until_replica_serves(&store, "TOKEN", Duration::from_secs(20)).await;
    store.storage().close().await;
    schema.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_past_the_lag_bound_is_not_read() {
    let (_primary, replica, schema) = pair("lagging", &["recovery_min_apply_delay=3s"]).await;
    let reader = schema.store_with_replica(clock(), &config(&schema, 5, 4_000), &replica.url()).await.unwrap();
    let writer = schema.store(clock(), 2).await.unwrap();
    // Once the replica has replayed the schema, it serves the reader (which writes nothing).
    until_replica_serves(&reader, "TOKEN", Duration::from_secs(20)).await;
    drop(reader);
    let reader = schema.store_with_replica(clock(), &config(&schema, 5, 200), &replica.url()).await.unwrap();
    until_replica_serves(&reader, "TOKEN", Duration::from_secs(20)).await;
    // Another instance writes: read-your-writes does not cover it; the lag bound does.
    let before = routes(&reader);
    writer.set_token(&token("TOKEN", "1")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..50 {
        assert!(reader.lookup_token("TOKEN").await.unwrap().is_some(), "read from a replica 3 s behind");
    }
    assert_eq!(routes(&reader).replica, before.replica, "{before:?} → {:?}", routes(&reader));
    writer.storage().close().await;
    reader.storage().close().await;
    schema.drop_now().await;
}
