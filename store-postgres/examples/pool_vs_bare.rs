//! How close the store's pool comes to a bare connection on a one-row primary-key lookup, at
//! 1 and 8 concurrent tasks. Run with
//! `DATABASE_URL=... cargo run --release -p store-postgres --example pool_vs_bare`.
//! (The full comparison, with pgbench, is `cargo xtask bench`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use store_core::{SystemClock, TokenStore};
use store_postgres::test_support::ScratchSchema;

const RUN: Duration = Duration::from_secs(3);

async fn per_second<F, Fut>(tasks: usize, make: impl Fn(usize) -> F) -> f64
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let mut op = make(task);
            let done = done.clone();
            tokio::spawn(async move {
                while start.elapsed() < RUN {
                    op().await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("task");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// The one-row select through `pool`, on `tasks` tasks.
async fn pool_rate(pool: &PgPool, tasks: usize) -> f64 {
    let pool = pool.clone();
    per_second(tasks, |_| {
        let pool = pool.clone();
        move || {
            let pool = pool.clone();
            async move {
                sqlx::query("SELECT v FROM pool_probe WHERE uid = $1")
                    .bind("u1")
                    .fetch_optional(&pool)
                    .await
                    .expect("pool query");
            }
        }
    })
    .await
}

#[tokio::main]
async fn main() {
    let schema = ScratchSchema::create("pool_vs_bare").await.expect("scratch schema");
    let config = schema.config(8);
    let store = schema.store(Arc::new(SystemClock), 8).await.expect("store");
    sqlx::query("CREATE TABLE pool_probe (uid text COLLATE \"C\" PRIMARY KEY, v text)")
        .execute(store.storage().pool())
        .await
        .expect("table");
    sqlx::query("INSERT INTO pool_probe VALUES ('u1', 'x')").execute(store.storage().pool()).await.expect("row");
    store.set_token(&store_conformance::fixtures::token("u1")).await.expect("token");
    let in_schema = || config.connect_options().expect("options").options([("search_path", schema.name.as_str())]);
    let default_pool: PgPool =
        PgPoolOptions::new().max_connections(8).connect_with(in_schema()).await.expect("default pool");

    for tasks in [1usize, 8] {
        let options = in_schema();
        let mut bare = Vec::new();
        for _ in 0..tasks {
            bare.push(Arc::new(tokio::sync::Mutex::new(PgConnection::connect_with(&options).await.expect("bare"))));
        }
        let bare_rate = per_second(tasks, |task| {
            let conn = bare[task].clone();
            move || {
                let conn = conn.clone();
                async move {
                    let mut conn = conn.lock().await;
                    sqlx::query("SELECT v FROM pool_probe WHERE uid = $1")
                        .bind("u1")
                        .fetch_optional(&mut *conn)
                        .await
                        .expect("bare query");
                }
            }
        })
        .await;
        let default_rate = pool_rate(&default_pool, tasks).await;
        let tuned_rate = pool_rate(store.storage().pool(), tasks).await;
        let store_rate = per_second(tasks, |_| {
            let store = store.clone();
            move || {
                let store = store.clone();
                async move {
                    store.lookup_token("u1").await.expect("lookup_token");
                }
            }
        })
        .await;
        println!(
            "tasks={tasks}: bare connection {bare_rate:.0}/s | PgPool defaults {default_rate:.0}/s ({:.0} %) | store pool {tuned_rate:.0}/s ({:.0} %) | store lookup_token {store_rate:.0}/s ({:.0} %)",
            100.0 * default_rate / bare_rate,
            100.0 * tuned_rate / bare_rate,
            100.0 * store_rate / bare_rate,
        );
    }
    default_pool.close().await;
    store.storage().close().await;
    schema.drop_now().await;
}
