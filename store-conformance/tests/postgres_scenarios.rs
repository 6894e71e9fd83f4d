//! Every conformance scenario against PostgreSQL (DATABASE_URL), one test per scenario.

store_conformance::conformance_tests!(store_conformance::postgres::PostgresBackend);
