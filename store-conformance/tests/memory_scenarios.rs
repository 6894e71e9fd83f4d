//! Every conformance scenario against the in-memory backend, one test per scenario.

store_conformance::conformance_tests!(store_conformance::MemoryBackend);
