//! The conformance suite of maeve-store: every backend runs the same named scenarios (one per
//! contract clause), the same model-based property test and the same differential test, and
//! the suite proves its own strength by killing deliberately broken backends.
//!
//! It names no backend: a backend crate plugs in from its own tests by implementing
//! [`Backend`] (or wrapping a constructor in [`FnBackend`]) and invoking
//! [`conformance_tests!`]; its `<backend>_conformance` example prints the summary line of [`summary::main`].

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

/// Expands to one `#[tokio::test]` per scenario for the backend `$backend` (an expression of a
/// type implementing [`Backend`]), so a failing test names the contract clause it broke.
#[macro_export]
macro_rules! conformance_tests {
    ($backend:expr) => {
        $crate::for_each_scenario!(__scenario_test; $backend);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __scenario_test {
    ($backend:expr; $($group:ident :: $name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let backend = $backend;
                if let Err(failure) = $crate::run_scenario(&backend, |f| Box::pin($crate::scenarios::$group::$name(f))).await {
                    panic!("{} failed on {}: {failure}", stringify!($name), $crate::Backend::name(&backend));
                }
            }
        )*
    };
}
