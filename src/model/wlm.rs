use serde::Serialize;

use super::Time;

/// The WLM queues of the warehouse (seed 001): daily ELT, learners' ad-hoc analysis, maintenance.
pub const WLM_QUEUES: [&str; 3] = ["batch", "adhoc", "admin"];

/// What a WLM queue is doing now (STV_WLM_QUERY_STATE).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueActivity {
    pub queue: String,
    pub queued: u32,
    pub running: u32,
    /// The longest time a queued query has waited, in seconds.
    pub max_wait_seconds: f64,
}

/// A query running in a WLM queue now (STV_WLM_QUERY_STATE with STV_INFLIGHT), with the process
/// id `CANCEL` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunningQuery {
    pub pid: i64,
    pub queue: String,
    pub user: String,
    pub state: String,
    pub started_at: Time,
    pub sql: String,
}
