//! The only layer that changes anything: recovery actions, their safety (read-only mode,
//! confirmation) and the audit log.

pub mod audit;
pub mod aws;
pub mod rerun;
mod error;
mod kind;
mod plan;
mod request;
mod runner;
pub mod sim;
mod state;
pub mod wlm;

pub use kind::ActionKind;
pub use plan::{Change, Outcome, Plan};
pub use request::{Request, ResyncScope};
pub use error::ApplyError;
pub use runner::{ActionError, ActionUpdate, Actions, Executed, Operator, Progress};
pub use state::StateDir;
