//! Domain types of the MaEVe data model (STORE_CONTRACT.md R2 and §2).

mod auth;
mod install_certificates;
mod location;
mod ocpi;
mod runtime;
mod settings;
mod token;
mod transaction;
mod trigger;

pub use auth::*;
pub use install_certificates::*;
pub use location::*;
pub use ocpi::*;
pub use runtime::*;
pub use settings::*;
pub use token::*;
pub use transaction::*;
pub use trigger::*;
