//! The storage contract of maeve-store: domain types, one trait per store, the `Engine`
//! super-trait, the shared error type, the clock, and the layer that every backend sits behind.
//!
//! A backend implements [`Storage`] (storage only); [`Store`] wraps it and is the [`Engine`]
//! callers use. The layer validates (R3, R9, R10, R13), normalises, traces, adds error context
//! and records metrics for every backend alike (STORE_CONTRACT.md, section R).

pub mod certificate;
pub mod clock;
pub mod error;
mod exact_f64;
pub mod export;
pub mod grouping;
mod layer;
pub mod model;
pub mod operation;
pub mod redact;
pub mod storage;
pub mod store;
pub mod string_enum;
pub mod time;
pub mod transaction_write;
pub mod validate;

pub use certificate::{certificate_key, install_certificate_id};
pub use clock::{Clock, SystemClock, TestClock};
pub use error::{ErrorKind, StoreError, StoreResult};
pub use export::{ExportImport, Record, RecordKind};
pub use layer::{CALL_DURATION_SECONDS, CALLS_TOTAL, ERRORS_TOTAL, PRUNE_BATCH_TRANSACTIONS, Store};
pub use model::*;
pub use operation::Operation;
pub use redact::redact_url;
pub use storage::*;
pub use store::*;
pub use string_enum::StringEnum;
pub use transaction_write::TransactionWrite;
