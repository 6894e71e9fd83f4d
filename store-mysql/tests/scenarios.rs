//! Every conformance scenario against MariaDB/MySQL, one test per scenario.

mod common;

store_conformance::conformance_tests!(common::mysql());
