//! Every conformance scenario against the in-memory backend, one test per scenario.

mod common;

store_conformance::conformance_tests!(common::memory());
