//! The storage contract of maeve-store: domain types, one trait per store, the `Engine`
//! super-trait, the shared error type, the clock, and the validation and certificate hashing
//! that every backend must apply identically (STORE_CONTRACT.md, section R).

pub mod certificate;
pub mod clock;
pub mod error;
pub mod model;
pub mod store;
mod string_enum;
pub mod time;
pub mod validate;

pub use certificate::{certificate_key, install_certificate_id};
pub use clock::{Clock, SystemClock, TestClock};
pub use error::{ErrorKind, StoreError, StoreResult};
pub use model::*;
pub use store::*;
