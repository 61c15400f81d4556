//! Runs actions safely: read-only mode refuses here, in the action layer itself, whatever asked
//! (a key, a runbook step, command mode); confirmation is checked here; what the preview was based
//! on is read again from AWS right before the call; every execution is audited (intent before,
//! outcome after) and a plan cannot run twice at once.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures_util::FutureExt;
use tokio::sync::mpsc;

use super::audit::AuditLog;
use super::{ApplyError, Outcome, Plan, Request};

/// What the runner reports while an action runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionUpdate {
    /// Every check passed and the intent is in the audit log: the operator's calls begin now.
    Started(Audited),
    /// A line of progress (`snapshot creating…`, `export 40 %`).
    Line(String),
}

/// Where an action's updates go.
#[derive(Debug, Clone)]
pub struct Progress(mpsc::UnboundedSender<ActionUpdate>);

impl Progress {
    pub fn channel() -> (Progress, mpsc::UnboundedReceiver<ActionUpdate>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Progress(sender), receiver)
    }

    /// A line of progress; nobody listening is not an error worth stopping for.
    pub fn send(&self, line: String) -> Result<(), String> {
        self.0
            .send(ActionUpdate::Line(line))
            .map_err(|_| "nobody follows this action's progress".to_string())
    }

    fn started(&self, audited: Audited) {
        let _ = self.0.send(ActionUpdate::Started(audited));
    }
}

/// An action's place in the audit log, as its intent was written: what the incident record cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audited {
    /// The id shared by the action's intent and outcome records.
    pub id: String,
    /// Who acted: the caller's AWS identity ARN, or `demo:<user>`.
    pub caller: String,
}

/// Does the work, against AWS or the simulated fleet.
#[async_trait]
pub trait Operator: Send + Sync {
    /// Who is acting, for the audit log: an AWS identity ARN, or `demo:<user>`.
    async fn caller(&self) -> String;

    /// Reads what the request needs and says exactly what would be done. Changes nothing.
    /// Everything the plan depends on that another operator could change goes into
    /// [`Plan::before`]: the runner plans again right before executing and refuses when it differs.
    async fn plan(&self, request: &Request) -> Result<Plan, String>;

    /// Does what the plan says.
    async fn apply(&self, plan: &Plan, progress: &Progress) -> Result<Outcome, ApplyError>;
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
    /// What the preview was based on changed since (another operator acted): nothing was done.
    Stale(String),
    /// The intent could not be recorded, so nothing was done.
    Audit(String),
    /// It ran and failed; nothing was changed. `recorded`: whether the outcome is in the audit log.
    Failed {
        error: String,
        recorded: bool,
    },
    /// It ran and got no answer: the change may have been made.
    OutcomeUnknown {
        error: String,
        recorded: bool,
    },
}

impl ActionError {
    /// Whether it was refused before anything ran (the preview stays, with the reason).
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            ActionError::Failed { .. } | ActionError::OutcomeUnknown { .. }
        )
    }
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::ReadOnly => f.write_str(
                "refused: this console is read-only for actions (--read-only or [safety] read_only, or another console runs actions from its state dir)",
            ),
            ActionError::NotConfirmed { expected } => {
                write!(f, "not confirmed: type {expected:?} to confirm")
            }
            ActionError::Unsupported(why) => write!(f, "refused: {why}"),
            ActionError::AlreadyRunning => f.write_str("already running"),
            ActionError::Stale(why) => write!(
                f,
                "refused: {why} — this changed since the preview; nothing was done (Esc, then preview again)"
            ),
            ActionError::Audit(e) => {
                write!(f, "nothing done: the audit log cannot be written: {e}")
            }
            ActionError::Failed { error, .. } => write!(f, "failed: {error}"),
            ActionError::OutcomeUnknown { error, .. } => {
                write!(
                    f,
                    "outcome unknown: {error} — no answer, so the change may have been made: verify"
                )
            }
        }
    }
}

impl std::error::Error for ActionError {}

/// An action that ran to its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    pub outcome: Outcome,
    /// Whether the outcome is in the audit log (a full disk can refuse it after the fact).
    pub recorded: bool,
}

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
            .ok_or("the audit log is not open in this console (read-only, or another console runs actions from its state dir)")?;
        let caller = self.operator.caller().await;
        audit
            .acknowledge_unfinished(&caller)
            .map_err(|e| e.to_string())
    }

    /// The preview: allowed in read-only mode, since it changes nothing.
    pub async fn plan(&self, request: &Request) -> Result<Plan, String> {
        self.operator.plan(request).await
    }

    /// Executes a plan the user confirmed by typing `typed`.
    pub async fn execute(
        &self,
        plan: &Plan,
        typed: &str,
        progress: &Progress,
    ) -> Result<Executed, ActionError> {
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
        let result = std::panic::AssertUnwindSafe(self.checked(plan, progress))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                Err(ActionError::OutcomeUnknown {
                    error: format!(
                        "internal error: {}",
                        crate::source::refresh::panic_message(panic.as_ref())
                    ),
                    recorded: false,
                })
            });
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        result
    }

    /// Plans again from what AWS says now: another operator may have acted since the preview.
    async fn checked(&self, plan: &Plan, progress: &Progress) -> Result<Executed, ActionError> {
        let fresh = self
            .operator
            .plan(&plan.request)
            .await
            .map_err(|e| ActionError::Stale(format!("cannot read the current state: {e}")))?;
        if let Some(why) = fresh.unsupported {
            return Err(ActionError::Stale(why));
        }
        if fresh.before != plan.before {
            return Err(ActionError::Stale(format!(
                "{} is no longer as previewed (now: {})",
                plan.target, fresh.before
            )));
        }
        self.audited(plan, progress).await
    }

    async fn audited(&self, plan: &Plan, progress: &Progress) -> Result<Executed, ActionError> {
        let audit = self
            .audit
            .as_ref()
            .ok_or_else(|| ActionError::Audit("no audit log is open".into()))?;
        let caller = self.operator.caller().await;
        let id = audit
            .intent(&caller, plan)
            .map_err(|e| ActionError::Audit(e.to_string()))?;
        progress.started(Audited {
            id: id.clone(),
            caller: caller.clone(),
        });
        let result = self.operator.apply(plan, progress).await;
        // The outcome is recorded even when the action failed; a failure to record it leaves the
        // intent without outcome, which the next start reports, and is said now.
        let logged = result.clone().map_err(|e| e.to_string());
        let recorded = audit.outcome(&id, &caller, plan, &logged).is_ok();
        match result {
            Ok(outcome) => Ok(Executed { outcome, recorded }),
            Err(ApplyError::NotDone(error)) => Err(ActionError::Failed { error, recorded }),
            Err(ApplyError::Unknown(error)) => Err(ActionError::OutcomeUnknown { error, recorded }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::audit::{self, AuditLog};
    use crate::action::{Request, StateDir};
    use tokio::sync::{Notify, oneshot};

    /// An operator whose action waits, once started, until the test lets it finish.
    struct Held {
        started: Arc<Notify>,
        release: Mutex<Option<oneshot::Receiver<()>>>,
    }

    #[async_trait]
    impl Operator for Held {
        async fn caller(&self) -> String {
            "demo:test".into()
        }

        async fn plan(&self, request: &Request) -> Result<Plan, String> {
            Ok(Plan::new(request.clone(), "tenant_b"))
        }

        async fn apply(&self, _plan: &Plan, _progress: &Progress) -> Result<Outcome, ApplyError> {
            self.started.notify_one();
            let release = self.release.lock().unwrap().take().expect("applied once");
            let _ = release.await;
            Ok(Outcome {
                summary: "vacuumed".into(),
                after: serde_json::Value::Null,
            })
        }
    }

    #[tokio::test]
    async fn an_outcome_the_disk_refuses_is_reported_as_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let started = Arc::new(Notify::new());
        let (release, released) = oneshot::channel();
        let operator = Held {
            started: started.clone(),
            release: Mutex::new(Some(released)),
        };
        let actions = Actions::new(
            Arc::new(operator),
            false,
            Some(AuditLog::open(state.lock().unwrap()).unwrap()),
        );
        let request = Request::Vacuum {
            tenant: "tenant_b".into(),
        };
        let plan = actions.plan(&request).await.unwrap();
        let (progress, mut updates) = Progress::channel();
        // The disk fills up while the action runs: the intent is written, the outcome cannot be.
        let fill = async {
            started.notified().await;
            actions.audit.as_ref().unwrap().fill_the_disk();
            release.send(()).unwrap();
        };
        let (executed, ()) = tokio::join!(actions.execute(&plan, "", &progress), fill);
        let executed = executed.unwrap();
        assert!(!executed.recorded, "the outcome is said to be not recorded");
        assert_eq!(executed.outcome.summary, "vacuumed");
        let Ok(ActionUpdate::Started(audited)) = updates.try_recv() else {
            panic!("the start is reported")
        };
        assert_eq!(audited.caller, "demo:test");
        let unfinished = audit::scan(&state.audit_log()).unwrap().unfinished;
        assert_eq!(
            unfinished.len(),
            1,
            "the intent stays for the next start to report"
        );
        assert_eq!(
            unfinished[0].id, audited.id,
            "the start names its audit record"
        );
    }
}
