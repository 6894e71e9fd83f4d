//! `cargo xtask bench [--quick]`: runs pgbench, the criterion benchmarks and the interleaved
//! PostgreSQL comparison against the same server, then writes target/bench/report.md (ratios),
//! summary.json (ratios, raw medians and the interleaved rounds' spread) and scaling.svg (cost
//! against stored data). Needs DATABASE_URL. The criterion HTML report stays in target/criterion.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::command::{Result, cargo, exec, workspace_root};
use crate::database::{self, Scratch};
use crate::interleaved;

const CLIENTS: [u32; 3] = [1, 8, 32];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A reduced set that finishes in a few minutes (what CI runs).
    #[arg(long)]
    quick: bool,
}

impl Args {
    pub fn quick() -> Self {
        Args { quick: true }
    }
}

fn pgbench_binary() -> Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin/pgbench"))).collect())
        .unwrap_or_default();
    candidates.sort();
    candidates
        .pop()
        .filter(|path| path.exists())
        .or_else(|| {
            Some(PathBuf::from("pgbench")).filter(|_| Command::new("pgbench").arg("--version").output().is_ok())
        })
        .ok_or_else(|| "pgbench not found: install Debian's postgresql-client or postgresql package".to_owned())
}

/// pgbench -S -M prepared tps at each client count, on the pgbench database at `url`
/// (initialised here).
fn pgbench(binary: &Path, url: &str, seconds: u32) -> Result<BTreeMap<u32, f64>> {
    exec(Command::new(binary).args(["-i", "-s", "1", "-q", url]))?;
    let mut tps = BTreeMap::new();
    for clients in CLIENTS {
        let threads = clients.min(8).to_string();
        let output = Command::new(binary)
            .args(["-S", "-M", "prepared", "-c", &clients.to_string(), "-j", &threads, "-T", &seconds.to_string(), url])
            .output()
            .map_err(|err| format!("pgbench: {err}"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let value = text
            .lines()
            .find_map(|line| line.strip_prefix("tps = ").and_then(|rest| rest.split_whitespace().next()))
            .and_then(|number| number.parse::<f64>().ok())
            .ok_or_else(|| format!("no tps in pgbench output: {text}{}", String::from_utf8_lossy(&output.stderr)))?;
        println!("bench: pgbench -S -M prepared -c {clients}: {value:.0} tps");
        tps.insert(clients, value);
    }
    Ok(tps)
}

/// Runs one of the `benches` crate's benchmarks against `server_url`.
fn bench_target(name: &str, server_url: &str, quick: bool, env: &[(&str, &str)]) -> Result {
    let mut bench = cargo(["bench", "--bench", name]);
    bench.env("DATABASE_URL", server_url);
    if quick {
        // The quick run is a smoke test of the benchmarks and the report, whose figures nobody
        // reads: it reuses the tests' dev build instead of a release build of every backend,
        // which costs CI ten minutes on two cores.
        bench.args(["--profile", "dev"]).env("MAEVE_BENCH_QUICK", "1");
    }
    bench.envs(env.iter().copied());
    exec(&mut bench)
}

/// Criterion's median estimate (ns) for every benchmark under target/criterion, keyed by
/// `group/id` (e.g. `throughput_lookup_token/postgres/8`).
fn medians(criterion: &Path) -> Result<BTreeMap<String, f64>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![criterion.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir()
                && path.file_name().is_some_and(|name| name != "report" && name != "base" && name != "change")
            {
                stack.push(path);
            } else if path.ends_with("new/estimates.json") {
                let text = std::fs::read_to_string(&path).map_err(|err| err.to_string())?;
                let estimates: Value = serde_json::from_str(&text).map_err(|err| err.to_string())?;
                let Some(median) = estimates["median"]["point_estimate"].as_f64() else { continue };
                let id = path
                    .parent()
                    .and_then(Path::parent)
                    .and_then(|dir| dir.strip_prefix(criterion).ok())
                    .map(|relative| relative.to_string_lossy().into_owned())
                    .unwrap_or_default();
                found.insert(id, median);
            }
        }
    }
    Ok(found)
}

const OPERATIONS: [&str; 10] = [
    "lookup_charge_station_auth",
    "lookup_token",
    "set_token",
    "update_charge_station_settings",
    "create_transaction",
    "update_transaction",
    "end_transaction",
    "find_transaction",
    "list_tokens",
    "list_charge_station_settings",
];

struct Report {
    ratios: BTreeMap<String, f64>,
    markdown: String,
}

fn build_report(figures: &BTreeMap<String, f64>, pgbench_tps: &BTreeMap<u32, f64>, quick: bool) -> Result<Report> {
    let get = |id: &str| figures.get(id).copied().ok_or_else(|| format!("benchmark {id} has no result"));
    let ops_per_s = |ns: f64| 1e9 / ns;
    let mut ratios = BTreeMap::new();
    let mut md = String::new();
    let _ = writeln!(md, "# maeve-store benchmark report{}\n", if quick { " (quick run)" } else { "" });
    let _ = writeln!(md, "All figures from one run on one machine; medians from criterion; ratios only.\n");
    let _ = writeln!(md, "## Per operation (median latency, one task)\n");
    let _ = writeln!(
        md,
        "| operation | memory | postgres | sqlite | mysql | postgres / memory | postgres / bare connection | sqlite / bare connection | mysql / bare connection |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let bare = get("pk_select/bare_connection")?;
    let sqlite_bare = get("pk_select/sqlite_bare_connection")?;
    let mysql_bare = get("pk_select/mysql_bare_connection")?;
    for operation in OPERATIONS {
        let memory = get(&format!("{operation}/memory"))?;
        let postgres = get(&format!("{operation}/postgres"))?;
        let sqlite = get(&format!("{operation}/sqlite"))?;
        let mysql = get(&format!("{operation}/mysql"))?;
        ratios.insert(format!("pg_vs_memory_{operation}"), postgres / memory);
        ratios.insert(format!("pg_vs_bare_conn_{operation}"), postgres / bare);
        ratios.insert(format!("sqlite_vs_bare_conn_{operation}"), sqlite / sqlite_bare);
        ratios.insert(format!("mysql_vs_bare_conn_{operation}"), mysql / mysql_bare);
        let _ = writeln!(
            md,
            "| {operation} | {:.2} µs | {:.1} µs | {:.1} µs | {:.1} µs | {:.0}× | {:.2}× | {:.2}× | {:.2}× |",
            memory / 1e3,
            postgres / 1e3,
            sqlite / 1e3,
            mysql / 1e3,
            postgres / memory,
            postgres / bare,
            sqlite / sqlite_bare,
            mysql / mysql_bare
        );
    }
    let pool = get("pk_select/store_pool")?;
    let lookup = get("lookup_token/postgres")?;
    ratios.insert("pg_lookup_latency_vs_bare_conn".into(), lookup / bare);
    ratios.insert("store_pool_select_vs_bare_conn".into(), pool / bare);
    let sqlite_lookup = get("lookup_token/sqlite")?;
    ratios.insert("sqlite_lookup_latency_vs_bare_conn".into(), sqlite_lookup / sqlite_bare);
    let mysql_lookup = get("lookup_token/mysql")?;
    ratios.insert("mysql_lookup_latency_vs_bare_conn".into(), mysql_lookup / mysql_bare);
    let _ = writeln!(md, "\n## Baselines\n");
    let _ = writeln!(md, "| what | median | ratio |");
    let _ = writeln!(md, "|---|---:|---:|");
    let _ = writeln!(md, "| bare sqlx `PgConnection`, one-row PK select | {:.1} µs | 1.00× |", bare / 1e3);
    let _ = writeln!(md, "| the same select through the store's pool | {:.1} µs | {:.2}× |", pool / 1e3, pool / bare);
    let _ = writeln!(
        md,
        "| store `lookup_token` (PostgreSQL) | {:.1} µs | {:.2}× (target ≤ 1.3×) |",
        lookup / 1e3,
        lookup / bare
    );
    let _ = writeln!(md, "| bare sqlx `SqliteConnection`, one-row PK select | {:.1} µs | 1.00× |", sqlite_bare / 1e3);
    let _ = writeln!(
        md,
        "| store `lookup_token` (SQLite) | {:.1} µs | {:.2}× (target ≤ 1.3×) |",
        sqlite_lookup / 1e3,
        sqlite_lookup / sqlite_bare
    );
    let _ = writeln!(md, "| bare sqlx `MySqlConnection`, one-row PK select | {:.1} µs | 1.00× |", mysql_bare / 1e3);
    let _ = writeln!(
        md,
        "| store `lookup_token` (MariaDB/MySQL) | {:.1} µs | {:.2}× |",
        mysql_lookup / 1e3,
        mysql_lookup / mysql_bare
    );
    let _ = writeln!(md, "\n## Throughput (ops/s, tasks sharing one store) against pgbench -S -M prepared\n");
    let _ =
        writeln!(md, "| operation | tasks | memory | postgres | sqlite | mysql | pgbench tps | postgres / pgbench |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for operation in ["lookup_token", "update_transaction"] {
        for clients in CLIENTS {
            let memory = ops_per_s(get(&format!("throughput_{operation}/memory/{clients}"))?);
            let postgres = ops_per_s(get(&format!("throughput_{operation}/postgres/{clients}"))?);
            let sqlite = ops_per_s(get(&format!("throughput_{operation}/sqlite/{clients}"))?);
            let mysql = ops_per_s(get(&format!("throughput_{operation}/mysql/{clients}"))?);
            let tps = pgbench_tps.get(&clients).copied().unwrap_or(f64::NAN);
            ratios.insert(format!("pg_{operation}_tps_c{clients}_vs_pgbench"), postgres / tps);
            ratios.insert(format!("sqlite_{operation}_ops_per_s_c{clients}"), sqlite);
            ratios.insert(format!("mysql_{operation}_ops_per_s_c{clients}"), mysql);
            let _ = writeln!(
                md,
                "| {operation} | {clients} | {memory:.0} | {postgres:.0} | {sqlite:.0} | {mysql:.0} | {tps:.0} | {:.2} |",
                postgres / tps
            );
        }
    }
    if let Some(value) = ratios.get("pg_lookup_token_tps_c8_vs_pgbench").copied() {
        ratios.insert("pg_lookup_tps_c8_vs_pgbench".into(), value);
    }
    let _ = writeln!(md, "\n## Read replica (throwaway primary and replica on this machine)\n");
    let _ = writeln!(md, "| lookup_token | primary only | with a replica | with / without |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    for tasks in [1, 8] {
        let primary = ops_per_s(get(&format!("replica_lookup_token/primary/{tasks}"))?);
        let replica = ops_per_s(get(&format!("replica_lookup_token/replica/{tasks}"))?);
        ratios.insert(format!("replica_vs_primary_lookup_ops_c{tasks}"), replica / primary);
        let _ = writeln!(md, "| {tasks} task(s), ops/s | {primary:.0} | {replica:.0} | {:.2}× |", replica / primary);
    }
    let decide = get("replica_routing/decide")?;
    ratios.insert("replica_routing_decision_ns".into(), decide);
    let _ = writeln!(md, "\nThe routing decision per read (freshness check): {decide:.0} ns.");
    let _ = writeln!(md, "\n## PgBouncer, transaction pooling (throwaway server and PgBouncer on this machine)\n");
    let _ = writeln!(md, "| call | tasks | direct ops/s | through PgBouncer ops/s | PgBouncer / direct |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    for operation in ["lookup_token", "set_token"] {
        for tasks in [1, 8] {
            let direct = ops_per_s(get(&format!("pgbouncer_{operation}/direct/{tasks}"))?);
            let pooled = ops_per_s(get(&format!("pgbouncer_{operation}/pgbouncer/{tasks}"))?);
            ratios.insert(format!("pgbouncer_vs_direct_{operation}_ops_c{tasks}"), pooled / direct);
            let _ = writeln!(md, "| {operation} | {tasks} | {direct:.0} | {pooled:.0} | {:.2}× |", pooled / direct);
        }
    }
    let _ = writeln!(md, "\n## Scaling\n");
    let _ = writeln!(md, "| what | memory | postgres | sqlite | mysql |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|");
    let big: u64 = if quick { 10_000 } else { 1_000_000 };
    // (criterion group, larger size, smaller size, ratio key after the backend, row label,
    // targets for memory, postgres, sqlite, mysql; token scaling is not measured on MySQL)
    let rows = [
        (
            "scaling_update_transaction",
            10_000,
            10,
            "update_tx_10000_vs_10",
            "update_transaction at 10 000 stored values / at 10".to_owned(),
            ["", " (target ≤ 1.2×)", " (target ≤ 1.2×)", ""],
        ),
        (
            "scaling_lookup_token",
            big,
            1_000,
            "lookup_token_big_vs_1000",
            format!("lookup_token with {big} tokens / with 1 000"),
            ["", "", "", ""],
        ),
        (
            "scaling_list_tokens",
            big,
            1_000,
            "list_tokens_page_big_vs_1000",
            format!("list_tokens, first 50, with {big} tokens / with 1 000"),
            [" (target ≤ 2×)", "", "", ""],
        ),
    ];
    for (group, larger, smaller, key, label, targets) in rows {
        let mut cells = Vec::new();
        for ((backend, prefix), target) in
            [("memory", "memory"), ("postgres", "pg"), ("sqlite", "sqlite"), ("mysql", "mysql")]
                .into_iter()
                .zip(targets)
        {
            let larger_id = format!("{group}/{backend}/{larger}");
            if backend == "mysql" && !figures.contains_key(&larger_id) {
                cells.push("not measured".to_owned());
                continue;
            }
            let ratio = get(&larger_id)? / get(&format!("{group}/{backend}/{smaller}"))?;
            ratios.insert(format!("{prefix}_{key}"), ratio);
            cells.push(format!("{ratio:.2}×{target}"));
        }
        let _ = writeln!(md, "| {label} | {} |", cells.join(" | "));
    }
    let _ = writeln!(md, "\n## The core's layer (lookup_token, one task)\n");
    let _ = writeln!(md, "| backend | storage alone | through `Store` | `Store` / storage |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let boxed = get("layer_lookup_token/memory_storage_boxed")?;
    let store = get("layer_lookup_token/memory_store")?;
    ratios.insert("memory_layer_vs_boxed_storage".into(), store / boxed);
    let _ = writeln!(
        md,
        "| memory, storage behind the `Engine`'s boxed dispatch | {:.3} µs | {:.3} µs | {:.3}× (the layer's own work; target ≤ 1.02×) |",
        boxed / 1e3,
        store / 1e3,
        store / boxed
    );
    for backend in ["memory", "postgres", "sqlite", "mysql"] {
        let storage = get(&format!("layer_lookup_token/{backend}_storage"))?;
        let store = get(&format!("layer_lookup_token/{backend}_store"))?;
        ratios.insert(format!("{backend}_layer_vs_storage"), store / storage);
        let _ =
            writeln!(md, "| {backend} | {:.3} µs | {:.3} µs | {:.3}× |", storage / 1e3, store / 1e3, store / storage);
    }
    let storage = get("layer_lookup_token/memory_storage")?;
    let with_metrics = get("layer_lookup_token/memory_store_with_metrics")?;
    ratios.insert("memory_layer_with_metrics_vs_storage".into(), with_metrics / storage);
    let _ = writeln!(
        md,
        "| memory, `Store::with_metrics` | {:.3} µs | {:.3} µs | {:.3}× |",
        storage / 1e3,
        with_metrics / 1e3,
        with_metrics / storage
    );
    let memory_ops = ops_per_s(get("lookup_token/memory")?);
    ratios.insert("memory_lookup_token_ops_per_s".into(), memory_ops);
    let _ = writeln!(md, "\nMemory `lookup_token` on one task: {memory_ops:.0} ops/s (target ≥ 2 000 000).");
    Ok(Report { ratios, markdown: md })
}

/// Cost of one update_transaction against stored meter values, every backend, log-scale x.
fn scaling_svg(figures: &BTreeMap<String, f64>) -> String {
    let sizes = [10.0f64, 1_000.0, 10_000.0];
    let series: Vec<(&str, &str, Vec<f64>)> =
        [("memory", "#1b9e77"), ("postgres", "#d95f02"), ("sqlite", "#7570b3"), ("mysql", "#e7298a")]
            .into_iter()
            .map(|(backend, colour)| {
                let values = sizes
                    .iter()
                    .map(|size| {
                        figures.get(&format!("scaling_update_transaction/{backend}/{size}")).copied().unwrap_or(0.0)
                            / 1e3
                    })
                    .collect();
                (backend, colour, values)
            })
            .collect();
    let max = series.iter().flat_map(|(_, _, v)| v.iter().copied()).fold(1.0f64, f64::max) * 1.1;
    let (width, height, left, bottom) = (640.0, 360.0, 70.0, 40.0);
    let x = |size: f64| left + (size.log10() - 1.0) / 3.0 * (width - left - 20.0);
    let y = |micros: f64| height - bottom - micros / max * (height - bottom - 20.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"14\">update_transaction median (µs) against meter values already stored</text>\n\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n<line x1=\"{left}\" y1=\"20\" x2=\"{left}\" y2=\"{}\" stroke=\"black\"/>\n",
        height - bottom,
        width - 20.0,
        height - bottom,
        height - bottom
    );
    for size in sizes {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{size}</text>",
            x(size),
            height - bottom + 16.0
        );
    }
    for tick in 0..=4 {
        let value = max * f64::from(tick) / 4.0;
        let _ =
            writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{value:.1}</text>", left - 6.0, y(value) + 4.0);
    }
    for (index, (backend, colour, values)) in series.iter().enumerate() {
        let points: Vec<String> =
            sizes.iter().zip(values).map(|(size, v)| format!("{:.1},{:.1}", x(*size), y(*v))).collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"{colour}\">{backend}</text>",
            width - 120.0,
            40.0 + 16.0 * index as f64
        );
    }
    svg.push_str("</svg>\n");
    svg
}

pub fn run(args: Args) -> Result {
    let root = workspace_root();
    let server_url = database::url(None)?;
    let binary = pgbench_binary()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    let scratch = runtime.block_on(Scratch::create(&server_url, "pgbench"))?;
    let measured = (|| -> Result<BTreeMap<u32, f64>> {
        let tps = pgbench(&binary, &scratch.url, if args.quick { 1 } else { 5 })?;
        bench_target("store", &server_url, args.quick, &[])?;
        let pgbench_env = [("MAEVE_PGBENCH", &*binary.to_string_lossy()), ("MAEVE_PGBENCH_URL", &*scratch.url)];
        bench_target("interleaved", &server_url, args.quick, &pgbench_env)?;
        bench_target("scale_out", &server_url, args.quick, &[])?;
        Ok(tps)
    })();
    runtime.block_on(scratch.drop())?;
    let tps = measured?;
    let criterion_dir = root.join("target/criterion");
    let figures = medians(&criterion_dir)?;
    let mut report = build_report(&figures, &tps, args.quick)?;
    let out = root.join("target/bench");
    let interleaved = interleaved::report(&out.join("interleaved.json"))?;
    report.ratios.extend(interleaved.ratios);
    report.markdown.push_str(&interleaved.markdown);
    std::fs::create_dir_all(&out).map_err(|err| err.to_string())?;
    let summary = json!({
        "quick": args.quick,
        "ratios": report.ratios,
        "interleaved": interleaved.json,
        "figures": figures,
        "pgbench_tps": tps.iter().map(|(clients, tps)| (format!("c{clients}"), *tps)).collect::<BTreeMap<_, _>>(),
        "units": {"figures": "median nanoseconds per operation (criterion)", "pgbench_tps": "transactions per second"},
    });
    std::fs::write(out.join("summary.json"), serde_json::to_string_pretty(&summary).map_err(|err| err.to_string())?)
        .map_err(|err| err.to_string())?;
    std::fs::write(out.join("report.md"), &report.markdown).map_err(|err| err.to_string())?;
    std::fs::write(out.join("scaling.svg"), scaling_svg(&figures)).map_err(|err| err.to_string())?;
    println!("{}", report.markdown);
    println!(
        "bench: wrote target/bench/report.md, summary.json and scaling.svg; criterion's HTML report is target/criterion/report/index.html"
    );
    Ok(())
}
