//! The PostgreSQL store against the driver and pgbench, measured in the same time window. On a
//! shared machine the noise between two runs a minute apart is larger than the effects being
//! measured, so every contender runs for one short round in turn, the order rotating each round,
//! and the report compares contenders within a round: a ratio's median over rounds, and its
//! spread. `cargo xtask bench` runs this with pgbench's binary and a pgbench database
//! (`MAEVE_PGBENCH`, `MAEVE_PGBENCH_URL`); it writes `target/bench/interleaved.json`.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use store_conformance::fixtures::{meter_value, token};
use store_core::*;
use store_postgres::PgStore;
use store_postgres::test_support::ScratchSchema;
use tokio::sync::Mutex;

/// The store's own lookup statement, so that the bare connection does the same work on the
/// server and ships the same row.
const SELECT_TOKEN: &str = "SELECT uid, country_code, party_id, token_type, contract_id, visual_number, issuer, \
     group_id, valid, language_code, cache_mode, last_updated FROM token WHERE uid = $1";

/// The store's `set_token` statement: one upsert of a whole token row.
const UPSERT_TOKEN: &str = "INSERT INTO token (uid, country_code, party_id, token_type, contract_id, visual_number, \
     issuer, group_id, valid, language_code, cache_mode, last_updated) \
     VALUES ($1, 'GB', 'TWK', 'RFID', 'GBTWK012345678V', NULL, 'Thoughtworks', NULL, true, NULL, 'ALWAYS', now()) \
     ON CONFLICT (uid) DO UPDATE SET country_code = excluded.country_code, party_id = excluded.party_id, \
     token_type = excluded.token_type, contract_id = excluded.contract_id, visual_number = excluded.visual_number, \
     issuer = excluded.issuer, group_id = excluded.group_id, valid = excluded.valid, \
     language_code = excluded.language_code, cache_mode = excluded.cache_mode, last_updated = excluded.last_updated";

type Call = Arc<dyn Fn(usize, u64) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// One thing measured in every round.
enum Work {
    /// `tasks` tasks calling `call(task, i)` in a loop until the round ends.
    Tasks { tasks: usize, call: Call },
    /// pgbench for one round: `-M prepared -c clients` plus `args`, against the database at
    /// `url`.
    Pgbench { clients: usize, args: Vec<String>, url: String },
}

struct Contender {
    name: String,
    work: Work,
}

struct Settings {
    rounds: usize,
    round: Duration,
    pgbench: String,
    pgbench_url: String,
}

impl Settings {
    fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run this benchmark through `cargo xtask bench`, which sets it")
            })
        };
        let quick = benches::quick();
        Settings {
            rounds: if quick { 2 } else { 7 },
            round: Duration::from_millis(if quick { 300 } else { 2_000 }),
            pgbench: var("MAEVE_PGBENCH"),
            pgbench_url: var("MAEVE_PGBENCH_URL"),
        }
    }
}

/// Calls per second of `tasks` tasks looping on `call` for `round`.
async fn run_tasks(tasks: usize, call: &Call, round: Duration) -> f64 {
    let deadline = Instant::now() + round;
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    call(task, done).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for handle in handles {
        done += handle.await.expect("benchmark task");
    }
    done as f64 / started.elapsed().as_secs_f64()
}

/// pgbench's tps (without connection set-up) for one round.
fn run_pgbench(settings: &Settings, clients: usize, args: &[String], url: &str) -> f64 {
    let output = Command::new(&settings.pgbench)
        .args(["-M", "prepared", "-n", "-c", &clients.to_string(), "-j", &clients.min(8).to_string()])
        .args(["-T", &settings.round.as_secs().max(1).to_string()])
        .args(args)
        .arg(url)
        .output()
        .expect("run pgbench");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = ").and_then(|rest| rest.split_whitespace().next()))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text}{}", String::from_utf8_lossy(&output.stderr)))
}

/// A pgbench URL whose sessions use `schema`.
fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

async fn bare_connections(options: &PgConnectOptions, count: usize) -> Arc<Vec<Mutex<PgConnection>>> {
    let mut connections = Vec::with_capacity(count);
    for _ in 0..count {
        connections.push(Mutex::new(PgConnection::connect_with(options).await.expect("bare connection")));
    }
    Arc::new(connections)
}

fn store_call<F, Fut>(store: &PgStore, call: F) -> Call
where
    F: Fn(PgStore, usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let store = store.clone();
    Arc::new(move |task, i| Box::pin(call(store.clone(), task, i)))
}

fn bare_call<F>(connections: &Arc<Vec<Mutex<PgConnection>>>, call: F) -> Call
where
    F: for<'c> Fn(&'c mut PgConnection, usize, u64) -> Pin<Box<dyn Future<Output = ()> + Send + 'c>>
        + Send
        + Sync
        + 'static,
{
    let connections = connections.clone();
    let call = Arc::new(call);
    Arc::new(move |task, i| {
        let connections = connections.clone();
        let call = call.clone();
        Box::pin(async move {
            let mut connection = connections[task].lock().await;
            call(&mut connection, task, i).await;
        })
    })
}

/// `select_url` is pgbench's own database; `upsert` the script running the store's upsert and
/// the URL of the store's schema.
fn contenders(
    store: &PgStore,
    bare: &Arc<Vec<Mutex<PgConnection>>>,
    select_url: &str,
    (upsert_script, upsert_url): (&str, &str),
) -> Vec<Contender> {
    let mut all = Vec::new();
    for tasks in [1, 8, 32] {
        all.push(Contender {
            name: format!("lookup_token/store/{tasks}"),
            work: Work::Tasks {
                tasks,
                call: store_call(store, |store, _, _| async move {
                    store.lookup_token("uid-04242").await.expect("lookup").expect("stored");
                }),
            },
        });
        all.push(Contender {
            name: format!("lookup_token/bare_connection/{tasks}"),
            work: Work::Tasks {
                tasks,
                call: bare_call(bare, |connection, _, _| {
                    Box::pin(async move {
                        sqlx::query(SELECT_TOKEN).bind("uid-04242").fetch_one(connection).await.expect("bare select");
                    })
                }),
            },
        });
        all.push(Contender {
            name: format!("pgbench_select_only/{tasks}"),
            work: Work::Pgbench { clients: tasks, args: vec!["-S".into()], url: select_url.to_owned() },
        });
    }
    for tasks in [1, 8] {
        all.push(Contender {
            name: format!("set_token/store/{tasks}"),
            work: Work::Tasks {
                tasks,
                call: store_call(store, |store, task, i| async move {
                    store.set_token(&token(&format!("set-{task}-{}", i % 1000))).await.expect("set_token");
                }),
            },
        });
        all.push(Contender {
            name: format!("upsert_token/bare_connection/{tasks}"),
            work: Work::Tasks {
                tasks,
                call: bare_call(bare, |connection, task, i| {
                    Box::pin(async move {
                        sqlx::query(UPSERT_TOKEN)
                            .bind(format!("set-{task}-{}", i % 1000))
                            .execute(connection)
                            .await
                            .expect("bare upsert");
                    })
                }),
            },
        });
        all.push(Contender {
            name: format!("upsert_token/pgbench/{tasks}"),
            work: Work::Pgbench {
                clients: tasks,
                args: vec!["-f".into(), upsert_script.into()],
                url: upsert_url.to_owned(),
            },
        });
    }
    all.push(Contender {
        name: "update_transaction/store/8".into(),
        work: Work::Tasks {
            tasks: 8,
            call: store_call(store, |store, task, i| async move {
                let values = vec![meter_value("2024-05-06T13:58:55Z", &[i as f64, 230.1, 16.0, 3.7, 50.0])];
                store.update_transaction("cs-bench", &format!("tx-il-{task}"), &values).await.expect("update");
            }),
        },
    });
    all
}

fn main() {
    let settings = Settings::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let schema = rt.block_on(ScratchSchema::create("bench_interleaved")).unwrap_or_else(|err| panic!("{err}"));
    let store = rt.block_on(schema.store_as_configured(Arc::new(SystemClock), 32)).expect("store");
    let options = schema.connect_options_as_configured(&schema.config(32)).expect("options");
    rt.block_on(store.set_token(&token("uid-04242"))).expect("token");
    let bare = rt.block_on(bare_connections(&options, 32));

    let upsert_url = with_search_path(&schema.url, &schema.name);
    let script = std::env::temp_dir().join(format!("maeve-upsert-{}.sql", std::process::id()));
    let pgbench_upsert = UPSERT_TOKEN.replace("$1", "'set-' || :client_id || '-' || :n");
    std::fs::write(&script, format!("\\set n random(0, 999)\n{pgbench_upsert};\n")).expect("pgbench script");
    let contenders = contenders(&store, &bare, &settings.pgbench_url, (&script.to_string_lossy(), &upsert_url));

    let mut rounds: Vec<BTreeMap<String, f64>> = Vec::new();
    for round in 0..settings.rounds {
        let mut figures = BTreeMap::new();
        // Rotated so that no contender always runs first after the previous round's last.
        for offset in 0..contenders.len() {
            let contender = &contenders[(round + offset) % contenders.len()];
            let per_second = match &contender.work {
                Work::Tasks { tasks, call } => rt.block_on(run_tasks(*tasks, call, settings.round)),
                Work::Pgbench { clients, args, url } => run_pgbench(&settings, *clients, args, url),
            };
            figures.insert(contender.name.clone(), per_second);
        }
        eprintln!("interleaved: round {} of {} done", round + 1, settings.rounds);
        rounds.push(figures);
    }
    let _ = std::fs::remove_file(&script);
    drop(contenders);
    rt.block_on(async {
        for connection in Arc::try_unwrap(bare).map(|all| all.into_iter()).into_iter().flatten() {
            let _ = connection.into_inner().close().await;
        }
        store.storage().close().await;
        schema.drop_now().await;
    });

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    let json = serde_json::json!({ "round_seconds": settings.round.as_secs_f64(), "ops_per_second": rounds });
    std::fs::write(out.join("interleaved.json"), serde_json::to_string_pretty(&json).expect("json"))
        .expect("write interleaved.json");
}
