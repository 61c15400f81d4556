//! Runs actions safely: read-only mode refuses here, in the action layer itself, whatever asked
//! (a key, a runbook step, command mode); confirmation is checked here; every execution is audited
//! (intent before, outcome after) and a plan cannot run twice at once.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures_util::FutureExt;
use tokio::sync::mpsc;

use super::audit::AuditLog;
use super::{Outcome, Plan, Request};

/// A line of progress while an action runs (`snapshot creating…`, `export 40 %`).
pub type Progress = mpsc::UnboundedSender<String>;

/// Does the work, against AWS or the simulated fleet.
#[async_trait]
pub trait Operator: Send + Sync {
    /// Who is acting, for the audit log: an AWS identity ARN, or `demo:<user>`.
    async fn caller(&self) -> String;

    /// Reads what the request needs and says exactly what would be done. Changes nothing.
    async fn plan(&self, request: &Request) -> Result<Plan, String>;

    /// Does what the plan says.
    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, String>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// Read-only mode: nothing that changes anything may run.
    ReadOnly,
    /// The typed confirmation does not match.
    NotConfirmed {
        expected: String,
    },
    Unsupported(String),
    /// The same plan is already running (a double key press).
    AlreadyRunning,
    /// The intent could not be recorded, so nothing was done.
    Audit(String),
    Failed(String),
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::ReadOnly => f.write_str(
                "refused: shiftops is in read-only mode (--read-only or [safety] read_only)",
            ),
            ActionError::NotConfirmed { expected } => {
                write!(f, "not confirmed: type {expected:?} to confirm")
            }
            ActionError::Unsupported(why) => write!(f, "not supported: {why}"),
            ActionError::AlreadyRunning => f.write_str("already running"),
            ActionError::Audit(e) => {
                write!(f, "nothing done: the audit log cannot be written: {e}")
            }
            ActionError::Failed(e) => write!(f, "failed: {e}"),
        }
    }
}

impl std::error::Error for ActionError {}

pub struct Actions {
    operator: Arc<dyn Operator>,
    read_only: bool,
    audit: Option<AuditLog>,
    running: Mutex<HashSet<String>>,
}

impl Actions {
    /// `audit` is required unless read-only: an action that cannot be recorded is not taken.
    pub fn new(operator: Arc<dyn Operator>, read_only: bool, audit: Option<AuditLog>) -> Self {
        Self {
            operator,
            read_only,
            audit,
            running: Mutex::new(HashSet::new()),
        }
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// Records that the actions whose outcome was unknown have been verified by hand.
    pub async fn acknowledge_unknown(&self) -> Result<usize, String> {
        let audit = self
            .audit
            .as_ref()
            .ok_or("the audit log is not open (read-only mode)")?;
        let caller = self.operator.caller().await;
        audit
            .acknowledge_unfinished(&caller)
            .map_err(|e| e.to_string())
    }

    /// The preview: allowed in read-only mode, since it changes nothing.
    pub async fn plan(&self, request: &Request) -> Result<Plan, ActionError> {
        self.operator
            .plan(request)
            .await
            .map_err(ActionError::Failed)
    }

    /// Executes a plan the user confirmed by typing `typed`.
    pub async fn execute(
        &self,
        plan: &Plan,
        typed: &str,
        progress: &Progress,
    ) -> Result<Outcome, ActionError> {
        if self.read_only {
            return Err(ActionError::ReadOnly);
        }
        if let Some(why) = &plan.unsupported {
            return Err(ActionError::Unsupported(why.clone()));
        }
        if let Some(expected) = &plan.confirm
            && typed.trim() != expected
        {
            return Err(ActionError::NotConfirmed {
                expected: expected.clone(),
            });
        }
        let key = serde_json::to_string(&plan.request).unwrap_or_default();
        if !self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone())
        {
            return Err(ActionError::AlreadyRunning);
        }
        // A bug that panics mid-action must not wedge the console: the plan can run again, and
        // the intent stays without outcome, so the next start says to verify it.
        let result = std::panic::AssertUnwindSafe(self.audited(plan, progress))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                Err(ActionError::Failed(format!(
                    "internal error: {}; the outcome is unknown: verify",
                    crate::source::refresh::panic_message(panic.as_ref())
                )))
            });
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        result
    }

    async fn audited(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ActionError> {
        let audit = self
            .audit
            .as_ref()
            .ok_or_else(|| ActionError::Audit("no audit log is open".into()))?;
        let caller = self.operator.caller().await;
        let id = audit
            .intent(&caller, plan)
            .map_err(|e| ActionError::Audit(e.to_string()))?;
        let result = self.operator.apply(plan, progress).await;
        // The outcome is recorded even when the action failed; a failure to record it leaves the
        // intent without outcome, which the next start reports.
        let recorded = audit.outcome(&id, &caller, plan, &result);
        let outcome = result.map_err(ActionError::Failed)?;
        recorded.map_err(|e| ActionError::Audit(e.to_string()))?;
        Ok(outcome)
    }
}
