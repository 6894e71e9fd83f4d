//! Model-based testing: an executable reference model of the contract, random operation
//! sequences over every store method, and runners that compare a backend with the model
//! (property test) or two backends with each other (differential test) after every step.

mod execute;
pub(crate) mod machine;
mod op;
mod reference;
pub(crate) mod strategy;

pub use execute::execute;
pub use machine::{ModelMachine, RunOptions, run_differential, run_model};
pub use op::{Observed, Op};
pub use reference::Model;
