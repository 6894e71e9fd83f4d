//! Benchmarks live in `benches/store.rs`; `cargo xtask bench` runs them with pgbench and turns
//! criterion's estimates into `target/bench/report.md`, `summary.json` and `scaling.svg`.

use std::time::Duration;

use criterion::Criterion;

/// Whether `MAEVE_BENCH_QUICK` asks for the smoke-test run (`cargo xtask bench --quick`).
pub fn quick() -> bool {
    std::env::var_os("MAEVE_BENCH_QUICK").is_some()
}

/// Criterion's settings for every benchmark file: `measurement` per benchmark in a full run.
pub fn criterion_config(measurement: Duration) -> Criterion {
    let criterion = Criterion::default().configure_from_args();
    if quick() {
        // A smoke test of the benchmarks and the report: criterion's least sample, the
        // shortest times that still give every benchmark a figure. Its statistics (100 000
        // bootstrap resamples) and plots took most of a quick run's time, for figures a
        // smoke test does not read; the estimates the report is built from are still written.
        criterion
            .sample_size(10)
            .warm_up_time(Duration::from_millis(20))
            .measurement_time(Duration::from_millis(50))
            .nresamples(1_000)
            .without_plots()
    } else {
        criterion.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(measurement)
    }
}
