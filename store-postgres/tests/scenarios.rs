//! Every conformance scenario against PostgreSQL (DATABASE_URL), one test per scenario.

mod common;

store_conformance::conformance_tests!(common::postgres());
