//! The conformance suite of maeve-store: every backend runs the same named scenarios (one per
//! contract clause), the same model-based property test and the same differential test, and
//! the suite proves its own strength by killing deliberately broken backends.
//!
//! It names no backend: a backend crate plugs in by implementing [`Backend`] (or wrapping a
//! constructor in [`FnBackend`]) in its `<backend>_conformance` example, which runs the whole
//! suite once through [`summary::main`] and prints its summary line (`cargo xtask conformance`
//! runs them; each failing scenario, model case, history or mutant is named on stderr).

pub mod backend;
pub mod check;
pub mod fixtures;
pub mod linearizability;
pub mod model;
pub mod mutants;
pub mod runner;
pub mod scenarios;
pub mod summary;

pub use backend::{Backend, Fixture, FnBackend, Instance};
pub use check::{Failure, Outcome};
pub use runner::{ScenarioReport, run_all_scenarios, run_scenario};
pub use scenarios::SCENARIOS;

/// The number of model cases to run: `CONFORMANCE_CASES` if set, else `default`.
/// A value that is not a positive number is an error, not a silent default.
pub fn cases_from_env(default: u32) -> u32 {
    count_from_env("CONFORMANCE_CASES", default)
}

/// The number of concurrent histories to check: `CONFORMANCE_HISTORIES` if set, else `default`.
pub fn histories_from_env(default: u32) -> u32 {
    count_from_env("CONFORMANCE_HISTORIES", default)
}

fn count_from_env(variable: &str, default: u32) -> u32 {
    match std::env::var(variable) {
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(count) if count > 0 => count,
            _ => panic!("{variable} must be a positive number, got {text:?}"),
        },
        Err(_) => default,
    }
}
