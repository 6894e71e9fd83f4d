//! Every backend side by side, with the raw driver as a baseline, throughput under
//! concurrency, and how cost grows with stored data. `cargo xtask bench` runs this (with
//! pgbench) and writes the report; `MAEVE_BENCH_QUICK=1` runs a reduced set.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use benches::quick;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, MySqlConnection, MySqlPool, PgConnection, SqliteConnection, SqlitePool};
use store_conformance::fixtures::{meter_value, setting, settings, token};
use store_core::ChargeStationSettingStatus::Pending;
use store_core::*;
use store_memory::memory_store;
use store_mysql::MySqlStore;
use store_mysql::test_support::ScratchDatabase;
use store_postgres::test_support::ScratchSchema;
use store_postgres::{ConnectionPool, PgStore};
use store_sqlite::test_support::ScratchDir;
use store_sqlite::{SqliteStorage, SqliteStore, SqliteStoreConfig};
use tokio::runtime::Runtime;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// One meter value with five sampled values, as a charge station reports them.
fn five_sampled_values(n: u64) -> Vec<MeterValue> {
    vec![meter_value("2024-05-06T13:58:55Z", &[n as f64, 230.1, 16.0, 3.7, 50.0])]
}

/// A PostgreSQL store on a fresh schema, with the server's own commit settings.
struct PgFixture {
    schema: ScratchSchema,
    store: PgStore,
}

impl PgFixture {
    fn new(rt: &Runtime, prefix: &str, max_connections: u32) -> Self {
        rt.block_on(async {
            let schema = ScratchSchema::create(prefix).await.unwrap_or_else(|err| panic!("{err}"));
            let store = schema.store_as_configured(Arc::new(SystemClock), max_connections).await.expect("store");
            PgFixture { store, schema }
        })
    }

    fn engine(&self) -> Arc<dyn Engine> {
        Arc::new(self.store.clone())
    }

    fn drop_now(self, rt: &Runtime) {
        rt.block_on(async {
            self.store.storage().close().await;
            self.schema.drop_now().await;
        });
    }
}

/// A SQLite store on a fresh file, with the default configuration (`synchronous = full`: every
/// commit waits for the WAL to reach the disk), and a pool of its own on the same file for
/// setup that bypasses the store (trimming, bulk loads).
struct SqliteFixture {
    dir: ScratchDir,
    store: SqliteStore,
    side: SqlitePool,
}

impl SqliteFixture {
    fn new(rt: &Runtime, prefix: &str) -> Self {
        rt.block_on(async {
            let dir = ScratchDir::create(prefix).unwrap_or_else(|err| panic!("{err}"));
            let storage = SqliteStorage::open(&SqliteStoreConfig::at(dir.path())).await.expect("open sqlite");
            let side = SqlitePool::connect_with(Self::options(&dir)).await.expect("side pool");
            SqliteFixture { store: storage.into_store(Arc::new(SystemClock)), dir, side }
        })
    }

    fn options(dir: &ScratchDir) -> SqliteConnectOptions {
        SqliteConnectOptions::new().filename(dir.path()).busy_timeout(Duration::from_secs(5))
    }

    fn engine(&self) -> Arc<dyn Engine> {
        Arc::new(self.store.clone())
    }

    fn drop_now(self, rt: &Runtime) {
        rt.block_on(async {
            self.side.close().await;
            self.store.storage().close().await;
        });
        drop(self.dir);
    }
}

/// A MariaDB/MySQL store on a fresh database (`MYSQL_URL`), with the server's own settings,
/// and a pool of its own for setup that bypasses the store (trimming).
struct MysqlFixture {
    database: ScratchDatabase,
    store: MySqlStore,
    side: MySqlPool,
}

impl MysqlFixture {
    fn new(rt: &Runtime, prefix: &str, max_connections: u32) -> Self {
        rt.block_on(async {
            let database = ScratchDatabase::create(prefix).await.unwrap_or_else(|err| panic!("{err}"));
            let store = database.store(Arc::new(SystemClock), max_connections).await.expect("store");
            let side = MySqlPool::connect_with(Self::options(&database)).await.expect("side pool");
            MysqlFixture { database, store, side }
        })
    }

    fn options(database: &ScratchDatabase) -> sqlx::mysql::MySqlConnectOptions {
        database.connect_options(&database.config(1)).expect("options")
    }

    fn engine(&self) -> Arc<dyn Engine> {
        Arc::new(self.store.clone())
    }

    fn drop_now(self, rt: &Runtime) {
        rt.block_on(async {
            self.side.close().await;
            self.store.storage().close().await;
            self.database.drop_now().await;
        });
    }
}

fn backends(pg: &PgFixture, sq: &SqliteFixture, my: &MysqlFixture) -> Vec<(&'static str, Arc<dyn Engine>)> {
    vec![
        ("memory", Arc::new(memory_store(Arc::new(SystemClock))) as Arc<dyn Engine>),
        ("postgres", pg.engine()),
        ("sqlite", sq.engine()),
        ("mysql", my.engine()),
    ]
}

/// The data every per-operation benchmark reads: 10 000 tokens, 10 000 stations with one
/// setting each, a station's auth, and a transaction holding 100 meter values.
async fn populate(engine: &dyn Engine) {
    engine
        .set_charge_station_auth(
            "cs-bench",
            &ChargeStationAuth {
                security_profile: SecurityProfile::TlsWithBasicAuth,
                base64_sha256_password: "XohImNooBHFR0OVvjcYpJ3NgPQ1qq73WKhHvch0VQtg=".into(),
                invalid_username_allowed: false,
            },
        )
        .await
        .expect("auth");
    for n in 0..10_000 {
        engine.set_token(&token(&format!("uid-{n:05}"))).await.expect("token");
        let one = settings(&[("HeartbeatInterval", setting("60", Pending, None))]);
        engine.update_charge_station_settings(&format!("cs-{n:05}"), &one).await.expect("settings");
    }
    for chunk in 0..10u64 {
        let values: Vec<MeterValue> = (0..10).flat_map(|n| five_sampled_values(chunk * 10 + n)).collect();
        engine.update_transaction("cs-bench", "tx-100", &values).await.expect("meter values");
    }
    engine.create_transaction("cs-bench", "tx-end", "tok", "RFID", &[], 1, false).await.expect("tx");
}

fn per_operation(c: &mut Criterion, rt: &Runtime, engines: &[(&'static str, Arc<dyn Engine>)]) {
    for (_, engine) in engines {
        rt.block_on(populate(engine.as_ref()));
    }
    let counter = Arc::new(AtomicU64::new(0));
    macro_rules! group {
        ($name:literal, |$engine:ident, $n:ident| $call:expr) => {{
            let mut group = c.benchmark_group($name);
            for (backend, engine) in engines {
                group.bench_function(BenchmarkId::from_parameter(backend), |b| {
                    b.to_async(rt).iter(|| {
                        let $engine = engine.clone();
                        let $n = counter.fetch_add(1, Ordering::Relaxed);
                        async move {
                            let _ = $n;
                            $call.await.expect($name);
                        }
                    })
                });
            }
            group.finish();
        }};
    }
    group!("lookup_charge_station_auth", |e, n| e.lookup_charge_station_auth("cs-bench"));
    group!("lookup_token", |e, n| e.lookup_token("uid-04242"));
    group!("set_token", |e, n| e.set_token(&token(&format!("set-{}", n % 1000))));
    group!("update_charge_station_settings", |e, n| e.update_charge_station_settings(
        &format!("cs-{:05}", n % 10_000),
        &settings(&[("HeartbeatInterval", setting("30", Pending, None))])
    ));
    group!("create_transaction", |e, n| e.create_transaction(
        "cs-bench",
        &format!("tx-new-{n}"),
        "tok",
        "RFID",
        &five_sampled_values(n),
        0,
        false
    ));
    group!("update_transaction", |e, n| e.update_transaction(
        "cs-bench",
        &format!("tx-upd-{}", n % 100),
        &five_sampled_values(n)
    ));
    group!("end_transaction", |e, n| e.end_transaction("cs-bench", "tx-end", "tok", "RFID", &[], n as i64));
    group!("find_transaction", |e, n| e.find_transaction("cs-bench", "tx-100"));
    group!("list_tokens", |e, n| e.list_tokens(0, 20));
    group!("list_charge_station_settings", |e, n| e.list_charge_station_settings(50, ""));
}

/// The storage's `lookup_token` behind one boxed, dynamically dispatched future: what an
/// `Arc<dyn Engine>` costs before any layer does any work.
#[async_trait::async_trait]
trait BoxedLookup: Send + Sync {
    async fn lookup(&self, uid: &str) -> StoreResult<Option<Token>>;
}

#[async_trait::async_trait]
impl<S: TokenStorage> BoxedLookup for S {
    async fn lookup(&self, uid: &str) -> StoreResult<Option<Token>> {
        self.lookup_token(uid).await
    }
}

/// What the core's layer costs: `lookup_token` straight on each backend's storage, on the
/// storage behind the same boxed dynamic dispatch as an `Engine` (so the difference from the
/// `Store` is the layer's own work), through the `Store` (validation, span, error context),
/// and on memory through a `Store` that also records metrics (timing every call).
fn layer_cost(c: &mut Criterion, rt: &Runtime, pg: &PgFixture, sq: &SqliteFixture, my: &MysqlFixture) {
    let memory = Arc::new(memory_store(Arc::new(SystemClock)));
    let measured = Arc::new(memory_store(Arc::new(SystemClock)).with_metrics());
    rt.block_on(async {
        for n in 0..10_000 {
            let uid = format!("uid-{n:05}");
            memory.set_token(&token(&uid)).await.expect("token");
            measured.set_token(&token(&uid)).await.expect("token");
        }
        pg.store.set_token(&token("uid-04242")).await.expect("token");
        sq.store.set_token(&token("uid-04242")).await.expect("token");
        my.store.set_token(&token("uid-04242")).await.expect("token");
    });
    let mut group = c.benchmark_group("layer_lookup_token");
    macro_rules! bench {
        ($id:literal, $call:expr) => {
            group.bench_function(BenchmarkId::from_parameter($id), |b| {
                b.to_async(rt).iter(|| async { $call.await.expect("lookup").expect("stored") })
            });
        };
    }
    let boxed: &dyn BoxedLookup = memory.storage();
    bench!("memory_storage", TokenStorage::lookup_token(memory.storage(), "uid-04242"));
    bench!("memory_storage_boxed", boxed.lookup("uid-04242"));
    bench!("memory_store", memory.lookup_token("uid-04242"));
    bench!("memory_store_with_metrics", measured.lookup_token("uid-04242"));
    bench!("postgres_storage", TokenStorage::lookup_token(pg.store.storage(), "uid-04242"));
    bench!("postgres_store", pg.store.lookup_token("uid-04242"));
    bench!("sqlite_storage", TokenStorage::lookup_token(sq.store.storage(), "uid-04242"));
    bench!("sqlite_store", sq.store.lookup_token("uid-04242"));
    bench!("mysql_storage", TokenStorage::lookup_token(my.store.storage(), "uid-04242"));
    bench!("mysql_store", my.store.lookup_token("uid-04242"));
    group.finish();
}

/// The driver's own limit: a one-row primary-key select on a bare connection, and the same
/// select through the pool the store uses; for SQLite, the select on a bare
/// `SqliteConnection` to the store's file; for MySQL, on a bare `MySqlConnection` to the
/// store's database.
fn driver_baseline(c: &mut Criterion, rt: &Runtime, pg: &PgFixture, sq: &SqliteFixture, my: &MysqlFixture) {
    let options = pg.schema.connect_options_as_configured(&pg.schema.config(1)).expect("options");
    let bare = rt.block_on(PgConnection::connect_with(&options)).expect("bare connection");
    let bare = Arc::new(tokio::sync::Mutex::new(bare));
    let pool = pg.store.storage().pool().clone();
    let sql = "SELECT uid, country_code FROM token WHERE uid = $1";
    let mut group = c.benchmark_group("pk_select");
    group.bench_function(BenchmarkId::from_parameter("bare_connection"), |b| {
        b.to_async(rt).iter(|| {
            let bare = bare.clone();
            async move {
                let mut conn = bare.lock().await;
                sqlx::query(sql).bind("uid-04242").fetch_optional(&mut *conn).await.expect("bare select");
            }
        })
    });
    group.bench_function(BenchmarkId::from_parameter("store_pool"), |b| {
        b.to_async(rt).iter(|| {
            let pool = pool.clone();
            async move {
                let mut connection = pool.acquire().await.expect("pooled connection");
                sqlx::query(sql).bind("uid-04242").fetch_optional(&mut *connection).await.expect("pool select");
                connection.keep();
            }
        })
    });
    let sqlite = rt.block_on(SqliteConnection::connect_with(&SqliteFixture::options(&sq.dir))).expect("bare sqlite");
    let sqlite = Arc::new(tokio::sync::Mutex::new(sqlite));
    let sql = "SELECT uid, country_code FROM token WHERE uid = ?1";
    group.bench_function(BenchmarkId::from_parameter("sqlite_bare_connection"), |b| {
        b.to_async(rt).iter(|| {
            let sqlite = sqlite.clone();
            async move {
                let mut conn = sqlite.lock().await;
                sqlx::query(sql).bind("uid-04242").fetch_optional(&mut *conn).await.expect("bare select");
            }
        })
    });
    let mysql = rt.block_on(MySqlConnection::connect_with(&MysqlFixture::options(&my.database))).expect("bare mysql");
    let mysql = Arc::new(tokio::sync::Mutex::new(mysql));
    let sql = "SELECT uid, country_code FROM token WHERE uid = ?";
    group.bench_function(BenchmarkId::from_parameter("mysql_bare_connection"), |b| {
        b.to_async(rt).iter(|| {
            let mysql = mysql.clone();
            async move {
                let mut conn = mysql.lock().await;
                sqlx::query(sql).bind("uid-04242").fetch_optional(&mut *conn).await.expect("bare select");
            }
        })
    });
    group.finish();
}

/// Runs `iters` calls of `op` spread over `tasks` tasks and returns the wall time.
async fn spread<F, Fut>(iters: u64, tasks: u64, op: F) -> Duration
where
    F: Fn(u64, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let op = op.clone();
            let share = iters / tasks + u64::from(task < iters % tasks);
            tokio::spawn(async move {
                for i in 0..share {
                    op(task, i).await;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("task");
    }
    start.elapsed()
}

fn throughput(c: &mut Criterion, rt: &Runtime, engines: &[(&'static str, Arc<dyn Engine>)]) {
    for (name, make) in [("throughput_lookup_token", 0), ("throughput_update_transaction", 1)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        for (backend, engine) in engines {
            for tasks in [1u64, 8, 32] {
                group.bench_function(BenchmarkId::new(*backend, tasks), |b| {
                    b.to_async(rt).iter_custom(|iters| {
                        let engine = engine.clone();
                        async move {
                            spread(iters, tasks, move |task, i| {
                                let engine = engine.clone();
                                async move {
                                    if make == 0 {
                                        engine.lookup_token("uid-04242").await.expect("lookup");
                                    } else {
                                        let tx = format!("tx-task-{task}");
                                        engine
                                            .update_transaction("cs-bench", &tx, &five_sampled_values(i))
                                            .await
                                            .expect("update");
                                    }
                                }
                            })
                            .await
                        }
                    })
                });
            }
        }
        group.finish();
    }
}

/// Puts a benchmark transaction back to its size between rounds (setup, not timed).
#[derive(Clone)]
enum Trim {
    Postgres(ConnectionPool),
    Sqlite(SqlitePool),
    Mysql(MySqlPool),
}

/// The cost of one append to a transaction that already holds N meter values (N to N+100: the
/// SQL backends are trimmed back to N after every 100 appends; memory appends are O(1) anyway).
fn scaling(
    c: &mut Criterion,
    rt: &Runtime,
    engines: &[(&'static str, Arc<dyn Engine>)],
    pg: &PgFixture,
    sq: &SqliteFixture,
    my: &MysqlFixture,
) {
    let sizes: &[u64] = &[10, 1_000, 10_000];
    for (_, engine) in engines {
        for &size in sizes {
            rt.block_on(async {
                let tx = format!("tx-size-{size}");
                for start in (0..size).step_by(100) {
                    let values: Vec<MeterValue> =
                        (start..(start + 100).min(size)).flat_map(five_sampled_values).collect();
                    engine.update_transaction("cs-scale", &tx, &values).await.expect("prefill");
                }
            });
        }
    }
    let mut group = c.benchmark_group("scaling_update_transaction");
    for (backend, engine) in engines {
        for &size in sizes {
            let trim = match *backend {
                "postgres" => Some(Trim::Postgres(pg.store.storage().pool().clone())),
                "sqlite" => Some(Trim::Sqlite(sq.side.clone())),
                "mysql" => Some(Trim::Mysql(my.side.clone())),
                _ => None,
            };
            group.bench_function(BenchmarkId::new(*backend, size), |b| {
                b.to_async(rt).iter_custom(|iters| {
                    let engine = engine.clone();
                    let trim = trim.clone();
                    async move {
                        let tx = format!("tx-size-{size}");
                        let mut elapsed = Duration::ZERO;
                        let mut done = 0;
                        while done < iters {
                            let chunk = (iters - done).min(100);
                            let start = Instant::now();
                            for i in 0..chunk {
                                engine
                                    .update_transaction("cs-scale", &tx, &five_sampled_values(i))
                                    .await
                                    .expect("append");
                            }
                            elapsed += start.elapsed();
                            done += chunk;
                            match &trim {
                                Some(Trim::Postgres(pool)) => trim_transaction(pool, &tx, size as i64).await,
                                Some(Trim::Sqlite(pool)) => trim_sqlite_transaction(pool, &tx, size as i64).await,
                                Some(Trim::Mysql(pool)) => trim_mysql_transaction(pool, &tx, size as i64).await,
                                None => {}
                            }
                        }
                        elapsed
                    }
                })
            });
        }
    }
    group.finish();
}

/// Puts a benchmark transaction back to `size` meter values (setup, not timed).
async fn trim_transaction(pool: &ConnectionPool, transaction_id: &str, size: i64) {
    let mut connection = pool.acquire().await.expect("pooled connection");
    sqlx::query(
        "DELETE FROM meter_value WHERE charge_station_id = 'cs-scale' AND transaction_id = $1 AND ordinal > $2",
    )
    .bind(transaction_id)
    .bind(size)
    .execute(&mut *connection)
    .await
    .expect("trim meter values");
    sqlx::query("UPDATE charging_transaction SET meter_value_count = $2 WHERE charge_station_id = 'cs-scale' AND transaction_id = $1")
        .bind(transaction_id)
        .bind(size)
        .execute(&mut *connection)
        .await
        .expect("trim count");
    connection.keep();
}

async fn trim_sqlite_transaction(pool: &SqlitePool, transaction_id: &str, size: i64) {
    sqlx::query(
        "DELETE FROM meter_value WHERE charge_station_id = 'cs-scale' AND transaction_id = ?1 AND ordinal > ?2",
    )
    .bind(transaction_id)
    .bind(size)
    .execute(pool)
    .await
    .expect("trim meter values");
    sqlx::query("UPDATE charging_transaction SET meter_value_count = ?2 WHERE charge_station_id = 'cs-scale' AND transaction_id = ?1")
        .bind(transaction_id)
        .bind(size)
        .execute(pool)
        .await
        .expect("trim count");
}

async fn trim_mysql_transaction(pool: &MySqlPool, transaction_id: &str, size: i64) {
    sqlx::query("DELETE FROM meter_value WHERE charge_station_id = 'cs-scale' AND transaction_id = ? AND ordinal > ?")
        .bind(transaction_id)
        .bind(size)
        .execute(pool)
        .await
        .expect("trim meter values");
    sqlx::query(
        "UPDATE charging_transaction SET meter_value_count = ? WHERE charge_station_id = 'cs-scale' AND transaction_id = ?",
    )
    .bind(size)
    .bind(transaction_id)
    .execute(pool)
    .await
    .expect("trim count");
}

/// lookup_token and a 50-token page with 1 000 and 1 000 000 tokens stored (10 000 in quick
/// mode: its figures are a smoke test, not a measurement).
fn token_scaling(c: &mut Criterion, rt: &Runtime) {
    let big: u64 = if quick() { 10_000 } else { 1_000_000 };
    for count in [1_000u64, big] {
        let memory = memory_store(Arc::new(SystemClock));
        rt.block_on(async {
            for n in 0..count {
                memory.set_token(&token(&format!("uid-{n:07}"))).await.expect("token");
            }
        });
        let pg = PgFixture::new(rt, "bench_tokens", 4);
        rt.block_on(async {
            let mut connection = pg.store.storage().pool().acquire().await.expect("pooled connection");
            sqlx::query(
                "INSERT INTO token SELECT 'uid-' || lpad(i::text, 7, '0'), 'GB', 'TWK', 'RFID', 'GBTWK012345678V', NULL, 'x', NULL,
                        true, NULL, 'ALWAYS', now() FROM generate_series(0, $1 - 1) AS i",
            )
            .bind(count as i64)
            .execute(&mut *connection)
            .await
            .expect("bulk tokens");
            sqlx::query("ANALYZE token").execute(&mut *connection).await.expect("analyze");
            connection.keep();
        });
        let sq = SqliteFixture::new(rt, "bench_tokens");
        rt.block_on(async {
            sqlx::query(
                "WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ?1)
                 INSERT INTO token SELECT 'uid-' || substr('0000000' || n, -7), 'GB', 'TWK', 'RFID', 'GBTWK012345678V',
                        NULL, 'x', NULL, 1, NULL, 'ALWAYS', 0 FROM i",
            )
            .bind(count as i64)
            .execute(&sq.side)
            .await
            .expect("bulk tokens");
            sqlx::query("ANALYZE token").execute(&sq.side).await.expect("analyze");
        });
        let probe = format!("uid-{:07}", count / 2);
        let engines: [(&str, Arc<dyn Engine>); 3] =
            [("memory", Arc::new(memory)), ("postgres", pg.engine()), ("sqlite", sq.engine())];
        let mut group = c.benchmark_group("scaling_lookup_token");
        for (backend, engine) in &engines {
            let probe = probe.clone();
            group.bench_function(BenchmarkId::new(*backend, count), |b| {
                b.to_async(rt).iter(|| {
                    let engine = engine.clone();
                    let probe = probe.clone();
                    async move {
                        engine.lookup_token(&probe).await.expect("lookup").expect("found");
                    }
                })
            });
        }
        group.finish();
        let mut group = c.benchmark_group("scaling_list_tokens");
        for (backend, engine) in &engines {
            group.bench_function(BenchmarkId::new(*backend, count), |b| {
                b.to_async(rt).iter(|| {
                    let engine = engine.clone();
                    async move {
                        assert_eq!(engine.list_tokens(0, 50).await.expect("list").len(), 50);
                    }
                })
            });
        }
        group.finish();
        drop(engines);
        pg.drop_now(rt);
        sq.drop_now(rt);
    }
}

fn all(c: &mut Criterion) {
    let rt = runtime();
    let pg = PgFixture::new(&rt, "bench", 32);
    let sq = SqliteFixture::new(&rt, "bench");
    let my = MysqlFixture::new(&rt, "bench", 32);
    let engines = backends(&pg, &sq, &my);
    layer_cost(c, &rt, &pg, &sq, &my);
    per_operation(c, &rt, &engines);
    driver_baseline(c, &rt, &pg, &sq, &my);
    throughput(c, &rt, &engines);
    scaling(c, &rt, &engines, &pg, &sq, &my);
    drop(engines);
    pg.drop_now(&rt);
    sq.drop_now(&rt);
    my.drop_now(&rt);
    token_scaling(c, &rt);
}

criterion_group! { name = benches; config = benches::criterion_config(Duration::from_secs(2)); targets = all }
criterion_main!(benches);
