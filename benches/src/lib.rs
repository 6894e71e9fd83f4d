//! Benchmarks live in `benches/store.rs`; `cargo xtask bench` runs them with pgbench and turns
//! criterion's estimates into `target/bench/report.md`, `summary.json` and `scaling.svg`.
