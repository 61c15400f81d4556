//! The only layer that changes anything: recovery actions, their safety (read-only mode,
//! confirmation) and the audit log.

pub mod audit;
pub mod aws;
mod error;
mod export;
mod kind;
mod lock;
mod plan;
mod request;
pub mod rerun;
mod runner;
pub mod sim;
mod state;
pub mod stop;
pub mod wlm;

pub use error::ApplyError;
pub use kind::ActionKind;
pub use lock::{LockError, StateLock};
pub use plan::{Change, Outcome, Plan};
pub use request::{Request, ResyncScope, VACUUM_STATEMENT};
pub use runner::{ActionError, ActionUpdate, Actions, Audited, Executed, Operator, Progress};
pub use state::StateDir;
