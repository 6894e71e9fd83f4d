//! The report of `benches/benches/interleaved.rs`: the PostgreSQL store against a bare
//! connection and pgbench, every ratio taken within one round (the contenders ran one after
//! another in the same few seconds), then its median and spread over the rounds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::command::Result;

/// What a ratio compares: `numerator / denominator` of two contenders' calls per second, or its
/// inverse for latencies (a latency ratio is the store's time per call over the baseline's).
struct Comparison {
    key: &'static str,
    what: &'static str,
    store: &'static str,
    baseline: &'static str,
    latency: bool,
    target: &'static str,
}

const COMPARISONS: [Comparison; 6] = [
    Comparison {
        key: "pg_lookup_latency_vs_bare_select_c1",
        what: "`lookup_token` latency, 1 task / bare `PgConnection` select of the same row",
        store: "lookup_token/store/1",
        baseline: "lookup_token/bare_connection/1",
        latency: true,
        target: "≤ 1.15×",
    },
    Comparison {
        key: "pg_lookup_tps_c8_vs_pgbench_select",
        what: "`lookup_token` throughput, 8 tasks / pgbench -S, 8 clients",
        store: "lookup_token/store/8",
        baseline: "pgbench_select_only/8",
        latency: false,
        target: "≥ 0.8",
    },
    Comparison {
        key: "pg_lookup_tps_c32_vs_pgbench_select",
        what: "`lookup_token` throughput, 32 tasks / pgbench -S, 32 clients",
        store: "lookup_token/store/32",
        baseline: "pgbench_select_only/32",
        latency: false,
        target: "≥ 0.8",
    },
    Comparison {
        key: "pg_set_token_latency_vs_bare_upsert_c1",
        what: "`set_token` latency, 1 task / bare `PgConnection` upsert of a token row",
        store: "set_token/store/1",
        baseline: "upsert_token/bare_connection/1",
        latency: true,
        target: "≤ 1.25×",
    },
    Comparison {
        key: "pg_update_tx_tps_c8_vs_bare_upsert_c8",
        what: "`update_transaction` throughput, 8 tasks / bare upsert, 8 connections",
        store: "update_transaction/store/8",
        baseline: "upsert_token/bare_connection/8",
        latency: false,
        target: "≥ 0.6",
    },
    Comparison {
        key: "bare_upsert_latency_vs_pgbench_upsert_c1",
        what: "bare `PgConnection` upsert latency / pgbench running the same upsert, 1 client",
        store: "upsert_token/bare_connection/1",
        baseline: "upsert_token/pgbench/1",
        latency: true,
        target: "(the driver's own cost)",
    },
];

/// Median, lowest and highest of `values` (not empty).
fn spread(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let median = if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 };
    (median, values[0], values[values.len() - 1])
}

pub struct Interleaved {
    /// Each comparison's median ratio, under its key.
    pub ratios: BTreeMap<String, f64>,
    pub markdown: String,
    pub json: Value,
}

/// Reads `interleaved.json` and compares the contenders round by round.
pub fn report(path: &Path) -> Result<Interleaved> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
    let data: Value = serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    let rounds: Vec<BTreeMap<String, f64>> = serde_json::from_value(data["ops_per_second"].clone())
        .map_err(|err| format!("{}: ops_per_second: {err}", path.display()))?;
    if rounds.is_empty() {
        return Err(format!("{}: no rounds", path.display()));
    }
    let round_seconds = data["round_seconds"].as_f64().unwrap_or(f64::NAN);
    let figure = |round: &BTreeMap<String, f64>, name: &str| {
        round.get(name).copied().ok_or_else(|| format!("{}: no figure for {name}", path.display()))
    };

    let mut md = String::new();
    let _ = writeln!(
        md,
        "\n## PostgreSQL against its driver and pgbench, interleaved ({} rounds of {round_seconds} s per contender)\n",
        rounds.len()
    );
    let _ = writeln!(md, "Ratios are taken within each round, then summarised: median (lowest – highest).\n");
    let _ = writeln!(md, "| what | median | spread | target |");
    let _ = writeln!(md, "|---|---:|---:|---|");
    let mut ratios = BTreeMap::new();
    let mut ratio_json = serde_json::Map::new();
    for comparison in &COMPARISONS {
        let mut per_round = Vec::with_capacity(rounds.len());
        for round in &rounds {
            let (store, baseline) = (figure(round, comparison.store)?, figure(round, comparison.baseline)?);
            per_round.push(if comparison.latency { baseline / store } else { store / baseline });
        }
        let (median, low, high) = spread(&mut per_round);
        ratios.insert(comparison.key.to_owned(), median);
        ratio_json.insert(
            comparison.key.to_owned(),
            json!({"median": median, "lowest": low, "highest": high, "target": comparison.target}),
        );
        let _ = writeln!(md, "| {} | {median:.2} | {low:.2} – {high:.2} | {} |", comparison.what, comparison.target);
    }

    let _ = writeln!(md, "\n| contender (calls or transactions per second) | median | spread |");
    let _ = writeln!(md, "|---|---:|---:|");
    let mut figures_json = serde_json::Map::new();
    for name in rounds[0].keys() {
        let mut values = rounds.iter().map(|round| figure(round, name)).collect::<Result<Vec<_>>>()?;
        let (median, low, high) = spread(&mut values);
        figures_json.insert(name.clone(), json!({"median": median, "lowest": low, "highest": high}));
        let _ = writeln!(md, "| {name} | {median:.0} | {low:.0} – {high:.0} |");
    }
    let json = json!({
        "rounds": rounds.len(),
        "round_seconds": round_seconds,
        "ratios": ratio_json,
        "ops_per_second": figures_json,
    });
    Ok(Interleaved { ratios, markdown: md, json })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every contender at 1 000 calls per second, except `overrides`.
    fn round(overrides: &[(&str, f64)]) -> BTreeMap<String, f64> {
        let mut round: BTreeMap<String, f64> =
            COMPARISONS.iter().flat_map(|c| [c.store, c.baseline]).map(|name| (name.to_owned(), 1_000.0)).collect();
        round.extend(overrides.iter().map(|(name, value)| ((*name).to_owned(), *value)));
        round
    }

    #[test]
    fn ratios_are_taken_within_rounds() {
        // The machine slowed everything down in the second round: within each round the store
        // takes twice the bare connection's time, which is what the report must say.
        let rounds = vec![
            round(&[("lookup_token/store/1", 500.0), ("lookup_token/bare_connection/1", 1_000.0)]),
            round(&[("lookup_token/store/1", 100.0), ("lookup_token/bare_connection/1", 200.0)]),
            round(&[("lookup_token/store/1", 400.0), ("lookup_token/bare_connection/1", 800.0)]),
        ];
        let dir = std::env::temp_dir().join(format!("maeve-interleaved-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("interleaved.json");
        std::fs::write(&path, json!({"round_seconds": 1.0, "ops_per_second": rounds}).to_string()).unwrap();
        let report = report(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(report.ratios["pg_lookup_latency_vs_bare_select_c1"], 2.0);
        assert_eq!(report.ratios["pg_lookup_tps_c8_vs_pgbench_select"], 1.0);
        assert_eq!(report.json["ops_per_second"]["lookup_token/store/1"]["lowest"], 100.0);
        assert!(report.markdown.contains("| 2.00 | 2.00 – 2.00 | ≤ 1.15× |"), "{}", report.markdown);
    }

    #[test]
    fn spread_is_median_lowest_highest() {
        assert_eq!(spread(&mut [3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(spread(&mut [4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
    }
}
