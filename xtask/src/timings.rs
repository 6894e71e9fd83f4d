//! CI's step timings: each step's wall-clock seconds, printed as a table at the end of the run
//! (passed or failed) and written to `target/ci-timings.json`, so every closing note can show
//! where CI's time went.

use std::time::Instant;

use crate::command::{Result, workspace_root};

/// The steps run so far, in order, with their seconds and outcome.
#[derive(Debug, Default)]
pub struct Timings {
    steps: Vec<(String, f64, bool)>,
}

impl Timings {
    /// Runs `step`, recording how long it took and whether it passed.
    pub fn step(&mut self, name: &str, step: impl FnOnce() -> Result) -> Result {
        eprintln!("ci: step {name}");
        let started = Instant::now();
        let result = step();
        self.steps.push((name.to_owned(), started.elapsed().as_secs_f64(), result.is_ok()));
        result
    }

    /// The table, then the JSON file; a failure to write the file is reported, not fatal.
    pub fn report(&self) {
        let total: f64 = self.steps.iter().map(|(_, seconds, _)| seconds).sum();
        let width = self.steps.iter().map(|(name, ..)| name.len()).max().unwrap_or(0).max("total".len());
        println!("ci: step timings");
        for (name, seconds, passed) in &self.steps {
            let outcome = if *passed { "" } else { "  FAILED" };
            println!("ci:   {name:<width$} {seconds:>8.1} s{outcome}");
        }
        println!("ci:   {:<width$} {total:>8.1} s", "total");
        let json = serde_json::json!({
            "steps": self.steps.iter().map(|(name, seconds, passed)| serde_json::json!({
                "step": name, "seconds": (seconds * 10.0).round() / 10.0, "passed": passed,
            })).collect::<Vec<_>>(),
            "total_seconds": (total * 10.0).round() / 10.0,
        });
        let path = workspace_root().join("target/ci-timings.json");
        let written = std::fs::create_dir_all(workspace_root().join("target"))
            .and_then(|()| std::fs::write(&path, format!("{json:#}\n")));
        match written {
            Ok(()) => println!("ci: step timings written to {}", path.display()),
            Err(err) => eprintln!("ci: could not write {}: {err}", path.display()),
        }
    }
}
