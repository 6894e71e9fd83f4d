//! The scale-out pieces against direct connections, each pair in one run on throwaway servers of
//! their own: token lookups with and without a streaming replica (both servers on this machine,
//! so this shows the cost of the routing, not the scale a second server brings) and the routing
//! decision alone; lookups and token writes through PgBouncer in transaction pooling mode and
//! directly. `cargo xtask bench` runs this.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use store_conformance::fixtures::token;
use store_core::{SystemClock, TokenStore};
use store_postgres::PgStore;
use store_postgres::PgStoreConfig;
use store_postgres::test_support::{ScratchSchema, ThrowawayCluster, ThrowawayPgBouncer};
use tokio::runtime::Runtime;

const TOKENS: u32 = 1_000;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// `iters` lookups (or token writes) spread over `tasks` tasks; the wall time.
async fn calls(store: &PgStore, iters: u64, tasks: u64, write: bool) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let store = store.clone();
            let share = iters / tasks + u64::from(task < iters % tasks);
            tokio::spawn(async move {
                for i in 0..share {
                    let uid = format!("uid-{:05}", (task * 7919 + i) % u64::from(TOKENS));
                    if write {
                        store.set_token(&token(&uid)).await.expect("set");
                    } else {
                        store.lookup_token(&uid).await.expect("lookup").expect("a stored token");
                    }
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("task");
    }
    start.elapsed()
}

fn replica(c: &mut Criterion) {
    let rt = runtime();
    let primary = ThrowawayCluster::start("bench-primary").expect("a throwaway primary");
    let replica = primary.start_replica("bench-replica", &[]).expect("a replica");
    let (schema, direct, routed) = rt.block_on(async {
        let schema = ScratchSchema::create_on(primary.url(), "bench_replica").await.expect("schema");
        let direct = schema.store_as_configured(Arc::new(SystemClock), 16).await.expect("store");
        for n in 0..TOKENS {
            direct.set_token(&token(&format!("uid-{n:05}"))).await.expect("set");
        }
        let config = schema.config(16);
        let routed = schema.store_with_replica(Arc::new(SystemClock), &config, &replica.url()).await.expect("store");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !routed.storage().would_read_from_replica() {
            assert!(Instant::now() < deadline, "the replica did not catch up within 30 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        (schema, direct, routed)
    });

    let mut group = c.benchmark_group("replica_lookup_token");
    group.throughput(Throughput::Elements(1));
    for tasks in [1u64, 8] {
        for (id, store) in [("primary", &direct), ("replica", &routed)] {
            group.bench_function(BenchmarkId::new(id, tasks), |b| {
                b.to_async(&rt).iter_custom(|iters| async move { calls(store, iters, tasks, false).await })
            });
        }
    }
    group.finish();
    let routes = routed.storage().read_routes().expect("replicas configured");
    assert!(routes.replica > routes.primary, "the replica store read mostly from the primary: {routes:?}");

    let mut group = c.benchmark_group("replica_routing");
    group.bench_function("decide", |b| {
        let _runtime = rt.enter();
        b.iter(|| routed.storage().would_read_from_replica())
    });
    group.finish();

    rt.block_on(async {
        routed.storage().close().await;
        direct.storage().close().await;
        schema.drop_now().await;
    });
}

fn pgbouncer(c: &mut Criterion) {
    let rt = runtime();
    let server = ThrowawayCluster::start_with("bench-pgbouncer", &["max_connections=100"]).expect("a throwaway server");
    let bouncer = ThrowawayPgBouncer::start(server.port()).expect("PgBouncer");
    let pooler_url = format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", bouncer.port());
    let (schema, direct, pooled) = rt.block_on(async {
        let schema = ScratchSchema::create_with_role(server.url(), "bench_pgbouncer").await.expect("schema");
        let config = PgStoreConfig::pgbouncer_transaction_mode(schema.config(16));
        let pooled = schema.store_through_pooler(Arc::new(SystemClock), &config, &pooler_url).await.expect("store");
        let direct_config = PgStoreConfig { user: Some(schema.name.clone()), ..schema.config(16) };
        let direct =
            store_postgres::PgStorage::connect_lazy(&direct_config).expect("store").into_store(Arc::new(SystemClock));
        for n in 0..TOKENS {
            direct.set_token(&token(&format!("uid-{n:05}"))).await.expect("set");
        }
        (schema, direct, pooled)
    });
    for (name, write) in [("pgbouncer_lookup_token", false), ("pgbouncer_set_token", true)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        for tasks in [1u64, 8] {
            for (id, store) in [("direct", &direct), ("pgbouncer", &pooled)] {
                group.bench_function(BenchmarkId::new(id, tasks), |b| {
                    b.to_async(&rt).iter_custom(|iters| async move { calls(store, iters, tasks, write).await })
                });
            }
        }
        group.finish();
    }
    rt.block_on(async {
        pooled.storage().close().await;
        direct.storage().close().await;
        schema.drop_now().await;
    });
    drop(bouncer);
}

criterion_group! { name = benches; config = benches::criterion_config(Duration::from_secs(3)); targets = replica, pgbouncer }
criterion_main!(benches);
