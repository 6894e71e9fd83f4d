//! Every conformance scenario against SQLite, one test per scenario.

mod common;

store_conformance::conformance_tests!(common::sqlite());
